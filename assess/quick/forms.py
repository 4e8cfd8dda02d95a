"""The CEO's request to run the survey with their team."""

from __future__ import annotations

from wtforms import EmailField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..inputs import Form


class TeamRequestForm(Form):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Your email", validators=[DataRequired(), Length(max=254)])
    company = StringField("Company", validators=[DataRequired(), Length(max=200)])
    team_size = IntegerField("How many people would answer (roughly)",
                             validators=[Optional(), NumberRange(min=1, max=100_000)])


class SelfServeForm(Form):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Your email", validators=[DataRequired(), Length(max=254)])
    company = StringField("Company", validators=[DataRequired(), Length(max=200)])
    password = PasswordField("Choose a password (at least 12 characters)",
                             validators=[DataRequired(), Length(max=200)])

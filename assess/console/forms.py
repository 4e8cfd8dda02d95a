"""The console's forms (Flask-WTF: every POST carries a CSRF token)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..inputs import Form

ACCESS_CHOICES = [
    SelectChoice("both", "Shared link and personal invitations"),
    SelectChoice("link", "Shared link only"),
    SelectChoice("invitation", "Personal invitations only (safest when the CEO answers too)"),
]


class ActionForm(Form):
    """A button that changes something: only the CSRF token."""


class InviteForm(Form):
    email = StringField("Email address", validators=[DataRequired(), Length(max=254)])


class ClientForm(Form):
    name = StringField("Client name", validators=[DataRequired(), Length(max=200)])


class RoundForm(Form):
    title = StringField("Round name", validators=[DataRequired(), Length(max=200)],
                        description="For example “Team survey, spring”.")
    questionnaire = SelectField("Questionnaire", choices=[])
    opens_on = DateField("Opens on", validators=[DataRequired()])
    closes_on = DateField("Closes on (optional)", validators=[Optional()])
    min_group_size = IntegerField(
        "Anonymity threshold (k)", validators=[DataRequired(), NumberRange(
            min=3, max=50, message="Use a threshold of at least 3 (and at most 50): smaller "
                                   "groups would single people out.")],
        description="Results appear only for groups of at least this many people.")
    teams = TextAreaField(
        "Teams and expected headcount (optional)", validators=[Length(max=10_000)],
        description="One per line, e.g. “East: 12”. Response rates use the headcounts.")
    access_mode = SelectField("How people reach the survey", choices=ACCESS_CHOICES)
    ceo_link = StringField(
        "CEO quick-check result (optional)", validators=[Optional(), Length(max=500)],
        description="Paste the link of the CEO's result page to set the CEO's view "
                    "against the team's in the report.")


class DatesForm(Form):
    until = DateField("New closing date", validators=[Optional()])


class InviteCountForm(Form):
    count = IntegerField("How many invitations", validators=[DataRequired(),
                                                             NumberRange(min=1, max=2000)])


class AddressesForm(Form):
    addresses = TextAreaField("Email addresses", validators=[DataRequired(),
                                                             Length(max=200_000)],
                              description="One per line, or separated by commas.")


class ImportForm(Form):
    answers = FileField("Answers CSV")


class CeoLinkForm(Form):
    ceo_link = StringField("CEO quick-check result link", validators=[Length(max=500)])


class CompareForm(Form):
    class Meta:
        csrf = False  # a GET form: it only chooses what to show

    before = SelectField("Before", choices=[])
    after = SelectField("After", choices=[])


class BrandingForm(Form):
    brand_name = StringField("Name on the reports", validators=[Length(max=120)])
    brand_colour = StringField("Accent colour", validators=[
        Optional(), Regexp(r"^#[0-9a-fA-F]{6}$", message="Use a colour like #1f5f8b.")])
    brand_contact = StringField("Contact line", validators=[Length(max=200)],
                                description="e.g. “Jane Doe · jane@northwind.example · "
                                            "+44 20 1234 5678”")
    logo = FileField("Logo (PNG or JPEG, at most 1 MB)")

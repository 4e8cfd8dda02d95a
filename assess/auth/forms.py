from __future__ import annotations

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from ..inputs import Form
from .passwords import MAX_LENGTH, MIN_LENGTH


def _email_field() -> EmailField:
    return EmailField("Email", filters=[lambda v: v.strip().lower() if v else v], validators=[
        DataRequired(), Length(max=254),
        Regexp(r"^[^@\s]+@[^@\s]+$", message="Enter an email address.")])


def _new_password(label: str = "Password") -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), Length(max=MAX_LENGTH)],
                         description=f"At least {MIN_LENGTH} characters. A few unrelated "
                                     "words make a strong password that is easy to remember.")


def _confirmation(of: str) -> PasswordField:
    return PasswordField("The same password again", validators=[
        DataRequired(), EqualTo(of, message="The two passwords are not the same.")])


class LoginForm(Form):
    email = _email_field()
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])


class LogoutForm(Form):
    pass


class SignOutEverywhereForm(Form):
    pass


class AcceptForm(Form):
    name = StringField("Your name", filters=[lambda v: " ".join(v.split()) if v else v],
                       validators=[DataRequired(), Length(max=120)])
    password = _new_password()
    confirm = _confirmation("password")


class ResetRequestForm(Form):
    email = _email_field()


class ResetForm(Form):
    password = _new_password("New password")
    confirm = _confirmation("password")


class ChangePasswordForm(Form):
    current = PasswordField("Current password",
                            validators=[DataRequired(), Length(max=MAX_LENGTH)])
    password = _new_password("New password")
    confirm = _confirmation("password")

"""The survey intro: the role and team a respondent chooses to give (both optional)."""

from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..inputs import Form

TEAM_MAX = 80


class IntroForm(Form):
    role = SelectField("Your role (optional)", validate_choice=True, choices=[])
    team = StringField("Your team (optional)",
                       validators=[Optional(), Length(max=TEAM_MAX)],
                       description="For example a region or a product line.")


class IntroFormWithTeams(IntroForm):
    team = SelectField("Your team (optional)", validate_choice=True, choices=[])


def intro_form(teams: list[str] | None, current: dict[str, str] | None = None) -> IntroForm:
    """The role and team form; `current` shows these values instead of reading the
    request (the review page shows it beside another form)."""
    from questionnaires.vocabulary import ROLE_LABELS  # with NumPy: not at app start

    cls = IntroFormWithTeams if teams else IntroForm
    form = cls() if current is None else cls(formdata=None, data=current)
    form.role.choices = ([SelectChoice("", "Prefer not to say")]
                         + [SelectChoice(r, label) for r, label in ROLE_LABELS.items()])
    if teams:
        form.team.choices = ([SelectChoice("", "Prefer not to say")]
                             + [SelectChoice(t, t) for t in teams])
    return form

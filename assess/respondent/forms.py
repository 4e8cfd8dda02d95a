"""Parsing what respondents send: the intro choices and one page of answers.

Question inputs are named by question key, so they are read from the raw form rather
than declared as WTForms fields; values are then checked by `scoring`'s own validator,
the same one the CSV import uses, so the web can never store what scoring would reject.
"""

from __future__ import annotations

import math

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from questionnaires import ROLES, Question, Questionnaire
from scoring import validate_record

from ..errors import FriendlyError
from .pages import ROLE_LABELS

META_FIELDS = {"csrf_token", "action"}
TEAM_MAX = 80


class IntroForm(FlaskForm):
    role = SelectField("Your role (optional)", validate_choice=True,
                       choices=[SelectChoice("", "Prefer not to say")]
                       + [SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])
    team = StringField("Your team (optional)",
                       validators=[Optional(), Length(max=TEAM_MAX)],
                       description="For example a region or a product line.")


class IntroFormWithTeams(IntroForm):
    team = SelectField("Your team (optional)", validate_choice=True, choices=[])


def intro_form(teams: list[str] | None) -> IntroForm:
    if teams:
        form = IntroFormWithTeams()
        form.team.choices = ([SelectChoice("", "Prefer not to say")]
                             + [SelectChoice(t, t) for t in teams])
        return form
    return IntroForm()


class CsrfForm(FlaskForm):
    """Pages whose inputs are not WTForms fields still render a CSRF token from this."""


def bad_request(message: str) -> FriendlyError:
    return FriendlyError(400, "Something in that form was not right",
                         message + " Nothing was saved. Go back and try again.")


def parse_page(form: MultiDict, q: Questionnaire, questions: tuple[Question, ...],
               text_max: int) -> tuple[dict[str, object], dict[str, str]]:
    """Answers on one page -> (values to store, errors per question key).

    Fields that no honest form can produce (unknown keys, repeated keys, values off a
    radio scale) raise a 400 at once; mistakes a person can make come back as errors.
    """
    allowed = {question.key for question in questions}
    unknown = sorted(set(form.keys()) - allowed - META_FIELDS)
    if unknown:
        shown = ", ".join(repr(k[:40]) for k in unknown[:3])
        raise bad_request(f"The form contained fields that are not questions on this page: "
                          f"{shown}.")
    for key in allowed | META_FIELDS:
        if len(form.getlist(key)) > 1:
            raise bad_request(f"The field {key!r} was sent more than once.")

    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for question in questions:
        raw = form.get(question.key, "").strip()
        scale = q.scale_of(question)
        if raw == "":
            if question.required:
                errors[question.key] = "Please answer this question."
            continue
        if scale.type == "text":
            if len(raw) > text_max:
                errors[question.key] = (f"Please shorten this answer to {text_max} characters "
                                        f"(it has {len(raw)}).")
            else:
                values[question.key] = raw
            continue
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if scale.type == "likert":
            allowed_points = {str(v) for v in range(int(scale.min), int(scale.max) + 1)}
            if raw not in allowed_points:
                raise bad_request(f"{raw[:20]!r} is not one of the choices for question "
                                  f"{question.key!r}.")
            values[question.key] = int(raw)
            continue
        if not math.isfinite(number):
            errors[question.key] = "Please enter a number."
        elif not scale.min <= number <= scale.max:
            errors[question.key] = f"Please enter a number from {scale.min:g} to {scale.max:g}."
        else:
            values[question.key] = int(number) if number.is_integer() else number
    check_with_scoring(values, q)
    return values, errors


def check_with_scoring(values: dict[str, object], q: Questionnaire) -> None:
    """The scoring engine's validator has the last word; disagreement is a 400."""
    errors = validate_record(values, q)
    if errors:
        key, problem = next(iter(errors.items()))
        raise bad_request(f"The answers were not accepted: column {key!r}: {problem}.")

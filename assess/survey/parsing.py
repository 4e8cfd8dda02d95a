"""Reading one page of answers from a form.

Question inputs are named by question key, so they are read from the raw form rather
than declared as WTForms fields. Values are checked by the scale's own rule
(`Scale.problem`), the one the CSV import uses too, so the web can never store what
scoring would reject.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import request
from werkzeug.datastructures import MultiDict

from questionnaires.model import quoted

from ..errors import BadForm
from ..inputs import refuse_uploads

if TYPE_CHECKING:
    from questionnaires import Question, Questionnaire

META_FIELDS = frozenset({"csrf_token", "action", "page"})


def read_post() -> MultiDict:
    """The form of a page whose inputs are not WTForms fields (questions are named by
    key). Its CSRF token was checked before any view ran (`CSRFProtect`), and the page
    has no file field, so an upload refuses it (`inputs.refuse_uploads`)."""
    refuse_uploads()
    return request.form


def form_text(form: MultiDict, key: str) -> str:
    """One text value; anything but a plain string (an upload, a repeat) is refused."""
    values = form.getlist(key)
    if len(values) > 1:
        raise BadForm(f"The field {quoted(key)} was sent more than once.")
    value = values[0] if values else ""
    if not isinstance(value, str):
        raise BadForm(f"The field {quoted(key)} must be text.")
    return value


def parse_page(form: MultiDict, q: Questionnaire, questions: tuple[Question, ...],
               text_max: int) -> tuple[dict[str, object], dict[str, str]]:
    """Answers to `questions` -> (values to store, errors per question key).

    Fields no honest form can produce (unknown keys, repeated keys, values off a radio
    scale) raise BadForm at once; mistakes a person can make come back as errors.
    """
    from questionnaires.model import as_number

    allowed = {question.key for question in questions}
    unknown = sorted(set(form.keys()) - allowed - META_FIELDS)
    if unknown:
        shown = ", ".join(repr(k[:40]) for k in unknown[:3])
        raise BadForm(f"The form contained fields that are not questions on this page: "
                      f"{shown}.")
    for key in META_FIELDS:
        form_text(form, key)
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for question in questions:
        raw = form_text(form, question.key).strip()
        scale = q.scale_of(question)
        if raw == "":
            if question.required:
                errors[question.key] = "Please answer this question."
        elif scale.type == "text":
            if len(raw) > text_max:
                errors[question.key] = (f"Please shorten this answer to {text_max} characters "
                                        f"(it has {len(raw)}).")
            else:
                values[question.key] = raw
        elif scale.type == "likert":
            offered = {value for value, _ in scale.choices() + scale.extra_choices()}
            if raw not in offered:
                raise BadForm(f"{quoted(raw)} is not one of the choices for question "
                              f"{question.key!r}.")
            values[question.key] = raw if raw in dict(scale.extra_choices()) else int(raw)
        elif scale.problem(raw) is not None:
            errors[question.key] = (f"Please enter a number from {scale.min:g} to "
                                    f"{scale.max:g}.")
        else:
            number = as_number(raw) or 0.0
            values[question.key] = int(number) if number.is_integer() else number
    return values, errors

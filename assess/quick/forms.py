"""The CEO quick assessment form: answers from earlier pages ride along as hidden fields,
so nothing is stored until the result exists."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from questionnaires import Question, Questionnaire

from ..respondent.forms import CsrfForm, bad_request, parse_page

QUICK_META = {"csrf_token", "action", "page"}


class QuickForm(CsrfForm):
    pass


def parse_quick(form: MultiDict, q: Questionnaire, questions: tuple[Question, ...],
                text_max: int) -> tuple[dict[str, object], dict[str, str]]:
    """Answers for all questions up to and including the current page."""
    fields = MultiDict([(k, v) for k, v in form.items(multi=True) if k not in QUICK_META])
    for key in ("action", "page"):
        if len(form.getlist(key)) > 1:
            raise bad_request(f"The field {key!r} was sent more than once.")
    return parse_page(fields, q, questions, text_max)

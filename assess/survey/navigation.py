"""Where a button on a question page leads: one pure function for both surveys."""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires.model import quoted

from ..errors import BadForm

ACTIONS = ("next", "back", "save", "review")


@dataclass(frozen=True)
class Step:
    """The destination after a page was accepted.

    `to` is "page" (show page `number`), "end" (the last page was passed: review or
    result), or "saved" (the respondent will finish later); `resume_at` is the 0-based
    page a resume link should open next time (the page count itself means the end).
    """

    to: str
    number: int
    resume_at: int


def navigate(action: str, number: int, total: int, from_review: bool = False) -> Step:
    """Next, back, save for later, or straight back to review.

    A respondent who opened a page from the review page came to change one answer:
    "next" (also what Enter in a text box sends) takes them back there, not on through
    every later section.
    """
    if action not in ACTIONS:
        raise BadForm(f"Unknown button {quoted(action)}.")
    if action == "save":  # from review, the resume link reopens review
        return Step("saved", number, total if from_review else number - 1)
    if action == "review" or (action == "next" and (from_review or number >= total)):
        return Step("end", total, total)
    if action == "back":
        return Step("page", max(number - 1, 1), max(number - 2, 0))
    return Step("page", number + 1, number)

"""How a questionnaire splits into pages for one respondent, and the view models of its
questions and of the review page (templates only loop over these)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from questionnaires import Question, Questionnaire, Scale, Section


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, as in the URL
    section: Section
    questions: tuple[Question, ...]


def pages(q: Questionnaire, role: str | None) -> tuple[Page, ...]:
    """One page per section that has a question for this role (all questions if no sections)."""
    key = (*_identity(q), role)
    if key not in _PAGES:  # published files are immutable: compute once per role
        _PAGES[key] = _pages(q, role)
    return _PAGES[key]


def _identity(q: Questionnaire) -> tuple[str, str, str]:
    return q.ref, q.content_hash, q.path


_PAGES: dict[tuple[str, str, str, str | None], tuple[Page, ...]] = {}
_LONGEST: dict[tuple[str, str, str], int] = {}


def _pages(q: Questionnaire, role: str | None) -> tuple[Page, ...]:
    from questionnaires import Section

    sections = q.sections or (Section(key="", title=q.title),)
    out: list[Page] = []
    for section in sections:
        asked = tuple(x for x in q.questions if x.section == section.key and x.asked_of(role))
        if asked:
            out.append(Page(len(out) + 1, section, asked))
    return tuple(out)


def questions_up_to(all_pages: tuple[Page, ...], number: int) -> tuple[Question, ...]:
    return tuple(x for page in all_pages[:number] for x in page.questions)


def question_count(all_pages: tuple[Page, ...]) -> int:
    return sum(len(page.questions) for page in all_pages)


def longest(q: Questionnaire) -> int:
    """The most questions any one role is asked (what the questionnaire's minutes are for)."""
    key = _identity(q)
    if key not in _LONGEST:  # asked by every page's progress bar
        _LONGEST[key] = max(question_count(pages(q, role)) for role in (None, *q.roles))
    return _LONGEST[key]


def minutes_for(q: Questionnaire, questions: int) -> int:
    """The questionnaire's `minutes`, scaled from its longest role to `questions` and
    rounded up: a respondent is better told a minute too many than too few."""
    most = longest(q)
    if questions <= 0 or most <= 0 or q.minutes <= 0:
        return 0
    return max(1, math.ceil(q.minutes * questions / most))


@dataclass(frozen=True)
class Progress:
    """Where a respondent is, counted in the questions their role is asked."""

    number: int  # this page
    pages: int
    title: str  # this page's section
    first: int  # 1-based number of this page's first question
    total: int
    minutes_left: int

    @property
    def done(self) -> int:
        return self.first - 1


def progress(q: Questionnaire, all_pages: tuple[Page, ...], number: int) -> Progress:
    before = question_count(all_pages[:number - 1])
    total = question_count(all_pages)
    page = all_pages[number - 1]
    return Progress(number, len(all_pages), page.section.title, before + 1, total,
                    minutes_for(q, total - before))


class Choice(NamedTuple):
    value: str
    label: str


class QuestionView(NamedTuple):
    """Everything the field macro needs for one question; no lookups in templates. A
    named tuple, not a dataclass: a page makes one per question and its markup is kept
    by it (`survey.markup`), and a tuple is made and hashed in C."""

    key: str
    text: str
    help: str
    kind: str  # likert | number | text
    required: bool
    value: str
    error: str
    choices: tuple[Choice, ...] = ()
    extra_choices: tuple[Choice, ...] = ()  # e.g. "Don't know", set apart from the scale
    min: str = ""
    max: str = ""
    unit: str = ""


def _fmt(number: float | None) -> str:
    return "" if number is None else f"{number:g}"


def question_views(q: Questionnaire, questions: tuple[Question, ...], values: dict,
                   errors: dict[str, str] | None = None) -> list[QuestionView]:
    errors = errors or {}
    out = []
    for question in questions:
        scale = q.scale_of(question)
        value = values.get(question.key, "")
        choices, extra_choices, low, high = _scale_view(scale)
        out.append(QuestionView(
            key=question.key, text=question.text, help=question.help, kind=scale.type,
            required=question.required, value="" if value is None else str(value),
            error=errors.get(question.key, ""), choices=choices, extra_choices=extra_choices,
            min=low, max=high, unit=scale.unit))
    return out


@functools.lru_cache(maxsize=256)
def _scale_view(scale: Scale) -> tuple[tuple[Choice, ...], tuple[Choice, ...], str, str]:
    """A scale's choices and bounds as its questions show them: made once per scale,
    not for every question of every page."""
    return (tuple(Choice(v, label) for v, label in scale.choices()),
            tuple(Choice(v, label) for v, label in scale.extra_choices()),
            _fmt(scale.min), _fmt(scale.max))


class ReviewRow(NamedTuple):  # one per question on the review page: a tuple is quick
    key: str
    text: str
    answer: str


@dataclass(frozen=True)
class ReviewSection:
    number: int
    title: str
    rows: tuple[ReviewRow, ...]
    missing_required: int

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.answer)


def review(q: Questionnaire, role: str | None, answers: dict) -> list[ReviewSection]:
    out = []
    for page in pages(q, role):
        rows = tuple(ReviewRow(x.key, x.text, q.scale_of(x).display(answers.get(x.key)))
                     for x in page.questions)
        missing = sum(1 for x in page.questions if x.required and x.key not in answers)
        out.append(ReviewSection(page.number, page.section.title, rows, missing))
    return out


@dataclass(frozen=True)
class Completion:
    """How much of what this respondent is asked has an answer ("Don't know" counts: it
    is a deliberate answer, even though it is not scored)."""

    answered: int  # scored questions answered
    asked: int  # scored questions asked of this role
    given: int  # questions answered, free text included
    total: int  # questions asked, free text included
    complete: bool  # the questionnaire's rule (`Questionnaire.complete`)

    @property
    def anything(self) -> bool:
        return self.given > 0

    @property
    def under_half(self) -> bool:
        return not self.complete


def completion(q: Questionnaire, role: str | None, all_pages: tuple[Page, ...],
               answers: dict) -> Completion:
    asked = [x for page in all_pages for x in page.questions]
    given = {x.key for x in asked if answers.get(x.key) not in (None, "")}
    scored = [x for x in asked if q.scale_of(x).scored]
    return Completion(sum(1 for x in scored if x.key in given), len(scored), len(given),
                      len(asked), q.complete(role, answers))


@dataclass(frozen=True)
class PageChange:
    """What a new role changes: section titles now asked, no longer asked, or asked with
    other questions."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def role_change(q: Questionnaire, old: str | None, new: str | None) -> PageChange:
    before = {page.section.key: page for page in pages(q, old)}
    after = {page.section.key: page for page in pages(q, new)}

    def keys(page: Page) -> set[str]:
        return {x.key for x in page.questions}

    return PageChange(
        added=tuple(page.section.title for key, page in after.items() if key not in before),
        removed=tuple(page.section.title for key, page in before.items() if key not in after),
        changed=tuple(page.section.title for key, page in after.items()
                      if key in before and keys(page) != keys(before[key])))

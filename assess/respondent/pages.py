"""How a questionnaire splits into pages for one respondent, and how answers read back."""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires import Question, Questionnaire, Section

ROLE_LABELS = {
    "ceo": "CEO / founder / managing director",
    "leader": "Sales leader (VP, head of sales)",
    "manager": "Sales manager / team lead",
    "rep": "Sales rep / account executive",
    "support": "Sales support / customer success",
    "marketing": "Marketing",
    "operations": "Operations / delivery",
    "other": "Other",
}


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, as in the URL
    section: Section
    questions: tuple[Question, ...]


def pages(q: Questionnaire, role: str | None) -> list[Page]:
    """One page per section that has a question for this role (all questions if no sections)."""
    key = (q.key, q.version, q.content_hash, role)
    if key not in _PAGES:
        _PAGES[key] = _pages(q, role)
    return list(_PAGES[key])


_PAGES: dict[tuple[str, int, str, str | None], list[Page]] = {}  # published files are immutable


def _pages(q: Questionnaire, role: str | None) -> list[Page]:
    sections = q.sections or (Section(key="", title=q.title),)
    out: list[Page] = []
    for section in sections:
        asked = tuple(x for x in q.questions if x.section == section.key and x.asked_of(role))
        if asked:
            out.append(Page(len(out) + 1, section, asked))
    return out


def display(q: Questionnaire, question: Question, value: object) -> str:
    """An answer as the respondent chose it (the label, not the number)."""
    if value is None or value == "":
        return ""
    scale = q.scale_of(question)
    if scale.type == "likert" and scale.labels and scale.min is not None:
        index = int(float(value)) - int(scale.min)  # type: ignore[arg-type]
        if 0 <= index < len(scale.labels):
            return f"{scale.labels[index]} ({value})"
    if scale.type == "number" and scale.unit:
        return f"{value} {scale.unit}"
    return str(value)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class QuestionView:
    """Everything the field macro needs for one question; no lookups in templates."""

    key: str
    text: str
    help: str
    kind: str  # likert | number | text
    required: bool
    value: str
    error: str
    choices: tuple[Choice, ...] = ()
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
        choices: tuple[Choice, ...] = ()
        if scale.type == "likert":
            points = range(int(scale.min), int(scale.max) + 1)
            labels = scale.labels or tuple(str(p) for p in points)
            choices = tuple(Choice(str(p), label) for p, label in zip(points, labels, strict=True))
        value = values.get(question.key, "")
        out.append(QuestionView(
            key=question.key, text=question.text, help=question.help, kind=scale.type,
            required=question.required, value="" if value is None else str(value),
            error=errors.get(question.key, ""), choices=choices, min=_fmt(scale.min),
            max=_fmt(scale.max), unit=scale.unit))
    return out


@dataclass(frozen=True)
class ReviewRow:
    key: str
    text: str
    answer: str


@dataclass(frozen=True)
class ReviewSection:
    number: int
    title: str
    rows: tuple[ReviewRow, ...]
    missing_required: int


def review(q: Questionnaire, role: str | None, answers: dict) -> list[ReviewSection]:
    out = []
    for page in pages(q, role):
        rows = tuple(ReviewRow(x.key, x.text, display(q, x, answers.get(x.key)))
                     for x in page.questions)
        missing = sum(1 for x in page.questions if x.required and x.key not in answers)
        out.append(ReviewSection(page.number, page.section.title, rows, missing))
    return out

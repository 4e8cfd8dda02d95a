"""The one place numbers and keys become text, for pages, PDFs and the CLI table.

A score is printed as `questionnaires.model.displayed` rounds it, the same rounding the
questionnaire's bands and weak line use, so a printed "60" never sits beside "weak".
"""

from __future__ import annotations

import math
from datetime import date

from questionnaires.model import displayed
from questionnaires.vocabulary import KIND_LABELS, OWNER_LABELS, ROLE_LABELS, ROLE_SHORT

DASH = "\u2013"  # shown for "no value"


def fmt(value: float | int | None, style: str = "score") -> str:
    """Format a number for display.

    score/sd: whole points on 0-100; delta/gap: signed whole points; p: three decimals;
    alpha: two decimals; pct: a 0..1 share as a whole percent; int: as is; count: with
    thousands separators (5,000); value: a raw
    answer (days, percent) as it would be written by hand.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if style in ("score", "sd"):
        return str(displayed(float(value)))
    if style in ("delta", "gap"):
        shown = displayed(float(value))
        return f"{shown:+d}" if shown else "0"
    if style == "p":
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    if style == "alpha":
        return f"{value:.2f}"
    if style == "pct":
        return f"{displayed(100 * float(value))}%"
    if style == "int":
        return f"{int(value)}"
    if style == "count":
        return f"{int(value):,}"
    if style == "value":
        return f"{value:.1f}".removesuffix(".0")
    raise ValueError(f"unknown number style {style!r}")


def owner(key: str) -> str:
    return OWNER_LABELS.get(key, key.replace("_", " ").capitalize())


def kind(key: str) -> str:
    return KIND_LABELS.get(key, key.capitalize())


def role(key: str, *, short: bool = False) -> str:
    """A role as people say it; "unspecified" for respondents who did not give one."""
    if key == "unspecified":
        return "Role not given"
    return (ROLE_SHORT if short else ROLE_LABELS).get(key, key)


def horizon(days: int) -> str:
    return f"within {days} days"


def day(value: date) -> str:
    """A date as people write it: 30 September 2025."""
    return f"{value.day} {value:%B %Y}"


def period(start: date, end: date) -> str:
    """A span of days as short as it reads unambiguously: "1–19 September 2025",
    "28 August – 19 September 2025", "12 December 2025 – 9 January 2026"."""
    if end < start:
        start, end = end, start
    if start == end:
        return day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{DASH}{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} {DASH} {day(end)}"
    return f"{day(start)} {DASH} {day(end)}"

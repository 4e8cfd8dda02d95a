"""The one place numbers become text in a report.

Templates print every figure through `fmt` (the Jinja filter of the same name), so a
test can format the engine's numbers with this function and look for exactly those
strings in the PDF.
"""

from __future__ import annotations

import math

OWNERS = {"ceo": "CEO", "sales_leader": "Sales leader", "sales_ops": "Sales operations",
          "hr": "HR", "marketing": "Marketing"}
KINDS = {"foundation": "Foundation ladder", "ecosystem": "Sales ecosystem",
         "culprit": "Culture culprit", "process": "Sales process",
         "gap": "Perception gap", "agreement": "Disagreement"}
DASH = "\u2013"  # shown for "no value"


def fmt(value: float | int | None, style: str = "score") -> str:
    """Format a number for display.

    score/sd: whole points on 0-100; delta/gap: signed, one decimal; p: three decimals;
    alpha: two decimals; pct: a 0..1 share as a whole percent; int: as is; value: a raw
    answer (days, percent) as it would be written by hand.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if style in ("score", "sd"):
        return f"{value:.0f}"
    if style in ("delta", "gap"):
        return f"{value:+.1f}"
    if style == "p":
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    if style == "alpha":
        return f"{value:.2f}"
    if style == "pct":
        return f"{100 * value:.0f}%"
    if style == "int":
        return f"{int(value)}"
    if style == "value":
        return f"{value:.1f}".removesuffix(".0")
    raise ValueError(f"unknown number style {style!r}")


def owner(key: str) -> str:
    return OWNERS.get(key, key.replace("_", " ").capitalize())


def kind(key: str) -> str:
    return KINDS.get(key, key.capitalize())

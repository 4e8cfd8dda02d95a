"""What text the product accepts, wherever it comes from (a form, a query, a CSV cell).

Any printable character in any script, including zero-width joiners and right-to-left
text. Not accepted: control characters (NUL, escape — terminal colour codes — the rest
of C0, DEL and C1), the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
U+2066-U+2069, which make text *look* different from what it is), surrogates and the
non-characters U+FFFE and U+FFFF; and in a one-line value (a name, a team, a query
parameter) no tab or line break either. The web refuses such text with a 400
(`assess.inputs`), the answers CSV with an `AnswersError` naming the cell; what goes out
(`assess.answers_io`) is cleaned with `printable`, for text stored before this rule.
"""

from __future__ import annotations

import re

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = "\u202a-\u202e\u2066-\u2069"
_OTHER = "\ud800-\udfff\ufffe\uffff"
NOT_TEXT = re.compile(f"[{_CONTROLS}{_BIDI}{_OTHER}]")
NOT_ONE_LINE = re.compile(f"[\t\n\r{_CONTROLS}{_BIDI}{_OTHER}]")


def text_problem(value: str, *, multiline: bool = True) -> str | None:
    """Why `value` is not acceptable text, or None."""
    found = (NOT_TEXT if multiline else NOT_ONE_LINE).search(value)
    if found is None:
        return None
    char = found.group()
    if char in "\t\n\r":
        return "a line break or tab where one line is expected"
    return f"a character that cannot be shown (U+{ord(char):04X})"


def printable(value: str, *, multiline: bool = True) -> str:
    """`value` without what `text_problem` refuses (one-line: line breaks become spaces)."""
    if multiline:
        return NOT_TEXT.sub("", value)
    return NOT_TEXT.sub("", re.sub(r"[\t\n\r]+", " ", value))

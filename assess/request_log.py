"""Log lines that name nobody: no client address, no link token, no query string.

Link tokens live in paths (`/s/<token>`, `/i/<token>`, `/r/<token>/...`,
`/quick/result/<token>`, `/invite/<token>`, `/reset/<token>`), so a request is logged by
the route it matched (`/r/<token>/section/<int:number>`), never by its raw path, and a
path that matched no route is cut to its first segment (`/wp-admin/...`). Query strings
and referrers (which repeat a previous page's path) are never logged. `assess serve`
logs this way, and gunicorn through `assess.gunicorn_logger.Logger`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from flask import request

ROUTE = "assess.route"  # the WSGI environ key of the route rule a request matched
# The longest first segment logged for a path that matched no route: enough for
# `/apple-touch-icon.png`, shorter than any link token (32 characters).
FIRST_SEGMENT_MAX = 20
UNSAFE = re.compile(r'[^\x21-\x7e]|["\\]')  # spaces, controls, quotes, non-ASCII
# gunicorn's "Invalid request from ip=ADDRESS: error" (the only client address it logs).
CLIENT_ADDRESS = re.compile(r"\bip=\S*?(?=:\s|:?$)")
# An absolute path inside a message (a request line quoted in an error), not a URL's
# `//host` nor a `HTTP/1.1`.
PATH_IN_TEXT = re.compile(r"(?<![\w/:.])/[^\s'\"]*")


def redact_path(path: str) -> str:
    """A path that matched no route, cut to its first segment: `/wp-admin/...`."""
    if not path:
        return "-"
    first, slash, rest = path.lstrip("/").partition("/")
    if len(first) > FIRST_SEGMENT_MAX:
        return "/..."
    first = UNSAFE.sub("?", first)
    return f"/{first}/..." if rest else f"/{first}{slash}"


def note_route(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Keep the matched route rule in the WSGI environ, where the server reads it when it
    writes the log line (Flask takes its request object out of the environ by then).
    A URL value preprocessor of the app: it runs before any `before_request`."""
    if request.url_rule is not None:
        request.environ[ROUTE] = request.url_rule.rule


def logged_path(environ: Mapping[str, Any]) -> str:
    """The route rule a request matched, else its redacted path (a request refused before
    routing, by the app or by the server itself)."""
    return str(environ.get(ROUTE) or redact_path(str(environ.get("PATH_INFO") or "")))


def scrub_message(text: str) -> str:
    """An error message without the client's address and with every path redacted."""
    text = CLIENT_ADDRESS.sub("ip=-", text)
    return PATH_IN_TEXT.sub(lambda match: redact_path(match.group()), text)


class Scrub(logging.Filter):
    """Rewrites each record's message with `scrub_message` (the traceback is kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format: log it unformatted, scrubbed
            message = str(record.msg)
        record.msg, record.args = scrub_message(message), None
        return True


SCRUB = Scrub()


def scrub_logger(name: str) -> None:
    """Scrub every message logged to `name` (Flask's app logger is "assess": it names
    the path of a request that raised)."""
    logging.getLogger(name).addFilter(SCRUB)

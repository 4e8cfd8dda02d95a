"""Refusals a visitor can cause, and the pages that explain them.

Operations raise the domain exceptions below (plain Python, usable from the CLI too);
`register` maps each class to a page, so no view matches exception text to pick a status.
Every page says what happened in plain words and what to do next; no codes, no library
messages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class AppError(Exception):
    """A refusal with a message fit to show to the person who caused it."""

    status = 400
    title = "Something in that request was not right"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class BadForm(AppError):
    """A form no honest page can produce (unknown fields, values off a scale)."""

    title = "Something in that form was not right"

    def __init__(self, message: str) -> None:
        super().__init__(message + " Nothing was saved. Go back and try again.")


class UnknownLink(AppError):
    status = 404
    title = "We don't recognise this link"

    def __init__(self) -> None:
        super().__init__(
            "Check that you opened the whole link from your message: links are long and "
            "sometimes get cut off. If it still does not work, ask the person who sent it.")


class DraftGone(AppError):
    status = 404
    title = "This link is not active"

    def __init__(self) -> None:
        super().__init__(
            "If you already submitted your answers: thank you, they are safely stored and this "
            "link has done its job. Otherwise the link may be incomplete or may have expired "
            "(unsent answers are kept for 30 days).")


class InvitationUsed(AppError):
    status = 410
    title = "This invitation has already been used"

    def __init__(self) -> None:
        super().__init__(
            "Your answers from this invitation were already sent, so it cannot start the "
            "survey again. Thank you for taking part. If you did not send them yourself, let "
            "the person who invited you know.")


class RoundNotOpen(AppError):
    """The survey exists but is not taking answers now."""

    def __init__(self, state: str, opens_at: datetime | None = None) -> None:
        self.state = state
        if state == "not_open" and opens_at is not None:
            self.status, self.title = 403, "This survey is not open yet"
            super().__init__(f"It opens on {opens_at:%d %B %Y}. Your link will work from "
                             "then: keep it and come back.")
        else:
            self.status, self.title = 410, "This survey has closed"
            super().__init__("Answers are no longer being collected for this survey. Thank "
                             "you for your time.")


class NotFound(AppError):
    """An object that does not exist, or that this account may not see (same answer)."""

    status = 404
    title = "We could not find that"


class Forbidden(AppError):
    """Signed in, but this account's role may not do that (a client user changing a round)."""

    status = 403
    title = "Not available to your account"


class BelowThreshold(AppError):
    """Results would reveal individuals: fewer answers than the anonymity threshold."""

    status = 409
    title = "Not enough answers yet"

    def __init__(self, what: str, n: int, k: int) -> None:
        self.n, self.k = n, k
        super().__init__(f"{what} has {n} answer(s); results need at least {k} (the "
                         "anonymity threshold), so that nobody's answers can be singled out.")


TITLES = {
    400: "Something in that request was not right",
    403: "Not available",
    404: "We could not find that page",
    405: "That did not work",
    410: "This link is no longer active",
    413: "That was too much to send",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}
MESSAGES = {
    400: "Go back and try again.",
    404: "The address may be incomplete or mistyped.",
    405: "That page cannot be used this way. Go back and use the buttons on the page.",
    413: "The form you sent is larger than we accept. Shorten your longest answers and try "
         "again.",
    429: "You opened links too quickly. Wait a minute, then try again.",
    500: "Your answers are safe up to the last page you saved. Please try again in a moment.",
}


@dataclass(frozen=True)
class NextStep:
    """The one button an error page offers."""

    url: str
    label: str


# Refusals that no button can help with: the message says what to do (or that nothing
# needs doing), and a link to the CEO's start page would only lead a respondent astray.
NO_WAY_ON = (UnknownLink, DraftGone, InvitationUsed, RoundNotOpen)


def next_step(error: Exception) -> NextStep | None:
    """Where to go from an error page: decided by the error and by where it happened."""
    from flask import url_for

    if isinstance(error, NO_WAY_ON):
        return None
    if isinstance(error, CSRFError) or getattr(error, "code", None) == 429:
        rule = request.url_rule
        if rule is not None and "GET" in (rule.methods or ()):
            return NextStep(request.full_path.rstrip("?"), "Reload the page")
    token = (request.view_args or {}).get("token")
    if request.blueprint == "respondent" and token and request.path.startswith("/r/"):
        return NextStep(url_for("respondent.resume", token=token), "Go back to your survey")
    if request.blueprint == "respondent":
        return None  # a shared or invitation link: the message says what to do
    if request.blueprint == "quick":
        return NextStep(url_for("quick.start"), "Go to the start of the CEO check")
    if request.blueprint == "console":
        return NextStep(url_for("console.home"), "Back to the console")
    if request.blueprint == "auth":
        return NextStep(url_for("auth.login"), "Back to sign-in")
    return NextStep(url_for("site.landing"), "Go to the start page")


def render_error(status: int, title: str, message: str, error: Exception):
    return render_template("errors/error.html", title=title, message=message,
                           next=next_step(error),
                           in_survey=request.blueprint == "respondent"), status


RETRY_AFTER = 5  # seconds: a database restart or fail-over takes about that long
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Back in a moment</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main class="page"><section class="card notice">
<h1>Back in a moment</h1>
<p>We cannot reach our database just now. Everything you saved before is safe; this
last step was not saved yet. Wait a few seconds, then reload the page (or send the form
again).</p></section></main></body></html>
"""


def database_went_away(error: sa.exc.DBAPIError) -> bool:
    """A restart, fail-over or network fault, not a bug: the server refused or cut the
    connection (any other database error is a bug, and stays a 500)."""
    return isinstance(error, sa.exc.OperationalError) or error.connection_invalidated


def database_unavailable(error: Exception) -> Response:
    """A plain 503 that needs neither the database nor a template's context (the console's
    context reads the signed-in account, from the database that is down)."""
    from .extensions import db

    logging.getLogger("assess").warning("database unavailable: %s",
                                        type(getattr(error, "orig", error)).__name__)
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        pass
    return Response(UNAVAILABLE_PAGE, 503, mimetype="text/html",
                    headers={"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"})


def _forget_body() -> None:
    """A body too large to read is not read again: the error page's forms (the console's
    sign-out button) would otherwise parse it once more and fail inside the handler."""
    from werkzeug.datastructures import ImmutableMultiDict

    cached = request._get_current_object().__dict__  # type: ignore[attr-defined]
    cached["form"], cached["files"] = ImmutableMultiDict(), ImmutableMultiDict()


def register(app: Flask) -> None:
    @app.errorhandler(sa.exc.DBAPIError)
    def _database(error: sa.exc.DBAPIError):
        """The database went away: 503, try again soon."""
        if database_went_away(error):
            return database_unavailable(error)
        raise error

    @app.teardown_appcontext
    def _end_session(_error: BaseException | None) -> None:
        """End the request's transaction before Flask-SQLAlchemy does (teardowns run last
        registered first). The page is made by then; if the database went away meanwhile,
        the ROLLBACK fails, yet the server has ended the transaction already: not a 500."""
        from .extensions import db

        try:
            db.session.remove()
        except sa.exc.DBAPIError as error:
            if not database_went_away(error):
                raise
            logging.getLogger("assess").warning(
                "database went away after the page was made: %s",
                type(getattr(error, "orig", error)).__name__)
            db.session.registry.clear()  # its connection was invalidated, not pooled

    @app.errorhandler(sa.exc.DisconnectionError)
    def _disconnected(error: sa.exc.DisconnectionError):
        return database_unavailable(error)

    @app.errorhandler(sa.exc.TimeoutError)
    def _pool_exhausted(error: sa.exc.TimeoutError):
        return database_unavailable(error)

    @app.errorhandler(AppError)
    def _app_error(error: AppError):
        return render_error(error.status, error.title, error.message, error)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, "This form has expired",
                            "For your security a form works only in the browser that opened "
                            "its page. Nothing was saved: reload the page, then send it "
                            "again.", error)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        if status == 413:
            _forget_body()
        return render_error(status, TITLES.get(status, "That did not work"),
                            MESSAGES.get(status, ""), error)

"""Friendly error pages. Every error a visitor can cause gets a page that says what to do."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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


class FriendlyError(HTTPException):
    """An HTTP error with a page title and an explanation written for the visitor."""

    def __init__(self, code: int, title: str, message: str, *, template: str | None = None,
                 context: dict | None = None) -> None:
        super().__init__(description=message)
        self.code = code
        self.title = title
        self.template = template
        self.context = context or {}


def render_error(code: int, title: str, message: str, template: str | None = None,
                 **context: object):
    return render_template(template or "errors/error.html", code=code, title=title,
                           message=message, **context), code


def register(app: Flask) -> None:
    @app.errorhandler(FriendlyError)
    def _friendly(error: FriendlyError):
        return render_error(error.code, error.title, error.description or "", error.template,
                            **error.context)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, "This form has expired",
                            "For your security each form works only from the page that showed "
                            "it. Go back, reload the page and send it again. ("
                            f"{error.description})")

    @app.errorhandler(413)
    def _too_large(_error: HTTPException):
        return render_error(413, TITLES[413],
                            "The form you sent is larger than we accept. Shorten your longest "
                            "answers and try again.")

    @app.errorhandler(429)
    def _too_many(_error: HTTPException):
        return render_error(429, TITLES[429],
                            "You opened survey links too quickly. Wait a minute, then try "
                            "again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        code = error.code or 500
        message = error.description or ""
        if code == 404 and request.blueprint is None:
            message = "Check the address, or go back to the start page."
        return render_error(code, TITLES.get(code, "That did not work"), message)

    @app.errorhandler(InternalServerError)
    def _internal(_error: HTTPException):
        return render_error(500, TITLES[500],
                            "Your answers are safe up to the last page you saved. Please try "
                            "again in a moment.")

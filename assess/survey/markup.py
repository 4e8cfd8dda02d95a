"""A question's markup, rendered once and kept: the survey's pages are mostly the same
fieldsets over and over.

A question's HTML depends only on its view model (`paging.QuestionView`, a named
tuple) and its number on the page, so the `question` macro's output is kept per app in
a bounded LRU cache. Only markup that carries no respondent's words is kept: a chosen
point of a scale (one of a handful) is, a typed number or text and an error message
are not, so nobody's answer lingers in a worker's memory after its request. With
templates auto-reloading (debug), nothing is kept.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from flask import Flask

    from .paging import QuestionView

CACHE_SIZE = 4096  # questions x choices x numbering per role: a few hundred in practice


def keepable(item: QuestionView) -> bool:
    """Whether this question's markup holds nothing a respondent typed."""
    return not item.error and (item.kind == "likert" or not item.value)


class QuestionMarkup:
    """`question_html(item, number)` for templates: the `question` macro, cached."""

    def __init__(self, app: Flask, size: int = CACHE_SIZE) -> None:
        self.app = app
        self.kept = lru_cache(maxsize=size)(self.render)  # thread-safe, bounded

    def render(self, item: QuestionView, number: int) -> Markup:
        macro = self.app.jinja_env.get_template("_macros.html").module.question  # type: ignore[attr-defined]
        return Markup(macro(item, number))

    def __call__(self, item: QuestionView, number: int) -> Markup:
        if self.app.jinja_env.auto_reload or not keepable(item):
            return self.render(item, number)
        return self.kept(item, number)


def install(app: Flask) -> None:
    app.jinja_env.globals["question_html"] = QuestionMarkup(app)

"""Helpers shared by CLI commands: bad input exits with code 2 and a message."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from questionnaires import Questionnaire
    from scoring import Answers



class BadInput(click.ClickException):
    """Input the user can fix: printed as `error: ...`, exit code 2, no traceback."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message


def questionnaire_option(ref: str) -> Questionnaire:
    from questionnaires import QuestionnaireError, load_ref

    try:
        return load_ref(ref)
    except QuestionnaireError as exc:
        raise BadInput(f"--questionnaire: {exc}") from None


def read_answers(path: str | Path, q: Questionnaire, *, apply_lineage: bool = False) -> Answers:
    from scoring import AnswersError

    from ..answers_io import read_answers_csv

    try:
        return read_answers_csv(path, q, apply_lineage=apply_lineage)
    except AnswersError as exc:
        raise BadInput(f"{path}: {exc}") from None

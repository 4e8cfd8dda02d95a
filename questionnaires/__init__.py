"""Versioned questionnaires: the YAML files and the loader that validates them.

Imports nothing of ours, so scoring, the web app and notebooks can all use it.
"""

from .loader import QuestionnaireError, discover, load, load_all, load_file, load_ref, parse
from .model import (
    Analysis,
    Band,
    Dimension,
    Fix,
    Group,
    Question,
    Questionnaire,
    Rule,
    Scale,
    Section,
)
from .vocabulary import ROLES

__all__ = [
    "ROLES",
    "Analysis",
    "Band",
    "Dimension",
    "Fix",
    "Group",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Rule",
    "Scale",
    "Section",
    "discover",
    "load",
    "load_all",
    "load_file",
    "load_ref",
    "parse",
]

"""Versioned questionnaires: the YAML files and the loader that validates them.

Imports nothing of ours, so scoring, the web app and notebooks can all use it.
"""

from .document import QuestionnaireError, parse
from .files import ROOT, discover, load, load_all, load_file, load_ref
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
    "ROOT",
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

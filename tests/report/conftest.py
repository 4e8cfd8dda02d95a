"""Fixtures for the report tests: demo inputs and their rendered PDF, built once."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from assess.report import Branding, build_team_report
from assess.report.samples import demo

DAY = date(2025, 9, 30)


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text with runs of whitespace collapsed to one space."""
    reader = PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def sample_report(d, **overrides) -> bytes:
    """The sample round's report with everything a consultant passes."""
    options = dict(org="Acme Widgets Ltd", round_name="Q3 2025",
                   consultant=Branding("Northwind Advisory"), response_rate=0.8,
                   previous_results=d.previous_results, generated_on=DAY,
                   fieldwork=d.fieldwork, contact=d.contact, comments=d.comments)
    options.update(overrides)
    return build_team_report(d.result, d.q, **options)


@pytest.fixture(scope="session")
def team_demo():
    return demo(40)


@pytest.fixture(scope="session")
def team_pdf(team_demo) -> bytes:
    return sample_report(team_demo)


@pytest.fixture(scope="session")
def team_pages(team_pdf) -> list[str]:
    return pdf_pages(team_pdf)


@pytest.fixture(scope="session")
def team_text(team_pages) -> str:
    return " ".join(team_pages)

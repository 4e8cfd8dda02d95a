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


@pytest.fixture(scope="session")
def team_demo():
    return demo(40)


@pytest.fixture(scope="session")
def team_pdf(team_demo) -> bytes:
    return build_team_report(
        team_demo.result, team_demo.q, org="Acme Widgets Ltd", round_name="Q3 2025",
        consultant=Branding("Northwind Advisory"), response_rate=0.8,
        previous_results=team_demo.previous_results, generated_on=DAY)


@pytest.fixture(scope="session")
def team_text(team_pdf) -> str:
    return " ".join(pdf_pages(team_pdf))

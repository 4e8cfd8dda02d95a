"""`assess report` and `assess report-batch`: PDFs on good input, exit 2 on bad input."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from assess.cli import main
from questionnaires import load
from scoring.synthetic import synthetic_answers

from .conftest import pdf_pages


@pytest.fixture(scope="module")
def team_csv(tmp_path_factory):
    q = load("team-ecosystem", 1)
    folder = tmp_path_factory.mktemp("answers")
    now, before = folder / "now.csv", folder / "before.csv"
    synthetic_answers(q, 30, seed=5, levels={"foundation.belief": 45}).to_csv(now, index=False)
    synthetic_answers(q, 25, seed=6).to_csv(before, index=False)
    return now, before


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_report_writes_a_pdf(team_csv, tmp_path):
    now, before = team_csv
    out = tmp_path / "r.pdf"
    result = run("report", str(now), "--questionnaire", "team-ecosystem@1", "--org", "Acme",
                 "--out", str(out), "--previous", str(before), "--by", "team",
                 "--round", "Q3", "--page-size", "Letter", "--consultant", "Northwind")
    assert result.exit_code == 0, result.output
    text = " ".join(pdf_pages(out.read_bytes()))
    assert "Acme · Q3" in text and "What changed since last time" in text
    assert "Results by team" in text


def test_ceo_quick_report_from_the_cli(tmp_path):
    q = load("ceo-quick", 1)
    answers = tmp_path / "ceo.csv"
    synthetic_answers(q, 1, seed=2).to_csv(answers, index=False)
    out = tmp_path / "ceo.pdf"
    result = run("report", str(answers), "--questionnaire", "ceo-quick@1", "--org", "Acme",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    assert 2 <= len(PdfReader(io.BytesIO(out.read_bytes())).pages) <= 3


@pytest.mark.parametrize("args, message", [
    (["--questionnaire", "nope@1"], "--questionnaire"),
    (["--questionnaire", "team-ecosystem@1", "--colour", "red"], "--colour"),
    (["--questionnaire", "team-ecosystem@1", "--logo", "/no/such.png"], "--logo"),
    (["--questionnaire", "team-ecosystem@1", "--page-size", "A3"], "A3"),
])
def test_bad_options_exit_2(team_csv, tmp_path, args, message):
    now, _ = team_csv
    result = run("report", str(now), "--org", "Acme", "--out", str(tmp_path / "x.pdf"), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_bad_csv_names_line_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent,role,tm_ideal_customer\nr1,rep,9\n", encoding="utf-8")
    result = run("report", str(bad), "--questionnaire", "team-ecosystem@1", "--org", "Acme",
                 "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert "bad.csv" in result.output and "tm_ideal_customer" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_missing_file_and_unwritable_output(team_csv, tmp_path):
    result = run("report", str(tmp_path / "none.csv"), "--questionnaire", "team-ecosystem@1",
                 "--org", "Acme", "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    now, _ = team_csv
    result = run("report", str(now), "--questionnaire", "team-ecosystem@1", "--org", "Acme",
                 "--out", str(tmp_path / "no" / "dir" / "x.pdf"))
    assert result.exit_code == 2 and "--out" in result.output


def test_batch_builds_every_csv(team_csv, tmp_path):
    now, before = team_csv
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Acme__Q3_2025.csv").write_bytes(now.read_bytes())
    (folder / "Globex__Q1.csv").write_bytes(before.read_bytes())
    out = tmp_path / "out"
    result = run("report-batch", str(folder), "--questionnaire", "team-ecosystem@1",
                 "--out", str(out), "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["Acme__Q3_2025.pdf", "Globex__Q1.pdf"]
    assert "Acme · Q3 2025" in pdf_pages((out / "Acme__Q3_2025.pdf").read_bytes())[1]


def test_batch_reports_bad_files_and_exits_2(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Bad__R1.csv").write_text("respondent,role,nope\nr1,rep,1\n", encoding="utf-8")
    result = run("report-batch", str(folder), "--questionnaire", "team-ecosystem@1",
                 "--out", str(tmp_path / "out"), "--jobs", "1")
    assert result.exit_code == 2
    assert "Bad__R1.csv" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("report-batch", str(empty), "--questionnaire", "team-ecosystem@1",
                 "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "no .csv" in result.output

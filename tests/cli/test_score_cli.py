"""`assess score` and `assess questionnaires` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from assess.cli import main
from questionnaires import load
from scoring import parse_answers, score
from scoring.synthetic import synthetic_answers

TEAM = load("team-ecosystem", 1)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def answers_csv(tmp_path):
    frame = synthetic_answers(TEAM, 60, seed=3, levels={"foundation.belief": 40})
    path = tmp_path / "answers.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_score_json_follows_the_contract(runner, answers_csv):
    path, frame = answers_csv
    done = runner.invoke(main, ["score", str(path), "--questionnaire", "team-ecosystem@1"])
    assert done.exit_code == 0, done.output
    doc = json.loads(done.output)
    assert doc["questionnaire"] == {"key": "team-ecosystem", "version": 1}
    assert doc["respondents"] == 60
    assert set(doc["overall"]) == {"score", "band"}
    assert {"key", "score", "band"} <= set(doc["groups"][0])
    assert {"key", "group", "score", "n", "sd", "band"} <= set(doc["dimensions"][0])
    for cause in doc["root_causes"]:
        assert {"key", "kind", "dimensions", "severity", "evidence", "symptoms"} <= set(cause)
        assert cause["kind"] in {"foundation", "ecosystem", "culprit", "process", "gap",
                                 "agreement"}
    for fix in doc["fixes"]:
        assert {"key", "text", "owner", "horizon_days", "root_cause", "dimension"} <= set(fix)
    expected = score(parse_answers(frame.astype(str), TEAM), TEAM).to_dict()
    assert doc["overall"]["score"] == expected["overall"]["score"]  # full precision
    assert any(c["dimensions"] == ["foundation.belief"] for c in doc["root_causes"])


def test_score_by_role_marks_suppressed_segments(runner, answers_csv):
    path, _ = answers_csv
    done = runner.invoke(main, ["score", str(path), "--questionnaire", "team-ecosystem@1",
                                "--by", "role"])
    doc = json.loads(done.output)
    for seg in doc["segments"]:
        if seg["n"] < 5:
            assert seg == {"key": seg["key"], "n": seg["n"], "suppressed": True}
        if not seg.get("suppressed"):
            assert {"key", "n", "overall", "dimensions"} <= set(seg)


def test_score_table_is_readable(runner, answers_csv):
    path, _ = answers_csv
    done = runner.invoke(main, ["score", str(path), "--questionnaire", "team-ecosystem@1",
                                "--format", "table", "--by", "team"])
    assert done.exit_code == 0
    assert "Overall:" in done.output and "Root causes" in done.output
    assert "Plan (first to do first)" in done.output and "By team:" in done.output


def test_score_with_previous_round_reports_the_trend(runner, answers_csv, tmp_path):
    path, _ = answers_csv
    old = tmp_path / "old.csv"
    synthetic_answers(TEAM, 50, seed=9, levels={"foundation.belief": 70}).to_csv(old,
                                                                                  index=False)
    done = runner.invoke(main, ["score", str(path), "--questionnaire", "team-ecosystem@1",
                                "--previous", str(old)])
    trend = {t["dimension"]: t for t in json.loads(done.output)["trend"]}
    belief = trend["foundation.belief"]
    assert belief["change"] < -15 and belief["real"] is True


@pytest.mark.parametrize(("content", "message"), [
    (b"respondent,tm_ideal_customer,bogus\nr1,3,1\n", "line 1, column 'bogus': unknown column"),
    (b"respondent,tm_ideal_customer\nr1,3\nr2,9\n", "line 3, column 'tm_ideal_customer': 9 is"),
    (b"respondent,role,tm_ideal_customer\nr1,king,3\n", "unknown role 'king'"),
    (b"", "the file is empty"),
    (b"respondent,tm_ideal_customer\nr1,\xe9\xe9\n", "not UTF-8"),
    (b"respondent,tm_ideal_customer\nr1,3,4,5\n", "line 2: 4 cells but the header has 2"),
])
def test_bad_csv_exits_2_with_a_message(runner, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    done = runner.invoke(main, ["score", str(path), "--questionnaire", "team-ecosystem@1"])
    assert done.exit_code == 2
    assert message in done.output
    assert "Traceback" not in done.output


def test_unknown_questionnaire_and_missing_file_exit_2(runner, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("tm_ideal_customer\n3\n")
    done = runner.invoke(main, ["score", str(path), "--questionnaire", "nope@1"])
    assert done.exit_code == 2 and "unknown questionnaire" in done.output
    done = runner.invoke(main, ["score", str(tmp_path / "missing.csv"), "--questionnaire",
                                "team-ecosystem@1"])
    assert done.exit_code == 2 and "missing.csv" in done.output


def test_questionnaires_list_and_validate(runner, tmp_path):
    done = runner.invoke(main, ["questionnaires", "list"])
    assert done.exit_code == 0 and "team-ecosystem@1" in done.output
    assert "ceo-quick@1" in done.output
    done = runner.invoke(main, ["questionnaires", "validate"])
    assert done.exit_code == 0 and done.output.count("ok ") >= 2
    bad = tmp_path / "bad" / "v1.yaml"
    bad.parent.mkdir()
    bad.write_text("key: bad\nversion: 1\n")
    done = runner.invoke(main, ["questionnaires", "validate", str(bad)])
    assert done.exit_code == 2 and "title: is required" in done.output


def test_console_script_runs_as_a_subprocess(answers_csv):
    path, _ = answers_csv
    done = subprocess.run([sys.executable, "-m", "assess", "score", str(path),
                           "--questionnaire", "team-ecosystem@1", "--format", "table"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Overall:" in done.stdout


def test_ceo_self_assessment_against_the_team(runner, answers_csv, tmp_path):
    path, _ = answers_csv
    ceo_q = load("ceo-quick", 1)
    ceo = tmp_path / "ceo.csv"
    keys = [q.key for q in ceo_q.scored_questions if ceo_q.scales[q.scale].type == "likert"]
    ceo.write_text(",".join(["role", *keys]) + "\n" + ",".join(["ceo", *["5"] * len(keys)])
                   + "\n")
    done = runner.invoke(main, ["score", str(path), "--questionnaire", "team-ecosystem@1",
                                "--ceo", str(ceo), "--ceo-questionnaire", "ceo-quick@1"])
    assert done.exit_code == 0, done.output
    gaps = [g for g in json.loads(done.output)["gaps"] if g["a"] == "ceo"]
    belief = next(g for g in gaps if g["dimension"] == "foundation.belief")
    assert belief["a_score"] == 100.0 and belief["gap"] > 15 and belief["flagged"]
    two = tmp_path / "two.csv"
    two.write_text(f"{keys[0]}\n5\n4\n")
    done = runner.invoke(main, ["score", str(path), "--questionnaire", "team-ecosystem@1",
                                "--ceo", str(two), "--ceo-questionnaire", "ceo-quick@1"])
    assert done.exit_code == 2 and "expected one CEO row" in done.output


def test_sample_writes_a_csv_that_scores_with_the_weak_rung_found(runner, tmp_path):
    out = tmp_path / "sample.csv"
    done = runner.invoke(main, ["sample", "--questionnaire", "team-ecosystem@1", "-n", "80",
                                "--weak", "foundation.belief=35", "--out", str(out)])
    assert done.exit_code == 0, done.output
    scored = runner.invoke(main, ["score", str(out), "--questionnaire", "team-ecosystem@1"])
    doc = json.loads(scored.output)
    assert doc["respondents"] == 80
    assert any(c["dimensions"] == ["foundation.belief"] for c in doc["root_causes"])
    bad = runner.invoke(main, ["sample", "--weak", "bucket.nope=3"])
    assert bad.exit_code == 2 and "unknown dimension" in bad.output


def test_the_ceo_cannot_be_recovered_from_score_by_role(runner, tmp_path):
    """1 CEO, 6 leaders, 6 managers, 5 reps (k = 5): CEO = 13 x leadership - 6 x leaders
    - 6 x managers must not be computable from what `assess score --by role` prints."""
    import numpy as np

    rng = np.random.default_rng(2)
    rows = []
    for role, count in (("ceo", 1), ("leader", 6), ("manager", 6), ("rep", 5)):
        for _ in range(count):
            row = {"role": role}
            for question in TEAM.scored_questions:
                if question.asked_of(role) and TEAM.scale_of(question).type == "likert":
                    row[question.key] = int(rng.integers(1, 6))
            rows.append(row)
    path = tmp_path / "round.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    done = runner.invoke(main, ["score", str(path), "--questionnaire", "team-ecosystem@1",
                                "--by", "role"])
    assert done.exit_code == 0, done.output
    doc = json.loads(done.output)
    segments = {s["key"]: s for s in doc["segments"]}
    assert segments["ceo"].get("suppressed")
    for dim in doc["dimensions"]:
        shown = []
        for role in ("leader", "manager"):
            seg = segments[role]
            cell = None if seg.get("suppressed") else next(
                d for d in seg["dimensions"] if d["key"] == dim["key"])
            shown.append(cell is not None and not cell.get("suppressed"))
        gap = next((g for g in doc["gaps"] if g["dimension"] == dim["key"]
                    and g["a"] == "leadership"), None)
        shown.append(gap is not None and not gap["suppressed"])
        assert not all(shown), f"CEO recoverable on {dim['key']}"

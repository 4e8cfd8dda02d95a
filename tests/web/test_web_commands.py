"""`assess demo`, `assess export` and `assess serve` through the console script."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.cli import main

WEB_QUESTIONNAIRES = Path(__file__).parent / "questionnaires"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _dispose_all():
    import gc

    from sqlalchemy.engine import Engine

    for obj in gc.get_objects():
        if isinstance(obj, Engine):
            obj.dispose()


@pytest.fixture(autouse=True)
def _dispose_engines():
    yield
    _dispose_all()


def test_demo_is_idempotent_and_prints_working_links(cli_env):
    first = run("demo", "--base-url", "http://survey.test")
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert [line.split(":")[0] for line in lines] == ["survey", "ceo", "login", "round"]
    second = run("demo", "--base-url", "http://survey.test/")
    assert second.output == first.output
    survey = re.search(r"survey: http://survey.test(/s/\S+)", first.output).group(1)
    round_id = int(re.search(r"round: (\d+)", first.output).group(1))
    email, password = re.search(r"login: (\S+) (\S+)", first.output).groups()

    from assess.cli import script_app

    app = script_app()  # the `assess` script's app: the same secret key, so the same link
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False, SERVER_NAME="survey.test")
    client = app.test_client()
    assert "Acme Industrial (demo)" in client.get(survey).get_data(as_text=True)
    assert client.get("/quick/").status_code == 200
    login = client.post("/login", data={"email": email, "password": password})
    assert login.status_code == 302
    console = client.get("/console/").get_data(as_text=True)
    assert "Acme Industrial (demo)" in console and "Responses: <b>40</b>" in console
    page = client.get(re.search(r'href="(/console/clients/[^"]+)"', console).group(1))
    rounds = page.get_data(as_text=True)
    assert rounds.count('class="card-item"') == 4  # three past rounds and the open one
    assert "Over the rounds" in rounds  # their history, and a comparison to make

    _dispose_all()
    exported = run("export", str(round_id))
    assert exported.exit_code == 0
    table = list(csv.DictReader(io.StringIO(exported.output)))
    assert len(table) == 40
    assert list(table[0])[:3] == ["respondent", "role", "team"]


def test_export_contract_and_threshold(app, make_round, complete, cli_env, monkeypatch,
                                       tmp_path):
    monkeypatch.setenv("ASSESS_QUESTIONNAIRES_ROOT", str(WEB_QUESTIONNAIRES))
    r = make_round(min_group_size=3)
    complete(f"/s/{r.link}", role="rep", team="East")
    complete(f"/s/{r.link}", role="rep", team="East")
    refused = run("export", str(r.id))
    assert refused.exit_code == 2 and "at least 3" in refused.output
    complete(f"/s/{r.link}", role="rep", team="East")
    complete(f"/s/{r.link}", role="ceo", team="East",
             pages={1: {"tm_why_us": "5"}, 2: {"so_crm": "2"}, 3: {}})
    out = tmp_path / "answers.csv"
    done = run("export", str(r.id), "--format", "csv", "--out", str(out))
    assert done.exit_code == 0, done.output
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    # Results are released in steps of k: the fourth answer waits for two more, so an
    # export taken now and one taken after it cannot be told apart by one row.
    assert len(table) == 3
    for _ in range(2):
        complete(f"/s/{r.link}", role="rep", team="East")
    done = run("export", str(r.id), "--format", "csv", "--out", str(out))
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(table) == 6
    header = list(table[0])
    assert header[:3] == ["respondent", "role", "team"]
    assert header[3:] == ["tm_customers", "tm_why_us", "be_mission", "ex_process", "so_crm",
                          "so_gap", "open_change"]
    # The lone CEO is blanked, and blanked together with the reps: a single blank-role
    # row would be the CEO's (every role x team combination in a file has k rows or none)
    assert [row["role"] for row in table] == [""] * 6
    assert {row["team"] for row in table} == {""}
    assert {row["tm_why_us"] for row in table} == {"5"}
    assert run("export", "999").exit_code == 2
    book = tmp_path / "answers.xlsx"
    done = run("export", str(r.id), "--format", "xlsx", "--out", str(book))
    assert done.exit_code == 0, done.output
    import pandas as pd

    sheet = pd.read_excel(book, sheet_name="answers", dtype=object)
    assert list(sheet.columns) == header and len(sheet) == 6
    assert set(sheet["tm_why_us"]) == {5}  # answers stay numbers


def test_serve_upgrades_then_runs(cli_env, monkeypatch):
    import importlib

    serve = importlib.import_module("assess.commands.serve")

    calls = {}
    monkeypatch.setattr(serve, "run_simple",
                        lambda host, port, app, **kw: calls.update(kw, host=host, port=port))
    result = run("serve", "--port", "5099")
    assert result.exit_code == 0, result.output
    assert calls["host"] == "127.0.0.1" and calls["port"] == 5099
    assert calls["request_handler"] is serve.AnonymousRequestHandler
    assert "database: " in result.output
    assert run("serve", "--port", "0").exit_code == 2


def test_the_same_commands_on_app_cli(app, runner, make_round, complete):
    """`flask --app wsgi export ...` runs the same commands on that app (here the test
    app, through Flask's test CLI runner), migrations included."""
    r = make_round(min_group_size=3)
    refused = runner.invoke(args=["export", str(r.id)])
    assert refused.exit_code == 2 and "at least 3" in refused.output
    for _ in range(3):
        complete(f"/s/{r.link}")
    done = runner.invoke(args=["export", str(r.id)])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("respondent,role,team,")
    assert runner.invoke(args=["questionnaires", "list"]).exit_code == 0
    assert runner.invoke(args=["db", "current"]).exit_code == 0  # Alembic prints elsewhere

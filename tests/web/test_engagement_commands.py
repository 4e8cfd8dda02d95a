"""`assess clients`, `assess rounds`, `assess invitations`: the console's work from a shell."""

from __future__ import annotations

import csv
import io
import re

from .test_web_commands import WEB_QUESTIONNAIRES, _dispose_engines, run  # noqa: F401


def _consultant(app):
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        person = Account(email="cli@consult.example", name="Cli", role="consultant")
        person.set_password("a long enough passphrase")
        db.session.add(person)
        db.session.commit()


def test_a_round_from_the_command_line(app, cli_env, monkeypatch, client):
    monkeypatch.setenv("ASSESS_QUESTIONNAIRES_ROOT", str(WEB_QUESTIONNAIRES))
    monkeypatch.setenv("ASSESS_TEAM_QUESTIONNAIRE", "web-team")
    _consultant(app)
    made = run("clients", "create", "Shell Co", "--consultant", "cli@consult.example")
    assert made.exit_code == 0, made.output
    client_id = made.output.strip()
    assert client_id in run("clients", "list").output
    created = run("rounds", "create", client_id, "--title", "Q1", "--team", "East:4",
                  "--team", "West", "--min-group-size", "3", "--base-url", "http://x.test")
    assert created.exit_code == 0, created.output
    round_id = re.search(r"round: (\S+)", created.output).group(1)
    survey = re.search(r"survey: (\S+)", created.output).group(1)
    assert run("rounds", "link", round_id, "--base-url", "http://x.test").output.strip() \
        == survey
    assert "Q1" in run("rounds", "list", "--client", client_id).output
    assert run("rounds", "close", round_id).output.strip().endswith("closed")
    assert run("rounds", "extend", round_id, "--until", "2099-01-01").exit_code == 0
    links = run("invitations", "create", round_id, "-n", "2", "--base-url", "http://x.test")
    table = list(csv.DictReader(io.StringIO(links.output)))
    assert len(table) == 2 and all(row["link"].startswith("http://x.test/i/") for row in table)
    assert run("invitations", "revoke", round_id, table[0]["invitation"]).exit_code == 0
    left = list(csv.DictReader(io.StringIO(run("invitations", "list", round_id,
                                                "--base-url", "http://x.test").output)))
    assert [row["invitation"] for row in left] == [table[1]["invitation"]]


def test_bad_input_exits_2_with_a_message(app, cli_env, monkeypatch):
    monkeypatch.setenv("ASSESS_QUESTIONNAIRES_ROOT", str(WEB_QUESTIONNAIRES))
    monkeypatch.setenv("ASSESS_TEAM_QUESTIONNAIRE", "web-team")
    _consultant(app)
    cases = [
        (["clients", "create", "X", "--consultant", "nobody@example.com"], "no consultant"),
        (["clients", "create", " ", "--consultant", "cli@consult.example"], "name"),
        (["rounds", "create", "nope", "--title", "T"], "no client"),
        (["rounds", "close", "nope"], "no round"),
        (["rounds", "extend", "nope", "--until", "2030-13-01"], "Invalid value"),
        (["invitations", "create", "nope", "-n", "3"], "no round"),
    ]
    for args, message in cases:
        done = run(*args)
        assert done.exit_code == 2, (args, done.output)
        assert message in done.output, (args, done.output)
    client_id = run("clients", "create", "Y", "--consultant", "cli@consult.example"
                    ).output.strip()
    low = run("rounds", "create", client_id, "--title", "T", "--questionnaire", "web-team@1",
              "--min-group-size", "2")
    assert low.exit_code == 2 and "cannot be below 3" in low.output
    for group in ("clients", "rounds", "invitations"):
        assert run(group, "--help").exit_code == 0


def test_public_ids_never_look_like_an_option():
    """A client or round id is pasted into commands: one starting with "-" would be read
    as an option (it happened, one id in 32)."""
    from assess.models import new_public_id

    ids = [new_public_id() for _ in range(2000)]
    assert all(public_id[0].isalnum() for public_id in ids)
    assert len(set(ids)) == len(ids)

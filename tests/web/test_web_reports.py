"""PDF downloads: the CEO's quick report and the consultant's round report."""

from __future__ import annotations

import io

import pypdf

from assess.models import Organisation, Round

from .test_web_quick import finish


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_quick_result_offers_its_pdf(client):
    result_url = finish(client)
    html = client.get(result_url).get_data(as_text=True)
    assert f'href="{result_url}/report.pdf"' in html
    response = client.get(f"{result_url}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "private" in response.headers["Cache-Control"]
    assert client.get("/quick/result/not-a-token/report.pdf").status_code == 404


def _sign_in(app, client, round_id: int, *, own: bool = True) -> None:
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        person = Account(email="c@example.com", name="Clara Consulting")
        person.set_password("s3cret-pass")
        db.session.add(person)
        db.session.flush()
        if own:
            db.session.get(Organisation, db.session.get(Round, round_id).organisation_id) \
                .consultant_id = person.id
        db.session.commit()
    assert client.post("/login", data={"email": "c@example.com",
                                       "password": "s3cret-pass"}).status_code == 302


def test_round_report_for_its_consultant(app, client, make_round, complete):
    r = make_round(min_group_size=3)
    for _ in range(3):
        complete(f"/s/{r.link}")
    assert client.get(f"/console/rounds/{r.public_id}/report.pdf").status_code == 302
    _sign_in(app, client, r.id)
    html = client.get(f"/console/rounds/{r.public_id}").get_data(as_text=True)
    assert f'href="/console/rounds/{r.public_id}/report.pdf"' in html
    response = client.get(f"/console/rounds/{r.public_id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Test Org" in text and "Clara Consulting" in text


def test_round_report_refused_under_threshold_and_for_others(app, client, make_round,
                                                               complete):
    small = make_round(min_group_size=3)
    complete(f"/s/{small.link}")
    _sign_in(app, client, small.id)
    refused = client.get(f"/console/rounds/{small.public_id}/report.pdf")
    assert refused.status_code == 409
    assert "anonymity threshold" in refused.get_data(as_text=True)
    other = make_round(min_group_size=3)
    for _ in range(3):
        complete(f"/s/{other.link}")
    assert client.get(f"/console/rounds/{other.public_id}/report.pdf").status_code == 404
    assert client.get("/console/rounds/9999/report.pdf").status_code == 404
    assert client.get(f"/console/rounds/{other.id}/report.pdf").status_code == 404


def test_report_all_rounds_from_the_database(app, make_round, complete, cli_env, monkeypatch,
                                             tmp_path):
    from click.testing import CliRunner

    from assess.cli import main

    from .test_web_commands import WEB_QUESTIONNAIRES, _dispose_all

    monkeypatch.setenv("ASSESS_QUESTIONNAIRES_ROOT", str(WEB_QUESTIONNAIRES))
    ready = make_round(min_group_size=3)
    for _ in range(3):
        complete(f"/s/{ready.link}")
    small = make_round(min_group_size=3)
    complete(f"/s/{small.link}")
    out = tmp_path / "reports"
    try:
        done = CliRunner().invoke(main, ["report", "--all-rounds", "--out", str(out),
                                         "--jobs", "1"])
    finally:
        _dispose_all()
    assert done.exit_code == 0, done.output
    assert f"skipped round {small.id} (Test Org, Test round): 1 of the 3" in done.output
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"Test-Org__Test-round__round-{ready.id}.pdf"]
    printed = pdf_text((out / files[0]).read_bytes())
    assert "Test Org" in printed
    with app.app_context():  # the very document the console serves for the round
        from assess.console.reports import render
        from assess.extensions import db

        assert printed == pdf_text(render(db.session.get(Round, ready.id)))
    refused = CliRunner().invoke(main, ["report", "--all-rounds", "--out", str(out),
                                        "--for", "nobody@example.com"])
    assert refused.exit_code == 2 and "no consultant" in refused.output
    both = CliRunner().invoke(main, ["report", "x.csv", "--all-rounds", "--out", str(out)])
    assert both.exit_code == 2

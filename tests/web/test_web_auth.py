"""Account sign-in and the console home."""

from __future__ import annotations

import pytest


@pytest.fixture
def consultant(app):
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        person = Account(email="c@example.com", name="C")
        person.set_password("s3cret-pass")
        db.session.add(person)
        db.session.commit()
        return person.id


def test_console_needs_login(client):
    response = client.get("/console/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_console_logout(app, client, consultant, make_round, complete):
    from assess.extensions import db
    from assess.models import Organisation, Round

    r = make_round()
    with app.app_context():
        db.session.get(Organisation, db.session.get(Round, r.id).organisation_id) \
            .consultant_id = consultant
        db.session.commit()
    complete(f"/s/{r.link}")
    bad = client.post("/login", data={"email": "c@example.com", "password": "wrong"})
    assert bad.status_code == 400 and "do not match" in bad.get_data(as_text=True)
    ok = client.post("/login?next=//evil.example/x",
                     data={"email": "C@example.com ", "password": "s3cret-pass"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/console/")
    html = client.get("/console/").get_data(as_text=True)
    assert "Test Org" in html and "Test round" in html
    assert "Responses: fewer than 3" in html  # one answer: a count under k is not shown
    assert client.post("/logout").status_code == 302
    assert client.get("/console/").status_code == 302


def test_login_form_errors(client):
    response = client.post("/login", data={"email": "not-an-email", "password": ""})
    assert response.status_code == 400


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}

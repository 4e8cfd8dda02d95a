"""The factory, configuration, security headers, CSRF, rate limits and error pages."""

from __future__ import annotations

import pytest

from assess import ConfigError, create_app
from assess.database import normalise_url


def test_no_secret_key_outside_dev_and_tests(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSESS_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="ASSESS_SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path),
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


def test_secret_key_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSESS_SECRET_KEY", "from-env")
    app = create_app({"INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["SECRET_KEY"] == "from-env"


def test_dev_secret_is_made_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("ASSESS_SECRET_KEY", raising=False)
    config = {"INSTANCE_PATH": str(tmp_path), "DEV_SECRET_FILE": True,
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"}
    first = create_app(dict(config)).config["SECRET_KEY"]
    assert len(first) >= 32 and first == create_app(dict(config)).config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_is_normalised(monkeypatch, tmp_path):
    assert normalise_url("postgres://u:p@h/d") == "postgresql+psycopg://u:p@h/d"
    assert normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("sqlite:///x") == "sqlite:///x"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@localhost/d")
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path),
                      "VERIFY_QUESTIONNAIRES": False})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@localhost/d"


def test_default_database_is_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/assess.sqlite"


def test_changed_questionnaire_refuses_to_start(app, app_factory):
    """A published file whose hash differs from the stored one stops the app."""
    import sqlalchemy as sa

    from assess.extensions import db
    from assess.models import QuestionnaireVersion
    from assess.questionnaire_store import QuestionnaireChanged

    with app.app_context():
        db.session.execute(sa.update(QuestionnaireVersion)
                           .where(QuestionnaireVersion.key == "web-team")
                           .values(content_hash="0" * 64))
        db.session.commit()
    with pytest.raises(QuestionnaireChanged, match="web-team@1 changed"):
        app_factory()


def test_start_verifies_stored_hashes_without_parsing(app, app_factory, tmp_path):
    """The start-up check hashes the files the way the loader does (else every restart
    would refuse), and names a published file that is gone."""
    from assess.questionnaire_store import QuestionnaireChanged

    assert app_factory().config["SECRET_KEY"]  # stored by `app`, verified unchanged here
    with pytest.raises(QuestionnaireChanged, match="is in the database but its file is gone"):
        app_factory(QUESTIONNAIRES_ROOT=str(tmp_path))


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_third_party_requests_and_small_pages(client, make_round, start):
    r = make_round()
    token = start(f"/s/{r.link}")
    for path in ["/", f"/s/{r.link}", f"/r/{token}/section/1", f"/r/{token}/review",
                 "/quick/answer"]:
        html = client.get(path).get_data(as_text=True)
        assert "http://" not in html.replace("http://survey.test", "")
        assert "https://" not in html and "<script" not in html
        assert len(html.encode()) < 60_000, path
    with client.get("/static/style.css") as css:
        assert css.status_code == 200 and len(css.data) < 15_000


def test_csrf_is_enforced(app_factory, make_round):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    r = make_round()
    refused = client.post(f"/s/{r.link}", data={"role": "rep"})
    assert refused.status_code == 400 and "form has expired" in refused.get_data(as_text=True)
    page = client.get(f"/s/{r.link}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    started = client.post(f"/s/{r.link}", data={"role": "rep", "csrf_token": token})
    assert started.status_code == 302
    section = started.headers["Location"]
    assert client.post(section, data={"tm_why_us": "3"}).status_code == 400
    assert client.post(section, data={"tm_why_us": "3", "csrf_token": token}) \
        .status_code == 302
    assert client.post("/quick/answer", data={"page": "1"}).status_code == 400
    assert client.post("/login", data={"email": "a@b.c", "password": "x"}).status_code == 400


def test_entry_is_rate_limited(app_factory, make_round):
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_ENTRY="3 per minute")
    client = app.test_client()
    r = make_round()
    codes = [client.get(f"/i/guess{i}").status_code for i in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
    assert "Too many attempts" in client.get(f"/s/{r.link}").get_data(as_text=True)


def test_rate_limit_counts_each_client_behind_a_trusted_proxy(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_ENTRY="2 per minute", PROXY_FIX=1)
    client = app.test_client()

    def get(address: str) -> int:
        return client.get("/i/guess", headers={"X-Forwarded-For": address}).status_code

    assert [get("10.0.0.1") for _ in range(3)] == [404, 404, 429]
    assert get("10.0.0.2") == 404  # another person in the same office is not blocked


def test_error_pages_are_friendly(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "could not find" in response.get_data(as_text=True)
    assert client.post("/").status_code == 405

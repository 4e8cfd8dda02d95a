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
        assert "https://" not in html
        # one small script of our own, no inline scripts or styles (the CSP forbids them)
        assert html.count("<script") == 1, path
        assert '<script src="/static/survey.js" defer></script>' in html
        assert "style=" not in html and "onclick" not in html.lower()
        assert len(html.encode()) < 60_000, path
    with client.get("/static/style.css") as css:
        assert css.status_code == 200 and len(css.data) < 15_000
    with client.get("/static/survey.js") as js:
        assert js.status_code == 200 and len(js.data) < 8_000
        assert js.mimetype in ("text/javascript", "application/javascript")


def test_csrf_is_enforced(app_factory, make_round):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    r = make_round()
    refused = client.post(f"/s/{r.link}", data={"role": "rep"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "form has expired" in html
    assert "CSRF" not in html and "token is" not in html and "Error 400" not in html
    assert f'href="/s/{r.link}">Reload the page</a>' in html
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


def test_pages_without_a_limit_skip_the_limiter(app_factory, make_round, start):
    """Survey pages carry no limit of their own and skip the limiter's work; the links
    and sign-in keep theirs (the tests above and in test_web_auth count them)."""
    from assess.extensions import no_limit_applies

    app = app_factory(RATELIMIT_ENABLED=True)
    token = start(f"/s/{make_round().link}")
    for path, method, unlimited in [(f"/r/{token}/section/1", "GET", True),
                                    (f"/r/{token}/review", "POST", True),
                                    (f"/s/{token}", "GET", False), (f"/i/{token}", "GET", False),
                                    ("/login", "POST", False), ("/no/such/page", "GET", False)]:
        with app.test_request_context(path, method=method):
            assert no_limit_applies() is unlimited, path


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
    assert "Error " not in response.get_data(as_text=True)


def _main(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main"):html.index("</main>")]


def _next(response) -> str | None:
    """The href of an error page's one button (None when it offers none)."""
    import re

    found = re.search(r'id="next-step" href="([^"]*)">([^<]*)<', _main(response))
    return f"{found.group(1)} {found.group(2)}" if found else None


def test_error_pages_say_what_next_without_codes(app, client, make_round, start):
    r = make_round()
    token = start(f"/s/{r.link}")
    cases = [
        (client.get("/no/such/page"), 404, "/ Go to the start page"),
        (client.get(f"/r/{token}/section/99"), 404, f"/r/{token} Go back to your survey"),
        (client.post(f"/r/{token}/section/1", data={"tm_why_us": "9"}), 400,
         f"/r/{token} Go back to your survey"),
        (client.post(f"/r/{token}/section/1", data={"x": "y" * 70_000}), 413,
         f"/r/{token} Go back to your survey"),
        (client.get("/quick/result/" + "x" * 32), 404, "/quick/ Go to the start of the CEO check"),
        (client.post("/quick/answer", data={"page": "7"}), 400,
         "/quick/ Go to the start of the CEO check"),
        (client.post("/"), 405, "/ Go to the start page"),
        # Nothing a button could mend: the message says what to do, no way to the CEO page
        (client.get("/r/nope/review"), 404, None),
        (client.get("/s/nope"), 404, None),
    ]
    for response, status, expected in cases:
        main = _main(response)
        assert response.status_code == status, (response.request.path, response.status_code)
        assert _next(response) == expected, (response.request.path, _next(response))
        assert f"Error {status}" not in main and f">{status}<" not in main
        assert "<h1" in main
    closed = make_round(status="closed")
    page = client.get(f"/s/{closed.link}")
    assert page.status_code == 410 and _next(page) is None and "410" not in _main(page)


def test_console_errors_lead_back_to_the_console(app, client):
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        person = Account(email="e@example.com", name="E")
        person.set_password("a long enough passphrase")
        db.session.add(person)
        db.session.commit()
    client.post("/login", data={"email": "e@example.com",
                                "password": "a long enough passphrase"})
    missing = client.get("/console/rounds/999999/report.pdf")
    assert missing.status_code == 404
    assert _next(missing) == "/console/ Back to the console"


def test_favicon(client):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in html
    for path in ("/favicon.ico", "/static/favicon.ico", "/static/favicon.svg"):
        with client.get(path) as response:
            assert response.status_code == 200, path
            assert response.mimetype.startswith("image/"), (path, response.mimetype)
            assert 0 < len(response.data) < 5_000


def test_static_links_follow_the_mount_point(client):
    """Static URLs are built once per file and mount point (`static_url`): a site mounted
    under a prefix links its own files, and the same worker still serves the root."""
    mounted = client.get("/", base_url="http://localhost/survey").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/survey/static/style.css">' in mounted
    at_root = client.get("/").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static/style.css">' in at_root
    assert "/survey/" not in at_root


def test_session_cookies_follow_the_secret_key(app, client):
    """The session's serializer is made once per set of keys (`sessions.SignedCookies`):
    a cookie signed under a key that was replaced is refused, and one signed under a
    listed fallback key still counts."""
    with client.session_transaction() as session:
        session["probe"] = "kept"
    old_key = app.secret_key
    app.config["SECRET_KEY"] = "a-new-key"
    with client.session_transaction() as session:
        assert "probe" not in session
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    with client.session_transaction() as session:
        assert session.get("probe") == "kept"

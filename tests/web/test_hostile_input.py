"""The audit's cases, one by one, on SQLite and PostgreSQL: each is a clear 4xx page and
stores nothing; text with control characters is refused in every form; pages with
answers or tokens are never cached; a database that is down is a 503 to retry."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from assess.models import Draft, Lead, Organisation, QuickResult, Response

PASSWORD = "a long enough passphrase"


def _counts(app) -> tuple[int, ...]:
    from assess.extensions import db

    with app.app_context():
        counts = tuple(db.session.scalar(sa.select(sa.func.count()).select_from(t))
                       for t in db.metadata.sorted_tables)
        db.session.remove()
        return counts


def _refused(response, status: int = 400) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:600]
    assert "<h1" in html
    return html


@pytest.fixture
def admin(app, client):
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        person = Account(email="admin@example.com", name="Admin", role="admin")
        person.set_password(PASSWORD)
        db.session.add(person)
        db.session.commit()
    response = client.post("/login", data={"email": "admin@example.com",
                                           "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("page", ["²", "١", "１", "1e2", "-1", "99999999999", " 1"])
def test_a_page_number_in_other_digits_is_refused(client, page):
    html = _refused(client.post("/quick/answer", data={"page": page, "c_customers": "4"}))
    assert "page number is not valid" in html


def test_a_file_in_the_free_text_team_field_is_refused(app, client, make_round, rows):
    link = make_round(teams=None).link
    before = _counts(app)
    response = client.post(f"/s/{link}", data={"role": "rep",
                                               "team": (io.BytesIO(b"East"), "team.txt")},
                           content_type="multipart/form-data")
    assert "must be text, not a file" in _refused(response)
    assert _counts(app) == before and rows(Draft) == []


def test_a_file_in_a_field_with_a_filter_is_refused(app, client):
    """The login form cleans the email it reads: a file there never reaches that filter."""
    before = _counts(app)
    response = client.post("/login", data={"email": (io.BytesIO(b"a@b.c"), "a.txt"),
                                           "password": PASSWORD},
                           content_type="multipart/form-data")
    assert "must be text, not a file" in _refused(response)
    assert _counts(app) == before


@pytest.mark.parametrize("body", [{"email": {"a": 1}, "password": 5}, [1, 2], 7, "x",
                                  {"role": "rep", "team": "East\u0000"}])
def test_a_json_body_is_not_form_data(app, client, make_round, body):
    """Forms read form fields only: JSON (which the request guard does not check, and
    whose values need not be text) fills no field."""
    link = make_round(teams=None).link
    before = _counts(app)
    for path in ("/login", f"/s/{link}"):
        response = client.post(path, json=body)
        _refused(response)
    assert _counts(app) == before


def test_a_file_in_place_of_an_answer_is_refused(app, client, make_round, start):
    token = start(f"/s/{make_round().link}")
    before = _counts(app)
    response = client.post(f"/r/{token}/section/4",
                           data={"open_change": (io.BytesIO(b"text"), "a.txt"),
                                 "action": "next"}, content_type="multipart/form-data")
    assert "must be text, not a file" in _refused(response)
    assert _counts(app) == before


@pytest.mark.parametrize("part", ["2147483648", "99999999999999999999", "%00", "a%00b",
                                  "%C2%B2", "x" * 200, "%E2%80%AE"])
def test_console_ids_out_of_range_or_malformed_are_not_found(admin, part):
    for path in (f"/console/rounds/{part}", f"/console/clients/{part}",
                 f"/console/rounds/{part}/results", f"/console/rounds/{part}/answers.csv"):
        _refused(admin.get(path), 404)
    _refused(admin.post(f"/console/rounds/{part}/state/close"), 404)


@pytest.mark.parametrize("number", ["2147483648", "99999999999", "%C2%B2", "%D9%A1", "0"])
def test_section_numbers_out_of_range_are_not_found(client, make_round, start, number):
    token = start(f"/s/{make_round().link}")
    _refused(client.get(f"/r/{token}/section/{number}"), 404)


def test_compare_with_junk_round_ids_is_a_page_not_an_error(admin, app):
    with app.app_context():
        from assess.extensions import db

        org = Organisation(name="Org")
        db.session.add(org)
        db.session.commit()
        public_id = org.public_id
    page = admin.get(f"/console/clients/{public_id}/compare",
                     query_string={"before": "x" * 500, "after": "yy"})
    assert page.status_code in (200, 404)
    _refused(admin.get(f"/console/clients/{public_id}/compare",
                       query_string={"before": "a\x00b", "after": "c"}))


NUL_CASES = [
    ("intro team", lambda c, w: c.post(f"/s/{w['link']}", data={"role": "rep",
                                                                "team": "East\x00"})),
    ("free text", lambda c, w: c.post(f"/r/{w['draft']}/section/4",
                                      data={"open_change": "fine\x00", "action": "next"})),
    ("login email", lambda c, w: c.post("/login", data={"email": "a\x00@example.com",
                                                        "password": PASSWORD})),
    ("quick answer", lambda c, w: c.post("/quick/answer", data={"page": "1",
                                                                "c_customers": "4\x00"})),
    ("lead name", lambda c, w: c.post(f"/quick/result/{w['quick']}/team", data={
        "name": "Ann\x00", "email": "ann@example.com", "company": "Co"})),
    ("action", lambda c, w: c.post(f"/r/{w['draft']}/section/1",
                                   data={"action": "next\x00"})),
    ("field name", lambda c, w: c.post(f"/r/{w['draft']}/section/1",
                                       data={"tm_customers\x00": "4"})),
]


@pytest.fixture
def survey_world(app, client, make_round, start):
    from assess import questionnaire_store
    from assess.quick import operations as quick

    link = make_round(teams=None).link
    with app.test_request_context(method="POST"):
        cq = questionnaire_store.get("web-ceo", 1)
        quick_token = quick.create(cq, {"c_customers": 4})
    return {"link": link, "draft": start(f"/s/{link}"), "quick": quick_token}


@pytest.mark.parametrize("char", ["\x00", "\x1b[31m", "\x07", "\x7f", "\x9b", "\u202e",
                                  "\u2066", "\x85"])
@pytest.mark.parametrize(("name", "send"), NUL_CASES, ids=[c[0] for c in NUL_CASES])
def test_control_characters_are_refused_in_every_text_field(app, client, survey_world, name,
                                                            send, char):
    before = _counts(app)
    if char != "\x00":
        send = _with(send, char)
    html = _refused(send(client, survey_world))
    assert "cannot be shown" in html or "line break" in html
    assert _counts(app) == before


def _with(send, char):
    """The same request with another character in place of NUL."""
    def replaced(client, world):
        original = client.post

        def post(path, data=None, **kwargs):
            data = {k.replace("\x00", char): v.replace("\x00", char) if isinstance(v, str)
                    else v for k, v in (data or {}).items()}
            return original(path, data=data, **kwargs)

        client.post = post
        try:
            return send(client, world)
        finally:
            client.post = original
    return replaced


def test_console_forms_refuse_control_characters_too(admin, app):
    before = _counts(app)
    _refused(admin.post("/console/clients", data={"name": "Acme\x00"}))
    _refused(admin.post("/console/clients", data={"name": "Acme\x1b[2J"}))
    _refused(admin.post("/console/clients", data={"name": "Ac\nme"}))  # one line only
    _refused(admin.post("/console/people/invite", data={"email": "x@example.com",
                                                        "client": "\x00"}))
    assert _counts(app) == before


def test_what_text_may_hold(app, client, make_round, start, rows):
    """Any script, zero-width joiners, emoji, tabs and line breaks in a multi-line answer."""
    token = start(f"/s/{make_round(teams=None).link}", team="Équipe نور 👩‍💻")
    answer = "Line one\r\n\tLine two — ‘quoted’ ‍ 東京"
    response = client.post(f"/r/{token}/section/4",
                           data={"open_change": answer, "action": "next"})
    assert response.status_code == 302
    [draft] = rows(Draft)
    assert draft.team == "Équipe نور 👩‍💻"
    assert draft.answers["open_change"] == answer.replace("\r\n", "\n").strip() or \
        draft.answers["open_change"] == answer.strip()


def test_a_line_break_in_a_one_line_field_is_refused(app, client, make_round):
    link = make_round(teams=None).link
    before = _counts(app)
    _refused(client.post(f"/s/{link}", data={"role": "rep", "team": "East\r\nWest"}))
    assert _counts(app) == before


@pytest.mark.parametrize("target", ["/console/\r\nX-Evil: 1", "/x\r\n", "/\x00",
                                    "/console/%0d%0aSet-Cookie:%20a=b"])
def test_cr_lf_in_next_on_login(app, client, target):
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        person = Account(email="a@example.com", name="A", role="consultant")
        person.set_password(PASSWORD)
        db.session.add(person)
        db.session.commit()
    page = client.get("/login", query_string={"next": target})
    if page.status_code == 200:  # an encoded CR/LF is just text in a path: it stays one
        assert "\r" not in page.headers.get("Location", "")
    else:
        _refused(page)
    response = client.post("/login", query_string={"next": target},
                           data={"email": "a@example.com", "password": PASSWORD})
    assert response.status_code in (302, 400)
    for value in response.headers.values():
        assert "\r" not in value and "\n" not in value


def test_junk_content_types_and_bodies(app, client, make_round, start):
    token = start(f"/s/{make_round().link}")
    before = _counts(app)
    for body, kind in [(b"\xff\xfe", "application/x-www-form-urlencoded"),
                       (b"{}", "application/json"), (b"--x\r\n", "multipart/form-data"),
                       (b"a=1&" * 1500, "application/x-www-form-urlencoded"),
                       (b"x" * 70_000, "application/x-www-form-urlencoded")]:
        response = client.post(f"/r/{token}/section/1", data=body, content_type=kind)
        assert 400 <= response.status_code < 500
    assert _counts(app) == before


def test_pages_with_answers_or_tokens_are_never_cached(app, client, make_round, start,
                                                       complete, admin):
    link = make_round().link
    token = start(f"/s/{link}")
    with app.test_request_context(method="POST"):
        from assess import questionnaire_store
        from assess.quick import operations as quick

        quick_token = quick.create(questionnaire_store.get("web-ceo", 1), {"c_customers": 4})
    for path in (f"/s/{link}", f"/r/{token}/section/1", f"/r/{token}/review",
                 f"/r/{token}/saved", "/thanks", f"/quick/result/{quick_token}", "/quick/",
                 "/console/", "/login", "/r/unknown-token/review"):
        response = client.get(path)
        assert response.headers.get("Cache-Control") in ("no-store", "private, no-store"), \
            (path, response.status_code)
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    static = client.get("/static/style.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


@pytest.fixture
def down_url(backend, tmp_path, request) -> str:
    """A database that cannot be reached: a folder that does not exist, a closed port."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'missing-folder' / 'assess.sqlite'}"
    server = request.getfixturevalue("pg_server")
    return server.url("assess_nowhere").replace(f"port={server.port}", "port=1")


def test_a_database_that_is_down_is_a_503_with_retry_after(down_url, tmp_path):
    from ..conftest import make_app

    app = make_app(down_url, tmp_path, VERIFY_QUESTIONNAIRES=False)
    client = app.test_client()
    for path in ("/s/" + "a" * 32, "/r/" + "b" * 32 + "/review", "/quick/result/" + "c" * 32):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "5"
        assert "Back in a moment" in response.get_data(as_text=True)
    response = client.post("/login", data={"email": "a@example.com", "password": "x" * 12})
    assert response.status_code == 503
    health = client.get("/healthz")
    assert health.status_code == 503 and health.headers["Retry-After"] == "5"
    with app.app_context():
        from assess.extensions import db

        db.engine.dispose()


def test_cli_ids_beyond_the_integer_range_are_bad_input(app, runner):
    for args in (["export", "2147483648"], ["import", "99999999999", "x.csv"],
                 ["export", "0"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output


def test_cli_names_follow_the_text_rule(app, runner):
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        person = Account(email="c@example.com", name="C", role="consultant")
        person.set_password(PASSWORD)
        db.session.add(person)
        db.session.commit()
    for name in ("Acme\x1b[31m", "Ac\x00me", "Acme\nEvil", "\u202eemcA"):
        result = runner.invoke(args=["clients", "create", name, "--consultant",
                                     "c@example.com"])
        assert result.exit_code == 2 and "contains" in result.output, result.output
    result = runner.invoke(args=["clients", "create", "Acme — Ünïcode", "--consultant",
                                 "c@example.com"])
    assert result.exit_code == 0, result.output


def test_nothing_stored_holds_a_control_character(app, client, make_round, start, rows):
    """Belt and braces: whatever the fuzzing sent, stored text passes the rule."""
    from scoring.text import text_problem

    token = start(f"/s/{make_round(teams=None).link}", team="East")
    for data in ({"open_change": "ok\x1b[0m"}, {"open_change": "ok\u202e"}):
        client.post(f"/r/{token}/section/4", data=data | {"action": "next"})
    for model in (Draft, Response, Lead, QuickResult, Organisation):
        for row in rows(model):
            for value in vars(row).values():
                texts = [value] if isinstance(value, str) else \
                    [v for v in value.values() if isinstance(v, str)] \
                    if isinstance(value, dict) else []
                for text in texts:
                    assert text_problem(text) is None, (model, text)

"""Hostile input on every route, on SQLite and PostgreSQL: no 5xx, and a refusal stores
nothing.

Routes are discovered from `app.url_map`. A seeded generator sends each of them hostile
paths and query strings, and each route that takes a POST at least `BODIES_PER_ROUTE`
hostile bodies: wrong types, huge values, NaN and infinities, Unicode digits, bidi and
zero-width characters, NUL, CR/LF and terminal escapes, files where text is expected,
repeated fields, junk content types and encodings, and missing, wrong or repeated CSRF
tokens (CSRF is on). Then, on every form, each of its fields in turn as a file, and JSON
bodies of every shape that carry a valid CSRF token in the header. Console and account
routes are sent signed in as an admin.

After every request: the status is below 500; a 4xx is a page with a heading; and when
it is a 4xx, the row count of every table is what it was before the request.
"""

from __future__ import annotations

import io
import json
import random
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

SEED = 20261124
BODIES_PER_ROUTE = 38  # x 28 POST routes: over 1,000 bodies per backend
PASSWORD = "fuzzing passphrase of some length"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'name="csrf_token" value="([^"]+)"')
NAMES = re.compile(r'\bname="([^"]+)"')
VALUES = re.compile(r'\bvalue="([^"]*)"')

HOSTILE_TEXT = [
    "", " ", "a\x00b", "\x00", "\x00" * 50, "x\r\ny", "\r\nSet-Cookie: evil=1", "\n",
    "\x1b[31mred\x1b[0m", "\x1b]0;title\x07", "\x7f", "\x85", "\x9b2J", "\t",
    "\u202eevil\u202c", "\u2066x\u2069", "a\u200bb", "\u200d", "\ufeff", "\ufffe",
    "\u2028", "²", "¹²³", "١٢", "๓", "５", "𝟕", "Ⅷ", "½", "nan", "NaN", "inf", "-inf",
    "Infinity", "1e999", "-1e999", "1e308", "-0", "0x10", "1_000", "+5", " 3 ", "3.0",
    "9" * 30, "9" * 5000, "-2147483649", "2147483648", "9223372036854775808", "-1",
    "true", "null", "[]", "{}", "{\"a\": 1}", "<script>alert(1)</script>",
    "'; DROP TABLE response; --", "=HYPERLINK(\"http://x\")", "../../etc/passwd",
    "%00", "%0d%0a", "A" * 300, "A" * 5000, "é" * 3000, "😀" * 100, "a@b", "@",
    "x" * 254 + "@example.com", "2026-02-30", "0000-00-00", "99999-01-01",
]
PLAUSIBLE = ["1", "2", "3", "4", "5", "dk", "rep", "ceo", "manager", "East", "West",
             "next", "back", "save", "review", "yes", "no", "2026-12-01", "10", "link",
             "both", "invitation", "#1f5f8b", "someone@example.com", "Acme",
             "team-ecosystem@2", "web-team@1"]
JUNK_BODIES = [
    (b"\xff\xfe\xfd", "application/x-www-form-urlencoded"),
    (b"a=%ff%fe&b=%ed%a0%80", "application/x-www-form-urlencoded"),
    (b"%%%%&&&===", "application/x-www-form-urlencoded"),
    (b'{"email": "x@y", "password": [1, 2]}', "application/json"),
    (b"plain text body", "text/plain"),
    (b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb", "multipart/form-data"),
    (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
    (b"", "multipart/form-data; boundary=" + "b" * 200),
    (b"a=1&" * 1200, "application/x-www-form-urlencoded"),
    (b"x" * 70_000, "application/x-www-form-urlencoded"),
    (b"\x00\x01\x02", "application/octet-stream"),
]
JSON_VALUES = [{"a": 1}, [1, 2], 5, 1.5, True, None, "a\x00b", ["x", {"y": []}], "1e999"]
HOSTILE_PATH = ["\x00", "a\x00b", "²", "١٢", "0", "-1", "2147483648",
                "9223372036854775808", "A" * 200, "..", "\u202e", "x y", "😀", "%00",
                "<b>", "1.5"]
HOSTILE_QUERY = [{"next": "/console/\r\nX: y"}, {"next": "//evil.example"},
                 {"next": "/\x00"}, {"next": "\\\\evil"}, {"from": "review\x00"},
                 {"before": "\x00", "after": "A" * 500}, {"page": "²"}, {"a\x00": "b"},
                 {"x": "\u202e"}, {"next": "/console/" + "a" * 5000}]


@dataclass
class World:
    admin: str
    link: str
    link_teams: str
    invitation: str
    invitation_id: str
    draft: str
    quick: str
    invite: str
    reset: str
    org: str
    round: str
    lead: str


@dataclass
class Tally:
    requests: int = 0
    bodies: int = 0
    refused: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def build_world(app) -> World:
    from assess import questionnaire_store
    from assess.auth import operations as auth
    from assess.console.links import give_invitation_token, give_round_link
    from assess.extensions import db
    from assess.models import Account, Invitation, Lead, Organisation, Round, utcnow
    from assess.quick import operations as quick
    from assess.respondent import operations as respondent

    with app.test_request_context(method="POST"):  # url_for and writes
        q = questionnaire_store.get("web-team", 1)
        admin = Account(email="admin@fuzz.test", name="Admin", role="admin")
        admin.set_password(PASSWORD)
        consultant = Account(email="c@fuzz.test", name="C", role="consultant")
        consultant.set_password(PASSWORD)
        org = Organisation(name="Fuzz Org", consultant=consultant)
        now = utcnow()
        rounds = [Round(organisation=org, questionnaire=questionnaire_store.record(q),
                        title=f"Round {i}", opens_at=now - timedelta(days=1),
                        closes_at=now + timedelta(days=30), min_group_size=3,
                        access_mode="both", status="open", teams=teams)
                  for i, teams in enumerate([None, ["East", "West"]])]
        links = [give_round_link(r) for r in rounds]
        lead = Lead(name="Ceo", email="ceo@fuzz.test", company="Co")
        db.session.add_all([admin, consultant, org, *rounds, lead])
        db.session.flush()
        invitation = Invitation(round_id=rounds[0].id)
        invitation_token = give_invitation_token(invitation)
        db.session.add(invitation)
        db.session.commit()
        draft = respondent.start(rounds[0], "rep", "East")
        cq = questionnaire_store.get("web-ceo", 1)
        quick_token = quick.create(cq, {cq.scored_questions[0].key: 3})
        invite = auth.invite(admin, "new@fuzz.test", "consultant")
        reset = auth.request_reset("c@fuzz.test", send=False) or ""
        return World("admin@fuzz.test", links[0], links[1], invitation_token,
                     invitation.public_id, draft, quick_token, invite.rsplit("/", 1)[-1],
                     reset.rsplit("/", 1)[-1], org.public_id, rounds[0].public_id,
                     lead.public_id)


def path_value(endpoint: str, rule: str, arg: str, world: World, rng: random.Random) -> str:
    if arg == "token":
        return {
            "respondent.shared_link": rng.choice([world.link, world.link_teams]),
            "respondent.invitation_link": world.invitation,
            "auth.accept": world.invite, "auth.reset": world.reset,
        }.get(endpoint, world.quick if endpoint.startswith("quick.") else world.draft)
    if arg == "public_id":
        return world.lead if "/leads/" in rule else world.org if "/clients/" in rule \
            else world.round
    if arg == "number":
        return str(rng.randint(1, 4))
    if arg == "action":
        return rng.choice(["close", "open", "extend", "reopen", "pause"])
    if arg == "fmt":
        return rng.choice(["csv", "xlsx"])
    if arg == "invitation":
        return world.invitation_id
    if arg == "filename":
        return "style.css"
    raise AssertionError(f"no value for <{arg}> in {rule}")


def build_path(rule, values: dict[str, str]) -> str:
    path = rule.rule
    for arg, value in values.items():
        path = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{arg}>", urllib.parse.quote(value, safe=""),
                      path)
    return path


def hostile_value(rng: random.Random, plausible: list[str]) -> str:
    if plausible and rng.random() < 0.35:
        return rng.choice(plausible)
    return rng.choice(HOSTILE_TEXT)


def hostile_body(rng: random.Random, names: list[str], plausible: list[str], csrf: str
                 ) -> tuple[object, str | None]:
    """(data, content type) for the test client: a MultiDict-like list or raw bytes."""
    if rng.random() < 0.12:
        body, kind = rng.choice(JUNK_BODIES)
        return body, kind
    fields: list[tuple[str, object]] = []
    chosen = [n for n in names if rng.random() < 0.7] or names[:1]
    for name in chosen:
        fields.append((name, hostile_value(rng, plausible)))
    if rng.random() < 0.25:  # an unknown, odd or repeated field
        fields.append((rng.choice(["role", "team", "unknown", "a\x00", "x" * 300, "page",
                                   "action", *names]), hostile_value(rng, plausible)))
    if rng.random() < 0.15 and fields:  # the same field twice
        fields.append(rng.choice(fields))
    mode = rng.random()
    if mode < 0.6:
        fields.append(("csrf_token", csrf))
    elif mode < 0.7:
        fields += [("csrf_token", csrf), ("csrf_token", "forged")]
    elif mode < 0.85:
        fields.append(("csrf_token", rng.choice(["", "forged", csrf[:-2], "\x00", csrf * 3])))
    multipart = rng.random() < 0.3
    if multipart and rng.random() < 0.6:  # a file where text is expected
        target = rng.choice([*names, "team", "answers", "logo"])
        content = rng.choice([b"x", b"\x89PNG\r\n\x1a\n" + b"0" * 50, b"a,b\r\n1,2",
                              b"\x00" * 100])
        fields.append((target, (io.BytesIO(content), rng.choice(["a.txt", "a\x00.csv",
                                                                 "", "x.png"]))))
    if multipart:
        return MultiDict(fields), "multipart/form-data"
    return MultiDict([(n, v) for n, v in fields if isinstance(v, str)]), None


def page_fields(html: str) -> tuple[list[str], list[str]]:
    names = [n for n in dict.fromkeys(NAMES.findall(html)) if n != "csrf_token"]
    values = [v for v in dict.fromkeys(VALUES.findall(html)) if v and len(v) < 60]
    return names, values


class Fuzzer:
    def __init__(self, app, database_url: str, world: World, seed: int) -> None:
        self.app, self.world = app, world
        self.rng = random.Random(seed)
        self.engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
        from assess.extensions import db

        tables = [sa.table(t.name) for t in db.metadata.sorted_tables]
        self.count_query = sa.select(*[sa.select(sa.func.count()).select_from(t)
                                       .scalar_subquery() for t in tables])
        self.anon = app.test_client()
        self.admin = app.test_client()
        self.tally = Tally()
        self.anon_csrf = self.token_of(self.anon, "/login")
        self.sign_in()

    def counts(self) -> tuple[int, ...]:
        with self.engine.connect() as conn:
            return tuple(conn.execute(self.count_query).one())

    @staticmethod
    def token_of(client, path: str) -> str:
        html = client.get(path).get_data(as_text=True)
        match = CSRF.search(html)
        assert match, f"no CSRF token on {path}"
        return match.group(1) or match.group(2)

    def sign_in(self) -> None:
        self.admin = self.app.test_client()
        csrf = self.token_of(self.admin, "/login")
        response = self.admin.post("/login", data={"email": self.world.admin,
                                                   "password": PASSWORD, "csrf_token": csrf})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self.admin_csrf = self.token_of(self.admin, "/console/")

    def client_for(self, endpoint: str):
        signed_in = endpoint.startswith("console.") or endpoint in (
            "auth.account", "auth.change_password", "auth.sign_out_everywhere", "auth.logout")
        return (self.admin, self.admin_csrf) if signed_in else (self.anon, self.anon_csrf)

    def send(self, endpoint: str, method: str, path: str, **kwargs) -> None:
        client, _ = self.client_for(endpoint)
        before = self.counts()
        self.tally.requests += 1
        where = f"{method} {path[:120]!r} {kwargs.get('query_string')!r}"
        try:
            response = client.open(path, method=method, **kwargs)
        except Exception as exc:  # TESTING propagates what would be a 500
            self.tally.failures.append(f"{where}: {type(exc).__name__}: {str(exc)[:200]}")
            return
        status, body = response.status_code, response.get_data()
        response.close()
        self.tally.statuses[status] = self.tally.statuses.get(status, 0) + 1
        if status >= 500:
            self.tally.failures.append(f"{where}: {status}")
        elif status >= 400:
            self.tally.refused += 1
            after = self.counts()
            if after != before:
                self.tally.failures.append(f"{where}: {status} but rows {before} -> {after}")
            if b"<h1" not in body:
                self.tally.failures.append(f"{where}: {status} without a page")
        if client is self.admin and (endpoint in ("auth.logout", "auth.sign_out_everywhere",
                                                  "auth.change_password")
                                     or "/login" in response.headers.get("Location", "")):
            self.sign_in()

    def run(self) -> Tally:
        rules = [r for r in self.app.url_map.iter_rules() if r.endpoint != "static"]
        for rule in rules:
            self.fuzz_rule(rule)
        self.check_stored_text()
        return self.tally

    def check_stored_text(self) -> None:
        """Whatever was accepted: no stored text holds a character the rule refuses."""
        from assess.extensions import db
        from scoring.text import text_problem

        with self.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                for row in conn.execute(sa.select(table)):
                    for value in row:
                        texts = [value] if isinstance(value, str) else \
                            [v for v in value.values() if isinstance(v, str)] \
                            if isinstance(value, dict) else []
                        for text in texts:
                            if text_problem(text):
                                self.tally.failures.append(
                                    f"{table.name} holds {text[:60]!r}")

    def fuzz_rule(self, rule) -> None:
        rng, endpoint = self.rng, rule.endpoint
        good = {arg: path_value(endpoint, rule.rule, arg, self.world, rng)
                for arg in rule.arguments}
        path = build_path(rule, good)
        expensive = endpoint.endswith(("report", "round_report", "history_png"))
        # hostile path parts and query strings
        for arg in rule.arguments:
            for junk in rng.sample(HOSTILE_PATH, 4):
                self.send(endpoint, "GET" if "GET" in rule.methods else "POST",
                          build_path(rule, good | {arg: junk}))
        if "GET" in rule.methods:
            for query in ([] if expensive else rng.sample(HOSTILE_QUERY, 3)):
                self.send(endpoint, "GET", path, query_string=query)
        if "POST" not in rule.methods:
            return
        client, csrf = self.client_for(endpoint)
        names, plausible = ["csrf_token"], list(PLAUSIBLE)
        if "GET" in rule.methods and not expensive:
            page = client.get(path)
            names, values = page_fields(page.get_data(as_text=True))
            plausible += values
        names = names or ["name", "email", "team"]
        for _ in range(BODIES_PER_ROUTE):
            data, kind = hostile_body(rng, names, plausible, self.client_for(endpoint)[1])
            self.tally.bodies += 1
            kwargs: dict = {"data": data}
            if kind:
                kwargs["content_type"] = kind
            if rng.random() < 0.1:
                kwargs["query_string"] = rng.choice(HOSTILE_QUERY)
            self.send(endpoint, "POST", path, **kwargs)
        self.every_field_a_file(endpoint, path, names)
        self.json_bodies(endpoint, path, names)

    def every_field_a_file(self, endpoint: str, path: str, names: list[str]) -> None:
        """Each field of the form in turn sent as a file, the others as text, with a
        valid CSRF token: a form's filters must never take an upload for text."""
        csrf = self.client_for(endpoint)[1]
        for name in names:
            fields: list[tuple[str, object]] = [(n, "1") for n in names if n != name]
            fields += [("csrf_token", csrf), (name, (io.BytesIO(b"x"), "a.txt"))]
            self.tally.bodies += 1
            self.send(endpoint, "POST", path, data=MultiDict(fields),
                      content_type="multipart/form-data")

    def json_bodies(self, endpoint: str, path: str, names: list[str]) -> None:
        """JSON bodies that pass the CSRF check (the token in its header): a form reads
        form fields only, whatever JSON holds."""
        csrf = self.client_for(endpoint)[1]
        for value in JSON_VALUES:
            for body in ({n: value for n in names}, [value], value):
                self.tally.bodies += 1
                self.send(endpoint, "POST", path, data=json.dumps(body),
                          content_type="application/json", headers={"X-CSRFToken": csrf})


@pytest.fixture
def fuzz_app(app_factory):
    return app_factory(WTF_CSRF_ENABLED=True)


def test_hostile_input_on_every_route(fuzz_app, database_url, backend):
    world = build_world(fuzz_app)
    fuzzer = Fuzzer(fuzz_app, database_url, world, SEED + (backend == "postgresql"))
    try:
        tally = fuzzer.run()
    finally:
        fuzzer.engine.dispose()
    summary = (f"{tally.requests} requests, {tally.bodies} POST bodies, {tally.refused} "
               f"refused; statuses {dict(sorted(tally.statuses.items()))}")
    assert not tally.failures, summary + "\n" + "\n".join(tally.failures[:40])
    assert tally.bodies >= 1000, summary
    assert tally.refused > tally.requests // 2, summary  # most of it is refused
    print(summary)

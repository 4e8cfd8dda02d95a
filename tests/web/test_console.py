"""The consultant console: who may see and change what, rounds, links, invitations,
progress, releases, results, downloads, imports and branding."""

from __future__ import annotations

import csv
import io
import re
import socket
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from .conftest import at_once

PASSWORD = "a long enough passphrase"


@dataclass
class World:
    admin: str
    c1: str
    c2: str
    client1: str
    org1: str
    org2: str
    round1: str
    round2: str
    round1_id: int
    link1: str


def _account(email, role, **extra):
    from assess.extensions import db
    from assess.models import Account

    person = Account(email=email, name=email.split("@")[0], role=role, **extra)
    person.set_password(PASSWORD)
    db.session.add(person)
    db.session.flush()
    return person


@pytest.fixture
def world(app, make_round, complete) -> World:
    from assess.extensions import db
    from assess.models import Organisation, Round

    r1, r2 = make_round(min_group_size=3), make_round(min_group_size=3)
    for _ in range(3):
        complete(f"/s/{r1.link}")
        complete(f"/s/{r2.link}")
    with app.app_context():
        round1, round2 = db.session.get(Round, r1.id), db.session.get(Round, r2.id)
        org1, org2 = round1.organisation, round2.organisation
        org1.name, org2.name = "Org One", "Org Two"
        admin = _account("admin@example.com", "admin")
        c1 = _account("c1@example.com", "consultant")
        c2 = _account("c2@example.com", "consultant")
        org1.consultant_id, org2.consultant_id = c1.id, c2.id
        client1 = _account("ceo@one.example", "client", organisation_id=org1.id,
                           consultant_id=c1.id)
        db.session.commit()
        del Organisation
        return World(admin.email, c1.email, c2.email, client1.email, org1.public_id,
                     org2.public_id, round1.public_id, round2.public_id, round1.id, r1.link)


def sign_in(client, email):
    client.post("/logout")
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def _get_routes(org, round_):
    return [f"/console/clients/{org}", f"/console/clients/{org}/compare",
            f"/console/rounds/{round_}", f"/console/rounds/{round_}/results",
            f"/console/rounds/{round_}/qr.svg", f"/console/rounds/{round_}/report.pdf",
            f"/console/rounds/{round_}/answers.csv", f"/console/rounds/{round_}/answers.xlsx",
            f"/console/rounds/{round_}/scores.json"]


def _manage_routes(org, round_):
    return [(f"/console/clients/{org}/rename", {"name": "Renamed"}),
            (f"/console/clients/{org}/archive", {}),
            (f"/console/clients/{org}/rounds/new", {}),
            (f"/console/rounds/{round_}/state/close", {}),
            (f"/console/rounds/{round_}/invitations", {"count": "2"}),
            (f"/console/rounds/{round_}/invitations/remind", {}),
            (f"/console/rounds/{round_}/ceo", {"ceo_link": ""}),
            (f"/console/rounds/{round_}/import", {})]


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    for url in _get_routes(world.org1, world.round1) + ["/console/", "/console/branding"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for url, data in _manage_routes(world.org1, world.round1):
        assert client.post(url, data=data).status_code == 302


@pytest.mark.parametrize("who", ["c1", "admin", "client1"])
def test_everyone_sees_what_is_theirs(client, world, who):
    sign_in(client, getattr(world, who))
    for url in _get_routes(world.org1, world.round1):
        response = client.get(url)
        assert response.status_code == 200, (who, url, response.status_code)
    home = client.get("/console/").get_data(as_text=True)
    assert "Org One" in home
    assert ("Org Two" in home) == (who == "admin")


@pytest.mark.parametrize("who", ["c1", "client1"])
def test_nobody_sees_another_consultants_or_clients_objects(client, world, who):
    sign_in(client, getattr(world, who))
    for url in _get_routes(world.org2, world.round2):
        response = client.get(url)
        assert response.status_code == 404, (who, url)
        assert "Org Two" not in response.get_data(as_text=True)
    for url, data in _manage_routes(world.org2, world.round2):
        response = client.post(url, data=data)
        assert response.status_code == 404, (who, url)


def test_a_client_user_reads_but_never_changes(client, world, app):
    sign_in(client, world.client1)
    for url, data in _manage_routes(world.org1, world.round1):
        response = client.post(url, data=data)
        assert response.status_code == 403, url
        assert "Not available to your account" in response.get_data(as_text=True)
    assert client.get("/console/branding").status_code == 403
    from assess.extensions import db
    from assess.models import Organisation

    with app.app_context():
        assert db.session.scalar(sa.select(Organisation.name).filter_by(
            public_id=world.org1)) == "Org One"


def test_ids_in_urls_are_random_not_sequential(client, world):
    sign_in(client, world.c1)
    assert re.fullmatch(r"[A-Za-z0-9_-]{12}", world.round1)
    assert client.get(f"/console/rounds/{world.round1_id}").status_code == 404
    assert client.get("/console/rounds/" + "x" * 300).status_code == 404


def _new_round(client, org, **fields):
    data = {"title": "Spring round", "questionnaire": "web-team@1",
            "opens_on": "2026-01-01", "closes_on": "", "min_group_size": "3",
            "teams": "East: 4\nWest: 3", "access_mode": "both"} | fields
    return client.post(f"/console/clients/{org}/rounds/new", data=data)


def test_create_a_client_and_a_round_and_show_its_link_again(client, world, app):
    sign_in(client, world.c1)
    made = client.post("/console/clients", data={"name": "Fresh Client"})
    assert made.status_code == 302
    org = made.headers["Location"].rsplit("/", 1)[-1]
    created = _new_round(client, org)
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    link = re.search(r'id="share-link"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*id="share-link"', page)
    assert link, page[:2000]
    again = client.get(created.headers["Location"]).get_data(as_text=True)
    assert link.group(1) in again  # the same link, shown again
    survey = client.get(link.group(1))
    assert survey.status_code == 200 and "Fresh Client" in survey.get_data(as_text=True)
    qr = client.get(created.headers["Location"] + "/qr.svg")
    assert qr.status_code == 200 and qr.data.startswith(b"<svg")
    from assess.extensions import db
    from assess.models import Round

    with app.app_context():
        stored = db.session.scalar(sa.select(Round).filter_by(title="Spring round"))
        assert stored.headcounts == {"East": 4, "West": 3}
        token = link.group(1).rsplit("/", 1)[-1]
        assert token not in repr([getattr(stored, c.key) for c in Round.__table__.columns])


@pytest.mark.parametrize(("fields", "message"), [
    ({"min_group_size": "2"}, "at least 3"),
    ({"title": ""}, "Round name"),
    ({"teams": "East: 4\nEast: 2"}, "listed twice"),
    ({"opens_on": "2026-05-01", "closes_on": "2026-04-01"}, "after the opening date"),
    ({"questionnaire": "nope@9"}, "Questionnaire"),
    ({"teams": "East\x00: 4"}, "cannot be shown"),
])
def test_bad_round_forms_are_refused_and_nothing_stored(client, world, app, fields, message):
    sign_in(client, world.c1)
    response = _new_round(client, world.org1, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    from assess.extensions import db
    from assess.models import Round

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Round)) == 2


def test_round_state_changes(client, world, app):
    sign_in(client, world.c1)
    base = f"/console/rounds/{world.round1}/state"
    assert client.post(f"{base}/close").status_code == 302
    assert client.get(f"/s/{world.link1}").status_code == 410
    assert client.post(f"{base}/reopen", data={"until": "2099-01-01"}).status_code == 302
    assert client.get(f"/s/{world.link1}").status_code == 200
    assert client.post(f"{base}/extend", data={"until": "2000-01-01"}).status_code == 400
    assert client.post(f"{base}/explode").status_code == 400


def test_progress_hides_counts_under_k_and_skips_near_empty_answers(client, world, app,
                                                                   complete, start):
    sign_in(client, world.c1)
    complete(f"/s/{world.link1}", team="West")
    token = start(f"/s/{world.link1}", team="West")
    client.post(f"/r/{token}/section/1", data={"tm_why_us": "4", "action": "next"})
    sent = client.post(f"/r/{token}/review", data={"confirm_few": "yes"})
    assert sent.status_code == 302  # sent almost empty, after the warning
    page = client.get(f"/console/rounds/{world.round1}").get_data(as_text=True)
    rates = page.split('id="team-rates"')[1].split("</table>")[0]
    assert "East" in rates and "West" in rates
    west = rates.split("West")[1].split("</tr>")[0]
    assert "fewer than 3" in west  # one answer from West: not shown
    assert "near-empty" in page or "not counted" in page


def test_results_change_only_in_steps_of_k(client, world, app, complete):
    """Two views of the same round taken one answer apart are identical: the results
    (and exports) move only when k more answers arrived."""
    sign_in(client, world.c1)
    before = client.get(f"/console/rounds/{world.round1}/scores.json").get_json()
    complete(f"/s/{world.link1}")
    after = client.get(f"/console/rounds/{world.round1}/scores.json").get_json()
    assert after == before and after["respondents"] == 3
    csv_before = client.get(f"/console/rounds/{world.round1}/answers.csv").data
    complete(f"/s/{world.link1}")
    assert client.get(f"/console/rounds/{world.round1}/answers.csv").data == csv_before
    page = client.get(f"/console/rounds/{world.round1}").get_data(as_text=True)
    assert "Fewer than 3 newer answers will join the results" in page
    assert "2 answers" not in page  # a count under k is never shown
    complete(f"/s/{world.link1}")
    assert client.get(f"/console/rounds/{world.round1}/scores.json").get_json()[
        "respondents"] == 6


def test_downloads_refused_under_k(client, world, make_round, app, complete):
    sign_in(client, world.c1)
    from assess.extensions import db
    from assess.models import Account, Organisation, Round

    small = make_round(min_group_size=3)
    complete(f"/s/{small.link}")
    with app.app_context():
        org = db.session.get(Round, small.id).organisation
        org.consultant_id = db.session.scalar(sa.select(Account.id).filter_by(email=world.c1))
        db.session.commit()
        del Organisation
    for suffix in ("report.pdf", "answers.csv", "answers.xlsx", "scores.json"):
        response = client.get(f"/console/rounds/{small.public_id}/{suffix}")
        assert response.status_code == 409, suffix
        assert "anonymity threshold" in response.get_data(as_text=True)
    page = client.get(f"/console/rounds/{small.public_id}/results").get_data(as_text=True)
    assert 'id="not-ready"' in page


def test_the_pdf_is_rendered_once_per_state(client, world, app, monkeypatch):
    from assess.console import reports

    sign_in(client, world.c1)
    calls = []
    original = reports.render
    monkeypatch.setattr(reports, "render", lambda *a, **k: calls.append(1) or original(*a, **k))
    first = client.get(f"/console/rounds/{world.round1}/report.pdf")
    second = client.get(f"/console/rounds/{world.round1}/report.pdf")
    assert first.data == second.data and first.data.startswith(b"%PDF") and len(calls) == 1
    client.post("/console/branding", data={"brand_name": "New Brand", "brand_colour": "",
                                           "brand_contact": ""})
    client.get(f"/console/rounds/{world.round1}/report.pdf")
    assert len(calls) == 2  # the branding changed: a new state


def test_two_downloads_at_once_render_the_pdf_once(world, app, monkeypatch):
    """A double click on a report that is being rendered waits for it."""
    import time

    from assess.console import reports
    from assess.extensions import db
    from assess.models import Round

    calls = []
    original = reports.render

    def slow(*args, **kwargs):
        calls.append(1)
        time.sleep(0.4)  # long enough for the second download to arrive meanwhile
        return original(*args, **kwargs)

    monkeypatch.setattr(reports, "render", slow)
    pdfs: list[bytes] = []

    def download() -> None:
        with app.app_context():
            round_ = db.session.scalar(sa.select(Round).filter_by(public_id=world.round1))
            pdfs.append(reports.cached_pdf(round_))

    at_once(download)
    assert len(calls) == 1 and len(pdfs) == 2 and pdfs[0] == pdfs[1]


def test_invitation_links_download_work_and_revoke(client, world, app):
    sign_in(client, world.c1)
    base = f"/console/rounds/{world.round1}"
    assert client.post(f"{base}/invitations", data={"count": "3"}).status_code == 302
    table = list(csv.DictReader(io.StringIO(client.get(f"{base}/invitations.csv")
                                            .get_data(as_text=True))))
    assert len(table) == 3
    links = [row["link"] for row in table]
    assert client.get(links[0]).status_code == 200
    client.post(f"{base}/invitations/{table[1]['invitation']}/revoke")
    assert client.get(links[1]).status_code == 404
    again = list(csv.DictReader(io.StringIO(client.get(f"{base}/invitations.csv")
                                            .get_data(as_text=True))))
    assert [row["link"] for row in again] == [links[0], links[2]]
    assert client.post(f"{base}/invitations", data={"count": "0"}).status_code == 400


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd)
            self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def test_invitations_by_mail_and_reminders_only_to_unused(app_factory, world, smtp_server,
                                                          make_round):
    port, inbox = smtp_server
    mailing = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                          MAIL_SENDER="survey@example.com", BASE_URL="http://survey.test")
    client = mailing.test_client()
    sign_in(client, world.c1)
    base = f"/console/rounds/{world.round1}"
    sent = client.post(f"{base}/invitations/send",
                       data={"addresses": "a@x.example, b@x.example\nA@x.example"})
    assert sent.status_code == 302
    assert sorted(m[0][0] for m in inbox.messages) == ["a@x.example", "b@x.example"]
    link = re.search(r"http://\S+/i/\S+", inbox.messages[0][1]).group(0)
    assert client.get(link.replace("http://survey.test", "")).status_code == 200
    bad = client.post(f"{base}/invitations/send", data={"addresses": "not an address"})
    assert bad.status_code == 400 and "not an email address" in bad.get_data(as_text=True)
    from assess.extensions import db
    from assess.models import Invitation, SentMark
    from assess.respondent.operations import sent_mark

    with mailing.app_context():  # a's answers were sent
        first = db.session.scalar(sa.select(Invitation).filter_by(email="a@x.example"))
        db.session.add(SentMark(token_hash=sent_mark(link.rsplit("/", 1)[-1]),
                                round_id=first.round_id))
        db.session.commit()
    inbox.messages.clear()
    assert client.post(f"{base}/invitations/remind").status_code == 302
    assert [m[0][0] for m in inbox.messages] == ["b@x.example"]
    assert link.rsplit("/", 1)[-1] not in inbox.messages[0][1]  # b's own link, not a's


def test_import_shows_line_and_column_and_stores_nothing(client, world, app):
    sign_in(client, world.c1)
    base = f"/console/rounds/{world.round1}"
    bad = b"role,tm_customers\nrep,4\nrep,9\n"
    response = client.post(f"{base}/import", data={"answers": (io.BytesIO(bad), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "line 3" in text and "tm_customers" in text and "Nothing was imported" in text
    good = b"role,tm_customers\n" + b"rep,4\n" * 3
    response = client.post(f"{base}/import", data={"answers": (io.BytesIO(good), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.get(f"{base}/scores.json").get_json()["respondents"] == 6


def _png(size=(40, 20)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("upload", "message"), [
    (b"<svg onload=alert(1)></svg>", "must be a PNG or JPEG"),
    (b"\x89PNG\r\n\x1a\nnot really a png", "could not be read"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 5000, "larger than 1 MB"),
])
def test_logos_are_checked_by_content(client, world, upload, message, monkeypatch):
    from assess.console import branding

    monkeypatch.setattr(branding, "LOGO_MAX_BYTES", 4096)  # small uploads: no temp files
    sign_in(client, world.c1)
    response = client.post("/console/branding", data={
        "brand_name": "X", "logo": (io.BytesIO(upload), "logo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_a_broken_logo_is_refused_not_an_error():
    """Seeded mutations of real PNGs and JPEGs (bytes changed, cut out or put in): each
    is a clean PNG or the page's refusal, never a decoder's exception (a 500)."""
    import random

    from PIL import Image

    from assess.console.branding import clean_logo
    from assess.errors import BadForm

    seeds = []
    for mode, fmt in (("RGBA", "PNG"), ("P", "PNG"), ("L", "PNG"), ("RGB", "JPEG"),
                      ("L", "JPEG")):
        buffer = io.BytesIO()
        Image.new(mode, (40, 30)).save(buffer, format=fmt)
        seeds.append(buffer.getvalue())
    rng, outcomes = random.Random(20261207), {"clean": 0, "refused": 0}
    for _ in range(3000):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(8, len(data))
            step = rng.random()
            if step < 0.6:
                data[at] = rng.randrange(256)
            elif step < 0.8:
                del data[at:at + rng.randint(1, 20)]
            else:
                data[at:at] = rng.randbytes(rng.randint(1, 20))
        try:
            out = clean_logo(bytes(data))
        except BadForm:
            outcomes["refused"] += 1
        else:
            assert out.startswith(b"\x89PNG\r\n\x1a\n")
            outcomes["clean"] += 1
    assert outcomes["refused"] > 100 and outcomes["clean"] > 100, outcomes


def test_a_logo_is_re_encoded(client, world, app):
    sign_in(client, world.c1)
    response = client.post("/console/branding", data={
        "brand_name": "Northwind", "brand_colour": "#123456", "brand_contact": "Jo · jo@x",
        "logo": (io.BytesIO(_png((1200, 300))), "logo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    from PIL import Image

    logo = client.get("/console/branding/logo.png").data
    with Image.open(io.BytesIO(logo)) as image:
        assert image.format == "PNG" and image.size[0] <= 600 and image.size[1] <= 200


def _quick_token(client) -> str:
    from .test_web_quick import finish

    return finish(client).rsplit("/", 1)[-1]


def test_a_ceo_asks_the_consultant_and_the_round_carries_their_view(app, client, complete):
    from assess.extensions import db
    from assess.models import Lead, Round

    with app.app_context():
        _account("only@consult.example", "consultant")
        db.session.commit()
    token = _quick_token(client)
    assert f"/quick/result/{token}/team" in client.get(f"/quick/result/{token}").get_data(
        as_text=True)
    bad = client.post(f"/quick/result/{token}/team", data={"name": "Ann", "email": "x",
                                                            "company": "Acme"})
    assert bad.status_code == 400
    sent = client.post(f"/quick/result/{token}/team", data={
        "name": "Ann Chief", "email": "ann@acme.example", "company": "Acme Ltd",
        "team_size": "25"})
    assert sent.status_code == 200 and "on its way" in sent.get_data(as_text=True)
    sign_in(client, "only@consult.example")
    home = client.get("/console/").get_data(as_text=True)
    assert "Acme Ltd" in home and "ann@acme.example" in home
    with app.app_context():
        lead = db.session.scalar(sa.select(Lead))
        lead_id = lead.public_id
    started = client.post(f"/console/leads/{lead_id}/start")
    assert started.status_code == 302
    with app.app_context():
        round_ = db.session.scalar(sa.select(Round).where(Round.title == "Team survey"))
        assert round_.ceo_result_id is not None and round_.organisation.name == "Acme Ltd"
        public_id, link = round_.public_id, None
    page = client.get(f"/console/rounds/{public_id}").get_data(as_text=True)
    link = re.search(r'value="(http://[^"]+/s/[^"]+)"', page).group(1)
    for _ in range(3):
        complete(link.replace("http://survey.test", ""))
    results = client.get(f"/console/rounds/{public_id}/results").get_data(as_text=True)
    assert "The CEO&#39;s own view vs. the team" in results or \
        "The CEO's own view vs. the team" in results
    assert client.post(f"/console/leads/{lead_id}/start").status_code == 404  # handled
    from .test_web_reports import pdf_text

    ceo_pdf = pdf_text(client.get(f"/quick/result/{token}/report.pdf").data)
    assert "Acme Ltd" in ceo_pdf and "only@consult.example" in ceo_pdf


def test_self_serve_ceo_opens_an_account_and_runs_their_round(app_factory):
    serving = app_factory(SELF_SERVE=True)
    client = serving.test_client()
    token = _quick_token(client)
    weak = client.post(f"/quick/result/{token}/team", data={
        "name": "Bo", "email": "bo@self.example", "company": "Self Co", "password": "short"})
    assert weak.status_code == 400 and "at least 12" in weak.get_data(as_text=True)
    made = client.post(f"/quick/result/{token}/team", data={
        "name": "Bo", "email": "bo@self.example", "company": "Self Co",
        "password": PASSWORD})
    assert made.status_code == 302 and "/console/rounds/" in made.headers["Location"]
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert 'id="share-link"' in page and 'id="close-round"' in page  # they run it
    assert client.post(made.headers["Location"] + "/state/close").status_code == 302
    taken = client.post(f"/quick/result/{token}/team", data={
        "name": "Bo", "email": "bo@self.example", "company": "Other", "password": PASSWORD})
    assert taken.status_code == 400 and "already an account" in taken.get_data(as_text=True)


def test_consultants_invite_client_users_who_then_see_only_their_organisation(app, world):
    from assess.extensions import db
    from assess.models import Account

    consultant = app.test_client()
    sign_in(consultant, world.c1)
    page = consultant.post("/console/people/invite", data={"email": "hr@one.example",
                                                           "client": world.org1})
    assert page.status_code == 200
    link = re.search(r'id="invite-link"[^>]*value="([^"]+)"', page.get_data(as_text=True)) \
        or re.search(r'value="([^"]+)"[^>]*id="invite-link"', page.get_data(as_text=True))
    path = link.group(1).split("survey.test", 1)[-1]
    assert consultant.post("/console/people/invite", data={
        "email": "x@two.example", "client": world.org2}).status_code == 404  # not theirs
    newcomer = app.test_client()
    done = newcomer.post(path, data={"name": "Hana R", "password": PASSWORD,
                                     "confirm": PASSWORD})
    assert done.status_code == 302, done.get_data(as_text=True)[:500]
    home = newcomer.get("/console/").get_data(as_text=True)
    assert "Org One" in home and "Org Two" not in home
    with app.app_context():
        person = db.session.scalar(sa.select(Account).filter_by(email="hr@one.example"))
        assert person.role == "client" and person.organisation.public_id == world.org1
    admin = app.test_client()
    sign_in(admin, world.admin)
    assert admin.post("/console/people/invite",
                      data={"email": "new@consult.example"}).status_code == 200
    assert consultant.post("/console/people/invite",
                           data={"email": "peer@consult.example"}).status_code in (400, 403)

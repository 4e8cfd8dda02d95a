"""Accounts: invitations (who may invite whom, accepting, spent and expired links), the
password policy, password resets, mail through a real SMTP server, and `assess users`."""

from __future__ import annotations

import re
import socket

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

ADMIN_PASSWORD = "granite-orchid-velvet"
GOOD = "amber-willow-signal-forty"
LINK = re.compile(r"https?://[^\s]+/(invite|reset)/([A-Za-z0-9_-]+)")


@pytest.fixture
def people(app):
    """An admin, a consultant with one organisation, another consultant with another."""
    from assess.auth import passwords
    from assess.extensions import db
    from assess.models import Account, Organisation

    with app.app_context():
        hashed = passwords.hash_password(ADMIN_PASSWORD)
        admin = Account(email="admin@example.com", name="Ada Admin", role="admin",
                        password_hash=hashed)
        clara = Account(email="clara@example.com", name="Clara", role="consultant",
                        password_hash=hashed)
        other = Account(email="otto@example.com", name="Otto", role="consultant",
                        password_hash=hashed)
        db.session.add_all([admin, clara, other])
        db.session.flush()
        acme = Organisation(name="Acme", consultant_id=clara.id)
        globex = Organisation(name="Globex", consultant_id=other.id)
        db.session.add_all([acme, globex])
        db.session.commit()
        return {"admin": admin.id, "clara": clara.id, "otto": other.id, "acme": acme.id,
                "globex": globex.id}


def invite(app, inviter_id, email, role, organisation_id=None):
    """`operations.invite` as the console calls it, inside a request."""
    from assess.auth import operations as ops
    from assess.extensions import db
    from assess.models import Account, Organisation

    with app.test_request_context("/console/", method="POST"):
        inviter = db.session.get(Account, inviter_id)
        organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
        link = ops.invite(inviter, email, role, organisation)
        db.session.remove()
        return link


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def account(app, email):
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        row = db.session.scalar(sa.select(Account).filter_by(email=email))
        db.session.expunge_all()
        return row


# --------------------------------------------------------------------------- invitations


def test_admin_invites_a_consultant_who_accepts(app, client, people, rows):
    from assess.models import OneTimeToken

    link = invite(app, people["admin"], " New.Consultant@Example.com ", "consultant")
    assert link.startswith("http://survey.test/invite/") and link.mailed is None
    (token_row,) = rows(OneTimeToken)
    token = path_of(link).rsplit("/", 1)[1]
    assert token not in token_row.token_hash and len(token_row.token_hash) == 64
    assert token_row.email == "new.consultant@example.com" and token_row.role == "consultant"
    page = client.get(path_of(link)).get_data(as_text=True)
    assert "new.consultant@example.com" in page and "as a consultant" in page

    weak = client.post(path_of(link), data={"name": "Nina", "password": "password1234",
                                            "confirm": "password1234"})
    assert weak.status_code == 400 and "common passwords" in weak.get_data(as_text=True)
    done = client.post(path_of(link), data={"name": "  Nina   New ", "password": GOOD,
                                            "confirm": GOOD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/")
    assert client.get("/console/").status_code == 200  # signed in
    nina = account(app, "new.consultant@example.com")
    assert (nina.role, nina.name, nina.organisation_id) == ("consultant", "Nina New", None)
    assert nina.password_hash.startswith("$argon2id$")
    assert rows(OneTimeToken)[0].used_at is not None

    again = app.test_client().get(path_of(link))
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_consultant_invites_a_client_user_of_their_organisation(app, client, people):
    link = invite(app, people["clara"], "ceo@acme.example", "client", people["acme"])
    page = client.get(path_of(link)).get_data(as_text=True)
    assert "as a client user" in page
    client.post(path_of(link), data={"name": "Cee", "password": GOOD, "confirm": GOOD})
    ceo = account(app, "ceo@acme.example")
    assert (ceo.role, ceo.organisation_id, ceo.consultant_id) == \
        ("client", people["acme"], people["clara"])


@pytest.mark.parametrize("inviter, role, organisation, message", [
    ("clara", "client", "globex", "one of your own organisations"),
    ("clara", "client", None, "one of your own organisations"),
    ("clara", "consultant", None, "cannot invite a consultant"),
    ("admin", "client", "acme", "cannot invite a client user"),
    ("admin", "admin", None, "cannot invite an administrator"),
    ("admin", "consultant", "acme", "Only client users belong to an organisation"),
])
def test_who_may_invite_whom(app, people, inviter, role, organisation, message):
    from assess.auth.operations import NotAllowed

    with pytest.raises(NotAllowed, match=message):
        invite(app, people[inviter], "x@example.com", role,
               people[organisation] if organisation else None)


def test_a_client_user_cannot_invite(app, people, client):
    from assess.auth.operations import NotAllowed

    link = invite(app, people["clara"], "hr@acme.example", "client", people["acme"])
    client.post(path_of(link), data={"name": "H", "password": GOOD, "confirm": GOOD})
    with pytest.raises(NotAllowed):
        invite(app, account(app, "hr@acme.example").id, "y@example.com", "client",
               people["acme"])


def test_invitations_to_existing_or_bad_addresses_are_refused(app, people):
    from assess.auth.operations import BadEmail, EmailTaken

    with pytest.raises(EmailTaken):
        invite(app, people["admin"], "Clara@example.com", "consultant")
    with pytest.raises(BadEmail):
        invite(app, people["admin"], "not an address", "consultant")


def test_a_newer_invitation_replaces_the_older(app, people, client):
    old = invite(app, people["admin"], "n@example.com", "consultant")
    new = invite(app, people["admin"], "n@example.com", "consultant")
    assert client.get(path_of(old)).status_code == 410
    assert client.get(path_of(new)).status_code == 200


def test_expired_and_unknown_invitations_get_a_clear_page(app, people, client, clock):
    link = invite(app, people["admin"], "late@example.com", "consultant")
    clock.advance(days=6, hours=23)
    assert client.get(path_of(link)).status_code == 200
    clock.advance(hours=1, seconds=1)
    expired = client.get(path_of(link))
    assert expired.status_code == 410
    html = expired.get_data(as_text=True)
    assert "This link has expired" in html and "work for 7 days" in html
    posted = client.post(path_of(link), data={"name": "L", "password": GOOD, "confirm": GOOD})
    assert posted.status_code == 410 and account(app, "late@example.com") is None
    unknown = client.get("/invite/" + "x" * 32)
    assert unknown.status_code == 404 and "recognise this link" in unknown.get_data(as_text=True)


@pytest.mark.parametrize("change", ["inviter inactive", "organisation archived"])
def test_an_invitation_is_withdrawn_with_its_grounds(app, people, client, change):
    from assess.extensions import db
    from assess.models import Account, Organisation, utcnow

    link = invite(app, people["clara"], "c2@acme.example", "client", people["acme"])
    with app.app_context():
        if change == "inviter inactive":
            db.session.get(Account, people["clara"]).active = False
        else:
            db.session.get(Organisation, people["acme"]).archived_at = utcnow()
        db.session.commit()
    response = client.post(path_of(link), data={"name": "C", "password": GOOD, "confirm": GOOD})
    assert response.status_code == 403 and "withdrawn" in response.get_data(as_text=True)
    assert account(app, "c2@acme.example") is None


@pytest.mark.parametrize("password, message", [
    ("short-one", "Use at least 12 characters (this one has 9)"),
    ("liverpool12345", "on lists of common passwords"),
    ("dragondragon", "on lists of common passwords"),
    ("abcdefghijklmnop", "too easy to guess"),
    ("aaaaaaaaaaaaaaaa", "too easy to guess"),
    ("p@example.com", "must not be your email address"),
])
def test_password_policy_messages(app, people, client, password, message):
    link = invite(app, people["admin"], "p@example.com", "consultant")
    response = client.post(path_of(link), data={"name": "P", "password": password,
                                                "confirm": password})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert account(app, "p@example.com") is None


def test_the_common_password_list_is_shipped_and_large():
    from assess.auth import passwords

    common = passwords.common_passwords()
    assert len(common) > 10_000 and "123456" in common and "qwertyuiopasdfgh" not in common
    assert not any(line.startswith("# ") for line in common)


# --------------------------------------------------------------------------- mail


def test_invitation_mail_arrives_with_the_link(app_factory, people, smtp_server_with_login):
    inbox = smtp_server_with_login
    app = app_factory(**inbox.config(MAIL_USERNAME="mailer", MAIL_PASSWORD="mail-secret"))
    link = invite(app, people["admin"], "mailed@example.com", "consultant")
    assert link.mailed is True and link.startswith("https://survey.test/invite/")
    (message,) = inbox.wait(1)
    assert inbox.recipients == [["mailed@example.com"]] and inbox.authenticated == [True]
    assert message["From"] == "assess@survey.test" and message["To"] == "mailed@example.com"
    body = message.get_content()
    assert link in body and "Ada Admin has invited you" in body and "7 days" in body
    client = app.test_client()
    client.post(path_of(link), data={"name": "M", "password": GOOD, "confirm": GOOD})
    assert account(app, "mailed@example.com").role == "consultant"


def test_an_invitation_survives_a_mail_server_that_is_down(app_factory, people):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2,
                      MAIL_SENDER="assess@survey.test", BASE_URL="https://survey.test")
    link = invite(app, people["admin"], "later@example.com", "consultant")
    assert link.mailed is False
    assert app.test_client().get(path_of(link)).status_code == 200


def test_password_reset_by_mail(app_factory, people, smtp_server, clock):
    app = app_factory(**smtp_server.config())
    browser, elsewhere = app.test_client(), app.test_client()
    assert elsewhere.post("/login", data={"email": "clara@example.com",
                                          "password": ADMIN_PASSWORD}).status_code == 302
    known = browser.post("/reset", data={"email": "Clara@Example.com"})
    unknown = browser.post("/reset", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data().replace(b"nobody@example.com",
                                                          b"clara@example.com")
    (message,) = smtp_server.wait(1)
    assert message["To"] == "clara@example.com" and message["Subject"] == "Reset your password"
    link = LINK.search(message.get_content()).group(0)
    assert link.startswith("https://survey.test/reset/")
    assert browser.get(path_of(link)).status_code == 200

    weak = browser.post(path_of(link), data={"password": "qwerty123456",
                                             "confirm": "qwerty123456"})
    assert weak.status_code == 400
    done = browser.post(path_of(link), data={"password": GOOD, "confirm": GOOD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert elsewhere.get("/console/").status_code == 302  # every session ended
    assert browser.get(path_of(link)).status_code == 410  # spent
    assert browser.post("/login", data={"email": "clara@example.com",
                                        "password": GOOD}).status_code == 302
    time_out = app.test_client()
    time_out.post("/reset", data={"email": "clara@example.com"})
    second = LINK.search(smtp_server.wait(2)[1].get_content()).group(0)
    clock.advance(minutes=61)
    expired = time_out.get(path_of(second))
    assert expired.status_code == 410 and "one hour" in expired.get_data(as_text=True)
    assert len(smtp_server.messages) == 2  # none for the unknown address


def test_a_reset_lifts_a_lock(app, people):
    from assess.auth import operations as ops

    client = app.test_client()
    for _ in range(5):
        client.post("/login", data={"email": "otto@example.com", "password": "wrong-one"})
    assert account(app, "otto@example.com").locked_until is not None
    with app.test_request_context("/reset", method="POST"):
        link = ops.request_reset("otto@example.com")
    client.post(path_of(link), data={"password": GOOD, "confirm": GOOD})
    assert client.post("/login", data={"email": "otto@example.com",
                                       "password": GOOD}).status_code == 302


def test_a_reset_link_ignores_a_forged_host(app_factory, people, smtp_server):
    app = app_factory(**smtp_server.config())
    app.test_client().post("/reset", data={"email": "clara@example.com"},
                           headers={"Host": "evil.example"}, base_url="http://evil.example")
    (message,) = smtp_server.wait(1)
    assert "evil.example" not in message.get_content()
    assert "https://survey.test/reset/" in message.get_content()


def test_without_mail_the_reset_page_sends_people_to_their_admin(client, people, rows):
    from assess.models import OneTimeToken

    for response in (client.get("/reset"), client.post("/reset", data={
            "email": "clara@example.com"})):
        assert response.status_code == 200
        assert "assess users reset-link" in response.get_data(as_text=True)
    assert rows(OneTimeToken) == []


@pytest.mark.parametrize("settings, message", [
    ({"MAIL_SERVER": "mail.example"}, "ASSESS_MAIL_SENDER"),
    ({"MAIL_SERVER": "mail.example", "MAIL_SENDER": "a@b.example"}, "ASSESS_BASE_URL"),
    ({"BASE_URL": "survey.test"}, r"absolute http\(s\) address"),
    ({"MAIL_SERVER": "mail.example", "MAIL_SENDER": "a@b.example", "BASE_URL": "https://x.y",
      "MAIL_USERNAME": "u"}, "in clear"),
])
def test_mail_settings_are_checked_at_start(app_factory, settings, message):
    from assess import ConfigError

    with pytest.raises(ConfigError, match=message):
        app_factory(**settings)


# --------------------------------------------------------------------------- assess users


def run(*args: str, input: str | None = None):
    from assess.cli import main

    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def dispose():
    yield
    import gc

    from sqlalchemy.engine import Engine

    for obj in gc.get_objects():
        if isinstance(obj, Engine):
            obj.dispose()


def test_users_create_list_and_reset_link(cli_env, dispose):
    made = run("users", "create", "--role", "admin", "Root@Example.com", "--name", "Root",
               "--password-stdin", input=GOOD + "\n")
    assert made.exit_code == 0, made.output
    assert made.output.strip() == "created admin root@example.com"
    prompted = run("users", "create", "--role", "consultant", "con@example.com",
                   input=f"{GOOD}\n{GOOD}\n")
    assert prompted.exit_code == 0, prompted.output
    listed = run("users", "list")
    lines = listed.output.splitlines()
    assert lines[0].split() == ["EMAIL", "ROLE", "NAME", "STATE", "CREATED"]
    assert lines[1].split()[:4] == ["root@example.com", "admin", "Root", "active"]
    assert lines[2].split()[:4] == ["con@example.com", "consultant", "-", "active"]

    from assess.cli import script_app

    app = script_app()
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False, SERVER_NAME="survey.test")
    client = app.test_client()
    assert client.post("/login", data={"email": "root@example.com",
                                       "password": GOOD}).status_code == 302
    printed = run("users", "reset-link", "root@example.com", "--base-url",
                  "https://assess.example.com/")
    assert printed.exit_code == 0
    link = printed.output.strip()
    assert re.fullmatch(r"https://assess\.example\.com/reset/[A-Za-z0-9_-]{32}", link)
    other = app.test_client()
    assert other.get(path_of(link)).status_code == 200
    new = "cobalt-thistle-marble-nine"
    assert other.post(path_of(link), data={"password": new, "confirm": new}).status_code == 302
    assert client.get("/console/").status_code == 302  # the reset ended the session
    with app.app_context():
        from assess.extensions import db

        db.engine.dispose()


@pytest.mark.parametrize("args, stdin, message", [
    (["--role", "admin", "not-an-email"], GOOD, "is not an email address"),
    (["--role", "admin", "a@example.com"], "short", "at least 12 characters"),
    (["--role", "admin", "a@example.com"], "password12345", "common passwords"),
    (["--role", "client", "a@example.com"], GOOD, "Invalid value for '--role'"),
    (["--role", "owner", "a@example.com"], GOOD, "Invalid value for '--role'"),
    (["a@example.com"], GOOD, "Missing option '--role'"),
])
def test_users_create_refuses_bad_input_with_exit_2(cli_env, dispose, args, stdin, message):
    done = run("users", "create", *args, "--password-stdin", input=stdin + "\n")
    assert done.exit_code == 2 and message in done.output, done.output
    assert "Traceback" not in done.output


def test_users_create_refuses_an_existing_address(cli_env, dispose):
    assert run("users", "create", "--role", "admin", "a@example.com", "--password-stdin",
               input=GOOD + "\n").exit_code == 0
    again = run("users", "create", "--role", "consultant", "A@example.com",
                "--password-stdin", input=GOOD + "\n")
    assert again.exit_code == 2 and "already exists" in again.output


def test_users_reset_link_for_an_unknown_address(cli_env, dispose):
    done = run("users", "reset-link", "ghost@example.com")
    assert done.exit_code == 2 and "no active account" in done.output

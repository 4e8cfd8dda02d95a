"""Signing in: the console behind it, equal answers for unknown addresses, locks,
throttling shared between worker processes, sessions that end (sign-out, password
change, idle and absolute limits), cookie flags and HSTS."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

PASSWORD = "violet-harbour-lantern"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def consultant(app):
    from assess.auth import passwords
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        person = Account(email="c@example.com", name="C",
                         password_hash=passwords.hash_password(PASSWORD))
        db.session.add(person)
        db.session.commit()
        return person.id


def login(client, email="c@example.com", password=PASSWORD, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def flash_text(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('class="flash flash-error" role="status">')[1].split("</p>")[0]


def account_row(app, account_id):
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        row = db.session.get(Account, account_id)
        db.session.expunge_all()
        return row


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
    bad = login(client, password="wrong")
    assert bad.status_code == 400 and "do not match" in bad.get_data(as_text=True)
    ok = client.post("/login?next=//evil.example/x",
                     data={"email": "C@example.com ", "password": PASSWORD})
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


# --------------------------------------------------------------------------- answers


def test_unknown_address_and_wrong_password_get_the_same_answer(client, consultant):
    unknown = login(client, email="nobody@example.com")
    wrong = login(client, password="wrong-password-here")
    assert unknown.status_code == wrong.status_code == 400
    assert flash_text(unknown) == flash_text(wrong) == \
        "That email and password do not match an account."
    # The pages differ only in the email typed (and the CSRF token's timestamp, which
    # moves when the two requests fall in different seconds).
    unknown_page, wrong_page = (re.sub(rb'name="csrf_token" value="[^"]*"', b"", r.get_data())
                                for r in (unknown, wrong))
    assert unknown_page == wrong_page.replace(b"c@example.com", b"nobody@example.com")


def test_lock_after_failures_then_unlock_after_the_period(app, client, consultant, clock):
    codes = [login(client, password=f"wrong-{i}").status_code for i in range(5)]
    assert codes == [400, 400, 400, 400, 429]
    row = account_row(app, consultant)
    assert row.failed_logins == 0 and row.locked_until is not None
    refused = login(client)  # the right password, during the lock
    assert refused.status_code == 429
    message = flash_text(refused)
    assert "paused for 15 minutes after 5 failed attempts" in message
    assert "Try again in 15 minutes, or reset your password." in message
    clock.advance(minutes=10)
    assert "Try again in 5 minutes" in flash_text(login(client))
    clock.advance(minutes=5, seconds=1)
    assert login(client).status_code == 302
    assert account_row(app, consultant).failed_logins == 0
    client.post("/logout")
    # A success starts the count again: four more failures do not lock.
    assert [login(client, password="wrong").status_code for _ in range(4)] == [400] * 4
    assert login(client).status_code == 302


def test_an_unknown_address_locks_the_same_way(client, consultant):
    known = [login(client, password="wrong") for _ in range(6)]
    unknown = [login(client, email="nobody@example.com") for _ in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] \
        == [400, 400, 400, 400, 429, 429]
    assert [flash_text(r) for r in known] == [flash_text(r) for r in unknown]


def _time_ratio(client, pairs: int = 21) -> tuple[float, float, float]:
    """Median time of a failed sign-in with a known and an unknown address, and the median
    ratio unknown/known of adjacent pairs (their order alternating), which machine noise
    that comes and goes disturbs least."""
    known, unknown, ratios = [], [], []
    for i in range(pairs):
        pair = {}
        order = [("known", "c@example.com"), ("unknown", f"n{i}@example.com")]
        for kind, email in order if i % 2 else order[::-1]:
            start = time.perf_counter()
            assert login(client, email=email, password="wrong-password-x").status_code == 400
            pair[kind] = time.perf_counter() - start
        known.append(pair["known"])
        unknown.append(pair["unknown"])
        ratios.append(pair["unknown"] / pair["known"])
    return statistics.median(known), statistics.median(unknown), statistics.median(ratios)


def test_sign_in_takes_as_long_for_unknown_addresses(app_factory, consultant, monkeypatch):
    """A wrong password for a known address and any password for an unknown one both
    check one Argon2id hash, so they take the same time; without the dummy hash for
    unknown addresses the test sees the difference."""
    from assess.auth import passwords

    app = app_factory(LOGIN_LOCK_AFTER=10_000)
    client = app.test_client()
    login(client, password="warm-up"), login(client, email="warm@example.com")
    known, unknown, ratio = _time_ratio(client)
    print(f"sign-in medians: known {known * 1000:.1f} ms, unknown {unknown * 1000:.1f} ms, "
          f"ratio {ratio:.2f}")
    assert 0.75 < ratio < 1.33

    monkeypatch.setattr(passwords, "burn_time", lambda _password: None)
    known, unknown, leaky = _time_ratio(client, pairs=7)
    print(f"without the dummy hash: known {known * 1000:.1f} ms, unknown "
          f"{unknown * 1000:.1f} ms, ratio {leaky:.2f}")
    assert leaky < 0.6


def test_an_old_hash_is_replaced_at_sign_in(app, client, consultant, monkeypatch):
    from argon2 import PasswordHasher
    from werkzeug.security import generate_password_hash

    from assess.auth import passwords
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        db.session.get(Account, consultant).password_hash = generate_password_hash(PASSWORD)
        db.session.commit()
    assert login(client).status_code == 302
    first = account_row(app, consultant).password_hash
    assert first.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    client.post("/logout")
    monkeypatch.setattr(passwords, "HASHER",
                        PasswordHasher(time_cost=3, memory_cost=19 * 1024, parallelism=1))
    assert login(client).status_code == 302
    assert account_row(app, consultant).password_hash.startswith("$argon2id$v=19$m=19456,t=3")


# --------------------------------------------------------------------------- throttling


def test_sign_in_is_throttled_per_account_and_per_address(app_factory, consultant):
    app = app_factory(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN_ADDRESS="3 per minute",
                      RATELIMIT_LOGIN_ACCOUNT="4 per minute")
    client = app.test_client()
    # One account from many addresses: the fifth attempt is refused, even the right one.
    codes = [login(client, password="wrong", environ_base={"REMOTE_ADDR": f"203.0.113.{i}"})
             .status_code for i in range(4)]
    assert codes == [400, 400, 400, 400]
    refused = login(client, environ_base={"REMOTE_ADDR": "203.0.113.99"})
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
    # Many addresses typed from one client address.
    one = {"environ_base": {"REMOTE_ADDR": "198.51.100.1"}}
    codes = [login(client, email=f"x{i}@example.com", **one).status_code for i in range(4)]
    assert codes == [400, 400, 400, 429]


def _workers(config: dict, email: str, *batches: list[str]) -> list[list[int]]:
    """Each batch of sign-in attempts in its own process, like gunicorn's workers."""
    env = os.environ | {"PYTHONPATH": os.pathsep.join(
        filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    results = []
    for addresses in batches:
        job = {"config": config, "email": email, "addresses": addresses}
        done = subprocess.run([sys.executable, str(Path(__file__).with_name("login_worker.py")),
                               json.dumps(job)], capture_output=True, text=True, env=env,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


@pytest.mark.parametrize("storage", ["redis", "embedded", "memory"])
def test_throttling_is_shared_by_worker_processes(storage, database_url, tmp_path, request):
    """Two processes, each with its own app, on one storage: the limit is counted once.
    Per-process memory (the control) lets each worker count its own."""
    config = {"TESTING": True, "SECRET_KEY": "shared-secret", "SERVER_NAME": "survey.test",
              "SQLALCHEMY_DATABASE_URI": database_url, "VERIFY_QUESTIONNAIRES": False,
              "INSTANCE_PATH": str(tmp_path / "instance"), "WTF_CSRF_ENABLED": False,
              "RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN_ACCOUNT": "3 per minute"}
    if storage == "redis":
        config["RATELIMIT_STORAGE_URI"] = request.getfixturevalue("redis_url")
    elif storage == "memory":
        config["RATELIMIT_STORAGE_URI"] = "memory://"
    first, second = _workers(config, "target@example.com", ["192.0.2.1", "192.0.2.2"],
                             ["192.0.2.3", "192.0.2.4"])
    assert first == [400, 400]
    assert second == ([400, 400] if storage == "memory" else [400, 429])
    if storage == "embedded":
        assert (tmp_path / "instance" / "ratelimits.sqlite").exists()


def test_the_embedded_storage_counts_exactly_under_concurrent_processes(tmp_path):
    from assess.limiter_storage import SqliteFileStorage, file_uri

    uri = file_uri(tmp_path / "limits.sqlite")
    script = ("import sys; from assess.limiter_storage import SqliteFileStorage as S; "
              "s = S(sys.argv[1]); [s.incr('k', 60) for _ in range(300)]")
    env = os.environ | {"PYTHONPATH": str(REPO)}
    workers = [subprocess.Popen([sys.executable, "-c", script, uri], env=env)
               for _ in range(3)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0, 0]
    storage = SqliteFileStorage(uri)
    assert storage.get("k") == 900 and storage.get_expiry("k") > time.time()
    storage.clear("k")
    assert storage.get("k") == 0 and storage.incr("k", 60, amount=5) == 5
    storage.close()


def test_the_embedded_storage_starts_a_new_window_when_one_expires(tmp_path):
    from assess.limiter_storage import SqliteFileStorage, file_uri

    storage = SqliteFileStorage(file_uri(tmp_path / "limits.sqlite"))
    assert storage.incr("k", 1) == 1 and storage.incr("k", 1) == 2
    time.sleep(1.1)
    assert storage.get("k") == 0 and storage.incr("k", 1) == 1
    assert storage.check() and storage.reset() == 1
    storage.close()


def test_limiter_keys_name_nobody_in_clear(app_factory, tmp_path):
    import sqlite3

    app = app_factory(RATELIMIT_ENABLED=True)
    client = app.test_client()
    login(client, email="someone@example.com", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    path = Path(app.instance_path) / "ratelimits.sqlite"
    keys = [key for (key,) in sqlite3.connect(path).execute("SELECT key FROM counter")]
    assert len(keys) == 3  # two limits and the address's failures
    assert not any("198.51.100.7" in key or "someone" in key for key in keys)


# --------------------------------------------------------------------------- sessions


def test_signing_out_kills_a_copied_cookie(app, consultant):
    browser = app.test_client()
    assert login(browser).status_code == 302
    stolen = browser.get_cookie("session", domain="survey.test").value
    browser.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="survey.test")
    response = thief.get("/console/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_password_change_ends_every_other_session(app, consultant):
    here, there = app.test_client(), app.test_client()
    assert login(here).status_code == 302 and login(there).status_code == 302
    new = "quiet-meadow-copper-kite"
    response = here.post("/account/password",
                         data={"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert here.get("/console/").status_code == 200
    assert here.get("/account").status_code == 200
    assert there.get("/console/").status_code == 302
    here.post("/logout")
    assert login(here, password=new).status_code == 302


def test_password_change_messages(app, client, consultant):
    login(client)

    def change(current, new, confirm=None):
        response = client.post("/account/password", data={
            "current": current, "password": new, "confirm": confirm or new})
        assert response.status_code == 400
        return response.get_data(as_text=True)

    assert "That is not your current password." in change("wrong", "quiet-meadow-copper-kite")
    assert "at least 12 characters (this one has 5)" in change(PASSWORD, "short")
    assert "common passwords" in change(PASSWORD, "Password2024!")
    assert "not be your email address" in change(PASSWORD, "c@example.com")
    assert "That is your current password" in change(PASSWORD, PASSWORD)
    assert "The two passwords are not the same." in change(PASSWORD, "quiet-meadow-copper-kite",
                                                           "quiet-meadow-copper-kit")


def test_sign_out_everywhere(app, consultant):
    here, there = app.test_client(), app.test_client()
    login(here), login(there)
    response = here.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert here.get("/console/").status_code == 302
    assert there.get("/console/").status_code == 302


def test_idle_sessions_end(client, consultant, clock):
    login(client)
    for _ in range(4):  # active every 29 minutes: still signed in after two hours
        clock.advance(minutes=29)
        assert client.get("/console/").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/console/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after 30 minutes without activity" in page


def test_sessions_end_twelve_hours_after_sign_in(client, consultant, clock):
    login(client)
    for _ in range(23):  # active every 29 minutes for 11 h 7 min
        clock.advance(minutes=29)
        assert client.get("/console/").status_code == 200
    clock.advance(minutes=29)  # 11 h 36 min
    assert client.get("/console/").status_code == 200
    clock.advance(minutes=25)  # 12 h 1 min
    response = client.get("/console/")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "sessions end 12 hours after signing in" in page


def test_a_session_the_app_did_not_start_is_no_session(app, client, consultant):
    """What a remember-me cookie would give: a user id without sign-in times."""
    from assess.extensions import db
    from assess.models import Account

    with app.app_context():
        user_id = db.session.get(Account, consultant).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
    assert client.get("/console/").status_code == 302


def test_cookie_flags_and_hsts(app_factory, consultant):
    production = app_factory(TESTING=False)
    assert production.config["SESSION_COOKIE_SECURE"] is True
    client = production.test_client()
    response = login(client, base_url="https://survey.test")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    secure = client.get("/login", base_url="https://survey.test")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert client.get("/login").headers["Cache-Control"] == "no-store"

    plain_http = app_factory(TESTING=False, INSECURE_COOKIES=1)
    response = login(plain_http.test_client())
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]

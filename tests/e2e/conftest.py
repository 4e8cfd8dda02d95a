"""End-to-end fixtures: the real app on a loopback port, driven by headless Chromium.

One server per session: the app from `create_app` on a fresh SQLite instance folder,
migrated and seeded by the same functions `assess demo` uses, served by werkzeug in a
thread (so tests can query the database through the app). The browser is Debian's
`/usr/bin/chromium` (Playwright's own browser download is not used); when it is missing
the tests fail, naming the package, rather than skip: CI must run them.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("ASSESS_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
SECRET = "e2e-secret-key-not-for-production"


@dataclass
class LiveServer:
    app: Any
    base_url: str
    survey_url: str
    ceo_url: str
    round_id: int

    def responses_in_round(self) -> int:
        import sqlalchemy as sa

        from assess.extensions import db
        from assess.models import Response

        with self.app.app_context():
            count = db.session.scalar(sa.select(sa.func.count()).select_from(Response)
                                      .where(Response.round_id == self.round_id))
            db.session.remove()
            return int(count or 0)

    def drafts_in_round(self) -> int:
        import sqlalchemy as sa

        from assess.extensions import db
        from assess.models import Draft

        with self.app.app_context():
            count = db.session.scalar(sa.select(sa.func.count()).select_from(Draft)
                                      .where(Draft.round_id == self.round_id))
            db.session.remove()
            return int(count or 0)

    def newest_quick_results(self) -> int:
        import sqlalchemy as sa

        from assess.extensions import db
        from assess.models import QuickResult

        with self.app.app_context():
            count = db.session.scalar(sa.select(sa.func.count()).select_from(QuickResult))
            db.session.remove()
            return int(count or 0)


def _whole_bodies(wsgi_app: Any) -> Any:
    """Each body read and closed before werkzeug's test server sends it: when the browser
    drops a connection mid-file (it does, for the favicon), that server skips closing
    the response, and the open file fails the run as a ResourceWarning."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = wsgi_app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return app


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from flask import url_for
    from werkzeug.serving import make_server

    from assess import create_app
    from assess import seed as demo_data
    from assess.commands.database import prepare
    from assess.extensions import db

    instance = Path(tmp_path_factory.mktemp("e2e-instance"))
    app = create_app({
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'assess.sqlite'}",
        # Every test enters through the shared link twice per viewport: keep the limiter
        # on, but well above what this suite does in a minute.
        "RATELIMIT_ENTRY": "1000 per minute",
    })
    prepare(app)
    server = make_server("127.0.0.1", 0, _whole_bodies(app.wsgi_app), threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    with app.app_context():
        info = demo_data.seed()
        db.session.remove()
    with app.test_request_context("/", base_url=base_url + "/"):
        survey_url = url_for("respondent.shared_link", token=info.link_token, _external=True)
        ceo_url = url_for("quick.start", _external=True)
        db.session.remove()
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, base_url, survey_url, ceo_url, info.round_id)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        found = shutil.which("chromium")
        hint = f" (a chromium was found at {found}: set ASSESS_E2E_CHROMIUM)" if found else ""
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: the end-to-end tests need it. "
                    f"Install it with `apt-get install chromium`{hint}.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Traffic:
    """Every request the page made, and the body size of each response."""

    requests: list[str] = field(default_factory=list)
    everything: list[str] = field(default_factory=list)  # kept across reset()
    sizes: dict[str, int] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    def reset(self) -> None:
        self.requests.clear()
        self.sizes.clear()
        self.types.clear()


@pytest.fixture(params=sorted(VIEWPORTS), ids=lambda name: name)
def viewport(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def new_context(browser: Any, viewport: str) -> Iterator[Any]:
    """A factory of fresh browser contexts (no shared cookies) at this test's viewport."""
    made: list[Any] = []

    def factory(javascript: bool = True) -> Any:
        context = browser.new_context(viewport=VIEWPORTS[viewport],
                                      is_mobile=viewport == "phone",
                                      has_touch=viewport == "phone",
                                      java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield factory
    for context in made:
        context.close()


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def page(new_context: Any, traffic: Traffic, live_server: LiveServer) -> Iterator[Any]:
    """A page in a fresh context; after the test, no request may have left the server."""
    context = new_context()
    page = context.new_page()

    def on_request(request: Any) -> None:
        traffic.requests.append(request.url)
        traffic.everything.append(request.url)

    def on_response(response: Any) -> None:
        try:
            body = response.body()
        except Exception:  # redirects and aborted requests have no body
            body = b""
        traffic.sizes[response.url] = len(body)
        traffic.types[response.url] = response.request.resource_type

    page.on("request", on_request)
    page.on("response", on_response)
    yield page
    outside = [url for url in traffic.everything
               if not url.startswith(live_server.base_url + "/")
               and not url.startswith(("data:", "about:"))]
    assert not outside, f"requests left {live_server.base_url}: {outside}"


@pytest.fixture
def shoot(viewport: str) -> Any:
    """`shoot(page, name)`: a full-page screenshot for a human to look at, when
    ASSESS_E2E_SCREENSHOTS names a folder (off by default: they cost time)."""
    folder = os.environ.get("ASSESS_E2E_SCREENSHOTS")

    def take(page: Any, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{viewport}-{name}.png"), full_page=True)

    return take

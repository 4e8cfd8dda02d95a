"""The production set-up survives slow and cut-short clients.

The real thing, as the README runs it: gunicorn with deploy/gunicorn.conf.py (2 sync
workers, WEB_CONCURRENCY=2) on `wsgi:app` and a SQLite database seeded by `assess demo`,
behind nginx running deploy/nginx.conf (rendered with free ports, a self-signed
certificate and this checkout's static folder) over real TLS. Then the attacks of issue
11, each also sent straight at gunicorn as a control, to show what the proxy changes:

- two connections trickle a 60 KB body at 1 byte/s while a respondent answers the survey:
  through nginx every one of the respondent's requests is fast; straight at gunicorn the
  same two connections hold both workers and a plain GET waits for them;
- a submit whose body stops short of its Content-Length, then the connection closes:
  through nginx nothing is stored (the draft stays, no response), straight at gunicorn
  the cut-short form is stored as if complete.

The logs of both servers hold no client address and no link token. Run with `-s` to see
the latencies (recorded in bench/RESULTS.md).
"""

from __future__ import annotations

import http.client
import importlib.util
import os
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
HOLD = 8.0  # seconds the slow clients trickle: far longer than any normal request
SLOW_LENGTH = 60_000  # the Content-Length they announce (under the 64 KiB limit)
FAST = 2.0  # seconds: what "unaffected" means for one request of the respondent


def _bench_submit():
    """bench/bench_submit.py's form filler (csrf_of, answers_of): one survey driver."""
    spec = importlib.util.spec_from_file_location("bench_submit",
                                                  REPO / "bench" / "bench_submit.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = _bench_submit()


# --------------------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _tool(name: str, package: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        pytest.fail(f"{name} is not installed: install {package} (scripts/bootstrap.sh "
                    "does) to test the deployment", pytrace=False)
    return found


def render_site(template: str, *, app_port: int, https_port: int, http_port: int,
                cert: Path, key: Path, logs: Path) -> str:
    """deploy/nginx.conf with this test's ports, certificate, static folder and logs.
    Every placeholder must be found: the test runs the file as it is, or fails."""
    static = REPO / "assess" / "static"
    swaps = [
        ("server 127.0.0.1:8000;", f"server {HOST}:{app_port};"),
        ("listen 80;", f"listen {HOST}:{http_port};"),
        ("listen 443 ssl http2;", f"listen {HOST}:{https_port} ssl http2;"),
        ("    listen [::]:80;\n", ""),  # no IPv6 needed (nor always there) in a test
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/letsencrypt/live/assess.example.com/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/assess.example.com/privkey.pem", str(key)),
        ("/srv/assess/assess/static/", f"{static}/"),
        ("/var/log/nginx/", f"{logs}/"),
    ]
    for old, new in swaps:
        assert old in template, f"deploy/nginx.conf no longer holds {old!r}"
        template = template.replace(old, new)
    return template


def main_config(folder: Path, site: Path) -> str:
    """A minimal nginx.conf around the site, everything inside `folder`."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the tmp folder
    temp = "".join(f"    {kind}_temp_path {folder / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'main-error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            "http {\n    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n    access_log off;\n"
            f"{temp}    include {site};\n}}\n")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait(ready: Callable[[], bool], process: subprocess.Popen, what: str,
          log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{what} did not answer:\n{log.read_text()[-3000:]}")


@dataclass
class Stack:
    folder: Path
    app_port: int
    https_port: int
    http_port: int
    tls: ssl.SSLContext
    survey_path: str  # /s/<token>
    round_id: int
    database: Path
    logs: list[Path]  # gunicorn's access log first
    tokens: set[str] = field(default_factory=set)  # every link token used: never logged

    def count(self, table: str) -> int:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as conn:
            return conn.execute(f"SELECT count(*) FROM {table} WHERE round_id = ?",
                                (self.round_id,)).fetchone()[0]

    def app_entries(self) -> int:
        """POSTs to the shared link that gunicorn answered, by its access log."""
        return self.logs[0].read_text().count('"POST /s/<token> ')

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs
                         if path.exists())


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    nginx, openssl = _tool("nginx", "nginx"), _tool("openssl", "openssl")
    folder = tmp_path_factory.mktemp("deploy")
    app_port, https_port, http_port = _free_port(), _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ASSESS_", "FLASK_", "GUNICORN_"))
           and k not in ("DATABASE_URL", "WEB_CONCURRENCY")}
    env |= {"PYTHONPATH": str(REPO), "ASSESS_INSTANCE_PATH": str(folder / "instance"),
            "ASSESS_SECRET_KEY": "deploy-test-secret-not-for-production",
            "ASSESS_PROXY_FIX": "1", "WEB_CONCURRENCY": "2",
            "GUNICORN_BIND": f"{HOST}:{app_port}"}

    demo = subprocess.run([sys.executable, "-m", "assess", "demo", "--base-url",
                           f"https://{HOST}:{https_port}"], cwd=REPO, env=env, text=True,
                          capture_output=True, timeout=120)
    assert demo.returncode == 0, demo.stderr
    printed = dict(line.split(": ", 1) for line in demo.stdout.splitlines())
    survey_path = urllib.parse.urlsplit(printed["survey"]).path

    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    tls = ssl.create_default_context(cafile=str(cert))

    logs = folder / "logs"
    logs.mkdir()
    gunicorn_out, gunicorn_err = logs / "gunicorn.out", logs / "gunicorn.err"
    site = folder / "assess.conf"
    site.write_text(render_site((REPO / "deploy" / "nginx.conf").read_text(),
                                app_port=app_port, https_port=https_port,
                                http_port=http_port, cert=cert, key=key, logs=logs))
    (folder / "nginx.conf").write_text(main_config(folder, site))

    processes: list[subprocess.Popen] = []
    with open(gunicorn_out, "w") as out, open(gunicorn_err, "w") as err:
        try:
            gunicorn = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(REPO / "deploy" /
                                                             "gunicorn.conf.py"), "wsgi:app"],
                cwd=REPO, env=env, stdout=out, stderr=err, start_new_session=True)
            processes.append(gunicorn)
            nginx_log = folder / "nginx.stderr"
            with open(nginx_log, "w") as nginx_err:
                proxy = subprocess.Popen([nginx, "-p", str(folder), "-c",
                                          str(folder / "nginx.conf")],
                                         stdout=nginx_err, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            processes.append(proxy)
            # Both workers started, and one has built the app and answers (the other is
            # seconds behind, long before the control test needs both).
            _wait(lambda: gunicorn_err.read_text().count("Booting worker") >= 2
                  and _status(HOST, app_port, "/healthz") == 200,
                  gunicorn, "gunicorn", gunicorn_err)
            _wait(lambda: _status(HOST, https_port, "/healthz", tls) == 200, proxy, "nginx",
                  nginx_log)
            yield Stack(folder, app_port, https_port, http_port, tls, survey_path,
                        int(printed["round"]), folder / "instance" / "assess.sqlite",
                        [gunicorn_out, gunicorn_err, logs / "assess.access.log",
                         logs / "assess.error.log"],
                        {survey_path.rsplit("/", 1)[1]})
        finally:
            for process in reversed(processes):
                _stop(process)


# --------------------------------------------------------------------------- clients


def _status(host: str, port: int, path: str, tls: ssl.SSLContext | None = None) -> int:
    conn = (http.client.HTTPSConnection(host, port, context=tls, timeout=5) if tls
            else http.client.HTTPConnection(host, port, timeout=5))
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float


class Browser:
    """One respondent: a cookie jar, one connection per request, through nginx over TLS
    (`direct=False`) or straight to gunicorn; no Referer, as the pages ask browsers."""

    def __init__(self, stack: Stack, direct: bool = False, timeout: float = 30) -> None:
        self.stack, self.direct, self.timeout = stack, direct, timeout
        self.port = stack.app_port if direct else stack.https_port
        self.origin = f"{'http' if direct else 'https'}://{HOST}:{self.port}"
        self.cookies: dict[str, str] = {}
        self.timings: list[tuple[str, float]] = []

    def connect(self) -> http.client.HTTPConnection:
        if self.direct:
            return http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        return http.client.HTTPSConnection(HOST, self.port, context=self.stack.tls,
                                           timeout=self.timeout)

    def headers(self, path: str) -> dict[str, str]:
        headers = {"Host": f"{HOST}:{self.port}"}  # no Referer: the pages forbid it
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None,
                expect: int = 200) -> Reply:
        headers = self.headers(path)
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        conn = self.connect()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        seconds = time.perf_counter() - start
        self.timings.append((f"{method} {path}", seconds))
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie, _, _ = value.partition(";")
                name, _, value = cookie.partition("=")
                self.cookies[name.strip()] = value
        reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                      text, seconds)
        assert reply.status == expect, f"{method} {path}: {reply.status}\n{text[:500]}"
        return reply

    def to_review(self) -> tuple[str, str]:
        """Start the survey and answer every section: the review page's path and CSRF."""
        page = self.request("GET", self.stack.survey_path)
        reply = self.request("POST", self.stack.survey_path,
                             [("csrf_token", bench.csrf_of(page.body)), ("role", "rep"),
                              ("team", "East")], expect=302)
        path = urllib.parse.urlsplit(reply.headers["location"]).path
        self.stack.tokens.add(path.split("/")[2])
        n = len(self.stack.tokens)
        while "/section/" in path:
            page = self.request("GET", path)
            form = [("csrf_token", bench.csrf_of(page.body)),
                    *bench.answers_of(page.body, n), ("action", "next")]
            reply = self.request("POST", path, form, expect=302)
            path = urllib.parse.urlsplit(reply.headers["location"]).path
        assert path.endswith("/review"), path
        return path, bench.csrf_of(self.request("GET", path).body)

    def submit(self, review: str, csrf: str) -> None:
        reply = self.request("POST", review, [("csrf_token", csrf)], expect=302)
        assert "Thank you" in self.request("GET", reply.headers["location"]).body


class Trickler(threading.Thread):
    """A slow client: POST headers announcing SLOW_LENGTH bytes, then one byte a second
    for HOLD seconds (or until stopped), then it closes; records whether the server
    answered meanwhile."""

    def __init__(self, stack: Stack, direct: bool) -> None:
        super().__init__(daemon=True)
        self.stack, self.direct = stack, direct
        self.sent = 0
        self.answered = b""
        self.started = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        port = self.stack.app_port if self.direct else self.stack.https_port
        sock: socket.socket = socket.create_connection((HOST, port), timeout=30)
        if not self.direct:
            sock = self.stack.tls.wrap_socket(sock, server_hostname=HOST)
        head = (f"POST {self.stack.survey_path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {SLOW_LENGTH}\r\n\r\n")
        try:
            sock.sendall(head.encode() + b"c")
            self.sent = 1
            self.started.set()
            until = time.monotonic() + HOLD
            while not self.stop.wait(1.0) and time.monotonic() < until:
                sock.sendall(b"c")
                self.sent += 1
            sock.setblocking(False)
            try:
                self.answered = sock.recv(100)
            except (BlockingIOError, ssl.SSLWantReadError):
                pass
        finally:
            self.started.set()
            sock.close()


def trickle(stack: Stack, direct: bool, count: int = 2) -> list[Trickler]:
    slow = [Trickler(stack, direct) for _ in range(count)]
    for t in slow:
        t.start()
    for t in slow:
        assert t.started.wait(10)
    time.sleep(0.5)  # accepted, headers read: a sync worker is now waiting on each body
    return slow


def release(slow: list[Trickler]) -> None:
    for t in slow:
        t.stop.set()
    for t in slow:
        t.join(10)


def cut_short(stack: Stack, direct: bool, path: str, form: str, cookies: dict[str, str]
              ) -> None:
    """POST `form` announcing 1,000 bytes more than it holds, then close the connection."""
    port = stack.app_port if direct else stack.https_port
    body = form.encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body) + 1000}\r\n"
            "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()) + "\r\n\r\n")
    sock: socket.socket = socket.create_connection((HOST, port), timeout=10)
    if not direct:
        sock = stack.tls.wrap_socket(sock, server_hostname=HOST)
    with sock:
        sock.sendall(head.encode() + body)
        if direct:
            sock.shutdown(socket.SHUT_WR)
    time.sleep(1.0)  # whatever the server does with it, it has done


def report(label: str, seconds: list[float]) -> None:
    ordered = sorted(seconds)
    print(f"\n{label}: {len(ordered)} requests, median {ordered[len(ordered) // 2]:.3f} s, "
          f"max {ordered[-1]:.3f} s")


# --------------------------------------------------------------------------- tests


def test_nginx_and_gunicorn_take_the_requests_the_app_takes(tmp_path):
    """The proxy's bounds repeat the app's and gunicorn's: they must agree."""
    from assess import create_app

    site = (REPO / "deploy" / "nginx.conf").read_text()
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path),
                      "VERIFY_QUESTIONNAIRES": False})
    limit = app.config["MAX_CONTENT_LENGTH"]
    for setting in ("client_max_body_size", "client_body_buffer_size"):
        (size,) = re.findall(rf"^\s*{setting} (\d+)k;", site, re.M)
        assert int(size) * 1024 == limit, setting
    (buffer,) = re.findall(r"^\s*large_client_header_buffers \d+ (\d+)k;", site, re.M)
    gunicorn: dict = {}
    exec((REPO / "deploy" / "gunicorn.conf.py").read_text(), gunicorn)
    assert gunicorn["limit_request_line"] == gunicorn["limit_request_field_size"] \
        == int(buffer) * 1024 - 2  # gunicorn's maximum: 8190



def test_through_nginx_slow_clients_leave_respondents_unaffected(stack: Stack):
    stored, entries = stack.count("response"), stack.app_entries()
    slow = trickle(stack, direct=False)
    done = 0
    browser = Browser(stack, timeout=FAST * 5)
    try:
        deadline = time.monotonic() + HOLD - 1
        while time.monotonic() < deadline:
            browser.submit(*browser.to_review())
            done += 1
            time.sleep(0.3)  # a pause between respondents: well under max_requests in all
        assert all(t.is_alive() and not t.answered for t in slow), "nginx gave up early"
    finally:
        release(slow)
    seconds = [s for _, s in browser.timings]
    report(f"through nginx, 2 slow clients for {HOLD:.0f} s", seconds)
    slowest = max(browser.timings, key=lambda timing: timing[1])
    assert slowest[1] < FAST, f"{slowest}: a respondent waited"
    assert done >= 2 and len(seconds) >= 20
    assert stack.count("response") == stored + done
    assert all(t.sent >= HOLD - 2 for t in slow)  # they did trickle the whole time
    assert stack.app_entries() == entries + done  # their POSTs never reached gunicorn


def test_without_the_proxy_slow_clients_hold_every_worker(stack: Stack):
    """The control: the same two clients straight at gunicorn's two sync workers."""
    slow = trickle(stack, direct=True)
    try:
        start = time.perf_counter()
        Browser(stack, direct=True).request("GET", stack.survey_path)
        waited = time.perf_counter() - start
    finally:
        release(slow)
    print(f"\nstraight at gunicorn, 2 slow clients for {HOLD:.0f} s: one GET took "
          f"{waited:.3f} s")
    assert waited > HOLD - 3, f"a GET took {waited:.2f} s: the workers were not held"


def test_through_nginx_a_cut_short_submit_stores_nothing(stack: Stack):
    browser = Browser(stack)
    review, csrf = browser.to_review()
    responses, drafts = stack.count("response"), stack.count("draft")
    cut_short(stack, False, review, urllib.parse.urlencode({"csrf_token": csrf}),
              browser.cookies)
    assert (stack.count("response"), stack.count("draft")) == (responses, drafts)
    browser.submit(review, csrf)  # the same form, sent whole, is stored
    assert (stack.count("response"), stack.count("draft")) == (responses + 1, drafts - 1)


def test_without_the_proxy_a_cut_short_submit_is_stored(stack: Stack):
    """The control: gunicorn hands the app whatever arrived before the close."""
    browser = Browser(stack)
    review, csrf = browser.to_review()
    responses = stack.count("response")
    cut_short(stack, True, review, urllib.parse.urlencode({"csrf_token": csrf}),
              browser.cookies)
    assert stack.count("response") == responses + 1


def test_http_redirects_and_static_files_come_from_nginx(stack: Stack):
    conn = http.client.HTTPConnection(HOST, stack.http_port, timeout=5)
    conn.request("GET", stack.survey_path + "?x=1", headers={"Host": "assess.test"})
    response = conn.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://assess.test{stack.survey_path}?x=1"
    conn.close()
    css = Browser(stack).request("GET", "/static/style.css")
    assert "body" in css.body and css.headers["cache-control"] == "public, max-age=3600"
    assert (REPO / "assess" / "static" / "style.css").read_text() == css.body


def test_logs_name_no_client_and_no_token(stack: Stack):
    # A malformed request straight at gunicorn: its error log names the sender, unscrubbed.
    with socket.create_connection((HOST, stack.app_port), timeout=10) as sock:
        sock.sendall(f"GET {stack.survey_path}?q=1 HTTP/1.1 junk\r\n\r\n".encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 400")
    time.sleep(0.5)
    text = stack.log_text()
    assert "Invalid request from ip=-:" in text
    assert "/r/<token>/section/<int:number>" in text  # the access log names routes
    for token in stack.tokens:
        assert token not in text
    leaks = [line for line in text.splitlines()
             if HOST in line and "Listening at" not in line]  # gunicorn's own address
    assert not leaks, leaks[:5]
    assert "?q=1" not in text and "?x=1" not in text

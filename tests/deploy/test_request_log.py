"""Log lines name nobody: routes instead of paths, no address, no query, no referrer
(assess/request_log.py, and gunicorn's logger class in assess/gunicorn_logger.py)."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import SafeAtoms
from werkzeug.test import EnvironBuilder

from assess.gunicorn_logger import Logger
from assess.request_log import ROUTE, logged_path, redact_path, scrub_message

TOKEN = "mu3ou869L-8Dd9lYMm91b4aT0kwpTiwP"


@pytest.mark.parametrize("path, logged", [
    (f"/s/{TOKEN}", "/s/..."),
    (f"/r/{TOKEN}/section/2", "/r/..."),
    ("/wp-admin/setup.php", "/wp-admin/..."),
    ("/quick/", "/quick/"),
    ("/robots.txt", "/robots.txt"),
    ("/", "/"),
    (f"/{TOKEN}", "/..."),  # a token pasted without its /s/
    ('/a"b\x1b[31m/x', "/a?b?[31m/..."),  # no quote or escape reaches the log
    ("", "-"),
])
def test_a_path_without_a_route_is_cut_to_its_first_segment(path, logged):
    assert redact_path(path) == logged


def test_the_route_rule_wins_over_the_path():
    environ = {ROUTE: "/r/<token>/section/<int:number>", "PATH_INFO": f"/r/{TOKEN}/section/1"}
    assert logged_path(environ) == "/r/<token>/section/<int:number>"
    assert logged_path({"PATH_INFO": f"/r/{TOKEN}/x"}) == "/r/..."


@pytest.mark.parametrize("message, scrubbed", [
    ("Invalid request from ip=203.0.113.9: Invalid HTTP Version: 'HTTP/9.9'",
     "Invalid request from ip=-: Invalid HTTP Version: 'HTTP/9.9'"),
    ("Invalid request from ip=2001:db8::7: Invalid HTTP request line: "
     f"'GET /i/{TOKEN}?a=b HTTP/1.1 x'",
     "Invalid request from ip=-: Invalid HTTP request line: 'GET /i/... HTTP/1.1 x'"),
    (f"Error handling request GET /r/{TOKEN}/review?from=x",
     "Error handling request GET /r/..."),
    (f"Exception on /quick/result/{TOKEN} [GET]", "Exception on /quick/... [GET]"),
    ("Listening at: http://127.0.0.1:8000 (42)", "Listening at: http://127.0.0.1:8000 (42)"),
])
def test_error_messages_lose_addresses_and_tokens(message, scrubbed):
    assert scrub_message(message) == scrubbed


def test_the_app_notes_the_route_in_the_environ(app, make_round):
    """As a WSGI server sees it: the environ it passed, after the app answered."""
    link = make_round().link

    def call(path: str) -> tuple[str, dict]:
        environ = EnvironBuilder(path=path, base_url="http://survey.test").get_environ()
        statuses: list[str] = []
        b"".join(app(environ, lambda status, headers: statuses.append(status)))
        return statuses[0], environ

    status, environ = call(f"/s/{link}?utm=1")
    assert status.startswith("200") and environ[ROUTE] == "/s/<token>"
    assert logged_path(environ) == "/s/<token>"
    status, environ = call(f"/nowhere/{link}")
    assert status.startswith("404") and logged_path(environ) == "/nowhere/..."


@pytest.fixture
def logger() -> Logger:
    cfg = Config()
    cfg.set("accesslog", "-")
    return Logger(cfg)


def access_line(logger: Logger, fmt: str) -> str:
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": f"/r/{TOKEN}/section/1?from=review",
               "PATH_INFO": f"/r/{TOKEN}/section/1", "QUERY_STRING": "from=review",
               "SERVER_PROTOCOL": "HTTP/1.0", "REMOTE_ADDR": "203.0.113.9",
               "HTTP_REFERER": f"https://a.test/r/{TOKEN}/section/1",
               "HTTP_X_FORWARDED_FOR": "198.51.100.4", "HTTP_AUTHORIZATION": "Basic eDp5",
               ROUTE: "/r/<token>/section/<int:number>"}
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "198.51.100.4"),
                                       ("REFERER", environ["HTTP_REFERER"])])
    response = SimpleNamespace(status="302 FOUND", sent=277,
                               headers=[("Location", f"/r/{TOKEN}/section/2")])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=12))
    return fmt % SafeAtoms(atoms)


@pytest.mark.parametrize("fmt", [
    Config().access_log_format,  # gunicorn's default: address, request line, referrer
    '%({x-forwarded-for}i)s %({location}o)s %({remote_addr}e)s %({http_referer}e)s %(q)s',
])
def test_no_access_log_format_reveals_an_address_a_token_or_a_query(logger, fmt):
    line = access_line(logger, fmt)
    for secret in (TOKEN, "203.0.113.9", "198.51.100.4", "from=review", "eDp5"):
        assert secret not in line, line


def test_the_configured_access_line(logger):
    line = access_line(logger, '"%(r)s" %(s)s %(B)s %(M)sms')
    assert line == '"POST /r/<token>/section/<int:number> HTTP/1.0" 302 277 12ms'


def test_the_error_log_drops_the_client_address(logger):
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore
    logger.error_log.addHandler(handler)
    try:
        logger.warning("Invalid request from ip=%s: %s", "203.0.113.9",
                       f"Invalid HTTP request line: 'GET /s/{TOKEN} HTTP/1.1 x'")
    finally:
        logger.error_log.removeHandler(handler)
    assert seen == ["Invalid request from ip=-: Invalid HTTP request line: "
                    "'GET /s/... HTTP/1.1 x'"]

"""Sending mail through the installation's SMTP server, with the standard library.

Configured by `ASSESS_MAIL_SERVER` (none: the app sends no mail and shows links on screen
instead), `ASSESS_MAIL_PORT`, `ASSESS_MAIL_SENDER`, and optionally `ASSESS_MAIL_USE_TLS`
(STARTTLS), `ASSESS_MAIL_USE_SSL` (TLS from the start, port 465), `ASSESS_MAIL_USERNAME`,
`ASSESS_MAIL_PASSWORD` and `ASSESS_MAIL_TIMEOUT`. Links in mails are built on
`ASSESS_BASE_URL`, never on the Host header of the request that caused the mail.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, url_for

log = logging.getLogger(__name__)
ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
LOOPBACK = ("localhost", "127.0.0.1", "::1")


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server."""


def configured(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("MAIL_SERVER"))


def check_config(config: dict[str, Any]) -> str | None:
    """What is wrong with the mail settings, if anything (the app refuses to start)."""
    base = str(config.get("BASE_URL") or "")
    if base and (urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc):
        return ("ASSESS_BASE_URL must be an absolute http(s) address, e.g. "
                "https://assess.example.com")
    if not config.get("MAIL_SERVER"):
        return None
    if not config.get("MAIL_SENDER") or not ADDRESS.match(str(config["MAIL_SENDER"])):
        return "ASSESS_MAIL_SERVER is set: set ASSESS_MAIL_SENDER to the From address."
    if not config.get("BASE_URL"):
        return ("ASSESS_MAIL_SERVER is set: set ASSESS_BASE_URL to the address people reach "
                "the app at (e.g. https://assess.example.com), which links in mails use.")
    if config.get("MAIL_USE_TLS") and config.get("MAIL_USE_SSL"):
        return "Set one of ASSESS_MAIL_USE_TLS (STARTTLS) and ASSESS_MAIL_USE_SSL, not both."
    if (config.get("MAIL_USERNAME") and not config.get("MAIL_USE_TLS")
            and not config.get("MAIL_USE_SSL") and config["MAIL_SERVER"] not in LOOPBACK):
        return ("ASSESS_MAIL_USERNAME is set without ASSESS_MAIL_USE_TLS or "
                "ASSESS_MAIL_USE_SSL: the password would cross the network in clear.")
    return None


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for a mail or for the screen: on `ASSESS_BASE_URL` when set (links
    in mails need it: a forged Host header must not redirect a reset link), else on the
    address of the current request."""
    base = current_app.config.get("BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(str(base))
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/",
                                       url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def send(to: str, subject: str, body: str) -> None:
    """Send a plain-text mail now; `MailError` if the server did not take it."""
    _deliver(dict(current_app.config), _message(current_app.config, to, subject, body))


def send_in_background(to: str, subject: str, body: str) -> threading.Thread:
    """Send without making the request wait, so that how long a page takes does not tell
    whether a mail went out. Failures are logged (without the body: it holds a link)."""
    config = dict(current_app.config)
    message = _message(config, to, subject, body)

    def run() -> None:
        try:
            _deliver(config, message)
        except Exception as exc:  # a thread has nobody to raise to
            log.warning("mail %r to %s not sent: %s", subject, to, exc)

    thread = threading.Thread(target=run, name="assess-mail", daemon=True)
    thread.start()
    return thread


def _message(config: Any, to: str, subject: str, body: str) -> EmailMessage:
    if not ADDRESS.match(to):
        raise MailError(f"not an email address: {to!r}")
    sender = str(config["MAIL_SENDER"])
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject  # the email package refuses line breaks in headers
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">"))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


def _deliver(config: dict[str, Any], message: EmailMessage) -> None:
    host, port = str(config["MAIL_SERVER"]), int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    try:
        if config.get("MAIL_USE_SSL"):
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if config.get("MAIL_USE_TLS"):
                server.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                server.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD") or ""))
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(str(exc) or type(exc).__name__) from exc

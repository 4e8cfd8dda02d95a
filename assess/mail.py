"""Sending mail through the configured SMTP server (standard library only).

Settings: ASSESS_MAIL_SERVER, ASSESS_MAIL_PORT (25), ASSESS_MAIL_SENDER, and optionally
ASSESS_MAIL_USERNAME / ASSESS_MAIL_PASSWORD and ASSESS_MAIL_STARTTLS=1.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def send(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_SENDER") or "assess@localhost"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25),
                      timeout=30) as smtp:
        if config.get("MAIL_STARTTLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)

"""Senders drain the outbox: SMTP for real mail, console for development, memory for tests."""
from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from flask import current_app

from app.notifications.models import OutboxMessage


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> None: ...


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


class SMTPSender:
    def send(self, message: OutboxMessage) -> None:
        cfg = current_app.config
        smtp_cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
            if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
            smtp.send_message(build_email(message, cfg["MAIL_DEFAULT_SENDER"]))


class ConsoleSender:
    def send(self, message: OutboxMessage) -> None:
        email = build_email(message, current_app.config["MAIL_DEFAULT_SENDER"])
        sys.stdout.write(f"\n----- e-mail (outbox #{message.id}) -----\n")
        for header in ("From", "To", "Subject"):
            sys.stdout.write(f"{header}: {email[header]}\n")
        sys.stdout.write(f"\n{message.body_text}\n----- end of e-mail -----\n")
        sys.stdout.flush()


class MemorySender:
    """Keeps delivered messages in a list (tests)."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: OutboxMessage) -> None:
        self.sent.append(build_email(message, current_app.config["MAIL_DEFAULT_SENDER"]))


_memory = MemorySender()


def get_sender() -> Sender:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        return SMTPSender()
    if backend == "console":
        return ConsoleSender()
    if backend == "memory":
        return _memory
    raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")

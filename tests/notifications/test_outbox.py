"""E-mail goes through the outbox: queued in the caller's transaction, delivered once, retried
with back-off when the transport fails, and given up after MAIL_MAX_ATTEMPTS."""
from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.notifications import services
from app.notifications.models import OutboxMessage, OutboxStatus
from app.notifications.services import deliver_outbox, send_email

T0 = datetime(2026, 4, 6, 13, 0, tzinfo=timezone.utc)


def _queue(app, to="pat@example.org", subject="Sign-in paused", name="Pat Doe", minutes=15) -> int:
    with app.test_request_context():
        message = send_email(to, subject, "account_locked", user=SimpleNamespace(name=name),
                             minutes=minutes)
        db.session.commit()
        return message.id


def _message(app, message_id: int) -> OutboxMessage:
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        db.session.expunge(message)
        return message


def _deliver(app, **kwargs) -> dict[str, int]:
    with app.app_context():
        return deliver_outbox(**kwargs)


def test_send_email_queues_a_pending_message(app, outbox):
    clock.freeze(T0)
    message_id = _queue(app)
    message = _message(app, message_id)
    assert message.status == OutboxStatus.PENDING
    assert message.to_address == "pat@example.org"
    assert message.subject == "Sign-in paused"
    assert message.kind == "account_locked"
    assert message.attempts == 0
    assert message.sent_at is None and message.last_error is None
    assert message.next_attempt_at == T0
    # Rendered from templates/emails/account_locked.txt with the footer
    assert message.body_text.startswith("Hello Pat Doe,")
    assert "paused for\n15 minutes" in message.body_text
    assert "http://localhost/accounts/password-reset" in message.body_text
    assert "CoopBid · http://localhost" in message.body_text
    assert "{{" not in message.body_text and "{%" not in message.body_text
    assert message.body_html is None  # no .html template for this one
    assert outbox == []  # queued, not sent


def test_send_email_is_part_of_the_callers_transaction(app):
    with app.test_request_context():
        send_email("pat@example.org", "Never sent", "account_locked",
                   user=SimpleNamespace(name="Pat"), minutes=15)
        db.session.rollback()
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage)).all() == []


def test_send_email_escapes_nothing_in_plain_text_but_renders_values(app):
    message_id = _queue(app, name="O'Brien & <Sons>")
    assert _message(app, message_id).body_text.startswith("Hello O'Brien & <Sons>,")


def test_deliver_outbox_sends_and_marks_sent(app, outbox):
    clock.freeze(T0)
    message_id = _queue(app)
    clock.advance(timedelta(seconds=5))
    assert _deliver(app) == {"sent": 1, "failed": 0, "retry": 0}
    assert len(outbox) == 1
    sent = outbox[0]
    assert sent["To"] == "pat@example.org"
    assert sent["Subject"] == "Sign-in paused"
    assert sent["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert sent["Message-ID"]
    assert "Hello Pat Doe," in sent.get_content()
    message = _message(app, message_id)
    assert message.status == OutboxStatus.SENT
    assert message.sent_at == T0 + timedelta(seconds=5)
    assert message.attempts == 1
    assert message.last_error is None


def test_delivering_twice_sends_nothing_twice(app, outbox):
    _queue(app, to="a@example.org")
    _queue(app, to="b@example.org")
    assert _deliver(app)["sent"] == 2
    assert _deliver(app) == {"sent": 0, "failed": 0, "retry": 0}
    assert _deliver(app) == {"sent": 0, "failed": 0, "retry": 0}
    assert sorted(m["To"] for m in outbox) == ["a@example.org", "b@example.org"]


def test_limit_is_respected(app, outbox):
    for i in range(3):
        _queue(app, to=f"user{i}@example.org")
    assert _deliver(app, limit=2)["sent"] == 2
    assert _deliver(app, limit=2)["sent"] == 1
    assert [m["To"] for m in outbox] == ["user0@example.org", "user1@example.org", "user2@example.org"]


def test_outbox_send_command(app, runner, outbox):
    _queue(app)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "sent=1 failed=0 retry=0" in result.output
    assert len(outbox) == 1


class FlakySender:
    """Fails the first `failures` sends, then delivers into `sent`."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.sent: list[int] = []

    def send(self, message: OutboxMessage) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionRefusedError(111, "Connection refused")
        self.sent.append(message.id)


def test_a_failing_sender_leaves_the_message_pending(app, monkeypatch, outbox):
    sender = FlakySender(failures=1)
    monkeypatch.setattr(services, "get_sender", lambda: sender)
    clock.freeze(T0)
    message_id = _queue(app)
    assert _deliver(app) == {"sent": 0, "failed": 0, "retry": 1}
    message = _message(app, message_id)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error and "ConnectionRefusedError" in message.last_error
    assert "Connection refused" in message.last_error
    assert message.next_attempt_at > T0
    assert message.sent_at is None

    # Not due yet: nothing is tried again.
    clock.advance(timedelta(seconds=30))
    assert _deliver(app) == {"sent": 0, "failed": 0, "retry": 0}
    assert sender.calls == 1

    # Once due, the retry succeeds and clears the error.
    clock.freeze(message.next_attempt_at)
    assert _deliver(app) == {"sent": 1, "failed": 0, "retry": 0}
    message = _message(app, message_id)
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert message.last_error is None
    assert sender.sent == [message_id]


def test_back_off_grows_and_the_message_fails_after_max_attempts(app, monkeypatch):
    sender = FlakySender(failures=10**6)
    monkeypatch.setattr(services, "get_sender", lambda: sender)
    max_attempts = app.config["MAIL_MAX_ATTEMPTS"]
    assert max_attempts >= 2
    clock.freeze(T0)
    message_id = _queue(app)
    delays = []
    for attempt in range(1, max_attempts):
        now = clock.now()
        assert _deliver(app)["retry"] == 1
        message = _message(app, message_id)
        assert (message.status, message.attempts) == (OutboxStatus.PENDING, attempt)
        assert message.next_attempt_at > now
        delays.append(message.next_attempt_at - now)
        clock.freeze(message.next_attempt_at)
    assert delays == sorted(delays) and delays[0] < delays[-1]

    assert _deliver(app) == {"sent": 0, "failed": 1, "retry": 0}
    message = _message(app, message_id)
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == max_attempts
    assert "ConnectionRefusedError" in message.last_error
    assert message.sent_at is None

    # A failed message is never tried again.
    clock.advance(timedelta(days=30))
    assert _deliver(app) == {"sent": 0, "failed": 0, "retry": 0}
    assert sender.calls == max_attempts


def test_one_failing_message_does_not_block_the_others(app, monkeypatch):
    class PickySender:
        def __init__(self):
            self.sent: list[str] = []

        def send(self, message):
            if message.to_address.startswith("bad"):
                raise OSError("mailbox unavailable")
            self.sent.append(message.to_address)

    sender = PickySender()
    monkeypatch.setattr(services, "get_sender", lambda: sender)
    _queue(app, to="bad@example.org")
    good = _queue(app, to="good@example.org")
    assert _deliver(app) == {"sent": 1, "failed": 0, "retry": 1}
    assert sender.sent == ["good@example.org"]
    assert _message(app, good).status == OutboxStatus.SENT


def test_a_stale_claim_is_picked_up_again(app, outbox):
    """A sender that died after claiming a message does not lose it for ever."""
    clock.freeze(T0)
    message_id = _queue(app)
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        message.status = OutboxStatus.SENDING
        message.claimed_at = T0
        db.session.commit()
    assert _deliver(app)["sent"] == 0
    clock.advance(services.STALE_CLAIM + timedelta(seconds=1))
    assert _deliver(app)["sent"] == 1
    assert len(outbox) == 1


# ----------------------------------------------------------------------------- real transports
@pytest.fixture
def smtp_config(app, monkeypatch, smtp_server):
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": smtp_server.host,
                       "MAIL_PORT": smtp_server.port, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False,
                       "MAIL_USERNAME": None, "MAIL_PASSWORD": None, "MAIL_TIMEOUT": 5}.items():
        monkeypatch.setitem(app.config, key, value)
    return smtp_server


def test_smtp_sender_speaks_smtp(app, smtp_config, outbox):
    message_id = _queue(app, to="dana@agency.example", subject="Sign-in paused on your account",
                        name="Dana Whitfield")
    assert _deliver(app) == {"sent": 1, "failed": 0, "retry": 0}
    assert outbox == []  # the memory sender was not used

    assert len(smtp_config.received) == 1
    received = smtp_config.received[0]
    assert received.rcpt_to == ["dana@agency.example"]
    assert received.mail_from == "no-reply@coopbid.local"
    assert smtp_config.commands[0] == "EHLO"
    assert "QUIT" in smtp_config.commands
    parsed = email.message_from_bytes(received.data, policy=email.policy.default)
    assert parsed["To"] == "dana@agency.example"
    assert parsed["Subject"] == "Sign-in paused on your account"
    assert parsed["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert f"outbox-{message_id}" in parsed["Message-ID"]
    assert "Hello Dana Whitfield," in parsed.get_content()
    assert _message(app, message_id).status == OutboxStatus.SENT


def test_smtp_sender_delivers_each_message_once(app, smtp_config):
    _queue(app, to="one@example.org", subject="First")
    _queue(app, to="two@example.org", subject="Second")
    assert _deliver(app)["sent"] == 2
    assert _deliver(app)["sent"] == 0
    subjects = [email.message_from_bytes(m.data, policy=email.policy.default)["Subject"]
                for m in smtp_config.received]
    assert subjects == ["First", "Second"]
    assert [m.rcpt_to for m in smtp_config.received] == [["one@example.org"], ["two@example.org"]]


def test_smtp_requiring_tls_fails_against_a_server_without_starttls(app, smtp_config, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    message_id = _queue(app)
    assert _deliver(app)["retry"] == 1
    message = _message(app, message_id)
    assert message.status == OutboxStatus.PENDING
    assert "STARTTLS" in message.last_error or "starttls" in message.last_error
    assert smtp_config.received == []  # nothing was sent in clear text


def test_smtp_connection_refused_is_retried(app, monkeypatch, free_port):
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port,
                       "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 5}.items():
        monkeypatch.setitem(app.config, key, value)
    clock.freeze(T0)
    message_id = _queue(app)
    assert _deliver(app)["retry"] == 1
    message = _message(app, message_id)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error
    assert message.next_attempt_at > T0


def test_console_sender_prints_the_message(app, monkeypatch, capsys, outbox):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    message_id = _queue(app, to="console@example.org", subject="Printed, not sent")
    assert _deliver(app)["sent"] == 1
    out = capsys.readouterr().out
    assert f"e-mail (outbox #{message_id})" in out
    assert "To: console@example.org" in out
    assert "Subject: Printed, not sent" in out
    assert f"From: {app.config['MAIL_DEFAULT_SENDER']}" in out
    assert "Hello Pat Doe," in out
    assert outbox == []
    assert _message(app, message_id).status == OutboxStatus.SENT


def test_unknown_backend_is_an_error(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "pigeon")
    _queue(app)
    with app.app_context():
        with pytest.raises(RuntimeError, match="pigeon"):
            deliver_outbox()

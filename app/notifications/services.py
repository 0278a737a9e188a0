from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import or_, select, update

from app.core import clock
from app.extensions import db
from app.notifications.models import OutboxMessage, OutboxStatus
from app.notifications.senders import get_sender

# A claim older than this is taken to belong to a sender that died mid-way.
STALE_CLAIM = timedelta(minutes=10)


def send_email(to: str, subject: str, template: str, **context: object) -> OutboxMessage:
    """Queue a message rendered from templates/emails/<template>.txt (and .html if present)."""
    context.setdefault("base_url", current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    body_text = render_template(f"emails/{template}.txt", subject=subject, **context)
    try:
        body_html = render_template(f"emails/{template}.html", subject=subject, **context)
    except TemplateNotFound:
        body_html = None
    message = OutboxMessage(
        to_address=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        kind=template,
        next_attempt_at=clock.now(),
    )
    db.session.add(message)
    return message


def deliver_outbox(limit: int = 100) -> dict[str, int]:
    """Send due messages. Each one is claimed with a conditional UPDATE, so two senders never
    send the same message. Commits per message: a crash loses at most the one in flight."""
    now = clock.now()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    sender = get_sender()
    due_ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == OutboxStatus.PENDING)
                & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == OutboxStatus.SENDING)
                & (OutboxMessage.claimed_at < now - STALE_CLAIM),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    counts = {"sent": 0, "failed": 0, "retry": 0}
    for message_id in due_ids:
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                or_(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.claimed_at < now - STALE_CLAIM,
                ),
            )
            .values(status=OutboxStatus.SENDING, claimed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if not claimed:
            continue
        message = db.session.get(OutboxMessage, message_id)
        message.attempts += 1
        try:
            sender.send(message)
        except Exception as exc:  # noqa: BLE001 - any transport failure is retried later
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if message.attempts >= max_attempts:
                message.status = OutboxStatus.FAILED
                counts["failed"] += 1
            else:
                message.status = OutboxStatus.PENDING
                message.next_attempt_at = now + timedelta(minutes=2 ** message.attempts)
                counts["retry"] += 1
            current_app.logger.warning("outbox #%s not sent: %s", message.id, message.last_error)
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = clock.now()
            message.last_error = None
            counts["sent"] += 1
        db.session.commit()
    return counts

"""Anchors: the audit chain head (sequence, hash, time) written outside the database.

The hash chain shows a change to one event, but someone who can write the database could
recompute every hash and the head. A line appended daily to a file the database cannot reach,
and e-mailed to the platform admins, fixes the chain as it stood then: `flask audit verify`
checks that every anchored event still has the anchored hash.

The log is JSON lines, one anchor each: {"seq": 42, "hash": "<sha-256 hex>", "at": "<UTC ISO>"}.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, time, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.accounts.models import User, UserRole
from app.audit.models import AuditChainHead, AuditEvent
from app.core import clock
from app.core.roles import Role
from app.extensions import db
from app.notifications.models import OutboxMessage
from app.notifications.services import send_email

HEAD_ID = 1
EMAIL_KIND = "audit_anchor"
# Reading the last anchor looks at this much of the file's end (a line is about 120 bytes).
TAIL_BYTES = 4096
# Anchored events are looked up this many at a time.
LOOKUP_BATCH = 500


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: datetime
    line: int = 0  # line number in the log, once read from it

    def to_line(self) -> str:
        at = self.at.astimezone(timezone.utc).isoformat(timespec="seconds")
        return json.dumps({"seq": self.seq, "hash": self.hash, "at": at}, separators=(", ", ": ")) + "\n"

    def describe(self) -> str:
        written = self.at.astimezone(timezone.utc).strftime("%b %-d, %Y %H:%M:%S UTC")
        where = f"line {self.line}: " if self.line else ""
        return f"anchor ({where}seq {self.seq}, written {written})"


class AnchorLogError(Exception):
    """The anchor log cannot be read, or a line in it is not an anchor."""


def anchor_log_path() -> Path:
    return Path(current_app.config["AUDIT_ANCHOR_PATH"])


def parse_anchor(text: str, line: int) -> Anchor:
    try:
        raw = json.loads(text)
        seq, digest, at = raw["seq"], raw["hash"], datetime.fromisoformat(raw["at"])
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorLogError(f"line {line} of the anchor log is not an anchor ({exc})") from exc
    if not isinstance(seq, int) or seq < 1 or not isinstance(digest, str) or len(digest) != 64 \
            or at.tzinfo is None:
        raise AnchorLogError(f"line {line} of the anchor log is not an anchor (bad seq, hash or time)")
    return Anchor(seq, digest, at, line)


def read_anchors(path: Path | None = None) -> list[Anchor] | None:
    """Every anchor in file order; None when there is no log yet. Raises AnchorLogError."""
    path = path or anchor_log_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnchorLogError(f"cannot read the anchor log {path}: {exc}") from exc
    return [parse_anchor(line, number) for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()]


def last_anchor(path: Path | None = None) -> Anchor | None:
    """The newest anchor, read from the end of the log; None if there is none or it is unreadable
    (verification reports a damaged line; anchoring goes on)."""
    path = path or anchor_log_path()
    try:
        with path.open("rb") as log:
            size = log.seek(0, os.SEEK_END)
            log.seek(max(0, size - TAIL_BYTES))
            tail = log.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    lines = [line for line in tail.splitlines() if line.strip()]
    if not lines:
        return None
    try:
        return parse_anchor(lines[-1], 0)
    except AnchorLogError:
        return None


def append_anchor(anchor: Anchor, path: Path | None = None) -> None:
    """Append one line with O_APPEND (never rewriting what is there), then flush it to disk."""
    path = path or anchor_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    data = anchor.to_line().encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        # A line cut short by a crash must not swallow this one.
        if os.fstat(fd).st_size and not _ends_with_newline(path):
            data = b"\n" + data
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # the new directory entry must survive a crash too
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as log:
        log.seek(-1, os.SEEK_END)
        return log.read(1) == b"\n"


def chain_head() -> tuple[int, str] | None:
    """(sequence, hash) of the newest committed event; None while the chain is empty."""
    head = db.session.get(AuditChainHead, HEAD_ID)
    if head is None or head.last_seq == 0:
        return None
    return head.last_seq, head.last_hash


@dataclass(frozen=True)
class AnchorResult:
    anchor: Anchor | None  # the newest anchor (the one written, or the unchanged last one)
    written: bool

    def __str__(self) -> str:
        if self.anchor is None:
            return "Nothing to anchor: the audit trail has no events yet."
        if not self.written:
            return f"The chain head has not moved since the last {self.anchor.describe()}; nothing written."
        written = self.anchor.at.astimezone(timezone.utc).strftime("%b %-d, %Y %H:%M:%S UTC")
        return f"Anchored the chain head: seq {self.anchor.seq}, hash {self.anchor.hash}, at {written}."


def write_anchor() -> AnchorResult:
    """Append the current chain head to the anchor log, unless the last anchor already holds it."""
    head = chain_head()
    if head is None:
        return AnchorResult(None, False)
    last = last_anchor()
    if last is not None and (last.seq, last.hash) == head:
        return AnchorResult(last, False)
    anchor = Anchor(head[0], head[1], clock.now().replace(microsecond=0))  # as the line holds it
    append_anchor(anchor)
    return AnchorResult(anchor, True)


# ----------------------------------------------------------------------------- the daily job
def active_platform_admins() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
    ).unique())


def _start_of_today() -> datetime:
    return datetime.combine(clock.now().date(), time.min, tzinfo=timezone.utc)


def _anchor_mail_queued_today() -> bool:
    return db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.kind == EMAIL_KIND, OutboxMessage.created_at >= _start_of_today()).limit(1)) is not None


def send_daily_anchor() -> dict[str, int]:
    """Scheduler: once a UTC day, anchor the chain head and e-mail it to every active platform
    admin. The e-mail goes out even when the head has not moved, so admins always hold the
    current head. Idempotent: the day's anchor e-mails (or, with no admin, the day's anchor line)
    are the record that today is done."""
    admins = active_platform_admins()
    if admins and _anchor_mail_queued_today():
        return {"anchored": 0, "emailed": 0}
    if not admins:
        last = last_anchor()
        if last is not None and last.at >= _start_of_today():
            return {"anchored": 0, "emailed": 0}
        current_app.logger.warning("no active platform admin to receive the audit anchor e-mail")
    result = write_anchor()
    if result.anchor is None:
        return {"anchored": 0, "emailed": 0}
    subject = f"Audit trail anchor for {clock.now().strftime('%B %-d, %Y')}"
    for admin in admins:
        send_email(admin.email, subject, EMAIL_KIND, user=admin, anchor=result.anchor,
                   moved=result.written, log_path=str(anchor_log_path()))
    return {"anchored": int(result.written), "emailed": len(admins)}


# ----------------------------------------------------------------------------- verification
@dataclass(frozen=True)
class AnchorReport:
    log_found: bool
    anchors_checked: int
    problem: str | None = None  # names the first anchor that disagrees

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        if self.problem:
            return self.problem
        if not self.log_found:
            return "Anchors: no anchors on file (the anchor log does not exist yet)."
        return f"Anchors: {self.anchors_checked} checked, all match the chain."


def verify_anchors() -> AnchorReport:
    """Check that the event at each anchored sequence exists and still has the anchored hash."""
    path = anchor_log_path()
    try:
        anchors = read_anchors(path)
    except AnchorLogError as exc:
        return AnchorReport(True, 0, f"{exc} ({path})")
    if anchors is None:
        return AnchorReport(False, 0)
    stored: dict[int, str] = {}
    seqs = sorted({a.seq for a in anchors})
    for start in range(0, len(seqs), LOOKUP_BATCH):
        rows = db.session.execute(select(AuditEvent.seq, AuditEvent.hash)
                                  .where(AuditEvent.seq.in_(seqs[start:start + LOOKUP_BATCH])))
        stored.update({row.seq: row.hash for row in rows})
    for checked, anchor in enumerate(anchors):
        found = stored.get(anchor.seq)
        if found == anchor.hash:
            continue
        if found is None:
            why = f"there is no event at seq {anchor.seq} (events were deleted since)"
        else:
            why = (f"the event at seq {anchor.seq} has hash {found}, the anchor says {anchor.hash} "
                   "(the chain was rewritten since)")
        earlier = f"{checked} earlier anchor{'s' if checked != 1 else ''} matched"
        return AnchorReport(True, checked,
                            f"The {anchor.describe()} in {path} does not match the database: {why}; {earlier}.")
    return AnchorReport(True, len(anchors))

"""Helpers for the sealed-bid acceptance tests (isolation, receipts, versions, opening, audit
redaction). Plain functions: each test keeps its own fixtures and data.

signed_in(app, user)            a new test client signed in as `user` (one client per person).
submit(post_bid, client, ...)   post the bid form with "submit"; returns the receipt number.
withdraw(client, number)        post the withdraw button; returns the withdrawal receipt number.
bid_state(app, sid, vendor_org) everything stored about one vendor's bid, to compare before/after.
bid_events(app, sid)            the audit events about bids of one solicitation (action, org, data).
tables(html)                    the tables of a page: rows of Cell(text, classes).
section(html, marker)           the text of the element whose opening tag contains `marker`.
deliver(app)                    run the outbox sender (memory backend) in a request context.
pdf_text(data)                  the text of a PDF, read back with pypdf.
"""
from __future__ import annotations

import html as html_lib
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sqlalchemy import select

from app.extensions import db, limiter
from tests.conftest import login

RECEIPT_LOCATION = re.compile(r"/bids/receipts/([A-Z0-9-]+)$")


def signed_in(app, user):
    client = app.test_client()
    limiter.reset()  # the login limit counts per address, and every test client is 127.0.0.1
    response = login(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def submit(post_bid, client, **kwargs) -> str:
    response = post_bid(client, action="submit", **kwargs)
    assert response.status_code == 302, response.get_data(as_text=True)
    found = RECEIPT_LOCATION.search(response.headers["Location"])
    assert found, f"not submitted: redirected to {response.headers['Location']}: " + \
        client.get(response.headers["Location"]).get_data(as_text=True)[:3000]
    return found.group(1)


def withdraw(client, number: str) -> str:
    response = client.submit(f"/solicitations/{number}/bid/withdraw")
    assert response.status_code == 302, response.get_data(as_text=True)
    found = RECEIPT_LOCATION.search(response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def bid_state(app, solicitation_id: int, vendor_org_id: int) -> dict | None:
    from app.bids.models import Bid

    with app.app_context():
        bid = db.session.scalar(select(Bid).where(Bid.solicitation_id == solicitation_id,
                                                  Bid.vendor_id == vendor_org_id))
        if bid is None:
            return None
        return {
            "id": bid.id,
            "status": bid.status.value,
            "current_version_number": bid.current_version_number,
            "submitted_at": bid.submitted_at,
            "withdrawn_at": bid.withdrawn_at,
            "sealed_draft": bid.sealed_draft,
            "draft_updated_at": bid.draft_updated_at,
            "opened_at": bid.opened_at,
            "total": bid.total,
            "responsiveness": bid.responsiveness.value,
            "versions": [(v.number, v.kind.value, v.receipt_number, v.digest, v.sealed_content, v.accepted_at)
                         for v in bid.versions],
            "documents": [(d.id, d.requirement, d.filename, d.sha256, d.storage_key, d.superseded_at)
                          for d in bid.documents],
            "lines": [(line.item_id, line.unit_price, line.extended) for line in bid.lines],
        }


@dataclass(frozen=True)
class Event:
    action: str
    organization_id: int | None
    actor_id: int | None
    data: dict


def bid_events(app, solicitation_id: int, prefix: str = "bid") -> list[Event]:
    """Audit events whose action starts with `prefix` and whose data names this solicitation."""
    from app.audit.models import AuditEvent

    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action.startswith(prefix))
                                  .order_by(AuditEvent.seq)).all()
        return [Event(r.action, r.organization_id, r.actor_id, dict(r.data)) for r in rows
                if isinstance(r.data, dict) and r.data.get("solicitation_id") == solicitation_id]


@dataclass
class Cell:
    text: str
    classes: set[str] = field(default_factory=set)
    tag: str = "td"


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[Cell]]] = []
        self._stack: list[list[list[Cell]]] = []
        self._row: list[Cell] | None = None
        self._cell: Cell | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = Cell("", set((attrs.get("class") or "").split()), tag)
        elif tag == "br" and self._cell is not None:
            self._cell.text += " "

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._cell.text = " ".join(self._cell.text.split())
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None and self._stack:
            self._stack[-1].append(self._row)
            self._row = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.text += data


def tables(page: str) -> list[list[list[Cell]]]:
    parser = _TableParser()
    parser.feed(page)
    return parser.tables


def text_of(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(page: str, marker: str) -> str:
    """The text of the first <section> whose opening tag contains `marker`, or ""."""
    found = re.search(r"<section[^>]*" + re.escape(marker) + r"[^>]*>(.*?)</section>", page, re.S)
    return text_of(found.group(1)) if found else ""


def deliver(app) -> None:
    from app.notifications.services import deliver_outbox

    with app.test_request_context():
        deliver_outbox()


def plain_body(message) -> str:
    part = message.get_body(preferencelist=("plain",)) if message.is_multipart() else message
    return part.get_content()


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    assert data.startswith(b"%PDF"), data[:100]
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)

"""The deadline under load, against a real HTTP server and the real clock.

Many vendors submit at once, spread across due_at (a few well before, most within 300 ms of it,
a few after). Whatever the timing, the record must hold: every submission that got a receipt is
stored, sealed intact and accepted before due_at; nothing at or after due_at is stored; every
refusal left no version and is on the audit record; the opening opens exactly the accepted bids.

Runs on SQLite and, with DATABASE_URL set, on PostgreSQL (where the solicitation row is
share-locked by each submission; see app.bids.deadline.hold_for_bidding)."""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, update
from werkzeug.serving import WSGIRequestHandler, make_server

from app.core import clock
from app.extensions import db
from tests.bids.conftest import make_pdf

# Under pytest-xdist (make test) the timing tests take turns on one worker.
pytestmark = pytest.mark.xdist_group("timing")

VENDORS = 30
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
RECEIPT_URL = re.compile(r"/bids/receipts/([A-Z0-9-]+)$")
RECEIPT_NUMBER = re.compile(r"<strong>([A-Z0-9-]+)</strong>")
RECEIPT_DIGEST = re.compile(r'class="col-sm-9 digest">([0-9a-f]{64})<')


def _offsets(n: int) -> list[float]:
    """Seconds from due_at at which each client sends: 1/6 well before, 1/6 after and the rest
    within 300 ms of it: half spread evenly, half in a burst in the last 120 ms before it and the
    first 10 ms after (requests still in flight at due_at, checked again in their transaction)."""
    early = late = n // 6
    spread = (n - early - late) // 2
    burst = n - early - late - spread
    return ([-1.5 + 0.15 * i for i in range(early)]
            + [-0.3 + 0.6 * i / max(spread - 1, 1) for i in range(spread)]
            + [-0.12 + 0.13 * i / max(burst - 1, 1) for i in range(burst)]
            + [0.45 + 0.15 * i for i in range(late)])


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # one line per request would drown the output
        pass


@dataclass
class Client:
    user: object
    session: requests.Session
    offset: float
    prices: dict[str, str]
    pdf: bytes
    csrf: str = ""
    sent_at: float = 0.0
    status: int = 0
    location: str = ""
    error: str = ""
    receipt: str | None = None
    page_receipt: str | None = None
    page_digest: str | None = None


def _stored_files(root: str) -> set[str]:
    return {path.name for path in Path(root).rglob("*") if path.is_file()}


def _csrf(response: requests.Response) -> str:
    found = CSRF_META.search(response.text)
    assert found, response.text[:500]
    return found.group(1)


def test_submissions_straddling_the_deadline(app, bidding, make_vendor, open_bids, monkeypatch):
    from app.audit.models import AuditEvent
    from app.bids import deadline, drafts, opening, receipts, submission
    from app.bids.models import Bid, BidStatus, BidVersion
    from app.solicitations.models import Solicitation

    clock.reset()  # the real clock throughout: nothing here is frozen or advanced
    # Count the refusals decided inside the submission's transaction (the request had passed
    # the view's first check): informative only, as it depends on timing.
    in_transaction = []
    accepted_at = deadline.accepted_at

    def counting_accepted_at(s):
        try:
            return accepted_at(s)
        except deadline.BidsClosed:
            in_transaction.append(s.id)
            raise

    monkeypatch.setattr(submission, "accepted_at", counting_accepted_at)  # where the submission calls it
    vendors = [make_vendor() for _ in range(VENDORS)]
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    server_thread = threading.Thread(target=server.serve_forever, name="deadline-server", daemon=True)
    base = f"http://127.0.0.1:{server.server_port}"
    saved_limit = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"  # read per request by the login view
    clients: list[Client] = []
    server_thread.start()
    try:
        form_url = f"{base}/solicitations/{bidding.number}/bid"
        for index, (user, offset) in enumerate(zip(vendors, _offsets(VENDORS), strict=True)):
            session = requests.Session()
            page = session.get(f"{base}/accounts/login", timeout=30)
            signed_in = session.post(f"{base}/accounts/login", allow_redirects=False, timeout=30,
                                     data={"email": user.email, "password": user.password,
                                           "csrf_token": _csrf(page)})
            assert signed_in.status_code == 302, signed_in.text[:500]
            form = session.get(form_url, timeout=30)
            assert form.status_code == 200, form.text[:500]
            clients.append(Client(user, session, offset, csrf=_csrf(form),
                                  prices={f"price_{bidding.item_ids[1]}": f"{10 + index}.25",
                                          f"price_{bidding.item_ids[2]}": f"{70 + index}.50"},
                                  pdf=make_pdf(f"W-9 of vendor {index}")))

        # Everyone is signed in and has the form: now the deadline is a few seconds away.
        with app.app_context():
            now = clock.now()
            due_at = (now + timedelta(seconds=3)).replace(microsecond=(now.microsecond // 1000) * 1000)
            db.session.execute(update(Solicitation).where(Solicitation.id == bidding.id)
                               .values(questions_due_at=now - timedelta(seconds=1), due_at=due_at))
            db.session.commit()
        due_ts = due_at.timestamp()
        barrier = threading.Barrier(len(clients))

        def fire(c: Client) -> None:
            barrier.wait()
            delay = due_ts + c.offset - time.time()
            if delay > 0:
                time.sleep(delay)
            data = {"csrf_token": c.csrf, "notes": "Concurrent deadline test", "submit": "1",
                    "attest_non_collusion": "y", "attest_not_debarred": "y", **c.prices}
            c.sent_at = time.time()
            try:
                response = c.session.post(form_url, data=data, allow_redirects=False, timeout=60,
                                          files={"document_0": ("w9.pdf", c.pdf, "application/pdf")})
            except requests.RequestException as exc:  # reported below, fails the test
                c.error = repr(exc)
                return
            c.status = response.status_code
            c.location = response.headers.get("Location", "")

        files_before = _stored_files(app.config["STORAGE_DIR"])
        threads = [threading.Thread(target=fire, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "a submission never finished"
        new_files = _stored_files(app.config["STORAGE_DIR"]) - files_before

        # Classify: a receipt (302 to it), or a refusal (302 back to the form); nothing else.
        for c in clients:
            assert not c.error, c.error
            assert c.status == 302, (c.offset, c.status)
            found = RECEIPT_URL.search(c.location)
            if found:
                c.receipt = found.group(1)
            else:
                assert c.location.endswith(f"/solicitations/{bidding.number}/bid"), c.location
        accepted = [c for c in clients if c.receipt]
        refused = [c for c in clients if not c.receipt]
        print(f"\n[deadline] {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: "
              f"accepted={len(accepted)} refused={len(refused)} of {len(clients)} "
              f"({len(in_transaction)} of them inside the transaction); "
              "offsets (s) accepted: " + " ".join(f"{c.offset:+.2f}" for c in accepted) +
              " | refused: " + " ".join(f"{c.offset:+.2f}" for c in refused))
        assert accepted and refused, "the submissions did not straddle the deadline; adjust the offsets"

        # What each client was shown on its receipt page.
        for c in accepted:
            page = c.session.get(f"{base}/bids/receipts/{c.receipt}", timeout=30)
            assert page.status_code == 200
            c.page_receipt = RECEIPT_NUMBER.search(page.text).group(1)
            c.page_digest = RECEIPT_DIGEST.search(page.text).group(1)
            assert c.page_receipt == c.receipt
    finally:
        server.shutdown()
        server_thread.join(timeout=30)
        server.server_close()
        app.config["LOGIN_RATE_LIMIT"] = saved_limit
        for c in clients:
            c.session.close()

    # The record.
    with app.app_context():
        s = db.session.get(Solicitation, bidding.id)
        assert s.due_at == due_at
        versions = db.session.scalars(select(BidVersion).join(Bid).where(Bid.solicitation_id == s.id)).all()
        by_receipt = {v.receipt_number: v for v in versions}
        assert len(versions) == len(accepted), "a version was stored without its receipt reaching the client"
        assert not [v for v in versions if v.accepted_at >= due_at]
        for c in accepted:
            v = by_receipt.get(c.receipt)
            assert v is not None, f"receipt {c.receipt} was issued but nothing is stored under it"
            assert v.accepted_at < due_at
            assert v.bid.vendor_id == c.user.organization_id and v.created_by_id == c.user.id
            assert v.bid.status == BidStatus.SUBMITTED and v.bid.current_version_number == v.number == 1
            content = receipts.read_version_content(v)  # decrypts, or raises
            assert receipts.content_digest(content) == v.digest == c.page_digest
            assert {line["unit_price"] for line in content["lines"]} == \
                {f"{Decimal(p):.4f}" for p in c.prices.values()}
            assert receipts.stored_record_problems(v) == []  # the cited W-9 opens and matches
            [document] = v.bid.working_documents
            assert receipts.read_document(document) == c.pdf

        refusals = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "bid.refused_late", AuditEvent.object_type == "solicitations",
            AuditEvent.object_id == str(s.id))).all()
        assert len(refusals) == len(refused)
        assert sorted(e.actor_id for e in refusals) == sorted(c.user.id for c in refused)
        assert all(e.data["attempted"] == "submit" for e in refusals)
        assert all(datetime.fromisoformat(e.data["at"]) >= due_at for e in refusals)
        for c in refused:
            bid = drafts.find_bid(c.user.organization_id, s)
            assert bid is None or not bid.versions
        accepted_vendor_ids = {c.user.organization_id for c in accepted}
        assert {b.vendor_id for b in opening.counted_bids(s)} == accepted_vendor_ids
        # A refused upload leaves no file behind: the only new files are the accepted bids' W-9s.
        assert new_files == {v.bid.working_documents[0].storage_key for v in versions}

    # The opening, in real time (due_at has passed): close, then open as the officer.
    assert clock.now() >= due_at
    open_bids(bidding)
    with app.app_context():
        s = db.session.get(Solicitation, bidding.id)
        opened = opening.opened_bids(s)
        assert {b.vendor_id for b in opened} == accepted_vendor_ids
        assert {b.current_version.receipt_number for b in opened} == {c.receipt for c in accepted}
        assert all(not b.flags for b in opened), [b.flags for b in opened]

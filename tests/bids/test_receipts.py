"""Acceptance: "Receipt digest verifies after opening; a tampered stored bid fails verification."

A vendor submits and gets a receipt number and a SHA-256 digest (receipt page, e-mail, PDF; none
of them carries a price). Before the opening the public verify page says only that the bids are
not opened, for a real receipt and a made-up one alike. After the opening the receipt verifies;
a changed opened price, changed sealed content or changed stored file makes it fail, naming
what changed, and `flask keys check-bids` exits 1.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.bids.conftest import make_pdf
from tests.bids.sealed_support import deliver, pdf_text, plain_body, section, signed_in, submit

VENDOR = "Chesapeake Office Products Inc."
NOTES = "Livraison sous 5 jours ouvrés — délai garanti; Ñandú paper ✓"
W9 = make_pdf("Chesapeake Office Products W-9")
# 17.33 x 1200 = 20,796.00 and 64.95 x 300 = 19,485.00: 40,281.00 in all.
PRICES = {1: "17.33", 2: "64.95"}
PRICE_TEXTS = ("17.33", "64.95", "20,796", "20796", "19,485", "19485", "40,281", "40281")


@dataclass(frozen=True)
class Submitted:
    vendor: object
    client: object
    receipt: str
    digest: str
    bid_id: int


@pytest.fixture
def submitted(app, bidding, make_vendor, post_bid) -> Submitted:
    from app.bids.models import BidVersion

    vendor = make_vendor(VENDOR)
    client = signed_in(app, vendor)
    receipt = submit(post_bid, client, prices=PRICES, notes=NOTES,
                     documents={0: (W9, "chesapeake-w9.pdf")})
    with app.app_context():
        version = db.session.scalar(select(BidVersion).where(BidVersion.receipt_number == receipt))
        return Submitted(vendor, client, receipt, version.digest, version.bid_id)


def _verify(client, receipt: str, digest: str = "") -> tuple[str, str]:
    """(heading + message + problems, whole page) of the verify page's result."""
    response = client.get("/bids/verify", query_string={"receipt": receipt, "digest": digest})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return section(page, 'aria-labelledby="result-title"'), page


# ----------------------------------------------------------------------------- the receipt
def test_receipt_page_shows_number_and_digest(app, bidding, submitted):
    page = submitted.client.get(f"/bids/receipts/{submitted.receipt}").get_data(as_text=True)
    assert f"<strong>{submitted.receipt}</strong>" in page
    assert re.search(r'class="col-sm-9 digest">([0-9a-f]{64})<', page).group(1) == submitted.digest
    assert submitted.receipt.startswith(f"{bidding.number}-")
    assert not any(price in page for price in PRICE_TEXTS)


def test_receipt_email_has_number_digest_and_time_but_no_prices(app, bidding, submitted, outbox):
    from app.bids.models import BidVersion
    from app.notifications.models import OutboxMessage

    with app.app_context():
        queued = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "bid_receipt")).all()
        assert [m.to_address for m in queued] == [submitted.vendor.email]
        version = db.session.scalar(select(BidVersion).where(BidVersion.receipt_number == submitted.receipt))
        local = version.accepted_at.astimezone(ZoneInfo(bidding.agency.timezone))
    deliver(app)
    [message] = [m for m in outbox if submitted.receipt in m["Subject"]]
    assert message["To"] == submitted.vendor.email
    body = plain_body(message)
    assert f"Receipt number: {submitted.receipt}" in body
    assert f"SHA-256 digest: {submitted.digest}" in body
    assert local.strftime("%A, %B %-d, %Y, %-I:%M:%S %p %Z") in body
    assert VENDOR in body
    assert not any(price in body for price in PRICE_TEXTS), body
    assert NOTES not in body


def test_receipt_pdf_has_number_and_digest_but_no_prices(app, submitted):
    response = submitted.client.get(f"/bids/receipts/{submitted.receipt}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    squeezed = "".join(text.split())
    assert submitted.receipt in squeezed
    assert submitted.digest in squeezed
    assert VENDOR in text
    assert not any(price in text for price in PRICE_TEXTS), text


def test_digest_is_sha256_of_the_canonical_json(app, submitted):
    """Recomputed here, from the decrypted content, without the product's digest code."""
    from app.bids.models import BidVersion
    from app.core.crypto import unseal

    with app.app_context():
        version = db.session.scalar(select(BidVersion).where(BidVersion.receipt_number == submitted.receipt))
        raw = unseal(version.bid.solicitation_id, version.sealed_content,
                     f"bid-version:{version.bid_id}:{version.number}")
        w9 = version.bid.working_documents[0]
        item_ids = [item.id for item in version.bid.solicitation.items]
    content = json.loads(raw)
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert raw == canonical  # what is sealed is the canonical form itself
    assert hashlib.sha256(canonical).hexdigest() == submitted.digest
    # The non-ASCII notes are hashed as UTF-8, not as \\u escapes.
    escaped = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    assert hashlib.sha256(escaped).hexdigest() != submitted.digest
    # What the digest covers: every price, the notes, the attestations and each file's SHA-256.
    assert [(line["item_id"], line["unit_price"]) for line in content["lines"]] == \
        [(item_ids[0], "17.3300"), (item_ids[1], "64.9500")]
    assert content["notes"] == NOTES
    assert content["attestations"] == {"non_collusion": True, "not_debarred": True}
    assert [(d["document_id"], d["sha256"]) for d in content["documents"]] == \
        [(w9.id, hashlib.sha256(W9).hexdigest())]
    assert len(content["salt"]) == 32


# ----------------------------------------------------------------------------- before the opening
def test_verify_before_opening_says_only_not_opened(app, bidding, submitted, client):
    real, page = _verify(client, submitted.receipt, submitted.digest)
    assert "Not opened yet" in real and "have not been opened" in real
    assert VENDOR not in page and "Chesapeake" not in page
    assert "Version" not in real and "Received" not in real
    made_up, made_up_page = _verify(client, f"{bidding.number}-K7QM-P3XA", submitted.digest)
    assert made_up == real  # a real receipt and an invented one cannot be told apart
    assert VENDOR not in made_up_page
    # The bidder, signed in, is told the same on the public page.
    own, _ = _verify(submitted.client, submitted.receipt, submitted.digest)
    assert own == real


# ----------------------------------------------------------------------------- after the opening
def test_verifies_after_opening(app, bidding, submitted, client, open_bids):
    open_bids(bidding)
    result, page = _verify(client, submitted.receipt, submitted.digest)
    assert result.startswith("Verified") and "The stored bid matches this receipt." in result
    assert VENDOR in result and submitted.digest in result and "the version that counts" in result
    # Without the digest, and typed in lower case, the receipt number alone also checks the record.
    result, _ = _verify(client, submitted.receipt.lower())
    assert result.startswith("Verified")


def test_wrong_digest_differs(app, bidding, submitted, client, open_bids):
    open_bids(bidding)
    wrong = hashlib.sha256(b"not the bid").hexdigest()
    result, _ = _verify(client, submitted.receipt, wrong)
    assert result.startswith("Digest differs")
    assert "not the one this receipt was issued with" in result


def test_unknown_receipt_not_found(app, bidding, submitted, client, open_bids):
    open_bids(bidding)
    for receipt in (f"{bidding.number}-K7QM-P3XA", "NOPE-RFP-2026-001-AAAA-BBBB"):
        result, page = _verify(client, receipt)
        assert result.startswith("Not found"), receipt
        assert VENDOR not in page


def _check_bids(runner):
    return runner.invoke(args=["keys", "check-bids"])


def _assert_tampered(client, runner, submitted, problem: str):
    result, _ = _verify(client, submitted.receipt, submitted.digest)
    assert result.startswith("Does not match"), result
    assert "The stored bid no longer matches this receipt." in result
    assert problem in result, result
    checked = _check_bids(runner)
    assert checked.exit_code == 1, checked.output
    assert submitted.receipt in checked.output and problem in checked.output


def test_tampered_opened_price_fails_verification(app, bidding, submitted, client, runner, open_bids):
    from app.bids.models import BidLine

    open_bids(bidding)
    assert _check_bids(runner).exit_code == 0
    assert _verify(client, submitted.receipt, submitted.digest)[0].startswith("Verified")
    with app.app_context():
        line = db.session.scalar(select(BidLine).where(BidLine.bid_id == submitted.bid_id,
                                                       BidLine.item_id == bidding.item_ids[1]))
        assert line.unit_price == Decimal("17.33")
        line.unit_price = Decimal("7.33")  # someone "fixes" the opened price in the database
        db.session.commit()
    _assert_tampered(client, runner, submitted, "The opened price for line 1 differs from the sealed bid.")


def _flip_a_sealed_byte(app, receipt: str) -> None:
    from app.bids.models import BidVersion

    with app.app_context():
        version = db.session.scalar(select(BidVersion).where(BidVersion.receipt_number == receipt))
        flipped = bytearray(version.sealed_content)
        flipped[40] ^= 0x01
        version.sealed_content = bytes(flipped)
        db.session.commit()


def test_tampered_sealed_content_fails_verification(app, bidding, submitted, client, runner, open_bids):
    open_bids(bidding)
    assert _check_bids(runner).exit_code == 0
    _flip_a_sealed_byte(app, submitted.receipt)
    _assert_tampered(client, runner, submitted, "The sealed content of this version does not open")
    # Staff asking for the bid are told the record was changed (not a server error, not a guess),
    # on the page where they decide on it.
    officer = signed_in(app, bidding.agency.officer)
    page = officer.get(f"/agency/solicitations/{bidding.id}/bids/{submitted.bid_id}")
    assert page.status_code == 200
    assert f"The sealed record of receipt {submitted.receipt} no longer opens" in page.get_data(as_text=True)
    assert 'name="decision"' in page.get_data(as_text=True)


def test_a_damaged_sealed_record_does_not_stop_the_opening(app, bidding, submitted, client, runner, open_bids):
    """Changed before the opening: the other bids open; this one opens without prices, flagged."""
    from app.bids.models import Bid

    _flip_a_sealed_byte(app, submitted.receipt)
    open_bids(bidding)
    with app.app_context():
        bid = db.session.get(Bid, submitted.bid_id)
        assert bid.opened_at is not None and bid.total is None and bid.lines == []
        assert bid.flags == ["The sealed record does not open: it was changed after it was sealed"]
    _assert_tampered(client, runner, submitted, "The sealed content of this version does not open")


@pytest.mark.parametrize("how", ["flipped byte", "other file sealed in its place"])
def test_tampered_stored_file_fails_verification(app, bidding, submitted, client, runner, open_bids, how):
    from app.bids.models import Bid
    from app.core.crypto import seal

    open_bids(bidding)
    assert _check_bids(runner).exit_code == 0
    with app.app_context():
        document = db.session.get(Bid, submitted.bid_id).working_documents[0]
        db.session.expunge(document)
        path = Path(app.config["STORAGE_DIR"]) / document.storage_key[:2] / document.storage_key
        stored = path.read_bytes()
        if how == "flipped byte":
            changed = bytearray(stored)
            changed[-5] ^= 0x20
            replacement = bytes(changed)
        else:  # even a well-formed ciphertext, under the right key and context, is caught by its hash
            replacement = seal(bidding.id, make_pdf("Forged W-9"), f"bid-document:{submitted.bid_id}:{document.sha256}")
    path.write_bytes(replacement)
    _assert_tampered(client, runner, submitted, "The file chesapeake-w9.pdf (w9) is missing or changed.")
    # Nobody is handed the changed file: staff and the bidder are told it was changed.
    officer = signed_in(app, bidding.agency.officer)
    for who, url in ((officer, f"/agency/solicitations/{bidding.id}/bids/{submitted.bid_id}/documents/{document.id}"),
                     (submitted.client, f"/solicitations/{bidding.number}/bid/documents/{document.id}")):
        response = who.get(url)
        assert response.status_code == 409, url
        assert b"%PDF" not in response.data
        assert "The stored file chesapeake-w9.pdf is missing or was changed" in response.get_data(as_text=True)


def test_superseded_version_still_verifies_and_says_replaced(app, bidding, submitted, client, post_bid,
                                                             open_bids):
    second = submit(post_bid, submitted.client, prices={1: "16.90", 2: "64.95"}, notes=NOTES,
                    documents={0: (make_pdf("Chesapeake W-9 corrected"), "chesapeake-w9-corrected.pdf")})
    open_bids(bidding)
    result, _ = _verify(client, submitted.receipt, submitted.digest)
    assert result.startswith("Verified"), result
    assert "replaced by version 2" in result and "only the latest counts" in result
    latest, _ = _verify(client, second)
    assert latest.startswith("Verified") and "the version that counts" in latest

"""Every stored file is given out only when its bytes still hash to the SHA-256 recorded when it
was uploaded: a changed file answers 409 with a plain message (and is logged), a lost one never
answers 500. The contract's evidence packet lists the awarded bid's files with their digests,
shown to those who may open them."""
from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.conftest import login
from tests.evaluation.test_award_path import _vendor_user


def _path(app, storage_key: str) -> Path:
    from app.core.storage import storage

    with app.app_context():
        return Path(storage()._path(storage_key))


def _email(app, rfp, vendor_name: str) -> str:
    from app.accounts.models import User

    with app.app_context():
        return db.session.get(User, _vendor_user(app, rfp, vendor_name)).email


@pytest.fixture
def downloads(app, client, awarded_number, opened_rfp, files):
    """(who signs in, url, storage key) of each download route, every file served (200) first."""
    from app.bids.models import Bid, BidDocument
    from app.contracts.models import ContractDocument
    from app.solicitations.models import SolicitationDocument

    login(client, opened_rfp.agency.officer)
    for filename, visibility in (("signed-contract.pdf", "public"), ("insurance.docx", "restricted")):
        data = files["pdf"] if filename.endswith(".pdf") else files["docx"]
        response = client.submit(f"/contracts/{awarded_number}/documents",
                                 {"file": (io.BytesIO(data), filename), "title": filename, "visibility": visibility},
                                 content_type="multipart/form-data")
        assert response.status_code == 302
    client.submit("/accounts/logout")
    bravo = _email(app, opened_rfp, "Bravo Office")
    with app.app_context():
        public, restricted = db.session.scalars(select(ContractDocument).order_by(ContractDocument.id)).all()
        spec = db.session.scalar(select(SolicitationDocument))
        bid = db.session.get(Bid, opened_rfp.bid_ids["Bravo Office"])
        bid_file = db.session.scalar(select(BidDocument).where(BidDocument.bid_id == bid.id))
        routes = [
            (None, f"/contracts/{awarded_number}/documents/{public.id}", public.storage_key),
            (opened_rfp.agency.officer.email, f"/contracts/{awarded_number}/documents/{restricted.id}",
             restricted.storage_key),
            (None, f"/solicitations/{opened_rfp.number}/documents/{spec.id}", spec.storage_key),
            (bravo, f"/solicitations/{opened_rfp.number}/bid/documents/{bid_file.id}", bid_file.storage_key),
            (opened_rfp.agency.officer.email,
             f"/agency/solicitations/{opened_rfp.id}/bids/{bid.id}/documents/{bid_file.id}", bid_file.storage_key),
        ]
    for who, url, _ in routes:
        assert _get(client, who, url).status_code == 200, url
    return routes


def _get(client, who, url):
    """GET as `who` (None: signed out), signing in only when the user changes (logins are limited)."""
    if getattr(client, "signed_in_as", "unknown") != who:
        client.submit("/accounts/logout")
        if who:
            login(client, who)
        client.signed_in_as = who
    return client.get(url)


def test_a_changed_file_answers_409_on_every_route_and_is_logged(app, client, downloads, caplog):
    for who, url, key in downloads:
        path = _path(app, key)
        original = path.read_bytes()
        path.write_bytes(b"%PDF-1.4 other bytes\n")
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            response = _get(client, who, url)
        assert response.status_code == 409, url
        body = response.get_data(as_text=True)
        assert "was changed after it was uploaded" in body and "other bytes" not in body
        assert any(key in r.getMessage() and "SHA-256" in r.getMessage() for r in caplog.records), url
        path.write_bytes(original)
        assert _get(client, who, url).status_code == 200, url


def test_a_lost_file_answers_with_a_message_never_500(app, client, downloads, caplog):
    for who, url, key in downloads:
        path = _path(app, key)
        original = path.read_bytes()
        path.unlink()
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            response = _get(client, who, url)
        assert response.status_code in (404, 409), url
        assert "is missing" in response.get_data(as_text=True)
        assert any(key in r.getMessage() for r in caplog.records), url
        path.write_bytes(original)


def _packet_items(app, number, user_id=None):
    from app.accounts.models import User
    from app.contracts.evidence import evidence_packet, visible_keys
    from app.contracts.models import Contract

    with app.test_request_context():
        from flask_login import AnonymousUserMixin

        contract = db.session.scalar(select(Contract).where(Contract.number == number))
        user = db.session.get(User, user_id) if user_id else AnonymousUserMixin()
        packet = evidence_packet(contract)
        return {i.key: (i.title, i.sha256) for i in packet.visible_items(visible_keys(contract, user))}


def test_the_packet_lists_the_awarded_bids_files_to_those_who_may_open_them(app, client, awarded_number,
                                                                             opened_rfp, files, other_agency):
    from app.bids.models import BidDocument

    with app.app_context():
        w9 = db.session.scalar(select(BidDocument).where(BidDocument.bid_id == opened_rfp.bid_ids["Bravo Office"]))
        key, path = f"bid_document:{w9.id}", _path(app, w9.storage_key)
        losers = set(db.session.scalars(select(BidDocument.id).where(
            BidDocument.bid_id != opened_rfp.bid_ids["Bravo Office"])))
    title, sha = _packet_items(app, awarded_number, opened_rfp.agency.officer.id)[key]
    assert sha == hashlib.sha256(files["pdf"]).hexdigest()
    assert title == "Awarded bid of Bravo Office: IRS Form W-9 (w9.pdf)"
    assert key in _packet_items(app, awarded_number, _vendor_user(app, opened_rfp, "Bravo Office"))
    # Only the awarded bid's files, and bid files are never public: not to the public, another
    # agency or a losing bidder.
    assert not any(k == f"bid_document:{i}" for i in losers
                   for k in _packet_items(app, awarded_number, opened_rfp.agency.officer.id))
    for outsider in (None, other_agency.officer.id, _vendor_user(app, opened_rfp, "Alpha Supply")):
        assert not any(k.startswith("bid_document:") for k in _packet_items(app, awarded_number, outsider))
    assert "w9.pdf" not in client.get(f"/contracts/{awarded_number}").get_data(as_text=True)

    # The lead agency's officer sees it on the page, and a verification names it when it changes.
    login(client, opened_rfp.agency.officer)
    assert sha in client.get(f"/contracts/{awarded_number}").get_data(as_text=True)
    assert "Verified: every item matches" in client.submit(f"/contracts/{awarded_number}/verify").get_data(as_text=True)
    path.write_bytes(b"other bytes")
    body = client.submit(f"/contracts/{awarded_number}/verify").get_data(as_text=True)
    assert "The packet does not verify" in body and "Changed or missing: " + title in body


def test_a_public_contract_document_whose_file_is_lost_answers_404_with_a_clear_page(app, client, downloads):
    lost = [(who, url, key) for who, url, key in downloads if "/contracts/" in url and "/documents/" in url]
    assert lost
    for who, url, key in lost:
        path = _path(app, key)
        original = path.read_bytes()
        path.unlink()
        response = _get(client, who, url)
        assert response.status_code == 404, url
        assert "is missing from storage" in response.get_data(as_text=True)
        path.write_bytes(original)

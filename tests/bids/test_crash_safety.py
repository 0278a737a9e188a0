"""Crash safety of a submission (issue 15): a bid's files are on disk before the transaction that
records them commits, and a commit whose outcome the worker never learns (the database committed,
then the connection or the worker died before the answer came back) must not delete the files of
the version it stored. bench/bid_rush.py --kill-workers checks the same with real SIGKILLs."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from app.extensions import db
from tests.bids.conftest import make_pdf


def _submit_with_w9(app, bidding, vendor_id: int, pdf: bytes) -> None:
    """Save the draft with a W-9 and submit, as the bid form's POST does, without committing."""
    from app.accounts.models import User
    from app.bids import drafts, submission
    from app.bids.drafts import ATTESTATIONS
    from app.core.files import CheckedUpload
    from app.solicitations.models import Solicitation

    actor = db.session.get(User, vendor_id)
    s = db.session.get(Solicitation, bidding.id)
    drafts.save_draft(actor, s, prices={item_id: 10 for item_id in bidding.item_ids.values()},
                      attestations=dict.fromkeys(ATTESTATIONS, True),
                      uploads=[("w9", CheckedUpload("w9.pdf", "pdf", "application/pdf", pdf))])
    submission.submit_bid(actor, s)


def _version_problems(app, bidding, organization_id: int) -> list[str] | None:
    """None when no version is stored; otherwise what is wrong with the stored record."""
    from app.bids.models import Bid, BidVersion
    from app.bids.receipts import stored_record_problems

    with app.test_request_context():
        version = db.session.scalar(select(BidVersion).join(Bid).where(
            Bid.solicitation_id == bidding.id, Bid.vendor_id == organization_id))
        return None if version is None else stored_record_problems(version)


def test_files_are_on_disk_before_the_commit(app, bidding, make_vendor, monkeypatch):
    vendor = make_vendor()
    seen: list[bool] = []
    with app.test_request_context():
        dialect = type(db.engine.dialect)
        original = dialect.do_commit

        def commit_checking_files(self, dbapi_connection):
            pending = db.session.info.get("pending_files", [])
            seen.extend((Path(root) / key[:2] / key).is_file() for root, key in pending)
            return original(self, dbapi_connection)

        monkeypatch.setattr(dialect, "do_commit", commit_checking_files)
        _submit_with_w9(app, bidding, vendor.id, make_pdf("W-9 on disk first"))
        db.session.commit()
        monkeypatch.undo()
    assert seen and all(seen)
    assert _version_problems(app, bidding, vendor.organization_id) == []


def test_a_commit_whose_answer_is_lost_keeps_the_files(app, bidding, make_vendor, monkeypatch):
    """The database commits, then the worker never hears back (the connection drops, or gunicorn
    aborts the worker): the rollback that follows must not delete the stored version's files."""
    vendor = make_vendor()
    with app.test_request_context():
        dialect = type(db.engine.dialect)
        original = dialect.do_commit

        def commit_then_lose_the_answer(self, dbapi_connection):
            original(self, dbapi_connection)
            raise self.loaded_dbapi.OperationalError("server closed the connection unexpectedly")

        monkeypatch.setattr(dialect, "do_commit", commit_then_lose_the_answer)
        _submit_with_w9(app, bidding, vendor.id, make_pdf("W-9 of a lost answer"))
        with pytest.raises(sa_exc.OperationalError):
            db.session.commit()
        monkeypatch.undo()
        db.session.rollback()
    # The version was committed: its W-9 must still be in storage and hash as sealed.
    assert _version_problems(app, bidding, vendor.organization_id) == []


def test_a_refused_commit_still_leaves_nothing_behind(app, bidding, make_vendor):
    """The other side of the same rule: a transaction rolled back before it reached COMMIT
    deletes the files it wrote (no orphan files from a refused or failed request)."""
    from app.bids.models import BidDocument

    vendor = make_vendor()
    before = {p for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file()}
    with app.test_request_context():
        _submit_with_w9(app, bidding, vendor.id, make_pdf("W-9 rolled back"))
        db.session.rollback()
        assert db.session.scalar(select(BidDocument).where(BidDocument.filename == "w9.pdf",
                                                           BidDocument.uploaded_by_id == vendor.id)) is None
    assert {p for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file()} == before

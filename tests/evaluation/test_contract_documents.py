"""Contract documents: the lead agency's officers add them; public ones are served to everyone,
restricted ones only to the lead agency and the contracted vendor; bad uploads are refused with
the reason and leave nothing behind."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest

from app.core import clock
from app.extensions import db
from tests.conftest import login
from tests.evaluation.test_award_path import _intent, _score_and_close, _vendor_user
from tests.evaluation.test_committee_and_scores import _start


@pytest.fixture
def contract_number(app, opened_rfp) -> str:
    """The fixture RFP awarded to Bravo Office through the real path."""
    from app.contracts.models import Contract
    from app.jobs.runner import tick

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    clock.freeze(clock.now())
    _intent(app, opened_rfp)
    clock.advance(timedelta(days=11))
    with app.app_context():
        tick()
        number = db.session.scalar(db.select(Contract.number))
    yield number
    clock.reset()


def _documents(app):
    from app.contracts.models import ContractDocument

    with app.app_context():
        return [(d.filename, d.public, d.sha256) for d in db.session.scalars(db.select(ContractDocument))]


def _stored_files(app) -> set[Path]:
    return {p for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file()}


def _upload(client, number, data: bytes, filename: str, **fields):
    import io

    return client.submit(f"/contracts/{number}/documents", {"file": (io.BytesIO(data), filename), **fields},
                         content_type="multipart/form-data")


def test_public_and_restricted_documents_are_served_by_permission(app, client, opened_rfp, contract_number, files,
                                                                  other_agency):
    login(client, opened_rfp.agency.officer)
    assert _upload(client, contract_number, files["pdf"], "signed-contract.pdf",
                   title="Signed contract", visibility="public").status_code == 302
    assert _upload(client, contract_number, files["docx"], "insurance.docx",
                   title="Certificate of insurance", visibility="restricted").status_code == 302
    (public_name, _, public_sha), (restricted_name, restricted_public, _) = _documents(app)
    assert public_name == "signed-contract.pdf" and public_sha == hashlib.sha256(files["pdf"]).hexdigest()
    assert restricted_name == "insurance.docx" and restricted_public is False
    from app.audit.models import AuditEvent

    with app.app_context():
        recorded = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "contract.document_added")
                                      .order_by(AuditEvent.seq)).all()
        assert [(e.data["filename"], e.data["sha256"]) for e in recorded] == [
            ("signed-contract.pdf", public_sha), ("insurance.docx", hashlib.sha256(files["docx"]).hexdigest())]
    from app.contracts.models import ContractDocument

    with app.app_context():
        public_id, restricted_id = db.session.scalars(db.select(ContractDocument.id).order_by(ContractDocument.id))
    public_url = f"/contracts/{contract_number}/documents/{public_id}"
    restricted_url = f"/contracts/{contract_number}/documents/{restricted_id}"
    assert client.get(restricted_url).data == files["docx"]  # the lead agency's officer
    client.submit("/accounts/logout")

    # Everyone gets the public one; the restricted one is not listed and answers 404.
    anonymous_page = client.get(f"/contracts/{contract_number}").get_data(as_text=True)
    assert "signed-contract.pdf" in anonymous_page and "insurance.docx" not in anonymous_page
    download = client.get(public_url)
    assert download.status_code == 200 and download.data == files["pdf"]
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(restricted_url).status_code == 404
    for outsider in (other_agency.officer.email, _email(app, opened_rfp, "Alpha Supply")):
        login(client, outsider)
        assert client.get(restricted_url).status_code == 404
        assert "insurance.docx" not in client.get(f"/contracts/{contract_number}").get_data(as_text=True)
        client.submit("/accounts/logout")
    login(client, _email(app, opened_rfp, "Bravo Office"))  # the contracted vendor
    assert client.get(restricted_url).data == files["docx"]
    # A document id of another contract, or one that does not exist, is 404 under this number.
    assert client.get(f"/contracts/{contract_number}/documents/{restricted_id + 100}").status_code == 404


def _email(app, rfp, vendor_name: str) -> str:
    from app.accounts.models import User

    with app.app_context():
        return db.session.get(User, _vendor_user(app, rfp, vendor_name)).email


def test_only_the_lead_agencys_officers_add_documents(app, client, opened_rfp, contract_number, files,
                                                      other_agency):
    anonymous = _upload(client, contract_number, files["pdf"], "a.pdf")
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous.headers["Location"]
    login(client, other_agency.officer)
    assert _upload(client, contract_number, files["pdf"], "a.pdf").status_code == 403
    client.submit("/accounts/logout")
    login(client, _email(app, opened_rfp, "Bravo Office"))
    assert _upload(client, contract_number, files["pdf"], "a.pdf").status_code == 403
    client.submit("/accounts/logout")
    login(client, opened_rfp.agency.officer)
    import io

    no_csrf = client.post(f"/contracts/{contract_number}/documents",
                          data={"file": (io.BytesIO(files["pdf"]), "a.pdf")}, content_type="multipart/form-data")
    assert no_csrf.status_code == 400
    assert _documents(app) == []


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"MZ\x90\x00 not a pdf", "contract.pdf", "does not contain what a .pdf file should"),
    (b"%PDF-1.4 fine", "contract.exe", "EXE"),
    (b"", "", "Choose a file to upload."),
    (b"%PDF-1.4", "../../etc/passwd.pdf", "plain name"),
])
def test_bad_uploads_are_refused_with_the_reason_and_keep_what_was_typed(app, client, opened_rfp, contract_number,
                                                                         data, filename, message):
    login(client, opened_rfp.agency.officer)
    before = _stored_files(app)
    response = _upload(client, contract_number, data, filename, title="Signed contract, final",
                       visibility="restricted")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message.lower() in body.lower(), body[body.find("document-file-error") - 200:][:600]
    assert 'value="Signed contract, final"' in body
    assert 'id="visibility-restricted" value="restricted" checked' in body
    assert _documents(app) == [] and _stored_files(app) == before


def test_an_oversized_document_is_refused_naming_its_size(app, client, opened_rfp, contract_number):
    app.config["MAX_DOCUMENT_BYTES"], limit = 1024, app.config["MAX_DOCUMENT_BYTES"]
    try:
        login(client, opened_rfp.agency.officer)
        response = _upload(client, contract_number, b"%PDF-1.4 " + b"x" * 5000, "big.pdf")
    finally:
        app.config["MAX_DOCUMENT_BYTES"] = limit
    assert response.status_code == 422 and "too large" in response.get_data(as_text=True)
    assert _documents(app) == []

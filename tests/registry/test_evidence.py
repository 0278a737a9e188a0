"""The evidence packet: recorded once at the award with each item's SHA-256 and the audit event
that recorded it; the "verify" action recomputes every item from the stored records and files
and checks the audit chain, naming what changed."""
from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import select, text

from app.extensions import db
from tests.conftest import login


def _contract(app, number):
    from app.contracts.models import Contract

    return db.session.scalar(select(Contract).where(Contract.number == number))


def _packet(app, number):
    from app.contracts.evidence import evidence_packet

    with app.app_context():
        packet = evidence_packet(_contract(app, number))
        return packet.manifest_event.action, {i.key: (i.title, i.sha256, i.event and i.event.action)
                                              for i in packet.items}


def _verify(app, number):
    from app.contracts.evidence import verify_evidence

    with app.app_context():
        result = verify_evidence(_contract(app, number))
        return result.ok, {c.item.key: c.status for c in result.items}, result.chain


def test_the_award_records_one_manifest_citing_the_events_of_the_record(app, awarded_number):
    from app.audit.models import AuditEvent

    action, items = _packet(app, awarded_number)
    assert action == "contract.evidence_recorded"
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).where(AuditEvent.action == "contract.evidence_recorded")) == 1
    keys = set(items)
    assert {"solicitation_pdf", "bids_received", "tabulation", "evaluation", "award", "price_list"} <= keys
    assert any(k.startswith("notice:") for k in keys) and any(k.startswith("document:") for k in keys)
    cited = {key.split(":")[0]: event for key, (_, _, event) in items.items()}
    assert cited == {"notice": "solicitation.published", "solicitation_pdf": "solicitation.published",
                     "document": "document.uploaded", "bids_received": "bids.opened", "tabulation": "bids.opened",
                     "evaluation": "evaluation.scoring_closed", "award": "award.intent_issued",
                     "price_list": "contract.created", "bid_document": "bid.submitted"}
    assert all(len(sha) == 64 for _, sha, _ in items.values())
    assert items["bids_received"][0] == "Bids received (3)"


def test_the_solicitation_pdf_renders_the_same_bytes_every_time(app, opened_rfp):
    from app.solicitations.models import Solicitation
    from app.solicitations.pdf import render_solicitation_pdf
    from app.solicitations.services import estimated_volume

    with app.test_request_context():
        s = db.session.get(Solicitation, opened_rfp.id)
        assert render_solicitation_pdf(s, estimated_volume(s)) == render_solicitation_pdf(s, estimated_volume(s))


def test_the_page_shows_the_packet_and_verifies_it(app, client, awarded_number):
    page = client.get(f"/contracts/{awarded_number}").get_data(as_text=True)
    _, items = _packet(app, awarded_number)
    assert "Evidence packet" in page and "Platform-recorded" in page
    with app.app_context():
        from app.contracts.evidence import evidence_packet

        tabulation = next(i for i in evidence_packet(_contract(app, awarded_number)).items if i.key == "tabulation")
        seq = tabulation.event.seq
    # The item cites the audit event that recorded it by number and date, never by its action code.
    assert items["tabulation"][1] in page and re.search(rf"#{seq}\s*<", page) \
        and "bids.opened" not in page
    response = client.submit(f"/contracts/{awarded_number}/verify")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    # Everyone sees every public item verified; the awarded bid's files are not public.
    public = [key for key in items if not key.startswith("bid_document:")]
    assert "Verified: every item matches" in body and body.count("Matches") == len(public)
    assert client.post(f"/contracts/{awarded_number}/verify").status_code == 400  # no CSRF token


def test_a_changed_file_on_disk_is_named(app, client, awarded_number, opened_rfp, files):
    from app.contracts.models import ContractDocument
    from app.core.storage import storage

    login(client, opened_rfp.agency.officer)
    response = client.submit(f"/contracts/{awarded_number}/documents",
                             {"file": (io.BytesIO(files["pdf"]), "signed-contract.pdf"), "title": "Signed contract",
                              "visibility": "public"}, content_type="multipart/form-data")
    assert response.status_code == 302
    ok, statuses, chain = _verify(app, awarded_number)
    assert ok and chain.ok
    with app.app_context():
        document = db.session.scalar(select(ContractDocument))
        key, path = f"contract_document:{document.id}", storage()._path(document.storage_key)
    assert statuses[key] == "ok"
    Path(path).write_bytes(files["pdf"] + b"% tampered\n")
    ok, statuses, chain = _verify(app, awarded_number)
    assert not ok and chain.ok
    assert statuses[key] == "changed" and [k for k, s in statuses.items() if s != "ok"] == [key]
    body = client.submit(f"/contracts/{awarded_number}/verify").get_data(as_text=True)
    assert "The packet does not verify" in body and "Contract document: Signed contract (signed-contract.pdf)" in body
    Path(path).unlink()
    assert _verify(app, awarded_number)[1][key] == "missing"


def test_a_changed_solicitation_document_is_named(app, awarded_number):
    from app.core.storage import storage
    from app.solicitations.models import SolicitationDocument

    with app.app_context():
        document = db.session.scalar(select(SolicitationDocument))
        key = f"document:{document.id}"
        Path(storage()._path(document.storage_key)).write_bytes(b"%PDF-1.4 replaced")
    ok, statuses, _ = _verify(app, awarded_number)
    assert not ok and statuses[key] == "changed"


def test_a_changed_database_record_is_named(app, awarded_number):
    from app.solicitations.models import PublicNotice

    with app.app_context():
        notice = db.session.scalar(select(PublicNotice))
        notice.published_on = notice.published_on.replace(day=1 if notice.published_on.day != 1 else 2)
        db.session.commit()
        notice_key = f"notice:{notice.id}"
    ok, statuses, chain = _verify(app, awarded_number)
    assert not ok and chain.ok
    # The notice date is also printed in the solicitation PDF.
    assert {k for k, s in statuses.items() if s != "ok"} == {notice_key, "solicitation_pdf"}


def test_a_tampered_audit_event_breaks_the_chain(app, client, awarded_number):
    from app.audit.models import AuditEvent

    with app.app_context():
        opened = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bids.opened"))
        # Behind the application's back (the ORM refuses to change audit events).
        db.session.execute(text("UPDATE audit_events SET data = :data WHERE id = :id"),
                           {"data": '{"bids": []}', "id": opened.id})
        db.session.commit()
        seq = opened.seq
    ok, statuses, chain = _verify(app, awarded_number)
    assert not ok and all(s == "ok" for s in statuses.values())
    assert not chain.ok and chain.broken_seq == seq
    body = client.submit(f"/contracts/{awarded_number}/verify").get_data(as_text=True)
    assert f"BROKEN at seq {seq}" in body


def test_a_registered_contract_packet_is_the_registrants_documents_and_facts(app, client, register, files):
    number = register(documents=[(files["pdf"], "award-letter.pdf"), (files["xlsx"], "tabulation.xlsx")])
    action, items = _packet(app, number)
    assert action == "contract.registered"
    assert {k.split(":")[0] for k in items} == {"facts", "price_list", "contract_document"}
    assert {event for _, _, event in items.values()} == {"contract.registered"}
    assert _verify(app, number)[0]
    body = client.get(f"/contracts/{number}").get_data(as_text=True)
    assert "Facts supplied by registrant" in body and "award-letter.pdf" in body

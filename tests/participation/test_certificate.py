"""The certificate of competitive solicitation (PDF), read back with pypdf: it names the contract,
the lead agency, how the contract was solicited, the evidence digests, the participating agency's
verdict with every finding's citation, the rules version and the date issued. Only the joined
agency (and the lead agency's staff) may download it."""
from __future__ import annotations

import io

from pypdf import PdfReader

from app.extensions import db
from tests.participation.conftest import latest_check, run_check, sign_in


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())  # table cells wrap: compare with single spaces


def _flat(value: str) -> str:
    return " ".join(value.split())


def _join_nc(app, client, coop, make_agency, check_data):
    nc = make_agency("NC")
    # Federal funds too, so the report carries both the state's and 2 CFR 200's citations.
    run_check(client, coop, nc.admin, check_data(amount="150000", funding=["local", "federal"]))
    check = latest_check(app, nc.id)
    for finding in check.report["findings"]:
        if finding["status"] in ("action", "unknown"):
            client.submit(f"/contracts/{coop.number}/check/actions",
                          {"check_id": str(check.id), "rule": finding["rule"], "note": "Done and on file"})
    response = client.submit(f"/contracts/{coop.number}/join", {
        "check_id": str(check.id), "signer_name": "Nora Carolina", "signer_title": "Finance Officer",
        "accept_terms": "y", "board_approval_reference": "Board minute 2027-031"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return nc, latest_check(app, nc.id)


def test_certificate_names_the_verdict_and_every_citation(app, client, coop, make_agency, check_data):
    from app.contracts.models import Contract
    from app.contracts.participation import facts_digest

    nc, check = _join_nc(app, client, coop, make_agency, check_data)
    response = client.get(f"/contracts/{coop.number}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)

    assert "Certificate of competitive solicitation" in text
    assert coop.number in text and "Bravo Office" in text
    assert "Needs action" in text and "needs_action" not in text  # the verdict in words, never its code
    citations = {f["citation"] for f in check.report["findings"]}
    assert len(citations) >= 2
    for citation in citations:
        assert _flat(citation) in text, citation
    for finding in check.report["findings"]:
        assert finding["rule"] in text
    assert check.rules_version in text
    assert facts_digest(check) in text.replace(" ", "")
    with app.app_context():  # every public item of the contract's evidence packet, with its digest
        from app.contracts.evidence import evidence_packet

        contract = db.session.scalar(db.select(Contract).where(Contract.number == coop.number))
        packet_items = evidence_packet(contract).visible_items(set())
        assert len(packet_items) >= 5
        for item in packet_items:
            assert item.sha256 in text.replace(" ", "") and _flat(item.title) in text, item.title
    assert "Nora Carolina, Finance Officer" in text and "Board minute 2027-031" in text
    assert "Date issued:" in text
    with app.app_context():
        contract = db.session.scalar(db.select(Contract).where(Contract.number == coop.number))
        assert contract.agency.name in text  # the lead agency
        assert contract.solicitation.number in text
        facts = check.facts["contract"]
    assert "Competitive sealed proposals" in text
    assert f"Bids received {facts['bids_received']}" in text
    assert facts["notice_first_published"] in text and facts["bid_opening"] in text


def test_certificate_is_for_the_joined_agency_and_the_lead_agency(app, client, coop, make_agency, check_data,
                                                                   vendor):
    nc, _ = _join_nc(app, client, coop, make_agency, check_data)
    url = f"/contracts/{coop.number}/certificate.pdf"
    sign_in(client, nc.buyer)
    assert client.get(url).status_code == 200

    sign_in(client, make_agency("TX").admin)  # has not joined: no certificate, and no hint one exists
    assert client.get(url).status_code == 404
    assert client.get(f"{url}?agency={nc.id}").status_code == 404
    sign_in(client, coop.lead.officer)
    assert client.get(url).status_code == 404
    assert "Nora Carolina" in _pdf_text(client.get(f"{url}?agency={nc.id}").data)
    page = client.get(f"/contracts/{coop.number}").get_data(as_text=True)
    assert "Participating agencies" in page and f"agency={nc.id}" in page
    sign_in(client, vendor)  # like any other stranger: 404, nothing says a participation exists
    assert client.get(f"{url}?agency={nc.id}").status_code == 404
    client.submit("/accounts/logout")
    assert client.get(url).status_code == 302


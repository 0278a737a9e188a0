"""The award pages: public notice, protest form, staff decision, debriefing."""
from __future__ import annotations

from datetime import timedelta

from app.core import clock
from app.extensions import db
from tests.conftest import login
from tests.evaluation.test_award_path import _intent, _score_and_close, _vendor_user
from tests.evaluation.test_committee_and_scores import _start


def test_notice_protest_decision_award_and_debriefing(app, client, opened_rfp, make_user):
    from app.accounts.models import User
    from app.jobs.runner import tick

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    clock.freeze(clock.now())
    _intent(app, opened_rfp)
    notice = client.get(f"/solicitations/{opened_rfp.number}/award")
    assert notice.status_code == 200 and "Bravo Office" in notice.get_data(as_text=True)
    import io

    from pypdf import PdfReader

    pdf = client.get(f"/solicitations/{opened_rfp.number}/award.pdf")
    pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "Notice of intent to award" in pdf_text and "Intended award to: Bravo Office" in pdf_text
    assert "10 calendar days" in pdf_text and "$26,400.00" in pdf_text

    with app.app_context():
        alpha = db.session.get(User, _vendor_user(app, opened_rfp, "Alpha Supply"))
        alpha_email = alpha.email
    login(client, alpha_email)
    refused = client.submit(f"/solicitations/{opened_rfp.number}/protest", {"grounds": "  "})
    assert refused.status_code == 422 and 'id="grounds-error"' in refused.get_data(as_text=True)
    assert "State the grounds" in refused.get_data(as_text=True)
    client.submit(f"/solicitations/{opened_rfp.number}/protest", {"grounds": "Line 2 was misread."})
    client.submit("/accounts/logout")

    login(client, opened_rfp.agency.officer)
    with app.app_context():
        from app.awards.models import Protest

        protest_id = db.session.scalar(db.select(Protest.id))
    client.submit(f"/agency/solicitations/{opened_rfp.id}/protests/{protest_id}/decide",
                  {"outcome": "denied", "decision": "Read as submitted."})
    page = client.get(f"/agency/solicitations/{opened_rfp.id}/award").get_data(as_text=True)
    assert "Denied" in page and "Read as submitted." in page
    client.submit("/accounts/logout")

    clock.advance(timedelta(days=11))
    with app.app_context():
        tick()
    login(client, alpha_email)
    debrief = client.get(f"/solicitations/{opened_rfp.number}/debriefing")
    text = debrief.get_data(as_text=True)
    assert debrief.status_code == 200, text
    import re
    main = re.sub(r"\s+", " ", text[text.find("<main"):])
    # Alpha: half marks (20 + 10) + 26,400 / 27,000 x 40 = 39.11 -> 69.11; Charlie 30 + 39.55 = 69.55 ranks above.
    assert "Alpha Supply: rank <strong>3</strong> of 3, total 69.11 points." in main
    assert "Charlie Paper" not in text  # only its own scores
    clock.reset()


def test_contract_page_renewal_and_amendment(app, client, opened_rfp):
    from app.contracts.models import Contract
    from app.jobs.runner import tick

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    clock.freeze(clock.now())
    _intent(app, opened_rfp)
    clock.advance(timedelta(days=11))
    with app.app_context():
        tick()
        contract = db.session.scalar(db.select(Contract))
        assert contract.renewal_options == 0  # the fixture's RFP has none: renewal is refused
        number, expires = contract.number, contract.expires_on
    page = client.get(f"/contracts/{number}")
    assert page.status_code == 200 and "$12.00" in page.get_data(as_text=True)
    anonymous = client.submit(f"/contracts/{number}/renew")
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous.headers["Location"]

    login(client, opened_rfp.agency.officer)
    client.submit(f"/contracts/{number}/renew", {"note": "Year 2"})
    assert "All 0 renewal option(s) have been used." in client.get(f"/contracts/{number}").get_data(as_text=True)
    client.submit(f"/contracts/{number}/amend", {"description": "Raise it", "new_ceiling": "abc"})
    assert "Enter the new ceiling as an amount" in client.get(f"/contracts/{number}").get_data(as_text=True)
    with app.app_context():
        ceiling_before = db.session.scalar(db.select(Contract.ceiling_value))
    for hostile in ("NaN", "sNaN", "Infinity", "1e400", "1e-30", "0.001", "²", "１２", "٣", "1,2,3", str(2**64)):
        refused = client.submit(f"/contracts/{number}/amend", {"description": "Raise it", "new_ceiling": hostile})
        assert refused.status_code == 302, hostile
        with app.app_context():  # nothing recorded: 1e-30 is not $0.00, １２ is not 12, 1,2,3 is not 123
            assert db.session.scalar(db.select(Contract.ceiling_value)) == ceiling_before, hostile
    client.submit(f"/contracts/{number}/amend", {"description": "  ", "new_ceiling": ""})
    assert "Describe the amendment." in client.get(f"/contracts/{number}").get_data(as_text=True)
    client.submit(f"/contracts/{number}/amend", {"description": "Ceiling raised for participating agencies",
                                                 "new_ceiling": "2,500,000"})
    with app.app_context():
        contract = db.session.scalar(db.select(Contract))
        assert str(contract.ceiling_value) == "2500000.00" and contract.renewals_used == 0
        contract.renewal_options = 2  # as if the RFP had offered two renewals
        db.session.commit()
    client.submit(f"/contracts/{number}/renew", {"note": "Year 2"})
    with app.app_context():
        contract = db.session.scalar(db.select(Contract))
        assert contract.renewals_used == 1 and contract.expires_on.year == expires.year + 1
        assert [c.kind.value for c in contract.changes] == ["amendment", "renewal"]

    bad = client.submit(f"/contracts/{number}/terms", {"price_guarantee": "Firm for year 1",
                                                       "delivery_terms": "30 days ARO", "volume_discounts": "lots: 2"})
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "Line 1: write a tier as" in body and "Firm for year 1" in body and "lots: 2" in body
    ok = client.submit(f"/contracts/{number}/terms", {"price_guarantee": "Firm for year 1",
                                                      "delivery_terms": "30 days ARO",
                                                      "volume_discounts": "100000: 3\n$50,000: 2"})
    assert ok.status_code == 302
    page = client.get(f"/contracts/{number}").get_data(as_text=True)
    assert "2% off orders of $50,000.00 or more" in page and "30 days ARO" in page
    clock.reset()

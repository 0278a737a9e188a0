"""Joining a contract: only the participating agency's administrator, only on its own recent check
of this contract, refused when the verdict is not_allowed, and when it needs action until every
action is recorded as done (with the board's approval reference where the check asks for it)."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from app.core import clock
from app.extensions import db
from tests.participation.conftest import latest_check, run_check, sign_in


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _join_data(check_id: int, **overrides) -> dict:
    return {"check_id": str(check_id), "signer_name": "Ada Admin", "signer_title": "Superintendent",
            "accept_terms": "y", "board_approval_reference": "", **overrides}


def _participations(app) -> list[tuple[int, int]]:
    from app.contracts.models import Participation

    with app.app_context():
        return [(p.agency_id, p.check_id) for p in db.session.scalars(db.select(Participation))]


def test_joining_is_refused_when_the_verdict_is_not_allowed(app, client, coop, make_agency, check_data):
    ohio = make_agency("OH")
    # Ohio's cooperative purchasing statute excludes construction (R.C. 9.48).
    run_check(client, coop, ohio.admin, check_data(category="construction"))
    check = latest_check(app, ohio.id)
    assert check.verdict == "not_allowed"
    failed = [f for f in check.report["findings"] if f["status"] == "fail"]
    assert failed

    page = _text(client.get(f"/contracts/{coop.number}/check"))
    assert "Not allowed" in page and "Joining is not possible" in page
    response = client.submit(f"/contracts/{coop.number}/join", _join_data(check.id))
    assert response.status_code == 422
    page = _text(response)
    assert "Joining is refused: the compliance check says this purchase is not allowed." in page
    assert failed[0]["citation"] in page
    assert _participations(app) == []

    # The same agency, checking a lawful purchase (goods), may join.
    run_check(client, coop, ohio.admin, check_data(category="goods"))
    allowed = latest_check(app, ohio.id)
    assert allowed.verdict == "allowed"
    assert client.submit(f"/contracts/{coop.number}/join", _join_data(allowed.id)).status_code == 302
    assert _participations(app) == [(ohio.id, allowed.id)]


def test_needs_action_joins_once_every_action_is_recorded_done(app, client, coop, make_agency, check_data):
    from app.audit.models import AuditEvent
    from app.contracts.participation import board_approval_findings

    nc = make_agency("NC")
    run_check(client, coop, nc.buyer, check_data(amount="150000"))
    check = latest_check(app, nc.id)
    assert check.verdict == "needs_action"
    open_rules = [f["rule"] for f in check.report["findings"] if f["status"] in ("action", "unknown")]
    assert "NC.coop_conditions.board_approval" in open_rules
    assert [f["rule"] for f in board_approval_findings(check)] == ["NC.coop_conditions.board_approval"]

    sign_in(client, nc.admin)
    response = client.submit(f"/contracts/{coop.number}/join", _join_data(check.id))
    assert response.status_code == 422
    assert "Record these as done first" in _text(response)
    for rule in open_rules:
        assert rule in _text(response)

    # An empty note is refused; then the buyer records each one.
    sign_in(client, nc.buyer)
    response = client.submit(f"/contracts/{coop.number}/check/actions",
                             {"check_id": str(check.id), "rule": open_rules[0], "note": "  "}, follow_redirects=True)
    assert "Say what was done." in _text(response)
    for rule in open_rules[:-1]:
        response = client.submit(f"/contracts/{coop.number}/check/actions",
                                 {"check_id": str(check.id), "rule": rule, "note": f"Done: {rule}"})
        assert response.status_code == 302
    # A passing finding has nothing to record.
    passed = next(f["rule"] for f in check.report["findings"] if f["status"] == "pass")
    response = client.submit(f"/contracts/{coop.number}/check/actions",
                             {"check_id": str(check.id), "rule": passed, "note": "x"}, follow_redirects=True)
    assert "only actions and open questions are recorded as done" in _text(response)

    sign_in(client, nc.admin)
    response = client.submit(f"/contracts/{coop.number}/join", _join_data(check.id))
    assert response.status_code == 422 and open_rules[-1] in _text(response)  # one still open
    assert client.submit(f"/contracts/{coop.number}/check/actions", {
        "check_id": str(check.id), "rule": open_rules[-1], "note": "Counsel confirmed"}).status_code == 302

    # The check asks for board approval: the reference is required, beside its field.
    response = client.submit(f"/contracts/{coop.number}/join", _join_data(check.id))
    assert response.status_code == 422
    page = _text(response)
    assert 'id="board_approval_reference-error"' in page and "enter the meeting date" in page
    response = client.submit(f"/contracts/{coop.number}/join", _join_data(check.id, accept_terms=""))
    assert response.status_code == 422 and "Accept the participation terms" in _text(response)
    response = client.submit(f"/contracts/{coop.number}/join",
                             _join_data(check.id, board_approval_reference="Board minute 2027-031, Jan 12"))
    assert response.status_code == 302
    assert _participations(app) == [(nc.id, check.id)]
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "contract.joined"))
        assert event.data["board_approval_reference"] == "Board minute 2027-031, Jan 12"
        assert event.organization_id == nc.id and sorted(event.data["actions_done"]) == sorted(open_rules)
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "compliance.action_done")) == len(open_rules)

    # Twice is refused; the check it rests on no longer changes.
    response = client.submit(f"/contracts/{coop.number}/join", _join_data(check.id))
    assert response.status_code == 422 and "Your agency joined this contract on" in _text(response)
    response = client.submit(f"/contracts/{coop.number}/check/actions",
                             {"check_id": str(check.id), "rule": open_rules[0], "note": "again"},
                             follow_redirects=True)
    assert "no longer changes" in _text(response)
    assert "joined this contract" in _text(client.get(f"/contracts/{coop.number}/join"))


def test_who_may_join_and_on_which_check(app, client, coop, make_agency, check_data):
    texas, other = make_agency("TX"), make_agency("TX")
    run_check(client, coop, texas.buyer, check_data())
    check = latest_check(app, texas.id)
    assert check.verdict == "needs_action"  # Texas: participation in the program, which joining signs

    # A buyer runs checks but does not join.
    assert client.submit(f"/contracts/{coop.number}/join", _join_data(check.id)).status_code == 403
    assert "administrator signs" in _text(client.get(f"/contracts/{coop.number}/join"))
    # Another agency's administrator cannot join on this agency's check.
    sign_in(client, other.admin)
    assert client.submit(f"/contracts/{coop.number}/join", _join_data(check.id)).status_code == 403
    assert client.submit(f"/contracts/{coop.number}/check/actions",
                         {"check_id": str(check.id), "rule": "x", "note": "y"}).status_code == 404
    response = client.submit(f"/contracts/{coop.number}/join", {**_join_data(0), "check_id": ""})
    assert response.status_code == 422 and "Run the compliance check first" in _text(response)
    # The lead agency does not join its own contract.
    sign_in(client, coop.lead.admin)
    assert client.submit(f"/contracts/{coop.number}/join", _join_data(check.id)).status_code == 403
    assert _participations(app) == []

    from app.accounts.models import User
    from app.contracts import participation as services
    from app.contracts.models import ComplianceCheck, Contract
    from app.core.errors import DomainError

    with app.test_request_context():
        contract = db.session.scalar(db.select(Contract).where(Contract.number == coop.number))
        lead_admin = db.session.get(User, coop.lead.admin.id)
        with pytest.raises(DomainError, match="Your agency leads this contract"):
            services.join_contract(lead_admin, contract, db.session.get(ComplianceCheck, check.id),
                                   signer_name="A", signer_title="B", accept_terms=True)


def test_a_stale_check_must_be_run_again(app, client, coop, make_agency, check_data):
    from app.contracts.models import ComplianceCheck

    texas = make_agency("TX")
    run_check(client, coop, texas.admin, check_data())
    check = latest_check(app, texas.id)

    clock.advance(timedelta(days=91))
    response = client.submit(f"/contracts/{coop.number}/join", _join_data(check.id))
    assert response.status_code == 422 and "a check supports joining for 90 days" in _text(response)
    clock.advance(timedelta(days=-91))

    with app.app_context():  # as if the rule files had changed since
        db.session.get(ComplianceCheck, check.id).rules_version = "0123456789abcdef"
        db.session.commit()
    response = client.submit(f"/contracts/{coop.number}/join", _join_data(check.id))
    assert response.status_code == 422 and "The procurement rules changed since the check" in _text(response)
    assert "The procurement rules changed" in _text(client.get(f"/contracts/{coop.number}/check"))
    assert _participations(app) == []


def test_joining_signs_the_participation_agreement_a_state_asks_for(app, client, coop, make_agency, check_data):
    """Texas: buying under § 271.102 needs participation in the program. On CoopBid joining is the
    agency signing the participation terms, so that step does not hold the join back, and the
    check's record says it was done by the join; every other open step still does."""
    texas = make_agency("TX")
    run_check(client, coop, texas.admin, check_data())
    check = latest_check(app, texas.id)
    assert {f["rule"] for f in check.report["findings"] if f["status"] != "pass"} == {
        "TX.coop_conditions.participation"}
    page = _text(client.get(f"/contracts/{coop.number}/join"))
    assert "Record these as done" not in page
    assert "joining below is your agency signing it" in page and "271.102" in page
    response = client.submit(f"/contracts/{coop.number}/join", _join_data(check.id))
    assert response.status_code == 302, _text(response)[:2000]
    done = latest_check(app, texas.id).actions_done["TX.coop_conditions.participation"]
    assert done["note"].startswith("Signed the contract's participation terms on CoopBid")
    assert (texas.id, check.id) in _participations(app)

"""The demo's cooperative side: every demo contract's "usable in my state" agrees with the engine
for every state, registered contracts say whose facts they are, the platform's award yields its
facts from the records, and the North Carolina district's participation, certificate and
purchases were made through the real services."""
from __future__ import annotations

from sqlalchemy import func, select

from app.compliance.rulebook import load_rulebook
from app.contracts.models import Contract, ContractSource, Eligibility, Participation, Purchase
from app.demo.cooperative import JOB_ORDER_NUMBER, TECHNOLOGY_NUMBER
from app.extensions import db
from tests.conftest import login
from tests.demo.test_seed import _password, _seed
from tests.registry.test_search import _expected_eligibility, _search


def test_usable_in_my_state_agrees_with_the_engine_for_every_demo_contract(app, runner):
    _seed(runner)
    expected = _expected_eligibility(app)
    with app.app_context():
        numbers = set(db.session.scalars(select(Contract.number)))
    assert {TECHNOLOGY_NUMBER, JOB_ORDER_NUMBER} < numbers and len(numbers) == 3
    assert {number for number, _ in expected} == numbers
    # The demo shows every level somewhere, so the filter is not trivially right.
    assert set(expected.values()) == {"allowed", "needs_action", "not_usable"}
    usable_levels = [Eligibility.ALLOWED, Eligibility.NEEDS_ACTION]
    for state in sorted(load_rulebook().states):
        for level in usable_levels:
            assert set(_search(app, usable_in_state=state, eligibility_levels=[level])) == \
                {n for (n, st), verdict in expected.items() if st == state and verdict == level.value}, (state, level)
        usable = set(_search(app, usable_in_state=state, eligibility_levels=usable_levels))
        assert numbers - usable == {n for (n, st), v in expected.items() if st == state and v == "not_usable"}


def test_registered_contracts_say_whose_facts_they_are(app, runner, client):
    from app.contracts.facts import contract_facts, platform_contract_facts

    _seed(runner)
    with app.app_context():
        contracts = {c.number: c for c in db.session.scalars(select(Contract))}
        platform = next(c for c in contracts.values() if c.source == ContractSource.PLATFORM)
        # Awarded on the platform: the facts come from its own records.
        facts = contract_facts(platform)
        assert facts == platform_contract_facts(platform)
        assert facts["bids_received"] == 2 and facts["sealed_bids"] is True and facts["notice_media"]
        assert facts["lead_agency_state"] == "VA" and facts["award_basis"] == "lowest_responsible_bidder"
        for number in (TECHNOLOGY_NUMBER, JOB_ORDER_NUMBER):
            assert contracts[number].source == ContractSource.REGISTRANT
            assert contracts[number].documents
    for number in (TECHNOLOGY_NUMBER, JOB_ORDER_NUMBER):
        page = client.get(f"/contracts/{number}").get_data(as_text=True)
        assert "Facts supplied by registrant" in page, number
    assert "Facts supplied by registrant" not in client.get(f"/contracts/{platform.number}").get_data(as_text=True)
    # The compliance check tells the district whose facts it weighs.
    assert login(client, "agency.admin@pvs.example", _password(_seed(runner))).status_code == 302
    registered = " ".join(client.get(f"/contracts/{TECHNOLOGY_NUMBER}/check").get_data(as_text=True).split())
    assert "supplied when it registered this contract" in registered and "CoopBid's own records" not in registered
    own = " ".join(client.get(f"/contracts/{platform.number}/check").get_data(as_text=True).split())
    assert "CoopBid's own records of the solicitation" in own and "supplied when it registered" not in own


def test_the_north_carolina_district_joined_and_reports_purchases(app, runner):
    output = _seed(runner)
    with app.app_context():
        participation = db.session.scalar(select(Participation))
        assert participation.agency.name == "Piedmont Valley Schools" and participation.agency.state == "NC"
        assert participation.check.verdict in ("allowed", "needs_action")
        assert participation.board_approval_reference
        number = participation.contract.number
        flagged = db.session.scalar(select(func.count()).select_from(Purchase).where(Purchase.above_contract_price))
        total = db.session.scalar(select(func.count()).select_from(Purchase))
        assert (flagged, total) == (1, 3)
    client = app.test_client()
    assert login(client, "buyer@pvs.example", _password(output)).status_code == 302
    certificate = client.get(f"/contracts/{number}/certificate.pdf")
    assert certificate.status_code == 200 and certificate.data.startswith(b"%PDF")
    purchases = client.get(f"/contracts/{number}/purchases").get_data(as_text=True)
    assert "PVS-PO-26-0733" in purchases


def test_the_registry_lists_the_demo_contracts_to_anyone(app, runner, client):
    _seed(runner)
    page = client.get("/contracts/?q=chromebook").get_data(as_text=True)
    assert TECHNOLOGY_NUMBER in page and JOB_ORDER_NUMBER not in page
    # Maryland does not let a district piggyback on construction; the other two are usable there.
    page = client.get("/contracts/?state=MD&usable=allowed&usable=needs_action").get_data(as_text=True)
    assert TECHNOLOGY_NUMBER in page and JOB_ORDER_NUMBER not in page
    assert JOB_ORDER_NUMBER in client.get("/contracts/?state=MD").get_data(as_text=True)

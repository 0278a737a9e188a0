"""The registry's search: full-text words over title, vendor, lead agency, categories, summary,
price list and number (ranked, hostile syntax harmless), the filters, "usable in my state" as
the engine says, pagination with a fixed number of queries."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import clock
from app.core.roles import Role
from app.extensions import db
from tests.conftest import counting_statements, login
from tests.registry.conftest import base_registration

HOSTILE = ['"', 'AND (', "*", "NEAR(", "title:", "-", "'", "\\", "%", '"paper', "OR OR", "a" * 600, "^", "{}",
           "desk AND", "desk*", "(desk)", '""""', "NOT", "\x00"]


def _search(app, query="", **filters):
    from app.contracts.registry import search_contracts

    with app.app_context():
        results = search_contracts(query, **filters)
        return [c.number for c in results.page.items]


@pytest.fixture
def three(register, categories):
    """Furniture (Virco), copy paper (Office Depot; copy paper is its title), and a vehicle contract
    whose price list alone mentions paper."""
    from app.contracts.registration import PriceLine
    from decimal import Decimal

    register()
    register(number="R-2026-002", title="Copy paper and office supplies", vendor_name="Office Depot",
             vendor_tax_id="59-2663954", summary="Paper for every school.", category_ids=[categories[1].id],
             price_lines=[PriceLine("Copy paper, 8.5 x 11, case", "case", Decimal("38.9000"))])
    register(number="R-2026-003", title="Fleet vehicles", vendor_name="Caldwell Country Chevrolet",
             vendor_tax_id="74-2481551", lead_agency_name="Tarrant County", lead_agency_type="county",
             summary="Sedans, vans and trucks.",
             price_lines=[PriceLine("Cargo van", "each", Decimal("41000")),
                          PriceLine("Paper floor mats, pack of 500", "pack", Decimal("60"))])
    return "R-2026-001", "R-2026-002", "R-2026-003"


def test_words_find_titles_vendors_and_price_lines_best_match_first(app, three):
    furniture, paper, vehicles = three
    assert _search(app, "furniture") == [furniture]
    assert _search(app, "virco") == [furniture]  # the vendor
    assert _search(app, "cargo van") == [vehicles]  # a price-list line
    assert _search(app, "Tarrant") == [vehicles]  # the lead agency
    assert _search(app, "chairs") == [furniture]  # a summary word, stemmed ("chairs" -> "chair")
    assert _search(app, "paper") == [paper, vehicles]  # the title match outranks a price-list line
    assert _search(app, "paper van") == [vehicles]  # every word is required
    assert _search(app, "R-2026-002") == [paper]  # the number
    assert _search(app, "zeppelin") == []
    assert _search(app, "the") == _search(app, "")  # nothing left to search for: everything


def test_hostile_query_syntax_is_harmless(app, client, three):
    for query in HOSTILE:
        _search(app, query)
        # A null character is refused for the whole request (tests/core/test_null_characters.py).
        expected = 400 if "\x00" in query else 200
        assert client.get("/contracts/", query_string={"q": query}).status_code == expected, query
    assert _search(app, '"virco"') == ["R-2026-001"] and _search(app, "virco*") == ["R-2026-001"]


def test_each_filter(app, three, categories, coop):
    from app.accounts.models import Organization
    from app.contracts.models import Contract, ContractStatus

    furniture, paper, vehicles = three
    with app.app_context():
        contracts = {c.number: c for c in db.session.scalars(select(Contract))}
        vendor_id, agency_id = contracts[paper].vendor_id, contracts[vehicles].agency_id
        assert db.session.get(Organization, agency_id).name == "Tarrant County"
        contracts[furniture].status = ContractStatus.TERMINATED
        contracts[paper].expires_on = clock.now().date() - timedelta(days=1)
        contracts[paper].effective_on = clock.now().date() - timedelta(days=400)
        db.session.commit()
    assert _search(app, category_id=categories[1].id) == [paper]
    assert _search(app, vendor_id=vendor_id) == [paper]
    assert _search(app, agency_id=agency_id) == [vehicles]
    assert _search(app, active_only=True) == [vehicles]
    assert sorted(_search(app)) == sorted(three)
    assert _search(app, "paper", active_only=True) == [vehicles]


def _expected_eligibility(app) -> dict[tuple[str, str], str]:
    """(contract, state) -> the engine's verdict asked directly, for the representative purchase
    documented in app.contracts.eligibility (or not usable without asking)."""
    from app.compliance.engine import check
    from app.compliance.facts import parse_facts
    from app.compliance.rulebook import load_rulebook
    from app.contracts.facts import contract_facts
    from app.contracts.models import Contract

    today = clock.now().date()
    expected = {}
    with app.app_context():
        for contract in db.session.scalars(select(Contract)):
            for state in load_rulebook().states:
                if (not contract.cooperative or contract.expires_on < today
                        or (contract.eligible_states and state not in contract.eligible_states)):
                    expected[(contract.number, state)] = "not_usable"
                    continue
                amount = 150000 if contract.ceiling_value is None else min(150000, float(contract.ceiling_value))
                report = check(parse_facts({
                    "purchase": {"agency_state": state, "agency_type": "school_district", "amount": amount,
                                 "category": contract.procurement_category.value, "date": today.isoformat(),
                                 "funding": ["local"]},
                    "contract": contract_facts(contract)}))
                expected[(contract.number, state)] = {"allowed": "allowed", "needs_action": "needs_action",
                                                      "not_allowed": "not_usable"}[report["verdict"]]
    return expected


def test_usable_in_my_state_is_the_engines_verdict_for_every_contract_and_state(app, register):
    from decimal import Decimal

    from app.compliance.rulebook import load_rulebook
    from app.contracts.models import Eligibility
    from app.solicitations.models import ProcurementCategory

    register()  # a public cooperative's sealed-bid award
    register(number="GPO-1", lead_agency_name="Buyers Alliance", lead_agency_type="private_gpo",
             vendor_tax_id="11-1111111", solicitation_method="competitive_proposals", award_basis="best_value")
    register(number="SD-1", lead_agency_name="Austin ISD", lead_agency_type="school_district",
             vendor_tax_id="22-2222222", procurement_category=ProcurementCategory.SERVICES,
             ceiling_value=Decimal("40000"))
    register(number="TX-ONLY", vendor_tax_id="33-3333333", eligible_states=["TX"])
    register(number="LEAD-ONLY", vendor_tax_id="44-4444444", cooperative_clause=False)
    register(number="EXPIRING", vendor_tax_id="55-5555555", expires_on=clock.now().date() + timedelta(days=2))
    clock.freeze(clock.now() + timedelta(days=5))  # EXPIRING has expired: the job catches up
    try:
        from app.jobs.runner import tick

        with app.app_context():
            tick()
        expected = _expected_eligibility(app)
        assert len(set(expected.values())) == 3  # the cases cover every level
        for state in sorted(load_rulebook().states):
            for level in Eligibility:
                if level == Eligibility.NOT_USABLE:
                    usable = set(_search(app, usable_in_state=state,
                                         eligibility_levels=[Eligibility.ALLOWED, Eligibility.NEEDS_ACTION]))
                    found = {number for (number, st) in expected if st == state} - usable
                else:
                    found = set(_search(app, usable_in_state=state, eligibility_levels=[level]))
                assert found == {n for (n, st), verdict in expected.items() if st == state and verdict == level.value}, \
                    (state, level)
    finally:
        clock.reset()


def test_the_page_shows_each_results_verdict_for_the_chosen_state(app, client, register, coop):
    from app.contracts.models import Eligibility

    register()
    register(number="LEAD-ONLY", vendor_tax_id="44-4444444", cooperative_clause=False)
    body = client.get("/contracts/", query_string={"state": "TX"}).get_data(as_text=True)
    assert "Usable in Texas" in body and "Not usable" in body
    body = client.get("/contracts/", query_string={"state": "TX", "usable": ["allowed", "needs_action"]}
                      ).get_data(as_text=True)
    assert "R-2026-001" in body and "LEAD-ONLY" not in body and "1 contract found" in body
    # Signed in, the state defaults to one's agency's state.
    login(client, coop.officer)
    body = client.get("/contracts/").get_data(as_text=True)
    assert '<option value="TX" selected>Texas</option>' in body and "Usable in Texas" in body
    assert _search(app, usable_in_state="TX", eligibility_levels=[Eligibility.NOT_USABLE]) == ["LEAD-ONLY"]


def test_pages_have_a_fixed_number_of_queries(app, register, categories):
    from app.contracts.registry import search_contracts

    for i in range(25):
        register(number=f"N-{i:03d}", vendor_tax_id=f"{10 + i}-1234567", category_ids=[categories[0].id],
                 vendor_name=f"Vendor {i}", title=f"Classroom furniture lot {i}")

    def queries(per_page: int) -> tuple[int, int]:
        with app.app_context(), counting_statements(app) as statements:
            results = search_contracts("furniture", usable_in_state="TX", per_page=per_page)
            for c in results.page.items:  # what the page reads
                (c.vendor.name, c.agency.name, [k.name for k in c.categories], results.eligibility.get(c.id))
            return len(statements), len(results.page.items)

    few, many = queries(2), queries(20)
    assert few[1] == 2 and many[1] == 20 and few[0] == many[0]


def test_pagination(app, client, register):
    for i in range(25):
        register(number=f"P-{i:03d}", vendor_tax_id=f"{10 + i}-7654321")
    first = client.get("/contracts/").get_data(as_text=True)
    second = client.get("/contracts/", query_string={"page": 2}).get_data(as_text=True)
    assert "25 contracts found" in first and 'aria-label="Pages"' in first
    assert first.count("/contracts/P-") == 20 and second.count("/contracts/P-") == 5


def test_vendor_and_agency_filters_list_only_contract_holders(app, client, register, vendor):
    register()
    body = client.get("/contracts/").get_data(as_text=True)
    assert "Virco Manufacturing" in body and "Val Vendor" not in body
    assert base_registration().lead_agency_name in body

"""The participating agency's workspace (its buyer and its administrator) and the cooperative
registrar's: contracts joined with term, renewals left and expiry; purchases and spend this fiscal
year; checks to run again; new contracts usable in the state; registered contracts with their
participation and reported spend. The same number of queries for 2 or 10 rows of each."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.core import clock
from app.extensions import db
from tests.conftest import page_statements
from tests.registry.conftest import base_registration
from tests.workspaces.conftest import section, sign_in

SECTIONS = ("participant-contracts", "participant-spend", "participant-checks", "participant-new-contracts")


@dataclass(frozen=True)
class World:
    coop: object  # AgencyInfo: a Texas public cooperative; its admin registers contracts
    district: object  # AgencyInfo: a Texas school district that joins and buys
    joined: list[str]
    unjoined: list[str]


@pytest.fixture
def world(app, make_agency):
    from app.accounts.models import AgencyType

    coop = make_agency("TX", AgencyType.PUBLIC_COOPERATIVE, name="Lone Star Purchasing Cooperative")
    district = make_agency("TX", name="Brazos Valley ISD")
    return World(coop, district, [], [])


def add_contracts(app, world: World, count: int) -> None:
    """`count` contracts the district joined 100 days ago (its checks are stale now), with two
    purchases this fiscal year (one priced above the list) and one the year before; and `count`
    contracts it has not joined. Everything registered by the cooperative's administrator."""
    from app.accounts.models import User
    from app.compliance.facts import ATTESTATION_FLAGS
    from app.contracts import participation, purchases
    from app.contracts.registration import register_contract
    from app.workspaces.participant import fiscal_year

    real_now = clock.now()
    start = len(world.joined)
    with app.test_request_context():
        registrar = db.session.get(User, world.coop.admin.id)
        admin = db.session.get(User, world.district.admin.id)
        buyer = db.session.get(User, world.district.buyer.id)
        clock.freeze(real_now - timedelta(days=100))
        joined = []
        for i in range(start, start + count):
            today = clock.now().date()
            terms = {"effective_on": today - timedelta(days=300), "expires_on": today + timedelta(days=465 + i)}
            contract = register_contract(registrar, base_registration(
                number=f"LS-{i:03d}", title=f"Classroom furniture {i}", **terms))
            check = participation.run_check(
                admin, contract, amount=Decimal(5000), aggregate_12mo=None, category="goods",
                date=participation.agency_today(admin.organization), funding=["local"],
                attestations={flag: True for flag in ATTESTATION_FLAGS})
            participation.join_contract(admin, contract, check, signer_name="Ada Admin", signer_title="Superintendent",
                                        accept_terms=True)
            register_contract(registrar, base_registration(number=f"LS-N{i:03d}", title=f"Library books {i}", **terms))
            joined.append(contract)
            world.joined.append(contract.number)
            world.unjoined.append(f"LS-N{i:03d}")
        db.session.commit()
        clock.freeze(real_now)
        today = participation.agency_today(buyer.organization)  # the server's date in the district's zone
        last_year = fiscal_year(today).start - timedelta(days=1)
        for contract in joined:
            above = purchases.ItemInput(line=1, quantity=Decimal(1), unit_price=Decimal("100.00"))
            for po, day, amount, items in (("1", today, "100.00", [above]), ("2", today, "250.50", []),
                                           ("0", last_year, "999.00", [])):
                purchases.record_purchase(buyer, contract, po_number=f"PO-{contract.number}-{po}", ordered_on=day,
                                          amount=Decimal(amount), items=items)
        db.session.commit()


def _rows(html: str) -> int:
    return len(re.findall(r"<tr>\s*<td", html))


def test_fiscal_year_runs_july_to_june():
    from app.workspaces.participant import fiscal_year

    assert fiscal_year(date(2027, 6, 30)).start == date(2026, 7, 1)
    year = fiscal_year(date(2027, 7, 1))
    assert (year.start, year.end, year.label) == (date(2027, 7, 1), date(2028, 6, 30), "2027–28")


@pytest.mark.parametrize("who", ["buyer", "admin"])
def test_the_participating_agency_sees_its_contracts_spend_checks_and_new_contracts(app, client, world, who):
    add_contracts(app, world, 2)
    sign_in(client, getattr(world.district, who))
    html = client.get("/dashboard").get_data(as_text=True)

    contracts = section(html, "participant-contracts")
    for number in world.joined:
        assert f'href="/contracts/{number}"' in contracts
        assert f'href="/contracts/{number}/purchases"' in contracts
        assert f'href="/contracts/{number}/certificate.pdf"' in contracts
    assert "2 of 2 (1 year each)" in contracts  # renewals left
    assert world.unjoined[0] not in contracts

    spend = section(html, "participant-spend")
    assert spend.count("$350.50") == 2  # 100.00 + 250.50 per contract; last fiscal year's 999.00 is not counted
    assert "$701.00" in spend and "$999.00" not in spend and "$1,349.50" not in spend
    assert "Total, fiscal year" in spend and "July 1," in spend

    checks = section(html, "participant-checks")
    for number in world.joined:
        assert f'href="/contracts/{number}/check"' in checks
    assert "Run 100 days ago" in checks

    new = section(html, "participant-new-contracts")
    for number in world.unjoined:
        assert f'href="/contracts/{number}"' in new
    for number in world.joined:
        assert f'href="/contracts/{number}"' not in new
    assert new.index(world.unjoined[1]) < new.index(world.unjoined[0])  # newest first
    assert 'href="/contracts/?state=TX&amp;usable=allowed&amp;usable=needs_action"' in new
    assert 'id="registrar-contracts"' not in html


def test_a_fresh_check_leaves_the_list(app, client, world):
    from app.accounts.models import User
    from app.compliance.facts import ATTESTATION_FLAGS
    from app.contracts import participation
    from app.contracts.models import Contract

    add_contracts(app, world, 2)
    with app.test_request_context():
        admin = db.session.get(User, world.district.admin.id)
        contract = db.session.scalar(db.select(Contract).where(Contract.number == world.joined[0]))
        participation.run_check(admin, contract, amount=Decimal(5000), aggregate_12mo=None, category="goods",
                                date=participation.agency_today(admin.organization), funding=["local"],
                                attestations={flag: True for flag in ATTESTATION_FLAGS})
        db.session.commit()
    sign_in(client, world.district.buyer)
    checks = section(client.get("/dashboard").get_data(as_text=True), "participant-checks")
    assert world.joined[0] not in checks and world.joined[1] in checks


def test_the_registrar_sees_its_registered_contracts_participation_and_spend(app, client, world):
    add_contracts(app, world, 2)
    sign_in(client, world.coop.admin)
    html = client.get("/dashboard").get_data(as_text=True)
    registered = section(html, "registrar-contracts")
    for number in world.joined + world.unjoined:
        assert f'href="/contracts/{number}"' in registered
    # Each joined contract: one agency, three purchases, $1,349.50 reported (all time).
    assert registered.count("$1,349.50") == 2
    assert "All 4 registered contracts" in registered and "$2,699.00" in registered
    assert 'href="/contracts/register"' in registered
    # The registrar offers contracts; the buyer's sections are its buyers'.
    assert not any(f'id="{key}"' in html for key in SECTIONS)
    sign_in(client, world.coop.buyer)
    html = client.get("/dashboard").get_data(as_text=True)
    assert all(f'id="{key}"' in html for key in SECTIONS) and 'id="registrar-contracts"' not in html


def test_people_who_neither_buy_nor_register_see_none_of_it(app, client, world, vendor):
    for user in (world.district.officer, world.district.evaluator, vendor):
        sign_in(client, user)
        html = client.get("/dashboard").get_data(as_text=True)
        assert not any(f'id="{key}"' in html for key in (*SECTIONS, "registrar-contracts")), user


def test_an_agency_that_joined_nothing_is_shown_where_to_start(app, client, world):
    sign_in(client, world.district.buyer)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "has not joined a cooperative contract yet" in section(html, "participant-contracts")
    assert "No purchase reported this fiscal year" in section(html, "participant-spend")


def test_the_spend_lists_the_contracts_with_the_most_spend_and_totals_every_purchase(app, client, world,
                                                                                     monkeypatch):
    """An agency buying off thousands of contracts gets a page, not a list of thousands: the
    contracts it spent most on (SPEND_SHOWN of them), and the year's totals over all of them."""
    from app.accounts.models import User
    from app.contracts import purchases
    from app.contracts.models import Contract
    from app.contracts.participation import agency_today

    monkeypatch.setattr("app.workspaces.participant.SPEND_SHOWN", 3)
    add_contracts(app, world, 5)
    with app.test_request_context():
        buyer = db.session.get(User, world.district.buyer.id)
        big = db.session.scalar(db.select(Contract).where(Contract.number == world.joined[2]))
        purchases.record_purchase(buyer, big, po_number="PO-BIG", ordered_on=agency_today(buyer.organization),
                                  amount=Decimal("1000.00"), items=[])
        db.session.commit()
    sign_in(client, world.district.buyer)
    spend = section(client.get("/dashboard").get_data(as_text=True), "participant-spend")
    assert _rows(spend) == 3
    assert spend.index(world.joined[2]) < min(spend.index(n) for n in world.joined if n != world.joined[2] and n in spend)
    assert "$1,350.50" in spend  # the biggest first
    assert "$2,752.50" in spend  # 5 × 350.50 + 1,000.00: every purchase of the year
    assert "Total, fiscal year" in spend and ">11<" in spend  # 5 × 2 + 1 purchases
    assert "the 3 contracts with the most spend of 5" in spend


def test_the_dashboards_make_the_same_number_of_queries_for_2_or_10_rows(app, client, world):
    people = (world.district.buyer, world.district.admin, world.coop.admin)

    def measure() -> list[int]:
        counts = []
        for person in people:
            sign_in(client, person)
            client.get("/dashboard")  # warm up
            counts.append(page_statements(app, client, "/dashboard")[0])
        return counts

    add_contracts(app, world, 2)
    sign_in(client, world.district.admin)
    html = client.get("/dashboard").get_data(as_text=True)
    assert [_rows(section(html, key)) for key in SECTIONS] == [2, 2, 2, 2]
    few = measure()

    add_contracts(app, world, 8)
    sign_in(client, world.district.admin)
    html = client.get("/dashboard").get_data(as_text=True)
    assert [_rows(section(html, key)) for key in SECTIONS] == [10, 10, 10, 5]
    sign_in(client, world.coop.admin)
    assert _rows(section(client.get("/dashboard").get_data(as_text=True), "registrar-contracts")) == 20
    assert measure() == few

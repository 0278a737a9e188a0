"""Eligibility by state: computed for every state with a rule file when a contract is made, and
recomputed when the contract changes (renewal, amendment, terms) and when a rule file changes
(the scheduler's job and `flask contracts refresh-eligibility`, both idempotent)."""
from __future__ import annotations

import shutil
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core import clock
from app.extensions import db


def _rows(app, number) -> dict[str, tuple[str, str]]:
    from app.contracts.models import Contract

    with app.app_context():
        contract = db.session.scalar(select(Contract).where(Contract.number == number))
        return {row.state: (row.eligibility.value, row.rules_version) for row in contract.eligibility}


@pytest.fixture
def rules_copy(app, tmp_path, monkeypatch) -> Path:
    """The application reads its rule files from a copy the test may edit."""
    from app.compliance.rulebook import DEFAULT_RULES_DIR

    copy = tmp_path / "bid_rules"
    shutil.copytree(DEFAULT_RULES_DIR, copy)
    monkeypatch.setitem(app.config, "BID_RULES_DIR", str(copy))
    return copy


def test_rows_for_every_state_with_rules_at_registration_and_award(app, register, awarded_number):
    from app.compliance.rulebook import load_rulebook

    with app.app_context():
        rulebook = load_rulebook()
    for number in (register(), awarded_number):
        rows = _rows(app, number)
        assert set(rows) == set(rulebook.states)
        assert {version for _, version in rows.values()} == {rulebook.version}


def test_an_amendment_recomputes_with_the_new_ceiling(app, register, coop):
    from app.accounts.models import User
    from app.contracts import services
    from app.contracts.eligibility import REPRESENTATIVE_AMOUNT, representative_purchase
    from app.contracts.models import Contract, ContractEligibility

    number = register()
    clock.freeze(clock.now() + timedelta(hours=1))
    try:
        with app.test_request_context():
            contract = db.session.scalar(select(Contract).where(Contract.number == number))
            assert representative_purchase(contract, "TX", clock.now().date())["amount"] == float(REPRESENTATIVE_AMOUNT)
            services.amend(db.session.get(User, coop.officer.id), contract, "Ceiling set", Decimal("5000"))
            db.session.commit()
            assert representative_purchase(contract, "TX", clock.now().date())["amount"] == 5000.0
            computed = set(db.session.scalars(select(ContractEligibility.computed_at)
                                              .where(ContractEligibility.contract_id == contract.id)))
            assert computed == {clock.now()}
    finally:
        clock.reset()


def test_a_renewal_past_the_end_of_term_makes_an_expired_contract_usable_again(app, register, coop):
    from app.accounts.models import User
    from app.contracts import services
    from app.contracts.models import Contract
    from app.jobs.runner import tick

    number = register(expires_on=clock.now().date() + timedelta(days=3))
    assert "not_usable" not in {v for v, _ in _rows(app, number).values()}
    clock.freeze(clock.now() + timedelta(days=5))
    try:
        with app.app_context():
            [run] = [r for r in tick() if r.name == "refresh_contract_eligibility"]
            assert run.ok and run.result == {"refreshed": 1}
        assert {v for v, _ in _rows(app, number).values()} == {"not_usable"}
        with app.test_request_context():
            contract = db.session.scalar(select(Contract).where(Contract.number == number))
            services.renew(db.session.get(User, coop.officer.id), contract)
            db.session.commit()
        assert "not_usable" not in {v for v, _ in _rows(app, number).values()}
    finally:
        clock.reset()


def test_a_rule_file_change_is_caught_by_the_job_once(app, register, rules_copy):
    from app.compliance.rulebook import rules_version
    from app.contracts.eligibility import refresh_stale_eligibility
    from app.jobs.runner import tick

    number = register()
    with app.app_context():
        before = rules_version()
    assert {v for _, v in _rows(app, number).values()} == {before}

    # A harmless edit still changes the version: every row is recomputed, once.
    tx = rules_copy / "states" / "TX.yaml"
    tx.write_text(tx.read_text() + "\n# reviewed\n")
    with app.app_context():
        after = rules_version()
        assert after != before
        [run] = [r for r in tick() if r.name == "refresh_contract_eligibility"]
        assert run.result == {"refreshed": 1}
        assert refresh_stale_eligibility() == {"refreshed": 0}
    assert {v for _, v in _rows(app, number).values()} == {after}

    # A state whose rules are withdrawn loses its row.
    tx.unlink()
    with app.app_context():
        assert refresh_stale_eligibility() == {"refreshed": 1}
        db.session.commit()
    assert "TX" not in _rows(app, number)


def test_the_command_refreshes_stale_contracts(app, runner, register, rules_copy):
    number = register()
    nc = rules_copy / "states" / "NC.yaml"
    nc.write_text(nc.read_text() + "\n# reviewed\n")
    result = runner.invoke(args=["contracts", "refresh-eligibility"])
    assert result.exit_code == 0 and "recomputed for 1 contract" in result.output
    result = runner.invoke(args=["contracts", "refresh-eligibility"])
    assert "recomputed for 0 contract" in result.output
    result = runner.invoke(args=["contracts", "refresh-eligibility", "--all"])
    assert "recomputed for 1 contract" in result.output
    assert len(_rows(app, number)) == len(list((rules_copy / "states").glob("*.yaml")))


def test_the_reindex_command_rebuilds_search_entries(app, runner, register):
    from app.contracts.registry import search_contracts

    register()
    with app.app_context():  # the entries lost
        db.session.execute(db.text("UPDATE contracts SET search_text = ''"))
        if db.engine.dialect.name == "sqlite":
            db.session.execute(db.text("DELETE FROM contract_search"))
        db.session.commit()
        assert search_contracts("virco").page.total == 0
    result = runner.invoke(args=["contracts", "reindex"])
    assert result.exit_code == 0 and "1 contract" in result.output
    with app.app_context():
        assert search_contracts("virco").page.total == 1


def test_needs_action_in_the_registry_says_which_steps(app, client, register):
    """The registry's badge for a state says what keeps the contract from "allowed" there, in words,
    and that federal funds may add steps."""
    import html

    number = register(title="Classroom furniture for steps")
    rows = _rows(app, number)
    assert rows["TX"][0] == "needs_action"
    page = html.unescape(client.get("/contracts/?state=TX&q=steps").get_data(as_text=True))
    assert "What it needs" in page
    assert "must have become a participant in the cooperative purchasing program" in page
    assert "Federal funds or E-rate may add steps" in page
    # Stored with the row, computed with the verdict: no engine call when the page is shown.
    from app.contracts.models import Contract, ContractEligibility

    with app.app_context():
        contract = db.session.scalar(select(Contract).where(Contract.number == number))
        row = db.session.get(ContractEligibility, (contract.id, "TX"))
        assert row.open_steps and all(len(step) <= 160 for step in row.open_steps)
        allowed = [r for r in contract.eligibility if r.eligibility.value != "needs_action"]
        assert all(r.open_steps == [] for r in allowed)

"""Usable in which state? One ContractEligibility row per (contract, state with a rule file),
from the compliance engine's verdict for a representative buyer, so the registry's "usable in my
state" filter is a plain indexed query. Rows are recomputed when the contract changes (the
services call refresh_eligibility) and when the rule files change (refresh_stale_eligibility,
a scheduler job and `flask contracts refresh-eligibility`, compares rules_version).

The representative buyer (a participating agency's own check, with its real amount, date,
funding and attestations, is the participation check; this is the registry's first answer):
- a school district (or, when the contract names eligible agency types without school
  districts, the first type it names) in the state;
- buying in the contract's procurement category;
- $150,000 (above the formal-bid threshold of every state with rules, so the question is whether
  the contract may stand in for the buyer's own formal solicitation), or the contract's ceiling
  when that is lower;
- today, with local funds only;
- no attestations: the buyer's own steps (board approval, interlocal agreement, ...) are open, so
  they show as "needs action", never as done.
Verdicts: allowed -> ALLOWED, needs_action -> NEEDS_ACTION, not_allowed -> NOT_USABLE. A contract
that is not cooperative, has expired, or names eligible states without this one is NOT_USABLE
without asking the engine."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import exists, or_, select

from app.compliance.engine import evaluate
from app.compliance.facts import FactsError, parse_facts
from app.compliance.findings import Status, plain_message
from app.compliance.rulebook import RuleBook, load_rulebook
from app.compliance.rules import ENTITY_TYPE
from app.contracts.facts import contract_facts
from app.contracts.models import Contract, ContractEligibility, ContractStatus, Eligibility
from app.core import clock
from app.extensions import db

REPRESENTATIVE_AMOUNT = Decimal(150_000)
REPRESENTATIVE_FUNDING = ("local",)
VERDICT_ELIGIBILITY = {"allowed": Eligibility.ALLOWED, "needs_action": Eligibility.NEEDS_ACTION,
                       "not_allowed": Eligibility.NOT_USABLE}
# Thresholds and statutes are date-versioned: a verdict computed for "today" is recomputed after
# this long even when no rule file changed.
RECOMPUTE_AFTER = timedelta(days=30)
STALE_BATCH = 500
OPEN = (Status.ACTION, Status.UNKNOWN)
MAX_STEPS, STEP_LENGTH = 6, 160


def buyer_agency_type(contract: Contract) -> str:
    eligible = contract.eligible_agency_types
    if not eligible or "school_district" in eligible:
        return "school_district"
    return next((ENTITY_TYPE[t] for t in ENTITY_TYPE if t in eligible), "school_district")


def representative_purchase(contract: Contract, state: str, today: date) -> dict[str, Any]:
    amount = REPRESENTATIVE_AMOUNT
    if contract.ceiling_value is not None:
        amount = min(amount, contract.ceiling_value)
    return {"agency_state": state, "agency_type": buyer_agency_type(contract), "amount": float(amount),
            "category": contract.procurement_category.value, "date": today.isoformat(),
            "funding": list(REPRESENTATIVE_FUNDING)}


def representative_facts(contract: Contract, state: str, today: date,
                         facts: dict[str, Any] | None = None) -> dict[str, Any]:
    """The facts (COMPLIANCE.md) the registry asks the engine about for this contract and state."""
    return {"purchase": representative_purchase(contract, state, today),
            "contract": contract_facts(contract) if facts is None else facts}


def unusable_without_asking(contract: Contract, state: str, today: date) -> bool:
    return (not contract.cooperative or contract.status != ContractStatus.ACTIVE or contract.expires_on < today
            or bool(contract.eligible_states and state not in contract.eligible_states))


def eligibility_in(contract: Contract, state: str, today: date, rulebook: RuleBook,
                   facts: dict[str, Any] | None = None) -> tuple[Eligibility, list[str]]:
    """The registry's answer for this state, and (when it needs action) the steps why, in words."""
    if unusable_without_asking(contract, state, today):
        return Eligibility.NOT_USABLE, []
    try:
        parsed = parse_facts(representative_facts(contract, state, today, facts))
    except FactsError as exc:
        # The contract's own facts do not parse: nothing can be promised for it anywhere.
        current_app.logger.warning("contract %s: facts refused by the engine: %s", contract.number, exc.message)
        return Eligibility.NOT_USABLE, []
    report = evaluate(parsed, rulebook)
    eligibility = VERDICT_ELIGIBILITY[report.verdict.value]
    if eligibility != Eligibility.NEEDS_ACTION:
        return eligibility, []
    return eligibility, [step_words(f.message) for f in report.findings if f.status in OPEN][:MAX_STEPS]


def step_words(message: str) -> str:
    """A finding as one short step: its first sentence in plain words, at most STEP_LENGTH long."""
    sentence = plain_message(message).split(". ")[0].rstrip(".")
    return sentence if len(sentence) <= STEP_LENGTH else sentence[:STEP_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def refresh_eligibility(contract: Contract, rulebook: RuleBook | None = None) -> None:
    """Recompute the contract's row for every state with a rule file (in the caller's transaction)."""
    rulebook = rulebook or load_rulebook()
    now = clock.now()
    today = now.date()
    facts = contract_facts(contract)
    existing = {row.state: row for row in contract.eligibility}
    for state in sorted(rulebook.states):
        row = existing.pop(state, None)
        if row is None:
            row = ContractEligibility(state=state)
            contract.eligibility.append(row)
        row.eligibility, row.open_steps = eligibility_in(contract, state, today, rulebook, facts)
        row.rules_version = rulebook.version
        row.computed_at = now
    for row in existing.values():  # a state whose rule file was removed
        contract.eligibility.remove(row)


def stale_contract_ids(rules_version: str, limit: int = STALE_BATCH) -> list[int]:
    """Contracts whose rows were computed under other rules or too long ago, that still show
    usable somewhere after their term ended, or that have no rows yet."""
    now = clock.now()
    outdated = select(ContractEligibility.contract_id).where(or_(
        ContractEligibility.rules_version != rules_version,
        ContractEligibility.computed_at < now - RECOMPUTE_AFTER))
    usable_after_end = (select(ContractEligibility.contract_id)
                        .join(Contract, Contract.id == ContractEligibility.contract_id)
                        .where(or_(Contract.expires_on < now.date(), Contract.status != ContractStatus.ACTIVE),
                               ContractEligibility.eligibility != Eligibility.NOT_USABLE))
    never = ~exists().where(ContractEligibility.contract_id == Contract.id)
    return list(db.session.scalars(
        select(Contract.id).where(or_(never, Contract.id.in_(outdated), Contract.id.in_(usable_after_end)))
        .order_by(Contract.id).limit(limit)))


def refresh_stale_eligibility(limit: int = STALE_BATCH) -> dict[str, int]:
    """Scheduler job (idempotent: a second run finds nothing stale). At most `limit` contracts a
    run, so a rule change over many contracts spreads over several ticks."""
    rulebook = load_rulebook()
    ids = stale_contract_ids(rulebook.version, limit)
    for contract in db.session.scalars(select(Contract).where(Contract.id.in_(ids)).order_by(Contract.id)):
        refresh_eligibility(contract, rulebook)
    return {"refreshed": len(ids)}

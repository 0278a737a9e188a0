"""Workspace sections for participating agencies (their buyers and administrators): contracts
joined, purchases and spend this fiscal year, compliance checks to run again, new contracts
usable in their state; and for cooperative registrars, the contracts they registered with their
participation and reported spend. Each loader runs a fixed number of queries whatever the number
of rows.

Fiscal year: July 1 to June 30 (as most US school districts and many local governments keep it;
organizations have no fiscal-year setting), named by both calendar years ("2026–27") and computed
from today's date in the agency's own time zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, distinct, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from app.accounts.models import AgencyType, Organization, User
from app.compliance.rulebook import load_rulebook
from app.contracts.models import (
    ComplianceCheck,
    Contract,
    ContractEligibility,
    ContractSource,
    ContractStatus,
    Eligibility,
    Participation,
    ParticipationStatus,
    Purchase,
)
from app.contracts.participation import CHECK_ROLES, CHECK_VALID_DAYS, agency_today
from app.core import clock
from app.core.roles import Role
from app.extensions import db
from app.workspaces.section import Section

FISCAL_YEAR_START_MONTH = 7  # July 1
CONTRACTS_SHOWN = 50
CHECKS_SHOWN = 25
NEW_CONTRACTS_SHOWN = 5
REGISTERED_SHOWN = 25
SPEND_SHOWN = 25
CENTS = Decimal("0.01")
USABLE = (Eligibility.ALLOWED, Eligibility.NEEDS_ACTION)
VERDICT_LABELS = {"allowed": "Allowed", "needs_action": "Needs action", "not_allowed": "Not allowed"}


def is_registrar(user: User) -> bool:
    """A public cooperative's administrators and procurement officers, who register contracts."""
    organization = user.organization
    return (organization.is_agency and organization.agency_type == AgencyType.PUBLIC_COOPERATIVE
            and user.has_any_role(Role.AGENCY_ADMIN, Role.PROCUREMENT_OFFICER))


def is_participant(user: User) -> bool:
    """An agency's buyers and administrators: they check, join and buy off cooperative contracts.
    A cooperative's registrars offer contracts rather than buy from them: their workspace is the
    registrar's (a cooperative's buyers still get the buyer's)."""
    return user.organization.is_agency and user.has_any_role(*CHECK_ROLES) and not is_registrar(user)


@dataclass(frozen=True)
class FiscalYear:
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        return f"{self.start.year}–{str(self.end.year)[-2:]}"


def money(value: Any) -> Decimal:
    """A sum as the database returns it (Decimal, or a float or int on SQLite) in cents."""
    return Decimal(str(value or 0)).quantize(CENTS)


def fiscal_year(today: date) -> FiscalYear:
    first_year = today.year if today.month >= FISCAL_YEAR_START_MONTH else today.year - 1
    start = date(first_year, FISCAL_YEAR_START_MONTH, 1)
    return FiscalYear(start, date(first_year + 1, FISCAL_YEAR_START_MONTH, 1) - timedelta(days=1))


# ----------------------------------------------------------------------------- contracts joined
def load_joined(user: User) -> dict[str, Any]:
    agency = user.organization
    query = (select(Participation).join(Participation.contract)
             .where(Participation.agency_id == agency.id, Participation.status == ParticipationStatus.ACTIVE)
             .options(contains_eager(Participation.contract).joinedload(Contract.vendor))
             .order_by(Contract.expires_on, Contract.id))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    participations = list(db.session.scalars(query.limit(CONTRACTS_SHOWN))) if total else []
    return {"participations": participations, "total": total, "today": agency_today(agency),
            "can_join": user.has_role(Role.AGENCY_ADMIN)}


# ----------------------------------------------------------------------------- spend this fiscal year
@dataclass(frozen=True)
class ContractSpend:
    number: str
    title: str
    vendor: str
    purchases: int
    amount: Decimal
    above_price: int  # purchases with an item priced above the contract's list


def load_spend(user: User) -> dict[str, Any]:
    """The SPEND_SHOWN contracts the agency spent most on this fiscal year, and the year's totals
    over every contract (an agency may buy off thousands)."""
    agency = user.organization
    year = fiscal_year(agency_today(agency))
    this_year = (Purchase.agency_id == agency.id, Purchase.ordered_on >= year.start, Purchase.ordered_on <= year.end)
    amount = func.sum(Purchase.amount)
    top = (select(Purchase.contract_id, func.count().label("purchases"), amount.label("amount"),
                  func.sum(case((Purchase.above_contract_price.is_(True), 1), else_=0)).label("above_price"))
           .where(*this_year).group_by(Purchase.contract_id).order_by(amount.desc(), Purchase.contract_id)
           .limit(SPEND_SHOWN).subquery())
    rows = db.session.execute(
        select(Contract.number, Contract.title, Organization.name.label("vendor"), top.c.purchases, top.c.amount,
               top.c.above_price)
        .join(top, top.c.contract_id == Contract.id).join(Organization, Organization.id == Contract.vendor_id)
        .order_by(top.c.amount.desc(), Contract.id)).all()
    totals = db.session.execute(select(func.count(), amount, func.count(distinct(Purchase.contract_id)))
                                .where(*this_year)).one()
    spends = [ContractSpend(row.number, row.title, row.vendor, row.purchases, money(row.amount), row.above_price or 0)
              for row in rows]
    return {"year": year, "spends": spends, "total_purchases": totals[0], "total_amount": money(totals[1]),
            "contracts": totals[2]}


# ----------------------------------------------------------------------------- checks to run again
@dataclass(frozen=True)
class StaleCheck:
    check: ComplianceCheck
    age_days: int
    reasons: list[str]
    joined: bool

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS.get(self.check.verdict, "Unknown")


def load_stale_checks(user: User) -> dict[str, Any]:
    """The agency's latest check of each contract still in force, when it is older than the
    validity of a check (CHECK_VALID_DAYS) or ran on rules that have changed since."""
    agency = user.organization
    now, today, current = clock.now(), agency_today(agency), load_rulebook().version
    latest = (select(func.max(ComplianceCheck.id)).where(ComplianceCheck.agency_id == agency.id)
              .group_by(ComplianceCheck.contract_id))
    joined = exists().where(Participation.contract_id == ComplianceCheck.contract_id,
                            Participation.agency_id == agency.id, Participation.status == ParticipationStatus.ACTIVE)
    query = (select(ComplianceCheck, joined.label("joined")).join(ComplianceCheck.contract)
             .where(ComplianceCheck.id.in_(latest), Contract.status == ContractStatus.ACTIVE, Contract.expires_on >= today,
                    or_(ComplianceCheck.created_at < now - timedelta(days=CHECK_VALID_DAYS),
                        ComplianceCheck.rules_version != current))
             .options(contains_eager(ComplianceCheck.contract)).order_by(ComplianceCheck.created_at, ComplianceCheck.id))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.execute(query.limit(CHECKS_SHOWN)).all() if total else []
    stale = []
    for row in rows:
        check = row.ComplianceCheck
        age = (now - check.created_at).days
        reasons = []
        if age > CHECK_VALID_DAYS:
            reasons.append(f"Run {age} days ago; a check holds for {CHECK_VALID_DAYS} days.")
        if check.rules_version != current:
            reasons.append("The procurement rules have changed since.")
        stale.append(StaleCheck(check, age, reasons, bool(row.joined)))
    return {"checks": stale, "total": total, "valid_days": CHECK_VALID_DAYS}


# ----------------------------------------------------------------------------- new contracts in the state
def load_new_contracts(user: User) -> dict[str, Any]:
    agency = user.organization
    ruled = agency.state in load_rulebook().states
    data: dict[str, Any] = {"state": agency.state, "state_name": agency.state_name, "ruled": ruled, "rows": [],
                            "usable": [level.value for level in USABLE]}
    if not ruled:
        return data
    joined = exists().where(Participation.contract_id == Contract.id, Participation.agency_id == agency.id)
    rows = db.session.execute(
        select(Contract, ContractEligibility.eligibility).join(ContractEligibility)
        .where(ContractEligibility.state == agency.state, ContractEligibility.eligibility.in_(USABLE),
               Contract.status == ContractStatus.ACTIVE, Contract.expires_on >= agency_today(agency),
               Contract.cooperative.is_(True), Contract.agency_id != agency.id, ~joined)
        .options(joinedload(Contract.vendor), joinedload(Contract.agency))
        .order_by(Contract.created_at.desc(), Contract.id.desc()).limit(NEW_CONTRACTS_SHOWN)).all()
    data["rows"] = [(row.Contract, row.eligibility) for row in rows]
    return data


# ----------------------------------------------------------------------------- registrar
@dataclass(frozen=True)
class RegisteredContract:
    contract: Contract
    participations: int
    purchases: int
    spend: Decimal


def load_registered(user: User) -> dict[str, Any]:
    """The contracts the registrar's organization registered, newest first, each with how many
    agencies joined it and what they have reported buying (all time: the contracts' running
    totals, so a registrar of thousands of contracts does not sum millions of purchases)."""
    registrant = User.organization_id == user.organization_id
    mine = select(Contract.id).join(User, Contract.registered_by_id == User.id).where(
        Contract.source == ContractSource.REGISTRANT, registrant)
    participations = (select(func.count()).where(Participation.contract_id == Contract.id,
                                                 Participation.status == ParticipationStatus.ACTIVE)
                      .correlate(Contract).scalar_subquery())
    rows = db.session.execute(
        select(Contract, participations.label("participations")).join(User, Contract.registered_by_id == User.id)
        .where(Contract.source == ContractSource.REGISTRANT, registrant).options(joinedload(Contract.vendor))
        .order_by(Contract.created_at.desc(), Contract.id.desc()).limit(REGISTERED_SHOWN)).all()
    totals = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Contract.reported_spend), 0),
               select(func.count()).where(Participation.contract_id.in_(mine),
                                          Participation.status == ParticipationStatus.ACTIVE)
               .scalar_subquery())
        .join(User, Contract.registered_by_id == User.id)
        .where(Contract.source == ContractSource.REGISTRANT, registrant)).one()
    return {"rows": [RegisteredContract(r.Contract, r.participations, r.Contract.reported_purchases,
                                        money(r.Contract.reported_spend)) for r in rows],
            "total": totals[0], "total_participations": totals[2], "total_spend": money(totals[1])}


SECTIONS: list[Section] = [
    Section("registrar-contracts", "Contracts you registered", "participant_registered.html", is_registrar,
            load_registered),
    Section("participant-contracts", "Contracts your agency joined", "participant_contracts.html", is_participant,
            load_joined),
    Section("participant-spend", "Purchases this fiscal year", "participant_spend.html", is_participant, load_spend),
    Section("participant-checks", "Compliance checks to run again", "participant_checks.html", is_participant,
            load_stale_checks),
    Section("participant-new-contracts", "New contracts usable in your state", "participant_new_contracts.html",
            is_participant, load_new_contracts),
]

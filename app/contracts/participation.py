"""Using a cooperative contract: a participating agency's compliance check (its own purchase and
attestations; the contract's facts from the platform's records), the actions it records as done,
and joining the contract on a check that allows it. Callers commit.

Who does what: an agency's buyers and administrators run checks and record actions; only its
administrator joins, because joining binds the agency to the contract's terms. The lead agency
holds the contract already and neither checks nor joins it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.models import Organization, User
from app.audit.services import canonical_json, record
from app.compliance import engine
from app.compliance.engine import FactsError, parse_facts
from app.compliance.facts import ATTESTATION_FLAGS
from app.compliance.findings import plain_message
from app.compliance.rulebook import load_rulebook, rules_version
from app.compliance.rules import ENTITY_TYPE
from app.contracts.facts import contract_facts
from app.contracts.models import ComplianceCheck, Contract, ContractStatus, Participation, ParticipationStatus
from app.core import clock
from app.core.errors import DomainError, NotPermitted
from app.core.roles import OrganizationKind, Role
from app.extensions import db

# A check older than this no longer supports joining: the agency's plans and the contract's record
# (renewals, amendments) move on, and a verdict a quarter old is not what a board approved.
CHECK_VALID_DAYS = 90
CHECK_ROLES = (Role.BUYER, Role.AGENCY_ADMIN)
OPEN_STATUSES = ("action", "unknown")  # findings the agency resolves and records as done
BOARD_ATTESTATION = "board_approval_regular_meeting"
PARTICIPATION_ATTESTATION = "participation_agreement_signed"
MAX_NOTE = 1000


PARTICIPATION_TERMS = (
    "Our agency buys under this contract on its terms, conditions and prices (or better ones the "
    "vendor offers us).",
    "We place our orders with the vendor directly, and we alone are responsible for our orders, "
    "deliveries, payments and disputes; the lead agency takes on no obligation or liability for "
    "them.",
    "We have followed our own state's and our board's rules for cooperative purchases, as shown "
    "by the compliance check below, and keep our own records of approvals.",
    "We report the purchases we make under this contract on CoopBid, so the lead agency can "
    "manage the contract's ceiling and the public can see its use.",
)


# ----------------------------------------------------------------------------- who may
def agency_today(org: Organization) -> date:
    return clock.now().astimezone(ZoneInfo(org.timezone or "UTC")).date()


def is_participant_candidate(user: Any, contract: Contract) -> bool:
    """A signed-in buyer or administrator of an agency other than the lead agency."""
    return bool(getattr(user, "is_authenticated", False) and user.organization.kind == OrganizationKind.AGENCY
                and user.organization_id != contract.agency_id and user.has_any_role(*CHECK_ROLES))


def _require_candidate(user: User, contract: Contract) -> None:
    if user.organization_id == contract.agency_id:
        raise DomainError("Your agency leads this contract; it uses it directly and does not join it.")
    if not is_participant_candidate(user, contract):
        raise NotPermitted("Only an agency's buyers and administrators check a contract for their agency.")


def participation_of(contract: Contract, agency_id: int) -> Participation | None:
    return db.session.scalar(select(Participation).where(Participation.contract_id == contract.id,
                                                         Participation.agency_id == agency_id))


def latest_check(contract: Contract, agency_id: int) -> ComplianceCheck | None:
    return db.session.scalar(select(ComplianceCheck).where(
        ComplianceCheck.contract_id == contract.id, ComplianceCheck.agency_id == agency_id)
        .order_by(ComplianceCheck.created_at.desc(), ComplianceCheck.id.desc()).limit(1))


# ----------------------------------------------------------------------------- the check
def _facts_number(value: Decimal) -> int | float:
    # The engine reads JSON numbers; whole dollars stay integers so the stored facts read cleanly.
    return int(value) if value == value.to_integral_value() else float(value)


def build_facts(user: User, contract: Contract, *, amount: Decimal, aggregate_12mo: Decimal | None,
                category: str, date: date, funding: list[str], attestations: dict[str, Any],
                form_470_certified: date | None = None, contract_signed: date | None = None) -> dict[str, Any]:
    """The COMPLIANCE.md facts: the purchase from the agency's own record and what it typed, the
    contract from the platform's records, the attestations as given (None: not stated)."""
    agency = user.organization
    purchase: dict[str, Any] = {
        "agency_state": agency.state,
        "agency_type": ENTITY_TYPE.get(agency.agency_type, "local_government"),
        "amount": _facts_number(amount),
        "category": category,
        "date": date.isoformat(),
        "funding": sorted(set(funding)),
    }
    if aggregate_12mo is not None:
        purchase["aggregate_12mo"] = _facts_number(aggregate_12mo)
    # The E-rate dates only matter for E-rate funding; otherwise they are not facts of this purchase.
    if "e_rate" in funding:
        if form_470_certified is not None:
            purchase["form_470_certified"] = form_470_certified.isoformat()
        if contract_signed is not None:
            purchase["contract_signed"] = contract_signed.isoformat()
    stated = {key: value for key, value in attestations.items()
              if value is not None and (key in ATTESTATION_FLAGS or key == "notice_of_intent_days_before_meeting")}
    return {"purchase": purchase, "contract": contract_facts(contract), "attestations": stated}


def run_check(user: User, contract: Contract, *, amount: Decimal, aggregate_12mo: Decimal | None, category: str,
              date: date, funding: list[str], attestations: dict[str, Any],
              form_470_certified: date | None = None, contract_signed: date | None = None) -> ComplianceCheck:
    """Run the engine for the user's agency and keep the facts and report it gave. Raises
    FactsError (field `purchase.*` / `attestations.*`) for facts the engine refuses."""
    _require_candidate(user, contract)
    if not contract.cooperative:
        raise DomainError("This contract is not open to other agencies; the lead agency bought for itself only.")
    if amount <= 0:
        raise FactsError("purchase.amount", "enter the amount of the purchase, more than zero")
    if aggregate_12mo is not None and aggregate_12mo < amount:
        raise FactsError("purchase.aggregate_12mo",
                         "the 12-month total includes this purchase, so it cannot be less than the amount")
    raw = build_facts(user, contract, amount=amount, aggregate_12mo=aggregate_12mo, category=category, date=date,
                      funding=funding, attestations=attestations, form_470_certified=form_470_certified,
                      contract_signed=contract_signed)
    try:
        report = engine.check(parse_facts(raw))
    except FactsError as exc:
        if exc.field == "purchase.agency_state":
            raise DomainError("Your agency's state is not set, and the check depends on it: an administrator "
                              "sets it in the organization's settings.") from None
        if exc.field and exc.field.startswith("contract."):
            raise DomainError(f"This contract's record is incomplete for a compliance check ({exc.message}); "
                              "the lead agency or the registrant must correct it.") from None
        raise
    result = ComplianceCheck(contract_id=contract.id, agency_id=user.organization_id, user_id=user.id, facts=raw,
                             report=report, verdict=report["verdict"], rules_version=report["rules_version"],
                             actions_done={})
    db.session.add(result)
    db.session.flush()
    record("compliance.checked", actor=user, obj=result,
           data={"contract": contract.number, "verdict": result.verdict, "rules_version": result.rules_version,
                 "amount": str(amount), "category": category, "date": date.isoformat(),
                 "funding": raw["purchase"]["funding"]})
    return result


def open_findings(check: ComplianceCheck) -> list[dict[str, Any]]:
    """The findings the agency must resolve (actions to take, facts nobody could settle)."""
    return [f for f in check.report["findings"] if f["status"] in OPEN_STATUSES]


def pending_findings(check: ComplianceCheck) -> list[dict[str, Any]]:
    return [f for f in open_findings(check) if f["rule"] not in check.actions_done]


def record_action_done(user: User, check: ComplianceCheck, rule_id: str, note: str) -> dict[str, Any]:
    """Record that an action (or an open question) of the check is resolved, with what was done; the
    finding resolved."""
    if check.agency_id != user.organization_id or not user.has_any_role(*CHECK_ROLES):
        raise NotPermitted("Only the checking agency's buyers and administrators record its actions.")
    if db.session.scalar(select(Participation.id).where(Participation.check_id == check.id)):
        raise DomainError("Your agency joined the contract on this check; its record no longer changes. "
                          "Run a new check for a new purchase.")
    finding = next((f for f in open_findings(check) if f["rule"] == rule_id), None)
    if finding is None:
        raise DomainError("That finding has nothing to record: only actions and open questions are recorded as done.")
    note = (note or "").strip()
    if not note:
        raise DomainError("Say what was done (e.g. “Board approved on 2026-05-12, minute 44”).", field="note")
    if len(note) > MAX_NOTE:
        raise DomainError(f"Keep the note to {MAX_NOTE} characters.", field="note")
    # A new dict: the JSON column only notices assignment.
    check.actions_done = {**check.actions_done,
                           rule_id: {"note": note, "done_on": agency_today(user.organization).isoformat(),
                                     "by": user.id, "by_name": user.name}}
    record("compliance.action_done", actor=user, obj=check,
           data={"contract": check.contract.number, "rule": rule_id, "citation": finding["citation"], "note": note})
    return finding


# ----------------------------------------------------------------------------- board approval
@lru_cache(maxsize=8)
def _attestation_rules(version: str, attestation: str) -> frozenset[str]:  # noqa: ARG001 - the cache key
    """The rules satisfied by this attestation (directly, or as the step a missing clause asks for)."""
    book = load_rulebook()
    files = [*book.states.values(), *(f for f in (book.federal, book.e_rate) if f is not None)]
    return frozenset(rule.id for rule_file in files for rule in rule_file.rules
                     if attestation in (rule.params.get("attestation"),
                                        (rule.params.get("otherwise") or {}).get("attestation")))


def _board_rules(version: str) -> frozenset[str]:
    return _attestation_rules(version, BOARD_ATTESTATION)


def signed_by_joining(check: ComplianceCheck) -> list[dict[str, Any]]:
    """Open findings that ask for the contract's participation agreement: joining on CoopBid is the
    agency signing it (the participation terms below), so they do not hold the join back."""
    rules = _attestation_rules(rules_version(), PARTICIPATION_ATTESTATION)
    return [f for f in pending_findings(check)
            if f["rule"] in rules or f"attestations.{PARTICIPATION_ATTESTATION}" in f["message"]]


def blocking_findings(check: ComplianceCheck) -> list[dict[str, Any]]:
    """What must be recorded as done before the agency may join on this check."""
    signed = {f["rule"] for f in signed_by_joining(check)}
    return [f for f in pending_findings(check) if f["rule"] not in signed]


def board_approval_findings(check: ComplianceCheck) -> list[dict[str, Any]]:
    """The findings that ask for the governing board's approval or resolution.

    The rule: a finding concerns board approval when its rule's attestation is
    `board_approval_regular_meeting` (the rule files' marker for "the board approves at a regular
    meeting" or "the board adopts a resolution"), or its message names that attestation. Whatever
    the finding's status, joining then needs the board's approval reference (meeting date, minute
    or resolution number), so the certificate can cite it."""
    rules = _board_rules(rules_version())
    return [f for f in check.report["findings"]
            if f["rule"] in rules or f"attestations.{BOARD_ATTESTATION}" in f["message"]]


# ----------------------------------------------------------------------------- joining
def check_problems(check: ComplianceCheck, contract: Contract) -> list[str]:
    """Why this check can no longer support joining (empty: it can)."""
    problems = []
    age = (clock.now() - check.created_at).days
    if age > CHECK_VALID_DAYS:
        problems.append(f"The check was run {age} days ago; a check supports joining for {CHECK_VALID_DAYS} days. "
                        "Run it again with your current plans.")
    current = rules_version()
    if check.rules_version != current:
        # The verdict must rest on the law as the rule files state it now, not as they did.
        problems.append(f"The procurement rules changed since the check (rules version {check.rules_version}, "
                        f"now {current}). Run the check again so its verdict reflects the current rules.")
    if check.facts.get("contract") != contract_facts(contract):
        problems.append("The contract's record changed since the check (a renewal, an amendment or a "
                        "correction). Run the check again on the current record.")
    return problems


def join_contract(user: User, contract: Contract, check: ComplianceCheck, *, signer_name: str, signer_title: str,
                  accept_terms: bool, board_approval_reference: str = "") -> Participation:
    if user.organization_id == contract.agency_id:
        raise DomainError("Your agency leads this contract; it uses it directly and does not join it.")
    if user.organization.kind != OrganizationKind.AGENCY or not user.has_role(Role.AGENCY_ADMIN):
        raise NotPermitted("Only your agency's administrator can join a contract for it.")
    if check.agency_id != user.organization_id or check.contract_id != contract.id:
        raise NotPermitted("That compliance check is not your agency's check of this contract.")
    if not contract.cooperative:
        raise DomainError("This contract is not open to other agencies.")
    today = agency_today(user.organization)
    if contract.status != ContractStatus.ACTIVE or contract.expires_on < today:
        why = (f"its term ended {contract.expires_on.isoformat()}" if contract.status == ContractStatus.ACTIVE
               else f"{contract.status.label.lower()}; term ending {contract.expires_on.isoformat()}")
        raise DomainError(f"This contract is not in force ({why}); it cannot be joined.")
    agency = user.organization
    if contract.eligible_states and agency.state not in contract.eligible_states:
        raise DomainError(f"The solicitation opened this contract to agencies in {', '.join(contract.eligible_states)} "
                          f"only; your agency is in {agency.state}.")
    if contract.eligible_agency_types and agency.agency_type not in contract.eligible_agency_types:
        raise DomainError("The solicitation did not open this contract to your kind of agency.")
    existing = participation_of(contract, agency.id)
    if existing is not None:
        raise DomainError(f"Your agency joined this contract on {existing.created_at.date().isoformat()}.")
    if check.verdict == "not_allowed":
        failed = [f"{f['message']} ({f['citation']})" for f in check.report["findings"] if f["status"] == "fail"]
        raise DomainError("Joining is refused: the compliance check says this purchase is not allowed. "
                          + " ".join(failed))
    problems = check_problems(check, contract)
    if problems:
        raise DomainError(" ".join(problems))
    pending = blocking_findings(check)
    if check.verdict == "needs_action" and pending:
        raise DomainError("Record these as done first: " + "; ".join(
            f"{plain_message(f['message'])} ({f['citation']})" for f in pending) + ".")
    signer_name, signer_title = (signer_name or "").strip(), (signer_title or "").strip()
    if not signer_name or len(signer_name) > 200:
        raise DomainError("Enter the name of the person who signs for your agency (at most 200 characters).",
                          field="signer_name")
    if not signer_title or len(signer_title) > 200:
        raise DomainError("Enter the signer's title, e.g. Superintendent (at most 200 characters).",
                          field="signer_title")
    if not accept_terms:
        raise DomainError("Accept the participation terms to join.", field="accept_terms")
    reference = (board_approval_reference or "").strip()
    if len(reference) > 300:
        raise DomainError("Keep the board approval reference to 300 characters.", field="board_approval_reference")
    board = board_approval_findings(check)
    if board and not reference:
        raise DomainError(f"The check asks for your board's approval ({board[0]['citation']}): enter the meeting "
                          "date and minute or resolution number.", field="board_approval_reference")
    signed = signed_by_joining(check)
    if signed:
        # The check's record says how its participation-agreement steps were done: by this join.
        done = {"note": f"Signed the contract's participation terms on CoopBid ({signer_name}, {signer_title}).",
                "done_on": today.isoformat(), "by": user.id, "by_name": user.name}
        check.actions_done = {**check.actions_done, **{f["rule"]: done for f in signed}}
    participation = Participation(contract_id=contract.id, agency_id=agency.id, check_id=check.id,
                                  status=ParticipationStatus.ACTIVE, signer_name=signer_name,
                                  signer_title=signer_title, terms_accepted_at=clock.now(),
                                  board_approval_reference=reference, joined_by_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(participation)
    except IntegrityError:  # another administrator of the agency joined a moment ago
        raise DomainError("Your agency has just joined this contract.") from None
    record("contract.joined", actor=user, obj=participation, organization_id=agency.id,
           data={"contract": contract.number, "agency": agency.name, "check": check.id, "verdict": check.verdict,
                 "rules_version": check.rules_version, "signer": signer_name, "signer_title": signer_title,
                 "board_approval_reference": reference, "actions_done": sorted(check.actions_done)})
    return participation


# ----------------------------------------------------------------------------- certificate
@dataclass(frozen=True)
class EvidenceItem:
    title: str
    sha256: str


@dataclass(frozen=True)
class Certificate:
    """Everything the certificate of competitive solicitation states; pdf.py only lays it out."""

    contract: Contract
    participation: Participation
    check: ComplianceCheck
    evidence: list[EvidenceItem]
    joined_event_hash: str | None


def facts_digest(check: ComplianceCheck) -> str:
    return hashlib.sha256(canonical_json(check.facts).encode()).hexdigest()


def evidence_items(contract: Contract, check: ComplianceCheck) -> list[EvidenceItem]:
    """The public items of the contract's evidence packet (title, SHA-256 and the audit event that
    recorded it), or, for a contract recorded before packets existed, its public documents; and
    always the digest of the facts the check ran on. Restricted documents stay off: the
    certificate is shown to auditors and the public, who may not know they exist."""
    from app.contracts.evidence import evidence_packet

    packet = evidence_packet(contract)
    if packet.manifest_event is not None:
        items = [EvidenceItem(item.title + (f" (audit event #{item.event.seq})" if item.event is not None else ""),
                              item.sha256 or "missing from the record")
                 for item in packet.visible_items(set())]
    else:
        items = [EvidenceItem(f"Contract document: {d.title} ({d.filename})", d.sha256)
                 for d in contract.documents if d.public]
    items.append(EvidenceItem("Compliance check facts (canonical JSON)", facts_digest(check)))
    return items


def certificate_for(participation: Participation) -> Certificate:
    from app.audit.models import AuditEvent

    event_hash = db.session.scalar(select(AuditEvent.hash).where(
        AuditEvent.action == "contract.joined", AuditEvent.object_type == Participation.__tablename__,
        AuditEvent.object_id == str(participation.id)))
    return Certificate(contract=participation.contract, participation=participation, check=participation.check,
                       evidence=evidence_items(participation.contract, participation.check),
                       joined_event_hash=event_hash)


def participations(contract: Contract) -> list[Participation]:
    return list(db.session.scalars(select(Participation).where(Participation.contract_id == contract.id)
                                   .options(selectinload(Participation.agency), selectinload(Participation.check))
                                   .order_by(Participation.created_at)))

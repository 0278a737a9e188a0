"""What an audit event recorded, in words, for the operators' audit page: each stored field under a
label, codes turned into words (statuses, roles, verdicts), times in the reader's zone. Internal
row ids are left out (the sentence already links to the object)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.accounts.models import AgencyType
from app.core.roles import Role
from app.core.templating import format_datetime, format_money
from app.solicitations.models import NoticeMedium, ProcurementCategory, SolicitationStatus, SolicitationType

LABELS = {
    "accepted_at": "Accepted", "actions_done": "Actions done", "after": "Roles after", "agency": "Agency",
    "agency_type": "Kind of agency", "amount": "Amount", "at": "At", "attempted": "Attempted",
    "above_contract_price": "Above the contract price", "before": "Roles before", "bids": "Bids",
    "board_approval_reference": "Board approval", "board_approved_on": "Board approved on",
    "board_reference": "Board reference", "category": "Category", "chair": "Chair", "changed": "Changed",
    "citation": "Citation", "contract": "Contract", "created": "Created", "criteria": "Criteria",
    "criterion": "Criterion", "decision": "Decision", "delivery_terms": "Delivery terms",
    "description": "Description", "digest": "SHA-256 digest", "disclosure": "Disclosure", "documents": "Documents",
    "due_at": "Bids due", "effective_on": "Effective", "email": "E-mail", "evaluators": "Evaluators",
    "expires_on": "Expires", "facts": "Facts", "failed_count": "Failed attempts", "filename": "File",
    "flags": "Flags", "from": "From", "funding": "Paid with", "imported": "Imported", "items": "Items",
    "justification": "Justification", "kind": "Kind", "lead_agency": "Lead agency", "legal_name": "Legal name",
    "lines": "Lines", "locked_until": "Locked until", "medium": "Medium", "member": "Member", "name": "Name",
    "new_ceiling": "New ceiling", "new_due_at": "New due date", "note": "Note", "notices": "Notices",
    "number": "Number", "ordered_on": "Ordered on", "outlet": "Outlet", "points": "Points",
    "po_number": "Purchase order", "previous": "Previous", "price_guarantee": "Price guarantee",
    "protest_days": "Protest days", "protest_days_source": "Protest period source",
    "protest_ends_at": "Protests until", "public": "Public", "published_on": "Published on",
    "quantities": "Quantities", "reason": "Reason", "receipt": "Receipt", "refused_lines": "Refused lines",
    "renewals_used": "Renewals used", "revised": "Revised", "roles": "Roles", "rule": "Rule",
    "rules_version": "Rules version", "scores": "Scores", "sha256": "SHA-256", "signer": "Signer",
    "signer_title": "Signer's title", "solicitation": "Solicitation", "state": "State",
    "statement": "Statement signed", "title": "Title", "to": "To", "total": "Total", "type": "Type",
    "updated": "Updated", "vendor": "Vendor", "vendors": "Vendors", "verdict": "Verdict", "version": "Version",
    "volume_discounts": "Volume discounts", "withdrawn": "Withdrawn", "min_amount": "From amount",
    "percent": "Percent", "document_id": "Document", "source": "Entered", "tax_id": "Tax id",
    "short_code": "Short code", "timezone": "Time zone",
    "over_ceiling": "Over the ceiling",
}
MONEY = {"amount", "new_ceiling", "min_amount", "total"}
HIDDEN = {"solicitation_id", "bid_id", "user_id", "protest_id", "check"}
REASONS = {"unknown_email": "Unknown e-mail address", "locked": "Account locked", "inactive": "Account deactivated"}
VERDICTS = {"allowed": "Allowed", "needs_action": "Needs action", "not_allowed": "Not allowed"}
FUNDING = {"local": "Local funds", "state": "State funds", "federal": "Federal funds", "e_rate": "E-rate discounts"}
SOURCES = {"form": "On the purchase form", "csv": "From an uploaded file"}


def _enum_words(key: str, value: str) -> str | None:
    lookups = {
        "from": lambda v: SolicitationStatus(v).label, "to": lambda v: SolicitationStatus(v).label,
        "medium": lambda v: NoticeMedium(v).label, "type": lambda v: SolicitationType(v).code,
        "agency_type": lambda v: AgencyType(v).label, "verdict": VERDICTS.__getitem__,
        "reason": REASONS.__getitem__, "funding": FUNDING.__getitem__, "source": SOURCES.__getitem__,
        "category": lambda v: ProcurementCategory(v).label,
        "roles": lambda v: Role(v).label, "before": lambda v: Role(v).label, "after": lambda v: Role(v).label,
    }
    if key not in lookups:
        return None
    try:
        return lookups[key](value)
    except (KeyError, ValueError):
        return None


def label(key: Any) -> str:
    key = str(key)
    return LABELS.get(key) or (f"Line {key}" if key.isdigit() else key.replace("_", " ").capitalize())


def words(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(words(key, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{label(k)}: {words(str(k), v)}" for k, v in value.items() if k not in HIDDEN)
    text = str(value)
    if (enum := _enum_words(key, text)) is not None:
        return enum
    if key in MONEY:
        try:
            return format_money(Decimal(text))
        except InvalidOperation:
            return text
    if key.endswith("_at") or key == "at":
        try:
            return format_datetime(datetime.fromisoformat(text))
        except ValueError:
            return text
    return text


def details(data: Any) -> list[tuple[str, str]]:
    """(label, value in words) for each field the event recorded."""
    if not isinstance(data, dict):
        return []
    return [(label(key), words(key, value)) for key, value in sorted(data.items()) if key not in HIDDEN]

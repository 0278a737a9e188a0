"""Findings, statuses and the verdict that combines them."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any


class Status(enum.StrEnum):
    PASS = "pass"
    ACTION = "action"    # lawful once the buyer does (or confirms) something
    UNKNOWN = "unknown"  # the sources or the facts do not settle it
    FAIL = "fail"        # this route is unlawful as described


class Verdict(enum.StrEnum):
    ALLOWED = "allowed"
    NEEDS_ACTION = "needs_action"
    NOT_ALLOWED = "not_allowed"


# Worst first: the most restrictive finding decides.
SEVERITY = {Status.PASS: 0, Status.ACTION: 1, Status.UNKNOWN: 2, Status.FAIL: 3}


@dataclass(frozen=True)
class Finding:
    rule: str
    status: Status
    citation: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "status": self.status.value, "citation": self.citation,
                "message": self.message}


def worst(statuses: list[Status]) -> Status:
    return max(statuses, key=SEVERITY.__getitem__, default=Status.PASS)


def verdict_of(findings: list[Finding]) -> Verdict:
    """A fail anywhere forbids the route; an action or an unknown holds it until resolved."""
    status = worst([f.status for f in findings])
    if status == Status.FAIL:
        return Verdict.NOT_ALLOWED
    if status in (Status.ACTION, Status.UNKNOWN):
        return Verdict.NEEDS_ACTION
    return Verdict.ALLOWED


def money(amount: float) -> str:
    return f"${amount:,.0f}" if float(amount).is_integer() else f"${amount:,.2f}"


def tri(value: Any) -> Status:
    """A rule-file yes/no/unknown as a status: true passes, false fails, anything else is unknown."""
    if value is True:
        return Status.PASS
    if value is False:
        return Status.FAIL
    return Status.UNKNOWN


# The attestations of COMPLIANCE.md as a buyer is asked them (the check form, and every page or
# PDF that shows a report to people).
ATTESTATION_QUESTIONS = {
    "same_or_better_terms": "The vendor gives us the same or better prices, terms and conditions",
    "board_approval_regular_meeting": "Our governing board approved this purchase at a regular meeting",
    "notice_of_intent_days_before_meeting": "Days the notice of intent was advertised before that board meeting",
    "best_value_authorized": "Our board has authorized best-value procurement",
    "interlocal_agreement_filed_or_posted": "The interlocal or cooperative agreement is filed or posted as the "
                                            "law requires",
    "participation_agreement_signed": "We signed the contract's participation agreement",
    "written_determination": "We made a written determination that using this contract is in our best interest",
    "federal_procurement_documented": "Federal funds: we documented that the lead's procurement met 2 CFR "
                                      "200.318–200.327 and that the contract's scope covers this purchase",
}
_SET_ATTESTATION = re.compile(r"then set attestations\.(\w+) to true\.")
_ATTESTATION = re.compile(r"attestations\.(\w+)")
_FACT_NAME = re.compile(r" ?\((?:contract|purchase)\.\w+\)")


def plain_message(message: str) -> str:
    """A finding's message for people rather than programs: the API's attestation names become the
    questions of the check form, and fact names in parentheses are dropped (the sentence says it)."""
    def question(match: re.Match) -> str:
        return ATTESTATION_QUESTIONS.get(match[1], match[1].replace("_", " "))

    message = _SET_ATTESTATION.sub(
        lambda m: f"then record it as done, or answer “{question(m)}” with Yes when you check again.", message)
    message = _ATTESTATION.sub(lambda m: f"“{question(m)}”", message)
    return _FACT_NAME.sub("", message)

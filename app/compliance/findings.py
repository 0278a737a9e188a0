"""Findings, statuses and the verdict that combines them."""
from __future__ import annotations

import enum
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

"""Dollar thresholds: the amount in force on a date (schedules), the comparator, and a second
reading the sources leave open. Shared by the state thresholds and the federal overlay."""
from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.compliance.findings import money

UNKNOWN, NONE, LOCAL_POLICY = "unknown", "none", "local_policy"


class Answer(enum.StrEnum):
    REQUIRED = "required"
    NOT_REQUIRED = "not_required"
    UNKNOWN = "unknown"
    LOCAL_POLICY = "local_policy"  # each agency's own policy sets it
    NOT_COVERED = "not_covered"    # no statutory requirement for this category


@dataclass(frozen=True)
class Limit:
    amount: float | str  # a number, or unknown | none | local_policy
    comparator: str      # gt | gte | unknown
    alternative: Limit | None = None
    alternative_when: str | None = None
    # The other reading's amount is not on file but can only be lower (Pennsylvania 2024: the
    # published figure used a 3.7% change where the law caps it at 3%): at or over this amount
    # both readings require it.
    alternative_at_most: bool = False
    note: str | None = None

    @property
    def phrase(self) -> str:
        if not isinstance(self.amount, (int, float)):
            return "not on file"
        word = {"gt": "over", "gte": "at or over", "unknown": "around"}[self.comparator]
        return f"{word} {money(self.amount)}"


@dataclass(frozen=True)
class ThresholdAnswer:
    answer: Answer
    limit: Limit
    reason: str = ""  # why the answer is unknown


def limit_on(params: Mapping[str, Any], on: date) -> Limit:
    comparator = params["comparator"]
    if "schedule" not in params:
        return Limit(params["amount"], comparator, *_alternative(params.get("alternative"), comparator, on))
    for entry in params["schedule"]:
        if _within(entry, on):
            entry_comparator = entry.get("comparator", comparator)
            return Limit(entry["amount"], entry_comparator,
                         *_alternative(entry.get("alternative") or params.get("alternative"), entry_comparator, on),
                         note=entry.get("note"))
    return Limit(UNKNOWN, comparator, note=f"no amount is on file for {on.isoformat()}")


def exceeds(value: float, amount: float, comparator: str) -> bool | None:
    if comparator == "gt":
        return value > amount
    if comparator == "gte":
        return value >= amount
    # The source gives a range without its edge: only the edge itself is in doubt.
    return None if value == amount else value > amount


def answer(params: Mapping[str, Any], value: float, on: date, *, value_is_minimum: bool = False) -> ThresholdAnswer:
    """Whether `value` reaches the threshold in force on `on`. With `value_is_minimum` the real
    figure (a 12-month aggregate) is at least `value`, so only a "required" is certain."""
    limit = limit_on(params, on)
    result = _compare(limit, value)
    both_require = result.answer == Answer.REQUIRED and limit.alternative_at_most
    if result.answer in (Answer.REQUIRED, Answer.NOT_REQUIRED) and limit.alternative is not None and not both_require:
        other = _compare(limit.alternative, value)
        if other.answer != result.answer:
            return ThresholdAnswer(Answer.UNKNOWN, limit,
                                   f"the answer may differ if {limit.alternative_when} "
                                   f"(then the limit is {limit.alternative.phrase})")
    if value_is_minimum and result.answer == Answer.NOT_REQUIRED:
        return ThresholdAnswer(Answer.UNKNOWN, limit, "the 12-month aggregate is not given "
                               "(purchase.aggregate_12mo)")
    return result


def _compare(limit: Limit, value: float) -> ThresholdAnswer:
    if limit.amount == LOCAL_POLICY:
        return ThresholdAnswer(Answer.LOCAL_POLICY, limit)
    if limit.amount == NONE:
        return ThresholdAnswer(Answer.NOT_COVERED, limit)
    if limit.amount == UNKNOWN:
        return ThresholdAnswer(Answer.UNKNOWN, limit, limit.note or "the amount is not in the sources")
    over = exceeds(value, float(limit.amount), limit.comparator)
    if over is None:
        return ThresholdAnswer(Answer.UNKNOWN, limit, f"the sources do not say whether exactly "
                                                      f"{money(float(limit.amount))} is included")
    return ThresholdAnswer(Answer.REQUIRED if over else Answer.NOT_REQUIRED, limit)


def _alternative(raw: Mapping[str, Any] | None, comparator: str,
                 on: date) -> tuple[Limit | None, str | None, bool]:
    if not raw:
        return None, None, False
    # Outside its dates the alternative reading still exists, but its amount is not on file.
    amount = raw["amount"] if _within(raw, on) else UNKNOWN
    return Limit(amount, raw.get("comparator", comparator)), raw["when"], bool(raw.get("at_most_primary"))


def _within(entry: Mapping[str, Any], on: date) -> bool:
    start = date.fromisoformat(entry["from"]) if "from" in entry else date.min
    end = date.fromisoformat(entry["to"]) if "to" in entry else date.max
    return start <= on <= end

"""The lookups the rest of the app needs from bid_rules/: the notice period checked when a
solicitation is published, and the protest period started by a notice of intent to award."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.compliance.context import entity_matches
from app.compliance.evaluators.solicitation import counted_days, media_options
from app.compliance.rulebook import DEFAULT_RULES_DIR, load_rulebook, rules_version

RULES_DIR = DEFAULT_RULES_DIR

# Our agency types -> the facts' purchase.agency_type, which is also the entity type the rule files
# speak of (a county or municipality also matches a rule for local governments, see
# context.entity_matches; a public cooperative buying for itself is a local unit of government).
ENTITY_TYPE = {
    "school_district": "school_district",
    "county": "county",
    "municipality": "municipality",
    "state_agency": "state_agency",
    "higher_education": "higher_education",
    "public_cooperative": "local_government",
}

__all__ = ["ENTITY_TYPE", "RULES_DIR", "NoticeRule", "ProtestPeriod", "notice_rule_for",
           "protest_period_for", "rules_version"]


@dataclass(frozen=True)
class NoticeRule:
    rule_id: str
    min_days: int | None
    counting: str  # calendar_days | full_days_between
    media: tuple[frozenset[str], ...]  # the lawful ways: one medium, or several together
    citation: str
    source: str
    as_of: str

    def counted_days(self, notice_on: date, opening_on: date) -> int:
        return counted_days(notice_on, opening_on, self.counting)

    @property
    def counting_phrase(self) -> str:
        return "full days" if self.counting == "full_days_between" else "calendar days"


def notice_rule_for(state: str | None, agency_type: Any) -> NoticeRule | None:
    """The minimum-notice rule of `state` for this kind of agency, or None where unknown.

    Publishing cannot know the category, so rules limited to some categories count only if they
    cover goods (the ordinary formal bid). min_days is None where the period is unknown, counted
    from the last publication (we record the first), or may lawfully be shortened by the
    official — a publish-time block would then be wrong."""
    rule_file = load_rulebook().states.get(state or "")
    if rule_file is None:
        return None
    entity = ENTITY_TYPE.get(getattr(agency_type, "value", agency_type) or "")
    for rule in rule_file.of_kind("notice"):
        scope = rule.applies_to
        if entity is None or not entity_matches(scope.entity_types, entity):
            continue
        if scope.categories is not None and "goods" not in scope.categories:
            continue
        params = rule.params
        min_days = params["min_days"]
        enforceable = (min_days != "unknown" and not params.get("may_be_shortened")
                       and params.get("counted_from", "first_publication") == "first_publication")
        media = params["media"]
        return NoticeRule(
            rule_id=rule.id,
            min_days=int(min_days) if enforceable else None,
            counting=params["counting"],
            media=media_options(media) if isinstance(media, list) else (),
            citation=rule.citation,
            source=rule.source,
            as_of=rule.as_of,
        )
    return None


@dataclass(frozen=True)
class ProtestPeriod:
    days: int
    source: str  # the citation, or "agency setting"


def protest_period_for(agency: Any) -> ProtestPeriod:
    """Calendar days to protest a notice of intent to award: the state's rule (an opening_award
    rule's params.protest_days) where bid_rules knows it, otherwise the agency's own setting."""
    rule_file = load_rulebook().states.get(getattr(agency, "state", None) or "")
    entity = ENTITY_TYPE.get(getattr(getattr(agency, "agency_type", None), "value",
                                     getattr(agency, "agency_type", None)) or "")
    for rule in rule_file.of_kind("opening_award") if rule_file else []:
        days = rule.params.get("protest_days")
        if days in (None, "unknown") or (entity and not entity_matches(rule.applies_to.entity_types, entity)):
            continue
        return ProtestPeriod(int(days), f"{rule.citation} ({rule.id})")
    return ProtestPeriod(int(getattr(agency, "protest_period_days", None) or 10),
                         f"{getattr(agency, 'name', 'the agency')}'s protest period setting")

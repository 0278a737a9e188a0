"""Loading bid_rules/ (data only) and the lookups the rest of the app needs."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).resolve().parents[2] / "bid_rules"

# Our agency types -> the entity types rule files speak of.
ENTITY_TYPE = {
    "school_district": "school_district",
    "county": "local_government",
    "municipality": "local_government",
    "state_agency": "state_agency",
    "higher_education": "higher_education",
    "public_cooperative": "local_government",
}


@dataclass(frozen=True)
class NoticeRule:
    rule_id: str
    min_days: int | None
    counting: str  # calendar_days | full_days_between
    media: tuple[str, ...]
    citation: str
    source: str
    as_of: str

    def counted_days(self, notice_on: date, opening_on: date) -> int:
        days = (opening_on - notice_on).days
        # "Full days" exclude both the notice day and the opening day.
        return days - 1 if self.counting == "full_days_between" else days

    @property
    def counting_phrase(self) -> str:
        return "full days" if self.counting == "full_days_between" else "calendar days"


@lru_cache(maxsize=1)
def load_state_files() -> dict[str, dict[str, Any]]:
    files = {}
    for path in sorted((RULES_DIR / "states").glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        files[data["jurisdiction"]] = data
    return files


def rules_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(RULES_DIR.rglob("*.yaml")):
        digest.update(path.relative_to(RULES_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def notice_rule_for(state: str | None, agency_type: Any) -> NoticeRule | None:
    """The minimum-notice rule of `state` for this kind of agency, or None where unknown."""
    data = load_state_files().get(state or "")
    if data is None:
        return None
    entity = ENTITY_TYPE.get(getattr(agency_type, "value", agency_type) or "")
    for rule in data.get("rules", []):
        if rule.get("kind") != "notice":
            continue
        applies = rule.get("applies_to", {}).get("entity_types")
        if applies and entity not in applies:
            continue
        params = rule.get("params", {})
        min_days = params.get("min_days")
        media = params.get("media")
        return NoticeRule(
            rule_id=rule["id"],
            min_days=None if min_days in (None, "unknown") else int(min_days),
            counting=params.get("counting", "calendar_days"),
            media=tuple(media) if isinstance(media, list) else (),
            citation=rule["citation"],
            source=rule["source"],
            as_of=str(rule["as_of"]),
        )
    return None


@dataclass(frozen=True)
class ProtestPeriod:
    days: int
    source: str  # the citation, or "agency setting"


def protest_period_for(agency: Any) -> ProtestPeriod:
    """Calendar days to protest a notice of intent to award: the state's rule (kind "protest",
    params.days) where bid_rules knows it, otherwise the agency's own setting."""
    data = load_state_files().get(getattr(agency, "state", None) or "")
    for rule in (data or {}).get("rules", []):
        days = rule.get("params", {}).get("days")
        if rule.get("kind") == "protest" and days not in (None, "unknown"):
            return ProtestPeriod(int(days), f"{rule['citation']} ({rule['id']})")
    return ProtestPeriod(int(getattr(agency, "protest_period_days", None) or 10),
                         f"{getattr(agency, 'name', 'the agency')}'s protest period setting")

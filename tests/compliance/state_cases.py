"""Shared by the per-state test files (test_state_XX.py): how a hand-written case is checked, and
whether every rule's source is a page the second reference file lists for the entry it encodes."""
from __future__ import annotations

from typing import Any

import yaml

from app.compliance.rulebook import load_rulebook
from tests.compliance.factories import finding, report, status_of
from tests.compliance.reference import MORE_STATES, reference_dir

LOCAL_TYPES = {"local_government", "county", "municipality"}
# Kinds whose local-government entry says its conditions are those of the school_district entry
# (MA: "identical to the MA school_district entry"; MO: "Same as MO school_district entry").
SHARED_WITH_SCHOOL_ENTRY = {"coop_authority", "coop_conditions", "temporal"}


def assert_case(raw: dict[str, Any], rule_id: str, status: str, verdict: str) -> None:
    result = report(raw)
    assert status_of(result, rule_id) == status, finding(result, rule_id)["message"]
    assert result["verdict"] == verdict, [f for f in result["findings"] if f["status"] != "pass"]


def _entity_kinds(types: Any) -> set[str]:
    types = types if isinstance(types, list) else [types]
    return {"local_government" if t in LOCAL_TYPES else t for t in types}


def unlisted_sources(state: str, *, shared_with_school_entry: bool = False) -> list[tuple[str, str]]:
    """(rule id, source) for every rule of `state` whose source no entry it applies to lists."""
    entries = [e for e in yaml.safe_load((reference_dir() / MORE_STATES).read_text(encoding="utf-8"))["states"] if e["state"] == state]
    assert entries, f"{state} is not in the reference"
    unlisted = []
    for rule in load_rulebook().states[state].rules:
        kinds = _entity_kinds(sorted(rule.applies_to.entity_types)) if rule.applies_to.entity_types else None
        listed = set()
        for entry in entries:
            shared = shared_with_school_entry and rule.kind in SHARED_WITH_SCHOOL_ENTRY
            if kinds is None or shared or kinds & _entity_kinds(entry["entity_type"]):
                listed |= {source["url"] for source in entry["sources"]}
        if rule.source not in listed:
            unlisted.append((rule.id, rule.source))
    return unlisted

"""bid_rules/ is data: every file matches bid_rules/schema.json, covers the reference, and the
rules version follows the files."""
from __future__ import annotations

import shutil

import pytest
import yaml

from app.compliance.rulebook import (
    DEFAULT_RULES_DIR,
    RuleFileError,
    load_rulebook,
    rule_files,
    rules_version,
    schema_validator,
    validate_rule_file,
)
from tests.compliance.reference import reference_states, reference_text

RULE_FILES = rule_files(DEFAULT_RULES_DIR)
KINDS = {"threshold", "notice", "opening_award", "coop_authority", "coop_conditions", "temporal",
         "federal_overlay", "e_rate"}


@pytest.fixture
def rules_copy(tmp_path):
    """A private copy of bid_rules/ that a test may change."""
    copy = tmp_path / "bid_rules"
    shutil.copytree(DEFAULT_RULES_DIR, copy)
    return copy


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.name for p in RULE_FILES])
def test_every_rule_file_matches_the_schema(path):
    data = validate_rule_file(path, schema_validator(DEFAULT_RULES_DIR))
    for rule in data["rules"]:
        assert rule["citation"] and rule["source"].startswith("http") and rule["as_of"]


def test_the_files_cover_every_state_of_the_reference_and_every_kind():
    book = load_rulebook(DEFAULT_RULES_DIR)
    assert set(book.states) == reference_states()
    assert len(book.states) == 30
    assert book.federal is not None and book.e_rate is not None
    kinds = {rule.kind for f in [*book.states.values(), book.federal, book.e_rate] for rule in f.rules}
    assert kinds == KINDS
    for rule_file in book.states.values():
        assert {r.kind for r in rule_file.rules} >= {"threshold", "coop_authority", "temporal"}, rule_file.jurisdiction


def test_sources_come_from_the_reference():
    """No rule cites a page the reference does not list."""
    text = reference_text()
    book = load_rulebook(DEFAULT_RULES_DIR)
    for rule_file in [*book.states.values(), book.federal, book.e_rate]:
        for rule in rule_file.rules:
            assert rule.source in text, (rule.id, rule.source)


@pytest.mark.parametrize(("change", "complaint"), [
    (lambda d: d["rules"][0].pop("citation"), "'citation' is a required property"),
    (lambda d: d["rules"][0].update(kind="piggyback"), "rules.0.kind"),
    (lambda d: d["rules"][0]["params"].update(amount=-5), "rules.0.params"),
    (lambda d: d["rules"][0]["params"].update(comparator="over"), "rules.0.params.comparator"),
    (lambda d: d["rules"][0].update(source="laws9.com"), "rules.0.source"),
    (lambda d: d["rules"][0].update(id="VA.threshold.goods_formal"), "must start with 'NC.threshold.'"),
    (lambda d: d["rules"].append(dict(d["rules"][0])), "duplicate id"),
    (lambda d: d["rules"][1]["params"]["schedule"].insert(0, {"from": "2010-01-01", "to": "2009-01-01", "amount": 1}),
     "'to' before 'from'"),
])
def test_a_broken_copy_is_refused(rules_copy, change, complaint):
    path = rules_copy / "states" / "NC.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleFileError, match="NC.yaml") as error:
        load_rulebook(rules_copy)
    assert complaint in str(error.value)


def test_an_unquoted_date_is_refused(rules_copy):
    """YAML reads 2007-07-01 as a date, not the string the schema wants: quote dates."""
    path = rules_copy / "states" / "NC.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"2007-07-01"', "2007-07-01"), encoding="utf-8")
    with pytest.raises(RuleFileError, match="is not of type 'string'"):
        load_rulebook(rules_copy)


def test_the_rules_version_changes_when_a_file_changes(rules_copy):
    before = rules_version(rules_copy)
    assert before == rules_version(DEFAULT_RULES_DIR) == load_rulebook(rules_copy).version
    path = rules_copy / "states" / "TX.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("amount: 50000", "amount: 50001", 1), encoding="utf-8")
    after = rules_version(rules_copy)
    assert after != before
    assert load_rulebook(rules_copy).states["TX"].rules[0].params["amount"] == 50001
    assert rules_version(DEFAULT_RULES_DIR) == before


def test_a_new_state_file_is_picked_up(rules_copy):
    text = (rules_copy / "states" / "ID.yaml").read_text(encoding="utf-8")
    (rules_copy / "states" / "KS.yaml").write_text(
        text.replace("jurisdiction: ID", "jurisdiction: KS").replace("ID.", "KS."), encoding="utf-8")
    assert "KS" in load_rulebook(rules_copy).states
    assert "KS" not in load_rulebook(DEFAULT_RULES_DIR).states


def test_every_kind_has_one_evaluator_and_is_in_the_schema():
    import json

    from app.compliance.evaluators import EVALUATORS

    schema = json.loads((DEFAULT_RULES_DIR / "schema.json").read_text(encoding="utf-8"))
    assert set(EVALUATORS) == KINDS == set(schema["$defs"]["rule"]["properties"]["kind"]["enum"])

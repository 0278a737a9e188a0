"""Loading bid_rules/: every file validated against bid_rules/schema.json, then held as typed
rules. The rule book is cached per directory and reloaded when a file changes, so a long-lived
process (and the tests) see edits without a restart."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

DEFAULT_RULES_DIR = Path(__file__).resolve().parents[2] / "bid_rules"
SCHEMA_FILE = "schema.json"
FEDERAL, E_RATE = "FEDERAL", "E_RATE"


Params = Mapping[str, Any]  # a rule's params, already checked against the schema


class RuleFileError(ValueError):
    """A rule file that does not match the schema; the message names the file and the place."""


@dataclass(frozen=True)
class AppliesTo:
    entity_types: frozenset[str] | None = None
    categories: frozenset[str] | None = None
    lead_types: frozenset[str] | None = None
    routes: frozenset[str] | None = None
    amount_gt: float | None = None
    unless_funding: frozenset[str] | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    params: Params
    citation: str
    source: str
    as_of: str
    applies_to: AppliesTo = field(default_factory=AppliesTo)
    confidence: str | None = None


@dataclass(frozen=True)
class RuleFile:
    jurisdiction: str
    name: str
    as_of: str
    rules: tuple[Rule, ...]
    path: Path | None  # None: a state with no file on record

    def of_kind(self, kind: str) -> list[Rule]:
        return [rule for rule in self.rules if rule.kind == kind]


@dataclass(frozen=True)
class RuleBook:
    states: Mapping[str, RuleFile]
    federal: RuleFile | None
    e_rate: RuleFile | None
    version: str
    directory: Path


def default_rules_dir() -> Path:
    """app.config["BID_RULES_DIR"] inside an application, else the repository's bid_rules/."""
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get("BID_RULES_DIR"):
        return Path(current_app.config["BID_RULES_DIR"])
    return DEFAULT_RULES_DIR


def load_rulebook(rules_dir: Path | str | None = None) -> RuleBook:
    directory = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    return _load_cached(directory.resolve(), _signature(directory))


def rules_version(rules_dir: Path | str | None = None) -> str:
    """A digest of every file under the rules directory (names and bytes), schema included."""
    return load_rulebook(rules_dir).version


def rule_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.yaml"))


def _signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    paths = [*rule_files(directory), directory / SCHEMA_FILE]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths if p.exists())


@lru_cache(maxsize=8)
def _load_cached(directory: Path, signature: tuple) -> RuleBook:  # noqa: ARG001 - the cache key
    validator = schema_validator(directory)
    digest = hashlib.sha256()
    states: dict[str, RuleFile] = {}
    special: dict[str, RuleFile] = {}
    for path in [*rule_files(directory), directory / SCHEMA_FILE]:
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes())
    for path in rule_files(directory):
        rule_file = parse_rule_file(path, validator)
        if rule_file.jurisdiction in (FEDERAL, E_RATE):
            special[rule_file.jurisdiction] = rule_file
        else:
            states[rule_file.jurisdiction] = rule_file
    return RuleBook(states=states, federal=special.get(FEDERAL), e_rate=special.get(E_RATE),
                    version=digest.hexdigest()[:16], directory=directory)


def schema_validator(rules_dir: Path | str | None = None) -> jsonschema.Validator:
    directory = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    schema = json.loads((directory / SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate_rule_file(path: Path, validator: jsonschema.Validator) -> dict[str, Any]:
    """The file's data, or RuleFileError naming the file and the first problems found."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleFileError(f"{path.name}: not valid YAML ({exc})") from None
    problems = [f"{'.'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
                for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))]
    if not problems:
        problems = _semantic_problems(path, data)
    if problems:
        raise RuleFileError(f"{path.name}: " + "; ".join(problems[:5]))
    return data


def parse_rule_file(path: Path, validator: jsonschema.Validator) -> RuleFile:
    data = validate_rule_file(path, validator)
    rules = tuple(
        Rule(id=r["id"], kind=r["kind"], params=r["params"], citation=r["citation"], source=r["source"],
             as_of=str(r["as_of"]), applies_to=_applies_to(r.get("applies_to") or {}),
             confidence=r.get("confidence"))
        for r in data["rules"])
    return RuleFile(jurisdiction=data["jurisdiction"], name=data["name"], as_of=str(data["as_of"]),
                    rules=rules, path=path)


def _applies_to(raw: Mapping[str, Any]) -> AppliesTo:
    def members(key: str) -> frozenset[str] | None:
        return frozenset(raw[key]) if key in raw else None

    return AppliesTo(entity_types=members("entity_types"), categories=members("categories"),
                     lead_types=members("lead_types"), routes=members("routes"),
                     amount_gt=raw.get("amount_gt"), unless_funding=members("unless_funding"))


def _semantic_problems(path: Path, data: dict[str, Any]) -> list[str]:
    """What JSON Schema cannot say: ids unique and prefixed by the jurisdiction, file named after
    it, dates real and schedules in order."""
    problems = []
    jurisdiction = data["jurisdiction"]
    expected_name = {FEDERAL: "federal.yaml", E_RATE: "e_rate.yaml"}.get(jurisdiction, f"{jurisdiction}.yaml")
    if path.name != expected_name:
        problems.append(f"jurisdiction {jurisdiction} belongs in {expected_name}")
    seen: set[str] = set()
    for i, rule in enumerate(data["rules"]):
        if not rule["id"].startswith(f"{jurisdiction}.{rule['kind']}."):
            problems.append(f"rules.{i}.id: must start with '{jurisdiction}.{rule['kind']}.'")
        if rule["id"] in seen:
            problems.append(f"rules.{i}.id: duplicate id {rule['id']}")
        seen.add(rule["id"])
        for entry in rule["params"].get("schedule", []):
            try:
                start = date.fromisoformat(entry.get("from", "0001-01-01"))
                end = date.fromisoformat(entry.get("to", "9999-12-31"))
            except ValueError as exc:
                problems.append(f"rules.{i}.params.schedule: {exc}")
                continue
            if end < start:
                problems.append(f"rules.{i}.params.schedule: 'to' before 'from'")
    return problems

"""The stable interface: parse_facts, `flask compliance check`, POST /api/v1/compliance/check.
The CLI and the API give the same report; malformed facts name the field (exit 2 / 400)."""
from __future__ import annotations

import json

import pytest

from app.compliance.engine import check, check_many, parse_facts
from app.compliance.facts import FactsError
from app.compliance.rulebook import load_rulebook
from app.core.errors import DomainError
from tests.compliance.factories import ALL_ATTESTED, contract, facts, status_of

API = "/api/v1/compliance/check"

EXAMPLE = {  # the example of COMPLIANCE.md
    "purchase": {"agency_state": "NC", "agency_type": "school_district", "amount": 150000,
                 "aggregate_12mo": 150000, "category": "goods", "date": "2026-11-01", "funding": ["local"],
                 "form_470_certified": "2026-01-05", "contract_signed": "2026-01-30"},
    "contract": {"lead_agency_state": "TX", "lead_agency_type": "school_district", "solicitation_method": "sealed_bid",
                 "award_basis": "lowest_responsible_bidder", "cooperative_clause": True,
                 "notice_first_published": "2026-01-20", "notice_media": ["newspaper", "website"],
                 "bid_opening": "2026-02-05", "sealed_bids": True, "bids_received": 4, "award_date": "2026-03-01",
                 "term_end": "2029-02-28", "lead_distance_miles": 110,
                 "evaluation_weights": {"price": 40, "technical": 35, "experience": 25}},
    "attestations": {"same_or_better_terms": True, "board_approval_regular_meeting": True,
                     "notice_of_intent_days_before_meeting": 12, "best_value_authorized": False,
                     "interlocal_agreement_filed_or_posted": False, "participation_agreement_signed": False,
                     "written_determination": False},
}


def _with(path: str, value) -> dict:
    """EXAMPLE with one value set (or removed, for value ...) at a dotted path."""
    raw = json.loads(json.dumps(EXAMPLE))
    *parents, last = path.split(".")
    node = raw
    for key in parents:
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return raw


MALFORMED = [
    ("missing required field", _with("purchase.amount", ...), "purchase.amount: required"),
    ("unknown key", _with("purchase.colour", "blue"), "purchase.colour: unknown field"),
    ("unknown key in contract", _with("contract.vendor", "Acme"), "contract.vendor: unknown field"),
    ("unknown top-level key", _with("extra", 1), "facts.extra: unknown field"),
    ("funding not given", _with("purchase.funding", ...), "purchase.funding: required"),
    ("funding empty", _with("purchase.funding", []), "purchase.funding: name at least one source"),
    ("lower-case state", _with("purchase.agency_state", "nc"), "purchase.agency_state: must be a two-letter"),
    ("negative amount", _with("purchase.amount", -1), "purchase.amount: must be a number >= 0"),
    ("amount as text", _with("purchase.amount", "150000"), "purchase.amount: must be a number >= 0"),
    ("amount as boolean", _with("purchase.amount", True), "purchase.amount: must be a number >= 0"),
    ("bad date format", _with("purchase.date", "11/01/2026"), "purchase.date: must be an ISO date"),
    ("impossible date", _with("purchase.date", "2026-02-30"), "purchase.date: '2026-02-30' is not a calendar date"),
    ("bad contract date", _with("contract.term_end", "soon"), "contract.term_end: must be an ISO date"),
    ("wrong type boolean", _with("contract.sealed_bids", "yes"), "contract.sealed_bids: must be true or false"),
    ("unknown category", _with("purchase.category", "food"), "purchase.category: must be one of"),
    ("unknown funding", _with("purchase.funding", ["grants"]), "purchase.funding[0]: must be one of"),
    ("funding not a list", _with("purchase.funding", "local"), "purchase.funding: must be a list"),
    ("negative count", _with("contract.bids_received", -2), "contract.bids_received: must be a whole number"),
    ("bad weight", _with("contract.evaluation_weights", {"price": "most"}), "contract.evaluation_weights.price"),
    ("attestation not boolean", _with("attestations.written_determination", 1),
     "attestations.written_determination: must be true or false"),
    ("attestations not an object", _with("attestations", ["yes"]), "attestations: must be a JSON object"),
    ("contract without lead type", _with("contract.lead_agency_type", ...), "contract.lead_agency_type: required"),
    ("facts not an object", [1, 2], "facts: must be a JSON object"),
]


# ----------------------------------------------------------------------------- parse_facts
def test_the_documented_example_parses_and_checks():
    report = check(parse_facts(EXAMPLE))
    assert set(report) == {"verdict", "findings", "rules_version"}
    assert report["verdict"] in ("allowed", "needs_action", "not_allowed")
    assert report["rules_version"] == load_rulebook().version
    for finding in report["findings"]:
        assert set(finding) == {"rule", "status", "citation", "message"}
        assert finding["status"] in ("pass", "fail", "action", "unknown")
        if finding["status"] in ("fail", "action"):
            assert finding["citation"] and finding["citation"] != "not on file", finding


@pytest.mark.parametrize(("raw", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_malformed_facts_name_the_field(raw, message):
    with pytest.raises(FactsError) as error:
        parse_facts(raw)
    assert str(error.value).startswith(message)
    assert isinstance(error.value, DomainError) and error.value.field == message.split(":")[0]


def test_absent_optional_sections_mean_not_known():
    parsed = parse_facts({"purchase": EXAMPLE["purchase"]})
    assert parsed.contract is None and parsed.attestations.written_determination is None
    parsed = parse_facts(_with("contract.sealed_bids", ...))
    assert parsed.contract.sealed_bids is None and parsed.contract.public_opening is None


def test_a_state_without_rules_gets_a_report_not_an_error(app, client):
    raw = _with("purchase.agency_state", "KS")
    result = _cli(app, "-", stdin=json.dumps(raw))
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report == client.post(API, json=raw).get_json()
    assert report["verdict"] == "needs_action"
    [finding] = report["findings"]
    assert finding["status"] == "unknown" and finding["message"] == "No rules on file for KS: check your state's law."
    # Federal money brings its own rules wherever the buyer is.
    raw["purchase"]["funding"] = ["federal"]
    federal = check(parse_facts(raw))
    assert {f["rule"] for f in federal["findings"]} > {"ENGINE.state.not_on_file"}


# ----------------------------------------------------------------------------- CLI
def _cli(app, *args, stdin=None):
    return app.test_cli_runner().invoke(args=["compliance", "check", *args], input=stdin)


def test_cli_and_api_give_the_same_report(app, client, tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    from_file = _cli(app, str(path))
    from_stdin = _cli(app, "-", stdin=json.dumps(EXAMPLE))
    response = client.post(API, json=EXAMPLE)
    assert from_file.exit_code == 0 and from_stdin.exit_code == 0, from_file.stderr
    assert response.status_code == 200
    assert json.loads(from_file.stdout) == json.loads(from_stdin.stdout) == response.get_json() == check(
        parse_facts(EXAMPLE))


@pytest.mark.parametrize("raw", [facts("VA", amount=150000, category="architectural_engineering", coop=contract()),
                                 facts("CA", amount=114000, date="2026-03-01"),
                                 facts("OR", amount=30000, funding=["federal", "e_rate"])])
def test_cli_and_api_agree_on_other_routes(app, client, raw):
    result = _cli(app, "-", stdin=json.dumps(raw))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == client.post(API, json=raw).get_json()


@pytest.mark.parametrize(("raw", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_cli_refuses_malformed_facts_with_exit_2(app, raw, message):
    result = _cli(app, "-", stdin=json.dumps(raw))
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_cli_refuses_invalid_json_and_missing_files(app, tmp_path):
    result = _cli(app, "-", stdin="{not json")
    assert result.exit_code == 2 and "not valid JSON (line 1, column 2" in result.stderr
    result = _cli(app, str(tmp_path / "missing.json"))
    assert result.exit_code == 2 and "missing.json" in result.stderr


# ----------------------------------------------------------------------------- API
@pytest.mark.parametrize(("raw", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_api_refuses_malformed_facts_with_400(client, raw, message):
    response = client.post(API, json=raw)
    assert response.status_code == 400
    body = response.get_json()
    assert body["status"] == 400 and body["error"] and body["message"].startswith(message)


@pytest.mark.parametrize(("data", "content_type"), [("{not json", "application/json"), ("amount=5", "text/plain"),
                                                    ("null", "application/json"), ("", None)])
def test_api_refuses_a_body_that_is_not_json(client, data, content_type):
    response = client.post(API, data=data, content_type=content_type)
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("body: send the facts as a JSON object")


def test_api_needs_no_csrf_token_and_no_session(app, client):
    """CSRF protection is on for the app, but this stateless JSON API is exempt."""
    assert app.config.get("WTF_CSRF_ENABLED", True)
    response = client.post(API, json=EXAMPLE, headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_api_only_answers_post(client):
    response = client.get(API)
    assert response.status_code == 405 and response.get_json()["status"] == 405


def test_api_is_rate_limited(client):
    for _ in range(60):
        assert client.post(API, json=EXAMPLE).status_code == 200
    response = client.post(API, json=EXAMPLE)
    assert response.status_code == 429
    assert response.get_json()["status"] == 429


def test_api_reads_the_configured_rules_dir(app, client, tmp_path, monkeypatch):
    import shutil

    from app.compliance.rulebook import DEFAULT_RULES_DIR

    copy = tmp_path / "bid_rules"
    shutil.copytree(DEFAULT_RULES_DIR, copy)
    nc = copy / "states" / "NC.yaml"
    nc.write_text(nc.read_text(encoding="utf-8").replace("amount: 90000", "amount: 200000"), encoding="utf-8")
    monkeypatch.setitem(app.config, "BID_RULES_DIR", str(copy))
    raw = facts("NC", amount=150000)
    body = client.post(API, json=raw).get_json()
    assert body["rules_version"] == load_rulebook(copy).version != load_rulebook(DEFAULT_RULES_DIR).version
    assert status_of(body, "NC.threshold.goods_formal") == "pass"  # 150,000 is under the edited 200,000
    monkeypatch.undo()
    assert status_of(client.post(API, json=raw).get_json(), "NC.threshold.goods_formal") == "fail"


# ----------------------------------------------------------------------------- per-state eligibility
def test_check_many_gives_one_verdict_per_state():
    states = sorted(load_rulebook().states)
    verdicts = check_many(contract(lead_agency_state="TX"), states,
                          {"agency_type": "school_district", "amount": 150000, "category": "goods",
                           "date": "2026-11-01", "funding": ["local"]}, ALL_ATTESTED)
    assert set(verdicts) == set(states)
    assert set(verdicts.values()) <= {"allowed", "needs_action", "not_allowed"}
    assert verdicts["NC"] == verdicts["VA"] == verdicts["PA"] == "allowed"
    assert verdicts["CA"] == "needs_action"  # out-of-state leads are unsettled under PCC § 20118
    assert verdicts["AL"] == "needs_action"  # the Alabama entry covers counties only
    assert check_many(None, ["ZZ"], {"agency_type": "county", "amount": 1, "category": "goods",
                                     "date": "2026-01-01", "funding": ["local"]}) == {"ZZ": "needs_action"}


HOSTILE = [
    ("5,000-deep objects", '{"a":' * 5000 + "1" + "}" * 5000, "nested too deeply"),
    ("100,000-deep arrays", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("an amount of 10**400", json.dumps({**EXAMPLE, "purchase": {**EXAMPLE["purchase"], "amount": 10**400}}),
     "purchase.amount: must be a number >= 0"),
    ("an amount of 1e400", json.dumps(EXAMPLE).replace('"amount": 150000', '"amount": 1e400'),
     "purchase.amount: must be a number >= 0"),
    ("NaN", json.dumps(EXAMPLE).replace('"amount": 150000', '"amount": NaN'), "NaN is not a JSON number"),
    ("Infinity", json.dumps(EXAMPLE).replace('"amount": 150000', '"amount": -Infinity'),
     "-Infinity is not a JSON number"),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_json_is_refused_never_a_crash(app, client, text, message):
    result = _cli(app, "-", stdin=text)
    assert result.exit_code == 2 and result.stderr.startswith("Error: ") and message in result.stderr
    response = client.post(API, data=text, content_type="application/json")
    assert response.status_code == 400 and message in response.get_json()["message"]

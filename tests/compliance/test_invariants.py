"""What holds for every report: a fail or action names its citation, the verdict is the most
restrictive finding. (The engine's speed per (contract, state) pair is measured by
bench/registry.py, not here.)"""
from __future__ import annotations

import itertools

from app.compliance.engine import evaluate, parse_facts
from app.compliance.facts import AGENCY_TYPES, CATEGORIES
from app.compliance.rulebook import load_rulebook
from tests.compliance.factories import contract, facts

LEADS = [None, contract(), contract(lead_agency_state=None), contract(lead_agency_type="private_gpo"),
         contract(lead_agency_type="federal", solicitation_method="none", term_end="2026-01-01")]


def test_every_report_is_well_formed():
    book = load_rulebook()
    grid = itertools.product(sorted(book.states), AGENCY_TYPES, CATEGORIES, (5000, 60000, 400000), LEADS)
    for state, agency_type, category, amount, lead in grid:
        raw = facts(state, agency_type=agency_type, category=category, amount=amount, coop=lead,
                    funding=["local", "federal", "e_rate"])
        report = evaluate(parse_facts(raw), book)
        assert report.findings, raw
        statuses = {f.status.value for f in report.findings}
        expected = ("not_allowed" if "fail" in statuses else
                    "needs_action" if statuses & {"action", "unknown"} else "allowed")
        assert report.verdict.value == expected
        for f in report.findings:
            assert f.message.strip() and f.rule
            if f.status.value in ("fail", "action"):
                assert f.citation and f.citation != "not on file", f


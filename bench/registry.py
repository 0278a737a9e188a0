"""The contract registry at the scale it is built for: N contracts registered through the real
service (search entry, eligibility in every state with rules, audit event), P purchase rows
spread over them, then the registry's searches, the "usable in my state" filter, a contract's
spend summary and the compliance engine timed.

    python bench/registry.py [--contracts 10000] [--purchases 1000000] [--queries 200]

Uses DATABASE_URL when set (a database of its own: it is migrated and filled), otherwise a new
SQLite file in a temporary folder. The rows are made by bench/world.py's loaders: contracts through
registration.register_contract (so the eligibility rows are the engine's own verdicts), purchase
rows bulk-inserted (recording them one by one through the service would time the audit chain, not
the registry's reads). Each timed query runs --queries times with varied words, states and pages;
`page_queries` is the SQL statements of the real registry page (`/contracts/` with words and the
state filter, through the test client: the app's X-Statements header). Ends with one line:

    contracts=N purchases=P register_per_s=R engine_ms_per_check=E search_p50_ms=... search_p95_ms=...
    state_filter_p50_ms=... state_filter_p95_ms=... combined_p95_ms=... spend_p95_ms=... page_queries=Q
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.world import (  # noqa: E402
    STATES,
    WORDS,
    analyze,
    contract_ids,
    cooperative_admin,
    insert_organizations,
    insert_purchases,
    log,
    make_app,
    percentile,
    register_contracts,
    set_up_environment,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    set_up_environment(Path(tempfile.mkdtemp(prefix="coopbid-registry-")))
    os.environ["COUNT_STATEMENTS"] = "1"  # the page's statements, in its X-Statements header

    from sqlalchemy import func, select

    from app.accounts.models import Organization
    from app.compliance.engine import check_many
    from app.compliance.rulebook import load_rulebook
    from app.contracts.models import Contract, Eligibility, Purchase
    from app.contracts.purchases import contract_spend
    from app.contracts.registry import search_contracts
    from app.core import clock
    from app.extensions import db
    from app.solicitations.models import Category

    app = make_app()
    rng = random.Random(20261201)
    tag = f"B{os.getpid()}"  # a new set of rows on every run, so runs can share a database

    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        admin = cooperative_admin(f"Bench Purchasing Cooperative {tag}", f"admin.{tag.lower()}@bench.example")
        register_per_s = register_contracts(admin, tag, args.contracts)
        contracts = contract_ids(tag)
        insert_organizations("agency", f"Bench Buyer {tag}", 200, seed=os.getpid())
        buyer_ids = list(db.session.scalars(select(Organization.id).where(
            Organization.name.startswith(f"Bench Buyer {tag} "))))
        log(f"inserting {args.purchases} purchase rows")
        insert_purchases(contracts, buyer_ids, admin.id, args.purchases, prefix=f"PO{tag}")
        heavy = contracts[:20]
        total_contracts = db.session.scalar(select(func.count()).select_from(Contract))
        total_purchases = db.session.scalar(select(func.count()).select_from(Purchase))
        analyze()
        category_ids = list(db.session.scalars(select(Category.id)))

        def timed(fn, times: int) -> list[float]:
            samples = []
            for i in range(times):
                db.session.expunge_all()
                start = time.perf_counter()
                fn(i)
                samples.append((time.perf_counter() - start) * 1000)
            return samples

        usable = [Eligibility.ALLOWED, Eligibility.NEEDS_ACTION]

        search = timed(lambda i: search_contracts(rng.choice(WORDS), page=1 + i % 3), args.queries)
        state_filter = timed(lambda i: search_contracts(
            "", usable_in_state=STATES[i % len(STATES)], eligibility_levels=usable, page=1 + i % 5), args.queries)
        combined = timed(lambda i: search_contracts(
            " ".join(rng.sample(WORDS, 2)), usable_in_state=STATES[i % len(STATES)], eligibility_levels=usable,
            active_only=True, category_id=rng.choice(category_ids) if i % 2 else None), args.queries)
        spend = timed(lambda i: contract_spend(db.session.get(Contract, heavy[i % len(heavy)])), args.queries)

        today = clock.now().date()
        rulebook = load_rulebook()
        facts = {"lead_agency_state": "TX", "lead_agency_type": "public_cooperative",
                 "solicitation_method": "sealed_bid", "award_basis": "lowest_responsible_bidder",
                 "cooperative_clause": True, "notice_first_published": "2026-01-20",
                 "notice_media": ["newspaper", "website"], "bid_opening": "2026-02-05", "sealed_bids": True,
                 "bids_received": 4, "award_date": "2026-03-01", "term_end": "2029-02-28"}
        template = {"agency_type": "school_district", "amount": 150000, "category": "goods",
                    "date": today.isoformat(), "funding": ["local", "federal"]}
        states = sorted(rulebook.states)
        check_many(facts, states, template, rulebook=rulebook)
        start = time.perf_counter()
        for _ in range(50):
            check_many(facts, states, template, rulebook=rulebook)
        engine_ms = (time.perf_counter() - start) * 1000 / (50 * len(states))

    # The real page's statements (a warm-up GET first: caches the app fills on first use).
    client = app.test_client()
    page = "/contracts/?q=paper&state=NC&usable=allowed&usable=needs_action"
    client.get(page)
    response = client.get(page)
    assert response.status_code == 200, response.status_code
    page_queries = int(response.headers["X-Statements"])

    print(f"contracts={total_contracts} purchases={total_purchases} register_per_s={register_per_s:.1f} "
          f"engine_ms_per_check={engine_ms:.3f} "
          f"search_p50_ms={statistics.median(search):.1f} search_p95_ms={percentile(search, 95):.1f} "
          f"state_filter_p50_ms={statistics.median(state_filter):.1f} "
          f"state_filter_p95_ms={percentile(state_filter, 95):.1f} "
          f"combined_p95_ms={percentile(combined, 95):.1f} spend_p95_ms={percentile(spend, 95):.1f} "
          f"page_queries={page_queries}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

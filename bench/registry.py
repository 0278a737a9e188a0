"""The contract registry at the scale it is built for: N contracts registered through the real
service (search entry, eligibility in every state with rules, audit event), P purchase rows
spread over them, then the registry's searches, the "usable in my state" filter, a contract's
spend summary and the compliance engine timed.

    python bench/registry.py [--contracts 10000] [--purchases 1000000] [--queries 200]

Uses DATABASE_URL when set (a database of its own: it is migrated and filled), otherwise a new
SQLite file in a temporary folder. Contracts go through registration.register_contract (so the
eligibility rows are the engine's own verdicts); purchase rows are bulk-inserted (recording them
one by one through the service would time the audit chain, not the registry's reads). Each timed
query runs --queries times with varied words, states and pages; the page's query count is
counted with an SQLAlchemy event listener. Ends with one line:

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
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ["furniture", "chromebook", "paper", "roofing", "hvac", "buses", "uniforms", "playground", "turf",
         "laptops", "displays", "custodial", "food", "copiers", "fuel", "software", "network", "science",
         "athletic", "security"]
STATES = ["AL", "AZ", "CA", "CO", "FL", "GA", "ID", "IL", "MD", "MN", "NC", "NJ", "NY", "OH", "OR", "PA", "TX",
          "UT", "VA", "WA"]
LEAD_TYPES = ["public_cooperative", "school_district", "county", "municipality", "state_agency"]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="coopbid-registry-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'registry.db'}")
    os.environ.setdefault("STORAGE_DIR", str(workdir / "files"))
    os.environ.setdefault("SEALING_KEY_FILE", str(workdir / "sealing.key"))
    os.environ.setdefault("MAIL_BACKEND", "console")

    from flask_migrate import upgrade
    from sqlalchemy import event, func, insert, select

    from app import create_app
    from app.accounts.models import AgencyType, Organization, User, UserRole
    from app.accounts.passwords import hash_password
    from app.compliance.engine import check_many
    from app.compliance.rulebook import load_rulebook
    from app.contracts.models import Contract, Eligibility, Purchase
    from app.contracts.purchases import contract_spend
    from app.contracts.registration import PriceLine, Registration, register_contract
    from app.contracts.registry import search_contracts
    from app.core import clock
    from app.core.roles import OrganizationKind, Role
    from app.extensions import db
    from app.solicitations import services as sol
    from app.solicitations.models import Category, ProcurementCategory

    app = create_app()
    rng = random.Random(20261201)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        upgrade()
        sol.ensure_builtin_categories()
        category_ids = list(db.session.scalars(select(Category.id)))
        coop = Organization(kind=OrganizationKind.AGENCY, name=f"Bench Purchasing Cooperative {os.getpid()}",
                            state="TX", agency_type=AgencyType.PUBLIC_COOPERATIVE, timezone="America/Chicago")
        db.session.add(coop)
        db.session.flush()
        admin = User(organization=coop, email=f"admin.{coop.id}@bench.example", name="Bench Admin",
                     password_hash=hash_password("bench-password-2026"), session_token=os.urandom(16).hex(),
                     role_rows=[UserRole(role=Role.AGENCY_ADMIN)])
        db.session.add(admin)
        db.session.commit()

        today = clock.now().date()
        categories = list(ProcurementCategory)
        tag = os.getpid()
        log(f"registering {args.contracts} contracts")
        started = time.perf_counter()
        for n in range(args.contracts):
            word_a, word_b = rng.sample(WORDS, 2)
            effective = today - timedelta(days=rng.randint(0, 1500))
            register_contract(admin, Registration(
                number=f"B{tag}-{n:06d}", title=f"{word_a.title()} and {word_b} contract {n}",
                summary=f"Cooperative contract for {word_a}, {word_b} and related services.",
                lead_agency_name=f"Bench Lead Agency {n % 400}", lead_agency_state=rng.choice(STATES),
                lead_agency_type=rng.choice(LEAD_TYPES), vendor_name=f"Bench Vendor {n % 2000}",
                vendor_tax_id=f"{10 + (n % 2000) % 89}-{tag % 1000:03d}{n % 2000:04d}", vendor_state="TX",
                procurement_category=rng.choice(categories), category_ids=[rng.choice(category_ids)],
                effective_on=effective, expires_on=effective + timedelta(days=rng.choice((365, 1095, 1825))),
                renewal_options=2, renewal_term_years=1,
                ceiling_value=Decimal(rng.choice((250_000, 1_000_000, 10_000_000))),
                cooperative_clause=rng.random() > 0.05,
                eligible_states=[] if rng.random() > 0.1 else rng.sample(STATES, 3),
                solicitation_method=rng.choice(("sealed_bid", "competitive_proposals")),
                award_basis=rng.choice(("lowest_responsible_bidder", "best_value")),
                notice_first_published=effective - timedelta(days=60), notice_media=["newspaper", "website"],
                bid_opening=effective - timedelta(days=35), sealed_bids=True, bids_received=rng.randint(1, 12),
                award_date=effective - timedelta(days=10),
                price_lines=[PriceLine(f"{word_a.title()} item {i}", "each", Decimal(rng.randint(100, 100000)) / 100)
                             for i in range(1, 4)]))
            if n % 250 == 249:
                db.session.commit()
                log(f"  {n + 1} contracts ({time.perf_counter() - started:.0f} s)")
        db.session.commit()
        register_per_s = args.contracts / (time.perf_counter() - started)

        contract_ids = list(db.session.scalars(select(Contract.id).where(Contract.number.startswith(f"B{tag}-"))))
        buyers = [Organization(kind=OrganizationKind.AGENCY, name=f"Bench Buyer {tag}-{i}", state=rng.choice(STATES),
                               agency_type=AgencyType.SCHOOL_DISTRICT) for i in range(200)]
        db.session.add_all(buyers)
        db.session.flush()
        buyer_ids = [b.id for b in buyers]
        # A few big national contracts carry most of the spend, as in the market.
        heavy = contract_ids[:20]
        log(f"inserting {args.purchases} purchase rows")
        batch = []
        for n in range(args.purchases):
            contract_id = rng.choice(heavy) if rng.random() < 0.5 else rng.choice(contract_ids)
            batch.append({"contract_id": contract_id, "agency_id": rng.choice(buyer_ids), "po_number": f"PO-{n}",
                          "ordered_on": today - timedelta(days=rng.randint(0, 365)),
                          "amount": Decimal(rng.randint(100, 5_000_000)) / 100, "items": [],
                          "above_contract_price": rng.random() < 0.02, "recorded_by_id": admin.id,
                          "created_at": clock.now()})
            if len(batch) == 20_000:
                db.session.execute(insert(Purchase), batch)
                db.session.commit()
                batch = []
        if batch:
            db.session.execute(insert(Purchase), batch)
            db.session.commit()
        total_contracts = db.session.scalar(select(func.count()).select_from(Contract))
        total_purchases = db.session.scalar(select(func.count()).select_from(Purchase))

        # Fresh statistics, and on PostgreSQL the visibility map index-only scans need: what
        # autovacuum does for a live database after a bulk load (VACUUM runs outside a transaction).
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")

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

        statements = []

        def count(*_args) -> None:  # noqa: ANN002
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        db.session.expunge_all()
        results = search_contracts("paper", usable_in_state="NC", eligibility_levels=usable)
        for contract in results.page.items:  # what the page template touches
            _ = (contract.vendor.name, contract.agency.name, [c.name for c in contract.categories])
        event.remove(db.engine, "before_cursor_execute", count)

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

    print(f"contracts={total_contracts} purchases={total_purchases} register_per_s={register_per_s:.1f} "
          f"engine_ms_per_check={engine_ms:.3f} "
          f"search_p50_ms={statistics.median(search):.1f} search_p95_ms={percentile(search, 95):.1f} "
          f"state_filter_p50_ms={statistics.median(state_filter):.1f} "
          f"state_filter_p95_ms={percentile(state_filter, 95):.1f} "
          f"combined_p95_ms={percentile(combined, 95):.1f} spend_p95_ms={percentile(spend, 95):.1f} "
          f"page_queries={len(statements)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

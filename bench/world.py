"""Loaders of a seed-scale world, shared by the benches (bench/registry.py, bench/pages.py).

Which rows are made how:
- contracts: one by one through `registration.register_contract` (the real service: search
  entry, eligibility in every state with rules from the engine's own verdicts, links, audit
  event), about 30 a second on PostgreSQL;
- organizations (agencies, vendors) and purchases: bulk INSERTs of plain rows (a million
  purchases recorded one by one through the service would time the audit chain for hours, not
  the pages that read them); then the contracts' running spend totals are recounted from them
  (what the service keeps with each purchase).
Every loader is resumable: rows carry a prefix in their name or number, a loader counts the ones
already there and makes only the missing ones, each row from its own seeded random generator, so
a run that stopped half way and a run from scratch make the same world.
"""
from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ["furniture", "chromebook", "paper", "roofing", "hvac", "buses", "uniforms", "playground", "turf",
         "laptops", "displays", "custodial", "food", "copiers", "fuel", "software", "network", "science",
         "athletic", "security"]
STATES = ["AL", "AZ", "CA", "CO", "FL", "GA", "ID", "IL", "MD", "MN", "NC", "NJ", "NY", "OH", "OR", "PA", "TX",
          "UT", "VA", "WA"]
LEAD_TYPES = ["public_cooperative", "school_district", "county", "municipality", "state_agency"]
ZONES = {"AZ": "America/Phoenix", "CA": "America/Los_Angeles", "OR": "America/Los_Angeles",
         "WA": "America/Los_Angeles", "ID": "America/Denver", "UT": "America/Denver", "CO": "America/Denver",
         "AL": "America/Chicago", "IL": "America/Chicago", "MN": "America/Chicago", "TX": "America/Chicago"}
BENCH_PASSWORD = "bench-password-2026"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def set_up_environment(workdir: Path) -> None:
    """The settings a bench app and its servers share: DATABASE_URL when given (else a SQLite
    file in `workdir`), files, the sealing key and the audit anchor log in `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}")
    os.environ.setdefault("STORAGE_DIR", str(workdir / "files"))
    os.environ.setdefault("SEALING_KEY_FILE", str(workdir / "sealing.key"))
    os.environ.setdefault("AUDIT_ANCHOR_PATH", str(workdir / "audit-anchors.log"))
    os.environ.setdefault("MAIL_BACKEND", "console")


def make_app():  # noqa: ANN201
    """The app on the environment's settings (config.py reads them at import), migrated."""
    from flask_migrate import upgrade

    from app import create_app

    app = create_app()
    with app.app_context():
        upgrade()
    return app


# ----------------------------------------------------------------------------- organizations
def cooperative_admin(name: str, email: str):  # noqa: ANN201
    """A public cooperative (it may register contracts) and its administrator, made once."""
    from sqlalchemy import select

    from app.accounts.models import AgencyType, Organization, User, UserRole
    from app.accounts.passwords import hash_password
    from app.core.roles import OrganizationKind, Role
    from app.extensions import db

    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user
    coop = Organization(kind=OrganizationKind.AGENCY, name=name, state="TX",
                        agency_type=AgencyType.PUBLIC_COOPERATIVE, timezone="America/Chicago")
    db.session.add(coop)
    user = User(organization=coop, email=email, name="Bench Admin", password_hash=hash_password(BENCH_PASSWORD),
                session_token=os.urandom(16).hex(), role_rows=[UserRole(role=Role.AGENCY_ADMIN)])
    db.session.add(user)
    db.session.commit()
    return user


def insert_organizations(kind: str, prefix: str, count: int, seed: int, batch_size: int = 10_000) -> int:
    """`count` agencies or vendors named "{prefix} 000123" (bulk INSERT); returns how many were made."""
    from sqlalchemy import func, insert, select

    from app.accounts.models import AgencyType, Organization
    from app.core.roles import OrganizationKind
    from app.extensions import db

    have = db.session.scalar(select(func.count()).select_from(Organization)
                             .where(Organization.name.startswith(f"{prefix} "))) or 0
    agency_types = list(AgencyType)
    made = 0
    for start in range(have, count, batch_size):
        rows = []
        for n in range(start, min(count, start + batch_size)):
            rng = random.Random(seed * 1_000_003 + n)
            state = rng.choice(STATES)
            if kind == "agency":
                rows.append({"kind": OrganizationKind.AGENCY, "name": f"{prefix} {n:06d}", "state": state,
                             "agency_type": rng.choice(agency_types), "timezone": ZONES.get(state, "America/New_York"),
                             "enrollment": rng.randint(500, 200_000)})
            else:  # 99- is a prefix no other loader gives a tax ID
                rows.append({"kind": OrganizationKind.VENDOR, "name": f"{prefix} {n:06d}", "state": state,
                             "tax_id": f"99-{n:07d}", "city": "Springfield",
                             "is_small_business": rng.random() < 0.3})
        db.session.execute(insert(Organization), rows)
        db.session.commit()
        made += len(rows)
        log(f"  {start + len(rows)} of {count} {kind} rows")
    return made


# ----------------------------------------------------------------------------- contracts
def registration(n: int, prefix: str, today: date, category_ids: list[int]):  # noqa: ANN201
    """The n-th contract of a bench world, as a registrant would type it."""
    from app.contracts.registration import PriceLine, Registration
    from app.solicitations.models import ProcurementCategory

    rng = random.Random(f"{prefix}-{n}")
    word_a, word_b = rng.sample(WORDS, 2)
    effective = today - timedelta(days=rng.randint(0, 1500))
    return Registration(
        number=f"{prefix}-{n:06d}", title=f"{word_a.title()} and {word_b} contract {n}",
        summary=f"Cooperative contract for {word_a}, {word_b} and related services.",
        lead_agency_name=f"Bench Lead Agency {n % 400}", lead_agency_state=rng.choice(STATES),
        lead_agency_type=rng.choice(LEAD_TYPES), vendor_name=f"Bench Vendor {n % 2000}",
        # 10- to 98-: never the 99- of insert_organizations' vendors
        vendor_tax_id=f"{10 + (n % 2000) % 89}-{sum(map(ord, prefix)) % 1000:03d}{n % 2000:04d}",
        vendor_state="TX", procurement_category=rng.choice(list(ProcurementCategory)),
        category_ids=[rng.choice(category_ids)],
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
                     for i in range(1, 4)])


def register_contracts(admin, prefix: str, count: int, commit_every: int = 250) -> float:  # noqa: ANN001
    """Contracts "{prefix}-000000" … through the registration service, the missing ones only.
    Returns contracts registered per second (0 when none was missing)."""
    from sqlalchemy import func, select

    from app.contracts.models import Contract
    from app.contracts.registration import register_contract
    from app.core import clock
    from app.extensions import db
    from app.solicitations import services as sol
    from app.solicitations.models import Category

    sol.ensure_builtin_categories()
    category_ids = list(db.session.scalars(select(Category.id).order_by(Category.id)))
    have = db.session.scalar(select(func.count()).select_from(Contract)
                             .where(Contract.number.startswith(f"{prefix}-"))) or 0
    if have >= count:
        return 0.0
    today = clock.now().date()
    log(f"registering contracts {have} to {count} through the service")
    started = time.perf_counter()
    for n in range(have, count):
        register_contract(admin, registration(n, prefix, today, category_ids))
        if n % commit_every == commit_every - 1:
            db.session.commit()
            log(f"  {n + 1} of {count} contracts ({time.perf_counter() - started:.0f} s)")
    db.session.commit()
    return (count - have) / (time.perf_counter() - started)


def contract_ids(prefix: str) -> list[int]:
    from sqlalchemy import select

    from app.contracts.models import Contract
    from app.extensions import db

    return list(db.session.scalars(select(Contract.id).where(Contract.number.startswith(f"{prefix}-"))
                                   .order_by(Contract.id)))


# ----------------------------------------------------------------------------- purchases
def insert_purchases(contracts: Sequence[int], agencies: Sequence[int], recorded_by_id: int, count: int, *,
                     prefix: str, heavy: int = 20, heavy_share: float = 0.5,
                     favoured: Sequence[int] = (), favoured_share: float = 0.0, batch_size: int = 20_000) -> int:
    """`count` purchase rows (bulk INSERT), PO numbers "{prefix}-{n}", the missing ones only. A few big
    national contracts (the first `heavy`) carry `heavy_share` of them, as in the market;
    `favoured` agencies (a bench's signed-in buyer) make `favoured_share` of them."""
    from sqlalchemy import func, insert, select

    from app.contracts.models import Purchase
    from app.core import clock
    from app.extensions import db

    have = db.session.scalar(select(func.count()).select_from(Purchase)
                             .where(Purchase.po_number.startswith(f"{prefix}-"))) or 0
    today, now = clock.now().date(), clock.now()
    national = list(contracts[:heavy])
    made = 0
    started = time.perf_counter()
    for start in range(have, count, batch_size):
        rng = random.Random(f"{prefix}-{start}")
        rows = []
        for n in range(start, min(count, start + batch_size)):
            contract_id = rng.choice(national) if rng.random() < heavy_share else rng.choice(contracts)
            agency_id = rng.choice(favoured) if favoured and rng.random() < favoured_share else rng.choice(agencies)
            rows.append({"contract_id": contract_id, "agency_id": agency_id, "po_number": f"{prefix}-{n}",
                         "ordered_on": today - timedelta(days=rng.randint(0, 365)),
                         "amount": Decimal(rng.randint(100, 5_000_000)) / 100, "items": [],
                         "above_contract_price": rng.random() < 0.02, "recorded_by_id": recorded_by_id,
                         "created_at": now})
        db.session.execute(insert(Purchase), rows)
        db.session.commit()
        made += len(rows)
        if (start // batch_size) % 10 == 9 or start + batch_size >= count:
            log(f"  {start + len(rows)} of {count} purchases ({time.perf_counter() - started:.0f} s)")
    if made:  # what record_purchase keeps with each purchase: the contracts' running totals
        from app.contracts.purchases import recount_spend

        recount_spend()
        db.session.commit()
    return made


def analyze() -> None:
    """Fresh statistics, and on PostgreSQL the visibility map index-only scans need: what
    autovacuum does for a live database after a bulk load (VACUUM runs outside a transaction)."""
    from app.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")

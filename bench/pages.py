"""The pages users load, at the scale CoopBid is built for, over HTTP, against a bare Flask app
measured in the same run.

    apt-get install -y wrk           # the load generator (Debian package)
    createdb -h 127.0.0.1 -U postgres coopbid_pages
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/coopbid_pages \\
        .venv/bin/python bench/pages.py [--agencies 60000] [--vendors 20000] [--contracts 10000]
        [--solicitations 5000] [--purchases 1000000] [--my-bids 500] [--seconds 5] [--reuse]

First it builds the world on DATABASE_URL (else a SQLite file in --workdir), printing its progress:
the demo data (`flask demo seed`: a user per role, solicitations, bids, an award, registered
contracts, purchases), then around it --agencies agencies and --vendors vendors (bulk INSERT),
--contracts contracts through the registration service (about 30 a second: eligibility in every
state with rules, search entry, audit), --solicitations solicitations in every status (bulk
INSERT, a fifth of them the demo lead agency's), --purchases purchases (bulk INSERT, half on 20
national contracts, 2 % by the demo buyer's agency) and --my-bids bids of the demo vendor through
the bid services (see bench/world.py and bench/world_solicitations.py). Every step counts what is
there and makes only what is missing: a stopped build resumes, a built world is reused as it is
(--reuse skips even the counting). The files, sealing key and audit anchor log live in --workdir
(default instance/bench-pages): keep it with the database.

Then it serves the app with `gunicorn -w 2` (COUNT_STATEMENTS=1: each answer says in X-Statements
how many SQL statements its request ran) and the bare app (bench/bare_app.py, 20 rows of JSON,
also -w 2), signs each role in through the login form, and loads every page with
`wrk -t2 -c16 -d<seconds>s` (signed-in pages with the session's cookie). The bare app is measured
first and last; its mean is the 100 %. One row per page: requests per second, share of the bare
app, p50 and p99 latency, size, SQL statements of one request; then each worker's resident memory
(VmRSS) after the run, and one line:

    pages=N min_share_pct=X p99_max_ms=Y max_kb=Z

The exit status is 1 when a page does not answer 200 or wrk saw errors.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadtest  # noqa: E402
from bench.world import (  # noqa: E402
    BENCH_PASSWORD,
    analyze,
    contract_ids,
    cooperative_admin,
    insert_organizations,
    insert_purchases,
    log,
    make_app,
    register_contracts,
    set_up_environment,
)
from bench.world_solicitations import insert_solicitations, submit_bids  # noqa: E402

CONTRACTS, SOLICITATIONS, PURCHASES = "W", "WS", "WPO"
AGENCIES, VENDORS = "World Agency", "World Vendor"
COOP_ADMIN = "coop.admin@world.example"
RSS_LIMIT_MB = 150


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: str = ""  # e-mail of the user signed in; "" for an anonymous visitor


def build_world(args: argparse.Namespace) -> None:
    from sqlalchemy import select

    from app.accounts.models import Organization, User
    from app.demo.awards import seed_awarded_ifb
    from app.demo.bids import seed_bids
    from app.demo.cooperative import seed_cooperative
    from app.demo.seed import seed_demo
    from app.demo.solicitations import seed_solicitations
    from app.extensions import db
    from app.solicitations.services import ensure_builtin_categories
    from app.core import clock

    def user(email: str) -> User:
        return db.session.scalar(select(User).where(User.email == email))

    made = 0
    log("the demo data (flask demo seed)")
    seed_demo()
    ensure_builtin_categories()
    seed_solicitations()
    seed_bids()
    seed_awarded_ifb()
    seed_cooperative()
    db.session.commit()
    admin = cooperative_admin("World Purchasing Cooperative", COOP_ADMIN)
    log(f"{args.agencies} agencies and {args.vendors} vendors")
    made += insert_organizations("agency", AGENCIES, args.agencies, seed=1)
    made += insert_organizations("vendor", VENDORS, args.vendors, seed=2)
    made += int(register_contracts(admin, CONTRACTS, args.contracts) > 0)

    officer, approver = user("procurement@acps.example"), user("approver@acps.example")
    world_agencies = list(db.session.scalars(select(Organization.id).where(
        Organization.name.startswith(f"{AGENCIES} ")).order_by(Organization.id).limit(800)))
    owners = [(officer.organization_id, officer.id, approver.id) if i % 5 == 0 or not world_agencies else
              (world_agencies[i % len(world_agencies)], admin.id, admin.id) for i in range(1000)]
    log(f"{args.solicitations} solicitations in every status")
    made += insert_solicitations(SOLICITATIONS, args.solicitations, owners, clock.now())

    buyers = list(db.session.scalars(select(Organization.id).where(Organization.name.startswith(f"{AGENCIES} "))))
    log(f"{args.purchases} purchases")
    made += insert_purchases(contract_ids(CONTRACTS), buyers, admin.id, args.purchases, prefix=PURCHASES,
                             favoured=[user("buyer@pvs.example").organization_id], favoured_share=0.02)
    made += submit_bids(user("vendor.admin@blueridge.example"), SOLICITATIONS, args.my_bids)
    if made:
        log("VACUUM ANALYZE")
        analyze()


def pages_of_the_world() -> list[Page]:
    """The pages to load, with the numbers of this world's rows in their addresses."""
    from sqlalchemy import func, select

    from app.contracts.models import Contract, Purchase, contract_categories
    from app.demo.seed import DEMO_USERS
    from app.demo.solicitations import COOPERATIVE_RFP_TITLE
    from app.extensions import db
    from app.solicitations.models import Solicitation

    heavy = db.session.execute(select(Contract.number, func.count()).join(Purchase, Purchase.contract_id == Contract.id)
                               .group_by(Contract.number).order_by(func.count().desc()).limit(1)).first()
    category = db.session.scalar(select(contract_categories.c.category_id).group_by(contract_categories.c.category_id)
                                 .order_by(func.count().desc()).limit(1))
    rfp = db.session.scalar(select(Solicitation.number).where(Solicitation.title == COOPERATIVE_RFP_TITLE))
    usable = "usable=allowed&usable=needs_action"
    pages = [
        Page("/healthz", "/healthz"),
        Page("registry", "/contracts/"),
        Page("registry: keyword", "/contracts/?q=chromebook"),
        Page("registry: state filter", f"/contracts/?state=CO&{usable}"),
        Page("registry: combined", f"/contracts/?q=furniture&state=TX&{usable}&active=1&category={category}"),
        Page(f"contract ({heavy[1]:,} purchases)", f"/contracts/{heavy[0]}"),
        Page("solicitations: open", "/solicitations/"),
        Page("solicitations: archive", "/solicitations/?status=past"),
        Page("solicitation", f"/solicitations/{rfp}"),
    ]
    labels = {"admin": "platform admin", "agency.admin@acps": "agency admin", "procurement": "procurement officer",
              "approver": "approver", "evaluator": "evaluator", "buyer": "buyer", "vendor.admin": "vendor admin",
              "vendor.user": "vendor user"}
    for demo in DEMO_USERS:
        label = next((words for key, words in labels.items() if demo.email.startswith(key)), None)
        if label and not any(p.name.endswith(f": {label}") for p in pages):
            pages.append(Page(f"dashboard: {label}", "/dashboard", demo.email))
    pages.append(Page("dashboard: cooperative admin", "/dashboard", COOP_ADMIN))
    pages.append(Page("my bids (vendor admin)", "/vendor/bids", "vendor.admin@blueridge.example"))
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (("agencies", 60_000), ("vendors", 20_000), ("contracts", 10_000),
                          ("solicitations", 5_000), ("purchases", 1_000_000), ("my-bids", 500)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--seconds", type=float, default=5, help="wrk run per page")
    parser.add_argument("--reuse", action="store_true", help="the world is built: load the pages only")
    parser.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent.parent / "instance" / "bench-pages")
    parser.add_argument("--port", type=int, default=8391, help="the app's; the bare app's is the next one")
    parser.add_argument("--only", action="append", default=[], metavar="WORDS",
                        help="load only the pages whose name contains WORDS (repeatable), e.g. --only dashboard")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    set_up_environment(args.workdir)
    os.environ.setdefault("LOGIN_RATE_LIMIT", "100000 per minute")
    app = make_app()
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        if not args.reuse:
            build_world(args)
        pages = [p for p in pages_of_the_world() if not args.only or any(w in p.name for w in args.only)]
    from app.demo.seed import DEMO_PASSWORD
    from app.extensions import db

    with app.app_context():
        db.engine.dispose()
    return run(pages, args, DEMO_PASSWORD)


def run(pages: list[Page], args: argparse.Namespace, demo_password: str) -> int:
    log(f"load average before: {loadtest.load_average()}")
    app = loadtest.Server("wsgi:app", args.port, 2, {"COUNT_STATEMENTS": "1"}, args.workdir / "gunicorn-app.log")
    bare = loadtest.Server("bench.bare_app:app", args.port + 1, 2, {}, args.workdir / "gunicorn-bare.log")
    try:
        app.wait_ready("/healthz")
        bare.wait_ready("/")
        started_rss = {pid: loadtest.rss_mb(pid) for pid in app.worker_pids()}
        bare_runs = [loadtest.wrk(bare.url + "/", args.seconds)]
        cookies = {}
        for email in sorted({p.user for p in pages if p.user}):
            cookies[email] = loadtest.sign_in(app.url, email, BENCH_PASSWORD if email == COOP_ADMIN else demo_password)
        rows, failed = [], False
        for page in pages:
            cookie = cookies.get(page.user, "")
            loadtest.fetch(app.url + page.path, cookie)  # warm: caches the app fills on first use
            first = loadtest.fetch(app.url + page.path, cookie)
            load = loadtest.wrk(app.url + page.path, args.seconds, cookie=cookie)
            bad = first.status != 200 or load.errors > 0
            failed |= bad
            rows.append((page, first, load, bad))
            log(f"  {page.name}: {load.per_s:.1f} req/s, p99 {load.p99_ms:.0f} ms"
                + (f"  <- HTTP {first.status}, {load.errors} errors" if bad else ""))
        bare_runs.append(loadtest.wrk(bare.url + "/", args.seconds))
        workers = {pid: loadtest.rss_mb(pid) for pid in app.worker_pids()}
    finally:
        app.stop()
        bare.stop()
    bare_per_s = sum(r.per_s for r in bare_runs) / len(bare_runs)
    print(f"bare Flask app (20 rows of JSON): {bare_per_s:,.0f} req/s "
          f"(first {bare_runs[0].per_s:,.0f}, last {bare_runs[-1].per_s:,.0f}); "
          f"load average after: {loadtest.load_average()}")
    print(f"| {'page':<34} | {'req/s':>7} | {'share %':>7} | {'p50 ms':>7} | {'p99 ms':>7} | {'KB':>6} | {'SQL':>4} |")
    print(f"|{'-' * 36}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 6}|")
    shares = []
    for page, first, load, bad in rows:
        share = 100 * load.per_s / bare_per_s
        shares.append(share)
        print(f"| {page.name + (' (!)' if bad else ''):<34} | {load.per_s:>7.1f} | {share:>7.1f} | {load.p50_ms:>7.1f} | "
              f"{load.p99_ms:>7.1f} | {first.size / 1024:>6.1f} | {first.statements if first.statements is not None else '?':>4} |")
    for pid, rss in workers.items():
        print(f"worker {pid}: VmRSS {rss:.0f} MB after the run ({started_rss.get(pid, 0):.0f} MB once started)"
              f"{'' if rss <= RSS_LIMIT_MB else f', over {RSS_LIMIT_MB} MB'}")
    print(f"pages={len(rows)} min_share_pct={min(shares):.1f} p99_max_ms={max(r[2].p99_ms for r in rows):.0f} "
          f"max_kb={max(r[1].size for r in rows) / 1024:.0f}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

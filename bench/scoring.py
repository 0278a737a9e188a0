"""Scoring at scale: N bids x C criteria x E evaluators, stored, scored and ranked through the
real services and database, then the evaluation report built and stored as the scheduler's job
does, and served from storage to a signed-in officer.

    python bench/scoring.py [--bids 1000] [--criteria 20] [--evaluators 7]

Uses DATABASE_URL when set (a database of its own: it is migrated and filled), otherwise a new
SQLite file in a temporary folder. Bids are made with the real bid services (sealed, receipted,
audited) with the clock frozen before the deadline, then opened, declared responsive, scored by
each evaluator as one scoring sheet, closed by the chair and ranked. Ends with one line:

    bids=N rank_seconds=X report_build_seconds=Y report_served_seconds=Z

rank_seconds: the ranking (services.results) from a cold session. report_build_seconds: what the
build_evaluation_reports job does for one report (rank, lay out, render, store, commit).
report_served_seconds: GET report.pdf through the app (test client, signed in as the officer),
the stored file read and checked against its SHA-256.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=1000)
    parser.add_argument("--criteria", type=int, default=20, help="including the price criterion")
    parser.add_argument("--evaluators", type=int, default=7)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="coopbid-scoring-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'scoring.db'}")
    os.environ.setdefault("STORAGE_DIR", str(workdir / "files"))
    os.environ.setdefault("SEALING_KEY_FILE", str(workdir / "sealing.key"))
    os.environ.setdefault("MAIL_BACKEND", "console")

    from flask_migrate import upgrade

    from app import create_app
    from app.accounts.models import AgencyType, Organization, User, UserRole
    from app.accounts.passwords import hash_password
    from app.bids import drafts, opening, submission
    from app.bids.models import Bid
    from app.core import clock
    from app.core.files import check_upload
    from app.core.roles import OrganizationKind, Role
    from app.evaluation import report_files, services as evaluation
    from app.extensions import db
    from app.solicitations import services as sol
    from app.solicitations.models import Category, NoticeMedium, PriceFormula, SolicitationStatus, SolicitationType

    app = create_app()
    rng = random.Random(20261122)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        upgrade()
        sol.ensure_builtin_categories()
        password = hash_password("bench-password-2026")

        def user(org: Organization, name: str, *roles: Role) -> User:
            u = User(organization=org, email=f"{name.lower().replace(' ', '.')}.{org.id}@bench.example",
                     name=name, password_hash=password, session_token=os.urandom(16).hex(),
                     role_rows=[UserRole(role=r) for r in roles])
            db.session.add(u)
            db.session.flush()
            return u

        agency = Organization(kind=OrganizationKind.AGENCY, name=f"Bench County Schools {os.getpid()}", state="VA",
                              agency_type=AgencyType.SCHOOL_DISTRICT, timezone="America/New_York",
                              short_code=f"B{os.getpid() % 100000}")
        db.session.add(agency)
        db.session.flush()
        officer = user(agency, "Olive Officer", Role.PROCUREMENT_OFFICER)
        approver = user(agency, "Abe Approver", Role.APPROVER)
        evaluators = [user(agency, f"Evaluator {i + 1}", Role.EVALUATOR) for i in range(args.evaluators)]

        now = clock.now()
        clock.freeze(now)
        technical = args.criteria - 1
        price_points = Decimal(100 - 4 * technical) if technical * 4 < 100 else Decimal(4)
        weights = [Decimal(4)] * technical
        if technical * 4 >= 100:
            raise SystemExit("use at most 24 criteria")
        criteria = [{"name": f"Criterion {i + 1}", "description": "", "points": w, "is_price": False,
                     "price_formula": None} for i, w in enumerate(weights)]
        criteria.append({"name": "Price", "description": "", "points": price_points, "is_price": True,
                         "price_formula": PriceFormula.LOWEST_OVER_THIS})
        s = sol.create_solicitation(officer, type_=SolicitationType.RFP, title="Bench: classroom technology")
        sol.save_draft(officer, s, fields={"questions_due_at": now + timedelta(days=10),
                                           "due_at": now + timedelta(days=20), "required_documents": ["w9"]},
                       category_ids=[db.session.scalar(db.select(Category.id).limit(1))], criteria=criteria,
                       items=[{"description": f"Item {i}", "unit": "each", "estimated_quantity": Decimal(100 * i)}
                              for i in (1, 2, 3)],
                       notices=[{"medium": NoticeMedium.NEWSPAPER, "outlet": "Bench Courier",
                                 "published_on": (now - timedelta(days=2)).date()}])
        for actor, target in ((officer, SolicitationStatus.PENDING_APPROVAL), (approver, SolicitationStatus.APPROVED),
                              (officer, SolicitationStatus.PUBLISHED)):
            sol.change_status(actor, s, target)
        db.session.commit()

        log(f"making {args.bids} sealed bids")
        started = time.perf_counter()
        w9 = check_upload("w9.pdf", b"%PDF-1.4\n% bench W-9\n%%EOF\n", allowed={"pdf"}, max_bytes=1 << 20)
        attest = {key: True for key in drafts.ATTESTATIONS}
        for n in range(args.bids):
            vendor_org = Organization(kind=OrganizationKind.VENDOR, name=f"Bench Vendor {n:04d}", state="TX",
                                      tax_id=f"{10 + n % 89}-{1000000 + n}")
            db.session.add(vendor_org)
            db.session.flush()
            vendor = user(vendor_org, "Vendor Admin", Role.VENDOR_ADMIN)
            prices = {item.id: Decimal(rng.randint(5000, 20000)) / 100 for item in s.items}
            drafts.save_draft(vendor, s, prices=prices, notes="", attestations=attest, uploads=[("w9", w9)])
            submission.submit_bid(vendor, s)
            if n % 100 == 99:
                db.session.commit()
                log(f"  {n + 1} bids ({time.perf_counter() - started:.0f} s)")
        db.session.commit()

        clock.freeze(s.due_at + timedelta(minutes=1))
        sol.change_status(officer, s, SolicitationStatus.CLOSED)
        sol.change_status(officer, s, SolicitationStatus.OPENED)
        for bid in db.session.scalars(db.select(Bid).where(Bid.solicitation_id == s.id)):
            opening.decide_responsiveness(officer, bid, True, "")
        evaluation.name_committee(officer, s, [e.id for e in evaluators], evaluators[0].id)
        sol.change_status(officer, s, SolicitationStatus.UNDER_EVALUATION)
        db.session.commit()
        log("bids opened; scoring")

        scorable = evaluation.scorable_bids(s)
        tech = evaluation.technical_criteria(s)
        for e in evaluators:
            evaluation.attest(e, s, has_conflict=False)
            sheet = [(bid, c, Decimal(rng.randint(0, int(c.points) * 4)) / 4, "") for bid in scorable for c in tech]
            evaluation.record_scores(e, s, sheet)
            db.session.commit()
            log(f"  {e.name}: {len(sheet)} scores")
        evaluation.close_scoring(evaluators[0], s)
        db.session.commit()

        db.session.expire_all()
        t0 = time.perf_counter()
        res = evaluation.results(s)
        rank_seconds = time.perf_counter() - t0
        assert len(res.ranked) == args.bids, len(res.ranked)
        log(f"top: {res.ranked[0].name} {res.ranked[0].total_display}")

        db.session.expire_all()
        t0 = time.perf_counter()
        stored, body = report_files.build_report_file(s)
        db.session.commit()
        build_seconds = time.perf_counter() - t0
        sha256, url, number = stored.sha256, f"/agency/solicitations/{s.id}/evaluation/report.pdf", s.number
        log(f"report: {len(body) / 1_048_576:.1f} MB, {body.count(b'/Type /Page') - body.count(b'/Type /Pages')} "
            f"pages, built in {stored.build_ms} ms (rank, lay out, render)")
        assert report_files.stale_reports().count(s.id) == 0  # the job has nothing left to do for it
        officer_email = officer.email
        clock.reset()

    client = app.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/accounts/login").get_data(as_text=True))
    signed = client.post("/accounts/login", data={"email": officer_email, "password": "bench-password-2026",
                                                  "csrf_token": token.group(1) if token else ""})
    assert signed.status_code == 302, signed.status_code
    t0 = time.perf_counter()
    served = client.get(url)
    served_seconds = time.perf_counter() - t0
    assert served.status_code == 200, served.status_code
    assert served.headers["ETag"] == f'"{sha256}"' and hashlib.sha256(served.data).hexdigest() == sha256
    log(f"served {number}'s report: {len(served.data)} bytes, ETag {sha256[:12]}…")

    print(f"bids={args.bids} rank_seconds={rank_seconds:.2f} report_build_seconds={build_seconds:.2f} "
          f"report_served_seconds={served_seconds:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

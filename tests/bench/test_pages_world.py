"""bench/pages.py's parts that can be wrong without a run to show it: reading wrk's report, and the
world's bulk-made solicitations (every status, each row within the database's constraints,
made once however often the build runs)."""
from __future__ import annotations

import subprocess
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.core.roles import Role
from app.extensions import db

WRK_REPORT = """Running 5s test @ http://127.0.0.1:8391/contracts/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.13s     1.47s    4.08s    68.57%
  Latency Distribution
     50%    1.13s{pad}
     75%    3.70s{pad}
     90%    3.95s{pad}
     99%  {p99}{pad}
  {requests} requests in 5.03s, 1.78MB read
  Non-2xx or 3xx responses: {non2xx}
Requests/sec:      6.96
Transfer/sec:    362.01KB
"""


@pytest.fixture
def loadtest():
    from bench import loadtest

    return loadtest


@pytest.mark.parametrize(("p99", "ms"), [("4.08s", 4080.0), ("812.40ms", 812.4), ("950.00us", 0.95)])
def test_wrk_latencies_are_read_in_milliseconds_whatever_the_unit(loadtest, monkeypatch, p99, ms):
    report = WRK_REPORT.format(pad=" ", p99=p99, requests=35, non2xx=2)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, report, ""))
    load = loadtest.wrk("http://127.0.0.1:8391/contracts/", 5)
    assert (load.per_s, load.p50_ms, load.requests, load.errors) == (6.96, 1130.0, 35, 2)
    assert load.p99_ms == pytest.approx(ms)


def test_a_run_where_nothing_came_back_is_an_error_not_a_crash(loadtest, monkeypatch):
    report = WRK_REPORT.format(pad="", p99="0.00us", requests=0, non2xx=0).replace("Non-2xx or 3xx responses: 0\n", "")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, report, ""))
    load = loadtest.wrk("http://127.0.0.1:8391/solicitations/", 5)
    assert load.requests == 0 and load.errors == 1 and load.per_s == 0.0 and load.p99_ms == float("inf")


def test_the_bulk_solicitations_come_in_every_status_within_the_constraints_and_once(app, make_user):
    from bench.world import insert_organizations
    from bench.world_solicitations import STATUS_SHARES, insert_solicitations
    from app.accounts.models import Organization
    from app.solicitations import services
    from app.solicitations.models import PublicNotice, Solicitation, SolicitationStatus

    officer = make_user(Role.PROCUREMENT_OFFICER)
    approver = make_user(Role.APPROVER, org_id=officer.organization_id)
    with app.test_request_context():
        services.ensure_builtin_categories()
        assert insert_organizations("agency", "World Agency", 3, seed=1) == 3
        assert insert_organizations("agency", "World Agency", 3, seed=1) == 0  # made once
        others = list(db.session.scalars(select(Organization.id).where(Organization.name.startswith("World Agency "))))
        owners = [(officer.organization_id, officer.id, approver.id)] + [(o, officer.id, approver.id) for o in others]
        now = clock.now()
        assert insert_solicitations("WS", 120, owners, now) == 120  # the CHECK constraints accepted every row
        assert insert_solicitations("WS", 120, owners, now) == 0
        statuses = Counter(db.session.scalars(select(Solicitation.status).where(Solicitation.number.startswith("WS-"))))
        assert set(statuses) == set(SolicitationStatus)
        assert len(STATUS_SHARES) == len(SolicitationStatus) + 1  # published is split: open and past due
        open_now = db.session.scalar(select(func.count()).select_from(Solicitation).where(
            Solicitation.status == SolicitationStatus.PUBLISHED, Solicitation.due_at > now))
        assert open_now > 0
        advertised = db.session.scalar(select(func.count()).select_from(Solicitation).where(
            Solicitation.published_at.is_not(None)))
        assert db.session.scalar(select(func.count()).select_from(PublicNotice)) == advertised

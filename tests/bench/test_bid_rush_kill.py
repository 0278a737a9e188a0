"""bench/bid_rush.py --kill-workers: the workers of a master process are found and SIGKILLed at
spread-out moments, and a client whose POST got no answer recovers its receipt from its bid form
or posts again; a connection error is never counted as lost. (The real run against gunicorn is
in bench/README.md; here a stand-in master with sleeping children keeps the test fast.)"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.bench.test_bid_rush_classification import NUMBER, FakeResponse

# Under pytest-xdist (make test) the timing tests take turns on one worker.
pytestmark = pytest.mark.xdist_group("timing")

MASTER = """
import subprocess, sys, time
children = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) for _ in range(3)]
print(" ".join(str(c.pid) for c in children), flush=True)
while True:
    for c in children:
        c.poll()  # reap the killed ones, as gunicorn's master does
    time.sleep(0.05)
"""


@pytest.fixture
def master():
    process = subprocess.Popen([sys.executable, "-c", MASTER], stdout=subprocess.PIPE, text=True)
    children = [int(pid) for pid in process.stdout.readline().split()]
    yield process, children
    for pid in children:
        subprocess.run(["kill", "-9", str(pid)], stderr=subprocess.DEVNULL, check=False)
    process.kill()
    process.wait()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_workers_are_killed_at_spread_out_moments(rush, master):
    from bench.rush_kill import WorkerKiller, worker_pids

    process, children = master
    assert worker_pids(process.pid) == sorted(children)
    killer = WorkerKiller(process.pid, 2, total=9)
    assert killer.moments == [3, 6]
    for done in (1, 2):
        killer.progress(done)
    assert killer.killed == []
    killer.progress(3)
    assert len(killer.killed) == 1
    killer.progress(7)  # past the second moment
    assert len(killer.killed) == 2 and set(killer.killed) <= set(children)
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in killer.killed) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in killer.killed)
    assert sum(_alive(pid) for pid in children) == 1
    killer.progress(9)
    assert len(killer.killed) == 2  # exactly N


def test_orphans_are_new_files_no_row_references(tmp_path):
    from bench.rush_kill import orphans, storage_files

    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / "abold").write_bytes(b"x")
    before = storage_files(tmp_path)
    for name in ("abkept", "aborphan", "abhalf.part"):
        (tmp_path / "ab" / name).write_bytes(b"x")
    assert orphans(before, storage_files(tmp_path), {"abkept"}) == ["abhalf.part", "aborphan"]


class DyingSession:
    """The POST's worker is killed (no answer) `deaths` times; the bid form then lists
    `stored_receipt` when the killed request had committed."""

    def __init__(self, deaths: int, stored_receipt: str | None = None):
        self.deaths, self.stored_receipt, self.posts = deaths, stored_receipt, 0

    def post(self, *args, **kwargs):
        self.posts += 1
        if self.posts <= self.deaths:
            raise requests.ConnectionError("Connection aborted: RemoteDisconnected")
        return FakeResponse(302, f"http://127.0.0.1:8071/bids/receipts/{NUMBER}-WXYZ-2345")

    def get(self, *args, **kwargs):
        link = (f'<a href="/bids/receipts/{self.stored_receipt}">{self.stored_receipt}</a>'
                if self.stored_receipt else "")
        return FakeResponse(200, text=f"<h2>Versions and receipts</h2>{link}")


def _vendor(module, session):
    return module.Vendor(1, 1, "v@bench.example", session=session, prices={1: "1.00"}, pdf=b"%PDF")


def test_a_stored_submission_whose_answer_was_lost_is_recovered(rush):
    session = DyingSession(deaths=1, stored_receipt=f"{NUMBER}-ABCD-EFGH")
    vendor = _vendor(rush, session)
    rush.submit("http://127.0.0.1:8071", NUMBER, [1], vendor, retries=3)
    assert vendor.outcome == rush.RECEIPT and vendor.receipt == f"{NUMBER}-ABCD-EFGH"
    assert vendor.recovered and vendor.retried == 0 and session.posts == 1


def test_a_submission_that_was_not_stored_is_posted_again(rush):
    session = DyingSession(deaths=2)
    vendor = _vendor(rush, session)
    rush.submit("http://127.0.0.1:8071", NUMBER, [1], vendor, retries=3)
    assert vendor.outcome == rush.RECEIPT and vendor.receipt == f"{NUMBER}-WXYZ-2345"
    assert vendor.retried == 2 and not vendor.recovered


def test_without_kills_a_connection_error_still_fails_the_run(rush):
    vendor = _vendor(rush, DyingSession(deaths=1))
    rush.submit("http://127.0.0.1:8071", NUMBER, [1], vendor)
    assert vendor.outcome == rush.FAILED and vendor.receipt is None
    exhausted = _vendor(rush, DyingSession(deaths=9))
    rush.submit("http://127.0.0.1:8071", NUMBER, [1], exhausted, retries=3)
    assert exhausted.outcome == rush.FAILED and exhausted.retried == 3

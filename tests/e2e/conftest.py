"""Browser tests: CoopBid served by gunicorn on localhost with a fresh database (SQLite in a
temporary folder, or a new PostgreSQL database beside DATABASE_URL's), driven by Playwright in
the Debian `chromium` package (never a browser Playwright downloads), with axe-core injected into
every page visited and a screenshot of each main page under test-output/screenshots/.

Without chromium, Playwright or axe-core these tests are skipped, unless COOPBID_E2E_REQUIRED=1
(as .ci/run sets), when that is a failure.

The server's clock: each test starts with the server's now at a chosen UTC hour of the day
(COOPBID_E2E_HOURS, comma-separated HH:MM; default "06:30,23:30"; "now" leaves the real time).
Every test runs once per hour, its id naming the hour (test_journey[06:30]), each hour on its own
server and fresh database: the server with its world is made once per hour and its tests run in
turn, the clock only ever moving forward. At 06:30 UTC the Mountain and Pacific zones are still
on the previous day; at 23:30 UTC the Eastern zone is on the same day as UTC but late: a date a
test types must come from the server's clock in the time zone of the agency that checks it
(server.today(tz), server.local_datetime(tz, days, hour)), never from the test machine's clock.

A test can start from the demo data instead (`flask demo seed`: the README's demo logins, its
solicitations, bids, contracts and purchases): decorated with `@on_the_demo()`, it runs once, at
the first of the hours, on a server of its own whose fresh database holds the demo and nothing else.

Fixtures
--------
server      the running server, its clock set to the test's hour: .url, .env, .hour, .now(),
            .today(tz, days=0), .local_datetime(tz, days, hour), .move_clock(delta),
            .run_scheduler_tick()
browser     a headless Chromium (one per session)
pages       pages.new(name) -> a Page in its own browser context (one person's session), with
            pages.audit(page, shot=None) checking axe and saving a screenshot
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# What the probe of this machine kind found Chromium needs to start quietly as root, offline.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The WCAG 2.1 A and AA rules; a serious or critical violation fails the test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
# The UTC hours of the day each test starts at: 06:30 (America's west still on the previous day)
# and 23:30 (every American zone on UTC's day, late in it).
DEFAULT_HOURS = "06:30,23:30"
NOW = "now"
# What a server's fresh database starts with: the journeys' people (tests/e2e/world.py), or the demo.
WORLD, DEMO = "world", "demo"


def clock_hours() -> list[str]:
    """COOPBID_E2E_HOURS: "HH:MM" UTC hours, comma-separated ("now": the real time)."""
    raw = os.environ.get("COOPBID_E2E_HOURS", "").strip() or DEFAULT_HOURS
    hours = []
    for text in (part.strip() for part in raw.split(",")):
        if text != NOW:
            try:
                text = datetime.strptime(text, "%H:%M").strftime("%H:%M")
            except ValueError:
                raise pytest.UsageError(f"COOPBID_E2E_HOURS: {text!r} is not an HH:MM hour or 'now'") from None
        if text not in hours:
            hours.append(text)
    return hours


def on_the_demo() -> pytest.MarkDecorator:
    """Run the test once, at the first of COOPBID_E2E_HOURS, on its own server whose fresh database
    holds the demo data (`flask demo seed`) rather than the journeys' world."""
    hour = clock_hours()[0]
    return pytest.mark.parametrize("served", [(hour, DEMO)], indirect=True, ids=[hour])


def _missing_prerequisite() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (make test installs it)"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    if not AXE_JS.exists():
        return f"axe-core is not installed ({AXE_JS}; npm ci --prefix tests/e2e, which make test runs)"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):  # noqa: ANN001
    _group_by_server(items)
    missing = _missing_prerequisite()
    if missing is None:
        return
    if os.environ.get("COOPBID_E2E_REQUIRED") == "1":
        raise pytest.UsageError(f"browser tests are required here but cannot run: {missing}")
    skip = pytest.mark.skip(reason=f"browser tests skipped: {missing}")
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


def _group_by_server(items) -> None:  # noqa: ANN001
    """Under pytest-xdist (make test), the tests of one server (one clock hour, or the demo) form one
    xdist group: one worker makes that server once and runs them in turn, as a lone pytest does,
    while the other servers' tests run on other workers. (tryfirst: the marks must be there before
    xdist reads them to name the groups.)"""
    here = Path(__file__).parent
    for item in items:
        served = getattr(getattr(item, "callspec", None), "params", {}).get("served")
        if served is not None and Path(str(item.fspath)).is_relative_to(here):
            hour, data = served if isinstance(served, tuple) else (served, WORLD)
            item.add_marker(pytest.mark.xdist_group(f"e2e-{data}-{hour}"))


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def _address(url: str) -> str:
    """A page's address without the fragment (the same document)."""
    return url.split("#", 1)[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_database(url: str, name: str, create: bool) -> str:
    """Create (or drop) database `name` on DATABASE_URL's server; returns its URL."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit((parts.scheme.replace("+psycopg", ""), parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


@dataclass
class Server:
    url: str
    env: dict[str, str]
    clock_file: Path
    hour: str = NOW
    offset: timedelta = field(default=timedelta(0))

    # -- the server's clock: the real time plus the offset its processes read from clock_file
    def now(self) -> datetime:
        """The server's now (UTC), as its processes read it."""
        text = self.clock_file.read_text(encoding="utf-8").strip() if self.clock_file.exists() else ""
        return datetime.now(timezone.utc) + timedelta(seconds=float(text or 0))

    def today(self, tz: str, days: int = 0) -> str:
        """The server's date in time zone `tz` (an agency's), plus `days`: what a date input takes."""
        return (self.now().astimezone(ZoneInfo(tz)).date() + timedelta(days=days)).isoformat()

    def local_datetime(self, tz: str, days: int, hour: int, minute: int = 0) -> str:
        """A datetime-local input's value: `hour`:`minute` in zone `tz`, `days` after the server's date there."""
        return f"{self.today(tz, days)}T{hour:02d}:{minute:02d}"

    def _set_offset(self, offset: timedelta) -> None:
        from app.core import clock

        self.offset = offset
        clock.write_offset_file(self.clock_file, offset)

    def move_clock(self, delta: timedelta) -> None:
        """Move every process's clock (web workers, scheduler ticks) forward by `delta`."""
        self._set_offset(self.offset + delta)

    def set_clock_at(self, hour: str) -> datetime:
        """Move the server's clock forward to the next `hour` ("HH:MM", UTC) at or after its now
        (never back: the data of earlier tests stays in the past); returns the new now."""
        if hour == NOW:
            return self.now()
        hours, minutes = (int(part) for part in hour.split(":"))
        real = datetime.now(timezone.utc)
        current = real + self.offset
        target = current.replace(hour=hours, minute=minutes, second=0, microsecond=0)
        if target < current:
            target += timedelta(days=1)
        self._set_offset(target - real)
        return target

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=300, check=True)

    def run_scheduler_tick(self) -> str:
        """What the scheduler process does when its jobs come due (`flask scheduler tick`)."""
        return self.flask("scheduler", "tick").stdout


@pytest.fixture(scope="session", params=clock_hours())
def served(request, tmp_path_factory):
    """One server with a fresh database and world per clock hour (request.param: the hour, or
    (hour, DEMO) for the demo data instead of the world: see on_the_demo)."""
    hour, data = request.param if isinstance(request.param, tuple) else (request.param, WORLD)
    work = tmp_path_factory.mktemp("e2e")
    database = os.environ.get("DATABASE_URL")
    pg_name = None
    if database and database.startswith("postgres"):
        # One at a time in each pytest process (its servers run in turn); xdist workers each their own.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        pg_name = f"{urlsplit(database).path.lstrip('/')}_{worker}_e2e"[:63]
        database = _postgres_database(database, pg_name, create=True)
    else:
        database = f"sqlite:///{work / 'e2e.db'}"
    port = _free_port()
    env = {**os.environ, "COOPBID_ENV": "development", "DATABASE_URL": database, "STORAGE_DIR": str(work / "files"),
           "SEALING_KEY": "q0dYlq3qV2yCz7iBgUuIVh3OQm0c9cO7yD0SxgkzZVo=", "MAIL_BACKEND": "console",
           "LOGIN_RATE_LIMIT": "1000 per minute", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
           "CLOCK_OFFSET_FILE": str(work / "clock-offset"), "AUDIT_ANCHOR_PATH": str(work / "audit-anchors.log"),
           "PYTHONPATH": str(ROOT)}
    server = Server(f"http://127.0.0.1:{port}", env, work / "clock-offset", hour=hour)
    server.flask("db", "upgrade")
    if data == DEMO:
        server.flask("demo", "seed")
    else:
        subprocess.run([sys.executable, "-m", "tests.e2e.world"], cwd=ROOT, env=env, check=True, timeout=120)
    log = (work / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start:\n" + (work / "server.log").read_text())
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        errors = [line for line in (work / "server.log").read_text().splitlines() if "Traceback" in line]
        if pg_name:
            _postgres_database(os.environ["DATABASE_URL"], pg_name, create=False)
        assert not errors, "the server logged errors:\n" + (work / "server.log").read_text()[-5000:]


@pytest.fixture
def server(served):
    """The server, its clock moved to the test's hour of the day (UTC) as the test starts."""
    served.set_clock_at(served.hour)
    return served


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Pages:
    def __init__(self, browser, server: Server):  # noqa: ANN001
        self.browser, self.server = browser, server
        self.contexts = []
        self.visited: set[str] = set()  # every address a page of the test showed
        self.audited: dict[str, int] = {}  # address -> serious or critical violations (0)
        self.script_errors: list[str] = []

    def new(self):  # noqa: ANN201
        context = self.browser.new_context(base_url=self.server.url, viewport={"width": 1280, "height": 900},
                                           accept_downloads=True)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))
        page.on("response", lambda response: response.status >= 500 and self.script_errors.append(
            f"HTTP {response.status} from {response.url}"))
        page.on("framenavigated", lambda frame: frame == page.main_frame and frame.url != "about:blank"
                and self.visited.add(_address(frame.url)))
        return page

    def audit(self, page, shot: str | None = None) -> None:  # noqa: ANN001
        """axe-core on the page as it is now (WCAG 2.1 A/AA rules): fail on any serious or critical
        violation, naming each with its nodes; then a full-page screenshot when `shot` names it."""
        page.wait_for_load_state("load")
        assert not self.script_errors, f"JavaScript or server errors: {self.script_errors}"
        # Evaluated through the DevTools protocol, so the page's strict CSP stays as it is.
        page.evaluate(_axe_source())
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        bad = [v for v in result["violations"] if v["impact"] in FAILING_IMPACTS]
        self.audited[_address(page.url)] = len(bad)
        if shot:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
        assert not bad, f"axe: {len(bad)} serious/critical violation(s) on {page.url}:\n" + json.dumps(
            [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
              "nodes": [n["target"] for n in v["nodes"]][:5]} for v in bad], indent=1)

    def assert_every_visited_page_audited(self) -> None:
        missing = sorted(self.visited - set(self.audited))
        assert not missing, f"pages visited without an axe check: {missing}"

    def dump(self) -> None:
        """After a failure: every open page's address, errors shown, and a screenshot."""
        SHOTS.parent.mkdir(parents=True, exist_ok=True)
        for n, context in enumerate(self.contexts):
            for page in context.pages:
                path = SHOTS.parent / f"failure-{n}.png"
                page.screenshot(path=str(path), full_page=True)
                alerts = page.locator(".alert, .invalid-feedback").all_inner_texts()
                print(f"[page {n}] {page.url} -> {path}; alerts: {alerts}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


@pytest.fixture
def pages(request, browser, server):
    pages = Pages(browser, server)
    yield pages
    if getattr(request.node, "failed_call", False):
        pages.dump()
    pages.close()

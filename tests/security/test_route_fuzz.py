"""Route fuzz: every rule of the URL map, as anonymous and as each demo role, answered with hostile
input — never a 5xx, never a half-saved row.

For each role on a fresh demo database: follow the role's links to fill the rules with ids it can
reach; every rule is also asked for with hostile path values (0, 2**64, ², a very long one); every
query argument a page's view reads gets hostile values; every POST form is sent with its valid CSRF
token and a hostile value in one field at a time (the rest as rendered). A POST answered 4xx, or with
the form shown again with its errors, must leave every table's row count as it was.

Hypothesis draws the hostile values (huge and non-finite numbers, Unicode digits, control
characters, very long strings, impossible dates); each target has its own fixed seed, so CI runs
the same requests every time."""
from __future__ import annotations

import logging
import re
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
import zlib
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import text
from werkzeug.routing import IntegerConverter

from app.extensions import db, limiter
from tests.conftest import login
from tests.demo.test_seed import _password, _seed
from tests.security.pages import SKIPPED_ENDPOINTS, Form, Site, build, crawl, endpoint_of, fill

# One sign-in of each role the demo has (a vendor user and an approver see other pages than admins).
ROLES = [None, "admin@coopbid.example", "agency.admin@acps.example", "procurement@acps.example",
         "approver@acps.example", "evaluator@acps.example", "buyer@pvs.example",
         "vendor.admin@blueridge.example", "vendor.user@blueridge.example"]
START = ["/", "/dashboard", "/solicitations/", "/contracts/", "/bids/verify"]
PER_ENDPOINT = 3  # pages read per endpoint: enough for a draft, an open and an awarded solicitation
EXAMPLES = 3  # hostile values per query argument or form field (the first is always 1e400)
REPEAT_EXAMPLES = 2  # for a form field an earlier role of this run already had: the time stays in budget
FUZZED_FIELDS: set[str] = set()
HOSTILE_PATH = ["0", str(2**64), quote("²")]
LONG_PATH = "9" * 400  # a number this long is no <int:...> route already: only for the text ones

# Number-typing crashes in form fields are fixed on branch i15-numbers (one shared parsing helper);
# until it is merged these exact (endpoint, field) cases may answer 500. The lead empties this list
# after the merge.
# Fields whose numeric crash is fixed elsewhere and awaits a merge: empty since app/core/numbers.py
# reads every number field (it held the organization, solicitation and saved-search fields).
KNOWN_NUMBER_CRASHES: set[tuple[str, str]] = set()

NASTY = ["1e400", "NaN", "-Infinity", "²", "١٢٣", "１２", str(2**64), "-0", "9" * 400, "2025-02-30",
         "0000-00-00", "2026-13-45T25:61", "\x00", "'; --", "<b>x</b>", " ", "1,5"]


def hostile(first: int) -> st.SearchStrategy[str]:
    """Hostile text; its simplest value (Hypothesis's first example) is NASTY[first]."""
    return st.one_of(st.sampled_from(NASTY[first:] + NASTY[:first]), OTHER_HOSTILE)


OTHER_HOSTILE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.one_of(st.integers(min_value=2**63 - 2), st.integers(max_value=-1)).map(str),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=12),  # Unicode digits
    st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=8),
    st.tuples(st.sampled_from(["x", "9", "é", "\u202e"]), st.integers(300, 20_000)).map(lambda t: t[0] * t[1]),
    st.tuples(st.integers(0, 99_999), st.integers(0, 99), st.integers(0, 99)).map(
        lambda d: f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"),
)
ERROR_MARKS = ("invalid-feedback", "alert-danger", "alert-warning")


class Crash(AssertionError):
    """A 5xx (or an exception out of the app)."""


class HalfSaved(Crash):
    """A refused POST that still changed rows."""


class Fuzzer:
    def __init__(self, app, client, role: str, relogin) -> None:  # noqa: ANN001
        self.app, self.client, self.role, self.relogin = app, client, role, relogin
        self.problems: list[str] = []
        self.known: list[str] = []
        self.requests = 0
        self.error: BaseException | None = None

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Keep the exception behind a 500 (the app's handler logs it and answers the error page)."""
        fuzzer = self

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if record.exc_info:
                    fuzzer.error = record.exc_info[1]

        handler = Keep(logging.ERROR)
        self.app.logger.addHandler(handler)
        try:
            yield
        finally:
            self.app.logger.removeHandler(handler)

    def send(self, method: str, url: str, note: str = "", **kwargs):  # noqa: ANN201
        """The response, or Crash with the traceback's last lines (TESTING propagates exceptions)."""
        self.requests += 1
        self.error = None
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as exc:  # noqa: BLE001
            raise Crash(f"{self.role} {method} {url} {note}: {self._where(exc)}") from exc
        if response.status_code >= 500:
            raise Crash(f"{self.role} {method} {url} {note}: {response.status_code} {self._where(self.error)}")
        return response

    @staticmethod
    def _where(exc: BaseException | None) -> str:
        """The exception and the last line of the app's own code it passed through."""
        if exc is None:
            return ""
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/app/" in f.filename]
        where = f" at {frames[-1].filename.split('/app/')[-1]}:{frames[-1].lineno} {frames[-1].line}" if frames else ""
        return f"{type(exc).__name__}: {str(exc)[:200]}{where}"

    def check(self, method: str, url: str, **kwargs) -> None:
        try:
            self.send(method, url, **kwargs)
        except Crash as crash:
            self.problems.append(str(crash))

    def fuzz(self, target: str, attempt, known: bool = False, examples: int = EXAMPLES) -> None:
        """Hypothesis drives `attempt(value)` for one target with that target's (and role's) own seed."""
        key = zlib.crc32(f"{self.role} {target}".encode())

        @seed(key)
        @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate, Phase.shrink],
                  suppress_health_check=list(HealthCheck))
        @given(hostile(key % len(NASTY)))
        def run(value: str) -> None:
            limiter.reset()
            attempt(value)

        try:
            run()
        except Crash as crash:
            (self.known if known and not isinstance(crash, HalfSaved) else self.problems).append(str(crash))

    def rows(self) -> dict[str, int]:
        with self.app.app_context():
            names = [t.name for t in db.metadata.sorted_tables]
            counts = db.session.execute(text("SELECT " + ", ".join(
                f"(SELECT count(*) FROM {n})" for n in names))).one()
            db.session.remove()
        return dict(zip(names, counts))

    def post_form(self, form: Form, name: str, value: str) -> None:
        data: dict[str, list] = {}
        for key, default in form.defaults:
            if key != name:
                data.setdefault(key, []).append(default)
        if form.fields[name] == "file":
            import io

            data[name] = [(io.BytesIO(value.encode("utf-8", "replace")), value[:200] or "x")]
        else:
            data[name] = [value]
        before = self.rows()
        note = f"field {name}={value[:80]!r}"
        response = self.send("POST", form.action, note, data=data,
                             content_type="multipart/form-data" if form.multipart else None)
        shown_again = response.status_code == 200 and any(
            m in response.get_data(as_text=True) for m in ERROR_MARKS)
        if response.status_code >= 400 or shown_again:
            after = self.rows()
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            if changed:
                raise HalfSaved(f"{self.role} POST {form.action} {note}: answered {response.status_code} "
                            f"but rows changed {changed}")


@pytest.mark.parametrize("email", ROLES, ids=lambda e: e or "anonymous")
def test_no_route_answers_5xx_or_half_saves_on_hostile_input(app, runner, email):
    password = _password(_seed(runner))
    client = app.test_client()
    client.allow_server_errors = True

    def sign_in() -> None:
        limiter.reset()
        if email:
            assert login(client, email, password).status_code == 302, email

    sign_in()
    fuzzer = Fuzzer(app, client, email or "anonymous", sign_in)
    with fuzzer.watching():
        started = time.perf_counter()
        site = crawl(app, client, START, PER_ENDPOINT)
        fuzzer.problems += [f"{fuzzer.role} GET {p.url}: {p.status}"
                            for pages in site.pages.values() for p in pages if p.status >= 500]
        crawled = time.perf_counter()
        _hostile_paths(app, fuzzer, site)
        pathed = time.perf_counter()
        _hostile_arguments(fuzzer, site)
        argued = time.perf_counter()
        forms = _hostile_forms(app, fuzzer, site, bool(email))
        print(f"\n{fuzzer.role}: crawl {crawled - started:.1f}s, paths {pathed - crawled:.1f}s, "
              f"args {argued - pathed:.1f}s, forms {time.perf_counter() - argued:.1f}s; "
              f"{fuzzer.requests} fuzz requests, {sum(map(len, site.pages.values()))} pages, "
              f"{forms} forms; known number crashes: {fuzzer.known}")
    assert not fuzzer.problems, "\n".join(fuzzer.problems)


def _hostile_paths(app, fuzzer: Fuzzer, site: Site) -> None:
    """Every rule: once with the role's ids if its pages never lead there, then hostile path values."""
    csrf = fuzzer.client.csrf_token()
    posted = {f.endpoint for f in site.forms}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        data = {"csrf_token": csrf} if method == "POST" else None
        filled = fill(rule, site.values)
        if rule.endpoint not in site.pages and rule.endpoint not in posted:
            fuzzer.check(method, build(rule, filled), data=data)
        for name in rule.arguments:
            is_id = isinstance(rule._converters[name], IntegerConverter)
            for value in HOSTILE_PATH if is_id else [*HOSTILE_PATH, LONG_PATH]:
                fuzzer.check(method, build(rule, {**filled, name: value}), data=data)


def _hostile_arguments(fuzzer: Fuzzer, site: Site) -> None:
    """Each query argument a view read on a clean GET, with hostile values."""
    for endpoint, pages in site.pages.items():
        base = pages[0].url.split("?")[0]
        for arg in sorted(set().union(*(p.args_read for p in pages))):
            fuzzer.fuzz(f"{endpoint}?{arg}", lambda v, base=base, arg=arg: fuzzer.send(
                "GET", base, f"arg {arg}={v[:80]!r}", query_string={arg: v}))


def _hostile_forms(app, fuzzer: Fuzzer, site: Site, signed_in: bool) -> int:
    """Each POST form (one of each kind), a hostile value in one field at a time."""
    done: set = set()
    for form in site.forms:
        if form.signature in done:
            continue
        done.add(form.signature)
        rows_seen: set[str] = set()
        for name in sorted(form.fields):
            row_kind = re.sub(r"-\d+-", "-N-", name)  # one row of a repeated group (criteria-0-name ...)
            if name != "csrf_token" and row_kind not in rows_seen:
                rows_seen.add(row_kind)
                target = f"{form.endpoint}:{name}"
                fuzzer.fuzz(target, lambda v, form=form, name=name: fuzzer.post_form(form, name, v),
                            known=(form.endpoint, name) in KNOWN_NUMBER_CRASHES,
                            examples=REPEAT_EXAMPLES if target in FUZZED_FIELDS else EXAMPLES)
                FUZZED_FIELDS.add(target)
        if signed_in and form.endpoint.startswith("accounts.") and endpoint_of(app, fuzzer.client.get("/dashboard").headers.get("Location", "/dashboard")) != (
                "core.dashboard", {}):
            fuzzer.relogin()  # the form signed the role out (a password change): sign in again
    return len(done)

"""Bid rush: many vendors submit sealed bids at once against a running CoopBid server, then
every submission is checked against what the database holds.

    python bench/bid_rush.py --url http://127.0.0.1:8071 --bids 200 --concurrency 16 [--due-in 3600]
                             [--kill-workers 3 --gunicorn-pid PID]

What it does
------------
1. Fixtures, directly through the app's own services (`create_app()`): a lead agency (Virginia
   school district) with a procurement officer and an approver; an IFB with three price lines and
   a required W-9, drafted, approved and published through the real lifecycle; N vendor
   organizations, each with a vendor_admin user with a known password. This is why the bench must
   run from the project root with the SAME environment as the server: DATABASE_URL, STORAGE_DIR
   and the sealing key (SEALING_KEY, or the same instance/sealing.key file), so that it writes to
   the server's database and can decrypt what the server sealed.
2. Over HTTP only, against --url: every vendor signs in (GET /accounts/login for the CSRF token,
   POST the form) and GETs its bid form, with a pool of --concurrency threads.
3. due_at is set to --due-in seconds from now (default 3600; a small value, e.g. 2, makes the
   rush straddle the deadline, so that some submissions are refused as late).
4. The submission phase: with a pool of --concurrency threads, each vendor POSTs ONE multipart
   submission: a price for every line, notes, both attestations, a ~200 KB PDF as the W-9 (a valid
   PDF with random content, so every file is different) and the `submit` button. Only this POST
   is timed. Each client then reads its receipt page (receipt number and digest), untimed.
5. Verification from the database, through the app's services: each BidVersion's sealed content
   is decrypted and its content_digest recomputed; it must equal the stored digest and the digest
   on the client's receipt page; the prices must be the ones sent; the cited document must
   decrypt to exactly the bytes sent (sha256); accepted_at must be before due_at. Every stored
   version's cited files must be in storage and hash to their SHA-256 (bench/rush_check.py).

Crash safety (--kill-workers N --gunicorn-pid PID)
--------------------------------------------------
During the submission phase N random workers of the gunicorn master PID get SIGKILL, at moments
spread over the rush (bench/rush_kill.py); gunicorn starts new ones. A client whose POST gets no
answer (a connection error) does what a vendor would: it reloads its bid form. If the form lists
a receipt, the submission was stored before the worker died and that receipt is the client's
("recovered"); if not, nothing was stored and it POSTs again ("retried", up to 3 times). So a
connection error is never "lost": lost still means a receipt a client holds with no intact stored
version, or a stored version whose receipt no client holds.

The last line on stdout (progress goes to stderr):

    stored=S refused=R failed=F lost=L per_s=X p50_ms=Y p99_ms=Z killed=K retried=T recovered=V orphans=O

stored   submissions answered with a receipt whose bid is stored intact and matches it;
refused  submissions the server refused for the deadline: a 302 back to the bid form whose page
         then says late bids are not accepted (the only refusal a correct server gives here);
failed   every other answer (an error page, a refusal for another reason, no answer at all).
         Anything but 0 means the server is broken; the exit status is 1;
lost     submissions answered with a receipt but not stored intact, plus versions stored
         without a receipt having reached a client. Anything but 0 is a bug; the exit status is 1.
per_s    receipts issued per second of wall time of the submission phase;
p50_ms, p99_ms   latency of the timed submission POSTs (all of them, refused ones included);
killed   workers killed (--kill-workers); retried: POSTs sent again after a connection error;
recovered  submissions whose answer was lost but whose receipt the client read on its bid form;
orphans  files written to storage during the rush that no stored row references: left by a
         worker killed between writing a file and committing. Not lost (nothing points at them).

The login rate limit
--------------------
All vendors sign in from one address, so the server must be started with a higher limit:
LOGIN_RATE_LIMIT="100000 per minute" in the server's environment (config.py reads it; the
default is "10 per minute;50 per hour"). See bench/README.md for complete commands.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rush_check import verify  # noqa: E402  (after the project root is on the path)
from bench.rush_fixtures import PASSWORD, set_due_at, set_up  # noqa: E402
from bench.rush_kill import WorkerKiller, storage_files, worker_pids  # noqa: E402

PDF_BYTES = 200 * 1024
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
RECEIPT_URL = re.compile(r"/bids/receipts/([A-Z0-9-]+)$")
RECEIPT_LINK = re.compile(r'href="[^"]*/bids/receipts/([A-Z0-9-]+)"')
RETRIES = 3  # POSTs sent again after a connection error, when workers are being killed
RECEIPT_NUMBER = re.compile(r"<strong>([A-Z0-9-]+)</strong>")
RECEIPT_DIGEST = re.compile(r'class="col-sm-9 digest">([0-9a-f]{64})<')
# The words of app.bids.deadline.closed_message, flashed on the bid form after a late refusal.
LATE_MESSAGE = "Late bids are not accepted; nothing was saved or submitted."

RECEIPT, REFUSED_LATE, FAILED = "receipt", "refused_late", "failed"


def log(message: str) -> None:
    print(f"[bid_rush {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def make_pdf(tag: str, size: int = PDF_BYTES) -> bytes:
    """A valid one-page PDF of about `size` bytes: the page text, then a stream of random bytes
    (an unused object) that makes every file unique."""
    text = f"BT /F1 12 Tf 72 720 Td (W-9 of {tag}) Tj ET".encode()
    padding = secrets.token_bytes(max(size - 600, 1))
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>",
        b"<</Length " + str(len(text)).encode() + b">>stream\n" + text + b"\nendstream",
        b"<</Length " + str(len(padding)).encode() + b">>stream\n" + padding + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# ----------------------------------------------------------------------------- the clients (HTTP)
@dataclass
class Vendor:
    user_id: int
    organization_id: int
    email: str
    session: requests.Session | None = None
    csrf: str = ""
    prices: dict[int, str] | None = None
    pdf: bytes = b""
    pdf_sha256: str = ""
    status: int | None = None
    location: str = ""
    error: str = ""
    next_page: str = ""  # the bid form after a redirect back to it (where the refusal is said)
    outcome: str = FAILED
    latency_ms: float | None = None
    receipt: str | None = None
    page_receipt: str | None = None
    page_digest: str | None = None
    retried: int = 0
    recovered: bool = False


def _csrf(html: str) -> str:
    found = CSRF_META.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def sign_in(url: str, number: str, v: Vendor) -> None:
    session = requests.Session()
    page = session.get(f"{url}/accounts/login", timeout=60)
    page.raise_for_status()
    response = session.post(f"{url}/accounts/login", allow_redirects=False, timeout=120,
                            data={"email": v.email, "password": PASSWORD, "csrf_token": _csrf(page.text)})
    if response.status_code == 429:
        raise RuntimeError("sign-in refused by the rate limit (429): start the server with "
                           'LOGIN_RATE_LIMIT="100000 per minute"')
    if response.status_code != 302:
        raise RuntimeError(f"sign-in of {v.email} failed: HTTP {response.status_code}")
    form = session.get(f"{url}/solicitations/{number}/bid", timeout=60)
    if form.status_code != 200:
        raise RuntimeError(f"bid form for {v.email}: HTTP {form.status_code} (is the server using the "
                           "same DATABASE_URL as this script?)")
    v.session, v.csrf = session, _csrf(form.text)


def get(session: requests.Session, address: str, attempts: int = 5) -> requests.Response:
    """GET, again after a connection error (a killed worker); untimed."""
    for attempt in range(attempts):
        try:
            return session.get(address, timeout=60)
        except requests.ConnectionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def submit(url: str, number: str, item_ids: list[int], v: Vendor, retries: int = 0) -> None:
    data = {"csrf_token": v.csrf, "notes": f"Bid rush, vendor {v.organization_id}", "submit": "1",
            "attest_non_collusion": "y", "attest_not_debarred": "y",
            **{f"price_{item_id}": price for item_id, price in v.prices.items()}}
    files = {"document_0": ("w9.pdf", v.pdf, "application/pdf")}
    for attempt in range(retries + 1):
        v.error = ""
        started = time.perf_counter()
        try:
            response = v.session.post(f"{url}/solicitations/{number}/bid", data=data, files=files,
                                      allow_redirects=False, timeout=300)
        except requests.RequestException as exc:
            v.error = repr(exc)
            lost_answer = retries > 0 and isinstance(exc, requests.ConnectionError)
            if lost_answer and not _recover(url, number, v) and attempt < retries:
                v.retried += 1
                continue
            return
        finally:
            v.latency_ms = (time.perf_counter() - started) * 1000
        break
    v.status, v.location = response.status_code, response.headers.get("Location", "")
    if v.status == 302 and _is_bid_form(v.location, number):
        try:  # untimed: read why the bid came back (the flashed message)
            v.next_page = get(v.session, f"{url}/solicitations/{number}/bid").text
        except requests.RequestException as exc:
            v.error = repr(exc)
    v.outcome = classify(v.status, v.location, v.error, v.next_page, number)
    if v.outcome == RECEIPT:
        v.receipt = RECEIPT_URL.search(v.location).group(1)


def _recover(url: str, number: str, v: Vendor) -> bool:
    """After a POST got no answer: was it stored? The vendor's bid form lists its receipts (a
    rush vendor has no earlier version). True, with the receipt taken, when it was."""
    try:
        page = get(v.session, f"{url}/solicitations/{number}/bid")
    except requests.RequestException:
        return False
    found = RECEIPT_LINK.findall(page.text) if page.status_code == 200 else []
    if not found:
        return False
    v.receipt, v.outcome, v.recovered, v.error = found[0], RECEIPT, True, ""
    return True


def _is_bid_form(location: str, number: str) -> bool:
    return location.split("?")[0].split("#")[0].endswith(f"/solicitations/{number}/bid")


def classify(status: int | None, location: str, error: str, next_page: str, number: str) -> str:
    """What a submission's answer means: RECEIPT (a 302 to its receipt), REFUSED_LATE (a 302 back
    to the bid form whose page says late bids are not accepted), or FAILED: anything else (an
    error status, a refusal for another reason, no answer). Only the deadline may refuse a
    complete, valid bid; counting any other refusal as "refused" would pass a broken server."""
    if error or status != 302:
        return FAILED
    if RECEIPT_URL.search(location):
        return RECEIPT
    if _is_bid_form(location, number) and LATE_MESSAGE in next_page:
        return REFUSED_LATE
    return FAILED


def read_receipt(url: str, v: Vendor) -> None:
    page = get(v.session, f"{url}/bids/receipts/{v.receipt}")
    if page.status_code == 200:
        number, digest = RECEIPT_NUMBER.search(page.text), RECEIPT_DIGEST.search(page.text)
        v.page_receipt = number.group(1) if number else None
        v.page_digest = digest.group(1) if digest else None


def run_pool(concurrency: int, fn, items, label: str, progress=None) -> None:
    """fn(item) for every item, `concurrency` at a time; progress(done) after each one."""
    done = 0
    lock = threading.Lock()

    def wrapped(item):
        nonlocal done
        fn(item)
        with lock:
            done += 1
            finished = done
            if done % max(len(items) // 5, 1) == 0 or done == len(items):
                log(f"{label}: {done}/{len(items)}")
        if progress is not None:
            progress(finished)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(wrapped, item) for item in items]:
            future.result()


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return ordered[rank - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="base URL of the running server, e.g. http://127.0.0.1:8071")
    parser.add_argument("--bids", type=int, required=True, help="number of vendors, one submission each")
    parser.add_argument("--concurrency", type=int, required=True, help="client threads")
    parser.add_argument("--due-in", type=float, default=3600.0,
                        help="seconds from the start of the submission phase to due_at (default 3600)")
    parser.add_argument("--kill-workers", type=int, default=0, metavar="N",
                        help="SIGKILL N random gunicorn workers during the submission phase")
    parser.add_argument("--gunicorn-pid", type=int, metavar="PID",
                        help="the gunicorn master's process id (required with --kill-workers)")
    args = parser.parse_args(argv)
    if args.kill_workers and not args.gunicorn_pid:
        parser.error("--kill-workers needs --gunicorn-pid (the master's PID: gunicorn -p FILE writes it)")
    killer = None
    if args.kill_workers:
        try:
            if not worker_pids(args.gunicorn_pid):
                parser.error(f"process {args.gunicorn_pid} has no workers: is it the gunicorn master?")
        except ProcessLookupError:
            parser.error(f"no process {args.gunicorn_pid}: give the gunicorn master's PID")
        killer = WorkerKiller(args.gunicorn_pid, args.kill_workers, args.bids)
    url = args.url.rstrip("/")

    from app import create_app

    app = create_app()
    log(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}; storage: {app.config['STORAGE_DIR']}")
    fixture = set_up(app, args.bids)
    log(f"solicitation {fixture.number} published; {len(fixture.vendors)} vendors created")

    vendors = [Vendor(user_id, org_id, email) for user_id, org_id, email in fixture.vendors]
    for index, v in enumerate(vendors):
        v.prices = {item_id: f"{(index % 97) + 1 + line * 10}.{index % 100:02d}"
                    for line, item_id in enumerate(fixture.item_ids)}
        v.pdf = make_pdf(v.email)
        v.pdf_sha256 = hashlib.sha256(v.pdf).hexdigest()
    try:
        run_pool(args.concurrency, lambda v: sign_in(url, fixture.number, v), vendors, "signed in")
    except RuntimeError as exc:
        log(str(exc))
        return 2

    due_at = set_due_at(app, fixture.solicitation_id, args.due_in)
    log(f"due_at {due_at.isoformat()}; submitting {len(vendors)} bids with {args.concurrency} threads")
    files_before = storage_files(app.config["STORAGE_DIR"])
    retries = RETRIES if killer else 0
    started = time.perf_counter()
    run_pool(args.concurrency, lambda v: submit(url, fixture.number, fixture.item_ids, v, retries), vendors,
             "submitted", progress=killer.progress if killer else None)
    wall = time.perf_counter() - started
    accepted = [v for v in vendors if v.outcome == RECEIPT]
    refused = [v for v in vendors if v.outcome == REFUSED_LATE]
    failed = [v for v in vendors if v.outcome == FAILED]
    log(f"submission phase: {wall:.2f} s; {len(accepted)} receipts, {len(refused)} refused as late, "
        f"{len(failed)} failed")
    answers: dict[str, int] = {}
    for v in failed:
        key = v.error.split("(")[0] if v.error else f"HTTP {v.status} -> {v.location or '-'}"
        answers[key] = answers.get(key, 0) + 1
    for key, count in sorted(answers.items()):
        log(f"  FAILED: {count} x {key}")
    if killer:
        log(f"killed workers {killer.killed}" + "".join(f"; not killed: {miss}" for miss in killer.misses))

    run_pool(args.concurrency, lambda v: read_receipt(url, v), accepted, "receipts read")
    verdict = verify(app, fixture, vendors, due_at, files_before)
    for problem in verdict.problems[:50]:
        log("LOST " + problem)
    if verdict.orphans:
        log(f"{len(verdict.orphans)} file(s) in storage with no row (a worker killed before its commit): "
            + ", ".join(verdict.orphans[:10]))
    latencies = [v.latency_ms for v in vendors if v.latency_ms is not None]
    per_s = len(accepted) / wall if wall > 0 else 0.0
    print(f"stored={verdict.stored} refused={len(refused)} failed={len(failed)} lost={verdict.lost} "
          f"per_s={per_s:.1f} p50_ms={percentile(latencies, 50):.0f} p99_ms={percentile(latencies, 99):.0f} "
          f"killed={len(killer.killed) if killer else 0} retried={sum(v.retried for v in vendors)} "
          f"recovered={sum(v.recovered for v in vendors)} orphans={len(verdict.orphans)}", flush=True)
    return exit_status(verdict.lost, len(failed))


def exit_status(lost: int, failed: int) -> int:
    """1 when a receipted bid was lost or any submission got an answer other than a receipt or a
    refusal for the deadline."""
    return 1 if lost or failed else 0


if __name__ == "__main__":
    os.environ.setdefault("COOPBID_ENV", "development")
    sys.exit(main())

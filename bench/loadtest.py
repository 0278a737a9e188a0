"""Serving and loading for bench/pages.py: gunicorn servers, signing in over HTTP, `wrk` runs and
what they print, and the workers' memory."""
from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USER_AGENT = "coopbid-pages-bench"  # sign-in and wrk send the same one (the session's identifier)
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Server:
    """`gunicorn -w N` serving `target` on 127.0.0.1:port with `env`, until stop()."""

    def __init__(self, target: str, port: int, workers: int, env: dict[str, str], log_path: Path):
        self.url = f"http://127.0.0.1:{port}"
        self.pid_file = log_path.with_suffix(".pid")
        self.pid_file.unlink(missing_ok=True)
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.log = open(log_path, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "-p", str(self.pid_file),
             "--timeout", "120", target], cwd=ROOT, env={**os.environ, **env}, stdout=self.log, stderr=self.log)

    def wait_ready(self, path: str = "/", seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5):
                    return
            except OSError:  # not listening yet, or still booting (URLError, timeouts)
                time.sleep(0.3)
        raise RuntimeError(f"{self.url} did not answer in {seconds} s")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _opener() -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("User-Agent", USER_AGENT)]
    return opener, jar


def sign_in(base_url: str, email: str, password: str) -> str:
    """Sign in through the login form; returns the Cookie header of the signed-in session."""
    opener, jar = _opener()
    with opener.open(base_url + "/accounts/login") as page:
        token = CSRF_META.search(page.read().decode()).group(1)
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    try:
        opener.open(base_url + "/accounts/login", body)
        raise RuntimeError(f"signing in as {email} did not redirect")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise RuntimeError(f"signing in as {email}: HTTP {answer.code}") from None
    return "; ".join(f"{c.name}={c.value}" for c in jar)


@dataclass(frozen=True)
class Fetched:
    status: int
    size: int
    statements: int | None
    cache_control: str


def fetch(url: str, cookie: str = "") -> Fetched:
    """One GET, as wrk will send it: its status, body size, statements (X-Statements)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})})
    opener, _ = _opener()
    try:
        with opener.open(request, timeout=120) as answer:
            body, status, headers = answer.read(), answer.status, answer.headers
    except urllib.error.HTTPError as answer:
        body, status, headers = answer.read(), answer.code, answer.headers
    count = headers.get("X-Statements")
    return Fetched(status, len(body), int(count) if count is not None else None, headers.get("Cache-Control", ""))


@dataclass(frozen=True)
class Load:
    per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers, socket errors and timeouts


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, seconds: float, *, threads: int = 2, connections: int = 16, cookie: str = "") -> Load:
    headers = ["-H", f"User-Agent: {USER_AGENT}"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "30s",
                          *headers, url], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    if not requests:  # nothing came back in the whole run: the page is too slow for it
        return Load(per_s=0.0, p50_ms=float("inf"), p99_ms=float("inf"), requests=0, errors=errors + 1)
    return Load(per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                p50_ms=_ms(latency["50"]), p99_ms=_ms(latency["99"]), requests=requests, errors=errors)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine shows here)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])

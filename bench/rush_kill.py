"""Crash injection for bench/bid_rush.py --kill-workers: SIGKILL gunicorn workers while the rush
runs, and find the files a killed worker left in storage without a row.

A gunicorn master restarts a worker that dies; the requests that worker was serving get no
answer (the client sees a connection error), and its open database transaction is rolled back by
the database when the connection drops. Nothing in the worker runs after SIGKILL: files it wrote
before its transaction committed stay in storage with no row pointing at them ("orphans").
"""
from __future__ import annotations

import os
import random
import signal
import threading
from pathlib import Path


def worker_pids(master_pid: int) -> list[int]:
    """The master's child processes (its workers), from /proc: the kernel's children list of each
    of the master's threads, or, where the kernel does not offer it, every process's parent."""
    task_dir = Path(f"/proc/{master_pid}/task")
    if not task_dir.is_dir():
        raise ProcessLookupError(f"no process {master_pid}")
    pids: set[int] = set()
    children_files = list(task_dir.glob("*/children"))
    if children_files:
        for children in children_files:
            try:
                pids.update(int(pid) for pid in children.read_text().split())
            except OSError:
                continue
        return sorted(pids)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # pid (comm) state ppid ...; comm may hold spaces and parentheses: split after the last ")"
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == master_pid:
            pids.add(int(stat.parent.name))
    return sorted(pids)


class WorkerKiller:
    """Kills `count` random workers of `master_pid` at moments spread over a run of `total`
    requests: when the number of finished requests first reaches total * i / (count + 1). Called
    from the client threads after each request (progress), so the kills fall while other
    requests are in flight."""

    def __init__(self, master_pid: int, count: int, total: int, *, rng: random.Random | None = None):
        self.master_pid, self.count = master_pid, count
        self.moments = [max(1, round(total * i / (count + 1))) for i in range(1, count + 1)]
        self.killed: list[int] = []
        self.misses: list[str] = []
        self._rng = rng or random.Random()
        self._lock = threading.Lock()

    def progress(self, done: int) -> None:
        with self._lock:
            while self.moments and done >= self.moments[0]:
                self.moments.pop(0)
                self._kill_one()

    def _kill_one(self) -> None:
        # A worker killed a moment ago may still be listed (a zombie until the master reaps it):
        # never count the same one twice.
        workers = [pid for pid in worker_pids(self.master_pid) if pid not in self.killed]
        if not workers:
            self.misses.append("no worker was running")
            return
        pid = self._rng.choice(workers)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            self.misses.append(f"worker {pid} was already gone")
            return
        self.killed.append(pid)


def storage_files(root: str | Path) -> set[str]:
    """Every file name under a LocalStorage root (keys, and `.part` files of unfinished writes)."""
    root = Path(root)
    return {p.name for p in root.glob("*/*") if p.is_file()} if root.is_dir() else set()


def orphans(before: set[str], after: set[str], referenced: set[str]) -> list[str]:
    """Files that appeared during the run and that no stored row references."""
    return sorted(name for name in after - before if name not in referenced)

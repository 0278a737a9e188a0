"""The one source of "now" (UTC). Tests move it; nothing else calls datetime.now().

A real server under a browser test is moved through an offset file (CLOCK_OFFSET_FILE, never in
production): it holds seconds to add to the real time, and every process pointed at it (web
workers, `flask scheduler tick`) reads it when it changes."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

_frozen_at: datetime | None = None
_offset = timedelta(0)
_offset_file: Path | None = None
_file_offset: tuple[int | None, timedelta] = (None, timedelta(0))  # (file mtime_ns, its offset)


def now() -> datetime:
    if _frozen_at is not None:
        return _frozen_at
    return datetime.now(timezone.utc) + _offset + _offset_from_file()


def use_offset_file(path: str | os.PathLike[str] | None) -> None:
    """Add the seconds written in `path` to every reading (None: stop)."""
    global _offset_file, _file_offset
    _offset_file = Path(path) if path else None
    _file_offset = (None, timedelta(0))


def write_offset_file(path: str | os.PathLike[str], delta: timedelta) -> None:
    """Set the offset that processes reading `path` add to the real time (written atomically)."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(f"{delta.total_seconds():.0f}\n", encoding="utf-8")
    partial.replace(target)


def _offset_from_file() -> timedelta:
    global _file_offset
    if _offset_file is None:
        return timedelta(0)
    try:
        mtime = _offset_file.stat().st_mtime_ns
    except FileNotFoundError:
        return timedelta(0)
    if mtime != _file_offset[0]:
        text = _offset_file.read_text(encoding="utf-8").strip()
        _file_offset = (mtime, timedelta(seconds=float(text or 0)))
    return _file_offset[1]


def freeze(at: datetime) -> None:
    """Stop the clock at `at` (an aware datetime)."""
    global _frozen_at
    if at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen_at = at.astimezone(timezone.utc)


def advance(delta: timedelta) -> None:
    """Move the clock forward (or back), frozen or running."""
    global _frozen_at, _offset
    if _frozen_at is not None:
        _frozen_at += delta
    else:
        _offset += delta


def reset() -> None:
    global _frozen_at, _offset
    _frozen_at = None
    _offset = timedelta(0)


@contextmanager
def preserved() -> Iterator[None]:
    """Whatever the block does to the clock is undone when it ends (demo data lived in the past)."""
    global _frozen_at, _offset
    saved = (_frozen_at, _offset)
    try:
        yield
    finally:
        _frozen_at, _offset = saved

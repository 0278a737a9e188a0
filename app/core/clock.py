"""The one source of "now" (UTC). Tests move it; nothing else calls datetime.now()."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

_frozen_at: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    if _frozen_at is not None:
        return _frozen_at
    return datetime.now(timezone.utc) + _offset


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

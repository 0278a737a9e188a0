"""The offset file that moves a real server's clock under the browser tests: every reader sees a
change, and production refuses to start with it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.core import clock


@pytest.fixture
def offset_file(tmp_path):
    path = tmp_path / "clock-offset"
    clock.use_offset_file(path)
    yield path
    clock.use_offset_file(None)


def test_the_offset_file_moves_now_and_a_rewrite_is_seen(offset_file):
    assert abs(clock.now() - datetime.now(timezone.utc)) < timedelta(seconds=5)  # no file yet: real time
    clock.write_offset_file(offset_file, timedelta(days=3))
    assert timedelta(days=3) - timedelta(seconds=5) < clock.now() - datetime.now(timezone.utc) < timedelta(days=3, seconds=5)
    clock.write_offset_file(offset_file, timedelta(days=-1))
    assert abs(clock.now() - datetime.now(timezone.utc) + timedelta(days=1)) < timedelta(seconds=5)


def test_a_frozen_clock_ignores_the_file(offset_file):
    clock.write_offset_file(offset_file, timedelta(days=30))
    at = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)
    clock.freeze(at)
    assert clock.now() == at


def test_production_refuses_an_offset_file(monkeypatch, tmp_path):
    from config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/coopbid")
    monkeypatch.setenv("CLOCK_OFFSET_FILE", str(tmp_path / "clock-offset"))
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(ProductionConfig, "SEALING_KEY", "q0dYlq3qV2yCz7iBgUuIVh3OQm0c9cO7yD0SxgkzZVo=")
    with pytest.raises(RuntimeError, match="CLOCK_OFFSET_FILE"):
        ProductionConfig.check()
    assert ProductionConfig.CLOCK_OFFSET_FILE is None

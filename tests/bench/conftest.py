"""The bench scripts, loaded as modules (they are scripts, not a package)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def rush():
    path = Path(__file__).resolve().parents[2] / "bench" / "bid_rush.py"
    spec = importlib.util.spec_from_file_location("bid_rush", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bid_rush"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bid_rush", None)

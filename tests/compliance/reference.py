"""Where the sourced law facts live: ../shared/reference/ beside the repository (or beside the
repository this one was cloned from, or COOPBID_REFERENCE_DIR). The tests that compare bid_rules/
with the reference fail, never skip, when it cannot be found."""
from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

import yaml

REPOSITORY = Path(__file__).resolve().parents[2]
MORE_STATES = "us_procurement_law_more_states.yaml"
FILES = ("us_procurement_law.yaml", MORE_STATES)


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPOSITORY, capture_output=True, text=True,
                              check=False).stdout.strip()
    except OSError:
        return ""


def candidates() -> list[Path]:
    found = []
    if os.environ.get("COOPBID_REFERENCE_DIR"):
        found.append(Path(os.environ["COOPBID_REFERENCE_DIR"]))
    found.append(REPOSITORY.parent / "shared" / "reference")
    # A git worktree: beside the main checkout.
    common = _git("rev-parse", "--path-format=absolute", "--git-common-dir")
    if common:
        found.append(Path(common).parent.parent / "shared" / "reference")
    # A clone made elsewhere (CI's fresh clone): beside the repository it was cloned from.
    origin = _git("config", "--get", "remote.origin.url")
    if origin and "://" not in origin and not origin.startswith("git@"):
        found.append((REPOSITORY / origin).resolve().parent / "shared" / "reference")
    return found


@cache
def reference_dir() -> Path:
    for directory in candidates():
        if all((directory / name).is_file() for name in FILES):
            return directory
    raise AssertionError("The reference law files were not found; looked in "
                         + ", ".join(str(c) for c in candidates())
                         + ". Set COOPBID_REFERENCE_DIR to the folder holding " + " and ".join(FILES) + ".")


def reference_text() -> str:
    return "\n".join((reference_dir() / name).read_text(encoding="utf-8") for name in FILES)


@cache
def reference_states() -> frozenset[str]:
    return frozenset(entry["state"] for name in FILES
                     for entry in yaml.safe_load((reference_dir() / name).read_text(encoding="utf-8"))["states"])

"""No import circles: every module under app/ imports on its own, first, in an interpreter that
has imported nothing of the app (a module imported in the middle of a circle fails with a
"partially initialized module" error only when it is the first one imported).

One fresh `python` process loads the third-party libraries once, then forks a child per module:
each child starts with no app module loaded and imports just that one."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Heavy third-party imports done once before forking (only to save time: anything missing is
# simply imported by the child).
PRELOAD = ("flask", "flask_login", "flask_wtf", "flask_migrate", "flask_limiter", "flask_talisman",
           "flask_bootstrap", "sqlalchemy", "sqlalchemy.orm", "flask_sqlalchemy", "wtforms", "jinja2",
           "reportlab.platypus", "reportlab.lib.styles", "cryptography.hazmat.primitives.ciphers.aead",
           "openpyxl", "jsonschema", "yaml", "icalendar", "markdown_it", "nh3", "argon2",
           "apscheduler.schedulers.background", "email_validator", "alembic")

CHILD = r"""
import importlib, json, os, sys, traceback

for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
assert not any(m in ("app", "config") or m.startswith("app.") for m in sys.modules), "app preloaded"

failures, running = {}, {}
pending = json.loads(sys.argv[2])
workers = max(1, min(2, os.cpu_count() or 1))
while pending or running:
    while pending and len(running) < workers:
        module = pending.pop(0)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                importlib.import_module(module)
                code = 0
            except BaseException:
                # Short enough for the pipe's buffer: the child never waits on its reader.
                os.write(write, traceback.format_exc()[-4000:].encode())
                code = 1
            os._exit(code)
        os.close(write)
        running[pid] = (module, read)
    pid, status = os.wait()
    module, read = running.pop(pid)
    with os.fdopen(read, "rb") as pipe:
        output = pipe.read().decode()
    if status != 0:
        failures[module] = output or f"exit status {status}"
print(json.dumps(failures))
"""


def app_modules() -> list[str]:
    modules = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def test_the_module_list_covers_the_app():
    modules = app_modules()
    assert {"app", "app.bids.models", "app.solicitations.lifecycle", "app.solicitations.checks",
            "app.awards.services", "app.contracts.services", "app.compliance.evaluators.solicitation"} <= set(modules)
    assert len(modules) > 100


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (Linux, macOS)")
def test_every_app_module_imports_alone_in_a_fresh_interpreter():
    result = subprocess.run([sys.executable, "-c", CHILD, json.dumps(PRELOAD), json.dumps(app_modules())],
                            cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-4000:]
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert not failures, "\n\n".join(f"import {module}:\n{error}" for module, error in failures.items())


def test_packages_do_not_import_their_views():
    """create_app imports the view modules; importing a package (say for its models) does not."""
    packages = [m for m in app_modules() if (ROOT / m.replace(".", "/") / "__init__.py").exists()]
    code = ("import importlib, json, sys\n"
            f"for name in {packages!r}: importlib.import_module(name)\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('app.') and 'views' in m)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-4000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []

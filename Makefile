# CoopBid: `make run` sets everything up and serves the demo; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed
AXE    := tests/e2e/node_modules/axe-core/axe.min.js

.PHONY: run setup setup-deps test e2e-deps serve scheduler clean

URL    := http://127.0.0.1:5000

# The web server and the scheduler start; once the site answers (and the scheduler's first round of
# console e-mails is out) the address and the demo logins are printed last, where they are seen.
run: setup
	@$(FLASK) scheduler run & SCHEDULER=$$!; \
	$(FLASK) run --host 127.0.0.1 --port 5000 & WEB=$$!; \
	trap 'kill $$SCHEDULER $$WEB 2>/dev/null' EXIT INT TERM; \
	for _ in $$(seq 1 60); do $(PYTHON) -c "import urllib.request; urllib.request.urlopen('$(URL)/healthz')" 2>/dev/null && break; sleep 0.5; done; \
	sleep 2; $(FLASK) demo logins --url $(URL); wait $$WEB

setup: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) demo seed

test: $(STAMP) e2e-deps
	$(BIN)/pytest

# What the tests need installed (CI installs it once before its two stages run side by side).
setup-deps: $(STAMP) e2e-deps

# axe-core for the browser tests (npm); without npm or Chromium those tests are skipped.
e2e-deps:
	@if [ ! -f $(AXE) ] && command -v npm >/dev/null; then \
		npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error; fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

serve: setup
	$(BIN)/gunicorn --workers 3 --bind 127.0.0.1:8000 wsgi:app

scheduler: $(STAMP)
	$(FLASK) scheduler run

clean:
	rm -rf $(VENV) instance/*.db tests/e2e/node_modules test-output

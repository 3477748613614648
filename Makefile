# Quick start: `make run` (set up, migrate, seed, start web + worker), `make test` (the whole suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run setup venv migrate seed model search-index worker web test system-deps bench bench-web bench-search bench-moderation bench-queue clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed

model: venv
	@if $(FLASK) moderation --help >/dev/null 2>&1; then $(FLASK) moderation ensure-model; fi

# The demo posts are searchable from the start: the index is rebuilt from the database.
search-index: seed
	$(FLASK) search rebuild

setup: seed model search-index

worker: venv
	$(VENV)/bin/celery -A workers.worker worker --beat --loglevel=INFO --concurrency=2 \
		-Q outbox,notify,moderation,search --schedule instance/celerybeat-schedule

web: venv
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --access-logfile - wsgi:app  # settings: gunicorn.conf.py

# The web server in the foreground, the worker beside it; Ctrl-C stops both.
run: setup
	@mkdir -p instance
	@$(MAKE) --no-print-directory worker > instance/worker.log 2>&1 & echo $$! > instance/worker.pid
	@echo ""
	@echo "  购物圈 is running at http://$(HOST):$(PORT)/   (worker log: instance/worker.log)"
	@echo "  demo sign-in: demo0001 / demo12345 · moderator / demo12345 · admin / demo12345"
	@echo ""
	@trap 'kill -- -$$(ps -o pgid= $$(cat instance/worker.pid) | tr -d " ") 2>/dev/null; pkill -f "celery -A workers.worker" 2>/dev/null' EXIT; \
		$(MAKE) --no-print-directory web

# Debian packages the browser tests need (Chromium and CJK fonts); installs only what is missing.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null; \
	fi

test: venv system-deps
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m pytest -q

# Benchmarks stay out of CI; each prints one JSON object as its last line.
bench: bench-web bench-search bench-moderation bench-queue

bench-web: venv
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(PY) -m bench.web

bench-search: venv
	$(PY) -m bench.search

bench-moderation: venv
	$(PY) -m bench.moderation

bench-queue: venv
	$(PY) -m bench.queue

clean:
	rm -rf instance/ .pytest_cache

# The one entry point. `make run` sets everything up and starts the bot; `make test` runs every test.
SHELL := /bin/bash
comma := ,
.DEFAULT_GOAL := help

VENV        ?= .venv
PY          := $(VENV)/bin/python
RASA        := $(VENV)/bin/rasa
PYENV_PY310 := $(firstword $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.10.*/bin/python3.10) $(shell command -v python3.10 2>/dev/null))
SPACY_DIR   := build/spacy/baclofen_en
GEN_NLU     := data/nlu/generated_symptoms.yml
MODEL       := models/baclofen.tar.gz
RASA_HOST   ?= 127.0.0.1
RASA_PORT   ?= 5005
ACTIONS_PORT ?= 5055
# The action server only listens on the loopback unless told otherwise (only Rasa may call it).
ACTIONS_HOST ?= 127.0.0.1
WEB_PORT    ?= 8080
WEB_STAMP   := web/node_modules/.package-lock.json
# Scale-out: with DB_URL (and REDIS_URL) set, conversations go to PostgreSQL and locks to Redis.
ENDPOINTS   ?= $(if $(DB_URL),deploy/endpoints.scale.yml,endpoints.yml)
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(ACTIONS_PORT)/webhook
export REDIS_URL ?= redis://127.0.0.1:6379/1
# Several processes (DB_URL set) also share the record of answered Telegram updates in Redis.
export TELEGRAM_DEDUP_REDIS_URL ?= $(if $(DB_URL),$(REDIS_URL))
export WEB_ALLOWED_ORIGINS ?= http://localhost:$(WEB_PORT),http://127.0.0.1:$(WEB_PORT)

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONPATH := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

# channel_texts.* and reasons.* (what the channels and the triage rules say) are read at run time: no model is built from them.
KNOWLEDGE := $(filter-out bot/knowledge/channel_texts.% bot/knowledge/reasons.%,$(wildcard bot/knowledge/*.yml) $(wildcard bot/knowledge/*.py))
NLP_CODE  := $(wildcard bot/nlp/*.py) $(wildcard bot/nlu/*.py) bot/types.py
RASA_DATA := config.yml domain.yml $(wildcard data/*.yml) $(filter-out $(GEN_NLU),$(wildcard data/nlu/*.yml))

.PHONY: help install web browser services state run shell bench test lint format validate train spacy nlu-data clean vignettes

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## Create the virtual environment (Python 3.10) and install pinned dependencies

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	@test -n "$(PYENV_PY310)" || { echo "Python 3.10 not found (pyenv versions 3.10.x or python3.10 on PATH)"; exit 1; }
	@test -x $(PY) || $(PYENV_PY310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip wheel 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -m pip install --quiet -r requirements/dev.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -m pip check
	@touch $@

web: $(WEB_STAMP) ## Install the widget's npm packages (deep-chat, socket.io-client) into web/node_modules

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

services: ## Make sure this machine's PostgreSQL and Redis run (the scale-out tests use them)
	@pg_isready -h 127.0.0.1 -q 2>/dev/null || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 \
		--save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
	@pg_isready -h 127.0.0.1 -q && redis-cli -h 127.0.0.1 ping >/dev/null || { echo "PostgreSQL or Redis is not running"; exit 1; }

browser: ## Install Debian's Chromium for the browser tests (skipped when present; never `playwright install`)
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null || { echo "chromium could not be installed"; exit 1; }

spacy: $(SPACY_DIR)/meta.json ## Build the spaCy pipeline from the catalogue

$(SPACY_DIR)/meta.json: $(VENV)/.installed $(KNOWLEDGE) $(NLP_CODE)
	$(PY) -m bot.cli.build_spacy $(SPACY_DIR)

nlu-data: $(GEN_NLU) ## Generate symptom training examples from the catalogue

$(GEN_NLU): $(VENV)/.installed $(KNOWLEDGE) bot/cli/generate_nlu.py
	$(PY) -m bot.cli.generate_nlu $@

train: $(MODEL) ## Train the Rasa model when config, domain, data or NLU code changed

$(MODEL): $(SPACY_DIR)/meta.json $(GEN_NLU) $(RASA_DATA) $(NLP_CODE) $(wildcard data/real_language/*.yml) $(KNOWLEDGE)
	$(RASA) train --quiet --fixed-model-name baclofen --out models
	@touch $@

validate: $(GEN_NLU) ## Check domain, data and stories with Rasa
	$(RASA) data validate --quiet --fail-on-warnings --max-history 5

# If one part fails to start or stops, every part is stopped (never a chat page without a bot).
run: $(MODEL) $(WEB_STAMP) state ## Set up and train (if needed), start the action server, Rasa (:5005) and the chat page (:8080)
	@echo "Action server :$(ACTIONS_PORT), Rasa :$(RASA_PORT), chat page http://127.0.0.1:$(WEB_PORT)/ (Ctrl-C stops all)"
	@trap 'exit 130' INT TERM; trap 'kill $$(jobs -p) 2>/dev/null; wait' EXIT; \
	SANIC_HOST=$(ACTIONS_HOST) SANIC_KEEP_ALIVE_TIMEOUT=60 $(RASA) run actions --actions actions --port $(ACTIONS_PORT) --quiet & \
	$(PY) -m bot.cli.run_rasa --model $(MODEL) --interface $(RASA_HOST) --port $(RASA_PORT) --endpoints $(ENDPOINTS) \
		--cors $(subst $(comma), ,$(WEB_ALLOWED_ORIGINS)) --quiet & \
	$(PY) -m bot.cli.serve_web --host $(RASA_HOST) --port $(WEB_PORT) --rasa-url http://$(RASA_HOST):$(RASA_PORT) & \
	$(PY) -m bot.cli.health http://$(RASA_HOST):$(RASA_PORT) --wait 180 & health=$$!; \
	wait -n -p ended; status=$$?; \
	if [ "$$ended" != "$$health" ] || [ $$status -ne 0 ]; then \
		echo "The bot did not start (see above): stopping every part."; exit 1; fi; \
	wait -n; echo "A part of the bot stopped (see above): stopping every part."; exit 1

lint: $(VENV)/.installed ## ruff (lint and format) and mypy (bot, actions, bench)
	$(VENV)/bin/ruff check bot actions bench tests
	$(VENV)/bin/ruff format --check bot actions bench tests
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff format bot actions bench tests
	$(VENV)/bin/ruff check --fix bot actions bench tests

test: $(MODEL) $(WEB_STAMP) browser services lint validate ## Run every test (lint, Rasa data validation and story tests, pytest with end-to-end vignettes)
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out build/rasa-test --quiet
	$(PY) -m pytest --durations=20
	$(PY) -m bench --quick  # figures printed for the record, never asserted

state:
	@mkdir -p state

shell: $(MODEL) ## Chat in the terminal (start `make run` in another terminal first, for the actions)
	$(RASA) shell --model $(MODEL) --port 5006 --quiet

bench: $(MODEL) ## Benchmarks against stock Rasa in the same run (full: about 29 min on 2 cores); make bench QUICK=1 for about 3 min
	$(PY) -m bench $(if $(QUICK),--quick)

vignettes: ## Print vignette figures against a running bot: make vignettes FILE=tests/vignettes/baclofen.yml
	$(PY) -m bot.cli.vignettes $(or $(FILE),tests/vignettes/baclofen.yml) --url http://127.0.0.1:$(RASA_PORT)

clean: ## Remove built artefacts (keeps the virtual environment)
	rm -rf build models $(GEN_NLU) .rasa

# shiplab: `make up` installs everything and starts the hub with the demo course; `make test` runs the whole suite.
# Participants' servers run as their own Unix accounts and must be able to run this environment's Python, so
# prefer the system interpreter (/usr/bin: readable by everyone) over one installed under a private home folder.
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
            && echo /usr/bin/python3 || echo python3)
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: iptables install up test test-quick test-containers chromium clean

install: $(VENV)/.installed node_modules/.installed

# llama-cpp-python compiles llama.cpp once (~12 CPU-minutes; pip caches the wheel); portable, not -march=native.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --quiet -e '.[test]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests drive Debian's chromium through Playwright (never a downloaded browser).
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	else echo "chromium is not installed and this is not root: browser tests will be skipped (sudo apt-get install chromium)."; fi

# The hub's port guard (shiplab.hub.portguard) writes iptables/ip6tables rules when it runs as root.
iptables:
	@if command -v iptables >/dev/null 2>&1 && command -v ip6tables >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's iptables for the hub's port guard…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iptables >/dev/null; \
	else echo "iptables is not installed and this is not root: the hub's ports will not be guarded."; fi

up: install iptables
	$(BIN)/shiplab up

test: install chromium iptables
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The quick loop: no hub, no kernels, no browser.
test-quick: install
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

# The Docker path for real (root, Debian): an engine of its own (Debian's docker.io; hub_config/docker/engine.sh),
# the base image from debootstrap where no registry answers, the lab image (the host's llama-cpp-python wheel from
# pip's cache, so it is not compiled twice) and PostgreSQL from Debian's packages; then tests/containers end to end.
# The engine's images stay in /var/lib/shiplab-containers as a cache; everything the test starts is removed.
ENGINE_SOCK := /run/shiplab-containers/docker.sock
ENGINE      := /usr/bin/docker --host unix://$(ENGINE_SOCK)
WHEELS      := /var/tmp/shiplab-wheels
LLAMA       := $(shell grep -o '"llama-cpp-python==[^"]*"' pyproject.toml | tr -d '"')

test-containers: install
	@hub_config/docker/engine.sh install
	@hub_config/docker/engine.sh start
	@trap 'hub_config/docker/engine.sh stop' EXIT; set -e; t=$$(date +%s); \
	stage() { now=$$(date +%s); echo "== $$1: $$((now - t)) s"; t=$$now; }; \
	hub_config/docker/base-image.sh "$(ENGINE)" debian:bookworm-slim; stage "base image"; \
	rm -rf $(WHEELS) && mkdir -p $(WHEELS); \
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip wheel --quiet --no-deps --wheel-dir $(WHEELS) "$(LLAMA)"; \
	stage "llama-cpp-python wheel (pip's cache)"; \
	hub_config/docker/build.sh "$(ENGINE)" shiplab-lab:latest $(WHEELS) >$(WHEELS)/build.log 2>&1 \
	  || { tail -40 $(WHEELS)/build.log; exit 1; }; tail -1 $(WHEELS)/build.log; stage "lab image"; \
	hub_config/docker/build.sh "$(ENGINE)" shiplab-postgres:15 "" hub_config/docker/postgres.Dockerfile \
	  >$(WHEELS)/build-postgres.log 2>&1 || { tail -40 $(WHEELS)/build-postgres.log; exit 1; }; \
	tail -1 $(WHEELS)/build-postgres.log; stage "postgres image"; \
	SHIPLAB_REQUIRE_CONTAINERS=1 SHIPLAB_DOCKER_HOST=unix://$(ENGINE_SOCK) \
	  $(BIN)/python -m pytest tests/containers -m containers -rA $(PYTEST_ARGS); stage "end-to-end test"

clean:
	rm -rf state .pytest_cache

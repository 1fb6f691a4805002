# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve site offline test lint build clean browser-deps screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --livereload

site: $(STAMP)
	rm -rf .site.tmp
	$(BIN)/mkdocs build --strict --site-dir .site.tmp
	rm -rf site && mv .site.tmp site

offline: $(STAMP)
	rm -rf .site-offline.tmp
	OFFLINE=true $(BIN)/mkdocs build --strict --site-dir .site-offline.tmp
	rm -rf site-offline && mv .site-offline.tmp site-offline
	@echo "open site-offline/index.html in a browser: no server needed"

# Chromium (Debian) and axe-core (npm) for the browser tests; .ci/run calls this.
browser-deps:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	test -f build/node/node_modules/axe-core/axe.min.js || npm install --silent --no-audit --no-fund --prefix build/node axe-core@4

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

"""Shared fixtures: a tiny synthetic project (no article text) and access to the real snapshots."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from build_tools.config import load_config
from build_tools.lint import LintResult, lint_project

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"

SNAPSHOT_TEXT = (
    "The minister said on Monday that the bridge would reopen in May.\n"
    "Officials counted 1,204 vehicles on the first day, according to the city.\n"
    "“We are very pleased,” the mayor said — and the council agreed.\n"
)
SNAPSHOT_SHA = hashlib.sha256(SNAPSHOT_TEXT.encode()).hexdigest()

SOURCE_YAML = f"""\
title: Bridge to reopen in May
outlet: City Herald
published: 2024-03-04
url: https://example.org/bridge
snapshot:
  sha256: {SNAPSHOT_SHA}
  file: bridge.txt
"""

BRIEFING_YAML = """\
title: The bridge
summary: What the city said about the bridge.
updated: 2024-03
sections:
  - title: Reopening
    facts:
      - id: bridge-reopens
        text: The minister said the bridge would reopen in May.
        date: 2024-03-04
        citations:
          - source: city-herald-2024
            quote: "the bridge would reopen in May"
"""


def mkdocs_build(root: Path, site: Path, snapshots: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of a project into `site`, with the snapshots given."""
    environ = {**os.environ, "BRIEFINGS_SNAPSHOTS": str(snapshots), "NO_MKDOCS_2_WARNING": "1", **env}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=root, env=environ, text=True, capture_output=True)


def write_hand_written_docs(root: Path) -> None:
    """The hand-written pages the real mkdocs.yml names (its `nav:`), for a small project built with it: a
    Method page with every anchor the generated pages link to, and the editors' pages."""
    from build_tools.render.facts import METHOD_ANCHORS

    sections = "".join(f"## {anchor} {{ #{anchor} }}\n\n" for anchor in METHOD_ANCHORS)
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "method.md").write_text(f"# Method\n\n{sections}", encoding="utf-8")
    for name in ("reliability", "performance", "editor-setup"):
        (docs / f"{name}.md").write_text(f"# {name.capitalize()}\n", encoding="utf-8")


def fact_text(page: Any, fact_id: str) -> Any:
    """On a built page (BeautifulSoup), the element that holds a fact's text and footnote references: the
    paragraph after its date heading, or its cell in a table section; None when the fact is not there."""
    heading = page.find(id=f"fact-{fact_id}")
    if heading is None:
        return None
    cell = heading.find_parent("td")
    return cell if cell is not None else heading.find_next_sibling("p")


def require(condition: bool, reason: str) -> None:
    """Skip when something optional is missing, but fail under CI=true, where everything must be present."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright for Python (never a downloaded browser); the test skips when
    either is missing (and fails under CI=true)."""
    require(CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright for Python is not installed")
        raise
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def require_seeds() -> Path:
    """The real snapshots: skip when absent, but fail under CI=true where they must be present."""
    if SEEDS.is_dir() and any(SEEDS.glob("*.txt")):
        return SEEDS
    if os.environ.get("CI") == "true":
        pytest.fail(f"the real snapshots are missing at {SEEDS}; CI must run with ../shared beside the repo")
    pytest.skip(f"the real snapshots are not at {SEEDS}")


@pytest.fixture(scope="session")
def mkdocs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real briefings through `mkdocs build --strict`, built once for every test that reads it.
    Tests read it and never change it."""
    seeds = require_seeds()
    out = tmp_path_factory.mktemp("mkdocs-site")
    result = mkdocs_build(ROOT, out, seeds)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


@dataclass
class MiniProject:
    root: Path
    snapshots: Path

    def write(self, rel: str, content: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    def add_source(self, source_id: str, snapshot_text: str, extra: str = "") -> None:
        """A second source with its own snapshot (same metadata shape as the default one)."""
        (self.snapshots / f"{source_id}.txt").write_text(snapshot_text, encoding="utf-8")
        sha = hashlib.sha256(snapshot_text.encode()).hexdigest()
        self.write(f"sources/{source_id}.yaml", SOURCE_YAML.replace(SNAPSHOT_SHA, sha)
                   .replace("file: bridge.txt", f"file: {source_id}.txt") + extra)

    def lint(self) -> LintResult:
        return lint_project(load_config(self.root, str(self.snapshots), environ={}))

    def codes(self) -> list[tuple[str, int, int, str]]:
        return [(p.where.path, p.where.line, p.where.column, p.code) for p in self.lint().problems]


@pytest.fixture
def project(tmp_path: Path) -> MiniProject:
    """A clean project: one source, one briefing, one snapshot."""
    root = tmp_path / "proj"
    snapshots = tmp_path / "snaps"
    snapshots.mkdir()
    (snapshots / "bridge.txt").write_text(SNAPSHOT_TEXT, encoding="utf-8")
    mini = MiniProject(root, snapshots)
    mini.write("sources/city-herald-2024.yaml", SOURCE_YAML)
    mini.write("briefings/bridge.yaml", BRIEFING_YAML)
    mini.write("briefings.toml", QUIET_CONSISTENCY)
    return mini


# FCT008 compares a fact's sentence with its quotes. The tests of other checks change one (a quote, a
# hostile sentence) without the other, so it is off in this project; tests/test_consistency.py and
# the real content (tests/test_repository.py, tests/test_site.py) check it.
QUIET_CONSISTENCY = '[lint]\ndisable = ["fact-beyond-quotes"]\n'


@pytest.fixture
def lint(project: MiniProject) -> Callable[[Mapping[str, str]], list[tuple[str, int, int, str]]]:
    """Overwrite or add files in the clean project and return (path, line, column, code) for each problem."""

    def run(files: Mapping[str, str]) -> list[tuple[str, int, int, str]]:
        for rel, content in files.items():
            project.write(rel, content)
        return project.codes()

    return run

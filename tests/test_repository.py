"""The repository itself: its content lints clean, its code passes ruff and mypy, it holds no article text."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata

from build_tools.config import load_config
from build_tools.lint import lint_project
from tests.conftest import ROOT, require_seeds

WINDOW = 41  # more than 40 consecutive words copied from an article is article text, not a quote


def test_content_lints_clean_against_the_real_snapshots() -> None:
    result = lint_project(load_config(ROOT, str(require_seeds()), environ={}))
    assert [p.line() for p in result.problems] == []
    assert {p.code for p in result.suppressed} <= {"SRC002", "FCT003", "CIT009", "FCT008"}


def test_every_snapshot_is_a_source() -> None:
    seeds = require_seeds()
    result = lint_project(load_config(ROOT, str(seeds), environ={}))
    recorded = {s.snapshot.sha256 for s in result.project.sources.values()}
    archived = {sha for sha, path in result.store.index().items() if path.suffix == ".txt"}
    assert len(archived) == 5
    assert archived <= recorded


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.findall(r"[A-Za-z0-9$']+", folded.lower())


def test_no_file_holds_a_long_run_of_article_text() -> None:
    seeds = require_seeds()
    windows = set()
    for path in seeds.glob("*.txt"):
        words = _words(path.read_text(encoding="utf-8"))
        windows.update(tuple(words[i:i + WINDOW]) for i in range(len(words) - WINDOW + 1))
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    offenders = []
    for name in tracked:
        path = ROOT / name
        if not path.is_file() or path.suffix in {".png", ".jpg"}:
            continue
        words = _words(path.read_text(encoding="utf-8", errors="replace"))
        if any(tuple(words[i:i + WINDOW]) in windows for i in range(len(words) - WINDOW + 1)):
            offenders.append(name)
    assert offenders == []


def test_ruff_passes() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "build_tools", "tests"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_mypy_passes() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_content_covers_the_corpus() -> None:
    result = lint_project(load_config(ROOT, str(require_seeds()), environ={}))
    facts = list(result.project.facts)
    assert len(facts) >= 60
    assert all(fact.citations for fact in facts)
    cited = {c.source for fact in facts for c in fact.citations}
    assert cited == set(result.project.sources) and len(cited) == 5


def test_state_facts_carry_as_of_and_statements_are_attributed() -> None:
    result = lint_project(load_config(ROOT, str(require_seeds()), environ={}))
    for fact in result.project.facts:
        if fact.kind == "state":
            assert fact.as_of is not None, fact.id
        if fact.kind != "statement" and ("has not spoken" in fact.text or "had not spoken" in fact.text):
            assert fact.as_of is not None, fact.id

"""The benchmark harness as a smoke test at 1k facts: it runs end to end and reports every figure.

No timing is asserted (timings are measured by `briefings bench`, not judged by tests); what is
asserted is what must hold at any speed: the synthetic project lints clean, a one-fact edit
rewrites only the few files that depend on that fact, and --keep leaves a normal project.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from build_tools.bench import Shape, scaling_exponent, write_project
from build_tools.cli import main
from build_tools.config import load_config
from build_tools.lint import lint_project

KEYS = {"parse_floor_s", "lint_cold_s", "lint_s", "build_s", "mkdocs_generated_s", "mkdocs_inplace_s", "peak_rss_mb",
        "lint_over_floor", "build_over_floor", "mkdocs_generated_over_inplace", "edit_regenerate_s",
        "edit_rewritten_files", "lint_one_file_s"}


def test_bench_runs_at_1k_and_reports_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    keep = tmp_path / "project"
    assert main(["bench", "--facts", "1000", "--repeats", "1", "--keep", str(keep), "--json", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    [row] = report["sizes"]
    assert set(row) >= KEYS, KEYS - set(row)
    assert row["facts"] == 1000 and all(row[k] > 0 for k in ("parse_floor_s", "lint_s", "build_s"))
    assert 1 <= row["edit_rewritten_files"] <= 8  # the page, its data files and the exports, not all pages
    assert "parse_floor_s" in capsys.readouterr().out
    result = lint_project(load_config(keep))  # --keep leaves a normal project with its own snapshots
    assert result.errors == 0 and sum(1 for _ in result.project.facts) == 1000


def test_synthetic_project_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_project(tmp_path / name, Shape(facts=50, sources=10, briefings=5, seed=7))
    files_a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*.yaml")}
    files_b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*.yaml")}
    assert files_a == files_b and len(files_a) == 15


def test_scaling_exponent_of_linear_and_quadratic_series() -> None:
    linear = [{"facts": n, "t": n * 0.001} for n in (1000, 10000, 100000)]
    quadratic = [{"facts": n, "t": (n / 1000) ** 2} for n in (1000, 10000, 100000)]
    assert scaling_exponent(linear, "t") == 1.0
    assert scaling_exponent(quadratic, "t") == 2.0


def test_adversarial_cases_run_and_report_their_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The two class-7 cases at 1/100 of their size: one quote cited by every fact (lint-clean), and 100
    quotes that are not in a large snapshot (each an error with its closest passage)."""
    out = tmp_path / "adversarial.json"
    assert main(["bench", "--adversarial", "--scale", "0.01", "--repeats", "1", "--json", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))["adversarial"]
    assert [(row["case"], row["size"], row["errors"]) for row in rows] == [
        ("one quote cited by every fact", "200 facts", 0),
        ("quotes not in a large snapshot", "100 quotes, 0.1 MB", 100)]
    assert all(row["lint_s"] > 0 and row["pages_s"] > 0 for row in rows)
    assert "quotes not in a large snapshot" in capsys.readouterr().out

"""The benchmark harness (benchmarks/, run as `briefings bench`) as a smoke test at 1k facts: every part runs
end to end and reports every figure, including `make serve`'s command started cold and edits polled over HTTP.

No timing is asserted (timings are measured by `briefings bench`, not judged by tests); what is asserted is what
must hold at any speed: the synthetic project lints clean, every edit reached the served page, a one-fact edit
rewrites only the few files that depend on that fact, and --keep leaves a normal project.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import run as bench
from benchmarks.processes import REPOSITORY
from benchmarks.project import Shape, edit_fact_text, write_project
from build_tools import cli
from build_tools.cli import main
from build_tools.config import load_config
from build_tools.lint import lint_project

KEYS = {"floor_process_s", "lint_process_s", "lint_over_floor_process", "floor_s", "lint_s", "lint_over_floor",
        "python_start_s", "import_yaml_s", "briefings_start_s", "lint_cold_s", "lint_one_file_s", "pages_s",
        "exports_s", "write_s", "generate_s", "rebuild_s", "rebuild_rewritten", "mkdocs_s", "mkdocs_ours_s",
        "mkdocs_ours_share", "mkdocs_peak_mb", "serve_ready_s", "serve_edit_s", "serve_edits_s", "serve_peak_mb",
        "serve_settle_s", "serve_settled_s",
        "serve_restart_s", "serve_restart_cpu_s", "floor_process_cpu_s", "lint_process_cpu_s",
        "lint_over_floor_process_cpu", "mkdocs_cpu_s",
        "mkdocs_every_page_s", "mkdocs_every_page_cpu_s", "mkdocs_every_page_peak_mb", "mkdocs_ours_cpu_s",
        "mkdocs_ours_cpu_share", "floor_cpu_s", "lint_cpu_s", "lint_over_floor_cpu", "generate_cpu_s", "rebuild_cpu_s",
        "mkdocs_child_cpu_s", "mkdocs_child_peak_mb", "mkdocs_one_process_s", "mkdocs_one_process_cpu_s",
        "mkdocs_one_process_ours_share"}


def test_bench_runs_at_1k_and_reports_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    keep = tmp_path / "project"
    assert main(["bench", "--facts", "1000", "--repeats", "1", "--edits", "2", "--keep", str(keep),
                 "--json", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    [row] = report["sizes"]
    assert set(row) >= KEYS, KEYS - set(row)
    assert row["facts"] == 1000 and all(row[k] > 0 for k in ("floor_process_s", "lint_process_s", "mkdocs_s"))
    assert len(row["serve_edits_s"]) == 2 and all(seconds > 0 for seconds in row["serve_edits_s"])
    assert all(settled >= served for settled, served in zip(row["serve_settled_s"], row["serve_edits_s"], strict=True))
    assert 0 < row["mkdocs_ours_s"] < row["mkdocs_s"] and row["mkdocs_cpu_s"] > 0
    assert row["mkdocs_every_page_s"] > 0  # the same site with every page in the sidebar (issue 16's comparison)
    assert row["mkdocs_one_process_s"] > 0 and 0 < row["mkdocs_one_process_ours_share"] < 1
    assert 1 <= row["rebuild_rewritten"] <= 8  # the page, its data files and the exports, not all pages
    assert "floor_process_s" in capsys.readouterr().out
    assert "nav:" in (keep / "mkdocs.yml").read_text(encoding="utf-8")  # the site's own sidebar, not every page
    assert "nav:" not in (keep / "mkdocs-every-page.yml").read_text(encoding="utf-8")
    result = lint_project(load_config(keep))  # --keep leaves a normal project with its own snapshots
    assert result.errors == 0 and sum(1 for _ in result.project.facts) == 1000


def test_synthetic_project_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_project(tmp_path / name, Shape(facts=50, sources=10, briefings=5, seed=7))
    files_a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*.yaml")}
    files_b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*.yaml")}
    assert files_a == files_b and len(files_a) == 15


def test_an_edit_changes_one_fact_text(tmp_path: Path) -> None:
    write_project(tmp_path, Shape(facts=20, sources=10, briefings=2))
    before = lint_project(load_config(tmp_path)).project
    text = edit_fact_text(tmp_path, 1)
    after = lint_project(load_config(tmp_path))
    changed = [(a.id, b.text) for a, b in zip(before.facts, after.project.facts, strict=True) if a.text != b.text]
    assert changed == [("fact-000000", text)] and after.errors == 0


def test_the_command_line_offers_the_harness_parts() -> None:
    assert cli.PARTS == bench.PARTS


def test_scaling_exponent_of_linear_and_quadratic_series() -> None:
    linear = [{"facts": n, "t": n * 0.001} for n in (1000, 10000, 100000)]
    quadratic = [{"facts": n, "t": (n / 1000) ** 2} for n in (1000, 10000, 100000)]
    assert bench.scaling_exponent(linear, "t") == 1.0
    assert bench.scaling_exponent(quadratic, "t") == 2.0


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


def test_compare_gives_each_checkout_a_copy_that_names_its_own_hook(tmp_path: Path) -> None:
    from benchmarks.compare import copy_for

    project = tmp_path / "project"
    write_project(project, Shape(facts=20, sources=10, briefings=2))
    other = tmp_path / "other-checkout"
    copy = copy_for(project, other, tmp_path)
    config = (copy / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"{other}/build_tools/mkdocs_hook.py" in config and str(REPOSITORY) + "/" not in config
    edited = "briefings/briefing-0000.yaml"
    assert (copy / edited).read_bytes() == (project / edited).read_bytes()


def test_a_missing_language_server_stops_the_harness_before_it_measures_anything(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "build_tools.lsp.server", None)  # as if the [lsp] extra were not installed
    said: list[str] = []
    with pytest.raises(bench.BenchError, match=r"the lsp part needs the language server libraries .*--only"):
        bench.run([1000], None, 10, 1, 1, ("processes", "lsp"), tmp_path / "kept", said.append)
    assert said == [] and not (tmp_path / "kept").exists()


def test_pss_counts_a_forked_child_and_passes_on_the_status() -> None:
    """benchmarks.pss: a parent that forks a child holding 200 MB of its own is seen at over 200 MB."""
    if not Path("/proc/self/smaps_rollup").exists():
        pytest.skip("no /proc/PID/smaps_rollup (not Linux)")
    program = ("import os, time\n"
               "if os.fork() == 0:\n"
               "    block = bytearray(200 * 2**20); time.sleep(1.5); os._exit(0)\n"
               "os.wait(); raise SystemExit(3)\n")
    result = subprocess.run([sys.executable, "-m", "benchmarks.pss", sys.executable, "-c", program],
                            cwd=REPOSITORY, capture_output=True, text=True)
    assert result.returncode == 3, result.stderr
    found = re.search(r"peak PSS ([0-9.]+) GB over (\d+) process", result.stderr)
    assert found and float(found[1]) >= 0.2 and found[2] == "2", result.stderr

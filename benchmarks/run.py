"""The measurements at each size, in one run and side by side, and the report (a table and JSON).

Comparisons are interleaved (floor, lint, floor, lint, ...) so that a load change on a shared machine hits
both; every figure is the median of `repeats` runs unless it says otherwise.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.adversarial import adversarial, adversarial_table
from benchmarks.lsp import measure_lsp, summary
from benchmarks.processes import BenchError, Run, briefings, python, timed
from benchmarks.project import EDITED, MARKER, Shape, mkdocs_config, write_project
from benchmarks.serve import measure_serve
from build_tools.background import OFF

__all__ = ["MARKER", "PARTS", "BenchError", "adversarial", "adversarial_table", "run", "table"]

Progress = Callable[[str], None]


def _json(run: Run) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return data


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def _interleaved(repeats: int, commands: dict[str, list[str]], root: Path) -> dict[str, list[Run]]:
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            runs[name].append(timed(command, root, check=name != "lint"))
    return runs


def measure_processes(root: Path, repeats: int, progress: Progress) -> dict[str, Any]:
    """Whole processes, cold-started, cache warm: the parse floor against `briefings lint`, and what
    starting Python and importing costs."""
    progress("  lint with an empty cache")
    shutil.rmtree(root / "build/cache", ignore_errors=True)
    cold = timed(briefings("lint", "--root", str(root)), root, check=False)
    _check_clean(cold, root)
    progress(f"  parse floor, lint, lint of one file, start-up (interleaved) x{repeats}")
    runs = _interleaved(repeats, {
        "floor": python("-m", "benchmarks.parse_floor", str(root)),
        "lint": briefings("lint", "--root", str(root)),
        "lint_one": briefings("lint", "--root", str(root), EDITED),
        "python": python("-c", "pass"),
        "import_yaml": python("-c", "import yaml"),
        "briefings_help": briefings("--help"),
    }, root)
    seconds = {name: _median([r.seconds for r in found]) for name, found in runs.items()}
    cpu = {name: _median([r.cpu_s for r in runs[name]]) for name in ("floor", "lint")}
    return {
        "floor_process_cpu_s": cpu["floor"], "lint_process_cpu_s": cpu["lint"],
        "lint_over_floor_process_cpu": round(cpu["lint"] / cpu["floor"], 3),
        "lint_cold_s": round(cold.seconds, 4), "floor_process_s": seconds["floor"], "lint_process_s": seconds["lint"],
        "lint_over_floor_process": round(seconds["lint"] / seconds["floor"], 3),
        "lint_one_file_s": seconds["lint_one"], "python_start_s": seconds["python"],
        "import_yaml_s": seconds["import_yaml"], "briefings_start_s": seconds["briefings_help"],
        "lint_peak_mb": round(max(r.peak_mb for r in runs["lint"] + [cold]), 1),
    }


def _check_clean(run: Run, root: Path) -> None:
    if run.returncode != 0:
        raise BenchError(f"the synthetic project does not lint clean (exit {run.returncode}); run "
                         f"`briefings lint --root {root}`:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")


def measure_phases(root: Path, repeats: int, progress: Progress) -> dict[str, Any]:
    """Inside one process: lint, pages, exports, writing; and our part of a served edit."""
    progress(f"  in-process phases, and our part of a served edit x{repeats}")
    builds, floors, rebuilds = [], [], []
    for _ in range(repeats):
        floors.append(_json(timed(python("-m", "benchmarks.parse_floor", str(root), "--time"), root)))
        builds.append(_json(timed(python("-m", "benchmarks.phases", "build", str(root)), root)))
        rebuilds.append(_json(timed(python("-m", "benchmarks.phases", "rebuild", str(root)), root)))
    figures = {key: _median([b[key] for b in builds]) for key in ("lint_s", "pages_s", "exports_s", "write_s")}
    figures["floor_s"] = _median([f["seconds"] for f in floors])
    figures["floor_cpu_s"] = _median([f["cpu_s"] for f in floors])
    figures["lint_cpu_s"] = _median([b["lint_cpu_s"] for b in builds])
    figures["lint_over_floor_cpu"] = round(figures["lint_cpu_s"] / figures["floor_cpu_s"], 3)
    figures["generate_cpu_s"] = _median([b["generate_cpu_s"] for b in builds])
    figures["rebuild_cpu_s"] = _median([r["rebuild_cpu_s"] for r in rebuilds])
    figures["lint_over_floor"] = round(figures["lint_s"] / figures["floor_s"], 3)
    figures["generate_s"] = round(figures["pages_s"] + figures["exports_s"] + figures["write_s"], 4)
    figures["rebuild_s"] = _median([r["rebuild_s"] for r in rebuilds])
    figures["rebuild_rewritten"] = rebuilds[-1]["rewritten"]
    figures["build_peak_mb"] = round(max(b["peak_mb"] for b in builds), 1)
    return figures


def _mkdocs_build(root: Path, config: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    site = root / "build/bench-site"
    shutil.rmtree(site, ignore_errors=True)
    os.sync()  # the last build's site (and its removal) on disk first: not this build's to wait for
    run = timed(python("-m", "benchmarks.mkdocs_build", str(config), str(site)), root, env=env)
    return {**_json(run), "process_s": run.seconds, "cpu_s": run.cpu_s}


def measure_mkdocs(root: Path, repeats: int, progress: Progress, every_page: bool = False) -> dict[str, Any]:
    """A full `mkdocs build` of the project (cache warm), and our share of it; interleaved with it, the same
    build with the generation in the build's own process (`background.OFF`: what a one-core machine does).
    `every_page`: also interleaved, a build with every page in the sidebar (no `nav:`), each source's included."""
    progress(f"  mkdocs build x{repeats}, and with the generation in its own process"
             + (", and with every page in the sidebar, interleaved" if every_page else ""))
    if every_page:
        (root / EVERY_PAGE_CONFIG).write_text(mkdocs_config(every_page_in_sidebar=True), encoding="utf-8")
    runs, one, every = [], [], []
    for _ in range(repeats):
        runs.append(_mkdocs_build(root, root / "mkdocs.yml"))
        one.append(_mkdocs_build(root, root / "mkdocs.yml", {OFF: "1"}))
        if every_page:
            every.append(_mkdocs_build(root, root / EVERY_PAGE_CONFIG))
    figures = {"mkdocs_s": _median([r["process_s"] for r in runs]), "mkdocs_cpu_s": _median([r["cpu_s"] for r in runs]),
               "mkdocs_ours_s": _median([r["ours_s"] for r in runs]),
               "mkdocs_ours_share": round(statistics.median(r["ours_s"] / r["process_s"] for r in runs), 3),
               "mkdocs_ours_cpu_s": _median([r["ours_all_cpu_s"] for r in runs]),
               "mkdocs_ours_cpu_share": round(statistics.median(r["ours_all_cpu_s"] / r["all_cpu_s"] for r in runs), 3),
               "mkdocs_child_cpu_s": _median([r["child_cpu_s"] for r in runs]),
               "mkdocs_child_peak_mb": round(max(r["child_peak_mb"] for r in runs), 1),
               "mkdocs_peak_mb": round(max(r["peak_mb"] for r in runs), 1),
               "mkdocs_one_process_s": _median([r["process_s"] for r in one]),
               "mkdocs_one_process_cpu_s": _median([r["cpu_s"] for r in one]),
               "mkdocs_one_process_ours_share": round(statistics.median(r["ours_s"] / r["process_s"] for r in one), 3)}
    if every_page:
        figures.update({"mkdocs_every_page_s": _median([r["process_s"] for r in every]),
                        "mkdocs_every_page_cpu_s": _median([r["cpu_s"] for r in every]),
                        "mkdocs_every_page_peak_mb": round(max(r["peak_mb"] for r in every), 1)})
    return figures


def measure_serving(root: Path, edits: int, progress: Progress) -> dict[str, Any]:
    progress(f"  make serve: cold start, then {edits} edits, then stopped, edited and started again")
    figures = measure_serve(root, edits)
    return {"serve_ready_s": round(figures.ready_s, 3), "serve_edit_s": round(figures.edit_s, 3),
            "serve_edits_s": [round(s, 3) for s in figures.edits_s], "serve_settle_s": round(figures.settle_s, 3),
            "serve_settled_s": [round(s, 3) for s in figures.settled_s], "serve_peak_mb": round(figures.peak_mb, 1),
            "serve_restart_s": round(figures.restart_s, 3), "serve_restart_cpu_s": round(figures.restart_cpu_s, 3)}


def measure_language_server(root: Path, keystrokes: int, progress: Progress) -> dict[str, Any]:
    progress(f"  briefings lsp: open {EDITED}, then {keystrokes} keystrokes of each kind and a burst")
    return summary(measure_lsp(root, keystrokes))


PARTS = ("processes", "phases", "mkdocs", "sidebar", "serve", "lsp")  # sidebar: mkdocs build with every page in it
EVERY_PAGE_CONFIG = "mkdocs-every-page.yml"


def measure(shape: Shape, root: Path, repeats: int, edits: int, parts: tuple[str, ...],
            progress: Progress) -> dict[str, Any]:
    progress(f"generating {shape.facts:,} facts, {shape.sources:,} sources, {shape.briefings} briefings in {root}")
    write_project(root, shape)
    yaml_mb = sum(p.stat().st_size for p in root.glob("*/*.yaml")) / 1e6
    row: dict[str, Any] = {"facts": shape.facts, "sources": shape.sources, "briefings": shape.briefings,
                           "yaml_mb": round(yaml_mb, 2), "load_1min": round(os.getloadavg()[0], 2)}
    if "processes" in parts:
        row.update(measure_processes(root, repeats, progress))
    if "phases" in parts:
        row.update(measure_phases(root, repeats, progress))
    if "mkdocs" in parts or "sidebar" in parts:
        row.update(measure_mkdocs(root, repeats, progress, every_page="sidebar" in parts))
    if "serve" in parts:
        row.update(measure_serving(root, edits, progress))
    if "lsp" in parts:
        row.update(measure_language_server(root, edits, progress))
    return row


def scaling_exponent(rows: list[dict[str, Any]], key: str) -> float | None:
    """Least-squares slope of log(time) against log(facts): 1.0 is linear."""
    points = [(r["facts"], r[key]) for r in rows if r.get(key)]
    if len(points) < 2:
        return None
    xs = [math.log(f) for f, _ in points]
    ys = [math.log(t) for _, t in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / \
        sum((x - mean_x) ** 2 for x in xs)
    return round(slope, 3)


COLUMNS = ("facts", "yaml_mb", "load_1min", "floor_process_s", "lint_process_s", "lint_over_floor_process",
           "floor_process_cpu_s", "lint_process_cpu_s", "lint_over_floor_process_cpu",
           "floor_s", "lint_s", "lint_over_floor", "floor_cpu_s", "lint_cpu_s", "lint_over_floor_cpu",
           "python_start_s", "import_yaml_s", "briefings_start_s", "lint_cold_s", "lint_one_file_s",
           "pages_s", "exports_s", "write_s", "generate_s", "generate_cpu_s", "rebuild_s", "rebuild_cpu_s",
           "rebuild_rewritten", "mkdocs_s", "mkdocs_cpu_s", "mkdocs_every_page_s", "mkdocs_every_page_cpu_s",
           "mkdocs_every_page_peak_mb", "mkdocs_ours_s", "mkdocs_ours_share", "mkdocs_ours_cpu_s",
           "mkdocs_ours_cpu_share", "mkdocs_peak_mb", "serve_ready_s", "serve_edit_s", "serve_edits_s",
           "serve_settle_s", "serve_settled_s", "serve_peak_mb", "serve_restart_s", "serve_restart_cpu_s",
           "lint_peak_mb", "build_peak_mb",
           "lsp_file_facts", "lsp_open_s", "lsp_keystroke_s", "lsp_keystroke_max_s", "lsp_text_s", "lsp_quote_wrong_s",
           "lsp_quote_right_s", "lsp_burst_s", "lsp_cpu_s", "lsp_peak_mb")


def table(rows: list[dict[str, Any]]) -> str:
    shown = [c for c in COLUMNS if any(c in r for r in rows)]
    lines = [" | ".join(shown), " | ".join("---" for _ in shown)]
    lines += [" | ".join(str(r.get(c, "")) for c in shown) for r in rows]
    return "\n".join(lines)


def run(sizes: list[int], sources: int | None, briefings_count: int, repeats: int, edits: int,
        parts: tuple[str, ...], keep: Path | None, progress: Progress = print) -> dict[str, Any]:
    if "lsp" in parts:
        _require_language_server()  # before anything is measured: a failure at the last part loses every figure
    rows = []
    for facts in sizes:
        shape = Shape.of(facts, sources, briefings_count)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            rows.append(measure(shape, keep, repeats, edits, parts, progress))
        else:
            with tempfile.TemporaryDirectory(prefix="briefings-bench-") as tmp:
                rows.append(measure(shape, Path(tmp), repeats, edits, parts, progress))
    report: dict[str, Any] = {"python": sys.version.split()[0], "cpus": os.cpu_count(),
                              "date": time.strftime("%Y-%m-%d %H:%M"), "sizes": rows}
    if len(rows) > 1:
        keys = ("floor_process_s", "lint_process_s", "mkdocs_s", "generate_s", "rebuild_s", "serve_edit_s")
        report["scaling_exponent"] = {key: scaling_exponent(rows, key) for key in keys}
    return report


def _require_language_server() -> None:
    try:
        import build_tools.lsp.server  # noqa: F401
    except ImportError as error:
        raise BenchError(f"the lsp part needs the language server libraries ({error.name} is missing): "
                         "pip install 'sourced-briefings[lsp]' (make test-tools installs it), or choose the "
                         "parts with --only") from None

"""Inside one process, where our own time goes: `python -m benchmarks.phases WHAT ROOT` prints JSON.

- `build`: lint, then generate every page and export, then write them (the in-process split of
  `briefings build`);
- `rebuild`: what the MkDocs hook does under `make serve` after an editor saves a fact: one session builds,
  the fact is edited, the same session lints, generates and writes again (our part of the served edit).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.project import edit_fact_text
from build_tools.config import load_config
from build_tools.lint import lint_project
from build_tools.session import Session, paused_gc
from build_tools.site import generate, write_files


def build(root: Path) -> dict[str, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    with paused_gc():  # as a session runs them
        result = lint_project(load_config(root))
        linted, linted_cpu = time.perf_counter(), time.process_time()
        timings: dict[str, float] = {}
        files = generate(result.project, result.store, timings=timings)
    generated = time.perf_counter()
    write_files(files, root / "build/pages")
    return {"errors": result.errors, "lint_s": linted - started, "pages_s": timings["pages"],
            "exports_s": timings["exports"], "write_s": time.perf_counter() - generated,
            "lint_cpu_s": linted_cpu - cpu, "generate_cpu_s": time.process_time() - linted_cpu}


def rebuild(root: Path) -> dict[str, Any]:
    session = Session()
    session.build(load_config(root))
    edit_fact_text(root, time.time_ns() % 10**9)
    started, cpu = time.perf_counter(), time.process_time()
    again = session.build(load_config(root))
    return {"errors": again.lint.errors, "rebuild_s": time.perf_counter() - started,
            "rebuild_cpu_s": time.process_time() - cpu,
            "rewritten": len(again.report.written) if again.report else None,
            **{f"rebuild_{name}_s": seconds for name, seconds in again.seconds.items()}}


def main(what: str, root: Path) -> int:
    figures = {"build": build, "rebuild": rebuild}[what](root)
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))

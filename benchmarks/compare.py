"""Two versions of the code side by side on one project, alternated: `python -m benchmarks.compare PROJECT
CHECKOUT...` (options `--rounds N`, `--edits N`, `--only serve|rebuild`), one JSON line per measurement.

Each checkout (a `git worktree` of the version to compare) measures its own copy of PROJECT, whose mkdocs.yml
names that checkout's hook: our part of a served edit (`benchmarks.phases rebuild`) and `make serve` end to end
(`benchmarks.serve`: cold start, then edits polled over HTTP). Rounds alternate the checkouts, so that a change
of load on a shared machine hits all of them. How the figures in docs/performance.md on removing (or keeping) a
cache were measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

SERVE = ("import json, sys; from pathlib import Path; from benchmarks.serve import measure_serve; "
         "f = measure_serve(Path(sys.argv[1]), int(sys.argv[2])); "
         "print(json.dumps({'ready_s': f.ready_s, 'edit_s': f.edit_s, 'edits_s': f.edits_s, 'peak_mb': f.peak_mb, "
         "'settled_s': getattr(f, 'settled_s', None), "
         "'restart_s': getattr(f, 'restart_s', None), 'restart_cpu_s': getattr(f, 'restart_cpu_s', None)}))")


def copy_for(project: Path, checkout: Path, into: Path) -> Path:
    """A copy of `project` (made once) whose mkdocs.yml names the hook and theme overrides of `checkout`."""
    copy = into / f"{project.name}-{checkout.name}"
    if not copy.exists():
        shutil.copytree(project, copy, symlinks=True)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    here = str(Path(__file__).resolve().parent.parent)
    (copy / "mkdocs.yml").write_text(config.replace(here + "/", f"{checkout}/"), encoding="utf-8")
    return copy


def measure(checkout: Path, project: Path, what: str, edits: int) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(checkout), "NO_MKDOCS_2_WARNING": "1"}
    command = ([sys.executable, "-m", "benchmarks.phases", "rebuild", str(project)] if what == "rebuild"
               else [sys.executable, "-c", SERVE, str(project), str(edits)])
    done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{checkout}: {what} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare")
    parser.add_argument("project", type=Path, help="a project written by `briefings bench --keep DIR`")
    parser.add_argument("checkouts", type=Path, nargs="+", help="the versions to compare (git worktrees)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--edits", type=int, default=5, help="edits per `make serve` session")
    parser.add_argument("--only", choices=("serve", "rebuild"), action="append")
    args = parser.parse_args(argv)
    parts = args.only or ["rebuild", "serve"]
    copies = {c: copy_for(args.project.resolve(), c.resolve(), args.project.resolve().parent) for c in args.checkouts}
    for number in range(args.rounds):
        for checkout, project in copies.items():
            for what in parts:
                row = {"round": number, "checkout": str(checkout), "what": what,
                       **measure(checkout.resolve(), project, what, args.edits)}
                print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A command as a whole process, timed from the outside: wall time from spawn to exit, and peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


class BenchError(Exception):
    """The benchmark could not run (a failing command or an invalid synthetic project)."""


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time, as the user waits
    cpu_s: float  # user + system time of the process (steadier than wall time on a shared machine)
    peak_mb: float
    stdout: str
    stderr: str
    returncode: int


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Ours, with this package importable by child processes and MkDocs 2's notice silenced. Python writes and
    reuses its compiled modules (`__pycache__`), as on a user's machine: a PYTHONDONTWRITEBYTECODE inherited
    from the shell would make every timed process compile from source each module changed since its last
    compiled copy (60 ms of a lint's start-up, measured)."""
    path = os.pathsep.join(p for p in (str(REPOSITORY), os.environ.get("PYTHONPATH", "")) if p)
    inherited = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**inherited, "PYTHONPATH": path, "NO_MKDOCS_2_WARNING": "1", **(extra or {})}


def timed(command: Sequence[str], cwd: Path, check: bool = True, env: Mapping[str, str] | None = None) -> Run:
    """Run `command` to the end; its wall time and its own peak resident memory (from wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=environment(env), stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so that its usage is its own
        out.seek(0)
        err.seek(0)
        run = Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                  out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), process.returncode)
    if check and run.returncode != 0:
        raise BenchError(f"{' '.join(command)} exited {run.returncode}:\n{run.stderr[-3000:]}")
    return run


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def briefings(*args: str) -> list[str]:
    """The `briefings` command as `make` runs it (the console script beside this Python), else `-m`."""
    script = Path(sys.executable).parent / "briefings"
    return [str(script), *args] if script.exists() else python("-m", "build_tools", *args)

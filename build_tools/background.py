"""A generation made by a second process while the publisher works: `mkdocs build` on a machine with two cores.

MkDocs needs the list of pages when its build starts, each page's Markdown when it converts it, and the other
files (exports, feeds, schemas) only when it copies them into the site, after converting every page. So once
the lint has passed, the hook lists every path of the plan (`site.plan`), and a child process (`os.fork`, which
shares the loaded project without copying it) makes the parts in the plan's order and writes them as
`briefings build` does (staged, and renamed into place only when all are written). As soon as a page is written
(staged), the child tells this process where; MkDocs, converting the pages in the same order, reads it from
there, and waits only when it catches up with the child. The exports are made while MkDocs converts the pages;
`join` waits for the child before MkDocs copies them.

A child that fails (a bug, a full disk, a plan it did not make whole) writes nothing into place: the previous
output stays as it was, its error is raised here, and the build stops. When the build stops first (an error of
MkDocs, Ctrl-C), `stop` stops the child rather than wait for the whole site. The child stages its files in a
folder of their own in the output, removed by this process once the child has ended, so that a child killed
midway leaves none of them.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import secrets
import shutil
import signal
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

from build_tools.safe_files import UnsafePath
from build_tools.site import Part, UnplannedOutput, make_parts, write_parts

PIPE_SIZE = 1 << 20  # bytes: about 10,000 messages
OFF = "BRIEFINGS_ONE_PROCESS"  # set (to anything but "" or "0"): generate in the build's own process


# The second process shares this one's memory only until it writes to it, and it writes to most of what it reads
# (Python counts references in the objects themselves); both then grow while they work. At 100,000 facts this
# process holds about 650 MB when the second would start, and the two together peaked at 1.8-2.0 GB, against
# 1.34 GB for one process: a project this large is built in one process, within the 2 GB a build may take.
MAX_RESIDENT_MB = 400


def available() -> bool:
    """Whether a second process would run beside this one: fork exists, two cores are ours, none said no, and
    this process is small enough for the two to stay within a build's memory (MAX_RESIDENT_MB)."""
    if not hasattr(os, "fork") or os.environ.get(OFF, "") not in ("", "0"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores >= 2 and resident_mb() < MAX_RESIDENT_MB


def resident_mb() -> float:
    """This process's resident memory now, in MB (its peak so far where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


class GenerationFailed(Exception):
    """The second process stopped without writing the output: its error, as a line."""


@dataclass(frozen=True)
class Joined:
    """What the second process reported: how many files it wrote, its seconds, and the CPU it used."""

    written: int
    paths: int
    seconds: dict[str, float]
    cpu_s: float


class Generation:
    """The second process making `parts` and writing them to `out`, seen from the build's process. Only short
    messages go through the pipe between them (a page is made: where its file is; the end): the pages themselves
    are read from the files the child writes, so neither process waits for the other to copy them."""

    def __init__(self, parts: list[Part], out: Path, staging: Path | None = None) -> None:
        self.paths = [path for part in parts for path in part.paths]
        self.waited_s = 0.0  # wall seconds this process spent waiting for a page or for the end
        self._places: dict[str, Path] = {}  # the pages made, not yet taken: where each can be read
        self._taken: set[str] = set()
        self._end: dict[str, object] | None = None  # the child's last message
        self._joined: Joined | GenerationFailed | None = None
        # Where the child stages new files, unless told: a folder of their own in `out` (made by the child once
        # `out` is claimed), which this process removes when the child has ended, so that a child killed or
        # stopped midway leaves none of its files behind.
        self._staging = out / f".generating-{secrets.token_hex(6)}" if staging is None else None
        staging = staging or self._staging
        read, write = os.pipe()
        with contextlib.suppress(ImportError, OSError, AttributeError):  # Linux: room for every page's message,
            import fcntl  # so that the child does not wait for this process to read them

            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        self._pid = os.fork()
        if self._pid == 0:  # the child: it never returns
            os.close(read)
            _child(parts, out, staging, os.fdopen(write, "wb"))
        os.close(write)
        self._pipe = os.fdopen(read, "rb")

    def take(self, path: str) -> Path | None:
        """Where the page at `path` can be read once the child has written it: its staged file (if that is gone,
        it was renamed into place, `out / path`, with the same content). None if it was taken before (it is
        then in place once the child has finished: `join` first)."""
        if path in self._taken:
            return None
        started = time.perf_counter()
        while path not in self._places and self._end is None:
            self._receive()
        self.waited_s += time.perf_counter() - started
        place = self._places.pop(path, None)
        if place is None:
            self.join()  # the child ended without making it: raises its error
            raise GenerationFailed(f"the page {path} was not generated")
        self._taken.add(path)
        return place

    def join(self) -> Joined:
        """Wait for the child to finish writing; raise GenerationFailed if it did not (each time asked)."""
        if self._joined is None:
            started = time.perf_counter()
            self._joined = self._wait()
            self.waited_s += time.perf_counter() - started
        if isinstance(self._joined, GenerationFailed):
            raise self._joined
        return self._joined

    def stop(self) -> None:
        """The build stopped (an error, Ctrl-C): stop the child if it is still making the output; it then writes
        nothing into place. Nothing of the pipe is read (it may have been cut mid-message by the interruption)."""
        if self._joined is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            self._pipe.close()
            os.waitpid(self._pid, 0)
            self._joined = GenerationFailed("the build stopped")
            self._remove_staging()

    def _remove_staging(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)

    def _receive(self) -> None:
        """The child's next message: a page made, or the end (also when the pipe ends without one)."""
        line = self._pipe.readline()
        message = json.loads(line) if line.endswith(b"\n") else {"kind": "cut"}
        if message["kind"] == "page":
            self._places[message["path"]] = Path(message["place"])
        else:
            self._end = message
            self._pipe.close()

    def _wait(self) -> Joined | GenerationFailed:
        while self._end is None:  # read to the end: the child may be waiting to write
            self._receive()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        _, status = os.waitpid(self._pid, 0)
        self._remove_staging()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        end = self._end
        if os.waitstatus_to_exitcode(status) != 0 or end.get("kind") != "done":
            return GenerationFailed(str(end.get("error") or "the generating process stopped (exit status "
                                        f"{os.waitstatus_to_exitcode(status)})"))
        if int(str(end["paths"])) != len(self.paths):  # "done", yet not all made (a bug): MkDocs would miss some
            return GenerationFailed(f"the generating process made {end['paths']} of the {len(self.paths)} files "
                                    "planned")
        seconds = end.get("seconds")
        return Joined(int(str(end["written"])), int(str(end["paths"])),
                      dict(seconds) if isinstance(seconds, dict) else {}, cpu)


def _send(pipe: BinaryIO, message: dict[str, object]) -> None:
    pipe.write(json.dumps(message).encode() + b"\n")


def _child(parts: list[Part], out: Path, staging: Path | None, pipe: BinaryIO) -> None:
    """Make and write every part, telling where each page can be read as soon as it is written; then the end:
    what was written, or the error. Exits without returning (nothing of the parent's build may run here)."""
    code = 1
    try:
        signal.signal(signal.SIGTERM, _interrupted)  # stopped by the build's process: its staged files removed
        timings: dict[str, float] = {}
        started = time.perf_counter()
        planned = [path for part in parts for path in part.paths]
        queue = deque(parts)  # each part let go once made (what the pages share, once the last page is made)
        parts.clear()
        made = _all_of(make_parts(_each(queue), timings), planned)
        report = write_parts(made, out, None, staging, placed=partial(_placed, pipe))
        timings["write"] = time.perf_counter() - started - sum(timings.values())
        _send(pipe, {"kind": "done", "written": len(report.written), "paths": len(report.paths),
                     "seconds": timings})
        pipe.flush()
        code = 0
    except BaseException as error:
        try:
            _send(pipe, {"kind": "failed", "error": _said(error)})
            pipe.flush()
        except BaseException:
            pass
    finally:
        os._exit(code)


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _all_of(parts: Iterator[dict[str, str]], planned: list[str]) -> Iterator[dict[str, str]]:
    """`parts`; once they end, an error if any planned file was not among them (before anything is renamed into
    place, so that the previous output stays whole)."""
    made: set[str] = set()
    for files in parts:
        made.update(files)
        yield files
    missing = [path for path in planned if path not in made]
    if missing:
        raise UnplannedOutput(f"{len(missing)} planned files were not made, {missing[0]} first")


def _each(queue: deque[Part]) -> Iterator[Part]:
    while queue:
        yield queue.popleft()


def _placed(pipe: BinaryIO, path: str, place: Path) -> None:
    if path.endswith(".md"):
        _send(pipe, {"kind": "page", "path": path, "place": str(place)})
        pipe.flush()


def _said(error: BaseException) -> str:
    """The error as a line: what an unsafe output folder or the system said; else also what kind of error."""
    if isinstance(error, (UnsafePath, OSError)):
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__

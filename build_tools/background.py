"""The build made by a second process while the publisher works: `mkdocs build` on a machine with two cores.

MkDocs needs the list of pages when it has gathered its own files, each page's Markdown when it converts it, the
lint's verdict before it writes anything into the site, and the other files (exports, feeds' neighbours, schemas)
only once it has written the pages. So the hook starts a child process (`os.fork`) as soon as the configuration
is read, before the project is loaded, and the child does the whole "lint, stop on errors, generate, write":

1. it loads the project (the lint's first half) and tells this process every path of the plan (`site.plan`);
   MkDocs meanwhile cleans the site and gathers its own files;
2. it makes the pages in the plan's order and writes them as `briefings build` does (staged, and renamed into
   place only when all are written), telling where each page can be read as soon as it is staged; MkDocs,
   converting the pages in the same order, reads each from there, and waits only when it catches up;
3. it runs the rules (the lint's second half) and tells their problems; the hook waits for them (`lint`) before
   MkDocs writes anything into the site, and stops the build on errors, as a lint run first would;
4. it makes and writes the exports, and copies them into the site itself once the hook has said where
   (`copy_into`, once the site was cleaned and MkDocs's files are final), so that MkDocs never waits for the
   copies (435 MB at 100,000 facts); the hook waits for the end (`join`) once MkDocs has written the pages.

A project that does not load whole (a file that does not parse) is not listed at all: the child runs the rules
at once, and the build stops on their errors before MkDocs reads a page. A child that fails (a bug, a full disk,
a plan it did not make whole) writes nothing into place: the previous output stays as it was, its error is
raised here, and the build stops; when rendering a page fails on a project the rules reject, the rules' problems
are what the build reports. When the build stops first (an error of MkDocs, Ctrl-C), `stop` stops the child
rather than wait for the whole site. The child stages its files in a folder of their own in the output, removed
by this process once the child has ended, so that a child killed midway leaves none of them.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import resource
import secrets
import shutil
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from build_tools.config import Config
from build_tools.lint import LintResult, Loaded, check_loaded, load_for_lint
from build_tools.load import LoadedFiles
from build_tools.memo import Memo
from build_tools.render.shared import Links
from build_tools.report import summary
from build_tools.safe_files import UnsafePath
from build_tools.site import Content, Part, UnplannedOutput, make_parts, plan, write_parts

PIPE_SIZE = 1 << 20  # bytes: about 10,000 messages
STAGING = ".generating-"  # a staging folder's name: this, the build's process id, a dash and a random part
OFF = "BRIEFINGS_ONE_PROCESS"  # set (to anything but "" or "0"): generate in the build's own process


# The second process shares this one's memory only until it writes to it, and it writes to most of what it reads
# (Python counts references in the objects themselves). It starts before the project is loaded, when this process
# holds MkDocs's start only (about 60 MB): the project is loaded in the child alone. A process already this large
# when it would start keeps the build in one process, within the 2 GB a build may take.
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


@dataclass(frozen=True)
class Checked:
    """What the rules found, as the child told it: each problem's severity and line, and the summary."""

    problems: tuple[tuple[str, str], ...]  # (severity, `Problem.line()`), in the lint's order
    summary: str
    errors: int
    note: str  # the history's note ("" when none)

    @classmethod
    def of(cls, result: LintResult) -> Checked:
        return cls(tuple((p.severity.value, p.line()) for p in result.problems), summary(result), result.errors,
                   result.history.note or "")


class GenerationFailed(Exception):
    """The second process stopped without writing the output: its error, as a line."""


class LintFailed(GenerationFailed):
    """The rules found errors: nothing was written. `checked`: their problems."""

    def __init__(self, checked: Checked) -> None:
        super().__init__(checked.summary)
        self.checked = checked


@dataclass(frozen=True)
class Joined:
    """What the second process reported: how many files it wrote, its seconds, the CPU it used, and whether it
    copied the files that are not pages into the site (`Generation.copy_into`)."""

    written: int
    paths: int
    seconds: dict[str, float]
    cpu_s: float
    copied: bool = False


class Generation:
    """The second process linting `config`'s project and making and writing its output to `out`, seen from the
    build's process. Only short messages go through the pipe between them (the paths planned; a page is made:
    where its file is; the rules' problems; the end): the pages themselves are read from the files the child
    writes, so neither process waits for the other to copy them. `links` and `site_url` are the publisher's."""

    def __init__(self, config: Config, out: Path, links: Links, site_url: str | None = None,
                 staging: Path | None = None) -> None:
        self.waited_s = 0.0  # wall seconds this process spent waiting for the child
        self._paths: list[str] | None = None  # every path of the plan, once the child has loaded the project
        self._checked: Checked | None = None  # the rules' problems, once the child has run them
        self._places: dict[str, Path] = {}  # the pages made, not yet taken: where each can be read
        self._taken: set[str] = set()
        self._end: dict[str, object] | None = None  # the child's last message
        self._joined: Joined | GenerationFailed | None = None
        # Where the child stages new files: a folder of their own (in `out`, or in `staging` when told; made by
        # the child once `out` is claimed), which this process removes when the child has ended, so that a child
        # killed or stopped midway leaves none of its files behind, and one stopped by the rules leaves its pages
        # readable until then. Its name holds this process's id: a folder left by a build killed whole (SIGKILL
        # to both processes) is removed by the next (`_remove_abandoned`).
        _remove_abandoned(staging or out)
        self._staging = (staging or out) / f"{STAGING}{os.getpid()}-{secrets.token_hex(6)}"
        staging = self._staging
        read, write = os.pipe()
        with contextlib.suppress(ImportError, OSError, AttributeError):  # Linux: room for every page's message,
            import fcntl  # so that the child does not wait for this process to read them

            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        told, tell = os.pipe()  # the other way: where the site is (`copy_into`), or nothing (closed)
        parent = os.getpid()
        self._pid = os.fork()
        if self._pid == 0:  # the child: it never returns
            os.close(read)
            os.close(tell)
            _child(config, out, staging, links, site_url, os.fdopen(write, "wb"), parent, told)
        os.close(write)
        os.close(told)
        self._pipe = os.fdopen(read, "rb")
        self._tell: int | None = tell

    def paths(self) -> list[str]:
        """Every path the child will write, pages first in the order it makes them (waits for it to load the
        project). Raises LintFailed if the project did not load whole, GenerationFailed if the child failed."""
        self._until(lambda: self._paths is not None)
        if self._paths is None:
            self.join()  # the child ended without a plan: raises its error
            raise GenerationFailed("the generating process planned nothing")
        return self._paths

    def checked(self) -> Checked:
        """What the rules found (waits for the child to run them); LintFailed when they found errors."""
        self._until(lambda: self._checked is not None)
        if self._checked is None:
            self.join()
            raise GenerationFailed("the generating process did not run the rules")
        if self._checked.errors:
            raise LintFailed(self._checked)
        return self._checked

    def take(self, path: str) -> Path | None:
        """Where the page at `path` can be read once the child has written it: its staged file (if that is gone,
        it was renamed into place, `out / path`, with the same content). None if it was taken before (it is
        then in place once the child has finished: `join` first)."""
        if path in self._taken:
            return None
        self._until(lambda: path in self._places)
        place = self._places.pop(path, None)
        if place is None:
            self.join()  # the child ended without making it: raises its error
            raise GenerationFailed(f"the page {path} was not generated")
        self._taken.add(path)
        return place

    def copy_into(self, site: Path) -> None:
        """Have the child copy the files that are not pages into `site` (each to its own path there, as MkDocs
        publishes them) as soon as it has written them. Only once the site was cleaned: the child may copy at
        once. `join()` then says whether it did (`copied`: not if it ended first, or was not told before)."""
        if self._tell is not None:
            with contextlib.suppress(OSError):  # the child ended (its failure is `join`'s to raise)
                os.write(self._tell, json.dumps({"site": str(site)}).encode() + b"\n")
            self._close_tell()

    def _close_tell(self) -> None:
        """Nothing more to tell the child: not told where the site is, it copies nothing."""
        if self._tell is not None:
            os.close(self._tell)
            self._tell = None

    def join(self) -> Joined:
        """Wait for the child to finish writing; raise GenerationFailed (LintFailed) if it did not (each time
        asked)."""
        self._close_tell()  # or the child would wait to be told where the site is
        if self._joined is None:
            started = time.perf_counter()
            self._joined = self._wait()
            self.waited_s += time.perf_counter() - started
        if isinstance(self._joined, GenerationFailed):
            raise self._joined
        return self._joined

    def stop(self) -> None:
        """The build stopped (an error, Ctrl-C): stop the child if it is still making the output; it then writes
        nothing into place (or, if it was renaming its files into place already, finishes: the output is whole).
        Nothing of the pipe is read (it may have been cut mid-message by the interruption)."""
        self._close_tell()
        if self._joined is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            self._pipe.close()
            os.waitpid(self._pid, 0)
            self._joined = GenerationFailed("the build stopped")
            self._remove_staging()

    def _until(self, done: Callable[[], bool]) -> None:
        """Read the child's messages until `done()` or the end."""
        started = time.perf_counter()
        while not done() and self._end is None:
            self._receive()
        self.waited_s += time.perf_counter() - started

    def _remove_staging(self) -> None:
        shutil.rmtree(self._staging, ignore_errors=True)

    def _receive(self) -> None:
        """The child's next message: the plan, a page made, the rules' problems, or the end (also when the pipe
        ends without one)."""
        line = self._pipe.readline()
        message: dict[str, Any] = json.loads(line) if line.endswith(b"\n") else {"kind": "cut"}
        kind = message["kind"]
        if kind == "page":
            self._places[message["path"]] = Path(message["place"])
        elif kind == "plan":
            self._paths = [str(path) for path in message["paths"]]
        elif kind == "lint":
            self._checked = Checked(tuple((str(a), str(b)) for a, b in message["problems"]), str(message["summary"]),
                                    int(message["errors"]), str(message["note"]))
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
        exit_code = os.waitstatus_to_exitcode(status)
        if exit_code == 0 and end.get("kind") == "lint-failed" and self._checked is not None:
            return LintFailed(self._checked)
        if exit_code != 0 or end.get("kind") != "done":
            return GenerationFailed(str(end.get("error") or "the generating process stopped (exit status "
                                        f"{exit_code})"))
        planned = len(self._paths or ())
        if int(str(end["paths"])) != planned:  # "done", yet not all made (a bug): MkDocs would miss some
            return GenerationFailed(f"the generating process made {end['paths']} of the {planned} files planned")
        seconds = end.get("seconds")
        return Joined(int(str(end["written"])), int(str(end["paths"])),
                      dict(seconds) if isinstance(seconds, dict) else {}, cpu, end.get("copied") is True)


def _remove_abandoned(folder: Path) -> None:
    """Remove the staging folders in `folder` of builds whose process is gone: killed whole (SIGKILL to both
    processes), neither could remove its own (up to the whole output's size). Folders named otherwise, or of a
    build still running, are left as they are."""
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            pid = entry.name.removeprefix(STAGING).partition("-")[0] if entry.name.startswith(STAGING) else ""
            if pid.isdigit() and entry.is_dir() and not entry.is_symlink() and not _running(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: running
        return True
    return True


def _send(pipe: BinaryIO, message: dict[str, object]) -> None:
    pipe.write(json.dumps(message).encode() + b"\n")
    pipe.flush()


def _child(config: Config, out: Path, staging: Path, links: Links, site_url: str | None, pipe: BinaryIO,
           parent: int, told: int) -> None:
    """Load, plan, make the pages, check, make the exports, write, copy the files that are not pages into the
    site where the build says it is (`told`); telling the build the plan, where each page can be read as soon as
    it is written, what the rules found, then the end: what was written, or the error.
    Exits without returning (nothing of the parent's build may run here). Stopped, or failing, it removes its
    staging folder itself too: the build's process (`parent`) may be gone."""
    code = 1
    loaded: Loaded | None = None
    rules = _Rules(pipe)
    try:
        signal.signal(signal.SIGTERM, _interrupted)  # stopped by the build's process: its staged files removed
        _stopped_with(parent)
        gc.disable()  # what is loaded and made stays alive to the end (see session.paused_gc)
        timings: dict[str, float] = {}
        started = time.perf_counter()
        loaded = load_for_lint(config)
        timings["load"] = time.perf_counter() - started
        if loaded.errors:  # a partial project: its pages are not listed; the build stops on the lint's errors
            rules.run(loaded, timings)
        parts = plan(loaded.project, loaded.store, links, Memo(keep=False), loaded.history, site_url)
        planned = [path for part in parts for path in part.paths]
        _send(pipe, {"kind": "plan", "paths": planned})
        timings["plan"] = time.perf_counter() - started - timings["load"]
        queue = deque(parts)  # each part let go once made (what the pages share, once the last page is made)
        parts.clear()
        made = _all_of(make_parts(rules.before_exports(queue, loaded, timings), timings), planned)
        report = write_parts(made, out, None, staging, placed=partial(_placed, pipe))
        timings["write"] = time.perf_counter() - started - sum(timings.values())
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})  # the output is whole
        copied = _copy_into_site(told, out, [path for path in planned if not path.endswith(".md")])
        if copied:
            timings["copy"] = time.perf_counter() - started - sum(timings.values())
        _send(pipe, {"kind": "done", "written": len(report.written), "paths": len(report.paths),
                     "seconds": timings, "copied": copied})
        code = 0
    except BaseException as error:
        with contextlib.suppress(BaseException):
            shutil.rmtree(staging, ignore_errors=True)
            if (loaded is not None and rules.result is None and os.getppid() == parent
                    and not isinstance(error, (KeyboardInterrupt, BrokenPipeError))):
                rules.run(loaded, {})  # a page that failed on a project the rules reject: say what they found
            _send(pipe, {"kind": "failed", "error": _said(error)})
    finally:
        os._exit(code)


def _copy_into_site(told: int, out: Path, files: list[str]) -> bool:
    """Copy `files` (the files that are not pages, written in `out`) into the site once the build has said where
    it is (a line on `told`); whether it did. A copy, as MkDocs makes it (not a hard link: a published site
    shares nothing with the output folder), as a new file (never one written in place: it may share its
    content with another)."""
    with os.fdopen(told, "rb") as said:
        line = said.readline()
    if not line.endswith(b"\n"):  # closed: the build copies them itself, or stopped
        return False
    site = Path(json.loads(line)["site"])
    try:
        for path in files:
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            shutil.copyfile(out / path, target)
    except OSError:  # a full disk, a folder not writable: the build copies them and says what failed
        return False
    return True


def _stopped_with(parent: int) -> None:
    """Have this process stopped (SIGTERM: `_interrupted`) when the build's process ends before it, killed
    (SIGKILL, SIGTERM) or crashed: a site nobody waits for is not made (Linux; elsewhere it stops at its next
    message, on the closed pipe)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # gone already, before it could be told
        raise KeyboardInterrupt


class _Rules:
    """The lint's second half, run once in the child, before the exports (after the pages): its problems are
    sent to the build, and its errors end the child before anything is renamed into place. It ends at once,
    its staged pages left in its folder (which the build removes): MkDocs may still be reading them, and the
    build stops on the errors before it writes anything, as when a lint runs first."""

    def __init__(self, pipe: BinaryIO) -> None:
        self.pipe = pipe
        self.result: LintResult | None = None

    def run(self, loaded: Loaded, timings: dict[str, float]) -> None:
        started = time.perf_counter()
        self.result = check_loaded(loaded)
        timings["lint"] = time.perf_counter() - started
        checked = Checked.of(self.result)
        _send(self.pipe, {"kind": "lint", "problems": checked.problems, "summary": checked.summary,
                          "errors": checked.errors, "note": checked.note})
        if checked.errors:
            _send(self.pipe, {"kind": "lint-failed"})
            os._exit(0)
        loaded.memory.files = LoadedFiles()  # the files' bytes: nothing reads them again
        loaded.memory.previous = None
        loaded.store.saved()  # the lint saved the placements: the exports, made next, need their memory

    def before_exports(self, queue: deque[Part], loaded: Loaded, timings: dict[str, float]) -> Iterator[Part]:
        """The parts of `queue`, the rules run before the first export (or after the last part)."""
        while queue:
            part = queue.popleft()
            if part.kind == "exports" and self.result is None:
                self.run(loaded, timings)
            yield part
        if self.result is None:
            self.run(loaded, timings)


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _all_of(parts: Iterator[Mapping[str, Content]], planned: list[str]) -> Iterator[Mapping[str, Content]]:
    """`parts`; once they end, an error if any planned file was not among them (before anything is renamed into
    place, so that the previous output stays whole). Then every file is staged, and what is left (renaming them
    into place, the manifest) is done whole even if the build stops meanwhile (Ctrl-C, `stop`): stopped midway,
    the output would be a mix of two builds. (SIGKILL cannot be put off.)"""
    made: set[str] = set()
    for files in parts:
        made.update(files)
        yield files
    missing = [path for path in planned if path not in made]
    if missing:
        raise UnplannedOutput(f"{len(missing)} planned files were not made, {missing[0]} first")
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _placed(pipe: BinaryIO, path: str, place: Path) -> None:
    if path.endswith(".md"):
        _send(pipe, {"kind": "page", "path": path, "place": str(place)})


def _said(error: BaseException) -> str:
    """The error as a line: what an unsafe output folder or the system said; else also what kind of error."""
    if isinstance(error, (UnsafePath, OSError)):
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


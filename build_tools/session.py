"""One owner for everything a process keeps: the session an entry point creates.

The command line creates one per command, the MkDocs hook one per `mkdocs build` or `mkdocs serve`
(in `on_startup`), the Zensical extension one per `zensical serve`, the language server one per
editor. The core (`load`, `lint`, `render`, `export`) is made of functions of their inputs; what is
worth keeping between runs is passed to them from here, and is bounded by the project:

- what the latest lint read (`lint.LintMemory`): the files of the latest load and the model objects they
  gave (so that an unchanged file is not validated again and gives the very same object), what is known of
  the snapshots (quote placements computed or confirmed, each snapshot file's hash by its size, mtime and
  inode), and the git history of the latest lint;
- the outputs of the previous generation (`memo.Memo`) and what is on disk (`site.Written`).

The derived data kept on disk between processes (`build/cache/`) is keyed by content and checked before
use; its files are read and written by the core, under the configured cache folder.

This is also the one place that pauses the garbage collector: loading and generating allocate hundreds of
thousands of small objects that all stay alive to the end, so collections during a run find nothing and
only cost time. At the end of a run what it allocated is frozen (`gc.freeze`): otherwise the first
collection after it traverses all of it (0.7 to 1 s after each rebuild at 10,000 facts, measured; 0.03 s
frozen). Frozen objects are still freed when nothing refers to them; only cycles among them would not be
collected, and the model, the pages and the caches hold none.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from build_tools.config import Config
from build_tools.lint import LintMemory, LintResult, lint_project
from build_tools.memo import Memo
from build_tools.model import Project
from build_tools.render.shared import Links
from build_tools.safe_files import check_ours, check_place

if TYPE_CHECKING:  # the site's modules are imported when a build is made, not for a lint
    from build_tools.background import Generation
    from build_tools.export import Anchors
    from build_tools.site import Content, WriteReport, Written

Check = Callable[[], None]  # raises when work left for later must stop (a new build starts)
T = TypeVar("T")


@dataclass(frozen=True)
class Build:
    """One "lint, stop on errors, generate, write"."""

    lint: LintResult
    files: dict[str, Content | None]  # path → content (None: let go once written, `keep=False`); empty on errors
    report: WriteReport | None  # None when the lint found errors (nothing was written)
    seconds: dict[str, float] = field(default_factory=dict)  # lint, pages, exports, write
    # `build(later=True)`: makes and writes the exports left for later (calling `check` between their parts), all
    # or nothing, and gives the paths it rewrote; the exports' paths are in `files` (content None) meanwhile
    later: Callable[[Check], tuple[str, ...]] | None = None


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class Session:
    def __init__(self, staging: Path | None = None, keep: bool = True) -> None:
        """`staging`: where new output files are written before being renamed into place (same file system),
        when not beside them; for a folder another program watches (Zensical's docs), so that it sees only
        finished files. `keep=False`: for one generation only (`mkdocs build`), whose pieces (a fact's
        encoding, a page) are then let go as soon as they are used instead of kept for the next one."""
        self.keep = keep
        self.memory = LintMemory()
        self.memo = Memo(keep=keep)
        self.export_memo = StoppableMemo(keep=keep)  # the exports' generation, which a server makes after its pages
        self.written: Written = {}
        self.staging = staging

    def lint(self, config: Config, only: Iterable[str] = (), overlays: Mapping[str, bytes] | None = None
             ) -> LintResult:
        """Load and check the project (report only problems in the paths `only`, when given), with the files
        in `overlays` (bytes by path in the project: an editor's unsaved buffers) read from there."""
        with paused_gc():
            return lint_project(config, only, self.memory, overlays)

    def build(self, config: Config, out: Path | None = None, links: Links = Links.DIRECTORY,
              site_url: str | None = None, later: bool = False) -> Build:
        """Lint; unless there are errors, generate what changed and write it to `out` (default: the
        configured output). The one place this sequence is written: `briefings build`, `briefings site`
        (through the hook), the MkDocs hook and the Zensical preparation all come here. `site_url`: the
        site's address, for the feeds' absolute links. `later` (a server, which serves the pages first): the
        exports are not made now when the output holds every one of their paths already; `Build.later` makes
        and writes them. The same sequence made by a second process: `start`."""
        from build_tools.site import generate, generate_parts, write_files, write_parts

        out = out or config.output
        check_place(out, config.root, config.snapshots, "[project] output")
        started = time.perf_counter()
        with paused_gc():
            result = lint_project(config, (), self.memory)
            seconds = {"lint": time.perf_counter() - started}
            if result.errors:
                return Build(result, {}, None, seconds)
            if not self.keep:  # one generation: each group of files written, then let go (memory at 100k facts)
                writing = time.perf_counter()
                parts = generate_parts(result.project, result.store, links, self.memo, seconds, result.history,
                                       site_url)
                report = write_parts(parts, out, None, self.staging)
                seconds["write"] = time.perf_counter() - writing - seconds["pages"] - seconds["exports"]
                return Build(result, dict.fromkeys(report.paths), report, seconds)
            if later:
                return self._pages_first(result, out, links, site_url, seconds)
            files = generate(result.project, result.store, links, self.memo, seconds, result.history, site_url)
        writing = time.perf_counter()
        report = write_files(files, out, self.written, self.staging)
        seconds["write"] = time.perf_counter() - writing
        return Build(result, dict(files), report, seconds)

    def start(self, config: Config, out: Path | None = None, links: Links = Links.DIRECTORY,
              site_url: str | None = None) -> Generation | None:
        """`build` made by a second process, started now, before anything is loaded (`background.py`): for a
        session that keeps nothing, on a machine with a second core (`background.available`). The caller goes on
        and takes the paths, the pages, the rules' verdict and the end from the generation. None where a second
        process would not run: then `build`."""
        from build_tools.background import Generation, available
        from build_tools.site import MANIFEST

        if self.keep or not available():
            return None
        out = out or config.output
        check_place(out, config.root, config.snapshots, "[project] output")
        check_ours(out, MANIFEST)  # refused here, before the second process starts
        return Generation(config, out, links, site_url, self.staging)

    def _pages_first(self, result: LintResult, out: Path, links: Links, site_url: str | None,
                     seconds: dict[str, float]) -> Build:
        """The pages and feeds made and written now; the exports too when a path of theirs is new, else left to
        `Build.later`. Their generations are separate (`memo`, `export_memo`), so that either may be made
        without the other."""
        from build_tools.export import Anchors
        from build_tools.site import export_parts, export_paths, page_parts, write_files

        started = time.perf_counter()
        project = result.project
        anchors = Anchors(project, result.store)
        seconds["pages"] = time.perf_counter() - started
        files: dict[str, Content] = {}
        for part in page_parts(project, anchors, links, self.memo, seconds, result.history, site_url):
            files.update(part)
        self.memo.finish()
        exports = export_paths(project)
        now = not all((out / rel).is_file() for rel in exports)
        if now:
            for part in export_parts(project, anchors, self.export_memo, seconds):
                files.update(part)
            self.export_memo.finish()
        writing = time.perf_counter()
        report = write_files(files, out, self.written, self.staging, others=() if now else exports)
        seconds["write"] = time.perf_counter() - writing
        if now:
            return Build(result, dict(files), report, seconds)
        return Build(result, {**files, **dict.fromkeys(exports)}, report, seconds,
                     partial(self._write_exports, project, anchors, out, tuple(files)))

    def _write_exports(self, project: Project, anchors: Anchors, out: Path, others: tuple[str, ...],
                       check: Check) -> tuple[str, ...]:
        """`Build.later`: the exports made and written (all or nothing), `check` called before each part and each
        fact's entry (a first generation at 100,000 facts takes seconds: a new build does not wait for it)."""
        from build_tools.site import export_parts, write_parts

        self.export_memo.check = check
        try:
            with paused_gc():
                parts = _checked(export_parts(project, anchors, self.export_memo, {}), check)
                report = write_parts(parts, out, self.written, self.staging, others=others)
        finally:
            self.export_memo.check = _go_on
        self.export_memo.finish()
        return report.written


def _go_on() -> None:
    pass


class StoppableMemo(Memo):
    """A memo whose every lookup first calls `check` (which raises to stop the generation using it)."""

    check: Check = staticmethod(_go_on)

    def get(self, kind: str, inputs: tuple[object, ...], make: Callable[[], T], values: Hashable = ()) -> T:
        self.check()
        return super().get(kind, inputs, make, values)


def _checked(parts: Iterator[Mapping[str, Content]], check: Check) -> Iterator[Mapping[str, Content]]:
    """`parts`, with `check()` called before each is made, and once more after the last."""
    while True:
        check()
        part = next(parts, None)
        if part is None:
            return
        yield part

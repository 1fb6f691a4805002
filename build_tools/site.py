"""Writes generated pages: only what changed, each file atomically. Used by the CLI and the hook."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from build_tools.config import Config
from build_tools.export import (
    ANNOTATIONS_PATH,
    CSL_PATH,
    Anchors,
    annotations_json,
    csl_json,
    export_files,
)
from build_tools.feeds import feed_files
from build_tools.ledger import History, no_history
from build_tools.lint import LintResult, lint_project
from build_tools.memo import Memo
from build_tools.model import Project
from build_tools.render import Links, render_pages
from build_tools.safe_files import check_inside, check_ours, check_place, temporary_file
from build_tools.schema import schema_files
from build_tools.snapshots import SnapshotStore


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def generate(project: Project, store: SnapshotStore | None = None, links: Links = Links.DIRECTORY,
             memo: Memo | None = None, timings: dict[str, float] | None = None,
             history: History | None = None, site_url: str | None = None) -> dict[str, str]:
    """Every generated file (Markdown pages, JSON export, annotations, schemas, feeds), by docs-relative path.

    Pass the same `memo` to successive calls (as `mkdocs serve` does) to render only what changed.
    `timings`, when given, receives the seconds spent on the pages and on the data exports. `history`
    (from the lint) gives the lists of changes and the feeds; without it they are empty.
    """
    history = history or no_history("none was read")
    memo = memo or Memo(keep=False)
    enabled = gc.isenabled()
    gc.disable()  # as in lint: many small objects, all alive until the end; collections find nothing
    try:
        started = time.perf_counter()
        anchors = Anchors(project, store)
        files = render_pages(project, links, memo, anchors, history)
        _add(files, feed_files(project, history, links is not Links.FILE, site_url, memo))
        pages_done = time.perf_counter()
        _add(files, export_files(project, anchors, memo))
        _add(files, {ANNOTATIONS_PATH: annotations_json(project, anchors, memo)})
        _add(files, {CSL_PATH: memo.get("csl", (memo.token("sources", project.sources.values()),),
                                        partial(csl_json, project))})
        _add(files, memo.get("schemas", (), lambda: {f"schemas/{name}": content
                                                    for name, content in schema_files().items()}))
        if timings is not None:
            timings.update(pages=pages_done - started, exports=time.perf_counter() - pages_done)
    finally:
        if enabled:
            gc.enable()
    memo.finish()
    return files


class OutputCollision(Exception):
    """Two generated files would share a path (a bug: paths are unique by construction)."""


def _add(files: dict[str, str], more: Mapping[str, str]) -> None:
    """Add generated files, refusing to let one replace another silently."""
    clash = files.keys() & more.keys()
    if clash:
        raise OutputCollision(f"two generated files would be written to {sorted(clash)[0]}")
    files.update(more)


MANIFEST = ".briefings-generated"


# What a long-lived process (`mkdocs serve`) wrote or found last time: path → (content, size, mtime).
Written = dict[str, tuple[str, int, int]]


def write_files(files: Mapping[str, str], out_dir: Path, written: Written | None = None,
                staging: Path | None = None) -> WriteReport:
    """Write `files` into `out_dir`; unchanged files keep their bytes and mtime.

    Files this function wrote before (listed in a manifest) and no longer generates
    are removed; any other file in `out_dir` is left alone. With `written` (kept by the
    caller between calls), a file whose content and size and mtime on disk are as last
    time is known unchanged without reading it back.

    `out_dir` must be new, empty, or a previous output (it holds the manifest): anything else is
    refused (UnsafePath), never written into.
    """
    check_ours(out_dir, MANIFEST)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not (out_dir / MANIFEST).is_file():  # claim the folder before filling it: a build running at the same
        _swap_in(out_dir, [(MANIFEST, b"")], staging)  # time then finds it ours, never full and unmarked

    def changes() -> Iterator[tuple[str, bytes]]:  # compared one at a time: no copy of the whole output
        for rel, content in sorted(files.items()):
            target = out_dir / rel
            last = written.get(str(target)) if written is not None else None
            known = last is not None and _stamp(target) == last[1:]  # the disk holds what we wrote last
            if known and last is not None and last[0] == content:
                continue
            data = content.encode("utf-8")
            if known or not (target.is_file() and target.read_bytes() == data):
                yield rel, data
            elif written is not None:
                written[str(target)] = (content, *_stamp(target))

    changed = _swap_in(out_dir, changes(), staging)
    if written is not None:
        for rel in changed:
            written[str(out_dir / rel)] = (files[rel], *_stamp(out_dir / rel))
    unchanged = len(files) - len(changed)
    removed = _remove_stale(out_dir, set(files))
    manifest = "".join(f"{rel}\n" for rel in sorted(files))
    if _read(out_dir / MANIFEST) != manifest:
        _swap_in(out_dir, [(MANIFEST, manifest.encode("utf-8"))], staging)
    return WriteReport(tuple(changed), unchanged, tuple(removed))


def last_output(out_dir: Path) -> list[str]:
    """What the last complete write left in `out_dir` (its manifest), as far as the files are still there."""
    return [rel for rel in _read(out_dir / MANIFEST).splitlines() if rel and (out_dir / rel).is_file()]


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class Rebuild:
    lint: LintResult
    files: dict[str, str]  # empty when the lint found errors
    report: WriteReport | None


class Session:
    """What a long-lived process keeps between builds: rendered outputs and what is on disk."""

    def __init__(self, staging: Path | None = None) -> None:
        """`staging`: where new files are written before being renamed into place (same file system), when not
        beside them; for a folder another program watches (Zensical's docs), so it sees only finished files."""
        self.memo = Memo()
        self.written: Written = {}
        self.staging = staging
        self.history: History | None = None  # the last lint's, reused while HEAD and the edits are the same

    def rebuild(self, config: Config, links: Links = Links.DIRECTORY, site_url: str | None = None) -> Rebuild:
        """Lint, and unless there are errors, generate what changed and write it to `config.output`."""
        check_place(config.output, config.root, config.snapshots, "[project] output")
        result = lint_project(config, previous=self.history)
        self.history = result.history
        if result.errors:
            return Rebuild(result, {}, None)
        files = generate(result.project, result.store, links, self.memo, history=result.history, site_url=site_url)
        return Rebuild(result, files, write_files(files, config.output, self.written, self.staging))


# `mkdocs serve` re-executes the hook module on every rebuild; this module stays imported.
SERVE = Session()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _swap_in(out_dir: Path, changed: Iterable[tuple[str, bytes]], staging: Path | None = None) -> list[str]:
    """Stage every changed file first, then rename them all into place: a failure while staging
    (a full disk, say) leaves the previous output exactly as it was. Files get the permissions the
    umask allows; a folder that leads out of `out_dir` (a planted link) is refused."""
    staged: list[tuple[Path, Path]] = []
    done: list[str] = []
    checked: set[Path] = set()
    try:
        for rel, data in changed:
            done.append(rel)
            target = out_dir / rel
            if target.parent not in checked:
                target.parent.mkdir(parents=True, exist_ok=True)
                check_inside(target.parent, out_dir, f"the output folder {out_dir}")
                checked.add(target.parent)
            if staging is not None:
                staging.mkdir(parents=True, exist_ok=True)
            staged.append((temporary_file(staging or target.parent, data, target.suffix), target))
    except BaseException:
        for tmp_path, _ in staged:
            tmp_path.unlink(missing_ok=True)
        raise
    for tmp_path, target in staged:
        os.replace(tmp_path, target)
    return done


def _remove_stale(out_dir: Path, keep: set[str]) -> list[str]:
    removed = []
    for rel in _read(out_dir / MANIFEST).splitlines():
        path = out_dir / rel
        if rel and rel not in keep and path.is_file() and path.resolve().is_relative_to(out_dir.resolve()):
            path.unlink()
            removed.append(rel)
    return removed

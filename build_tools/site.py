"""Writes generated pages: only what changed, each file atomically. Used by the CLI and the hook."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

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
from build_tools.memo import Memo
from build_tools.model import Project
from build_tools.render.pages import render_pages
from build_tools.render.shared import Links
from build_tools.safe_files import check_inside, check_ours, temporary_file
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

    Pass the same `memo` to successive calls (as a session does) to render only what changed.
    `timings`, when given, receives the seconds spent on the pages and on the data exports. `history`
    (from the lint) gives the lists of changes and the feeds; without it they are empty.
    """
    history = history or no_history("none was read")
    memo = memo or Memo(keep=False)
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
        with contextlib.suppress(FileExistsError):  # time then finds it ours, never full and unmarked; created
            (out_dir / MANIFEST).open("x").close()  # in place (O_EXCL), as a temporary file would be seen first

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
            del data  # one file's bytes at a time: two large exports side by side are 0.4 GB at 100,000 facts

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
            del data  # (see `changes` in write_files)
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

"""Writes generated pages: only what changed, each file atomically. Used by the CLI and the hook."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NamedTuple

from build_tools.export import (
    ANNOTATIONS_PATH,
    CSL_PATH,
    Anchors,
    Pieces,
    annotations_pieces,
    csl_json,
    export_plan,
    text,
)
from build_tools.feeds import feed_files, feed_paths
from build_tools.ledger import History, no_history
from build_tools.memo import Memo
from build_tools.model import Project
from build_tools.render.pages import page_plan
from build_tools.render.shared import Links
from build_tools.safe_files import check_inside, check_ours, temporary_file
from build_tools.schema import SCHEMAS, schema_files
from build_tools.snapshots import SnapshotStore

Content = str | Pieces  # a generated file's text: whole, or in pieces (the largest exports)


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    paths: tuple[str, ...] = ()  # every file of the output


def generate(project: Project, store: SnapshotStore | None = None, links: Links = Links.DIRECTORY,
             memo: Memo | None = None, timings: dict[str, float] | None = None,
             history: History | None = None, site_url: str | None = None) -> dict[str, str]:
    """Every generated file (Markdown pages, JSON export, annotations, schemas, feeds), by docs-relative path.

    Pass the same `memo` to successive calls (as a session does) to render only what changed.
    `timings`, when given, receives the seconds spent on the pages and on the data exports. `history`
    (from the lint) gives the lists of changes and the feeds; without it they are empty.
    """
    files: dict[str, str] = {}
    for part in generate_parts(project, store, links, memo, timings, history, site_url):
        _add(files, part)
    return files


def generate_parts(project: Project, store: SnapshotStore | None = None, links: Links = Links.DIRECTORY,
                   memo: Memo | None = None, timings: dict[str, float] | None = None,
                   history: History | None = None, site_url: str | None = None) -> Iterator[Mapping[str, Content]]:
    """`generate`, one group of files at a time (each page, the feeds, each export), each made when the one before
    has been taken: a writer that lets each group go once written holds one group at a time, not the whole output
    (at 100,000 facts the pages are 0.5 GB and the exports 1 GB)."""
    memo = memo or Memo(keep=False)
    spent: dict[str, float] = {}
    yield from make_parts(plan(project, store, links, memo, history, site_url), spent)
    if timings is not None:
        timings.update(spent)
    memo.finish()


class Part(NamedTuple):
    """A group of generated files: their paths, known before they are made, and how to make them."""

    kind: str  # "pages" or "exports": which of the timings its seconds count in
    paths: tuple[str, ...]
    make: Callable[[], Mapping[str, Content]]


def plan(project: Project, store: SnapshotStore | None, links: Links, memo: Memo, history: History | None = None,
         site_url: str | None = None) -> list[Part]:
    """Every group of generated files, in the order they are made: the pages first, in their `reading_order`
    (the order in which the MkDocs hook lists them, so that MkDocs reads them in the order they are made), the
    feeds, then the exports. Nothing is rendered here; the paths are known."""
    anchors = Anchors(project, store)
    return [*plan_pages(project, anchors, links, memo, history, site_url), *plan_exports(project, anchors, memo)]


def plan_pages(project: Project, anchors: Anchors, links: Links, memo: Memo, history: History | None = None,
               site_url: str | None = None) -> list[Part]:
    """The pages, each a part of its own, then the feeds: what a reader's browser shows."""
    history = history or no_history("none was read")
    pages = page_plan(project, links, memo, anchors, history)
    parts = [Part("pages", (path,), partial(_one, path, pages[path])) for path in sorted(pages, key=reading_order)]
    feeds = partial(feed_files, project, history, links is not Links.FILE, site_url, memo)
    return [*parts, Part("pages", feed_paths(project), feeds)]


def reading_order(path: str) -> tuple[bool, str]:
    """The order in which MkDocs reads the generated pages (the hook lists them so), and in which a second
    process makes them: the source pages first, then the others by path. A source page is quick to make and slow
    to convert (at 100,000 facts, 10,000 of them: about 2.5 s to make, 13 s to convert), so the second process is
    well ahead when the briefing pages come, which it makes more slowly than MkDocs converts them (1,000 facts
    each). MkDocs's own order of the sidebar (with no `nav:`) does not depend on it."""
    return (not path.startswith("sources/"), path)


def plan_exports(project: Project, anchors: Anchors, memo: Memo) -> list[Part]:
    """The data exports and the schemas. The per-briefing data files and `data/briefings.json` come last, one at
    a time (the facts' encodings, which they share, are made with the first): the largest export and the
    encodings are never held beside the annotations (memory at 100,000 facts)."""
    sources = memo.token("sources", project.sources.values())
    parts = [
        Part("exports", (ANNOTATIONS_PATH,), lambda: {ANNOTATIONS_PATH: annotations_pieces(project, anchors, memo)}),
        Part("exports", (CSL_PATH,), lambda: {CSL_PATH: memo.get("csl", (sources,), partial(csl_json, project))}),
        Part("exports", tuple(f"schemas/{name}" for name in SCHEMAS), partial(_schemas, memo)),
    ]
    files = export_plan(project, anchors, memo)
    return parts + [Part("exports", (path,), partial(_one, path, make)) for path, make in files.items()]


def page_parts(project: Project, anchors: Anchors, links: Links, memo: Memo, timings: dict[str, float],
               history: History | None = None, site_url: str | None = None) -> Iterator[Mapping[str, Content]]:
    """The pages, then the feeds, each made when the one before has been taken. Their seconds are added to
    `timings["pages"]`."""
    return make_parts(plan_pages(project, anchors, links, memo, history, site_url), timings)


def export_parts(project: Project, anchors: Anchors, memo: Memo, timings: dict[str, float]
                 ) -> Iterator[Mapping[str, Content]]:
    """The data exports and the schemas (`export_paths`), each made when the one before has been taken. Their
    seconds are added to `timings["exports"]`."""
    return make_parts(plan_exports(project, anchors, memo), timings)


def export_paths(project: Project) -> tuple[str, ...]:
    """The paths `export_parts` writes, known before they are made (nothing is made here)."""
    return tuple(path for part in plan_exports(project, Anchors(project, None), Memo(keep=False))
                 for path in part.paths)


def _schemas(memo: Memo) -> dict[str, Content]:
    return memo.get("schemas", (), lambda: {f"schemas/{name}": content for name, content in schema_files().items()})


def _one(path: str, make: Callable[[], Content]) -> dict[str, Content]:
    return {path: make()}


def make_parts(parts: Iterable[Part], timings: dict[str, float]) -> Iterator[Mapping[str, Content]]:
    """Each part's files, made when the one before has been taken; the seconds spent making them (not in the
    writer between the parts) added to `timings` by kind."""
    for part in parts:
        started = time.perf_counter()
        files = part.make()
        timings[part.kind] = timings.get(part.kind, 0.0) + time.perf_counter() - started
        if files.keys() != set(part.paths):
            raise UnplannedOutput(f"generated {sorted(files)[:3]}, planned {list(part.paths)[:3]}")
        yield files


class OutputCollision(Exception):
    """Two generated files would share a path (a bug: paths are unique by construction)."""


class UnplannedOutput(Exception):
    """A part made other files than its plan said (a bug)."""


def _add(files: dict[str, str], more: Mapping[str, Content]) -> None:
    """Add generated files (their text whole), refusing to let one replace another silently."""
    clash = files.keys() & more.keys()
    if clash:
        raise OutputCollision(f"two generated files would be written to {sorted(clash)[0]}")
    files.update((rel, text(content)) for rel, content in more.items())


MANIFEST = ".briefings-generated"


# What a long-lived process (`mkdocs serve`) wrote or found last time: path → (content, size, mtime).
Written = dict[str, tuple[Content, int, int]]


def write_files(files: Mapping[str, Content], out_dir: Path, written: Written | None = None,
                staging: Path | None = None, others: Iterable[str] = ()) -> WriteReport:
    """Write `files` into `out_dir`; unchanged files keep their bytes and mtime.

    Files this function wrote before (listed in a manifest) and no longer generates
    are removed; any other file in `out_dir` is left alone. With `written` (kept by the
    caller between calls), a file whose content and size and mtime on disk are as last
    time is known unchanged without reading it back.

    `out_dir` must be new, empty, or a previous output (it holds the manifest): anything else is
    refused (UnsafePath), never written into. `others`: files of the output that this call leaves as they are
    (another call writes them): they stay listed in the manifest, and are not removed.
    """
    return write_parts([files], out_dir, written, staging, others)


def write_parts(parts: Iterable[Mapping[str, Content]], out_dir: Path, written: Written | None = None,
                staging: Path | None = None, others: Iterable[str] = (),
                placed: Callable[[str, Path], None] | None = None) -> WriteReport:
    """`write_files` of the union of `parts`, taken one at a time (see `generate_parts`): each part's changed
    files are staged on disk as it comes, and all are renamed into place at the end, so that a failure on
    the way (a full disk, a bug) still leaves the previous output exactly as it was. Without `written`, no
    part is kept once staged. `placed(rel, path)` is told, as each part is staged, where each of its files'
    new content can be read until the end: its staged file (then its place, once renamed), or its place when
    it was unchanged."""
    check_ours(out_dir, MANIFEST)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not (out_dir / MANIFEST).is_file():  # claim the folder before filling it: a build running at the same
        with contextlib.suppress(FileExistsError):  # time then finds it ours, never full and unmarked; created
            (out_dir / MANIFEST).open("x").close()  # in place (O_EXCL), as a temporary file would be seen first

    def changes(files: Mapping[str, Content]) -> Iterator[tuple[str, Content]]:  # one at a time: no copy of the output
        for rel, content in sorted(files.items()):
            target = out_dir / rel
            last = written.get(str(target)) if written is not None else None
            known = last is not None and file_stamp(target) == last[1:]  # the disk holds what we wrote last
            if known and last is not None and last[0] == content:
                continue
            if known or not (target.is_file() and _holds(target, content)):
                yield rel, content
            elif written is not None:
                written[str(target)] = (content, *file_stamp(target))

    paths: set[str] = set()
    changed: list[str] = []
    kept: dict[str, Content] = {}  # the changed files' content, for `written`
    with _all_or_nothing() as staged:
        for files in parts:
            clash = paths & files.keys()
            if clash:
                raise OutputCollision(f"two generated files would be written to {sorted(clash)[0]}")
            paths.update(files)
            done = _stage(out_dir, changes(files), staging, staged)
            changed += done
            if placed is not None:
                new = dict(zip(done, (tmp_path for tmp_path, _ in staged[len(staged) - len(done):]), strict=True))
                for rel in files:
                    placed(rel, new.get(rel, out_dir / rel))
            if written is not None:
                kept.update((rel, files[rel]) for rel in done)
            del files  # the part is on disk now
    if written is not None:
        for rel in changed:
            written[str(out_dir / rel)] = (kept[rel], *file_stamp(out_dir / rel))
    unchanged = len(paths) - len(changed)
    paths.update(others)
    removed = _remove_stale(out_dir, paths)
    manifest = "".join(f"{rel}\n" for rel in sorted(paths))
    if _read(out_dir / MANIFEST) != manifest:
        _swap_in(out_dir, [(MANIFEST, manifest)], staging)
    return WriteReport(tuple(changed), unchanged, tuple(removed), tuple(sorted(paths)))


def last_output(out_dir: Path) -> list[str]:
    """What the last complete write left in `out_dir` (its manifest), as far as the files are still there."""
    return [rel for rel in _read(out_dir / MANIFEST).splitlines() if rel and (out_dir / rel).is_file()]


def file_stamp(path: Path) -> tuple[int, int]:
    """A file's size and modification time, (-1, -1) when it is not there: what tells a file rewritten."""
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _swap_in(out_dir: Path, changed: Iterable[tuple[str, str]], staging: Path | None = None) -> list[str]:
    """Stage every changed file first, then rename them all into place."""
    with _all_or_nothing() as staged:
        return _stage(out_dir, changed, staging, staged)


@contextlib.contextmanager
def _all_or_nothing() -> Iterator[list[tuple[Path, Path]]]:
    """The (temporary, target) pairs staged inside the block: all renamed into place when it ends, all removed
    when it fails (a full disk, a bug), so that the previous output stays exactly as it was."""
    staged: list[tuple[Path, Path]] = []
    try:
        yield staged
    except BaseException:
        for tmp_path, _ in staged:
            tmp_path.unlink(missing_ok=True)
        raise
    for tmp_path, target in staged:
        os.replace(tmp_path, target)


def _stage(out_dir: Path, changed: Iterable[tuple[str, Content]], staging: Path | None,
           staged: list[tuple[Path, Path]]) -> list[str]:
    """Write each changed file to a new temporary file (beside its target, or in `staging`), appending
    (temporary, target) to `staged`; the paths staged. Files get the permissions the umask allows; a folder
    that leads out of `out_dir` (a planted link) is refused."""
    done: list[str] = []
    checked: set[Path] = set()
    for rel, content in changed:
        done.append(rel)
        target = out_dir / rel
        if target.parent not in checked:
            target.parent.mkdir(parents=True, exist_ok=True)
            check_inside(target.parent, out_dir, f"the output folder {out_dir}")
            checked.add(target.parent)
        if staging is not None:
            staging.mkdir(parents=True, exist_ok=True)
        staged.append((temporary_file(staging or target.parent, _encoded(content), target.suffix), target))
    return done


_PIECE = 1 << 24  # characters: a file's UTF-8 bytes are made and written a piece at a time


def _encoded(content: Content) -> Iterator[bytes]:
    """`content` in UTF-8, a piece of about `_PIECE` characters at a time: the whole file's bytes are never held
    beside its text (the largest exports are 0.2 GB each at 100,000 facts), nor its pieces joined."""
    if isinstance(content, str):
        for start in range(0, len(content), _PIECE):
            yield content[start:start + _PIECE].encode("utf-8")
        return
    batch: list[str] = []
    size = 0
    for part in content.parts:
        batch.append(part)
        size += len(part)
        if size >= _PIECE:
            yield "".join(batch).encode("utf-8")
            batch, size = [], 0
    if batch:
        yield "".join(batch).encode("utf-8")


def _holds(target: Path, content: Content) -> bool:
    """Whether the file at `target` holds `content` in UTF-8, read and compared a piece at a time."""
    try:
        with target.open("rb") as handle:
            return all(handle.read(len(piece)) == piece for piece in _encoded(content)) and not handle.read(1)
    except OSError:
        return False


def _remove_stale(out_dir: Path, keep: set[str]) -> list[str]:
    removed = []
    for rel in _read(out_dir / MANIFEST).splitlines():
        path = out_dir / rel
        if rel and rel not in keep and path.is_file() and path.resolve().is_relative_to(out_dir.resolve()):
            path.unlink()
            removed.append(rel)
    return removed

"""Writes generated pages: only what changed, each file atomically. Used by the CLI and the hook."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from build_tools.export import (
    ANNOTATIONS_PATH,
    Anchors,
    annotations_json,
    export_data,
    export_files,
)
from build_tools.model import Project
from build_tools.render import render_pages
from build_tools.schema import schema_files
from build_tools.snapshots import SnapshotStore


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def generate(project: Project, store: SnapshotStore | None = None, directory_urls: bool = True) -> dict[str, str]:
    """Every generated file (Markdown pages, JSON export, annotations, schemas), by docs-relative path."""
    files = render_pages(project, directory_urls)
    anchors = Anchors(project, store)
    files.update(export_files(project, export_data(project, store, anchors)))
    files[ANNOTATIONS_PATH] = annotations_json(project, store, anchors)
    files.update({f"schemas/{name}": content for name, content in schema_files().items()})
    return files


MANIFEST = ".briefings-generated"


def write_files(files: Mapping[str, str], out_dir: Path) -> WriteReport:
    """Write `files` into `out_dir`; unchanged files keep their bytes and mtime.

    Files this function wrote before (listed in a manifest) and no longer generates
    are removed; any other file in `out_dir` is left alone.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    changed: dict[str, bytes] = {}
    for rel, content in sorted(files.items()):
        target = out_dir / rel
        data = content.encode("utf-8")
        if not (target.is_file() and target.read_bytes() == data):
            changed[rel] = data
    _swap_in(out_dir, changed)
    unchanged = len(files) - len(changed)
    written = list(changed)
    removed = _remove_stale(out_dir, set(files))
    manifest = "".join(f"{rel}\n" for rel in sorted(files))
    if _read(out_dir / MANIFEST) != manifest:
        _swap_in(out_dir, {MANIFEST: manifest.encode("utf-8")})
    return WriteReport(tuple(written), unchanged, tuple(removed))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _swap_in(out_dir: Path, changed: Mapping[str, bytes]) -> None:
    """Stage every changed file first, then rename them all into place: a failure while staging
    (a full disk, say) leaves the previous output exactly as it was."""
    staged: list[tuple[Path, Path]] = []
    try:
        for rel, data in changed.items():
            target = out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
            staged.append((Path(tmp), target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
    except BaseException:
        for tmp_path, _ in staged:
            tmp_path.unlink(missing_ok=True)
        raise
    for tmp_path, target in staged:
        os.replace(tmp_path, target)


def _remove_stale(out_dir: Path, keep: set[str]) -> list[str]:
    removed = []
    for rel in _read(out_dir / MANIFEST).splitlines():
        path = out_dir / rel
        if rel and rel not in keep and path.is_file() and path.resolve().is_relative_to(out_dir.resolve()):
            path.unlink()
            removed.append(rel)
    return removed

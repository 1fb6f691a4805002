"""What commands write into source files: a new source from an imported capture, or the fields of an
existing one (its snapshot and capture; its link status). Existing files are edited in place through
`yaml_edit`, so only the named fields change."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from build_tools.captures import Imported, capture_block
from build_tools.safe_files import create_new, replace
from build_tools.schema import date_problem, url_problem
from build_tools.yaml_edit import Update, update_fields


def new_source_from_capture(imported: Imported, url: str, today: dt.date) -> str:
    """A new source file from what the captured page says about itself; the editor checks it."""
    published = imported.published if imported.published and date_problem(imported.published) is None \
        else "unknown"
    lines = [
        "# yaml-language-server: $schema=../schemas/source.schema.json",
        f"title: {json.dumps(imported.title or 'unknown', ensure_ascii=False)}",
        f"outlet: {json.dumps(imported.outlet or 'unknown', ensure_ascii=False)}",
    ]
    if imported.author:
        lines.append(f"author: {json.dumps(imported.author, ensure_ascii=False)}")
    lines += [f"published: {published}", f"url: {url}",
              import_blocks(imported),
              f"notes: Imported from the capture {json.dumps(imported.provenance.get('file', ''))} with `briefings "
              f"snapshot import` on {today.isoformat()}; check the metadata against the page."]
    return "\n".join(lines) + "\n"


def import_blocks(imported: Imported) -> str:
    """The `snapshot:` and `capture:` blocks to paste into a source file."""
    snapshot = f"snapshot:\n  sha256: {imported.snapshot_sha256}\n  file: {imported.snapshot_path.name}"
    return f"{snapshot}\n{capture_block(imported.provenance)}"


def write_imported_source(path: Path, imported: Imported, url: str, today: dt.date) -> str:
    """Create `path`, or update its snapshot, capture (and a missing url); say which."""
    try:
        create_new(path, new_source_from_capture(imported, url, today).encode("utf-8"))
    except FileExistsError:
        pass
    else:
        return "wrote"
    text = path.read_text(encoding="utf-8")
    updates = [Update("snapshot", {"sha256": imported.snapshot_sha256, "file": imported.snapshot_path.name}),
               Update("capture", imported.provenance, after=("snapshot",), quoted=True)]
    if "\nurl:" not in f"\n{text}" and url_problem(url) is None:
        updates.append(Update("url", url, after=("published", "author", "outlet")))
    replace(path, update_fields(text, updates).encode("utf-8"))
    return "updated"


def write_link_status(path: Path, status: str, checked: dt.date, archive_url: str | None = None,
                      archive_date: str | None = None) -> None:
    """Record a recheck: `url_status` and `url_checked` (placed after `url` when new), and an archived copy
    found for a source that has none."""
    text = path.read_text(encoding="utf-8")
    updates = [Update("url_status", status, after=("url",)),
               Update("url_checked", checked.isoformat(), after=("url_status", "url"))]
    if archive_url:
        updates.append(Update("archive_url", archive_url, after=("url_checked", "url_status", "url")))
        if archive_date:
            updates.append(Update("archive_date", archive_date, after=("archive_url",)))
    replace(path, update_fields(text, updates).encode("utf-8"))

"""Go to definition: from a source id to its file, from a fact id to the fact."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from build_tools.lint import LintResult
from build_tools.load import SOURCES_DIR
from build_tools.lsp.completion import FACT_FIELDS, SOURCE_FIELDS
from build_tools.lsp.documents import Spot
from build_tools.lsp.hover import find_fact


def definition(spot: Spot, result: LintResult, root: Path) -> types.Location | None:
    """Where the id under the cursor is defined, or None when it is not an id, or is unknown."""
    if spot.is_key:
        return None
    if spot.field in SOURCE_FIELDS:
        source = result.project.sources.get(spot.value)
        path = root / source.path if source is not None else root / SOURCES_DIR / f"{spot.value}.yaml"
        start = types.Position(0, 0)
        return _location(path, types.Range(start, start)) if path.is_file() or source is not None else None
    if spot.field in FACT_FIELDS:
        fact = find_fact(result.project.facts, spot.value)
        if fact is None:
            return None
        at = fact.where("id")
        start = types.Position(at.line - 1, at.column - 1)
        end = types.Position(at.line - 1, at.column - 1 + len(fact.id))  # ids are ASCII: characters are units
        return _location(root / at.path, types.Range(start, end))
    return None


def _location(path: Path, span: types.Range) -> types.Location | None:
    uri = from_fs_path(str(path))
    return types.Location(uri, span) if uri is not None else None

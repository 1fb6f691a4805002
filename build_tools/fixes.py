"""`briefings lint --fix`: the corrections that are certain, made in place, nothing else touched.

Two kinds:

- a quote that is not in its snapshot, when exactly one passage differs from it only in quote marks,
  dashes, case and at most one word or mark, and stands once (`quote_finder.certain_fix`). The quote's
  scalar is replaced at its exact span, in its own quoting style where it can be, so every other byte
  of the file stays as it was;
- a source whose `snapshot:` block names its `file:` but has no `sha256` (or the placeholder): the
  hash of that file in the store, through the line-checked ruamel.yaml edit (`yaml_edit`).

Each fix is checked before it is written: the file still parses, the new quote reads back as the
snapshot's words, and the linter's matcher places it. Anything ambiguous is left alone.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from build_tools import schema
from build_tools.config import Config
from build_tools.lint import LintResult
from build_tools.model import Citation
from build_tools.quote_finder import certain_fix
from build_tools.safe_files import replace
from build_tools.snapshots import SnapshotStore, sha256_file
from build_tools.yaml_edit import EditError, Update, quoted, update_fields
from build_tools.yaml_nodes import MappingNode, Node, ScalarNode, SequenceNode, parse_yaml


@dataclass(frozen=True)
class Fix:
    """One file's new text and what changed in it."""

    path: str  # relative to the project
    before: str
    after: str
    changes: tuple[str, ...]

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                            f"a/{self.path}", f"b/{self.path}", n=1))


def plan(config: Config, result: LintResult) -> list[Fix]:
    """Every certain fix, one `Fix` per file, from a lint of the whole project."""
    fixes = _quote_fixes(config, result)
    fixes += _hash_fixes(config, result.store)
    return fixes


def apply(config: Config, fixes: Iterable[Fix]) -> None:
    """Write each fixed file whole (a temporary file renamed into place)."""
    for fix in fixes:
        replace(config.root / fix.path, fix.after.encode("utf-8"))


# --- quotes ------------------------------------------------------------------------------------

def _quote_fixes(config: Config, result: LintResult) -> list[Fix]:
    wanted: dict[str, list[tuple[Citation, str]]] = {}
    for fact in result.project.facts:
        for citation in fact.citations:
            fixed = quote_fix(result, citation)
            if fixed is not None:
                wanted.setdefault(citation.quote_at.path, []).append((citation, fixed))
    fixes = []
    for path, edits in sorted(wanted.items()):
        fix = _edit_quotes(config.root / path, path, edits)
        if fix is not None:
            fixes.append(fix)
    return fixes


def quote_fix(result: LintResult, citation: Citation) -> str | None:
    """The snapshot's words for the citation's quote when they are certain (`certain_fix`), else None. Shared
    with the language server's quick fix."""
    source = result.project.sources.get(citation.source)
    snapshot = result.store.get(source.snapshot.sha256) if source is not None else None
    if snapshot is None or not citation.quote:
        return None
    return certain_fix(snapshot.text, citation.quote)


@dataclass(frozen=True)
class QuoteEdit:
    """One quote's scalar replaced: offsets in the file's text, and the new scalar as written there."""

    begin: int
    end: int
    written: str
    change: str  # what changed, for the report


def _edit_quotes(file: Path, rel: str, edits: list[tuple[Citation, str]]) -> Fix | None:
    before = file.read_text(encoding="utf-8")
    spans = quote_edits(rel, before, edits)
    if not spans:
        return None
    pieces, last = [], 0
    for edit in spans:
        pieces += [before[last:edit.begin], edit.written]
        last = edit.end
    return Fix(rel, before, "".join(pieces) + before[last:], tuple(edit.change for edit in spans))


def quote_edits(rel: str, before: str, edits: list[tuple[Citation, str]]) -> list[QuoteEdit]:
    """Each quote's scalar in `before` (the text of file `rel`) replaced at its exact span by its fixed words,
    in its own quoting style where it can be; none when the result would not read back as intended.
    Shared with the language server, whose quick fix is the same edit."""
    parsed = parse_yaml(rel, before.encode("utf-8"))
    if parsed.root is None:
        return []
    scalars = {(node.start_mark.line + 1, node.start_mark.column + 1): node for node in _scalars(parsed.root)}
    starts = _line_starts(before)
    spans: list[tuple[int, int, str, str]] = []  # begin, end, new quote, what changed
    for citation, fixed in edits:
        node = scalars.get((citation.quote_at.line, citation.quote_at.column))
        if node is None or str(node.value).strip() != citation.quote:
            continue
        begin = starts[node.start_mark.line] + node.start_mark.column
        end = starts[node.end_mark.line] + node.end_mark.column
        spans.append((begin, end, fixed, f"{rel}:{citation.quote_at.line}: quote {quoted(citation.quote)} → "
                      f"{quoted(fixed)}"))
    spans.sort()
    pieces, expected, result, last, shift = [], [], [], 0, 0
    for begin, end, fixed, change in spans:
        written = _written(fixed, scalars_style(before, begin))
        pieces += [before[last:begin], written]
        expected.append((begin + shift, fixed))  # where the new scalar starts in the new text
        result.append(QuoteEdit(begin, end, written, change))
        shift += len(written) - (end - begin)
        last = end
    after = "".join(pieces) + before[last:]
    return result if spans and _reads_back(rel, after, expected) else []


def scalars_style(text: str, begin: int) -> str | None:
    """The quoting style of the scalar starting at `begin`: ' or \" or None (plain or block)."""
    return text[begin] if text[begin] in "'\"" else None


def _scalars(node: Node) -> Iterable[ScalarNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ScalarNode):
            yield current
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, MappingNode):
            for key, value in current.value:
                stack.extend((key, value))


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _written(text: str, style: str | None) -> str:
    """`text` as a one-line scalar, in the quoting style the editor used where it can be."""
    if style == "'" and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    if style == '"' and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return quoted(text)


def _reads_back(rel: str, text: str, expected: list[tuple[int, str]]) -> bool:
    """The edited file parses, and each edited scalar (by its start offset) reads as its new quote."""
    parsed = parse_yaml(rel, text.encode("utf-8"))
    if parsed.root is None:
        return False
    starts = _line_starts(text)
    values = {starts[n.start_mark.line] + n.start_mark.column: str(n.value) for n in _scalars(parsed.root)}
    return all(values.get(offset) == quote for offset, quote in expected)


# --- snapshot hashes -----------------------------------------------------------------------------

def _hash_fixes(config: Config, store: SnapshotStore) -> list[Fix]:
    fixes = []
    folder = config.root / "sources"
    for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        rel = f"sources/{file.name}"
        if not file.is_file() or file.is_symlink():
            continue
        before = file.read_text(encoding="utf-8")
        name = _hash_to_fill(rel, before)
        path = store.named(name) if name else None
        if path is None:
            continue
        digest = sha256_file(path)
        try:
            after = update_fields(before, [Update("snapshot", {"sha256": digest})])
        except EditError:
            continue
        fixes.append(Fix(rel, before, after, (f"{rel}: snapshot sha256 of {name} → {digest[:12]}…",)))
    return fixes


def _hash_to_fill(rel: str, text: str) -> str | None:
    """The `file:` of a snapshot block whose `sha256` is missing, empty or the placeholder, else None."""
    parsed = parse_yaml(rel, text.encode("utf-8"))
    block = _value(parsed.root, "snapshot")
    file, sha256 = _value(block, "file"), _value(block, "sha256")
    if not isinstance(file, ScalarNode) or not str(file.value).strip():
        return None
    if sha256 is not None and not (isinstance(sha256, ScalarNode) and (
            not str(sha256.value).strip() or schema.is_placeholder(str(sha256.value).strip()))):
        return None
    return str(file.value).strip()


def _value(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    return next((value for name, value in node.value if isinstance(name, ScalarNode) and name.value == key), None)

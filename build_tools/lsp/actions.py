"""Quick fixes (code actions) for the problems the linter found in a buffer.

- CIT003 quote-not-in-snapshot: the snapshot's exact passage, only when it is certain, by the very edit
  `briefings lint --fix` makes (`fixes.quote_fix` and `fixes.quote_edits`);
- FCT010 state-without-as-of: an `as_of:` line after the fact's `date:`, with the same date as written;
- CIT001 unknown-source: a new `sources/<id>.yaml` from the `briefings new source` template, its `snapshot:`
  block filled in when the citation's quote stands in exactly one snapshot of the store.

Each edit is computed against the text the problems were found in; when the buffer has changed since,
nothing is offered until the next check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from build_tools.archive import Stored, snapshot_block
from build_tools.fixes import quote_edits, quote_fix
from build_tools.lint import LintResult
from build_tools.lsp.diagnostics import Lines, ToClient, extent
from build_tools.model import Citation, Fact
from build_tools.problems import Problem
from build_tools.rules import quote_not_in_snapshot, state_without_as_of, unknown_source
from build_tools.scaffold import source_text
from build_tools.snapshots import place
from build_tools.yaml_edit import quoted


@dataclass(frozen=True)
class Buffer:
    """The text a check saw for one file, and how to turn its places into the client's."""

    uri: str
    rel: str
    text: str
    to_client: ToClient

    def span(self, start: tuple[int, int], end: tuple[int, int]) -> types.Range:
        return types.Range(self.to_client(*start), self.to_client(*end))


def code_actions(problems: list[Problem], buffer: Buffer, result: LintResult, root: Path,
                 can_create: bool) -> list[types.CodeAction]:
    """A quick fix for each of `problems` (those of the buffer's file in the requested range) that has one."""
    actions: list[types.CodeAction] = []
    for problem in problems:
        if problem.code == quote_not_in_snapshot.CODE.code:
            actions += _quote_fix(problem, buffer, result)
        elif problem.code == state_without_as_of.CODE.code:
            actions += _as_of_fix(problem, buffer, result)
        elif problem.code == unknown_source.CODE.code and can_create:
            actions += _create_source(problem, buffer, result, root)
    return actions


def _diagnostic(problem: Problem, buffer: Buffer) -> types.Diagnostic:
    start, end = extent(Lines(buffer.text), problem.where.line - 1, problem.where.column - 1)
    return types.Diagnostic(buffer.span(start, end), problem.message, code=problem.code, source="briefings")


def _action(title: str, problem: Problem, buffer: Buffer, edit: types.WorkspaceEdit) -> types.CodeAction:
    return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[_diagnostic(problem, buffer)],
                            is_preferred=True, edit=edit)


def _citations(result: LintResult, rel: str) -> Iterator[tuple[Fact, Citation]]:
    for briefing in result.project.briefings:
        if briefing.path == rel:
            for fact in briefing.facts:
                for citation in fact.citations:
                    yield fact, citation


def _quote_fix(problem: Problem, buffer: Buffer, result: LintResult) -> list[types.CodeAction]:
    citation = next((c for _, c in _citations(result, buffer.rel) if c.quote_at == problem.where), None)
    fixed = quote_fix(result, citation) if citation is not None else None
    if citation is None or fixed is None:
        return []
    lines = Lines(buffer.text)
    edits = [types.TextEdit(buffer.span(lines.position(e.begin), lines.position(e.end)), e.written)
             for e in quote_edits(buffer.rel, buffer.text, [(citation, fixed)])]
    if not edits:
        return []
    return [_action(f"Replace with the snapshot's words: {quoted(fixed)}", problem, buffer,
                    types.WorkspaceEdit(changes={buffer.uri: edits}))]


def _as_of_fix(problem: Problem, buffer: Buffer, result: LintResult) -> list[types.CodeAction]:
    fact = next((f for b in result.project.briefings if b.path == buffer.rel for f in b.facts
                 if f.where("kind") == problem.where), None)
    at = fact.field_at.get("date") if fact is not None and fact.date is not None else None
    if at is None:
        return []
    lines = Lines(buffer.text)
    (line, column), (end_line, end_column) = extent(lines, at.line - 1, at.column - 1)
    line_text = buffer.text[lines.starts[line]:lines.line_end(line)]
    key = line_text.find("date:")
    if end_line != line or key < 0:
        return []
    written = line_text[column:end_column]  # the date as the editor wrote it
    indent = " " * key  # under `date:`, also when it follows the fact's dash
    if line + 1 < len(lines.starts):
        place_at, new_text = (line + 1, 0), f"{indent}as_of: {written}\n"
    else:  # the date is on the file's last line
        place_at, new_text = (line, len(line_text)), f"\n{indent}as_of: {written}"
    edit = types.TextEdit(buffer.span(place_at, place_at), new_text)
    return [_action(f"Add 'as_of: {written}' (the fact's date)", problem, buffer,
                    types.WorkspaceEdit(changes={buffer.uri: [edit]}))]


def _create_source(problem: Problem, buffer: Buffer, result: LintResult, root: Path) -> list[types.CodeAction]:
    citation = next((c for _, c in _citations(result, buffer.rel) if c.at == problem.where), None)
    if citation is None:
        return []
    path = root / "sources" / f"{citation.source}.yaml"
    uri = from_fs_path(str(path))
    if uri is None or path.exists():
        return []
    block = _snapshot_block(result, citation.quote)
    text = source_text(block)
    found = " (snapshot found by its quote)" if block else ""
    edit = types.WorkspaceEdit(document_changes=[
        types.CreateFile(uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True)),
        types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                               [types.TextEdit(types.Range(types.Position(0, 0), types.Position(0, 0)), text)]),
    ])
    return [_action(f"Create sources/{citation.source}.yaml{found}", problem, buffer, edit)]


def _snapshot_block(result: LintResult, quote: str) -> str | None:
    """The `snapshot:` block of the one snapshot in the store that holds `quote` and no source names yet."""
    if not quote:
        return None
    named = {source.snapshot.sha256 for source in result.project.sources.values()}
    holding = []
    for sha256, path in result.store.index().items():
        snapshot = result.store.get(sha256) if sha256 not in named else None
        if snapshot is not None and place(snapshot.text, quote).found:
            holding.append(Stored(sha256, path, added=False))
    return snapshot_block(holding[0]) if len(holding) == 1 else None

"""Completion: source ids, fact ids, and quotes from the cited source's snapshot.

Where the cursor is comes from the buffer (`documents.completion_spot`), what can go there from the
latest check: the project's sources and facts, and the snapshot of the source a citation names. A quote is
completed with `briefings quote`'s finder (`quote_finder.find_passages`): type a few words as remembered,
choose the snapshot's exact passage, which the linter's matcher places.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lsprotocol import types

from build_tools.lint import LintResult
from build_tools.lsp.diagnostics import ToClient
from build_tools.lsp.documents import Typing, scalar_value
from build_tools.model import Fact
from build_tools.quote_finder import find_passages
from build_tools.rules.quote_too_long import MAX_WORDS
from build_tools.snapshots import place, word_count
from build_tools.yaml_edit import quoted

SOURCE_FIELDS = frozenset({("sections", "facts", "citations", "source"), ("derived_from",), ("republished_from",)})
QUOTE_FIELDS = frozenset({("sections", "facts", "citations", "quote"), ("sections", "facts", "citations", "context")})
FACT_FIELDS = frozenset({("sections", "facts", "status", "by"), ("short_answer",)})
# The keys whose values are completed: a cheap test on the cursor's line before the buffer is parsed.
KEYS = frozenset(field[-1] for field in SOURCE_FIELDS | QUOTE_FIELDS | FACT_FIELDS)
PASSAGES = 5  # quote completions offered
_ID_CHARS = re.compile(r"[a-z0-9-]*")


def may_complete(line: str) -> bool:
    """Whether the cursor's line could hold a completed value: `key: …` with one of our keys, or a list
    item (an id in a block list)."""
    stripped = line.lstrip()
    if stripped.startswith("-"):
        stripped = stripped[1:].lstrip()
        if not stripped or ":" not in stripped:
            return True
    key = stripped.split(":", 1)[0].strip()
    return key in KEYS


def completions(typing: Typing, line: str, line_number: int, column: int, result: LintResult, facts: list[Fact],
                briefing: str | None, source: str | None, to_client: ToClient) -> list[types.CompletionItem]:
    """The items for the value being typed at `column` (in characters) of `line`. `facts`: the project's (see
    `Editor.facts`); `briefing` or `source`: the id of the file being edited."""
    field = typing.spot.field
    if field in QUOTE_FIELDS:
        cited = typing.spot.sibling("source")
        return quote_items(typing, line, line_number, result, cited, to_client) if cited else []
    word = _word_range(line, line_number, column, to_client)
    if field in SOURCE_FIELDS:
        own = source if field[0] != "sections" else None
        return [_source_item(result, source_id, word) for source_id in sorted(result.project.sources)
                if source_id != own]
    if field in FACT_FIELDS:
        own_fact = _enclosing_fact_id(typing)
        offered: Iterable[Fact] = facts
        if field == ("short_answer",):  # the briefing's own facts that answer now (as bad-short-answer asks)
            offered = (fact for fact in facts if fact.briefing == briefing and not _superseded(fact))
        return [_fact_item(fact, word) for fact in offered if fact.id != own_fact]
    return []


def _superseded(fact: Fact) -> bool:
    return fact.status is not None and fact.status.value == "superseded"


def _enclosing_fact_id(typing: Typing) -> str | None:
    fact = typing.spot.mapping_at(4) if typing.spot.path[:1] == ("sections",) else None
    return scalar_value(fact, "id")


def _word_range(line: str, line_number: int, column: int, to_client: ToClient) -> types.Range:
    """The id around the cursor: what a chosen id replaces."""
    start = column
    while start > 0 and _ID_CHARS.fullmatch(line[start - 1]):
        start -= 1
    end = column
    while end < len(line) and _ID_CHARS.fullmatch(line[end]):
        end += 1
    return types.Range(to_client(line_number, start), to_client(line_number, end))


def _source_item(result: LintResult, source_id: str, word: types.Range) -> types.CompletionItem:
    source = result.project.sources[source_id]
    return types.CompletionItem(
        label=source_id, kind=types.CompletionItemKind.Reference,
        detail=f"{source.outlet_label}, {source.published_label}",
        documentation=source.label,
        text_edit=types.TextEdit(word, source_id))


def _fact_item(fact: Fact, word: types.Range) -> types.CompletionItem:
    date = fact.date.display() if fact.date else "undated"
    return types.CompletionItem(
        label=fact.id, kind=types.CompletionItemKind.Reference, detail=f"{date} · {fact.briefing}",
        documentation=fact.text, text_edit=types.TextEdit(word, fact.id))


def quote_items(typing: Typing, line: str, line_number: int, result: LintResult, source_id: str,
                to_client: ToClient) -> list[types.CompletionItem]:
    """The snapshot's passages nearest to the words typed so far, each replacing the whole value."""
    source = result.project.sources.get(source_id)
    snapshot = result.store.get(source.snapshot.sha256) if source is not None else None
    words = typing.typed.strip().strip("\"'")
    if snapshot is None or not words:
        return []
    value = types.Range(to_client(line_number, typing.start), to_client(line_number, len(line.rstrip())))
    items = []
    for rank, (quote, occurrences, context) in enumerate(offered(snapshot.text, words)):
        where = "once in the snapshot" if occurrences == 1 else f"{occurrences} times in the snapshot"
        items.append(types.CompletionItem(
            label=quote, kind=types.CompletionItemKind.Text,
            detail=f"{source_id}: {word_count(quote)} words, {where}",
            documentation=types.MarkupContent(types.MarkupKind.PlainText, context),
            filter_text=typing.typed, sort_text=f"{rank:02d}",
            text_edit=types.TextEdit(value, quoted(quote))))
    return items


_CLAUSE_END = re.compile(r"[,;:.!?\"”’]")
_SENTENCE_END = re.compile(r"[.!?\"”’]")


def offered(text: str, words: str) -> list[tuple[str, int, str]]:
    """(quote, occurrences, context) for each passage of `text` to offer for the words typed: each passage the
    finder found, carried on to the end of its clause and of its sentence (as one goes on typing a
    quote), then as found. Only what the linter places is offered, none over quote-too-long's limit."""
    found: dict[str, tuple[int, str]] = {}
    for passage in find_passages(text, words, limit=PASSAGES):
        for end in (_next(text, passage.end, _CLAUSE_END), _next(text, passage.end, _SENTENCE_END), passage.end):
            quote = " ".join(text[passage.start:end].split())
            if quote in found or word_count(quote) > MAX_WORDS.default:
                continue
            placement = place(text, quote)
            if placement.found:
                found[quote] = (placement.occurrences, passage.context(text))
    return [(quote, occurrences, context) for quote, (occurrences, context) in found.items()][:PASSAGES]


def _next(text: str, start: int, boundary: re.Pattern[str]) -> int:
    """Where the clause or sentence running on from `start` ends (before its punctuation), within a line."""
    line_end = text.find("\n", start)
    match = boundary.search(text, start, line_end if line_end >= 0 else len(text))
    return match.start() if match else (line_end if line_end >= 0 else len(text))

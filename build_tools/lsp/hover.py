"""Hover text (Markdown): a quote in its snapshot, a source's record, a fact, a rule's documentation.

Everything shown comes from the latest check of the project (`LintResult`: the model, with open buffers
as typed, and the snapshot store) and from the linter's own matcher (`snapshots.place`), so a quote
highlighted here is exactly the passage the linter accepted. Nothing here writes to what the session keeps:
a hover is answered while the next check runs in its own thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from build_tools.lint import LintResult
from build_tools.model import Fact, Source
from build_tools.problems import Code
from build_tools.snapshots import Placement, Snapshot, explain_missing, place

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
CONTEXT_SENTENCES = 1  # whole sentences shown either side of a quote
CONTEXT_LIMIT = 400  # at most this many characters either side


def escape(text: str) -> str:
    """Literal text in Markdown: one line, markup characters backslash-escaped (CommonMark)."""
    return re.sub(r"([\\`*_\[\]<>|~#])", r"\\\1", " ".join(text.split()))


def quote_hover(result: LintResult, source_id: str, quote: str, fact_id: str | None) -> str:
    source = result.project.sources.get(source_id)
    if source is None:
        return f"Unknown source `{escape(source_id)}`: no `sources/{escape(source_id)}.yaml` in the project."
    snapshot = result.store.get(source.snapshot.sha256)
    if snapshot is None:
        return f"{source_line(source)}\n\nIts snapshot (`{source.snapshot.sha256[:12]}…`) is not in the snapshot store."
    placement = place(snapshot.text, quote, snapshot.mapped)
    if not placement.found:
        return (f"{source_line(source)}\n\n**Not in the snapshot**{escape(explain_missing(snapshot, quote))}")
    lines = [source_line(source), "", "> " + passage(snapshot, placement), ""]
    same, other = citing(result, source, snapshot, placement, fact_id)
    lines.append(f"Cited by {_count(same, 'other fact')} (this passage) and {_count(other, 'other fact')} "
                 f"(elsewhere in this source).")
    if placement.occurrences > 1:
        lines.append(f"The passage stands {placement.occurrences} times in the snapshot.")
    return "\n".join(lines)


def source_line(source: Source) -> str:
    """Outlet, date and address on one line."""
    parts = [f"**{escape(source.outlet_label)}**", escape(source.published_label)]
    if source.url:
        parts.append(link(source.url))
    return " · ".join(parts)


def link(url: str) -> str:
    """A URL as it reads: bare (clients link it), escaped only when it holds a character Markdown reads."""
    return url if re.fullmatch(r"https?://[\w./?=&%#:+~-]+", url) and "__" not in url else escape(url)


def passage(snapshot: Snapshot, placement: Placement) -> str:
    """The quote's pieces in bold, with whole sentences of the snapshot around them."""
    text = snapshot.text
    spans = placement.spans
    start, end = _context_start(text, spans[0][0]), _context_end(text, spans[-1][1])
    pieces, last = [], start
    for begin, finish in spans:
        pieces += [escape(text[last:begin]), f"**{escape(text[begin:finish])}**"]
        last = finish
    pieces.append(escape(text[last:end]))
    head = "… " if start > 0 else ""
    tail = " …" if end < len(text) else ""
    return head + " ".join(piece for piece in pieces if piece) + tail


def _context_start(text: str, begin: int) -> int:
    floor = max(0, begin - CONTEXT_LIMIT)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, floor, begin)]
    if len(ends) > CONTEXT_SENTENCES:
        start = ends[-CONTEXT_SENTENCES - 1]
        return start + len(text[start:begin]) - len(text[start:begin].lstrip())
    if floor == 0:
        return 0
    space = text.find(" ", floor, begin)  # a word cut by the limit is left out
    return space + 1 if space >= 0 else floor


def _context_end(text: str, finish: int) -> int:
    ceiling = min(len(text), finish + CONTEXT_LIMIT)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, finish, ceiling)]
    if len(ends) > CONTEXT_SENTENCES:
        return ends[CONTEXT_SENTENCES]
    if ceiling == len(text):
        return ceiling
    space = text.rfind(" ", finish, ceiling)
    return space if space > finish else ceiling


def citing(result: LintResult, source: Source, snapshot: Snapshot, placement: Placement,
           fact_id: str | None) -> tuple[int, int]:
    """How many other facts cite this passage (a quote overlapping it), and how many cite the source
    elsewhere. Placed here with the pure `place` (never the store's shared memory, which the next check,
    in its own thread, is using)."""
    same: set[str] = set()
    other: set[str] = set()
    for fact in result.project.facts:
        if fact.id == fact_id:
            continue
        for citation in fact.citations:
            if citation.source != source.id or not citation.quote:
                continue
            overlaps = _overlap(place(snapshot.text, citation.quote, snapshot.mapped), placement)
            (same if overlaps else other).add(fact.id)
    return len(same), len(other - same)


def _overlap(a: Placement, b: Placement) -> bool:
    return any(x < w and v < y for x, y in a.spans for v, w in b.spans)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def source_hover(result: LintResult, source_id: str) -> str:
    source = result.project.sources.get(source_id)
    if source is None:
        return f"Unknown source `{escape(source_id)}`: no `sources/{escape(source_id)}.yaml` in the project."
    lines = [f"**{escape(source.label)}**", "", source_line(source), ""]
    if source.author:
        lines.append(f"- By {escape(source.author)}")
    lines.append(f"- Snapshot: `{escape(source.snapshot.file or '')}` (sha256 `{source.snapshot.sha256[:12]}…`)"
                 + ("" if result.store.get(source.snapshot.sha256) else ", **not in the snapshot store**"))
    lines.append(f"- Link status: {escape(source.link.status)}"
                 + (f"; archived copy {link(source.link.archive_url)}" if source.link.archive_url else ""))
    for label, ids in (("Derived from", source.derived_from), ("Republished from", source.republished_from)):
        if ids:
            lines.append(f"- {label}: " + ", ".join(f"`{escape(i)}`" for i in ids))
    citing_facts = sum(any(c.source == source.id for c in fact.citations) for fact in result.project.facts)
    lines.append(f"- Cited by {_count(citing_facts, 'fact')}")
    if source.notes:
        lines += ["", escape(source.notes)]
    return "\n".join(lines)


def fact_hover(result: LintResult, fact_id: str) -> str:
    fact = find_fact(result.project.facts, fact_id)
    if fact is None:
        return f"Unknown fact `{escape(fact_id)}`."
    date = fact.date.display() if fact.date else "undated"
    lines = [f"**{escape(fact.id)}** ({escape(date)}, {escape(fact.kind)})", "", escape(fact.text), "",
             f"{escape(fact.at.path)}:{fact.at.line} · section “{escape(fact.section)}”"]
    if fact.status is not None:
        lines.append(f"Status: {escape(fact.status.value)}")
    return "\n".join(lines)


def find_fact(facts: Iterable[Fact], fact_id: str) -> Fact | None:
    return next((fact for fact in facts if fact.id == fact_id), None)


def rule_hover(code: Code) -> str:
    """A rule's documentation, as `briefings explain` prints it."""
    return f"**{code.code} {code.name}** ({code.severity.value})\n\n{code.documentation()}"

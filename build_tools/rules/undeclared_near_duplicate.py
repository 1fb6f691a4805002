"""Two snapshots are far more alike than the rest of the corpus, with no declared relation.

## What it checks
Every pair of snapshots is scored by shared four-word sequences, shared
figures and shared names (`briefings similar` prints the ranking). A pair far
above the corpus baseline (three times the median pair, and at least 0.15)
must be linked by `derived_from` or `republished_from`, in either direction.

## Why it matters
A rewrite or syndicated copy is not independent corroboration. Undeclared,
it makes a fact look better supported than it is.

## Example
Two articles with the same figures, the same spokesman and the same
sentences, neither naming the other.

## Fix
Add `derived_from: [<id>]` (a rewrite) or `republished_from: [<id>]` (a
copy) to the later article. If they are truly independent, accept the
warning with a reason: `lint: {ignore: [SRC005], reason: "..."}`.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.model import Source
from build_tools.problems import Code, Location, Problem, Severity
from build_tools.rules.context import Context
from build_tools.similarity import cached_suspicious_pairs

CODE = Code("SRC005", "undeclared-near-duplicate", Severity.WARNING, __doc__ or "", about="source")


def check(ctx: Context) -> Iterator[Problem]:
    sources = ctx.project.sources
    if not any(ctx.in_focus(source.path) for source in sources.values()):
        return  # its warnings stand on source files, and none of them will be reported
    present = {sid: source.snapshot.sha256 for sid, source in sources.items()
               if source.snapshot.sha256 in ctx.snapshots.index()}
    pairs, base = cached_suspicious_pairs(present, ctx.snapshots.text, ctx.cache_dir)
    for pair in pairs:
        a, b = sources[pair.first], sources[pair.second]
        if a.related_to(b):
            continue
        alike = f"snapshots of '{{}}' and '{{}}' are alike (score {pair.score:.2f}, corpus median {base:.2f}) but no " \
            "relation is declared"
        order = _order(a, b)
        if order is None:  # the dates do not say which came first: never tell an original it copies its copy
            dates = f"{a.published_label} and {b.published_label}"
            yield Problem.of(CODE, Location(b.path), alike.format(b.id, a.id) + f"; their dates ({dates}) do not "
                             f"say which came first: add 'derived_from: [{a.id}]' or 'republished_from: [{a.id}]' "
                             f"here if this one rewrote or republished '{a.id}', else add 'derived_from: [{b.id}]' or "
                             f"'republished_from: [{b.id}]' to '{a.id}'", f"source:{b.id}")
            continue
        earlier, later = order
        yield Problem.of(CODE, Location(later.path), alike.format(later.id, earlier.id) + f"; add 'derived_from: "
                         f"[{earlier.id}]' or 'republished_from: [{earlier.id}]'", f"source:{later.id}")


def _order(a: Source, b: Source) -> tuple[Source, Source] | None:
    """(earlier, later) when the publication dates say so: one ends before the other begins. Two dates
    in the same month at month precision, overlapping ranges or an unknown date say nothing."""
    if a.published is None or b.published is None:
        return None
    if a.published.last_day() < b.published.first_day():
        return a, b
    if b.published.last_day() < a.published.first_day():
        return b, a
    return None

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

from build_tools.problems import Code, Location, Problem, Severity
from build_tools.rules.context import Context
from build_tools.similarity import cached_suspicious_pairs

CODE = Code("SRC005", "undeclared-near-duplicate", Severity.WARNING, __doc__ or "")


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
        later, earlier = (b, a) if (b.published or a.published) and _later(b, a) else (a, b)
        yield Problem.of(CODE, Location(later.path), f"snapshots of '{later.id}' and '{earlier.id}' are alike "
                         f"(score {pair.score:.2f}, corpus median {base:.2f}) but no relation is declared; "
                         f"add 'derived_from: [{earlier.id}]' or 'republished_from: [{earlier.id}]'",
                         f"source:{later.id}")


def _later(b: object, a: object) -> bool:
    from build_tools.model import Source

    assert isinstance(a, Source) and isinstance(b, Source)
    if a.published is None:
        return False
    return b.published is None or b.published.first_day() >= a.published.first_day()

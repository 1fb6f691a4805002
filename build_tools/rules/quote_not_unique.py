"""Quote stands in more than one place in its snapshot.

## What it checks
Each quote (its first piece, when it has omissions) occurs once in the
snapshot of its source.

## Why it matters
A citation points at one passage. A phrase that occurs twice cannot be
located, highlighted or checked in context.

## Example
```yaml
quote: "root causes"
```

## Fix
Add words before or after the quote until it is unique.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("CIT006", "quote-not-unique", Severity.WARNING, __doc__ or "")


def check(ctx: Context) -> Iterator[Problem]:
    sources = ctx.project.sources
    for fact in ctx.project.facts:
        if not ctx.in_focus(fact.at.path):
            continue
        for citation in fact.citations:
            source = sources.get(citation.source)
            placement = ctx.snapshots.place(source.snapshot.sha256, citation.quote) if source else None
            times = placement.occurrences if placement else 0
            if times > 1:
                yield Problem.of(CODE, citation.quote_at, f"quote occurs {times} times in snapshot of "
                                 f"'{citation.source}'; add words around it so it points at one place",
                                 f"fact:{fact.id}")

"""Fact cites only a rewrite or republication whose original is in the corpus.

## What it checks
When every source a fact cites is `derived_from` or `republished_from`
another source of the project, at least one of those originals is cited too.

## Why it matters
The original is the better evidence: it is where the reporting was done, and
a rewrite may have changed it. Citing only the copy hides the chain.

## Example
```yaml
citations:
  - source: unattributed-rewrite-2024-01   # derived from dailysignal-2024-01-11
    quote: "..."
```

## Fix
Cite the original article (`dailysignal-2024-01-11` here), alone or beside the
copy.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("FCT003", "cites-only-derived", Severity.WARNING, __doc__ or "", about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    sources = ctx.project.sources
    copies = {sid for sid, source in sources.items() if source.relations}
    if not copies:
        return  # no source rewrites or republishes another
    for fact in ctx.facts():
        cited = {c.source for c in fact.citations if c.source in sources}
        if not cited:
            continue
        originals = {o for sid in cited for o in sources[sid].relations if o in sources}
        copies_only = all(sources[sid].relations for sid in cited)
        if copies_only and originals and not originals & cited:
            names = ", ".join(sorted(originals))
            yield Problem.of(CODE, fact.where("citations"), f"fact cites only copies or rewrites; cite the "
                             f"original too: {names}", fact.subject)

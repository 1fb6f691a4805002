"""Quote is not verbatim in the snapshot of its source.

## What it checks
Each quote appears in the archived snapshot of the cited source, after
Unicode NFKC normalisation, folding typographic quotes, apostrophes and dashes
to ASCII, and collapsing runs of whitespace. Case matters. `...` or `…` marks
omitted words; the pieces must then appear in that order.

## Why it matters
The quote is the reader's proof. A paraphrase, a fixed typo or a word from
memory makes the citation claim something the article does not say.

## Example
```yaml
- source: fox-2021-12-08
  quote: "there is much to be done"
```

## Fix
Copy the words from the snapshot, warts included. The message shows the
closest passage and each difference; use `...` for words you leave out.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context
from build_tools.snapshots import closest_passage

CODE = Code("CIT003", "quote-not-in-snapshot", Severity.ERROR, __doc__ or "")


def check(ctx: Context) -> Iterator[Problem]:
    sources = ctx.project.sources
    for fact in ctx.project.facts:
        if not ctx.in_focus(fact.at.path):
            continue
        for citation in fact.citations:
            source = sources.get(citation.source)
            placement = ctx.snapshots.place(source.snapshot.sha256, citation.quote) if source else None
            if placement is None or placement.found:
                continue
            snapshot = ctx.snapshots.get(source.snapshot.sha256) if source else None
            assert snapshot is not None
            closest = closest_passage(snapshot, citation.quote)
            if closest is None:
                detail = "; no passage of it comes close"
            else:
                detail = f'; closest passage: "{closest.passage}" ({"; ".join(closest.differences)})'
            yield Problem.of(CODE, citation.quote_at,
                             f"quote not found in snapshot of '{citation.source}'{detail}", f"fact:{fact.id}")

"""Citation names a source that does not exist.

## What it checks
Every citation's `source` is the id of a file in `sources/`.

This is an evidence error: `lint: ignore` cannot accept it.

## Why it matters
A reader following the footnote would find nothing: the fact is unsupported.

## Example
```yaml
citations:
  - source: fox-2021-12-80
    quote: "much to be done"
```

## Fix
Correct the id (the message suggests the nearest), or add the source file
`sources/<id>.yaml`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from build_tools.problems import EVIDENCE, Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("CIT001", "unknown-source", Severity.ERROR, __doc__ or "", firm=EVIDENCE, about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    project = ctx.project
    known = list(project.sources)
    for fact in ctx.facts():
        for citation in fact.citations:
            if citation.source in project.sources or citation.source in project.broken_sources:
                continue
            guess = difflib.get_close_matches(citation.source, known, n=1)
            hint = f"; did you mean '{guess[0]}'?" if guess else f"; add sources/{citation.source}.yaml"
            yield Problem.of(CODE, citation.at, f"unknown source '{citation.source}'{hint}", fact.subject)

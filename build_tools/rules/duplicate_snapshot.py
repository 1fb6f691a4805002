"""Two sources record the same snapshot.

## What it checks
No two sources name the same `snapshot.sha256`.

## Why it matters
One archived copy is one article. Two source files for it double-count the
article as corroboration and split its citations between two pages.

## Example
```yaml
# sources/a.yaml and sources/b.yaml both have
snapshot: {sha256: f0dae2e0...}
```

## Fix
Keep one source file and point every citation at it.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.model import Source
from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("SRC004", "duplicate-snapshot", Severity.WARNING, __doc__ or "", about="source")


def check(ctx: Context) -> Iterator[Problem]:
    first: dict[str, Source] = {}
    for source in ctx.project.sources.values():
        earlier = first.setdefault(source.snapshot.sha256, source)
        if earlier is not source:
            yield Problem.of(CODE, source.where("snapshot"), f"source '{source.id}' records the same snapshot as "
                             f"'{earlier.id}'; keep one source for one article", f"source:{source.id}")

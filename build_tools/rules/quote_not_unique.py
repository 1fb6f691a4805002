"""Quote stands in more than one place in its snapshot.

## What it checks
Each quote (its first piece, when it has omissions) stands once in the
snapshot of its source, counting only places on whole words. A `context:`
quote is not checked: it only has to stand in the quote's paragraph.

## Why it matters
A citation points at one passage. A phrase that occurs twice cannot be
located, highlighted or checked in context.

## Example
```yaml
quote: "root causes"
```

## Fix
Add words before or after the quote until it is unique. Use instead:

```yaml
quote: "she would address only the “root causes” of migration"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context, quoted_passages

CODE = Code("CIT006", "quote-not-unique", Severity.WARNING, __doc__ or "", about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    for passage in quoted_passages(ctx, context_quotes=False):
        times = passage.placement.occurrences if passage.placement else 0
        if times > 1:
            yield Problem.of(CODE, passage.at, f"quote occurs {times} times in snapshot of '{passage.source}'; "
                             "add words around it so it points at one place", passage.fact.subject)

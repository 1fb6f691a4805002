"""Two facts share an id.

## What it checks
Fact ids are unique across all briefings.

## Why it matters
The id is the fact's permanent anchor (`#fact-<id>`) and its key in the JSON
export; two facts with one id make links and data ambiguous. So
`lint: ignore` cannot accept it, nor `briefings.toml` disable it.

## Example
```yaml
- id: harris-call
  ...
- id: harris-call
```

## Fix
Rename one of the facts. Keep the older id if it has been published.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.model import Fact
from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("FCT001", "duplicate-fact-id", Severity.ERROR, __doc__ or "",
            firm="two facts with one id share one anchor on the site and one key in the exports, so it stays an "
                 "error; give one of them another id", about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    first: dict[str, Fact] = {}
    for fact in ctx.project.facts:
        earlier = first.setdefault(fact.id, fact)
        if earlier is not fact:
            at = earlier.where("id")
            yield Problem.of(CODE, fact.where("id"), f"fact id '{fact.id}' is already used at "
                             f"{at.path}:{at.line}; give this fact another id", fact.subject)

"""Fact status names no fact, itself, or a fact that does not exist.

## What it checks
A fact marked `superseded` or `disputed` lists, in `status.by`, the ids of
other existing facts that supersede or dispute it.

## Why it matters
Readers are told a fact is no longer current or is contested; the marker must
lead them to the fact that says otherwise.

## Example
```yaml
status: {value: superseded, by: [no-such-fact], reason: "A later interview."}
```

## Fix
Name the later or conflicting fact's id in `by`.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("FCT004", "bad-status", Severity.ERROR, __doc__ or "", about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    facts = {fact.id for fact in ctx.project.facts}
    for fact in ctx.facts():
        status = fact.status
        if status is None or status.value == "current":
            continue
        where = fact.where("status")
        if not status.by:
            yield Problem.of(CODE, where, f"a {status.value} fact must name the fact(s) that make it so: "
                             "add 'by: [<fact-id>]'", fact.subject)
        for other in status.by:
            if other == fact.id:
                yield Problem.of(CODE, where, f"fact '{fact.id}' cannot be {status.value} by itself", fact.subject)
            elif other not in facts:
                yield Problem.of(CODE, where, f"status names unknown fact '{other}'", fact.subject)

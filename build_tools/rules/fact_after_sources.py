"""Fact is dated after every source it cites was published.

## What it checks
A fact's `date` (its earliest possible day) is not later than the
publication (latest possible day) of at least one cited source, unless the
fact is a plan or expectation (`kind: plan`). Sources of unknown date are
given the benefit of the doubt.

## Why it matters
An article cannot report what happened after it was published: the date is
wrong, or the fact describes a plan and should say so.

## Example
```yaml
- id: harris-visit
  date: 2021-06
  citations:
    - source: nypost-2021-04-26   # published April 2021
```

## Fix
Correct the date, cite a later source, or mark the fact `kind: plan` and word
it as a plan ("Harris said she planned to ...").
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("FCT002", "fact-after-sources", Severity.ERROR, __doc__ or "")


def check(ctx: Context) -> Iterator[Problem]:
    sources = ctx.project.sources
    for fact in ctx.project.facts:
        cited = [sources[c.source] for c in fact.citations if c.source in sources]
        if fact.date is None or fact.kind == "plan" or not cited or any(s.published is None for s in cited):
            continue
        latest = max(s.published.last_day() for s in cited if s.published)
        if fact.date.first_day() > latest:
            yield Problem.of(CODE, fact.where("date"), f"fact is dated {fact.date} but its sources were "
                             f"published by {latest.isoformat()}; correct the date or mark it 'kind: plan'",
                             f"fact:{fact.id}")

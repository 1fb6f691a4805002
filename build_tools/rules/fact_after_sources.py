"""Fact is dated after every source it cites was published.

## What it checks
A fact's `date`, at the earliest day it may mean, is not later than the latest
day of publication of at least one cited source, unless the fact is a plan or
expectation (`kind: plan`). Imprecise dates count in the fact's favour: `2021`
may mean 1 January, `2021-22` (summer 2021) 1 June, `2021-07~` (about July)
16 June, and `../2021-07` (by July) any earlier day; a source published
`2021-06` may have appeared on 30 June. Sources of unknown date, or with an open
end (`2024-01-12/..`), are given the benefit of the doubt.

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
Correct the date (a season or an interval, such as `2021-22` or
`2021-03/2021-06`, when the source is that vague), cite a later source, or mark
the fact `kind: plan` and word it as a plan ("Harris said she planned to ...").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("FCT002", "fact-after-sources", Severity.ERROR, __doc__ or "", about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    # Each source's latest day and each distinct date's earliest, computed once (dates repeat).
    latest_of = {sid: s.published.latest if s.published else None for sid, s in ctx.project.sources.items()}
    earliest_of: dict[int, dt.date | None] = {}  # by identity: equal dates of one load are one object
    for fact in ctx.facts():
        if fact.date is None or fact.kind == "plan":
            continue
        published = [latest_of[c.source] for c in fact.citations if c.source in latest_of]
        if not published:
            continue
        key = id(fact.date)
        if key not in earliest_of:
            earliest_of[key] = fact.date.earliest
        earliest = earliest_of[key]
        if earliest is None or None in published:
            continue
        latest = max(day for day in published if day is not None)
        if earliest > latest:
            shown = fact.date.iso() if fact.date.exact else (f"{fact.date} ({fact.date.display()}, no earlier than "
                                                              f"{earliest.isoformat()})")
            yield Problem.of(CODE, fact.where("date"), f"fact is dated {shown} but its sources were "
                             f"published by {latest.isoformat()}; correct the date or mark it 'kind: plan'",
                             fact.subject)

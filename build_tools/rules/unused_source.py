"""Source is not cited by any fact.

## What it checks
Every file in `sources/` is cited by at least one fact.

## Why it matters
An uncited source is either a forgotten lead or a leftover; readers see it in
the source list with nothing resting on it.

## Example
`sources/old-article.yaml` with no citation naming `old-article`.

## Fix
Cite it where it supports a fact, or delete the file.

This rule stays silent while a briefing file has loading problems, since the
broken file may be the one that cites the source.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Location, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("SRC001", "unused-source", Severity.WARNING, __doc__ or "", about="source")


def check(ctx: Context) -> Iterator[Problem]:
    if not ctx.project.briefings_complete:
        return  # a briefing that failed to load may cite any source: nothing to say yet
    reported = list(ctx.sources())
    cited = {c.source for fact in ctx.project.facts for c in fact.citations} if reported else set()
    for source in reported:
        if source.id not in cited:
            yield Problem.of(CODE, Location(source.path), f"source '{source.id}' is not cited by any fact; "
                             "cite it or delete the file", f"source:{source.id}")

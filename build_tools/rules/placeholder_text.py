"""Text still holds a TODO placeholder.

## What it checks
No fact text, briefing title, summary or section title, and no source title
or notes, starts with `TODO` (as the templates of `briefings new` do).

## Why it matters
A placeholder published as a sentence reads as a claim.

## Example
```yaml
text: >-
  TODO: one or two neutral sentences, attributed ("Giammattei said ...").
```

## Fix
Write the sentence, or delete the fact.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Location, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("FCT005", "placeholder-text", Severity.ERROR, __doc__ or "")


def _is_placeholder(value: str | None) -> bool:
    return value is not None and value.lstrip().upper().startswith("TODO")


def check(ctx: Context) -> Iterator[Problem]:
    project = ctx.project
    for briefing in project.briefings:
        fields = [("title", briefing.title), ("summary", briefing.summary)]
        fields += [("section title", s.title) for s in briefing.sections]
        for name, value in fields:
            if _is_placeholder(value):
                yield Problem.of(CODE, Location(briefing.path), f"briefing {name} is a placeholder; write it")
        for fact in briefing.facts:
            if _is_placeholder(fact.text):
                yield Problem.of(CODE, fact.where("text"), f"fact '{fact.id}' text is a placeholder; write the "
                                 "sentence", f"fact:{fact.id}")
    for source in project.sources.values():
        for name in ("title", "notes"):
            if _is_placeholder(getattr(source, name)):
                yield Problem.of(CODE, source.where(name), f"source {name} is a placeholder; write it",
                                 f"source:{source.id}")

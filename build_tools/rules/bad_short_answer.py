"""A short answer names a fact that is superseded, unknown, or on another page.

## What it checks
Each id in a briefing's `short_answer` names a fact of that same briefing,
once, and none of them is `superseded`.

## Why it matters
The short answer is what most readers read and nothing else: it opens the page
and the home page. A superseded fact there would give them the old answer as if
it were current, with the correction further down where they may never look;
another page's fact would answer this page's question; a fact named twice
would be shown twice. So `briefings.toml` cannot disable this rule.

## Example
```yaml
short_answer: [no-contact-as-of-2022-07]   # superseded by phone-call-june-2023
```

## Fix
Name the fact that answers the question now, which is usually the one the
superseded fact names in `status.by`:

```yaml
short_answer: [phone-call-june-2023]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.model import Briefing
from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("FCT009", "bad-short-answer", Severity.ERROR, __doc__ or "",
            firm="the short answer is what readers see first, and it would show a superseded fact as the answer "
                 "now, another page's fact, or one fact twice, so it stays an error; name this briefing's current "
                 "facts, each once", about="briefing")


def check(ctx: Context) -> Iterator[Problem]:
    for briefing in ctx.project.briefings:
        if briefing.short_answer and ctx.in_focus(briefing.path):
            yield from _check_briefing(briefing)


def _check_briefing(briefing: Briefing) -> Iterator[Problem]:
    facts = {fact.id: fact for fact in briefing.facts}
    seen: set[str] = set()
    for index, fact_id in enumerate(briefing.short_answer):
        where = briefing.short_answer_where(index)
        fact = facts.get(fact_id)
        if fact_id in seen:
            yield Problem.of(CODE, where, f"short answer names fact '{fact_id}' more than once; remove the repeat")
        elif fact is None:
            yield Problem.of(CODE, where, f"short answer names '{fact_id}', which is not a fact of this briefing; "
                             "name one of its own facts")
        elif fact.status is not None and fact.status.value == "superseded":
            later = ", ".join(f"'{other}'" for other in fact.status.by) or "a later fact"
            yield Problem.of(CODE, where, f"short answer names fact '{fact_id}', which is superseded by {later}; "
                             "name the fact that answers the question now")
        seen.add(fact_id)

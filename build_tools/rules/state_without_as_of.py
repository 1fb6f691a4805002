"""A fact of kind `state` has no `as_of` date.

## What it checks
A fact marked `kind: state` (something true for a time, that can change:
who holds an office, whether two people have spoken since) gives the date it
was true as of, in `as_of`.

## Why it matters
A state is only true as of some day: "had not spoken since" may be false a
month later. Without `as_of` readers cannot tell how old the claim is, and the
briefing reads as if it were still true today.

## Example
```yaml
- id: no-contact-since-visit
  text: Giammattei said he had not spoken with the White House since the visit.
  date: 2021-12-08
  kind: state
```

## Fix
Add the date the sources say it was true as of, usually the date of the
article or interview it comes from:

```yaml
  date: 2021-12-08
  as_of: 2021-12-08
  kind: state
```
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("FCT010", "state-without-as-of", Severity.WARNING, __doc__ or "", about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    for fact in ctx.facts():
        if fact.kind == "state" and fact.as_of is None and "as_of" not in fact.field_at:
            date = f" (probably its date, {fact.date})" if fact.date is not None else ""
            yield Problem.of(CODE, fact.where("kind"), f"fact '{fact.id}' is a state but says when it was "
                             f"true nowhere: add 'as_of:' with the date it was true as of{date}", fact.subject)

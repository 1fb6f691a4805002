"""Published fact's substance changed without a correction entry.

## What it checks
Once a fact has been committed, its substance is what readers relied on: the
figures, names, dates and negations ("not", "never") in its text, its `date`
and `as_of`, its citations' quotes, and its `status`. The git history of
`briefings/` (the ledger) records every change; a change of substance, committed
or still in the working tree, must come with a new entry under `corrections:`
on the fact, in the same commit or a later one. Rewording that keeps all of
them (a typo, a clearer verb) needs no entry, and neither does adding a citation.
The message names the commit where the fact was published and what changed.
Outside a git repository there is no history, and nothing is checked.

## Why it matters
A reader who saw the fact last week must be able to tell that it changed and
why. The entry is what the fact's "Corrected" marker, the briefing's "Updates
and corrections" section, the Corrections page and the feeds show.

## Example
```yaml
- id: deportation-flights
  text: The ministry reported 21 deportation flights in May.   # was "12"
  date: 2021-05
```

## Fix
Say what was wrong and what changed (`kind: major` lists it first, `kind:
update` is for later information rather than an error):
```yaml
- id: deportation-flights
  text: The ministry reported 21 deportation flights in May.
  date: 2021-05
  corrections:
    - date: 2024-06-03
      wrong: The fact gave the number of flights as 12.
      changed: It now gives 21, the figure the ministry's report states.
```
A fact renamed with `replaces: old-id` keeps its history, so its changes are
checked across the rename.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context
from build_tools.substance import AS_OF, CITED, CORRECTED, QUOTE, REDATED, STATUS, UNCITED

if TYPE_CHECKING:
    from build_tools.ledger import Change, Life

CODE = Code("FCT006", "change-without-correction", Severity.WARNING, __doc__ or "", about="fact")

_FIELD = {REDATED: "date", AS_OF: "as_of", QUOTE: "citations", UNCITED: "citations", CITED: "citations",
          STATUS: "status"}


def check(ctx: Context) -> Iterator[Problem]:
    history = ctx.history
    if history is None or not history.available:
        return
    for fact in ctx.facts():
        life = history.lives.get(fact.id)
        if life is None or not life.was_published or not ctx.in_focus(fact.at.path):
            continue
        uncorrected = uncorrected_changes(life)
        if uncorrected:
            latest = uncorrected[-1]
            yield Problem.of(CODE, fact.where(_FIELD.get(latest.kind, "text")), _message(life, uncorrected),
                             fact.subject)


def uncorrected_changes(life: Life) -> list[Change]:
    """The changes of substance made after the fact's last correction entry was added."""
    last_correction = max((c.seq for c in life.changes if c.kind == CORRECTED), default=-1)
    return [c for c in life.changes if c.substantive and c.seq > last_correction]


def _message(life: Life, changes: list[Change]) -> str:
    if life.published is not None:
        published = f"published in {life.published.describe()}"
    else:
        published = "published before the start of this (shallow) git history"
    latest = changes[-1]
    when = f"in {latest.commit.describe()}" if latest.commit else "in uncommitted edits"
    details = "; ".join(dict.fromkeys(c.detail for c in changes[-3:]))
    return (f"fact '{life.ids[-1]}' was {published}, and its substance changed {when}: {details}; add a "
            "'corrections:' entry (date, wrong, changed) telling readers what was wrong and what changed")

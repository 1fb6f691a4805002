"""Fact's `replaces:` does not name a former id of that fact.

## What it checks
`replaces: old-id` declares that a fact was renamed: its history, its
corrections and links to `#fact-old-id` carry over to the new id. The old id
must be a different fact's id that no longer exists, claimed by one fact only
(nor already a former id of another fact in the git history), and (when the
git history is available and complete) one that was published.

## Why it matters
A wrong `replaces` silently breaks the fact's history: the ledger then shows an
old fact removed and a new one added, the corrections rule stops comparing the
fact with what readers saw, and old links lead nowhere. Published anyway, two
facts that claim one old id would share its anchor on one page, and the
exports would record a rename that never happened. So `lint: ignore` cannot
accept it, nor `briefings.toml` disable it.

## Example
```yaml
- id: harris-call-2022
  replaces: harris-cal-2022      # a typo: no fact ever had this id
```

## Fix
Write the id the fact had before it was renamed (`git log -p briefings/` shows
it), or remove `replaces:` if the fact is new:
```yaml
- id: harris-call-2022
  replaces: phone-call-january-2022
```
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("FCT007", "bad-replaces", Severity.ERROR, __doc__ or "",
            firm="a wrong 'replaces:' gives a fact an id it never had: two facts could share one old anchor, and the "
                 "exports would record a rename that never happened, so it stays an error; correct 'replaces:' or "
                 "remove it", about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    facts = {fact.id for fact in ctx.project.facts}
    claims = Counter(fact.replaces for fact in ctx.project.facts if fact.replaces)
    known = _published_ids(ctx)
    renamed = ctx.history.renamed if ctx.history is not None else {}  # a former id → the fact that had it
    for fact in ctx.facts():
        old = fact.replaces
        if not old:
            continue
        if old == fact.id:
            message = f"fact '{fact.id}' cannot replace itself; name the id it had before, or remove 'replaces'"
        elif old in facts:
            message = (f"fact '{old}' still exists, so '{fact.id}' cannot replace it; remove one of them, or remove "
                       "'replaces'")
        elif claims[old] > 1:
            message = f"{claims[old]} facts declare 'replaces: {old}'; only the fact that was renamed may"
        elif renamed.get(old, fact.id) != fact.id:
            message = (f"'{old}' is already a former id of fact '{renamed[old]}' (git history: it was renamed); "
                       "only the fact that was renamed may replace it: remove 'replaces'")
        elif known is not None and old not in known:
            message = (f"no fact '{old}' was ever published (git history); write the id the fact had before it was "
                       "renamed, or remove 'replaces'")
        else:
            continue
        yield Problem.of(CODE, fact.where("replaces"), message, fact.subject)


def _published_ids(ctx: Context) -> set[str] | None:
    """Every id a fact has had in the history; None when the history is missing or starts late (shallow)."""
    history = ctx.history
    if history is None or not history.available or history.since is not None:
        return None
    return {fact_id for life in (*history.lives.values(), *history.ended) for fact_id in life.ids}

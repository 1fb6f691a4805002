"""`lint: ignore` names an evidence error, another error that cannot be accepted, or no rule's code.

## What it checks
No `lint: ignore` list on a fact or a source names a code that means "this
quote is not proven by its snapshot": CIT001 (unknown source), CIT002
(snapshot missing), CIT003 (quote not in snapshot, including a quote that
cuts a word), CIT004 (snapshot changed) or CIT008 (quote without words), nor
this code itself; nor another error that would publish a wrong site: FCT001
(two facts with one id), FCT007 (a wrong `replaces:`), FCT009 (a wrong short
answer) or SRC003 (a relation to no source, to itself or in a circle). The
problems stay reported whatever the list says. Nor does the list name a code
found while reading files (`YML…`, `SCH…`, FCT005), which only fixing the
file removes, a code that no rule has, or a code this kind of object never has
(a source's code on a fact, say): each would accept nothing, and leave the
list looking as if it did.

This is an evidence error: `lint: ignore` cannot accept it.

## Why it matters
Every other problem can be accepted with a reason, because the reader still
gets a proven quote on a page that works. An evidence error accepted would
publish a quote that the archived article does not hold, with no mark at
all; two facts with one id would publish two facts under one anchor, and
one key in the exports for both. A code that no rule reports (`CIT090` for
`CIT009`) would look like an accepted problem while the problem stays.

## Example
```yaml
lint:
  ignore: [CIT003]
  reason: The article was edited after we quoted it.
```

## Fix
Fix the quote (or archive the article again and cite the new snapshot), then
delete the code from the list. Use instead:

```yaml
citations:
  - source: city-herald-2024
    quote: "the bridge would reopen in May"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.model import Suppression
from build_tools.problems import EVIDENCE, Code, Problem, Severity
from build_tools.rules.context import Context
from build_tools.syntax_codes import CODES as SYNTAX_CODES

CODE = Code("CIT011", "evidence-error-ignored", Severity.ERROR, __doc__ or "", firm=EVIDENCE)
_READING = frozenset(code.code for code in SYNTAX_CODES)  # found while reading a file, before any rule runs


def check(ctx: Context) -> Iterator[Problem]:
    project = ctx.project
    accepted: list[tuple[str, Suppression]] = [
        (f"source:{source.id}", source.suppression) for source in project.sources.values() if source.suppression]
    accepted += [(fact.subject, fact.suppression) for fact in project.facts if fact.suppression]
    for subject, suppression in accepted:
        on = subject.partition(":")[0]  # "fact" or "source"
        for code in sorted(suppression.codes):
            message = _refusal(ctx, code, on)
            if message:
                yield Problem.of(CODE, suppression.code_at.get(code, suppression.at), message, subject)


def _refusal(ctx: Context, code: str, on: str) -> str | None:
    """Why `lint: ignore` on a fact or a source (`on`) cannot accept `code`, or None when it can."""
    known = ctx.codes.get(code)
    if known is None:
        return (f"'lint: ignore' names {code}, which is no rule's code (`briefings rules` lists them); correct it or "
                "remove it from the list")
    if code in _READING:
        return (f"'lint: ignore' cannot accept {code} ({known.name}): it is found while reading the file, so only "
                f"fixing the file removes it; fix it and remove {code} from the list")
    if not known.waivable:
        return f"'lint: ignore' cannot accept {code} ({known.name}): {known.firm} and remove {code} from the list"
    if known.about and known.about != on:  # "": CIT012, on either
        where = "on a briefing, which cannot accept it" if known.about == "briefing" else \
            f"on a {known.about}: accept it in that {known.about}'s 'lint: ignore'"
        return (f"'lint: ignore' on a {on} never accepts {code} ({known.name}), which is reported {where}; "
                f"remove {code} from this list")
    return None

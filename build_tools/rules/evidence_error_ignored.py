"""`lint: ignore` names an evidence error, or another error that cannot be accepted.

## What it checks
No `lint: ignore` list on a fact or a source names a code that means "this
quote is not proven by its snapshot": CIT001 (unknown source), CIT002
(snapshot missing), CIT003 (quote not in snapshot, including a quote that
cuts a word), CIT004 (snapshot changed) or CIT008 (quote without words), nor
this code itself; nor FCT001 (two facts with one id). The problems stay
reported whatever the list says.

This is an evidence error: `lint: ignore` cannot accept it.

## Why it matters
Every other problem can be accepted with a reason, because the reader still
gets a proven quote on a page that works. An evidence error accepted would
publish a quote that the archived article does not hold, with no mark at
all; two facts with one id would publish two facts under one anchor, and
one key in the exports for both.

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

CODE = Code("CIT011", "evidence-error-ignored", Severity.ERROR, __doc__ or "", firm=EVIDENCE)


def check(ctx: Context) -> Iterator[Problem]:
    project = ctx.project
    accepted: list[tuple[str, Suppression]] = [
        (f"source:{source.id}", source.suppression) for source in project.sources.values() if source.suppression]
    accepted += [(fact.subject, fact.suppression) for fact in project.facts if fact.suppression]
    for subject, suppression in accepted:
        for code in sorted(suppression.codes):
            known = ctx.codes.get(code)
            if known is not None and not known.waivable:
                yield Problem.of(CODE, suppression.code_at.get(code, suppression.at),
                                 f"'lint: ignore' cannot accept {code} ({known.name}): {known.firm} and remove "
                                 f"{code} from the list", subject)

"""`lint: ignore` names a code that its fact or source no longer has.

## What it checks
Each code in a `lint: ignore` list accepts a problem of that fact or source.
Checked when the project has no error (a file that cannot be read, or any
other error, keeps some rules from running) and on a whole lint; not for a
rule disabled in `briefings.toml`, nor for `change-without-correction`
outside a git history.

## Why it matters
A waiver accepts every problem of its code on its object, now and later. Once
the problem it was written for is fixed, it waits: the next problem of that
kind on the fact (another figure the quotes do not give, another quote too
short) would be accepted for a reason written about something else, and no
one would see it.

## Example
```yaml
citations:
  - source: city-herald-2024
    quote: "the bridge would reopen in May"   # no longer too short
lint:
  ignore: [CIT009]
  reason: The law's name is three words long.
```

## Fix
Remove the code from the list (and the `lint:` block when it is empty).
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("CIT012", "unused-waiver", Severity.WARNING, __doc__ or "", about="")


def check(ctx: Context) -> Iterator[Problem]:
    """Nothing here: which waivers accepted nothing is known only once every rule has run and the waivers are
    matched (`lint._unused_waivers`), as ruff reports an unused `noqa` after the others."""
    return iter(())

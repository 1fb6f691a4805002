"""Source's live address no longer shows the article, and no archived copy is recorded.

## What it checks
A source whose `url_status` is `dead`, `deviated` or `usurped` has an
`archive_url`.

## Why it matters
Readers check a quote by opening the article. Once the original is gone,
changed or taken over, only a public archived copy (Wayback Machine,
archive.today, Perma.cc) lets them see the words that were quoted; the
snapshot store is not public.

## Example
```yaml
url: https://example.org/bridge
url_status: dead
url_checked: 2026-11-20
```

## Fix
Find or make an archived copy and record it. Use instead:
```yaml
url: https://example.org/bridge
url_status: dead
url_checked: 2026-11-20
archive_url: https://web.archive.org/web/20240304120000/https://example.org/bridge
archive_date: 2024-03-04
```
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("SRC007", "unarchived-dead-link", Severity.WARNING, __doc__ or "", about="source")

LOST = {"dead": "is gone", "deviated": "has changed", "usurped": "now serves other content"}


def check(ctx: Context) -> Iterator[Problem]:
    for source in ctx.sources():
        state = source.link
        if state.status in LOST and not state.archive_url:
            yield Problem.of(CODE, source.where("url_status"), f"the original of '{source.id}' "
                             f"{LOST[state.status]} (url_status: {state.status}) and no archived copy is recorded; "
                             "add 'archive_url' (and 'archive_date') so readers can still check the quotes",
                             f"source:{source.id}")

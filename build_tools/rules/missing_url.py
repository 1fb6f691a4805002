"""Source has no URL.

## What it checks
Each source records the `url` of the copy that was archived.

## Why it matters
Without a URL readers cannot open the original article, and footnotes cannot
deep-link to the quoted passage. An unknown URL is honest; it should still
be visible, so this is a warning.

## Example
```yaml
title: Kamala Harris hosts virtual meeting with Guatemala president
outlet: New York Post
```

## Fix
Add `url: https://...` when it is known. When it is not, accept the warning
with a reason: `lint: {ignore: [SRC002], reason: "URL not recorded when archived"}`.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Location, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("SRC002", "missing-url", Severity.WARNING, __doc__ or "", about="source")


def check(ctx: Context) -> Iterator[Problem]:
    for source in ctx.sources():
        if source.url is None and "url" not in source.field_at:  # a rejected url has its own error
            yield Problem.of(CODE, Location(source.path), f"source '{source.id}' has no 'url'; add it, or "
                             "accept with a reason if it is unknown", f"source:{source.id}")

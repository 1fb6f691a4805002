"""URL host mixes writing systems, or is not plain ASCII.

## What it checks
The host of each source's `url` is plain ASCII; a host with non-ASCII letters
is shown in its punycode form, and one that mixes scripts (Latin with
Cyrillic, say) is flagged.

## Why it matters
`раураl.com` with Cyrillic letters looks like `paypal.com`. A reader who
follows the link would reach a different site from the one the editor meant.

## Example
```yaml
url: https://www.fохnews.com/media/...   # "о" and "х" are Cyrillic
```

## Fix
Retype the host in ASCII, or use the punycode form the message shows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from urllib.parse import urlsplit

from build_tools.problems import Code, Problem, Severity
from build_tools.rules.context import Context

CODE = Code("SRC006", "mixed-script-hostname", Severity.WARNING, __doc__ or "", about="source")


def scripts(host: str) -> set[str]:
    """The writing systems of the letters in `host` (LATIN, CYRILLIC, GREEK, ...)."""
    return {unicodedata.name(ch, "UNKNOWN").split()[0] for ch in host if ch.isalpha()}


def punycode(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return "(no valid punycode form)"


def check(ctx: Context) -> Iterator[Problem]:
    for source in ctx.sources():
        host = urlsplit(source.url).hostname if source.url else None
        if not host or host.isascii():
            continue
        found = scripts(host)
        kind = f"mixes scripts ({', '.join(sorted(found))})" if len(found) > 1 else "is not plain ASCII"
        yield Problem.of(CODE, source.where("url"), f"URL host '{host}' {kind}; its punycode form is "
                         f"'{punycode(host)}'; check it is the site you mean", f"source:{source.id}")

"""An ellipsis in a quote skips too much of the snapshot.

## What it checks
Where a quote marks omitted words with `...` or `…`, what each omission
skips in the snapshot stays within one paragraph (a snapshot holds one
paragraph per line) and is at most 60 words long (options `max_words` and
`across_paragraphs`).

## Why it matters
An ellipsis shortens a sentence; it must not stitch together passages that
the article keeps apart, where the words in between may change the meaning.
Readers and the exports see only the quoted pieces, never what was skipped.

## Example
```yaml
quote: "The minister said ... the council agreed."
```

## Fix
Quote each passage in its own citation, or quote a shorter omission. Use
instead:

```yaml
- source: city-herald-2024
  quote: "The minister said on Monday"
- source: city-herald-2024
  quote: "the mayor said — and the council agreed."
```
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Option, Problem, Severity
from build_tools.rules.context import Context, quoted_passages
from build_tools.snapshots import gaps

MAX_WORDS = Option("max_words", 60, "The most words one omission may skip.", minimum=0)
ACROSS_PARAGRAPHS = Option("across_paragraphs", False, "Whether an omission may skip a paragraph break.")
CODE = Code("CIT010", "ellipsis-gap-too-long", Severity.ERROR, __doc__ or "", options=(MAX_WORDS, ACROSS_PARAGRAPHS),
            about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    limit = ctx.option(MAX_WORDS)
    across = ctx.option(ACROSS_PARAGRAPHS)
    for passage in quoted_passages(ctx):
        placement = passage.placement
        if placement is None or len(placement.spans) < 2 or passage.sha256 is None:
            continue
        for number, gap in enumerate(gaps(ctx.snapshots.text(passage.sha256), placement), start=1):
            crosses = gap.line_breaks > 0 and not across
            if gap.words > limit or crosses:
                where = f"omission {number} of the {passage.kind}" if len(placement.spans) > 2 else \
                    f"the omission in the {passage.kind}"
                paragraphs = " and crosses a paragraph break" if crosses else ""
                yield Problem.of(CODE, passage.at, f"{where} skips {gap.words} words of the snapshot"
                                 f"{paragraphs}; an omission may skip at most {limit} words within one paragraph: "
                                 "quote the passages in separate citations", passage.fact.subject)
                break

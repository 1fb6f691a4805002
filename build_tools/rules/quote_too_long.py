"""Quote is longer than the word limit.

## What it checks
Each quote (and each `context:` quote) shows at most 40 words (option
`max_words`). What counts is what a reader is shown: the words of every
piece, not the words an ellipsis skips. A word is a run of characters between
spaces that holds a letter or a digit, so a lone dash is not a word and
`12-ton` is one.

## Why it matters
Quotations are evidence, not copies: the project stores short quotes, never
the article. Long quotes also make footnotes unreadable.

## Example
A quote of a whole paragraph.

## Fix
Quote the words that carry the fact; mark omissions with `...`. Use instead:

```yaml
quote: "We are looking at the issue of poverty ... as well as corruption"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Option, Problem, Severity
from build_tools.rules.context import Context, quoted_passages
from build_tools.snapshots import words_over

MAX_WORDS = Option("max_words", 40, "The most words a quote may show, not counting the parts `...` leaves out.",
                   minimum=1)
CODE = Code("CIT005", "quote-too-long", Severity.ERROR, __doc__ or "", options=(MAX_WORDS,), about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    limit = ctx.option(MAX_WORDS)
    for passage in quoted_passages(ctx):
        words = words_over(passage.text, limit)
        if words is not None:
            yield Problem.of(CODE, passage.at, f"{passage.kind} has {words} words, over the limit of "
                             f"{limit}; shorten it and mark omissions with '...'", passage.fact.subject)

"""Quote is shorter than the minimum number of words.

## What it checks
Each quote shows at least 4 words (option `min_words`), counted as for
the 40-word limit. A `context:` quote is not checked: it is meant to be short.

## Why it matters
A short quote such as `"May"` can stand in an article by accident and says
little: a sentence resting on one common word is barely sourced. It is a
warning, since a name or a figure can be a fair short quote; accept it with a
reason when it is.

## Example
```yaml
quote: "May"
```

## Fix
Quote the words around it that say what the fact says. Use instead:

```yaml
quote: "the bridge would reopen in May"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Option, Problem, Severity
from build_tools.rules.context import Context, quoted_passages
from build_tools.snapshots import words_under

MIN_WORDS = Option("min_words", 4, "The fewest words a quote may show without a warning.", minimum=1)
CODE = Code("CIT009", "quote-too-short", Severity.WARNING, __doc__ or "", options=(MIN_WORDS,), about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    minimum = ctx.option(MIN_WORDS)
    for passage in quoted_passages(ctx, context_quotes=False):
        words = words_under(passage.text, minimum)
        if words is not None and words > 0 and passage.has_words:
            counted = "1 word" if words == 1 else f"{words} words"
            yield Problem.of(CODE, passage.at, f"quote has {counted}, under the minimum of {minimum}; a short "
                             "quote can match by accident and says little: quote the words around it",
                             passage.fact.subject)

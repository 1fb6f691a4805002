"""Quote is longer than the word limit.

## What it checks
Each quote has at most 40 words (option `max_words`), not counting the
parts `...` leaves out.

## Why it matters
Quotations are evidence, not copies: the project stores short quotes, never
the article. Long quotes also make footnotes unreadable.

## Example
A quote of a whole paragraph.

## Fix
Quote the words that carry the fact; mark omissions with `...`.
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import Code, Option, Problem, Severity
from build_tools.rules.context import Context
from build_tools.snapshots import word_count

MAX_WORDS = Option("max_words", 40, "The most words a quote may have, not counting the parts `...` leaves out.",
                   minimum=1)
CODE = Code("CIT005", "quote-too-long", Severity.ERROR, __doc__ or "", options=(MAX_WORDS,))


def check(ctx: Context) -> Iterator[Problem]:
    limit = ctx.option(MAX_WORDS)
    for fact in ctx.project.facts:
        if not ctx.in_focus(fact.at.path):
            continue
        for citation in fact.citations:
            words = word_count(citation.quote)
            if words > limit:
                yield Problem.of(CODE, citation.quote_at, f"quote has {words} words, over the limit of "
                                 f"{limit}; shorten it and mark omissions with '...'", f"fact:{fact.id}")

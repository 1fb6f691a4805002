"""Quote, or a piece of it, holds no word.

## What it checks
Each quote (and each `context:` quote) holds at least one word, and so does
every piece between its `...` marks: a letter or a digit, not only
punctuation or an ellipsis.

This is an evidence error: `lint: ignore` cannot accept it.

## Why it matters
A quote of `"…"`, `"—"` or `","` matches almost any article, so it proves
nothing; a piece of punctuation between two omissions lets a quote stitch
passages together on a comma.

## Example
```yaml
quote: "The minister said ... , ... reopen in May"
```

## Fix
Quote the words that carry the fact, and give every piece words of its own.
Use instead:

```yaml
quote: "The minister said ... reopen in May"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from build_tools.problems import EVIDENCE, Code, Problem, Severity
from build_tools.rules.context import Context, quoted_passages
from build_tools.snapshots import has_word, quote_pieces

CODE = Code("CIT008", "quote-without-words", Severity.ERROR, __doc__ or "", firm=EVIDENCE, about="fact")


def check(ctx: Context) -> Iterator[Problem]:
    for passage in quoted_passages(ctx):
        if passage.has_words:
            continue
        pieces = quote_pieces(passage.text)
        if not any(map(has_word, pieces)):
            message = (f"{passage.kind} \"{passage.text}\" holds no word; quote the words that carry the fact")
        else:
            empty = next(piece for piece in pieces if not has_word(piece))
            message = (f"piece \"{empty}\" of the {passage.kind} holds no word; every piece between '...' marks "
                       "must quote at least one word")
        yield Problem.of(CODE, passage.at, message, passage.fact.subject)

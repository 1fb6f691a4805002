"""Quote is not verbatim in the snapshot of its source.

## What it checks
Each piece of each quote (and of each `context:` quote) stands in the archived
snapshot of the cited source, in order, character for character (case
included) after folding only typographic quotes and apostrophes, dashes,
whitespace runs and canonically equivalent forms. Compatibility forms are not
folded: `10⁶` is not `106`. Each piece starts and ends on a token boundary: a
piece that begins or ends inside a word or a figure (`legal` in `illegal`,
`56` in `$956`, `204` in `1,204`) is not found. `...` or `…` marks omitted
words.

This is an evidence error: `lint: ignore` cannot accept it.

## Why it matters
The quote is the reader's proof. A paraphrase, a fixed typo, a word from
memory or a fragment of a longer word makes the citation claim something the
article does not say.

## Example
```yaml
- source: nypost-2021-04-26
  quote: "legal crossings along the border"
```

## Fix
Copy the words from the snapshot, warts included, starting and ending on whole
words and figures: `briefings quote SOURCE "words as you remember them"` prints
them, and `briefings lint --fix` corrects a quote that differs from one passage
only in quote marks, dashes, case or one word. The message shows the closest
passage and each difference, the word or figure a piece cuts, or the source
whose snapshot has the quote. Use instead:

```yaml
- source: nypost-2021-04-26
  quote: "illegal crossings along the border"
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from build_tools.problems import EVIDENCE, Code, Problem, Severity
from build_tools.rules.context import Context, quoted_passages
from build_tools.snapshots import explain_missing

CODE = Code("CIT003", "quote-not-in-snapshot", Severity.ERROR, __doc__ or "", firm=EVIDENCE, about="fact")
_ASCII_WORD = re.compile(r"[A-JL-Za-z0-9]+")


def ascii_probe(quote: str) -> tuple[str, ...]:
    """The quote's four longest runs of ASCII letters and digits: any snapshot whose compared form holds the
    quote holds each of them unchanged in its text, since the comparison's folds (NFC, quote marks, dashes,
    spaces) turn no other character into an ASCII letter or digit except the Kelvin sign into K (so K is
    left out)."""
    return tuple(sorted(set(_ASCII_WORD.findall(quote)), key=lambda word: (-len(word), word))[:4])


def check(ctx: Context) -> Iterator[Problem]:
    for passage in quoted_passages(ctx):
        placement = passage.placement
        if placement is None or placement.found or not passage.has_words or passage.sha256 is None:
            continue  # no snapshot (CIT002 says so), placed, or without words (CIT008 says so)
        snapshot = ctx.snapshots.get(passage.sha256)
        assert snapshot is not None
        elsewhere = _verbatim_in(ctx, passage.source, passage.sha256, passage.text)
        detail = f"; it is verbatim in the snapshot of '{elsewhere}': cite that source" if elsewhere else \
            explain_missing(snapshot, passage.text)
        yield Problem.of(CODE, passage.at, f"{passage.kind} not found in snapshot of '{passage.source}'{detail}",
                         passage.fact.subject)


def _verbatim_in(ctx: Context, cited: str, sha256: str, quote: str) -> str | None:
    """Another source of the project whose snapshot holds the quote as it is (the wrong source cited).

    Each snapshot is first searched for the quote's longest ASCII words as the file has them, searches at
    C speed: placing the quote in every snapshot of a large project would cost seconds for each wrong quote."""
    probe = ascii_probe(quote)
    for source in sorted(ctx.project.sources.values(), key=lambda s: s.id):
        if source.id == cited or source.snapshot.sha256 == sha256:
            continue
        snapshot = ctx.snapshots.get(source.snapshot.sha256) if probe else None
        if snapshot is not None and not all(word in snapshot.text for word in probe):
            continue
        placement = ctx.snapshots.place(source.snapshot.sha256, quote)
        if placement is not None and placement.found:
            return source.id
    return None

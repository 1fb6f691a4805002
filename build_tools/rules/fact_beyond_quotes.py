"""Fact says more than its quotes: a figure, a name or a date that no quote gives.

## What it checks
Each fact's `text` against its citations:

- **Figures**: every number in the text (in digits or words, with its scale, as
  money or a percentage) stands, as the same value, in one of its quotes:
  `$1.5 million` in the text is found as `1,500,000 dollars` in a quote, but
  not as `$1.5 billion` or `15 million`.
- **Names**: every capitalised name (people, organisations, places, outlets)
  stands in one of its quotes, in a `context:` quote, in the details of a cited
  source (outlet, original outlet, author, title), or, under another name
  listed in the option `aliases`, in one of its quotes. A title before a name
  (`President`), a month, a weekday and the common word that opens a sentence
  are not names; `U.S.` and `US` are one name.
- **Dates**: a year, month or day in the text agrees with the fact's `date` or
  `as_of` or with when a cited source was published (one lies within the
  other), or stands in a quote.
- **Context**: a citation's `context:` quote, which may name the speaker or the
  time for the checks above, stands in the paragraph of its quote or in the
  one before or after it (news writing names a speaker there: "…," he said).

## Why it matters
The quote is the proof of the sentence, so the sentence may not say more:
a figure from memory, a speaker the quote does not name, or a month the quote
does not give is an unsourced claim that looks sourced.

## Example
```yaml
- id: money-for-armed-forces
  text: Lopez Oliva said Guatemala asked for $95 million for its armed forces.
  citations:
    - source: dailysignal-2024-01-11
      quote: "We were asking for money to fund the border security issues with our armed forces."
```

## Fix
Say only what the quotes say, or quote the words that say the rest. A
`context:` quote names the speaker without being shown as the evidence; a
name the articles spell differently goes in `aliases`. Use instead:

```yaml
- id: money-for-armed-forces
  text: Lopez Oliva said Guatemala asked for money for its armed forces.
  citations:
    - source: dailysignal-2024-01-11
      quote: "We were asking for money to fund the border security issues with our armed forces."
      context: "Lopez Oliva said, adding"
```
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from build_tools import claims
from build_tools.model import Fact, Project
from build_tools.problems import Code, Option, Problem, Severity
from build_tools.rules.context import Context, Passage

ALIASES: Option[dict[str, tuple[str, ...]]] = Option(
    "aliases", {}, "Other names for a name as facts write it, found in quotes or source details instead: "
    'e.g. `Salvadoran = ["El Salvador"]`, `"White House" = ["the administration"]`.')
CODE = Code("FCT008", "fact-beyond-quotes", Severity.ERROR, __doc__ or "", options=(ALIASES,), about="fact")

_CANDIDATE = re.compile(r"\d|[^\W\d_a-z]")  # a digit, or a letter that may be a capital
_DIGIT = re.compile(r"\d")
# The words of a sentence, for quick looks: every ASCII punctuation mark is a separator.
_SEPARATORS = str.maketrans({char: " " for char in "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~“”‘’'"})
_NUMBER_WORDS = frozenset(form for word in claims._WORDS for form in (word, word.capitalize(), word.upper()))


def check(ctx: Context) -> Iterator[Problem]:
    aliases = ctx.option(ALIASES)
    group: list[Passage] = []
    for passage in (*ctx.passages, None):  # the passages of one fact stand together
        if group and (passage is None or passage.fact is not group[0].fact):
            yield from _check_group(ctx, group, aliases)
            group = []
        if passage is not None:
            group.append(passage)


def _check_group(ctx: Context, passages: list[Passage], aliases: Mapping[str, tuple[str, ...]]) -> Iterator[Problem]:
    fact = passages[0].fact
    text = fact.text
    if text[:4].upper() == "TODO":
        return  # a placeholder (FCT005 says so), not a sentence yet
    tokens = text.translate(_SEPARATORS).split()
    if _CANDIDATE.search(text, 1) or not _NUMBER_WORDS.isdisjoint(tokens) or any(p.is_context for p in passages):
        yield from _check_fact(ctx, fact, passages, aliases, tokens)


def _check_fact(ctx: Context, fact: Fact, passages: list[Passage], aliases: Mapping[str, tuple[str, ...]],
                tokens: list[str]) -> Iterator[Problem]:
    astray = [p for p in passages if p.is_context and not _beside_its_quote(ctx, p, passages)]
    quotes = [p.text for p in passages if p not in astray] if astray else [p.text for p in passages]
    subject = fact.subject
    where = fact.where("text")
    digits = _DIGIT.search(fact.text) is not None
    words = not _NUMBER_WORDS.isdisjoint(tokens)
    missing_figures = _missing_figures(fact.text, quotes) if digits or words else []
    if missing_figures:
        yield Problem.of(CODE, where, f"fact says {_listed(missing_figures)}, which none of its quotes gives as the "
                         "same value; quote the words that give it, or correct the fact", subject)
    missing_names = _missing_names(fact.text, quotes, lambda: _details(ctx.project, {p.source for p in passages}),
                                   aliases)
    if missing_names:
        yield Problem.of(CODE, where, f"fact names {_listed(missing_names)}, not named in its quotes or in the "
                         "cited source's details; quote the words that name it (a 'context:' quote can name a "
                         "speaker), or add a known other name to [lint.fact-beyond-quotes] aliases", subject)
    missing_dates = _missing_dates(fact, [(p.text, _published(ctx.project, p.source)) for p in passages],
                                   _publications(ctx.project, {p.source for p in passages})) \
        if digits or not claims.MONTHS.keys().isdisjoint(tokens) else []
    if missing_dates:
        dated = " or ".join(f"{field} {value}" for field, value in (("date", fact.date), ("as_of", fact.as_of))
                            if value is not None) or "no date"
        yield Problem.of(CODE, where, f"fact says {_listed(missing_dates)}, but it has {dated} and no quote gives "
                         "that; correct the date, or quote the words that give it", subject)
    for passage in astray:  # not read: it may name a speaker only beside the quote
        yield Problem.of(CODE, passage.at, f"context quote \"{passage.text}\" does not stand in or next to the "
                         "paragraph of its quote; pick words there that say who is speaking or when", subject)


def _listed(items: list[str]) -> str:
    shown = [f'"{item}"' for item in dict.fromkeys(items)]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _details(project: Project, source_ids: Iterable[str]) -> list[str]:
    details = []
    for source_id in source_ids:
        source = project.sources.get(source_id)
        if source is not None:
            details += [text for text in (source.outlet, source.original_outlet, source.author, source.title) if text]
    return details


def _missing_figures(text: str, quotes: list[str]) -> list[str]:
    stated = claims.figures(text)
    if not stated:
        return []
    given = [figure for quote in quotes for figure in claims.figures(quote)]
    return [figure.text for figure in stated if not any(_same(figure, other) for other in given)]


def _same(stated: claims.Figure, given: claims.Figure) -> bool:
    """The same value, in the same unit; a sentence may leave out a currency, never a percent sign."""
    return stated.value == given.value and (stated.unit == given.unit or (stated.unit == "" and given.unit != "%"))


def _missing_names(text: str, quotes: list[str], details: Callable[[], list[str]],
                   aliases: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The names of `text` found in no quote and no source detail, nor, through an alias, in a quote. A
    word that opens a sentence and stands in a quote in lower case is a common word, not a name."""
    missing = [name for name, opens in claims.name_mentions(text) if not claims.appears(name, quotes)
               and not (opens and claims.appears(name.lower(), quotes))]
    if missing:
        known = details()
        missing = [name for name in missing if not claims.appears(name, known)]
    for name, others in aliases.items() if missing else ():  # a known other name, in a quote, covers the name
        if claims.contains_phrase([text], name) and any(claims.contains_phrase(quotes, o) for o in others):
            covered = set(claims.names(name)) | set(name.split())
            missing = [word for word in missing if word not in covered]
    return missing


def _published(project: Project, source_id: str) -> dt.date | None:
    source = project.sources.get(source_id)
    return source.published.latest if source is not None and source.published is not None else None


def _publications(project: Project, source_ids: Iterable[str]) -> list[Period]:
    """When the cited sources were published: a fact may say when its source reported it."""
    return [source.published.bounds() for source in map(project.sources.get, source_ids)
            if source is not None and source.published is not None]


def _missing_dates(fact: Fact, quotes: list[tuple[str, dt.date | None]], published: list[Period]) -> list[str]:
    mentioned = claims.dates(fact.text)
    if not mentioned:
        return []
    periods: list[Period] = [value.bounds() for value in (fact.date, fact.as_of) if value is not None]
    periods += published
    given = [claims.dated(mention, published) for quote, published in quotes for mention in claims.dates(quote)]
    years = {m.year for m in given if m.year} | {day.year for period in periods for day in period if day}
    months = {m.month for m in given if m.month}
    days = {(m.month, m.day) for m in given if m.month and m.day}
    missing = []
    for mention in mentioned:
        span = mention.period()
        if span is not None and any(_nested(span, period) for period in periods):
            continue
        if (mention.year is None or mention.year in years) and (mention.month is None or mention.month in months
                                                                or _within_months(mention, periods)) \
                and (mention.day is None or (mention.month, mention.day) in days):
            continue
        missing.append(mention.text)
    return missing


Period = tuple[dt.date | None, dt.date | None]


def _nested(span: tuple[dt.date, dt.date], period: Period) -> bool:
    """Whether one of two periods of days lies within the other (an open end reaches anything)."""
    first, last = span
    start, end = period
    inside = (start is None or start <= first) and (end is None or last <= end)
    around = start is not None and end is not None and first <= start and end <= last
    return inside or around


def _within_months(mention: claims.DateMention, periods: list[Period]) -> bool:
    """A month without a year that the fact's date or as_of covers."""
    return any(start is not None and end is not None and mention.month in _months(start, end)
               for start, end in periods)


def _months(start: dt.date, end: dt.date) -> set[int]:
    months: set[int] = set()
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) and len(months) < 12:
        months.add(month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _beside_its_quote(ctx: Context, context: Passage, passages: list[Passage]) -> bool:
    """Whether a context quote stands (in one of its places) in the paragraph of its citation's quote or
    in the paragraph before or after it, where news writing names a speaker ("…," he said)."""
    quote = next((p for p in passages if p.citation is context.citation and not p.is_context), None)
    if context.placement is None or not context.placement.found or quote is None or quote.placement is None \
            or not quote.placement.found or context.sha256 is None:
        return True  # not placed: CIT003 says so
    text = ctx.snapshots.text(context.sha256)
    paragraphs = {_paragraph(text, start) for start, _ in quote.placement.spans}
    places = (context.placement.spans[0], *context.placement.others)
    return any(abs(_paragraph(text, start) - other) <= 1 for start, _ in places for other in paragraphs)


def _paragraph(text: str, offset: int) -> int:
    """The number of the paragraph that `offset` stands in: a snapshot holds one paragraph per line,
    and blank lines are not paragraphs."""
    return sum(1 for line in text[:offset].split("\n")[:-1] if line.strip())

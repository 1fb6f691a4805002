"""What a fact says, version by version, and which differences between two versions matter.

A fact's *substance* is what a reader relies on: the figures, names, dates and negations in its
text, its date and as-of date, its citations' quotes, and its status. Changing any of these after
publication is a correction, which readers must be told about; rewording that keeps them all
(a typo, a comma, a clearer verb) is not. The ledger classifies every change with `differences`,
and the corrections rule reads the ledger: the comparison is written once, here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import NamedTuple

from build_tools.model import Fact, Source
from build_tools.snapshots import normalize

# Kinds of change in a fact's life.
ADDED, REMOVED, RESTORED, RENAMED, MOVED = "added", "removed", "restored", "renamed", "moved"
EDITED, REWORDED, REDATED, AS_OF = "edited", "reworded", "redated", "as-of"
CITED, UNCITED, QUOTE, STATUS, CORRECTED = "citation-added", "citation-removed", "quote-changed", "status", "corrected"
SOURCE = "source-changed"
# The order in which one commit's changes to a fact are told.
KIND_ORDER = (ADDED, RESTORED, RENAMED, MOVED, EDITED, REWORDED, REDATED, AS_OF, QUOTE, CITED, UNCITED, STATUS,
              CORRECTED, REMOVED)


class FactState(NamedTuple):
    """One version of a fact, as plain strings: what the ledger stores and compares."""

    id: str
    briefing: str
    text: str
    date: str  # ISO; "" when none
    as_of: str
    quotes: tuple[tuple[str, str], ...]  # (source id, quote) of each citation, in order
    status: str  # current, superseded or disputed
    corrections: tuple[str, ...]  # the date of each `corrections:` entry, in order
    replaces: str  # "" when none

    @classmethod
    def of(cls, fact: Fact) -> FactState:
        return cls(fact.id, fact.briefing, fact.text, str(fact.date) if fact.date else "",
                   str(fact.as_of) if fact.as_of else "", tuple((c.source, c.quote) for c in fact.citations),
                   fact.status.value if fact.status else "current", tuple(str(c.date) for c in fact.corrections),
                   fact.replaces or "")

    def correction_keys(self) -> tuple[tuple[str, int], ...]:
        """Each correction entry named by its date and its rank among entries of that date: a name
        that survives rewording the entry and adding later ones."""
        return correction_keys(self.corrections)


def correction_keys(dates: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    if not dates:
        return ()
    seen: Counter[str] = Counter()
    keys = []
    for date in dates:
        keys.append((date, seen[date]))
        seen[date] += 1
    return tuple(keys)


class SourceState(NamedTuple):
    id: str
    title: str
    outlet: str
    published: str
    url: str
    sha256: str

    @classmethod
    def of(cls, source: Source) -> SourceState:
        return cls(source.id, source.title or "", source.outlet or "", str(source.published or ""),
                   source.url or "", source.snapshot.sha256)


class Difference(NamedTuple):
    kind: str
    before: str
    after: str
    detail: str  # what changed, in a few words, for messages and pages
    substantive: bool  # a change of substance, which needs a correction entry
    source: str = ""  # for a citation: the source's id


# --- the substance of a text --------------------------------------------------------------

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN = re.compile(r"\d[\d,.]*\d|\d|%|[^\W\d_][\w'’-]*")
_NUMBER_WORDS = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion trillion dozen dozens hundreds thousands millions billions half quarter once twice "
    "percent first second third fourth fifth last")
_NEGATIONS = _words("not no never none neither nor nobody nothing cannot")
# Words that are capitalised only because they start a sentence: not names.
_SENTENCE_WORDS = _words(
    "a an the in on at as by for from to of with without after before during since until while when where "
    "according also and but or if then though although because both each every some all most many few "
    "he she it they we i his her its their our this that these those there here what which who whom whose "
    "how why later earlier asked told said says")


def text_substance(text: str) -> tuple[str, ...]:
    """The figures, names, dates and negations in a text, as a sorted multiset: rewording that
    keeps them all leaves this unchanged."""
    found = []
    for token in _TOKEN.findall(unicodedata.normalize("NFC", text)):
        if token[0].isdigit():
            found.append(token.replace(",", ""))
            continue
        if token == "%":
            found.append("percent")
            continue
        word = re.sub(r"['’]s$", "", token)
        lower = word.casefold()
        if lower.endswith(("n't", "n’t")) or lower in _NEGATIONS:
            found.append("not")
        elif lower in _NUMBER_WORDS:
            found.append(lower)
        elif word[0].isupper() and lower not in _SENTENCE_WORDS:
            found.append(word)
    return tuple(sorted(found))


def _changed_tokens(old: tuple[str, ...], new: tuple[str, ...]) -> str:
    gone = sorted((Counter(old) - Counter(new)).elements())
    came = sorted((Counter(new) - Counter(old)).elements())
    return f"{', '.join(gone) or 'nothing'} → {', '.join(came) or 'nothing'}"


# --- differences between two versions -----------------------------------------------------

def differences(old: FactState, new: FactState) -> list[Difference]:
    """Every difference between two versions of a fact, each classified."""
    found: list[Difference] = []
    if old.text != new.text:
        before, after = text_substance(old.text), text_substance(new.text)
        if before != after:
            found.append(Difference(REWORDED, old.text, new.text, f"text ({_changed_tokens(before, after)})", True))
        else:
            found.append(Difference(EDITED, old.text, new.text, "wording (no change of figures, names or dates)",
                                    False))
    if old.date != new.date:
        found.append(Difference(REDATED, old.date, new.date, f"date ({old.date or 'none'} → {new.date or 'none'})",
                                True))
    if old.as_of != new.as_of:
        found.append(Difference(AS_OF, old.as_of, new.as_of,
                                f"as-of date ({old.as_of or 'none'} → {new.as_of or 'none'})", True))
    found.extend(_citation_differences(old.quotes, new.quotes))
    if old.status != new.status:
        found.append(Difference(STATUS, old.status, new.status, f"status ({old.status} → {new.status})", True))
    if old.briefing != new.briefing:
        found.append(Difference(MOVED, old.briefing, new.briefing, f"briefing ({old.briefing} → {new.briefing})",
                                False))
    return found


def _citation_differences(old: tuple[tuple[str, str], ...], new: tuple[tuple[str, str], ...]) -> list[Difference]:
    before = {(source, normalize(quote)) for source, quote in old}
    after = {(source, normalize(quote)) for source, quote in new}
    gone, came = sorted(before - after), sorted(after - before)
    found = []
    for source, quote in gone:
        replacement = next((q for s, q in came if s == source), None)
        if replacement is not None:
            came.remove((source, replacement))
            found.append(Difference(QUOTE, quote, replacement, f"quote from '{source}'", True, source))
        else:
            found.append(Difference(UNCITED, quote, "", f"citation of '{source}' removed", True, source))
    found.extend(Difference(CITED, "", quote, f"citation of '{source}' added", False, source)
                 for source, quote in came)
    return found


_SOURCE_FIELDS = (("title", "title"), ("outlet", "outlet"), ("published", "publication date"), ("url", "URL"),
                  ("sha256", "archived copy"))


def source_differences(old: SourceState, new: SourceState) -> list[Difference]:
    return [Difference(SOURCE, getattr(old, name), getattr(new, name), label, False)
            for name, label in _SOURCE_FIELDS if getattr(old, name) != getattr(new, name)]

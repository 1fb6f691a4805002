"""Finding a snapshot's exact words from words as an editor remembers them, and the quote fixes that are certain.

`find_passages` (for `briefings quote`) compares the remembered words with every run of the snapshot's
words of about the same length, with rapidfuzz's similarity ratio on a folded form (case, quote marks,
dashes and punctuation set aside), so a typo, a changed word or a missing one still finds the passage.
Each passage it returns is the snapshot's own characters from a word's start to a word's end, and is
placed by the linter's own matcher (`snapshots.place`) before it is offered: what is printed passes.

`certain_fix` (for `briefings lint --fix`) returns the snapshot's words for a quote that is not in it only
when exactly one passage differs from the quote in nothing but quote marks, dashes, case and at most one
word or mark, and that passage stands once in the snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from build_tools.snapshots import normalize, place, quote_pieces

_TOKEN = re.compile(r"\w+|[^\w\s]")
_QUOTES_AND_DASHES = frozenset("\"'`´“”‘’‚‛„‟«»‹›′″-‐‑‒–—―−")
_OPENERS, _CLOSERS = "\"“‘«‹([{'", "\"”’»›)]}'"
_TRAILING = ",;:"
MAX_WORDS = 60  # the longest passage looked for (quotes are at most 40 words)
SHORTEST = 4  # the shortest passage offered for longer remembered words


@dataclass(frozen=True)
class Passage:
    """A run of the snapshot's words that the linter places, as a quote would cite it."""

    quote: str  # the snapshot's characters, whitespace runs as one space
    start: int  # offsets of the passage in the snapshot text
    end: int
    score: float  # similarity to the words searched for, 0 to 100
    occurrences: int  # how many places the passage stands in the snapshot
    words: int

    def line(self, text: str) -> int:
        """The snapshot file's line (1-based) where the passage starts."""
        return text.count("\n", 0, self.start) + 1

    def context(self, text: str, width: int = 40) -> str:
        """The passage with up to `width` characters either side, on one line."""
        before = text[max(0, self.start - width):self.start].split()
        after = text[self.end:self.end + width].split()
        if self.start > width and before:
            before = before[1:]  # a word cut by the window
        if self.end + width < len(text) and after:
            after = after[:-1]
        head = "…" if self.start > width else ""
        tail = "…" if self.end + width < len(text) else ""
        return f"{head}{' '.join(before)} [{self.quote}] {' '.join(after)}{tail}".strip()


@dataclass(frozen=True)
class _Words:
    """A text's words (runs holding a letter or digit) with their offsets and folded forms."""

    starts: list[int]
    ends: list[int]
    folded: list[str]
    paragraphs: list[int]  # the line (a snapshot holds one paragraph per line) each word is on


def _words(text: str) -> _Words:
    starts, ends, folded, paragraphs = [], [], [], []
    paragraph, last = 0, 0
    for match in re.finditer(r"\S+", text):
        key = _fold(match.group())
        if key:
            paragraph += text.count("\n", last, match.start())
            last = match.start()
            starts.append(match.start())
            ends.append(match.end())
            folded.append(key)
            paragraphs.append(paragraph)
    return _Words(starts, ends, folded, paragraphs)


def _fold(text: str) -> str:
    """Lower case letters and digits only: what is compared when looking for remembered words."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in normalize(text).casefold()).split())


def find_passages(text: str, remembered: str, limit: int = 3, cutoff: float = 60.0) -> list[Passage]:
    """The passages of `text` nearest to `remembered`, best first, at most `limit`, none scoring below
    `cutoff`, none overlapping another."""
    query = _fold(remembered)
    if not query:
        return []
    words = _words(text)
    size = len(query.split())
    candidates: list[tuple[float, int, int]] = []  # (score, first word, word count)
    shortest = max(min(SHORTEST, size), size - 3)  # a quote under 4 words draws a warning (CIT009)
    for length in range(shortest, min(size + 3, MAX_WORDS) + 1):
        windows = [" ".join(words.folded[i:i + length]) for i in range(len(words.folded) - length + 1)]
        for _, score, first in process.extract(query, windows, scorer=fuzz.ratio, limit=limit * 20,
                                               score_cutoff=cutoff):
            candidates.append((score, first, length))
    candidates.sort(key=lambda c: (-c[0], abs(c[2] - size), c[1]))
    remembered_words = query.split()
    chosen: list[Passage] = []
    taken: list[range] = []
    for score, first, length in candidates:
        if words.paragraphs[first] != words.paragraphs[first + length - 1]:
            continue  # a quote from two paragraphs (a headline and the text, say) is two quotes
        first, length = _trim(words.folded, first, length, remembered_words)
        score = fuzz.ratio(query, " ".join(words.folded[first:first + length]))
        span = range(first, first + length)
        if any(span.start < other.stop and other.start < span.stop for other in taken):
            continue
        passage = _passage(text, words, first, length, score)
        if passage is None or any(p.quote == passage.quote for p in chosen):
            continue
        taken.append(span)
        chosen.append(passage)
        if len(chosen) == limit:
            break
    return chosen


def _trim(folded: list[str], first: int, length: int, remembered: list[str]) -> tuple[int, int]:
    """The window without the words at either end that are not among the remembered ones (a typo still
    counts as remembered), keeping at least `SHORTEST` words: the passage starts and ends where the words
    the editor gave do."""
    def remembered_word(word: str) -> bool:  # a short word exactly, a longer one with a typo
        if len(word) <= 3:
            return word in remembered
        return process.extractOne(word, remembered, scorer=fuzz.ratio, score_cutoff=80) is not None

    minimum = min(SHORTEST, length)
    while length > minimum and not remembered_word(folded[first]):
        first, length = first + 1, length - 1
    while length > minimum and not remembered_word(folded[first + length - 1]):
        length -= 1
    return first, length


def _passage(text: str, words: _Words, first: int, length: int, score: float) -> Passage | None:
    """The window's characters, trimmed of dangling punctuation, if the linter places them."""
    start, end = words.starts[first], words.ends[first + length - 1]
    for begin, finish in (_trimmed(text, start, end), (start, end)):
        quote = " ".join(text[begin:finish].split())
        placement = place(text, quote)
        if placement.found:
            return Passage(quote, begin, finish, round(score, 1), placement.occurrences, length)
    return None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Without a trailing comma, semicolon or colon, nor a quote mark or bracket that is not matched
    inside the passage."""
    while end > start and text[end - 1] in _TRAILING + _CLOSERS:
        inner = text[start:end - 1]
        char = text[end - 1]
        if char in _CLOSERS and _opened(inner, char):
            break
        end -= 1
    while start < end and text[start] in _OPENERS and not _closed(text[start + 1:end], text[start]):
        start += 1
    return start, end


def _opened(inner: str, closer: str) -> bool:
    opener = _OPENERS[_CLOSERS.index(closer)]
    return inner.count(opener) > (inner.count(closer) if opener != closer else 0) or \
        (opener == closer and inner.count(closer) % 2 == 1)


def _closed(inner: str, opener: str) -> bool:
    closer = _CLOSERS[_OPENERS.index(opener)]
    return closer in inner


# --- certain fixes ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Tokens:
    starts: list[int]
    ends: list[int]
    keys: list[str]


def _tokens(text: str) -> _Tokens:
    """Words and marks, quote marks and dashes left out, case folded: what a certain fix may ignore."""
    starts, ends, keys = [], [], []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in _QUOTES_AND_DASHES:
            continue
        starts.append(match.start())
        ends.append(match.end())
        keys.append(normalize(token).casefold())
    return _Tokens(starts, ends, keys)


def certain_fix(text: str, quote: str) -> str | None:
    """The snapshot's words for a one-piece `quote` that is not in `text`, when they are certain: exactly
    one passage differs from it only in quote marks, dashes, case and at most one word or mark (ties
    broken by the passage whose first and last words are the quote's), and it stands once. Else None."""
    pieces = quote_pieces(quote)
    if len(pieces) != 1 or place(text, quote).found:
        return None
    wanted = _tokens(pieces[0]).keys
    if len(wanted) < 2:
        return None
    tokens = _tokens(text)
    best: list[tuple[int, int]] = []
    best_rank: tuple[int, int] | None = None
    for first, length, distance in _near(tokens.keys, wanted):
        window = tokens.keys[first:first + length]
        anchored = window[0] == wanted[0] and window[-1] == wanted[-1]
        rank = (distance, 0 if anchored else 1)
        if best_rank is None or rank < best_rank:
            best, best_rank = [(first, length)], rank
        elif rank == best_rank:
            best.append((first, length))
    if len(best) != 1:
        return None  # nothing near enough, or more than one passage: not certain
    first, length = best[0]
    start, end = _with_marks(text, tokens.starts[first], tokens.ends[first + length - 1])
    fixed = " ".join(text[start:end].split())
    placement = place(text, fixed)
    return fixed if placement.found and placement.occurrences == 1 and fixed != quote else None


def _with_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened by the quote mark just before or after it when the span holds its partner alone
    (`We are pleased,” he said` becomes `“We are pleased,” he said`)."""
    if start > 0 and text[start - 1] in _OPENERS and text[start - 1] not in "([{":
        closer = _CLOSERS[_OPENERS.index(text[start - 1])]
        inner = text[start:end]
        if closer != text[start - 1] and inner.count(closer) > inner.count(text[start - 1]):
            start -= 1
    if end < len(text) and text[end] in _CLOSERS and text[end] not in ")]}":
        opener = _OPENERS[_CLOSERS.index(text[end])]
        inner = text[start:end]
        if opener != text[end] and inner.count(opener) > inner.count(text[end]):
            end += 1
    return start, end


def _near(keys: Sequence[str], wanted: Sequence[str]) -> Iterator[tuple[int, int, int]]:
    """(first token, token count, distance) of every window within one edit of `wanted`."""
    size = len(wanted)
    for length in (size - 1, size, size + 1):
        if length < 1:
            continue
        for first in range(len(keys) - length + 1):
            window = keys[first:first + length]
            if window[0] != wanted[0] and window[-1] != wanted[-1]:
                continue  # one edit leaves at least one end as it is
            distance = Levenshtein.distance(window, wanted, score_cutoff=1)
            if distance <= 1:
                yield first, length, distance

"""The snapshot store, text normalisation, and placing a quote in a snapshot.

Snapshots are found by the SHA-256 of their bytes: file names do not matter.

What "verbatim" means (docs/method.md says the same to readers):

- A quote matches the snapshot character for character, case included, after folding only:
  typographic quotes and apostrophes to ASCII ' and "; dashes and the minus sign to "-"; any
  run of whitespace (line breaks, no-break and other Unicode spaces) to one space; and
  canonically equivalent forms (NFC: "é" as one character or as "e" plus an accent) to one.
  Compatibility forms are *not* folded: "10⁶" is not "106", "ﬁ" is not "fi", "１" is not "1".
- "..." or "…" in a quote marks omitted words and splits it into pieces, which must stand
  in the snapshot in that order. Every piece must hold at least one word (a letter or digit).
- Every piece starts and ends on a token boundary: no letter or digit of the snapshot
  directly before its first or after its last character, and a figure is one token
  (`1,204`, `3.2`, `$956`, `20%`), so "legal" is not found in "illegal" nor "56" in "$956".
- What readers see is the snapshot's own characters for each piece, never the editor's
  typing and never the words an ellipsis skipped.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import os
import re
import time
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, NamedTuple

from build_tools.cache_files import read_json, write_json

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
})
ELLIPSIS = "..."
_OMISSION = re.compile(r"\.\.\.|…")
_ALNUM = re.compile(r"[^\W_]")
# An ASCII chunk of punctuation only ("-", "--", "&"), which is not a word; found after a space.
_ASCII_NON_WORD = re.compile(r" [!-/:-@\[-`{-~]+(?= |$)")
_WORD = re.compile(r"\S*?[^\W_]\S*")


def _fold(text: str) -> str:
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.translate(_FOLD)


def normalize(text: str) -> str:
    """The form quotes are compared in: the documented folds, whitespace runs as one space."""
    if text.isascii():  # the folds leave ASCII unchanged
        return " ".join(text.split())
    return " ".join(_fold(text).split())


def quote_pieces(quote: str) -> tuple[str, ...]:
    """A normalised quote split at omission marks ("..." or "…") into the pieces that must appear
    in order. Empty pieces (a leading or trailing mark, two marks in a row) are dropped."""
    if quote.isascii() and ELLIPSIS not in quote:
        piece = " ".join(quote.split())
        return (piece,) if piece else ()
    return tuple(p for p in (" ".join(part.split()) for part in _OMISSION.split(_fold(quote))) if p)


def has_word(text: str) -> bool:
    """Whether `text` holds a letter or a digit."""
    return _ALNUM.search(text) is not None


def piece_words(piece: str) -> int:
    """Words in a normalised piece: chunks between spaces that hold a letter or digit."""
    if piece.isascii() and _ASCII_NON_WORD.search(" " + piece) is None:
        return piece.count(" ") + 1  # every chunk holds a letter or digit (pieces are not empty)
    return len(_WORD.findall(piece))


def word_count(quote: str) -> int:
    """The words a reader is shown: those of every piece, none of what an ellipsis skips."""
    return sum(piece_words(piece) for piece in quote_pieces(quote))


def _plain(quote: str) -> bool:
    """ASCII without an omission mark: one piece, whose only whitespace is space, tab and newline."""
    return quote.isascii() and "..." not in quote


def _chunks_at_most(quote: str) -> int:
    """At least as many as the runs of non-space characters of a plain quote (one per space, plus one)."""
    if "\n" in quote or "\t" in quote:
        return quote.count(" ") + quote.count("\n") + quote.count("\t") + 1
    return quote.count(" ") + 1


def quote_has_words(quote: str) -> bool:
    """Whether the quote and every piece of it hold a word (a letter or a digit)."""
    if _plain(quote):
        return _ALNUM.search(quote) is not None
    pieces = quote_pieces(quote)
    return bool(pieces) and all(map(has_word, pieces))


def words_over(quote: str, limit: int) -> int | None:
    """The quote's word count when it is over `limit`, else None (most quotes: a count of spaces)."""
    if _plain(quote) and _chunks_at_most(quote) <= limit:
        return None
    words = word_count(quote)
    return words if words > limit else None


_ASCII_PUNCTUATION = "".join(map(chr, [*range(33, 48), *range(58, 65), *range(91, 97), *range(123, 127)]))


def words_under(quote: str, minimum: int) -> int | None:
    """The quote's word count when it is under `minimum`, else None."""
    if _plain(quote):
        chunks = quote.split(None, minimum)
        if len(chunks) >= minimum and all(chunk.strip(_ASCII_PUNCTUATION) for chunk in chunks[:minimum]):
            return None  # its first runs of characters are words, and there are enough of them
    words = word_count(quote)
    return words if words < minimum else None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or (not char.isascii() and unicodedata.category(char)[0] == "M")


def cuts_token(text: str, index: int) -> bool:
    """Whether the boundary before `text[index]` falls inside a token: a word, or a figure such as
    `1,204`, `3.2`, `$956` or `20%`."""
    if index <= 0 or index >= len(text):
        return False
    before, after = text[index - 1], text[index]
    if before.isalnum() or (not before.isascii() and _is_word_char(before)):
        if after.isalnum() or (not after.isascii() and _is_word_char(after)):
            return True
        return before.isdigit() and (after == "%" or (after in ",." and text[index + 1:index + 2].isdigit()))
    if not after.isdigit() or before.isspace():
        return False
    if before in ",.":  # 1,|204 or 3.|2
        return index >= 2 and text[index - 2].isdigit()
    return unicodedata.category(before) == "Sc"  # a currency sign: $|956


def token_at(text: str, index: int) -> str:
    """The whole token that the boundary before `text[index]` falls inside (for messages)."""
    start, end = index - 1, index + 1
    while start > 0 and cuts_token(text, start):
        start -= 1
    while end < len(text) and cuts_token(text, end):
        end += 1
    return text[start:end]


def _widen(text: str, start: int, end: int) -> str:
    """The span `start:end` widened to whole tokens either side."""
    while start > 0 and cuts_token(text, start):
        start -= 1
    while end < len(text) and cuts_token(text, end):
        end += 1
    return text[start:end]


class OffsetMap:
    """A text's normalised form, and where each normalised character came from in the text.

    Kept per run of non-space characters rather than per character: an ASCII run maps
    one to one, so only runs with other characters (folded, or composed by NFC) keep a table
    of the original start and end of each normalised character.
    """

    normalized: str
    run_starts: list[int]  # normalised offset where each run starts
    run_origins: list[int]  # original offset of that run
    tables: dict[int, tuple[list[int], list[int]]]  # run number → original start and end of each char

    def __init__(self, text: str) -> None:
        if text.isascii():  # the common case: runs map one to one, found by C-level splitting
            runs = text.split()
            self.normalized = " ".join(runs)
            self.run_origins = [match.start() for match in _RUN.finditer(text)]
            self.run_starts = list(itertools.accumulate((len(run) + 1 for run in runs[:-1]), initial=0)) \
                if runs else []
            self.tables = {}
            return
        chars: list[str] = []
        self.run_starts, self.run_origins, self.tables = [], [], {}
        length = 0
        for match in _RUN.finditer(text):
            start, run = match.start(), match.group()
            if chars:
                chars.append(" ")
                length += 1
            if not run.isascii():
                run, table = _fold_run(run, start)
                self.tables[len(self.run_starts)] = table
            self.run_starts.append(length)
            self.run_origins.append(start)
            chars.append(run)
            length += len(run)
        self.normalized = "".join(chars)

    def _locate(self, index: int) -> tuple[int, int]:
        run = max(0, bisect.bisect_right(self.run_starts, index) - 1)
        return run, index - self.run_starts[run]

    def start(self, index: int) -> int:
        """The original offset where normalised character `index` begins."""
        run, within = self._locate(index)
        table = self.tables.get(run)
        return table[0][within] if table is not None else self.run_origins[run] + within

    def end(self, index: int) -> int:
        """The original offset just after normalised character `index`."""
        run, within = self._locate(index)
        table = self.tables.get(run)
        return table[1][within] if table is not None else self.run_origins[run] + within + 1

    def splits_character(self, index: int) -> bool:
        """Whether normalised offset `index` falls inside what one original character became."""
        if index <= 0 or index >= len(self.normalized) or self.normalized[index] == " " \
                or self.normalized[index - 1] == " ":
            return False
        return self.start(index) == self.start(index - 1)


_RUN = re.compile(r"\S+")


def _fold_run(run: str, start: int) -> tuple[str, tuple[list[int], list[int]]]:
    """A run folded cluster by cluster (a character and the combining marks after it)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    cluster = 0
    for index in range(1, len(run) + 1):
        if index < len(run) and unicodedata.combining(run[index]):
            continue
        folded = unicodedata.normalize("NFC", run[cluster:index]).translate(_FOLD)
        for char in folded:
            if not char.isspace():
                out.append(char)
                starts.append(start + cluster)
                ends.append(start + index)
        cluster = index
    return "".join(out), (starts, ends)


Span = tuple[int, int]


class Placement(NamedTuple):
    """Where a quote stands in a snapshot's original text, as the checks and the exports need it."""

    spans: tuple[Span, ...]  # each piece's span in the original text, in order; () when not placed
    others: tuple[Span, ...] = ()  # every other aligned occurrence of the first piece

    @property
    def found(self) -> bool:
        return bool(self.spans)

    @property
    def occurrences(self) -> int:
        """How many places the first piece stands (0 when the quote is not placed)."""
        return 1 + len(self.others) if self.spans else 0


NOT_FOUND = Placement(())


def _aligned_find(mapped: OffsetMap, piece: str, start: int) -> int:
    """The first place at or after `start` where `piece` stands on token boundaries, or -1."""
    text = mapped.normalized
    found = text.find(piece, start)
    while found >= 0:
        end = found + len(piece)
        if not (cuts_token(text, found) or cuts_token(text, end) or mapped.splits_character(found)
                or mapped.splits_character(end)):
            return found
        found = text.find(piece, found + 1)
    return -1


def find_pieces(mapped: OffsetMap, quote: str) -> list[Span] | None:
    """Normalised spans of the quote's pieces, each on token boundaries and after the one before."""
    pieces = quote_pieces(quote)
    if not pieces:
        return None
    spans: list[Span] = []
    start = 0
    for piece in pieces:
        found = _aligned_find(mapped, piece, start)
        if found < 0:
            return None
        spans.append((found, found + len(piece)))
        start = found + len(piece)
    return spans


def place(text: str, quote: str, mapped: OffsetMap | None = None) -> Placement:
    """The quote's placement in the snapshot `text` (pass `mapped`, its `OffsetMap`, to reuse it)."""
    mapped = mapped or OffsetMap(text)
    spans = find_pieces(mapped, quote)
    if spans is None:
        return NOT_FOUND
    first = quote_pieces(quote)[0]
    others = []
    found = _aligned_find(mapped, first, 0)
    while found >= 0:
        if found != spans[0][0]:
            others.append(_original(mapped, found, found + len(first)))
        found = _aligned_find(mapped, first, found + 1)
    return Placement(tuple(_original(mapped, a, b) for a, b in spans), tuple(others))


def _original(mapped: OffsetMap, start: int, end: int) -> Span:
    return mapped.start(start), mapped.end(end - 1)


def confirm(text: str, quote: str, placement: Placement) -> bool:
    """Whether a placement read from a cache holds for this snapshot text: each span is its piece of
    the quote, on token boundaries, in order, and each other occurrence is the first piece too."""
    pieces = quote_pieces(quote)
    spans = placement.spans
    if len(spans) != len(pieces):
        return False
    previous = 0
    for index, piece in enumerate(pieces):
        start, end = spans[index]
        if not (previous <= start < end <= len(text) and _holds(text, start, end, piece)):
            return False
        previous = end
    first = pieces[0]
    return all(0 <= start < end <= len(text) and _holds(text, start, end, first) for start, end in placement.others)


def _holds(text: str, start: int, end: int, piece: str) -> bool:
    """Whether `text[start:end]` is `piece` (after the folds) and stands on token boundaries."""
    if not text.startswith(piece, start) or end - start != len(piece):
        shown = text[start:end]
        if normalize(shown) != piece or shown[0].isspace() or shown[-1].isspace():
            return False
    return not (cuts_token(text, start) or cuts_token(text, end))


def shown_pieces(text: str, placement: Placement) -> tuple[str, ...]:
    """The snapshot's own characters for each piece (whitespace runs as one space)."""
    return tuple(" ".join(text[start:end].split()) for start, end in placement.spans)


@dataclass(frozen=True)
class Gap:
    """What an ellipsis skips between two pieces."""

    words: int
    line_breaks: int  # a snapshot holds one paragraph per line: each break is a paragraph crossed


def gaps(text: str, placement: Placement) -> list[Gap]:
    return [Gap(len(_WORD.findall(text, a[1], b[0])), text.count("\n", a[1], b[0]))
            for a, b in itertools.pairwise(placement.spans)]


CONTEXT = 32  # characters of prefix and suffix kept around each piece


@dataclass(frozen=True)
class Anchor:
    """Where one piece of a quote stands in the snapshot's original text: offsets and a W3C
    TextQuoteSelector (its exact characters, and up to CONTEXT characters either side)."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str

    @classmethod
    def at(cls, text: str, begin: int, end: int) -> Anchor:
        return cls(begin, end, text[begin:end], text[max(0, begin - CONTEXT):begin], text[end:end + CONTEXT])


def anchors_of(text: str, placement: Placement) -> tuple[Anchor, ...]:
    """One anchor per piece. Context is kept only outside the quote: a piece's prefix or suffix that
    faces an omission is empty, so no selector carries a word the quote skipped."""
    spans = placement.spans
    anchors = []
    for number, (start, end) in enumerate(spans):
        anchor = Anchor.at(text, start, end)
        prefix = anchor.prefix if number == 0 else ""
        suffix = anchor.suffix if number == len(spans) - 1 else ""
        anchors.append(Anchor(start, end, anchor.exact, prefix, suffix))
    return tuple(anchors)


def anchor_quote(text: str, quote: str) -> tuple[Anchor, ...]:
    """One anchor per piece of `quote` in the original `text`; () when the quote is not in it."""
    return anchors_of(text, place(text, quote))


@dataclass(frozen=True)
class Snapshot:
    sha256: str
    path: Path
    text: str

    @functools.cached_property
    def normalized(self) -> str:
        return normalize(self.text)

    @functools.cached_property
    def mapped(self) -> OffsetMap:
        """The text's offset map, made once however many quotes are explained against it."""
        return OffsetMap(self.text)

    @functools.cached_property
    def words(self) -> Words:
        """The normalised text's words, indexed once (for closest passages; built on first use)."""
        return Words(self.mapped.normalized)

    def locate(self, quote: str) -> tuple[Span, ...] | None:
        """The spans of the quote's pieces in this text, by the same rules as a lint, or None."""
        return place(self.text, quote, self.mapped).spans or None


# --- why a quote is not placed -------------------------------------------------------------

@dataclass(frozen=True)
class Closest:
    """The passage of a snapshot nearest to a quote that is not in it."""

    passage: str
    differences: tuple[str, ...]


def explain_missing(snapshot: Snapshot, quote: str) -> str:
    """Why `quote` is not placed in `snapshot`, to follow "quote not found in snapshot of 'x'": the
    word or figure that its first unplaced piece cuts, or the closest passage and its differences."""
    mapped = snapshot.mapped
    start = 0
    previous = ""
    for piece in quote_pieces(quote):
        found = _aligned_find(mapped, piece, start)
        if found >= 0:
            start, previous = found + len(piece), piece
            continue
        if previous and _aligned_find(mapped, piece, 0) >= 0:
            return (f'; every piece stands in the snapshot, but "{_clip(piece)}" comes before "{_clip(previous)}", '
                    "not after it: put the pieces in the article's order, or cite them as two quotes")
        cut = _cut_detail(mapped.normalized, piece, start)
        if cut is not None:
            return cut
        closest = _closest(mapped.normalized, snapshot.words, piece)
        if closest is None:
            return "; no passage of it comes close"
        return f'; closest passage: "{closest.passage}" ({"; ".join(closest.differences)})'
    return ""


def _cut_detail(text: str, piece: str, start: int) -> str | None:
    """When the piece stands in the text only by cutting a token: which token, and where."""
    found = text.find(piece, start)
    if found < 0:
        return None
    end = found + len(piece)
    if not (cuts_token(text, found) or cuts_token(text, end)):
        return f'; "{_clip(piece)}" stands there only by splitting a character of the snapshot'
    if cuts_token(text, found):
        token, side = token_at(text, found), "starts"
        shown, snapshot = _clip(piece), _clip(_widen(text, found, end))
    else:
        token, side = token_at(text, end), "ends"
        shown, snapshot = _clip(piece, from_end=True), _clip(_widen(text, found, end), from_end=True)
    kind = "figure" if any(char.isdigit() for char in token) else "word"
    return (f'; "{shown}" {side} inside the {kind} "{token}" (the snapshot has "{snapshot}"); '
            "quote whole words and figures")


def _clip(text: str, from_end: bool = False, limit: int = 40) -> str:
    """At most `limit` characters of `text`, cut at a space, from its start (or its end)."""
    if len(text) <= limit:
        return text
    if from_end:
        return "…" + text[-limit:].split(" ", 1)[-1]
    return text[:limit].rsplit(" ", 1)[0] + "…"


_TOKEN = re.compile(r"\w+|[^\w\s]")
_TOKEN_SPLIT = re.compile(r"(\w+|[^\w\s])")  # the same tokens, kept by `split` between what separates them


class Words:
    """A normalised text as numbered words (`_TOKEN`s), where each stands, and where each word occurs.

    Built once per snapshot (one pass), so the closest passage of each quote that is not found costs
    the occurrences of its own words, never another pass over the whole text.
    """

    def __init__(self, text: str) -> None:
        numbers: dict[str, int] = {}
        parts = _TOKEN_SPLIT.split(text)  # separator, word, separator, word, ..., separator: C-level, no match objects
        offsets = array("l", itertools.accumulate(map(len, parts), initial=0))
        self.starts, self.ends = offsets[1:-1:2], offsets[2::2]
        self.codes = array("l", [numbers.setdefault(word, len(numbers)) for word in parts[1::2]])
        self.numbers = numbers
        occurrences: list[array[int]] = [array("l") for _ in numbers]
        for position, code in enumerate(self.codes):
            occurrences[code].append(position)
        self.occurrences = occurrences

    def __len__(self) -> int:
        return len(self.codes)

    def word(self, text: str, index: int) -> str:
        return text[self.starts[index]:self.ends[index]]

    def longest_match(self, quote: list[str]) -> tuple[int, int, int]:
        """(i, j, k): the longest run of words at i in the text equal to quote[j:j+k]; of equally long runs,
        the one earliest in the text, then in the quote, as `SequenceMatcher.find_longest_match` chooses.

        Exact, and fast: quote positions are visited rarest word first; every run through a visited
        position is found at once (extended both ways); the search stops when no run through only
        unvisited positions could be as long as the best found."""
        codes = [self.numbers.get(word, -1) for word in quote]
        best = (0, 0, 0)
        visited = [code < 0 for code in codes]  # a word the text lacks is in no run
        order = sorted((j for j, code in enumerate(codes) if code >= 0), key=lambda j: len(self.occurrences[codes[j]]))
        for j in order:
            if _longest_gap(visited) < best[2]:
                break
            visited[j] = True
            for i in self.occurrences[codes[j]]:
                run = self._run(codes, i, j)
                if _rank(run) < _rank(best):
                    best = run
        return best

    def _run(self, codes: list[int], i: int, j: int) -> tuple[int, int, int]:
        """The maximal run of equal words through text position i and quote position j."""
        text_codes = self.codes
        left = 0
        while i - left > 0 and j - left > 0 and text_codes[i - left - 1] == codes[j - left - 1]:
            left += 1
        right = 1
        while i + right < len(text_codes) and j + right < len(codes) and text_codes[i + right] == codes[j + right]:
            right += 1
        return (i - left, j - left, left + right)


def _rank(match: tuple[int, int, int]) -> tuple[int, int, int]:
    """Longest first, then earliest in the text, then in the quote (the least rank is the best match;
    no match at all, size 0, ranks after every real one)."""
    i, j, k = match
    return (-k, i, j) if k else (1, 0, 0)


def _longest_gap(visited: list[bool]) -> int:
    """The longest run of positions not yet visited: no unfound match can be longer."""
    longest = current = 0
    for seen in visited:
        current = 0 if seen else current + 1
        longest = max(longest, current)
    return longest




def closest_passage(snapshot: Snapshot, quote: str) -> Closest | None:
    """The first piece of `quote` that is not placed, aligned word by word with its nearest passage."""
    mapped = snapshot.mapped
    start = 0
    for piece in quote_pieces(quote):
        found = _aligned_find(mapped, piece, start)
        if found < 0:
            return _closest(mapped.normalized, snapshot.words, piece)
        start = found + len(piece)
    return None


def _closest(text: str, words: Words, piece: str) -> Closest | None:
    quote = _TOKEN.findall(piece)
    a, b, size = words.longest_match(quote)
    if size == 0:
        return None
    begin = max(0, a - b)
    end = min(len(words), a + len(quote) - b + 2)
    window = [words.word(text, index) for index in range(begin, end)]
    opcodes = SequenceMatcher(None, window, quote, autojunk=False).get_opcodes()
    while opcodes and opcodes[-1][0] == "delete":  # trailing words the quote does not reach
        opcodes.pop()
    while opcodes and opcodes[0][0] == "delete":
        opcodes.pop(0)
    if not opcodes:
        return None
    passage = text[words.starts[begin + opcodes[0][1]]:words.ends[begin + opcodes[-1][2] - 1]]
    differences = tuple(
        _describe(tag, _join(text, words, begin + i1, begin + i2), " ".join(quote[j1:j2]))
        for tag, i1, i2, j1, j2 in opcodes if tag != "equal")
    return Closest(passage, differences)


def _join(text: str, words: Words, first: int, last: int) -> str:
    return text[words.starts[first]:words.ends[last - 1]] if last > first else ""


def _describe(tag: str, theirs: str, ours: str) -> str:
    if tag == "replace":
        return f'quote has "{ours}" where the snapshot has "{theirs}"'
    if tag == "delete":
        return f'quote leaves out "{theirs}" (mark omitted words with "...")'
    return f'quote adds "{ours}"'


# --- the store ------------------------------------------------------------------------------

# Placements depend only on a snapshot's bytes (named by its hash), the quote and this code.
_PLACES_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


class SnapshotMemory:
    """What a long-lived process (its `Session`) keeps about snapshots between lints: the placements it
    computed or confirmed (so it neither reads the cache file nor confirms an entry again), and each
    snapshot file's hash by its size, mtime and inode. Bounded: placements are pruned to the quotes in use
    after each whole-project lint, and hashes to the files of the latest scan of the store."""

    def __init__(self) -> None:
        self.places_file: Path | None = None
        self.places: dict[str, dict[str, Placement]] | None = None
        self.hashes: dict[str, tuple[tuple[int, int, int], str]] = {}

    def recall(self, places_file: Path | None) -> dict[str, dict[str, Placement]] | None:
        return self.places if places_file is not None and places_file == self.places_file else None

    def keep(self, places_file: Path | None, places: dict[str, dict[str, Placement]]) -> None:
        self.places_file, self.places = places_file, places


class SnapshotStore:
    """A directory of plain-text snapshots, indexed by the SHA-256 of each file's bytes.

    With a `cache_dir`, each found quote's placement is kept there by snapshot hash and quote, so a
    repeat lint never searches a snapshot for a quote it has placed. An entry read back is a hint:
    it is used only once `confirm` has checked it against the snapshot's text (a slice comparison).
    """

    def __init__(self, directory: Path, cache_dir: Path | None = None, memory: SnapshotMemory | None = None) -> None:
        self.directory = directory
        self.cache_dir = cache_dir
        self.memory = memory or SnapshotMemory()
        self._index: dict[str, Path] | None = None
        self._read: dict[str, bytes] = {}  # bytes read while hashing, until their snapshot is placed
        self._cache: dict[str, Snapshot] = {}
        self._places: dict[str, dict[str, Placement]] | None = None  # computed or confirmed
        self._hints: dict[str, dict[str, Any]] = {}  # read from the cache file, not yet confirmed
        self._stored: int | None = None  # how many entries the cache file held, when this store read it
        self._used: dict[str, set[str]] = {}
        self._computed = False

    def place(self, sha256: str, quote: str) -> Placement | None:
        """The quote's placement in the snapshot with this hash, or None when there is no such snapshot."""
        if sha256 not in self.index():
            return None
        places = self._known().get(sha256)
        placement = places.get(quote) if places is not None else None
        if placement is not None:
            return placement
        self.prepare([(sha256, quote)])
        return self._known()[sha256][quote]

    def prepare(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Place every wanted quote not yet placed, one snapshot at a time (so that only one offset
        map, a list as long as the snapshot, is alive at once), confirming cached entries first."""
        known, index, used = self._known(), self.index(), self._used
        wanted_by: dict[str, set[str]] = {}
        for sha256, quote in wanted:
            quotes = wanted_by.get(sha256)
            if quotes is None:
                quotes = wanted_by[sha256] = set()
            quotes.add(quote)
        missing: dict[str, set[str]] = {}
        for sha256, quotes in wanted_by.items():
            if sha256 in index:
                used.setdefault(sha256, set()).update(quotes)
                places = known.get(sha256)
                left = quotes if places is None else quotes.difference(places)
                if left:
                    missing[sha256] = left
        for sha256, quotes in sorted(missing.items()):
            text = self.text(sha256)
            places = known.setdefault(sha256, {})
            hints = self._hints.get(sha256, {})
            rest = _confirm_verbatim(text, quotes, hints, places)
            mapped: OffsetMap | None = None
            for quote in rest:
                cached = _placement_from(hints.get(quote))
                placement = cached if cached is not None and confirm(text, quote, cached) else None
                if placement is None:
                    mapped = mapped or OffsetMap(text)
                    placement = place(text, quote, mapped)
                    self._computed = True
                places[quote] = placement
            self._read.pop(sha256, None)

    def placements(self) -> dict[str, dict[str, Placement]]:
        """What `prepare` placed, by snapshot hash and quote (snapshots no longer in the store left out)."""
        index = self.index()
        return {sha: places for sha, places in self._known().items() if sha in index}

    def text(self, sha256: str) -> str:
        """The text of a snapshot known to be in the store."""
        snapshot = self.get(sha256)
        assert snapshot is not None
        return snapshot.text

    def shown(self, sha256: str, quote: str) -> tuple[str, ...] | None:
        """The snapshot's own characters for each piece of the quote, or None when it is not placed."""
        placement = self.place(sha256, quote)
        if placement is None or not placement.found:
            return None
        return shown_pieces(self.text(sha256), placement)

    def anchors(self, sha256: str, quote: str) -> tuple[Anchor, ...]:
        """Each piece's offsets and W3C TextQuoteSelector in the snapshot's original text."""
        placement = self.place(sha256, quote)
        return () if placement is None else anchors_of(self.text(sha256), placement)

    def _places_file(self) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / f"quote-places-{_PLACES_VERSION}.json"

    def _known(self) -> dict[str, dict[str, Placement]]:
        if self._places is None:
            path = self._places_file()
            remembered = self.memory.recall(path)
            if remembered is not None:  # a long-lived process: what it computed or confirmed
                self._places = remembered
                return remembered
            raw = read_json(path) if path else None
            self._hints = {sha: quotes for sha, quotes in raw.items() if type(quotes) is dict} \
                if type(raw) is dict else {}
            self._stored = sum(map(len, self._hints.values()))
            self._places = {}
            self.memory.keep(path, self._places)
        return self._places

    def save(self, prune: bool) -> None:
        """Keep the found placements for the next run; `prune` keeps only the quotes prepared in this
        run (pass it after a whole-project lint, never after a lint of some files only), in the cache
        file and in what this process remembers."""
        path = self._places_file()
        known = self._known()
        unused = prune and self._stored is not None and self._stored != sum(map(len, self._used.values()))
        if prune:
            _prune(known, self._used)
        if path is None or not (self._computed or unused):
            return
        keep = self._used if prune else {sha: set(quotes) | set(self._hints.get(sha, ())) for sha, quotes
                                         in known.items()}
        entries: dict[str, dict[str, Any]] = {}
        for sha, quotes in sorted(keep.items()):
            for quote in sorted(quotes):
                placement = known.get(sha, {}).get(quote)
                entry = _entry(placement) if placement is not None else self._hints.get(sha, {}).get(quote)
                if entry is not None:
                    entries.setdefault(sha, {})[quote] = entry
        write_json(path, entries)

    def saved(self) -> None:
        """After the last `save`: let go of what only saving reads, the cache file's entries (120 MB at 100,000
        facts). A quote placed after this is computed (or confirmed) as if it had never been cached."""
        self._hints = {}

    @property
    def exists(self) -> bool:
        return self.directory.is_dir()

    def index(self) -> dict[str, Path]:
        if self._index is None:
            self._index = {}
            hashes: dict[str, tuple[tuple[int, int, int], str]] = {}
            if self.exists:
                for path in _files(self.directory):
                        digest, data = _hash_of(path, self.memory.hashes, hashes)
                        if digest not in self._index:
                            self._index[digest] = path
                            if data is not None:
                                self._read[digest] = data
            self.memory.hashes = hashes  # only the files of this scan
        return self._index

    def get(self, sha256: str) -> Snapshot | None:
        if sha256 in self._cache:
            return self._cache[sha256]
        path = self.index().get(sha256)
        if path is None:
            return None
        data = self._read.get(sha256)
        if data is None:
            data = path.read_bytes()
        snapshot = Snapshot(sha256, path, data.decode("utf-8", "replace"))
        self._cache[sha256] = snapshot
        return snapshot

    def named(self, name: str) -> Path | None:
        candidate = self.directory / name
        return candidate if candidate.is_file() and candidate.parent == self.directory else None

    def changed_hash(self, sha256: str, name: str | None) -> str | None:
        """When no file has `sha256` but the file `name` exists with other bytes: that file's hash."""
        if sha256 in self.index() or not name:
            return None
        named = self.named(name)
        actual = sha256_file(named) if named is not None else None
        return actual if actual != sha256 else None


def _files(directory: Path) -> list[Path]:
    """The files of a folder (links to files included), in name order."""
    with os.scandir(directory) as entries:
        names = sorted(entry.name for entry in entries if entry.is_file())
    return [directory / name for name in names]


def _prune(known: dict[str, dict[str, Placement]], used: dict[str, set[str]]) -> None:
    """Drop the placements of quotes no longer in use."""
    for sha in [sha for sha in known if sha not in used]:
        del known[sha]
    for sha, places in known.items():
        for quote in [quote for quote in places if quote not in used[sha]]:
            del places[quote]


def _entry(placement: Placement) -> list[list[int]] | None:
    """A found placement as cached: [[start, end, ...] of each piece, [start, end, ...] of other places]."""
    if not placement.found:
        return None  # not found is never cached: it is searched for, and reported, every time
    return [[offset for span in placement.spans for offset in span],
            [offset for span in placement.others for offset in span]]


def _confirm_verbatim(text: str, quotes: Iterable[str], hints: dict[str, Any],
                      places: dict[str, Placement]) -> list[str]:
    """`confirm`, for the common entries all at once: a quote of one piece that stands once, character
    for character, with a space either side ([[start, end], []]). The slices of the snapshot are
    compared with the quotes in one comparison, and the characters either side in one test; the
    quotes left over (another entry, or the comparison failed) are returned to be checked one by one."""
    size = len(text)
    entries: list[tuple[str, int, int]] = []
    rest: list[str] = []
    for quote in quotes:
        try:
            (start, end), others = hints.get(quote)  # type: ignore[misc]
        except (TypeError, ValueError):
            rest.append(quote)
            continue
        if others == [] and type(start) is int and type(end) is int and 0 < start < end < size \
                and end - start == len(quote) and "..." not in quote and "…" not in quote:
            entries.append((quote, start, end))
        else:
            rest.append(quote)
    if not entries:
        return rest
    same = "\0".join([text[start:end] for _, start, end in entries]) == "\0".join([quote for quote, _, _ in entries])
    edges = "".join([text[start - 1] + text[end] for _, start, end in entries]).isspace()
    if not (same and edges):
        return rest + [quote for quote, _, _ in entries]
    for quote, start, end in entries:
        places[quote] = Placement(((start, end),))
    return rest


def _placement_from(raw: Any) -> Placement | None:
    """A cached entry as a Placement, or None when it is absent or malformed (then recomputed)."""
    if type(raw) is not list or len(raw) != 2:
        return None
    spans, others = raw
    if type(spans) is not list or type(others) is not list or not spans or len(spans) % 2 or len(others) % 2:
        return None
    try:
        if type(sum(spans) + sum(others)) is not int:  # every offset an integer (a float, a string: damaged)
            return None
    except TypeError:
        return None
    return Placement(tuple(zip(spans[::2], spans[1::2])), tuple(zip(others[::2], others[1::2])))  # noqa: B905


_RACY_NS = 2_000_000_000
_KEEP_READ_BYTES = 64 * 1024 * 1024  # files up to this size are read whole, and their bytes kept for placing


def _hash_of(path: Path, known: dict[str, tuple[tuple[int, int, int], str]],
             kept: dict[str, tuple[tuple[int, int, int], str]]) -> tuple[str, bytes | None]:
    """The file's SHA-256, taken from `known` while its size, mtime and inode stay the same (and put in
    `kept`), and its bytes when they were read to hash them. As in git, a file modified within the last
    two seconds is hashed every time: its mtime may not show a second edit."""
    stat = path.stat()
    stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    entry = known.get(str(path))
    if entry is not None and entry[0] == stamp:
        kept[str(path)] = entry
        return entry[1], None
    data: bytes | None = None
    if stat.st_size > _KEEP_READ_BYTES:  # a huge file in the store: hashed in chunks, never held whole
        digest = sha256_file(path)
    else:
        data = path.read_bytes()
        digest = sha256_bytes(data)
    if time.time_ns() - stat.st_mtime_ns > _RACY_NS:
        kept[str(path)] = (stamp, digest)
    return digest, data


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The file's SHA-256, read in chunks (memory stays small whatever its size)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()

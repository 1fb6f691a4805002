"""The snapshot store, text normalisation, and locating a quote in a snapshot.

Snapshots are found by the SHA-256 of their bytes: file names do not matter.
Quotes match after Unicode NFKC, folding typographic quotes, apostrophes and
dashes to ASCII, and collapsing whitespace; case is kept. An ellipsis marks
omitted words: the pieces must then appear in order.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
})
ELLIPSIS = "..."


def normalize(text: str) -> str:
    """The form quotes are compared in (NFKC turns '…' into '...')."""
    if text.isascii():  # NFKC and the folds leave ASCII unchanged
        return " ".join(text.split())
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return " ".join(folded.split())


@functools.lru_cache(maxsize=1 << 16)
def quote_pieces(quote: str) -> tuple[str, ...]:
    """A normalised quote split at ellipses into the pieces that must appear in order."""
    return tuple(piece.strip() for piece in normalize(quote).split(ELLIPSIS) if piece.strip())


def word_count(quote: str) -> int:
    return sum(len(piece.split()) for piece in quote_pieces(quote))


def find_pieces(normalized: str, quote: str) -> list[tuple[int, int]] | None:
    """Spans of the quote's pieces in a normalised text, each after the one before, or None."""
    spans: list[tuple[int, int]] = []
    start = 0
    for piece in quote_pieces(quote):
        found = normalized.find(piece, start)
        if found < 0:
            return None
        spans.append((found, found + len(piece)))
        start = found + len(piece)
    return spans


@dataclass(frozen=True)
class Snapshot:
    sha256: str
    path: Path
    text: str
    normalized: str = field(repr=False)

    def locate(self, quote: str) -> list[tuple[int, int]] | None:
        """Spans of the quote's pieces in `normalized`, in order, or None when absent."""
        return find_pieces(self.normalized, quote)

    def count(self, quote: str) -> int:
        """How many places the quote's first piece stands in the snapshot."""
        pieces = quote_pieces(quote)
        return self.normalized.count(pieces[0]) if pieces else 0


@dataclass(frozen=True)
class Anchor:
    """Where a quote stands in the snapshot's original text: offsets and a W3C TextQuoteSelector."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


CONTEXT = 32


def anchor_quote(text: str, quote: str, mapped: OffsetMap | None = None) -> Anchor | None:
    """Locate `quote` in the original `text` (not the normalised form) and return its place.

    The span runs from the first piece's start to the last piece's end. Pass `mapped`
    (an `OffsetMap` of `text`) to reuse it across the quotes of one snapshot.
    """
    mapped = mapped or OffsetMap(text)
    spans = find_pieces(mapped.normalized, quote)
    if not spans:
        return None
    begin, end = mapped.origin(spans[0][0]), mapped.origin(spans[-1][1] - 1) + 1
    return Anchor(begin, end, text[begin:end], text[max(0, begin - CONTEXT):begin], text[end:end + CONTEXT])


_RUN = re.compile(r"\S+")


class OffsetMap:
    """A text's normalised form, and where each normalised character came from in the text.

    Kept per run of non-space characters rather than per character: an ASCII run maps
    one to one, so only runs with other characters (folded by NFKC) keep a table.
    """

    normalized: str
    run_starts: list[int]  # normalised offset where each run starts
    run_origins: list[int]  # original offset of that run
    tables: dict[int, list[int]]  # run number → original offset of each normalised char

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

    def origin(self, index: int) -> int:
        """The original offset of normalised character `index` (a space maps to the next run)."""
        run = max(0, bisect.bisect_right(self.run_starts, index) - 1)
        within = index - self.run_starts[run]
        if within < 0:
            return self.run_origins[run]
        table = self.tables.get(run)
        if table is not None:
            return table[min(within, len(table) - 1)]
        return self.run_origins[run] + within


def _fold_run(run: str, start: int) -> tuple[str, list[int]]:
    out: list[str] = []
    table: list[int] = []
    for index, char in enumerate(run, start):
        for folded in unicodedata.normalize("NFKC", char).translate(_FOLD):
            if not folded.isspace():
                out.append(folded)
                table.append(index)
    return "".join(out), table


@dataclass(frozen=True)
class Closest:
    """The passage of a snapshot nearest to a quote that is not in it."""

    passage: str
    differences: tuple[str, ...]


_TOKEN = re.compile(r"\w+|[^\w\s]")


def closest_passage(snapshot: Snapshot, quote: str) -> Closest | None:
    """The first missing piece of `quote`, aligned word by word with its nearest passage."""
    start = 0
    for piece in quote_pieces(quote):
        found = snapshot.normalized.find(piece, start)
        if found < 0:
            return _closest(snapshot.normalized, piece)
        start = found + len(piece)
    return None


def _closest(text: str, piece: str) -> Closest | None:
    spans = [m.span() for m in _TOKEN.finditer(text)]
    words = [text[a:b] for a, b in spans]
    quote = _TOKEN.findall(piece)
    anchor = SequenceMatcher(None, words, quote, autojunk=False).find_longest_match(
        0, len(words), 0, len(quote))
    if anchor.size == 0:
        return None
    begin = max(0, anchor.a - anchor.b)
    end = min(len(words), anchor.a + len(quote) - anchor.b + 2)
    opcodes = SequenceMatcher(None, words[begin:end], quote, autojunk=False).get_opcodes()
    while opcodes and opcodes[-1][0] == "delete":  # trailing words the quote does not reach
        opcodes.pop()
    while opcodes and opcodes[0][0] == "delete":
        opcodes.pop(0)
    if not opcodes:
        return None
    passage = text[spans[begin + opcodes[0][1]][0]:spans[begin + opcodes[-1][2] - 1][1]]
    differences = tuple(
        _describe(tag, _join(text, spans, begin + i1, begin + i2), " ".join(quote[j1:j2]))
        for tag, i1, i2, j1, j2 in opcodes if tag != "equal")
    return Closest(passage, differences)


def _join(text: str, spans: list[tuple[int, int]], first: int, last: int) -> str:
    return text[spans[first][0]:spans[last - 1][1]] if last > first else ""


def _describe(tag: str, theirs: str, ours: str) -> str:
    if tag == "replace":
        return f'quote has "{ours}" where the snapshot has "{theirs}"'
    if tag == "delete":
        return f'quote leaves out "{theirs}" (mark omitted words with "...")'
    return f'quote adds "{ours}"'


class SnapshotStore:
    """A directory of plain-text snapshots, indexed by the SHA-256 of each file's bytes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._index: dict[str, Path] | None = None
        self._cache: dict[str, Snapshot] = {}

    @property
    def exists(self) -> bool:
        return self.directory.is_dir()

    def index(self) -> dict[str, Path]:
        if self._index is None:
            self._index = {}
            if self.exists:
                for path in sorted(self.directory.iterdir()):
                    if path.is_file():
                        self._index.setdefault(sha256_file(path), path)
        return self._index

    def get(self, sha256: str) -> Snapshot | None:
        if sha256 in self._cache:
            return self._cache[sha256]
        path = self.index().get(sha256)
        if path is None:
            return None
        text = path.read_bytes().decode("utf-8", "replace")
        snapshot = Snapshot(sha256, path, text, normalize(text))
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


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

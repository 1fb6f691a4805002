"""The snapshot store, text normalisation, and locating a quote in a snapshot.

Snapshots are found by the SHA-256 of their bytes: file names do not matter.
Quotes match after Unicode NFKC, folding typographic quotes, apostrophes and
dashes to ASCII, and collapsing whitespace; case is kept. An ellipsis marks
omitted words: the pieces must then appear in order.
"""

from __future__ import annotations

import functools
import hashlib
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


@dataclass(frozen=True)
class Snapshot:
    sha256: str
    path: Path
    text: str
    normalized: str = field(repr=False)

    def locate(self, quote: str) -> list[tuple[int, int]] | None:
        """Spans of the quote's pieces in `normalized`, in order, or None when absent."""
        spans: list[tuple[int, int]] = []
        start = 0
        for piece in quote_pieces(quote):
            found = self.normalized.find(piece, start)
            if found < 0:
                return None
            spans.append((found, found + len(piece)))
            start = found + len(piece)
        return spans

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


def anchor_quote(text: str, quote: str, mapped: tuple[str, list[int]] | None = None) -> Anchor | None:
    """Locate `quote` in the original `text` (not the normalised form) and return its place.

    Normalises character by character so every normalised character maps back to an
    offset in `text`; the span runs from the first piece's start to the last piece's end.
    Pass `mapped` (from `offset_map`) to reuse the mapping across quotes of one snapshot.
    """
    normalized, origin = mapped or offset_map(text)
    start = 0
    spans = []
    for piece in quote_pieces(quote):
        found = normalized.find(piece, start)
        if found < 0:
            return None
        spans.append((found, found + len(piece)))
        start = found + len(piece)
    if not spans:
        return None
    begin, end = origin[spans[0][0]], origin[spans[-1][1] - 1] + 1
    return Anchor(begin, end, text[begin:end], text[max(0, begin - CONTEXT):begin], text[end:end + CONTEXT])


def offset_map(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    origin: list[int] = []
    pending_space = False
    for index, char in enumerate(text):
        folded = char if char.isascii() and not char.isspace() else \
            unicodedata.normalize("NFKC", char).translate(_FOLD)
        for out in folded:
            if out.isspace():
                pending_space = bool(chars)
                continue
            if pending_space:
                chars.append(" ")
                origin.append(index)
                pending_space = False
            chars.append(out)
            origin.append(index)
    return "".join(chars), origin


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


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

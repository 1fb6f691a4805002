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
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import NamedTuple

from build_tools.cache_files import read_json, write_json

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


@functools.lru_cache(maxsize=1 << 18)
def quote_pieces(quote: str) -> tuple[str, ...]:
    """A normalised quote split at ellipses into the pieces that must appear in order."""
    return tuple(piece.strip() for piece in normalize(quote).split(ELLIPSIS) if piece.strip())


def word_count(quote: str) -> int:
    if quote.isascii() and ELLIPSIS not in quote:  # one piece, and splitting is all normalising does
        return len(quote.split())
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

    @functools.cached_property
    def normalized(self) -> str:
        return normalize(self.text)

    def locate(self, quote: str) -> list[tuple[int, int]] | None:
        """Spans of the quote's pieces in `normalized`, in order, or None when absent."""
        return find_pieces(self.normalized, quote)

    def count(self, quote: str) -> int:
        """How many places the quote's first piece stands in the snapshot."""
        pieces = quote_pieces(quote)
        return self.normalized.count(pieces[0]) if pieces else 0


CONTEXT = 32  # characters of prefix and suffix kept around an anchored quote


@dataclass(frozen=True)
class Anchor:
    """Where a quote stands in the snapshot's original text: offsets and a W3C TextQuoteSelector."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str

    @classmethod
    def at(cls, text: str, begin: int, end: int) -> Anchor:
        """The span `begin:end` of `text`, with up to CONTEXT characters either side."""
        return cls(begin, end, text[begin:end], text[max(0, begin - CONTEXT):begin], text[end:end + CONTEXT])


def anchor_quote(text: str, quote: str, mapped: OffsetMap | None = None) -> Anchor | None:
    """Locate `quote` in the original `text` (not the normalised form) and return its place.

    The span runs from the first piece's start to the last piece's end. Pass `mapped`
    (an `OffsetMap` of `text`) to reuse it across the quotes of one snapshot.
    """
    mapped = mapped or OffsetMap(text)
    spans = find_pieces(mapped.normalized, quote)
    if not spans:
        return None
    return Anchor.at(text, mapped.origin(spans[0][0]), mapped.origin(spans[-1][1] - 1) + 1)


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


class Placement(NamedTuple):
    """Where a quote stands in a snapshot: what the quote checks and the exports need."""

    found: bool  # every piece, in order, in the normalised text
    occurrences: int  # how many places the first piece stands (0 when not found)
    start: int | None  # the quote's span in the original text, when it can be anchored there
    end: int | None


# Placements depend only on a snapshot's bytes (named by its hash), the quote and this code.
_PLACES_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


# Placements are facts about immutable snapshots, so a process may keep them between lints.
_remembered: dict[Path, dict[str, dict[str, Placement]]] = {}


class SnapshotStore:
    """A directory of plain-text snapshots, indexed by the SHA-256 of each file's bytes.

    With a `cache_dir`, each quote's placement is kept there by snapshot hash and quote, so a
    repeat lint checks only new quotes and never normalises a snapshot it has seen.
    """

    def __init__(self, directory: Path, cache_dir: Path | None = None) -> None:
        self.directory = directory
        self.cache_dir = cache_dir
        self._index: dict[str, Path] | None = None
        self._cache: dict[str, Snapshot] = {}
        self._places: dict[str, dict[str, Placement]] | None = None
        self._used: dict[str, set[str]] = {}
        self._computed = False

    def place(self, sha256: str, quote: str) -> Placement | None:
        """The quote's placement in the snapshot with this hash, or None when there is no such snapshot."""
        if sha256 not in self.index():
            return None
        placement = self._known().get(sha256, {}).get(quote)
        if placement is None:
            self.prepare([(sha256, quote)])
            placement = self._known()[sha256][quote]
        return placement

    def prepare(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Compute the placements not yet known, one snapshot at a time (so that only one offset
        map, a list as long as the snapshot, is alive at once)."""
        known, index, used = self._known(), self.index(), self._used
        missing: dict[str, set[str]] = {}
        for sha256, quote in wanted:
            if sha256 in index:
                used.setdefault(sha256, set()).add(quote)
                if quote not in known.get(sha256, ()):
                    missing.setdefault(sha256, set()).add(quote)
        for sha256, quotes in sorted(missing.items()):
            snapshot = self.get(sha256)
            assert snapshot is not None
            mapped: OffsetMap | None = None
            places = known.setdefault(sha256, {})
            for quote in quotes:
                if snapshot.locate(quote) is None:
                    places[quote] = Placement(False, 0, None, None)
                    continue
                mapped = mapped or OffsetMap(snapshot.text)
                anchor = anchor_quote(snapshot.text, quote, mapped)
                places[quote] = Placement(True, snapshot.count(quote), anchor.start if anchor else None,
                                          anchor.end if anchor else None)
            self._computed = True

    def text(self, sha256: str) -> str:
        """The text of a snapshot known to be in the store."""
        snapshot = self.get(sha256)
        assert snapshot is not None
        return snapshot.text

    def anchor(self, sha256: str, quote: str) -> Anchor | None:
        """The quote's offsets and W3C TextQuoteSelector in the snapshot's original text."""
        placement = self.place(sha256, quote)
        if placement is None or placement.start is None or placement.end is None:
            return None
        return Anchor.at(self.text(sha256), placement.start, placement.end)

    def _places_file(self) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / f"quote-places-{_PLACES_VERSION}.json"

    def _known(self) -> dict[str, dict[str, Placement]]:
        if self._places is None:
            path = self._places_file()
            remembered = _remembered.get(path) if path else None
            if remembered is not None:  # a long-lived process: no need to read the file again
                self._places = remembered
                return remembered
            raw = read_json(path) if path else {}
            try:
                self._places = {sha: {quote: Placement(bool(found), int(count), start, end)
                                      for quote, (found, count, start, end) in quotes.items()}
                                for sha, quotes in raw.items()}
            except (ValueError, TypeError, AttributeError):
                self._places = {}  # absent (None) or damaged: recomputed
            if path is not None:
                _remembered.clear()
                _remembered[path] = self._places
        return self._places

    def save(self, prune: bool) -> None:
        """Keep what was computed for the next run; `prune` keeps only the quotes prepared in this
        run (pass it after a whole-project lint, never after a lint of some files only)."""
        path = self._places_file()
        known = self._known()
        unused = prune and sum(map(len, known.values())) != sum(map(len, self._used.values()))
        if path is None or not (self._computed or unused):
            return
        keep = self._used if prune else {sha: set(quotes) for sha, quotes in known.items()}
        write_json(path, {sha: {quote: list(known[sha][quote]) for quote in sorted(quotes)}
                          for sha, quotes in sorted(keep.items()) if sha in known})

    @property
    def exists(self) -> bool:
        return self.directory.is_dir()

    def index(self) -> dict[str, Path]:
        if self._index is None:
            self._index = {}
            if self.exists:
                for path in sorted(self.directory.iterdir()):
                    if path.is_file():
                        self._index.setdefault(_hash_of(path), path)
        return self._index

    def get(self, sha256: str) -> Snapshot | None:
        if sha256 in self._cache:
            return self._cache[sha256]
        path = self.index().get(sha256)
        if path is None:
            return None
        snapshot = Snapshot(sha256, path, path.read_bytes().decode("utf-8", "replace"))
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


# Hashes of snapshot files by path, size, mtime and inode, for a long-lived process (`mkdocs serve`).
_hashes: dict[str, tuple[tuple[int, int, int], str]] = {}
_RACY_NS = 2_000_000_000


def _hash_of(path: Path) -> str:
    """`sha256_file`, reused while the file's size, mtime and inode stay the same. As in git, a file
    modified within the last two seconds is hashed every time: its mtime may not show a second edit."""
    stat = path.stat()
    stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    known = _hashes.get(str(path))
    if known is not None and known[0] == stamp:
        return known[1]
    digest = sha256_file(path)
    if time.time_ns() - stat.st_mtime_ns > _RACY_NS:
        _hashes[str(path)] = (stamp, digest)
    return digest


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

from __future__ import annotations

import hashlib
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools.snapshots import (
    _TOKEN,
    Closest,
    SnapshotStore,
    Words,
    _closest,
    _describe,
    closest_passage,
    normalize,
    place,
    quote_pieces,
    word_count,
)

TEXT = "The council met on Tuesday. It voted to close the old market, a spokesman said.\n"


def snapshot(tmp_path: Path, text: str = TEXT):
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    store = SnapshotStore(tmp_path)
    [sha] = store.index()
    found = store.get(sha)
    assert found is not None
    return found


def test_normalize_folds_typography_and_whitespace() -> None:
    assert normalize("“It’s  done” —\u00a0now\u2009then…") == '"It\'s done" - now then…'


def test_normalize_folds_no_compatibility_forms() -> None:
    for look_alike in ("10⁶", "１０６", "ﬁne", "⑤", "Ⅻ", "ｶ", "x²"):
        assert normalize(look_alike) == look_alike
    assert normalize("Jose\u0301") == "José"  # canonically equivalent: one character


def test_quote_pieces_split_at_ellipses() -> None:
    assert quote_pieces("one two … three ... four") == ("one two", "three", "four")
    assert word_count("one two … three") == 3
    assert word_count("5- and 12-ton … trucks —") == 4  # a word holds a letter or digit; what "…" skips is not shown


def test_place_gives_spans_in_order() -> None:
    assert place(TEXT, "council met ... old market").spans == ((4, 15), (50, 60))
    assert not place(TEXT, "old market ... council met").found


def test_closest_passage_names_a_replaced_word(tmp_path: Path) -> None:
    closest = closest_passage(snapshot(tmp_path), "It voted to shut the old market")
    assert closest is not None
    assert closest.passage == "It voted to close the old market"
    assert closest.differences == ('quote has "shut" where the snapshot has "close"',)


def test_closest_passage_names_omitted_and_added_words(tmp_path: Path) -> None:
    snap = snapshot(tmp_path)
    omitted = closest_passage(snap, "It voted to the old market")
    assert omitted is not None
    assert omitted.differences == ('quote leaves out "close" (mark omitted words with "...")',)
    added = closest_passage(snap, "It voted to close the very old market")
    assert added is not None
    assert added.differences == ('quote adds "very"',)


def test_no_closest_passage_for_unrelated_text(tmp_path: Path) -> None:
    assert closest_passage(snapshot(tmp_path), "zebra quantum") is None


def test_store_indexes_by_content_and_ignores_names(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("same", encoding="utf-8")
    (tmp_path / "y.txt").write_text("same", encoding="utf-8")
    (tmp_path / "z.txt").write_text("other", encoding="utf-8")
    assert len(SnapshotStore(tmp_path).index()) == 2


def test_anchor_maps_back_to_the_original_text() -> None:
    from build_tools.snapshots import anchor_quote

    original = "Intro line.\n“We  are   pleased,” she said — twice… Then more text follows here."
    [anchor] = anchor_quote(original, '"We are pleased," she said - twice')
    assert original[anchor.start:anchor.end] == anchor.exact == "“We  are   pleased,” she said — twice"
    assert anchor.prefix == "Intro line.\n"
    assert anchor.suffix.startswith("… Then more text")


def test_each_piece_of_a_quote_has_its_own_anchor_and_the_skipped_text_has_none() -> None:
    from build_tools.snapshots import anchor_quote

    one, two = anchor_quote("one two three four five", "two ... four")
    assert (one.exact, two.exact) == ("two", "four")
    assert (one.prefix, one.suffix, two.prefix, two.suffix) == ("one ", "", "", " five")
    assert anchor_quote("one two", "three") == ()


def test_snapshot_hashes_are_reused_only_for_files_not_modified_lately(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """As in git: a stat match is trusted only when the file is older than its mtime's resolution."""
    import os

    from build_tools import snapshots

    memory = snapshots.SnapshotMemory()  # what a session keeps between lints
    path = tmp_path / "a.txt"
    path.write_text("first text", encoding="utf-8")
    recent = path.stat().st_mtime_ns
    assert SnapshotStore(tmp_path, memory=memory).index().keys() == {hashlib.sha256(b"first text").hexdigest()}
    path.write_text("other text", encoding="utf-8")  # same size; the same mtime, as a coarse clock gives
    os.utime(path, ns=(recent, recent))
    assert SnapshotStore(tmp_path, memory=memory).index().keys() == {hashlib.sha256(b"other text").hexdigest()}
    old = recent - 10 * 10**9
    os.utime(path, ns=(old, old))
    SnapshotStore(tmp_path, memory=memory).index()
    monkeypatch.setattr(snapshots, "sha256_bytes", lambda p: pytest.fail("an unchanged old file was hashed again"))
    assert SnapshotStore(tmp_path, memory=memory).index().keys() == {hashlib.sha256(b"other text").hexdigest()}
    path.unlink()
    assert SnapshotStore(tmp_path, memory=memory).index() == {} and memory.hashes == {}  # bounded by the store


# --- property: word-aligned spans pass and show the snapshot's characters; cut spans fail ----


from build_tools.snapshots import Placement, confirm, cuts_token, shown_pieces  # noqa: E402

WORDS = st.text(alphabet="abcdeéñxyzABCZ", min_size=1, max_size=7)
FIGURES = st.sampled_from(["1,204", "$956", "3.2", "20%", "2021", "12"])
OPENERS = st.sampled_from(["", "", "“", '"', "(", "‘"])
CLOSERS = st.sampled_from(["", "", "", ",", ".", "”", "’s", "—", ";", ")"])
SPACES = st.sampled_from([" ", " ", " ", "  ", "\n", "\u00a0", "\n\n", " \t"])
TYPED = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-"})


@st.composite
def snapshots(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, int]]]:
    """A text of chunks (opening mark, word or figure, closing mark) and, per chunk, where its chunk and its
    word start and where its word ends."""
    text, chunks = "", []
    for _ in range(draw(st.integers(min_value=2, max_value=25))):
        if text:
            text += draw(SPACES)
        opener, word, closer = draw(OPENERS), draw(st.one_of(WORDS, FIGURES)), draw(CLOSERS)
        chunks.append((len(text), len(text) + len(opener), len(text) + len(opener) + len(word)))
        text += opener + word + closer
    return text, chunks


def typed(text: str) -> str:
    """How an editor may type a passage: plain quotes and dashes, single spaces."""
    return " ".join(text.translate(TYPED).split())


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_word_aligned_spans_are_found_and_shown_as_the_snapshot_has_them(data: st.DataObject) -> None:
    text, chunks = data.draw(snapshots())
    first = data.draw(st.integers(min_value=0, max_value=len(chunks) - 1))
    last = data.draw(st.integers(min_value=first, max_value=len(chunks) - 1))
    start = chunks[first][data.draw(st.sampled_from([0, 1]))]  # the chunk's start, or its word's
    end = chunks[last][2]
    quote = typed(text[start:end])
    placement = place(text, quote)
    assert placement.found, (text, quote)
    [(found_start, found_end)] = placement.spans
    [shown] = shown_pieces(text, placement)
    assert shown == " ".join(text[found_start:found_end].split())  # the snapshot's own characters
    assert typed(shown) == quote
    assert not cuts_token(text, found_start) and not cuts_token(text, found_end)
    assert confirm(text, quote, placement)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_pieces_around_an_omission_are_each_shown_from_the_snapshot(data: st.DataObject) -> None:
    text, chunks = data.draw(snapshots())
    cut = data.draw(st.integers(min_value=1, max_value=len(chunks) - 1))
    one = typed(text[chunks[0][1]:chunks[cut - 1][2]])
    two = typed(text[chunks[cut][1]:chunks[-1][2]])
    placement = place(text, f"{one} ... {two}")
    assert placement.found
    assert [typed(piece) for piece in shown_pieces(text, placement)] == [one, two]
    assert [" ".join(text[a:b].split()) for a, b in placement.spans] == list(shown_pieces(text, placement))


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_spans_that_cut_a_word_are_not_found_there(data: st.DataObject) -> None:
    text, chunks = data.draw(snapshots())
    index = data.draw(st.integers(min_value=0, max_value=len(chunks) - 1))
    _, word_start, word_end = chunks[index]
    if word_end - word_start < 2 or not text[word_start].isalnum() or not text[word_end - 1].isalnum():
        return
    inside = data.draw(st.integers(min_value=word_start + 1, max_value=word_end - 1))
    cut_start = data.draw(st.booleans())
    start, end = (inside, chunks[-1][2]) if cut_start else (chunks[0][1], inside)
    quote = typed(text[start:end])
    if not any(char.isalnum() for char in quote):
        return
    placement = place(text, quote)
    if placement.found:  # the same words may stand elsewhere on whole words, never at the cut
        [(found_start, found_end)] = placement.spans
        assert (found_start, found_end) != (start, end)
        assert not cuts_token(text, found_start) and not cuts_token(text, found_end)
    assert not confirm(text, quote, Placement(((start, end),)))  # a cache entry naming the cut is refused


# --- closest passages: the indexed search gives exactly what difflib over the whole text gave ---------------

def _closest_by_difflib(text: str, piece: str) -> Closest | None:
    """The former implementation (tokenise the whole text, SequenceMatcher.find_longest_match), as reference."""
    spans = [m.span() for m in _TOKEN.finditer(text)]
    words = [text[a:b] for a, b in spans]
    quote = _TOKEN.findall(piece)
    anchor = SequenceMatcher(None, words, quote, autojunk=False).find_longest_match(0, len(words), 0, len(quote))
    if anchor.size == 0:
        return None
    begin = max(0, anchor.a - anchor.b)
    end = min(len(words), anchor.a + len(quote) - anchor.b + 2)
    opcodes = SequenceMatcher(None, words[begin:end], quote, autojunk=False).get_opcodes()
    while opcodes and opcodes[-1][0] == "delete":
        opcodes.pop()
    while opcodes and opcodes[0][0] == "delete":
        opcodes.pop(0)
    if not opcodes:
        return None

    def join(first: int, last: int) -> str:
        return text[spans[first][0]:spans[last - 1][1]] if last > first else ""

    passage = text[spans[begin + opcodes[0][1]][0]:spans[begin + opcodes[-1][2] - 1][1]]
    return Closest(passage, tuple(_describe(tag, join(begin + i1, begin + i2), " ".join(quote[j1:j2]))
                                  for tag, i1, i2, j1, j2 in opcodes if tag != "equal"))


TOKENS = st.sampled_from(["the", "bridge", "would", "reopen", "in", "May", "said", ",", ".", "minister", "city",
                         "council", "a", "of", "and", "Harris", "Giammattei"])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(TOKENS, min_size=0, max_size=120).map(" ".join),
       quote=st.lists(TOKENS | st.sampled_from(["misquoted", "Guatemala"]), min_size=1, max_size=20).map(" ".join))
def test_closest_passage_is_the_one_difflib_finds(text: str, quote: str) -> None:
    normalized, piece = normalize(text), normalize(quote)
    assert _closest(normalized, Words(normalized), piece) == _closest_by_difflib(normalized, piece)


def test_a_huge_file_in_the_store_is_hashed_in_chunks_never_held(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import build_tools.snapshots as snapshots_module

    monkeypatch.setattr(snapshots_module, "_KEEP_READ_BYTES", 10)
    (tmp_path / "big.txt").write_bytes(b"x" * 1000)
    (tmp_path / "small.txt").write_bytes(b"short")
    store = SnapshotStore(tmp_path)
    big, small = hashlib.sha256(b"x" * 1000).hexdigest(), hashlib.sha256(b"short").hexdigest()
    assert store.index() == {big: tmp_path / "big.txt", small: tmp_path / "small.txt"}
    assert big not in store._read and small in store._read  # only small files' bytes are kept for placing

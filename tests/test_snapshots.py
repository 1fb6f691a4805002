from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from build_tools.snapshots import SnapshotStore, closest_passage, normalize, quote_pieces, word_count

TEXT = "The council met on Tuesday. It voted to close the old market, a spokesman said.\n"


def snapshot(tmp_path: Path, text: str = TEXT):
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    store = SnapshotStore(tmp_path)
    [sha] = store.index()
    found = store.get(sha)
    assert found is not None
    return found


def test_normalize_folds_typography_and_whitespace() -> None:
    assert normalize("“It’s  done” —\u00a0now…") == '"It\'s done" - now...'


def test_quote_pieces_split_at_ellipses() -> None:
    assert quote_pieces("one two … three ... four") == ("one two", "three", "four")
    assert word_count("one two … three") == 3


def test_locate_gives_spans_in_order(tmp_path: Path) -> None:
    snap = snapshot(tmp_path)
    assert snap.locate("council met ... old market") == [(4, 15), (50, 60)]
    assert snap.locate("old market ... council met") is None


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
    anchor = anchor_quote(original, '"We are pleased," she said - twice...')
    assert anchor is not None
    assert original[anchor.start:anchor.end] == anchor.exact == "“We  are   pleased,” she said — twice"
    assert anchor.prefix == "Intro line.\n"
    assert anchor.suffix.startswith("… Then more text")


def test_anchor_spans_ellipsis_pieces() -> None:
    from build_tools.snapshots import anchor_quote

    anchor = anchor_quote("one two three four five", "two ... four")
    assert anchor is not None and anchor.exact == "two three four"
    assert anchor_quote("one two", "three") is None


def test_snapshot_hashes_are_reused_only_for_files_not_modified_lately(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """As in git: a stat match is trusted only when the file is older than its mtime's resolution."""
    import os

    from build_tools import snapshots

    monkeypatch.setattr(snapshots, "_hashes", {})
    path = tmp_path / "a.txt"
    path.write_text("first text", encoding="utf-8")
    recent = path.stat().st_mtime_ns
    assert SnapshotStore(tmp_path).index().keys() == {hashlib.sha256(b"first text").hexdigest()}
    path.write_text("other text", encoding="utf-8")  # same size; the same mtime, as a coarse clock gives
    os.utime(path, ns=(recent, recent))
    assert SnapshotStore(tmp_path).index().keys() == {hashlib.sha256(b"other text").hexdigest()}
    old = recent - 10 * 10**9
    os.utime(path, ns=(old, old))
    SnapshotStore(tmp_path).index()
    monkeypatch.setattr(snapshots, "sha256_file", lambda p: pytest.fail("an unchanged old file was hashed again"))
    assert SnapshotStore(tmp_path).index().keys() == {hashlib.sha256(b"other text").hexdigest()}

"""Messages that used to mislead, each with its exact text now."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.cli import main
from tests.conftest import BRIEFING_YAML, SOURCE_YAML, MiniProject

GAZETTE = "The mayor said the council would vote on the tolls in June.\n"


def test_citing_the_wrong_source_names_the_right_one(project: MiniProject) -> None:
    project.add_source("city-gazette", GAZETTE)
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace(
        '"the bridge would reopen in May"', '"the council would vote on the tolls"'))
    assert [p.line() for p in project.lint().problems] == [
        "briefings/bridge.yaml:12:20: error CIT003 quote not found in snapshot of 'city-herald-2024'; it is verbatim "
        "in the snapshot of 'city-gazette': cite that source (quote-not-in-snapshot)",
        "sources/city-gazette.yaml:1:1: warning SRC001 source 'city-gazette' is not cited by any fact; cite it or "
        "delete the file (unused-source)"]


def test_ellipsis_pieces_in_the_wrong_order_say_so(project: MiniProject) -> None:
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace(
        '"the bridge would reopen in May"', '"the bridge would reopen in May ... The minister said on Monday"'))
    assert [p.line() for p in project.lint().problems] == [
        "briefings/bridge.yaml:12:20: error CIT003 quote not found in snapshot of 'city-herald-2024'; every piece "
        "stands in the snapshot, but \"The minister said on Monday\" comes before \"the bridge would reopen in "
        "May\", not after it: put the pieces in the article's order, or cite them as two quotes "
        "(quote-not-in-snapshot)"]


def test_a_placeholder_is_reported_at_its_line(project: MiniProject) -> None:
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("title: The bridge", "title: TODO the title"))
    assert [p.line() for p in project.lint().problems] == [
        "briefings/bridge.yaml:1:8: error FCT005 'title' is still the placeholder TODO; write the title (for a "
        "source: the headline as published, or `unknown`) (placeholder-text)"]


def _alike(project: MiniProject, original: str, copy: str) -> list[str]:
    for index in range(6):  # a corpus baseline of unrelated articles
        project.add_source(f"other-{index}", f"Unrelated report number {index} about gardens and rain {index * 7}.\n")
    project.write("sources/city-herald-2024.yaml", SOURCE_YAML.replace("published: 2024-03-04",
                                                                       f"published: {original}"))
    project.add_source("copy", "The minister said on Monday that the bridge would reopen in May.\n"
                       "Officials counted 1,204 vehicles on the first day, according to the city.\n")
    project.write("sources/copy.yaml", (project.root / "sources/copy.yaml").read_text(encoding="utf-8")
                  .replace("published: 2024-03-04", f"published: {copy}"))
    return [p.line() for p in project.lint().problems if p.code == "SRC005"]


def test_two_sources_of_the_same_month_are_not_put_in_an_order(project: MiniProject) -> None:
    assert _alike(project, "2024-03", "2024-03") == [
        "sources/copy.yaml:1:1: warning SRC005 snapshots of 'copy' and 'city-herald-2024' are alike (score 0.75, "
        "corpus median 0.00) but no relation is declared; their dates (March 2024 and March 2024) do not say which "
        "came first: add 'derived_from: [city-herald-2024]' or 'republished_from: [city-herald-2024]' here if this "
        "one rewrote or republished 'city-herald-2024', else add 'derived_from: [copy]' or 'republished_from: "
        "[copy]' to 'city-herald-2024' (undeclared-near-duplicate)"]


def test_a_later_source_is_told_to_declare_the_earlier(project: MiniProject) -> None:
    assert _alike(project, "2024-04", "2024-03-02") == [
        "sources/city-herald-2024.yaml:1:1: warning SRC005 snapshots of 'city-herald-2024' and 'copy' are alike "
        "(score 0.75, corpus median 0.00) but no relation is declared; add 'derived_from: [copy]' or "
        "'republished_from: [copy]' (undeclared-near-duplicate)"]


def test_similar_explains_its_columns(project: MiniProject, capsys: pytest.CaptureFixture[str]) -> None:
    project.add_source("copy", "The minister said on Monday that the bridge would reopen in May.\n")
    assert main(["similar", "--root", str(project.root), "--snapshots", str(project.snapshots)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:6] == [
        "columns: score  source  source  (shingles, figures, names)  note",
        "  score: 0 (nothing shared) to 1 (the same text): half shingles, a quarter each figures and names",
        "  shingles: the share of the shorter text's four-word runs that the other text has",
        "  figures, names: the numbers, and the multi-word names, the two share, of all those in either",
        "  UNDECLARED: 3 times the median score and at least 0.15, with neither derived_from nor republished_from "
        "between them (lint warns: SRC005)"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("page.html", b"<!DOCTYPE html>\n<html><body><p>The bridge.</p></body></html>\n",
     "briefings snapshot add: page.html is HTML, not the article's plain text; extract the article's text with "
     "`briefings archive ID --url URL`, or `briefings snapshot import` for a WARC or WACZ capture"),
    ("latin1.txt", "Caf\u00e9 on the bridge.\n".encode("latin-1"),
     "briefings snapshot add: latin1.txt is not UTF-8 text (byte 0xe9 at offset 3); a snapshot is the article's "
     "plain text in UTF-8: convert it (iconv -f latin1 -t utf-8 FILE, say) or extract the article's text with "
     "`briefings archive ID --url URL`, or `briefings snapshot import` for a WARC or WACZ capture"),
    ("report.pdf", b"%PDF-1.4\n\x00\x01binary",
     "briefings snapshot add: report.pdf holds NUL bytes: it is not plain text (a PDF or a word-processor file?); "
     "extract the article's text with `briefings archive ID --url URL`, or `briefings snapshot import` for a WARC "
     "or WACZ capture"),
])
def test_snapshot_add_refuses_what_is_not_plain_text(project: MiniProject, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str], name: str, data: bytes,
                                                     message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    before = sorted(project.snapshots.iterdir())
    assert main(["snapshot", "add", str(path), "--root", str(project.root), "--snapshots",
                 str(project.snapshots)]) == 2
    assert capsys.readouterr().err.strip() == message
    assert sorted(project.snapshots.iterdir()) == before

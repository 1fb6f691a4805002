"""`briefings lint --fix`: certain corrections in place, each shown as a diff; every other byte kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from build_tools.cli import main
from build_tools.quote_finder import certain_fix
from tests.conftest import SNAPSHOT_TEXT, MiniProject

BRIEFING = """\
# Comments and layout must survive the fixes.
title: The bridge   # trailing comment
summary: >-
  What the city said
  about the bridge.
updated: 2024-03
sections:
  - title: Reopening
    facts:
      - id: case-and-a-word
        text: The minister said the bridge would reopen in May.
        date: 2024-03-04
        citations:
          - source: city-herald-2024
            quote: "The Minister said on Monday that the bridge will reopen in May"   # keep me
      - id: marks-and-dashes
        text: The mayor welcomed it.
        date: 2024-03-04
        citations:
          - {source: city-herald-2024, quote: 'we are very pleased, the mayor said - and the council agreed'}
      - id: two-words-off
        text: It will open in June.
        date: 2024-03-04
        citations:
          - source: city-herald-2024
            quote: "the bridge will open in June"
      - id: already-right
        text: Officials counted vehicles.
        date: 2024-03-04
        citations:
          - source: city-herald-2024
            quote: Officials counted 1,204 vehicles
"""


def _fix(project: MiniProject, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["lint", "--fix", "--root", str(project.root), "--snapshots", str(project.snapshots), *args])
    return code, capsys.readouterr().out


def test_fix_corrects_the_certain_quotes_and_nothing_else(project: MiniProject,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = project.write("briefings/bridge.yaml", BRIEFING)
    inode = path.stat().st_ino
    code, out = _fix(project, capsys)
    assert code == 1  # one quote is two words off: left for the editor
    after = path.read_text(encoding="utf-8")
    expected = BRIEFING.replace(
        '"The Minister said on Monday that the bridge will reopen in May"',
        '"The minister said on Monday that the bridge would reopen in May"').replace(
        "'we are very pleased, the mayor said - and the council agreed'",
        "'“We are very pleased,” the mayor said — and the council agreed'")
    assert after == expected  # comments, folded text, flow mapping and the wrong quote: byte for byte
    assert path.stat().st_ino != inode  # replaced whole, atomically
    assert out.startswith("""\
--- a/briefings/bridge.yaml
+++ b/briefings/bridge.yaml
@@ -14,3 +14,3 @@
           - source: city-herald-2024
-            quote: "The Minister said on Monday that the bridge will reopen in May"   # keep me
+            quote: "The minister said on Monday that the bridge would reopen in May"   # keep me
       - id: marks-and-dashes
@@ -19,3 +19,3 @@
""")
    assert "fixed 2 problems in 1 file; what is left needs an editor\n" in out
    assert "briefings/bridge.yaml:26:20: error CIT003" in out
    assert sorted(p.name for p in path.parent.iterdir()) == ["bridge.yaml"]  # no temporary file left
    assert _fix(project, capsys) == (1, out[out.index("briefings/bridge.yaml:26:20"):])  # nothing more to do


def test_fix_fills_a_missing_or_placeholder_hash_from_the_named_file(project: MiniProject,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    digest = hashlib.sha256(SNAPSHOT_TEXT.encode()).hexdigest()
    source = project.root / "sources/city-herald-2024.yaml"
    for block in ("snapshot:\n  # from the archive\n  file: bridge.txt  # the store's name\n",
                  "snapshot:\n  sha256: TODO paste from briefings snapshot add\n  file: bridge.txt\n"):
        text = source.read_text(encoding="utf-8")
        start = text.index("snapshot:")
        broken = text[:start] + block
        source.write_text(broken, encoding="utf-8")
        code, out = _fix(project, capsys)
        assert code == 0, out
        assert f"+  sha256: {digest}" in out and "--- a/sources/city-herald-2024.yaml" in out
        fixed = source.read_text(encoding="utf-8")
        assert fixed.replace(f"  sha256: {digest}\n", "") == broken.replace(
            "  sha256: TODO paste from briefings snapshot add\n", "")


@pytest.mark.parametrize("quote", [
    "the bridge will open in June",  # two words off
    "the minister said ... the bridge will reopen",  # pieces: never guessed
    "said on Monday that it would reopen",  # one word, but at either end of two candidates
])
def test_fix_refuses_what_is_not_certain(quote: str) -> None:
    assert certain_fix(SNAPSHOT_TEXT, quote) is None


def test_fix_refuses_a_passage_that_stands_twice_and_a_changed_snapshot(
        project: MiniProject, capsys: pytest.CaptureFixture[str]) -> None:
    twice = "He said the bridge would reopen in May. Later he said the bridge would reopen in May.\n"
    assert certain_fix(twice, "the bridge will reopen in May") is None
    source = project.root / "sources/city-herald-2024.yaml"
    wrong = source.read_text(encoding="utf-8").replace(hashlib.sha256(SNAPSHOT_TEXT.encode()).hexdigest(), "0" * 64)
    source.write_text(wrong, encoding="utf-8")
    code, out = _fix(project, capsys)
    assert code == 1 and "---" not in out  # a hash that disagrees with its file is a changed snapshot: never fixed
    assert source.read_text(encoding="utf-8") == wrong


def test_fix_limited_to_the_files_named(project: MiniProject, capsys: pytest.CaptureFixture[str]) -> None:
    path = project.write("briefings/bridge.yaml", BRIEFING)
    other = project.write("briefings/other.yaml", BRIEFING.replace("id: ", "id: other-"))
    _, out = _fix(project, capsys, str(other))
    assert path.read_text(encoding="utf-8") == BRIEFING
    assert other.read_text(encoding="utf-8") != BRIEFING.replace("id: ", "id: other-")
    assert "briefings/bridge.yaml" not in out


def test_fix_keeps_a_plain_quote_readable(tmp_path: Path) -> None:
    assert certain_fix(SNAPSHOT_TEXT, "Officials counted 1,204 Vehicles on the first day") == \
        "Officials counted 1,204 vehicles on the first day"

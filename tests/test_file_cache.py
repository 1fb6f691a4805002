"""The cache of validated files: same results as without it, keyed by content, safe when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools import load as load_module
from build_tools.config import load_config
from build_tools.lint import lint_project
from tests.conftest import BRIEFING_YAML, SNAPSHOT_TEXT, MiniProject

SNAPSHOT_TEXT_COPY = SNAPSHOT_TEXT + "Reprinted with permission.\n"
BROKEN = BRIEFING_YAML.replace("date: 2024-03-04", "date: 2024-02-30").replace("summary:", "sumary:")


class _Forgetful(dict):  # type: ignore[type-arg]
    """A process memory that keeps nothing."""

    def update(self, *args: object, **kwargs: object) -> None:
        pass

    def __setitem__(self, key: object, value: object) -> None:
        pass


@pytest.fixture(autouse=True)
def without_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the cache on disk: each lint starts as a fresh process would."""
    from build_tools import snapshots

    monkeypatch.setattr(load_module, "_recent", _Forgetful())
    monkeypatch.setattr(snapshots, "_remembered", _Forgetful())


def entries(project: MiniProject) -> list[Path]:
    return sorted((project.root / "build/cache").glob("files-*/*.json"))


def test_second_lint_uses_the_cache_and_gives_the_same_result(project: MiniProject,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("briefings/bridge.yaml", BROKEN)
    first = project.lint()
    assert len(entries(project)) == 2

    def must_not_parse(*args: object) -> None:
        raise AssertionError("a cached file was parsed again")

    monkeypatch.setattr(load_module, "parse_yaml", must_not_parse)
    second = project.lint()
    assert [p.line() for p in second.problems] == [p.line() for p in first.problems]
    assert second.project.sources == first.project.sources


def test_a_renamed_file_reports_its_new_path(project: MiniProject) -> None:
    project.write("briefings/bridge.yaml", BROKEN)
    project.lint()
    (project.root / "briefings/bridge.yaml").rename(project.root / "briefings/renamed.yaml")
    paths = {p.where.path for p in project.lint().problems}
    assert paths == {"briefings/renamed.yaml"}


def test_an_edit_misses_and_a_damaged_entry_is_rebuilt(project: MiniProject) -> None:
    project.lint()
    for entry in entries(project):
        entry.write_text("{damaged", encoding="utf-8")
    assert project.lint().problems == ()
    project.write("briefings/bridge.yaml", BROKEN)
    assert {p.code for p in project.lint().problems} == {"SCH001", "SCH005"}


# --- quote placements, kept by snapshot hash and quote ------------------------------------

TWO_QUOTES = BRIEFING_YAML.replace(
    '            quote: "the bridge would reopen in May"',
    '            quote: "the bridge would reopen in May"\n'
    '          - source: city-herald-2024\n'
    '            quote: "the bridge would reopen in June"')


def places_file(project: MiniProject) -> Path:
    [path] = (project.root / "build/cache").glob("quote-places-*.json")
    return path


def test_quote_places_are_reused_and_give_the_same_problems(project: MiniProject,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from build_tools import snapshots

    project.write("briefings/bridge.yaml", TWO_QUOTES)
    first = [p.line() for p in project.lint().problems]
    assert any("CIT003" in line for line in first)
    monkeypatch.setattr(snapshots, "find_pieces", lambda *a: pytest.fail("a known quote was searched again"))
    assert [p.line() for p in project.lint().problems] == first


def test_damaged_places_are_recomputed_and_a_missing_snapshot_is_not_trusted(project: MiniProject) -> None:
    project.lint()
    places_file(project).write_text('{"not": "places"', encoding="utf-8")
    assert project.lint().problems == ()
    (project.snapshots / "bridge.txt").unlink()  # the cache still knows the quote; the store must not
    assert {p.code for p in project.lint().problems} == {"CIT002"}


def test_linting_one_file_keeps_the_other_quotes_and_a_full_lint_prunes(project: MiniProject) -> None:
    project.write("briefings/bridge.yaml", TWO_QUOTES)
    project.write("briefings/other.yaml", BRIEFING_YAML.replace("bridge-reopens", "other-fact"))
    project.lint()
    before = places_file(project).read_text(encoding="utf-8")
    assert "reopen in June" in before
    config = load_config(project.root, str(project.snapshots), environ={})
    lint_project(config, ["briefings/other.yaml"])
    assert "reopen in June" in places_file(project).read_text(encoding="utf-8")
    project.write("briefings/bridge.yaml", BRIEFING_YAML)
    project.lint()
    assert "reopen in June" not in places_file(project).read_text(encoding="utf-8")


def test_near_duplicate_pairs_are_cached_by_the_snapshots_they_compare(project: MiniProject,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from build_tools import similarity

    for index in range(6):  # a corpus baseline of unrelated articles
        project.add_source(f"other-{index}", f"Unrelated report number {index} about gardens and rain {index * 7}.\n")
    project.add_source("copy-2024", SNAPSHOT_TEXT_COPY)
    first = [p.line() for p in project.lint().problems]
    assert any("SRC005" in line for line in first)
    monkeypatch.setattr(similarity, "suspicious_pairs", lambda *a: pytest.fail("pairs were compared again"))
    assert [p.line() for p in project.lint().problems] == first
    monkeypatch.undo()
    for entry in (project.root / "build/cache").glob("similarity-*/pairs-*.json"):
        entry.write_text("[damaged", encoding="utf-8")
    assert [p.line() for p in project.lint().problems] == first


def test_a_long_lived_process_reuses_the_model_of_unchanged_files(project: MiniProject,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_module, "_recent", {})
    project.write("briefings/other.yaml", BRIEFING_YAML.replace("bridge-reopens", "other-fact"))
    first = project.lint().project
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("reopen in May.", "reopen in May, he said."))
    second = project.lint().project
    assert second.sources["city-herald-2024"] is first.sources["city-herald-2024"]
    assert second.briefings[1] is first.briefings[1]  # other.yaml: the very same object
    assert second.briefings[0] is not first.briefings[0]
    assert next(second.briefings[0].facts).text == "The minister said the bridge would reopen in May, he said."

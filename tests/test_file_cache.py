"""The cache of validated files: same results as without it, keyed by content, safe when damaged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from build_tools import load as load_module
from build_tools.cache_files import read_json, write_json
from build_tools.config import load_config
from build_tools.lint import lint_project
from build_tools.session import Session
from tests.conftest import BRIEFING_YAML, SNAPSHOT_TEXT, SOURCE_YAML, MiniProject

SNAPSHOT_TEXT_COPY = SNAPSHOT_TEXT + "Reprinted with permission.\n"
BROKEN = BRIEFING_YAML.replace("date: 2024-03-04", "date: 2024-02-30").replace("summary:", "sumary:")


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
    searched: list[str] = []
    real = snapshots.find_pieces
    monkeypatch.setattr(snapshots, "find_pieces", lambda mapped, quote: searched.append(quote) or real(mapped, quote))
    assert [p.line() for p in project.lint().problems] == first
    assert searched == ["the bridge would reopen in June"]  # a found quote is only confirmed; "not found" is not kept


def test_damaged_places_are_recomputed_and_a_missing_snapshot_is_not_trusted(project: MiniProject) -> None:
    project.lint()
    places_file(project).write_text('{"not": "places"', encoding="utf-8")
    assert project.lint().problems == ()
    (project.snapshots / "bridge.txt").unlink()  # the cache still knows the quote; the store must not
    assert {p.code for p in project.lint().problems} == {"CIT002"}


def test_linting_one_file_keeps_the_other_quotes_and_a_full_lint_prunes(project: MiniProject) -> None:
    two_found = TWO_QUOTES.replace("the bridge would reopen in June", "Officials counted 1,204 vehicles")
    project.write("briefings/bridge.yaml", two_found)
    project.write("briefings/other.yaml", BRIEFING_YAML.replace("bridge-reopens", "other-fact"))
    project.lint()
    before = places_file(project).read_text(encoding="utf-8")
    assert "1,204 vehicles" in before
    config = load_config(project.root, str(project.snapshots), environ={})
    lint_project(config, ["briefings/other.yaml"])
    assert "1,204 vehicles" in places_file(project).read_text(encoding="utf-8")
    project.write("briefings/bridge.yaml", BRIEFING_YAML)
    project.lint()
    assert "1,204 vehicles" not in places_file(project).read_text(encoding="utf-8")


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


def test_a_long_lived_process_reuses_the_model_of_unchanged_files(project: MiniProject) -> None:
    session = Session()  # what `make serve` keeps; a lint without one (`project.lint()`) starts afresh
    config = load_config(project.root, str(project.snapshots), environ={})
    project.write("briefings/other.yaml", BRIEFING_YAML.replace("bridge-reopens", "other-fact"))
    first = session.lint(config).project
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("reopen in May.", "reopen in May, he said."))
    second = session.lint(config).project
    assert second.sources["city-herald-2024"] is first.sources["city-herald-2024"]
    assert second.briefings[1] is first.briefings[1]  # other.yaml: the very same object
    assert second.briefings[0] is not first.briefings[0]
    assert next(second.briefings[0].facts).text == "The minister said the bridge would reopen in May, he said."


# --- a cache is a hint: poisoned or damaged entries are misses, never a crash or a pass --------

SOURCE = "sources/city-herald-2024.yaml"


def entry_of(project: MiniProject, rel: str) -> Path:
    """The validated-file entry of `rel` as it is now."""
    import hashlib

    digest = hashlib.sha256((project.root / rel).read_bytes()).hexdigest()
    [path] = (project.root / "build/cache").glob(f"files-*/*-{digest}.json")
    return path


def codes(project: MiniProject) -> list[tuple[str, int, int, str]]:
    return project.codes()


def test_a_poisoned_placement_does_not_make_a_fabricated_quote_pass(project: MiniProject,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from build_tools import snapshots

    project.lint()
    places = read_json(places_file(project))
    [sha] = places
    genuine = places[sha]["the bridge would reopen in May"]
    searched: list[str] = []
    real = snapshots.find_pieces
    monkeypatch.setattr(snapshots, "find_pieces", lambda mapped, quote: searched.append(quote) or real(mapped, quote))
    assert codes(project) == [] and searched == []  # the clean case: a genuine entry is confirmed, not searched
    fabricated = "the bridge would reopen in June"
    places[sha][fabricated] = genuine  # "found, at the place of the genuine quote"
    places[sha]["legal crossings"] = [[100, 115], []]
    write_json(places_file(project), places)  # with a valid checksum: the entry must be confirmed, not trusted
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("the bridge would reopen in May", fabricated))
    assert codes(project) == [("briefings/bridge.yaml", 12, 20, "CIT003")]
    assert searched == [fabricated]


@pytest.mark.parametrize("entry", [
    [[0, 10], []], [[0, 64], []], [[33, 62], []], [[34, 63], []], [[33.0, 63], []], [["33", 63], []],
    [[33, 63, 0, 3], []], [[63, 33], []], [[-1, 63], []], [[33, 63], [0, 3]], [[33, 63], [33]], [[33, 63]],
    [], {}, None, "found", [[33, 10**20], []], [[True, 63], []],
])
def test_a_damaged_placement_is_recomputed(project: MiniProject, entry: object) -> None:
    project.lint()
    places = read_json(places_file(project))
    [sha] = places
    places[sha]["the bridge would reopen in May"] = entry
    write_json(places_file(project), places)
    result = project.lint()
    assert result.problems == ()
    [citation] = json.loads(__import__("build_tools.export", fromlist=["export_json"]).export_json(
        result.project, result.store))["facts"][0]["citations"]
    assert [p["position"] for p in citation["pieces"]] == [{"start": 33, "end": 63}]


def test_a_poisoned_field_value_is_validated_again(project: MiniProject, monkeypatch: pytest.MonkeyPatch) -> None:
    project.lint()
    genuine = read_json(entry_of(project, SOURCE))
    assert codes(project) == []  # the clean case: taken from the cache
    hostile = SOURCE_YAML.replace("url: https://example.org/bridge", "url: javascript:alert(1)")
    project.write(SOURCE, hostile)
    project.lint()  # the honest entry for these bytes: the URL rejected (SCH006), its value None
    poisoned = json.loads(json.dumps(genuine).replace("https://example.org/bridge", "javascript:alert(1)"))
    write_json(entry_of(project, SOURCE), poisoned)  # "valid, no problem", with a valid checksum
    result = project.lint()
    assert [(p.where.line, p.where.column, p.code) for p in result.problems] == [(4, 6, "SCH006")]
    assert result.project.sources["city-herald-2024"].url is None


DAMAGE = {
    "truncated": lambda text: text[: len(text) // 2],
    "not an object": lambda text: "[]",
    "fields of the wrong type": lambda text: json.dumps({**json.loads(text), "fields": "title"}),
    "unknown key": lambda text: text.replace('"outlet":', '"outlett":'),
    "float line": lambda text: text.replace(',1,', ',1.0,', 1),
    "zero column": lambda text: text.replace(',1,', ',0,', 1),
    "impossible date": lambda text: text.replace("2024-03-04", "2024-02-30"),
    "control character": lambda text: text.replace("City Herald", "City\\u001b[31m Herald"),
    "bidi override": lambda text: text.replace("City Herald", "City\\u202e Herald"),
    "lone surrogate": lambda text: text.replace("City Herald", "City \\ud800Herald"),
    "newline in a line": lambda text: text.replace("City Herald", "City\\nHerald"),
    "padded text": lambda text: text.replace("City Herald", " City Herald"),
    "bad sha256": lambda text: text.replace('"bcdcd', '"BCDCD'),
    "rejected item in a list": lambda text: text.replace('"derived_from":[[],', '"derived_from":[[[null,8,16]],'),
    "unknown problem code": lambda text: json.dumps({**json.loads(text), "problems": [[1, 1, "XYZ999", "x", "error",
                                                                                      "m"]]}),
    "problem with another severity": lambda text: json.dumps({**json.loads(text), "problems": [
        [1, 1, "SCH006", "invalid-url", "warning", "m"]]}),
    "no fields and no problem": lambda text: json.dumps({"fields": None, "problems": []}),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_field_entry_is_a_miss(project: MiniProject, damage: str) -> None:
    project.write(SOURCE, SOURCE_YAML + "derived_from: []\n")
    project.write("briefings/bridge.yaml", BROKEN)
    fresh = [p.line() for p in project.lint().problems]
    assert fresh == [p.line() for p in project.lint().problems]  # the clean case: the same from the cache
    changed = 0
    for rel in (SOURCE, "briefings/bridge.yaml"):
        path = entry_of(project, rel)
        text = json.dumps(read_json(path), ensure_ascii=False, separators=(",", ":"))
        damaged = DAMAGE[damage](text)
        changed += damaged != text
        try:
            write_json(path, json.loads(damaged))  # with a valid checksum: the content itself must be checked
        except ValueError:
            path.write_text(damaged, encoding="utf-8")
    assert changed
    result = project.lint()
    assert [p.line() for p in result.problems] == fresh
    assert result.project.sources["city-herald-2024"].outlet == "City Herald"

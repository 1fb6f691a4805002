"""One test per rule: a violation at its exact place, and the clean case beside it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from tests.conftest import BRIEFING_YAML, SNAPSHOT_SHA, SOURCE_YAML, MiniProject

Lint = Callable[[Mapping[str, str]], list[tuple[str, int, int, str]]]
BRIEFING = "briefings/bridge.yaml"
SOURCE = "sources/city-herald-2024.yaml"
QUOTE = '"the bridge would reopen in May"'


def with_quote(quote: str) -> str:
    return BRIEFING_YAML.replace(QUOTE, quote)


def test_unknown_source_suggests_the_nearest(project: MiniProject) -> None:
    project.write(BRIEFING, BRIEFING_YAML.replace("source: city-herald-2024", "source: city-herald-2042"))
    problems = project.lint().problems
    assert [p.code for p in problems] == ["CIT001", "SRC001"]
    unknown = next(p for p in problems if p.code == "CIT001")
    assert (unknown.where.path, unknown.where.line, unknown.where.column) == (BRIEFING, 11, 21)
    assert unknown.message == "unknown source 'city-herald-2042'; did you mean 'city-herald-2024'?"


def test_missing_snapshot(project: MiniProject) -> None:
    (project.snapshots / "bridge.txt").unlink()
    assert project.codes() == [(SOURCE, 6, 3, "CIT002")]


def test_missing_snapshot_directory_says_where_it_looked(project: MiniProject) -> None:
    project.snapshots = project.snapshots.parent / "nowhere"
    [problem] = project.lint().problems
    assert problem.code == "CIT002"
    assert "nowhere (from --snapshots) does not exist" in problem.message


def test_snapshot_found_by_hash_whatever_its_name(project: MiniProject) -> None:
    (project.snapshots / "bridge.txt").rename(project.snapshots / "renamed.txt")
    assert project.codes() == []


def test_changed_word_in_quote_shows_the_closest_passage(project: MiniProject) -> None:
    project.write(BRIEFING, with_quote('"the bridge would open in May"'))
    [problem] = project.lint().problems
    assert (problem.where.line, problem.where.column, problem.code) == (12, 20, "CIT003")
    assert problem.message == ("quote not found in snapshot of 'city-herald-2024'; closest passage: "
                               '"the bridge would reopen in May" (quote has "open" where the snapshot has '
                               '"reopen")')


def test_quote_matching_folds_typography_and_spacing(lint: Lint) -> None:
    assert lint({BRIEFING: with_quote("'\"We  are very pleased,\" the mayor said -- and'")}) == \
        [(BRIEFING, 12, 20, "CIT003")]
    assert lint({BRIEFING: with_quote("'“We are very\n              pleased,” the mayor said — and'")}) == []


def test_quote_matching_is_case_sensitive(lint: Lint) -> None:
    assert lint({BRIEFING: with_quote('"The bridge would reopen in May"')}) == [(BRIEFING, 12, 20, "CIT003")]


def test_ellipsis_pieces_must_appear_in_order(lint: Lint) -> None:
    assert lint({BRIEFING: with_quote('"The minister said … reopen in May"')}) == []
    assert lint({BRIEFING: with_quote('"The minister said ... reopen in May"')}) == []
    assert lint({BRIEFING: with_quote('"reopen in May ... The minister said"')}) == [(BRIEFING, 12, 20, "CIT003")]


def test_snapshot_hash_mismatch(project: MiniProject) -> None:
    (project.snapshots / "bridge.txt").write_text("Edited after archiving.\n", encoding="utf-8")
    [problem] = project.lint().problems
    assert (problem.where.line, problem.code) == (6, "CIT004")
    actual = hashlib.sha256(b"Edited after archiving.\n").hexdigest()
    assert actual[:12] in problem.message and SNAPSHOT_SHA[:12] in problem.message


def test_quote_over_forty_words(lint: Lint) -> None:
    long_quote = " ".join(["word"] * 41)
    found = lint({BRIEFING: with_quote(f'"{long_quote}"')})
    assert (BRIEFING, 12, 20, "CIT005") in found
    forty = " ".join(["word"] * 40)
    assert (BRIEFING, 12, 20, "CIT005") not in lint({BRIEFING: with_quote(f'"{forty}"')})


def test_quote_that_occurs_twice_is_a_warning(project: MiniProject) -> None:
    project.write(BRIEFING, with_quote('"the"'))
    [problem] = project.lint().problems
    assert (problem.code, problem.severity.value) == ("CIT006", "warning")
    assert "occurs 5 times" in problem.message


def test_fact_without_citation_or_with_empty_quote(lint: Lint) -> None:
    empty = with_quote('""')
    assert lint({BRIEFING: empty}) == [(BRIEFING, 12, 20, "SCH002")]
    none = BRIEFING_YAML.split("        citations:")[0] + "        citations: []\n"
    assert lint({BRIEFING: none}) == [(BRIEFING, 10, 20, "SCH002")]


def test_duplicate_fact_id_across_briefings(project: MiniProject) -> None:
    project.write("briefings/other.yaml", BRIEFING_YAML)
    [problem] = project.lint().problems
    assert (problem.where.path, problem.where.line, problem.where.column, problem.code) == \
        ("briefings/other.yaml", 7, 13, "FCT001")
    assert "already used at briefings/bridge.yaml:7" in problem.message


def test_fact_dated_after_its_sources(lint: Lint) -> None:
    assert lint({BRIEFING: BRIEFING_YAML.replace("date: 2024-03-04", "date: 2024-03-05")}) == \
        [(BRIEFING, 9, 15, "FCT002")]
    plan = BRIEFING_YAML.replace("date: 2024-03-04", "date: 2024-05\n        kind: plan")
    assert lint({BRIEFING: plan}) == []


def test_partial_dates_get_the_benefit_of_the_doubt(lint: Lint) -> None:
    assert lint({SOURCE: SOURCE_YAML.replace("published: 2024-03-04", "published: 2024-03"),
                 BRIEFING: BRIEFING_YAML.replace("date: 2024-03-04", "date: 2024-03-31")}) == []


def test_unused_source_is_a_warning(project: MiniProject) -> None:
    project.write("sources/spare.yaml", SOURCE_YAML)
    [problem] = project.lint().problems
    assert (problem.where.path, problem.code, problem.severity.value) == ("sources/spare.yaml", "SRC001", "warning")


def test_missing_url_is_a_warning_that_can_be_accepted(project: MiniProject) -> None:
    no_url = SOURCE_YAML.replace("url: https://example.org/bridge\n", "")
    project.write(SOURCE, no_url)
    assert project.codes() == [(SOURCE, 1, 1, "SRC002")]
    project.write(SOURCE, no_url + "lint:\n  ignore: [SRC002]\n  reason: not recorded\n")
    result = project.lint()
    assert result.problems == ()
    assert [p.code for p in result.suppressed] == ["SRC002"]


def test_suppression_accepts_only_the_named_code(project: MiniProject) -> None:
    text = SOURCE_YAML.replace("url: https://example.org/bridge\n", "")
    project.write(SOURCE, text + "lint:\n  ignore: [SRC001]\n  reason: wrong code\n")
    assert project.codes() == [(SOURCE, 1, 1, "SRC002")]


def test_relations_must_name_known_sources_without_cycles(lint: Lint) -> None:
    assert lint({SOURCE: SOURCE_YAML + "derived_from: [nowhere]\n"}) == [(SOURCE, 8, 15, "SRC003")]
    other = SOURCE_YAML.replace("City Herald", "Other") + "republished_from: [city-herald-2024]\n"
    found = lint({SOURCE: SOURCE_YAML + "derived_from: [other]\n", "sources/other.yaml": other})
    assert [code for *_, code in found if code != "SRC001"] == ["SRC003", "SRC003"]

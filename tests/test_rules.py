"""One test per rule: a violation at its exact place, and the clean case beside it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from build_tools.config import load_config
from build_tools.lint import lint_project
from build_tools.rules import quote_not_in_snapshot
from tests.conftest import BRIEFING_YAML, QUIET_CONSISTENCY, SNAPSHOT_SHA, SNAPSHOT_TEXT, SOURCE_YAML, MiniProject

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
    problems = {p.code: p for p in project.lint().problems}
    assert (problems["CIT006"].severity.value, problems["CIT009"].severity.value) == ("warning", "warning")
    assert "occurs 5 times" in problems["CIT006"].message  # on whole words only: not in "there", "other"


# --- what "verbatim" means: whole words, the snapshot's own characters ----------------------

def message_of(project: MiniProject, quote: str, code: str = "CIT003") -> str:
    project.write(BRIEFING, with_quote(quote))
    problems = [p for p in project.lint().problems if p.code == code]
    assert [(p.where.line, p.where.column) for p in problems] == [(12, 20)], project.lint().problems
    return problems[0].message


def lint_citing(project: MiniProject, source: str, quote: str) -> list[tuple[int, int, str]]:
    """Lint with the one citation of the fact on `source` (the unused default source is left out)."""
    project.write(BRIEFING, BRIEFING_YAML.replace("source: city-herald-2024", f"source: {source}")
                  .replace(QUOTE, quote))
    return [(p.where.line, p.where.column, p.code) for p in project.lint().problems if p.code != "SRC001"]


def test_a_quote_that_cuts_a_word_at_its_start_is_not_found(project: MiniProject, lint: Lint) -> None:
    assert message_of(project, '"he bridge would reopen in May"') == (
        "quote not found in snapshot of 'city-herald-2024'; \"he bridge would reopen in May\" starts inside the "
        "word \"the\" (the snapshot has \"the bridge would reopen in May\"); quote whole words and figures")
    assert lint({BRIEFING: with_quote('"the bridge would reopen in May"')}) == []


def test_a_quote_that_cuts_a_word_at_its_end_is_not_found(project: MiniProject, lint: Lint) -> None:
    assert 'ends inside the word "May"' in message_of(project, '"the bridge would reopen in Ma"')
    assert 'ends inside the word "pleased"' in message_of(project, '"We are very please"')
    assert lint({BRIEFING: with_quote('"the bridge would reopen in May."')}) == []


def test_a_figure_is_one_token(project: MiniProject, lint: Lint) -> None:
    assert 'starts inside the figure "1,204"' in message_of(project, '"204 vehicles on the first day"')
    assert 'ends inside the figure "1,204"' in message_of(project, '"Officials counted 1"')
    assert lint({BRIEFING: with_quote('"Officials counted 1,204 vehicles"')}) == []


def test_money_percentages_and_decimals_are_whole_figures(project: MiniProject) -> None:
    project.add_source("budget", "The plan costs $956 million, up from 20% on the 3.2 billion spent in 2023.\n")
    for quote, figure in (("56 million, up from", "$956"), ("The plan costs $956 million, up from 20", "20%"),
                          ("2 billion spent in 2023", "3.2")):
        assert lint_citing(project, "budget", f'"{quote}"') == [(12, 20, "CIT003")]
        [problem] = [p for p in project.lint().problems if p.code == "CIT003"]
        assert f'inside the figure "{figure}"' in problem.message, problem.message
    assert lint_citing(project, "budget", '"The plan costs $956 million, up from 20% on the 3.2 billion"') == []


def test_a_quote_without_words_is_an_error(project: MiniProject, lint: Lint) -> None:
    for empty in ('"..."', '"…"', '"—"', '","', '"… — …"'):
        message = message_of(project, empty, "CIT008")
        assert message.endswith("holds no word; quote the words that carry the fact"), message
    assert lint({BRIEFING: with_quote('"the bridge would reopen in May"')}) == []


def test_every_piece_of_a_quote_needs_a_word(project: MiniProject, lint: Lint) -> None:
    assert message_of(project, '"The minister said ... , ... reopen in May"', "CIT008") == (
        "piece \",\" of the quote holds no word; every piece between '...' marks must quote at least one word")
    assert lint({BRIEFING: with_quote('"The minister said ... reopen in May"')}) == []


def test_a_short_quote_is_a_warning(project: MiniProject, lint: Lint) -> None:
    assert message_of(project, '"May"', "CIT009") == (
        "quote has 1 word, under the minimum of 4; a short quote can match by accident and says little: "
        "quote the words around it")
    assert lint({BRIEFING: with_quote('"in May"')}) == [(BRIEFING, 12, 20, "CIT009")]
    assert lint({BRIEFING: with_quote('"would reopen in May"')}) == []
    assert lint({BRIEFING: with_quote('"the mayor said —"')}) == [(BRIEFING, 12, 20, "CIT009")]  # "—" is no word
    assert lint({"briefings.toml": QUIET_CONSISTENCY + "[lint.quote-too-short]\nmin_words = 2\n",
                 BRIEFING: with_quote('"in May"')}) == []


def test_an_ellipsis_may_not_skip_a_paragraph(project: MiniProject, lint: Lint) -> None:
    assert message_of(project, '"The minister said ... the council agreed."', "CIT010") == (
        "the omission in the quote skips 29 words of the snapshot and crosses a paragraph break; an omission may "
        "skip at most 60 words within one paragraph: quote the passages in separate citations")
    assert lint({BRIEFING: with_quote('"The minister said ... reopen in May"')}) == []
    assert lint({"briefings.toml": QUIET_CONSISTENCY + "[lint.ellipsis-gap-too-long]\nacross_paragraphs = true\n",
                 BRIEFING: with_quote('"The minister said ... the council agreed."')}) == []


def test_an_ellipsis_may_not_skip_more_than_sixty_words(project: MiniProject) -> None:
    words = " ".join(f"word{n}" for n in range(100))
    project.add_source("long", f"It began {words} and then it ended.\n")
    assert lint_citing(project, "long", '"It began word0 ... and then it ended."') == [(12, 20, "CIT010")]
    [problem] = [p for p in project.lint().problems if p.code == "CIT010"]
    assert problem.message.startswith("the omission in the quote skips 99 words of the snapshot;")
    assert lint_citing(project, "long", '"It began word0 ... word60 word61 ... and then it ended."') == []
    project.write("briefings.toml", QUIET_CONSISTENCY + "[lint.ellipsis-gap-too-long]\nmax_words = 100\n")
    assert lint_citing(project, "long", '"It began word0 ... and then it ended."') == []


def test_compatibility_look_alikes_are_different_characters(project: MiniProject) -> None:
    project.add_source("homes", "The council approved 106 new homes and five fine offices.\n")
    for look_alike in ("approved 10⁶ new homes", "approved １０６ new homes", "and five ﬁne offices",
                       "approved 106 new homes and ⑤"):
        assert lint_citing(project, "homes", f'"{look_alike}"') == [(12, 20, "CIT003")], look_alike
    assert lint_citing(project, "homes", '"approved 106 new homes and five fine offices"') == []


def test_canonically_equivalent_accents_match(project: MiniProject) -> None:
    project.add_source("accents", "The mayor, Jose\u0301 Lo\u0301pez, said so.\n")  # decomposed accents
    assert lint_citing(project, "accents", '"The mayor, José López, said so."') == []
    assert (12, 20, "CIT003") in lint_citing(project, "accents", '"The mayor, Jose"')  # "e" is not "é"
    assert lint_citing(project, "accents", '"The mayor, Jose Lo"') == [(12, 20, "CIT003")]


def test_a_context_quote_is_checked_like_a_quote(lint: Lint) -> None:
    context = "            context: \"%s\"\n"
    assert lint({BRIEFING: BRIEFING_YAML + context % "The minister said on Monday"}) == []
    assert lint({BRIEFING: BRIEFING_YAML + context % "The minister sad"}) == [(BRIEFING, 13, 22, "CIT003")]
    assert lint({BRIEFING: BRIEFING_YAML + context % "..."}) == [(BRIEFING, 13, 22, "CIT008")]


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


def test_uncertain_dates_are_judged_by_their_earliest_day(project: MiniProject) -> None:
    """Source published 4 March 2024. A fact is too late only when even its earliest day is later."""
    def problems(fact_date: str, published: str = "2024-03-04") -> list[str]:
        project.write(SOURCE, SOURCE_YAML.replace("published: 2024-03-04", f"published: {published}"))
        project.write(BRIEFING, BRIEFING_YAML.replace("date: 2024-03-04", f"date: {fact_date}"))
        return [p.message for p in project.lint().problems]

    for early_enough in ("2024-21", "2024-03~", "2024-03-06~", "../2024-06", "2024-03-01/2024-06", "2024-04?"):
        assert problems(early_enough, published="2024-04") == [], early_enough
    assert problems("2024-21") == []  # spring 2024 may mean 1 March
    assert problems("2024-03-07~") == []  # about 7 March may mean 4 March
    assert problems("2024-04~") == ["fact is dated 2024-04~ (about April 2024, no earlier than 2024-03-17) but its "
                                    "sources were published by 2024-03-04; correct the date or mark it 'kind: plan'"]
    assert problems("2024-22") == ["fact is dated 2024-22 (summer 2024, no earlier than 2024-06-01) but its "
                                   "sources were published by 2024-03-04; correct the date or mark it 'kind: plan'"]
    assert problems("2024-06", published="2024-05~") == []  # published about May: as late as 15 June
    assert len(problems("2024-06", published="2024-04~")) == 1  # published by 15 May at the latest
    assert problems("2024-06", published="2024-03/..") == []  # an open end gets the benefit of the doubt


def test_unused_source_is_a_warning(project: MiniProject) -> None:
    project.add_source("spare", "An unrelated archived article about the weather.\n")
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
    assert project.codes() == [(SOURCE, 1, 1, "SRC002"), (SOURCE, 8, 12, "CIT012")]  # and SRC001 accepts nothing


def test_relations_must_name_known_sources_without_cycles(project: MiniProject) -> None:
    project.write(SOURCE, SOURCE_YAML + "derived_from: [nowhere]\n")
    assert project.codes() == [(SOURCE, 8, 15, "SRC003")]
    project.write(SOURCE, SOURCE_YAML + "derived_from: [other]\n")
    project.add_source("other", "Another text entirely.\n", "republished_from: [city-herald-2024]\n")
    problems = [p for p in project.lint().problems if p.code in {"SRC003", "SRC004"}]
    assert [(p.where.path, p.code) for p in problems] == [("sources/city-herald-2024.yaml", "SRC003"),
                                                          ("sources/other.yaml", "SRC003")]
    assert "relations form a cycle: city-herald-2024 → other → city-herald-2024" in problems[0].message


def test_two_sources_with_one_snapshot(project: MiniProject) -> None:
    project.write("sources/copy.yaml", SOURCE_YAML)
    codes = project.codes()
    assert ("sources/copy.yaml", 6, 3, "SRC004") in codes


def test_fact_citing_only_a_rewrite_when_the_original_is_present(project: MiniProject) -> None:
    project.add_source("rewrite", SNAPSHOT_TEXT.replace("Officials", "City officials"),
                       "derived_from: [city-herald-2024]\n")
    project.write(BRIEFING, BRIEFING_YAML.replace("source: city-herald-2024", "source: rewrite"))
    assert (BRIEFING, 11, 11, "FCT003") in project.codes()
    both = BRIEFING_YAML + "          - source: rewrite\n            quote: \"the bridge would reopen\"\n"
    project.write(BRIEFING, both)
    assert project.codes() == []


def test_undeclared_near_duplicate_is_flagged_with_a_suggestion(project: MiniProject) -> None:
    for index in range(6):  # a corpus baseline of unrelated articles
        project.add_source(f"other-{index}", f"Unrelated report number {index} about gardens and rain {index * 7}.\n")
    project.add_source("copy", SNAPSHOT_TEXT + "Reprinted with permission.\n")
    problems = [p for p in project.lint().problems if p.code == "SRC005"]
    assert len(problems) == 1
    assert "add 'derived_from: [city-herald-2024]' or 'republished_from: [city-herald-2024]'" in problems[0].message
    project.add_source("copy", SNAPSHOT_TEXT + "Reprinted with permission.\n", "republished_from: [city-herald-2024]\n")
    assert not [p for p in project.lint().problems if p.code == "SRC005"]


def test_status_must_name_existing_other_facts(lint: Lint) -> None:
    status = "        status: {value: superseded, by: [%s], reason: Later news.}\n"
    text = BRIEFING_YAML.replace("        citations:", status % "nope" + "        citations:")
    assert lint({BRIEFING: text}) == [(BRIEFING, 10, 17, "FCT004")]
    text = BRIEFING_YAML.replace("        citations:", status % "bridge-reopens" + "        citations:")
    assert lint({BRIEFING: text}) == [(BRIEFING, 10, 17, "FCT004")]



def test_a_state_needs_an_as_of_date(lint: Lint) -> None:
    state = BRIEFING_YAML.replace("date: 2024-03-04", "date: 2024-03-04\n        kind: state")
    assert lint({BRIEFING: state}) == [(BRIEFING, 10, 15, "FCT010")]
    dated = BRIEFING_YAML.replace("date: 2024-03-04", "date: 2024-03-04\n        as_of: 2024-03-04\n"
                                  "        kind: state")
    assert lint({BRIEFING: dated}) == []


def test_naming_files_reports_only_their_problems_and_skips_the_others(project: MiniProject) -> None:
    """Rules that report on facts check only the facts of the named files (`Context.facts`); the problems of
    a named file are the same as in a whole-project lint."""
    bad = BRIEFING_YAML.replace("date: 2024-03-04", "date: 2024-03-05\n        kind: state")
    project.write(BRIEFING, bad)
    project.write("briefings/other.yaml", bad.replace("bridge-reopens", "other-fact"))
    whole = [(p.where.path, p.code) for p in project.lint().problems]
    assert whole == [(BRIEFING, "FCT002"), (BRIEFING, "FCT010"), ("briefings/other.yaml", "FCT002"),
                     ("briefings/other.yaml", "FCT010")]
    config = load_config(project.root, str(project.snapshots), environ={})
    named = [(p.where.path, p.code) for p in lint_project(config, ["briefings/other.yaml"]).problems]
    assert named == whole[2:]

# --- evidence errors cannot be accepted -----------------------------------------------------

ACCEPT = "        lint:\n          ignore: [{codes}]\n          reason: The article was edited after we quoted it.\n"


def test_accepting_an_evidence_error_is_itself_an_error(project: MiniProject) -> None:
    fabricated = with_quote('"the bridge would reopen in June"')
    project.write(BRIEFING, fabricated + ACCEPT.format(codes="CIT003"))
    result = project.lint()
    assert [(p.where.line, p.where.column, p.code) for p in result.problems] == [(12, 20, "CIT003"),
                                                                                 (14, 20, "CIT011")]
    assert result.suppressed == ()
    assert result.problems[1].message == (
        "'lint: ignore' cannot accept CIT003 (quote-not-in-snapshot): it means the quote is not proven by its "
        "snapshot, so it stays an error; fix the citation and remove CIT003 from the list")
    repeated = with_quote('"the city"')  # the clean case: a warning may be accepted with a reason
    project.write(BRIEFING, repeated + ACCEPT.format(codes="CIT009"))
    result = project.lint()
    assert (result.problems, [p.code for p in result.suppressed]) == ((), ["CIT009"])


def test_no_evidence_code_can_be_accepted_on_a_source_or_a_fact(project: MiniProject) -> None:
    (project.snapshots / "bridge.txt").unlink()
    project.write(SOURCE, SOURCE_YAML + "lint:\n  ignore: [SRC001, CIT002, CIT004]\n  reason: Lost.\n")
    assert project.codes() == [(SOURCE, 6, 3, "CIT002"), (SOURCE, 9, 20, "CIT011"), (SOURCE, 9, 28, "CIT011")]
    project.write(SOURCE, SOURCE_YAML)
    (project.snapshots / "bridge.txt").write_text(SNAPSHOT_TEXT, encoding="utf-8")
    project.write(BRIEFING, with_quote('"…"') + ACCEPT.format(codes="CIT008, CIT011"))
    assert project.codes() == [(BRIEFING, 12, 20, "CIT008"), (BRIEFING, 14, 20, "CIT011"),
                               (BRIEFING, 14, 28, "CIT011")]


def test_a_waiver_accepts_the_problems_of_its_own_fact_only_when_another_fact_has_its_id(
        project: MiniProject) -> None:
    """Waivers were matched to problems by fact id: a second fact with the same id, in another briefing or in
    the same one, had its problems accepted by the first one's `lint: ignore`."""
    waived = with_quote('"the city"') + ACCEPT.format(codes="CIT009")
    project.write(BRIEFING, waived)
    assert [p.code for p in project.lint().suppressed] == ["CIT009"]  # its own problem is accepted
    project.write("briefings/other.yaml", with_quote('"the city"').replace("The bridge", "Other"))
    result = project.lint()
    assert [(p.where.path, p.where.line, p.code) for p in result.problems] == [
        ("briefings/other.yaml", 7, "FCT001"), ("briefings/other.yaml", 12, "CIT009")]
    assert [(p.where.path, p.code) for p in result.suppressed] == [(BRIEFING, "CIT009")]
    twice = waived + with_quote('"the city"').split("    facts:\n", 1)[1]  # both in one section
    project.write(BRIEFING, twice)
    (project.root / "briefings/other.yaml").unlink()
    result = project.lint()
    assert [(p.where.line, p.code) for p in result.problems] == [(16, "FCT001"), (21, "CIT009")]
    assert [(p.where.line, p.code) for p in result.suppressed] == [(12, "CIT009")]


def test_two_facts_with_one_id_cannot_be_accepted(project: MiniProject) -> None:
    """Accepted, they would publish two facts under one anchor and one key in the exports."""
    project.write("briefings/other.yaml", BRIEFING_YAML.replace("The bridge", "Other") + ACCEPT.format(
        codes="FCT001"))
    result = project.lint()
    assert [(p.where.path, p.where.line, p.where.column, p.code) for p in result.problems] == [
        ("briefings/other.yaml", 7, 13, "FCT001"), ("briefings/other.yaml", 14, 20, "CIT011")]
    assert result.suppressed == ()
    assert result.problems[1].message == (
        "'lint: ignore' cannot accept FCT001 (duplicate-fact-id): two facts with one id share one anchor on the "
        "site and one key in the exports, so it stays an error; give one of them another id and remove FCT001 "
        "from the list")


def test_evidence_rules_cannot_be_disabled(project: MiniProject) -> None:
    import pytest

    from build_tools.config import ConfigError

    project.write("briefings.toml", '[lint]\ndisable = ["quote-not-in-snapshot"]\n')
    with pytest.raises(ConfigError, match=r"CIT003 \(quote-not-in-snapshot\) cannot be disabled: it means the "
                       "quote is not proven by its snapshot"):
        project.lint()
    project.write("briefings.toml", '[lint]\ndisable = ["duplicate-fact-id"]\n')
    with pytest.raises(ConfigError, match=r"FCT001 \(duplicate-fact-id\) cannot be disabled: two facts with one "
                       "id share one anchor"):
        project.lint()
    project.write("briefings.toml", '[lint]\ndisable = ["SRC002", "FCT008"]\n')  # the clean case
    assert project.codes() == []


SECOND_FACT = """\
      - id: bridge-delayed
        text: The minister said the bridge would reopen in May.
        date: 2024-03-04
        status: {value: superseded, by: [bridge-reopens], reason: The city said otherwise.}
        citations:
          - source: city-herald-2024
            quote: "would reopen in May"
"""


def test_short_answer_names_current_facts_of_its_own_briefing(project: MiniProject) -> None:
    def problems(answer: str) -> list[tuple[int, int, str, str]]:
        text = BRIEFING_YAML.replace("updated: 2024-03\n", f"updated: 2024-03\nshort_answer: {answer}\n")
        project.write(BRIEFING, text + SECOND_FACT)
        return [(p.where.line, p.where.column, p.code, p.message) for p in project.lint().problems]

    assert problems("[bridge-reopens]") == []
    assert problems("[bridge-delayed]") == [(4, 16, "FCT009", "short answer names fact 'bridge-delayed', which is "
                                             "superseded by 'bridge-reopens'; name the fact that answers the "
                                             "question now")]
    assert problems("[bridge-reopens, bridge-tolls]") == [
        (4, 32, "FCT009", "short answer names 'bridge-tolls', which is not a fact of this briefing; name one of "
                          "its own facts")]
    assert problems("[bridge-reopens, bridge-reopens]") == [
        (4, 32, "FCT009", "short answer names fact 'bridge-reopens' more than once; remove the repeat")]
    too_many = problems("[bridge-reopens, bridge-reopens, bridge-reopens, bridge-reopens]")
    assert too_many[0][:3] == (4, 15, "SCH009") and "over the limit of 3" in too_many[0][3]  # one to three


def test_a_quote_verbatim_in_another_snapshot_is_found_however_the_snapshot_writes_it(project: MiniProject) -> None:
    """The wrong source cited: the search for the right one looks first for the quote's longest ASCII word in
    each snapshot's text, which the comparison's folds (NFC, typographic marks, spacing) cannot hide."""
    other = "Officials said the KELVIN dial read 1,204 \u2014 and \u201cnot more\u201d, in Cafe\u0301 du Port.\n"
    project.add_source("city-gazette", other.replace("KELVIN", "\u212aELVIN"))
    quote = '"the KELVIN dial read 1,204 - and \\"not more\\", in Caf\u00e9 du Port"'
    problems = [p for p in project.lint().problems if p.code == "CIT003"]
    project.write(BRIEFING, with_quote(quote))
    [problem] = [p for p in project.lint().problems if p.code == "CIT003"]
    assert problems == [] and problem.message.endswith("verbatim in the snapshot of 'city-gazette': cite that source")
    assert quote_not_in_snapshot.ascii_probe("the KELVIN dial read 1,204") == ("ELVIN", "dial", "read", "204")

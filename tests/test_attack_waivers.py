"""Attack on waivers (`lint: {ignore: [...], reason: ...}` on a fact or a source) and on rules disabled in
`briefings.toml` (`[lint] disable = [...]`): what they let through must never make the published site or the
exports wrong, and a waiver must accept its own object's problems only.

1. Every code that can be accepted or disabled (`Code.waivable`) is triggered in one small project, accepted there
   (and, in a twin project, disabled instead), and the project is built with `mkdocs build --strict`: no broken
   link, no duplicate HTML id, exports that parse, and nothing that counts one article twice. The codes whose
   acceptance would publish a wrong page are firm (`Code.firm`): FCT001, FCT007, FCT009 and SRC003 besides the
   evidence errors; each firm code is refused by both `lint: ignore` and `[lint] disable`.
2. Scoping: a waiver accepts the problems of its own fact or source only (not a neighbour's, not another file's,
   not a problem found while reading the file), and a waiver naming a code that is no rule's, or one found while
   reading, is itself an error. The session's incremental lint gives what a whole lint gives.
3. The reports: SARIF gives each accepted problem its own waiver's reason; JSON and text count what was accepted.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.config import ConfigError, load_config
from build_tools.lint import LintResult, lint_project
from build_tools.report import format_json, format_sarif, summary
from build_tools.rules import RULES
from build_tools.session import Session
from tests.conftest import (
    BRIEFING_YAML,
    ROOT,
    SNAPSHOT_SHA,
    SNAPSHOT_TEXT,
    SOURCE_YAML,
    MiniProject,
    mkdocs_build,
)
from tests.scenario import git
from tests.site_links import broken_links, duplicate_ids
from tests.test_live_serve import site_config

WAIVABLE = sorted(rule.code.code for rule in RULES if rule.code.waivable)
FIRM = sorted(rule.code.code for rule in RULES if not rule.code.waivable)
BRIEFING = "briefings/bridge.yaml"
SOURCE = "sources/city-herald-2024.yaml"

# Invented text (no article text in the repository): a long paragraph for a long quote and a long omission, a
# sentence written twice for a quote found in two places.
HARBOUR = (
    "The harbour board met on Tuesday to discuss the ferry timetable for the coming season, and members spent "
    "most of the evening on the question of whether the morning crossing should leave at seven or at eight "
    "because the fishing fleet wants the quay clear before dawn every single day, as the harbour master told "
    "the members in a long letter.\n"
    "The chair said the board would review the timetable in June.\n"
    "The chair said the board would review the timetable in June.\n"
    "The ferry company thanked the board for its patience.\n")
REWRITE = "A rewrite said the bridge would reopen in May, the minister said.\n"
# One snapshot each for the sources whose own problems are accepted: unlike each other, so that no two of them
# look like copies (undeclared-near-duplicate is triggered on purpose by `dup-2024` only).
UNIQUE = {
    "nourl": "Alpine goats graze quietly near remote villages during warm summers.\n",
    "unused": "Copper kettles whistle loudly whenever grandmother prepares strong tea.\n",
    "idn": "Violet lanterns illuminate narrow alleys beside crumbling stone walls.\n",
    "dead": "Seventeen cyclists raced downhill through foggy pine forests yesterday.\n",
    "capture": "Quiet librarians catalogue dusty manuscripts about medieval astronomy.\n",
}
LONG_QUOTE = ('"The harbour board met on Tuesday to discuss the ferry timetable for the coming season, and members '
              'spent most of the evening on the question of whether the morning crossing should leave at seven or '
              'at eight because the fishing fleet wants the quay clear"')
MAY = '"the bridge would reopen in May"'


def sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def waiver(codes: str, indent: str = "        ", reason: str = "Accepted on purpose.") -> str:
    return f"{indent}lint:\n{indent}  ignore: [{codes}]\n{indent}  reason: {reason}\n"


def source_yaml(snapshot: str, file: str, extra: str = "", url: str | None = "https://example.org/bridge") -> str:
    yaml = SOURCE_YAML.replace(SNAPSHOT_SHA, sha(snapshot)).replace("file: bridge.txt", f"file: {file}")
    address = f"url: {url}\n" if url else ""
    return yaml.replace("url: https://example.org/bridge\n", address) + extra


def fact_yaml(fact_id: str, quote: str, extra: str = "", source: str = "city-herald-2024",
              text: str = "The minister said the bridge would reopen in May.", date: str = "2024-03-04",
              codes: str = "") -> str:
    yaml = (f"      - id: {fact_id}\n        text: {text}\n        date: {date}\n{extra}"
            f"        citations:\n          - source: {source}\n            quote: {quote}\n")
    return yaml + (waiver(codes) if codes else "")


def accepting_project(root: Path, snapshots: Path, waive: bool) -> MiniProject:
    """A project in which every waivable code is triggered; with `waive`, each problem is accepted on its own fact
    or source, else every waivable rule is disabled in briefings.toml. A git repository (the ledger's rule needs
    a published fact), with one uncommitted change of substance."""
    project = MiniProject(root, snapshots)
    snapshots.mkdir(parents=True)

    def accept(codes: str, indent: str = "") -> str:
        return waiver(codes, indent) if waive else ""

    for name, text in {"bridge.txt": SNAPSHOT_TEXT, "harbour.txt": HARBOUR, "rewrite.txt": REWRITE,
                       **{f"{key}.txt": value for key, value in UNIQUE.items()}}.items():
        (snapshots / name).write_text(text, encoding="utf-8")
    capture = b"not the capture that was recorded\n"
    (snapshots / "captures").mkdir()
    (snapshots / "captures" / f"{sha(b'the recorded capture')}.warc").write_bytes(capture)  # CIT007
    write = project.write
    write(SOURCE, SOURCE_YAML)
    write("sources/harbour-2024.yaml", source_yaml(HARBOUR, "harbour.txt", url="https://example.org/harbour"))
    write("sources/rewrite-2024.yaml", source_yaml(REWRITE, "rewrite.txt", "derived_from: [city-herald-2024]\n",
                                                   url="https://example.org/rewrite"))
    write("sources/dup-2024.yaml", source_yaml(SNAPSHOT_TEXT, "bridge.txt", accept("SRC004, SRC005"),
                                               url="https://example.org/dup"))
    write("sources/nourl-2024.yaml", source_yaml(UNIQUE["nourl"], "nourl.txt", accept("SRC001, SRC002"), url=None))
    write("sources/unused-2024.yaml", source_yaml(UNIQUE["unused"], "unused.txt", accept("SRC001"),
                                                  url="https://example.org/unused"))
    write("sources/idn-2024.yaml", source_yaml(UNIQUE["idn"], "idn.txt", accept("SRC001, SRC006"),
                                               url="https://ex\u0430mple.org/idn"))
    write("sources/dead-2024.yaml", source_yaml(UNIQUE["dead"], "dead.txt", "url_status: dead\n" + accept(
        "SRC001, SRC007"), url="https://example.org/dead"))
    write("sources/capture-2024.yaml", source_yaml(UNIQUE["capture"], "capture.txt", (
        f"capture:\n  sha256: {sha(b'the recorded capture')}\n  record_id: '<urn:uuid:1>'\n"
        "  extractor: trafilatura 2.0.0\n") + accept("SRC001, CIT007"), url="https://example.org/capture"))

    def facts(waived: bool) -> str:
        def codes(listed: str) -> str:
            return listed if waived else ""

        return "".join([
            fact_yaml("long-quote", LONG_QUOTE, source="harbour-2024", text="The harbour board discussed the "
                      "ferry timetable.", codes=codes("CIT005")),
            fact_yaml("not-unique", '"The chair said the board would review the timetable in June"',
                      source="harbour-2024", text="The chair said the board would review the timetable in June.",
                      codes=codes("CIT006")),
            fact_yaml("short-quote", '"the city"', text="The city said so.", codes=codes("CIT009")),
            fact_yaml("gap", '"The harbour board met ... thanked the board for its patience"', source="harbour-2024",
                      text="The harbour board met.", codes=codes("CIT010")),
            fact_yaml("after", MAY, date="2025-03-04", codes=codes("FCT002")),
            fact_yaml("derived", MAY, source="rewrite-2024", codes=codes("FCT003")),
            fact_yaml("status-unknown", MAY, "        status: {value: superseded, by: [no-such-fact], reason: "
                      "Later.}\n", codes=codes("FCT004")),
            fact_yaml("status-self", MAY, "        status: {value: disputed, by: [status-self, status-self], "
                      "reason: Doubted.}\n", codes=codes("FCT004")),
            fact_yaml("status-none", MAY, "        status: {value: superseded, reason: Later.}\n",
                      codes=codes("FCT004")),
            fact_yaml("beyond", MAY, text="The minister said 9,999 bridges would reopen in May.",
                      codes=codes("FCT008")),
            fact_yaml("state", MAY, "        kind: state\n", codes=codes("FCT010")),
            fact_yaml("stale", MAY, codes=codes("CIT009, CIT012")),  # its quote is no longer too short
            fact_yaml("changed", MAY, text="The minister said 3 bridges would reopen in May.",
                      codes=codes("FCT006, FCT008")),
            fact_yaml("one-article", MAY, text="The minister said the bridge would reopen in May.")
            + "          - source: dup-2024\n            quote: \"the bridge would reopen in May\"\n",
        ])

    head = ("title: Accepted\nsummary: Every problem that can be accepted, accepted.\nupdated: 2024-03\n"
            "short_answer: [short-quote]\nsections:\n  - title: All\n    facts:\n")
    write("briefings/accepted.yaml", head + facts(waived=False))
    write(BRIEFING, BRIEFING_YAML)
    disabled = "" if waive else "".join(f'"{code}", ' for code in WAIVABLE)
    write("briefings.toml", f"[lint]\ndisable = [{disabled}]\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "Publish")
    write("briefings/accepted.yaml", head + facts(waived=waive).replace("said 3 bridges", "said 4 bridges"))  # FCT006
    return project


Built = dict[str, tuple[MiniProject, LintResult, Path]]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Both twins, linted and built once with `mkdocs build --strict` (this repository's mkdocs.yml and docs)."""
    found = {}
    for variant in ("accepted", "disabled"):
        folder = tmp_path_factory.mktemp(f"waivers-{variant}")
        project = MiniProject(folder / "proj", folder / "snaps")
        project.root.mkdir()
        site_config(project)
        accepting_project(project.root, project.snapshots, waive=variant == "accepted")
        site = folder / "site"
        result = mkdocs_build(project.root, site, project.snapshots, SOURCE_DATE_EPOCH="1700000000")
        assert result.returncode == 0, result.stderr
        assert "WARNING" not in result.stderr, result.stderr
        found[variant] = (project, project.lint(), site)
    return found


# --- 1. every waivable code, accepted or disabled, builds a sound site ---------------------------------------

def test_every_code_that_can_be_accepted_is_triggered_and_accepted_on_its_own_object(built: Built) -> None:
    _, result, _ = built["accepted"]
    assert [p.line() for p in result.problems] == []
    assert sorted({p.code for p in result.suppressed}) == WAIVABLE  # a new waivable rule must be tried here too
    codes = {rule.code.code: rule.code for rule in RULES}
    assert [p.line() for p in result.suppressed  # about "": unused-waiver, on the waiver's own object
            if codes[p.code].about and not p.subject.startswith(f"{codes[p.code].about}:")] == []


def test_the_same_codes_disabled_leave_nothing_and_accept_nothing(built: Built) -> None:
    _, result, _ = built["disabled"]
    assert ([p.line() for p in result.problems], result.suppressed) == ([], ())


@pytest.mark.parametrize("variant", ["accepted", "disabled"])
def test_the_site_has_no_broken_link_and_no_duplicate_id(built: Built, variant: str) -> None:
    _, _, site = built[variant]
    assert (site / "briefings/accepted/index.html").is_file()
    assert broken_links(site) == []
    assert duplicate_ids(site) == []


@pytest.mark.parametrize("variant", ["accepted", "disabled"])
def test_the_exports_parse_and_name_each_fact_once(built: Built, variant: str) -> None:
    _, _, site = built[variant]
    data = json.loads((site / "data/briefings.json").read_text(encoding="utf-8"))
    ids = [fact["id"] for fact in data["facts"]]
    assert len(ids) == len(set(ids)) == 15
    assert json.loads((site / "data/sources.csl.json").read_text(encoding="utf-8"))
    assert json.loads((site / "data/annotations.jsonld").read_text(encoding="utf-8"))["total"] == 16
    rows = list(csv.DictReader(io.StringIO((site / "data/briefings/accepted.csv").read_text(encoding="utf-8"))))
    assert len({row["fact_id"] for row in rows}) == 14


@pytest.mark.parametrize("variant", ["accepted", "disabled"])
def test_two_sources_of_one_snapshot_count_as_one_article(built: Built, variant: str) -> None:
    """duplicate-snapshot (SRC004) is a warning: accepted, disabled or merely shown, the two source files of one
    archived copy counted as two independent sources of the fact that cites both."""
    _, _, site = built[variant]
    data = json.loads((site / "data/briefings/accepted.json").read_text(encoding="utf-8"))
    [fact] = [fact for fact in data["facts"] if fact["id"] == "one-article"]
    assert fact["independent_sources"] == 1
    page = (site / "briefings/accepted/index.html").read_text(encoding="utf-8")
    meta = page.split('id="fact-one-article"', 1)[1].split('class="sb-fact-meta"', 1)[1].split("</p>", 1)[0]
    assert "&#50; sources, 1 independent" in meta


@pytest.mark.parametrize("variant", ["accepted", "disabled"])
def test_a_fact_disputed_by_itself_points_at_no_fact(built: Built, variant: str) -> None:
    """bad-status (FCT004) accepted: `by: [itself, itself]` gave a 'see fact' link to the fact's own heading."""
    _, _, site = built[variant]
    page = (site / "briefings/accepted/index.html").read_text(encoding="utf-8")
    meta = page.split('id="fact-status-self"', 1)[1].split('class="sb-fact-meta"', 1)[1].split("</p>", 1)[0]
    assert "Doubted" in meta and "fact-status-self" not in meta and "see" not in meta


# --- firm codes: neither accepted nor disabled ---------------------------------------------------------------

def test_the_firm_codes_are_the_evidence_errors_and_those_that_would_publish_a_wrong_page() -> None:
    assert FIRM == ["CIT001", "CIT002", "CIT003", "CIT004", "CIT008", "CIT011", "FCT001", "FCT007", "FCT009",
                    "SRC003"]


@pytest.mark.parametrize("code", FIRM)
def test_a_firm_code_cannot_be_disabled_by_code_or_name(project: MiniProject, code: str) -> None:
    name = next(rule.code.name for rule in RULES if rule.code.code == code)
    for written in (code, name):
        project.write("briefings.toml", f'[lint]\ndisable = ["{written}"]\n')
        with pytest.raises(ConfigError) as raised:
            project.lint()
        assert f"briefings.toml:2: [lint] disable: {code} ({name}) cannot be disabled: " in str(raised.value)


@pytest.mark.parametrize("code", FIRM)
def test_a_firm_code_in_lint_ignore_is_an_error_on_a_fact_and_on_a_source(project: MiniProject, code: str) -> None:
    project.write(BRIEFING, BRIEFING_YAML + waiver(code))
    project.write(SOURCE, SOURCE_YAML + waiver(code, ""))
    found = [(p.where.path, p.where.line, p.where.column, p.code) for p in project.lint().problems]
    assert found == [(BRIEFING, 14, 20, "CIT011"), (SOURCE, 9, 12, "CIT011")]


REPLACES_TWICE = BRIEFING_YAML + fact_yaml("bridge-a", MAY, "        replaces: old-bridge\n", codes="FCT007") + \
    fact_yaml("bridge-b", MAY, "        replaces: old-bridge\n", codes="FCT007")


def test_two_facts_that_claim_one_former_id_cannot_be_accepted(project: MiniProject) -> None:
    """Accepted, both facts carried the empty anchor `fact-old-bridge`: one page, one id, two elements."""
    project.write(BRIEFING, REPLACES_TWICE)
    result = project.lint()
    assert result.suppressed == ()
    assert [(p.where.line, p.code) for p in result.problems] == [(16, "FCT007"), (21, "CIT011"), (26, "FCT007"),
                                                                 (31, "CIT011")]
    assert result.problems[1].message == (
        "'lint: ignore' cannot accept FCT007 (bad-replaces): a wrong 'replaces:' gives a fact an id it never had: "
        "two facts could share one old anchor, and the exports would record a rename that never happened, so it "
        "stays an error; correct 'replaces:' or remove it and remove FCT007 from the list")


def test_a_short_answer_with_another_pages_or_a_superseded_fact_cannot_be_disabled(project: MiniProject) -> None:
    """Disabled, the short answer showed another briefing's superseded fact as this page's answer, with no mark."""
    project.write("briefings/other.yaml", BRIEFING_YAML.replace("bridge-reopens", "bridge-closed").replace(
        "        citations:", "        status: {value: superseded, by: [bridge-reopens], reason: Later.}\n"
        "        citations:"))
    project.write(BRIEFING, BRIEFING_YAML.replace("updated: 2024-03\n", "updated: 2024-03\n"
                                                  "short_answer: [bridge-closed, bridge-reopens, bridge-reopens]\n"))
    assert [(p.where.line, p.where.column, p.code) for p in project.lint().problems] == [
        (4, 16, "FCT009"), (4, 47, "FCT009")]
    project.write("briefings.toml", '[lint]\ndisable = ["fact-beyond-quotes", "bad-short-answer"]\n')
    environment = {**os.environ, "BRIEFINGS_SNAPSHOTS": str(project.snapshots), "PYTHONPATH": str(ROOT)}
    build = subprocess.run([sys.executable, "-m", "build_tools", "build"], cwd=project.root, env=environment,
                           capture_output=True, text=True)
    assert build.returncode == 2 and "Traceback" not in build.stderr
    assert ("briefings.toml:2: [lint] disable: FCT009 (bad-short-answer) cannot be disabled: the short answer is "
            "what readers see first") in build.stderr
    assert not (project.root / "build/pages").exists()


def test_a_relation_to_itself_to_no_source_or_in_a_circle_cannot_be_accepted(project: MiniProject) -> None:
    """Accepted, the source page said 'Derived from: <itself>' and 'Rewritten by: <itself>', showed the unknown id
    as a name, and two sources in a circle each claimed to rewrite the other."""
    project.add_source("other-2024", UNIQUE["nourl"], "derived_from: [city-herald-2024]\n" + waiver("SRC003", ""))
    project.write(SOURCE, SOURCE_YAML + "derived_from: [city-herald-2024, no-such-source, other-2024]\n"
                  + waiver("SRC003", ""))
    result = project.lint()
    assert result.suppressed == ()
    assert [(p.where.path, p.where.line, p.code) for p in result.problems] == [
        (SOURCE, 8, "SRC003"), (SOURCE, 8, "SRC003"), (SOURCE, 8, "SRC003"), (SOURCE, 10, "CIT011"),
        ("sources/other-2024.yaml", 1, "SRC001"), ("sources/other-2024.yaml", 8, "SRC003"),
        ("sources/other-2024.yaml", 10, "CIT011")]


# --- 2. scoping ------------------------------------------------------------------------------------------------

SECOND = fact_yaml("bridge-tolls", '"the city"', text="The city said so.")


def accepted(result: LintResult) -> list[tuple[str, int, str]]:
    return [(p.where.path, p.where.line, p.code) for p in result.suppressed]


def reported(result: LintResult) -> list[tuple[str, int, str]]:
    return [(p.where.path, p.where.line, p.code) for p in result.problems]


def test_a_waiver_accepts_its_own_facts_problems_not_a_neighbours(project: MiniProject) -> None:
    waived = fact_yaml("bridge-short", '"the city"', text="The city said so.", codes="CIT009")
    project.write(BRIEFING, BRIEFING_YAML + waived + SECOND)
    result = project.lint()
    assert (accepted(result), reported(result)) == ([(BRIEFING, 18, "CIT009")], [(BRIEFING, 27, "CIT009")])


def test_a_source_waiver_accepts_the_sources_problems_not_those_of_the_facts_citing_it(project: MiniProject) -> None:
    project.write(SOURCE, SOURCE_YAML.replace("url: https://example.org/bridge\n", "") + waiver("SRC002, CIT009", ""))
    project.write(BRIEFING, BRIEFING_YAML + SECOND)
    result = project.lint()
    assert (accepted(result), reported(result)) == ([(SOURCE, 1, "SRC002")], [(BRIEFING, 18, "CIT009"),
                                                                            (SOURCE, 8, "CIT011")])
    assert result.problems[1].message == (
        "'lint: ignore' on a source never accepts CIT009 (quote-too-short), which is reported on a fact: accept it "
        "in that fact's 'lint: ignore'; remove CIT009 from this list")


def test_every_rule_says_what_its_problems_are_about() -> None:
    """`Code.about` decides which waivers may name a code; a rule without it could be named by no waiver."""
    assert {rule.code.code: rule.code.about for rule in RULES if rule.code.about not in ("fact", "source")} == {
        "CIT011": "", "CIT012": "", "FCT009": "briefing"}


def test_a_fact_waiver_does_not_accept_its_sources_problems(project: MiniProject) -> None:
    project.write(SOURCE, SOURCE_YAML.replace("url: https://example.org/bridge\n", ""))
    project.write(BRIEFING, BRIEFING_YAML + waiver("SRC002"))
    result = project.lint()
    assert (accepted(result), reported(result)) == ([], [(BRIEFING, 14, "CIT011"), (SOURCE, 1, "SRC002")])
    assert result.problems[0].message == (
        "'lint: ignore' on a fact never accepts SRC002 (missing-url), which is reported on a source: accept it in "
        "that source's 'lint: ignore'; remove SRC002 from this list")


def test_a_problem_found_while_reading_is_never_accepted_and_naming_it_is_an_error(project: MiniProject) -> None:
    """A waiver listing `SCH005` accepted nothing and said nothing: the list looked as if it had."""
    project.write(BRIEFING, BRIEFING_YAML.replace("date: 2024-03-04", "date: 2024-02-30") + waiver("SCH005"))
    result = project.lint()
    assert result.suppressed == ()
    assert [(p.where.line, p.where.column, p.code, p.message) for p in result.problems] == [
        (9, 15, "SCH005", "'2024-02-30' does not exist: February 2024 has 29 days"),
        (14, 20, "CIT011", "'lint: ignore' cannot accept SCH005 (invalid-date): it is found while reading the file, "
                           "so only fixing the file removes it; fix it and remove SCH005 from the list")]


@pytest.mark.parametrize("codes", ["CIT090", "XYZ999", "CIT009, CIT090"])
def test_a_code_that_no_rule_has_is_an_error(project: MiniProject, codes: str) -> None:
    project.write(BRIEFING, BRIEFING_YAML.replace(MAY, '"the city"') + waiver(codes))
    result = project.lint()
    unknown = codes.split(", ")[-1]
    assert [(p.where.line, p.code, p.message) for p in result.problems if p.code == "CIT011"] == [
        (14, "CIT011", f"'lint: ignore' names {unknown}, which is no rule's code (`briefings rules` lists them); "
                       "correct it or remove it from the list")]
    assert accepted(result) == ([(BRIEFING, 12, "CIT009")] if "CIT009" in codes else [])


@pytest.mark.parametrize(("ignore", "reason", "expected"), [
    ("[CIT009, CIT009]", "Twice.", []),  # accepted once, no error
    ('[" CIT009 "]', "Spaces.", []),
    ("[cit009]", "Lower case.", [(14, 20, "SCH003")]),
    ("[quote-too-short]", "A name.", [(14, 20, "SCH003")]),
    ("[]", "Empty.", [(14, 19, "SCH002")]),
    ("[CIT009]", '"   "', [(15, 19, "SCH002")]),
    ("[CIT009]", '"\\t"', [(15, 19, "SCH002")]),
    ("[CIT009]", "null", [(15, 19, "SCH002")]),
])
def test_a_malformed_waiver_accepts_nothing(project: MiniProject, ignore: str, reason: str,
                                            expected: list[tuple[int, int, str]]) -> None:
    text = BRIEFING_YAML.replace(MAY, '"the city"')
    project.write(BRIEFING, text + f"        lint:\n          ignore: {ignore}\n          reason: {reason}\n")
    result = project.lint()
    if expected:
        assert [(p.where.line, p.where.column, p.code) for p in result.problems] == [(12, 20, "CIT009"), *expected]
        assert result.suppressed == ()
    else:
        assert (result.problems, accepted(result)) == ((), [(BRIEFING, 12, "CIT009")])


def same(result: LintResult) -> tuple[list[object], list[object]]:
    return list(result.problems), list(result.suppressed)


def test_the_sessions_incremental_lint_accepts_what_a_whole_lint_accepts(project: MiniProject) -> None:
    """The per-file rules' problems in unchanged files are kept from the previous lint; their waivers are matched
    by fact and place, so edits that move a waived fact, give its id to another fact, or break its waiver's list
    must give the whole lint's answer."""
    project.write(SOURCE, SOURCE_YAML.replace("url: https://example.org/bridge\n", "") + waiver("SRC002", ""))
    other = "briefings/other.yaml"
    waived = fact_yaml("bridge-short", '"the city"', text="The city said so.", codes="CIT009")
    project.write(other, BRIEFING_YAML.replace("bridge-reopens", "other-fact") + waived)
    session = Session()

    def check(expected_accepted: int) -> None:
        config = load_config(project.root, str(project.snapshots), environ={})
        whole = lint_project(config)
        assert same(session.lint(config)) == same(whole)
        assert len(whole.suppressed) == expected_accepted
        for path in (BRIEFING, other):  # an editor's lint of one file (the language server)
            assert same(session.lint(config, [path])) == same(lint_project(config, [path]))

    check(2)
    project.write(other, BRIEFING_YAML.replace("bridge-reopens", "other-fact").replace(
        "sections:", "# moved down\n\nsections:") + waived)  # the waived fact moves down three lines
    check(2)
    project.write(BRIEFING, BRIEFING_YAML + fact_yaml("bridge-short", '"the city"', text="The city said so."))
    check(2)  # another fact with its id: its problem stays, with FCT001
    project.write(other, BRIEFING_YAML.replace("bridge-reopens", "other-fact") + waived.replace("CIT009", "CIT090"))
    check(1)  # the waiver's code mistyped: its problem stays, with CIT011
    project.write(other, BRIEFING_YAML.replace("bridge-reopens", "other-fact") + waived)
    check(2)


# --- 3. the reports ------------------------------------------------------------------------------------------

def test_sarif_gives_each_accepted_problem_its_own_waivers_reason(project: MiniProject) -> None:
    first = fact_yaml("bridge-short", '"the city"', text="The city said so.")
    project.write(BRIEFING, BRIEFING_YAML + first + waiver("CIT009", reason="First reason."))
    project.write("briefings/other.yaml", BRIEFING_YAML.replace("bridge-reopens", "other-fact") + first
                  + waiver("CIT009", reason="Second reason."))
    result = project.lint()
    assert [p.code for p in result.problems] == ["FCT001"]  # the two facts share an id
    results = json.loads(format_sarif(result))["runs"][0]["results"]
    reasons = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["suppressions"][0].get("justification")) for r in results if "suppressions" in r}
    assert reasons == {(BRIEFING, "First reason."), ("briefings/other.yaml", "Second reason.")}
    counted = json.loads(format_json(result))
    assert counted["summary"]["suppressed"] == len(counted["suppressed"]) == 2
    assert "2 accepted by 'lint: ignore' (CIT009)" in summary(result)
    assert [r["ruleId"] for r in results if "suppressions" not in r] == ["FCT001"]


def test_a_firm_problem_is_never_in_the_suppressed_list(project: MiniProject) -> None:
    """The suppressed lists of every format come from `LintResult.suppressed`: a firm code listed in a waiver
    stays a problem there, never an accepted one."""
    project.write(BRIEFING, BRIEFING_YAML.replace(MAY, '"the bridge would reopen in June"') + waiver("CIT003"))
    result = project.lint()
    sarif = json.loads(format_sarif(result))["runs"][0]["results"]
    assert [(r["ruleId"], "suppressions" in r) for r in sarif] == [("CIT003", False), ("CIT011", False)]
    assert json.loads(format_json(result))["suppressed"] == []



def test_a_former_id_that_the_history_gives_another_fact_cannot_be_replaced(project: MiniProject) -> None:
    """No waiver at all: 'old' was renamed to 'x' (`replaces: old`, committed, then the line dropped), and a new
    fact 'y' declared `replaces: old`. bad-replaces counted only the `replaces:` written now (one), so both facts
    carried the anchor `fact-old` on one page."""
    head = BRIEFING_YAML.split("      - id:")[0]
    project.write(BRIEFING, head + fact_yaml("old", MAY))
    git(project.root, "init", "-q")
    git(project.root, "add", ".")
    git(project.root, "commit", "-q", "-m", "Publish")
    project.write(BRIEFING, head + fact_yaml("x", MAY, "        replaces: old\n"))
    git(project.root, "commit", "-qam", "Rename old to x", date="2024-03-02T00:00:00Z")
    project.write(BRIEFING, head + fact_yaml("x", MAY))
    git(project.root, "commit", "-qam", "Tidy", date="2024-03-03T00:00:00Z")
    project.write(BRIEFING, head + fact_yaml("x", MAY) + fact_yaml("y", MAY, "        replaces: old\n"))
    result = project.lint()
    assert [p.line() for p in result.problems] == [
        "briefings/bridge.yaml:16:19: error FCT007 'old' is already a former id of fact 'x' (git history: it was "
        "renamed); only the fact that was renamed may replace it: remove 'replaces' (bad-replaces)"]
    project.write(BRIEFING, head + fact_yaml("x", MAY, "        replaces: old\n"))  # the renamed fact itself may
    assert project.codes() == []


@pytest.mark.parametrize(("where", "line"), [
    ("updated: 2024-03\n", 4),  # on the briefing
    ("  - title: Reopening\n", 6),  # on a section
    ('            quote: "the city"\n', 13),  # on a citation
])
def test_a_waiver_anywhere_but_on_a_fact_or_a_source_is_an_unknown_key(project: MiniProject, where: str,
                                                                      line: int) -> None:
    indent = " " * (len(where) - len(where.lstrip()) + (2 if where.lstrip().startswith("-") else 0))
    text = BRIEFING_YAML.replace(MAY, '"the city"')
    project.write(BRIEFING, text.replace(where, where + f"{indent}lint: {{ignore: [CIT009], reason: Here.}}\n"))
    result = project.lint()
    assert result.suppressed == ()
    assert ("SCH001", line) in [(p.code, p.where.line) for p in result.problems]
    assert "CIT009" in [p.code for p in result.problems]


def test_a_waiver_whose_reason_is_still_the_placeholder_accepts_nothing(project: MiniProject) -> None:
    """`reason: TODO` was an error (FCT005), yet the summary said '1 accepted': a waiver with no reason accepts
    nothing, and neither does one whose reason is still to be written."""
    project.write(BRIEFING, BRIEFING_YAML.replace(MAY, '"the city"') + waiver("CIT009", reason="TODO"))
    result = project.lint()
    assert [(p.where.line, p.code) for p in result.problems] == [(12, "CIT009"), (15, "FCT005")]
    assert result.suppressed == ()
    assert summary(result).startswith("1 error, 1 warning in ")


def test_a_build_with_a_firm_error_accepted_stops_with_its_place_and_leaves_the_last_output(
        project: MiniProject) -> None:
    environment = {**os.environ, "BRIEFINGS_SNAPSHOTS": str(project.snapshots), "PYTHONPATH": str(ROOT)}

    def build() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "build_tools", "build"], cwd=project.root, env=environment,
                              capture_output=True, text=True)

    assert build().returncode == 0
    pages = project.root / "build/pages"
    before = {path: path.read_bytes() for path in pages.rglob("*") if path.is_file()}
    project.write(BRIEFING, REPLACES_TWICE)
    failed = build()
    assert failed.returncode == 1 and "Traceback" not in failed.stdout + failed.stderr
    assert ("briefings/bridge.yaml:21:20: error CIT011 'lint: ignore' cannot accept FCT007 (bad-replaces)"
            in failed.stdout + failed.stderr)
    assert {path: path.read_bytes() for path in pages.rglob("*") if path.is_file()} == before


# --- a waiver that accepts nothing now would accept the next problem of its kind ----------------------------

def test_a_waiver_whose_problem_was_fixed_is_reported_before_it_accepts_another(project: MiniProject) -> None:
    """The waiver was written for a short quote; the quote was lengthened and the waiver stayed. A later short
    quote on the fact would be accepted for the old reason, unseen: unused-waiver (CIT012) says so first."""
    project.write(BRIEFING, BRIEFING_YAML + waiver("CIT009", reason="The law's name is three words long."))
    result = project.lint()
    assert [p.line() for p in result.problems] == [
        "briefings/bridge.yaml:14:20: warning CIT012 'lint: ignore' accepts CIT009 (quote-too-short), but this fact "
        "has no such problem now; remove CIT009 from the list, or the next problem of that kind here would be "
        "accepted for this reason (unused-waiver)"]
    project.write(SOURCE, SOURCE_YAML + waiver("SRC002, SRC001", ""))
    assert [(p.where.path, p.where.line, p.where.column, p.code) for p in project.lint().problems] == [
        (BRIEFING, 14, 20, "CIT012"), (SOURCE, 9, 12, "CIT012"), (SOURCE, 9, 20, "CIT012")]


def test_an_unused_waiver_is_told_only_when_its_rule_ran_in_full(project: MiniProject) -> None:
    stale = BRIEFING_YAML + waiver("CIT009, FCT006")
    project.write(BRIEFING, stale)
    assert [(p.where.column, p.code) for p in project.lint().problems] == [(20, "CIT012")]  # not FCT006: no git
    project.write("briefings.toml", '[lint]\ndisable = ["fact-beyond-quotes", "quote-too-short"]\n')
    assert project.codes() == []  # the rule is off: its waivers wait, unreported
    project.write("briefings.toml", '[lint]\ndisable = ["fact-beyond-quotes", "unused-waiver"]\n')
    assert project.codes() == []
    project.write("briefings.toml", '[lint]\ndisable = ["fact-beyond-quotes"]\n')
    project.write("briefings/broken.yaml", "title: [unclosed\n")  # an error: some rules could not run
    assert [p.code for p in project.lint().problems] == ["YML001"]
    (project.root / "briefings/broken.yaml").unlink()
    config = load_config(project.root, str(project.snapshots), environ={})
    assert lint_project(config, [BRIEFING]).problems == ()  # an editor's lint of one file: not all problems known
    project.write(BRIEFING, BRIEFING_YAML + waiver("CIT009, CIT012"))  # accepted on purpose: no warning
    result = project.lint()
    assert (result.problems, [p.code for p in result.suppressed]) == ((), ["CIT012"])

"""`mkdocs serve` after an edit: only what the edit feeds is rendered again, and the result is
exactly what a build from scratch gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from build_tools.config import load_config
from build_tools.lint import PER_FILE, LintResult, lint_project
from build_tools.render import pages, timeline
from build_tools.rules import ALL_CODES, RULES
from build_tools.rules.context import Context, place_passages
from build_tools.session import Session
from build_tools.site import generate, write_files
from tests.conftest import BRIEFING_YAML, MiniProject

ALL = {code.code: code for code in ALL_CODES}
OTHER = BRIEFING_YAML.replace("bridge-reopens", "bridge-tolls").replace("title: The bridge", "title: Tolls")


def rebuild(project: MiniProject, session: Session, out: Path,
            counted: list[str] | None = None) -> tuple[dict[str, str], tuple[str, ...]]:
    """What the hook does on each rebuild; `counted` is left with the briefings it rendered."""
    result = session.lint(load_config(project.root, str(project.snapshots), environ={}))
    assert result.errors == 0, [p.line() for p in result.problems]
    scratch = generate(result.project, result.store)
    if counted is not None:
        counted.clear()
    files = generate(result.project, result.store, memo=session.memo)
    assert files == scratch  # the same as from scratch, byte for byte
    return files, write_files(files, out, session.written).written


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    rendered: list[str] = []
    real = pages.render_briefing

    def render_briefing(site: pages.Site, briefing: pages.Briefing) -> str:
        rendered.append(briefing.id)
        return real(site, briefing)

    monkeypatch.setattr(pages, "render_briefing", render_briefing)
    return rendered


def test_a_fact_edit_renders_its_briefing_only(project: MiniProject, counted: list[str], tmp_path: Path) -> None:
    project.write("briefings/tolls.yaml", OTHER)
    session, out = Session(), tmp_path / "pages"
    rebuild(project, session, out, counted)
    assert sorted(counted) == ["bridge", "tolls"]
    project.write("briefings/tolls.yaml", OTHER.replace("would reopen in May.", "would reopen in May, he said."))
    files, written = rebuild(project, session, out, counted)
    assert counted == ["tolls"]
    assert "he said" in files["briefings/tolls.md"]
    assert "briefings/tolls.md" in written and "briefings/bridge.md" not in written
    assert set(written) <= {"briefings/tolls.md", "data/briefings/tolls.json", "data/briefings/tolls.csv",
                            "data/briefings.json", "data/annotations.jsonld", "timeline.md", "timeline/2024.md",
                            "sources/city-herald-2024.md"}


def test_a_source_edit_renders_every_page_that_shows_it(project: MiniProject, counted: list[str],
                                                        tmp_path: Path) -> None:
    project.write("briefings/tolls.yaml", OTHER)
    session, out = Session(), tmp_path / "pages"
    rebuild(project, session, out)
    source = project.root / "sources/city-herald-2024.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("City Herald", "City Courier"), encoding="utf-8")
    files, written = rebuild(project, session, out, counted)
    assert sorted(counted) == ["bridge", "tolls"]
    assert {"briefings/bridge.md", "briefings/tolls.md", "sources/city-herald-2024.md", "sources.md"} <= set(written)
    assert "City Courier" in files["briefings/bridge.md"] and "City Courier" in files["briefings/tolls.md"]


def test_a_recorded_recheck_renders_the_footnotes_and_source_page_again(project: MiniProject, counted: list[str],
                                                                        tmp_path: Path) -> None:
    """Footnotes read the source's link state (status, archived copy): recording it re-renders them."""
    session, out = Session(), tmp_path / "pages"
    rebuild(project, session, out)
    source = project.root / "sources/city-herald-2024.yaml"
    source.write_text(source.read_text(encoding="utf-8") + "url_status: deviated\nurl_checked: 2026-11-20\n"
                      "archive_url: https://web.archive.org/web/20240305000000/https://example.org/bridge\n",
                      encoding="utf-8")
    files, written = rebuild(project, session, out, counted)
    assert counted == ["bridge"]
    assert "original changed on 20 November 2026" in files["briefings/bridge.md"]
    assert "Archived copy" in files["sources/city-herald-2024.md"]
    assert {"briefings/bridge.md", "sources/city-herald-2024.md"} <= set(written)


def test_a_generated_file_changed_on_disk_is_written_again(project: MiniProject, tmp_path: Path) -> None:
    session, out = Session(), tmp_path / "pages"
    rebuild(project, session, out)
    assert rebuild(project, session, out)[1] == ()
    (out / "briefings/bridge.md").write_text("tampered\n", encoding="utf-8")
    assert rebuild(project, session, out)[1] == ("briefings/bridge.md",)
    (out / "index.md").unlink()
    assert rebuild(project, session, out)[1] == ("index.md",)


def test_a_snapshot_leaving_the_store_changes_the_pages_and_exports(project: MiniProject, tmp_path: Path) -> None:
    """What readers see of a quote comes from its snapshot: when the snapshot goes (a build is then
    refused by CIT002, but generation must still not serve stale text), memoised outputs must change."""
    from build_tools.memo import Memo
    from build_tools.snapshots import SnapshotStore

    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace('"the bridge would reopen in May"',
                                                                 '"the bridge would reopen in May."'))
    result = project.lint()
    memo = Memo()
    files = generate(result.project, result.store, memo=memo)
    assert '"pieces":' in files["data/briefings.json"]
    (project.snapshots / "bridge.txt").rename(tmp_path / "elsewhere.txt")
    store = SnapshotStore(project.snapshots)
    again = generate(result.project, store, memo=memo)
    assert again == generate(result.project, store)
    assert '"pieces":' not in again["data/briefings.json"]
    assert again["data/annotations.jsonld"] != files["data/annotations.jsonld"]


# A fact of the bridge briefing whose status names a fact of the tolls briefing (OTHER).
DISPUTED = ("      - id: bridge-delayed\n        text: The council said the bridge would open later.\n"
            "        date: 2024-03-04\n"
            "        status: {value: disputed, by: [bridge-tolls], reason: Sources differ.}\n"
            "        citations:\n          - source: city-herald-2024\n            quote: \"reopen in May\"\n")


def test_a_page_is_rendered_again_when_a_fact_it_links_to_changes(project: MiniProject, counted: list[str],
                                                                   tmp_path: Path) -> None:
    project.write("briefings/bridge.yaml", BRIEFING_YAML + DISPUTED)
    project.write("briefings/tolls.yaml", OTHER)
    session, out = Session(), tmp_path / "pages"
    rebuild(project, session, out)
    project.write("briefings/tolls.yaml", OTHER.replace("The minister said", "The mayor said"))
    files, _ = rebuild(project, session, out, counted)
    assert sorted(counted) == ["bridge", "tolls"]  # bridge links to the edited fact, with its text
    assert "The mayor said" in files["briefings/bridge.md"]


def test_serve_with_a_git_history_matches_a_build_from_scratch(project: MiniProject, counted: list[str],
                                                              tmp_path: Path) -> None:
    """The lists of changes, markers and feeds follow edits and commits; only what they feed is rendered."""
    from build_tools.config import load_config
    from tests.scenario import CORRECTION, FINAL, Fact, briefing, commit, make_history

    make_history(project)
    project.write("briefings/tolls.yaml", OTHER)
    commit(project, "Add a briefing", "2024-03-14T09:00:00Z", FINAL)
    config = load_config(project.root, str(project.snapshots), environ={})
    session = Session()

    def serve_and_compare() -> dict[str, str]:
        fresh = project.lint()
        scratch = generate(fresh.project, fresh.store, history=fresh.history)
        counted.clear()
        built = session.build(config)
        assert built.lint.errors == 0
        assert built.files == scratch
        return built.files

    serve_and_compare()
    corrected = [Fact(f.id, f.text, f.quote, f.date, CORRECTION) if f.id == "first-day-traffic" else f
                 for f in FINAL]
    project.write("briefings/bridge.yaml", briefing(corrected))
    files = serve_and_compare()
    assert counted == ["bridge"]
    assert "Not yet committed" in files["briefings/bridge.md"]
    commit(project, "Note the correction", "2024-03-20T09:00:00Z", corrected)
    files = serve_and_compare()
    assert "Not yet committed" not in files["briefings/bridge.md"]
    assert counted == ["bridge"]
    assert "<updated>2024-03-20T09:00:00Z</updated>" in files["feed.xml"]


# --- a served edit: the timeline's periods from the memo, the lint of the changed briefings only ---------------

EARLIER = ("      - id: bridge-planned\n        text: The minister said the bridge would reopen in May.\n"
           "        date: 2023-05-02\n        citations:\n          - source: city-herald-2024\n"
           "            quote: \"the bridge would reopen in May\"\n")


def test_a_fact_edit_renders_only_its_timeline_period(project: MiniProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """The edited file is read again fact by fact (its other facts stay the same objects), so the period pages
    of its other facts come from the memo."""
    project.write("briefings/bridge.yaml", BRIEFING_YAML + EARLIER)
    rendered: list[str] = []
    real = timeline.render_period

    def render_period(site: pages.Site, period: timeline.Period, neighbours: Any) -> str:
        rendered.append(period.key)
        return real(site, period, neighbours)

    monkeypatch.setattr(timeline, "render_period", render_period)
    config = load_config(project.root, str(project.snapshots), environ={})
    session = Session()
    first = session.lint(config)
    generate(first.project, first.store, memo=session.memo)
    assert sorted(rendered) == ["2023", "2024"]
    rendered.clear()
    project.write("briefings/bridge.yaml", (BRIEFING_YAML + EARLIER).replace(
        "text: The minister said the bridge would reopen in May.\n        date: 2023",
        "text: The minister said the bridge would reopen in May, he said.\n        date: 2023"))
    again = session.lint(config)
    files = generate(again.project, again.store, memo=session.memo)
    assert rendered == ["2023"]
    assert "he said" in files["timeline/2023.md"]
    assert files == generate(again.project, again.store)  # what a build from scratch gives


def _lines(result: LintResult) -> tuple[list[str], list[str]]:
    return [p.line() for p in result.problems], [p.line() for p in result.suppressed]


def test_a_session_lints_only_the_changed_briefings_and_finds_what_a_whole_lint_finds(project: MiniProject) -> None:
    """After each kind of edit, the session's lint (the per-file rules on the changed briefings only, when only
    briefings changed) reports exactly what a whole lint of the project reports, in the same order."""
    project.write("briefings/bridge.yaml", BRIEFING_YAML + DISPUTED)
    project.write("briefings/tolls.yaml", OTHER)
    config = load_config(project.root, str(project.snapshots), environ={})
    session = Session()
    assert _lines(session.lint(config)) == _lines(lint_project(config))
    assert session.memory.rechecked is None  # the first lint checks everything

    tolls = project.root / "briefings/tolls.yaml"
    source = project.root / "sources/city-herald-2024.yaml"
    edits: list[tuple[Callable[[], object], frozenset[str] | None]] = [
        (lambda: tolls.write_text(OTHER.replace("reopen in May\"", "reopen in June\""), encoding="utf-8"),
         frozenset({"briefings/tolls.yaml"})),  # a quote not in its snapshot: a per-file rule
        (lambda: tolls.write_text(OTHER.replace("id: bridge-tolls", "id: bridge-reopens"), encoding="utf-8"),
         frozenset({"briefings/tolls.yaml"})),  # an id both files hold; the fact bridge's status names is gone
        (lambda: tolls.write_text(OTHER.replace("source: city-herald-2024", "source: nowhere-2024"),
                                  encoding="utf-8"), frozenset({"briefings/tolls.yaml"})),  # an unknown source
        (lambda: tolls.write_text("title: [unclosed\n", encoding="utf-8"),
         frozenset({"briefings/tolls.yaml"})),  # a file that no longer loads
        (lambda: tolls.write_text(OTHER, encoding="utf-8"), frozenset({"briefings/tolls.yaml"})),
        (lambda: source.write_text(source.read_text(encoding="utf-8").replace("City Herald", "City Courier"),
                                   encoding="utf-8"), None),  # a source: everything
        (lambda: (project.snapshots / "extra.txt").write_text("Another article.\n", encoding="utf-8"), None),
        (lambda: tolls.unlink(), frozenset({"briefings/tolls.yaml"})),  # a briefing removed
    ]
    for number, (change, rechecked) in enumerate(edits):
        change()
        assert _lines(session.lint(config)) == _lines(lint_project(config)), number
        assert session.memory.rechecked == rechecked, number
    assert "duplicate" not in " ".join(_lines(session.lint(config))[0])  # the last state is clean of the above


def test_the_per_file_rules_are_rules() -> None:
    unknown = PER_FILE - {rule.code.name for rule in RULES}
    assert not unknown, unknown


def test_only_per_file_rules_read_the_quoted_passages(project: MiniProject) -> None:
    """An incremental lint gives the other rules no passages: each gives the same problems without them, on a
    project whose quotes break several rules."""
    project.write("briefings/tolls.yaml", OTHER.replace("reopen in May\"", "reopen in June\"").replace(
        "id: bridge-tolls", "id: bridge-reopens"))
    config = load_config(project.root, str(project.snapshots), environ={})
    whole = lint_project(config)
    assert whole.problems  # the quote is not in its snapshot, the id is taken twice
    store, project_model = whole.store, whole.project
    passages = place_passages(project_model, store)
    assert passages
    for rule in RULES:
        if rule.code.name in PER_FILE:
            continue
        with_them = Context(project_model, store, passages=passages, codes=ALL, history=whole.history)
        without = Context(project_model, store, passages=(), codes=ALL, history=whole.history)
        assert [p.line() for p in rule.check(with_them)] == [p.line() for p in rule.check(without)], rule.code.name


def test_the_timeline_and_the_citing_index_follow_a_fact_edited_in_place_without_a_new_index(
        project: MiniProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fact whose text changes keeps its place: the session's timeline periods and citing index take it in place
    of the one before (no sort, no index of every citation); one whose date or quote changes makes them again.
    Each time the pages are those a generation from scratch makes (`rebuild`)."""
    from build_tools.render import shared

    made: list[str] = []
    real_periods, real_citing = timeline.periods, shared._citing
    monkeypatch.setattr(timeline, "periods", lambda facts: made.append("periods") or real_periods(facts))
    monkeypatch.setattr(shared, "_citing", lambda facts: made.append("citing") or real_citing(facts))
    project.write("briefings/bridge.yaml", BRIEFING_YAML + DISPUTED)
    project.write("briefings/tolls.yaml", OTHER)
    session, out = Session(), tmp_path / "pages"
    rebuild(project, session, out)
    assert made.count("periods") >= 1 and made.count("citing") >= 1

    def edited(old: str, new: str) -> dict[str, str]:
        path = project.root / "briefings/tolls.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        made.clear()
        files, _ = rebuild(project, session, out)  # which also generates from scratch, with a memo of its own
        return files

    edited("The minister said", "The mayor said")  # the text: in place
    assert made.count("periods") == 1 and made.count("citing") == 1  # only the generation from scratch's
    files = edited("date: 2024-03-04", "date: 2023-03-04")  # the date: another period
    assert made.count("periods") == 2 and made.count("citing") == 1
    assert "timeline/2023.md" in files
    edited('quote: "the bridge would reopen in May"', 'quote: "bridge would reopen in May"')  # the quote
    assert made.count("citing") == 2

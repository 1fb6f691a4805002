"""The ledger of fact changes, from a git repository made inside each test, and the corrections rule
(FCT006) that reads it: every kind of change, renames, the cache, shallow clones and no git at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools import gitlog, ledger
from build_tools.config import load_config
from build_tools.lint import LintMemory, lint_project
from build_tools.substance import text_substance
from tests.conftest import ROOT, MiniProject
from tests.scenario import CORRECTION, FINAL, MAYOR, REOPENS, STEPS, VEHICLES, Fact, briefing, commit, git, make_history


@pytest.fixture
def repo(project: MiniProject) -> tuple[MiniProject, list[str]]:
    return project, make_history(project)


def short(sha: str) -> str:
    return sha[:7]


def kinds(history: ledger.History, fact_id: str) -> list[tuple[str, int]]:
    """(kind, commit number) of each change in the fact's life; -1 for an uncommitted change."""
    life = history.lives.get(fact_id) or next(life for life in history.ended if life.ids[-1] == fact_id)
    return [(c.kind, -1 if c.commit is None else history.commits.index(c.commit)) for c in life.changes]


def test_the_ledger_records_every_kind_of_change(repo: tuple[MiniProject, list[str]]) -> None:
    project, shas = repo
    history = project.lint().history
    assert history.available and history.note == ""
    assert [c.sha for c in history.commits] == shas
    assert kinds(history, "bridge-reopens") == [("added", 0), ("edited", 1), ("status", 4)]
    assert kinds(history, "first-day-traffic") == [("added", 0), ("reworded", 2)]
    assert kinds(history, "mayor-pleased") == [("added", 0), ("reworded", 3), ("corrected", 3)]
    assert kinds(history, "council-agreed") == [("added", 0), ("removed", 5)]
    assert kinds(history, "minister-statement") == [("added", 0), ("renamed", 6), ("redated", 6)]
    renamed = history.lives["minister-statement"]
    assert renamed.ids == ("minister-monday", "minister-statement")
    assert renamed.published == history.commits[0]
    traffic = history.lives["first-day-traffic"].changes[-1]
    assert (traffic.substantive, traffic.detail) == (True, "text (1204 → 1240)")
    assert history.lives["bridge-reopens"].changes[1].substantive is False
    assert history.lives["mayor-pleased"].corrected == {("2024-03-10", 0): history.commits[3]}
    assert [life.ids for life in history.ended] == [("council-agreed",)]
    assert [c.fact for c in history.by_briefing["bridge"]][:5] == [
        "bridge-reopens", "council-agreed", "first-day-traffic", "mayor-pleased", "minister-monday"]


def test_substance_changes_without_a_correction_are_warnings_naming_the_publishing_commit(
        repo: tuple[MiniProject, list[str]]) -> None:
    project, shas = repo
    first = f"commit {short(shas[0])} (5 March 2024)"
    assert [p.line() for p in project.lint().problems] == [
        f"briefings/bridge.yaml:11:11: warning FCT006 fact 'bridge-reopens' was published in {first}, and its "
        f"substance changed in commit {short(shas[4])} (11 March 2024): status (current → superseded); add a "
        "'corrections:' entry (date, wrong, changed) telling readers what was wrong and what changed "
        "(change-without-correction)",
        f"briefings/bridge.yaml:18:15: warning FCT006 fact 'first-day-traffic' was published in {first}, and its "
        f"substance changed in commit {short(shas[2])} (7 March 2024): text (1204 → 1240); add a 'corrections:' "
        "entry (date, wrong, changed) telling readers what was wrong and what changed (change-without-correction)",
        f"briefings/bridge.yaml:36:15: warning FCT006 fact 'minister-statement' was published in {first}, and its "
        f"substance changed in commit {short(shas[6])} (13 March 2024): date (2024-03-04 → 2024-03); add a "
        "'corrections:' entry (date, wrong, changed) telling readers what was wrong and what changed "
        "(change-without-correction)",
    ]


def test_strict_lint_fails_on_them_and_an_accepted_one_is_counted(repo: tuple[MiniProject, list[str]]) -> None:
    project, _ = repo
    env = {"PATH": os.environ["PATH"], "BRIEFINGS_SNAPSHOTS": str(project.snapshots), "PYTHONPATH": str(ROOT)}
    strict = subprocess.run([sys.executable, "-m", "build_tools", "lint", "--strict"], cwd=project.root, env=env,
                            capture_output=True, text=True)
    plain = subprocess.run([sys.executable, "-m", "build_tools", "lint"], cwd=project.root, env=env,
                           capture_output=True, text=True)
    assert (strict.returncode, plain.returncode) == (1, 0)
    assert strict.stdout.count("FCT006") == 3


def test_a_correction_entry_clears_the_warning_now_or_in_a_later_commit(repo: tuple[MiniProject, list[str]]) -> None:
    project, _ = repo
    corrected = [Fact(f.id, f.text, f.quote, f.date, f.extra + CORRECTION.replace("2024-03-10", "2024-03-20"))
                 if f.id == "first-day-traffic" else f for f in FINAL]
    project.write("briefings/bridge.yaml", briefing(corrected))  # not committed: the working tree is now
    assert "first-day-traffic" not in " ".join(p.message for p in project.lint().problems)
    commit(project, "Note the correction", "2024-03-21T09:00:00Z", corrected)
    history = project.lint().history
    assert "first-day-traffic" not in " ".join(p.message for p in project.lint().problems)
    assert kinds(history, "first-day-traffic")[-1] == ("corrected", 7)


def test_an_uncommitted_change_of_substance_is_reported_as_such(repo: tuple[MiniProject, list[str]]) -> None:
    project, shas = repo
    edited = [Fact(f.id, f.text.replace("very pleased", "not pleased"), f.quote, f.date, f.extra)
              if f.id == MAYOR.id else f for f in FINAL]
    project.write("briefings/bridge.yaml", briefing(edited))
    [problem] = [p for p in project.lint().problems if "mayor-pleased" in p.message]
    assert problem.message.startswith(f"fact 'mayor-pleased' was published in commit {short(shas[0])} (5 March "
                                      "2024), and its substance changed in uncommitted edits: text (nothing → not)")
    assert kinds(project.lint().history, "mayor-pleased")[-1] == ("reworded", -1)


def test_typo_level_wording_needs_no_entry(repo: tuple[MiniProject, list[str]]) -> None:
    project, _ = repo
    edited = [Fact(f.id, f.text.replace("on the first day", "on its first day"), f.quote, f.date, f.extra)
              for f in FINAL]
    project.write("briefings/bridge.yaml", briefing(edited))
    history = project.lint().history
    assert kinds(history, "first-day-traffic")[-1] == ("edited", -1)
    assert len([p for p in project.lint().problems if "first-day-traffic" in p.message]) == 1  # the old change only


@pytest.mark.parametrize(("before", "after", "same"), [
    ("Officials counted 1,204 vehicles.", "Officials counted 1204 vehicles.", True),
    ("Officials counted 1,204 vehicles.", "Officials counted 1,240 vehicles.", False),
    ("Harris met Giammattei.", "Harris met with Giammattei.", True),
    ("Harris met Giammattei.", "Harris met Giamattei.", False),
    ("Harris's visit.", "Harris' visit.", False),
    ("Harris's visit.", "Harris’s visit.", True),
    ("They met in June 2021.", "They met in July 2021.", False),
    ("According to the Post, they met.", "They met, according to the Post.", True),
    ("The two spoke twice.", "The two spoke three times.", False),
    ("She did not call.", "She didn't call.", True),
    ("She did not call.", "She called.", False),
    ("Forty percent agreed.", "40% agreed.", False),
])
def test_substance_is_figures_names_dates_and_negations(before: str, after: str, same: bool) -> None:
    assert (text_substance(before) == text_substance(after)) is same


def test_a_rename_declared_after_the_fact_still_joins_the_two_lives(project: MiniProject) -> None:
    steps = [("Add", "2024-03-05T09:00:00Z", [REOPENS, VEHICLES]),
             ("Rename, forgetting replaces", "2024-03-06T09:00:00Z",
              [REOPENS, Fact("traffic", VEHICLES.text, VEHICLES.quote)]),
             ("Declare it", "2024-03-07T09:00:00Z",
              [REOPENS, Fact("traffic", VEHICLES.text, VEHICLES.quote, extra="replaces: first-day-traffic")])]
    make_history(project, steps)
    history = project.lint().history
    assert kinds(history, "traffic") == [("added", 0), ("renamed", 1)]
    assert history.ended == ()


def test_a_removed_fact_restored_later_keeps_its_life(project: MiniProject) -> None:
    make_history(project, [("Add", "2024-03-05T09:00:00Z", [REOPENS, VEHICLES]),
                           ("Remove", "2024-03-06T09:00:00Z", [REOPENS]),
                           ("Restore", "2024-03-07T09:00:00Z", [REOPENS, VEHICLES])])
    assert kinds(project.lint().history, VEHICLES.id) == [("added", 0), ("removed", 1), ("restored", 2)]


def test_a_fact_moved_between_briefings_is_one_life(project: MiniProject) -> None:
    make_history(project, [("Add", "2024-03-05T09:00:00Z", [REOPENS, VEHICLES])])
    project.write("briefings/bridge.yaml", briefing([REOPENS]))
    project.write("briefings/traffic.yaml", briefing([VEHICLES]).replace("title: The bridge", "title: Traffic"))
    assert kinds(project.lint().history, VEHICLES.id) == [("added", 0), ("moved", -1)]


# --- the cache -----------------------------------------------------------------------------

def entries(project: MiniProject) -> list[Path]:
    return sorted((project.root / "build/cache").glob("ledger-*/*.json"))


def test_the_history_is_cached_by_head_and_the_cache_is_used(repo: tuple[MiniProject, list[str]],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    project, shas = repo
    first = project.lint().history
    [entry] = entries(project)
    assert entry.name == f"{shas[-1]}.json"

    def no_log(*_: object, **__: object) -> list[gitlog.RawCommit]:
        raise AssertionError("git log was run although the cache holds this HEAD")

    monkeypatch.setattr(gitlog, "log", no_log)
    again = project.lint().history
    assert again.lives == first.lives and again.commits == first.commits


def test_a_damaged_cache_entry_is_a_miss_and_is_rewritten(repo: tuple[MiniProject, list[str]]) -> None:
    project, _ = repo
    good = project.lint().history
    [entry] = entries(project)
    intact = entry.read_bytes()
    for damaged in (intact.replace(b"1,240", b"1,250"), intact[: len(intact) // 2], b"", b"\x00" * 40):
        entry.write_bytes(damaged)
        assert project.lint().history.lives == good.lives
        assert entry.read_bytes() == intact


def test_an_entry_for_another_head_is_not_believed(repo: tuple[MiniProject, list[str]]) -> None:
    project, shas = repo
    git(project.root, "checkout", "-q", shas[2])
    early = project.lint().history
    git(project.root, "checkout", "-q", "main")
    [early_entry] = [e for e in entries(project) if e.stem == shas[2]]
    late_entry = early_entry.with_name(f"{shas[-1]}.json")
    late_entry.write_bytes(early_entry.read_bytes())  # intact digest, wrong HEAD inside
    late = project.lint().history
    assert len(late.commits) == len(STEPS) != len(early.commits)


def test_a_new_commit_extends_the_cached_history_with_one_git_log_of_the_new_commits(
        repo: tuple[MiniProject, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    project, shas = repo
    project.lint()
    edited = [Fact(f.id, f.text.replace("1,240", "1,204"), f.quote, f.date, f.extra) for f in FINAL]
    new = commit(project, "Change the figure back", "2024-03-22T09:00:00Z", edited)
    calls: list[str | None] = []
    real = gitlog.log

    def counting(repository: gitlog.Repository, folders: object, since: str | None = None) -> object:
        calls.append(since)
        return real(repository, folders, since)  # type: ignore[arg-type]

    monkeypatch.setattr(gitlog, "log", counting)
    extended = project.lint().history
    assert calls == [shas[-1]]
    for entry in entries(project):
        entry.unlink()
    fresh = project.lint().history
    assert calls == [shas[-1], None]
    assert extended.lives == fresh.lives and extended.commits == fresh.commits
    assert extended.commits[-1].sha == new


def test_git_variables_from_a_hook_do_not_redirect_the_history(repo: tuple[MiniProject, list[str]],
                                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    project, shas = repo
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "index"))
    assert [c.sha for c in project.lint().history.commits] == shas


def test_a_file_that_does_not_load_now_has_not_removed_its_facts(repo: tuple[MiniProject, list[str]]) -> None:
    project, _ = repo
    project.write("briefings/bridge.yaml", briefing(FINAL) + "  - title: [broken\n")
    result = project.lint()
    assert result.errors and result.history.ended == project.lint().history.ended
    assert [life.ids for life in result.history.ended] == [("council-agreed",)]


# --- shallow clones, and no git ------------------------------------------------------------

def test_a_shallow_clone_says_where_its_history_starts(repo: tuple[MiniProject, list[str]], tmp_path: Path) -> None:
    project, shas = repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "3", project.root.as_uri(), str(clone))
    shallow = MiniProject(clone, project.snapshots)
    result = shallow.lint()
    history = result.history
    assert history.available
    assert history.since is not None and history.since.sha == shas[4]
    assert history.note == (f"the git history is shallow: it starts at commit {short(shas[4])} (11 March 2024), "
                            "and changes before it are not shown; fetch the whole history (actions/checkout with "
                            "'fetch-depth: 0', or 'git fetch --unshallow')")
    reopens = history.lives["bridge-reopens"]
    assert (reopens.before_history, reopens.published, reopens.changes) == (True, None, ())
    assert kinds(history, "minister-statement") == [("renamed", 2), ("redated", 2)]
    assert kinds(history, "council-agreed") == [("removed", 1)]
    assert [p.message.split(",")[0] for p in result.problems] == [
        "fact 'minister-statement' was published before the start of this (shallow) git history"]


def test_outside_git_there_is_no_ledger_a_note_and_no_failure(project: MiniProject) -> None:
    result = project.lint()
    assert (result.errors, result.warnings) == (0, 0)
    assert not result.history.available
    assert result.history.note == (
        f"no change history: {project.root.resolve()} is not inside a git repository; the lists of changes and "
        "the feeds are empty, and only the 'corrections:' entries in the files are shown")
    env = {"PATH": os.environ["PATH"], "BRIEFINGS_SNAPSHOTS": str(project.snapshots), "PYTHONPATH": str(ROOT)}
    built = subprocess.run([sys.executable, "-m", "build_tools", "build"], cwd=project.root, env=env,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert built.stdout.splitlines()[-1] == f"note: {result.history.note}"
    assert (project.root / "build/pages/feed.xml").is_file()


def test_without_git_installed_there_is_no_ledger(repo: tuple[MiniProject, list[str]],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    project, _ = repo
    monkeypatch.setenv("PATH", str(project.root / "nowhere"))
    history = ledger.read_history(project.root, None, project.lint().project)
    assert (history.available, history.note.split(";")[0]) == (False, "no change history: git is not installed")


def test_a_repository_without_commits_has_only_uncommitted_additions(project: MiniProject) -> None:
    git(project.root, "init", "-q", "-b", "main")
    history = project.lint().history
    assert history.available and history.commits == ()
    assert kinds(history, "bridge-reopens") == [("added", -1)]
    assert project.lint().problems == ()


def test_a_project_inside_a_larger_repository(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    snapshots = tmp_path / "snaps"
    snapshots.mkdir()
    inner = MiniProject(outer / "sub" / "project", snapshots)
    make_history(inner)
    (outer / "sub/project/.git").rename(outer / ".git")
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "Move the project into sub/project", date="2024-04-01T00:00:00Z")
    history = load_and_history(inner.root, snapshots)
    assert len(history.commits) == 1  # only the last commit touched sub/project/briefings
    assert kinds(history, "first-day-traffic") == [("added", 0)]


def load_and_history(root: Path, snapshots: Path) -> ledger.History:
    return lint_project(load_config(root, str(snapshots), environ={})).history


def test_the_workflow_checks_out_the_whole_history() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    checkouts = [step for job in workflow["jobs"].values() for step in job.get("steps", [])
                 if str(step.get("uses", "")).startswith("actions/checkout")]
    ours = [step for step in checkouts if "repository" not in step.get("with", {})]
    assert ours and all(step["with"]["fetch-depth"] == 0 for step in ours)


def test_a_long_lived_process_reads_the_same_history_as_a_fresh_one(repo: tuple[MiniProject, list[str]]) -> None:
    project, _ = repo
    config = load_config(project.root, str(project.snapshots), environ={})
    renamed = [Fact("traffic-count", f.text, f.quote, f.date, "replaces: first-day-traffic")
               if f.id == VEHICLES.id else f for f in FINAL]
    edits = [
        briefing(FINAL),  # as committed
        briefing([Fact(f.id, f.text.replace("1,240", "1,400"), f.quote, f.date, f.extra) for f in FINAL]),
        briefing(renamed),  # a rename declared only in the working tree
        briefing(FINAL[:2]),  # facts removed
        briefing(FINAL),
    ]
    memory = LintMemory()  # what a session keeps between lints
    for text in edits:
        project.write("briefings/bridge.yaml", text)
        kept = lint_project(config, memory=memory).history
        fresh = lint_project(config).history
        assert kept == fresh
    previous = memory.history
    assert lint_project(config, memory=memory).history is previous  # nothing changed: the same object
    assert kinds(previous, "first-day-traffic")[-1] == ("reworded", 2)


def fct007(project: MiniProject) -> list[tuple[int, int, str]]:
    return [(p.where.line, p.where.column, p.message) for p in project.lint().problems if p.code == "FCT007"]


def test_replaces_must_name_a_fact_published_before(repo: tuple[MiniProject, list[str]]) -> None:
    project, _ = repo
    assert fct007(project) == []  # minister-statement replaces minister-monday, which was published
    typo = [Fact(f.id, f.text, f.quote, f.date, f.extra.replace("minister-monday", "minister-mondy")) for f in FINAL]
    project.write("briefings/bridge.yaml", briefing(typo))
    assert fct007(project) == [(37, 19, "no fact 'minister-mondy' was ever published (git history); write the id the "
                                        "fact had before it was renamed, or remove 'replaces'")]


def test_replaces_cannot_name_itself_a_live_fact_or_one_claimed_twice(project: MiniProject) -> None:
    facts = [Fact(REOPENS.id, REOPENS.text, REOPENS.quote, extra=f"replaces: {REOPENS.id}"),
             Fact(VEHICLES.id, VEHICLES.text, VEHICLES.quote, extra=f"replaces: {REOPENS.id}"),
             Fact(MAYOR.id, MAYOR.text, MAYOR.quote, extra="replaces: old-mayor"),
             Fact("mayor-again", MAYOR.text, MAYOR.quote, extra="replaces: old-mayor")]
    project.write("briefings/bridge.yaml", briefing(facts))
    assert fct007(project) == [  # outside git, a never-published id cannot be told from a real one
        (10, 19, "fact 'bridge-reopens' cannot replace itself; name the id it had before, or remove 'replaces'"),
        (17, 19, "fact 'bridge-reopens' still exists, so 'first-day-traffic' cannot replace it; remove one of them, "
                 "or remove 'replaces'"),
        (24, 19, "2 facts declare 'replaces: old-mayor'; only the fact that was renamed may"),
        (31, 19, "2 facts declare 'replaces: old-mayor'; only the fact that was renamed may"),
    ]

"""Attack on the session's incremental lint (`lint.PER_FILE`, `reread.py`): after any sequence of edits, the
session's lint must be the lint a fresh process makes of the same files (same problems, same suppressions, same
order, same messages and subjects).

The edits are those whose per-file results could depend on another file: fact ids shared by two briefings, a
status naming a fact of another briefing that is then renamed or removed, a source edited so that quotes break
or mend, a snapshot added, removed or changed, an inline `lint: ignore`, briefings.toml, a briefing renamed,
added or removed, a file made invalid YAML or invalid UTF-8 and then fixed, the same file saved twice at once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.config import load_config
from build_tools.lint import LintResult, lint_project
from build_tools.session import Session
from tests.conftest import SNAPSHOT_TEXT, SOURCE_YAML, MiniProject
from tests.test_captures import URL, cite_new_source, import_, page_html, write_warc

FERRY_TEXT = ("The operator said on Friday that the ferry would close for a week.\n"
              "The operator said the ferry would close for repairs.\n")
QUOTES = ('"the bridge would reopen in May"', '"the bridge would reopen in June"', '"the city"',
          '"the ferry would close"', '"would close for a week"', '"1,204 vehicles"')
SOURCES = ("city-herald-2024", "ferry-2024", "nowhere-2024")
IDS = ("fact-a", "fact-b", "fact-c")
NAMES = ("one", "two", "three")
CONFIGS = ('[lint]\ndisable = ["fact-beyond-quotes"]\n',
           '[lint]\ndisable = ["fact-beyond-quotes", "quote-too-short"]\n',
           '[lint]\ndisable = ["fact-beyond-quotes"]\n[lint.quote-too-short]\nmin_words = 4\n')


def source_yaml(text: str, file: str, outlet: str = "City Herald", url: bool = True) -> str:
    yaml = SOURCE_YAML.replace("bridge.txt", file).replace("City Herald", outlet)
    yaml = yaml.replace(hashlib.sha256(SNAPSHOT_TEXT.encode()).hexdigest(), hashlib.sha256(text.encode()).hexdigest())
    return yaml if url else yaml.replace("url: https://example.org/bridge\n", "")


@st.composite
def facts(draw: st.DrawFn) -> str:
    fact_id = draw(st.sampled_from(IDS))
    lines = [f"      - id: {fact_id}\n", "        text: The minister said the bridge would reopen in May.\n",
             f"        date: {draw(st.sampled_from(['2024-03-04', '2024-04-01', '2023-05-02']))}\n"]
    if draw(st.booleans()):
        lines.append("        kind: state\n")
    status = draw(st.sampled_from(["", "superseded", "disputed"]))
    if status:
        lines.append(f"        status: {{value: {status}, by: [{draw(st.sampled_from(IDS))}], reason: Later.}}\n")
    lines.append("        citations:\n")
    for _ in range(draw(st.integers(1, 2))):
        lines.append(f"          - source: {draw(st.sampled_from(SOURCES))}\n")
        lines.append(f"            quote: {draw(st.sampled_from(QUOTES))}\n")
    waiver = draw(st.sampled_from(["", "CIT009", "FCT010", "FCT001", "CIT006"]))
    if waiver:
        lines.append(f"        lint:\n          ignore: [{waiver}]\n          reason: Accepted on purpose.\n")
    return "".join(lines)


@st.composite
def briefings(draw: st.DrawFn) -> str:
    body = "".join(draw(st.lists(facts(), min_size=1, max_size=3)))
    answer = draw(st.sampled_from(["", "short_answer: [fact-a]\n", "short_answer: [fact-b, fact-b]\n"]))
    title = draw(st.sampled_from(["The bridge", "Tolls"]))
    return (f"title: {title}\nsummary: What the city said.\nupdated: 2024-03\n{answer}"
            f"sections:\n  - title: Reopening\n    facts:\n{body}")


EDITS = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(NAMES), briefings()),
    st.tuples(st.just("twice"), st.sampled_from(NAMES), briefings()),  # saved twice, at once
    st.tuples(st.just("remove"), st.sampled_from(NAMES), st.just("")),
    st.tuples(st.just("rename"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.tuples(st.just("broken"), st.sampled_from(NAMES), st.sampled_from(["title: [unclosed\n", "\xff\xfe"])),
    st.tuples(st.just("source"), st.sampled_from(["City Herald", "City Courier", "nourl"]), st.just("")),
    st.tuples(st.just("snapshot"), st.sampled_from(["remove", "restore", "change", "extra"]), st.just("")),
    st.tuples(st.just("config"), st.sampled_from(CONFIGS), st.just("")),
    st.tuples(st.just("focus"), st.sampled_from(NAMES), st.just("")),  # a lint of one file (an editor's)
    st.tuples(st.just("overlay"), st.sampled_from(NAMES), briefings()),  # an editor's unsaved buffer
)


def two_source_project(folder: Path) -> tuple[Path, Path]:
    """A project with its two sources (the bridge and the ferry) and no briefing yet, and its snapshot store."""
    root, snapshots = folder / "proj", folder / "snaps"
    (root / "briefings").mkdir(parents=True)
    (root / "sources").mkdir()
    snapshots.mkdir()
    (snapshots / "bridge.txt").write_text(SNAPSHOT_TEXT, encoding="utf-8")
    (snapshots / "ferry.txt").write_text(FERRY_TEXT, encoding="utf-8")
    (root / "sources/city-herald-2024.yaml").write_text(source_yaml(SNAPSHOT_TEXT, "bridge.txt"), encoding="utf-8")
    (root / "sources/ferry-2024.yaml").write_text(
        source_yaml(FERRY_TEXT, "ferry.txt", "Ferry News").replace("example.org/bridge", "example.org/ferry"),
        encoding="utf-8")
    (root / "briefings.toml").write_text(CONFIGS[0], encoding="utf-8")
    return root, snapshots


def apply(root: Path, snapshots: Path, edit: tuple[str, str, str]) -> None:
    kind, what, content = edit
    if kind in ("write", "twice"):
        path = root / "briefings" / f"{what}.yaml"
        if kind == "twice":  # another version first, the same size, within the file system's clock tick
            path.write_text(content.replace("May", "Mai"), encoding="utf-8")
        path.write_text(content, encoding="utf-8")
    elif kind == "remove":
        (root / "briefings" / f"{what}.yaml").unlink(missing_ok=True)
    elif kind == "rename":
        old, new = root / "briefings" / f"{what}.yaml", root / "briefings" / f"{content}.yaml"
        if old.exists() and old != new:
            os.replace(old, new)
    elif kind == "broken":
        (root / "briefings" / f"{what}.yaml").write_bytes(content.encode("latin-1"))
    elif kind == "source":
        yaml = source_yaml(SNAPSHOT_TEXT, "bridge.txt", "City Herald" if what == "nourl" else what, what != "nourl")
        (root / "sources/city-herald-2024.yaml").write_text(yaml, encoding="utf-8")
    elif kind == "snapshot":
        ferry = snapshots / "ferry.txt"
        if what == "remove":
            ferry.unlink(missing_ok=True)
        elif what == "restore":
            ferry.write_text(FERRY_TEXT, encoding="utf-8")
        elif what == "change":
            ferry.write_text(FERRY_TEXT.replace("Friday", "Monday"), encoding="utf-8")
        else:
            (snapshots / "extra.txt").write_text("Another article about the ferry would close.\n", encoding="utf-8")
    elif kind == "config":
        (root / "briefings.toml").write_text(what, encoding="utf-8")


def seen(result: LintResult) -> tuple[list[object], list[object]]:
    return list(result.problems), list(result.suppressed)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.lists(briefings(), min_size=1, max_size=3), edits=st.lists(EDITS, min_size=1, max_size=6))
def test_after_any_edits_the_session_lints_as_a_fresh_process(first: list[str], edits: list[tuple[str, str, str]]
                                                              ) -> None:
    folder = Path(tempfile.mkdtemp(prefix="attack-lint-"))
    try:
        root, snapshots = two_source_project(folder)
        for name, text in zip(NAMES, first, strict=False):
            (root / "briefings" / f"{name}.yaml").write_text(text, encoding="utf-8")
        session = Session()
        session.lint(load_config(root, str(snapshots), environ={}))
        for number, edit in enumerate(edits):
            apply(root, snapshots, edit)
            config = load_config(root, str(snapshots), environ={})
            kind, name, content = edit
            rel = f"briefings/{name}.yaml"
            if kind == "focus":
                assert seen(session.lint(config, [rel])) == seen(lint_project(config, [rel])), (number, edit)
            elif kind == "overlay":
                buffers = {rel: content.encode("utf-8")}
                assert seen(session.lint(config, overlays=buffers)) == seen(lint_project(config, overlays=buffers)), (
                    number, edit)
            assert seen(session.lint(config)) == seen(lint_project(config)), (number, edit)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the capture store: `captures/` beside the snapshots is read by a per-file rule (capture-mismatch) --------

@pytest.fixture
def capture(tmp_path: Path) -> Path:
    path = tmp_path / "capture.warc.gz"
    write_warc(path, [(URL, 200, page_html(), [])])
    return path


def test_a_capture_changed_in_the_store_is_seen_by_the_session(project: MiniProject, capture: Path) -> None:
    """A capture file damaged (or replaced) in the store's `captures/` folder while the server runs: the
    session's next lint reports it as a fresh lint does, though no briefing, source or snapshot changed."""
    assert import_(project, capture, "--source", "bridge-2024") == 0
    cite_new_source(project)
    config = load_config(project.root, str(project.snapshots), environ={})
    session = Session()
    assert seen(session.lint(config)) == seen(lint_project(config)) == ([], [])
    [stored] = (project.snapshots / "captures").iterdir()
    stored.write_bytes(stored.read_bytes() + b"\0")  # damaged
    fresh = lint_project(config)
    assert [p.code for p in fresh.problems] == ["CIT007"]
    assert seen(session.lint(config)) == seen(fresh)


def test_a_snapshot_folder_removed_when_already_empty_is_seen_by_the_session(project: MiniProject) -> None:
    """An empty store, then no store at all: the same snapshots (none), but snapshot-missing says another thing
    (the folder does not exist, pass --snapshots)."""
    (project.snapshots / "bridge.txt").unlink()
    config = load_config(project.root, str(project.snapshots), environ={})
    session = Session()
    assert seen(session.lint(config)) == seen(lint_project(config))
    project.snapshots.rmdir()
    fresh = lint_project(config)
    assert "does not exist" in fresh.problems[0].message
    assert seen(session.lint(config)) == seen(fresh)


# --- the pages of a served session: generated with the session's memo, they are those of a generation from scratch

VALID = {"city-herald-2024": ('"the bridge would reopen in May"', '"1,204 vehicles"'),
         "ferry-2024": ('"the ferry would close"', '"would close for a week"')}


@st.composite
def valid_briefings(draw: st.DrawFn, name: str) -> str:
    facts = []
    for index in range(draw(st.integers(1, 3))):
        source = draw(st.sampled_from(sorted(VALID)))
        lines = [f"      - id: {name}-{index}\n",
                 f"        text: {draw(st.sampled_from(['The minister said so.', 'The operator said so.']))}\n",
                 f"        date: {draw(st.sampled_from(['2024-03-04', '2024-02', '2023-05-02', '2024']))}\n"]
        if draw(st.booleans()):
            lines.append("        kind: state\n        as_of: 2024-03-04\n")
        other = draw(st.sampled_from(["", *(f"{n}-{i}" for n in NAMES for i in range(3))]))
        if other and other != f"{name}-{index}":
            lines.append(f"        status: {{value: superseded, by: [{other}], reason: Later.}}\n")
        lines.append(f"        citations:\n          - source: {source}\n"
                     f"            quote: {draw(st.sampled_from(VALID[source]))}\n")
        facts.append("".join(lines))
    title = draw(st.sampled_from(["The bridge", "Tolls", "Ferry"]))
    return (f"title: {title}\nsummary: What the city said.\nupdated: 2024-03\n"
            f"sections:\n  - title: Reopening\n    facts:\n{''.join(facts)}")


VALID_EDITS = st.one_of(
    st.sampled_from(NAMES).flatmap(lambda name: st.tuples(st.just("write"), st.just(name), valid_briefings(name))),
    st.tuples(st.just("remove"), st.sampled_from(NAMES), st.just("")),
    st.tuples(st.just("source"), st.sampled_from(["City Herald", "City Courier"]), st.just("")),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(VALID_EDITS, min_size=1, max_size=6))
def test_after_any_edits_the_session_generates_what_a_generation_from_scratch_does(
        edits: list[tuple[str, str, str]]) -> None:
    from build_tools.site import generate

    folder = Path(tempfile.mkdtemp(prefix="attack-pages-"))
    try:
        root, snapshots = two_source_project(folder)
        (root / "briefings/one.yaml").write_text(
            "title: One\nsummary: S.\nupdated: 2024-03\nsections:\n  - title: A\n    facts:\n"
            "      - id: one-0\n        text: The minister said so.\n        date: 2024-03-04\n"
            "        citations:\n          - source: city-herald-2024\n"
            "            quote: \"the bridge would reopen in May\"\n", encoding="utf-8")
        session = Session()
        for number, edit in enumerate([("none", "", ""), *edits]):
            apply(root, snapshots, edit)
            result = session.lint(load_config(root, str(snapshots), environ={}))
            if result.errors:
                continue
            assert generate(result.project, result.store, memo=session.memo) == generate(
                result.project, result.store), (number, edit)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

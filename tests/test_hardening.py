"""Hardened against bad input: properties, fuzzing, atomic and reproducible builds, internal errors."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from build_tools import load as load_module
from build_tools import site as site_module
from build_tools.characters import describe
from build_tools.cli import main
from build_tools.config import load_config
from build_tools.render.markdown import front_matter, yaml_string
from build_tools.render.pages import render_pages
from build_tools.report import FORMATS, format_problems
from build_tools.schema import BRIEFING, SOURCE, Checker, Field, ListOf, Record, check_file
from build_tools.session import Session
from build_tools.site import MANIFEST, OutputCollision, write_files, write_parts
from build_tools.sitebuild import build_site
from build_tools.yaml_nodes import parse_yaml
from tests.conftest import BRIEFING_YAML, ROOT, SOURCE_YAML, MiniProject, fact_text, mkdocs_build, require_seeds
from tests.test_site import write_mkdocs_config

SETTINGS = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
EXTENSIONS = ["footnotes", "attr_list", "md_in_html", "tables", "admonition", "build_tools.markdown_ext"]


# --- properties ----------------------------------------------------------------------------

@SETTINGS
@given(text=st.text(min_size=1, max_size=80))
def test_any_fact_text_is_accepted_or_reported_never_raises(project: MiniProject, text: str) -> None:
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace(
        "text: The minister said the bridge would reopen in May.", f"text: {json.dumps(text)}"))
    result = project.lint()  # must not raise
    assert all(p.where.line >= 1 and p.where.column >= 1 and p.code for p in result.problems)


PAGE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80).filter(
    lambda t: t.strip() and not t.strip().upper().startswith("TODO"))


@SETTINGS
@given(text=PAGE_TEXT, title=PAGE_TEXT, summary=PAGE_TEXT)
def test_accepted_text_renders_the_whole_page_exactly_with_no_new_markup(project: MiniProject, text: str,
                                                                        title: str, summary: str) -> None:
    """The whole page as MkDocs reads it: front matter (parsed by MkDocs's own reader), then the body."""
    project.write("briefings/bridge.yaml", BRIEFING_YAML
                  .replace("text: The minister said the bridge would reopen in May.", f"text: {json.dumps(text)}")
                  .replace("title: The bridge", f"title: {json.dumps(title)}")
                  .replace("summary: What the city said about the bridge.", f"summary: {json.dumps(summary)}"))
    result = project.lint()
    if result.errors:
        return  # reported, not rendered: the other property covers this path
    page = render_pages(result.project)["briefings/bridge.md"]
    body, meta = get_data(page)
    assert meta == {"title": html.escape(" ".join(title.split())),
                    "description": html.escape(" ".join(summary.split())), "feed": "feed-bridge.xml",
                    "feed_title": html.escape(" ".join(title.split()) + ": new facts and corrections")}
    rendered = BeautifulSoup(markdown.markdown(body, extensions=EXTENSIONS), "html.parser")
    assert rendered.find("h1").get_text() == " ".join(title.split())
    fact = fact_text(rendered, "bridge-reopens")
    assert fact is not None
    assert " ".join(text.split()) in fact.get_text()
    assert {tag.name for tag in fact.find_all(True)} <= {"strong", "sup", "a", "em"}
    assert all(set(tag.attrs) <= {"href", "id", "class", "title", "aria-label"} for tag in fact.find_all(True))
    assert not [a for a in rendered.find_all("a") if a.get("href", "").strip().lower().startswith("javascript")]


@settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "400")), deadline=None)
@given(value=st.text(max_size=60))
def test_front_matter_reads_back_for_any_string(value: str) -> None:
    """Even text the schema refuses (noncharacters, controls, surrogates): the head cannot break."""
    _, meta = get_data(front_matter(title=value, description=value) + "# Body\n")
    shown = html.escape(" ".join(value.split()))
    assert meta == {"title": shown, "description": shown}


def _scalar_fields(record: Record, seen: set[str]) -> Iterator[tuple[Record, Field]]:
    """Every field of every record reachable from `record` whose values are written as scalars."""
    if record.name in seen:
        return
    seen.add(record.name)
    for spec in record.fields:
        shape = spec.kind.item if isinstance(spec.kind, ListOf) else spec.kind
        if isinstance(shape, Record):
            yield from _scalar_fields(shape, seen)
        else:
            yield record, spec


FIELDS = [pair for root in (SOURCE, BRIEFING) for pair in _scalar_fields(root, set())]


@pytest.mark.parametrize(("record", "spec"), FIELDS, ids=[f"{r.name}.{f.name}" for r, f in FIELDS])
@pytest.mark.parametrize("char", ["\uffff", "\u061c", "\U000e0041", "\ufff9", "\ue000", "\x1b", "\u2029"])
def test_every_text_field_refuses_unsafe_characters_by_name(record: Record, spec: Field, char: str) -> None:
    value = yaml_string(f"ab{char}c")
    line = f"{spec.name}: [{value}]" if isinstance(spec.kind, ListOf) else f"{spec.name}: {value}"
    parsed = parse_yaml("f.yaml", line.encode())
    assert parsed.root is not None
    checker = Checker("f.yaml")
    checker.record(parsed.root, record)
    unsafe = [p.message for p in checker.problems if p.code == "SCH007"]
    assert unsafe == [f"'{spec.name}' contains {describe(char)} at character 3; delete it"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_format_lets_a_control_character_through(project: MiniProject, fmt: str) -> None:
    hostile = "\x1b]0;pwned\x07\x1b[2J\u202e\u2028\x85"
    project.write("sources/city-herald-2024.yaml", SOURCE_YAML + f"{yaml_string(hostile + 'title')}: x\n")
    project.write(f"briefings/{hostile}.yaml", BRIEFING_YAML)
    result = project.lint()
    assert len(result.problems) >= 2
    out = format_problems(result, fmt)
    assert [line for line in out.splitlines() if not line.isprintable()] == []
    if fmt in ("json", "sarif"):
        strings = [json.loads(f'"{s}"') for s in re.findall(r'"((?:[^"\\]|\\.)*)"', out)]  # as a tool reads them
        raw = {char for char in hostile if not char.isprintable()}
        assert not [s for s in strings if raw & set(s)]


# --- fuzzing -------------------------------------------------------------------------------

def _mutations(seed: bytes) -> st.SearchStrategy[bytes]:
    def mutate(data: tuple[int, int, bytes]) -> bytes:
        position, length, insert = data
        position %= len(seed) + 1
        return seed[:position] + insert + seed[position + length:]
    return st.tuples(st.integers(0, len(seed)), st.integers(0, 8), st.binary(max_size=12)).map(mutate)


YAML_BYTES = st.one_of(
    st.binary(max_size=300),
    _mutations(BRIEFING_YAML.encode()),
    _mutations(SOURCE_YAML.encode()),
    st.text(alphabet="[]{}:-&*!|>'\" \n\tab#%@`,?", max_size=200).map(str.encode),
)


@settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "400")), deadline=None)
@given(data=YAML_BYTES)
def test_fuzzed_yaml_never_crashes_and_is_fast(data: bytes) -> None:
    for record in (BRIEFING, SOURCE):
        started = time.perf_counter()
        parsed = parse_yaml("f.yaml", data)
        if parsed.root is not None:
            check_file("f.yaml", parsed.root, record)
        assert time.perf_counter() - started < 1.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_mutations(BRIEFING_YAML.encode()))
def test_fuzzed_briefing_through_the_cli_exits_0_or_1(project: MiniProject, data: bytes,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (project.root / "briefings/bridge.yaml").write_bytes(data)
    code = main(["lint", "--root", str(project.root), "--snapshots", str(project.snapshots)])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    assert "Traceback" not in captured.err


# --- files that are not what they seem -----------------------------------------------------

def test_symlink_out_of_the_project_is_refused(project: MiniProject, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(SOURCE_YAML, encoding="utf-8")
    (project.root / "sources/linked.yaml").symlink_to(outside)
    problems = project.lint().problems
    linked = [p for p in problems if p.where.path == "sources/linked.yaml"]
    assert [p.code for p in linked] == ["YML009"] and "resolves outside the project" in linked[0].message


def test_a_folder_linked_out_of_the_project_is_refused(project: MiniProject, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (project.root / "briefings").rename(outside)
    (project.root / "briefings").symlink_to(outside)
    problems = project.lint().problems
    assert [(p.where.path, p.code) for p in problems] == [("briefings/bridge.yaml", "YML009")]
    assert "resolves outside the project" in problems[0].message


def test_internal_error_names_the_file_it_happened_on_and_exits_2(project: MiniProject,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(load_module.schema, "check_file", broken)
    code = main(["lint", "--root", str(project.root), "--snapshots", str(project.snapshots)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("briefings: internal error: RuntimeError: simulated bug (while reading "
                          "sources/city-herald-2024.yaml)\nThis is a bug")


def test_an_internal_error_after_loading_blames_no_file(project: MiniProject, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """No stale "current file": an error in a rule, after every file was read, names none of them."""
    from build_tools.rules import RULES, Rule

    def broken(ctx: object) -> Iterator[object]:
        raise RuntimeError("simulated bug in a rule")

    monkeypatch.setattr("build_tools.lint.RULES", (Rule(RULES[0].code, broken),))  # type: ignore[arg-type]
    code = main(["lint", "--root", str(project.root), "--snapshots", str(project.snapshots)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("briefings: internal error: RuntimeError: simulated bug in a rule\n")
    assert ".yaml" not in err.splitlines()[0]


# --- atomic and reproducible builds -------------------------------------------------------

def test_failed_write_leaves_previous_pages_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "pages"
    write_files({"a.md": "old a\n", "b.md": "old b\n"}, out)
    real_fdopen = os.fdopen
    calls = {"n": 0}

    def disk_full(fd: int, mode: str = "r", *args: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real_fdopen(fd, mode, *args)

    monkeypatch.setattr(site_module.os, "fdopen", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_files({"a.md": "new a\n", "b.md": "new b\n", "c.md": "new c\n"}, out)
    assert (out / "a.md").read_text() == "old a\n" and (out / "b.md").read_text() == "old b\n"
    assert sorted(p.name for p in out.iterdir()) == [".briefings-generated", "a.md", "b.md"]


def test_a_part_that_fails_midway_leaves_previous_pages_untouched(tmp_path: Path) -> None:
    """A build that writes its output group by group (`write_parts`, for memory) changes nothing when a later
    group fails to be made: what the earlier groups staged is removed, not renamed into place."""
    out = tmp_path / "pages"
    write_files({"a.md": "old a\n", "data/b.json": "old b\n"}, out)

    def parts() -> Iterator[dict[str, str]]:
        yield {"a.md": "new a\n", "c.md": "new c\n"}
        raise RuntimeError("an export failed")

    with pytest.raises(RuntimeError, match="an export failed"):
        write_parts(parts(), out)
    assert _digest(out) == _digest_of({"a.md": "old a\n", "data/b.json": "old b\n"}, out)
    assert sorted(p.name for p in out.rglob("*")) == [".briefings-generated", "a.md", "b.json", "data"]
    with pytest.raises(OutputCollision):
        write_parts([{"a.md": "x\n"}, {"a.md": "y\n"}], out)
    assert (out / "a.md").read_text() == "old a\n"


def test_a_build_that_keeps_nothing_writes_what_a_kept_one_does(project: MiniProject, tmp_path: Path) -> None:
    config = load_config(project.root, str(project.snapshots), environ={})
    kept = Session().build(config, tmp_path / "kept")
    streamed = Session(keep=False).build(config, tmp_path / "streamed")
    assert kept.report is not None and streamed.report is not None
    assert _digest(tmp_path / "kept") == _digest(tmp_path / "streamed")
    assert set(streamed.files) == set(kept.files) and set(streamed.files.values()) == {None}
    assert sorted(streamed.report.written) == sorted(kept.report.written) == sorted(streamed.report.paths)
    again = Session(keep=False).build(config, tmp_path / "streamed")
    assert again.report is not None and again.report.written == () and again.report.unchanged == len(kept.files)


def _digest_of(files: dict[str, str], out: Path) -> dict[str, str]:
    manifest = "".join(f"{rel}\n" for rel in sorted(files))
    return {rel: hashlib.sha256(text.encode()).hexdigest() for rel, text in {**files, MANIFEST: manifest}.items()}


def test_failed_site_build_leaves_the_previous_site(project: MiniProject, tmp_path: Path) -> None:
    write_mkdocs_config(project)
    site = project.root / "site"
    env = {"BRIEFINGS_SNAPSHOTS": str(project.snapshots)}
    assert build_site(project.root, site, env).returncode == 0
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("would reopen", "will reopen"))
    failed = build_site(project.root, site, env)
    assert failed.returncode != 0 and "CIT003" in failed.stderr
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".site")] == []


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    seeds = require_seeds()
    first, second = tmp_path / "one", tmp_path / "two"
    for out, seed in ((first, "1"), (second, "2")):
        result = mkdocs_build(ROOT, out, seeds, SOURCE_DATE_EPOCH="1700000000", PYTHONHASHSEED=seed)
        assert result.returncode == 0, result.stderr
    one, two = _digest(first), _digest(second)
    assert one.keys() == two.keys()
    differing = [name for name in one if one[name] != two[name]]
    assert differing == []
    assert "sitemap.xml" in one and "data/briefings.json" in one

"""The generation made by a second process while MkDocs converts the pages (`build_tools/background.py`)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.commands.build import build as mkdocs_build_in_process
from mkdocs.config import load_config as load_mkdocs_config
from mkdocs.exceptions import Abort, PluginError

from build_tools import background, export, mkdocs_hook, site
from build_tools.background import Generation, GenerationFailed, LintFailed
from build_tools.config import load_config
from build_tools.render import pages
from build_tools.session import Session
from build_tools.site import MANIFEST
from tests.conftest import BRIEFING_YAML, ROOT, MiniProject, mkdocs_build

MORE_FACTS = """
      - id: bridge-opened-{n}
        text: The minister said the bridge would reopen in May.
        date: 202{n}-01-04
        kind: plan
        citations:
          - source: city-herald-2024
            quote: "the bridge would reopen in May"
"""


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A second process even where only one core is free (the tests' machine may be shared)."""
    if not hasattr(os, "fork"):
        pytest.skip("no os.fork on this system")
    monkeypatch.setattr(background, "available", lambda: True)


def _larger(project: MiniProject) -> None:
    project.write("briefings/bridge.yaml", BRIEFING_YAML + "".join(MORE_FACTS.format(n=n) for n in range(0, 4)))
    project.write("briefings/other.yaml", BRIEFING_YAML.replace("bridge-reopens", "other-reopens")
                  .replace("title: The bridge", "title: The other bridge"))


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _start(project: MiniProject, out: Path) -> Generation:
    generation = Session(keep=False).start(load_config(project.root, str(project.snapshots), environ={}), out)
    assert generation is not None
    return generation


def _take_all(generation: Generation, paths: list[str]) -> dict[str, str]:
    taken = {}
    for path in paths:
        place = generation.take(path)
        assert place is not None
        taken[path] = place.read_text(encoding="utf-8") if place.is_file() else ""
    return taken


def test_the_second_process_writes_what_one_process_writes(project: MiniProject, tmp_path: Path,
                                                           forking: None) -> None:
    _larger(project)
    config = load_config(project.root, str(project.snapshots), environ={})
    alone = Session(keep=False).build(config, tmp_path / "alone")
    assert alone.report is not None, [p.line() for p in alone.lint.problems]
    generation = _start(project, tmp_path / "forked")
    paths = generation.paths()
    pages_ = [path for path in paths if path.endswith(".md")]
    assert pages_ == sorted(pages_, key=site.reading_order) and sorted(paths) == sorted(alone.files)  # MkDocs's order
    taken = _take_all(generation, pages_)
    checked = generation.checked()
    assert checked.errors == 0 and checked.summary.startswith("0 errors, ")
    assert [line for _, line in checked.problems] == [p.line() for p in alone.lint.problems]
    joined = generation.join()
    assert joined.paths == len(alone.files) and joined.written == len(alone.files) and joined.cpu_s > 0
    assert set(joined.seconds) == {"load", "plan", "pages", "lint", "exports", "write"}
    forked = _files(tmp_path / "forked")
    assert forked == _files(tmp_path / "alone")
    assert all(taken[path] == forked[path].decode("utf-8") for path in pages_)  # each page as it was written
    assert generation.join() is joined  # joined once; asking again gives the same


def test_pages_can_be_taken_in_any_order_once_then_read_in_place(project: MiniProject, tmp_path: Path,
                                                                  forking: None) -> None:
    _larger(project)
    generation = _start(project, tmp_path / "out")
    pages_ = [path for path in generation.paths() if path.endswith(".md")]
    taken = _take_all(generation, list(reversed(pages_)))  # the last made first: every message is read
    assert generation.take(pages_[0]) is None  # taken: once the child is done, it is in place
    generation.join()
    assert all((tmp_path / "out" / path).read_text(encoding="utf-8") == text for path, text in taken.items())


def test_an_unchanged_page_is_read_in_place(project: MiniProject, tmp_path: Path, forking: None) -> None:
    Session(keep=False).build(load_config(project.root, str(project.snapshots), environ={}), tmp_path / "out")
    generation = _start(project, tmp_path / "out")
    place = generation.take("briefings/bridge.md")
    assert place == tmp_path / "out/briefings/bridge.md"
    assert generation.join().written == 0


def _previous_output(project: MiniProject, out: Path) -> dict[str, bytes]:
    Session(keep=False).build(load_config(project.root, str(project.snapshots), environ={}), out)
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("would reopen in May.", "would reopen in May, he "
                                                                 "said."))
    return _files(out)


def _boom(*_: object) -> str:
    raise RuntimeError("boom")


def test_a_page_that_fails_stops_the_build_and_leaves_the_previous_output(
        project: MiniProject, tmp_path: Path, forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _previous_output(project, tmp_path / "out")
    monkeypatch.setattr(pages, "render_briefing", _boom)  # briefings/ comes after sources/
    generation = _start(project, tmp_path / "out")
    assert generation.take("sources/city-herald-2024.md") is not None
    with pytest.raises(GenerationFailed, match=r"^RuntimeError: boom$"):
        generation.take("briefings/bridge.md")
    with pytest.raises(GenerationFailed, match=r"^RuntimeError: boom$"):
        generation.join()
    assert _files(tmp_path / "out") == before  # and no staged file left behind


def test_an_export_that_fails_after_every_page_stops_the_build_at_the_join(
        project: MiniProject, tmp_path: Path, forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _previous_output(project, tmp_path / "out")
    monkeypatch.setattr(export, "_annotations_head", _boom)
    generation = _start(project, tmp_path / "out")
    _take_all(generation, [path for path in generation.paths() if path.endswith(".md")])
    assert generation.checked().errors == 0
    with pytest.raises(GenerationFailed, match=r"^RuntimeError: boom$"):
        generation.join()
    assert _files(tmp_path / "out") == before


def test_a_killed_child_is_a_failure(project: MiniProject, tmp_path: Path, forking: None,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = _previous_output(project, tmp_path / "out")
    monkeypatch.setattr(pages, "render_home", lambda *_: os.kill(os.getpid(), signal.SIGKILL))
    generation = _start(project, tmp_path / "out")
    with pytest.raises(GenerationFailed, match=r"the generating process stopped \(exit status -9\)"):
        _take_all(generation, [path for path in generation.paths() if path.endswith(".md")])
    after = _files(tmp_path / "out")  # a killed process cannot remove what it staged: the output is intact
    assert {rel: data for rel, data in after.items() if "/.tmp-" not in f"/{rel}"} == before


def test_an_output_that_is_not_ours_is_refused_before_the_child_starts(project: MiniProject, tmp_path: Path,
                                                                        forking: None) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out/notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(Exception, match="holds no " + MANIFEST):
        _start(project, tmp_path / "out")


WRONG_QUOTE = BRIEFING_YAML.replace('quote: "the bridge would reopen in May"', 'quote: "the bridge would never reopen"')


def test_the_rules_errors_stop_the_child_after_the_pages_and_nothing_is_written(
        project: MiniProject, tmp_path: Path, forking: None) -> None:
    """The rules run after the pages (MkDocs converts them meanwhile) and before the exports: their errors end
    the child with nothing renamed into place, and every later question gets them."""
    before = _previous_output(project, tmp_path / "out")
    assert 'quote: "the bridge would reopen in May"' in BRIEFING_YAML
    project.write("briefings/bridge.yaml", WRONG_QUOTE)
    generation = _start(project, tmp_path / "out")
    assert "briefings/bridge.md" in generation.paths()  # listed: the project loaded whole
    _take_all(generation, [path for path in generation.paths() if path.endswith(".md")])
    with pytest.raises(LintFailed) as failed:
        generation.checked()
    assert failed.value.checked.errors >= 1 and failed.value.checked.summary.startswith(
        f"{failed.value.checked.errors} error")
    assert any(severity == "error" and "CIT" in line for severity, line in failed.value.checked.problems)
    with pytest.raises(LintFailed):
        generation.join()
    assert _files(tmp_path / "out") == before


def test_a_project_that_does_not_load_whole_is_never_listed(project: MiniProject, tmp_path: Path,
                                                            forking: None) -> None:
    before = _previous_output(project, tmp_path / "out")
    project.write("briefings/broken.yaml", "id: broken\ntitle: [unclosed\n")
    generation = _start(project, tmp_path / "out")
    with pytest.raises(LintFailed) as failed:
        generation.paths()
    assert any("briefings/broken.yaml" in line for _, line in failed.value.checked.problems)
    assert _files(tmp_path / "out") == before


def test_a_page_that_fails_on_a_project_the_rules_reject_reports_the_rules(
        project: MiniProject, tmp_path: Path, forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages are made before the rules run: a renderer that trips on what the rules reject must not hide it."""
    before = _previous_output(project, tmp_path / "out")
    project.write("briefings/bridge.yaml", WRONG_QUOTE)
    monkeypatch.setattr(pages, "render_source", _boom)
    generation = _start(project, tmp_path / "out")
    with pytest.raises(LintFailed):
        _take_all(generation, [path for path in generation.paths() if path.endswith(".md")])
    assert _files(tmp_path / "out") == before


def write_tiny_site_config(project: MiniProject) -> None:
    project.write("mkdocs.yml", f"site_name: Two processes\ntheme:\n  name: mkdocs\nhooks:\n  - {ROOT}/build_tools/"
                  "mkdocs_hook.py\nmarkdown_extensions: [footnotes, attr_list, tables, md_in_html]\n")
    project.write("docs/method.md", "# Method\n\n## current { #current }\n\n## as-of { #as-of }\n\n"
                  "## independence { #independence }\n")


def test_mkdocs_builds_the_same_site_with_and_without_the_second_process(project: MiniProject,
                                                                         tmp_path: Path) -> None:
    _larger(project)
    write_tiny_site_config(project)
    built = {}
    for name, env in (("two", {}), ("one", {background.OFF: "1"})):
        result = mkdocs_build(project.root, tmp_path / name, project.snapshots, SOURCE_DATE_EPOCH="1700000000", **env)
        assert result.returncode == 0, result.stderr
        built[name] = (_files(tmp_path / name), _files(project.root / "build/pages"))
    assert built["two"] == built["one"]


def test_a_failure_in_the_second_process_stops_mkdocs_with_one_line(
        project: MiniProject, tmp_path: Path, forking: None, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    before = _previous_output(project, project.root / "build/pages")
    write_tiny_site_config(project)
    monkeypatch.setenv("BRIEFINGS_SNAPSHOTS", str(project.snapshots))
    monkeypatch.setattr(site, "csl_json", _boom)
    config = load_mkdocs_config(config_file=str(project.root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        with caplog.at_level(logging.ERROR), pytest.raises((Abort, PluginError)):
            mkdocs_build_in_process(config)
    finally:
        config.plugins.on_shutdown()
    assert ("briefings: generating the site failed: RuntimeError: boom; the previous output is left as it was"
            in caplog.text)
    assert _files(project.root / "build/pages") == before


def test_the_rules_errors_stop_mkdocs_as_in_one_process(project: MiniProject, tmp_path: Path) -> None:
    """With the rules run by the second process, a project they reject stops `mkdocs build` with the very lines
    one process gives (each problem, the summary), nothing else said about the pages, and the previous output."""
    write_tiny_site_config(project)
    said = {}
    for errors, name in ((WRONG_QUOTE, "checks"), (BRIEFING_YAML + "  - [unclosed\n", "load")):
        for previous in (True, False):  # over an earlier output, or the first build (no page to fall back on)
            shutil.rmtree(project.root / "build", ignore_errors=True)
            before = _previous_output(project, project.root / "build/pages") if previous else {}
            project.write("briefings/bridge.yaml", errors)
            for processes, env in (("two", {}), ("one", {background.OFF: "1"})):
                result = mkdocs_build(project.root, tmp_path / processes, project.snapshots, **env)
                assert result.returncode == 1, result.stderr
                assert "Traceback" not in result.stderr, result.stderr
                lines = [line for line in result.stderr.splitlines() if line.startswith(("ERROR", "WARNING"))
                         or "briefings" in line]
                said[name, previous, processes] = [line for line in lines if "second process" not in line]
                assert _files(project.root / "build/pages") == before if previous else not any(
                    (project.root / "build/pages").glob("*.md"))
            assert said[name, previous, "two"] == said[name, previous, "one"], (name, previous)
            assert any(line.startswith("ERROR") and "bridge.yaml" in line for line in said[name, previous, "two"])
            assert not any(line.startswith("WARNING") for line in said[name, previous, "two"])


OLD_ANCHOR = re.compile(r'\sid="([^"]+)"')


@given(st.text(alphabet=' \n\txid="=-a&;#<>', max_size=60))
def test_anchors_are_those_of_the_regular_expression_they_replace(html: str) -> None:
    import html as html_module

    assert mkdocs_hook.anchors(html) == [html_module.unescape(found) for found in OLD_ANCHOR.findall(html)]


@given(st.text(alphabet="aé€𝄞\n", max_size=40), st.text(alphabet="aé€𝄞\n", max_size=40))
def test_a_file_is_written_and_compared_a_piece_at_a_time(content: str, other: str) -> None:
    import tempfile

    from build_tools import site as writer

    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as folder:
        patch.setattr(writer, "_PIECE", 3)  # three characters: pieces of one to twelve bytes
        out = Path(folder) / "out"
        writer.write_files({"a.json": content}, out)
        assert (out / "a.json").read_bytes() == content.encode("utf-8")
        assert writer._holds(out / "a.json", content)
        assert writer._holds(out / "a.json", other) == (other == content)


@given(st.lists(st.text(alphabet="aé€𝄞\n", max_size=7), max_size=8), st.text(alphabet="aé€𝄞\n", max_size=40))
def test_a_file_in_pieces_is_written_and_compared_as_its_joined_text(parts: list[str], other: str) -> None:
    """The largest exports are never joined (`export.Pieces`): written and compared in batches of pieces, they
    give the bytes of their text, and an unchanged file is left as it is."""
    import tempfile

    from build_tools import site as writer

    pieces, joined = export.Pieces(parts), "".join(parts)
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as folder:
        patch.setattr(writer, "_PIECE", 3)
        out = Path(folder) / "out"
        assert writer.write_files({"a.json": pieces}, out).written == ("a.json",)
        assert (out / "a.json").read_bytes() == joined.encode("utf-8") == b"".join(writer._encoded(pieces))
        assert writer._holds(out / "a.json", pieces) and writer._holds(out / "a.json", joined)
        assert writer._holds(out / "a.json", export.Pieces([other])) == (other == joined)
        assert writer.write_files({"a.json": export.Pieces([joined])}, out).written == ()  # the same bytes: kept

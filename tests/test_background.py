"""The generation made by a second process while MkDocs converts the pages (`build_tools/background.py`)."""

from __future__ import annotations

import logging
import os
import re
import signal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.commands.build import build as mkdocs_build_in_process
from mkdocs.config import load_config as load_mkdocs_config
from mkdocs.exceptions import Abort, PluginError

from build_tools import background, export, mkdocs_hook, site
from build_tools.background import Generation, GenerationFailed
from build_tools.config import load_config
from build_tools.render import pages
from build_tools.session import Build, Session
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


def _start(project: MiniProject, out: Path) -> Build:
    build = Session(keep=False).build(load_config(project.root, str(project.snapshots), environ={}), out,
                                      background=True)
    assert build.pending is not None and build.report is None, [p.line() for p in build.lint.problems]
    return build


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
    assert alone.report is not None and alone.pending is None, [p.line() for p in alone.lint.problems]
    build = _start(project, tmp_path / "forked")
    assert build.pending is not None
    pages_ = [path for path in sorted(build.files) if path.endswith(".md")]
    assert list(build.files) == build.pending.paths and sorted(build.files) == sorted(alone.files)
    taken = _take_all(build.pending, pages_)
    joined = build.pending.join()
    assert joined.paths == len(alone.files) and joined.written == len(alone.files) and joined.cpu_s > 0
    assert set(joined.seconds) == {"pages", "exports", "write"}
    forked = _files(tmp_path / "forked")
    assert forked == _files(tmp_path / "alone")
    assert all(taken[path] == forked[path].decode("utf-8") for path in pages_)  # each page as it was written
    assert build.pending.join() is joined  # joined once; asking again gives the same


def test_pages_can_be_taken_in_any_order_once_then_read_in_place(project: MiniProject, tmp_path: Path,
                                                                  forking: None) -> None:
    _larger(project)
    build = _start(project, tmp_path / "out")
    assert build.pending is not None
    pages_ = [path for path in build.files if path.endswith(".md")]
    taken = _take_all(build.pending, list(reversed(pages_)))  # the last made first: every message is read
    assert build.pending.take(pages_[0]) is None  # taken: once the child is done, it is in place
    build.pending.join()
    assert all((tmp_path / "out" / path).read_text(encoding="utf-8") == text for path, text in taken.items())


def test_an_unchanged_page_is_read_in_place(project: MiniProject, tmp_path: Path, forking: None) -> None:
    Session(keep=False).build(load_config(project.root, str(project.snapshots), environ={}), tmp_path / "out")
    build = _start(project, tmp_path / "out")
    assert build.pending is not None
    place = build.pending.take("briefings/bridge.md")
    assert place == tmp_path / "out/briefings/bridge.md"
    assert build.pending.join().written == 0


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
    monkeypatch.setattr(pages, "render_source", _boom)  # sources/ comes after briefings/ and index.md
    build = _start(project, tmp_path / "out")
    assert build.pending is not None
    assert build.pending.take("briefings/bridge.md") is not None
    with pytest.raises(GenerationFailed, match=r"^RuntimeError: boom$"):
        build.pending.take("sources/city-herald-2024.md")
    with pytest.raises(GenerationFailed, match=r"^RuntimeError: boom$"):
        build.pending.join()
    assert _files(tmp_path / "out") == before  # and no staged file left behind


def test_an_export_that_fails_after_every_page_stops_the_build_at_the_join(
        project: MiniProject, tmp_path: Path, forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _previous_output(project, tmp_path / "out")
    monkeypatch.setattr(export, "_annotations_head", _boom)
    build = _start(project, tmp_path / "out")
    assert build.pending is not None
    _take_all(build.pending, [path for path in build.files if path.endswith(".md")])
    with pytest.raises(GenerationFailed, match=r"^RuntimeError: boom$"):
        build.pending.join()
    assert _files(tmp_path / "out") == before


def test_a_killed_child_is_a_failure(project: MiniProject, tmp_path: Path, forking: None,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = _previous_output(project, tmp_path / "out")
    monkeypatch.setattr(pages, "render_home", lambda *_: os.kill(os.getpid(), signal.SIGKILL))
    build = _start(project, tmp_path / "out")
    assert build.pending is not None
    with pytest.raises(GenerationFailed, match=r"the generating process stopped \(exit status -9\)"):
        _take_all(build.pending, [path for path in build.files if path.endswith(".md")])
    after = _files(tmp_path / "out")  # a killed process cannot remove what it staged: the output is intact
    assert {rel: data for rel, data in after.items() if "/.tmp-" not in f"/{rel}"} == before


def test_an_output_that_is_not_ours_is_refused_before_the_child_starts(project: MiniProject, tmp_path: Path,
                                                                        forking: None) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out/notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(Exception, match="holds no " + MANIFEST):
        _start(project, tmp_path / "out")


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

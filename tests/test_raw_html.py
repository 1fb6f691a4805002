"""Raw HTML blocks in the generated pages: Markdown stores them unread (`markdown_ext.RawHtmlBlocks`), and that
gives exactly what Python-Markdown's own HTML block parser gives for the same page; their anchors reach MkDocs."""

from __future__ import annotations

import functools
import json

import markdown
import pytest
from mkdocs.config import load_config as mkdocs_config
from mkdocs.utils.meta import get_data

from benchmarks.project import Shape, write_project
from build_tools.config import load_config
from build_tools.render.markdown import RAW_HTML, html_block
from build_tools.render.shared import Links
from build_tools.session import Session
from tests.conftest import ROOT, MiniProject, require_seeds


@functools.cache
def _extensions() -> tuple[list[str], dict[str, object]]:
    """The Markdown extensions (and their settings) that mkdocs.yml names, as MkDocs reads them."""
    config = mkdocs_config(str(ROOT / "mkdocs.yml"))
    return list(config["markdown_extensions"]), dict(config["mdx_configs"])


def _convert(page: str) -> str:
    names, settings = _extensions()
    body, _ = get_data(page)
    return markdown.Markdown(extensions=names, extension_configs=settings).convert(body)


def _both_ways(files: dict[str, str]) -> list[str]:
    """The generated pages that hold raw HTML blocks, each converted with them stored unread and without
    (the marker lines taken out, so that Python-Markdown parses the blocks itself): they must be equal."""
    checked = []
    for rel, page in sorted(files.items()):
        if not rel.endswith(".md") or f"\n{RAW_HTML}\n" not in page:
            continue
        unmarked = page.replace(f"\n{RAW_HTML}\n", "\n")
        assert _convert(page) == _convert(unmarked), rel
        checked.append(rel)
    return checked


def test_the_real_pages_convert_the_same_with_their_blocks_unread(tmp_path) -> None:
    seeds = require_seeds()
    build = Session().build(load_config(ROOT, str(seeds), environ={}), out=tmp_path / "pages", links=Links.DIRECTORY)
    assert build.report is not None
    checked = _both_ways(build.files)
    assert {"briefings/contacts.md", "briefings/figures.md"} <= set(checked)


def test_the_synthetic_pages_convert_the_same_with_their_blocks_unread(tmp_path) -> None:
    """The benchmark's project: long pages, timeline months, facts citing several sources."""
    write_project(tmp_path / "proj", Shape.of(300, briefings=3))
    build = Session().build(load_config(tmp_path / "proj", environ={}), out=tmp_path / "pages")
    assert build.report is not None
    checked = _both_ways(build.files)
    assert {"briefings/briefing-0000.md", "sources/source-00000.md", "timeline.md"} <= set(checked)
    assert any(rel.startswith("timeline/") for rel in checked)


def test_hostile_text_converts_the_same_with_the_blocks_unread(project: MiniProject, tmp_path) -> None:
    hostile = '<script>alert(1)</script> [^1] {: onclick="x" } </div> &amp; <!-- x --> *a* `b` \\\\ |c|'
    project.write("sources/city-herald-2024.yaml", (project.root / "sources/city-herald-2024.yaml")
                  .read_text(encoding="utf-8").replace("outlet: City Herald", f"outlet: {json.dumps(hostile)}"))
    build = Session().build(load_config(project.root, str(project.snapshots), environ={}), out=tmp_path / "pages")
    assert build.report is not None, [p.line() for p in build.lint.problems]
    assert "briefings/bridge.md" in _both_ways(build.files)
    page = _convert(build.files["briefings/bridge.md"])
    assert "<script>" not in page and "&#60;script&#62;alert&#40;1&#41;" in page  # in the note, as text


def test_a_raw_block_is_whole_block_level_elements_only() -> None:
    assert html_block('<div class="a">\n<p>x</p>\n</div>') == f'{RAW_HTML}\n<div class="a">\n<p>x</p>\n</div>'
    assert html_block() == ""
    for bad in ("<span>x</span>", "text", "<p>a</p>\n\n<p>b</p>", "<p>a</p>\n\n    <p>b</p>"):
        with pytest.raises(ValueError):
            html_block(bad)

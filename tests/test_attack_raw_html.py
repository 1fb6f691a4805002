"""Attack on the generated pages' raw HTML blocks (`render.markdown.html_block`, `latin1`,
`markdown_ext.RawHtmlBlocks`, the hook's anchors): hostile text in every field that reaches a page neither leaves
its element nor changes another block, converts as Python-Markdown converts the same page parsed normally, and
every link of the built site leads somewhere."""

from __future__ import annotations

import hashlib
import html.parser
import json
import shutil
import sys
from pathlib import Path

import pytest

from build_tools.config import load_config
from build_tools.render.markdown import RAW_HTML
from build_tools.session import Session
from tests.conftest import ROOT, SOURCE_YAML, MiniProject, mkdocs_build
from tests.site_links import broken_links
from tests.test_live_serve import site_config
from tests.test_raw_html import _both_ways, _convert
from tests.test_zensical import article, require_zensical, run

# HTML, Markdown, the raw-block marker, character references typed as text, quotes of both kinds, a line break,
# characters outside Latin-1 (curly quotes, a dash, other scripts, one beyond the BMP).
HOSTILE = ('</p></div></li></ol><script>alert(1)</script><a href="javascript:alert(1)">x</a> '
           '<!-- briefings: html --> [^1] {: onclick="alert(1)" } [y](onmouseover=alert(1)//) [z](javascript:alert(1)) '
           '&amp; &#60;b&#62; &lt;i&gt; '
           "*a* `b` | c \u201cq\u201d \u2014 \u017bi\u017cek \u6f22\u5b57 \U0001f600 it's")
SNAPSHOT = (f"Before the bridge. He wrote {HOSTILE} on Monday, the minister said.\n"
            "The second paragraph says the crossing would close for a week.\n")
QUOTE = "He wrote " + HOSTILE[:70]
LINE = json.dumps(HOSTILE, ensure_ascii=False)  # a YAML (and TOML) string
TAGS = {"a", "abbr", "blockquote", "br", "code", "details", "div", "em", "figcaption", "figure", "h1", "h2", "h3",
        "h4", "li", "ol", "p", "path", "rect", "script", "section", "span", "strong", "sup", "summary", "svg", "table",
        "tbody", "td", "text", "th", "thead", "title", "tr", "ul", "g", "line", "defs", "pattern", "hr", "small",
        "time", "nav", "dl", "dt", "dd", "circle", "polyline", "tspan", "desc", "caption", "col", "colgroup", "b",
        "i", "pre", "form", "label", "select", "option", "output"}

def hostile_project(project: MiniProject) -> None:
    """Every text field a page shows made hostile: briefing, section and source titles, outlet, author, the
    fact's text, who said it, its status reason, a correction, its quote and context quote, the source's URL."""
    (project.snapshots / "hostile.txt").write_text(SNAPSHOT, encoding="utf-8")
    sha = hashlib.sha256(SNAPSHOT.encode()).hexdigest()
    source = (SOURCE_YAML.replace(SOURCE_YAML.split("sha256: ")[1].split("\n")[0], sha)
              .replace("file: bridge.txt", "file: hostile.txt")
              .replace("title: Bridge to reopen in May", f"title: {LINE}")
              .replace("outlet: City Herald", f"outlet: {LINE}\nauthor: {LINE}")
              .replace("url: https://example.org/bridge",
                       "url: \"https://example.org/caf\u00e9/\u201cq\u201d?a='1'&b=\\\"2\\\"#x\"\n"
                       "url_status: dead\narchive_url: \"https://web.archive.org/web/2024/https://example.org/\u00e9\""))
    project.write("sources/hostile-2024.yaml", source)
    line = LINE
    briefing = f"""\
title: {line}
summary: {line}
updated: 2024-03
short_answer: [hostile-said]
sections:
  - title: {line}
    facts:
      - id: hostile-said
        text: {json.dumps("The minister said " + HOSTILE, ensure_ascii=False)}
        date: 2024-03-04
        said_by: {line}
        status: {{value: disputed, by: [bridge-reopens], reason: {line}}}
        citations:
          - source: hostile-2024
            quote: {json.dumps(QUOTE, ensure_ascii=False)}
            context: "the minister said"
  - title: {line}
    display: table
    facts:
      - id: hostile-table
        text: {json.dumps("The minister said " + HOSTILE, ensure_ascii=False)}
        date: 2024-03-04
        said_by: {line}
        status: {{value: superseded, by: [hostile-said], reason: {line}}}
        citations:
          - source: hostile-2024
            quote: "the crossing would close for a week"
        corrections:
          - date: 2024-03-05
            wrong: {line}
            changed: {line}
"""
    project.write("briefings/hostile.yaml", briefing)
    title = json.dumps(HOSTILE[:190], ensure_ascii=False)  # at most 200 characters
    project.write("briefings.toml", f'[project]\ntitle = {title}\ndescription = {line}\n'
                  '[lint]\ndisable = ["fact-beyond-quotes", "change-without-correction"]\n')


class _Elements(html.parser.HTMLParser):
    """The elements and attributes of a converted page, and where a script or a `javascript:` link is."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unexpected: list[str] = []
        self.labels: set[str] = set()
        self.dangerous: list[str] = []  # event handlers, `javascript:` addresses

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "footnote-ref" in (values.get("class") or ""):
            self.labels.add(str(values.get("aria-label")))
        if tag not in TAGS:
            self.unexpected.append(f"<{tag}>")
        if tag == "script" and values.get("type") != "application/ld+json":
            self.unexpected.append(f"<script {attrs}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.dangerous.append(f"<{tag} {name}={value!r}>")


@pytest.fixture
def hostile(project: MiniProject, tmp_path: Path) -> dict[str, str]:
    hostile_project(project)
    build = Session().build(load_config(project.root, str(project.snapshots), environ={}), out=tmp_path / "pages")
    assert build.report is not None, [p.line() for p in build.lint.problems]
    return build.files


def test_hostile_text_converts_the_same_with_its_blocks_unread(hostile: dict[str, str]) -> None:
    checked = _both_ways(hostile)
    assert {"briefings/hostile.md", "sources/hostile-2024.md", "timeline.md"} <= set(checked)


def test_hostile_text_adds_no_element_script_or_handler(hostile: dict[str, str]) -> None:
    for rel, page in sorted(hostile.items()):
        if not rel.endswith(".md"):
            continue
        converted = _convert(page)
        parser = _Elements()
        parser.feed(converted)
        assert parser.unexpected == [] and parser.dangerous == [], rel
        assert parser.labels <= {f"Source {n}: {' '.join(HOSTILE.split())}, 4 March 2024" for n in (1, 2)} | {
            "Source 1: City Herald, 4 March 2024"}, rel  # a note's name, as the reader hears it


def test_a_hostile_site_has_no_broken_link(project: MiniProject, tmp_path: Path) -> None:
    site_config(project)  # this repository's mkdocs.yml, docs/ and overrides/
    hostile_project(project)
    site = tmp_path / "site"
    result = mkdocs_build(project.root, site, project.snapshots)
    assert result.returncode == 0, result.stderr
    assert broken_links(site) == []
    for page in sorted(site.rglob("*.html")):
        parser = _Elements()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.dangerous == [], page


def test_a_fence_that_shows_the_marker_in_a_hand_written_page_stays_code() -> None:
    """The extension reads every page, hand-written ones too: a fenced example of a raw block is code, not HTML."""
    page = f"# Doc\n\n```html\n{RAW_HTML}\n<p>an <em>example</em></p>\n```\n\nDone.\n"
    converted = _convert(page)
    assert "<em>example</em>" not in converted and "&lt;!-- briefings: html --&gt;" in converted
    assert "<p>Done.</p>" in converted


def test_a_hostile_zensical_site_is_the_mkdocs_site_and_has_no_broken_link(project: MiniProject,
                                                                           tmp_path: Path) -> None:
    require_zensical()
    shutil.copy(ROOT / "mkdocs.yml", project.root / "mkdocs.yml")
    for folder in ("docs", "overrides"):
        shutil.copytree(ROOT / folder, project.root / folder)
    hostile_project(project)
    out, reference = tmp_path / "site-zensical", tmp_path / "site"
    result = run([sys.executable, "-m", "build_tools", "site", "--publisher", "zensical", "--out", str(out)],
                 project.root, BRIEFINGS_SNAPSHOTS=str(project.snapshots), PYTHONPATH=str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr
    site_config(project)  # the same configuration, its hook named from this checkout, for MkDocs
    hostile_project(project)
    built = mkdocs_build(project.root, reference, project.snapshots)
    assert built.returncode == 0, built.stderr
    assert broken_links(out) == []
    pages = sorted(p.relative_to(reference).as_posix() for p in reference.rglob("index.html"))
    assert "briefings/hostile/index.html" in pages
    for rel in pages:
        page = (out / rel).read_text(encoding="utf-8")
        parser = _Elements()
        parser.feed(page)
        assert parser.dangerous == [], rel
        if rel.startswith("briefings/hostile/"):
            assert parser.labels == {f"Source {n}: {' '.join(HOSTILE.split())}, 4 March 2024" for n in (1, 2)}
        ours, theirs = article(reference, rel), article(out, rel)
        assert " ".join(str(ours).split()) == " ".join(str(theirs).split()), rel

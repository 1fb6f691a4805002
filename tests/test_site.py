"""The built site, read as HTML: real content through `mkdocs build --strict`, and hostile text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from build_tools.snapshots import SnapshotStore, normalize
from tests.conftest import BRIEFING_YAML, ROOT, MiniProject, mkdocs_build, require_seeds


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def runs_script(page: BeautifulSoup, word: str) -> bool:
    """A script the browser would run holds `word` (JSON-LD data blocks are not run, and hold page text)."""
    return any(word in (script.string or "") for script in page.find_all("script")
               if script.get("type") != "application/ld+json")


def jsonld_texts(page: BeautifulSoup) -> list[str]:
    """Every string in the page's JSON-LD, parsed back: what the data says, not how it is escaped."""
    (block,) = page.find_all("script", type="application/ld+json")

    def strings(value: object) -> list[str]:
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return [value] if isinstance(value, str) else []

    return strings(json.loads(block.string))


@pytest.fixture(scope="module")
def site(mkdocs_site: Path) -> Path:
    return mkdocs_site


@pytest.fixture(scope="module")
def export(site: Path) -> dict[str, list[dict[str, object]]]:
    data: dict[str, list[dict[str, object]]] = json.loads((site / "data/briefings.json").read_text())
    return data


def test_export_has_the_documented_shape(export: dict[str, list[dict[str, object]]]) -> None:
    assert set(export) == {"briefings", "facts", "sources"}
    assert {"id", "title", "path"} <= set(export["briefings"][0])
    assert {"id", "briefing", "text", "date", "as_of", "citations"} <= set(export["facts"][0])
    assert {"id", "title", "outlet", "published", "url", "snapshot", "derived_from", "republished_from"} <= \
        set(export["sources"][0])


def test_every_exported_quote_is_verbatim_in_its_snapshot(export: dict[str, list[dict[str, object]]]) -> None:
    store = SnapshotStore(require_seeds())
    snapshots = {s["id"]: store.get(s["snapshot"]["sha256"]) for s in export["sources"]}  # type: ignore[index]
    checked = 0
    for fact in export["facts"]:
        for citation in fact["citations"]:  # type: ignore[attr-defined]
            snapshot = snapshots[citation["source"]]
            assert snapshot is not None
            exact = [piece["selector"]["exact"] for piece in citation["pieces"]]
            for piece in citation["pieces"]:  # each piece is the snapshot's own characters, at its place
                assert snapshot.text[piece["position"]["start"]:piece["position"]["end"]] == piece["selector"]["exact"]
            assert citation["quote"] == " … ".join(" ".join(e.split()) for e in exact), fact["id"]
            checked += 1
    assert checked >= len(export["facts"])


def test_every_fact_is_on_its_page_with_a_footnote_per_citation(
        site: Path, export: dict[str, list[dict[str, object]]]) -> None:
    pages: dict[str, BeautifulSoup] = {}
    for fact in export["facts"]:
        page = pages.setdefault(str(fact["briefing"]), soup(site / "briefings" / str(fact["briefing"]) / "index.html"))
        element = page.find(id=f"fact-{fact['id']}")
        assert element is not None, fact["id"]
        assert str(fact["text"]) in element.get_text(" ")
        refs = element.select("sup a.footnote-ref")
        distinct = {(c["source"], normalize(c["quote"])) for c in fact["citations"]}  # type: ignore[attr-defined]
        assert len(refs) == len(distinct)
        for ref in refs:
            note = page.find(id=ref["href"].lstrip("#"))
            assert note is not None


def test_footnotes_link_to_source_pages_that_list_the_citing_fact(
        site: Path, export: dict[str, list[dict[str, object]]]) -> None:
    briefing = export["briefings"][0]["id"]
    page = soup(site / "briefings" / str(briefing) / "index.html")
    notes = page.select("div.footnote li")
    assert notes
    for note in notes:
        link = note.find("a", string="Source page")
        assert link is not None
        target, anchor = link["href"].split("#")
        assert target.startswith("../../sources/")
        source_page = (site / "briefings" / str(briefing) / target / "index.html").resolve()
        source = soup(source_page)
        quote_block = source.find(id=anchor)
        assert quote_block is not None, anchor
        cited_by = quote_block.find_parent("blockquote").find_next_sibling("p")
        hrefs = [a["href"] for a in cited_by.find_all("a")]
        assert any(href.startswith(f"../../briefings/{briefing}/#fact-") for href in hrefs)


def test_external_links_do_not_leak_referrers(site: Path) -> None:
    page = soup(site / "briefings" / "contacts" / "index.html")
    external = [a for a in page.select("article a") if a.get("href", "").startswith("http")]
    assert external
    assert all(a.get("rel") == ["noopener", "noreferrer"] for a in external)


def test_home_lists_every_briefing_with_counts(site: Path, export: dict[str, list[dict[str, object]]]) -> None:
    home = soup(site / "index.html")
    rows = home.select("table tbody tr")
    assert len(rows) == len(export["briefings"])
    for row, briefing in zip(rows, export["briefings"], strict=True):
        cells = [td.get_text(strip=True) for td in row.find_all("td")]
        facts = sum(1 for f in export["facts"] if f["briefing"] == briefing["id"])
        assert cells[0] == briefing["title"] and cells[1] == str(facts)


MARKDOWN_EXTENSIONS = """
markdown_extensions:
  - footnotes
  - attr_list
  - tables
"""

HOSTILE = [
    "<script>alert(1)</script>",
    "[^1]",
    "[^1]: forged",
    "[x](javascript:alert(1))",
    "![img](http://evil.example/x.png)",
    "{: onclick=alert(1) }",
    "--8<-- 'secret.txt'",
    "{{ config.site_name }}",
    "# heading",
    "> quote",
    "- item",
    "1. item",
    "| a | b |",
    "&amp; &lt;b&gt;",
    "///Footnotes Go Here///",
    "<img src=x onerror=alert(1)>",
    "**bold** _em_ `code`",
]


def test_titles_and_descriptions_are_escaped_in_the_page_head(project: MiniProject, tmp_path: Path) -> None:
    title = '</title><script>alert(1)</script> &lt;b&gt; "quoted" & done'
    summary = '"><img src=x onerror=alert(2)> &amp; summary'
    project.write("briefings/bridge.yaml", BRIEFING_YAML
                  .replace("title: The bridge", f"title: {json.dumps(title)}")
                  .replace("summary: What the city said about the bridge.", f"summary: {json.dumps(summary)}"))
    write_mkdocs_config(project)
    result = mkdocs_build(project.root, tmp_path / "site", project.snapshots)
    assert result.returncode == 0, result.stderr
    page = soup(tmp_path / "site/briefings/bridge/index.html")
    assert page.title is not None and page.title.string == f"{title} - Sourced Briefings"
    description = page.find("meta", attrs={"name": "description"})
    assert description is not None and description["content"] == summary
    assert not runs_script(page, "alert")
    assert not page.select("img[onerror]")
    assert page.find("h1").get_text() == title
    assert title in jsonld_texts(page)


def write_mkdocs_config(project: MiniProject) -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nwatch:")[0]
    config = config.replace("  - build_tools/mkdocs_hook.py", f"  - {ROOT / 'build_tools/mkdocs_hook.py'}")
    config = config.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    (project.root / "mkdocs.yml").write_text(config + MARKDOWN_EXTENSIONS, encoding="utf-8")
    (project.root / "docs").mkdir(exist_ok=True)
    (project.root / "docs/method.md").write_text("# Method\n", encoding="utf-8")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_text_from_yaml_renders_as_literal_characters(project: MiniProject, tmp_path: Path, hostile: str) -> None:
    fact_text = f"The minister said {hostile} done."
    escaped = fact_text.replace("\\", "\\\\").replace('"', '\\"')
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace(
        "text: The minister said the bridge would reopen in May.", f'text: "{escaped}"'))
    write_mkdocs_config(project)
    result = mkdocs_build(project.root, tmp_path / "site", project.snapshots)
    assert result.returncode == 0, result.stderr
    page = soup(tmp_path / "site/briefings/bridge/index.html")
    fact = page.find(id="fact-bridge-reopens")
    assert fact is not None
    assert fact_text in fact.get_text()
    tags = {t.name for t in fact.find_all(True)}
    assert tags <= {"strong", "sup", "a"}, tags
    assert len(page.select("div.footnote li")) == 1
    assert not runs_script(page, "alert")
    assert not page.select("[onclick], [onerror]")
    assert fact_text in jsonld_texts(page)

"""The built site, read as HTML: real content through `mkdocs build --strict`, and hostile text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from build_tools.snapshots import SnapshotStore, normalize
from tests.conftest import (
    BRIEFING_YAML,
    ROOT,
    MiniProject,
    fact_text,
    mkdocs_build,
    require_seeds,
    write_hand_written_docs,
)


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
        element = fact_text(page, str(fact["id"]))
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


def test_home_lists_every_briefing_with_its_short_answer_and_counts(
        site: Path, export: dict[str, list[dict[str, object]]]) -> None:
    home = soup(site / "index.html")
    headings = home.select("article h3")
    assert [h.find("a").get_text() for h in headings] == [b["title"] for b in export["briefings"]]
    answered = 0
    for heading, briefing in zip(headings, export["briefings"], strict=True):
        facts = {str(f["id"]): f for f in export["facts"] if f["briefing"] == briefing["id"]}
        meta = heading.find_next_sibling("p", class_="sb-briefing-meta")
        assert meta is not None and meta.get_text().startswith(f"{len(facts)} facts · ")
        lead = heading.find_next_sibling()
        for fact_id in briefing["short_answer"]:  # type: ignore[attr-defined]
            assert "sb-short-answer" in lead["class"] and str(facts[fact_id]["text"]) in lead.get_text(" ")
            answered += 1
    assert answered >= 1


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
    heading = page.find("h1")
    for permalink in heading.select("a.headerlink"):
        permalink.decompose()
    assert heading.get_text() == title
    assert title in jsonld_texts(page)


def write_mkdocs_config(project: MiniProject) -> None:
    """The real mkdocs.yml (navigation, theme, Markdown extensions), with the hook named by its absolute path
    and no `watch:` (its folders are the real project's), and the hand-written pages it names."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^watch:\n(?:  .*\n)+", "", config, flags=re.MULTILINE)
    config = config.replace("  - build_tools/mkdocs_hook.py", f"  - {ROOT / 'build_tools/mkdocs_hook.py'}")
    config = config.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    (project.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    write_hand_written_docs(project.root)
    (project.root / "docs/stylesheets").mkdir(exist_ok=True)
    (project.root / "docs/javascripts").mkdir(exist_ok=True)
    for name in ("stylesheets/briefings.css", "javascripts/a11y.js", "javascripts/timeline.js"):
        (project.root / "docs" / name).write_bytes((ROOT / "docs" / name).read_bytes())


@pytest.mark.parametrize("hostile", HOSTILE)
def test_text_from_yaml_renders_as_literal_characters(project: MiniProject, tmp_path: Path, hostile: str) -> None:
    text_written = f"The minister said {hostile} done."
    escaped = text_written.replace("\\", "\\\\").replace('"', '\\"')
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace(
        "text: The minister said the bridge would reopen in May.", f'text: "{escaped}"'))
    write_mkdocs_config(project)
    result = mkdocs_build(project.root, tmp_path / "site", project.snapshots)
    assert result.returncode == 0, result.stderr
    page = soup(tmp_path / "site/briefings/bridge/index.html")
    fact = fact_text(page, "bridge-reopens")
    assert fact is not None
    assert text_written in fact.get_text()
    tags = {t.name for t in fact.find_all(True)}
    assert tags <= {"strong", "sup", "a"}, tags
    assert len(page.select("div.footnote li")) == 1
    assert not runs_script(page, "alert")
    assert not page.select("[onclick], [onerror]")
    assert text_written in jsonld_texts(page)


# --- navigation and search ---------------------------------------------------------------------

def sidebar(page: BeautifulSoup, url: str) -> list[tuple[str, list[str]]]:
    """The primary navigation of the page at `url` ('/briefings/x/'): each top-level section's title and the
    pages it links to, as site paths ('/timeline/'); links within the page are left out."""
    nav = page.select_one("nav.md-nav--primary > ul.md-nav__list")
    assert nav is not None
    sections = []
    for item in nav.find_all("li", recursive=False):
        label = item.find(["label", "a"], class_="md-nav__link")
        hrefs = [urljoin(url, a["href"]) for a in item.select("a.md-nav__link")
                 if a.get("href") and not a["href"].startswith("#")]
        sections.append((" ".join(label.get_text().split()) if label else "", hrefs))
    return sections


def test_the_sidebar_is_for_readers_first_and_lists_no_source(
        site: Path, export: dict[str, list[dict[str, object]]]) -> None:
    """On every page: "Read" then "For editors", and no source page or timeline period, so the sidebar
    (repeated in every page) does not grow with the number of sources."""
    pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("index.html")
                   if not path.relative_to(site).as_posix().startswith("assets/"))
    assert {"sources/fox-2021-12-08/index.html", "timeline/2021/index.html", "sources/index.html"} <= set(pages)
    for rel in pages:
        sections = sidebar(soup(site / rel), "/" + rel.removesuffix("index.html"))
        assert [title for title, _ in sections] == ["Read", "For editors"], rel
        assert sections[0][1] == ["/", *(f"/briefings/{b['id']}/" for b in export["briefings"]), "/timeline/",
                                  "/sources/", "/corrections/", "/method/"], rel
        assert sections[1][1] == ["/rules/", "/editor-setup/", "/reliability/", "/performance/"], rel


def test_the_sources_index_names_each_source_briefly_and_links_its_page(
        site: Path, export: dict[str, list[dict[str, object]]]) -> None:
    index = soup(site / "sources/index.html")
    links = {a.get_text(): a["href"] for a in index.select("article li > a:first-child")}
    assert "Fox News, 8 Dec 2021" in links and links["Fox News, 8 Dec 2021"].endswith("fox-2021-12-08/")
    assert len(links) == len(export["sources"])
    for href in links.values():
        assert (site / "sources" / href / "index.html").resolve().is_file(), href


def test_each_fact_is_its_own_search_entry_titled_with_its_date(
        site: Path, export: dict[str, list[dict[str, object]]]) -> None:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    entries = {entry["location"]: entry for entry in index}
    for fact in export["facts"]:
        entry = entries.get(f"briefings/{fact['briefing']}/#fact-{fact['id']}")
        assert entry is not None, fact["id"]
        status = fact["status"]["value"]  # type: ignore[index]
        assert entry["title"].endswith(f", {status}") == (status != "current"), entry["title"]
        assert str(fact["text"]) in " ".join(BeautifulSoup(entry["text"], "html.parser").get_text().split())
    assert not [e for e in index if e["location"].startswith("timeline/20")]  # the period pages repeat facts
    # A briefing's notes repeat the source pages' quotes, its list of changes the Corrections page: out of the
    # index, where they would rank above the facts. The Corrections page ranks below them.
    assert not [e for e in index if e["location"].endswith(("#notes", "#updates-and-corrections"))]
    corrections = [e for e in index if e["location"].startswith("corrections/")]
    assert corrections and all(e.get("boost", 1) < 1 for e in corrections)
    assert not [e for e in index if not e["location"].startswith("corrections/") and "boost" in e]
    assert not [e for e in index if "2021202220232024" in e["text"]]  # chart text is not indexed
    # Entries grow with facts, sections, rules and the hand-written pages' headings, not with their product.
    assert len(index) < 2 * len(export["facts"]) + 300

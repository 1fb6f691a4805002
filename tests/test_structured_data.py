"""schema.org JSON-LD on briefing pages and CSL-JSON for reference managers, read back by other people's parsers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from bs4 import BeautifulSoup

from build_tools.dates import EdtfDate
from build_tools.export import csl_items, snapshot_uri
from build_tools.render.structured_data import briefing_jsonld, script_element
from tests.conftest import BRIEFING_YAML, SNAPSHOT_SHA, MiniProject

SCHEMA_ORG = "https://schema.org/"
CSL_SCHEMA = json.loads((Path(__file__).parent / "schemas/csl-data.json").read_text(encoding="utf-8"))


def schema_org_loader(url: str, options: Any = None) -> dict[str, Any]:
    """Offline stand-in for schema.org's context document, which maps each term into https://schema.org/
    (a @vocab does the same for every term). Any other remote document is refused: nothing is fetched."""
    from pyld import jsonld

    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": {"@context": {"@vocab": SCHEMA_ORG}}}
    raise jsonld.JsonLdError(f"no network in tests: {url}", "loading document failed")


def flattened(data: dict[str, Any], base: str) -> dict[str, dict[str, Any]]:
    """Every node of the JSON-LD, expanded and flattened by pyld, by its absolute @id."""
    from pyld import jsonld

    nodes = jsonld.flatten(data, None, {"base": base, "documentLoader": schema_org_loader})
    return {node["@id"]: node for node in nodes}


def values(node: dict[str, Any], term: str) -> list[Any]:
    """The values of a schema.org property: literals as themselves, node references as their @id."""
    return [v.get("@value", v.get("@id")) for v in node.get(SCHEMA_ORG + term, [])]


def typed(nodes: dict[str, dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [n for n in nodes.values() if SCHEMA_ORG + kind in n.get("@type", [])]


def page_jsonld(html: str) -> dict[str, Any]:
    """The one JSON-LD block of a page, cut from the raw HTML as a browser would end the element."""
    opening = '<script type="application/ld+json">'
    assert html.count(opening) == 1
    start = html.index(opening) + len(opening)
    data: dict[str, Any] = json.loads(html[start:html.index("</script>", start)])
    return data


# --- on the real site (built once per session, see tests/conftest.py) --------------------------

@pytest.fixture(scope="module")
def site(mkdocs_site: Path) -> Path:
    return mkdocs_site


@pytest.fixture(scope="module")
def export(site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / "data/briefings.json").read_text(encoding="utf-8"))
    return data


def briefing_pages(site: Path, export: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, dict[str, Any]]]:
    for briefing in export["briefings"]:
        html = (site / "briefings" / briefing["id"] / "index.html").read_text(encoding="utf-8")
        yield briefing, html, page_jsonld(html)


def test_each_briefing_is_an_article_with_date_modified_and_citations(site: Path, export: dict[str, Any]) -> None:
    sources = {s["id"]: s for s in export["sources"]}
    for briefing, _, data in briefing_pages(site, export):
        base = f"https://example.org/briefings/{briefing['id']}/"
        nodes = flattened(data, base)
        (article,) = [n for n in typed(nodes, "Article") if n["@id"] == base + "#briefing"]
        assert values(article, "dateModified") == [briefing["updated"]]
        assert values(article, "headline") == [briefing["title"]]
        cited = {c["source"] for f in export["facts"] if f["briefing"] == briefing["id"] for c in f["citations"]}
        citations = values(article, "citation")
        assert sorted(citations) == sorted(f"{base}#source-{s}" for s in cited)
        for ref in citations:
            work = nodes[ref]
            assert SCHEMA_ORG + "Article" in work["@type"]
            source = sources[ref.rsplit("#source-", 1)[1]]
            # The article's own URL when known; always the archived copy it was checked against.
            assert values(work, "url") == ([source["url"]] if source["url"] else [])
            assert values(work, "archivedAt") == [snapshot_uri(source["snapshot"]["sha256"])]
            # A schema.org Date only: a publication known as "in or after 12 January 2024" has none.
            exact = source["published"] and EdtfDate.parse(source["published"]).exact
            assert values(work, "datePublished") == ([source["published"]] if exact else [])
            assert values(work, "headline") == ([source["title"]] if source["title"] else [])


def test_each_fact_is_a_claim_with_appearances_and_dates(site: Path, export: dict[str, Any]) -> None:
    sources = {s["id"]: s for s in export["sources"]}
    claims = 0
    for briefing, html, data in briefing_pages(site, export):
        base = f"https://example.org/briefings/{briefing['id']}/"
        nodes = flattened(data, base)
        page = BeautifulSoup(html, "html.parser")
        for fact in (f for f in export["facts"] if f["briefing"] == briefing["id"]):
            claim = nodes[f"{base}#fact-{fact['id']}"]
            assert page.find(id=f"fact-{fact['id']}") is not None  # the Claim's @id is the fact's anchor
            assert claim["@type"] == [SCHEMA_ORG + "Claim"]
            assert values(claim, "text") == [fact["text"]]
            assert values(claim, "temporalCoverage") == [EdtfDate.parse(fact["date"]).iso_interval()]
            cited = list(dict.fromkeys(c["source"] for c in fact["citations"]))
            assert values(claim, "appearance") == [f"{base}#source-{s}" for s in cited]
            known = [EdtfDate.parse(sources[s]["published"]) for s in cited if sources[s]["published"]]
            first = min(known, key=lambda d: (d.first_day(), d.last_day()), default=None)
            assert values(claim, "datePublished") == ([first.iso()] if first is not None and first.exact else [])
            claims += 1
    assert claims == len(export["facts"])


def test_sources_csl_json_validates_and_leaves_unknown_fields_out(site: Path, export: dict[str, Any]) -> None:
    items = json.loads((site / "data/sources.csl.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(CSL_SCHEMA).validate(items)
    assert [i["id"] for i in items] == [s["id"] for s in export["sources"]]
    for item, source in zip(items, export["sources"], strict=True):
        assert item.get("title") == source["title"]  # absent, never "Untitled", when unknown
        assert item.get("container-title") == source["outlet"]
        assert item.get("URL") == source["url"]
        assert ("issued" in item) == bool(source["published"])
        published = EdtfDate.parse(source["published"]) if source["published"] else None
        if published is not None and published.exact:
            assert "-".join(f"{p:02d}" if p < 100 else str(p) for p in item["issued"]["date-parts"][0]) == \
                source["published"]
        elif published is not None and None in published.bounds():  # an open interval, in words
            assert item["issued"] == {"literal": published.display()}


def test_sources_csl_json_gives_a_bibliography_with_citeproc(site: Path) -> None:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads((site / "data/sources.csl.json").read_text(encoding="utf-8"))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)  # bundled with citeproc-py
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    entries = [str(entry) for entry in bibliography.bibliography()]
    assert len(entries) == len(items)
    for item in items:
        if "title" in item:
            assert any(item["title"] in entry for entry in entries), item["title"]
        if "container-title" in item:
            assert any(item["container-title"] in entry for entry in entries)


# --- on small projects ------------------------------------------------------------------------

HOSTILE = [
    "</script><script>alert(1)</script>",
    "</SCRIPT >alert(2)",
    "<!-- <script>",
    "&lt;/script&gt; & &amp;",
    "line\u2028separator\u2029paragraph",
    "\\u003c/script\\u003e",
    "\"}]}</script><img src=x onerror=alert(3)>",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_script_element_cannot_be_broken_out_of(hostile: str) -> None:
    data = {"text": hostile, "nested": [{"name": hostile}]}
    element = script_element(data)
    inner = element.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not re.search(r"[<>&\u2028\u2029]", inner)
    assert json.loads(inner) == data


def test_hostile_text_in_a_built_page_stays_inside_its_json(project: MiniProject, tmp_path: Path) -> None:
    from tests.conftest import mkdocs_build
    from tests.test_site import write_mkdocs_config

    hostile = HOSTILE[0] + HOSTILE[2] + HOSTILE[3] + HOSTILE[6]  # (U+2028 is refused by the schema: SCH007)
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("title: The bridge", f"title: {json.dumps(hostile)}"))
    write_mkdocs_config(project)
    result = mkdocs_build(project.root, tmp_path / "site", project.snapshots)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site/briefings/bridge/index.html").read_text(encoding="utf-8")
    data = page_jsonld(html)
    assert data["@graph"][0]["headline"] == hostile
    page = BeautifulSoup(html, "html.parser")
    assert not page.select("img[onerror]")
    from tests.test_site import runs_script

    assert not runs_script(page, "alert")


def test_unknown_source_fields_are_left_out(project: MiniProject) -> None:
    source = (project.root / "sources/city-herald-2024.yaml").read_text()
    project.write("sources/city-herald-2024.yaml", source.replace("title: Bridge to reopen in May", "title: unknown")
                  .replace("url: https://example.org/bridge\n", "")
                  .replace("published: 2024-03-04", "published: unknown")
                  + "notes: Title, URL and date were not recorded.\n"
                  + "lint:\n  ignore: [SRC002]\n  reason: not recorded\n")
    result = project.lint()
    assert not result.errors, [p.line() for p in result.problems]
    (briefing,) = result.project.briefings
    graph = briefing_jsonld(result.project, briefing)["@graph"]
    claim, work = graph[1], graph[2]
    assert work == {"@type": "Article", "@id": "#source-city-herald-2024",
                    "publisher": {"@type": "Organization", "name": "City Herald"},
                    "archivedAt": snapshot_uri(SNAPSHOT_SHA)}
    assert "datePublished" not in claim and claim["temporalCoverage"] == "2024-03-04"
    (item,) = csl_items(result.project)
    assert item == {"id": "city-herald-2024", "type": "article-newspaper", "container-title": "City Herald",
                    "archive_location": f"sha256:{SNAPSHOT_SHA}"}
    jsonschema.Draft7Validator(CSL_SCHEMA).validate([item])


@pytest.mark.parametrize(("published", "fact_date", "issued", "coverage"), [
    ("2024-03~", "2024-21", {"date-parts": [[2024, 3]], "circa": True}, "2024-03-01/2024-05-31"),
    ("2024-21", "2024-03/2024-04", {"date-parts": [[2024]], "season": 1}, "2024-03-01/2024-04-30"),
    ("2024-22/2024-09", "../2024-04", {"date-parts": [[2024, 6], [2024, 9]]}, "../2024-04-30"),
    ("2024-03/..", "2024-03-04~", {"literal": "in or after March 2024"}, "2024-03-01/2024-03-07"),
])
def test_uncertain_dates_in_csl_and_json_ld(project: MiniProject, published: str, fact_date: str,
                                            issued: dict[str, Any], coverage: str) -> None:
    """CSL-JSON keeps seasons, circa and ranges; schema.org gets ISO 8601: the interval of days a rough date
    may mean, and no datePublished for a publication date that is not one day, month or year."""
    source = (project.root / "sources/city-herald-2024.yaml").read_text()
    project.write("sources/city-herald-2024.yaml", source.replace("published: 2024-03-04", f"published: {published}"))
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("date: 2024-03-04", f"date: {fact_date}"))
    result = project.lint()
    assert not result.errors, [p.line() for p in result.problems]
    (item,) = csl_items(result.project)
    assert item["issued"] == issued
    jsonschema.Draft7Validator(CSL_SCHEMA).validate([item])
    graph = briefing_jsonld(result.project, result.project.briefings[0])["@graph"]
    claim, work = graph[1], graph[2]
    assert claim["temporalCoverage"] == coverage
    assert "datePublished" not in claim and "datePublished" not in work


def test_csl_schema_check_can_fail() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(CSL_SCHEMA).validate([{"id": "x", "type": "article-newspaper", "outlet": "X"}])

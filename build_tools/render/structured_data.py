"""schema.org JSON-LD for briefing pages, and the one safe way to put JSON inside an HTML <script> element.

Each fact is a `Claim` whose `appearance`s are the articles it cites (with their URL when known; always with
`archivedAt`, the RFC 6920 name of the archived copy the quotes were checked against), dated by
`temporalCoverage` (when it happened, at the precision the sources allow: an ISO 8601 interval of the days a
season, range or approximate date may mean) and `datePublished` (the earliest known publication of a cited
article, when it is an exact date). The briefing is an `Article` with `dateModified` and `citation`.
Only what the YAML records is said: an unknown title, outlet, author, date or URL is left out.
"""

from __future__ import annotations

import json
from typing import Any

from build_tools.dates import EdtfDate
from build_tools.export import snapshot_uri
from build_tools.model import Briefing, Fact, Project, Source

# Inside <script>, `</script>` or `<!--` in the text would end or change the element; U+2028/U+2029 end a line
# in older JavaScript parsers. JSON lets every character be written as \\uXXXX, so these never appear raw.
_SCRIPT_UNSAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                  0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_element(data: Any) -> str:
    """`<script type="application/ld+json">` holding `data`; no text inside can close or alter the element."""
    encoded = json.dumps(data, separators=(",", ":")).translate(_SCRIPT_UNSAFE)  # ASCII: see markdown.latin1
    return f'<script type="application/ld+json">{encoded}</script>'


def briefing_jsonld(project: Project, briefing: Briefing) -> dict[str, Any]:
    """The briefing as an Article, each fact as a Claim, each cited source as the article it appeared in."""
    facts = list(briefing.facts)
    cited = list(dict.fromkeys(c.source for fact in facts for c in fact.citations if c.source in project.sources))
    graph = [_article(project, briefing, facts, cited)]
    graph += [_claim(fact, project) for fact in facts]
    graph += [_cited_article(project.sources[source_id]) for source_id in cited]
    return {"@context": "https://schema.org", "@graph": graph}


def _ref(kind: str, key: str) -> dict[str, str]:
    return {"@id": f"#{kind}-{key}"}


def _article(project: Project, briefing: Briefing, facts: list[Fact], cited: list[str]) -> dict[str, Any]:
    return {
        "@type": "Article", "@id": "#briefing",
        "headline": briefing.title, "name": briefing.title,
        "description": " ".join(briefing.summary.split()),
        "dateModified": briefing.updated.iso(),
        "publisher": {"@type": "Organization", "name": project.title},
        "citation": [_ref("source", source_id) for source_id in cited],
        "hasPart": [_ref("fact", fact.id) for fact in facts],
    }


def _claim(fact: Fact, project: Project) -> dict[str, Any]:
    sources = [project.sources[s] for s in dict.fromkeys(c.source for c in fact.citations) if s in project.sources]
    claim: dict[str, Any] = {"@type": "Claim", "@id": f"#fact-{fact.id}", "text": fact.text}
    if fact.date:
        claim["temporalCoverage"] = fact.date.iso_interval()
    first = _earliest(s.published for s in sources)
    if first and first.exact:  # a schema.org Date: a season or an approximate date is not one
        claim["datePublished"] = first.iso()
    claim["appearance"] = [_ref("source", source.id) for source in sources]
    return claim


def _earliest(dates: Any) -> EdtfDate | None:
    known = [d for d in dates if d is not None]
    return min(known, key=lambda d: (d.first_day(), d.last_day())) if known else None


def _cited_article(source: Source) -> dict[str, Any]:
    article: dict[str, Any] = {"@type": "Article", "@id": f"#source-{source.id}"}
    if source.title:
        article["headline"] = source.title
    if source.outlet:
        article["publisher"] = {"@type": "Organization", "name": source.outlet}
    if source.original_outlet:
        article["sourceOrganization"] = {"@type": "Organization", "name": source.original_outlet}
    if source.author:
        article["author"] = {"name": source.author}
    if source.published and source.published.exact:
        article["datePublished"] = source.published.iso()
    if source.url:
        article["url"] = source.url
    article["archivedAt"] = snapshot_uri(source.snapshot.sha256)
    return article

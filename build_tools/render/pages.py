"""Project → Markdown pages: briefings, sources, the home page and the rule reference."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from build_tools.export import BRIEFING_DATA
from build_tools.feeds import SITE_FEED, briefing_feed
from build_tools.ledger import History, no_history
from build_tools.memo import Memo
from build_tools.model import Briefing, Citation, Fact, Project, Source
from build_tools.provenance import independence_groups, independent_count, reverse_relations
from build_tools.render import corrections
from build_tools.render.charts import Bar, Scale, bar_chart, strip_svg, timeline_order, timeline_row, timeline_svg
from build_tools.render.fragments import with_text_fragment
from build_tools.render.links import source_links, status_note, version_date
from build_tools.render.markdown import (
    external_link,
    fact_anchor,
    front_matter,
    link,
    paragraphs,
    quote_anchor,
    table,
    text,
)
from build_tools.render.rules_page import render_rules
from build_tools.render.structured_data import briefing_jsonld, script_element
from build_tools.rules import ALL_CODES


class Links(enum.Enum):
    """How a raw-HTML link (in an SVG chart) to another page must be written, which depends on the publisher:
    MkDocs leaves raw HTML as written, Zensical rewrites its relative links as it does Markdown links."""

    DIRECTORY = "directory"  # MkDocs with use_directory_urls (the default): ../briefings/x/
    FILE = "file"  # MkDocs without: briefings/x.html
    SOURCE = "source"  # Zensical: the source path, briefings/x.md, rewritten to the built URL

    @classmethod
    def for_mkdocs(cls, use_directory_urls: bool) -> Links:
        return cls.DIRECTORY if use_directory_urls else cls.FILE


class QuoteText(Protocol):
    """What readers are shown of a quote (the snapshot's own characters), and a key that changes
    whenever that may change (which snapshots are present)."""

    key: str

    def shown(self, citation: Citation) -> str: ...


class AsWritten:
    """Quotes shown as the editor wrote them: for pages rendered without a snapshot store."""

    key = ""

    def shown(self, citation: Citation) -> str:
        return citation.quote


@dataclass(frozen=True)
class Site:
    """Facts about the whole project that several pages need, computed once."""

    project: Project
    groups: dict[str, str]
    citing: dict[str, dict[str, list[Fact]]]  # source id → quote anchor → facts
    facts: dict[str, Fact]
    reverse: dict[str, dict[str, list[str]]]  # source id → sources derived from / republishing it
    links: Links = Links.DIRECTORY  # how raw-HTML links (in SVG charts) must be written
    quotes: QuoteText = field(default_factory=AsWritten)
    history: History = field(default_factory=lambda: no_history("none was read"))

    @classmethod
    def of(cls, project: Project, links: Links = Links.DIRECTORY, quotes: QuoteText | None = None,
           history: History | None = None) -> Site:
        citing: dict[str, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
        for fact in project.facts:  # each fact once per quote it cites, however often (linear: no list search)
            for source, anchor in dict.fromkeys((c.source, quote_anchor(c.quote)) for c in fact.citations):
                citing[source][anchor].append(fact)
        facts = {fact.id: fact for fact in project.facts}
        return cls(project, independence_groups(project.sources), citing, facts,
                   reverse_relations(project.sources), links, quotes or AsWritten(),
                   history or no_history("none was read"))

    def page_url(self, page: str, from_depth: int) -> str:
        """A raw-HTML link to a generated page (e.g. 'briefings/x') from a page `from_depth` folders down."""
        if self.links is Links.DIRECTORY:
            return "../" * (from_depth + 1) + f"{page}/"
        suffix = ".md" if self.links is Links.SOURCE else ".html"
        return "../" * from_depth + f"{page}{suffix}"

    def fact_link(self, fact_id: str, from_briefing: str) -> str:
        fact = self.facts[fact_id]
        page = "" if fact.briefing == from_briefing else f"{fact.briefing}.md"
        shown = fact.date.display() if fact.date else fact.id
        return link(f"{shown}: {_clip(fact.text, 70)}", f"{page}#{fact_anchor(fact.id)}")

    def former_anchors(self, briefing: Briefing) -> tuple[tuple[str, str], ...]:
        """For each renamed fact of the briefing: the anchors of its former ids."""
        found = ((fact.id, corrections.former_anchors(fact, self.history, self.facts)) for fact in briefing.facts)
        return tuple((fact_id, anchors) for fact_id, anchors in found if anchors)

    def briefing_sources(self, briefing: Briefing) -> list[str]:
        ids = {c.source for fact in briefing.facts for c in fact.citations}
        return sorted(i for i in ids if i in self.project.sources)


def render_pages(project: Project, links: Links = Links.DIRECTORY, memo: Memo | None = None,
                 quotes: QuoteText | None = None, history: History | None = None) -> dict[str, str]:
    """Every generated page, keyed by its path under the docs directory. `quotes` gives what readers
    see of each quote (the snapshot's characters); without it, quotes are shown as written. `history`
    gives the lists of changes (see ledger.py); without it, there are none.

    With a `memo` from the previous generation, a page whose inputs are the very same
    objects is taken from it: what each page reads is spelled out in its memo key.
    """
    memo = memo or Memo(keep=False)
    site = Site.of(project, links, quotes, history)
    sources = memo.token("sources", project.sources.values())
    briefings = memo.token("briefings", project.briefings)
    settings = (project.title, project.description, links, site.quotes.key)
    pages = {
        "index.md": memo.get("home", (sources, briefings), lambda: render_home(site), settings),
        "rules.md": memo.get("rules", (), lambda: render_rules(ALL_CODES)),
        "timeline.md": memo.get("timeline", (briefings,), lambda: render_timeline(site, memo), settings),
        "corrections.md": corrections.render_corrections(project, site.history),
    }
    for briefing in project.briefings:
        targets = tuple(site.facts.get(other) for fact in briefing.facts if fact.status for other in fact.status.by)
        changes = corrections.history_inputs(briefing, site.history)
        values = (settings, corrections.history_values(briefing, site.history), site.former_anchors(briefing))
        pages[f"briefings/{briefing.id}.md"] = memo.get(
            "briefing", (briefing, sources, *targets, *changes), partial(render_briefing, site, briefing), values)
    for source in project.sources.values():
        citing = tuple(fact for facts in site.citing.get(source.id, {}).values() for fact in facts)
        pages[f"sources/{source.id}.md"] = memo.get(
            "source", (source, sources, *citing), partial(render_source, site, source), settings)
    return pages


# --- the home page ------------------------------------------------------------------------

def render_home(site: Site) -> str:
    project = site.project
    rows = []
    for briefing in project.briefings:
        sources = site.briefing_sources(briefing)
        rows.append((
            link(briefing.title, f"briefings/{briefing.id}.md"),
            str(sum(1 for _ in briefing.facts)),
            f"{len(sources)} ({independent_count(sources, site.groups)} independent)",
            text(briefing.updated.display()),
        ))
    parts = [
        front_matter(title=project.title),
        f"# {text(project.title)}",
        paragraphs(project.description) if project.description else "",
        "## Briefings",
        table(("Briefing", "Facts", "Sources", "Updated"), rows),
        f"See also the {link('timeline', 'timeline.md')} of every dated fact, the "
        f"{link('citation rules', 'rules.md')} the linter applies, and every "
        f"{link('correction', 'corrections.md')} made since publication "
        f"({link('Atom feed', SITE_FEED)}).",
        "## How to read a citation",
        "Every sentence is a fact with one or more numbered footnotes. Hover over or focus a "
        "footnote number to see the quoted words and the outlet; follow it to the source page, "
        "which shows every passage cited from that article and the facts that rest on it. "
        "A fact marked *as of* a date describes a state that was true then and may have changed "
        "since. See " + link("the method", "method.md") + " for how facts are chosen and checked.",
        "## Sources",
        _source_list(project.sources.values()),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _source_list(sources: Iterable[Source]) -> str:
    lines = []
    for source in sources:
        lines.append(f"- {link(source.label, f'sources/{source.id}.md')}: "
                     f"{text(source.outlet_label)}, {text(source.published_label)}")
    return "\n".join(lines)


# --- the timeline -------------------------------------------------------------------------

def render_timeline(site: Site, memo: Memo | None = None) -> str:
    """One page, every dated fact. Its rows are memoised one by one: after an edit the page is
    assembled again (any fact may move), but only the edited fact's rows are drawn again."""
    memo = memo or Memo(keep=False)

    def row(fact: Fact, scale: Scale, y: float, href: str) -> str:
        return memo.get("timeline-svg-row", (fact,), partial(timeline_row, fact, scale, y, href), (scale, y, href))

    facts = [f for f in site.project.facts if f.date]
    svg = timeline_svg(facts, lambda f: site.page_url(f"briefings/{f.briefing}", 0) + f"#{fact_anchor(f.id)}",
                       row=row)
    parts = [front_matter(title="Timeline", description="Every dated fact in date order."), "# Timeline",
             f"All {len(facts)} dated facts across the briefings, in date order. A dot marks a day; a solid "
             "band marks a month or a whole year when the sources give no more precision; a pale band with a "
             "dashed outline marks a date the sources give only roughly (a season, a range of dates, an "
             "approximate or uncertain date): the fact falls somewhere within it. Select a row to open its "
             "fact.", svg]
    by_year: dict[int, list[Fact]] = defaultdict(list)
    for fact in sorted(facts, key=timeline_order):
        assert fact.date is not None
        by_year[fact.date.year].append(fact)
    titles = {b.id: b.title for b in site.project.briefings}
    for year, items in sorted(by_year.items()):
        rows = [memo.get("timeline-table-row", (f,), partial(_timeline_table_row, f, titles[f.briefing]),
                         titles[f.briefing]) for f in items]
        parts += [f"## {year}", table(("Date", "Fact", "Briefing"), rows)]
    return "\n\n".join(p for p in parts if p) + "\n"


def _timeline_table_row(fact: Fact, briefing_title: str) -> tuple[str, str, str]:
    return (text(fact.date.display() if fact.date else ""),
            link(fact.text, f"briefings/{fact.briefing}.md#{fact_anchor(fact.id)}"), text(briefing_title))


# --- briefing pages ------------------------------------------------------------------------

class _Footnotes:
    """Numbers footnotes in order of first use; one per distinct source and quote on a page."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], int] = {}
        self.citations: list[Citation] = []

    def ref(self, citation: Citation) -> str:
        key = (citation.source, quote_anchor(citation.quote))  # the same words, the same note
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            self.citations.append(citation)
        return f"[^{self.numbers[key]}]"


def render_briefing(site: Site, briefing: Briefing) -> str:
    project = site.project
    notes = _Footnotes()
    sources = site.briefing_sources(briefing)
    facts = list(briefing.facts)
    former = dict(site.former_anchors(briefing))
    parts = [
        front_matter(title=briefing.title, description=" ".join(briefing.summary.split()),
                     feed=briefing_feed(briefing.id), feed_title=f"{briefing.title}: new facts and corrections"),
        f"# {text(briefing.title)}",
        paragraphs(briefing.summary),
        f"*Updated {text(briefing.updated.display())} · {len(facts)} facts · {len(sources)} sources, "
        f"{independent_count(sources, site.groups)} independent* · Data: "
        f"{link('JSON', '../' + BRIEFING_DATA.format(id=briefing.id, ext='json'))}, "
        f"{link('CSV', '../' + BRIEFING_DATA.format(id=briefing.id, ext='csv'))} · "
        f"{link('Updates and corrections', f'#{corrections.SECTION_ID}')} "
        f"({link('Atom feed', '../' + briefing_feed(briefing.id))})",
        corrections.major_notice(briefing),
        strip_svg(facts, f"strip-{briefing.id}"),
        _outlet_mix(site, briefing, sources),
    ]
    for section in briefing.sections:
        parts.append(f"## {text(section.title)}")
        parts.extend(_fact_block(site, fact, notes, former.get(fact.id, "")) for fact in section.facts)
    parts.append(corrections.updates_section(project, briefing, site.history))
    cited_as: dict[str, str] = {}  # source id → how its notes begin
    parts.append("\n".join(_footnote(project, number, citation, site.quotes.shown(citation), cited_as)
                           for number, citation in enumerate(notes.citations, start=1)))
    parts.append(structured_data(site, briefing))
    return "\n\n".join(p for p in parts if p) + "\n"


def structured_data(site: Site, briefing: Briefing) -> str:
    """schema.org JSON-LD for search engines and other tools: a raw HTML block, placed last on the page."""
    return script_element(briefing_jsonld(site.project, briefing))


def _outlet_mix(site: Site, briefing: Briefing, sources: list[str]) -> str:
    project = site.project
    uses: dict[str, int] = {sid: 0 for sid in sources}
    for fact in briefing.facts:
        for sid in {c.source for c in fact.citations if c.source in uses}:
            uses[sid] += 1
    outlets = {project.sources[sid].outlet_label for sid in sources}
    independent = independent_count(sources, site.groups)
    bars = []
    for sid in sorted(sources, key=lambda s: (-uses[s], s)):
        source = project.sources[sid]
        relation = "(rewrite)" if source.derived_from else "(republication)" if source.republished_from else ""
        bars.append(Bar(f"{source.outlet_label}, {source.published_label}", uses[sid], relation))
    summary = (f"**Outlet mix:** {len(sources)} sources from {len(outlets)} outlets, {independent} independent "
               "(a rewrite or republication of another source counts once). "
               + "; ".join(f"{text(b.label)}: {b.value} facts" + (f" {text(b.note)}" if b.note else "")
                           for b in bars) + ".")
    chart = bar_chart(bars, f"mix-{briefing.id}", "Facts citing each source",
                      "One bar per source: how many facts on this page cite it.", "facts")
    return f"{summary}\n\n{chart}"


def _fact_block(site: Site, fact: Fact, notes: _Footnotes, former_anchors: str = "") -> str:
    refs = "".join(notes.ref(c) for c in fact.citations)
    shown = fact.date.display() if fact.date else "date unknown"
    line = f"{former_anchors}**{text(shown)}**: {text(fact.text)}{refs}"
    extras = []
    if fact.as_of:
        extras.append(f"as of {text(fact.as_of.display())}")
    cited = [c.source for c in fact.citations]
    distinct = sorted(set(cited))
    if len(distinct) > 1:
        extras.append(f"{len(distinct)} sources, {independent_count(distinct, site.groups)} independent")
    if extras:
        line += " *(" + "; ".join(extras) + ")*"
    line += f' [¶](#{fact_anchor(fact.id)}){{: .fact-link title="Link to this fact" aria-label="Link to this fact" }}'
    status = fact.status
    correction = corrections.marker(fact)
    correction = f"\n\n{correction}" if correction else ""
    if status is None or status.value == "current":
        return f"{line}\n{{: #{fact_anchor(fact.id)} .fact }}{correction}"
    label = {"superseded": "Superseded", "disputed": "Disputed"}[status.value]
    others = ", ".join(site.fact_link(other, fact.briefing) for other in status.by if other in site.facts)
    marker = f"**{label}** by {others}: {text(status.reason)}"
    return (f"{line}\n{{: #{fact_anchor(fact.id)} .fact .fact-{status.value} }}\n\n"
            f"{marker}\n{{: .fact-status .fact-status-{status.value} }}{correction}")


def _footnote(project: Project, number: int, citation: Citation, shown: str, cited_as: dict[str, str]) -> str:
    source = project.sources[citation.source]
    if source.id not in cited_as:
        cited_as[source.id] = f"{text(source.outlet_label)}, {text(source.published_label)}"
    page = f"../sources/{source.id}.md#{quote_anchor(citation.quote)}"
    parts = [f"{cited_as[source.id]}: “{text(shown)}”", link("Source page", page)]
    parts += [external_link(found.label, with_text_fragment(found.url, shown), found.attributes)
              for found in source_links(source, project.sources)]
    note = status_note(source)
    if note:
        parts.append(f"*{text(note)}*")
    return f"[^{number}]: " + " · ".join(parts)


# --- source pages --------------------------------------------------------------------------

def render_source(site: Site, source: Source) -> str:
    cited = site.citing.get(source.id, {})
    facts = {fact.id for anchor in cited.values() for fact in anchor}
    parts = [
        front_matter(title=source.label),
        f"# {text(source.label)}",
        table(("Field", "Value"), _metadata_rows(site, source)),
        paragraphs(source.notes) if source.notes else "",
        f"## Quotes cited from this source ({len(cited)})",
        f"{len(facts)} facts rely on this source." if facts else "No fact cites this source yet.",
    ]
    parts.extend(_quote_block(site, source, anchor, facts_) for anchor, facts_ in cited.items())
    return "\n\n".join(p for p in parts if p) + "\n"


def _metadata_rows(site: Site, source: Source) -> list[tuple[str, str]]:
    unknown = "*unknown*"
    rows = [
        ("Title", text(source.title) if source.title else unknown),
        ("Outlet", text(source.outlet) if source.outlet else unknown),
    ]
    if source.original_outlet:
        rows.append(("First published by", text(source.original_outlet)))
    if source.author:
        rows.append(("Author", text(source.author)))
    rows.append(("Published", text(source.published.display()) if source.published else unknown))
    links = source_links(source, site.project.sources)
    rows += [(found.label, external_link(found.url, found.url, found.attributes)) for found in links]
    if not source.url:
        rows.append(("URL", "*not recorded*"))
    rows += _link_status_rows(source)
    rows.append(("Snapshot", f"SHA-256 `{source.snapshot.sha256}`"))
    reverse = site.reverse[source.id]
    for label, ids in (("Derived from", source.derived_from), ("Republished from", source.republished_from),
                       ("Rewritten by", reverse["derived_by"]), ("Republished by", reverse["republished_by"])):
        if ids:
            rows.append((label, ", ".join(_source_link(site.project, i) for i in ids)))
    return [(f"**{label}**", value) for label, value in rows]


def _link_status_rows(source: Source) -> list[tuple[str, str]]:
    state = source.link
    rows = []
    when = version_date(source)
    if state.archive_url and when is not None:
        rows.append(("Archived on", text(when.display())))
    note = status_note(source)
    if note is not None:
        rows.append(("Link status", f"*{text(note[0].upper() + note[1:])}*"))
    elif state.status != "unknown":
        checked = f", checked {state.checked.display()}" if state.checked else ""
        rows.append(("Link status", text(f"{state.status}{checked}")))
    return rows


def _source_link(project: Project, source_id: str) -> str:
    source = project.sources.get(source_id)
    return link(source.label, f"{source_id}.md") if source else text(source_id)


def _quote_block(site: Site, source: Source, anchor: str, facts: list[Fact]) -> str:
    citation = next(c for c in facts[0].citations if c.source == source.id and quote_anchor(c.quote) == anchor)
    lines = [f"> {text(site.quotes.shown(citation))}\n{{: #{anchor} }}", ""]
    lines.append("Cited by: " + "; ".join(
        link(_clip(fact.text), f"../briefings/{fact.briefing}.md#{fact_anchor(fact.id)}") for fact in facts))
    return "\n".join(lines)


def _clip(value: str, limit: int = 90) -> str:
    return value if len(value) <= limit else value[: limit - 1].rsplit(" ", 1)[0] + " …"

"""Project → Markdown pages: briefings, sources and their index, the home page, the timeline and the rules.

Every fact on a briefing page opens with its date as a small heading (raw HTML, so it stays out of the
table of contents) carrying the fact's anchor: both publishers' site search make one entry per heading
with an id, so each fact is its own search result, titled with its date and, when it is no longer current,
its status.
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Callable, Hashable, Iterable
from functools import partial

from markdown.extensions.toc import slugify

from build_tools.export import BRIEFING_DATA
from build_tools.feeds import SITE_FEED, briefing_feed
from build_tools.ledger import History
from build_tools.memo import Memo, Once, Token
from build_tools.model import Briefing, Citation, Fact, Project, Section, Source
from build_tools.provenance import independent_count
from build_tools.render import corrections
from build_tools.render.charts import Bar, Mark, bar_list, is_precise, legend, strip_svg
from build_tools.render.facts import (
    HOME,
    as_of_badge,
    fact_href,
    html_link,
    independence,
    method_link,
    source_link,
    status_badge,
    status_explanation,
    status_value,
)
from build_tools.render.fragments import with_text_fragment
from build_tools.render.links import short_label, source_links, status_note, version_date
from build_tools.render.markdown import (
    attribute_text,
    external_link,
    fact_anchor,
    front_matter,
    html_block,
    html_text,
    latin1,
    link,
    paragraphs,
    plural,
    quote_anchor,
    text,
)
from build_tools.render.rules_page import render_rules
from build_tools.render.shared import AsWritten, Links, QuoteText, Site, citing_index
from build_tools.render.structured_data import briefing_jsonld, script_element
from build_tools.render.timeline import timeline_plan
from build_tools.rules import ALL_CODES

__all__ = ["AsWritten", "Briefing", "Links", "QuoteText", "Site", "page_plan", "render_briefing", "render_home",
           "render_pages", "render_source"]

def render_pages(project: Project, links: Links = Links.DIRECTORY, memo: Memo | None = None,
                 quotes: QuoteText | None = None, history: History | None = None) -> dict[str, str]:
    """Every generated page, keyed by its path under the docs directory. `quotes` gives what readers
    see of each quote (the snapshot's characters); without it, quotes are shown as written. `history`
    gives the lists of changes (see ledger.py); without it, there are none.

    With a `memo` from the previous generation, a page whose inputs are the very same
    objects is taken from it: what each page reads is spelled out in its memo key.
    """
    return {path: make() for path, make in page_plan(project, links, memo, quotes, history).items()}


def page_plan(project: Project, links: Links = Links.DIRECTORY, memo: Memo | None = None,
              quotes: QuoteText | None = None, history: History | None = None) -> dict[str, Callable[[], str]]:
    """`render_pages`, each page with how to make it, rendered only when asked: its paths are known first (a
    publisher lists them before it reads any). What the pages share (`Site`) is made when the first page needs
    it, once."""
    memo = memo or Memo(keep=False)
    site = Once(partial(Site.of, project, links, quotes, history, memo))
    sources = memo.token("sources", project.sources.values())
    briefings = memo.token("briefings", project.briefings)
    settings = (project.title, project.description, links, (quotes or AsWritten()).key)
    plan: dict[str, Callable[[], str]] = {
        "index.md": lambda: memo.get("home", (sources, briefings), lambda: render_home(site(), memo), settings),
        "rules.md": partial(memo.get, "rules", (), partial(render_rules, ALL_CODES)),
        "sources.md": partial(_sources_index_page, site, sources, memo, settings),
        "corrections.md": lambda: corrections.render_corrections(project, site().history),
    }
    plan.update(timeline_plan(site, [f for f in project.facts if f.date], sources, memo, settings))
    for briefing in project.briefings:
        plan[f"briefings/{briefing.id}.md"] = partial(_briefing_page, site, briefing, sources, memo, settings)
    for source in project.sources.values():
        plan[f"sources/{source.id}.md"] = partial(_source_page, site, source, sources, memo, settings)
    return plan


def _sources_index_page(site_of: Callable[[], Site], sources: Token, memo: Memo, settings: Hashable) -> str:
    site = site_of()  # first: it brings the session's index of citing facts up to date
    return memo.get("sources-index", (sources, citing_index(memo).shape), partial(render_sources_index, site),
                    settings)


def _briefing_page(site_of: Callable[[], Site], briefing: Briefing, sources: Token, memo: Memo,
                   settings: Hashable) -> str:
    site = site_of()
    targets = tuple(site.facts.get(other) for fact in briefing.facts if fact.status for other in fact.status.by)
    changes = corrections.history_inputs(briefing, site.history)
    values = (settings, corrections.history_values(briefing, site.history), site.former_anchors(briefing))
    return memo.get("briefing", (briefing, sources, *targets, *changes), partial(render_briefing, site, briefing),
                    values)


def _source_page(site_of: Callable[[], Site], source: Source, sources: Token, memo: Memo, settings: Hashable) -> str:
    site = site_of()
    citing = tuple(fact for facts in site.citing.get(source.id, {}).values() for fact in facts)
    return memo.get("source", (source, sources, *citing), partial(render_source, site, source), settings)


# --- the home page ------------------------------------------------------------------------

def render_home(site: Site, memo: Memo | None = None) -> str:
    """With a `memo` from the previous generation, a briefing's entry made from the very same objects is taken
    from it."""
    project = site.project
    memo = memo or Memo(keep=False)
    sources = memo.token("sources", project.sources.values())
    settings = (site.links, site.quotes.key)
    parts = [
        front_matter(title=project.title),
        f"# {text(project.title)}",
        paragraphs(project.description) if project.description else "",
        "## Briefings",
    ]
    parts += [memo.get("home-entry", (briefing, sources, *(site.facts.get(i) for i in briefing.short_answer)),
                       partial(_home_entry, site, briefing), settings) for briefing in project.briefings]
    parts += [
        f"See also the {link('timeline', 'timeline.md')} of every dated fact, the "
        f"{link('sources', 'sources.md')} they come from, the {link('citation rules', 'rules.md')} "
        f"the linter applies, and every {link('correction', 'corrections.md')} made since publication "
        f"({link('Atom feed', SITE_FEED)}).",
        "## How to read a citation",
        "Every sentence is a fact with one or more numbered footnotes. Hover over or focus a "
        "footnote number to see the quoted words and the outlet; follow it to the source page, "
        "which shows every passage cited from that article and the facts that rest on it. "
        "A fact marked *as of* a date describes a state that was true then and may have changed "
        "since. See " + link("the method", "method.md") + " for how facts are chosen and checked.",
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _home_entry(site: Site, briefing: Briefing) -> str:
    page = f"briefings/{briefing.id}.md"
    sources = site.briefing_sources(briefing)
    count = sum(1 for _ in briefing.facts)
    meta = (f"{plural(count, 'fact')} · {_sources_summary(site, sources, HOME)} · "
            f"updated {text(briefing.updated.display())}\n{{: .sb-briefing-meta }}")
    answer = _short_answer(site, briefing, HOME, None)
    lead = answer or paragraphs(briefing.summary.split("\n\n")[0])
    return "\n\n".join([f"### {link(briefing.title, page)}", lead, meta])


def _sources_summary(site: Site, sources: list[str], depth: int) -> str:
    """'5 sources, 4 independent' linking to what counts as independent; '1 source' alone."""
    if len(sources) <= 1:
        return plural(len(sources), "source")
    return method_link(site, f"{len(sources)} sources, {independent_count(sources, site.groups)} independent",
                       "independence", depth)


# --- the short answer -----------------------------------------------------------------------

def _short_answer(site: Site, briefing: Briefing, depth: int, notes: _Footnotes | None) -> str:
    """The briefing's answer at a glance, in a box: each of its facts with its date, "as of" date and (on
    the briefing page) its footnotes, linking to the fact in full. Empty when the briefing has none."""
    facts = [site.facts[i] for i in briefing.short_answer if i in site.facts]
    if not facts:
        return ""
    here = briefing.id if notes is not None else ""  # on the briefing's own page, the links stay on it
    lines = []
    for fact in facts:
        refs = "".join(notes.ref(c) for c in fact.citations) if notes is not None else ""
        when = text(fact.date.display()) if fact.date else "Undated"
        badges = " · ".join(p for p in (as_of_badge(site, fact, depth), _independence_if_many(site, fact, depth))
                            if p)
        details = html_link("details", fact_href(site, fact, depth, here))
        lines.append(f"    **{when}**: {text(fact.text)}{refs} ({details}{' · ' + badges if badges else ''})")
    return '!!! sb-short-answer "Short answer"\n\n' + "\n\n".join(lines)


def _independence_if_many(site: Site, fact: Fact, depth: int) -> str:
    return independence(site, fact, depth) if len(site.cited_sources(fact)) > 1 else ""


# --- briefing pages ------------------------------------------------------------------------

class _Footnotes:
    """Numbers footnotes in order of first use; one per distinct source and quote on a page. Written as the
    HTML that Python-Markdown's footnotes and `markdown_ext.FootnoteLabels` made of `[^n]` (the same ids, classes
    and labels, so that Material's footnote tooltips work as before), raw: Markdown adds nothing to them."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.numbers: dict[tuple[str, str], int] = {}
        self.citations: list[Citation] = []
        self.uses: list[int] = []  # per note, how many references point to it so far

    def ref(self, citation: Citation) -> str:
        key = (citation.source, quote_anchor(citation.quote))  # the same words, the same note
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            self.citations.append(citation)
            self.uses.append(0)
        number = self.numbers[key]
        self.uses[number - 1] += 1
        label = attribute_text(f"Source {number}: {_cited_as(self.project.sources[citation.source])}")
        return (f'<sup id="{_ref_id(number, self.uses[number - 1])}"><a aria-label="{label}" class="footnote-ref" '
                f'href="#fn:{number}">{number}</a></sup>')

    def backlinks(self, number: int) -> str:
        """'↩' back to the one reference, or '↩a ↩b' (kept together) when there are several."""
        count = self.uses[number - 1]
        links = []
        for use in range(1, count + 1):
            letter = string.ascii_lowercase[use - 1] if count > 1 and use <= 26 else ""
            shown = f'<span class="sb-backref-letter">{letter}</span>' if letter else ""
            links.append(f'<a class="footnote-backref" href="#{_ref_id(number, use)}">&#8617;{shown}<span '
                         f'class="sb-visually-hidden"> back to citation {number}{letter} in the text</span></a>')
        return f'<span class="sb-backrefs">{"".join(links)}</span>' if count > 1 else "".join(links)


def _ref_id(number: int, use: int) -> str:
    """Python-Markdown's ids: `fnref:3` for the first reference to note 3, `fnref2:3` for the second."""
    return f"fnref:{number}" if use == 1 else f"fnref{use}:{number}"


def _cited_as(source: Source) -> str:
    """How a note begins: 'Fox News, 8 December 2021' (plain text)."""
    return f"{source.outlet_label}, {source.published_label}"


def render_briefing(site: Site, briefing: Briefing) -> str:
    project = site.project
    notes = _Footnotes(project)
    sources = site.briefing_sources(briefing)
    facts = list(briefing.facts)
    former = dict(site.former_anchors(briefing))
    parts = [
        front_matter(title=briefing.title, description=" ".join(briefing.summary.split()),
                     feed=briefing_feed(briefing.id), feed_title=f"{briefing.title}: new facts and corrections"),
        f"# {text(briefing.title)}",
        _short_answer(site, briefing, 1, notes),
        paragraphs(briefing.summary),
        f"*Updated {text(briefing.updated.display())} · {plural(len(facts), 'fact')} ·* "
        f"{_sources_summary(site, sources, 1)} · Data: "
        f"{link('JSON', '../' + BRIEFING_DATA.format(id=briefing.id, ext='json'))}, "
        f"{link('CSV', '../' + BRIEFING_DATA.format(id=briefing.id, ext='csv'))} · "
        f"{link('Updates and corrections', f'#{corrections.SECTION_ID}')} "
        f"({link('Atom feed', '../' + briefing_feed(briefing.id))})\n"
        "{: .sb-briefing-meta }",
        corrections.major_notice(briefing),
        _strip(site, briefing),
        _outlet_mix(site, briefing, sources),
    ]
    headings: list[tuple[int, str]] = []  # where each section's heading goes, and its title
    for section in briefing.sections:
        headings.append((len(parts), section.title))
        parts.append("")
        if section.display == "table":
            parts.append(_fact_table(site, section, notes, former))
        else:
            parts.extend(_fact_block(site, fact, notes, former.get(fact.id, "")) for fact in section.facts)
    parts.append(corrections.updates_section(project, briefing, site.history))
    # The notes repeat the quotes, which the source pages hold in the search index: here they would rank the
    # page's notes above its facts.
    parts.append("## Notes { data-search-exclude }")
    parts.append(_footnotes(site, notes))
    parts.append(structured_data(site, briefing))
    taken = set(_RAW_ID.findall("\n".join(parts)))
    for index, title in headings:
        parts[index] = _section_heading(title, taken)
    return latin1("\n\n".join(p for p in parts if p) + "\n")


_RAW_ID = re.compile(r'\sid="([^"]+)"')


def _section_heading(title: str, taken: set[str]) -> str:
    """A section's heading. Markdown gives it an id made from its title, unique among the headings it makes but
    blind to the ids in the page's raw HTML (a fact's anchor, a chart): a section titled "Fact bridge reopens"
    would share `fact-bridge-reopens` with that fact, and a link to the fact would land on the section. So a
    heading whose id would be taken gets one of its own."""
    heading = f"## {text(title)}"
    slug = slugify(title, "-")
    if slug not in taken:
        return heading
    own = next(name for n in itertools.count(1) if (name := f"{slug}-section{'' if n == 1 else n}") not in taken)
    taken.add(own)
    return f"{heading} {{ #{own} }}"


def structured_data(site: Site, briefing: Briefing) -> str:
    """schema.org JSON-LD for search engines and other tools: a raw HTML block, placed last on the page."""
    return html_block(script_element(briefing_jsonld(site.project, briefing)))


def _strip(site: Site, briefing: Briefing) -> str:
    """This briefing's facts on one time axis. The marks that matter are labelled with their dates: the short
    answer's facts, or else the latest event dated to a day or a month."""
    labelled = set(briefing.short_answer) or _latest_event(briefing)
    labels: dict[str, str] = {}  # label → the fact that carries it: two facts of one date share one label
    for fact in briefing.facts:
        if fact.id in labelled and fact.date:
            labels.setdefault(fact.date.display(short=True), fact.id)
    shown = {fact_id: label for label, fact_id in labels.items()}
    marks = [Mark(f, f"#{fact_anchor(f.id)}", shown.get(f.id, "")) for f in briefing.facts]
    chart = strip_svg(marks, f"strip-{briefing.id}", f"Timeline of this briefing's {plural(len(marks), 'fact')}")
    return html_block(legend(f"strip-{briefing.id}"), chart) if chart else ""


def _latest_event(briefing: Briefing) -> set[str]:
    events = [f for f in briefing.facts if f.kind == "event" and f.date and is_precise(f.date)]
    return {max(events, key=lambda f: (f.date.sort_key() if f.date else (), f.id)).id} if events else set()


def _from_outlets(sources: Iterable[Source]) -> str:
    """'from 4 outlets and 1 whose outlet is unknown': an unknown outlet is not counted as one more outlet
    (two articles of unknown outlet may well share one)."""
    known: set[str] = set()
    unknown = 0
    for source in sources:
        if source.outlet or source.original_outlet:
            known.add(source.outlet_label)
        else:
            unknown += 1
    said = f"from {plural(len(known), 'outlet')}"
    return f"{said} and {unknown} whose outlet is unknown" if unknown else said


def _outlet_mix(site: Site, briefing: Briefing, sources: list[str]) -> str:
    project = site.project
    uses: dict[str, int] = {sid: 0 for sid in sources}
    for fact in briefing.facts:
        for sid in {c.source for c in fact.citations if c.source in uses}:
            uses[sid] += 1
    bars = []
    for sid in sorted(sources, key=lambda s: (-uses[s], s)):
        source = project.sources[sid]
        relation = "(rewrite)" if source.derived_from else "(republication)" if source.republished_from else ""
        bars.append(Bar(short_label(source), uses[sid], site.page_url(f"sources/{sid}", 1), relation))
    summary = (f"**Outlet mix:** {plural(len(sources), 'source')} "
               f"{_from_outlets(project.sources[sid] for sid in sources)}, "
               + method_link(site, f"{independent_count(sources, site.groups)} independent", "independence", 1)
               + " (a rewrite or republication of another source counts once). Facts citing each source:")
    return f"{summary}\n\n{html_block(bar_list(bars, ('fact', 'facts'), 'Facts citing each source'))}"


def _fact_heading(fact: Fact, former_anchors: str = "", hidden: bool = False) -> str:
    """The fact's date as a heading that carries its anchor (and those of the ids it had before,
    `former_anchors`) and, when not current, its status; with a visible permalink. `hidden`: for search
    only (a table row shows its date in a cell)."""
    when = html_text(fact.date.display() if fact.date else "Date unknown")
    value = status_value(fact)
    status = "" if value == "current" else f'<span class="sb-visually-hidden">, {value}</span>'
    anchor = fact_anchor(fact.id)
    if hidden:  # an h4, below the table of contents' depth (mkdocs.yml: toc_depth 3), which Markdown in
        # HTML would otherwise fill with the table's rows
        return (f'<h4 class="sb-visually-hidden" id="{anchor}" aria-hidden="true">{former_anchors}{when}{status}'
                "</h4>")
    return (f'<h3 class="sb-fact-date" id="{anchor}">{former_anchors}{when}{status} <a class="sb-permalink" '
            f'data-search-exclude href="#{anchor}" title="Link to this fact" aria-label="Link to this fact ({when})">'
            "¶</a></h3>")


def _fact_block(site: Site, fact: Fact, notes: _Footnotes, former_anchors: str = "") -> str:
    """The fact's heading, its sentence with its notes, its status and badges, its corrections: raw HTML."""
    refs = "".join(notes.ref(c) for c in fact.citations)
    value = status_value(fact)
    meta = [status_explanation(site, fact, 1, fact.briefing), as_of_badge(site, fact, 1),
            _independence_if_many(site, fact, 1)]
    shown = " · ".join(m for m in meta if m)
    sentence = f'<p class="sb-fact sb-fact-{value}">{text(fact.text)}{refs}</p>'
    return html_block(_fact_heading(fact, former_anchors), sentence,
                      f'<p class="sb-fact-meta">{shown}</p>' if shown else "", corrections.marker(fact))


TABLE_COLUMNS = ("Date", "Fact", "Who says so", "Outlet and date", "Sources", "Status", "As of")


def _fact_table(site: Site, section: Section, notes: _Footnotes, former: dict[str, str]) -> str:
    """The section as a table (Markdown inside HTML, so cells can carry labels for the phone layout, where
    each row becomes a card) with one row per fact. Site search indexes each row's fact under its heading
    (with its date and status); the other cells repeat what the footnotes and badges say, and are left out."""
    header = "".join(f'<th scope="col">{name}</th>' for name in TABLE_COLUMNS)
    rows = "\n".join(_table_row(site, fact, notes, former.get(fact.id, "")) for fact in section.facts)
    return (f'<table class="sb-fact-table" markdown="1">\n<thead markdown="1" data-search-exclude><tr markdown="1">'
            f'{header}</tr></thead>\n<tbody markdown="1">\n{rows}\n</tbody>\n</table>')


def _table_row(site: Site, fact: Fact, notes: _Footnotes, former_anchors: str) -> str:
    refs = "".join(notes.ref(c) for c in fact.citations)
    value = status_value(fact)
    cells = [
        text(fact.date.display(short=True)) if fact.date else "Date unknown",
        None,  # the fact: a block cell, below
        text(fact.said_by) if fact.said_by else "",
        ", ".join(source_link(site, site.project.sources[sid], 1) for sid in site.cited_sources(fact)),
        independence(site, fact, 1),
        status_explanation(site, fact, 1, fact.briefing) or status_badge(site, fact, 1),
        as_of_badge(site, fact, 1, column=True),
    ]
    html = []
    for name, cell in zip(TABLE_COLUMNS, cells, strict=True):
        if cell is None:
            marker = corrections.marker(fact)
            html.append(f'<td data-label="{name}" markdown="block">\n{_fact_heading(fact, former_anchors, True)}\n\n'
                        f"{text(fact.text)}{refs}\n" + (f"\n{marker}\n" if marker else "") + "</td>")
        elif cell:
            html.append(f'<td data-label="{name}" markdown="span" data-search-exclude>{cell}</td>')
        else:  # a dash in the table; left out of a phone's card, where "Who says so: —" would say nothing
            html.append(f'<td data-label="{name}" data-search-exclude data-empty>—</td>')
    return f'<tr class="sb-row sb-row-{value}" markdown="1">\n' + "\n".join(html) + "\n</tr>"


def _footnotes(site: Site, notes: _Footnotes) -> str:
    """The list of notes, as Python-Markdown's footnotes extension writes it (at the place of its
    `///Footnotes Go Here///`)."""
    if not notes.citations:
        return ""
    cited_as: dict[str, str] = {}  # source id → how its notes begin
    items = [f'<li id="fn:{number}">\n<p>{_footnote(site, citation, cited_as)}&#160;{notes.backlinks(number)}'
             "</p>\n</li>" for number, citation in enumerate(notes.citations, start=1)]
    return html_block('<div class="footnote">\n<hr />\n<ol>', *items, "</ol>\n</div>")


def _footnote(site: Site, citation: Citation, cited_as: dict[str, str]) -> str:
    """A note: who and when, the quote as the snapshot has it, the source page, the article (HTML)."""
    project = site.project
    source = project.sources[citation.source]
    if source.id not in cited_as:
        cited_as[source.id] = f"{text(source.outlet_label)}, {text(source.published_label)}"
    shown = site.quotes.shown(citation)
    page = site.html_link("Source page", f"sources/{source.id}", 1, quote_anchor(citation.quote))
    parts = [f"{cited_as[source.id]}: “{text(nested_quotes(shown))}”", page]
    parts += [external_link(found.label, with_text_fragment(found.url, shown), found.attributes)
              for found in source_links(source, project.sources)]
    note = status_note(source)
    if note:
        parts.append(f"<em>{text(note)}</em>")
    return " · ".join(parts)


_INNER_QUOTES = str.maketrans({"“": "‘", "”": "’"})


def nested_quotes(quote: str) -> str:
    """A quote to be shown inside double quotation marks: its own double quotation marks become single ones
    (“…the ‘Northern Triangle’”); straight double quotes are turned the same way, opening after a space or
    at the start and closing elsewhere."""
    curly = quote.translate(_INNER_QUOTES)
    if '"' not in curly:
        return curly
    out = []
    for index, char in enumerate(curly):
        if char == '"':
            opening = index == 0 or curly[index - 1].isspace() or curly[index - 1] in "([{—–-/"
            out.append("‘" if opening else "’")
        else:
            out.append(char)
    return "".join(out)


# --- the sources index ---------------------------------------------------------------------

def render_sources_index(site: Site) -> str:
    """Every source by its short label, in date order, grouped by year of publication (undated last), with
    its headline, its relations and how many facts cite it."""
    project = site.project
    sources = sorted(project.sources.values(), key=_source_order)
    independent = independent_count([s.id for s in sources], site.groups)
    parts = [front_matter(title="Sources", description="Every archived article the briefings cite."),
             "# Sources",
             f"{plural(len(sources), 'archived article')} {_from_outlets(sources)}, "
             + method_link(site, f"{independent} independent", "independence", 0)
             + " (a rewrite or republication of another counts once). Each source page shows what is known of "
             "the article, its relations to the others and every passage quoted from it."]
    year: int | str | None = ""
    lines: list[str] = []
    for source in sources:
        this_year = source.published.year if source.published else None
        if this_year != year:
            if lines:
                parts.append("\n".join(lines))
                lines = []
            year = this_year
            parts.append(f"## {this_year}" if this_year is not None else "## Date unknown")
        lines.append(_source_entry(site, source))
    if lines:
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _source_order(source: Source) -> tuple[object, ...]:
    if source.published is None:
        return (1, (), source.id)
    return (0, source.published.sort_key(), source.id)


def _source_entry(site: Site, source: Source) -> str:
    facts = {fact.id for facts in site.citing.get(source.id, {}).values() for fact in facts}
    sources = site.project.sources
    relations = [f"{label} " + ", ".join(site.html_link(short_label(sources[i]), f"sources/{i}", 0) for i in ids)
                 for label, ids in (("rewrites", source.derived_from), ("republishes", source.republished_from))
                 if ids and all(i in sources for i in ids)]
    headline = text(source.title) if source.title else "*headline unknown*"
    detail = "; ".join([headline, *relations, f"cited by {plural(len(facts), 'fact')}"])
    return f"- {site.html_link(short_label(source), f'sources/{source.id}', 0)}: {detail}"


# --- source pages --------------------------------------------------------------------------

def render_source(site: Site, source: Source) -> str:
    cited = site.citing.get(source.id, {})
    facts = {fact.id for anchor in cited.values() for fact in anchor}
    parts = [
        front_matter(title=source.label),
        f"# {text(source.label)}",
        f"{site.html_link('All sources', 'sources', 1)} · {text(short_label(source))}\n{{: .sb-period-nav }}",
        _metadata_table(_metadata_rows(site, source)),
        paragraphs(source.notes) if source.notes else "",
        f"## Quotes cited from this source ({len(cited)})",
        _reliance(len(facts)),
    ]
    parts.extend(_quote_block(site, source, anchor, facts_) for anchor, facts_ in cited.items())
    return latin1("\n\n".join(p for p in parts if p) + "\n")


def _reliance(count: int) -> str:
    if count == 0:
        return "No fact cites this source yet."
    return f"{plural(count, 'fact')} {'relies' if count == 1 else 'rely'} on this source."


def _metadata_table(rows: list[tuple[str, str]]) -> str:
    """What is known of the article: a table of two columns, as Python-Markdown writes a Markdown table (with the
    labels `markdown_ext.TableLabels` gives each cell for the phone layout), raw."""
    body = "".join(f'<tr>\n<td data-label="Field"><strong>{label}</strong></td>\n<td data-label="Value">{value}</td>\n'
                   "</tr>\n" for label, value in rows)
    return html_block(f"<table>\n<thead>\n<tr>\n<th>Field</th>\n<th>Value</th>\n</tr>\n</thead>\n<tbody>\n{body}"
                      "</tbody>\n</table>")


def _metadata_rows(site: Site, source: Source) -> list[tuple[str, str]]:
    """(label, value) pairs, in HTML."""
    unknown = "<em>unknown</em>"
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
        rows.append(("URL", "<em>not recorded</em>"))
    rows += _link_status_rows(source)
    rows.append(("Snapshot", f"SHA-256 <code>{source.snapshot.sha256}</code>"))
    reverse = site.reverse[source.id]
    for label, ids in (("Derived from", source.derived_from), ("Republished from", source.republished_from),
                       ("Rewritten by", reverse["derived_by"]), ("Republished by", reverse["republished_by"])):
        if ids:
            rows.append((label, ", ".join(_source_link(site, i) for i in ids)))
    return [(text(label), value) for label, value in rows]


def _link_status_rows(source: Source) -> list[tuple[str, str]]:
    state = source.link
    rows = []
    when = version_date(source)
    if state.archive_url and when is not None:
        rows.append(("Archived on", text(when.display())))
    note = status_note(source)
    if note is not None:
        rows.append(("Link status", f"<em>{text(note[0].upper() + note[1:])}</em>"))
    elif state.status != "unknown":
        checked = f", checked {state.checked.display()}" if state.checked else ""
        rows.append(("Link status", text(f"{state.status}{checked}")))
    return rows


def _source_link(site: Site, source_id: str) -> str:
    source = site.project.sources.get(source_id)
    return source_link(site, source, 1) if source else text(source_id)


def _quote_block(site: Site, source: Source, anchor: str, facts: list[Fact]) -> str:
    citation = next(c for c in facts[0].citations if c.source == source.id and quote_anchor(c.quote) == anchor)
    cited_by = "; ".join(html_link(_clip(fact.text), fact_href(site, fact, 1)) for fact in facts)
    return html_block(f'<blockquote>\n<p id="{anchor}">{text(site.quotes.shown(citation))}</p>\n</blockquote>',
                      f"<p>Cited by: {cited_by}</p>")


def _clip(value: str, limit: int = 90) -> str:
    return value if len(value) <= limit else value[: limit - 1].rsplit(" ", 1)[0] + " …"


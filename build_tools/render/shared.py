"""What several pages need to know about the whole project, computed once per generation, and how a link
in raw HTML (a chart) must be written for the publisher."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from build_tools.ledger import History, no_history
from build_tools.memo import Memo, replaced
from build_tools.model import Briefing, Citation, Fact, Project
from build_tools.provenance import independence_groups, reverse_relations
from build_tools.render import corrections
from build_tools.render.markdown import quote_anchor, text


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
           history: History | None = None, memo: Memo | None = None) -> Site:
        """`memo`: a long-lived session's, which keeps the index of citing facts from one generation to the next."""
        facts_in_order = list(project.facts)
        citing = citing_index(memo or Memo(keep=False)).update(facts_in_order)
        facts = {fact.id: fact for fact in facts_in_order}
        return cls(project, independence_groups(project.sources), citing, facts,
                   reverse_relations(project.sources), links, quotes or AsWritten(),
                   history or no_history("none was read"))

    def page_url(self, page: str, from_depth: int) -> str:
        """A raw-HTML link to a generated page (e.g. 'briefings/x') from a page `from_depth` folders down."""
        if self.links is Links.DIRECTORY:
            return "../" * (from_depth + 1) + f"{page}/"
        suffix = ".md" if self.links is Links.SOURCE else ".html"
        return "../" * from_depth + f"{page}{suffix}"

    def html_link(self, label: str, page: str, from_depth: int, anchor: str = "") -> str:
        """An inline raw-HTML link to a generated page: the same built link under both publishers where a
        Markdown link would not be (from a page in a folder to the page named like the folder, such as
        sources/x.md to sources.md, MkDocs and Zensical write different, equally valid, relative URLs)."""
        href = self.page_url(page, from_depth) + (f"#{anchor}" if anchor else "")
        return f'<a href="{href}">{text(label)}</a>'  # `text`: it stands in Markdown too (a list of sources)

    @cached_property
    def titles(self) -> dict[str, str]:
        """Briefing id → title."""
        return {briefing.id: briefing.title for briefing in self.project.briefings}

    def former_anchors(self, briefing: Briefing) -> tuple[tuple[str, str], ...]:
        """For each renamed fact of the briefing: the anchors of its former ids."""
        found = ((fact.id, corrections.former_anchors(fact, self.history, self.facts)) for fact in briefing.facts)
        return tuple((fact_id, anchors) for fact_id, anchors in found if anchors)

    def briefing_sources(self, briefing: Briefing) -> list[str]:
        ids = {c.source for fact in briefing.facts for c in fact.citations}
        return sorted(i for i in ids if i in self.project.sources)

    def cited_sources(self, fact: Fact) -> list[str]:
        """The ids of the known sources a fact cites, each once, in citation order."""
        return list(dict.fromkeys(c.source for c in fact.citations if c.source in self.project.sources))


CitingIndex = dict[str, dict[str, list[Fact]]]  # source id → quote anchor → the facts citing it, in project order


class Citing:
    """Which facts cite each quote of each source, kept from one generation to the next by a long-lived session:
    when the facts are those of last time but for some replaced by facts citing the same quotes (a fact's text
    edited, say), each replaced one takes the place of the one before in its lists, instead of the 200,000
    citations of 100,000 facts indexed again."""

    def __init__(self) -> None:
        self.facts: list[Fact] = []
        self.index: CitingIndex = {}
        self.shape = object()  # another object whenever another fact id may cite a quote (not a fact replaced)

    def update(self, facts: list[Fact]) -> CitingIndex:
        pairs = replaced(self.facts, facts)
        if pairs is None or not all(_cited(old) == _cited(new) and old.id == new.id for old, new in pairs):
            self.index = _citing(facts)
            self.shape = object()
        else:
            for old, new in pairs:
                for source, anchor in _cited(new):
                    citing = self.index[source][anchor]
                    citing[next(n for n, fact in enumerate(citing) if fact is old)] = new
        self.facts = facts
        return self.index


def citing_index(memo: Memo) -> Citing:
    """The session's index of citing facts (a new one each time from a memo that keeps nothing)."""
    return memo.get("citing-index", (), Citing)


def _citing(facts: Iterable[Fact]) -> CitingIndex:
    citing: CitingIndex = defaultdict(lambda: defaultdict(list))
    for fact in facts:  # each fact once per quote it cites, however often (linear: no list search)
        for source, anchor in _cited(fact):
            citing[source][anchor].append(fact)
    return citing


def _cited(fact: Fact) -> tuple[tuple[str, str], ...]:
    """(source id, quote anchor) of each quote the fact cites, once, in citation order."""
    return tuple(dict.fromkeys((c.source, quote_anchor(c.quote)) for c in fact.citations))

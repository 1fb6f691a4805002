"""Atom feeds of new facts and corrections: one for the whole site, one per briefing.

Each entry is dated by the commit that published it (a fact) or added it (a correction entry),
never by the time of the build, and entry ids are UUIDs derived from the project's title and the
fact's first id: two builds of the same commit write the same bytes. Facts and corrections not
yet committed are left out until they are. Written with the standard library's XML writer
(ElementTree), which escapes every text.
"""

from __future__ import annotations

import heapq
import itertools
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from build_tools.ledger import Commit, History
from build_tools.memo import Memo
from build_tools.model import Briefing, Correction, Fact, Project
from build_tools.substance import correction_keys

ATOM = "http://www.w3.org/2005/Atom"
# At the site's root: Material (and Zensical) fetch `sitemap.xml` beside every <link rel="alternate"> of a
# page, which 404s for a feed in a folder (zensical/zensical#908).
SITE_FEED = "feed.xml"
MAX_ENTRIES = 100  # the newest; older entries stay on the pages
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LABELS = {"correction": "Correction", "major": "Major correction", "update": "Update"}


def briefing_feed(briefing_id: str) -> str:
    return f"feed-{briefing_id}.xml"


@dataclass(frozen=True)
class Entry:
    time: int  # commit time: the entry's date
    order: int  # the fact's place in its briefing, for a stable order among entries of one commit
    name: str  # what the entry's id is made from
    kind: str  # added, correction, major or update
    title: str
    summary: str
    briefing: str
    anchor: str  # the fact's anchor on its briefing page
    updated: str  # RFC 3339

    def sort_key(self) -> tuple[int, int, bool, str]:
        return (-self.time, self.order, self.kind != "added", self.name)


def briefing_entries(briefing: Briefing, history: History) -> tuple[Entry, ...]:
    """The briefing's committed new facts and correction entries, newest first."""
    entries: list[Entry] = []
    for order, fact in enumerate(briefing.facts):
        life = history.lives.get(fact.id)
        if life is None:
            continue
        first = life.ids[0]
        if life.published is not None:
            entries.append(_entry(life.published, order, f"fact/{first}/added", "added",
                                  f"New fact: {_clip(fact.text)}", _added_summary(fact, briefing), fact))
        keys = correction_keys(tuple(str(c.date) for c in fact.corrections))
        for key, correction in zip(keys, fact.corrections, strict=True):
            commit = life.corrected.get(key)
            if commit is not None:
                entries.append(_entry(commit, order, f"fact/{first}/correction/{key[0]}/{key[1]}", correction.kind,
                                      f"{_LABELS[correction.kind]}: {_clip(fact.text)}",
                                      _correction_summary(correction), fact))
    return tuple(sorted(entries, key=Entry.sort_key))


def feed_entries(project: Project, history: History, memo: Memo | None = None) -> list[tuple[Entry, ...]]:
    """Each briefing's entries; a briefing whose object and facts' lives are the same as last time
    (as under `mkdocs serve`) is taken from `memo`."""
    memo = memo or Memo(keep=False)
    return [memo.get("feed-entries", (b, *(history.lives.get(f.id) for f in b.facts)),
                     partial(briefing_entries, b, history)) for b in project.briefings]


def newest(per_briefing: list[tuple[Entry, ...]], limit: int = MAX_ENTRIES) -> tuple[Entry, ...]:
    """The newest entries across briefings (each list newest first); among equals, in project order."""
    def keyed(index: int, entries: tuple[Entry, ...]) -> Iterator[tuple[tuple[int, int, int, bool, str], Entry]]:
        return (((-e.time, index, e.order, e.kind != "added", e.name), e) for e in entries)

    ranked = heapq.merge(*(keyed(i, entries) for i, entries in enumerate(per_briefing)), key=lambda pair: pair[0])
    return tuple(entry for _, entry in itertools.islice(ranked, limit))


def _entry(commit: Commit, order: int, name: str, kind: str, title: str, summary: str, fact: Fact) -> Entry:
    return Entry(commit.time, order, name, kind, title, summary, fact.briefing, f"fact-{fact.id}", commit.iso())


def _added_summary(fact: Fact, briefing: Briefing) -> str:
    date = fact.date.display() if fact.date else "Date unknown"
    return f"{date}: {fact.text} (in “{briefing.title}”)"


def _correction_summary(correction: Correction) -> str:
    return (f"{correction.date.display()}. What was wrong: {correction.wrong} "
            f"What changed: {correction.changed}")


def _clip(value: str, limit: int = 100) -> str:
    return value if len(value) <= limit else value[: limit - 1].rsplit(" ", 1)[0] + " …"


@dataclass(frozen=True)
class Feed:
    path: str  # e.g. feed.xml
    title: str
    subtitle: str
    page: str  # the page the feed is about, relative to the site root, as built (e.g. 'corrections/')
    entries: tuple[Entry, ...]
    fallback: str  # the feed's date when it has no entry


def feed_paths(project: Project) -> tuple[str, ...]:
    """The paths `feed_files` writes, known before it runs."""
    return (SITE_FEED, *(briefing_feed(briefing.id) for briefing in project.briefings))


def feed_files(project: Project, history: History, directory_urls: bool = True, site_url: str | None = None,
               memo: Memo | None = None) -> dict[str, str]:
    """Every feed as Atom XML, by path under the site; a feed whose entries are the same objects as
    last time is taken from `memo`."""
    memo = memo or Memo(keep=False)
    per_briefing = feed_entries(project, history, memo)
    fallback = _fallback(project, history)
    feeds = [Feed(SITE_FEED, f"{project.title}: new facts and corrections",
                  "Facts added to the briefings and corrections to them, dated by the commit that published them.",
                  _page("corrections", directory_urls), newest(per_briefing), fallback)]
    for briefing, entries in zip(project.briefings, per_briefing, strict=True):
        feeds.append(Feed(briefing_feed(briefing.id), f"{briefing.title}: new facts and corrections",
                          " ".join(briefing.summary.split()), _page(f"briefings/{briefing.id}", directory_urls),
                          entries[:MAX_ENTRIES], fallback))
    return {feed.path: memo.get("feed", (feed.entries,), partial(atom, project, feed, directory_urls, site_url),
                                (feed.path, feed.title, feed.subtitle, feed.page, feed.fallback, project.title,
                                 directory_urls, site_url)) for feed in feeds}


def _fallback(project: Project, history: History) -> str:
    """The date of a feed with no entries: the last commit, else the newest briefing's `updated`."""
    if history.commits:
        return history.commits[-1].iso()
    newest = max((b.updated for b in project.briefings), default=None)
    return f"{newest.first_day().isoformat()}T00:00:00Z" if newest else "1970-01-01T00:00:00Z"


def _page(page: str, directory_urls: bool) -> str:
    return f"{page}/" if directory_urls else f"{page}.html"


def atom(project: Project, feed: Feed, directory_urls: bool = True, site_url: str | None = None) -> str:
    """One feed's XML. Links are relative to the feed's own address unless `site_url` is known."""
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "en"})
    _text(root, "id", _urn(project, feed.path))
    _text(root, "title", feed.title)
    _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", feed.entries[0].updated if feed.entries else feed.fallback)
    author = ET.SubElement(root, "author")
    _text(author, "name", project.title)
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": _href(feed.page, site_url)})
    if site_url:
        ET.SubElement(root, "link", {"rel": "self", "type": "application/atom+xml",
                                     "href": _href(feed.path, site_url)})
    for entry in feed.entries:
        page = _page(f"briefings/{entry.briefing}", directory_urls)
        _add_entry(root, project, entry, _href(f"{page}#{entry.anchor}", site_url))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _add_entry(root: ET.Element, project: Project, entry: Entry, href: str) -> None:
    element = ET.SubElement(root, "entry")
    _text(element, "id", _urn(project, entry.name))
    _text(element, "title", entry.title)
    _text(element, "updated", entry.updated)
    _text(element, "published", entry.updated)
    ET.SubElement(element, "link", {"rel": "alternate", "type": "text/html", "href": href})
    ET.SubElement(element, "category", {"term": entry.kind})
    _text(element, "summary", entry.summary)


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = _NOT_XML.sub("", value)


def _href(path: str, site_url: str | None) -> str:
    """A link from a feed (at the site root) to `path` under the root."""
    return f"{site_url.rstrip('/')}/{path}" if site_url else path


def _urn(project: Project, name: str) -> str:
    """A stable id: the same project title and name give the same UUID in every build."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"sourced-briefings:{project.title}/{name}").urn

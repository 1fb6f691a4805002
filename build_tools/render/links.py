"""Which links a source offers readers, and what each is called: the one place for link labels.

A source may be read at its original address, at the address of a republished copy, or in a public
archived copy (Wayback Machine, archive.today, Perma.cc). Each link says which it is ("Original (Breitbart
News)", "Republished copy (SOTT.net)", "Archived copy"), so that a reader never mistakes a republication for
the original. Links carry Robust Links attributes (`data-versionurl` and `data-versiondate` on the live
link, `data-originalurl` and `data-versiondate` on the archived one), so that tools can fall back from one
to the other. An address that now serves something else (`url_status: usurped`) is not linked at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from build_tools.dates import PartialDate, archive_address_date
from build_tools.model import Source

ORIGINAL, REPUBLISHED, ARCHIVED = "original", "republished", "archived"

@dataclass(frozen=True)
class SourceLink:
    role: str  # ORIGINAL, REPUBLISHED or ARCHIVED
    label: str
    url: str
    attributes: tuple[tuple[str, str], ...] = ()  # Robust Links data-* attributes


def source_links(source: Source, sources: Mapping[str, Source]) -> list[SourceLink]:
    """The links a reader can follow for `source`, archived copy first when the live address is dead."""
    links: list[SourceLink] = []
    original = _corpus_original(source, sources)
    if original is not None:
        links += _live_link(original, ORIGINAL, _original_label(original))
    republished = bool(source.original_outlet or source.republished_from)
    if republished:
        links += _live_link(source, REPUBLISHED, _named("Republished copy", source.outlet))
    else:
        links += _live_link(source, ORIGINAL, _original_label(source))
    archive = _archived_link(source)
    if archive is not None:
        first = source.link.status in ("dead", "usurped")
        links = [archive, *links] if first else [*links, archive]
    return links


def short_label(source: Source) -> str:
    """How a source is named in lists, charts and footnotes: 'Fox News, 8 Dec 2021', 'Breitbart News (via
    SOTT.net), Jul 2022', 'unknown outlet, date unknown'."""
    date = source.published.display(short=True) if source.published else "date unknown"
    return f"{source.outlet_label}, {date}"


def version_date(source: Source) -> PartialDate | None:
    """When the archived copy was taken: `archive_date`, else the timestamp in its address."""
    link = source.link
    if link.archive_date is not None or link.archive_url is None:
        return link.archive_date
    return archive_address_date(link.archive_url)


def status_note(source: Source) -> str | None:
    """What readers must know when the live address no longer shows what was quoted."""
    link = source.link
    when = f" on {link.checked.display()}" if link.checked else ""
    checked = f" (checked {link.checked.display()})" if link.checked else ""
    against = "; quote verified against the archived copy"
    if link.status == "deviated":
        return f"original changed{when}{against}"
    if link.status == "dead":
        return f"original no longer online{checked}{against}"
    if link.status == "usurped":
        return f"original address now serves other content{checked}{against}"
    return None


def _original_label(source: Source) -> str:
    return _named("Original", source.outlet) if source.outlet else "Original article"


def _named(label: str, outlet: str | None) -> str:
    return f"{label} ({outlet})" if outlet else label


def _corpus_original(source: Source, sources: Mapping[str, Source]) -> Source | None:
    """The source this one republishes, when it is in the corpus with an address of its own."""
    for other_id in source.republished_from:
        other = sources.get(other_id)
        if other is not None and other.url and other.id != source.id:
            return other
    return None


def _live_link(source: Source, role: str, label: str) -> list[SourceLink]:
    if not source.url or source.link.status == "usurped":
        return []
    attributes: list[tuple[str, str]] = []
    if source.link.archive_url:
        attributes.append(("data-versionurl", source.link.archive_url))
        when = version_date(source)
        if when is not None:
            attributes.append(("data-versiondate", when.iso()))
    return [SourceLink(role, label, source.url, tuple(attributes))]


def _archived_link(source: Source) -> SourceLink | None:
    if not source.link.archive_url:
        return None
    attributes: list[tuple[str, str]] = []
    if source.url:
        attributes.append(("data-originalurl", source.url))
    when = version_date(source)
    if when is not None:
        attributes.append(("data-versiondate", when.iso()))
    return SourceLink(ARCHIVED, "Archived copy", source.link.archive_url, tuple(attributes))

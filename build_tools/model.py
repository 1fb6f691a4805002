"""The project as typed, frozen values. Everything here was validated on load."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.dates import EdtfDate, PartialDate
from build_tools.problems import Location


@dataclass(frozen=True, slots=True)
class Suppression:
    """`lint: {ignore: [...], reason: ...}`: problems an editor has accepted, with a reason."""

    codes: frozenset[str]
    reason: str
    at: Location
    code_at: Mapping[str, Location] = field(default_factory=dict)  # where each code is written


@dataclass(frozen=True, slots=True)
class Status:
    value: str  # current, superseded or disputed
    by: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Citation:
    source: str
    quote: str
    at: Location
    quote_at: Location
    # Verbatim words near the quote that say who is speaking or when; read by the checks, never shown.
    context: str | None = None
    context_at: Location | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """`corrections:` on a fact: a change made after publication, told to readers."""

    date: PartialDate
    kind: str  # correction, major or update
    wrong: str
    changed: str
    at: Location

    @property
    def label(self) -> str:
        """How the marker reads: 'Corrected' or 'Updated'."""
        return "Updated" if self.kind == "update" else "Corrected"


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    text: str
    date: EdtfDate | None  # None only when the written date was rejected (and reported)
    as_of: EdtfDate | None
    kind: str
    citations: tuple[Citation, ...]
    briefing: str
    section: str
    at: Location
    field_at: Mapping[str, Location] = field(default_factory=dict)
    suppression: Suppression | None = None
    status: Status | None = None
    corrections: tuple[Correction, ...] = ()
    replaces: str | None = None  # the fact's former id
    said_by: str | None = None  # who says so, when not the outlet in its own voice

    def where(self, name: str) -> Location:
        return self.field_at.get(name, self.at)


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    facts: tuple[Fact, ...]
    display: str = "list"  # list or table


@dataclass(frozen=True, slots=True)
class Briefing:
    id: str
    title: str
    summary: str
    updated: PartialDate
    sections: tuple[Section, ...]
    path: str
    short_answer: tuple[str, ...] = ()  # ids of the facts shown first, as the answer
    short_answer_at: tuple[Location, ...] = ()  # where each of those ids is written

    def short_answer_where(self, index: int) -> Location:
        return self.short_answer_at[index] if index < len(self.short_answer_at) else Location(self.path)

    @property
    def facts(self) -> Iterator[Fact]:
        for section in self.sections:
            yield from section.facts


@dataclass(frozen=True, slots=True)
class SnapshotRef:
    sha256: str
    file: str | None
    retrieved: PartialDate | None


@dataclass(frozen=True, slots=True)
class CaptureRef:
    """The WARC or WACZ capture a snapshot was extracted from, and how."""

    sha256: str
    record_id: str
    extractor: str  # e.g. "trafilatura 2.3.1"
    file: str | None = None
    warc_date: str | None = None
    payload_digest: str | None = None
    target_uri: str | None = None


@dataclass(frozen=True, slots=True)
class LinkState:
    """What is known of the source's live URL and of a public archived copy of it."""

    status: str = "unknown"  # live, dead, deviated (its text changed), usurped (serves something else), unknown
    checked: PartialDate | None = None  # when `status` was last checked
    archive_url: str | None = None
    archive_date: PartialDate | None = None


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str | None  # None: unknown
    outlet: str | None  # None: unknown
    original_outlet: str | None
    author: str | None
    published: EdtfDate | None  # None: unknown
    url: str | None
    snapshot: SnapshotRef
    derived_from: tuple[str, ...]
    republished_from: tuple[str, ...]
    notes: str | None
    path: str
    field_at: Mapping[str, Location] = field(default_factory=dict)
    suppression: Suppression | None = None
    link: LinkState = field(default_factory=lambda: LinkState())
    capture: CaptureRef | None = None

    def where(self, name: str) -> Location:
        return self.field_at.get(name, Location(self.path))

    @property
    def label(self) -> str:
        """How the source is named in running text: its headline, or a plain description."""
        if self.title:
            return self.title
        date = self.published.display() if self.published else "undated"
        return f"Untitled article: {self.outlet_label}, {date}"

    @property
    def published_label(self) -> str:
        """The publication date as readers see it."""
        return self.published.display() if self.published else "date unknown"

    @property
    def outlet_label(self) -> str:
        outlet = self.outlet or "unknown outlet"
        if self.original_outlet:
            return f"{self.original_outlet} (via {outlet})"
        return outlet

    @property
    def relations(self) -> tuple[str, ...]:
        return self.derived_from + self.republished_from

    def related_to(self, other: Source) -> bool:
        """A declared derivation or republication between the two, in either direction."""
        return other.id in self.relations or self.id in other.relations


@dataclass(frozen=True)
class Project:
    root: Path
    title: str
    description: str
    sources: Mapping[str, Source]
    briefings: tuple[Briefing, ...]
    broken_sources: frozenset[str] = frozenset()
    files: tuple[str, ...] = ()
    # False when a briefing file had problems while loading, so some citations may be missing.
    briefings_complete: bool = True

    @property
    def facts(self) -> Iterator[Fact]:
        for briefing in self.briefings:
            yield from briefing.facts

    def quotes(self, paths: frozenset[str] | None = None) -> Iterator[tuple[str, str]]:
        """(snapshot hash, quote) of every quote and context quote of a citation of a known source; only
        in `paths` when given."""
        for fact in self.facts:
            if paths is None or fact.at.path in paths:
                for citation in fact.citations:
                    source = self.sources.get(citation.source)
                    if source is not None:
                        yield source.snapshot.sha256, citation.quote
                        if citation.context:
                            yield source.snapshot.sha256, citation.context

    def suppressions(self) -> Iterator[Suppression]:
        for source in self.sources.values():
            if source.suppression:
                yield source.suppression
        for fact in self.facts:
            if fact.suppression:
                yield fact.suppression

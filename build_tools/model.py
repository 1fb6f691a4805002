"""The project as typed, frozen values, and the file format declared on them (`declare`): each field an
editor may write is declared once, on the attribute it fills. Everything here was validated on load."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from build_tools.dates import EdtfDate, PartialDate
from build_tools.declare import Kind, ListOf, declared, group, record, record_of
from build_tools.problems import Location

# The choices of the fields that take one.
URL_STATUSES = ("live", "dead", "deviated", "usurped", "unknown")
FACT_KINDS = ("event", "statement", "state", "plan")
STATUS_VALUES = ("current", "superseded", "disputed")
CORRECTION_KINDS = ("correction", "major", "update")
SECTION_DISPLAYS = ("list", "table")


@record("lint", "Accept known problems here, with a reason (reported in the summary).")
@dataclass(frozen=True, slots=True, kw_only=True)
class Suppression:
    """`lint: {ignore: [...], reason: ...}`: problems an editor has accepted, with a reason."""

    codes: frozenset[str] = declared(ListOf(Kind.CODE, 1), "Rule codes to accept, e.g. [SRC002].", required=True,
                                     key="ignore", convert=frozenset)
    reason: str = declared(Kind.LINE, "Why the problem is accepted.", required=True)
    at: Location
    code_at: Mapping[str, Location] = field(default_factory=dict)  # where each code is written


@record("status", "Whether the fact is still current, superseded by a later one, or disputed.")
@dataclass(frozen=True, slots=True, kw_only=True)
class Status:
    value: str = declared(Kind.CHOICE, "`current` (the default), `superseded` or `disputed`.", required=True,
                          choices=STATUS_VALUES)
    by: tuple[str, ...] = declared(ListOf(Kind.ID), "Ids of the facts that supersede or dispute this one.",
                                   default=())
    reason: str = declared(Kind.LINE, "Why, in a short neutral sentence.", required=True)


@record("citation", "A source id and a short verbatim quote from its snapshot.")
@dataclass(frozen=True, slots=True, kw_only=True)
class Citation:
    source: str = declared(Kind.ID, "Id of the source (its file name in `sources/` without `.yaml`).",
                           required=True)
    # "" when missing, rejected or a placeholder (reported while loading): the source still counts as cited.
    quote: str = declared(Kind.LINE, "Verbatim words from the snapshot, at most 40; `...` marks omitted words.",
                          required=True, default="", verbatim=True)
    # Verbatim words near the quote that say who is speaking or when; read by the checks, never shown.
    context: str | None = declared(Kind.LINE, "Verbatim words from the quote's paragraph that say who is speaking "
                                   "or when, e.g. \"Lopez Oliva said\"; checked like the quote, never shown as "
                                   "evidence.", default=None, verbatim=True)
    at: Location  # where the source id is written
    quote_at: Location  # where the quote is written (the citation's place when it is not)
    context_at: Location | None = None


@record("correction", "A change to the fact after it was published, shown to readers.")
@dataclass(frozen=True, slots=True, kw_only=True)
class Correction:
    """`corrections:` on a fact: a change made after publication, told to readers."""

    date: PartialDate = declared(Kind.DATE, "When the correction was made.", required=True)
    kind: str = declared(Kind.CHOICE, "`correction` (the default): something in the fact was wrong; `major`: a "
                         "correction that changes what the fact says, listed first; `update`: nothing was wrong, "
                         "but later information changed the fact (a status, say).", choices=CORRECTION_KINDS,
                         default="correction")
    wrong: str = declared(Kind.LINE, "What the fact said that was wrong or out of date.", required=True)
    changed: str = declared(Kind.LINE, "What was changed, and on what evidence.", required=True)
    at: Location

    @property
    def label(self) -> str:
        """How the marker reads: 'Corrected' or 'Updated'."""
        return "Updated" if self.kind == "update" else "Corrected"


@record("fact", "One neutral, attributed sentence with its date and citations.")
@dataclass(frozen=True, slots=True, kw_only=True)
class Fact:
    id: str = declared(Kind.ID, "Unique across the project; the page anchor is `#fact-<id>`.", required=True)
    text: str = declared(Kind.LINE, "One or two neutral, attributed sentences.", required=True)
    # None only when the written date was rejected (and reported)
    date: EdtfDate | None = declared(
        Kind.EDTF, "When what the fact describes happened, at the sources' precision: YYYY, YYYY-MM or YYYY-MM-DD; "
        "a season (`2021-22` summer 2021); `2021-06~` about, `2021-06?` possibly; an interval (`2021-03/2021-06` "
        "between, `../2021-06` by, `2021-03/..` in or after).", required=True, default=None)
    as_of: EdtfDate | None = declared(Kind.EDTF, "For a state that can change: the date it was true as of (same "
                                      "forms as `date`).", default=None)
    kind: str = declared(Kind.CHOICE, "`plan` for a plan or expectation (may be dated after the sources).",
                         choices=FACT_KINDS, default="event")
    citations: tuple[Citation, ...] = declared(ListOf(record_of(Citation), 1, 20),
                                               "Where the fact comes from (at most 20).", required=True, default=())
    status: Status | None = declared(record_of(Status), "Mark a fact superseded by a later fact, or disputed by "
                                     "another.", default=None)
    corrections: tuple[Correction, ...] = declared(
        ListOf(record_of(Correction)), "Every change to the fact's substance after it was published (figures, names "
        "or dates in its text, its date, its quotes, its status), oldest first.", default=())
    replaces: str | None = declared(Kind.ID, "The fact's former id, when it was renamed: its history and links "
                                    "carry over.", default=None)
    said_by: str | None = declared(Kind.LINE, "Who says so, as the sources attribute it (`Giammattei`, `the White "
                                   "House, as reported by Breitbart News`); shown in table sections and on the "
                                   "timeline. Leave out when the outlet reports the fact in its own voice.",
                                   default=None)
    notes: ClassVar[None] = declared(Kind.TEXT, "Editorial notes (not shown to readers).", kept=False)
    suppression: Suppression | None = declared(record_of(Suppression), "Accept known problems on this fact.",
                                               key="lint", default=None, exported=False)
    briefing: str
    section: str
    at: Location
    field_at: Mapping[str, Location] = field(default_factory=dict)

    def where(self, name: str) -> Location:
        return self.field_at.get(name, self.at)

    @property
    def subject(self) -> str:
        """What this fact's `lint: ignore` accepts problems for: this fact, not another one with the same id
        (two facts can share an id, which is itself an error)."""
        return f"fact:{self.id}@{self.at.path}:{self.at.line}:{self.at.column}"


@record("section", "A titled group of facts.")
@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    title: str = declared(Kind.LINE, "Section heading.", required=True)
    display: str = declared(Kind.CHOICE, "`list` (the default): each fact under its date; `table`: one row per fact "
                            "(date, fact, who says so, outlet and date, sources, status, as of), for claims read side "
                            "by side. A table becomes one card per fact on a phone.", choices=SECTION_DISPLAYS,
                            default="list")
    facts: tuple[Fact, ...] = declared(ListOf(record_of(Fact), 1), "The facts, in reading order.", required=True,
                                       default=())


@record("briefing", "One page: `briefings/<id>.yaml`.")
@dataclass(frozen=True, slots=True, kw_only=True)
class Briefing:
    id: str  # the file's name
    title: str = declared(Kind.LINE, "Page title.", required=True)
    summary: str = declared(Kind.TEXT, "A neutral summary of the page.", required=True, exported=False)
    updated: PartialDate = declared(Kind.DATE, "When the briefing was last revised.", required=True)
    short_answer: tuple[str, ...] = declared(
        ListOf(Kind.ID, 1, 3), "One to three ids of this briefing's facts that answer its question at a glance: "
        "shown first on the page, in a box, and on the home page. Never a superseded fact (FCT009).", default=())
    sections: tuple[Section, ...] = declared(ListOf(record_of(Section), 1), "The sections, in reading order.",
                                             required=True, exported=False)  # the facts are exported on their own
    path: str
    short_answer_at: tuple[Location, ...] = ()  # where each of the short answer's ids is written

    def short_answer_where(self, index: int) -> Location:
        return self.short_answer_at[index] if index < len(self.short_answer_at) else Location(self.path)

    @property
    def facts(self) -> Iterator[Fact]:
        for section in self.sections:
            yield from section.facts


@record("snapshot", "The archived plain-text copy of the article.")
@dataclass(frozen=True, slots=True, kw_only=True)
class SnapshotRef:
    sha256: str = declared(Kind.SHA256, "SHA-256 of the snapshot file's bytes (`sha256sum FILE`).", required=True)
    file: str | None = declared(Kind.LINE, "File name in the snapshot store (a hint; files are found by hash).",
                                default=None, exported=False)
    retrieved: PartialDate | None = declared(Kind.DATE, "When the copy was archived.", default=None, exported=False)


@record("capture", "The web-archive capture (WARC or WACZ) the snapshot was extracted from, as `briefings snapshot "
        "import` records it; the linter extracts the text again and compares.")
@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureRef:
    """The WARC or WACZ capture a snapshot was extracted from, and how."""

    sha256: str = declared(Kind.SHA256, "SHA-256 of the capture file; it is found by this in the snapshot store's "
                           "`captures/` folder.", required=True)
    file: str | None = declared(Kind.LINE, "The capture's file name when it was imported (a hint).", default=None)
    record_id: str = declared(Kind.LINE, "WARC-Record-ID of the response the text was extracted from.",
                              required=True)
    warc_date: str | None = declared(Kind.LINE, "WARC-Date of that response: when the page was captured.",
                                     default=None)
    payload_digest: str | None = declared(Kind.LINE, "WARC-Payload-Digest of that response.", default=None)
    target_uri: str | None = declared(Kind.URL, "WARC-Target-URI: the address that was captured.", default=None)
    extractor: str = declared(Kind.LINE, "The text extractor and its version, e.g. `trafilatura 2.3.1`.",
                              required=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkState:
    """What is known of the source's live URL and of a public archived copy of it: fields written beside the
    source's other fields (a group of `Source`)."""

    status: str = declared(Kind.CHOICE, "Whether `url` still serves the article: `live`, `dead` (gone), "
                           "`deviated` (its text changed), `usurped` (it serves something else) or `unknown`; "
                           "`briefings recheck --write` records it.", key="url_status", choices=URL_STATUSES,
                           default="unknown")
    checked: PartialDate | None = declared(Kind.DATE, "When `url_status` was last checked (YYYY-MM-DD).",
                                           key="url_checked", default=None)
    archive_url: str | None = declared(Kind.URL, "A public archived copy of the page (Wayback Machine, "
                                       "archive.today, Perma.cc, ...), for readers once the original changes or "
                                       "goes.", default=None)
    archive_date: PartialDate | None = declared(Kind.DATE, "When the archived copy was taken (YYYY-MM-DD).",
                                                default=None)


@record("source", "One archived article: `sources/<id>.yaml`.")
@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    id: str  # the file's name
    title: str | None = declared(Kind.LINE_OR_UNKNOWN, "Headline as published, or `unknown` (say why in `notes`).",
                                 required=True)  # None: unknown
    outlet: str | None = declared(Kind.LINE_OR_UNKNOWN, "Who published this copy, or `unknown`.",
                                  required=True)  # None: unknown
    original_outlet: str | None = declared(Kind.LINE, "Who first published the article, when this copy "
                                           "republishes one that is not in the corpus.", default=None)
    author: str | None = declared(Kind.LINE, "The byline, when known. An interviewer is not the author unless the "
                                  "byline names them: say who interviewed whom in `notes`.", default=None)
    published: EdtfDate | None = declared(
        Kind.EDTF_OR_UNKNOWN, "Publication date at the precision known (YYYY, YYYY-MM or YYYY-MM-DD; `2022-07~` "
        "about, `2022-07?` possibly, `2024-01-12/..` on or after), or `unknown` (say why in `notes`).",
        required=True)  # None: unknown
    url: str | None = declared(Kind.URL, "Absolute http(s) URL of this copy; leave out when unknown.", default=None)
    link: LinkState = group(LinkState)
    snapshot: SnapshotRef = declared(record_of(SnapshotRef), "The archived copy.", required=True)
    capture: CaptureRef | None = declared(record_of(CaptureRef), "Where the snapshot's text came from, when it was "
                                          "imported from a WARC or WACZ.", default=None, exported=False)
    derived_from: tuple[str, ...] = declared(ListOf(Kind.ID), "Ids of corpus sources this article rewrites.",
                                             default=())
    republished_from: tuple[str, ...] = declared(ListOf(Kind.ID), "Ids of corpus sources this article "
                                                 "republishes.", default=())
    notes: str | None = declared(Kind.TEXT, "What is known about the article; why a field is unknown.",
                                 default=None, exported=False)
    suppression: Suppression | None = declared(record_of(Suppression), "Accept known problems on this source.",
                                               key="lint", default=None, exported=False)
    path: str
    field_at: Mapping[str, Location] = field(default_factory=dict)

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
        for briefing in self.briefings:
            if paths is not None and briefing.path not in paths:
                continue
            for fact in briefing.facts:
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

"""What a rule sees: the project, the snapshot store, every quoted passage with its placement, and
the rule's own options."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from build_tools.model import Citation, Fact, Project, Source
from build_tools.problems import Code, Location, Option
from build_tools.snapshots import Placement, SnapshotStore, quote_has_words


class Passage(NamedTuple):
    """One verbatim quote of a citation (its `quote`, or its `context`), placed in its snapshot."""

    fact: Fact
    citation: Citation
    sha256: str | None  # of the source's snapshot; None when the source is unknown
    text: str  # as the editor wrote it
    at: Location
    is_context: bool  # a `context:` quote: read by the checks, never shown as evidence
    placement: Placement | None  # None when the source or its snapshot is missing

    @property
    def source(self) -> str:
        """The cited source's id."""
        return self.citation.source

    @property
    def kind(self) -> str:
        return "context quote" if self.is_context else "quote"

    @property
    def has_words(self) -> bool:
        """Whether the quote and each of its pieces hold a word."""
        return quote_has_words(self.text)


def place_passages(project: Project, store: SnapshotStore, paths: frozenset[str] | None = None) -> tuple[Passage, ...]:
    """Every non-empty quote (and context quote) of the facts in `paths` (all when None), placed.
    Call after `store.prepare(project.quotes(paths))`, which places them one snapshot at a time."""
    passages: list[Passage] = []
    append, sources, placed = passages.append, project.sources, store.placements()
    nowhere: dict[str, Placement] = {}
    facts = (fact for briefing in project.briefings if paths is None or briefing.path in paths
             for fact in briefing.facts)
    for fact in facts:
        for citation in fact.citations:
            source = sources.get(citation.source)
            sha256 = source.snapshot.sha256 if source is not None else None
            places = placed.get(sha256, nowhere) if sha256 is not None else nowhere
            quote, context = citation.quote, citation.context
            if quote:  # an empty or rejected quote was reported while loading
                append(Passage(fact, citation, sha256, quote, citation.quote_at, False, places.get(quote)))
            if context:
                append(Passage(fact, citation, sha256, context, citation.context_at or citation.quote_at,
                               True, places.get(context)))
    return tuple(passages)


if TYPE_CHECKING:  # the ledger reads files through load, which reads the rules' options through config
    from build_tools.ledger import History

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    project: Project
    snapshots: SnapshotStore
    snapshots_origin: str = "the configured default"
    options: Mapping[str, Any] = field(default_factory=dict)  # this rule's options, validated with the config
    cache_dir: Path | None = None  # where derived data about immutable snapshots may be kept
    focus: frozenset[str] | None = None  # when linting named files: only their problems are reported
    passages: tuple[Passage, ...] = ()  # the quotes of the facts in focus, placed (`place_passages`)
    codes: Mapping[str, Code] = field(default_factory=dict)  # every known code, by code
    history: History | None = None  # every fact's changes, from git (see ledger.py)

    def in_focus(self, path: str) -> bool:
        """Whether problems in `path` will be reported; rules may skip work on other files."""
        return self.focus is None or path in self.focus

    def sources(self) -> Iterator[Source]:
        """The sources whose problems will be reported (every source, unless files are named)."""
        for source in self.project.sources.values():
            if self.focus is None or source.path in self.focus:
                yield source

    def facts(self) -> Iterator[Fact]:
        """The facts whose problems will be reported (every fact, unless files are named): what a rule
        that reports on facts checks. Whole briefings outside the focus are skipped at once."""
        for briefing in self.project.briefings:
            if self.focus is None or briefing.path in self.focus:
                yield from briefing.facts

    def option(self, option: Option[T]) -> T:
        """The value of one of the rule's declared options: as set in `briefings.toml`, or its default."""
        return cast(T, self.options.get(option.name, option.default))


def quoted_passages(ctx: Context, context_quotes: bool = True) -> Iterable[Passage]:
    """The passages a quote rule checks: every quote, and the context quotes unless told otherwise."""
    return ctx.passages if context_quotes else (p for p in ctx.passages if not p.is_context)

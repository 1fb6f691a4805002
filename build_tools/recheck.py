"""Drift detection: does each source's live page (and its newest archived copy) still say what was quoted?

For each source with a URL, the page is fetched with `archive.fetch` (its hostile-server guards, one
deadline for the whole source) and its text extracted as `briefings archive` does. Each quote is then
looked for with the snapshot matcher (`Snapshot.locate`, `closest_passage`):

- a quote is **present** when its words are on the page, **changed** when the page has a close passage
  (shown with a word diff), **gone** otherwise;
- the source is **live** when every quote is present, **deviated** when the page is the same article but
  changed, **usurped** when the address now serves something else (no quote is left and the text shares
  little with the snapshot, e.g. after a redirect to another article), **dead** when the server answers
  404 or 410, and **unknown** when it cannot be reached.

With a Memento TimeGate (`--timegate` or `[recheck] timegate` in briefings.toml), the newest archived
copy is fetched the same way and its quotes checked too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from build_tools.archive import ArchiveError, Page, extract, fetch
from build_tools.dates import PartialDate, archive_address_date
from build_tools.model import Project, Source
from build_tools.similarity import compare, features
from build_tools.snapshots import Snapshot, closest_passage, normalize, quote_pieces

STATUSES = ("live", "dead", "deviated", "usurped", "unknown")
DEAD_CODES = (404, 410)
SAME_ARTICLE = 0.3  # shingle containment with the snapshot above which a page is still the same article
CLOSE_ENOUGH = 0.5  # share of a quote's words its closest passage must keep to count as changed, not gone
DEADLINE_S = 60.0

Fetch = Callable[[str, float], Page]


@dataclass(frozen=True)
class QuoteCheck:
    quote: str
    status: str  # present, changed or gone
    passage: str | None = None  # the closest passage on the page, when changed
    diff: str | None = None  # word diff from the quote to the passage: [-removed-] {+added+}
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CopyCheck:
    """The newest archived copy, as a Memento TimeGate gave it."""

    url: str
    date: PartialDate | None
    quotes: tuple[QuoteCheck, ...] = ()
    error: str | None = None

    @property
    def all_present(self) -> bool:
        return self.error is None and all(q.status == "present" for q in self.quotes)


@dataclass(frozen=True)
class SourceCheck:
    source: str
    path: str
    url: str
    status: str
    reason: str
    final_url: str | None = None
    quotes: tuple[QuoteCheck, ...] = ()
    archived: CopyCheck | None = None


@dataclass(frozen=True)
class Report:
    checked: dt.date
    sources: tuple[SourceCheck, ...]

    def count(self, status: str) -> int:
        return sum(check.status == status for check in self.sources)


def quotes_of(project: Project, source_id: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each distinct quote cited from the source, with the facts that cite it, in project order."""
    found: dict[str, list[str]] = {}
    for fact in project.facts:
        for citation in fact.citations:
            if citation.source == source_id and citation.quote:
                found.setdefault(citation.quote, []).append(fact.id)
    return [(quote, tuple(dict.fromkeys(facts))) for quote, facts in found.items()]


def recheck(project: Project, snapshot_text: Callable[[Source], str | None], ids: Sequence[str] = (),
            timegate: str = "", deadline_s: float = DEADLINE_S, today: dt.date | None = None,
            fetcher: Fetch = fetch) -> Report:
    """Check the named sources (all with a URL when none are named)."""
    chosen = [project.sources[i] for i in ids] if ids else [s for s in project.sources.values() if s.url]
    checks = tuple(check_source(source, quotes_of(project, source.id), snapshot_text(source), timegate,
                                deadline_s, fetcher) for source in chosen)
    return Report(today or dt.date.today(), checks)


def check_source(source: Source, quotes: Sequence[tuple[str, tuple[str, ...]]], snapshot: str | None,
                 timegate: str = "", deadline_s: float = DEADLINE_S, fetcher: Fetch = fetch) -> SourceCheck:
    """One source against its live page, and its newest archived copy; one deadline for both."""
    started = time.monotonic()
    if not source.url:
        return SourceCheck(source.id, source.path, "", "unknown", "the source has no url")
    live = _check_live(source, source.url, quotes, snapshot, deadline_s, fetcher)
    left = deadline_s - (time.monotonic() - started)
    if timegate and left > 0:
        live = SourceCheck(live.source, live.path, live.url, live.status, live.reason, live.final_url, live.quotes,
                           _check_archived(timegate + source.url, quotes, left, fetcher))
    return live


def _check_live(source: Source, url: str, quotes: Sequence[tuple[str, tuple[str, ...]]], snapshot: str | None,
                deadline_s: float, fetcher: Fetch) -> SourceCheck:
    try:
        page = fetcher(url, deadline_s)
    except ArchiveError as error:
        status = "dead" if error.status in DEAD_CODES else "unknown"
        return SourceCheck(source.id, source.path, url, status, str(error))
    text = _article_text(page)
    checks = tuple(check_quote(text, quote, facts) for quote, facts in quotes)
    moved = f"; redirected to {page.url}" if page.url != url else ""
    if checks and all(check.status == "present" for check in checks):
        return SourceCheck(source.id, source.path, url, "live", f"all {len(checks)} quotes present{moved}", page.url,
                           checks)
    same = any(check.status != "gone" for check in checks) or _similar(text, snapshot)
    counts = ", ".join(f"{n} {status}" for status in ("present", "changed", "gone")
                       if (n := sum(c.status == status for c in checks)))
    if same:
        return SourceCheck(source.id, source.path, url, "deviated", f"{counts or 'the text changed'}{moved}",
                           page.url, checks)
    return SourceCheck(source.id, source.path, url, "usurped", f"another page: {counts or 'nothing quoted'}{moved}",
                       page.url, checks)


def _check_archived(address: str, quotes: Sequence[tuple[str, tuple[str, ...]]], deadline_s: float,
                    fetcher: Fetch) -> CopyCheck:
    try:
        page = fetcher(address, deadline_s)
    except ArchiveError as error:
        return CopyCheck(address, None, error=str(error))
    text = _article_text(page)
    return CopyCheck(page.url, archive_address_date(page.url), tuple(check_quote(text, q, f) for q, f in quotes))


def _article_text(page: Page) -> str:
    try:
        return extract(page.text, page.url).text
    except ArchiveError:
        return ""  # no article on the page: every quote is gone


def _similar(text: str, snapshot: str | None) -> bool:
    if not text or not snapshot:
        return False
    return compare("page", features(text), "snapshot", features(snapshot)).containment >= SAME_ARTICLE


def check_quote(text: str, quote: str, facts: tuple[str, ...] = ()) -> QuoteCheck:
    """Present, changed (with the closest passage and a word diff) or gone, by the snapshot matcher."""
    page = Snapshot("page", Path("page"), text)
    if page.locate(quote) is not None:
        return QuoteCheck(quote, "present", facts=facts)
    closest = closest_passage(page, quote) if text else None
    if closest is None:
        return QuoteCheck(quote, "gone", facts=facts)
    wanted = " ".join(quote_pieces(quote))
    kept = difflib.SequenceMatcher(None, wanted.split(), normalize(closest.passage).split()).ratio()
    if kept < CLOSE_ENOUGH:
        return QuoteCheck(quote, "gone", facts=facts)
    return QuoteCheck(quote, "changed", closest.passage, word_diff(wanted, normalize(closest.passage)), facts)


def word_diff(old: str, new: str) -> str:
    """`old` turned into `new` word by word, as wdiff writes it: [-removed-] {+added+}."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(a[i1:i2])
            continue
        if i2 > i1:
            out.append(f"[-{' '.join(a[i1:i2])}-]")
        if j2 > j1:
            out.append(f"{{+{' '.join(b[j1:j2])}+}}")
    return " ".join(out)


def archive_to_record(check: SourceCheck, source: Source) -> CopyCheck | None:
    """The archived copy worth recording on a source that has none: every quote present in it."""
    copy = check.archived
    if copy is None or not copy.all_present or source.link.archive_url or not copy.quotes:
        return None
    return copy

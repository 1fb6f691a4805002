"""The timeline: an overview page, and one page per year (per month, in parts, when a year is large).

Each period page is a list that wraps on any screen: the date at its precision, the whole fact, who says
so and where, its status and "as of" badges, and the briefing it comes from, with filters by briefing and
by kind (events first). The period pages repeat facts that the briefing pages show, so they are kept out
of the site search; the overview, which repeats nothing, is searchable. No page holds more than
PAGE_LIMIT facts, so a project of any size has pages of a readable size.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial

from build_tools.memo import Memo, Token, replaced
from build_tools.model import Fact
from build_tools.render.charts import MonthCounts, columns_legend, month_columns, vague_note
from build_tools.render.facts import (
    KIND_LABELS,
    KIND_ORDER,
    KIND_PLURALS,
    as_of_badge,
    fact_href,
    html_link,
    kind_label,
    order_key,
    source_links,
    status_badge,
    status_explanation,
    status_value,
)
from build_tools.render.markdown import attribute, front_matter, html_block, html_text, latin1, link, plural, text
from build_tools.render.shared import Site

PAGE_LIMIT = 400  # facts on one period page at most
ROUGH = 13  # the group of a year's facts dated less precisely than a season: listed after December
MAX_MONTH_DAYS = 92  # a date that may mean more days than this is "rough" within its year


@dataclass(frozen=True)
class Period:
    """One timeline page: a year, or a month (or a part of one) of a year too large for one page."""

    key: str  # its file name: '2021', '2021-06', '2021-rough', '2021-06-p2'
    title: str
    year: int
    facts: tuple[Fact, ...]

    @property
    def path(self) -> str:
        return f"timeline/{self.key}.md"


def month_group(fact: Fact) -> int:
    """The month a fact is listed under within its year, or ROUGH when its date is vaguer than a season."""
    assert fact.date is not None
    earliest, latest = fact.date.bounds()
    if earliest is None or latest is None or (latest - earliest).days > MAX_MONTH_DAYS:
        return ROUGH
    return fact.date.anchor().month


def group_title(year: int, group: int) -> str:
    return f"{year}, no more precise date" if group == ROUGH else f"{calendar.month_name[group]} {year}"


def group_anchor(year: int, group: int) -> str:
    return f"y{year}-rough" if group == ROUGH else f"y{year}-{group:02d}"


def periods(facts: Sequence[Fact], limit: int = PAGE_LIMIT) -> list[Period]:
    """The period pages for these facts, in date order."""
    by_year: dict[int, list[Fact]] = defaultdict(list)
    for fact in sorted((f for f in facts if f.date), key=order_key):
        assert fact.date is not None
        by_year[fact.date.year].append(fact)
    found: list[Period] = []
    for year, items in sorted(by_year.items()):
        if len(items) <= limit:
            found.append(Period(str(year), str(year), year, tuple(items)))
            continue
        for group, members in sorted(_groups(items).items()):
            found.extend(_parts(year, group, members, limit))
    return found


def _groups(facts: Sequence[Fact]) -> dict[int, list[Fact]]:
    groups: dict[int, list[Fact]] = defaultdict(list)
    for fact in facts:
        groups[month_group(fact)].append(fact)
    return groups


def _parts(year: int, group: int, facts: Sequence[Fact], limit: int) -> Iterator[Period]:
    key = f"{year}-rough" if group == ROUGH else f"{year}-{group:02d}"
    title = group_title(year, group)
    count = -(-len(facts) // limit)
    for index in range(count):
        chunk = tuple(facts[index * limit:(index + 1) * limit])
        if count == 1:
            yield Period(key, title, year, chunk)
        else:
            yield Period(f"{key}-p{index + 1}", f"{title} (part {index + 1} of {count})", year, chunk)


def timeline_plan(site: Callable[[], Site], facts: Sequence[Fact], sources: Token, memo: Memo | None = None,
                  settings: Hashable = ()) -> dict[str, Callable[[], str]]:
    """The overview (`timeline.md`) and every period page (`timeline/<period>.md`) of the dated `facts`, each with
    how to make it: nothing is rendered until asked (`site()` gives what the pages share, made once when first
    needed).

    With a `memo` from the previous generation, a page is taken from it when what it reads is the same: for a
    period, its facts, the sources and the facts their statuses name (the very same objects), its neighbours'
    titles and the titles of its facts' briefings; for the overview, each period's title and its facts' dates
    and kinds. `sources`: the memo's token for the project's sources; `settings`: what every page reads besides
    (the links' form, say)."""
    memo = memo or Memo(keep=False)
    timeline = memo.get("timeline-periods", (), Periods)  # kept by a long-lived session, made afresh otherwise
    found = timeline.update(facts)
    plan: dict[str, Callable[[], str]] = {"timeline.md": partial(_overview_page, site, facts, found, timeline.shape,
                                                                 memo, settings)}
    for index, period in enumerate(found):
        neighbours = (found[index - 1] if index else None, found[index + 1] if index + 1 < len(found) else None)
        plan[period.path] = partial(_period_page, site, period, neighbours, sources, memo, settings)
    return plan


def _overview_page(site: Callable[[], Site], facts: Sequence[Fact], found: Sequence[Period], shape: object,
                   memo: Memo, settings: Hashable) -> str:
    """`shape` (`Periods.shape`): the same object while each period's key and title and its facts' dates and kinds
    are the same."""
    return memo.get("timeline", (shape,), lambda: render_overview(site(), facts, found), settings)


def _period_page(site_of: Callable[[], Site], period: Period, neighbours: tuple[Period | None, Period | None],
                 sources: Token, memo: Memo, settings: Hashable) -> str:
    site = site_of()
    targets = tuple(site.facts.get(other) for fact in period.facts if fact.status for other in fact.status.by)
    titles = tuple((b, site.titles.get(b, b)) for b in dict.fromkeys(f.briefing for f in period.facts))
    values = (settings, period.key, period.title, tuple((n.key, n.title) if n else None for n in neighbours), titles)
    return memo.get("period", (*period.facts, sources, *targets), partial(render_period, site, period, neighbours),
                    values)


class Periods:
    """The period pages of the dated facts, kept from one generation to the next by a long-lived session: when the
    facts are those of last time but for some replaced by facts that sort and group the same (a fact's text
    edited, say), the periods are last time's with those facts replaced, instead of 100,000 facts sorted again.
    `shape`: each period's key and title and its facts' dates and kinds, the same object while they are the same."""

    def __init__(self) -> None:
        self.facts: Sequence[Fact] = ()
        self.found: list[Period] = []
        self.where: dict[int, int] = {}  # id of a fact of `facts` → the index of its period in `found`
        self.shape: tuple[object, ...] = ()

    def update(self, facts: Sequence[Fact]) -> list[Period]:
        pairs = replaced(self.facts, facts)
        if pairs is None or not all(_sorts_the_same(old, new) for old, new in pairs):
            self.found = periods(facts)
            self.where = {id(fact): index for index, period in enumerate(self.found) for fact in period.facts}
            self.shape = tuple((p.key, p.title, tuple((f.date, f.kind) for f in p.facts)) for p in self.found)
        else:
            now = {id(old): new for old, new in pairs}
            for index in {self.where[id(old)] for old, _ in pairs}:
                period = self.found[index]
                self.found[index] = replace(period, facts=tuple(now.get(id(fact), fact) for fact in period.facts))
            for old, new in pairs:
                self.where[id(new)] = self.where.pop(id(old))
        self.facts = facts
        return list(self.found)


def _sorts_the_same(old: Fact, new: Fact) -> bool:
    """Whether `new` takes `old`'s place in the timeline: the same order, month group and shape."""
    return (order_key(old) == order_key(new) and month_group(old) == month_group(new) and old.date == new.date
            and old.kind == new.kind)


# --- the overview ----------------------------------------------------------------------------------

def render_overview(site: Site, facts: Sequence[Fact], found: Sequence[Period]) -> str:
    years = sorted({p.year for p in found})
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]) if years else ""
    parts = [front_matter(title="Timeline", description="Every dated fact of the briefings, by year."),
             "# Timeline"]
    if not facts:
        return "\n\n".join([*parts, "No fact has a date yet."]) + "\n"
    parts.append(f"{plural(len(facts), 'dated fact')} from the briefings, {span}, one page per year. Each column "
                 "counts the facts dated to a day or a month of that month; facts the sources date only roughly "
                 "(a year, a season, a range) are counted apart, never drawn as if they lasted that long. "
                 "Select a year or a month to read its facts, with who says so, their status and where each "
                 "comes from.")
    parts.append(html_block(_overview_chart(site, found)))
    parts.append(_period_list(site, found))
    return "\n\n".join(parts) + "\n"


def _overview_chart(site: Site, found: Sequence[Period]) -> str:
    by_year: dict[int, list[Fact]] = defaultdict(list)
    first_page: dict[int, Period] = {}
    for period in found:
        by_year[period.year].extend(period.facts)
        first_page.setdefault(period.year, period)
    counts = {year: MonthCounts.of(year, items) for year, items in by_year.items()}
    month_pages = {(p.year, month_group(f)): p for p in reversed(found) for f in p.facts}
    top = max((max(c.precise) for c in counts.values()), default=1)
    header = ('<span class="sb-ov-year"></span><span class="sb-months sb-month-names" aria-hidden="true">'
              + "".join(f"<span>{calendar.month_abbr[m]}</span>" for m in range(1, 13)) + "</span>")
    rows = [f'<div class="sb-ov-row sb-ov-head">{header}</div>']
    for year, count in sorted(counts.items()):
        year_href = site.page_url(first_page[year].path.removesuffix(".md"), 0)
        rows.append(
            f'<div class="sb-ov-row"><a class="sb-ov-year" href="{year_href}">{year}</a>'
            + month_columns(count, top, partial(_month_href, site, month_pages, year), labelled=False)
            + f'<span class="sb-ov-count">{html_text(plural(count.total, "fact"))}'
            + (f" {vague_note(count)}" if count.vague else "") + "</span></div>")
    return (columns_legend() + '\n<div class="sb-overview" data-search-exclude role="group" '
            'aria-label="Facts by month and year">' + "".join(rows) + "</div>")


def _month_href(site: Site, pages: dict[tuple[int, int], Period], year: int, month: int) -> str:
    """The overview's link to where a month's facts are listed (the first page that lists them)."""
    period = pages.get((year, month))
    if period is None:
        return ""
    return site.page_url(period.path.removesuffix(".md"), 0) + f"#{group_anchor(year, month)}"


def _period_list(site: Site, found: Sequence[Period]) -> str:
    lines = []
    for period in found:
        kinds: dict[str, int] = defaultdict(int)
        for fact in period.facts:
            kinds[fact.kind] += 1
        detail = ", ".join(plural(n, KIND_LABELS.get(k, k).lower(), KIND_PLURALS.get(k, "")) for k, n in
                           sorted(kinds.items(), key=lambda item: KIND_ORDER.get(item[0], 9)))
        page = site.html_link(period.title, period.path.removesuffix(".md"), 0)
        lines.append(f"- {page}: {plural(len(period.facts), 'fact')} ({text(detail)})")
    return "\n".join(lines)


# --- a period ------------------------------------------------------------------------------------

def render_period(site: Site, period: Period, neighbours: tuple[Period | None, Period | None]) -> str:
    parts = [
        front_matter(title=f"Timeline: {period.title}", search_exclude=True,
                     description=f"Every dated fact of {period.title}."),
        f"# Timeline: {text(period.title)}",
        _period_nav(site, neighbours),
        f"{plural(len(period.facts), 'fact')}, in date order, events first on the same date; those the sources date "
        "only roughly come last. Each shows who says "
        "so and where, and its status: [current](../method.md#current), [superseded](../method.md#superseded) "
        "by a later fact, or [disputed](../method.md#disputed).",
        html_block(_filters(site, period)),
        html_block(_period_chart(site, period)),
    ]
    for group, facts in sorted(_groups(period.facts).items()):
        parts.append(f"## {text(group_title(period.year, group))} {{ #{group_anchor(period.year, group)} }}")
        parts.append(_items(site, facts))
    return latin1("\n\n".join(p for p in parts if p) + "\n")


def _period_nav(site: Site, neighbours: tuple[Period | None, Period | None]) -> str:
    previous, following = neighbours
    items = [site.html_link("All years", "timeline", 1)]
    if previous:
        items.insert(0, link(f"← {previous.title}", f"{previous.key}.md"))
    if following:
        items.append(link(f"{following.title} →", f"{following.key}.md"))
    return " · ".join(items) + "\n{: .sb-period-nav }"


def _period_chart(site: Site, period: Period) -> str:
    counts = MonthCounts.of(period.year, list(period.facts))
    present = {month_group(f) for f in period.facts}
    top = max(counts.precise) or 1
    columns = month_columns(counts, top, lambda m: f"#{group_anchor(period.year, m)}" if m in present else "",
                            labelled=True)
    rough = vague_note(counts, f"#{group_anchor(period.year, ROUGH)}" if ROUGH in present else "")
    label = html_text(f"Facts by month, {period.title}")
    return (columns_legend() + f'\n<div class="sb-year-chart" role="group" aria-label="{label}">{columns}'
            + (f'<p class="sb-year-rough">{rough}</p>' if rough else "") + "</div>")


def _filters(site: Site, period: Period) -> str:
    """Filters by briefing and by kind: hidden until the page's script shows them (without it, all facts show)."""
    titles = site.titles
    present = list(dict.fromkeys(f.briefing for f in period.facts))
    briefings = "".join(f'<option value="{html_text(b)}">{html_text(titles.get(b, b))}</option>' for b in present)
    kinds_present = sorted({f.kind for f in period.facts}, key=lambda k: KIND_ORDER.get(k, 9))
    kinds = "".join(f'<option value="{html_text(k)}">{html_text(KIND_LABELS.get(k, k))}</option>'
                    for k in kinds_present)
    return ('<form class="sb-filters" hidden aria-label="Filter the facts">'
            '<label>Briefing <select data-filter="briefing"><option value="">All briefings</option>'
            f"{briefings}</select></label>"
            '<label>Kind <select data-filter="kind"><option value="">All kinds, events first</option>'
            f"{kinds}</select></label>"
            '<output class="sb-filter-count" aria-live="polite"></output></form>')


def _items(site: Site, facts: Sequence[Fact]) -> str:
    """A month's facts: a list, in raw HTML."""
    return html_block("<ul>", *(_item(site, fact) for fact in facts), "</ul>")


def _item(site: Site, fact: Fact) -> str:
    assert fact.date is not None
    briefing = site.titles.get(fact.briefing, fact.briefing)
    who = (f"Who says so: {text(fact.said_by)}, in {source_links(site, fact, 1)}" if fact.said_by
           else f"Reported by {source_links(site, fact, 1)}")
    status = status_explanation(site, fact, 1, "") or status_badge(site, fact, 1)
    badges = " · ".join(p for p in (status, as_of_badge(site, fact, 1)) if p)
    data = (f'data-briefing="{attribute(fact.briefing)}" data-fact="{attribute(fact.id)}" '
            f'data-kind="{attribute(fact.kind)}" data-status="{status_value(fact)}" id="{_item_anchor(fact)}"')
    return (f'<li class="sb-item" {data}><strong class="sb-when">{text(fact.date.display())}</strong> · '
            f"{text(kind_label(fact))}<br />\n{text(fact.text)}<br />\n{who} · {badges}<br />\n"
            f"In {html_link(briefing, fact_href(site, fact, 1))}</li>")


def _item_anchor(fact: Fact) -> str:
    return f"t-{fact.id}"


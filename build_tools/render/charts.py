"""Charts drawn at build time: no JavaScript, no external requests, legible on a phone.

- Text is never scaled with the drawing. SVG charts have no `viewBox`: they are as wide as the page, marks
  are placed in percentages of that width, and text keeps its CSS size (13 px) at any width. Charts made
  of bars are plain HTML, so their labels wrap like any text.
- A precise date (a day, a month) is a solid mark; a vague one (a year, a season, a range, an approximate
  date) is a hatched band with an outline, thinner and below the solid marks: somewhere within it, never an
  event that lasted that long. Every chart has a one-line legend in HTML above it.
- Colours come from CSS classes (docs/stylesheets/briefings.css), so light and dark schemes both apply;
  the browser tests check their contrast. Text is HTML-escaped here, once.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from build_tools.dates import EdtfDate
from build_tools.model import Fact

# Lanes are packed for the narrowest screen we design for: marks closer than this on a 320 px wide chart
# go in separate lanes, so they never overlap at any width.
NARROW_PX = 320
DOT_R = 6
SOLID_HEIGHT = 12
VAGUE_HEIGHT = 8
LANE = 18
LABEL_LANE = 18
AXIS_HEIGHT = 24
CHAR_PX = 7.2  # the width of an average character of 13 px text, to keep labels apart
MAX_YEAR_LABELS = 6  # at most this many year labels fit a phone; more years are labelled every n-th


@dataclass(frozen=True)
class Scale:
    """Days to a percentage of the chart's width, over whole years."""

    start: dt.date
    end: dt.date

    @classmethod
    def years(cls, dates: Sequence[EdtfDate]) -> Scale:
        """Whole years from the first to the last day any of the dates may mean (open ends aside)."""
        days = [day for date in dates for day in date.bounds() if day is not None]
        return cls(dt.date(min(d.year for d in days), 1, 1), dt.date(max(d.year for d in days) + 1, 1, 1))

    def x(self, day: dt.date) -> float:
        """Percent of the width, 0 to 100."""
        return (day - self.start).days / (self.end - self.start).days * 100

    def span(self, date: EdtfDate) -> tuple[float, float]:
        """From the earliest to the day after the latest day a date may mean; an open end reaches the edge."""
        earliest, latest = date.bounds()
        left = self.x(earliest) if earliest else 0.0
        right = self.x(latest + dt.timedelta(days=1)) if latest else 100.0
        return max(left, 0.0), min(right, 100.0)


def is_precise(date: EdtfDate) -> bool:
    """A day or a month as stated (no season, range or qualifier): drawn solid."""
    return date.exact and date.precision in ("day", "month")


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def _px_to_pct(px: float) -> float:
    return px / NARROW_PX * 100


class _Lanes:
    """Greedy lane packing: each item goes in the first lane where it clears the previous item."""

    def __init__(self, gap: float) -> None:
        self.ends: list[float] = []
        self.gap = gap

    def place(self, left: float, right: float) -> int:
        for lane, end in enumerate(self.ends):
            if left >= end + self.gap:
                self.ends[lane] = right
                return lane
        self.ends.append(right)
        return len(self.ends) - 1


def legend(chart_id: str, vague: bool = True) -> str:
    """The chart's one-line legend, in HTML (it wraps on a phone): what a dot, a bar and a hatched band mean."""
    items = [f'<span class="sb-key"><svg class="sb-swatch" width="14" height="14" aria-hidden="true">'
             f'<circle class="sb-day" cx="7" cy="7" r="{DOT_R}"/></svg>a day</span>',
             '<span class="sb-key"><svg class="sb-swatch" width="22" height="14" aria-hidden="true">'
             f'<rect class="sb-month" x="1" y="1" width="20" height="{SOLID_HEIGHT}" rx="2"/></svg>a month</span>']
    if vague:
        items.append('<span class="sb-key"><svg class="sb-swatch" width="30" height="14" aria-hidden="true">'
                     f'{_hatch_pattern(f"{chart_id}-key")}'
                     f'<rect class="sb-vague" x="1" y="3" width="28" height="{VAGUE_HEIGHT}" '
                     f'fill="url(#{chart_id}-key-hatch)"/></svg>'
                     'only roughly: a year, a season or a range (somewhere within it, not an event that long)</span>')
    return f'<p class="sb-legend" data-search-exclude id="{chart_id}-legend">' + " ".join(items) + "</p>"


def columns_legend() -> str:
    """The legend of the month columns: what a column counts, and what the hatched band says."""
    return ('<p class="sb-legend" data-search-exclude><span class="sb-key"><svg class="sb-swatch" width="10" '
            'height="14" aria-hidden="true"><rect class="sb-month" x="1" y="1" width="8" height="12"/></svg>'
            'facts dated to a day or a month, per month</span> <span class="sb-key">'
            '<span class="sb-vague-band" aria-hidden="true"></span>'
            'facts dated only roughly (a year, a season, a range), counted apart</span></p>')


def _hatch_pattern(pattern_id: str) -> str:
    return (f'<defs><pattern id="{pattern_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><line class="sb-hatch" x1="0" y1="0" x2="0" y2="6"/></pattern></defs>')


@dataclass(frozen=True)
class Mark:
    """One fact on a strip: where it links, its hover text, and a label when it matters."""

    fact: Fact
    href: str
    label: str = ""  # shown above the mark (a short answer, say); empty for none


def strip_svg(marks: Sequence[Mark], chart_id: str, title: str) -> str:
    """Facts on one time axis, in lanes: solid marks for precise dates above hatched bands for vague ones,
    labelled marks named above them, years along the bottom. Each mark links to its fact."""
    dated = [m for m in marks if m.fact.date]
    if not dated:
        return ""
    scale = Scale.years([m.fact.date for m in dated if m.fact.date])
    precise = [m for m in dated if m.fact.date and is_precise(m.fact.date)]
    vague = [m for m in dated if m.fact.date and not is_precise(m.fact.date)]
    labels = _label_rows(scale, [m for m in dated if m.label])
    label_lanes = max((lane for _, lane, _ in labels), default=-1) + 1
    top = 8 + label_lanes * LABEL_LANE
    body: list[str] = [_hatch_pattern(chart_id)]
    solid_lanes = _Lanes(_px_to_pct(2 * DOT_R + 3))
    placed: dict[str, tuple[float, float]] = {}
    for mark in sorted(precise, key=lambda m: _order(m.fact)):
        assert mark.fact.date is not None
        left, right = scale.span(mark.fact.date)
        y = top + solid_lanes.place(left, max(right, left + _px_to_pct(2 * DOT_R))) * LANE + LANE / 2
        placed[mark.fact.id] = (left, y)
        body.append(_link(mark, _solid(mark.fact.date, left, right, y)))
    vague_top = top + len(solid_lanes.ends) * LANE
    vague_lanes = _Lanes(_px_to_pct(4))
    for mark in sorted(vague, key=lambda m: _order(m.fact)):
        assert mark.fact.date is not None
        left, right = scale.span(mark.fact.date)
        y = vague_top + vague_lanes.place(left, right) * (VAGUE_HEIGHT + 6) + VAGUE_HEIGHT / 2 + 3
        placed[mark.fact.id] = (left, y)
        body.append(_link(mark, _band(mark.fact.date, left, right, y, chart_id)))
    axis = vague_top + len(vague_lanes.ends) * (VAGUE_HEIGHT + 6) + 8
    body = _axis(scale, 4, axis) + body + _labels(labels, placed)
    height = axis + AXIS_HEIGHT
    return _svg(chart_id, height, title, body)


def _order(fact: Fact) -> tuple[object, ...]:
    assert fact.date is not None
    return (fact.date.sort_key(), fact.id)


def _link(mark: Mark, drawing: str) -> str:
    fact = mark.fact
    assert fact.date is not None
    full = escape(f"{fact.date.display()}: {fact.text}")
    return (f'<a class="sb-mark" href="{escape(mark.href)}" data-fact="{escape(fact.id)}"><title>{full}</title>'
            f"{drawing}</a>")


def _solid(date: EdtfDate, left: float, right: float, y: float) -> str:
    if date.precision == "day":
        return f'<circle class="sb-day" cx="{_pct(left)}" cy="{y:.0f}" r="{DOT_R}"/>'
    width = max(right - left, 0.6)
    return (f'<rect class="sb-month" x="{_pct(left)}" y="{y - SOLID_HEIGHT / 2:.0f}" width="{_pct(width)}" '
            f'height="{SOLID_HEIGHT}" rx="2"/>')


def _band(date: EdtfDate, left: float, right: float, y: float, chart_id: str) -> str:
    """A hatched band with an outline; an open end has no edge on its side."""
    width = max(right - left, 0.6)
    return (f'<rect class="sb-vague" x="{_pct(left)}" y="{y - VAGUE_HEIGHT / 2:.0f}" width="{_pct(width)}" '
            f'height="{VAGUE_HEIGHT}" fill="url(#{chart_id}-hatch)"/>')


def _axis(scale: Scale, top: float, axis: float) -> list[str]:
    """A thin rule per year, from the top of the chart to the axis, and the years below it."""
    years = range(scale.start.year, scale.end.year)
    every = math.ceil(len(years) / MAX_YEAR_LABELS)
    parts = [f'<line class="sb-axis" x1="0%" y1="{axis:.0f}" x2="100%" y2="{axis:.0f}"/>']
    for index, year in enumerate(years):
        x = scale.x(dt.date(year, 1, 1))
        parts.append(f'<line class="sb-grid" x1="{_pct(x)}" y1="{top:.0f}" x2="{_pct(x)}" y2="{axis + 4:.0f}"/>')
        if index % every == 0:
            parts.append(f'<text class="sb-year" x="{_pct(x)}" dx="4" y="{axis + 18:.0f}">{year}</text>')
    return parts


def _label_rows(scale: Scale, marks: Sequence[Mark]) -> list[tuple[Mark, int, tuple[float, str]]]:
    """Each labelled mark, its label lane (labels that would touch on a narrow screen take separate lanes),
    and where its text goes: (x, text-anchor)."""
    lanes = _Lanes(_px_to_pct(8))
    rows = []
    for mark in sorted(marks, key=lambda m: _order(m.fact)):
        assert mark.fact.date is not None
        x = scale.span(mark.fact.date)[0]
        width = _px_to_pct(len(mark.label) * CHAR_PX)
        anchor = "start" if x + width <= 100 else "end"
        left, right = (x, x + width) if anchor == "start" else (x - width, x)
        rows.append((mark, lanes.place(left, right), (x, anchor)))
    return rows


def _labels(rows: Sequence[tuple[Mark, int, tuple[float, str]]], placed: dict[str, tuple[float, float]]) -> list[str]:
    parts = []
    for mark, lane, (x, anchor) in rows:
        y = 8 + lane * LABEL_LANE + 13
        mark_y = placed[mark.fact.id][1]
        parts.append(f'<line class="sb-leader" x1="{_pct(x)}" y1="{y + 3}" x2="{_pct(x)}" y2="{mark_y - DOT_R:.0f}"/>'
                     f'<text class="sb-label" x="{_pct(x)}" y="{y}" text-anchor="{anchor}">{escape(mark.label)}</text>')
    return parts


def _svg(chart_id: str, height: float, title: str, body: list[str]) -> str:
    return (f'<div class="sb-chart" data-search-exclude><svg xmlns="http://www.w3.org/2000/svg" class="sb-strip" '
            f'width="100%" height="{height:.0f}" role="group" aria-labelledby="{chart_id}-title" '
            f'aria-describedby="{chart_id}-legend">'
            f'<title id="{chart_id}-title">{escape(title)}</title>' + "".join(body) + "</svg></div>")


# --- HTML charts -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str = ""  # where the label links, when anywhere
    note: str = ""  # after the value: "(rewrite)"


def bar_list(bars: Sequence[Bar], unit: tuple[str, str], label: str) -> str:
    """Horizontal bars as an HTML list: the label on its own line (it wraps), the bar and its value below."""
    if not bars:
        return ""
    top = max(b.value for b in bars) or 1
    items = []
    for bar in bars:
        name = (f'<a href="{escape(bar.href)}">{escape(bar.label)}</a>' if bar.href else escape(bar.label))
        value = f"{bar.value} {unit[0] if bar.value == 1 else unit[1]}" + (f" {escape(bar.note)}" if bar.note else "")
        items.append(f'<li><span class="sb-bar-label">{name}</span><span class="sb-bar-row">'
                     f'<span class="sb-bar" style="width: {bar.value / top * 80:.1f}%"></span>'
                     f'<span class="sb-bar-value">{value}</span></span></li>')
    return f'<ul class="sb-bars" data-search-exclude aria-label="{escape(label)}">' + "".join(items) + "</ul>"


@dataclass(frozen=True)
class MonthCounts:
    """How many facts fall in each month of a year: precise ones by month, vague ones counted apart."""

    year: int
    precise: tuple[int, ...]  # 12 counts
    vague: int

    @classmethod
    def of(cls, year: int, facts: Sequence[Fact]) -> MonthCounts:
        counts = [0] * 12
        vague = 0
        for fact in facts:
            if fact.date is None:
                continue
            if fact.date.month is not None and fact.date.precision in ("day", "month"):
                counts[fact.date.month - 1] += 1
            else:
                vague += 1
        return cls(year, tuple(counts), vague)

    @property
    def total(self) -> int:
        return sum(self.precise) + self.vague


COLUMN_PX = 48  # the tallest column


def month_columns(counts: MonthCounts, top: int, href: Callable[[int], str], labelled: bool) -> str:
    """Twelve columns, one per month, as tall as its count of facts dated to that month or day (`top` is the
    tallest count on the chart), the count above; each links to `href(month)`. `labelled` also writes each
    month's name under its column (the year pages); the overview names the months once, above its rows."""
    columns = []
    for month, count in enumerate(counts.precise, start=1):
        height = 0 if count == 0 else max(count / max(top, 1) * COLUMN_PX, 3)
        # The link's text names the month and the count ("Jan 2021: 3 facts"); the name shows under the
        # column on a year page, and is for screen readers only on the overview; the count sits on its bar.
        name_class = "sb-col-month" if labelled else "sb-visually-hidden"
        inner = (f'<span class="{name_class}">{calendar.month_abbr[month]}</span>'
                 f'<span class="sb-visually-hidden"> {counts.year}: </span>'
                 f'<span class="sb-col-box"><span class="sb-col-count">{count or ""}</span>'
                 f'<span class="sb-col" style="height: {height:.0f}px"></span></span>'
                 f'<span class="sb-visually-hidden">{_facts_word(count)}</span>')
        if count:
            columns.append(f'<a class="sb-month-col" href="{escape(href(month))}">{inner}</a>')
        else:
            columns.append(f'<span class="sb-month-col">{inner}</span>')
    return f'<span class="sb-months{" sb-months-labelled" if labelled else ""}">' + "".join(columns) + "</span>"


def _facts_word(count: int) -> str:
    return "no facts" if count == 0 else " fact" if count == 1 else " facts"


def vague_note(counts: MonthCounts, href: str = "") -> str:
    """The facts of the year dated only roughly, as a hatched band that says how many: never a bar."""
    if not counts.vague:
        return ""
    words = f"{counts.vague} dated only roughly" if counts.vague != 1 else "1 dated only roughly"
    inner = f'<span class="sb-vague-band" aria-hidden="true"></span><span>{words}</span>'
    return (f'<a class="sb-vague-note" href="{escape(href)}">{inner}</a>' if href
            else f'<span class="sb-vague-note">{inner}</span>')

"""Static SVG charts drawn at build time: no JavaScript, no external requests.

Every chart has a <title> and <desc>, marks link to the facts they stand for,
and colours come from CSS classes (docs/stylesheets/briefings.css) so light and
dark palettes both apply. Text is HTML-escaped here, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from build_tools.dates import PartialDate
from build_tools.model import Fact

WIDTH = 960
ROW = 22
YEAR_ROW = 30
DATE_RIGHT = 112
AXIS_LEFT, AXIS_RIGHT = 122, 440
TEXT_LEFT = 452
TEXT_CHARS = 80


@dataclass(frozen=True)
class Scale:
    start: dt.date
    end: dt.date
    left: float
    right: float

    @classmethod
    def years(cls, dates: Sequence[PartialDate], left: float, right: float) -> Scale:
        first = min(d.year for d in dates)
        last = max(d.year for d in dates)
        return cls(dt.date(first, 1, 1), dt.date(last + 1, 1, 1), left, right)

    def x(self, day: dt.date) -> float:
        span = (self.end - self.start).days
        return round(self.left + (day - self.start).days / span * (self.right - self.left), 1)

    def span(self, date: PartialDate) -> tuple[float, float]:
        """Where a date is drawn: a point for a day, a band for a month or a year."""
        start = self.x(date.first_day())
        if date.precision == "day":
            return start, start
        return start, self.x(date.last_day() + dt.timedelta(days=1))


def _mark(scale: Scale, date: PartialDate, y: float, height: float = 10) -> str:
    left, right = scale.span(date)
    if date.precision == "day":
        return f'<circle class="tl-day" cx="{left}" cy="{y}" r="5"/>'
    css = "tl-month" if date.precision == "month" else "tl-year"
    return (f'<rect class="{css}" x="{left}" y="{y - height / 2}" width="{max(right - left, 3):.1f}" '
            f'height="{height}" rx="2"/>')


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _year_grid(scale: Scale, top: float, bottom: float) -> list[str]:
    lines = []
    for year in range(scale.start.year, scale.end.year + 1):
        x = scale.x(dt.date(year, 1, 1))
        lines.append(f'<line class="tl-grid" x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/>')
        if year < scale.end.year:
            label_x = (x + scale.x(dt.date(year + 1, 1, 1))) / 2
            lines.append(f'<text class="tl-axis" x="{label_x}" y="{top - 6}" text-anchor="middle">{year}</text>')
    return lines


Row = Callable[[Fact, "Scale", float, str], str]


def timeline_svg(facts: Sequence[Fact], href: Callable[[Fact], str], chart_id: str = "timeline",
                 row: Row | None = None) -> str:
    """Every fact a row, in date order and grouped by year: date, mark on a shared axis, text.
    `row` draws one row (by default `timeline_row`; the caller may memoise it)."""
    row = row or timeline_row
    dated = sorted((f for f in facts if f.date), key=timeline_order)
    if not dated:
        return ""
    scale = Scale.years([f.date for f in dated if f.date], AXIS_LEFT, AXIS_RIGHT)
    body: list[str] = []
    y = 34.0
    year = None
    for fact in dated:
        assert fact.date is not None
        if fact.date.year != year:
            year = fact.date.year
            y += YEAR_ROW - ROW
            body.append(f'<text class="tl-year-label" x="0" y="{y}">{year}</text>')
            body.append(f'<line class="tl-rule" x1="0" y1="{y + 6}" x2="{WIDTH}" y2="{y + 6}"/>')
            y += ROW
        body.append(row(fact, scale, y, href(fact)))
        y += ROW
    height = y
    grid = _year_grid(scale, 22, height - ROW / 2)
    title = f"Timeline of {len(dated)} dated facts, {scale.start.year}–{scale.end.year - 1}"
    desc = ("Each row is a fact: a dot marks a day, a band a month or a whole year. "
            "The table below lists the same facts.")
    return _svg(chart_id, height, title, desc, grid + body).replace('class="tl"', 'class="tl tl-full"', 1)


def timeline_row(fact: Fact, scale: Scale, y: float, link: str) -> str:
    assert fact.date is not None
    label = escape(fact.date.display())
    full = escape(f"{fact.date.display()}: {fact.text}")
    return (f'<a class="tl-row" href="{escape(link)}" data-fact="{escape(fact.id)}"><title>{full}</title>'
            f'<text class="tl-date" x="{DATE_RIGHT}" y="{y + 4}" text-anchor="end">{label}</text>'
            f"{_mark(scale, fact.date, y)}"
            f'<text class="tl-text" x="{TEXT_LEFT}" y="{y + 4}">{escape(_clip(fact.text, TEXT_CHARS))}</text></a>')


def timeline_order(fact: Fact) -> tuple[dt.date, int, str]:
    assert fact.date is not None
    precision = {"day": 0, "month": 1, "year": 2}[fact.date.precision]
    return (fact.date.first_day(), precision, fact.id)


def strip_svg(facts: Sequence[Fact], chart_id: str) -> str:
    """A compact timeline for one briefing: marks in lanes on one axis, each linking to its fact."""
    dated = sorted((f for f in facts if f.date), key=timeline_order)
    if not dated:
        return ""
    scale = Scale.years([f.date for f in dated if f.date], 10, WIDTH - 10)
    lanes: list[float] = []
    marks = []
    for fact in dated:
        assert fact.date is not None
        left, right = scale.span(fact.date)
        lane = next((i for i, end in enumerate(lanes) if end + 8 < left), len(lanes))
        if lane == len(lanes):
            lanes.append(right)
        lanes[lane] = max(right, left + 6)
        y = 34 + lane * 14
        full = escape(f"{fact.date.display()}: {fact.text}")
        marks.append(f'<a class="tl-row" href="#fact-{escape(fact.id)}" data-fact="{escape(fact.id)}">'
                     f"<title>{full}</title>{_mark(scale, fact.date, y, 8)}</a>")
    height = 34 + len(lanes) * 14 + 6
    title = f"Timeline of this briefing's {len(dated)} facts"
    desc = "Dots are days, bands are months or years; each mark links to its fact."
    return _svg(chart_id, height, title, desc, _year_grid(scale, 22, height - 4) + marks)


def _svg(chart_id: str, height: float, title: str, desc: str, body: list[str]) -> str:
    return (f'<div class="briefings-chart"><svg xmlns="http://www.w3.org/2000/svg" class="tl" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" role="group" aria-labelledby="{chart_id}-title" '
            f'aria-describedby="{chart_id}-desc">'
            f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
            + "".join(body) + "</svg></div>")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    note: str


def bar_chart(bars: Sequence[Bar], chart_id: str, title: str, desc: str, unit: str) -> str:
    """Horizontal bars, one per row, with the label before and the value after each bar."""
    if not bars:
        return ""
    top = max(b.value for b in bars) or 1
    rows = []
    for index, bar in enumerate(bars):
        y = 10 + index * ROW
        width = round(bar.value / top * 270, 1)
        note = f" {escape(bar.note)}" if bar.note else ""
        rows.append(f'<text class="bar-label" x="540" y="{y + 12}" text-anchor="end">{escape(bar.label)}</text>'
                    f'<rect class="bar" x="550" y="{y + 2}" width="{max(width, 2)}" height="14" rx="2"/>'
                    f'<text class="bar-value" x="{556 + width}" y="{y + 13}">{bar.value} {unit}{note}</text>')
    height = 14 + len(bars) * ROW
    return _svg(chart_id, height, title, desc, rows).replace('class="tl"', 'class="bars"')

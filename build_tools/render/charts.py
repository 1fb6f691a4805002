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

from build_tools.dates import EdtfDate
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
    def years(cls, dates: Sequence[EdtfDate], left: float, right: float) -> Scale:
        """Whole years from the first to the last day any of the dates may mean (open ends aside)."""
        days = [day for date in dates for day in date.bounds() if day is not None]
        return cls(dt.date(min(d.year for d in days), 1, 1), dt.date(max(d.year for d in days) + 1, 1, 1), left, right)

    def x(self, day: dt.date) -> float:
        span = (self.end - self.start).days
        return round(self.left + (day - self.start).days / span * (self.right - self.left), 1)

    def span(self, date: EdtfDate) -> tuple[float, float]:
        """Where a date is drawn: a point for a day, a band from its earliest to its latest possible
        day otherwise; an open end reaches the edge of the axis."""
        earliest, latest = date.bounds()
        left = self.x(earliest) if earliest else self.left
        if date.precision == "day" and not date.qualifier:
            return left, left
        right = self.x(latest + dt.timedelta(days=1)) if latest else self.right
        return left, right


def _mark(scale: Scale, date: EdtfDate, y: float, height: float = 10) -> str:
    """A dot for a day, a solid band for a whole month or year; anything known only roughly (a season,
    an interval, an approximate or uncertain date) a pale band with a dashed outline, open on the side
    of an open end: a range the fact falls somewhere in, not an event that lasted that long."""
    left, right = scale.span(date)
    if date.exact:
        if date.precision == "day":
            return f'<circle class="tl-day" cx="{left}" cy="{y}" r="5"/>'
        css = "tl-month" if date.precision == "month" else "tl-year"
        return (f'<rect class="{css}" x="{left}" y="{y - height / 2}" width="{max(right - left, 3):.1f}" '
                f'height="{height}" rx="2"/>')
    if date.precision == "day":  # an approximate or uncertain day: a hollow dot
        return f'<circle class="tl-day tl-rough" cx="{(left + right) / 2:.1f}" cy="{y}" r="4.5"/>'
    right = max(right, left + 3)
    top, bottom = y - height / 2, y + height / 2
    fill = f'<rect class="tl-range-fill" x="{left}" y="{top}" width="{right - left:.1f}" height="{height}"/>'
    open_start, open_end = date.bounds()[0] is None, date.bounds()[1] is None
    # The outline: top and bottom edges, and the vertical edge of each end that is known.
    path = f"M{left} {top}H{right}" + ("" if open_end else f"V{bottom}") + \
        (f"M{right} {bottom}" if open_end else "") + f"H{left}" + ("" if open_start else f"V{top}")
    return f'<g class="tl-rough">{fill}<path class="tl-range" d="{path}"/></g>'


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
    desc = ("Each row is a fact: a dot marks a day, a solid band a month or a whole year; a pale band with a "
            "dashed outline a date known only roughly (a season, a range, an approximate date), somewhere "
            "within it. The table below lists the same facts.")
    return _svg(chart_id, height, title, desc, grid + body).replace('class="tl"', 'class="tl tl-full"', 1)


DATE_CHARS = 17  # about what fits left of the axis at 12 px ('26 September 2021')


def date_label(date: EdtfDate) -> str:
    """The date in words, abbreviated when the full words would not fit beside the chart."""
    words = date.display()
    return words if len(words) <= DATE_CHARS else date.display(short=True)


def _date_text(label: str, y: float) -> str:
    """The date left of the axis; a label as long as the column is fitted to it rather than cut off."""
    fit = f' textLength="{DATE_RIGHT - 4}" lengthAdjust="spacingAndGlyphs"' if len(label) >= DATE_CHARS else ""
    return f'<text class="tl-date" x="{DATE_RIGHT}" y="{y + 4}" text-anchor="end"{fit}>{escape(label)}</text>'


def timeline_row(fact: Fact, scale: Scale, y: float, link: str) -> str:
    assert fact.date is not None
    full = escape(f"{fact.date.display()}: {fact.text}")
    return (f'<a class="tl-row" href="{escape(link)}" data-fact="{escape(fact.id)}"><title>{full}</title>'
            f"{_date_text(date_label(fact.date), y)}"
            f"{_mark(scale, fact.date, y)}"
            f'<text class="tl-text" x="{TEXT_LEFT}" y="{y + 4}">{escape(_clip(fact.text, TEXT_CHARS))}</text></a>')


def timeline_order(fact: Fact) -> tuple[tuple[dt.date, int, str], str]:
    """By the first day the date states (a day before its month, a month before its year), then id."""
    assert fact.date is not None
    return (fact.date.sort_key(), fact.id)


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
    desc = ("Dots are days, solid bands months or years, dashed outlines dates known only roughly; each mark "
            "links to its fact.")
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

"""Dates as precise as their sources.

`PartialDate` is a calendar date at its own precision: a year, a month or a day.
`EdtfDate` is what a fact's `date` and `as_of` and a source's `published` hold:
Extended Date/Time Format (EDTF, ISO 8601-2) level 1, without unspecified digits:

| written            | shown                          | bounds (earliest – latest)            |
|--------------------|--------------------------------|---------------------------------------|
| `2021-06-07`       | 7 June 2021                    | that day                              |
| `2021-06`, `2021`  | June 2021, 2021                | the whole month, the whole year       |
| `2021-22`          | summer 2021                    | 1 June – 31 August 2021               |
| `2021-06~`         | about June 2021                | 17 May – 15 July 2021                 |
| `2021-06?`         | possibly June 2021             | June 2021 (the value itself is in doubt) |
| `2021-06%`         | possibly about June 2021       | as `~`                                |
| `2021-03/2021-06`  | between March and June 2021    | 1 March – 30 June 2021                |
| `../2021-06`       | by June 2021                   | open – 30 June 2021                   |
| `2021-03/..`       | in or after March 2021         | 1 March 2021 – open                   |

Seasons are the northern meteorological ones: spring (21) March–May, summer (22)
June–August, autumn (23) September–November, winter (24) December to February of
the next year ("winter 2021–22"). An approximate date (`~`, `%`) reaches half its
own length beyond each end (at least 3 days): the `edtf` package's fuzzy bounds
(a year and a month either side of "about June") are far wider than a reader
means by "about".

The grammar is a regular language checked here with regular expressions, in
microseconds: the `edtf` package (pyparsing) takes 2–4 ms a value, too slow for
a load of 100,000 facts. The package is used where it helps: to tell valid EDTF
that is not accepted here (level 2, unspecified digits) from text that is not
EDTF at all, and to turn words ("circa June 2021") into a suggested value. The
tests check every accepted value against it.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import io
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
MONTHS = tuple(calendar.month_name)


class DateError(ValueError):
    """A date that is malformed or does not exist."""


def _shown(text: str, limit: int = 60) -> str:
    """Text as quoted in a message: long input is cut, so a message stays one readable line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        match = _PATTERN.fullmatch(text)
        if not match:
            raise DateError(f"'{_shown(text)}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"'{text}' has no month {month}; months run from 01 to 12")
        if day is not None and month is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise DateError(f"'{text}' does not exist: {MONTHS[month]} {year} has {last} days")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        if self.day and self.month:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def display(self) -> str:
        """'26 April 2021', 'January 2022' or '2022': never more precise than the source."""
        if self.day and self.month:
            return f"{self.day} {MONTHS[self.month]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month]} {self.year}"
        return str(self.year)

    def __str__(self) -> str:
        return self.iso()


# --- EDTF level 1 ---------------------------------------------------------------------------

SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
_SEASON_MONTHS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 2)}
QUALIFIERS = {"": "", "~": "about ", "?": "possibly ", "%": "possibly about "}
OPEN = ".."
# Years an EdtfDate may name: four digits (words are read back unambiguously), and room for
# a winter or an approximate year to reach into the next one.
FIRST_YEAR, LAST_YEAR = 1000, 9998
MIN_APPROXIMATION_DAYS = 3

FORMS = ("write YYYY, YYYY-MM or YYYY-MM-DD; a season (2021-22 is summer 2021); add ~ (about), "
         "? (possibly) or % (both) to a date; or an interval (2021-03/2021-06, ../2021-06, 2021-03/..)")
_POINT = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([?~%]?)")


@dataclass(frozen=True, slots=True)
class Point:
    """One date of EDTF level 1: a partial date or a season (`date` then holds only the year), with
    a qualifier: '' (as stated), '~' (approximate), '?' (uncertain) or '%' (both)."""

    date: PartialDate
    season: int | None = None
    qualifier: str = ""

    @property
    def precision(self) -> str:
        return "season" if self.season else self.date.precision

    def iso(self) -> str:
        base = f"{self.date.year:04d}-{self.season}" if self.season else self.date.iso()
        return base + self.qualifier

    def period(self) -> tuple[dt.date, dt.date]:
        """The first and last day the date names, as stated (no allowance for '~')."""
        if self.season is None:
            return self.date.first_day(), self.date.last_day()
        year = self.date.year
        first, last = _SEASON_MONTHS[self.season]
        end_year = year + 1 if last < first else year
        return dt.date(year, first, 1), dt.date(end_year, last, calendar.monthrange(end_year, last)[1])

    def bounds(self) -> tuple[dt.date, dt.date]:
        """The earliest and latest day the date may mean: its period, widened when approximate."""
        first, last = self.period()
        if self.qualifier in ("~", "%"):
            margin = dt.timedelta(days=max(MIN_APPROXIMATION_DAYS, ((last - first).days + 1) // 2))
            first, last = first - margin, last + margin
        return first, last

    def words(self, year: bool = True, month: bool = True, short: bool = False) -> str:
        """'about June 2021', 'summer 2021', 'winter 2021–22'; `year=False` leaves the year out and
        `month=False` the month (for the first end of "between 3 and 9 June 2021"). `short` abbreviates
        months and writes '?' after the date ('about Jun 2021?') for narrow places such as charts."""
        base = self._base_words(year, month, short)
        if not short:
            return QUALIFIERS[self.qualifier] + base
        about = "about " if self.qualifier in ("~", "%") else ""
        return about + base + ("?" if self.qualifier in ("?", "%") else "")

    def _base_words(self, year: bool, month: bool, short: bool) -> str:
        date = self.date
        if self.season == 24:
            following = date.year + 1
            end = f"{following % 100:02d}" if following // 100 == date.year // 100 else f"{following}"
            return f"winter {date.year}–{end}"
        if self.season:
            return SEASONS[self.season] + (f" {date.year}" if year else "")
        parts = [str(date.day)] if date.day else []
        if date.month and (month or not date.day):
            parts.append(MONTHS[date.month][:3] if short else MONTHS[date.month])
        if year or not date.month:
            parts.append(f"{date.year}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class EdtfDate:
    """A date of EDTF level 1: one `Point`, or an interval between two (either end may be open, None).

    It answers what `PartialDate` answers (`year`, `month`, `day`, `precision`, `iso`, `display`,
    `first_day`, `last_day`), so code written for partial dates keeps working; `partial` is the
    exact partial date when there is one.
    """

    start: Point | None
    end: Point | None
    interval: bool = False

    @classmethod
    def of(cls, date: PartialDate) -> EdtfDate:
        point = Point(date)
        return cls(point, point)

    @classmethod
    def parse(cls, text: str, explain: bool = True) -> EdtfDate:
        """The date `text` writes, or DateError saying what is wrong and what is accepted. With `explain`
        (milliseconds, not microseconds), the message also tells valid EDTF that is not accepted here
        from text that is not EDTF, and suggests the date that words stand for."""
        try:
            return _parse(text)
        except _Malformed:
            raise DateError(_not_a_date(text) if explain else f"'{_shown(text)}' is not a date; {FORMS}") from None

    # What PartialDate answers -----------------------------------------------------------------

    @property
    def point(self) -> Point | None:
        """The one date, when this is not an interval."""
        return None if self.interval else self.start

    @property
    def partial(self) -> PartialDate | None:
        """The exact partial date (YYYY, YYYY-MM or YYYY-MM-DD, no qualifier), or None."""
        point = self.point
        return point.date if point and not point.season and not point.qualifier else None

    @property
    def precision(self) -> str:
        """'day', 'month', 'year' or 'season' for one date; 'interval' for an interval."""
        point = self.point
        return point.precision if point else "interval"

    @property
    def qualifier(self) -> str:
        point = self.point
        return point.qualifier if point else ""

    @property
    def year(self) -> int:
        """The year the date is filed under: that of its earliest stated day (or its latest when the
        start is open)."""
        return self.anchor().year

    @property
    def month(self) -> int | None:
        point = self.point
        return point.date.month if point and not point.season else None

    @property
    def day(self) -> int | None:
        point = self.point
        return point.date.day if point and not point.season else None

    def iso(self) -> str:
        if not self.interval:
            assert self.start is not None
            return self.start.iso()
        return f"{self.start.iso() if self.start else OPEN}/{self.end.iso() if self.end else OPEN}"

    def display(self, short: bool = False) -> str:
        """In words: 'summer 2021', 'about June 2021', 'between March and June 2021', 'by June 2021'.
        `short` is for narrow places: 'about Jun 2021', 'Jun 2021?', 'Mar–Jun 2021', 'Mar 2021 or later'."""
        start, end = self.start, self.end
        if not self.interval:
            assert start is not None
            return start.words(short=short)
        if start is None:
            assert end is not None
            return f"by {end.words(short=short)}"
        if end is None:
            return f"{start.words(short=True)} or later" if short else f"in or after {start.words()}"
        first = _start_words(start, end, short)
        return f"{first}–{end.words(short=True)}" if short else f"between {first} and {end.words()}"

    def first_day(self) -> dt.date:
        """The first day stated (the latest when the start is open): never None, as for PartialDate."""
        return self.anchor()

    def last_day(self) -> dt.date:
        """The last day stated (the first when the end is open)."""
        first, last = self.period()
        return last or first or self.anchor()

    def __str__(self) -> str:
        return self.iso()

    # Bounds -----------------------------------------------------------------------------------

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """First and last day as stated; None for an open end."""
        return (self.start.period()[0] if self.start else None, self.end.period()[1] if self.end else None)

    def bounds(self) -> tuple[dt.date | None, dt.date | None]:
        """Earliest and latest day the date may mean (approximate dates widened); None when open."""
        return (self.start.bounds()[0] if self.start else None, self.end.bounds()[1] if self.end else None)

    @property
    def earliest(self) -> dt.date | None:
        return self.bounds()[0]

    @property
    def latest(self) -> dt.date | None:
        return self.bounds()[1]

    def iso_interval(self) -> str:
        """ISO 8601 for places that take no EDTF (schema.org's temporalCoverage): an exact date as itself,
        anything else as the interval of days it may mean ('2021-06-01/2021-08-31', '../2021-06-30')."""
        if self.exact:
            return self.iso()
        earliest, latest = self.bounds()
        return f"{earliest.isoformat() if earliest else OPEN}/{latest.isoformat() if latest else OPEN}"

    @property
    def exact(self) -> bool:
        """Whether this is a plain year, month or day (no season, qualifier or interval)."""
        return self.partial is not None

    def anchor(self) -> dt.date:
        """Where the date stands in time for ordering: its first stated day, or its last when open."""
        first, last = self.period()
        day = first or last
        assert day is not None  # an interval has at least one end
        return day

    def sort_key(self) -> tuple[dt.date, int, str]:
        """Order by the first stated day, then the narrower first (a day before its month)."""
        first, last = self.period()
        span = (last - first).days if first and last else 1 << 20
        return (self.anchor(), span, self.iso())


def _start_words(start: Point, end: Point, short: bool) -> str:
    """The start of 'between … and …', without what it shares with the end ('between 3 and 9 June 2021')."""
    if start.date.year != end.date.year or 24 in (start.season, end.season):
        return start.words(short=short)
    if start.precision == "year" or end.precision == "year":
        return start.words(short=short)
    same_month = (start.precision == end.precision == "day" and start.date.month == end.date.month)
    return start.words(year=False, month=not same_month, short=short)


class YearOutOfRange(DateError):
    """A year this module cannot represent (projects bound years more tightly: `schema.year_problem`)."""

    def __init__(self, message: str, year: int) -> None:
        super().__init__(message)
        self.year = year


class _Malformed(DateError):
    """Text outside the grammar; `EdtfDate.parse` turns it into a message with a suggestion."""


def _parse(text: str) -> EdtfDate:
    if "/" not in text:
        point = _parse_point(text, text)
        return EdtfDate(point, point)
    left, _, right = text.partition("/")
    if "/" in right or not (left or right):
        raise _Malformed(text)
    if (left or OPEN) == (right or OPEN) == OPEN:
        raise DateError(f"both ends of '{_shown(text)}' are open or unknown; give at least one end, or write "
                        "`unknown` where the field allows it")
    if not left or not right:
        _parse_point(left or right, text)  # junk beside an empty end is reported as junk
        raise DateError(f"'{_shown(text)}' has an empty end, which EDTF reads as unknown; write "
                        f"'{left or OPEN}/{right or OPEN}' for an open end")
    start = None if left == OPEN else _parse_point(left, text)
    end = None if right == OPEN else _parse_point(right, text)
    if start and end and start.period()[0] > end.period()[1]:
        raise DateError(f"'{_shown(text)}' ends before it starts; write {end.iso()}/{start.iso()}")
    return EdtfDate(start, end, interval=True)


def _parse_point(text: str, whole: str) -> Point:
    match = _POINT.fullmatch(text)
    if not match:
        raise _Malformed(whole)
    year, month, day, qualifier = match.groups()
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise YearOutOfRange(f"'{_shown(whole)}' names the year {year}; years run from {FIRST_YEAR} to {LAST_YEAR}",
                             int(year))
    if month and int(month) in SEASONS:
        name = SEASONS[int(month)]
        if day:
            raise DateError(f"'{_shown(whole)}': {month} is a season ({name}), which has no days; write "
                            f"{year}-{month}")
        if qualifier:
            raise DateError(f"'{_shown(whole)}': a season cannot be qualified with '{qualifier}'; write "
                            f"{year}-{month}, or an interval of months such as 2021-05/2021-09")
        return Point(PartialDate(int(year)), int(month))
    plain = text[:-1] if qualifier else text
    try:
        date = PartialDate.parse(plain)
    except DateError as error:
        message = str(error).replace(f"'{plain}'", f"'{_shown(whole)}'", 1)
        raise DateError(message + (" (21 to 24 are seasons)" if "no month" in message else "")) from None
    return Point(date, None, qualifier)


def _not_a_date(text: str) -> str:
    beyond = _edtf_beyond_level_1(text)
    if beyond:
        what, fix = beyond
        known = _quiet_parse(_known_part(text)) if "X" in text else None
        if known is not None:
            fix = f"write only the part that is known: {known.iso()} ({known.display()})"
        return f"'{_shown(text)}' is EDTF with {what}, which is not accepted here; {fix}"
    suggestion = suggest(text)
    if suggestion is not None:
        return f"'{_shown(text)}' is not a date; write {suggestion.iso()} ({suggestion.display()})"
    return f"'{_shown(text)}' is not a date; {FORMS}"


def _known_part(text: str) -> str:
    """'2024-03' for '2024-03-XX', '2020/2029' for '202X': what an unspecified date does say."""
    text = re.sub(r"(-X+)+$", "", text)
    decade = re.fullmatch(r"(\d{2,3})(X{1,2})", text)
    if decade:
        digits, unknown = decade.groups()
        return f"{digits}{'0' * len(unknown)}/{digits}{'9' * len(unknown)}"
    return text


_BEYOND_LEVEL_1 = {
    "Unspecified": ("unspecified digits (X)", "write only the part that is known: 2021 for 2021-XX"),
    "PartialUnspecified": ("unspecified digits (X)", "write only the part that is known: 2021 for 2021-XX"),
    "DateAndTime": ("a time of day", "write the day alone"),
    "LongYear": ("a year beyond four digits", FORMS),
    "ExponentialYear": ("a year beyond four digits", FORMS),
    "PartialUncertainOrApproximate": ("a qualifier inside the date", "qualify the whole date, as in 2021-06~"),
    "Level2Season": ("a level 2 season", "use 21 (spring) to 24 (winter)"),
}


def _edtf_beyond_level_1(text: str) -> tuple[str, str] | None:
    """What valid EDTF uses that is not accepted here, and the fix, according to the `edtf` package;
    None when the text is not EDTF."""
    if len(text) > 64:
        return None
    try:
        from edtf import EDTFParseException, parse_edtf
    except ImportError:  # an optional dependency: only the message is poorer without it
        return None
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the package prints some of its errors
            parsed = parse_edtf(text)
    except (EDTFParseException, ValueError, TypeError, IndexError, AttributeError):
        return None
    return _BEYOND_LEVEL_1.get(type(parsed).__name__, ("level 2 features", FORMS))


# --- words ------------------------------------------------------------------------------------

_MONTH_NUMBERS = {name: number for number, name in enumerate(MONTHS) if name}
_WORD_POINT = re.compile(
    r"(?P<q>possibly about |possibly |about )?(?:"
    r"(?P<season>spring|summer|autumn) (?P<season_year>\d{4})"
    r"|winter (?P<winter_year>\d{4})[–-](?P<winter_next>\d{2}|\d{4})"
    r"|(?:(?P<day>\d{1,2}) (?P<day_month>[A-Z][a-z]+) |(?P<month>[A-Z][a-z]+) )?(?P<year>\d{4}))")
_QUALIFIER_OF = {words.strip(): mark for mark, words in QUALIFIERS.items() if words}


def parse_words(text: str) -> EdtfDate | None:
    """The date that `EdtfDate.display` writes as `text`, or None: 'between March and June 2021' →
    2021-03/2021-06. Its inverse is `display`; used to suggest the EDTF form of words."""
    text = " ".join(text.split())
    if text.startswith("by "):
        end = _word_point(text[3:])
        return EdtfDate(None, end, True) if end else None
    if text.startswith("in or after "):
        start = _word_point(text[12:])
        return EdtfDate(start, None, True) if start else None
    if text.startswith("between ") and " and " in text:
        first, _, second = text[8:].partition(" and ")
        end = _word_point(second)
        start = end and _word_start(first, end, second)
        if not (start and end) or start.period()[0] > end.period()[1]:
            return None
        return EdtfDate(start, end, True)
    point = _word_point(text)
    return EdtfDate(point, point) if point else None


def _word_start(words: str, end: Point, end_words: str) -> Point | None:
    """The start of 'between', read alone or with the year (or month and year) it shares with the end."""
    year = end.date.year
    tails = ["", f" {year}"]
    if end.date.month and not end.season:
        tails.append(f" {MONTHS[end.date.month]} {year}")
    for tail in tails:
        point = _word_point(words + tail)
        if point is not None:
            return point
    return None


def _word_point(words: str) -> Point | None:
    match = _WORD_POINT.fullmatch(words)
    if not match:
        return None
    qualifier = _QUALIFIER_OF.get((match["q"] or "").strip(), "")
    if match["season"]:
        season = {name: number for number, name in SEASONS.items()}[match["season"]]
        text = f"{match['season_year']}-{season}"
    elif match["winter_year"]:
        year = int(match["winter_year"])
        following = match["winter_next"]
        if int(following) not in (year + 1, (year + 1) % 100) or (len(following) == 2 and year % 100 == 99):
            return None
        text = f"{year}-24"
    else:
        month_name = match["day_month"] or match["month"]
        if month_name and month_name not in _MONTH_NUMBERS:
            return None
        month = f"-{_MONTH_NUMBERS[month_name]:02d}" if month_name else ""
        day = f"-{int(match['day']):02d}" if match["day"] else ""
        text = f"{match['year']}{month}{day}"
    try:
        point = _parse_point(text, text)
    except DateError:
        return None
    if qualifier and point.season:
        return None
    return Point(point.date, point.season, qualifier)


_UNPADDED = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")


def suggest(text: str) -> EdtfDate | None:
    """The accepted date that words like 'summer 2021' or 'circa June 2021' stand for, if any. Numbers
    are read only as year-month-day ('2021-6-7'): '21-04-26' could be any of three dates."""
    if len(text) > 64:
        return None
    unpadded = _UNPADDED.fullmatch(text.strip())
    if unpadded:
        year, month, day = unpadded.groups()
        return _quiet_parse(f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else ""))
    if not any(char.isalpha() for char in text):
        return None
    found = parse_words(text)
    if found is not None:
        return found
    try:
        from edtf import text_to_edtf
        with contextlib.redirect_stdout(io.StringIO()):
            edtf_text = text_to_edtf(text)
    except (ImportError, ValueError, TypeError, IndexError, AttributeError, OverflowError):
        return None
    found = _quiet_parse(edtf_text) if edtf_text and edtf_text != text else None
    # The guess must keep every number written: '2021 or 2022' is not 2021.
    if found is None or not _numbers(text) <= _numbers(found.iso()):
        return None
    return found


def _numbers(text: str) -> set[int]:
    return {int(number) for number in re.findall(r"\d+", text)}


def _quiet_parse(text: str) -> EdtfDate | None:
    try:
        return _parse(text)
    except DateError:
        return None


# A 14-digit (or 8-digit) timestamp as a path segment, as the Wayback Machine and other Memento
# archives write it: /web/20240305101500/https://…
_ARCHIVE_STAMP = re.compile(r"/(\d{4})(\d{2})(\d{2})(?:\d{6})?(?:[a-z]{2}_)?/")


def archive_address_date(url: str) -> PartialDate | None:
    """The day an archived copy was taken, when its address says so."""
    stamp = _ARCHIVE_STAMP.search(url)
    if stamp is None:
        return None
    year, month, day = (int(part) for part in stamp.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return PartialDate(year, month, day)

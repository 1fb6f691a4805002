"""What a sentence claims that can be checked against quotes: figures, proper names and dates.

Plain functions of text, used by the rule `fact-beyond-quotes` (FCT008), which compares a fact's
sentence with its quotes. They read English news prose:

- a **figure** is a number in digits (`1,204`, `3.2`, `95`), or in words (`three`, `once`), with
  its scale (`1.5 million` is 1,500,000) and its unit: money (`$956 million`) or a percentage
  (`20%`, `20 percent`). Numbers that are part of a date are dates, not figures.
- a **name** is a capitalised word that is not the first word of a sentence (unless it is not a
  common word there either), not a title before a name (`President` in "President Biden"), not a
  month or a weekday; a possessive `'s` is not part of it, and `U.S.` and `US` are one name.
- a **date** is a year (`2021`), a month with or without its year (`March 2021`, `June`), or a
  day (`24 March 2021`, `March 24`, `Feb. 6`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name[:3]: number for name, number in list(MONTHS.items())})
MONTHS["Sept"] = 9
WEEKDAYS = frozenset(calendar.day_name)
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_WORDS: dict[str, int | Decimal] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "once": 1, "twice": 2, "single": 1,
    "half": Decimal("0.5"),
}
_CURRENCY = {"$": "$", "US$": "$", "€": "€", "£": "£", "dollars": "$", "dollar": "$", "euros": "€", "pounds": "£"}

# A figure in digits: currency, digits (1,204 or 3.2), a percentage, a scale and a currency word after it.
_DIGITS = re.compile(
    r"(?<![\w.,])(?P<currency>US\$|[$€£])?(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w])"
    r"(?:\s*(?P<percent>%|percent\b|per cent\b))?"
    r"(?:[\s-]+(?P<scale>hundred|thousand|million|billion|trillion)\b)?"
    r"(?:\s+(?P<unit>dollars?|euros|pounds)\b)?")
_NUMBER_WORDS = re.compile(
    r"\b(?P<word>" + "|".join(_WORDS) + r")\b(?:[\s-]+(?P<scale>hundred|thousand|million|billion|trillion)\b)?"
    r"(?:\s*(?P<percent>percent\b|per cent\b))?(?:\s+(?P<unit>dollars?|euros|pounds)\b)?", re.IGNORECASE)

# Dates: "24 March 2021", "March 24, 2021", "March 2021", "March 24", "Feb. 6", "June", "2021".
_DATES = re.compile(
    rf"(?P<day1>\b\d{{1,2}}) (?P<month1>{_MONTH})\.?(?:,? (?P<year1>\d{{4}}))?\b"
    rf"|\b(?P<month2>{_MONTH})\b\.?(?: (?P<day2>\d{{1,2}})(?!\d|,\d{{3}}))?(?:,? (?P<year2>\d{{4}}))?"
    rf"|(?<![\w$€£.,])(?P<year3>(?:1[89]|20)\d\d)(?![\w%]|[.,]\d|\s*(?:percent|million|billion|thousand))")

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)]*\s+[\"'“‘(]*$")
_TITLES = frozenset({"President", "Vice", "Secretary", "Mr", "Mrs", "Ms", "Dr", "Senator", "Sen", "Representative",
                     "Rep", "Governor", "Gov", "Ambassador", "Minister", "Prime", "General", "Judge", "Justice",
                     "Pope", "King", "Queen", "Prince", "Princess", "Chancellor", "Mayor", "Speaker", "Leader"})
# Words that open sentences without being names (names never are these words).
_COMMON_WORDS = """
a about above according across after afterwards again against all also although among an and another any as asked
at because before being besides between both but by despite did during each earlier either even every except for
from further had has have having he her here his how however i if in instead it its later like many meanwhile more
most much neither no nor not of on once only or other our over since so some such than that the their then there
these they this those though through thus to too under unlike until up we what when whenever where whether which
while who whom whose why with within without yet you your
"""
COMMON = frozenset(_COMMON_WORDS.split())


@dataclass(frozen=True, order=True)
class Figure:
    value: Decimal
    unit: str  # "", "%" or a currency sign
    text: str  # as written


@dataclass(frozen=True)
class DateMention:
    text: str
    year: int | None
    month: int | None
    day: int | None

    def period(self) -> tuple[dt.date, dt.date] | None:
        """The days it may mean, when it names a year."""
        if self.year is None:
            return None
        month = self.month
        if month is None:
            return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        last = calendar.monthrange(self.year, month)[1]
        if self.day is None or not 1 <= self.day <= last:
            return dt.date(self.year, month, 1), dt.date(self.year, month, last)
        day = dt.date(self.year, month, self.day)
        return day, day


def dated(mention: DateMention, published: dt.date | None) -> DateMention:
    """A month or day given without a year, read in an article published on `published`: the latest
    such month not after publication ("in June", written in January 2024, is June 2023)."""
    if mention.year is not None or mention.month is None or published is None:
        return mention
    year = published.year if mention.month <= published.month else published.year - 1
    return DateMention(mention.text, year, mention.month, mention.day)


def dates(text: str) -> list[DateMention]:
    found = []
    for match in _DATES.finditer(text):
        groups = match.groupdict()
        month_name = groups["month1"] or groups["month2"]
        if month_name == "May" and groups["day2"] is None and groups["year2"] is None and _opens_sentence(
                text, match.start()):
            continue  # "May I …": not a month
        year = groups["year1"] or groups["year2"] or groups["year3"]
        day = groups["day1"] or groups["day2"]
        found.append(DateMention(match.group().rstrip(".,"), int(year) if year else None,
                                 MONTHS[month_name] if month_name else None, int(day) if day else None))
    return found


def _without_dates(text: str) -> str:
    return _DATES.sub(lambda match: " " * len(match.group()), text)


def figures(text: str) -> list[Figure]:
    """Every figure in `text`, dates left out."""
    text = _without_dates(text)
    found = []
    for match in _DIGITS.finditer(text):
        try:
            value = Decimal(match["number"].replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            continue
        found.append(_figure(value, match["currency"] or match["unit"], match["percent"], match["scale"], match))
    for match in _NUMBER_WORDS.finditer(text):
        if match["word"].lower() == "one" and _pronoun(text, match.start(), match.end()):
            continue
        found.append(_figure(Decimal(_WORDS[match["word"].lower()]), match["unit"], match["percent"], match["scale"],
                             match))
    return found


_BEFORE_PRONOUN = re.compile(r"\b(?:as|the|no|any|each|every|this|that|which|someone|anyone|every)\s+$", re.IGNORECASE)
_AFTER_PRONOUN = re.compile(r"\s+(?:of|to|who|that|which|another|else)\b|\s*[,.;:)]", re.IGNORECASE)


def _pronoun(text: str, start: int, end: int) -> bool:
    """Whether "one" stands for a thing rather than a number ("as one to address", "one of the few")."""
    return _BEFORE_PRONOUN.search(text, 0, start) is not None or _AFTER_PRONOUN.match(text, end) is not None


def _figure(value: Decimal, currency: str | None, percent: str | None, scale: str | None,
            match: re.Match[str]) -> Figure:
    if scale:
        value *= _SCALES[scale.lower()]
    unit = "%" if percent else _CURRENCY.get(currency or "", "")
    return Figure(value.normalize(), unit, " ".join(match.group().split()))


_NAME_WORD = re.compile(r"(?<![\w'’.-])[^\W\d_a-z][\w'’.-]*")  # a word that may start with a capital


def names(text: str) -> list[str]:
    """The capitalised words of `text` that name someone or something, as written (without a
    possessive 's, or the full stop of a sentence), in order."""
    return [name for name, _ in name_mentions(text)]


def name_mentions(text: str) -> list[tuple[str, bool]]:
    """`names`, each with whether it opens a sentence (where a common word is capitalised too)."""
    found = []
    for match in _NAME_WORD.finditer(text):
        word = match.group().rstrip("'’-")
        if word.endswith(".") and not all(len(part) == 1 for part in word[:-1].split(".")):
            word = word[:-1]  # the end of a sentence, not an abbreviation such as U.S.
        for part in word.split("-") if "-" in word else (word,):
            name = _bare(part)
            if not name or not name[0].isupper():
                continue
            lower = name.lower()
            if lower in COMMON and _opens_sentence(text, match.start()):
                continue
            if name in WEEKDAYS or name in MONTHS or lower in _WORDS:
                continue
            if name in _TITLES and _before_a_name(text, match.end()):
                continue
            found.append((name, _opens_sentence(text, match.start())))
    return found


def _bare(word: str) -> str:
    """A word without its possessive: "Giammattei's" → "Giammattei"."""
    if word[-2:] in ("'s", "’s"):
        return word[:-2]
    if word[-1:] in ("'", "’"):
        return word[:-1]
    return word


def _opens_sentence(text: str, index: int) -> bool:
    if index == 0:
        return True
    before = text[:index]
    return not before.strip() or _SENTENCE_END.search(before) is not None or before.rstrip().endswith(("\"", "“"))


def _before_a_name(text: str, end: int) -> bool:
    following = text[end:].lstrip()
    return bool(following) and following[0].isupper()


def appears(name: str, texts: Iterable[str]) -> bool:
    """Whether `name` (as `names` gives it) stands as a whole word in one of the texts; an
    abbreviation may be written with or without dots ("U.S." as "US", "US" as "U.S.")."""
    dotless = name.replace(".", "") if "." in name else name
    forms = [name] if dotless is name else [name, dotless]
    if dotless.isupper() and 1 < len(dotless) <= 5:
        forms.append(".".join(dotless) + ".")
    for text in texts:
        for form in forms:
            found = text.find(form)
            while found >= 0:
                end = found + len(form)
                if (found == 0 or not text[found - 1].isalnum()) and (end == len(text) or not text[end].isalnum()
                                                                       or form.endswith(".")):
                    return True
                found = text.find(form, found + 1)
    return False


def contains_phrase(texts: Iterable[str], phrase: str) -> bool:
    """Whether one of the texts holds `phrase` as whole words, ignoring case."""
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)", re.IGNORECASE)
    return any(pattern.search(text) for text in texts)

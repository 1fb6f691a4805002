from __future__ import annotations

import datetime as dt
import json
import re

import edtf
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools import schema
from build_tools.dates import FIRST_YEAR, LAST_YEAR, DateError, EdtfDate, PartialDate, Point, parse_words, suggest
from build_tools.yaml_nodes import parse_yaml


@pytest.mark.parametrize(("text", "shown", "precision"), [
    ("2021-04-26", "26 April 2021", "day"),
    ("2022-01", "January 2022", "month"),
    ("2022", "2022", "year"),
])
def test_dates_are_shown_at_their_precision(text: str, shown: str, precision: str) -> None:
    date = PartialDate.parse(text)
    assert date.display() == shown
    assert date.precision == precision
    assert date.iso() == text


@pytest.mark.parametrize(("text", "message"), [
    ("2021-13-45", "no month 13"),
    ("2024-02-30", "February 2024 has 29 days"),
    ("2023-02-29", "February 2023 has 28 days"),
    ("21-04-26", "is not a date"),
    ("2021-4-2", "is not a date"),
    ("April 2021", "is not a date"),
])
def test_impossible_or_malformed_dates_are_refused(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        PartialDate.parse(text)
    with pytest.raises(DateError, match=message):
        EdtfDate.parse(text)


def test_partial_dates_span_their_whole_period() -> None:
    month = PartialDate.parse("2024-02")
    assert (month.first_day().isoformat(), month.last_day().isoformat()) == ("2024-02-01", "2024-02-29")
    year = PartialDate.parse("2021")
    assert (year.first_day().isoformat(), year.last_day().isoformat()) == ("2021-01-01", "2021-12-31")


# --- EDTF level 1: every accepted form --------------------------------------------------------

# written, shown in words, shown where space is short, earliest and latest day it may mean, precision
FORMS = [
    ("2021-06-07", "7 June 2021", "7 Jun 2021", "2021-06-07", "2021-06-07", "day"),
    ("2021-06", "June 2021", "Jun 2021", "2021-06-01", "2021-06-30", "month"),
    ("2021", "2021", "2021", "2021-01-01", "2021-12-31", "year"),
    ("2021-21", "spring 2021", "spring 2021", "2021-03-01", "2021-05-31", "season"),
    ("2021-22", "summer 2021", "summer 2021", "2021-06-01", "2021-08-31", "season"),
    ("2021-23", "autumn 2021", "autumn 2021", "2021-09-01", "2021-11-30", "season"),
    ("2023-24", "winter 2023–24", "winter 2023–24", "2023-12-01", "2024-02-29", "season"),
    ("1999-24", "winter 1999–2000", "winter 1999–2000", "1999-12-01", "2000-02-29", "season"),
    ("2021-06~", "about June 2021", "about Jun 2021", "2021-05-17", "2021-07-15", "month"),
    ("2021-06?", "possibly June 2021", "Jun 2021?", "2021-06-01", "2021-06-30", "month"),
    ("2021-06%", "possibly about June 2021", "about Jun 2021?", "2021-05-17", "2021-07-15", "month"),
    ("2021-06-07~", "about 7 June 2021", "about 7 Jun 2021", "2021-06-04", "2021-06-10", "day"),
    ("2021~", "about 2021", "about 2021", "2020-07-03", "2022-07-01", "year"),
    ("2021-03/2021-06", "between March and June 2021", "Mar–Jun 2021", "2021-03-01", "2021-06-30", "interval"),
    ("2021-06-03/2021-06-09", "between 3 and 9 June 2021", "3–9 Jun 2021", "2021-06-03", "2021-06-09",
     "interval"),
    ("2021-05-28/2021-06-03", "between 28 May and 3 June 2021", "28 May–3 Jun 2021", "2021-05-28", "2021-06-03",
     "interval"),
    ("2020-11/2021-02", "between November 2020 and February 2021", "Nov 2020–Feb 2021", "2020-11-01",
     "2021-02-28", "interval"),
    ("2020/2021-06", "between 2020 and June 2021", "2020–Jun 2021", "2020-01-01", "2021-06-30", "interval"),
    ("2021-21/2021-22", "between spring and summer 2021", "spring–summer 2021", "2021-03-01", "2021-08-31",
     "interval"),
    ("2021-03~/2021-06", "between about March and June 2021", "about Mar–Jun 2021", "2021-02-14", "2021-06-30",
     "interval"),
    ("../2021-06", "by June 2021", "by Jun 2021", None, "2021-06-30", "interval"),
    ("2021-03/..", "in or after March 2021", "Mar 2021 or later", "2021-03-01", None, "interval"),
]


@pytest.mark.parametrize(("text", "shown", "short", "earliest", "latest", "precision"), FORMS)
def test_each_edtf_form_parses_displays_and_has_bounds(text: str, shown: str, short: str, earliest: str | None,
                                                       latest: str | None, precision: str) -> None:
    date = EdtfDate.parse(text)
    assert date.iso() == str(date) == text
    assert date.display() == shown
    assert date.display(short=True) == short
    assert [day.isoformat() if day else None for day in date.bounds()] == [earliest, latest]
    assert date.precision == precision
    assert parse_words(shown) == date
    assert edtf.is_valid_edtf(text), "every accepted form is EDTF to the edtf package"


@pytest.mark.parametrize("text", ["2021-04-26", "2022-01", "2022"])
def test_plain_dates_answer_exactly_as_partial_dates_did(text: str) -> None:
    old, new = PartialDate.parse(text), EdtfDate.parse(text)
    assert new.exact and new.partial == old
    assert (new.year, new.month, new.day, new.precision) == (old.year, old.month, old.day, old.precision)
    assert (new.iso(), new.display(), new.first_day(), new.last_day()) == \
        (old.iso(), old.display(), old.first_day(), old.last_day())
    assert EdtfDate.of(old) == new


@pytest.mark.parametrize(("text", "message"), [
    ("summer 2021", "'summer 2021' is not a date; write 2021-22 (summer 2021)"),
    ("between March and June 2021", "write 2021-03/2021-06 (between March and June 2021)"),
    ("circa June 2021", "write 2021-06~ (about June 2021)"),
    ("fall 2021", "write 2021-23 (autumn 2021)"),
    ("2021-6-7", "write 2021-06-07 (7 June 2021)"),
    ("2021 or 2022", "'2021 or 2022' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD; a season"),
    ("21-04-26", "'21-04-26' is not a date; write YYYY"),
    ("2021-22-01", "'2021-22-01': 22 is a season (summer), which has no days; write 2021-22"),
    ("2021-22~", "a season cannot be qualified with '~'; write 2021-22, or an interval of months"),
    ("2021-25", "'2021-25' has no month 25; months run from 01 to 12 (21 to 24 are seasons)"),
    ("2021-06/2021-03", "'2021-06/2021-03' ends before it starts; write 2021-03/2021-06"),
    ("2021-06-31/2021-07", "'2021-06-31/2021-07' does not exist: June 2021 has 30 days"),
    ("../..", "both ends of '../..' are open"),
    ("/2021-06", "has an empty end, which EDTF reads as unknown; write '../2021-06' for an open end"),
    ("2021-06/", "write '2021-06/..' for an open end"),
    ("2021/2022/2023", "'2021/2022/2023' is not a date"),
    ("2021-XX", "is EDTF with unspecified digits (X), which is not accepted here; write only the part that is "
                "known: 2021 (2021)"),
    ("202X", "write only the part that is known: 2020/2029 (between 2020 and 2029)"),
    ("2021?-06", "is EDTF with a qualifier inside the date, which is not accepted here"),
    ("2021-06-07T10:00:00", "is EDTF with a time of day, which is not accepted here; write the day alone"),
    ("{2021,2022}", "is EDTF with level 2 features"),
    ("0999", "names the year 0999; years run from 1000 to 9998"),
    ("9999-24", "names the year 9999"),
    ("", "'' is not a date"),
    ("2021-06-07" * 40, "is not a date"),
])
def test_malformed_dates_say_what_is_wrong_and_the_right_form(text: str, message: str) -> None:
    with pytest.raises(DateError) as error:
        EdtfDate.parse(text)
    assert message in str(error.value)


def test_dates_sort_by_their_first_stated_day_narrowest_first() -> None:
    written = ["2021", "2021-22", "../2021-06", "2021-06", "2021-06~", "2021-06-07", "2021-06-07?",
               "2021-03/2021-06", "2020-24", "2021-06-01", "2021-21/2021-22", "2021-03/.."]
    ordered = sorted((EdtfDate.parse(text) for text in written), key=EdtfDate.sort_key)
    assert [d.iso() for d in ordered] == [
        "2020-24",  # winter 2020–21 starts in December 2020
        "2021", "2021-03/2021-06", "2021-21/2021-22", "2021-03/..",  # 1 January, then 1 March, narrowest first
        "2021-06-01", "2021-06", "2021-06~", "2021-22",  # 1 June: a day, a month, about a month, a season
        "2021-06-07", "2021-06-07?",
        "../2021-06",  # by June: stands at its one known day, 30 June
    ]


# --- the schema: Python validation and the JSON Schema editors use ------------------------------

def _validate_fact_date(value: str) -> list[str]:
    text = (f"title: t\nsummary: s\nupdated: 2024-01\nsections:\n  - title: s\n    facts:\n      - id: f\n"
            f"        text: t\n        date: {json.dumps(value)}\n        citations:\n          - source: s\n"
            "            quote: q\n")
    parsed = parse_yaml("b.yaml", text.encode())
    assert parsed.root is not None
    return [p.message for p in schema.check_file("b.yaml", parsed.root, schema.BRIEFING)[1]]


@pytest.mark.parametrize("text", [form[0] for form in FORMS])
def test_schema_and_json_schema_accept_every_form(text: str) -> None:
    assert _validate_fact_date(text) == []
    date_schema = json.loads(schema.schema_files()["briefing.schema.json"])
    pattern = date_schema["properties"]["sections"]["items"]["properties"]["facts"]["items"]["properties"][
        "date"]["pattern"]
    assert re.search(pattern, text)
    source_schema = json.loads(schema.schema_files()["source.schema.json"])
    jsonschema.validate(text, {"type": "string", "pattern": source_schema["properties"]["published"]["pattern"]})


@pytest.mark.parametrize("text", ["summer 2021", "2021-6", "2021-13", "2021-22~", "2021-22-01", "../..", "/2021-06",
                                  "2021-XX", "2021-06-07T10:00"])
def test_schema_and_json_schema_refuse_malformed_dates(text: str) -> None:
    [message] = _validate_fact_date(text)
    assert "not" in message or "season" in message or "open" in message
    date_schema = json.loads(schema.schema_files()["source.schema.json"])
    assert not re.search(date_schema["properties"]["published"]["pattern"], text)


def test_explaining_malformed_dates_costs_a_bounded_time_per_file() -> None:
    """The edtf grammar and the word suggestions take milliseconds: a file of thousands of malformed dates
    gets them for its first 20 dates and the list of accepted forms for the rest."""
    facts = "".join(f"      - id: f{n}\n        text: t\n        date: summer {2000 + n}\n        citations:\n"
                    "          - source: s\n            quote: q\n" for n in range(25))
    text = f"title: t\nsummary: s\nupdated: 2024-01\nsections:\n  - title: s\n    facts:\n{facts}"
    parsed = parse_yaml("b.yaml", text.encode())
    assert parsed.root is not None
    messages = [p.message for p in schema.check_file("b.yaml", parsed.root, schema.BRIEFING)[1]]
    assert messages[0] == "'summer 2000' is not a date; write 2000-22 (summer 2000)"
    assert messages[19] == "'summer 2019' is not a date; write 2019-22 (summer 2019)"
    assert messages[20].startswith("'summer 2020' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD; a season")
    assert len(messages) == 25


def test_exact_date_fields_refuse_edtf_with_a_reason() -> None:
    parsed = parse_yaml("b.yaml", b"title: t\nsummary: s\nupdated: 2021-22\nsections: []\n")
    assert parsed.root is not None
    messages = [p.message for p in schema.check_file("b.yaml", parsed.root, schema.BRIEFING)[1]]
    assert messages[0] == ("'updated' takes an exact date (YYYY, YYYY-MM or YYYY-MM-DD), not '2021-22'; seasons, "
                           "qualifiers and intervals are for a fact's date and as_of and a source's published")


# --- properties --------------------------------------------------------------------------------

@st.composite
def points(draw: st.DrawFn) -> Point:
    year = draw(st.integers(FIRST_YEAR, LAST_YEAR))
    if draw(st.booleans()) and draw(st.booleans()):
        return Point(PartialDate(year), draw(st.integers(21, 24)))
    month = draw(st.none() | st.integers(1, 12))
    day = None
    if month is not None and draw(st.booleans()):
        day = draw(st.integers(1, 28 if month == 2 else 30))
    return Point(PartialDate(year, month, day), None, draw(st.sampled_from(["", "~", "?", "%"])))


@st.composite
def edtf_dates(draw: st.DrawFn) -> EdtfDate:
    start = draw(points())
    kind = draw(st.sampled_from(["point", "closed", "open-start", "open-end"]))
    if kind == "point":
        return EdtfDate(start, start)
    if kind == "open-start":
        return EdtfDate(None, start, True)
    if kind == "open-end":
        return EdtfDate(start, None, True)
    end = draw(points())
    if start.period()[0] > end.period()[1]:
        start, end = end, start
    return EdtfDate(start, end, True)


@given(edtf_dates())
def test_words_read_back_as_the_same_date(date: EdtfDate) -> None:
    assert parse_words(date.display()) == date
    assert EdtfDate.parse(date.iso()) == date


@given(edtf_dates())
def test_bounds_hold_the_stated_period_and_the_sort_key_is_total(date: EdtfDate) -> None:
    (first, last), (earliest, latest) = date.period(), date.bounds()
    if first and earliest:
        assert earliest <= first
    if last and latest:
        assert last <= latest
    assert date.first_day() <= date.last_day()
    assert isinstance(date.sort_key()[0], dt.date)


@settings(deadline=None, max_examples=60)  # the edtf package parses in milliseconds
@given(edtf_dates())
def test_the_edtf_package_agrees_on_validity_and_stated_bounds(date: EdtfDate) -> None:
    text = date.iso()
    assert edtf.is_valid_edtf(text)
    first, last = date.period()
    if first is None or last is None or "-24" in text:
        return  # edtf cannot bound open intervals, and ends winter on 31 December
    parsed = edtf.parse_edtf(text)
    assert (dt.date(*parsed.lower_strict()[:3]), dt.date(*parsed.upper_strict()[:3])) == (first, last)


def test_suggestions_never_guess_at_ambiguous_numbers() -> None:
    assert suggest("21-04-26") is None
    assert suggest("04/05/2021") is None
    assert suggest("2021 or 2022") is None
    found = suggest("the summer of 2021")
    assert found is not None and found.iso() == "2021-22"


def test_accepted_dates_are_parsed_without_the_slow_edtf_grammar(monkeypatch: pytest.MonkeyPatch) -> None:
    """A load parses every fact's date: accepted forms must not go through pyparsing (2–4 ms a value)."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("edtf.parse_edtf called for an accepted date")

    monkeypatch.setattr(edtf, "parse_edtf", refuse)
    for form in FORMS:
        EdtfDate.parse(form[0])

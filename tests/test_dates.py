from __future__ import annotations

import pytest

from build_tools.dates import DateError, PartialDate


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


def test_partial_dates_span_their_whole_period() -> None:
    month = PartialDate.parse("2024-02")
    assert (month.first_day().isoformat(), month.last_day().isoformat()) == ("2024-02-01", "2024-02-29")
    year = PartialDate.parse("2021")
    assert (year.first_day().isoformat(), year.last_day().isoformat()) == ("2021-01-01", "2021-12-31")

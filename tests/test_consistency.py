"""FCT008 fact-beyond-quotes: a fact's figures, names and dates against its quotes, case by case."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from build_tools import claims
from build_tools.config import load_config
from build_tools.lint import lint_project

SNAPSHOT = (
    "The ministry said on Monday that it had spent $1.5 million on 1,204 new buses in March 2023.\n"
    "\"We will open three new lines,\" Maria Lopez, the transport secretary, said.\n"
    "Officials counted 20% more riders in June, according to the union.\n"
    "The mayor, Ana Ruiz, met Governor Tom Baker in Springfield on 4 March 2024.\n"
    "He said the project would cost 12 billion dollars over two decades.\n"
    "The U.S. Department of Transportation approved the plan.\n"
)
SOURCE = f"""\
title: Transit plan approved
outlet: City Herald
author: Jane Doe
published: 2024-03-05
url: https://example.org/transit
snapshot:
  sha256: {hashlib.sha256(SNAPSHOT.encode()).hexdigest()}
"""
CONFIG = """\
[lint.fact-beyond-quotes.aliases]
"Department of Transportation" = ["the ministry"]
"Springfield" = ["the capital"]
"""


@dataclass(frozen=True)
class Case:
    text: str
    quotes: tuple[str, ...]
    missing: tuple[str, ...] = ()  # what the rule must report, in its messages' words; () when clean
    date: str = "2024-03-04"
    as_of: str | None = None
    context: str | None = None


SPENT = "it had spent $1.5 million on 1,204 new buses in March 2023"
LINES = "\"We will open three new lines,\" Maria Lopez, the transport secretary, said"
RIDERS = "Officials counted 20% more riders in June"
MEETING = "The mayor, Ana Ruiz, met Governor Tom Baker in Springfield on 4 March 2024"
COST = "He said the project would cost 12 billion dollars over two decades"
PLAN = "The U.S. Department of Transportation approved the plan."

CASES = {
    # Figures: the same value, however it is written; a changed value or an added unit is reported.
    "figure as quoted": Case("The ministry said it had spent $1.5 million on buses.", (SPENT,)),
    "figure changed": Case("The ministry said it had spent $2.5 million on buses.", (SPENT,), ('"$2.5 million"',)),
    "figure in full": Case("The ministry said it had spent $1,500,000 on buses.", (SPENT,)),
    "currency as a word": Case("The ministry said it had spent 1.5 million dollars on buses.", (SPENT,)),
    "unit left out": Case("The ministry said it had spent 1.5 million on buses.", (SPENT,)),
    "currency added": Case("The ministry said it had bought buses for $1,204.", (SPENT,), ('"$1,204"',)),
    "thousands separator": Case("The ministry said it had bought 1,204 buses.", (SPENT,)),
    "digits for a number word": Case("Maria Lopez said the city would open 3 new lines.", (LINES,)),
    "number word changed": Case("Maria Lopez said the city would open four new lines.", (LINES,), ('"four"',)),
    "percentage as quoted": Case("Officials counted 20% more riders in June 2023.", (RIDERS,)),
    "percentage in words": Case("Officials counted 20 percent more riders in June 2023.", (RIDERS,)),
    "percentage sign dropped": Case("Officials counted 20 more riders in June 2023.", (RIDERS,), ('"20"',)),
    "scale in words": Case("He said the project would cost twelve billion dollars.", (COST,)),
    "money sign for a money word": Case("He said the project would cost $12 billion.", (COST,)),
    "a span changed": Case("He said the project would cost 12 billion dollars over twenty years.", (COST,),
                           ('"twenty"',)),
    # Names: in a quote, a context quote, the source's details, or through an alias.
    "name in the quote": Case("Maria Lopez said the city would open three new lines.", (LINES,)),
    "name missing": Case("Ana Ruiz said the city would open three new lines.", (LINES,), ('"Ana" and "Ruiz"',)),
    "speaker from a context quote": Case("Maria Lopez said the city would open three new lines.",
                                         ("\"We will open three new lines,\"",),
                                         context="Maria Lopez, the transport secretary, said"),
    "speaker missing without context": Case("Maria Lopez said the city would open three new lines.",
                                            ("\"We will open three new lines,\"",), ('"Maria" and "Lopez"',)),
    "context far from its quote": Case("Maria Lopez said the city would open three new lines.",
                                       ("\"We will open three new lines,\"",),
                                       ('"Maria" and "Lopez"', "does not stand in or next to"),
                                       context="The U.S. Department of Transportation approved"),
    "outlet from the source": Case("The City Herald reported that officials counted 20% more riders in June 2023.",
                                   (RIDERS,)),
    "author from the source": Case("Jane Doe reported that officials counted 20% more riders in June 2023.",
                                   (RIDERS,)),
    "name via an alias": Case("The Department of Transportation said it had spent $1.5 million on buses.",
                              ("The ministry said on Monday that " + SPENT,)),
    "alias not in the quote": Case("The Department of Transportation said it had bought 1,204 buses.", (SPENT,),
                                   ('"Department" and "Transportation"',)),
    "title before a name": Case("Governor Tom Baker met Ana Ruiz in Springfield on 4 March 2024.", (MEETING,)),
    "title without a name": Case("The Governor approved the plan.", (PLAN,), ('"Governor"',)),
    "abbreviation without dots": Case("The US Department of Transportation approved the plan.", (PLAN,)),
    "possessive": Case("Ana Ruiz's meeting with Tom Baker was on 4 March 2024.", (MEETING,)),
    "place via an alias": Case("Ana Ruiz met Tom Baker in the capital, Springfield, on 4 March 2024.",
                               ("The mayor, Ana Ruiz, met Governor Tom Baker in Springfield",)),
    "sentence opened by a common word": Case("According to the union, officials counted 20% more riders in June 2023.",
                                             (RIDERS + ", according to the union",)),
    "sentence opened by a name": Case("Springfield hosted the meeting of Ana Ruiz and Tom Baker on 4 March 2024.",
                                      ("met Governor Tom Baker in Springfield on 4 March 2024",),
                                      ('"Ana" and "Ruiz"',)),
    # Dates: they agree with the fact's date or as_of, or a quote gives them.
    "month of the date": Case("In March 2024, Ana Ruiz met Tom Baker.", (MEETING,)),
    "month beside the date": Case("In April 2024, Ana Ruiz met Tom Baker.", (MEETING,), ('"April 2024"',)),
    "day beside the date": Case("On 6 March 2024, Ana Ruiz met Tom Baker.", (MEETING,), ('"6 March 2024"',)),
    "year of the date": Case("In 2024, Ana Ruiz met Tom Baker.", (MEETING,)),
    "date from the quote": Case("The ministry spent $1.5 million on buses in March 2023.", (SPENT,)),
    "month of another year": Case("The ministry spent $1.5 million on buses in March 2022.", (SPENT,),
                                  ('"March 2022"',)),
    "month read in the article's year": Case("Officials counted 20% more riders in June 2023.", (RIDERS,),
                                              date="2024-03-05"),
    "as of its state": Case("As of March 2024, the plan had been approved.", (PLAN,), as_of="2024-03-05"),
    "the day its source reported it": Case("The City Herald reported on 5 March 2024 that officials counted 20% "
                                           "more riders in June 2023.", (RIDERS,)),
    # Words that are not what they seem.
    "one as a pronoun": Case("Maria Lopez described three new lines as one to open.", (LINES,)),
    "one as a number": Case("Maria Lopez said the city would open one new line.", (LINES,), ('"one"',)),
    "a capitalised common word opening a sentence": Case("Buses cost the ministry $1.5 million in March 2023.",
                                                         (SPENT,)),
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("consistency")
    (root / "snaps").mkdir()
    (root / "snaps/transit.txt").write_text(SNAPSHOT, encoding="utf-8")
    (root / "proj/sources").mkdir(parents=True)
    (root / "proj/briefings").mkdir()
    (root / "proj/sources/herald.yaml").write_text(SOURCE, encoding="utf-8")
    (root / "proj/briefings.toml").write_text(CONFIG, encoding="utf-8")
    return root


def briefing(case: Case) -> str:
    citations = []
    for quote in case.quotes:
        citations += ["          - source: herald", f"            quote: {json.dumps(quote)}"]
        if case.context:
            citations.append(f"            context: {json.dumps(case.context)}")
    as_of = f"        as_of: {case.as_of}\n" if case.as_of else ""
    return ("title: Transit\nsummary: The plan.\nupdated: 2024-03\nsections:\n  - title: Plan\n    facts:\n"
            f"      - id: the-fact\n        text: {json.dumps(case.text)}\n        date: {case.date}\n{as_of}"
            "        citations:\n" + "\n".join(citations) + "\n")


@pytest.mark.parametrize("name", list(CASES))
def test_a_fact_says_no_more_than_its_quotes(tree: Path, name: str) -> None:
    case = CASES[name]
    (tree / "proj/briefings/transit.yaml").write_text(briefing(case), encoding="utf-8")
    result = lint_project(load_config(tree / "proj", str(tree / "snaps"), environ={}))
    others = [p.line() for p in result.problems if p.code != "FCT008"]
    assert others == [], others  # every quote is verbatim: only the rule under test speaks
    found = [p for p in result.problems if p.code == "FCT008"]
    assert len(found) == len(case.missing), [p.message for p in found]
    for problem, words in zip(found, case.missing, strict=True):
        assert words in problem.message, problem.message
        expected = (13, 22) if "does not stand" in words else (8, 15)  # the context quote, or the text
        assert (problem.where.line, problem.where.column) == expected


def test_there_are_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30
    assert sum(1 for case in CASES.values() if case.missing) >= 12  # and many are findings


def test_exact_messages(tree: Path) -> None:
    (tree / "proj/briefings/transit.yaml").write_text(briefing(CASES["figure changed"]), encoding="utf-8")
    [problem] = lint_project(load_config(tree / "proj", str(tree / "snaps"), environ={})).problems
    assert problem.line() == (
        'briefings/transit.yaml:8:15: error FCT008 fact says "$2.5 million", which none of its quotes gives as the '
        "same value; quote the words that give it, or correct the fact (fact-beyond-quotes)")
    (tree / "proj/briefings/transit.yaml").write_text(briefing(CASES["month beside the date"]), encoding="utf-8")
    [problem] = lint_project(load_config(tree / "proj", str(tree / "snaps"), environ={})).problems
    assert problem.message == ('fact says "April 2024", but it has date 2024-03-04 and no quote gives that; correct '
                               "the date, or quote the words that give it")


# --- what the sentence claims --------------------------------------------------------------

def test_figures_are_values_with_units() -> None:
    found = {(f.value, f.unit) for f in claims.figures(
        "It cost $1.5 million, 1,204 buses, 20% and twelve billion dollars; in March 2023 and on 4 June.")}
    assert found == {(Decimal(1_500_000), "$"), (Decimal(1204), ""), (Decimal(20), "%"),
                     (Decimal(12_000_000_000), "$")}  # the dates are not figures


def test_names_leave_out_titles_months_and_sentence_openers() -> None:
    assert claims.names("In March, President Biden met Giammattei's aides. The U.S. team and SOTT.net agreed.") == [
        "Biden", "Giammattei", "U.S.", "SOTT.net"]
    assert claims.appears("U.S.", ["the US team"]) and claims.appears("US", ["the U.S. team"])
    assert not claims.appears("Harris", ["Harrison said"])


def test_dates_with_and_without_a_year() -> None:
    mentions = claims.dates("On 24 March 2021, in June, and on Feb. 6, and in 2022")
    assert [(m.year, m.month, m.day) for m in mentions] == [(2021, 3, 24), (None, 6, None), (None, 2, 6),
                                                             (2022, None, None)]
    import datetime as dt
    assert claims.dated(mentions[1], dt.date(2024, 1, 11)).year == 2023  # "in June", written in January 2024

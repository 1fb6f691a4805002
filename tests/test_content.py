"""The real briefings, read as a reader and an editor would: one fact per claim, states with their dates,
events apart from the accounts that dispute them. These hold for our content, not for every project."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from build_tools.dates import EdtfDate


@pytest.fixture(scope="module")
def export(mkdocs_site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((mkdocs_site / "data/briefings.json").read_text(encoding="utf-8"))
    return data


def _page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def _said(text: str) -> str:
    """A fact's text as a reader compares two: case, spacing and typographic quotes aside."""
    folded = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return " ".join(folded.split()).casefold()


def test_no_fact_text_appears_twice_in_the_export(export: dict[str, Any]) -> None:
    counts = Counter(_said(fact["text"]) for fact in export["facts"])
    assert [text for text, n in counts.items() if n > 1] == []


def test_no_two_facts_rest_on_the_same_quotes(export: dict[str, Any]) -> None:
    """Two facts with exactly the same evidence say the same thing twice: one claim, one fact."""
    by_evidence: dict[frozenset[tuple[str, str]], list[str]] = defaultdict(list)
    for fact in export["facts"]:
        by_evidence[frozenset((c["source"], c["quote"]) for c in fact["citations"])].append(fact["id"])
    assert [ids for ids in by_evidence.values() if len(ids) > 1] == []


def test_every_state_says_as_of_when(export: dict[str, Any]) -> None:
    assert [f["id"] for f in export["facts"] if f["kind"] == "state" and not f["as_of"]] == []


def test_a_superseded_claim_points_to_a_later_undisputed_fact(export: dict[str, Any]) -> None:
    """A claim of no contact is superseded by a contact after its as-of date; the contact itself is not in
    dispute (an account of what was said may be, but then it is a separate fact)."""
    facts = {f["id"]: f for f in export["facts"]}
    superseded = [f for f in export["facts"] if f["status"]["value"] == "superseded"]
    assert superseded
    for fact in superseded:
        assert fact["status"]["by"], fact["id"]
        since = EdtfDate.parse(fact["as_of"] or fact["date"]).latest
        for later_id in fact["status"]["by"]:
            later = facts[later_id]
            assert later["status"]["value"] != "disputed", (fact["id"], later_id)
            assert since is not None and EdtfDate.parse(later["date"]).earliest > since, (fact["id"], later_id)


def test_disputed_accounts_dispute_each_other(export: dict[str, Any]) -> None:
    facts = {f["id"]: f for f in export["facts"]}
    disputed = [f for f in export["facts"] if f["status"]["value"] == "disputed"]
    assert disputed
    for fact in disputed:
        for other in fact["status"]["by"]:
            assert facts[other]["status"]["value"] == "disputed" and fact["id"] in facts[other]["status"]["by"]


def test_every_briefing_page_starts_with_its_short_answer(mkdocs_site: Path, export: dict[str, Any]) -> None:
    """Right under the title, before the summary: a box with the two or three facts that answer the page's
    question, each in full with its footnotes, linking to the fact below."""
    facts = {f["id"]: f for f in export["facts"]}
    assert export["briefings"]
    for briefing in export["briefings"]:
        assert 2 <= len(briefing["short_answer"]) <= 3, briefing["id"]
        article = _page(mkdocs_site, f"briefings/{briefing['id']}").find("article")
        assert article is not None
        title, first = [child for child in article.children if getattr(child, "name", None)][:2]
        assert title.name == "h1" and "sb-short-answer" in first.get("class", []), briefing["id"]
        lines = [p for p in first.find_all("p") if p.select('a[href*="#fact-"]')]
        linked = [p.select_one('a[href*="#fact-"]')["href"].split("#fact-", 1)[1] for p in lines]
        assert linked == briefing["short_answer"], briefing["id"]
        for fact_id, line in zip(linked, lines, strict=True):
            assert facts[fact_id]["status"]["value"] != "superseded"
            assert _said(facts[fact_id]["text"]) in _said(line.get_text(" ")), fact_id
            assert line.select('a[href^="#fn:"]'), fact_id  # each answer shows its evidence too


def test_contacts_lead_with_the_latest_contact_and_the_white_house_silence(export: dict[str, Any]) -> None:
    """The contacts answer: the most recent contact any article reports, the latest claim about when they
    last spoke, and the White House's non-response, each with who says so."""
    contacts = next(b for b in export["briefings"] if b["id"] == "contacts")
    facts = {f["id"]: f for f in export["facts"]}
    answer = [facts[i] for i in contacts["short_answer"]]
    events = [f for f in export["facts"] if f["briefing"] == "contacts" and f["section"].startswith("Contacts")
              and f["kind"] == "event"]
    # The latest contact is the one known to be latest: an undated contact ("by 11 January 2024") may be
    # any time before, so it is placed by the earliest day it can mean, and one open at the start by none.
    placed = [(EdtfDate.parse(f["date"]).earliest, f) for f in events]
    latest = max(((day, f) for day, f in placed if day is not None), key=lambda pair: pair[0])[1]
    assert latest["id"] == answer[0]["id"] and "Harris called Giammattei" in latest["text"]
    assert any(f["as_of"] and "last conversation" in f["text"] for f in answer)
    assert any("White House did not respond" in f["text"] for f in answer)


def test_outlets_of_unknown_name_are_not_counted_as_outlets(mkdocs_site: Path) -> None:
    mix = _page(mkdocs_site, "briefings/contacts").get_text(" ")
    assert "5 sources from 4 outlets and 1 whose outlet is unknown" in " ".join(mix.split())
    index = " ".join(_page(mkdocs_site, "sources").get_text(" ").split())
    assert "5 archived articles from 4 outlets and 1 whose outlet is unknown" in index


def test_claims_of_no_contact_say_as_of_when_and_what_superseded_them(export: dict[str, Any]) -> None:
    """Each claim of no contact holds as of a date; one that a later contact contradicts is superseded by that
    contact, which stands in the contacts table (so a reader sees the claim and the call that ended it)."""
    facts = {f["id"]: f for f in export["facts"]}
    contacts = [f for f in export["facts"] if f["briefing"] == "contacts"]
    claims = [f for f in contacts if f["section"].startswith("Claims of no contact")]
    table = {f["id"] for f in contacts if f["section"].startswith("Contacts reported")}
    assert len(claims) >= 5
    for claim in claims:
        assert claim["as_of"] or claim["kind"] == "statement", claim["id"]
        if claim["status"]["value"] == "superseded":
            assert all(other in table and facts[other]["kind"] == "event" for other in claim["status"]["by"])
    superseded = [c for c in claims if c["status"]["value"] == "superseded"]
    assert len(superseded) >= 3  # 2021-04, 2021-12 and 2022-07 were each ended by a later contact

"""The real briefings, read as a reader and an editor would: one fact per claim, states with their dates,
events apart from the accounts that dispute them. These hold for our content, not for every project."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from build_tools.dates import EdtfDate


@pytest.fixture(scope="module")
def export(mkdocs_site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((mkdocs_site / "data/briefings.json").read_text(encoding="utf-8"))
    return data


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

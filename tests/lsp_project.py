"""A small synthetic project for the language server's tests (no article text): three snapshots, two
sources, a clean briefing and one with a problem of each kind the quick fixes handle."""

from __future__ import annotations

import hashlib
from pathlib import Path

HARBOUR_TEXT = (
    "The port authority said on Tuesday that the harbour would reopen in June after repairs.\n"
    "Ships waited outside the breakwater for three days, according to the coast guard.\n"
    "“We are ready to welcome the fleet,” the harbour master said — and the crews agreed.\n"
    "The ferry carried 2,310 passengers in its first week, the operator said.\n"
)
COUNCIL_TEXT = (
    "The city council voted on Monday to fund a new pier at the harbour.\n"
    "The mayor said the pier would cost 4.5 million euros and open next spring.\n"
    "Councillors from the opposition said the plan had not been costed.\n"
)
# In the store, but no source names it yet: what "create the source file" finds by its quote.
BUS_TEXT = (
    "A new bus line will link the station to the harbour from May, the transport office said on Friday.\n"
    "Tickets will cost two euros.\n"
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def source_yaml(title: str, outlet: str, published: str, url: str, text: str, file: str) -> str:
    return (f"title: {title}\noutlet: {outlet}\npublished: {published}\nurl: {url}\n"
            f"snapshot:\n  sha256: {sha(text)}\n  file: {file}\n")


HARBOUR_BRIEFING = """\
title: The harbour
summary: What the port authority and the council said about the harbour.
updated: 2024-03
sections:
  - title: Reopening
    facts:
      - id: harbour-reopens
        text: The port authority said the harbour would reopen in June.
        date: 2024-03-05
        citations:
          - source: harbour-herald
            quote: "the harbour would reopen in June"
      - id: ships-waited
        text: Ships waited outside the breakwater for three days, the coast guard said.
        date: 2024-03-05
        citations:
          - source: harbour-herald
            quote: "Ships waited outside the breakwater for three days"
  - title: The pier
    facts:
      - id: pier-funded
        text: The city council voted to fund a new pier at the harbour.
        date: 2024-03-04
        citations:
          - source: council-news
            quote: "The city council voted on Monday to fund a new pier"
"""

# Line numbers matter: the tests name the places of these problems.
PROBLEMS_BRIEFING = """\
title: Harbour problems
summary: Facts with the problems the language server fixes.
updated: 2024-03
sections:
  - title: Problems
    facts:
      - id: near-miss
        text: The port authority said the harbour would reopen.
        date: 2024-03-05
        citations:
          - source: harbour-herald
            quote: "the Harbour would reopen in june"
      - id: ferry-state
        text: The ferry operator said it carried 2,310 passengers in its first week.
        date: 2024-03-05
        kind: state
        citations:
          - source: harbour-herald
            quote: "The ferry carried 2,310 passengers in its first week"
      - id: bus-line
        text: The transport office said a new bus line would link the station to the harbour.
        date: 2024-03
        kind: plan
        citations:
          - source: bus-news
            quote: "A new bus line will link the station to the harbour"
      - id: old-reopening
        text: The port authority said the harbour would reopen in June.
        date: 2024-03-05
        status:
          value: superseded
          by: [harbour-reopens]
          reason: A later fact says the same.
        citations:
          - source: harbour-herald
            quote: "the harbour would reopen in June"
"""


def write_project(base: Path) -> tuple[Path, Path]:
    """The project and its snapshot store under `base`: (root, snapshots)."""
    root, snapshots = base / "project", base / "snapshots"
    for folder in (root / "sources", root / "briefings", snapshots):
        folder.mkdir(parents=True)
    for name, text in (("harbour.txt", HARBOUR_TEXT), ("council.txt", COUNCIL_TEXT), ("bus.txt", BUS_TEXT)):
        (snapshots / name).write_text(text, encoding="utf-8")
    (root / "sources/harbour-herald.yaml").write_text(source_yaml(
        "Harbour to reopen in June", "Harbour Herald", "2024-03-05", "https://example.org/harbour", HARBOUR_TEXT,
        "harbour.txt"), encoding="utf-8")
    (root / "sources/council-news.yaml").write_text(source_yaml(
        "Council funds a new pier", "Council News", "2024-03-04", "https://example.org/pier", COUNCIL_TEXT,
        "council.txt"), encoding="utf-8")
    (root / "briefings/harbour.yaml").write_text(HARBOUR_BRIEFING, encoding="utf-8")
    (root / "briefings/problems.yaml").write_text(PROBLEMS_BRIEFING, encoding="utf-8")
    (root / "briefings.toml").write_text('[project]\ntitle = "Harbour"\n', encoding="utf-8")
    return root, snapshots

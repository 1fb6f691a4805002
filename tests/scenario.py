"""A small project with a git history, made inside a test: facts added, reworded, corrected and not,
re-statused, removed and renamed, one commit each, at fixed dates (so builds are reproducible)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import QUIET_CONSISTENCY, SNAPSHOT_TEXT, SOURCE_YAML, MiniProject

HEAD = """\
title: The bridge
summary: What the city said about the bridge.
updated: 2024-03
sections:
  - title: Reopening
    facts:
"""


@dataclass(frozen=True)
class Fact:
    id: str
    text: str
    quote: str
    date: str = "2024-03-04"
    extra: str = ""  # more YAML lines for the fact, indented under it

    def yaml(self) -> str:
        lines = [f"      - id: {self.id}", f"        text: {self.text}", f"        date: {self.date}"]
        lines += [f"        {line}" for line in self.extra.splitlines() if line.strip()]
        lines += ["        citations:", "          - source: city-herald-2024", f'            quote: "{self.quote}"']
        return "\n".join(lines) + "\n"


def briefing(facts: Sequence[Fact]) -> str:
    return HEAD + "".join(fact.yaml() for fact in facts)


REOPENS = Fact("bridge-reopens", "The minister said the bridge would reopen in May.", "the bridge would reopen in May")
VEHICLES = Fact("first-day-traffic", "Officials counted 1,204 vehicles on the first day, according to the city.",
                "Officials counted 1,204 vehicles on the first day")
MAYOR = Fact("mayor-pleased", "The mayor said the city was very pleased, on 4 March 2024.", "We are very pleased")
COUNCIL = Fact("council-agreed", "The council agreed, the City Herald reported.", "the council agreed")
MONDAY = Fact("minister-monday", "The minister spoke on Monday, the City Herald reported.",
              "The minister said on Monday")

CORRECTION = """\
corrections:
  - date: 2024-03-10
    kind: major
    wrong: The fact dated the mayor's statement 3 March.
    changed: It now gives 4 March, the day the article reports.
"""

# The commits, oldest first: (message, ISO date, facts in the briefing after the commit).
STEPS: list[tuple[str, str, list[Fact]]] = [
    ("Add five facts", "2024-03-05T09:00:00Z",
     [REOPENS, VEHICLES, Fact(MAYOR.id, MAYOR.text.replace("4 March", "3 March"), MAYOR.quote), COUNCIL, MONDAY]),
    ("Reword: a typo-level change", "2024-03-06T09:00:00Z",
     [Fact(REOPENS.id, "The minister said that the bridge would reopen in May.", REOPENS.quote), VEHICLES,
      Fact(MAYOR.id, MAYOR.text.replace("4 March", "3 March"), MAYOR.quote), COUNCIL, MONDAY]),
    ("Change a figure without a correction", "2024-03-07T09:00:00Z",
     [Fact(REOPENS.id, "The minister said that the bridge would reopen in May.", REOPENS.quote),
      Fact(VEHICLES.id, VEHICLES.text.replace("1,204", "1,240"), VEHICLES.quote),
      Fact(MAYOR.id, MAYOR.text.replace("4 March", "3 March"), MAYOR.quote), COUNCIL, MONDAY]),
    ("Correct a date in the text, with a correction entry", "2024-03-10T09:00:00Z",
     [Fact(REOPENS.id, "The minister said that the bridge would reopen in May.", REOPENS.quote),
      Fact(VEHICLES.id, VEHICLES.text.replace("1,204", "1,240"), VEHICLES.quote),
      Fact(MAYOR.id, MAYOR.text, MAYOR.quote, extra=CORRECTION), COUNCIL, MONDAY]),
    ("Mark a fact superseded", "2024-03-11T09:00:00Z",
     [Fact(REOPENS.id, "The minister said that the bridge would reopen in May.", REOPENS.quote,
           extra="status:\n  value: superseded\n  by: [mayor-pleased]\n  reason: The bridge has reopened."),
      Fact(VEHICLES.id, VEHICLES.text.replace("1,204", "1,240"), VEHICLES.quote),
      Fact(MAYOR.id, MAYOR.text, MAYOR.quote, extra=CORRECTION), COUNCIL, MONDAY]),
    ("Remove a fact", "2024-03-12T09:00:00Z",
     [Fact(REOPENS.id, "The minister said that the bridge would reopen in May.", REOPENS.quote,
           extra="status:\n  value: superseded\n  by: [mayor-pleased]\n  reason: The bridge has reopened."),
      Fact(VEHICLES.id, VEHICLES.text.replace("1,204", "1,240"), VEHICLES.quote),
      Fact(MAYOR.id, MAYOR.text, MAYOR.quote, extra=CORRECTION), MONDAY]),
    ("Rename a fact, and change its date", "2024-03-13T09:00:00Z",
     [Fact(REOPENS.id, "The minister said that the bridge would reopen in May.", REOPENS.quote,
           extra="status:\n  value: superseded\n  by: [mayor-pleased]\n  reason: The bridge has reopened."),
      Fact(VEHICLES.id, VEHICLES.text.replace("1,204", "1,240"), VEHICLES.quote),
      Fact(MAYOR.id, MAYOR.text, MAYOR.quote, extra=CORRECTION),
      Fact("minister-statement", MONDAY.text, MONDAY.quote, date="2024-03",
           extra="replaces: minister-monday")]),
]
# After the last commit: the briefing as it is now.
FINAL = STEPS[-1][2]


def git(root: Path, *args: str, date: str = "2024-03-01T00:00:00Z") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull}
    result = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return result.stdout


def commit(project: MiniProject, message: str, date: str, facts: Sequence[Fact]) -> str:
    project.write("briefings/bridge.yaml", briefing(facts))
    git(project.root, "add", "-A", date=date)
    git(project.root, "commit", "-q", "-m", message, date=date)
    return git(project.root, "rev-parse", "HEAD").strip()


def make_history(project: MiniProject, steps: Sequence[tuple[str, str, Sequence[Fact]]] = STEPS) -> list[str]:
    """Turn the project into a git repository with the given commits; their ids, oldest first."""
    (project.snapshots / "bridge.txt").write_text(SNAPSHOT_TEXT, encoding="utf-8")
    project.write("sources/city-herald-2024.yaml", SOURCE_YAML)
    project.write("briefings.toml", QUIET_CONSISTENCY)  # the history changes figures on purpose
    project.write(".gitignore", "build/\n")
    git(project.root, "init", "-q", "-b", "main")
    return [commit(project, message, date, facts) for message, date, facts in steps]

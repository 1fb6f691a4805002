"""The README is the editor's manual: every command `briefings --help` lists is in its command table."""

from __future__ import annotations

import argparse
import re

from build_tools.cli import _parser
from tests.conftest import ROOT


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    """Every command path (`lint`, `snapshot add`, `new fact`, ...), from the parser `--help` prints."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _commands(sub, f"{prefix}{name} ")
                found.extend(nested or [f"{prefix}{name}"])
    return found


def _table() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Commands\n"):]
    section = section[:section.index("\n#", 1)]
    return [line.split(" | ")[0] for line in section.splitlines() if line.startswith("| `briefings ")]


def test_every_command_in_help_is_in_the_readme_command_table() -> None:
    commands = _commands(_parser())
    assert {"lint", "quote", "snapshot add", "snapshot push", "new fact", "bench"} <= set(commands)
    rows = _table()
    missing = [command for command in commands
               if not any(re.search(rf"`briefings {re.escape(command)}(?=[ `])", row) for row in rows)]
    assert missing == [], f"add these to the README's command table: {missing}"


def test_the_editors_path_uses_the_commands_as_they_are() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    path = text[text.index("## The editor's path"):text.index("## What readers see")]
    shown = re.findall(r"^briefings ([a-z]+(?: [a-z]+)?)", path, flags=re.MULTILINE)
    commands = set(_commands(_parser()))
    assert shown and all(name in commands or name.split()[0] in commands for name in shown), shown

"""Golden tests: each hostile input in the corpus gets exactly its expected lines and exit code 1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from build_tools.cli import main
from tests import hostile_server
from tests.conftest import ROOT, MiniProject
from tests.corpus import CASES, COMMAND_CASES, Case, CommandCase, render_page


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_input_gets_its_exact_message(project: MiniProject, case: Case,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = project.root / case.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(case.content)
    code = main(["lint", "--root", str(project.root), "--snapshots", str(project.snapshots)])
    out = capsys.readouterr().out.splitlines()
    problems = [line for line in out[:-1] if "SRC001" not in line and "FCT001" not in line]
    assert problems == list(case.expected)
    assert code == (1 if any(" error " in line for line in case.expected) else 0)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    base, stop = hostile_server.start()
    yield base
    stop()


@pytest.mark.parametrize("case", COMMAND_CASES, ids=lambda c: c.name)
def test_hostile_command_gets_its_exact_lines_and_exit_code(project: MiniProject, case: CommandCase, tmp_path: Path,
                                                            server: str, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    for rel, content in case.files.items():
        (project.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (project.root / rel).write_bytes(content)
    if case.setup is not None:
        case.setup(project.root, scratch)
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("BRIEFINGS_SNAPSHOTS", str(project.snapshots))
    places = {"root": project.root, "scratch": scratch, "server": server}
    code = main([arg.format(**places) for arg in case.argv])
    captured = capsys.readouterr()
    shown = captured.err.splitlines() + captured.out.splitlines()
    expected = [line.format(**places) for line in case.expected]
    assert shown == expected
    assert "Traceback" not in captured.err
    assert code == case.code


def test_reliability_page_is_up_to_date() -> None:
    assert (ROOT / "docs/reliability.md").read_text(encoding="utf-8") == render_page(), \
        "docs/reliability.md is stale: run `python -m tests.corpus`"

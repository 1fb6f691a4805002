"""YAML syntax errors with advice: one golden file per hint (tests/golden/yaml_hints/NAME.input → NAME.out).

Each `.out` holds the exact first three lines `briefings lint` prints for a briefing file holding the
`.input`: the problem with its advice, then the line at fault with a caret under the place.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from build_tools.cli import main
from build_tools.problems import Location, Problem, Severity
from build_tools.yaml_nodes import parse_yaml

GOLDEN = Path(__file__).parent / "golden/yaml_hints"
CASES = sorted(path.stem for path in GOLDEN.glob("*.input"))


def test_every_hint_has_its_golden_file() -> None:
    assert set(CASES) == {
        "colon-in-plain-value", "quote-inside-double-quotes", "text-after-the-closing-quote",
        "apostrophe-inside-single-quotes", "line-indented-too-little", "line-indented-too-much",
        "tab-in-indentation", "unclosed-bracket", "unclosed-double-quote", "unclosed-single-quote",
        "key-without-colon", "value-starting-with-a-reserved-character"}
    assert {path.stem for path in GOLDEN.glob("*.out")} == set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_yaml_hint(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "briefings").mkdir()
    (tmp_path / "briefings/a.yaml").write_bytes((GOLDEN / f"{name}.input").read_bytes())
    assert main(["lint", "--root", str(tmp_path), "--snapshots", str(tmp_path)]) == 1
    shown = capsys.readouterr().out.split("\n")[:3]
    assert shown == (GOLDEN / f"{name}.out").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", ["colon-in-plain-value", "quote-inside-double-quotes",
                                  "text-after-the-closing-quote", "apostrophe-inside-single-quotes"])
def test_the_line_a_hint_suggests_parses_as_the_editor_meant(name: str) -> None:
    text = (GOLDEN / f"{name}.input").read_text(encoding="utf-8")
    problem = parse_yaml("a.yaml", text.encode("utf-8")).problems[0]
    suggested = re.search(r"(?:quotes|other quotes): (\w+: .+?)(?: \(or write|$)", problem.message)
    assert suggested is not None, problem.message
    line = suggested.group(1)
    lines = text.splitlines()
    lines[problem.where.line - 1] = line
    fixed = yaml.safe_load("\n".join(lines))
    key, value = line.split(": ", 1)
    assert fixed[key] == yaml.safe_load(value)
    assert parse_yaml("a.yaml", "\n".join(lines).encode("utf-8")).problems == ()


def test_the_excerpt_is_in_json_and_control_characters_are_escaped(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "briefings").mkdir()
    (tmp_path / "briefings/a.yaml").write_text("title: Phone calls: 2024\n", encoding="utf-8")
    assert main(["lint", "--root", str(tmp_path), "--snapshots", str(tmp_path), "--format", "json"]) == 1
    assert '"excerpt": "1 | title: Phone calls: 2024\\n  |                   ^"' in capsys.readouterr().out
    problem = Problem(Location("a.yaml"), "YML001", "invalid-yaml", Severity.ERROR, "m", excerpt="1 | a\x1bb\n  | ^")
    assert "\x1b" not in problem.excerpt and problem.excerpt.endswith("\n  | ^")

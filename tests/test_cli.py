"""End to end through the `briefings` command: exact output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BRIEFING_YAML, ROOT, MiniProject


def run(project: MiniProject, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "BRIEFINGS_SNAPSHOTS": str(project.snapshots)}
    return subprocess.run([sys.executable, "-m", "build_tools", *args], cwd=project.root, text=True,
                          capture_output=True, env={**base, **(env or {}), "PYTHONPATH": str(ROOT)})


def break_project(project: MiniProject) -> None:
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("would reopen", "will reopen")
                  .replace("date: 2024-03-04", "date: 2024-02-30"))


def test_clean_project_exits_0_with_a_summary(project: MiniProject) -> None:
    result = run(project, "lint")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "0 errors, 0 warnings in 2 files (1 source, 1 briefing, 1 fact, 1 citation)\n"


def test_problems_exit_1_with_exact_lines(project: MiniProject) -> None:
    break_project(project)
    result = run(project, "lint")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "briefings/bridge.yaml:9:15: error SCH005 '2024-02-30' does not exist: February 2024 has 29 days "
        "(invalid-date)",
        "briefings/bridge.yaml:12:20: error CIT003 quote not found in snapshot of 'city-herald-2024'; closest "
        'passage: "the bridge would reopen in May" (quote has "will" where the snapshot has "would") '
        "(quote-not-in-snapshot)",
        "2 errors, 0 warnings in 2 files (1 source, 1 briefing, 1 fact, 1 citation)",
    ]


def test_github_format_is_chosen_on_github_actions(project: MiniProject) -> None:
    break_project(project)
    result = run(project, "lint", env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=briefings/bridge.yaml,line=9,col=15,title=SCH005 invalid-date::'2024-02-30' does not "
        "exist: February 2024 has 29 days")


def test_json_format(project: MiniProject) -> None:
    break_project(project)
    result = run(project, "lint", "--format", "json")
    data = json.loads(result.stdout)
    assert [(p["line"], p["code"]) for p in data["problems"]] == [(9, "SCH005"), (12, "CIT003")]
    assert data["summary"]["errors"] == 2


def test_lint_of_named_files_reports_only_them(project: MiniProject) -> None:
    break_project(project)
    result = run(project, "lint", "sources/city-herald-2024.yaml")
    assert result.returncode == 0
    assert run(project, "lint", "briefings/bridge.yaml").returncode == 1


def test_warnings_exit_0_unless_strict(project: MiniProject) -> None:
    project.write("sources/spare.yaml", (project.root / "sources/city-herald-2024.yaml").read_text())
    assert run(project, "lint").returncode == 0
    assert run(project, "lint", "--strict").returncode == 1


def test_usage_errors_exit_2(project: MiniProject, tmp_path: Path) -> None:
    assert run(project, "lint", "--format", "xml").returncode == 2
    assert run(project).returncode == 2
    missing = run(project, "lint", "--root", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_broken_config_exits_2_without_traceback(project: MiniProject) -> None:
    project.write("briefings.toml", "[project\n")
    result = run(project, "lint")
    assert result.returncode == 2
    assert result.stderr == "briefings.toml:1:9: invalid TOML: Expected ']' at the end of a table declaration\n"


def test_snapshots_option_beats_environment(project: MiniProject, tmp_path: Path) -> None:
    result = run(project, "lint", "--snapshots", str(tmp_path / "elsewhere"))
    assert result.returncode == 1
    assert "elsewhere (from --snapshots) does not exist" in result.stdout


def test_rules_and_explain(project: MiniProject) -> None:
    listing = run(project, "rules").stdout
    assert "CIT003  error    quote-not-in-snapshot" in listing
    explained = run(project, "explain", "quote-not-in-snapshot")
    assert explained.returncode == 0
    assert explained.stdout.startswith("CIT003 quote-not-in-snapshot (error)\n\nQuote is not verbatim")
    assert run(project, "explain", "XYZ999").returncode == 2


def test_build_writes_pages_and_keeps_them_when_input_breaks(project: MiniProject) -> None:
    first = run(project, "build")
    assert first.returncode == 0, first.stdout + first.stderr
    page = project.root / "build/pages/briefings/bridge.md"
    before = page.read_bytes()
    mtime = page.stat().st_mtime_ns
    again = run(project, "build")
    assert "wrote 0 files" in again.stdout
    assert page.stat().st_mtime_ns == mtime
    break_project(project)
    failed = run(project, "build")
    assert failed.returncode == 1
    assert "previous output is unchanged" in failed.stderr
    assert page.read_bytes() == before


def test_version() -> None:
    result = subprocess.run([sys.executable, "-m", "build_tools", "--version"], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.stdout.startswith("briefings 0.")


BRIEFING = "briefings/bridge.yaml"
SOURCE = "sources/city-herald-2024.yaml"

def _replace(path: str, old: str, new: str) -> tuple[str, str, str]:
    return (path, old, new)


@pytest.mark.parametrize(("edit", "expected"), [
    (_replace(BRIEFING, "would reopen in May\"", "would open in May\""), "briefings/bridge.yaml:12:20: error CIT003"),
    (_replace(BRIEFING, "source: city-herald-2024", "source: nowhere"), "briefings/bridge.yaml:11:21: error CIT001"),
    (_replace(BRIEFING, "May\"\n", "May\"\n      - id: bridge-reopens\n        text: Again.\n        date: 2024-03-04\n"
              "        citations:\n          - source: city-herald-2024\n            quote: \"reopen in May\"\n"),
     "briefings/bridge.yaml:13:13: error FCT001"),
    (_replace(BRIEFING, "updated: 2024-03\n", "updated: 2024-03\nupdated: 2024-04\n"),
     "briefings/bridge.yaml:4:1: error YML003"),
    (_replace(BRIEFING, "summary:", "sumary:"), "briefings/bridge.yaml:2:1: error SCH001"),
    (_replace(BRIEFING, "title: The bridge", "title: [The bridge"), "briefings/bridge.yaml:1:8: error YML001"),
    (_replace(SOURCE, "https://example.org/bridge", "javascript:alert(1)"),
     "sources/city-herald-2024.yaml:4:6: error SCH006"),
    (_replace(BRIEFING, "date: 2024-03-04", "date: 2021-13-45"), "briefings/bridge.yaml:9:15: error SCH005"),
], ids=["changed-word", "unknown-source", "duplicate-fact-id", "duplicate-key", "unknown-key", "malformed-yaml",
        "javascript-url", "impossible-date"])
def test_each_broken_input_exits_1_with_its_place_and_code(
        project: MiniProject, edit: tuple[str, str, str], expected: str) -> None:
    path, old, new = edit
    text = (project.root / path).read_text()
    assert old in text
    project.write(path, text.replace(old, new))
    result = run(project, "lint")
    assert result.returncode == 1, result.stdout
    assert result.stdout.splitlines()[0].startswith(expected), result.stdout
    assert "Traceback" not in result.stderr


def test_build_removes_only_files_it_generated(project: MiniProject, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(project, "build", "--out", str(out)).returncode == 0
    assert (out / "sources/city-herald-2024.md").is_file()
    (out / "hand-written.md").write_text("# Mine\n", encoding="utf-8")  # added to a build of ours: kept
    (project.root / "sources/city-herald-2024.yaml").rename(project.root / "sources/renamed-2024.yaml")
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("source: city-herald-2024", "source: renamed-2024"))
    result = run(project, "build", "--out", str(out))
    assert result.returncode == 0, result.stdout
    assert not (out / "sources/city-herald-2024.md").exists()
    assert (out / "sources/renamed-2024.md").is_file()
    assert (out / "hand-written.md").read_text(encoding="utf-8") == "# Mine\n"


def test_linting_named_files_reports_exactly_their_share_of_a_full_lint(project: MiniProject) -> None:
    from build_tools.config import load_config
    from build_tools.lint import lint_project

    break_project(project)
    project.add_source("spare", "Unrelated text about the weather.\n", "url: javascript:alert(1)\n")
    config = load_config(project.root, str(project.snapshots), environ={})
    full = lint_project(config).problems
    for path in ("briefings/bridge.yaml", "sources/spare.yaml", "sources/city-herald-2024.yaml"):
        assert lint_project(config, [path]).problems == tuple(p for p in full if p.where.path == path)


def test_lint_does_not_load_what_only_other_commands_need(project: MiniProject) -> None:
    """`briefings lint` runs on every commit and in the editor: its start-up is part of what the user waits
    for, so it does not import the page renderers, the site writer, the Zensical preparation or rapidfuzz."""
    others = ("build_tools.render.pages", "build_tools.site", "build_tools.sitebuild", "build_tools.export",
              "build_tools.zensical_prep", "build_tools.quote_finder", "build_tools.scaffold", "build_tools.fixes",
              "rapidfuzz", "mkdocs")
    code = ("import sys\nfrom build_tools.cli import main\ncode = main(['lint'])\n"
            f"print(code, sorted(m for m in {others!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=project.root, text=True, capture_output=True,
                            env={"PATH": "/usr/bin:/bin", "BRIEFINGS_SNAPSHOTS": str(project.snapshots),
                                 "PYTHONPATH": str(ROOT)})
    assert result.stdout.splitlines()[-1] == "0 []", result.stdout + result.stderr

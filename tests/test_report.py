"""Reports for CI: GitHub annotations that never drop a problem, the step summary, and SARIF for code scanning."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from build_tools.lint import LintResult
from build_tools.report import Repository, format_problems, format_step_summary
from tests.conftest import SNAPSHOT_SHA, SNAPSHOT_TEXT, MiniProject
from tests.test_cli import run

SARIF_SCHEMA = json.loads((Path(__file__).parent / "schemas/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

# The second line twice: a quote from it stands in two places (CIT006, a warning).
REPEATED = "Officials counted 1,204 vehicles on the first day, according to the city.\n"


def _briefing(prefix: str, quotes: list[str]) -> str:
    facts = "".join(
        f"      - id: {prefix}-{n}\n        text: Fact {n} of {prefix}.\n        date: 2024-03-04\n"
        f"        citations:\n          - source: city-herald-2024\n            quote: \"{quote}\"\n"
        for n, quote in enumerate(quotes, start=1))
    return (f"title: Briefing {prefix}\nsummary: Many facts.\nupdated: 2024-03\nsections:\n"
            f"  - title: All\n    facts:\n{facts}")


def sixty_problems(project: MiniProject) -> None:
    """35 errors (quotes not in the snapshot) in two files and 25 warnings (quotes found twice) in a third."""
    text = SNAPSHOT_TEXT + REPEATED
    (project.snapshots / "bridge.txt").write_text(text, encoding="utf-8")
    project.write("sources/city-herald-2024.yaml", (project.root / "sources/city-herald-2024.yaml").read_text()
                  .replace(SNAPSHOT_SHA, __import__("hashlib").sha256(text.encode()).hexdigest()))
    project.write("briefings/bridge.yaml", _briefing("a", ["the bridge would reopen in May"]))
    project.write("briefings/errors-b.yaml", _briefing("b", [f"a tunnel number {n} opened" for n in range(15)]))
    project.write("briefings/errors-a.yaml", _briefing("e", [f"the ferry number {n} sank" for n in range(20)]))
    project.write("briefings/warnings.yaml", _briefing("w", ["counted 1,204 vehicles on the first day"] * 25))


@pytest.fixture
def sixty(project: MiniProject) -> LintResult:
    sixty_problems(project)
    result = project.lint()
    assert (result.errors, result.warnings) == (35, 25), [p.line() for p in result.problems]
    return result


def test_github_output_has_ten_errors_ten_warnings_and_one_notice(sixty: LintResult) -> None:
    lines = format_problems(sixty, "github", step_summary=True).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    notices = [line for line in lines if line.startswith("::notice ")]
    assert (len(errors), len(warnings), len(notices)) == (10, 10, 1)
    assert lines[:20] == errors + warnings  # most severe first
    # By file, then line: the first ten errors are all in errors-a.yaml (20 errors) in line order.
    assert all("file=briefings/errors-a.yaml," in line for line in errors)
    assert [int(re.search(r",line=(\d+),", line)[1]) for line in errors] == sorted(  # type: ignore[index]
        int(re.search(r",line=(\d+),", line)[1]) for line in errors)  # type: ignore[index]
    assert notices == [
        "::notice title=briefings lint::40 more problems (25 errors, 15 warnings) not shown as annotations: GitHub "
        "shows at most 10 errors and 10 warnings per step. The job summary and the log list all 60."]
    # Nothing is dropped: the other 40 follow the notice as plain lines (no workflow command), then the summary.
    rest = lines[21:-1]
    assert len(rest) == 40 and not any(line.startswith("::") for line in rest)
    assert lines[-1].startswith("35 errors, 25 warnings in 5 files")


def test_github_output_without_overflow_has_no_notice(project: MiniProject) -> None:
    result = project.lint()
    assert format_problems(result, "github").splitlines() == [
        "0 errors, 0 warnings in 2 files (1 source, 1 briefing, 1 fact, 1 citation)"]


def test_step_summary_lists_all_sixty_most_severe_first(sixty: LintResult) -> None:
    table = format_step_summary(sixty, Repository("site/", "https://github.com/o/r/blob/abc"))
    rows = [line for line in table.splitlines() if line.startswith("| error") or line.startswith("| warning")]
    assert len(rows) == 60
    assert [row.split(" | ")[0] for row in rows] == ["| error"] * 35 + ["| warning"] * 25
    assert rows[0].startswith("| error | `CIT003` quote-not-in-snapshot | "
                              "[site&#47;briefings&#47;errors-a.yaml&#58;12&#58;20]"
                              "(https://github.com/o/r/blob/abc/site/briefings/errors-a.yaml#L12) | ")
    assert table.startswith("### briefings lint: 35 errors, 25 warnings in 5 files")


def test_step_summary_escapes_markdown_and_html_in_messages(sixty: LintResult) -> None:
    from dataclasses import replace

    hostile = replace(sixty.problems[0], message="a | b <script>x</script> [link](javascript:1) `code`\nnext")
    table = format_step_summary(replace(sixty, problems=(hostile,)), Repository())
    row = table.splitlines()[-1]
    assert row.count(" | ") == 3  # four cells: the message's pipe does not open a fifth
    assert "<script>" not in row and "](" not in row and "`code`" not in row and "\n" not in row


def test_step_summary_stops_short_of_githubs_one_mebibyte_limit(sixty: LintResult) -> None:
    from dataclasses import replace

    many = tuple(replace(sixty.problems[0], message="x" * 900) for _ in range(2000))
    table = format_step_summary(replace(sixty, problems=many), Repository())
    assert len(table.encode()) < 1024 * 1024
    listed = sum(line.startswith("| error") for line in table.splitlines())
    assert 500 < listed < 2000
    assert table.rstrip().endswith(f"{2000 - listed} more problems not listed: GitHub limits a step summary to "
                                   "1 MiB. `briefings lint --format json` lists every one.")


def test_sarif_validates_against_the_official_schema_and_has_sixty_results(sixty: LintResult) -> None:
    log = json.loads(format_problems(sixty, "sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == 60
    assert [r["level"] for r in results].count("error") == 35
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    first = results[0]["locations"][0]["physicalLocation"]
    assert first == {"artifactLocation": {"uri": "briefings/errors-a.yaml"}, "region": {"startLine": 12,
                                                                                     "startColumn": 20}}


def test_sarif_rejects_what_the_schema_forbids() -> None:
    """The schema test can fail: a result without a message is invalid."""
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "A"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(broken)


def test_sarif_keeps_accepted_problems_as_suppressed_results(project: MiniProject) -> None:
    project.write("sources/city-herald-2024.yaml", (project.root / "sources/city-herald-2024.yaml").read_text()
                  .replace("url: https://example.org/bridge\n", "")
                  + "lint:\n  ignore: [SRC002]\n  reason: The URL was not recorded.\n")
    log = json.loads(format_problems(project.lint(), "sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "SRC002"
    assert result["suppressions"] == [{"kind": "inSource", "justification": "The URL was not recorded."}]


def test_cli_writes_step_summary_and_sarif_file(project: MiniProject, tmp_path: Path) -> None:
    sixty_problems(project)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = run(project, "lint", env=env)
    assert result.returncode == 1
    assert result.stdout.count("::error ") == 10 and result.stdout.count("::notice ") == 1
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n### briefings lint")  # appended, as GitHub expects
    assert written.count("\n| error |") + written.count("\n| warning |") == 60
    sarif = tmp_path / "out/briefings.sarif"
    result = run(project, "lint", "--format", "sarif", "--output", str(sarif))
    assert (result.returncode, result.stdout) == (1, "")
    assert len(json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]) == 60


def test_cli_names_files_from_the_repository_root(project: MiniProject) -> None:
    """A project in a subfolder of a git repository: annotations must name the repository path."""
    (project.root.parent / ".git").mkdir()
    sixty_problems(project)
    result = run(project, "lint", "--format", "github")
    assert "::error file=proj/briefings/errors-a.yaml,line=12," in result.stdout
    sarif = json.loads(run(project, "lint", "--format", "sarif").stdout)
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "proj/briefings/errors-a.yaml")


def test_unwritable_step_summary_is_reported_and_the_lint_goes_on(project: MiniProject, tmp_path: Path) -> None:
    result = run(project, "lint", env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path)})
    assert result.returncode == 0
    assert result.stderr.startswith(f"briefings: cannot write the step summary to {tmp_path}: ")
    assert "Traceback" not in result.stderr


def test_unwritable_output_is_a_usage_error(project: MiniProject, tmp_path: Path) -> None:
    result = run(project, "lint", "--format", "sarif", "--output", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == f"briefings: refusing to write to '{tmp_path}': it is a folder; name a file\n"

"""One formatter per output format. Pure: they return text; the CLI prints it."""

from __future__ import annotations

import json
from collections.abc import Sequence

from build_tools.lint import LintResult
from build_tools.problems import Code, Problem

FORMATS = ("text", "github", "json")


def format_problems(result: LintResult, fmt: str) -> str:
    if fmt == "json":
        return format_json(result)
    lines = [format_github(p) if fmt == "github" else p.line() for p in result.problems]
    lines.append(summary(result))
    return "\n".join(lines)


def summary(result: LintResult) -> str:
    project = result.project
    facts = sum(1 for _ in project.facts)
    citations = sum(len(f.citations) for f in project.facts)
    counted = f"{_plural(result.errors, 'error')}, {_plural(result.warnings, 'warning')}"
    if result.suppressed:
        codes = ", ".join(sorted({p.code for p in result.suppressed}))
        counted += f", {len(result.suppressed)} accepted by 'lint: ignore' ({codes})"
    return (f"{counted} in {_plural(len(project.files), 'file')} "
            f"({_plural(len(project.sources), 'source')}, {_plural(len(project.briefings), 'briefing')}, "
            f"{_plural(facts, 'fact')}, {_plural(citations, 'citation')})")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(problem: Problem) -> str:
    """A GitHub Actions workflow command: an annotation on the pull request."""
    level = "error" if problem.severity.value == "error" else "warning"
    w = problem.where
    props = (f"file={_escape_property(w.path)},line={w.line},col={w.column},"
             f"title={_escape_property(f'{problem.code} {problem.name}')}")
    return f"::{level} {props}::{_escape_data(problem.message)}"


def problem_dict(problem: Problem) -> dict[str, object]:
    w = problem.where
    return {"path": w.path, "line": w.line, "column": w.column, "severity": problem.severity.value,
            "code": problem.code, "name": problem.name, "message": problem.message}


def format_json(result: LintResult) -> str:
    return json.dumps({
        "problems": [problem_dict(p) for p in result.problems],
        "suppressed": [problem_dict(p) for p in result.suppressed],
        "summary": {"errors": result.errors, "warnings": result.warnings,
                    "suppressed": len(result.suppressed), "files": len(result.project.files)},
    }, indent=2, ensure_ascii=False)


def format_rules(codes: Sequence[Code]) -> str:
    return "\n".join(f"{c.code}  {c.severity.value:<7}  {c.name:<24}  {c.summary}" for c in codes)

"""One formatter per output format. Pure: they return text; the CLI prints it (or writes it to a file).

Every formatter reads a problem's text through `_message` and its file through `_path`, so escaping
that applies to all formats (control characters, say) is added in one place.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from build_tools import __version__
from build_tools.lint import LintResult
from build_tools.model import Project
from build_tools.problems import Code, Problem, Severity
from build_tools.render.markdown import text as markdown_text
from build_tools.rules import ALL_CODES

FORMATS = ("text", "github", "json", "sarif")

# GitHub shows at most 10 error and 10 warning annotations per step (and 50 per job); more are dropped.
ANNOTATIONS_PER_LEVEL = 10
# GitHub refuses a step summary larger than 1 MiB; the table stops short of it and says how many are left.
SUMMARY_LIMIT = 1000 * 1024
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


@dataclass(frozen=True)
class Repository:
    """Where the project sits in its repository, for reports that name files by their repository path.

    `prefix` is the project folder relative to the repository root ('' or 'docs/briefings/');
    `blob` is the web address of the files at this commit, when known (for links in the step summary).
    """

    prefix: str = ""
    blob: str | None = None


def format_problems(result: LintResult, fmt: str, repository: Repository | None = None,
                    step_summary: bool = False) -> str:
    """The whole report in `fmt`. For `github`, `step_summary` says whether the full list also goes to the
    job's step summary (the CLI writes `format_step_summary` there), so the notice can say where to look."""
    repository = repository or Repository()
    if fmt == "json":
        return format_json(result)
    if fmt == "sarif":
        return format_sarif(result, repository)
    if fmt == "github":
        return format_github_log(result, repository, step_summary)
    return "\n".join([*(format_text(p) for p in result.problems), summary(result)])


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


def _message(problem: Problem) -> str:
    """A problem's message as every format shows it."""
    return problem.message


def _path(problem: Problem, repository: Repository | None = None) -> str:
    """A problem's file: relative to the project, or to the repository when one is given."""
    return (repository.prefix if repository else "") + problem.where.path


def format_text(problem: Problem) -> str:
    """The canonical one-line form, parsable by editors and CI; a syntax error adds its line with a caret
    under the place, indented (as ruff and compilers show it), which no line parser mistakes for a problem."""
    if not problem.excerpt:
        return problem.line()
    return problem.line() + "".join(f"\n    {line}" for line in problem.excerpt.split("\n"))


# --- GitHub Actions ---------------------------------------------------------------------------

def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(problem: Problem, repository: Repository | None = None) -> str:
    """A GitHub Actions workflow command: an annotation on the pull request."""
    level = "error" if problem.severity is Severity.ERROR else "warning"
    w = problem.where
    props = (f"file={_escape_property(_path(problem, repository))},line={w.line},col={w.column},"
             f"title={_escape_property(f'{problem.code} {problem.name}')}")
    return f"::{level} {props}::{_escape_data(_message(problem))}"


def split_annotations(problems: Sequence[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(annotated, the rest): the first errors, then the first warnings, each in file order, as many of
    each as GitHub shows; every other problem in the same order."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is not Severity.ERROR]
    cap = ANNOTATIONS_PER_LEVEL
    return errors[:cap] + warnings[:cap], errors[cap:] + warnings[cap:]


def format_github_log(result: LintResult, repository: Repository, step_summary: bool = False) -> str:
    """Annotations for what GitHub will show, one notice counting the rest, the rest as plain lines
    (in the log, never dropped), then the summary line."""
    shown, rest = split_annotations(result.problems)
    lines = [format_github(p, repository) for p in shown]
    if rest:
        lines.append(_overflow_notice(result, rest, step_summary))
        lines.extend(format_text(p) for p in rest)
    lines.append(summary(result))
    return "\n".join(lines)


def _overflow_notice(result: LintResult, rest: Sequence[Problem], step_summary: bool) -> str:
    errors = sum(p.severity is Severity.ERROR for p in rest)
    counted = f"{_plural(len(rest), 'more problem')} ({_plural(errors, 'error')}, " \
              f"{_plural(len(rest) - errors, 'warning')})"
    where = "the job summary and the log list" if step_summary else "the log lists"
    total = len(result.problems)
    return (f"::notice title=briefings lint::{counted} not shown as annotations: GitHub shows at most "
            f"{ANNOTATIONS_PER_LEVEL} errors and {ANNOTATIONS_PER_LEVEL} warnings per step. "
            f"{where.capitalize()} all {total}.")


def format_step_summary(result: LintResult, repository: Repository) -> str:
    """The full list as a Markdown table for `$GITHUB_STEP_SUMMARY`, most severe first, then by file."""
    ordered = _by_severity(result.problems)
    head = [f"### briefings lint: {summary(result)}", ""]
    if not ordered:
        return "\n".join(head) + "\nNo problems.\n"
    head += ["| Severity | Rule | Where | Problem |", "|---|---|---|---|"]
    size = sum(len(line.encode()) + 1 for line in head)
    rows: list[str] = []
    for problem in ordered:
        row = _summary_row(problem, repository)
        size += len(row.encode()) + 1
        if size > SUMMARY_LIMIT - 512:  # room for the closing line
            left = len(ordered) - len(rows)
            rows.append(f"\n{_plural(left, 'more problem')} not listed: GitHub limits a step summary to "
                        "1 MiB. `briefings lint --format json` lists every one.")
            break
        rows.append(row)
    return "\n".join(head + rows) + "\n"


def _by_severity(problems: Sequence[Problem]) -> list[Problem]:
    return ([p for p in problems if p.severity is Severity.ERROR]
            + [p for p in problems if p.severity is not Severity.ERROR])


def _summary_row(problem: Problem, repository: Repository) -> str:
    w = problem.where
    path = _path(problem, repository)
    place = markdown_text(f"{path}:{w.line}:{w.column}")
    if repository.blob:
        place = f"[{place}]({repository.blob}/{quote(path)}#L{w.line})"
    return (f"| {problem.severity.value} | `{problem.code}` {problem.name} | {place} | "
            f"{markdown_text(_message(problem))} |")


# --- JSON ------------------------------------------------------------------------------------

def problem_dict(problem: Problem) -> dict[str, object]:
    w = problem.where
    return {"path": _path(problem), "line": w.line, "column": w.column, "severity": problem.severity.value,
            "code": problem.code, "name": problem.name, "message": _message(problem),
            **({"excerpt": problem.excerpt} if problem.excerpt else {})}


def format_json(result: LintResult) -> str:
    return json.dumps({
        "problems": [problem_dict(p) for p in result.problems],
        "suppressed": [problem_dict(p) for p in result.suppressed],
        "summary": {"errors": result.errors, "warnings": result.warnings,
                    "suppressed": len(result.suppressed), "files": len(result.project.files)},
    }, indent=2, ensure_ascii=False)


# --- SARIF 2.1.0 (GitHub code scanning and other viewers) ---------------------------------------

def format_sarif(result: LintResult, repository: Repository | None = None) -> str:
    """A SARIF 2.1.0 log: every rule, every problem, and each accepted problem as a suppressed result."""
    repository = repository or Repository()
    index = {code.code: number for number, code in enumerate(ALL_CODES)}
    results = [_sarif_result(p, index, repository) for p in result.problems]
    reasons = _suppression_reasons(result.project) if result.suppressed else {}
    results += [{**_sarif_result(p, index, repository), "suppressions": [_sarif_suppression(reasons, p)]}
                for p in result.suppressed]
    driver = {"name": "briefings", "fullName": "Sourced Briefings citation linter", "version": __version__,
              "semanticVersion": __version__, "rules": [_sarif_rule(code) for code in ALL_CODES]}
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0",
           "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}]}
    return json.dumps(log, indent=2, ensure_ascii=False)


def _sarif_level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _sarif_rule(code: Code) -> dict[str, object]:
    doc = code.doc.strip() or code.name
    return {"id": code.code, "name": code.name, "shortDescription": {"text": code.summary or code.name},
            "fullDescription": {"text": doc}, "help": {"text": doc, "markdown": doc},
            "defaultConfiguration": {"level": _sarif_level(code.severity)}}


def _sarif_result(problem: Problem, index: dict[str, int], repository: Repository) -> dict[str, object]:
    w = problem.where
    location = {"physicalLocation": {"artifactLocation": {"uri": quote(_path(problem, repository))},
                                     "region": {"startLine": w.line, "startColumn": w.column}}}
    found: dict[str, object] = {"ruleId": problem.code}
    if problem.code in index:
        found["ruleIndex"] = index[problem.code]
    return {**found, "level": _sarif_level(problem.severity), "message": {"text": _message(problem)},
            "locations": [location]}


def _suppression_reasons(project: Project) -> dict[str, str]:
    """The reason given with each `lint: ignore`, by the subject it accepts problems for."""
    reasons = {f"source:{s.id}": s.suppression.reason for s in project.sources.values() if s.suppression}
    reasons.update((f.subject, f.suppression.reason) for f in project.facts if f.suppression)
    return reasons


def _sarif_suppression(reasons: dict[str, str], problem: Problem) -> dict[str, str]:
    reason = reasons.get(problem.subject, "")
    return {"kind": "inSource", "justification": reason} if reason else {"kind": "inSource"}


def format_rules(codes: Sequence[Code]) -> str:
    return "\n".join(f"{c.code}  {c.severity.value:<7}  {c.name:<24}  {c.summary}" for c in codes)

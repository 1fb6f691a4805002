"""Problems → LSP diagnostics: the linter's own problems, at its line and column, with a range.

A problem names where it starts (the line and column `briefings lint` prints). Its range runs to the end
of the scalar written there (the whole quote, the whole id) or, when none starts there (a mapping that
lacks a field, say), to the end of that line's text. Each carries its rule code, linked to the rule's
documentation (`codeDescription`), and the message exactly as `briefings lint` prints it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lsprotocol import types

from build_tools.problems import Problem, Severity
from build_tools.yaml_nodes import scalar_end

SOURCE = "briefings"
_SEVERITY = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning}

# A place in the buffer as the server counts it (0-based line, column in characters) → the client's units.
ToClient = Callable[[int, int], types.Position]


class Lines:
    """Where each line of a buffer starts, to turn offsets and (line, column) into one another."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        find = text.find
        at = find("\n")
        while at >= 0:
            self.starts.append(at + 1)
            at = find("\n", at + 1)

    def offset(self, line: int, column: int) -> int:
        if line >= len(self.starts):
            return len(self.text)
        return min(self.starts[line] + column, self.line_end(line))

    def line_end(self, line: int) -> int:
        """The offset of the end of the line's text (before its line break)."""
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        return end - 1 if end > self.starts[line] and self.text[end - 1] == "\r" else end

    def position(self, offset: int) -> tuple[int, int]:
        line = _bisect(self.starts, offset)
        return line, offset - self.starts[line]


def _bisect(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def extent(lines: Lines, line: int, column: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The (line, column) span of what a problem at this 0-based place points at."""
    start = lines.offset(line, column)
    end = scalar_end(lines.text, start)
    if end is None:
        end = len(lines.text[start:lines.line_end(min(line, len(lines.starts) - 1))].rstrip()) + start
    while end > start and lines.text[end - 1] in " \t\r\n":
        end -= 1  # a block scalar's node ends at the next line
    return lines.position(start), lines.position(end)


def to_diagnostic(problem: Problem, lines: Lines, to_client: ToClient, docs: Callable[[str], str | None]
                  ) -> types.Diagnostic:
    (line, column), (end_line, end_column) = extent(lines, problem.where.line - 1, problem.where.column - 1)
    href = docs(problem.code)
    return types.Diagnostic(
        range=types.Range(to_client(line, column), to_client(end_line, end_column)),
        message=f"{problem.message} ({problem.name})",
        severity=_SEVERITY[problem.severity],
        code=problem.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
    )


def to_diagnostics(problems: Iterable[Problem], text: str, to_client: ToClient,
                   docs: Callable[[str], str | None]) -> list[types.Diagnostic]:
    lines = Lines(text)
    return [to_diagnostic(problem, lines, to_client, docs) for problem in problems]

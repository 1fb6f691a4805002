"""What to do about a YAML syntax error: libyaml's words turned into advice for the line at fault.

libyaml says where parsing failed and what it expected ("mapping values are not allowed in this
context", "did not find expected key"). Each common cause has its own hint here, found from the
error and the lines around it: a ': ' or a quote mark inside a value, a line indented wrongly, a tab,
a bracket or quote that is never closed. `excerpt` shows the line with a caret under the place.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from build_tools.yaml_edit import quoted

_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[^\s#'\"{\[][^:#]*?):(?: +(?P<value>.*))?$")


class Hint(NamedTuple):
    line: int  # 0-based, where the problem is shown
    column: int  # 0-based
    message: str


def hint(text: str, problem: str | None, problem_at: tuple[int, int], context: str | None,
         context_at: tuple[int, int] | None) -> Hint | None:
    """Advice for a libyaml error (`problem` at `problem_at`, `context` at `context_at`, 0-based), or None."""
    lines = text.split("\n")
    line, column = problem_at
    problem, context = problem or "", context or ""
    for finder in (_tab, _unclosed_quote, _unclosed_bracket, _quote_inside_value, _colon_inside_value,
                   _indentation, _bad_start):
        found = finder(lines, problem, line, column, context, context_at)
        if found is not None:
            return found
    return None


def excerpt(text: str, line: int, column: int) -> str:
    """The line (1-based number, its text) and a caret under `column` (0-based), as two lines."""
    lines = text.split("\n")
    shown = lines[line] if 0 <= line < len(lines) else ""
    shown = "".join("→" if char == "\t" else char if char.isprintable() else "?" for char in shown)
    gutter = f"{line + 1} | "
    return f"{gutter}{shown}\n{' ' * (len(gutter) - 2)}| {' ' * min(column, len(shown))}^"


def _line(lines: list[str], number: int) -> str:
    return lines[number] if 0 <= number < len(lines) else ""


def _tab(lines: list[str], problem: str, line: int, column: int, context: str,
         context_at: tuple[int, int] | None) -> Hint | None:
    text = _line(lines, line)
    lead = text[:len(text) - len(text.lstrip(" \t"))]
    if "\t" in lead:
        at = lead.index("\t")
    elif "tab" in problem or (column < len(text) and text[column] == "\t"):
        at = text.find("\t") if "\t" in text else column
    else:
        return None
    return Hint(line, at, "a tab: YAML indents with spaces only; replace the tab with spaces")


def _unclosed_quote(lines: list[str], problem: str, line: int, column: int, context: str,
                    context_at: tuple[int, int] | None) -> Hint | None:
    if "quoted scalar" not in context or context_at is None or "end of stream" not in problem:
        return None
    at_line, at_column = context_at
    mark = _line(lines, at_line)[at_column:at_column + 1] or '"'
    inside = "a \" inside it is written \\\"" if mark == '"' else "an apostrophe inside it is written '' (two)"
    return Hint(at_line, at_column, f"the {mark} that opens this value is never closed; add {mark} at the end "
                f"of the value on this line ({inside})")


def _unclosed_bracket(lines: list[str], problem: str, line: int, column: int, context: str,
                      context_at: tuple[int, int] | None) -> Hint | None:
    if "flow sequence" in context:
        opener, closer = "[", "]"
    elif "flow mapping" in context:
        opener, closer = "{", "}"
    else:
        return None
    if context_at is None:
        return None
    at_line, at_column = context_at
    example = " e.g. derived_from: [a, b]" if opener == "[" else " e.g. {source: a, quote: \"...\"}"
    return Hint(at_line, at_column, f"the '{opener}' here is not closed before line {line + 1}; end the list "
                f"with '{closer}' on this line (items are separated by commas:{example})")


def _quote_inside_value(lines: list[str], problem: str, line: int, column: int, context: str,
                        context_at: tuple[int, int] | None) -> Hint | None:
    """`quote: "no deal" the aide said` or `quote: "He said "no" today"`: the value's closing quote
    mark comes before the end of the line."""
    if "expected key" not in problem and "expected '-'" not in problem:
        return None
    match = _KEY_LINE.match(_line(lines, line))
    value = (match.group("value") or "").rstrip() if match else ""
    if not value or value[0] not in "'\"":
        return None
    mark = value[0]
    closing = _closing(value, mark)
    if closing is None or closing == len(value) - 1 or value[closing + 1:].lstrip().startswith("#"):
        return None
    inner = value[1:-1] if value.endswith(mark) and len(value) > 1 else value
    if mark == "'":
        inner = inner.replace("''", "'")
    assert match is not None
    fixed = f"{match.group('key')}: {quoted(inner)}"
    inside = "a \" inside a value in double quotes is written \\\"" if mark == '"' else \
        "an apostrophe inside a value in single quotes is written '' (two)"
    return Hint(line, column, f"the value's closing {mark} comes before the end of the line: {inside}; or wrap "
                f"the whole value in the other quotes: {fixed}")


def _closing(value: str, mark: str) -> int | None:
    """Where the quoted value that opens `value` closes."""
    index = 1
    while index < len(value):
        char = value[index]
        if mark == '"' and char == "\\":
            index += 2
            continue
        if char == mark:
            if mark == "'" and value[index + 1:index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    return None


def _colon_inside_value(lines: list[str], problem: str, line: int, column: int, context: str,
                        context_at: tuple[int, int] | None) -> Hint | None:
    """`title: Phone calls: 2024`: a second ': ' in a plain value."""
    if "mapping values are not allowed" not in problem:
        return None
    text = _line(lines, line)
    match = _KEY_LINE.match(text)
    if match is None or match.group("value") is None:
        return None
    first_colon = match.end("key")
    if column <= first_colon:
        return None
    value = match.group("value").rstrip()
    return Hint(line, column, f"': ' inside a plain value starts a new mapping; put the value in quotes: "
                f"{match.group('key')}: {quoted(value)} (or write '>-' after the key and the text on the next "
                "line, indented)")


def _indentation(lines: list[str], problem: str, line: int, column: int, context: str,
                 context_at: tuple[int, int] | None) -> Hint | None:
    """A line indented less (or more) than the lines it belongs with."""
    text = _line(lines, line)
    if not text.strip():
        return None
    indent = len(text) - len(text.lstrip(" "))
    previous = next((n for n in range(line - 1, -1, -1)
                     if lines[n].strip() and not lines[n].lstrip().startswith("#")), None)
    if previous is None:
        return None
    if "mapping values are not allowed" in problem and ":" not in lines[previous]:
        return Hint(previous, len(lines[previous].rstrip()), f"line {previous + 1} has no ':' after its key; "
                    "write 'key: value'")
    match = _KEY_LINE.match(lines[previous])
    if match is None:
        return None
    keys = len(match.group("indent")) + len(match.group("dash") or "")
    if "expected key" in problem or "expected '-'" in problem:
        if indent >= keys:
            return None
        return Hint(line, indent, f"line {line + 1} is indented {indent} spaces; line it up with line {previous + 1} "
                    f"({keys} spaces, column {keys + 1}) or with the list item it belongs to")
    if "mapping values are not allowed" in problem and indent > keys and match.group("value"):
        return Hint(line, indent, f"line {line + 1} is indented more than line {previous + 1}, whose value is "
                    f"already given; line it up with line {previous + 1} ({keys} spaces, column {keys + 1})")
    return None


def _bad_start(lines: list[str], problem: str, line: int, column: int, context: str,
               context_at: tuple[int, int] | None) -> Hint | None:
    text = _line(lines, line)
    if "cannot start any token" not in problem or column >= len(text):
        return None
    return Hint(line, column, f"a plain value cannot start with '{text[column]}'; put the value in quotes")

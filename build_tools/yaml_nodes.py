"""YAML → nodes that know their file, line and column. The only place YAML is parsed.

Safe by construction: libyaml's C parser when present, composition only (no
constructors run, so no tag can execute anything and every scalar stays the
string the editor wrote), one document per file, no anchors or aliases, and a
bounded nesting depth (checked before the recursive C composer can overflow).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from build_tools.problems import Location, Problem
from build_tools.syntax_codes import (
    ANCHOR_OR_ALIAS,
    FILE_TOO_LARGE,
    INVALID_ENCODING,
    INVALID_YAML,
    NESTING_TOO_DEEP,
    NOT_ONE_DOCUMENT,
)
from build_tools.yaml_hints import excerpt, hint

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

__all__ = ["MappingNode", "Node", "ParsedFile", "ScalarNode", "SequenceNode", "parse_yaml", "where"]

MAX_DEPTH = 32
MAX_BYTES = 8 * 1024 * 1024
# Below this bound on possible nesting, the C composer is safe and we skip the event scan.
_CHEAP_DEPTH_BOUND = 1000
# A block nested N deep needs a run of about N indentation or indicator characters somewhere.
_PREFIX_RUN = r"[ \t?:-]{%d}"
_RUN_PAST_SAFE = re.compile(_PREFIX_RUN % 500)
_RUN_PAST_LIMIT = re.compile(_PREFIX_RUN % MAX_DEPTH)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    path: str
    root: Node | None
    problems: tuple[Problem, ...]


def where(path: str, node: Node) -> Location:
    mark = node.start_mark
    return Location(path, mark.line + 1, mark.column + 1)


def parse_yaml(path: str, data: bytes, max_bytes: int = MAX_BYTES) -> ParsedFile:
    """Parse one file's bytes; problems instead of exceptions for every bad input."""
    text, problem = _decode(path, data, max_bytes)
    flow = 0
    if problem is None:
        assert text is not None
        flow = text.count("[") + text.count("{")
        if "&" in text or "*" in text or flow >= _CHEAP_DEPTH_BOUND or _RUN_PAST_SAFE.search(text):
            problem = _scan_events(path, text)
    if problem is not None:
        return ParsedFile(path, None, (problem,))
    root, problem = _compose(path, text or "")
    if problem is None and root is not None and (flow >= MAX_DEPTH or _RUN_PAST_LIMIT.search(text or "")):
        problem = _depth_problem(path, root)
    if problem is None and root is None:
        problem = Problem.of(NOT_ONE_DOCUMENT, Location(path), "file holds no YAML document; "
                             "write a mapping such as 'title: …' or delete the file")
    if problem is not None:
        return ParsedFile(path, None, (problem,))
    return ParsedFile(path, root, ())


_SCALAR_WINDOW = 65_536  # past the longest value the schema accepts (10,000 characters), quoting included
_BEFORE_SCALAR = (yaml.StreamStartToken, yaml.BlockMappingStartToken, yaml.KeyToken)


def scalar_end(text: str, offset: int) -> int | None:
    """Where the scalar (a key or a value) written at `offset` of `text` ends, as an offset, or None when
    none starts there. Scans only that scalar: a quoted or block scalar within a bounded window, a plain
    one within its line (a comment or `: ` ends it), so it costs the same in a file of any size."""
    if offset >= len(text) or text[offset] in " \t\r\n#-[]{},":
        return None
    if text[offset] in "\"'|>":
        piece = text[offset:offset + _SCALAR_WINDOW]
    else:
        line_end = text.find("\n", offset)
        piece = text[offset:line_end if line_end >= 0 else len(text)]
    try:
        for token in yaml.scan(piece, Loader=_Loader):
            if isinstance(token, yaml.ScalarToken):
                return offset + token.end_mark.index if token.start_mark.index == 0 else None
            if not isinstance(token, _BEFORE_SCALAR):
                return None
    except yaml.YAMLError:
        return None
    return None


def too_large(path: str, size: int, max_bytes: int = MAX_BYTES) -> Problem:
    return Problem.of(FILE_TOO_LARGE, Location(path), f"file is {size:,} bytes, over the limit of {max_bytes:,}; "
                      "split it into several files")


def _decode(path: str, data: bytes, max_bytes: int) -> tuple[str | None, Problem | None]:
    if len(data) > max_bytes:
        return None, too_large(path, len(data), max_bytes)
    if data.startswith(b"\xef\xbb\xbf"):
        return None, Problem.of(INVALID_ENCODING, Location(path), "file starts with a byte-order mark; "
                                "save it as UTF-8 without BOM")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, Problem.of(INVALID_ENCODING, _offset_location(path, data, error.start),
                                f"invalid UTF-8 byte 0x{data[error.start]:02x}; save the file as UTF-8")
    nul = text.find("\0")
    if nul >= 0:
        return None, Problem.of(INVALID_ENCODING, _offset_location(path, text, nul),
                                "NUL character in file; remove it (is this a binary file?)")
    return text, None


def _offset_location(path: str, text: str | bytes, offset: int) -> Location:
    newline = "\n" if isinstance(text, str) else b"\n"
    line = text.count(newline, 0, offset)  # type: ignore[arg-type]
    start = text.rfind(newline, 0, offset) + 1  # type: ignore[arg-type]
    column = len(text[start:offset].decode("utf-8", "replace")) if isinstance(text, bytes) else offset - start
    return Location(path, line + 1, column + 1)


def _depth_problem(path: str, root: Node) -> Problem | None:
    """Measure the composed tree's depth without recursion (only when the bound says it may be deep)."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _too_deep(where(path, node))
        if isinstance(node, SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, MappingNode):
            stack.extend((value, depth + 1) for _, value in node.value)
    return None


def _scan_events(path: str, text: str) -> Problem | None:
    """Walk parser events (iterative, never recursive) for anchors, aliases and depth."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            problem = _event_problem(path, event, depth)
            if problem is not None:
                return problem
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as error:
        return _syntax_problem(path, text, error)
    return None


def _event_problem(path: str, event: yaml.Event, depth: int) -> Problem | None:
    mark = event.start_mark
    here = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
    if isinstance(event, yaml.AliasEvent):
        return Problem.of(ANCHOR_OR_ALIAS, here, f"alias '*{event.anchor}' is not allowed; "
                          "write the value out in full")
    anchor = getattr(event, "anchor", None)
    if anchor is not None:
        return Problem.of(ANCHOR_OR_ALIAS, here, f"anchor '&{anchor}' is not allowed; "
                          "remove it and write values out in full")
    if depth >= MAX_DEPTH and isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
        return _too_deep(here)
    return None


def _too_deep(here: Location) -> Problem:
    return Problem.of(NESTING_TOO_DEEP, here, f"nesting deeper than {MAX_DEPTH} levels; "
                      "no briefing or source file needs this")


def _compose(path: str, text: str) -> tuple[Node | None, Problem | None]:
    try:
        return yaml.compose(text, Loader=_Loader), None
    except yaml.YAMLError as error:
        return None, _syntax_problem(path, text, error)


def _syntax_problem(path: str, text: str, error: yaml.YAMLError) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        return Problem.of(INVALID_YAML, _offset_location(path, text, error.position),
                          f"{error.reason}: character #x{error.character:04x} is not allowed in YAML; "
                          "remove it")
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        where_ = Location(path, mark.line + 1, mark.column + 1)
        if error.context == "expected a single document in the stream":
            return Problem.of(NOT_ONE_DOCUMENT, where_, "file holds more than one YAML document; "
                              "remove the '---' line and keep one document per file")
        # libyaml 0.2.6 (in PyYAML 6.0.4) refuses 1,000 levels itself, its scanner reading ahead of our check.
        if error.problem == "exceeded maximum nesting depth":
            return _too_deep(where_)
        context_mark = error.context_mark
        advice = hint(text, error.problem, (mark.line, mark.column), error.context,
                      (context_mark.line, context_mark.column) if context_mark is not None else None)
        if advice is not None:
            return replace(Problem.of(INVALID_YAML, Location(path, advice.line + 1, advice.column + 1),
                                      f"syntax error: {advice.message}"),
                           excerpt=excerpt(text, advice.line, advice.column))
        context = f" {error.context}" if error.context else ""
        return replace(Problem.of(INVALID_YAML, where_, f"syntax error: {error.problem}{context}"),
                       excerpt=excerpt(text, mark.line, mark.column))
    return Problem.of(INVALID_YAML, Location(path), f"syntax error: {error}")


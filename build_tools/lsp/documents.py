"""What stands at a place in a YAML buffer: the scalar under the cursor and the field it belongs to.

Read from the buffer's own nodes (`yaml_nodes.parse_yaml`, the one YAML parser), so hover, completion and
go to definition see the text as it is in the editor, saved or not. A buffer being typed is often not
valid YAML (an unclosed quote, a key with no value yet): `completion_spot` then parses it again with the
value on the cursor's line replaced, or only the lines that hold the cursor's line, so the field is still
known from what is around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from build_tools.yaml_nodes import MappingNode, Node, ScalarNode, SequenceNode, parse_yaml

PathPart = str | int


@dataclass(frozen=True)
class Spot:
    """A scalar of the buffer (a value, or a key when `is_key`) and where it stands.

    `path` holds the keys and list indexes from the document's root to the scalar; `enclosing[k]` is the
    node at `path[:k]` (the root mapping first), so the fields around the scalar can be read."""

    path: tuple[PathPart, ...]
    node: ScalarNode
    is_key: bool
    enclosing: tuple[Node, ...]

    @property
    def field(self) -> tuple[str, ...]:
        """The path without list indexes: ("sections", "facts", "citations", "quote")."""
        return tuple(part for part in self.path if isinstance(part, str))

    @property
    def value(self) -> str:
        return str(self.node.value)

    def sibling(self, key: str) -> str | None:
        """The scalar value of `key` in the mapping that holds this scalar (the citation of a quote, say)."""
        holder = self.enclosing[-1] if self.enclosing else None
        if isinstance(holder, SequenceNode) and len(self.enclosing) > 1:
            holder = self.enclosing[-2]
        return scalar_value(holder, key)

    def mapping_at(self, depth: int) -> MappingNode | None:
        """The mapping at `path[:depth]` (the fact of a citation is at depth 4 in a briefing)."""
        node = self.enclosing[depth] if depth < len(self.enclosing) else None
        return node if isinstance(node, MappingNode) else None


def scalar_value(node: Node | None, key: str) -> str | None:
    """The value of `key` in a mapping node when it is a scalar."""
    if not isinstance(node, MappingNode):
        return None
    for name, value in node.value:
        if isinstance(name, ScalarNode) and name.value == key and isinstance(value, ScalarNode):
            return str(value.value)
    return None


def key_node(node: Node | None, key: str) -> ScalarNode | None:
    """The key scalar `key` of a mapping node (where the field is written)."""
    if not isinstance(node, MappingNode):
        return None
    return next((name for name, _ in node.value if isinstance(name, ScalarNode) and name.value == key), None)


def parse(text: str) -> Node | None:
    """The buffer's root node, or None when it is not valid YAML (its diagnostics say why)."""
    return parse_yaml("buffer", text.encode("utf-8", "surrogatepass")).root


def spot_at(root: Node | None, line: int, column: int) -> Spot | None:
    """The scalar at a 0-based line and column (in characters), in the tree of a parsed buffer."""
    if root is None:
        return None
    return _find(root, (line, column), (), ())


def _find(node: Node, here: tuple[int, int], path: tuple[PathPart, ...],
          enclosing: tuple[Node, ...]) -> Spot | None:
    if isinstance(node, ScalarNode):
        return Spot(path, node, False, enclosing) if _covers(node, here) else None
    inner = (*enclosing, node)
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and _covers(key, here):
                return Spot((*path, str(key.value)), key, True, inner)
            if _covers(value, here):
                return _find(value, here, (*path, str(getattr(key, "value", ""))), inner)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            if _covers(item, here):
                return _find(item, here, (*path, index), inner)
    return None


def _covers(node: Node, here: tuple[int, int]) -> bool:
    start = (node.start_mark.line, node.start_mark.column)
    end = (node.end_mark.line, node.end_mark.column)
    return start <= here <= end


# The start of a line up to where its value begins: indentation, list dashes, and a key with its colon.
_VALUE_START = re.compile(r"^(\s*(?:-\s+)*(?:[^\s#:'\"][^#:]*:(?:\s+|$))?(?:-\s*)?)")


@dataclass(frozen=True)
class Typing:
    """Where the cursor is while a value is typed: its field, the value's start on the line, and the
    text typed so far (from the value's start to the cursor)."""

    spot: Spot
    start: int  # column where the value begins on the cursor's line
    typed: str


def completion_spot(text: str, line: int, column: int) -> Typing | None:
    """The value being typed at the cursor (0-based line, column in characters), even when the buffer is
    not valid YAML yet: the value on the cursor's line is then replaced by a stand-in and the buffer
    parsed again, so its field is known from the lines around it."""
    lines = text.split("\n")
    if line >= len(lines):
        return None
    current = lines[line]
    column = min(column, len(current))
    prefix = _VALUE_START.match(current)
    start = prefix.end() if prefix else 0
    if column < start:
        return None
    stand_in = current[:start] + "x"
    outline = _outline(lines, line)
    candidates = ((lines, column), ([*lines[:line], stand_in, *lines[line + 1:]], start),
                  (outline, column), ([*outline[:line], stand_in, *outline[line + 1:]], start))
    for candidate, at in candidates:
        spot = spot_at(parse("\n".join(candidate)), line, at)
        if spot is not None and not spot.is_key and spot.node.start_mark.line == line:
            return Typing(spot, start, current[start:column])
    return None


def _outline(lines: list[str], line: int) -> list[str]:
    """The buffer reduced to the cursor's line and the lines that hold it (each less indented than the one
    below it), the others blank: their field path is known even when another line breaks the YAML (an
    unclosed quote further up, while it is typed)."""
    kept = [""] * len(lines)
    kept[line] = lines[line]
    limit = _indent(lines[line])
    for number in range(line - 1, -1, -1):
        text = lines[number]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        indent = _indent(text)
        if indent < limit:
            kept[number], limit = text, indent
            if indent == 0:
                break
    return kept


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))

"""Reading a briefing again after an edit inside one of its facts: only that fact is parsed and validated.

A keystroke in an editor changes one fact of a file that may hold a thousand. Parsing and validating the
whole file again takes a tenth of a second or more at that size; the fact alone, well under a millisecond.
This is the path of a long-lived session: the language server's (for open, unsaved buffers) and `make
serve`'s (for a saved file): `load` tries it for a briefing whose previous version it holds, and the facts the
edit did not touch stay the very same objects, so that only the pages and checks that read the edited fact
are made again. The command line always reads whole files.

The result must be exactly what reading the whole file gives (a property test edits files at random and
compares), so the edit is taken this way only when that is certain, and otherwise the file is read whole:

- the file has as many lines as before, and every changed line lies within one fact's item of a `facts:`
  list, after its dash (the item's lines are known from the previous version's nodes: its `Layout`);
- the item's lines, parsed on their own (at their own lines and columns), give one mapping at the same
  place, without any problem, and every other line of the item is blank, a comment, or indented past the
  dash: nothing in it can end the item or change what the rest of the file means;
- the fact was valid before and is still valid (else the whole file says what is wrong, and where);
- the budget for explaining malformed dates in a file (`schema.Checker.DATE_EXPLANATIONS`) is not reached.

The fact is validated by the schema's own `Checker` and built by the loader's own function; the new
briefing is the old one with that fact replaced, and its problems are the old ones with those of the
fact's lines replaced.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from build_tools import schema
from build_tools import syntax_codes as codes
from build_tools.model import Briefing, Fact
from build_tools.problems import Problem
from build_tools.schema import Value
from build_tools.yaml_nodes import MAX_BYTES, MappingNode, Node, ScalarNode, SequenceNode, parse_yaml

# Builds a fact from its section's title and its validated value, as the loader does (`load._Builder`).
BuildFact = Callable[[str, Value], Fact | None]
_FACTS = schema.SECTION.by_name["facts"]


@dataclass(frozen=True, slots=True)
class Item:
    """One fact item of a `facts:` list: its lines [first, end), its dash's column, its mapping's column."""

    first: int
    end: int
    dash: int
    column: int


@dataclass(frozen=True)
class Layout:
    """Where each fact item of a briefing file stands, from its nodes."""

    items: tuple[Item, ...]

    def item_for(self, first: int, last: int) -> Item | None:
        """The item whose lines hold the lines first..last (0-based), if one does."""
        return next((item for item in self.items if item.first <= first and last < item.end), None)


def layout_of(text: str) -> Layout | None:
    """The fact items of a briefing file, or None when it does not parse or has no such list."""
    root = parse_yaml("layout", text.encode("utf-8")).root
    lines = text.split("\n")
    items: list[Item] = []
    for facts in _facts_lists(root):
        nodes = facts.value
        for index, node in enumerate(nodes):
            line, column = node.start_mark.line, node.start_mark.column
            dash = lines[line].rfind("-", 0, column) if line < len(lines) else -1
            if dash < 0 or lines[line][:dash].strip():
                return None  # the item's mapping does not start on its dash's line
            end = nodes[index + 1].start_mark.line if index + 1 < len(nodes) else facts.end_mark.line
            if index + 1 == len(nodes) and facts.end_mark.column > 0:
                end += 1  # the list ends inside a line (end of file without a line break)
            items.append(Item(line, max(end, line + 1), dash, column))
    return Layout(tuple(items))


def _facts_lists(root: Node | None) -> list[SequenceNode]:
    found = []
    sections = _get(root, "sections")
    for section in sections.value if isinstance(sections, SequenceNode) else ():
        facts = _get(section, "facts")
        if isinstance(facts, SequenceNode) and facts.flow_style is False:
            found.append(facts)
    return found


def _get(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    return next((value for name, value in node.value if isinstance(name, ScalarNode) and name.value == key), None)


@dataclass(frozen=True)
class Reread:
    briefing: Briefing
    problems: tuple[Problem, ...]


def reread_fact(rel: str, old: bytes, new: bytes, briefing: Briefing, problems: tuple[Problem, ...],
                layout: Layout, build: BuildFact) -> Reread | None:
    """The briefing and problems of `new` from those of `old` when the edit lies inside one fact and that is
    certain to give what reading the whole file gives; else None (read it whole)."""
    if len(new) > MAX_BYTES or new.count(b"\n") != old.count(b"\n"):
        return None
    try:
        text = new.decode("utf-8")
    except UnicodeDecodeError:
        return None
    first, last = _changed_lines(old, new)
    item = layout.item_for(first, last)
    if item is None or _touches_dash(old, new, item, first):
        return None
    lines = text.split("\n")
    chunk = lines[item.first:item.end]
    if not _inside_item(chunk, item) or "\t" in "".join(chunk):
        return None
    node = _one_item(rel, "\n" * item.first + "\n".join(chunk), item)
    old_fact = _fact_at(briefing, rel, item)
    if node is None or old_fact is None:
        return None
    checker = schema.Checker(rel)
    value = checker.value(node, schema.FACT, _FACTS)
    section, fact = old_fact
    new_fact = build(section, value) if value is not None else None
    if new_fact is None or not _within_date_budget(problems, checker.problems):
        return None
    kept = [p for p in problems if not item.first < p.where.line <= item.end]  # 1-based lines of the item
    return Reread(_replaced(briefing, fact, new_fact), tuple(kept + checker.problems))


def _changed_lines(old: bytes, new: bytes) -> tuple[int, int]:
    """The 0-based first and last line the edit touches (the files have as many lines)."""
    start = _common_prefix(old, new)
    end = len(new) - _common_prefix(old[::-1], new[::-1])
    end = max(end, start)
    return new.count(b"\n", 0, start), new.count(b"\n", 0, end)


def _common_prefix(a: bytes, b: bytes) -> int:
    """The length of the common prefix, by halving (each comparison is a memcmp)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _touches_dash(old: bytes, new: bytes, item: Item, first: int) -> bool:
    """Whether the edit changes the item's first line before its mapping begins (its dash, its indent)."""
    if first != item.first:
        return False
    old_line = old.split(b"\n", item.first + 1)[item.first]
    new_line = new.split(b"\n", item.first + 1)[item.first]
    prefix = len(old_line.decode("utf-8", "replace")[:item.column].encode("utf-8"))
    return old_line[:prefix] != new_line[:prefix]


def _inside_item(chunk: list[str], item: Item) -> bool:
    """Every line after the first is blank, a comment, or indented past the dash."""
    for line in chunk[1:]:
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#") and len(line) - len(stripped) <= item.dash:
            return False
    return True


def _one_item(rel: str, text: str, item: Item) -> Node | None:
    """The item's mapping, parsed on its own at its own place, when that gives exactly one item and no
    problem."""
    parsed = parse_yaml(rel, text.encode("utf-8"))
    root = parsed.root
    if parsed.problems or not isinstance(root, SequenceNode) or len(root.value) != 1:
        return None
    node = root.value[0]
    if (node.start_mark.line, node.start_mark.column) != (item.first, item.column):
        return None
    return node if isinstance(node, MappingNode) else None


def _fact_at(briefing: Briefing, rel: str, item: Item) -> tuple[str, Fact] | None:
    """The fact the item gave (with its section's title), or None when it gave none."""
    line, column = item.first + 1, item.column + 1
    for section in briefing.sections:
        for fact in section.facts:
            if fact.at.line == line and fact.at.column == column and fact.at.path == rel:
                return section.title, fact
    return None


def _within_date_budget(old: tuple[Problem, ...], new: list[Problem]) -> bool:
    """Whether no malformed date lost its explanation to the file's budget, before or after."""
    dates = sum(p.code == codes.INVALID_DATE.code for p in old) + sum(p.code == codes.INVALID_DATE.code for p in new)
    return dates < schema.Checker.DATE_EXPLANATIONS


def _replaced(briefing: Briefing, old: Fact, new: Fact) -> Briefing:
    sections = tuple(
        dataclasses.replace(section, facts=tuple(new if fact is old else fact for fact in section.facts))
        if any(fact is old for fact in section.facts) else section
        for section in briefing.sections)
    return dataclasses.replace(briefing, sections=sections)

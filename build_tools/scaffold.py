"""`briefings new`: commented starting files an editor can fill in without reading the docs.

Every file written here passes the schema. What the editor must still write is a placeholder,
`TODO` (FCT005 at its own line and column until it is replaced, with how to fill it), and nothing
else is reported: no made-up date, no hash of nothing.

`new fact` inserts the fact's lines after the last fact of the named section (or a new section at
the end), so every other byte of the file stays as it was; the result is parsed and checked before
the file is replaced whole.
"""

from __future__ import annotations

import contextlib
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from build_tools import schema
from build_tools.problems import Problem
from build_tools.safe_files import UnsafePath, check_inside, create_new, replace
from build_tools.syntax_codes import PLACEHOLDER as PLACEHOLDER_CODE
from build_tools.yaml_edit import quoted, scalar
from build_tools.yaml_nodes import MappingNode, Node, ScalarNode, SequenceNode, parse_yaml


class ScaffoldError(Exception):
    """The file cannot be created or extended (exit code 2)."""


SOURCE_TEMPLATE = """\
# yaml-language-server: $schema=../schemas/source.schema.json
# One archived article. Replace every TODO (`briefings lint` lists those left and how to fill each);
# write `unknown` for what is not known, and say why in notes.
title: TODO the headline as published
outlet: TODO who published this copy
# original_outlet: ...          # who first published it, if this copy is a republication
# author: ...                   # byline or interviewer
published: TODO YYYY-MM-DD      # or YYYY-MM or YYYY, never more precise than the article;
                                # 2022-07~ (about), 2022-07? (possibly), 2024-01-12/.. (on or after)
{url}# archive_url: https://web.archive.org/web/...  # a public archived copy, for readers
# archive_date: YYYY-MM-DD      # when that copy was taken
# url_status: live              # {url_statuses} (`briefings recheck --write`)
{snapshot}
derived_from: []                # ids of sources this article rewrites
republished_from: []            # ids of sources this article republishes
# notes: >-                     # what is known about the article, and why any field is unknown
"""

SNAPSHOT_PLACEHOLDER = """\
snapshot:
  # `briefings snapshot add FILE` stores the archived plain text and prints this block: paste it here.
  sha256: TODO paste from briefings snapshot add"""

FACT_TEMPLATE = """\
- id: {fact_id}  # unique in the project; the page anchor is #fact-{fact_id}
  text: {text}
  date: {date}  # when it happened, at the precision the source gives: YYYY-MM-DD, YYYY-MM, YYYY;
  #   a season 2021-22 (summer 2021); 2021-06~ (about), 2021-06? (possibly);
  #   2021-03/2021-06 (between), ../2021-06 (by), 2021-03/.. (in or after); `briefings explain SCH005`
  # as_of: YYYY-MM-DD  # only for a state that can change ("has not spoken since ...")
  # kind: statement  # {kinds}
  citations:
{citations}"""

CITATION_TEMPLATE = """\
    - source: {source}
      quote: {quote}
"""

TEXT_PLACEHOLDER = (">-\n    TODO: one or two neutral sentences, attributed (\"Giammattei said ...\"), no more "
                    "than the quotes say.")
SOURCE_PLACEHOLDER = "TODO a file name in sources/, without .yaml"
QUOTE_PLACEHOLDER = "TODO words from the snapshot, found with briefings quote"

BRIEFING_TEMPLATE = """\
# yaml-language-server: $schema=../schemas/briefing.schema.json
# One page of cited facts. Add facts with `briefings new fact {briefing_id} --section TITLE --source ID --quote "..."`.
title: TODO the title of the page
summary: >-
  TODO: two or three neutral sentences on what the page covers.
updated: {month}
sections:
  - title: TODO the first section's title
    facts:
{facts}"""


@dataclass(frozen=True)
class NewFact:
    """What `briefings new fact` writes; None leaves the editor a placeholder."""

    fact_id: str
    citations: Sequence[tuple[str, str | None]] = ()  # (source id, quote)
    text: str | None = None
    date: str | None = None


def _create(root: Path, rel: str, text: str) -> Path:
    """Create a new project file: whole, never through a symlink (even a dangling one), and only in a
    folder that resolves inside the project, the rule the loader applies when reading."""
    path = root / rel
    try:
        check_inside(path.parent, root)
        create_new(path, text.encode("utf-8"))
    except FileExistsError:
        raise ScaffoldError(f"{rel} already exists; edit it instead") from None
    except UnsafePath as error:
        raise ScaffoldError(str(error)) from None
    return path


def check_id(item_id: str, source: bool = False) -> None:
    problem = schema.source_id_problem(item_id) if source else schema.id_problem(item_id)
    if problem is not None:
        raise ScaffoldError(problem[1])


def write_schemas(root: Path) -> None:
    """The JSON Schemas the templates name, unless something (anything) is already there."""
    for name, content in schema.schema_files().items():
        with contextlib.suppress(FileExistsError, UnsafePath):
            check_inside(root / "schemas", root)
            create_new(root / "schemas" / name, content.encode("utf-8"))


def source_text(snapshot_block: str | None = None, url: str | None = None) -> str:
    """A new source file; with the `snapshot:` block that `snapshot add` prints, and the URL, when known."""
    url_line = f"url: {url}\n" if url else \
        "# url: https://...              # the copy's address; leave out when unknown\n"
    return SOURCE_TEMPLATE.format(url=url_line, snapshot=snapshot_block or SNAPSHOT_PLACEHOLDER,
                                  url_statuses=choices(schema.SOURCE.by_name["url_status"]))


def new_source(root: Path, source_id: str, snapshot_block: str | None = None, url: str | None = None) -> Path:
    check_id(source_id, source=True)
    path = _create(root, f"sources/{source_id}.yaml", source_text(snapshot_block, url))
    write_schemas(root)
    return path


def new_briefing(root: Path, briefing_id: str, month: str) -> Path:
    check_id(briefing_id)
    facts = _indent(fact_yaml(NewFact(f"{briefing_id}-1")), 6)
    path = _create(root, f"briefings/{briefing_id}.yaml",
                   BRIEFING_TEMPLATE.format(briefing_id=briefing_id, month=month, facts=facts))
    write_schemas(root)
    return path


def placeholders(rel: str, text: str) -> list[Problem]:
    """The placeholders left in a file written here (FCT005, each at its place, with how to fill it)."""
    parsed = parse_yaml(rel, text.encode("utf-8"))
    if parsed.root is None:
        return list(parsed.problems)
    record = schema.SOURCE if rel.startswith("sources/") else schema.BRIEFING
    return [p for p in schema.check_file(rel, parsed.root, record)[1] if p.code == PLACEHOLDER_CODE.code]


# --- a new fact in an existing briefing ---------------------------------------------------------

def fact_yaml(fact: NewFact) -> str:
    """The fact as a block sequence item at indentation 0."""
    citations: Sequence[tuple[str | None, str | None]] = fact.citations or [(None, None)]
    lines = "".join(CITATION_TEMPLATE.format(source=source or SOURCE_PLACEHOLDER,
                                             quote=quoted(quote) if quote else QUOTE_PLACEHOLDER)
                    for source, quote in citations)
    return FACT_TEMPLATE.format(fact_id=fact.fact_id, text=_text_yaml(fact.text) if fact.text else TEXT_PLACEHOLDER,
                                date=_date_yaml(fact.date) if fact.date else schema.PLACEHOLDER, citations=lines,
                                kinds=choices(schema.FACT.by_name["kind"]))


def choices(spec: schema.Field) -> str:
    """A field's choices as the templates' comments list them, from its declaration: "event (default), statement,
    state, or plan"."""
    words = [f"{choice} (default)" if choice == spec.default else choice for choice in spec.choices]
    return ", ".join(words[:-1]) + ", or " + words[-1]


def _date_yaml(date: str) -> str:
    return date if re.fullmatch(r"[0-9.][0-9./~?%-]*", date) else quoted(date)


def _text_yaml(text: str) -> str:
    """A sentence as a folded block (`>-`) of lines of at most 100 characters."""
    lines = textwrap.wrap(" ".join(text.split()), 100, break_long_words=False, break_on_hyphens=False)
    return ">-\n" + "".join(f"    {line}\n" for line in lines).rstrip("\n")


@dataclass(frozen=True)
class Added:
    path: Path
    section: str
    lines: range  # the new fact's lines (1-based)


def new_fact(root: Path, briefing_id: str, fact: NewFact, section: str | None = None,
             create_section: bool = False) -> Added:
    """Add `fact` after the last fact of `section` (the last section when None), or in a new section at the
    end when `create_section`. The file is replaced whole (an editor
    or a crash never sees half of it); a link is followed only within the project."""
    check_id(briefing_id)
    path = root / "briefings" / f"{briefing_id}.yaml"
    if not path.is_file():
        raise ScaffoldError(f"no briefing {path}; create it with `briefings new briefing {briefing_id}`")
    target = path.resolve()
    if not target.is_relative_to(root.resolve()):
        raise ScaffoldError(f"{path} resolves outside the project (to {target}); replace the symlink with the file")
    original = target.read_text(encoding="utf-8")
    rel = f"briefings/{briefing_id}.yaml"
    sections = _sections(rel, original)
    titles = [title for title, _ in sections]
    if section is None:
        chosen = len(sections) - 1
    elif section in titles:
        chosen = titles.index(section)
    else:
        folded = [t.casefold() for t in titles]
        chosen = folded.index(section.casefold()) if folded.count(section.casefold()) == 1 else -1
    if chosen < 0 and not create_section:
        listed = "; ".join(f"'{t}'" for t in titles)
        raise ScaffoldError(f"{rel} has no section '{section}' (its sections: {listed}); add --new-section to "
                            "create it at the end")
    if chosen < 0:
        assert section is not None
        updated = _with_new_section(original, sections[-1][1], section, fact)
        title = section
    else:
        updated = _with_fact(original, sections[chosen][1], fact)
        title = titles[chosen]
    _check_added(rel, original, updated, title, fact.fact_id)
    replace(target, updated.encode("utf-8"))
    first = next(n for n, (a, b) in enumerate(zip(original.splitlines(), updated.splitlines(), strict=False), 1)
                 if a != b) if not updated.startswith(original) else original.count("\n") + 1
    return Added(path, title, range(first, first + updated.count("\n") - original.count("\n")))


def _sections(rel: str, text: str) -> list[tuple[str, MappingNode]]:
    parsed = parse_yaml(rel, text.encode("utf-8"))
    root = parsed.root
    if root is None:
        problem = parsed.problems[0].line() if parsed.problems else "it is empty"
        raise ScaffoldError(f"{rel} does not parse ({problem}); fix it first")
    value = _get(root, "sections")
    if not isinstance(value, SequenceNode) or value.flow_style or not value.value:
        raise ScaffoldError(f"{rel} has no block list of sections ('sections:' then '- title: ...' lines); "
                            "add the fact by hand")
    found = []
    for item in value.value:
        title = _get(item, "title")
        if not isinstance(item, MappingNode) or not isinstance(title, ScalarNode):
            raise ScaffoldError(f"{rel}:{item.start_mark.line + 1}: a section without a title; fix it first")
        found.append((str(title.value), item))
    return found


def _get(node: Node, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    return next((value for name, value in node.value if isinstance(name, ScalarNode) and name.value == key), None)


def _with_fact(text: str, section: MappingNode, fact: NewFact) -> str:
    facts = _get(section, "facts")
    if not isinstance(facts, SequenceNode) or facts.flow_style or not facts.value:
        raise ScaffoldError(f"the section on line {section.start_mark.line + 1} has no block list of facts to "
                            "line the new one up with; add the fact by hand")
    lines = text.splitlines(keepends=True)
    last = facts.value[-1]
    dash = _dash_indent(lines, last)
    return _insert(lines, _content_end(lines, last), _indent(fact_yaml(fact), dash))


def _with_new_section(text: str, last_section: MappingNode, title: str, fact: NewFact) -> str:
    lines = text.splitlines(keepends=True)
    dash = _dash_indent(lines, last_section)
    key = last_section.start_mark.column
    facts = _get(last_section, "facts")
    fact_dash = _dash_indent(lines, facts.value[0]) if isinstance(facts, SequenceNode) and facts.value and \
        not facts.flow_style else key + 2
    block = (" " * dash + "-" + " " * (key - dash - 1) + f"title: {scalar(title)}\n" + " " * key + "facts:\n"
             + _indent(fact_yaml(fact), fact_dash))
    return _insert(lines, _content_end(lines, last_section), block)


def _dash_indent(lines: list[str], item: Node) -> int:
    """The column of the '-' that starts a block sequence item."""
    line = lines[item.start_mark.line]
    match = re.match(r"( *)- ", line)
    if match is None or len(match.group(0)) > item.start_mark.column + 1:
        raise ScaffoldError(f"line {item.start_mark.line + 1} is not a '- ' list item; add the fact by hand")
    return len(match.group(1))


def _content_end(lines: list[str], item: Node) -> int:
    """The index of the line after `item`'s last line of content: blank lines and comments less indented
    than its keys (the next item's heading, say) stay after the insertion."""
    mark = item.end_mark  # where the next token starts: the item ends on the line before unless text precedes it
    end = min(mark.line + (1 if mark.line < len(lines) and lines[mark.line][:mark.column].strip() else 0),
              len(lines))
    keys = item.start_mark.column
    while end > item.start_mark.line + 1:
        line = lines[end - 1]
        stripped = line.strip()
        if stripped and not (stripped.startswith("#") and len(line) - len(line.lstrip(" ")) < keys):
            break
        end -= 1
    return end


def _insert(lines: list[str], at: int, block: str) -> str:
    before = "".join(lines[:at])
    if before and not before.endswith("\n"):
        before += "\n"
    return before + block + "".join(lines[at:])


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(keepends=True))


def _check_added(rel: str, before: str, after: str, section: str, fact_id: str) -> None:
    """The new text parses, has the fact in the section, and brings no problem but placeholders."""
    parsed = parse_yaml(rel, after.encode("utf-8"))
    if parsed.root is None:
        raise ScaffoldError(f"adding the fact would break {rel} ({parsed.problems[0].message}); add it by hand")
    fields, problems = schema.check_file(rel, parsed.root, schema.BRIEFING)
    try:
        sections = {s.data["title"].data: s.data for s in fields["sections"].data}  # type: ignore[index]
        ids = [f.data["id"].data for f in sections[section]["facts"].data]
    except (KeyError, IndexError, TypeError, AttributeError):
        ids = []
    if fact_id not in ids:
        raise ScaffoldError(f"could not place the fact in section '{section}' of {rel}; add it by hand")
    old = parse_yaml(rel, before.encode("utf-8"))
    known = {(p.code, p.message) for p in schema.check_file(rel, old.root, schema.BRIEFING)[1]} if old.root else set()
    new = [p for p in problems if p.code != PLACEHOLDER_CODE.code and (p.code, p.message) not in known]
    if new:
        raise ScaffoldError(f"the fact would not be valid: {new[0].line()}")

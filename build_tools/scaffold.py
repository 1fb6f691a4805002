"""`briefings new`: commented starting files an editor can fill in without reading the docs.

Every file written here passes the schema; `briefings lint` then says what is
still missing (the snapshot, the quote, the source id).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from pathlib import Path

from build_tools import schema
from build_tools.safe_files import UnsafePath, check_inside, create_new, replace
from build_tools.yaml_nodes import parse_yaml


class ScaffoldError(Exception):
    """The file cannot be created or extended (exit code 2)."""


SOURCE_TEMPLATE = """\
# yaml-language-server: $schema=../schemas/source.schema.json
# One archived article. Fill in what is known; write `unknown` (and say why in notes) for the rest.
title: unknown                  # the headline as published
outlet: unknown                 # who published this copy
# original_outlet: ...          # who first published it, if this copy is a republication
# author: ...                   # byline or interviewer
published: unknown              # YYYY, YYYY-MM or YYYY-MM-DD, never more precise than known;
                                # 2022-07~ (about), 2022-07? (possibly), 2024-01-12/.. (on or after)
# url: https://...              # the copy's address; leave out when unknown (lint warns)
# archive_url: https://web.archive.org/web/...  # a public archived copy, for readers
# archive_date: YYYY-MM-DD      # when that copy was taken
# url_status: live              # live, dead, deviated, usurped or unknown (`briefings recheck --write`)
snapshot:
  # Run `briefings snapshot add FILE` on the archived plain text and paste its block here.
  sha256: 0000000000000000000000000000000000000000000000000000000000000000
derived_from: []                # ids of sources this article rewrites
republished_from: []            # ids of sources this article republishes
notes: >-
  What is known about this article, and why any field is unknown.
"""

FACT_TEMPLATE = """\
- id: {fact_id}  # unique in the project; the page anchor is #fact-{fact_id}
  text: >-
    TODO: one or two neutral sentences, attributed ("Giammattei said ...").
  date: {month}  # when it happened, at the precision the source gives: YYYY, YYYY-MM, YYYY-MM-DD;
  #   a season 2021-22 (summer 2021); 2021-06~ (about), 2021-06? (possibly);
  #   2021-03/2021-06 (between), ../2021-06 (by), 2021-03/.. (in or after); `briefings explain SCH005`
  # as_of: {month}  # only for a state that can change ("has not spoken since ...")
  # kind: statement  # event (default), statement, state, or plan
  citations:
    - source: todo-source-id  # a file name in sources/, without .yaml
      quote: "TODO: words copied from the snapshot, at most 40; ... marks words left out"
"""

BRIEFING_TEMPLATE = """\
# yaml-language-server: $schema=../schemas/briefing.schema.json
# One page of cited facts. Add facts with `briefings new fact {briefing_id}`.
title: TODO title of the briefing
summary: >-
  TODO: two or three neutral sentences on what the page covers.
updated: {month}
sections:
  - title: TODO section title
    facts:
{facts}"""


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


def _check_id(item_id: str) -> None:
    problem = schema.id_problem(item_id)
    if problem is not None:
        raise ScaffoldError(problem[1])


def write_schemas(root: Path) -> None:
    """The JSON Schemas the templates name, unless something (anything) is already there."""
    for name, content in schema.schema_files().items():
        with contextlib.suppress(FileExistsError, UnsafePath):
            check_inside(root / "schemas", root)
            create_new(root / "schemas" / name, content.encode("utf-8"))


def new_source(root: Path, source_id: str) -> Path:
    _check_id(source_id)
    path = _create(root, f"sources/{source_id}.yaml", SOURCE_TEMPLATE)
    write_schemas(root)
    return path


def new_briefing(root: Path, briefing_id: str, today: dt.date) -> Path:
    _check_id(briefing_id)
    month = today.strftime("%Y-%m")
    facts = _indent(FACT_TEMPLATE.format(fact_id=f"{briefing_id}-1", month=month), 6)
    path = _create(root, f"briefings/{briefing_id}.yaml",
                   BRIEFING_TEMPLATE.format(briefing_id=briefing_id, month=month, facts=facts))
    write_schemas(root)
    return path


def new_fact(root: Path, briefing_id: str, today: dt.date, taken: set[str]) -> tuple[Path, str]:
    """Append a fact template to the last section of a briefing, keeping the file's comments. The file is
    replaced whole (an editor or a crash never sees half of it); a link is followed only within the project."""
    _check_id(briefing_id)
    path = root / "briefings" / f"{briefing_id}.yaml"
    if not path.is_file():
        raise ScaffoldError(f"no briefing {path}; create it with `briefings new briefing {briefing_id}`")
    target = path.resolve()
    if not target.is_relative_to(root.resolve()):
        raise ScaffoldError(f"{path} resolves outside the project (to {target}); replace the symlink with the file")
    original = target.read_text(encoding="utf-8")
    indents = re.findall(r"^( *)- id:", original, flags=re.MULTILINE)
    if not indents:
        raise ScaffoldError(f"{path} has no fact to line the new one up with; add it by hand")
    fact_id = next(f"{briefing_id}-{n}" for n in range(1, 100_000) if f"{briefing_id}-{n}" not in taken)
    block = _indent(FACT_TEMPLATE.format(fact_id=fact_id, month=today.strftime("%Y-%m")), len(indents[-1]))
    updated = original.rstrip("\n") + "\n" + block
    if not _last_fact_is(updated, path.name, fact_id):
        raise ScaffoldError(f"{path} does not end inside a section's facts; add the fact by hand")
    replace(target, updated.encode("utf-8"))
    return path, fact_id


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(keepends=True))


def _last_fact_is(text: str, name: str, fact_id: str) -> bool:
    parsed = parse_yaml(name, text.encode("utf-8"))
    if parsed.root is None:
        return False
    fields, _ = schema.check_file(name, parsed.root, schema.BRIEFING)
    try:
        last_section = fields["sections"].data[-1].data  # type: ignore[index]
        return bool(last_section["facts"].data[-1].data["id"].data == fact_id)
    except (KeyError, IndexError, TypeError, AttributeError):
        return False

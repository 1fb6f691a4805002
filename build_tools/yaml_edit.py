"""Editing a project file in place: only the fields named change; comments, order and layout stay.

The edit is a ruamel.yaml round trip (it keeps comments, quoting, block scalars and flow lists), and
is then checked line by line: if anything outside the named fields came out different, nothing is
written and the editor is told what to change by hand.
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 4096  # never fold a long line that the editor wrote on one


class EditError(Exception):
    """The file cannot be edited without changing more than the named fields."""


@dataclass(frozen=True)
class Update:
    """Set the top-level `key` to `value` (a str, or a mapping of str for a nested record whose other
    keys stay); `quoted` writes string values in double quotes. A new key goes after the first of
    `after` that the file has, else at the end."""

    key: str
    value: str | Mapping[str, str]
    after: Sequence[str] = ()
    quoted: bool = False


def update_fields(text: str, updates: Sequence[Update]) -> str:
    """`text` with the updates applied; EditError if more than their lines would change."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = WIDTH
    yaml.indent(mapping=2, sequence=4, offset=2)
    try:
        data = yaml.load(text)
    except YAMLError as error:
        raise EditError(f"the file is not YAML that can be edited safely ({str(error).splitlines()[0]})") from None
    if not hasattr(data, "insert"):
        raise EditError("the file is not a mapping of fields")
    for update in updates:
        _apply(data, update)
    out = io.StringIO()
    yaml.dump(data, out)
    edited = out.getvalue()
    _check_only_named(text, edited, {u.key for u in updates})
    return edited


def _apply(data: Any, update: Update) -> None:
    from ruamel.yaml.comments import CommentedMap

    value: Any = update.value
    if isinstance(value, Mapping):
        current = data.get(update.key)
        if not isinstance(current, CommentedMap):
            current = CommentedMap()
            _insert(data, update.key, current, update.after)
        for key, inner in value.items():
            current[key] = _scalar(inner, update.quoted)
        return
    if update.key in data:
        data[update.key] = _scalar(value, update.quoted)
    else:
        _insert(data, update.key, _scalar(value, update.quoted), update.after)


def _scalar(value: str, quoted: bool) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(value) if quoted else value


def _insert(data: Any, key: str, value: Any, after: Sequence[str]) -> None:
    keys = list(data.keys())
    anchor = next((name for name in after if name in data), None)
    position = keys.index(anchor) + 1 if anchor is not None else len(keys)
    data.insert(position, key, value)


def _check_only_named(before: str, after: str, keys: set[str]) -> None:
    old, new = before.splitlines(), after.splitlines()
    allowed_old, allowed_new = _lines_of(old, keys), _lines_of(new, keys)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        stray = [n for n in range(i1, i2) if n not in allowed_old] + [n for n in range(j1, j2) if n not in allowed_new]
        if stray:
            line = (old[i1] if i1 < i2 else new[j1]).strip()
            raise EditError(f"editing {', '.join(sorted(keys))} would also change other lines (such as "
                            f"{line[:60]!r}); make the change by hand")


def _lines_of(lines: list[str], keys: set[str]) -> set[int]:
    """Line numbers belonging to the top-level `keys`: from the key to the next top-level line."""
    owned: set[int] = set()
    current: str | None = None
    for number, line in enumerate(lines):
        if line and not line[0].isspace() and not line.startswith("#"):
            current = line.split(":", 1)[0].strip().strip("\"'")
        if current in keys:
            owned.add(number)
    return owned


def quoted(text: str) -> str:
    """`text` as a one-line YAML scalar that reads back as exactly `text`: in double quotes when nothing
    needs escaping there, else in single quotes (a ' doubled), else double-quoted with escapes."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text)


_PLAIN = re.compile(r"[A-Za-z][\w ,.'()/&-]*")


def scalar(text: str) -> str:
    """`text` as a one-line YAML scalar: plain when it is simple words that every YAML reader takes as that
    string (`Calls and meetings`), else `quoted`."""
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in _YAML11_WORDS:
        return text
    return quoted(text)


# Plain words that YAML 1.1 reads as something other than a string.
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none"})

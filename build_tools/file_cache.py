"""A cache of validated files, keyed by the bytes they hold.

Validating a file (YAML composition, then the schema walk) is the largest part of a
lint. Its result depends only on the file's bytes and on this code, so it is kept
as JSON under `build/cache/` keyed by the SHA-256 of both: an edit, or a change to
the validator, simply misses. JSON, never pickle: a cache entry cannot run code.

An entry is a hint, never a source of truth: it is read against the file format
(every key known, every value of the shape its field declares) and every value goes
through the same checks as a freshly validated one (`schema.accepts`: a URL is an
http(s) URL, a date exists, no text holds a control character). Problems must be
known codes with their own severity. Anything damaged, mistyped or hostile makes
the entry a miss: the file is validated again, as if there were no cache.

The fields are read in the same pass that makes the model from them (`load._Builder`,
with `Checked`): one walk over an entry rather than two (one into values, one into
the model) makes a load from a warm cache about a fifth faster.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from build_tools import dates, declare, model, schema, syntax_codes, yaml_nodes
from build_tools.cache_files import read_json, write_json
from build_tools.dates import EdtfDate
from build_tools.problems import Location, Problem
from build_tools.schema import Fields, Kind, Record, Value

# The file format is declared on the model (`model`, `declare`) and validated by `schema`.
_VALIDATOR = hashlib.sha256(b"".join(Path(m.__file__).read_bytes()
                                     for m in (schema, declare, model, syntax_codes, yaml_nodes, dates)
                                     if m.__file__)).hexdigest()[:16]
_CODES = {code.code: code for code in syntax_codes.CODES}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


class Damaged(Exception):
    """The entry does not hold what validating the file could have produced."""


def _entry(cache_dir: Path, record: str, data: bytes) -> Path:
    digest = hashlib.sha256(data).hexdigest()
    return cache_dir / f"files-{_VALIDATOR}" / f"{record}-{digest}.json"


# A value is [data, line, column]; data is a string, null, a list of values, or {"": {key: value}}.
Raw = dict[str, Any]  # a record's fields as an entry holds them: key → value
Texts = dict[int, tuple[Kind, schema.Field, list[str]]]  # the strings read from one entry, by id of their field


class Checked:
    """The values read from cache entries during one load, checked together at its end (`verify`): each kind of
    text in one pass over all of them, rather than file by file. Dates are checked as they are read (`date`: a model
    is built from them), each distinct one once per load.

    Whoever reads an entry's fields (the loader, `load._Builder`, as it makes the model from them) reads them against
    the file format as validation makes them and raises `Damaged` at anything else; it checks each date with `date`
    and keeps every other string in the file's `Texts`, which it adds to `readers` once the whole entry was read."""

    def __init__(self, distrust: frozenset[str] = frozenset()) -> None:
        self.distrust = distrust  # paths whose entries are not to be used
        self.dates: set[tuple[Kind, str]] = set()
        self.parsed: dict[str, EdtfDate] = {}  # the dates of the load's model, by text (they are frozen)
        self.readers: list[tuple[str, Texts]] = []

    def date(self, text: str, kind: Kind, spec: schema.Field) -> None:
        """A date read from an entry is one a fresh validation gives (each distinct date checked once per load)."""
        if (kind, text) not in self.dates:
            if not schema.accepts(text, kind, spec):
                raise Damaged
            self.dates.add((kind, text))

    def verify(self) -> set[str]:
        """The paths whose entries hold a value that a fresh validation would not give."""
        merged: dict[int, tuple[Kind, schema.Field, list[str]]] = {}
        for _, texts in self.readers:
            for key, (kind, spec, found) in texts.items():
                known = merged.get(key)
                if known is None:
                    merged[key] = (kind, spec, list(found))
                else:
                    known[2].extend(found)
        if all(schema.accepts_all(found, kind, spec) for kind, spec, found in merged.values()):
            return set()
        return {path for path, texts in self.readers if not _passes(texts)}


def _passes(texts: Texts) -> bool:
    return all(schema.accepts_all(found, kind, spec) for kind, spec, found in texts.values())


def load(cache_dir: Path | None, record: Record, data: bytes, path: str,
         checked: Checked) -> tuple[Raw | None, list[Problem]] | None:
    """The cached result for these bytes, with its problems located in `path`, or None on a miss (absent, or
    damaged at its top). Its fields are returned as the entry holds them: their reader checks them (`Checked`)."""
    if cache_dir is None or path in checked.distrust:
        return None
    raw = read_json(_entry(cache_dir, record.name, data))
    if type(raw) is not dict or set(raw) != {"fields", "problems"}:
        return None
    fields = raw["fields"]
    if fields is not None and type(fields) is not dict:
        return None
    try:
        problems = _problems(raw["problems"], path)
    except Damaged:
        return None
    if fields is None and not problems:
        return None  # a file is rejected only with a reason
    return fields, problems


def store(cache_dir: Path | None, record: Record, data: bytes, fields: Raw | None, problems: list[Problem]) -> None:
    """Keep a file's result (its fields as `encode_fields` gives them)."""
    if cache_dir is None:
        return
    payload = {
        "fields": fields,
        "problems": [[p.where.line, p.where.column, p.code, p.name, p.severity.value, p.message] for p in problems],
    }
    write_json(_entry(cache_dir, record.name, data), payload)


def encode_fields(fields: Fields) -> Raw:
    """Validated values in an entry's form."""
    return {name: _encode(value) for name, value in fields.items()}


def _encode(value: Value) -> list[Any]:
    data = value.data
    if isinstance(data, dict):
        encoded: Any = {"": encode_fields(data)}
    elif isinstance(data, list):
        encoded = [_encode(item) for item in data]
    else:
        encoded = data
    return [encoded, value.at.line, value.at.column]


def _problems(raw: Any, path: str) -> list[Problem]:
    """Cached read-time problems: each a known code, with that code's name and severity."""
    if type(raw) is not list:
        raise Damaged
    problems = []
    for item in raw:
        if type(item) is not list or len(item) != 6:
            raise Damaged
        line, column, code, name, severity, message = item
        known = _CODES.get(code) if type(code) is str else None
        if known is None or name != known.name or severity != known.severity.value or type(message) is not str \
                or _CONTROL.search(message) is not None:
            raise Damaged
        if type(line) is not int or type(column) is not int or line < 1 or column < 1:
            raise Damaged
        problems.append(Problem(Location(path, line, column), code, name, known.severity, message))
    return problems

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
from build_tools.schema import Fields, Kind, ListOf, Record, Value

# The file format is declared on the model (`model`, `declare`) and validated by `schema`.
_VALIDATOR = hashlib.sha256(b"".join(Path(m.__file__).read_bytes()
                                     for m in (schema, declare, model, syntax_codes, yaml_nodes, dates)
                                     if m.__file__)).hexdigest()[:16]
_CODES = {code.code: code for code in syntax_codes.CODES}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


_DATES = frozenset({Kind.DATE, Kind.EDTF, Kind.EDTF_OR_UNKNOWN})


class _Damaged(Exception):
    """The entry does not hold what validating the file could have produced."""


def _entry(cache_dir: Path, record: str, data: bytes) -> Path:
    digest = hashlib.sha256(data).hexdigest()
    return cache_dir / f"files-{_VALIDATOR}" / f"{record}-{digest}.json"


class Checked:
    """The values read from cache entries during one load, checked together at its end (`verify`):
    each kind of text in one pass over all of them, rather than file by file. Dates are checked at
    once (a model is built from them), each distinct one once per load."""

    def __init__(self, distrust: frozenset[str] = frozenset()) -> None:
        self.distrust = distrust  # paths whose entries are not to be used
        self.dates: set[tuple[Kind, str]] = set()
        self.parsed: dict[str, EdtfDate] = {}  # the dates of the load's model, by text (they are frozen)
        self.readers: list[tuple[str, _Reader]] = []

    def verify(self) -> set[str]:
        """The paths whose entries hold a value that a fresh validation would not give."""
        merged: dict[int, tuple[Kind, schema.Field, list[str]]] = {}
        for _, reader in self.readers:
            for key, (kind, spec, texts) in reader.texts.items():
                if kind in _DATES:
                    continue  # checked as they were read
                found = merged.get(key)
                if found is None:
                    merged[key] = (kind, spec, list(texts))
                else:
                    found[2].extend(texts)
        if all(schema.accepts_all(texts, kind, spec) for kind, spec, texts in merged.values()):
            return set()
        return {path for path, reader in self.readers if not reader.passes()}


def load(cache_dir: Path | None, record: Record, data: bytes, path: str,
         checked: Checked | None = None) -> tuple[Fields | None, list[Problem]] | None:
    """The cached result for these bytes, with locations in `path`, or None on a miss (absent or damaged).
    With `checked`, its texts are checked with those of the other files at the end of the load
    (`Checked.verify`, which the caller must call); without, before this returns."""
    if cache_dir is None or (checked is not None and path in checked.distrust):
        return None
    raw = read_json(_entry(cache_dir, record.name, data))
    if type(raw) is not dict or set(raw) != {"fields", "problems"}:
        return None
    try:
        problems = _problems(raw["problems"], path)
        reader = _Reader(path)
        fields = None if raw["fields"] is None else reader.record(raw["fields"], record)
        reader.check_dates(checked or Checked())
    except _Damaged:
        return None
    if fields is None and not problems:
        return None  # a file is rejected only with a reason
    if checked is None:
        if not reader.passes():
            return None
    else:
        checked.readers.append((path, reader))
    return fields, problems


def store(cache_dir: Path | None, record: Record, data: bytes, fields: Fields | None, problems: list[Problem]) -> None:
    if cache_dir is None:
        return
    payload = {
        "fields": None if fields is None else _encode_fields(fields),
        "problems": [[p.where.line, p.where.column, p.code, p.name, p.severity.value, p.message] for p in problems],
    }
    write_json(_entry(cache_dir, record.name, data), payload)


# A value is [data, line, column]; data is a string, null, a list of values, or {"": {key: value}}.

def _encode(value: Value) -> list[Any]:
    data = value.data
    if isinstance(data, dict):
        encoded: Any = {"": _encode_fields(data)}
    elif isinstance(data, list):
        encoded = [_encode(item) for item in data]
    else:
        encoded = data
    return [encoded, value.at.line, value.at.column]


def _encode_fields(fields: Fields) -> dict[str, list[Any]]:
    return {name: _encode(value) for name, value in fields.items()}


def _problems(raw: Any, path: str) -> list[Problem]:
    """Cached read-time problems: each a known code, with that code's name and severity."""
    if type(raw) is not list:
        raise _Damaged
    problems = []
    for item in raw:
        if type(item) is not list or len(item) != 6:
            raise _Damaged
        line, column, code, name, severity, message = item
        known = _CODES.get(code) if type(code) is str else None
        if known is None or name != known.name or severity != known.severity.value or type(message) is not str \
                or _CONTROL.search(message) is not None:
            raise _Damaged
        problems.append(Problem(_location(path, line, column), code, name, known.severity, message))
    return problems


def _location(path: str, line: Any, column: Any) -> Location:
    if type(line) is not int or type(column) is not int or line < 1 or column < 1:
        raise _Damaged
    return Location(path, line, column)


class _Reader:
    """Turns an entry's fields back into values, walking the file format as validation does, and
    collects every string by field so that each kind is checked in one pass (`check`)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.texts: dict[int, tuple[Kind, schema.Field, list[str]]] = {}  # by id of the field

    def record(self, raw: Any, record: Record) -> Fields:
        if type(raw) is not dict:
            raise _Damaged
        fields: Fields = {}
        specs, path, buckets = record.by_name, self.path, self.texts
        for name, value in raw.items():
            spec = specs.get(name)
            if spec is None:
                raise _Damaged
            kind = spec.kind
            if type(kind) is not Kind:
                fields[name] = self.value(value, kind, spec)
                continue
            try:  # the common case, inline: a scalar field, [text or null, line, column]
                data, line, column = value
            except (TypeError, ValueError):
                raise _Damaged from None
            if type(line) is not int or type(column) is not int or line < 1 or column < 1:
                raise _Damaged
            if type(data) is str:
                bucket = buckets.get(id(spec))
                if bucket is None:
                    bucket = buckets[id(spec)] = (kind, spec, [])
                bucket[2].append(data)
            elif data is not None:
                raise _Damaged
            fields[name] = Value(data, Location(path, line, column))
        return fields

    def value(self, raw: Any, shape: Kind | Record | ListOf, spec: schema.Field) -> Value:
        try:
            data, line, column = raw
        except (TypeError, ValueError):
            raise _Damaged from None
        if type(line) is not int or type(column) is not int or line < 1 or column < 1:
            raise _Damaged
        at = Location(self.path, line, column)
        if type(data) is str and type(shape) is Kind:
            texts = self.texts.get(id(spec))
            if texts is None:
                texts = self.texts[id(spec)] = (shape, spec, [])
            texts[2].append(data)
            return Value(data, at)
        if data is None:  # a rejected value: its problem was reported
            return Value(None, at)
        if type(shape) is ListOf and type(data) is list:
            item = shape.item
            values = [self.value(value, item, spec) for value in data]
            if any(value.data is None for value in values):
                raise _Damaged  # validation leaves a rejected item out of its list
            return Value(values, at)
        if type(shape) is Record and type(data) is dict and len(data) == 1 and "" in data:
            return Value(self.record(data[""], shape), at)
        raise _Damaged

    def check_dates(self, checked: Checked) -> None:
        """Every date is one a fresh validation gives (each distinct date checked once per load)."""
        for kind, spec, texts in [bucket for bucket in self.texts.values() if bucket[0] in _DATES]:
            fresh = [text for text in set(texts) if (kind, text) not in checked.dates]
            if not schema.accepts_all(fresh, kind, spec):
                raise _Damaged
            checked.dates.update((kind, text) for text in fresh)

    def passes(self) -> bool:
        """Every other text is one a fresh validation gives."""
        return all(schema.accepts_all(texts, kind, spec) for kind, spec, texts in self.texts.values()
                   if kind not in _DATES)

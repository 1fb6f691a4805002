"""A cache of validated files, keyed by the bytes they hold.

Validating a file (YAML composition, then the schema walk) is the largest part of a
lint. Its result depends only on the file's bytes and on this code, so it is kept
as JSON under `build/cache/` keyed by the SHA-256 of both: an edit, or a change to
the validator, simply misses. JSON, never pickle: a cache entry cannot run code.
A damaged or unreadable entry is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from build_tools import dates, schema, syntax_codes, yaml_nodes
from build_tools.cache_files import read_json, write_json
from build_tools.problems import Location, Problem, Severity
from build_tools.schema import Fields, Value

_VALIDATOR = hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in (schema, syntax_codes, yaml_nodes, dates)
                                     if m.__file__)).hexdigest()[:16]


def _entry(cache_dir: Path, record: str, data: bytes) -> Path:
    digest = hashlib.sha256(data).hexdigest()
    return cache_dir / f"files-{_VALIDATOR}" / f"{record}-{digest}.json"


def load(cache_dir: Path | None, record: str, data: bytes, path: str) -> tuple[Fields | None, list[Problem]] | None:
    """The cached result for these bytes, with locations in `path`, or None on a miss."""
    if cache_dir is None:
        return None
    raw = read_json(_entry(cache_dir, record, data))
    try:
        fields = None if raw["fields"] is None else _decode_fields(raw["fields"], path)
        problems = [Problem(Location(path, line, column), code, name, Severity(severity), message)
                    for line, column, code, name, severity, message in raw["problems"]]
    except (ValueError, KeyError, TypeError, IndexError):  # absent (None) or damaged
        return None
    return fields, problems


def store(cache_dir: Path | None, record: str, data: bytes, fields: Fields | None, problems: list[Problem]) -> None:
    if cache_dir is None:
        return
    payload = {
        "fields": None if fields is None else _encode_fields(fields),
        "problems": [[p.where.line, p.where.column, p.code, p.name, p.severity.value, p.message] for p in problems],
    }
    write_json(_entry(cache_dir, record, data), payload)


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


def _decode(raw: list[Any], path: str) -> Value:
    data, line, column = raw
    if isinstance(data, dict):
        data = _decode_fields(data[""], path)
    elif isinstance(data, list):
        data = [_decode(item, path) for item in data]
    elif data is not None and not isinstance(data, str):
        raise TypeError("unexpected value in cache entry")
    return Value(data, Location(path, line, column))


def _decode_fields(raw: dict[str, list[Any]], path: str) -> Fields:
    return {name: _decode(value, path) for name, value in raw.items()}

"""The file format: validation of YAML nodes and the JSON Schemas, from the fields declared on the model.

`SOURCE` and `BRIEFING` describe every key an editor may write; they are made from the declarations on
the model classes (`model`, `declare`). `check_file` walks a node tree against them and returns plain
`Value`s that remember where they came from; `json_schema` turns the same declaration into JSON Schema
for editors; the loader turns the values into the model. None can drift from the others because there
is nothing to keep in step.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from build_tools import syntax_codes as codes
from build_tools.characters import describe, unsafe_character
from build_tools.dates import DateError, EdtfDate, PartialDate, YearOutOfRange
from build_tools.declare import Field as Field
from build_tools.declare import Kind as Kind
from build_tools.declare import ListOf as ListOf
from build_tools.declare import Record as Record
from build_tools.declare import record_of
from build_tools.model import (
    Briefing,
    CaptureRef,
    Citation,
    Correction,
    Fact,
    Section,
    SnapshotRef,
    Source,
    Status,
    Suppression,
)
from build_tools.problems import Location, Problem
from build_tools.yaml_nodes import MappingNode, Node, ScalarNode, SequenceNode, where

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
CODE_PATTERN = re.compile(r"[A-Z]{3}[0-9]{3}")
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
RESERVED_IDS = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)
# A source's page is sources/<id>.md; sources.md, the index of sources, is published where sources/index.md
# would be.
RESERVED_SOURCE_IDS = frozenset({"index"})
UNKNOWN = "unknown"
# What `briefings new` writes where the editor must write something (FCT005 until they do).
PLACEHOLDER = "TODO"
# How to fill each placeholder, by field name (others: the field's own documentation).
_FILL = {
    "sha256": "run `briefings snapshot add FILE` on the archived text and paste the block it prints (or write "
              "the file's name under `file:` and run `briefings lint --fix`)",
    "source": "write the id of the cited source (its file name in sources/ without .yaml)",
    "quote": "find the article's exact words with `briefings quote SOURCE \"words as you remember them\"` and "
             "paste the citation it prints",
    "date": "write when it happened, as precisely as the source says: YYYY-MM-DD, YYYY-MM or YYYY "
            "(`briefings explain SCH005` for seasons, approximate dates and ranges)",
    "published": "write the publication date as the article gives it (YYYY-MM-DD, YYYY-MM or YYYY), or "
                 "`unknown` and say why in notes",
    "title": "write the title (for a source: the headline as published, or `unknown`)",
    "outlet": "write who published this copy, or `unknown`",
    "text": "write one or two neutral, attributed sentences that say no more than the quotes",
    "summary": "write two or three neutral sentences on what the page covers",
    "notes": "write what is known about the article and why any field is unknown, or delete the line",
}
# The years a date may name. Briefings on current affairs need no more; the bound catches typos
# such as 2201 for 2021, and every tool that reads our exports (and Python's datetime, with a day
# to spare either side) handles the whole range.
MIN_YEAR, MAX_YEAR = 1800, 2100

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
CORE_SCALAR_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp")
)
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"


# The longest value of each kind of text: far beyond what a briefing needs, far below what would
# swell the site (every fact is repeated on several pages and in the exports).
MAX_LENGTH = {Kind.LINE: 1000, Kind.LINE_OR_UNKNOWN: 1000, Kind.TEXT: 10_000, Kind.URL: 2000}


class Value(NamedTuple):
    """A validated value and where it stands: str, list of Value, dict of Value, or None if rejected."""

    data: Any
    at: Location


Fields = dict[str, Value]
Shape = Kind | Record | ListOf

# The records of the file format, declared on the model classes they fill (`model`, `declare`).
SUPPRESSION = record_of(Suppression)
SNAPSHOT = record_of(SnapshotRef)
CAPTURE = record_of(CaptureRef)
SOURCE = record_of(Source)
CITATION = record_of(Citation)
STATUS = record_of(Status)
CORRECTION = record_of(Correction)
FACT = record_of(Fact)
SECTION = record_of(Section)
BRIEFING = record_of(Briefing)


_FAST_KINDS = frozenset({Kind.LINE, Kind.TEXT, Kind.LINE_OR_UNKNOWN, Kind.ID})
_FAST_LIMIT = min(MAX_LENGTH.values())  # longer values take the full path, which checks the limit


class Checker:
    """Validates one file's node tree; collects problems instead of raising."""

    # Explaining a malformed date (the `edtf` package's grammar, suggestions from words) takes up to
    # tens of milliseconds; past this many in one file, a malformed date gets the short message.
    DATE_EXPLANATIONS = 20

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.date_explanations = self.DATE_EXPLANATIONS

    def report(self, code: Any, node: Node | Location, message: str) -> None:
        at = node if isinstance(node, Location) else where(self.path, node)
        self.problems.append(Problem.of(code, at, message))

    def record(self, node: Node, record: Record) -> Fields | None:
        if not self._tag_ok(node):
            return None
        if not isinstance(node, MappingNode):
            self.report(codes.WRONG_TYPE, node, f"expected a mapping ({record.name}: 'key: value' lines), "
                        f"found {_describe(node)}")
            return None
        fields: Fields = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            name = self._key(key_node, first_seen, record)
            if name is None:
                continue
            spec = record.by_name[name]
            value = self.value(value_node, spec.kind, spec)
            # A rejected value stays as Value(None): the key was written, so no "missing" cascade.
            fields[name] = value if value is not None else Value(None, where(self.path, value_node))
        guessed = {_guess(name, record) for name in first_seen if name not in record.by_name}
        for spec in record.fields:
            if spec.required and spec.name not in first_seen and spec.name not in guessed:
                self.report(codes.MISSING_FIELD, node, f"{record.name} has no '{spec.name}': add "
                            f"'{spec.name}:' ({spec.doc[0].lower()}{spec.doc[1:].rstrip('.')})")
        return fields

    def _key(self, key: Node, first_seen: dict[str, Node], record: Record) -> str | None:
        if not isinstance(key, ScalarNode) or key.tag != STR:
            self.report(codes.WRONG_TYPE, key, f"keys must be field names, found {_describe(key)}")
            return None
        name = str(key.value)
        if name in first_seen:
            line = first_seen[name].start_mark.line + 1
            self.report(codes.DUPLICATE_KEY, key, f"duplicate key '{name}' (first on line {line}); "
                        "delete one of them")
            return None
        first_seen[name] = key
        if name not in record.by_name:
            self.report(codes.UNKNOWN_KEY, key, _unknown_key_message(name, record))
            return None
        return name

    def value(self, node: Node, shape: Shape, spec: Field) -> Value | None:
        if isinstance(shape, Record):
            fields = self.record(node, shape)
            return None if fields is None else Value(fields, where(self.path, node))
        if isinstance(shape, ListOf):
            return self._list(node, shape, spec)
        return self._scalar(node, shape, spec)

    def _list(self, node: Node, shape: ListOf, spec: Field) -> Value | None:
        if not self._tag_ok(node):
            return None
        if _is_null(node):
            return None if spec.required else Value([], where(self.path, node))
        if not isinstance(node, SequenceNode):
            self.report(codes.WRONG_TYPE, node, f"'{spec.name}' must be a list ('- item' lines), "
                        f"found {_describe(node)}")
            return None
        items = [v for v in (self.value(item, shape.item, spec) for item in node.value) if v is not None]
        if len(node.value) < shape.min_items:
            self.report(codes.MISSING_FIELD, node, f"'{spec.name}' is empty; add at least one item")
        if shape.max_items is not None and len(node.value) > shape.max_items:
            self.report(codes.VALUE_TOO_LONG, node, f"'{spec.name}' has {len(node.value):,} items, over the limit "
                        f"of {shape.max_items:,}; split it")
        return Value(items, where(self.path, node))

    def _scalar(self, node: Node, kind: Kind, spec: Field) -> Value | None:
        fast = self._plain_text(node, kind)
        if fast is not None:
            return fast
        if not self._tag_ok(node):
            return None
        if not isinstance(node, ScalarNode):
            self.report(codes.WRONG_TYPE, node, f"'{spec.name}' must be {kind.value}, found {_describe(node)}")
            return None
        if _is_null(node):
            if spec.required:
                self.report(codes.MISSING_FIELD, node, f"'{spec.name}' is empty; write a value")
            return None
        if node.tag == STR and is_placeholder(str(node.value).strip()):
            return self._placeholder(node, kind, spec)
        text = self._scalar_text(node, kind, spec)
        return None if text is None else Value(text, where(self.path, node))

    def _placeholder(self, node: ScalarNode, kind: Kind, spec: Field) -> Value | None:
        """Report a value `briefings new` left to fill, at its place. Text, and a value that may be unknown,
        keep it (the loader reads a placeholder as not known: nothing else is checked on it); any other value
        is rejected (with no cascade: the key was written)."""
        fill = _FILL.get(spec.name) or f"write it: {spec.doc[0].lower()}{spec.doc[1:].rstrip('.')}"
        self.report(codes.PLACEHOLDER, node, f"'{spec.name}' is still the placeholder {PLACEHOLDER}; {fill}")
        if kind in (Kind.LINE, Kind.TEXT, Kind.LINE_OR_UNKNOWN, Kind.EDTF_OR_UNKNOWN):
            return Value(str(node.value).strip(), where(self.path, node))
        return None

    def _plain_text(self, node: Node, kind: Kind) -> Value | None:
        """The common case in one step: a string scalar that is clean text or a valid id. Anything
        else (or anything doubtful) returns None and takes the full path with its messages."""
        if node.tag != STR or kind not in _FAST_KINDS or type(node) is not ScalarNode:
            return None
        raw: str = node.value
        if len(raw) > _FAST_LIMIT or unsafe_character(raw) is not None:
            return None
        text = raw.strip()
        if not text or (kind is not Kind.TEXT and "\n" in text) or text == UNKNOWN or text.startswith(PLACEHOLDER):
            return None
        if kind is Kind.ID and (not ID_PATTERN.fullmatch(text) or text in RESERVED_IDS):
            return None
        mark = node.start_mark
        return Value(text, Location(self.path, mark.line + 1, mark.column + 1))

    def _scalar_text(self, node: ScalarNode, kind: Kind, spec: Field) -> str | None:
        raw = str(node.value)
        if kind in (Kind.LINE, Kind.TEXT, Kind.LINE_OR_UNKNOWN, Kind.CHOICE) and node.tag != STR:
            self.report(codes.WRONG_TYPE, node, f"'{spec.name}: {raw}' would be read as "
                        f"{_yaml11_type(node)} by other YAML tools; quote it: {spec.name}: \"{raw}\"")
            return None
        if not self._safe(node, raw, kind, spec):
            return None
        text = raw if kind is Kind.URL else raw.strip()
        problem = _kind_problem(text, kind, spec, explain=self.date_explanations > 0)
        if problem is not None:
            if problem[0] is codes.INVALID_DATE:
                self.date_explanations -= 1
            self.report(problem[0], node, problem[1])
            return None
        return text

    def _safe(self, node: ScalarNode, raw: str, kind: Kind, spec: Field) -> bool:
        if kind in (Kind.LINE, Kind.LINE_OR_UNKNOWN) and "\n" in raw.strip():
            self.report(codes.UNSAFE_TEXT, node, f"'{spec.name}' must be one line; join the lines "
                        "(a folded block '>-' is fine)")
            return False
        limit = MAX_LENGTH.get(kind)
        if limit is not None and len(raw.strip()) > limit:
            self.report(codes.VALUE_TOO_LONG, node, f"'{spec.name}' is {len(raw.strip()):,} characters long, over "
                        f"the limit of {limit:,}; shorten it")
            return False
        bad = unsafe_character(raw)
        if bad is None:
            return True
        self.report(codes.UNSAFE_TEXT, _char_location(self.path, node, bad),
                    f"'{spec.name}' contains {describe(raw[bad])} at character {bad + 1}; delete it")
        return False

    def _tag_ok(self, node: Node) -> bool:
        tag = node.tag
        if tag in CORE_SCALAR_TAGS or tag in (MAP_TAG, SEQ_TAG):
            return True
        short = tag.replace("tag:yaml.org,2002:", "!!")
        self.report(codes.DISALLOWED_TAG, node, f"tag '{short}' is not allowed; remove it and write "
                    "plain text")
        return False


def _kind_problem(text: str, kind: Kind, spec: Field, explain: bool = True) -> tuple[Any, str] | None:
    if kind in (Kind.LINE_OR_UNKNOWN, Kind.EDTF_OR_UNKNOWN) and text == UNKNOWN:
        return None
    if kind in (Kind.LINE, Kind.TEXT, Kind.LINE_OR_UNKNOWN) and not text:
        return (codes.MISSING_FIELD, f"'{spec.name}' is empty; write a value")
    if kind is Kind.ID:
        return id_problem(text)
    if kind is Kind.DATE:
        return _exact_date_problem(text, spec)
    if kind in (Kind.EDTF, Kind.EDTF_OR_UNKNOWN):
        problem = edtf_problem(text, explain)
        if problem is None:
            return None
        extra = "; or write 'unknown'" if kind is Kind.EDTF_OR_UNKNOWN and "outside the years" not in problem else ""
        return (codes.INVALID_DATE, f"{problem}{extra}")
    if kind is Kind.URL:
        message = url_problem(text)
        return None if message is None else (codes.INVALID_URL, message)
    if kind is Kind.SHA256 and not SHA256_PATTERN.fullmatch(text):
        return (codes.INVALID_SHA256, f"'{_clip(text)}' is not a SHA-256 digest; paste the 64 "
                "lower-case hex characters that `sha256sum FILE` prints")
    if kind is Kind.CODE and not CODE_PATTERN.fullmatch(text):
        return (codes.WRONG_TYPE, f"'{_clip(text)}' is not a rule code like CIT003; "
                "`briefings rules` lists them")
    if kind is Kind.CHOICE and text not in spec.choices:
        return (codes.WRONG_TYPE, f"'{spec.name}' must be one of {', '.join(spec.choices)}; "
                f"found '{_clip(text)}'")
    return None


def is_placeholder(text: str) -> bool:
    """Whether a value is the placeholder `briefings new` writes: `TODO`, alone or before a space or
    punctuation (so `TODOS`, or a headline that starts with "Todo", is not one)."""
    return text.startswith(PLACEHOLDER) and (len(text) == len(PLACEHOLDER) or not text[len(PLACEHOLDER)].isalnum())


def date_problem(text: str) -> str | None:
    """Why `text` is not an exact date this project accepts (YYYY, YYYY-MM or YYYY-MM-DD), or None."""
    try:
        date = PartialDate.parse(text)
    except DateError as error:
        return str(error)
    return year_problem(text, date.year, date.year)


def edtf_problem(text: str, explain: bool = True) -> str | None:
    """Why `text` is not an EDTF date this project accepts, or None; every year it states must be in
    bounds (an open end states none)."""
    try:
        date = EdtfDate.parse(text, explain)
    except YearOutOfRange as error:
        return year_problem(text, error.year, error.year)
    except DateError as error:
        return str(error)
    years = [day.year for day in date.period() if day is not None]
    return year_problem(text, min(years), max(years))


def year_problem(text: str, first: int, last: int) -> str | None:
    """Why a date spanning the years `first` to `last` is out of bounds, or None."""
    if first >= MIN_YEAR and last <= MAX_YEAR:
        return None
    return (f"'{_clip(text)}' is outside the years this project accepts ({MIN_YEAR} to {MAX_YEAR}); "
            "check the year")


def _exact_date_problem(text: str, spec: Field) -> tuple[Any, str] | None:
    problem = date_problem(text)
    if problem is None:
        return None
    if "outside the years" not in problem and edtf_problem(text, explain=False) is None:
        problem = (f"'{spec.name}' takes an exact date (YYYY, YYYY-MM or YYYY-MM-DD), not '{_clip(text)}'; "
                   "seasons, qualifiers and intervals are for a fact's date and as_of and a source's published")
    return (codes.INVALID_DATE, problem)


_ID_LINES = re.compile(f"(?:{ID_PATTERN.pattern}\n)*{ID_PATTERN.pattern}")
_LINES = frozenset({Kind.LINE, Kind.LINE_OR_UNKNOWN})


def accepts(text: str, kind: Kind, spec: Field) -> bool:
    """Whether validating a string scalar holding `text` gives back exactly `text` as a value of `kind`.

    What a value read back from a cache must satisfy before it is believed (`file_cache`); a test
    checks it against `check_file` on random strings, so the two cannot drift apart."""
    if unsafe_character(text) is not None or len(text) > MAX_LENGTH.get(kind, len(text)):
        return False
    if kind is not Kind.URL and text != text.strip():
        return False
    if kind is not Kind.TEXT and "\n" in text:
        return False
    return _kind_problem(text, kind, spec, explain=False) is None


def accepts_all(texts: list[str], kind: Kind, spec: Field) -> bool:
    """`accepts` for many values at once: one scan of the joined text for one-line kinds and ids."""
    if not texts:
        return True
    if kind in _LINES or kind is Kind.ID:
        joined = "\n".join(texts)
        if joined.count("\n") != len(texts) - 1 or not _safe(joined) \
                or (kind in MAX_LENGTH and max(map(len, texts)) > MAX_LENGTH[kind]):
            return False
        if kind is Kind.ID:
            return _ID_LINES.fullmatch(joined) is not None and RESERVED_IDS.isdisjoint(texts)
        return _stripped_lines(texts)
    return all(accepts(text, kind, spec) for text in texts)


_SAFE_ASCII = bytes(range(0x20, 0x7f)) + b"\t\n"


def _safe(text: str) -> bool:
    """No character a text field refuses: for ASCII text, one C-level pass over its bytes."""
    if text.isascii():
        return not text.encode().translate(None, _SAFE_ASCII)
    return unsafe_character(text) is None


def _stripped_lines(texts: list[str]) -> bool:
    """No text is empty or starts or ends with whitespace."""
    return "" not in texts and list(map(str.strip, texts)) == texts



def id_problem(text: str) -> tuple[Any, str] | None:
    if not ID_PATTERN.fullmatch(text):
        suggestion = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:64]
        hint = f"; e.g. '{suggestion}'" if suggestion and ID_PATTERN.fullmatch(suggestion) else ""
        return (codes.INVALID_ID, f"id '{_clip(text)}' must be lower-case letters, digits and "
                f"hyphens, starting with a letter or digit, at most 64 characters{hint}")
    if text in RESERVED_IDS:
        return (codes.INVALID_ID, f"id '{text}' is a reserved device name on Windows; choose another")
    return None


def source_id_problem(text: str) -> tuple[Any, str] | None:
    """Why `text` cannot be a source's id (its file name), or None: an id, and not one whose page would be
    published where the index of sources is."""
    problem = id_problem(text)
    if problem is None and text in RESERVED_SOURCE_IDS:
        return (codes.INVALID_ID, f"a source cannot be called '{text}': the site's index of sources has that "
                "address; choose another id")
    return problem


def url_problem(url: str) -> str | None:
    """Why `url` is not a safe absolute http(s) URL, or None when it is."""
    shown = _clip(url)
    if url != url.strip() or any(ch.isspace() for ch in url) or unsafe_character(url) is not None:
        return f"URL {shown!r} contains spaces or control characters; remove them"
    scheme, _, rest = url.partition(":")
    if scheme not in ("http", "https") or not rest.startswith("//"):
        return (f"URL '{shown}' is not an absolute http(s) URL; write it as 'https://host/path' "
                "(leave 'url' out when the address is unknown)")
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as error:
        return f"URL '{shown}' is malformed ({error}); check the host and port"
    if not hostname:
        return f"URL '{shown}' has no host; write it as 'https://host/path'"
    if parts.username is not None or parts.password is not None:
        return f"URL '{shown}' contains a user name or password; remove the 'user@' part"
    return None


def _guess(name: str, record: Record) -> str | None:
    guess = difflib.get_close_matches(name, list(record.by_name), n=1, cutoff=0.6)
    return guess[0] if guess else None


def _unknown_key_message(name: str, record: Record) -> str:
    guess = _guess(name, record)
    if guess:
        return f"unknown key '{_clip(name)}' in {record.name}; did you mean '{guess}'?"
    return f"unknown key '{_clip(name)}' in {record.name}; allowed keys: {', '.join(record.by_name)}"


def _yaml11_type(node: ScalarNode) -> str:
    kind = node.tag.rsplit(":", 1)[-1]
    return {"bool": "a boolean", "int": "a number", "float": "a number", "null": "null",
            "timestamp": "a date"}.get(kind, kind)


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"'{_clip(node.value)}'" if node.value else "nothing"


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL


def _char_location(path: str, node: ScalarNode, offset: int) -> Location:
    start, end = node.start_mark, node.end_mark
    if start.line == end.line:
        quoted = 1 if node.style in ('"', "'") else 0
        return Location(path, start.line + 1, start.column + 1 + quoted + offset)
    return where(path, node)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_file(path: str, root: Node, record: Record) -> tuple[Fields | None, list[Problem]]:
    checker = Checker(path)
    fields = checker.record(root, record)
    return fields, checker.problems


# --- JSON Schema -------------------------------------------------------------------------

_YEAR = r"(18\d\d|19\d\d|20\d\d|2100)"
assert (MIN_YEAR, MAX_YEAR) == (1800, 2100), "update _YEAR with the bounds"
_DATE = _YEAR + r"(-\d{2}(-\d{2})?)?"
# EDTF level 1 as `dates.EdtfDate` accepts it (the calendar and the order of an interval's ends
# are checked by the linter, not here): a date with an optional qualifier or a season, or an
# interval of those with '..' for an open end.
_EDTF_POINT = _YEAR + r"(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?[?~%]?|-2[1-4]|[?~%])?"
_EDTF_PATTERN = rf"({_EDTF_POINT}|{_EDTF_POINT}/({_EDTF_POINT}|\.\.)|\.\./{_EDTF_POINT})"
_KIND_SCHEMA: dict[Kind, dict[str, Any]] = {
    Kind.LINE: {"type": "string", "minLength": 1, "pattern": r"^[^\n]*\n?$"},
    Kind.TEXT: {"type": "string", "minLength": 1},
    Kind.ID: {"type": "string", "pattern": "^" + ID_PATTERN.pattern + "$"},
    Kind.DATE: {"type": ["string", "integer"], "pattern": f"^{_DATE}$", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
    Kind.EDTF: {"type": ["string", "integer"], "pattern": f"^{_EDTF_PATTERN}$", "minimum": MIN_YEAR,
                "maximum": MAX_YEAR},
    Kind.EDTF_OR_UNKNOWN: {"type": ["string", "integer"], "pattern": f"^({_EDTF_PATTERN}|unknown)$",
                           "minimum": MIN_YEAR, "maximum": MAX_YEAR},
    Kind.LINE_OR_UNKNOWN: {"type": "string", "minLength": 1, "pattern": r"^[^\n]*\n?$"},
    Kind.URL: {"type": "string", "format": "uri", "pattern": "^https?://[^\\s/@]+(/\\S*)?$"},
    Kind.SHA256: {"type": "string", "pattern": "^" + SHA256_PATTERN.pattern + "$"},
    Kind.CODE: {"type": "string", "pattern": "^" + CODE_PATTERN.pattern + "$"},
}
for _kind, _limit in MAX_LENGTH.items():
    _KIND_SCHEMA[_kind]["maxLength"] = _limit


def schema_files() -> dict[str, str]:
    """The published JSON Schemas, by file name (`SCHEMAS`): what editors point `$schema` at."""
    return {
        f"{name}.schema.json": json.dumps(json_schema(record, f"Sourced Briefings {name} file"), indent=2) + "\n"
        for name, record in (("source", SOURCE), ("briefing", BRIEFING))
    }


SCHEMAS = ("source.schema.json", "briefing.schema.json")  # the names `schema_files` gives


def json_schema(record: Record, title: str) -> dict[str, Any]:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title}
    schema.update(_record_schema(record))
    return schema


def _record_schema(record: Record) -> dict[str, Any]:
    return {
        "type": "object",
        "description": record.doc,
        "additionalProperties": False,
        "required": [f.name for f in record.fields if f.required],
        "properties": {f.name: _field_schema(f) for f in record.fields},
    }


def _field_schema(spec: Field) -> dict[str, Any]:
    schema = _shape_schema(spec.kind, spec)
    schema["description"] = spec.doc
    return schema


def _shape_schema(shape: Shape, spec: Field) -> dict[str, Any]:
    if isinstance(shape, Record):
        return _record_schema(shape)
    if isinstance(shape, ListOf):
        array = {"type": "array", "minItems": shape.min_items, "items": _shape_schema(shape.item, spec)}
        if shape.max_items is not None:
            array["maxItems"] = shape.max_items
        return array
    if shape is Kind.CHOICE:
        return {"type": "string", "enum": list(spec.choices)}
    return dict(_KIND_SCHEMA[shape])

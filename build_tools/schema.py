"""The file format, declared once: validation of YAML nodes and the JSON Schemas.

`SOURCE` and `BRIEFING` describe every key an editor may write. `check_file`
walks a node tree against them and returns plain `Value`s that remember where
they came from; `json_schema` turns the same declaration into JSON Schema for
editors. The two cannot drift because there is nothing to keep in step.
"""

from __future__ import annotations

import difflib
import enum
import json
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from build_tools import syntax_codes as codes
from build_tools.characters import describe, unsafe_character
from build_tools.dates import DateError, EdtfDate, PartialDate, YearOutOfRange
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


class Kind(enum.Enum):
    LINE = "single-line text"
    TEXT = "text"
    ID = "id"
    DATE = "date"
    EDTF = "EDTF date"
    EDTF_OR_UNKNOWN = "EDTF date or 'unknown'"
    LINE_OR_UNKNOWN = "single-line text or 'unknown'"
    URL = "URL"
    SHA256 = "SHA-256 digest"
    CODE = "rule code"
    CHOICE = "choice"


# The longest value of each kind of text: far beyond what a briefing needs, far below what would
# swell the site (every fact is repeated on several pages and in the exports).
MAX_LENGTH = {Kind.LINE: 1000, Kind.LINE_OR_UNKNOWN: 1000, Kind.TEXT: 10_000, Kind.URL: 2000}


@dataclass(frozen=True)
class ListOf:
    item: Kind | Record
    min_items: int = 0
    max_items: int | None = None


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind | Record | ListOf
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Record:
    name: str
    doc: str
    fields: tuple[Field, ...]
    by_name: dict[str, Field] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})


class Value(NamedTuple):
    """A validated value and where it stands: str, list of Value, dict of Value, or None if rejected."""

    data: Any
    at: Location


Fields = dict[str, Value]
Shape = Kind | Record | ListOf

SUPPRESSION = Record("lint", "Accept known problems here, with a reason (reported in the summary).", (
    Field("ignore", ListOf(Kind.CODE, 1), "Rule codes to accept, e.g. [SRC002].", required=True),
    Field("reason", Kind.LINE, "Why the problem is accepted.", required=True),
))

SNAPSHOT = Record("snapshot", "The archived plain-text copy of the article.", (
    Field("sha256", Kind.SHA256, "SHA-256 of the snapshot file's bytes (`sha256sum FILE`).", required=True),
    Field("file", Kind.LINE, "File name in the snapshot store (a hint; files are found by hash)."),
    Field("retrieved", Kind.DATE, "When the copy was archived."),
))

URL_STATUSES = ("live", "dead", "deviated", "usurped", "unknown")

CAPTURE = Record("capture", "The web-archive capture (WARC or WACZ) the snapshot was extracted from, as "
                 "`briefings snapshot import` records it; the linter extracts the text again and compares.", (
    Field("sha256", Kind.SHA256, "SHA-256 of the capture file; it is found by this in the snapshot store's "
          "`captures/` folder.", required=True),
    Field("file", Kind.LINE, "The capture's file name when it was imported (a hint)."),
    Field("record_id", Kind.LINE, "WARC-Record-ID of the response the text was extracted from.", required=True),
    Field("warc_date", Kind.LINE, "WARC-Date of that response: when the page was captured."),
    Field("payload_digest", Kind.LINE, "WARC-Payload-Digest of that response."),
    Field("target_uri", Kind.URL, "WARC-Target-URI: the address that was captured."),
    Field("extractor", Kind.LINE, "The text extractor and its version, e.g. `trafilatura 2.3.1`.", required=True),
))

SOURCE = Record("source", "One archived article: `sources/<id>.yaml`.", (
    Field("title", Kind.LINE_OR_UNKNOWN, "Headline as published, or `unknown` (say why in `notes`).",
          required=True),
    Field("outlet", Kind.LINE_OR_UNKNOWN, "Who published this copy, or `unknown`.", required=True),
    Field("original_outlet", Kind.LINE, "Who first published the article, when this copy republishes "
          "one that is not in the corpus."),
    Field("author", Kind.LINE, "The byline, when known. An interviewer is not the author unless the "
          "byline names them: say who interviewed whom in `notes`."),
    Field("published", Kind.EDTF_OR_UNKNOWN, "Publication date at the precision known (YYYY, YYYY-MM or "
          "YYYY-MM-DD; `2022-07~` about, `2022-07?` possibly, `2024-01-12/..` on or after), or `unknown` "
          "(say why in `notes`).", required=True),
    Field("url", Kind.URL, "Absolute http(s) URL of this copy; leave out when unknown."),
    Field("url_status", Kind.CHOICE, "Whether `url` still serves the article: `live`, `dead` (gone), "
          "`deviated` (its text changed), `usurped` (it serves something else) or `unknown`; "
          "`briefings recheck --write` records it.", choices=URL_STATUSES),
    Field("url_checked", Kind.DATE, "When `url_status` was last checked (YYYY-MM-DD)."),
    Field("archive_url", Kind.URL, "A public archived copy of the page (Wayback Machine, archive.today, "
          "Perma.cc, ...), for readers once the original changes or goes."),
    Field("archive_date", Kind.DATE, "When the archived copy was taken (YYYY-MM-DD)."),
    Field("snapshot", SNAPSHOT, "The archived copy.", required=True),
    Field("capture", CAPTURE, "Where the snapshot's text came from, when it was imported from a WARC or WACZ."),
    Field("derived_from", ListOf(Kind.ID), "Ids of corpus sources this article rewrites."),
    Field("republished_from", ListOf(Kind.ID), "Ids of corpus sources this article republishes."),
    Field("notes", Kind.TEXT, "What is known about the article; why a field is unknown."),
    Field("lint", SUPPRESSION, "Accept known problems on this source."),
))

CITATION = Record("citation", "A source id and a short verbatim quote from its snapshot.", (
    Field("source", Kind.ID, "Id of the source (its file name in `sources/` without `.yaml`).",
          required=True),
    Field("quote", Kind.LINE, "Verbatim words from the snapshot, at most 40; `...` marks omitted words.",
          required=True),
    Field("context", Kind.LINE, "Verbatim words from the quote's paragraph that say who is speaking or when, "
          "e.g. \"Lopez Oliva said\"; checked like the quote, never shown as evidence."),
))

FACT_KINDS = ("event", "statement", "state", "plan")
STATUS_VALUES = ("current", "superseded", "disputed")

STATUS = Record("status", "Whether the fact is still current, superseded by a later one, or disputed.", (
    Field("value", Kind.CHOICE, "`current` (the default), `superseded` or `disputed`.", required=True,
          choices=STATUS_VALUES),
    Field("by", ListOf(Kind.ID), "Ids of the facts that supersede or dispute this one."),
    Field("reason", Kind.LINE, "Why, in a short neutral sentence.", required=True),
))

CORRECTION_KINDS = ("correction", "major", "update")

CORRECTION = Record("correction", "A change to the fact after it was published, shown to readers.", (
    Field("date", Kind.DATE, "When the correction was made.", required=True),
    Field("kind", Kind.CHOICE, "`correction` (the default): something in the fact was wrong; `major`: a "
          "correction that changes what the fact says, listed first; `update`: nothing was wrong, but later "
          "information changed the fact (a status, say).", choices=CORRECTION_KINDS),
    Field("wrong", Kind.LINE, "What the fact said that was wrong or out of date.", required=True),
    Field("changed", Kind.LINE, "What was changed, and on what evidence.", required=True),
))

FACT = Record("fact", "One neutral, attributed sentence with its date and citations.", (
    Field("id", Kind.ID, "Unique across the project; the page anchor is `#fact-<id>`.", required=True),
    Field("text", Kind.LINE, "One or two neutral, attributed sentences.", required=True),
    Field("date", Kind.EDTF, "When what the fact describes happened, at the sources' precision: YYYY, "
          "YYYY-MM or YYYY-MM-DD; a season (`2021-22` summer 2021); `2021-06~` about, `2021-06?` possibly; "
          "an interval (`2021-03/2021-06` between, `../2021-06` by, `2021-03/..` in or after).",
          required=True),
    Field("as_of", Kind.EDTF, "For a state that can change: the date it was true as of (same forms as "
          "`date`)."),
    Field("kind", Kind.CHOICE, "`plan` for a plan or expectation (may be dated after the sources).",
          choices=FACT_KINDS),
    Field("citations", ListOf(CITATION, 1, 20), "Where the fact comes from (at most 20).", required=True),
    Field("status", STATUS, "Mark a fact superseded by a later fact, or disputed by another."),
    Field("corrections", ListOf(CORRECTION), "Every change to the fact's substance after it was published "
          "(figures, names or dates in its text, its date, its quotes, its status), oldest first."),
    Field("replaces", Kind.ID, "The fact's former id, when it was renamed: its history and links carry over."),
    Field("said_by", Kind.LINE, "Who says so, as the sources attribute it (`Giammattei`, `the White House, as "
          "reported by Breitbart News`); shown in table sections and on the timeline. Leave out when the outlet "
          "reports the fact in its own voice."),
    Field("notes", Kind.TEXT, "Editorial notes (not shown to readers)."),
    Field("lint", SUPPRESSION, "Accept known problems on this fact."),
))

SECTION_DISPLAYS = ("list", "table")

SECTION = Record("section", "A titled group of facts.", (
    Field("title", Kind.LINE, "Section heading.", required=True),
    Field("display", Kind.CHOICE, "`list` (the default): each fact under its date; `table`: one row per fact "
          "(date, fact, who says so, outlet and date, sources, status, as of), for claims read side by side. "
          "A table becomes one card per fact on a phone.", choices=SECTION_DISPLAYS),
    Field("facts", ListOf(FACT, 1), "The facts, in reading order.", required=True),
))

BRIEFING = Record("briefing", "One page: `briefings/<id>.yaml`.", (
    Field("title", Kind.LINE, "Page title.", required=True),
    Field("summary", Kind.TEXT, "A neutral summary of the page.", required=True),
    Field("updated", Kind.DATE, "When the briefing was last revised.", required=True),
    Field("short_answer", ListOf(Kind.ID, 1, 3), "One to three ids of this briefing's facts that answer its "
          "question at a glance: shown first on the page, in a box, and on the home page. Never a superseded "
          "fact (FCT009)."),
    Field("sections", ListOf(SECTION, 1), "The sections, in reading order.", required=True),
))


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
    """The published JSON Schemas, by file name: what editors point `$schema` at."""
    return {
        f"{name}.schema.json": json.dumps(json_schema(record, f"Sourced Briefings {name} file"), indent=2) + "\n"
        for name, record in (("source", SOURCE), ("briefing", BRIEFING))
    }


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

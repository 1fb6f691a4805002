"""Project → JSON: everything a reader or another tool needs, and W3C Web Annotations.

Each citation is exported with its place in the archived snapshot (character
offsets and a TextQuoteSelector), computed at build time from the snapshot.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from collections.abc import Callable, Container
from functools import partial
from typing import Any, NamedTuple

from build_tools.dates import EdtfDate, PartialDate, Point
from build_tools.declare import Kind, ListOf, Record
from build_tools.memo import Memo, Once, Token
from build_tools.model import Briefing, Citation, Fact, Project, Source
from build_tools.provenance import independence_groups, independent_count, reverse_relations
from build_tools.schema import BRIEFING, FACT, SOURCE, STATUS
from build_tools.snapshots import Anchor, SnapshotStore

# Every data file: fixed names directly in data/, one file per briefing and format in data/briefings/.
# No fixed name lies in data/briefings/, and ids hold no '/' or '.', so no briefing id (not even
# `briefings` or `annotations`) can make a per-briefing path equal a fixed one.
EXPORT_PATH = "data/briefings.json"
ANNOTATIONS_PATH = "data/annotations.jsonld"
CSL_PATH = "data/sources.csl.json"
BRIEFING_DATA = "data/briefings/{id}.{ext}"


class Anchors:
    """Every quote's place in its snapshot, looked up through the store (which computes them one
    snapshot at a time, and keeps them in its cache), and what readers are shown of it."""

    def __init__(self, project: Project, store: SnapshotStore | None) -> None:
        self.store = store
        self.sha256 = {source.id: source.snapshot.sha256 for source in project.sources.values()}
        # An anchor is fixed by the snapshot's hash and the quote, once the snapshot is in the store:
        # memo keys name the facts and sources, and this names which snapshots are present.
        present = " ".join(sorted(store.index())) if store is not None else ""
        self.key = hashlib.sha256(present.encode()).hexdigest()
        if store is not None:
            store.prepare(project.quotes())

    def get(self, citation: Citation) -> tuple[Anchor, ...]:
        """One anchor per piece of the quote; () when its snapshot is absent or the quote is not placed."""
        sha256 = self.sha256.get(citation.source)
        return () if self.store is None or sha256 is None else self.store.anchors(sha256, citation.quote)

    def shown(self, citation: Citation) -> str:
        """What readers see of the quote: the snapshot's own characters for each piece, joined by an
        ellipsis (the quote as written when its snapshot is absent)."""
        sha256 = self.sha256.get(citation.source)
        pieces = self.store.shown(sha256, citation.quote) if self.store is not None and sha256 else None
        return " … ".join(pieces) if pieces else citation.quote


def export_data(project: Project, store: SnapshotStore | None = None) -> dict[str, Any]:
    """`data/briefings.json` as Python values: decoded from the bytes the one encoder writes."""
    data: dict[str, Any] = json.loads(export_json(project, store))
    return data


# Keys of the exported briefings and facts in their published order; fields declared later follow them.
_BRIEFING_KEYS = ("id", "title", "path", "updated", "short_answer")
_FACT_KEYS = ("id", "briefing", "section", "text", "date", "as_of", "kind", "said_by", "status", "citations",
              "independent_sources", "corrections", "replaces")
_CURRENT: dict[str, Any] = {"value": "current", "by": [], "reason": None}  # the status of a fact that declares none


def _briefing_list(project: Project) -> list[dict[str, Any]]:
    return [_ordered({"id": b.id, "path": f"briefings/{b.id}/", **exported(b, BRIEFING)}, _BRIEFING_KEYS)
            for b in project.briefings]


def _fact(fact: Fact, groups: dict[str, str], anchors: Anchors) -> dict[str, Any]:
    computed = {
        "briefing": fact.briefing,
        "section": fact.section,
        "status": exported(fact.status, STATUS) if fact.status else dict(_CURRENT),
        "citations": [_citation(c, anchors) for c in fact.citations],
        "independent_sources": independent_count({c.source for c in fact.citations}, groups),
    }
    data = exported(fact, FACT, computed)
    data.update(computed)
    return _ordered(data, _FACT_KEYS)


def exported(value: Any, record: Record, skip: Container[str] = ()) -> dict[str, Any]:
    """The fields of a model object that its record's declaration exports (all but `skip`), by key in their
    declared order, as JSON values."""
    return {name: to_json_value(getattr(value if group is None else getattr(value, group), attr))
            for name, attr, group, to_json_value in _exports(record) if name not in skip}


_Export = tuple[str, str, str | None, Callable[[Any], Any]]  # key, attribute, group, to a JSON value


def _exports(record: Record) -> tuple[_Export, ...]:
    """What `exported` reads of a record's model objects."""
    known = _EXPORTS.get(record.name)
    return known[1] if known is not None and known[0] is record else _export_plan(record)


def _export_plan(record: Record) -> tuple[_Export, ...]:
    return tuple((spec.name, str(spec.attr), spec.group, _to_json_value(spec.kind)) for spec in record.fields
                 if spec.exported and spec.attr is not None)


_DATES = frozenset({Kind.DATE, Kind.EDTF, Kind.EDTF_OR_UNKNOWN})


def _to_json_value(kind: Kind | Record | ListOf) -> Callable[[Any], Any]:
    if isinstance(kind, Record):
        return lambda value: None if value is None else exported(value, kind)
    if isinstance(kind, ListOf):
        item = _to_json_value(kind.item)
        return lambda values: [item(value) for value in values]
    if kind in _DATES:
        return lambda date: None if date is None else date.iso()
    return _same


def _same(value: Any) -> Any:
    return value


def _records(root: Record) -> list[Record]:
    """`root` and every record inside it."""
    inside = [spec.kind.item if isinstance(spec.kind, ListOf) else spec.kind for spec in root.fields]
    return [root] + [found for shape in inside if isinstance(shape, Record) for found in _records(shape)]


# What `exported` reads of each record of the file format, made once.
_EXPORTS: dict[str, tuple[Record, tuple[_Export, ...]]] = {
    record.name: (record, _export_plan(record)) for record in _records(SOURCE) + _records(BRIEFING)}


def _ordered(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """`data` with `keys` first, in that order, then the other keys as they came."""
    ordered = {key: data[key] for key in keys}
    if len(ordered) < len(data):
        ordered.update(data)
    return ordered


def _citation(citation: Citation, anchors: Anchors) -> dict[str, Any]:
    """The quote as readers see it, and one position and selector per piece: never the skipped text."""
    pieces = anchors.get(citation)
    data: dict[str, Any] = {"source": citation.source, "quote": anchors.shown(citation)}
    if pieces:
        data["pieces"] = [{"position": {"start": a.start, "end": a.end}, "selector": _quote_selector(a)}
                          for a in pieces]
    return data


def _quote_selector(anchor: Anchor) -> dict[str, str]:
    return {"type": "TextQuoteSelector", "exact": anchor.exact, "prefix": anchor.prefix, "suffix": anchor.suffix}


def _source(source: Source, reverse: dict[str, list[str]]) -> dict[str, Any]:
    return {"id": source.id, **exported(source, SOURCE), "derived_by": reverse["derived_by"],
            "republished_by": reverse["republished_by"]}


def export_files(project: Project, anchors: Anchors, memo: Memo | None = None) -> dict[str, str]:
    """The full export `data/briefings.json`, and per-briefing data for readers: `data/briefings/<id>.json`
    (facts) and `.csv` (one row per citation), cut from it. Each fact is encoded once, and taken from `memo`
    when neither it nor any source changed."""
    return {path: text(make()) for path, make in export_plan(project, anchors, memo).items()}


def text(content: str | Pieces) -> str:
    """A file's text, its pieces joined."""
    return content if isinstance(content, str) else content.text()


def export_plan(project: Project, anchors: Anchors, memo: Memo | None = None
                ) -> dict[str, Callable[[], str | Pieces]]:
    """`export_files`, each file with how to make it, made only when asked (a writer can take one file at a time:
    at 100,000 facts they are 0.5 GB together). The facts are encoded when the first file is made, once."""
    memo = memo or Memo(keep=False)
    entries = Once(partial(_entries, project, anchors, memo))
    plan: dict[str, Callable[[], str | Pieces]] = {EXPORT_PATH: lambda: _briefings_json(project, *entries()[:2])}
    for briefing in project.briefings:
        plan[BRIEFING_DATA.format(id=briefing.id, ext="json")] = partial(_briefing_json, briefing, entries)
        plan[BRIEFING_DATA.format(id=briefing.id, ext="csv")] = partial(_briefing_csv, briefing, entries, memo)
    return plan


class _Entries(NamedTuple):
    facts: list[Entry]
    sources: list[Entry]
    by_briefing: dict[str, list[Entry]]
    by_id: dict[str, dict[str, Any]]  # source id → its data
    token: Token  # the sources'


def _entries(project: Project, anchors: Anchors, memo: Memo) -> _Entries:
    sources = memo.token("sources", project.sources.values())
    facts = list(project.facts)
    entries = _fact_entries(project, facts, anchors, memo, sources)
    source_entries = _source_entries(project, memo, sources)
    by_briefing: dict[str, list[Entry]] = {b.id: [] for b in project.briefings}
    for fact, entry in zip(facts, entries, strict=True):
        by_briefing[fact.briefing].append(entry)
    return _Entries(entries, source_entries, by_briefing, {entry.data["id"]: entry.data for entry in source_entries},
                    sources)


def _briefing_json(briefing: Briefing, entries: Callable[[], _Entries]) -> str:
    chosen = entries().by_briefing[briefing.id]
    return to_json({"briefing": {"id": briefing.id, "title": briefing.title}, "facts": [e.json for e in chosen]})


def _briefing_csv(briefing: Briefing, entries: Callable[[], _Entries], memo: Memo) -> str:
    made = entries()
    return memo.get("csv", (briefing, made.token),
                    partial(_csv, [e.data for e in made.by_briefing[briefing.id]], made.by_id))


def export_json(project: Project, store: SnapshotStore | None = None) -> str:
    """`data/briefings.json` alone (`briefings export`)."""
    anchors = Anchors(project, store)
    memo = Memo(keep=False)
    sources = memo.token("sources", project.sources.values())
    return _briefings_json(project, _fact_entries(project, list(project.facts), anchors, memo, sources),
                           _source_entries(project, memo, sources)).text()


def _briefings_json(project: Project, facts: list[Entry], sources: list[Entry]) -> Pieces:
    return json_pieces({"briefings": _briefing_list(project), "facts": [e.json for e in facts],
                    "sources": [e.json for e in sources]})


def _fact_entries(project: Project, facts: list[Fact], anchors: Anchors, memo: Memo, sources: Token) -> list[Entry]:
    groups = independence_groups(project.sources)
    return [memo.get("fact-entry", (fact, sources), partial(_fact_entry, fact, groups, anchors), anchors.key)
            for fact in facts]


def _source_entries(project: Project, memo: Memo, sources: Token) -> list[Entry]:
    reverse = reverse_relations(project.sources)
    return memo.get("source-entries", (sources,), lambda: [
        _encoded(_source(source, reverse[source.id])) for source in project.sources.values()])


class Encoded(str):
    """JSON text written by `encode`, placed as it is by `to_json`."""

    __slots__ = ()


class Entry(NamedTuple):
    """One exported object, and its JSON text."""

    data: dict[str, Any]
    json: Encoded


def _encoded(data: dict[str, Any]) -> Entry:
    return Entry(data, encode(data))


def _fact_entry(fact: Fact, groups: dict[str, str], anchors: Anchors) -> Entry:
    """The fact's JSON, and what its briefing's CSV reads of it (the whole data is twice the JSON's memory, and a
    build at 100,000 facts would hold it for every fact until the exports are joined)."""
    data = _fact(fact, groups, anchors)
    return Entry({key: data[key] for key in _CSV_FACT_KEYS} | {
        "status": {"value": data["status"]["value"]},
        "citations": [{"source": c["source"], "quote": c["quote"]} for c in data["citations"]]}, encode(data))


CSV_COLUMNS = ("fact_id", "section", "date", "as_of", "status", "text", "source", "outlet", "published", "quote")
_CSV_FACT_KEYS = ("id", "section", "date", "as_of", "text")  # and the status's value, each citation's source and quote


# What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection"), in ASCII and full width.
FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def spreadsheet_cell(value: str) -> str:
    """A CSV cell no spreadsheet runs as a formula: one whose first character (after any spaces) could
    start one gets a leading apostrophe, which spreadsheets show as text. Only the CSV is changed."""
    return f"'{value}" if value.lstrip(" ")[:1] in FORMULA_START else value


def _csv(facts: list[dict[str, Any]], sources: dict[str, dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for fact in facts:
        for citation in fact["citations"]:
            source = sources[citation["source"]]
            row = [fact["id"], fact["section"], fact["date"], fact["as_of"] or "", fact["status"]["value"],
                   fact["text"], citation["source"], source["outlet"] or "unknown", source["published"] or "unknown",
                   citation["quote"]]
            writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue()


def encode(data: Any) -> Encoded:
    """Compact JSON of `data`, in UTF-8 characters (the C encoder; indentation would triple the size and the
    time): the one encoder of every JSON export but CSL-JSON, which is indented for people."""
    return Encoded(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


class Pieces:
    """A file's text as the pieces it is made of, in order, never joined: a writer encodes and compares them a
    few megabytes at a time (`site.write_parts`). The largest exports are 0.2 GB each at 100,000 facts: joined,
    their text would be held twice, the pieces and the whole."""

    __slots__ = ("parts",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, parts: list[str]) -> None:
        self.parts = parts

    def text(self) -> str:
        return "".join(self.parts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pieces) and self.parts == other.parts


def to_json(data: Any) -> str:
    """A JSON file: `encode(data)` and a newline, where `Encoded` items in `data`'s objects and lists are
    placed as they are (a fact encoded once serves the full export and its briefing's). The bytes are the
    ones `encode` would write for the decoded items (tests/test_encoders.py)."""
    return json_pieces(data).text()


def json_pieces(data: Any) -> Pieces:
    """`to_json`, its pieces not joined (the encoder of both)."""
    parts: list[str] = []
    _place(data, parts)
    parts.append("\n")
    return Pieces(parts)


def _place(data: Any, parts: list[str]) -> None:
    if type(data) is Encoded:
        parts.append(data)
    elif isinstance(data, dict):
        separator = "{"
        for key, value in data.items():
            parts += (separator, encode(key), ":")
            _place(value, parts)
            separator = ","
        parts.append("}" if separator == "," else "{}")
    elif isinstance(data, list) and any(type(item) in _PLACED for item in data):
        separator = "["
        for item in data:
            parts.append(separator)
            _place(item, parts)
            separator = ","
        parts.append("]")
    else:
        parts.append(encode(data))


_PLACED = frozenset({Encoded, dict, list})  # what a list's items must include for it to be placed item by item


def snapshot_uri(sha256: str) -> str:
    """RFC 6920 named-information URI: the archived copy, identified by its content."""
    digest = base64.urlsafe_b64encode(bytes.fromhex(sha256)).decode().rstrip("=")
    return f"ni:///sha-256;{digest}"


def web_annotations(project: Project, store: SnapshotStore | None = None) -> dict[str, Any]:
    """Every citation as a W3C Web Annotation (JSON-LD), as Python values: decoded from `annotations_json`."""
    data: dict[str, Any] = json.loads(annotations_json(project, Anchors(project, store)))
    return data


def _annotations_head(total: int) -> dict[str, Any]:
    return {"@context": ["http://www.w3.org/ns/anno.jsonld", {"@language": "en"}],
            "id": ANNOTATIONS_PATH, "type": "AnnotationCollection", "total": total}


def _fact_annotations(fact: Fact, project: Project, anchors: Anchors) -> list[dict[str, Any]]:
    return [_annotation(fact, index, project.sources[citation.source], anchors, citation)
            for index, citation in enumerate(fact.citations, start=1)]


def _annotation(fact: Fact, index: int, source: Source, anchors: Anchors, citation: Citation) -> dict[str, Any]:
    """The fact quotes its source: one target per piece of the quote (the pieces of a quote with
    omissions are separate passages), in the original article and in the archived copy."""
    pieces = anchors.get(citation)
    targets: list[dict[str, Any]] = []
    if not pieces:
        selector = {"type": "TextQuoteSelector", "exact": citation.quote}
        if source.url:
            targets.append({"source": source.url, "selector": selector})
        targets.append({"source": snapshot_uri(source.snapshot.sha256), "selector": [selector]})
    for anchor in pieces:
        if source.url:
            targets.append({"source": source.url, "selector": _quote_selector(anchor)})
        targets.append({"source": snapshot_uri(source.snapshot.sha256), "selector": [
            _quote_selector(anchor), {"type": "TextPositionSelector", "start": anchor.start, "end": anchor.end}]})
    return {
        "id": f"briefings/{fact.briefing}/#fact-{fact.id}/citation-{index}",
        "type": "Annotation",
        "motivation": "quoting",
        "body": {"type": "TextualBody", "value": fact.text, "format": "text/plain",
                 "purpose": "describing"},
        "target": targets,
    }


def annotations_json(project: Project, anchors: Anchors, memo: Memo | None = None) -> str:
    """Every citation as a W3C Web Annotation (JSON-LD): the fact quotes a passage of its source."""
    return annotations_pieces(project, anchors, memo).text()


def annotations_pieces(project: Project, anchors: Anchors, memo: Memo | None = None) -> Pieces:
    """`annotations_json`, in pieces. Each fact's annotations are encoded once, and taken from `memo` when neither
    it nor any source changed."""
    memo = memo or Memo(keep=False)
    sources = memo.token("sources", project.sources.values())
    items: list[Encoded] = []
    for fact in project.facts:
        items.extend(memo.get("annotations", (fact, sources), partial(_encoded_annotations, fact, project, anchors),
                              anchors.key))
    return json_pieces({**_annotations_head(len(items)), "first": {"type": "AnnotationPage", "items": items}})


def _encoded_annotations(fact: Fact, project: Project, anchors: Anchors) -> list[Encoded]:
    return [encode(item) for item in _fact_annotations(fact, project, anchors)]


def csl_items(project: Project) -> list[dict[str, Any]]:
    """Every source as CSL-JSON, the format Zotero, Pandoc and Quarto read: only what the YAML records."""
    return [_csl_item(source) for source in project.sources.values()]


def _csl_item(source: Source) -> dict[str, Any]:
    item: dict[str, Any] = {"id": source.id, "type": "article-newspaper"}
    if source.title:
        item["title"] = source.title
    if source.outlet:
        item["container-title"] = source.outlet
    if source.original_outlet:
        item["original-publisher"] = source.original_outlet
    if source.author:
        item["author"] = [{"literal": source.author}]  # one name as written: never split into given and family
    if source.published:
        item["issued"] = _csl_date(source.published)
    if source.url:
        item["URL"] = source.url
    if source.snapshot.retrieved:
        item["accessed"] = _csl_date(source.snapshot.retrieved)  # when the archived copy was taken
    item["archive_location"] = f"sha256:{source.snapshot.sha256}"
    return item


def _csl_date(date: PartialDate | EdtfDate) -> dict[str, Any]:
    """CSL date: date-parts at the date's precision; `season` (1 spring … 4 winter) and `circa` for an
    approximate or uncertain date; a range as two date-parts; an open interval in words (`literal`)."""
    if isinstance(date, PartialDate):
        return {"date-parts": [_csl_parts(date)]}
    if date.interval:
        if date.start is None or date.end is None:
            return {"literal": date.display()}
        return {"date-parts": [_csl_point_parts(date.start, 0), _csl_point_parts(date.end, 1)]}
    assert date.start is not None
    csl: dict[str, Any] = {"date-parts": [_csl_parts(date.start.date)]}
    if date.start.season:
        csl["season"] = date.start.season - 20
    if date.qualifier:
        csl["circa"] = True
    return csl


def _csl_parts(date: PartialDate) -> list[int]:
    return [part for part in (date.year, date.month, date.day) if part is not None]


def _csl_point_parts(point: Point, end: int) -> list[int]:
    """One end (0 start, 1 end) of a CSL range; a season counts by its first or last month there (CSL
    ranges carry no season)."""
    if point.season is None:
        return _csl_parts(point.date)
    day = point.period()[end]
    return [day.year, day.month]


def csl_json(project: Project) -> str:
    return json.dumps(csl_items(project), ensure_ascii=False, indent=1) + "\n"

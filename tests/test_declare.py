"""Each field of the file format declared once (`build_tools/declare.py`, on the model classes in `model.py`):
the validation, the JSON Schema, the model the loader builds and the exports all follow from the declaration.

The golden files (tests/golden/format/) hold what the declarations give for every field in every form; these
tests hold the rules the loader applies to every declared field, whatever its record, and show one
declaration reaching every consumer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from build_tools import file_cache, schema
from build_tools.declare import NEEDED, Kind, ListOf, Record, declared, record, record_of
from build_tools.export import exported
from build_tools.load import FileKind
from build_tools.model import Briefing, Fact, Source
from build_tools.problems import Problem
from build_tools.yaml_nodes import Node, parse_yaml
from tests.conftest import MiniProject


def records(root: Record, seen: dict[str, Record] | None = None) -> dict[str, Record]:
    """Every record reachable from `root`, by name."""
    seen = {} if seen is None else seen
    seen[root.name] = root
    for spec in root.fields:
        shape = spec.kind.item if isinstance(spec.kind, ListOf) else spec.kind
        if isinstance(shape, Record) and shape.name not in seen:
            records(shape, seen)
    return seen


ALL = {**records(schema.SOURCE), **records(schema.BRIEFING)}


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_declared_field_fills_a_model_attribute_with_its_default(name: str) -> None:
    declared_record = ALL[name]
    assert declared_record.model is not None
    for spec in declared_record.fields:
        if spec.attr is None:
            assert not hasattr(declared_record.model, spec.name), "a field not kept has no attribute"
            continue
        holder = declared_record.model if spec.group is None else declared_record.groups[spec.group]
        attribute = {f.name: f for f in dataclasses.fields(holder)}[spec.attr]
        if spec.needed:
            assert attribute.default is dataclasses.MISSING, f"{name}.{spec.name}"
        elif spec.default is not None or attribute.default is not dataclasses.MISSING:
            assert attribute.default == spec.default, f"{name}.{spec.name}"


def test_the_records_are_the_model_classes_declarations() -> None:
    assert schema.FACT is record_of(Fact) and schema.SOURCE is record_of(Source)
    assert schema.BRIEFING is record_of(Briefing)
    assert schema.FACT.by_name["lint"].attr == "suppression" and schema.FACT.by_name["notes"].attr is None
    assert (schema.SOURCE.by_name["url_status"].group, schema.SOURCE.by_name["url_status"].attr) == ("link", "status")


BRIEFING_HEAD = """\
title: Bridge
summary: The bridge.
updated: 2024-03
sections:
  - title: Reopening
    facts:
"""


def _fact(project: MiniProject, lines: str) -> Fact | None:
    project.write("briefings/b.yaml", BRIEFING_HEAD + lines)
    facts = [fact for fact in project.lint().project.facts if fact.briefing == "b"]
    return facts[0] if facts else None


CITATION = """\
        citations:
          - source: city-herald-2024
            quote: "the bridge would reopen in May"
"""


def test_an_absent_field_takes_its_declared_default(project: MiniProject) -> None:
    fact = _fact(project, "      - id: f\n        text: The minister said so.\n        date: 2024-03\n" + CITATION)
    assert fact is not None
    for spec in schema.FACT.fields:
        if spec.attr is not None and not spec.needed and spec.name not in ("citations", "date"):
            assert getattr(fact, spec.attr) == spec.default, spec.name
    assert (fact.kind, fact.status, fact.corrections, fact.said_by) == ("event", None, (), None)


@pytest.mark.parametrize(("lines", "expected"), [
    # An optional field written `unknown` or as the placeholder is not known: its default.
    ("        said_by: unknown\n", {"said_by": None}),
    ("        said_by: TODO who\n", {"said_by": None}),
    ("        replaces: unknown\n", {"replaces": None}),
    ("        kind: TODO\n", {"kind": "event"}),
    # A rejected optional value takes its default and the fact stays (its problem is reported).
    ("        as_of: 2024-13\n", {"as_of": None}),
    ("        kind: rumour\n", {"kind": "event"}),
])
def test_a_value_that_is_not_known_takes_the_default(project: MiniProject, lines: str,
                                                     expected: dict[str, Any]) -> None:
    fact = _fact(project, "      - id: f\n        text: The minister said so.\n        date: 2024-03\n" + lines
                 + CITATION)
    assert fact is not None
    assert {name: getattr(fact, name) for name in expected} == expected


def test_a_needed_text_keeps_its_placeholder_and_a_rejected_needed_value_drops_the_record(
        project: MiniProject) -> None:
    fact = _fact(project, "      - id: f\n        text: 'TODO: one sentence'\n        date: 2024-03\n" + CITATION)
    assert fact is not None and fact.text == "TODO: one sentence"  # reported as FCT005, shown as written
    assert _fact(project, "      - id: F!\n        text: x\n        date: 2024-03\n" + CITATION) is None
    dated = _fact(project, "      - id: f\n        text: x\n        date: 2024-13\n" + CITATION)
    assert dated is not None and dated.date is None  # a fact's date is needed by the file, not by the model


def test_quotes_are_verbatim_and_a_placeholder_is_no_quote(project: MiniProject) -> None:
    head = "      - id: f\n        text: x\n        date: 2024-03\n        citations:\n"
    fact = _fact(project, head + "          - source: city-herald-2024\n            quote: unknown\n"
                 "            context: unknown\n          - source: city-herald-2024\n            quote: TODO words\n"
                 "            context: TODO who said it\n")
    assert fact is not None
    assert [(c.quote, c.context) for c in fact.citations] == [("unknown", "unknown"), ("", None)]
    problems = [(p.code, p.where.line) for p in project.lint().problems if p.where.path == "briefings/b.yaml"]
    assert ("CIT003", 12) in problems and ("CIT003", 13) in problems  # `unknown` is checked as words
    assert [problem for problem in problems if problem[1] in (15, 16)] == [("FCT005", 15), ("FCT005", 16)]


def test_a_source_reads_unknown_as_not_known_and_needs_its_snapshot(project: MiniProject) -> None:
    project.write("sources/u.yaml", "title: unknown\noutlet: TODO who\npublished: unknown\nauthor: unknown\n"
                  "notes: Nothing is known.\nsnapshot:\n  sha256: " + "a" * 64 + "\n")
    project.write("sources/v.yaml", "title: T\noutlet: O\npublished: 2024\nsnapshot:\n  sha256: nothex\n")
    loaded = project.lint().project
    source = loaded.sources["u"]
    assert (source.title, source.outlet, source.published, source.author) == (None, None, None, None)
    assert source.link.status == "unknown" and source.snapshot.sha256 == "a" * 64
    assert "v" not in loaded.sources and "v" in loaded.broken_sources


# --- one declaration, every consumer -----------------------------------------------------------


@record("gauge", "A gauge, for this test.")
@dataclass(frozen=True, slots=True, kw_only=True)
class Gauge:
    name: str = declared(Kind.LINE, "Its name.", required=True)
    size: str = declared(Kind.CHOICE, "`small` (the default) or `large`.", choices=("small", "large"),
                         default="small")
    checked: Any = declared(Kind.DATE, "When it was last checked.", default=None)
    tags: tuple[str, ...] = declared(ListOf(Kind.ID), "Its tags.", default=(), key="labels")
    remark: ClassVar[None] = declared(Kind.TEXT, "Read and checked, not kept.", kept=False)


def _root(text: bytes) -> Node:
    root = parse_yaml("g.yaml", text).root
    assert root is not None
    return root


def test_one_declaration_gives_the_schema_the_validation_the_model_and_the_export() -> None:
    gauge = record_of(Gauge)
    json_schema = schema.json_schema(gauge, "Gauge")
    assert list(json_schema["properties"]) == ["name", "size", "checked", "labels", "remark"]
    assert json_schema["required"] == ["name"] and json_schema["properties"]["size"]["enum"] == ["small", "large"]
    text = b"name: North\nchecked: 2024-03-05\nlabels: [a, b]\nremark: Fine.\nsize: huge\n"
    fields, problems = schema.check_file("g.yaml", _root(text), gauge)
    assert [p.code for p in problems] == ["SCH003"]  # size: huge is not a choice
    assert fields is not None
    gauges = FileKind("gauges", gauge, Gauge)
    made = gauges.read("g.yaml", text, [], None, file_cache.Checked())
    assert made is not None
    assert (made.name, made.size, made.checked.iso(), made.tags) == ("North", "small", "2024-03-05", ("a", "b"))
    assert exported(made, gauge) == {"name": "North", "size": "small", "checked": "2024-03-05",
                                     "labels": ["a", "b"]}
    missing, _ = schema.check_file("g.yaml", _root(b"size: large\n"), gauge)
    assert missing is not None and list(missing) == ["size"]
    unusable: list[Problem] = []
    assert gauges.read("g.yaml", b"size: large\n", unusable, None, file_cache.Checked()) is None
    assert [p.code for p in unusable] == ["SCH002"]  # no name (missing-field)
    assert gauge.by_name["name"].default is NEEDED

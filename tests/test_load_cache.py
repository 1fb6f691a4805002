"""Loading from the file cache gives exactly the model and problems that validating the files gives: on the real
project, on a project that writes every field of the format in every form (the golden corpus, plus files with
problems), and whatever a cache entry holds (truncated, mistyped, of an older shape): a damaged entry is a miss and
the file is parsed again."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from build_tools import load as load_module
from build_tools import yaml_nodes
from build_tools.cache_files import read_json, write_json
from build_tools.config import Config, load_config
from build_tools.load import load_project
from tests.conftest import ROOT
from tests.test_format_golden import FILES, plain

# Files with problems of each kind the cache keeps: rejected values, unknown keys, placeholders, `unknown` without
# notes, a file that does not parse, a file and a section without a value their record needs.
TROUBLED = {
    "sources/troubled.yaml": """\
title: unknown
outlet: TODO
published: 2024-02-30
url: javascript:alert(1)
snapshot:
  sha256: "0000"
derived_from: [harbour-news, "Not An Id"]
colour: blue
""",
    "briefings/troubled.yaml": """\
title: A troubled briefing
summary: TODO
updated: 2024-02
sumary: typo
sections:
  - title: Facts
    facts:
      - id: Bad Id
        text: Rejected for its id.
        citations:
          - source: harbour-news
            quote: "new pier"
      - id: kept
        text: TODO
        date: 2024-02-30
      - id: dated
        text: Kept with an uncertain date.
        date: 2024-06?
        citations:
          - source: harbour-news
            quote: "new pier"
        citations:
          - source: harbour-news
            quote: "the new pier would open in June"
            context: 12
  - display: table
    facts:
      - id: untitled
        text: In a section without its title (unusable, with its facts).
        citations:
          - source: harbour-news
            quote: "new pier"
""",
    "briefings/unparsable.yaml": "title: [unclosed\n",
    "sources/no-snapshot.yaml": "title: No snapshot\noutlet: Somewhere\n",
}


def write_project(root: Path, files: dict[str, str]) -> Config:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    return load_config(root, environ={})


def loaded(config: Config) -> tuple[Any, list[tuple[Any, ...]]]:
    """The model as plain values (every field, location and date) and the problems with everything they say."""
    project, problems = load_project(config)
    return plain(project), [(p.where, p.code, p.name, p.severity, p.message) for p in problems]


def entries(config: Config) -> list[Path]:
    assert config.cache_dir is not None
    return sorted(config.cache_dir.glob("files-*/*.json"))


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = yaml_nodes.parse_yaml

    def counting(rel: str, data: bytes) -> Any:
        parsed.append(rel)
        return real(rel, data)

    monkeypatch.setattr(load_module, "parse_yaml", counting)
    return parsed


@pytest.fixture
def every_field(tmp_path: Path) -> Config:
    return write_project(tmp_path, {**FILES, **TROUBLED})


@pytest.fixture
def real(tmp_path: Path) -> Config:
    for folder in ("briefings", "sources"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "briefings.toml", tmp_path / "briefings.toml")
    return load_config(tmp_path, environ={})


@pytest.mark.parametrize("which", ["every_field", "real"])
def test_cold_warm_and_uncached_loads_are_equal(which: str, request: pytest.FixtureRequest,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    config: Config = request.getfixturevalue(which)
    uncached = loaded(dataclasses.replace(config, cache_dir=None))
    assert uncached[0]["sources"] and uncached[0]["briefings"]
    parsed = count_parses(monkeypatch)
    assert loaded(config) == uncached  # cold: validated, and kept
    files = len(parsed)
    assert files == len(uncached[0]["files"]) and entries(config)
    assert loaded(config) == uncached  # warm: from the cache
    assert parsed[files:] == (["briefings/unparsable.yaml"] if which == "every_field" else [])


def _entry_texts(config: Config) -> dict[Path, str]:
    return {path: json.dumps(read_json(path), ensure_ascii=False, separators=(",", ":")) for path in entries(config)}


def _first_value(fields: dict[str, Any], change: Callable[[list[Any]], Any]) -> dict[str, Any]:
    name = next(iter(fields))
    return {**fields, name: change(fields[name])}


def _deep(data: Any, change: Callable[[list[Any]], Any]) -> Any:
    """Every [text, line, column] value of an entry's fields changed by `change`."""
    if isinstance(data, list) and len(data) == 3 and isinstance(data[1], int) and not isinstance(data[0], list | dict):
        return change(data)
    if isinstance(data, list):
        return [_deep(item, change) for item in data]
    if isinstance(data, dict):
        return {key: _deep(value, change) for key, value in data.items()}
    return data


# Each turns an entry's JSON (as text) into a damaged one; written with a valid checksum unless it is not JSON.
HOSTILE: dict[str, Callable[[str], str]] = {
    "truncated": lambda text: text[: len(text) // 3],
    "empty": lambda text: "",
    "a list": lambda text: "[]",
    "no problems key": lambda text: json.dumps({"fields": json.loads(text)["fields"]}),
    "an extra key": lambda text: json.dumps({**json.loads(text), "version": 2}),
    "fields as a list": lambda text: json.dumps({**json.loads(text), "fields": [json.loads(text)["fields"]]}),
    "line as a string": lambda text: json.dumps(_deep(json.loads(text), lambda v: [v[0], str(v[1]), v[2]])),
    "line as a bool": lambda text: json.dumps(_deep(json.loads(text), lambda v: [v[0], True, v[2]])),
    "negative column": lambda text: json.dumps(_deep(json.loads(text), lambda v: [v[0], v[1], -1])),
    "text as a number": lambda text: json.dumps(_deep(json.loads(text), lambda v: [7, v[1], v[2]])),
    "text as a record": lambda text: json.dumps(_deep(json.loads(text), lambda v: [{"": {}}, v[1], v[2]])),
    "two-item values": lambda text: json.dumps(_deep(json.loads(text), lambda v: v[:2])),
    # An older shape of the format: bare values, without their places.
    "old shape": lambda text: json.dumps(_deep(json.loads(text), lambda v: v[0])),
    "unknown field": lambda text: json.dumps({**json.loads(text), "fields": {
        **(json.loads(text)["fields"] or {}), "colour": ["blue", 1, 1]}}),
    "problem of another shape": lambda text: json.dumps({**json.loads(text), "problems": [[1, 1, "SCH001"]]}),
}


@pytest.mark.parametrize("damage", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_entry_falls_back_to_the_yaml(every_field: Config, damage: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    uncached = loaded(dataclasses.replace(every_field, cache_dir=None))
    assert loaded(every_field) == uncached
    changed = 0
    for path, text in _entry_texts(every_field).items():
        damaged = HOSTILE[damage](text)
        if damaged == text:
            continue
        changed += 1
        try:
            write_json(path, json.loads(damaged))
        except ValueError:
            path.write_text(damaged, encoding="utf-8")
    assert changed
    parsed = count_parses(monkeypatch)
    assert loaded(every_field) == uncached
    assert len(parsed) >= changed  # every damaged entry was a miss: its file was parsed again


def test_an_entry_of_another_version_is_never_read(every_field: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries are kept under the version of the code that wrote them: a change to the validator or to the
    format reads none of another version's (here: one that says every file is fine and empty)."""
    uncached = loaded(dataclasses.replace(every_field, cache_dir=None))
    loaded(every_field)
    for path in entries(every_field):
        other = path.parent.with_name("files-0000000000000000") / path.name
        other.parent.mkdir(exist_ok=True)
        write_json(other, {"fields": {}, "problems": []})
        path.unlink()
    parsed = count_parses(monkeypatch)
    assert loaded(every_field) == uncached
    assert len(parsed) == len(uncached[0]["files"])

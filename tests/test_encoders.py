"""One encoder per output format, and the bytes it writes.

Every JSON export goes through `export.encode` (compact, UTF-8 characters) and `export.to_json`, which places
items encoded once (a fact's entry serves the full export and its briefing's file). These tests hold the
placed bytes to what the standard encoder writes for the decoded value, on the format's golden project and
on arbitrary JSON values, so that "the same bytes" is a checked claim. The golden files
(tests/golden/format/) hold the exact bytes of each export.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_tools.config import load_config
from build_tools.export import (
    ANNOTATIONS_PATH,
    CSL_PATH,
    EXPORT_PATH,
    Encoded,
    encode,
    export_data,
    export_json,
    to_json,
    web_annotations,
)
from build_tools.lint import LintResult, lint_project
from build_tools.site import generate
from tests.test_format_golden import FILES, TEXTS


@pytest.fixture(scope="module")
def linted(tmp_path_factory: pytest.TempPathFactory) -> LintResult:
    root = tmp_path_factory.mktemp("encoders")
    (root / "snapshots").mkdir()
    for name, text in TEXTS.items():
        (root / "snapshots" / name).write_text(text, encoding="utf-8")
    for rel, content in {**FILES, **ODD}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    result = lint_project(load_config(root, str(root / "snapshots"), environ={}))
    assert not result.errors, [p.line() for p in result.problems]
    return result


# Text that JSON writers treat differently: quotes, a backslash, a slash, characters beyond the Basic
# Multilingual Plane, combining marks, HTML's special characters.
ODD_TEXT = 'The mayor said "yes" \\ no / <maybe> & \U0001F600 cafe\u0301 \u00e9t\u00e9.'
ODD = {
    "briefings/odd.yaml": f"""\
title: "Odd characters: \\"quoted\\" \\\\ and \u00e9"
summary: Characters that JSON writers treat differently.
updated: 2024-06
sections:
  - title: "\u00c9t\u00e9 \U0001F600"
    facts:
      - id: odd-text
        text: '{ODD_TEXT}'
        date: 2024-03-05
        citations:
          - source: harbour-news
            quote: "the new pier would open in June"
""",
}


def standard(text: str) -> str:
    """What `json.dumps` writes for the decoded value: compact, UTF-8 characters, a final newline."""
    return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":")) + "\n"


def test_every_json_export_is_the_standard_encoders_bytes(linted: LintResult) -> None:
    files = generate(linted.project, linted.store)
    exports = [rel for rel in files if rel.startswith("data/") and rel.endswith((".json", ".jsonld"))
               and rel != CSL_PATH]
    assert {EXPORT_PATH, ANNOTATIONS_PATH, "data/briefings/odd.json", "data/briefings/harbour.json"} <= set(exports)
    for rel in exports:
        assert files[rel] == standard(files[rel]), rel
    assert json.loads(files["data/briefings/odd.json"])["facts"][0]["text"] == ODD_TEXT


def test_the_per_briefing_files_hold_the_full_exports_facts(linted: LintResult) -> None:
    files = generate(linted.project, linted.store)
    full = json.loads(files[EXPORT_PATH])
    for briefing in full["briefings"]:
        own = json.loads(files[f"data/briefings/{briefing['id']}.json"])
        assert own["briefing"] == {"id": briefing["id"], "title": briefing["title"]}
        assert own["facts"] == [fact for fact in full["facts"] if fact["briefing"] == briefing["id"]]


def test_briefings_export_writes_the_sites_bytes(linted: LintResult) -> None:
    """`briefings export` and the site's data/briefings.json are one encoder's output; the Python values
    the tests read are decoded from it."""
    files = generate(linted.project, linted.store)
    assert export_json(linted.project, linted.store) == files[EXPORT_PATH]
    assert export_data(linted.project, linted.store) == json.loads(files[EXPORT_PATH])
    assert web_annotations(linted.project, linted.store) == json.loads(files[ANNOTATIONS_PATH])


def test_csl_json_is_indented_for_people_and_csv_reads_back(linted: LintResult) -> None:
    files = generate(linted.project, linted.store)
    csl = files[CSL_PATH]
    assert csl == json.dumps(json.loads(csl), ensure_ascii=False, indent=1) + "\n"
    rows = list(csv.reader(io.StringIO(files["data/briefings/odd.csv"], newline="")))
    assert rows[1][5] == json.loads(files["data/briefings/odd.json"])["facts"][0]["text"]
    assert files["data/briefings/odd.csv"].count("\r") == 0


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _with_encoded(value: Any, draw: st.DrawFn) -> Any:
    """`value` with some of its items already encoded, as the exports place entries."""
    if isinstance(value, dict):
        return {key: _with_encoded(item, draw) for key, item in value.items()}
    if isinstance(value, list):
        return [encode(item) if draw(st.booleans()) else _with_encoded(item, draw) for item in value]
    return value


@st.composite
def placed(draw: st.DrawFn) -> tuple[Any, Any]:
    value = draw(JSON)
    return value, _with_encoded(value, draw)


@given(placed())
def test_placing_encoded_items_writes_what_encoding_the_whole_writes(pair: tuple[Any, Any]) -> None:
    value, partly_encoded = pair
    assert to_json(partly_encoded) == encode(value) + "\n"
    assert isinstance(encode(value), Encoded)


def test_the_export_module_has_one_json_encoder() -> None:
    """Every JSON text of the exports comes from `encode`: no other call of the json module writes."""
    source = (Path(__file__).parent.parent / "build_tools" / "export.py").read_text(encoding="utf-8")
    assert source.count("json.dumps(") == 2  # encode, and CSL-JSON's indented file

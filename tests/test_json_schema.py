"""The published JSON Schemas: generated from the format declaration, and they accept the repository."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from build_tools.schema import schema_files
from tests.conftest import BRIEFING_YAML, ROOT

VALIDATORS = {name: jsonschema.Draft202012Validator(json.loads(text)) for name, text in schema_files().items()}
REPO_FILES = sorted((ROOT / "sources").glob("*.yaml")) + sorted((ROOT / "briefings").glob("*.yaml"))


def validator_for(path_name: str) -> jsonschema.Draft202012Validator:
    return VALIDATORS["source.schema.json" if path_name == "sources" else "briefing.schema.json"]


def test_committed_schemas_are_up_to_date() -> None:
    for name, text in schema_files().items():
        assert (ROOT / "schemas" / name).read_text(encoding="utf-8") == text, \
            f"schemas/{name} is stale: run `briefings schema --out schemas`"


@pytest.mark.parametrize("path", REPO_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_repository_file_validates(path: Path) -> None:
    kind = "source" if path.parent.name == "sources" else "briefing"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# yaml-language-server: $schema=../schemas/{kind}.schema.json\n")
    data = yaml.load(text, Loader=yaml.BaseLoader)  # all strings, as an editor's YAML 1.2 server sees them
    assert list(validator_for(path.parent.name).iter_errors(data)) == []


def test_schema_rejects_a_typo_key() -> None:
    data = yaml.load(BRIEFING_YAML.replace("quote:", "qoute:"), Loader=yaml.BaseLoader)
    errors = list(VALIDATORS["briefing.schema.json"].iter_errors(data))
    assert any("qoute" in e.message for e in errors)


def test_schema_rejects_a_javascript_url() -> None:
    data = {"title": "t", "outlet": "o", "published": "2024", "url": "javascript:alert(1)",
            "snapshot": {"sha256": "0" * 64}}
    assert list(VALIDATORS["source.schema.json"].iter_errors(data))

"""The file format end to end, frozen: a project that writes every field in every form it takes, loaded and
exported, compared byte for byte with golden files. A change to how a field is declared, read, modelled or
exported shows here; a change made on purpose regenerates them:

    REGENERATE_GOLDEN=1 .venv/bin/pytest tests/test_format_golden.py

and the diff of tests/golden/format/ is reviewed with the change. The snapshot texts are invented.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from build_tools.config import load_config
from build_tools.dates import EdtfDate, PartialDate
from build_tools.lint import LintResult, lint_project
from build_tools.problems import Location
from build_tools.site import generate

GOLDEN = Path(__file__).parent / "golden" / "format"

TEXTS = {
    "harbour.txt": "The harbour master said on Tuesday that the new pier would open in June. "
                   "Officials counted 1,204 boats in the first week, according to the port authority. "
                   "“We are pleased,” the harbour master said — and the council agreed.\n",
    "harbour-copy.txt": "PORT NEWS. The harbour master said on Tuesday that the new pier would open in June. "
                        "Officials counted 1,204 boats in the first week, according to the port authority.\n",
    "ferry.txt": "The ferry company said fares would rise by 3.2% next spring. Fares had risen in 2019, "
                 "the company said, and a spokesman called the rise modest.\n",
}


def _sha(name: str) -> str:
    return hashlib.sha256(TEXTS[name].encode()).hexdigest()


FILES = {
    "sources/harbour-news.yaml": f"""\
title: New pier to open in June
outlet: Harbour News
author: A. Writer
published: 2024-03-05
url: https://example.org/harbour/pier?id=1
url_status: dead
url_checked: 2024-06-01
archive_url: https://web.archive.org/web/20240306000000/https://example.org/harbour/pier?id=1
archive_date: 2024-03-06
snapshot:
  sha256: {_sha("harbour.txt")}
  file: harbour.txt
  retrieved: 2024-03-06
capture:
  sha256: {"c" * 64}
  file: harbour.wacz
  record_id: "<urn:uuid:00000000-0000-0000-0000-000000000001>"
  warc_date: "2024-03-06T10:00:00Z"
  payload_digest: "sha1:AAAA"
  target_uri: https://example.org/harbour/pier?id=1
  extractor: trafilatura 2.3.1
notes: |
  The first report of the opening date.

  A second paragraph of notes.
lint:
  ignore: [SRC005]
  reason: Kept for the test of suppressions.
""",
    "sources/port-digest.yaml": f"""\
title: unknown
outlet: Port Digest
original_outlet: Harbour News
published: 2024-03~
url_status: live
snapshot:
  sha256: {_sha("harbour-copy.txt")}
republished_from: [harbour-news]
notes: A republished copy whose headline was not kept.
""",
    "sources/ferry-times.yaml": f"""\
title: Ferry fares to rise
outlet: unknown
published: unknown
url: https://example.org/ferry
snapshot:
  sha256: {_sha("ferry.txt")}
  file: ferry.txt
derived_from: []
notes: Outlet and date were not recorded when it was archived.
""",
    "briefings/harbour.yaml": """\
title: The harbour
summary: |
  What the port said about the pier and the fares.

  A second paragraph.
updated: 2024-06
sections:
  - title: The pier
    facts:
      - id: pier-opens
        text: The harbour master said the new pier would open in June, Harbour News reported.
        date: 2024-03-05
        as_of: 2024-03-05
        kind: statement
        corrections:
          - date: 2024-03-07
            kind: major
            wrong: The fact gave May as the month.
            changed: It now gives June, as the article does.
          - date: 2024-03-08
            wrong: The outlet's name was misspelt.
            changed: Spelt as the outlet spells it.
        citations:
          - source: harbour-news
            quote: "the new pier would open in June"
            context: "The harbour master said on Tuesday that the new pier would open in June."
          - source: port-digest
            quote: "Officials counted 1,204 boats ... according to the port authority"
      - id: pier-plan
        text: The pier was expected to open in the summer of 2024, according to Harbour News.
        date: 2024-22
        kind: plan
        status:
          value: superseded
          by: [pier-opens]
          reason: A later report gave the month.
        citations:
          - source: harbour-news
            quote: "the new pier would open in June"
        notes: Editorial note, not shown.
        lint:
          ignore: [FCT003]
          reason: Kept for the test of suppressions.
  - title: The fares
    facts:
      - id: fares-rise
        text: The ferry company said fares would rise by 3.2%.
        date: 2023/2024-04
        kind: event
        status:
          value: disputed
          by: [pier-opens]
          reason: Another report disagreed.
        citations:
          - source: ferry-times
            quote: "fares would rise by 3.2% next spring"
      - id: fares-before
        text: Fares had risen before, the company said.
        date: ../2019~
        citations:
          - source: ferry-times
            quote: "Fares had risen in 2019, the company said"
      - id: fares-later
        text: A spokesman called the rise modest.
        date: 2024-01?/..
        replaces: fares-modest
        citations:
          - source: ferry-times
            quote: "a spokesman called the rise modest"
""",
}


@pytest.fixture(scope="module")
def linted(tmp_path_factory: pytest.TempPathFactory) -> LintResult:
    root = tmp_path_factory.mktemp("format")
    snapshots = root / "snapshots"
    snapshots.mkdir()
    for name, text in TEXTS.items():
        (snapshots / name).write_text(text, encoding="utf-8")
    for rel, content in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    return lint_project(load_config(root, str(snapshots), environ={}))


def plain(value: Any) -> Any:
    """A loaded value as JSON: dataclasses by field, dates as written, locations as path:line:column."""
    if isinstance(value, Location):
        return f"{value.path}:{value.line}:{value.column}"
    if isinstance(value, EdtfDate | PartialDate):
        return f"{type(value).__name__}({value.iso()})"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in sorted(value.items())}
    if isinstance(value, tuple | list | frozenset | set):
        items = [plain(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, frozenset | set) else items
    if isinstance(value, Path):
        return "<root>"
    return value


def outputs(result: LintResult) -> dict[str, str]:
    """What the golden files hold: the loaded model, the problems, and every generated data file."""
    model = json.dumps(plain(result.project), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    problems = "".join(f"{p.line()}\n" for p in result.problems + result.suppressed)
    files = generate(result.project, result.store)
    data = {rel.replace("/", "__"): content for rel, content in files.items() if rel.startswith("data/")}
    return {"model.json": model, "problems.txt": problems, **data}


def test_the_format_loads_and_exports_as_the_golden_files(linted: LintResult) -> None:
    found = outputs(linted)
    if os.environ.get("REGENERATE_GOLDEN"):
        for stale in GOLDEN.iterdir():
            stale.unlink()
        for name, content in found.items():
            (GOLDEN / name).write_text(content, encoding="utf-8")
    golden = {path.name: path.read_text(encoding="utf-8") for path in GOLDEN.iterdir()}
    assert sorted(found) == sorted(golden)
    for name, content in found.items():
        assert content == golden[name], f"{name} differs from tests/golden/format/{name}"

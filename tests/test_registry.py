"""The registry: codes unique and well-formed, every rule documented in ruff's sections."""

from __future__ import annotations

import re

import pytest

from build_tools.cli import main
from build_tools.rules import ALL_CODES, RULES, find_code

SECTIONS = ("## What it checks", "## Why it matters", "## Example", "## Fix")


def test_codes_and_names_are_unique() -> None:
    assert len({c.code for c in ALL_CODES}) == len(ALL_CODES)
    assert len({c.name for c in ALL_CODES}) == len(ALL_CODES)


def test_codes_and_names_are_well_formed() -> None:
    for code in ALL_CODES:
        assert re.fullmatch(r"[A-Z]{3}\d{3}", code.code), code
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", code.name), code


def test_every_code_is_documented_in_sections() -> None:
    for code in ALL_CODES:
        positions = [code.doc.find(section) for section in SECTIONS]
        assert all(p > 0 for p in positions), f"{code.code} lacks a section: {positions}"
        assert positions == sorted(positions), f"{code.code} sections out of order"
        assert code.summary and not code.summary.startswith("#")


def test_rule_modules_document_themselves() -> None:
    for rule in RULES:
        module = __import__(rule.check.__module__, fromlist=["CODE"])
        assert module.__doc__ == rule.code.doc


def test_find_code_by_code_or_name() -> None:
    assert find_code("cit003") is find_code("quote-not-in-snapshot")
    assert find_code("NOPE999") is None


def test_rules_page_documents_every_code_in_registry_order() -> None:
    from build_tools.render.rules_page import render_rules

    page = render_rules(ALL_CODES)
    headings = re.findall(r"^## ([A-Z]{3}\d{3}) ([a-z0-9-]+) \{#", page, flags=re.MULTILINE)
    assert headings == [(c.code, c.name) for c in ALL_CODES]
    for code in ALL_CODES:
        assert code.doc.strip().partition("\n")[2].strip().splitlines()[-1] in page


def test_explain_prints_each_rules_documentation(capsys: pytest.CaptureFixture[str]) -> None:
    for code in ALL_CODES:
        assert main(["explain", code.code]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"{code.code} {code.name} ({code.severity.value})\n")
        assert code.doc.strip() in out

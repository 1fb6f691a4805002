"""The cache of validated files: same results as without it, keyed by content, safe when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools import load as load_module
from tests.conftest import BRIEFING_YAML, MiniProject

BROKEN = BRIEFING_YAML.replace("date: 2024-03-04", "date: 2024-02-30").replace("summary:", "sumary:")


def entries(project: MiniProject) -> list[Path]:
    return sorted((project.root / "build/cache").glob("files-*/*.json"))


def test_second_lint_uses_the_cache_and_gives_the_same_result(project: MiniProject,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("briefings/bridge.yaml", BROKEN)
    first = project.lint()
    assert len(entries(project)) == 2

    def must_not_parse(*args: object) -> None:
        raise AssertionError("a cached file was parsed again")

    monkeypatch.setattr(load_module, "parse_yaml", must_not_parse)
    second = project.lint()
    assert [p.line() for p in second.problems] == [p.line() for p in first.problems]
    assert second.project.sources == first.project.sources


def test_a_renamed_file_reports_its_new_path(project: MiniProject) -> None:
    project.write("briefings/bridge.yaml", BROKEN)
    project.lint()
    (project.root / "briefings/bridge.yaml").rename(project.root / "briefings/renamed.yaml")
    paths = {p.where.path for p in project.lint().problems}
    assert paths == {"briefings/renamed.yaml"}


def test_an_edit_misses_and_a_damaged_entry_is_rebuilt(project: MiniProject) -> None:
    project.lint()
    for entry in entries(project):
        entry.write_text("{damaged", encoding="utf-8")
    assert project.lint().problems == ()
    project.write("briefings/bridge.yaml", BROKEN)
    assert {p.code for p in project.lint().problems} == {"SCH001", "SCH005"}

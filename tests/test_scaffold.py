"""`briefings new`: files that pass the schema, with lint pointing at what is left to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.cli import main
from build_tools.config import load_config
from build_tools.lint import lint_project


def codes(root: Path) -> list[str]:
    return [p.code for p in lint_project(load_config(root, str(root / "snaps"), environ={})).problems]


def test_new_files_are_valid_and_lint_says_what_is_left(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(tmp_path)
    assert main(["new", "briefing", "demo", "--root", root]) == 0
    assert main(["new", "source", "demo-source", "--root", root]) == 0
    assert main(["new", "fact", "demo", "--root", root]) == 0
    assert "added fact 'demo-2'" in capsys.readouterr().out
    found = codes(tmp_path)
    assert not [c for c in found if c.startswith(("YML", "SCH"))], found
    assert sorted(set(found)) == ["CIT001", "CIT002", "FCT005", "SRC001", "SRC002"]
    text = (tmp_path / "briefings/demo.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/briefing.schema.json\n")
    assert text.count("- id: demo-") == 2
    assert (tmp_path / "schemas/briefing.schema.json").is_file()


def test_new_refuses_to_overwrite_or_bad_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "source", "dup", "--root", str(tmp_path)]) == 0
    assert main(["new", "source", "dup", "--root", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "source", "Bad_Id", "--root", str(tmp_path)]) == 2
    assert main(["new", "fact", "missing", "--root", str(tmp_path)]) == 2


def test_new_fact_refuses_a_file_that_does_not_end_in_facts(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "briefing", "demo", "--root", str(tmp_path)]) == 0
    path = tmp_path / "briefings/demo.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "extra: at the end\n", encoding="utf-8")
    assert main(["new", "fact", "demo", "--root", str(tmp_path)]) == 2
    assert path.read_text(encoding="utf-8") == text + "extra: at the end\n"


@pytest.mark.parametrize("kind", ["source", "briefing"])
def test_new_never_writes_through_a_planted_link(tmp_path: Path, kind: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root, outside = tmp_path / "proj", tmp_path / "outside.yaml"
    (root / f"{kind}s").mkdir(parents=True)
    (root / f"{kind}s/demo.yaml").symlink_to(outside)  # dangling: following it would create `outside`
    assert main(["new", kind, "demo", "--root", str(root)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert not outside.exists()


def test_new_fact_replaces_the_briefing_whole_and_keeps_its_permissions(tmp_path: Path) -> None:
    assert main(["new", "briefing", "demo", "--root", str(tmp_path)]) == 0
    path = tmp_path / "briefings/demo.yaml"
    path.chmod(0o640)
    inode = path.stat().st_ino
    assert main(["new", "fact", "demo", "--root", str(tmp_path)]) == 0
    assert path.read_text(encoding="utf-8").count("- id: demo-") == 2
    assert path.stat().st_ino != inode  # a new file renamed into place, not rewritten in place
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in path.parent.iterdir()] == ["demo.yaml"]  # no temporary file left

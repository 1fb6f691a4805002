"""`briefings new`: files that pass the schema, with lint pointing at what is left to do."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest

from build_tools.cli import main
from build_tools.config import load_config
from build_tools.lint import lint_project
from tests.conftest import SOURCE_YAML, MiniProject


def codes(root: Path) -> list[str]:
    return [p.code for p in lint_project(load_config(root, str(root / "snaps"), environ={})).problems]


def test_new_files_lint_clean_but_for_placeholders_at_their_place(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = str(tmp_path)
    assert main(["new", "briefing", "demo", "--root", root]) == 0
    assert main(["new", "source", "demo-source", "--root", root]) == 0
    assert main(["new", "fact", "demo", "--root", root]) == 0
    out = capsys.readouterr().out
    assert "added fact 'demo-2' to section 'TODO the first section's title' of briefings/demo.yaml" in out
    assert "briefings/demo.yaml:22:15: 'text' is still the placeholder TODO; write one or two neutral" in out
    assert "sources/demo-source.yaml:16:11: 'sha256' is still the placeholder TODO; run `briefings snapshot " \
        "add FILE`" in out
    problems = lint_project(load_config(tmp_path, str(tmp_path / "snaps"), environ={})).problems
    assert {p.code for p in problems} == {"FCT005"}, [p.line() for p in problems]
    for problem in problems:  # each at the placeholder itself (or its `>-`), never 1:1
        lines = (tmp_path / problem.where.path).read_text(encoding="utf-8").splitlines()
        at = lines[problem.where.line - 1][problem.where.column - 1:]
        assert at.startswith("TODO") or (at == ">-" and lines[problem.where.line].lstrip().startswith("TODO")), \
            problem.line()
    fields = sorted((p.where.path, p.message.split("'")[1]) for p in problems)
    assert fields == [("briefings/demo.yaml", name) for name in
                      ("date", "date", "quote", "quote", "source", "source", "summary", "text", "text", "title",
                       "title")] + [("sources/demo-source.yaml", name) for name in
                                    ("outlet", "published", "sha256", "title")]
    text = (tmp_path / "briefings/demo.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/briefing.schema.json\n")
    assert text.count("- id: demo-") == 2
    assert (tmp_path / "schemas/briefing.schema.json").is_file()


def test_new_source_with_its_snapshot_needs_only_what_the_editor_knows(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "article.txt"
    article.write_text("The minister said the bridge would reopen in May.\n", encoding="utf-8")
    snaps = tmp_path / "snaps"
    assert main(["new", "source", "herald", "--root", str(tmp_path), "--snapshots", str(snaps), "--snapshot",
                 str(article), "--url", "https://example.org/bridge"]) == 0
    assert "article.txt added to" in capsys.readouterr().out
    text = (tmp_path / "sources/herald.yaml").read_text(encoding="utf-8")
    assert f"  sha256: {hashlib.sha256(article.read_bytes()).hexdigest()}\n  file: article.txt\n" in text
    assert "url: https://example.org/bridge\n" in text
    problems = lint_project(load_config(tmp_path, str(snaps), environ={})).problems
    assert sorted((p.code, p.message.split("'")[1]) for p in problems if p.severity.value == "error") == [
        ("FCT005", "outlet"), ("FCT005", "published"), ("FCT005", "title")]


def test_a_headline_that_starts_with_todo_is_not_a_placeholder(lint: Any) -> None:
    assert lint({"sources/city-herald-2024.yaml": SOURCE_YAML.replace("Bridge to reopen in May",
                                                                      "Todo lo que dijo el ministro")}) == []
    assert lint({"sources/city-herald-2024.yaml": SOURCE_YAML.replace("Bridge to reopen in May",
                                                                      "TODOS LOS PUENTES")}) == []
    assert lint({"sources/city-herald-2024.yaml": SOURCE_YAML.replace("Bridge to reopen in May", "TODO check")}) \
        == [("sources/city-herald-2024.yaml", 1, 8, "FCT005")]


def test_new_refuses_to_overwrite_or_bad_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "source", "dup", "--root", str(tmp_path)]) == 0
    assert main(["new", "source", "dup", "--root", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "source", "Bad_Id", "--root", str(tmp_path)]) == 2
    assert main(["new", "fact", "missing", "--root", str(tmp_path)]) == 2


BRIEFING = """\
# The bridge, as the city tells it.
title: The bridge
summary: What the city said about the bridge.
updated: 2024-03
sections:
  - title: Reopening
    facts:
      - id: bridge-reopens
        text: The minister said the bridge would reopen in May.   # keep this comment
        date: 2024-03-04
        citations:
          - source: city-herald-2024
            quote: "the bridge would reopen in May"
  # The traffic section comes next; this comment belongs to it.

  - title: Traffic
    facts:
      - id: bridge-traffic
        text: Officials counted 1,204 vehicles on the first day, the city said.
        date: 2024-03
        citations:
          - {source: city-herald-2024, quote: "Officials counted 1,204 vehicles"}
"""


def _new_fact(project: MiniProject, *args: str) -> int:
    return main(["new", "fact", "bridge", "--root", str(project.root), "--snapshots", str(project.snapshots), *args])


def test_new_fact_with_every_option_is_complete_and_changes_nothing_else(
        project: MiniProject, capsys: pytest.CaptureFixture[str]) -> None:
    path = project.write("briefings/bridge.yaml", BRIEFING)
    project.add_source("city-gazette", "The mayor said: \"We are very pleased.\" The council agreed.\n")
    assert _new_fact(project, "--section", "reopening", "--source", "city-herald-2024", "--quote",
                     "the bridge would reopen in May", "--source", "city-gazette", "--quote",
                     '"We are very pleased."', "--text", "The mayor welcomed the   reopening, the Gazette reported.",
                     "--date", "2024-03~", "--id", "mayor-pleased") == 0
    out = capsys.readouterr().out
    assert out.startswith("added fact 'mayor-pleased' to section 'Reopening' of briefings/bridge.yaml (lines 14-26)")
    assert "placeholder" not in out
    after = path.read_text(encoding="utf-8")
    lines = after.splitlines(keepends=True)
    assert "".join(lines[:13] + lines[26:]) == BRIEFING  # every other byte as it was
    assert "".join(lines[13:26]) == """\
      - id: mayor-pleased  # unique in the project; the page anchor is #fact-mayor-pleased
        text: >-
          The mayor welcomed the reopening, the Gazette reported.
        date: 2024-03~  # when it happened, at the precision the source gives: YYYY-MM-DD, YYYY-MM, YYYY;
        #   a season 2021-22 (summer 2021); 2021-06~ (about), 2021-06? (possibly);
        #   2021-03/2021-06 (between), ../2021-06 (by), 2021-03/.. (in or after); `briefings explain SCH005`
        # as_of: YYYY-MM-DD  # only for a state that can change ("has not spoken since ...")
        # kind: statement  # event (default), statement, state, or plan
        citations:
          - source: city-herald-2024
            quote: "the bridge would reopen in May"
          - source: city-gazette
            quote: '"We are very pleased."'
"""
    assert [p for p in project.lint().problems if p.severity.value == "error"] == []
    facts = {f.id: f for f in project.lint().project.facts}
    assert facts["mayor-pleased"].section == "Reopening"
    assert [c.quote for c in facts["mayor-pleased"].citations] == ["the bridge would reopen in May",
                                                                   '"We are very pleased."']


def test_new_fact_in_a_new_section_and_with_placeholders_by_default(
        project: MiniProject, capsys: pytest.CaptureFixture[str]) -> None:
    path = project.write("briefings/bridge.yaml", BRIEFING)
    assert _new_fact(project, "--section", "Council: the vote", "--new-section") == 0
    out = capsys.readouterr().out
    assert "to section 'Council: the vote'" in out
    after = path.read_text(encoding="utf-8")
    assert after.startswith(BRIEFING)
    assert after[len(BRIEFING):].startswith('  - title: "Council: the vote"\n    facts:\n      - id: bridge-1  #')
    today = dt.date.today()
    assert today.isoformat() not in after and today.strftime("%Y-%m") not in after[len(BRIEFING):]
    codes = sorted((p.code, p.message.split("'")[1]) for p in project.lint().problems)
    assert codes == [("FCT005", "date"), ("FCT005", "quote"), ("FCT005", "source"), ("FCT005", "text")]
    assert all(p.where.line > BRIEFING.count("\n") for p in project.lint().problems)
    for line in ("'text' is still the placeholder TODO", "'date' is still", "'source' is still", "'quote' is still"):
        assert line in out


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--section", "Finance"], 2, "briefings/bridge.yaml has no section 'Finance' (its sections: 'Reopening'; "
     "'Traffic'); add --new-section to create it at the end"),
    (["--source", "city-heral-2024"], 2, "no source 'city-heral-2024' in sources/; did you mean 'city-herald-2024'?"),
    (["--source", "city-herald-2024", "--quote", "the bridge will reopen in May"], 1,
     "the quote is not verbatim in the snapshot of 'city-herald-2024'; closest passage: \"the bridge would reopen "
     "in May\" (quote has \"will\" where the snapshot has \"would\"); `briefings quote city-herald-2024 \"...\"` "
     "finds the exact words"),
    (["--quote", "the bridge"], 2, "each --quote follows the --source it quotes"),
    (["--new-section"], 2, "--new-section needs --section TITLE"),
    (["--date", "yesterday"], 2, "--date: "),
    (["--id", "bridge-reopens"], 2, "--id: a fact 'bridge-reopens' exists already"),
])
def test_new_fact_refuses_what_it_cannot_write_and_leaves_the_file(
        project: MiniProject, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str) -> None:
    path = project.write("briefings/bridge.yaml", BRIEFING)
    assert _new_fact(project, *args) == code
    assert message in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == BRIEFING


def test_new_fact_refuses_facts_written_as_a_flow_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "briefing", "demo", "--root", str(tmp_path)]) == 0
    path = tmp_path / "briefings/demo.yaml"
    flow = "title: T\nsummary: S\nupdated: 2024-01\nsections:\n  - title: A\n    facts: [{id: a, text: t}]\n"
    path.write_text(flow, encoding="utf-8")
    assert main(["new", "fact", "demo", "--root", str(tmp_path)]) == 2
    assert "has no block list of facts" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == flow


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

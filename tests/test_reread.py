"""Reading one fact again after an edit (`reread`, the language server's keystroke path) gives exactly what
reading the whole file gives: the same model and the same problems, for any edit, taken or refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools import load, reread
from build_tools.config import load_config
from build_tools.load import LoadedFiles, load_project
from tests.lsp_project import PROBLEMS_BRIEFING, write_project

REL = "briefings/problems.yaml"
EXTRA = """\
      - id: with-everything
        text: >-
          The harbour master said the fleet was ready, the
          Harbour Herald reported.
        date: 2024-03-05  # a comment
        as_of: 2024-03-05
        kind: statement
        status: {value: disputed, by: [near-miss], reason: "Another account."}
        corrections:
          - date: 2024-03-06
            wrong: The fact said the crews refused.
            changed: It now says they agreed.
        citations:
          - source: harbour-herald
            quote: 'ready to welcome the fleet'
            context: "the harbour master said"
        lint: {ignore: [FCT002], reason: Testing.}
  # a comment between items, at the section's indent
      - id: last-one
        text: The ferry carried 2,310 passengers in its first week.
        date: 2024-03-05
        citations: [{source: harbour-herald, quote: "The ferry carried 2,310 passengers"}]
"""
TEXT = PROBLEMS_BRIEFING + EXTRA
# Characters that change meaning in YAML, and plain ones.
ALPHABET = [" ", "a", "Z", "é", "2", "-", ":", "#", '"', "'", "[", "]", "{", "}", ",", "\n", "  ", "\t", "*", "&",
            "- ", ": ", "TODO ", "2024-13-01", "..."]


@pytest.fixture(scope="module")
def config_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root, snapshots = write_project(tmp_path_factory.mktemp("reread"))
    (root / "briefings.toml").write_text(f'[project]\nsnapshots = "{snapshots}"\n', encoding="utf-8")
    return root


def whole(root: Path, text: bytes) -> tuple[object, list[str]]:
    project, problems = load_project(load_config(root, environ={}), None, overlays={REL: text})
    return _briefing(project), sorted(p.line() for p in problems)


def incremental(root: Path, before: bytes, after: bytes, taken: list[bool]) -> tuple[object, list[str]]:
    memory = LoadedFiles()
    config = load_config(root, environ={})
    load_project(config, memory, overlays={REL: before})
    original = reread.reread_fact

    def counted(*args: object, **kwargs: object) -> reread.Reread | None:
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        taken.append(result is not None)
        return result

    load.reread_fact = counted  # type: ignore[assignment]
    try:
        project, problems = load_project(config, memory, overlays={REL: after})
    finally:
        load.reread_fact = original
    return _briefing(project), sorted(p.line() for p in problems)


def _briefing(project: object) -> object:
    return next((b for b in project.briefings if b.path == REL), None)  # type: ignore[attr-defined]


@st.composite
def edits(draw: st.DrawFn) -> str:
    text = TEXT
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(text)))
        length = draw(st.integers(0, 3))
        text = text[:start] + draw(st.sampled_from(ALPHABET)) * draw(st.integers(0, 2)) + text[start + length:]
    return text


@st.composite
def keystrokes(draw: st.DrawFn) -> str:
    """One character typed, replaced or deleted on a line of a fact: what the path is for."""
    lines = TEXT.split("\n")
    number = draw(st.integers(7, len(lines) - 2))
    line = lines[number]
    column = draw(st.integers(0, len(line)))
    typed = draw(st.sampled_from([c for c in ALPHABET if "\n" not in c]))
    lines[number] = line[:column] + typed + line[column + draw(st.integers(0, 1)):]
    return "\n".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edited=edits())
def test_an_edit_read_one_fact_again_equals_the_file_read_whole(config_root: Path, edited: str) -> None:
    before, after = TEXT.encode(), edited.encode("utf-8")
    assert incremental(config_root, before, after, []) == whole(config_root, after)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edited=keystrokes())
def test_a_keystroke_read_one_fact_again_equals_the_file_read_whole(config_root: Path, edited: str) -> None:
    before, after = TEXT.encode(), edited.encode("utf-8")
    assert incremental(config_root, before, after, []) == whole(config_root, after)


def test_a_keystroke_in_a_fact_is_read_again_alone(config_root: Path) -> None:
    """The common case takes the path: a word changed in a fact's text, a quote, a date; a newline does not."""
    cases = [TEXT.replace("said it carried", "said it had carried"),
             TEXT.replace('quote: "the Harbour would reopen in june"', 'quote: "the harbour would reopen in June"'),
             TEXT.replace("'ready to welcome the fleet'", "'ready to welcome the fleet.'"),
             TEXT.replace("date: 2024-03-05  # a comment", "date: 2024-03-06  # a comment"),
             TEXT.replace("said it carried", "said it\n carried")]
    taken: list[bool] = []
    for edited in cases:
        assert incremental(config_root, TEXT.encode(), edited.encode(), taken) == whole(config_root, edited.encode())
    assert taken == [True, True, True, True, False]  # the newline changed the line count: read whole

"""Fields: unknown keys, missing fields, types, ids, dates, URLs and unsafe text, each at its place."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from tests.conftest import BRIEFING_YAML, SOURCE_YAML, MiniProject

Lint = Callable[[Mapping[str, str]], list[tuple[str, int, int, str]]]
BRIEFING = "briefings/bridge.yaml"
SOURCE = "sources/city-herald-2024.yaml"


def test_clean_project_has_no_problems(project: MiniProject) -> None:
    assert project.codes() == []


def test_unknown_key_suggests_the_right_one(project: MiniProject) -> None:
    project.write(BRIEFING, BRIEFING_YAML.replace("            quote:", "            qoute:"))
    problems = project.lint().problems
    assert [(p.where.line, p.where.column, p.code) for p in problems] == [(12, 13, "SCH001")]
    unknown = next(p for p in problems if p.code == "SCH001")
    assert unknown.message == "unknown key 'qoute' in citation; did you mean 'quote'?"


def test_duplicate_key_is_reported_even_when_quoted_differently(lint: Lint) -> None:
    text = BRIEFING_YAML.replace("        text: The minister", '        "text": Other\n        text: The minister')
    assert lint({BRIEFING: text}) == [(BRIEFING, 9, 9, "YML003")]


def test_missing_required_field_points_at_its_mapping(lint: Lint) -> None:
    assert lint({SOURCE: SOURCE_YAML.replace("outlet: City Herald\n", "")}) == [(SOURCE, 1, 1, "SCH002")]


def test_yaml11_boolean_in_a_text_field_must_be_quoted(project: MiniProject) -> None:
    project.write(SOURCE, SOURCE_YAML.replace("outlet: City Herald", "outlet: NO"))
    [problem] = project.lint().problems
    assert (problem.where.line, problem.where.column, problem.code) == (2, 9, "SCH003")
    assert "would be read as a boolean" in problem.message and 'outlet: "NO"' in problem.message


@pytest.mark.parametrize("value", ["yes", "off", "010", "1:20", "3.5", "~"])
def test_yaml11_scalars_where_text_is_expected(lint: Lint, value: str) -> None:
    found = lint({SOURCE: SOURCE_YAML.replace("outlet: City Herald", f"outlet: {value}")})
    assert found == [(SOURCE, 2, 9, "SCH002" if value == "~" else "SCH003")]


def test_dates_and_ids_stay_the_strings_the_editor_wrote(project: MiniProject) -> None:
    project.write(BRIEFING, BRIEFING_YAML.replace("id: bridge-reopens", "id: 010"))
    result = project.lint()
    assert result.problems == ()
    fact = next(result.project.facts)
    assert fact.id == "010"
    assert fact.date.iso() == "2024-03-04"


def test_impossible_date(lint: Lint) -> None:
    assert lint({BRIEFING: BRIEFING_YAML.replace("date: 2024-03-04", "date: 2024-02-30")}) == \
        [(BRIEFING, 9, 15, "SCH005")]


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", "HTTPS://example.org/", "ftp://example.org/x",
    "//example.org/x", "/relative/path", "'  https://example.org/'", '"https://exa\\tmple.org/"',
    "https://user:pass@example.org/", "javascript&colon;alert(1)", "https:///nohost",
])
def test_urls_must_be_absolute_http(lint: Lint, url: str) -> None:
    assert lint({SOURCE: SOURCE_YAML.replace("https://example.org/bridge", url)}) == [(SOURCE, 4, 6, "SCH006")]


@pytest.mark.parametrize("bad", ["\u202e", "\u200b", "\u2066", "\x1b[31m", "\x7f"])
def test_invisible_and_control_characters_are_refused(lint: Lint, bad: str) -> None:
    escaped = bad.encode("unicode_escape").decode()
    line = "        text: The minister said the bridge would reopen in May.\n"
    text = BRIEFING_YAML.replace(line, f'        text: "The minister said{escaped} the bridge."\n')
    assert lint({BRIEFING: text}) == [(BRIEFING, 8, 33, "SCH007")]


def test_raw_control_character_is_refused_by_the_parser(lint: Lint) -> None:
    text = BRIEFING_YAML.replace("The minister said", "The minister\x1b said")
    assert lint({BRIEFING: text}) == [(BRIEFING, 8, 27, "YML001")]


def test_newline_in_a_single_line_field(lint: Lint) -> None:
    text = BRIEFING_YAML.replace("text: The minister said", 'text: "The minister\\nsaid')
    text = text.replace("reopen in May.\n", 'reopen in May."\n', 1)
    assert lint({BRIEFING: text}) == [(BRIEFING, 8, 15, "SCH007")]


@pytest.mark.parametrize("fact_id", ["Bridge", "bridge_reopens", "-bridge", "x" * 65, "con", "brïdge"])
def test_ids_outside_the_pattern(lint: Lint, fact_id: str) -> None:
    assert lint({BRIEFING: BRIEFING_YAML.replace("id: bridge-reopens", f"id: {fact_id}")}) == \
        [(BRIEFING, 7, 13, "SCH004")]


def test_file_name_must_be_an_id(project: MiniProject) -> None:
    project.write("briefings/Bad_Name.yaml", BRIEFING_YAML.replace("bridge-reopens", "other"))
    assert ("briefings/Bad_Name.yaml", 1, 1, "SCH004") in project.codes()


def test_list_where_a_mapping_is_expected(lint: Lint) -> None:
    text = SOURCE_YAML.split("snapshot:")[0] + "snapshot: [a, b]\n"
    assert lint({SOURCE: text}) == [(SOURCE, 5, 11, "SCH003")]


def test_mapping_where_a_list_is_expected(lint: Lint) -> None:
    text = BRIEFING_YAML.split("        citations:")[0] + "        citations: {a: b}\n"
    assert lint({BRIEFING: text}) == [(BRIEFING, 10, 20, "SCH003")]


def test_non_string_keys(lint: Lint) -> None:
    assert lint({SOURCE: SOURCE_YAML + "1: x\n"}) == [(SOURCE, 8, 1, "SCH003")]


def test_disallowed_tag(lint: Lint) -> None:
    text = SOURCE_YAML.replace("title: Bridge", "title: !!python/object/apply:os.system [ls]\n#")
    assert lint({SOURCE: text}) == [(SOURCE, 1, 8, "YML004")]


def test_binary_tag(lint: Lint) -> None:
    assert lint({SOURCE: SOURCE_YAML.replace("outlet: City Herald", "outlet: !!binary aGk=")}) == \
        [(SOURCE, 2, 9, "YML004")]


def test_unknown_title_requires_notes(lint: Lint) -> None:
    assert lint({SOURCE: SOURCE_YAML.replace("title: Bridge to reopen in May", "title: unknown")}) == \
        [(SOURCE, 1, 8, "SCH002")]


# --- a value read back from a cache passes exactly the checks a fresh one passes -------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from build_tools import schema as schema_module  # noqa: E402
from build_tools.schema import FACT, accepts, accepts_all  # noqa: E402
from build_tools.schema import SOURCE as SOURCE_RECORD  # noqa: E402
from build_tools.yaml_nodes import parse_yaml  # noqa: E402

CANDIDATES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["https://example.org/a", "javascript:alert(1)", "http://x", "2024-02-29", "2023-02-29", "2024",
                     "fact-1", "Fact", "nul", "unknown", " padded", "a\tb", "line\nbreak", "\u202e", "ok"]),
)


def double_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar: printable characters as they are, the rest escaped."""
    out = []
    for char in text:
        code = ord(char)
        if char in '\\"':
            out.append("\\" + char)
        elif char not in "\u2028\u2029" and (char == "\t" or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
                                             or 0xE000 <= code <= 0xFFFD or code >= 0x10000):
            out.append(char)
        else:
            out.append(f"\\u{code:04x}")
    return '"' + "".join(out) + '"'


def fresh_value(field: str, text: str) -> object:
    """What validating `field: "<text>"` in a source or fact gives back for the field."""
    record, key = (SOURCE_RECORD, field) if field in ("url", "notes", "outlet") else (FACT, field)
    parsed = parse_yaml("x.yaml", f"{key}: {double_quoted(text)}\n".encode("utf-8", "surrogatepass"))
    if parsed.root is None:
        return None
    checker = schema_module.Checker("x.yaml")
    fields = checker.record(parsed.root, record)
    return fields[key].data if fields and key in fields else None


@settings(max_examples=400, deadline=None)
@given(text=CANDIDATES, field=st.sampled_from(["text", "id", "date", "url", "notes", "outlet"]))
def test_accepts_agrees_with_validation(text: str, field: str) -> None:
    record = SOURCE_RECORD if field in ("url", "notes", "outlet") else FACT
    spec = record.by_name[field]
    assert isinstance(spec.kind, schema_module.Kind)
    assert accepts(text, spec.kind, spec) == (fresh_value(field, text) == text)
    assert accepts_all([text, text], spec.kind, spec) == accepts(text, spec.kind, spec)

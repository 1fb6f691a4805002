"""Reading files: every bad input becomes one problem at its place, never an exception."""

from __future__ import annotations

import pytest

from build_tools.yaml_nodes import MAX_DEPTH, parse_yaml


def problems(data: bytes | str, max_bytes: int = 1 << 20) -> list[tuple[int, int, str, str]]:
    raw = data.encode() if isinstance(data, str) else data
    parsed = parse_yaml("f.yaml", raw, max_bytes)
    return [(p.where.line, p.where.column, p.code, p.message) for p in parsed.problems]


def only(data: bytes | str, **kwargs: int) -> tuple[int, int, str, str]:
    found = problems(data, **kwargs)
    assert len(found) == 1, found
    return found[0]


def test_valid_file_has_no_problems() -> None:
    assert problems("title: x\nlist: [a, b]\n") == []


def test_syntax_error_points_at_the_problem() -> None:
    line, column, code, message = only("title: x\nlist: [a, b\nother: 1\n")
    assert (line, column, code) == (2, 7, "YML001")  # the bracket that is never closed
    assert "the '[' here is not closed before line 3; end the list with ']' on this line" in message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_empty_and_comment_only_files_are_refused(text: str) -> None:
    assert only(text)[2] == "YML002"


def test_several_documents_are_refused() -> None:
    line, _, code, message = only("title: a\n---\ntitle: b\n")
    assert (line, code) == (2, "YML002")
    assert "more than one YAML document" in message


@pytest.mark.parametrize(("text", "line", "column"), [
    ("a: &x 1\nb: 2\n", 1, 4),
    ("a: 1\nb: *x\n", 2, 4),
    ("a: &x [1, *x]\n", 1, 4),  # self-referencing
])
def test_anchors_and_aliases_are_refused(text: str, line: int, column: int) -> None:
    assert only(text)[:3] == (line, column, "YML005")


def test_alias_bomb_is_refused_without_expanding() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    assert only("\n".join(lines) + "\n")[2] == "YML005"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deep_nesting_is_refused_before_the_composer_recurses(depth: int) -> None:
    assert only("a: " + "[" * depth + "]" * depth + "\n")[2] == "YML008"


def test_deep_block_nesting_is_refused() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * (MAX_DEPTH + 5) + "x\n"
    assert only(text)[2] == "YML008"


def test_byte_order_mark_is_refused() -> None:
    assert only(b"\xef\xbb\xbftitle: x\n")[2] == "YML006"


def test_invalid_utf8_points_at_the_byte() -> None:
    assert only(b"title: ok\nname: caf\xe9\n")[:3] == (2, 10, "YML006")


def test_nul_byte_is_refused() -> None:
    assert only(b"title: a\0b\n")[:3] == (1, 9, "YML006")


def test_control_character_is_a_syntax_problem_with_a_place() -> None:
    assert only("title: \"a\x07\"\n")[:3] == (1, 10, "YML001")


def test_oversized_file_is_refused_before_parsing() -> None:
    assert only("title: " + "x" * 200 + "\n", max_bytes=100)[2] == "YML007"

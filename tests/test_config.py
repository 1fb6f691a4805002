"""Settings declared once: rule options (type, default, doc) validated when briefings.toml is read."""

from __future__ import annotations

import pytest

from build_tools.config import PROJECT_SETTINGS, ConfigError, load_config
from build_tools.problems import Option, OptionError
from build_tools.rules import ALL_CODES
from build_tools.rules.quote_too_long import MAX_WORDS
from tests.conftest import BRIEFING_YAML, MiniProject


@pytest.mark.parametrize(("option", "value", "expected"), [
    (Option("n", 3, ""), 5, 5),
    (Option("ratio", 0.5, ""), 1, 1.0),
    (Option("strict", False, ""), True, True),
    (Option("mode", "a", "", choices=("a", "b")), "b", "b"),
    (Option("words", ("x",), ""), ["a", "b"], ("a", "b")),
    (Option("aliases", {"a": ("b",)}, ""), {"Harris": "Kamala Harris", "VP": ["Harris", "Kamala"]},
     {"Harris": ("Kamala Harris",), "VP": ("Harris", "Kamala")}),
])
def test_options_accept_their_type(option: Option[object], value: object, expected: object) -> None:
    assert option.parse(value) == expected


@pytest.mark.parametrize(("option", "value", "message"), [
    (Option("n", 3, ""), 2.5, "'n' must be a whole number, found 2.5; e.g. n = 3"),
    (Option("n", 3, ""), True, "'n' must be a whole number, found true; e.g. n = 3"),
    (Option("n", 3, "", maximum=10), 11, "'n' must be at most 10, found 11"),
    (Option("ratio", 0.5, ""), "half", "'ratio' must be a number, found \"half\"; e.g. ratio = 0.5"),
    (Option("strict", False, ""), 1, "'strict' must be true or false, found 1; e.g. strict = false"),
    (Option("mode", "a", "", choices=("a", "b")), "c", "'mode' must be one of \"a\", \"b\"; found \"c\""),
    (Option("words", ("x",), ""), ["a", 1], "'words' must be a list of strings, found [\"a\", 1]; "
     "e.g. words = [\"x\"]"),
    (Option("aliases", {"a": ("b",)}, ""), {"a": 1}, "'aliases' must be a table of strings or lists of "
     "strings, found {\"a\" = 1}; e.g. aliases = {\"a\" = [\"b\"]}"),
])
def test_options_refuse_other_values_saying_what_to_write(option: Option[object], value: object,
                                                         message: str) -> None:
    with pytest.raises(OptionError) as raised:
        option.parse(value)
    assert str(raised.value) == message


def test_every_declared_option_is_valid_and_documented() -> None:
    for code in ALL_CODES:
        for option in code.options:
            assert option.parse(option.default) == option.default, (code.code, option.name)
            assert option.doc and f"`{option.name}`" in code.documentation()
    for option in PROJECT_SETTINGS:  # as TOML would give it: a tuple is written as an array
        written = list(option.default) if isinstance(option.default, tuple) else option.default
        assert option.parse(written) == option.default


def test_a_rule_option_reaches_the_rule(project: MiniProject) -> None:
    project.write("briefings.toml", "[lint.quote-too-long]\nmax_words = 3\n")
    assert project.codes() == [("briefings/bridge.yaml", 12, 20, "CIT005")]
    assert "over the limit of 3" in project.lint().problems[0].message


def test_a_rule_reads_the_default_when_unset(project: MiniProject) -> None:
    words = " ".join(["bridge"] * (MAX_WORDS.default + 1))
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace('"the bridge would reopen in May"', f'"{words}"'))
    assert load_config(project.root, str(project.snapshots), environ={}).rule_options == {}
    too_long = [p for p in project.lint().problems if p.code == "CIT005"]
    assert [p.message for p in too_long] == [f"quote has {MAX_WORDS.default + 1} words, over the limit of "
                                             f"{MAX_WORDS.default}; shorten it and mark omissions with '...'"]


def test_disable_by_code_or_name(project: MiniProject) -> None:
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace('"the bridge would reopen in May"', '"in May"'))
    assert [c[3] for c in project.codes()] == ["CIT009"]
    project.write("briefings.toml", '[lint]\ndisable = ["quote-too-short"]\n')
    assert project.codes() == []
    project.write("briefings.toml", '[lint]\ndisable = ["CIT009"]\n')
    assert project.codes() == []
    project.write("briefings.toml", '[lint]\ndisable = ["CIT003"]\n')  # an evidence check cannot be disabled
    with pytest.raises(ConfigError, match=r"^briefings.toml:2: \[lint\] disable: CIT003 \(quote-not-in-snapshot\) "
                       "cannot be disabled: it means the quote is not proven"):
        project.codes()


def test_every_problem_is_reported_at_once(project: MiniProject) -> None:
    project.write("briefings.toml", '[project]\ntitel = "x"\n[lint]\ndisable = ["NOPE"]\n[lint.quote-too-long]\n'
                  "max_words = -1\n")
    with pytest.raises(ConfigError) as raised:
        load_config(project.root, environ={})
    assert raised.value.located
    assert str(raised.value).splitlines() == [
        "briefings.toml:2: [project] unknown setting 'titel'; did you mean 'title'?",
        "briefings.toml:4: [lint] disable: unknown rule 'NOPE'; `briefings rules` lists them",
        "briefings.toml:6: [lint.quote-too-long] 'max_words' must be at least 1, found -1",
    ]


def test_order_names_existing_briefings_once(project: MiniProject) -> None:
    project.write("briefings.toml", '[project]\norder = ["bridge", "harbour", "bridge"]\n')
    with pytest.raises(ConfigError) as raised:
        load_config(project.root, environ={})
    assert str(raised.value).splitlines() == [
        "briefings.toml:2: [project] order: no briefing 'harbour' (briefings/harbour.yaml); name an existing "
        "briefing's id or remove it",
        "briefings.toml:2: [project] order: names a briefing twice; keep one",
    ]

"""`briefings quote`: a snapshot's exact words from words as the editor remembers them, ready to paste."""

from __future__ import annotations

import random
import re

import pytest
import yaml

from build_tools.cli import main
from build_tools.quote_finder import find_passages
from build_tools.snapshots import place
from tests.conftest import SNAPSHOT_TEXT, MiniProject, require_seeds

GAZETTE = "The mayor said: \"We are very pleased.\" The council voted 7-2 to keep the tolls until June.\n"


def _quote(project: MiniProject, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["quote", "--root", str(project.root), "--snapshots", str(project.snapshots), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_misremembered_quote_finds_the_exact_passage(project: MiniProject,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _quote(project, capsys, "city-herald-2024", "the bridge will reopen in may", "--limit", "1")
    assert code == 0
    assert out == (
        "# 1. 92% like your words, stands once (line 1)\n"
        "#    The minister said on Monday that [the bridge would reopen in May.] Officials counted 1,204 vehicles "
        "on…\n"
        "- source: city-herald-2024\n"
        "  quote: \"the bridge would reopen in May.\"\n")


def test_a_typo_and_a_missing_comma_still_find_the_figure(project: MiniProject,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _quote(project, capsys, "city-herald-2024", "Oficials counted 1204 vehicals", "--limit", "1")
    assert code == 0
    assert '  quote: "Officials counted 1,204 vehicles"\n' in out


def test_what_it_prints_pastes_as_a_citation_that_lints_clean(project: MiniProject,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    project.add_source("city-gazette", GAZETTE)
    code, out, _ = _quote(project, capsys, "city-gazette", "the mayor said we are very pleased", "--limit", "1")
    assert code == 0
    snippet = "\n".join(line for line in out.splitlines() if not line.startswith("#"))
    assert snippet == "- source: city-gazette\n  quote: 'The mayor said: \"We are very pleased.\"'"
    citation = yaml.safe_load(snippet)[0]
    assert citation == {"source": "city-gazette", "quote": 'The mayor said: "We are very pleased."'}
    briefing = (project.root / "briefings/bridge.yaml").read_text(encoding="utf-8")
    project.write("briefings/bridge.yaml", briefing + "".join(f"          {line}\n" for line in snippet.splitlines()))
    assert [p.line() for p in project.lint().problems] == []


def test_words_from_another_source_are_named(project: MiniProject, capsys: pytest.CaptureFixture[str]) -> None:
    project.add_source("city-gazette", GAZETTE)
    code, out, _ = _quote(project, capsys, "city-herald-2024", "the council voted 7-2 to keep the tolls")
    assert code == 0
    assert "# closer words are in another source: 'city-gazette' (100% like your words); did you mean to cite it?" \
        in out
    assert out.endswith("- source: city-gazette\n  quote: \"The council voted 7-2 to keep the tolls\"\n")


def test_all_searches_every_snapshot_and_names_the_source(project: MiniProject,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    project.add_source("city-gazette", GAZETTE)
    code, out, _ = _quote(project, capsys, "--all", "the council voted to keep tolls until june", "--limit", "2")
    assert code == 0
    sources = re.findall(r"^- source: (.+)$", out, flags=re.MULTILINE)
    assert sources[0] == "city-gazette"
    assert '  quote: "The council voted 7-2 to keep the tolls until June."' in out


@pytest.mark.parametrize(("args", "code", "message"), [
    (["nobody", "words"], 2, "no source 'nobody' in sources/"),
    (["city-herald", "words"], 2, "did you mean 'city-herald-2024'?"),
    (["--all", "city-herald-2024", "words"], 2, "name the SOURCE to search, or give --all"),
    (["city-herald-2024", "..."], 2, "give the words to look for"),
    (["city-herald-2024", "zebra xylophone quantum"], 1,
     "no passage of the snapshot of 'city-herald-2024' is close to \"zebra xylophone quantum\""),
])
def test_usage_and_nothing_close(project: MiniProject, capsys: pytest.CaptureFixture[str], args: list[str],
                                 code: int, message: str) -> None:
    result, _, err = _quote(project, capsys, *args)
    assert result == code
    assert message in err


def test_a_source_with_placeholders_is_searched_through_its_snapshot_file(
        project: MiniProject, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("sources/draft.yaml", "title: TODO\noutlet: TODO\npublished: TODO\nsnapshot:\n  sha256: TODO\n"
                  "  file: bridge.txt\n")
    code, out, _ = _quote(project, capsys, "draft", "the minister said on monday", "--limit", "1")
    assert code == 0
    assert '- source: draft\n  quote: "The minister said on Monday"' in out


def test_every_passage_offered_is_whole_words_the_linter_places() -> None:
    text = SNAPSHOT_TEXT + "Its 1,204th vehicle was a bus; the illegal crossing closed.\n"
    for words in ("204 vehicles", "legal crossing", "the mayor said and the council", "pleased the mayor"):
        for passage in find_passages(text, words, limit=5, cutoff=0):
            assert place(text, passage.quote).found, passage
            assert not text[passage.start - 1:passage.start].isalnum() if passage.start else True
            assert not text[passage.end:passage.end + 1].isalnum()


def test_real_snapshots_typos_find_the_original_words() -> None:
    """A sample of 8-word passages from each real snapshot (each within one paragraph: a quote is never offered
    across two), one word misspelt: the first passage offered holds every word of the original but that one."""
    seeds = require_seeds()
    rng = random.Random(17)
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paragraphs = [line.split() for line in text.splitlines() if len(line.split()) >= 12]
        for _ in range(5):
            words = rng.choice(paragraphs)
            start = rng.randrange(0, len(words) - 8)
            original = words[start:start + 8]
            typo = list(original)
            longest = max(range(8), key=lambda i: len(typo[i]))
            word = typo[longest]
            typo[longest] = word[:1] + word[2:1:-1] + word[1:2] + word[3:] if len(word) > 3 else word
            found = find_passages(text, " ".join(typo), limit=1)
            assert found, (path.name, typo)
            kept = [w for i, w in enumerate(original) if i != longest]
            shown = re.sub(r"\W", "", found[0].quote).lower()
            assert all(re.sub(r"\W", "", w).lower() in shown for w in kept), (path.name, original, found[0].quote)


def test_a_passage_starts_and_ends_with_words_that_were_given() -> None:
    text = ("Headline: bridge to reopen\nThe harbour bridge, closed since a barge struck one of its piers in March, "
            "would reopen to heavy goods vehicles on 15 September, the authority said.\n")
    found = find_passages(text, "the port authority said the harbour bridge would reopen to heavy goods vehicles on 15 "
                          "september", limit=1)
    assert found[0].quote == "would reopen to heavy goods vehicles on 15 September"
    assert find_passages(text, "bridge to reopen the harbour bridge", limit=1)[0].quote != \
        "bridge to reopen The harbour bridge"  # never across two paragraphs

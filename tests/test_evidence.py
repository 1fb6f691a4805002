"""What readers are shown of a quote is the snapshot's own characters, piece by piece, and never the
words an omission skips: on briefing pages, source pages, and in every export."""

from __future__ import annotations

import csv
import html
import io
import json
import re

from build_tools.render.markdown import quote_anchor
from build_tools.render.pages import nested_quotes
from build_tools.site import generate
from tests.conftest import BRIEFING_YAML, MiniProject

QUOTE = '"the bridge would reopen in May"'
TYPED = "'\"We are very pleased,\" the mayor said - and the council agreed.'"
ARCHIVED = "“We are very pleased,” the mayor said — and the council agreed."


def built(project: MiniProject, quote: str) -> dict[str, str]:
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace(QUOTE, quote))
    result = project.lint()
    assert result.problems == (), result.problems
    return generate(result.project, result.store)


def test_pages_and_exports_show_the_snapshots_characters_not_the_editors(project: MiniProject) -> None:
    files = built(project, TYPED)
    [footnote] = re.findall(r'<li id="fn:1">\n<p>(.*)</p>\n</li>', files["briefings/bridge.md"])
    # the tooltip is the footnote's text: the snapshot's characters, its own quotation marks turned single inside
    # the note's double ones (the page holds those beyond Latin-1 as character references, which readers see as
    # the characters)
    assert "&#8220;&#8216;We are very pleased,&#8217; the mayor said &#8212; and" in footnote
    assert f"“{nested_quotes(ARCHIVED)}”" in html.unescape(footnote)
    source_page = html.unescape(files["sources/city-herald-2024.md"])
    assert f'<blockquote>\n<p id="{quote_anchor(ARCHIVED)}">{ARCHIVED}</p>' in source_page
    [citation] = json.loads(files["data/briefings.json"])["facts"][0]["citations"]
    assert citation["quote"] == ARCHIVED
    [piece] = citation["pieces"]
    assert piece["selector"]["exact"] == ARCHIVED and piece["selector"]["type"] == "TextQuoteSelector"
    rows = list(csv.DictReader(io.StringIO(files["data/briefings/bridge.csv"])))
    assert [row["quote"] for row in rows] == [ARCHIVED]
    annotation = json.loads(files["data/annotations.jsonld"])["first"]["items"][0]
    assert {t["selector"]["exact"] if isinstance(t["selector"], dict) else t["selector"][0]["exact"]
            for t in annotation["target"]} == {ARCHIVED}


def test_an_omission_is_shown_as_an_ellipsis_and_exported_piece_by_piece(project: MiniProject) -> None:
    files = built(project, '"The minister said ... the bridge would reopen in May."')
    page = files["briefings/bridge.md"]
    assert "The minister said &#8230; the bridge would reopen in May." in page
    skipped = "on Monday that"
    for path in ("briefings/bridge.md", "sources/city-herald-2024.md", "data/briefings.json",
                 "data/briefings/bridge.json", "data/briefings/bridge.csv"):
        assert skipped not in files[path], path
    [citation] = json.loads(files["data/briefings.json"])["facts"][0]["citations"]
    assert [p["selector"]["exact"] for p in citation["pieces"]] == ["The minister said",
                                                                    "the bridge would reopen in May."]
    assert [p["position"] for p in citation["pieces"]] == [{"start": 0, "end": 17}, {"start": 33, "end": 64}]
    assert [(p["selector"]["prefix"], p["selector"]["suffix"][:10]) for p in citation["pieces"]] == [
        ("", ""), ("", "\nOfficials")]  # context only outside the quote
    annotation = json.loads(files["data/annotations.jsonld"])["first"]["items"][0]
    archived = [t for t in annotation["target"] if t["source"].startswith("ni:")]
    assert [t["selector"][1] for t in archived] == [{"type": "TextPositionSelector", "start": 0, "end": 17},
                                                    {"type": "TextPositionSelector", "start": 33, "end": 64}]

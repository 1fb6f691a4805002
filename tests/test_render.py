"""The reader's pages, piece by piece: navigation patterns, the timeline's periods, charts, labels and words."""

from __future__ import annotations

import re

import pytest

from build_tools.dates import EdtfDate
from build_tools.model import Fact, SnapshotRef, Source
from build_tools.problems import Location
from build_tools.render.charts import Mark, strip_svg
from build_tools.render.links import short_label
from build_tools.render.markdown import plural
from build_tools.render.navigation import expand_nav
from build_tools.render.pages import nested_quotes, render_pages
from build_tools.render.timeline import PAGE_LIMIT, periods
from tests.conftest import BRIEFING_YAML, MiniProject


def test_navigation_patterns_expand_to_the_pages_not_named_elsewhere() -> None:
    nav = [{"Read": ["index.md", "briefings/contacts.md", "briefings/*.md", "timeline.md"]},
           {"More": "briefings/x*.md"}, "rules.md"]
    pages = ["index.md", "briefings/b.md", "briefings/contacts.md", "briefings/a.md", "briefings/xy.md",
             "sources/s.md", "timeline.md", "rules.md"]
    assert expand_nav(nav, pages) == [
        {"Read": ["index.md", "briefings/contacts.md", "briefings/a.md", "briefings/b.md", "briefings/xy.md",
                  "timeline.md"]},
        {"More": ["briefings/xy.md"]}, "rules.md"]
    assert expand_nav(None, pages) is None
    assert expand_nav(["briefings/*.md"], []) == []
    assert expand_nav(["briefings/*.md"], pages, first=["briefings/xy.md", "briefings/b.md"]) == [
        "briefings/xy.md", "briefings/b.md", "briefings/a.md", "briefings/contacts.md"]  # `order` first


def test_the_real_navigation_lists_briefings_and_no_source(project: MiniProject) -> None:
    import yaml

    from tests.conftest import ROOT

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nplugins:")[0])
    pages = [*render_pages(project.lint().project), "method.md", "reliability.md", "performance.md",
             "editor-setup.md"]
    assert expand_nav(config["nav"], pages) == [
        {"Read": [{"Home": "index.md"}, "briefings/bridge.md", "timeline.md", "sources.md", "corrections.md",
                  "method.md"]},
        {"For editors": ["rules.md", "editor-setup.md", "reliability.md", "performance.md"]}]
    assert "/sources/" in config["not_in_nav"] and "/timeline/" in config["not_in_nav"]


def test_words_and_labels() -> None:
    assert [plural(n, "fact") for n in (0, 1, 2)] == ["0 facts", "1 fact", "2 facts"]
    assert plural(1, "state of affairs", "states of affairs") == "1 state of affairs"
    assert plural(3, "state of affairs", "states of affairs") == "3 states of affairs"
    snapshot = SnapshotRef(sha256="0" * 64)
    source = Source(id="fox", title="T", outlet="Fox News", published=EdtfDate.parse("2021-12-08"), snapshot=snapshot,
                    path="sources/fox.yaml")
    assert short_label(source) == "Fox News, 8 Dec 2021"
    republished = Source(id="b", title="T", outlet="SOTT.net", original_outlet="Breitbart News",
                         published=EdtfDate.parse("2022-07"), snapshot=snapshot, path="sources/b.yaml")
    assert short_label(republished) == "Breitbart News (via SOTT.net), Jul 2022"
    unknown = Source(id="u", title=None, outlet=None, published=None, snapshot=snapshot, path="sources/u.yaml")
    assert short_label(unknown) == "unknown outlet, date unknown"


@pytest.mark.parametrize(("quote", "shown"), [
    ("from the “Northern Triangle”", "from the ‘Northern Triangle’"),
    ('he called it "a crisis" and left', "he called it ‘a crisis’ and left"),
    ('"Yes," he said', "‘Yes,’ he said"),
    ("no quotes here", "no quotes here"),
])
def test_quotes_inside_a_quote_alternate(quote: str, shown: str) -> None:
    assert nested_quotes(quote) == shown


def fact(fact_id: str, date: str, kind: str = "event") -> Fact:
    return Fact(id=fact_id, text="Text.", date=EdtfDate.parse(date), kind=kind, briefing="b", section="S",
                at=Location("b.yaml"))


def test_a_year_with_more_facts_than_a_page_holds_is_split_by_month_then_in_parts() -> None:
    facts = [fact(f"d{i:03d}", f"2024-01-{1 + i % 28:02d}") for i in range(25)]
    facts += [fact("m", "2024-02"), fact("summer", "2024-22"), fact("year", "2024"), fact("other", "2023-05-01")]
    found = periods(facts, limit=10)
    # The facts dated only roughly come after December: the precise ones lead, the vague never draw the eye.
    assert [p.key for p in found] == ["2023", "2024-01-p1", "2024-01-p2", "2024-01-p3", "2024-02", "2024-06",
                                      "2024-rough"]
    assert [p.title for p in found][:3] == ["2023", "January 2024 (part 1 of 3)", "January 2024 (part 2 of 3)"]
    assert found[-1].title == "2024, no more precise date"
    assert sorted(f.id for p in found for f in p.facts) == sorted(f.id for f in facts)
    assert max(len(p.facts) for p in found) <= 10
    assert [f.id for f in found[-1].facts] == ["year"]  # a year; a season stays in its first month
    assert [f.id for f in found[-2].facts] == ["summer"]


def test_events_come_first_on_the_same_date() -> None:
    facts = [fact("said", "2024-01-02", "statement"), fact("state", "2024-01-02", "state"),
             fact("met", "2024-01-02", "event"), fact("before", "2024-01-01", "statement")]
    [period] = periods(facts)
    assert [f.id for f in period.facts] == ["before", "met", "said", "state"]
    assert PAGE_LIMIT <= 500


def test_the_strip_has_no_viewbox_and_keeps_its_marks_inside_the_width() -> None:
    facts = [fact("a", "2021-04-26"), fact("b", "2021-04-26"), fact("c", "2021-22"), fact("d", "2023-06"),
             fact("e", "../2024-01"), fact("f", "2024-01-11~")]
    svg = strip_svg([Mark(f, f"#fact-{f.id}", "Jun 2023" if f.id == "d" else "") for f in facts], "s", "Strip")
    assert "viewBox" not in svg and 'width="100%"' in svg and "font-size" not in svg
    positions = [float(x) for x in re.findall(r'(?:x|cx|x1|x2)="([\d.]+)%"', svg)]
    assert positions and all(0 <= x <= 100 for x in positions)
    assert svg.count('class="sb-mark"') == len(facts)
    assert svg.count('class="sb-vague"') == 3 and svg.count('class="sb-day"') == 2
    assert '<text class="sb-label"' in svg and ">Jun 2023</text>" in svg
    # the two facts of the same day do not overlap: different lanes
    ys = re.findall(r'<circle class="sb-day" cx="[\d.]+%" cy="(\d+)"', svg)
    assert len(set(ys)) == 2


def test_a_table_section_labels_its_cells_and_keeps_footnotes(project: MiniProject) -> None:
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("    facts:\n", "    display: table\n    facts:\n")
                  .replace("updated: 2024-03\n", "updated: 2024-03\nshort_answer: [bridge-reopens]\n")
                  + "        said_by: the minister\n")
    result = project.lint()
    assert result.problems == ()
    page = render_pages(result.project)["briefings/bridge.md"]
    body = page.split("\n# The bridge\n", 1)[1]
    assert body.lstrip().startswith('!!! sb-short-answer "Short answer"')  # the answer comes first
    for label in ("Date", "Fact", "Who says so", "Outlet and date", "Sources", "Status", "As of"):
        assert f'<th scope="col">{label}</th>' in page and f'data-label="{label}"' in page
    assert "the minister" in page and '<a href="../../sources/city-herald-2024/">City Herald, 4 Mar 2024</a>' in page
    # in the short answer and in the table, each with its own id, and the note with a way back to each
    assert re.findall(r'<sup id="(fnref\d*:1)"><a [^>]*href="#fn:1">1</a></sup>', page) == ["fnref:1", "fnref2:1"]
    assert page.count('<li id="fn:1">') == 1 and 'href="#fnref:1"' in page and 'href="#fnref2:1"' in page


def test_the_strip_labels_the_marks_that_matter(project: MiniProject) -> None:
    """The short answer's facts; without one, the latest event dated to a day or a month."""
    later = BRIEFING_YAML.split("    facts:\n", 1)[1].replace("bridge-reopens", "bridge-statement") \
        .replace("date: 2024-03-04", "date: 2024-03-04\n        kind: statement")
    project.write("briefings/bridge.yaml", BRIEFING_YAML + later)
    page = render_pages(project.lint().project)["briefings/bridge.md"]
    assert re.findall(r'<text class="sb-label"[^>]*>([^<]*)</text>', page) == ["4 Mar 2024"]
    assert page.count('class="sb-label"') == 1  # the event, not the later statement
    # Two facts of the short answer on one date: one label.
    answered = BRIEFING_YAML.replace("updated: 2024-03\n",
                                     "updated: 2024-03\nshort_answer: [bridge-reopens, bridge-statement]\n")
    project.write("briefings/bridge.yaml", answered + later)
    page = render_pages(project.lint().project)["briefings/bridge.md"]
    assert re.findall(r'<text class="sb-label"[^>]*>([^<]*)</text>', page) == ["4 Mar 2024"]

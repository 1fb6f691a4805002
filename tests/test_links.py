"""Links to the original, a republished copy and an archived copy: labels, order and Robust Links."""

from __future__ import annotations

import markdown
import pytest
from bs4 import BeautifulSoup

from build_tools.render.links import source_links, status_note, version_date
from build_tools.render.pages import Site, render_briefing, render_source
from tests.conftest import SOURCE_YAML, MiniProject

SOURCE = "sources/city-herald-2024.yaml"
WAYBACK = "https://web.archive.org/web/20240305101500/https://example.org/bridge"


def _with(project: MiniProject, extra: str, replace: tuple[str, str] = ("", "")) -> None:
    project.write(SOURCE, SOURCE_YAML.replace(*replace) + extra)


def _links(project: MiniProject) -> list[tuple[str, str, str, dict[str, str]]]:
    result = project.lint()
    source = result.project.sources["city-herald-2024"]
    return [(link.role, link.label, link.url, dict(link.attributes))
            for link in source_links(source, result.project.sources)]


def test_an_original_with_an_archived_copy_links_both_ways(project: MiniProject) -> None:
    _with(project, f"archive_url: {WAYBACK}\narchive_date: 2024-03-05\n")
    assert _links(project) == [
        ("original", "Original (City Herald)", "https://example.org/bridge",
         {"data-versionurl": WAYBACK, "data-versiondate": "2024-03-05"}),
        ("archived", "Archived copy", WAYBACK,
         {"data-originalurl": "https://example.org/bridge", "data-versiondate": "2024-03-05"}),
    ]


def test_the_archive_date_is_read_from_a_wayback_address_when_not_written(project: MiniProject) -> None:
    _with(project, f"archive_url: {WAYBACK}\n")
    source = project.lint().project.sources["city-herald-2024"]
    assert version_date(source) is not None and version_date(source).iso() == "2024-03-05"  # type: ignore[union-attr]
    _with(project, "archive_url: https://archive.ph/AbCdE\n")
    assert version_date(project.lint().project.sources["city-herald-2024"]) is None


def test_a_republication_says_which_is_the_original(project: MiniProject) -> None:
    _with(project, "original_outlet: Breitbart News\n", ("outlet: City Herald", "outlet: SOTT.net"))
    assert _links(project) == [("republished", "Republished copy (SOTT.net)", "https://example.org/bridge", {})]


def test_a_republication_of_a_corpus_source_links_its_original_first(project: MiniProject) -> None:
    project.add_source("breitbart", "Another text entirely, the original article of the story.\n")
    project.write("sources/breitbart.yaml", (project.root / "sources/breitbart.yaml").read_text()
                  .replace("outlet: City Herald", "outlet: Breitbart News")
                  .replace("https://example.org/bridge", "https://breitbart.example/story"))
    _with(project, "republished_from: [breitbart]\n", ("outlet: City Herald", "outlet: SOTT.net"))
    assert [(role, label, url) for role, label, url, _ in _links(project)] == [
        ("original", "Original (Breitbart News)", "https://breitbart.example/story"),
        ("republished", "Republished copy (SOTT.net)", "https://example.org/bridge"),
    ]


@pytest.mark.parametrize(("status", "roles", "note"), [
    ("live", ["original", "archived"], None),
    ("deviated", ["original", "archived"],
     "original changed on 20 November 2026; quote verified against the archived copy"),
    ("dead", ["archived", "original"],
     "original no longer online (checked 20 November 2026); quote verified against the archived copy"),
    ("usurped", ["archived"],
     "original address now serves other content (checked 20 November 2026); quote verified against the "
     "archived copy"),
])
def test_link_status_orders_links_and_explains(project: MiniProject, status: str, roles: list[str],
                                               note: str | None) -> None:
    _with(project, f"url_status: {status}\nurl_checked: 2026-11-20\narchive_url: {WAYBACK}\n")
    assert [role for role, *_ in _links(project)] == roles
    assert status_note(project.lint().project.sources["city-herald-2024"]) == note


def test_footnotes_and_source_pages_render_the_links_as_html(project: MiniProject) -> None:
    _with(project, f"url_status: deviated\nurl_checked: 2026-11-20\narchive_url: {WAYBACK}\n")
    result = project.lint()
    site = Site.of(result.project)
    html = markdown.markdown(render_briefing(site, result.project.briefings[0]).split("---\n", 2)[2],
                             extensions=["attr_list", "footnotes", "md_in_html"])
    note = BeautifulSoup(html, "html.parser").select_one("div.footnote li")
    assert note is not None
    original, archived = note.find_all("a", rel=True)
    assert original.get_text() == "Original (City Herald)"
    assert original["href"] == "https://example.org/bridge#:~:text=the%20bridge%20would%20reopen%20in%20May"
    assert (original["data-versionurl"], original.get("data-versiondate")) == (WAYBACK, "2024-03-05")
    assert archived.get_text() == "Archived copy"
    assert archived["href"] == WAYBACK + "#:~:text=the%20bridge%20would%20reopen%20in%20May"
    assert (archived["data-originalurl"], archived["data-versiondate"]) == ("https://example.org/bridge", "2024-03-05")
    assert "original changed on 20 November 2026; quote verified against the archived copy" in note.get_text()
    page = markdown.markdown(render_source(site, result.project.sources["city-herald-2024"]).split("---\n", 2)[2],
                             extensions=["attr_list", "tables"])
    rows = {tr.find_all("td")[0].get_text(): tr.find_all("td")[1] for tr in
            BeautifulSoup(page, "html.parser").select("table tr") if tr.find_all("td")}
    assert rows["Original (City Herald)"].a["href"] == "https://example.org/bridge"
    assert rows["Archived copy"].a["data-originalurl"] == "https://example.org/bridge"
    assert rows["Archived on"].get_text() == "5 March 2024"
    assert rows["Link status"].get_text() == ("Original changed on 20 November 2026; quote verified against the "
                                              "archived copy")


def test_archive_fields_are_validated_like_url(project: MiniProject) -> None:
    _with(project, "archive_url: javascript:alert(1)\narchive_date: 2024-22\nurl_status: gone\n")
    assert [(p.where.line, p.code) for p in project.lint().problems] == [(8, "SCH006"), (9, "SCH005"), (10, "SCH003")]


def test_a_lost_original_without_an_archived_copy_is_a_warning(project: MiniProject) -> None:
    _with(project, "url_status: dead\n")
    [problem] = project.lint().problems
    assert (problem.code, problem.where.line, problem.where.column) == ("SRC007", 8, 13)
    assert problem.message == ("the original of 'city-herald-2024' is gone (url_status: dead) and no archived copy "
                               "is recorded; add 'archive_url' (and 'archive_date') so readers can still check the "
                               "quotes")
    _with(project, f"url_status: dead\narchive_url: {WAYBACK}\n")
    assert project.lint().problems == ()

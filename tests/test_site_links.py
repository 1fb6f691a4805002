"""Every link of the built site leads somewhere: MkDocs with directory URLs, the offline copy (file URLs) and
Zensical. MkDocs checks only the links of the Markdown it converts, not those the generator writes as HTML."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from tests.conftest import BRIEFING_YAML, ROOT, MiniProject, mkdocs_build, require_seeds
from tests.site_links import broken_links, duplicate_ids
from tests.test_site import write_mkdocs_config


def test_every_link_of_the_site_leads_to_a_page_and_anchor(mkdocs_site: Path) -> None:
    assert broken_links(mkdocs_site) == []
    assert duplicate_ids(mkdocs_site) == []


def test_every_link_of_the_offline_site_leads_to_a_page_and_anchor(tmp_path: Path) -> None:
    out = tmp_path / "offline"
    result = mkdocs_build(ROOT, out, require_seeds(), OFFLINE="true")
    assert result.returncode == 0, result.stderr
    assert broken_links(out) == [] and duplicate_ids(out) == []


def test_the_checker_finds_a_missing_page_a_missing_anchor_and_a_link_out_of_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a/index.html").write_text('<h2 id="here">x</h2><svg><a href="#here"></a><a href="#gone"></a></svg>'
                                       '<a href="../b/">b</a><a href="../b/#there">b</a><a href="../../x">out</a>'
                                       '<a href="/a/#here">root</a><a href="https://example.org/#nope">ext</a>'
                                       '<a href="../a/#:~:text=x">fragment</a><img src="../missing.png">',
                                       encoding="utf-8")
    assert broken_links(site) == [
        "a/index.html → #gone: no anchor 'gone' in a/index.html",
        "a/index.html → ../b/: no such page or file",
        "a/index.html → ../b/#there: no such page or file",
        "a/index.html → ../../x: outside the site",
        "a/index.html → ../missing.png: no such page or file",
    ]


def test_a_section_titled_like_an_anchor_of_the_page_does_not_take_it(project: MiniProject) -> None:
    """Markdown names a heading from its title without seeing the ids of the page's raw HTML (facts, charts):
    a section must not take a fact's anchor, or a link to the fact would land on the section."""
    write_mkdocs_config(project)
    fact = BRIEFING_YAML.split("    facts:\n", 1)[1]
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("title: Reopening", "title: Fact bridge reopens")
                  + "".join(f"  - title: {title}\n    facts:\n" + fact.replace("bridge-reopens", f"bridge-{n}")
                            for n, title in enumerate(("Strip bridge title", "Fact bridge reopens"))))
    site = project.root / "build/site"
    result = mkdocs_build(project.root, site, project.snapshots)
    assert result.returncode == 0, result.stderr
    assert duplicate_ids(site) == []
    assert [link for link in broken_links(site) if "#" in link] == []  # (this small site has no vendored scripts)
    page = BeautifulSoup((site / "briefings/bridge/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find(id="fact-bridge-reopens").name == "h3"
    assert [h["id"] for h in page.select("h2")][:3] == ["fact-bridge-reopens-section", "strip-bridge-title-section",
                                                        "fact-bridge-reopens-section2"]

"""Every link of the built site leads somewhere: MkDocs with directory URLs, the offline copy (file URLs) and
Zensical. MkDocs checks only the links of the Markdown it converts, not those the generator writes as HTML."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, mkdocs_build, require_seeds
from tests.site_links import broken_links


def test_every_link_of_the_site_leads_to_a_page_and_anchor(mkdocs_site: Path) -> None:
    assert broken_links(mkdocs_site) == []


def test_every_link_of_the_offline_site_leads_to_a_page_and_anchor(tmp_path: Path) -> None:
    out = tmp_path / "offline"
    result = mkdocs_build(ROOT, out, require_seeds(), OFFLINE="true")
    assert result.returncode == 0, result.stderr
    assert broken_links(out) == []


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

"""The reader's site in a real browser: Debian's Chromium driven by Playwright, on 127.0.0.1 only.

Skipped with a reason when Chromium, Playwright or axe-core is missing, except
under CI=true, where `.ci/run` installs them and their absence is a failure.
Screenshots of each page in light and dark go to tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import functools
import http.server
import itertools
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import BRIEFING_YAML, ROOT, SOURCE_YAML, MiniProject, mkdocs_build, require, require_seeds
from tests.test_site import write_mkdocs_config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / "build/node/node_modules/axe-core/axe.min.js"))
ARTIFACTS = ROOT / "tests/artifacts"
PAGES = {"home": "", "briefing": "briefings/contacts/", "source": "sources/fox-2021-12-08/",
         "timeline": "timeline/", "corrections": "corrections/"}


@pytest.fixture(scope="module")
def site(mkdocs_site: Path) -> Path:
    return mkdocs_site


@pytest.fixture(scope="module")
def export(site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / "data/briefings.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require(CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright for Python is not installed")
        raise
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A browser page that records every request and console error while the test runs."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(params=["light"])
def visit(browser: Any, base_url: str, request: pytest.FixtureRequest) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=request.param)
    page = context.new_page()
    seen = Visit(page)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: seen.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    yield seen
    context.close()
    hosts = {urlsplit(url).netloc for url in seen.requests if not url.startswith(("data:", "blob:"))}
    assert hosts <= {urlsplit(base_url).netloc}, f"requests left the site: {hosts}"
    assert seen.errors == []


def test_reader_follows_a_citation_to_its_source_and_back(visit: Visit, base_url: str,
                                                         export: dict[str, Any]) -> None:
    page = visit.page
    page.goto(base_url)
    page.get_by_role("link", name="Contacts between Harris and Giammattei, 2021–2024").first.click()
    page.wait_for_url("**/briefings/contacts/")
    first_fact = next(f for f in export["facts"] if f["briefing"] == "contacts")
    reference = page.locator(f"#fact-{first_fact['id']} a.footnote-ref").first
    reference.focus()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(state="visible")
    quote = first_fact["citations"][0]["quote"]
    assert quote[:40] in tooltip.inner_text().replace("“", '"').replace("”", '"') or \
        quote[:40].replace("“", '"').replace("”", '"') in tooltip.inner_text().replace("“", '"').replace("”", '"')
    assert "New York Post" in tooltip.inner_text()
    assert reference.get_attribute("aria-label", timeout=1000).startswith("Source 1: New York Post")

    note_id = reference.get_attribute("href").lstrip("#")
    page.locator(f"[id='{note_id}'] a", has_text="Source page").click()
    page.wait_for_url("**/sources/nypost-2021-04-26/**")
    anchor = urlsplit(page.url).fragment
    quote_block = page.locator(f"[id='{anchor}']")
    assert quote_block.is_visible()
    cited_by = page.locator(f"blockquote:has([id='{anchor}']) + p a").first
    assert first_fact["id"] in cited_by.get_attribute("href")
    cited_by.click()
    page.wait_for_url(f"**/briefings/contacts/#fact-{first_fact['id']}")
    assert page.locator(f"#fact-{first_fact['id']}").is_visible()


def test_timeline_has_one_mark_per_dated_fact_each_linking_to_its_anchor(
        visit: Visit, base_url: str, export: dict[str, Any], site: Path) -> None:
    page = visit.page
    page.goto(base_url + PAGES["timeline"])
    marks = page.locator("svg.tl-full a.tl-row")
    dated = [f for f in export["facts"] if f["date"]]
    assert marks.count() == len(dated)
    anchors: dict[str, set[str]] = {}
    for href in marks.evaluate_all("marks => marks.map(m => m.href.baseVal ?? m.getAttribute('href'))"):
        target = urlsplit(page.evaluate("h => new URL(h, location.href).href", href))
        page_ids = anchors.get(target.path)
        if page_ids is None:
            html_file = site / target.path.lstrip("/") / "index.html"
            from bs4 import BeautifulSoup
            soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
            page_ids = anchors[target.path] = {tag["id"] for tag in soup.find_all(id=True)}
        assert target.fragment in page_ids, href
    assert page.locator("svg.tl-full > title").text_content().startswith(f"Timeline of {len(dated)} dated facts")


def test_a_season_is_drawn_as_a_rough_range_not_as_an_event(visit: Visit, base_url: str) -> None:
    """'Over the summer' (2021-22) spans June to August on the axis, drawn pale with a dashed outline,
    unlike the solid band of a whole month or the dot of a day, and labelled in words."""
    page = visit.page
    page.goto(base_url + PAGES["timeline"])
    row = page.locator("svg.tl-full a.tl-row[data-fact='guatemala-city-meeting-2021']")
    assert row.locator(".tl-date").text_content() == "summer 2021"
    outline, fill = row.locator("path.tl-range"), row.locator("rect.tl-range-fill")
    style = outline.evaluate("e => { const s = getComputedStyle(e); return [s.strokeDasharray, s.fill]; }")
    assert style[0] not in ("none", "") and style[1] == "none", style
    assert float(fill.evaluate("e => getComputedStyle(e).fillOpacity")) < 0.3
    solid = page.locator("svg.tl-full a.tl-row[data-fact='phone-call-march-2021'] rect.tl-month")
    assert solid.evaluate("e => getComputedStyle(e).strokeDasharray") in ("none", "")
    assert float(solid.evaluate("e => getComputedStyle(e).fillOpacity")) >= 0.3
    # June to August (92 days) is about three times March's band (31 days), and starts 92 days after March
    # begins: measured on the screen, not in the SVG source.
    season, month = fill.bounding_box(), solid.bounding_box()
    assert season is not None and month is not None
    assert season["width"] / month["width"] == pytest.approx(92 / 31, rel=0.03)
    assert (season["x"] - month["x"]) / month["width"] == pytest.approx(92 / 31, rel=0.03)
    ARTIFACTS.mkdir(exist_ok=True)
    row.screenshot(path=str(ARTIFACTS / "timeline-season-row.png"))


def test_each_briefing_page_has_its_own_timeline_and_outlet_mix(visit: Visit, base_url: str,
                                                                export: dict[str, Any]) -> None:
    page = visit.page
    for briefing in export["briefings"]:
        page.goto(base_url + briefing["path"])
        facts = [f for f in export["facts"] if f["briefing"] == briefing["id"]]
        assert page.locator(f"svg[aria-labelledby^='strip-{briefing['id']}'] a.tl-row").count() == len(facts)
        assert page.get_by_text("Outlet mix:").is_visible()
        for href in page.locator("svg a.tl-row").evaluate_all("ms => ms.map(m => m.getAttribute('href'))"):
            assert page.locator(f"[id='{href.lstrip('#')}']").count() == 1


def test_a_correction_marker_opens_its_note_from_the_keyboard(visit: Visit, base_url: str,
                                                              export: dict[str, Any]) -> None:
    page = visit.page
    page.goto(base_url + PAGES["briefing"])
    marker = page.locator("details.fact-correction").first
    summary = marker.locator("summary")
    assert re.fullmatch(r"(Corrected|Updated) \d{1,2} [A-Z][a-z]+ \d{4}", summary.inner_text())
    note = marker.locator("p").first
    assert not note.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    note.wait_for(state="visible")
    assert "What was wrong:" in note.inner_text() and "What changed:" in note.inner_text()
    fact = page.locator(f"#{marker.get_attribute('id').replace('corrections-', 'fact-', 1)}")
    assert fact.is_visible()


@pytest.mark.parametrize("visit", ["light", "dark"], indirect=True)
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(visit: Visit, base_url: str, name: str) -> None:
    """axe-core on each page, in a fresh context per colour scheme (Material keeps the palette it first saw)."""
    require(AXE.is_file(), f"axe-core is not installed at {AXE} (make test installs it)")
    page = visit.page
    page.goto(base_url + PAGES[name])
    scheme = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['html'][:120] for n in v['nodes']]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name} ({scheme})"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{scheme}.png"), full_page=False)


def test_headings_are_in_order(visit: Visit, base_url: str) -> None:
    page = visit.page
    for path in PAGES.values():
        page.goto(base_url + path)
        levels = page.locator("article h1, article h2, article h3").evaluate_all(
            "hs => hs.map(h => Number(h.tagName[1]))")
        assert levels[0] == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (path, levels)


def test_offline_build_works_from_the_file_system(browser: Any, tmp_path: Path, export: dict[str, Any]) -> None:
    out = tmp_path / "offline"
    result = mkdocs_build(ROOT, out, require_seeds(), OFFLINE="true")
    assert result.returncode == 0, result.stderr
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((out / "index.html").as_uri())
    page.get_by_role("link", name="Contacts between Harris and Giammattei, 2021–2024").first.click()
    page.wait_for_url("**/briefings/contacts.html")
    fact = next(f for f in export["facts"] if f["briefing"] == "contacts")
    assert page.locator(f"#fact-{fact['id']}").is_visible()
    page.goto((out / "timeline.html").as_uri())
    page.locator("svg.tl-full a.tl-row").first.click()
    page.wait_for_url("**/briefings/*.html#fact-*")
    assert page.locator(f"[id='{urlsplit(page.url).fragment}']").is_visible()
    context.close()
    assert {urlsplit(u).scheme for u in requests} <= {"file", "data", "blob"}, requests
    assert errors == []


HOSTILE_PAGE = {
    "title: The bridge": "[x](javascript:alert(1)){: onfocus=alert(1) autofocus tabindex=0 }",
    "summary: What the city said about the bridge.": "</title><script>alert(2)</script>\" autofocus onfocus=\"alert(2)",
    "- title: Reopening": "<img src=x onerror=alert(3)> [z](javascript:alert(3))",
    "text: The minister said the bridge would reopen in May.": "[y](javascript:alert(4)){: onmouseover=alert(4) }",
}


def test_a_page_built_from_hostile_text_runs_nothing(browser: Any, project: MiniProject, tmp_path: Path) -> None:
    """Titles, summaries and facts written as Markdown links, attribute lists and HTML: no dialog opens on
    any generated page, whatever gets focus or the pointer, and no link leads to `javascript:`."""
    briefing = BRIEFING_YAML
    for old, new in HOSTILE_PAGE.items():
        key, _, _ = old.partition(": ")
        briefing = briefing.replace(old, f"{key}: {json.dumps(new)}")
    project.write("briefings/bridge.yaml", briefing)
    project.write("sources/city-herald-2024.yaml", SOURCE_YAML.replace(
        "title: Bridge to reopen in May", 'title: "\\"><svg onload=alert(5)> [s](javascript:alert(5))"')
        .replace("outlet: City Herald", 'outlet: "javascript:alert(6)"'))
    assert [p.code for p in project.lint().problems] == []
    write_mkdocs_config(project)
    site = tmp_path / "site"
    result = mkdocs_build(project.root, site, project.snapshots)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for path in ("briefings/bridge/", "sources/city-herald-2024/", "", "timeline/"):
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{path}")
            page.wait_for_load_state("load")
            for _ in range(40):  # every focusable element in turn, as a keyboard user would
                page.keyboard.press("Tab")
            for element in page.locator("article a, article h1, article p").all()[:60]:
                element.hover(timeout=2000, force=True)
            links = page.eval_on_selector_all(
                "a[href]", "as => as.map(a => a.href).filter(h => /^\\s*javascript:/i.test(h))")
            assert links == [], path
            assert dialogs == [], (path, dialogs)
        assert page.goto(f"http://127.0.0.1:{server.server_address[1]}/briefings/bridge/") is not None
        assert page.title() == f"{HOSTILE_PAGE['title: The bridge']} - Sourced Briefings"
    finally:
        context.close()
        server.shutdown()

"""The reader's site in a real browser: Debian's Chromium driven by Playwright, on 127.0.0.1 only.

Skipped with a reason when Chromium, Playwright or axe-core is missing, except
under CI=true, where `.ci/run` installs them and their absence is a failure.
The site is built once per test session; every page of it is visited once per
screen (390×844 and 1280×900, light and dark), and each visit measures what the
tests below assert. Screenshots go to tests/artifacts/ (gitignored).
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import BRIEFING_YAML, ROOT, SOURCE_YAML, MiniProject, chromium, mkdocs_build, require, require_seeds
from tests.test_site import write_mkdocs_config

AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / "build/node/node_modules/axe-core/axe.min.js"))
ARTIFACTS = ROOT / "tests/artifacts"
SCREENS = {"phone": (390, 844), "desktop": (1280, 900)}
VARIANTS = [(screen, scheme) for screen in SCREENS for scheme in ("light", "dark")]
# One page of each kind: screenshots, and the pages whose headings are checked.
ONE_OF_EACH_KIND = ("", "briefings/contacts/", "sources/", "sources/fox-2021-12-08/", "timeline/", "timeline/2021/",
             "method/", "rules/", "corrections/")
# axe-core (the slow part of a visit) on every page on these two screens, which between them show both
# widths and both schemes, and on one page of each kind on the other two.
AXE_EVERY_PAGE = {("phone", "light"), ("desktop", "dark")}
MIN_TEXT_PX = 12
MIN_TARGET_PX = 24


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
    with chromium() as launched:
        yield launched


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, as a path under its root ('' for the home page), and the page shown
    for an address that does not exist."""
    pages = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return ["" if p == "." else f"{p}/" for p in pages if not p.startswith("assets")] + ["404.html"]


# --- what a visit measures ---------------------------------------------------------------------

MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const visible = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const round = v => Math.round(v * 10) / 10;
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const overflow = [];
  for (const root of [document.documentElement, document.body])
    if (root.scrollWidth > width) overflow.push(root.tagName.toLowerCase() + ' is ' + root.scrollWidth + ' wide');
  // Everything on the page: the header, the sidebars, the content and the footer. The drawer that slides
  // in from the left on a phone waits off screen to the left, which is not an overflow; the search's
  // results are not drawn while the search is closed.
  const searching = document.getElementById('__search')?.checked;
  for (const e of document.querySelectorAll('body *')) {
    const clipped = e.closest('.sb-visually-hidden, thead');  // visually hidden: 1 px, clipped
    if (!visible(e) || e.closest('pre') || (clipped && clipped.getBoundingClientRect().width <= 1) ||
        (!searching && e.closest('.md-search__output'))) continue;
    const r = e.getBoundingClientRect();
    if (r.right > width + 0.5) overflow.push(name(e) + ' ends at ' + Math.round(r.right));
    else if (e.closest('.md-content') && e.scrollWidth > e.clientWidth + 1 &&
             getComputedStyle(e).overflowX !== 'visible' && e.tagName !== 'PRE')
      overflow.push(name(e) + ' scrolls ' + e.scrollWidth + ' > ' + e.clientWidth);
  }
  // Each SVG text's rendered size three ways: its font size times the scale of its current transform, its
  // box's height times that scale, and the font size times the ratio of its box on the screen to its box in
  // the drawing (which sees any CSS transform or zoom as well).
  const svgText = [];
  for (const t of document.querySelectorAll('svg text')) {
    if (!visible(t)) continue;
    const m = t.getScreenCTM(); const scale = Math.hypot(m.a, m.b);
    const font = parseFloat(getComputedStyle(t).fontSize); const box = t.getBBox();
    const onScreen = font * t.getBoundingClientRect().height / box.height;
    svgText.push([t.textContent, round(font * scale), round(box.height * scale), round(onScreen)]);
  }
  // The text of the charts drawn in HTML (legends, bars, month columns): the size it is drawn at, or, for a
  // month name shown by its first letter only on a phone, that letter's.
  const chartText = [];
  for (const e of document.querySelectorAll('.sb-legend *, .sb-legend, .sb-bars *, .sb-overview *, .sb-year-chart *')) {
    const own = [...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!own || !visible(e)) continue;
    let size = parseFloat(getComputedStyle(e).fontSize);
    if (size === 0) size = parseFloat(getComputedStyle(e, '::first-letter').fontSize);
    chartText.push([e.textContent.trim().slice(0, 40), size]);
  }
  const targets = [];
  for (const a of document.querySelectorAll('a.footnote-ref, a.footnote-backref, a.sb-permalink')) {
    if (!visible(a)) continue;
    const r = a.getBoundingClientRect();
    targets.push([a.className + ' ' + a.textContent.trim(), round(r.width), round(r.height),
                  parseFloat(getComputedStyle(a).fontSize)]);
  }
  // What follows the page's title, and where it starts.
  const title = document.querySelector('article h1');
  const next = title && title.nextElementSibling;
  const first = next ? [next.className, Math.round(next.getBoundingClientRect().top + window.scrollY),
                        visible(next)] : null;
  return {overflow, svgText, chartText, targets, first, height: window.innerHeight};
}"""


@dataclass
class Visit:
    overflow: list[str]
    svg_text: list[tuple[str, float, float, float]]  # text, font size × transform, box height × transform, on screen
    chart_text: list[tuple[str, float]]  # text, its size in CSS px
    targets: list[tuple[str, float, float, float]]  # classes and text, width, height, font size
    first: tuple[str, int, bool] | None  # what follows the title: its classes, its top, whether it shows
    height: int  # the screen's
    axe: list[str] | None = None  # axe-core's serious and critical violations, when it ran here


@dataclass
class Screen:
    """Every page of the site as one screen and colour scheme showed it."""

    visits: dict[str, Visit]
    requests: list[str]
    errors: list[str]


def _run_axe(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['html'][:120] for n in v['nodes']]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def screens(browser: Any, base_url: str, site: Path) -> dict[tuple[str, str], Screen]:
    """Visit every page once per screen and scheme, with axe-core; a screenshot of one page of each kind."""
    require(AXE.is_file(), f"axe-core is not installed at {AXE} (make test installs it)")
    ARTIFACTS.mkdir(exist_ok=True)
    found: dict[tuple[str, str], Screen] = {}
    for screen, scheme in VARIANTS:
        width, height = SCREENS[screen]
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
        page = context.new_page()
        seen = Screen({}, [], [])
        page.on("request", lambda request, seen=seen: seen.requests.append(request.url))
        page.on("console", lambda m, seen=seen: seen.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error, seen=seen: seen.errors.append(str(error)))
        for path in site_pages(site):
            page.goto(base_url + path)
            measured = page.evaluate(MEASURE)
            visit = Visit(measured["overflow"], [tuple(t) for t in measured["svgText"]],
                          [tuple(t) for t in measured["chartText"]], [tuple(t) for t in measured["targets"]],
                          tuple(measured["first"]) if measured["first"] else None, measured["height"])
            if path in ONE_OF_EACH_KIND or (screen, scheme) in AXE_EVERY_PAGE:
                visit.axe = _run_axe(page)
            if path in ONE_OF_EACH_KIND:
                name = (path.strip("/").replace("/", "-") or "home")
                page.screenshot(path=str(ARTIFACTS / f"{name}-{screen}-{scheme}.png"))
            seen.visits[path] = visit
        context.close()
        found[(screen, scheme)] = seen
    return found


variants = pytest.mark.parametrize(("screen", "scheme"), VARIANTS, ids=[f"{a}-{b}" for a, b in VARIANTS])


@variants
def test_no_page_overflows_sideways(screens: dict[tuple[str, str], Screen], site: Path, screen: str,
                                    scheme: str) -> None:
    """On every page of the site (briefings, sources, timeline periods, Method, Corrections, the editors'
    pages, the 404 page), nothing reaches past the screen's right edge, and nothing in the content but a code
    block scrolls sideways (tables wrap; a table section becomes one card per fact on a phone)."""
    visits = screens[(screen, scheme)].visits
    assert set(visits) == set(site_pages(site)) and len(visits) >= 20
    overflowing = {path: v.overflow for path, v in visits.items() if v.overflow}
    assert overflowing == {}


@variants
def test_every_chart_text_is_at_least_12_css_px(screens: dict[tuple[str, str], Screen], screen: str,
                                                scheme: str) -> None:
    """Each SVG text as rendered: font size × its current transform (getScreenCTM), its box's height × that
    transform, and font size × (its box on the screen / its box in the drawing): all ≥ 12 px. And every text
    of the charts drawn in HTML (legends, outlet bars, month columns) is 12 px or more."""
    visits = screens[(screen, scheme)].visits
    measured = [(path, *t) for path, v in visits.items() for t in v.svg_text]
    assert len([m for m in measured if m[0].startswith("briefings/")]) >= 5  # the strips have text
    small = [m for m in measured if min(m[2:]) < MIN_TEXT_PX]
    assert small == []
    html = [(path, *t) for path, v in visits.items() for t in v.chart_text]
    assert {m[0] for m in html} >= {"briefings/contacts/", "timeline/", "timeline/2021/"}
    assert [m for m in html if m[2] < MIN_TEXT_PX] == []


@variants
def test_every_footnote_reference_is_a_24_px_target(screens: dict[tuple[str, str], Screen], screen: str,
                                                    scheme: str) -> None:
    """Footnote numbers, their back-links and the facts' permalinks: boxes of 24 × 24 CSS px or more, and
    a footnote number is 12 px or more, in running text, in a short answer and in a table's cell alike."""
    visits = screens[(screen, scheme)].visits
    targets = [(path, *t) for path, v in visits.items() for t in v.targets]
    assert sum(1 for t in targets if "footnote-ref" in t[1]) >= 100
    small = [t for t in targets if t[2] < MIN_TARGET_PX or t[3] < MIN_TARGET_PX]
    assert small == []
    assert [t for t in targets if "footnote-ref" in t[1] and t[4] < MIN_TEXT_PX] == []


@variants
def test_the_short_answer_comes_first_on_every_screen(screens: dict[tuple[str, str], Screen],
                                                      export: dict[str, Any], screen: str, scheme: str) -> None:
    """On each briefing page that has a short answer, the answer is what follows the title, and it starts on
    the first screen."""
    visits = screens[(screen, scheme)].visits
    answered = [b["path"] for b in export["briefings"] if b["short_answer"]]
    assert answered
    for path in answered:
        first = visits[path].first
        assert first is not None and "sb-short-answer" in first[0].split() and first[2], (path, first)
        assert first[1] < visits[path].height, (path, first)


@variants
def test_no_serious_accessibility_violations(screens: dict[tuple[str, str], Screen], screen: str,
                                             scheme: str) -> None:
    """axe-core on every page of the site (on two of the screens; one page of each kind on the others)."""
    visits = screens[(screen, scheme)].visits
    assert set(ONE_OF_EACH_KIND) <= set(visits)
    checked = {path for path, visit in visits.items() if visit.axe is not None}
    assert checked == (set(visits) if (screen, scheme) in AXE_EVERY_PAGE else set(ONE_OF_EACH_KIND))
    assert {path: visit.axe for path, visit in visits.items() if visit.axe} == {}


@variants
def test_no_request_leaves_the_site_and_no_script_fails(screens: dict[tuple[str, str], Screen], base_url: str,
                                                        screen: str, scheme: str) -> None:
    seen = screens[(screen, scheme)]
    hosts = {urlsplit(url).netloc for url in seen.requests if not url.startswith(("data:", "blob:"))}
    assert hosts <= {urlsplit(base_url).netloc}
    assert seen.errors == []


# --- one page at a time -----------------------------------------------------------------------

@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def test_the_short_answer_is_the_first_thing_on_each_briefing_page(page: Any, base_url: str,
                                                                   export: dict[str, Any]) -> None:
    answered = [b for b in export["briefings"] if b["short_answer"]]
    assert answered
    for briefing in answered:
        page.goto(base_url + briefing["path"])
        first = page.locator("article h1 + *").first
        assert "sb-short-answer" in (first.get_attribute("class") or "")
        box = first.bounding_box()
        assert box is not None and box["y"] < 844  # on the first screen of a phone
        for fact_id in briefing["short_answer"]:
            fact = next(f for f in export["facts"] if f["id"] == fact_id)
            assert fact["status"]["value"] != "superseded"
            assert fact["text"] in first.inner_text()
            assert first.locator(f"a[href='#fact-{fact_id}']").count() == 1


def test_the_timeline_lists_every_dated_fact_with_its_status(page: Any, base_url: str, site: Path,
                                                             export: dict[str, Any]) -> None:
    page.goto(base_url + "timeline/")
    periods = page.locator("article li a[href*='timeline/']").evaluate_all("as => as.map(a => a.href)")
    assert periods
    listed: dict[str, tuple[str, str]] = {}
    for url in periods:
        page.goto(url)
        for item in page.locator("li.sb-item").all():
            badge = item.locator("a.sb-badge[class*='sb-status-']").first
            assert badge.is_visible() and urlsplit(badge.evaluate("a => a.href")).path.endswith("/method/")
            listed[item.get_attribute("data-fact") or ""] = (badge.inner_text(), item.inner_text())
    dated = {f["id"]: f for f in export["facts"] if f["date"]}
    assert set(listed) == set(dated)
    for fact_id, (badge, shown) in listed.items():
        assert badge == dated[fact_id]["status"]["value"].capitalize()
        assert dated[fact_id]["text"] in shown  # the whole text, never cut
        if dated[fact_id]["as_of"]:
            assert "as of " in shown


def test_a_table_section_is_one_full_width_card_per_fact_on_a_phone(page: Any, base_url: str) -> None:
    """At 390 px each row of a table section is a card whose lines (the fact, who says so, the outlet...) use
    the card's whole width: no desktop column width squeezes them."""
    page.goto(base_url + "briefings/contacts/")
    ratios = page.locator("table.sb-fact-table td").evaluate_all("""tds => tds
      .filter(td => td.getBoundingClientRect().height > 1)
      .map(td => [td.dataset.label, td.getBoundingClientRect().width / td.closest('tr').clientWidth])""")
    assert len(ratios) >= 20
    assert [r for r in ratios if r[1] < 0.9] == []


def test_timeline_filters_show_one_briefing_or_one_kind_of_fact(page: Any, base_url: str,
                                                                export: dict[str, Any]) -> None:
    page.goto(base_url + "timeline/2021/")
    form = page.locator("form.sb-filters")
    assert form.is_visible()
    items = page.locator("li.sb-item")
    total = items.count()
    page.select_option("select[data-filter='kind']", "event")
    shown = page.locator("li.sb-item:not([hidden])")
    assert 0 < shown.count() < total
    assert set(shown.evaluate_all("is => is.map(i => i.dataset.kind)")) == {"event"}
    assert page.locator("output.sb-filter-count").inner_text() == f"{shown.count()} of {total} facts shown"
    page.select_option("select[data-filter='kind']", "")
    page.select_option("select[data-filter='briefing']", "contacts")
    assert set(shown.evaluate_all("is => is.map(i => i.dataset.briefing)")) == {"contacts"}
    hidden_headings = page.locator("article h2[hidden]").count()
    assert hidden_headings >= 0
    # Events come first on the same date.
    for ul in page.locator("article ul:has(> li.sb-item)").all():
        kinds = ul.locator("li.sb-item").evaluate_all("is => is.map(i => [i.querySelector('.sb-when').textContent,"
                                                      " i.dataset.kind])")
        for (date_a, kind_a), (date_b, kind_b) in itertools.pairwise(kinds):
            if date_a == date_b and kind_b == "event":
                assert kind_a == "event", (date_a, kinds)


def test_a_season_is_a_hatched_band_not_an_event(page: Any, base_url: str) -> None:
    """'Over the summer' (2021-22) spans June to August on the briefing's strip, drawn as a thin hatched band,
    unlike the solid bar of a month or the dot of a day; a range of dates is hatched too: the vague never
    look like long events."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + "briefings/contacts/")
    season = page.locator("a.sb-mark[data-fact='guatemala-city-meeting-2021'] rect.sb-vague")
    span = page.locator("a.sb-mark[data-fact='harris-root-causes-role'] rect.sb-vague")
    month = page.locator("a.sb-mark[data-fact='phone-call-march-2021'] rect.sb-month")
    day = page.locator("a.sb-mark[data-fact='virtual-meeting-2021-04-26'] circle.sb-day")
    for band in (season, span):
        assert band.get_attribute("fill", timeout=1000).startswith("url(#")
    for solid in (month, day):
        assert float(solid.evaluate("e => getComputedStyle(e).fillOpacity")) == 1
    season_box, month_box, day_box = season.bounding_box(), month.bounding_box(), day.bounding_box()
    assert season_box and month_box and day_box
    assert season_box["height"] < month_box["height"] and season_box["height"] < day_box["height"]
    # June to August (92 days) is about three times March (31 days), and starts 92 days after March begins:
    # measured on the screen, not in the SVG source.
    assert season_box["width"] / month_box["width"] == pytest.approx(92 / 31, rel=0.05)
    assert (season_box["x"] - month_box["x"]) / month_box["width"] == pytest.approx(92 / 31, rel=0.05)
    assert page.locator("#strip-contacts-legend").is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chart_marks_stand_out_from_the_page(browser: Any, base_url: str, scheme: str) -> None:
    """WCAG 1.4.11: graphics that carry meaning have a contrast of 3:1 or more with what is around them."""
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + "briefings/contacts/")
    ratios = page.evaluate("""() => {
      const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
      const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      const ratio = (a, b) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
      const bg = getComputedStyle(document.body).backgroundColor;
      const out = {};
      for (const [name, selector, prop] of [['day', '.sb-day', 'fill'], ['month', '.sb-month', 'fill'],
          ['band', '.sb-vague', 'stroke'], ['bar', '.sb-bar', 'backgroundColor']]) {
        const e = document.querySelector(selector); out[name] = ratio(getComputedStyle(e)[prop], bg);
      }
      return out;
    }""")
    context.close()
    assert all(value >= 3 for value in ratios.values()), ratios


def test_reader_follows_a_citation_to_its_source_and_back(page: Any, base_url: str, export: dict[str, Any]) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url)
    page.get_by_role("link", name="Contacts between Harris and Giammattei, 2021–2024").first.click()
    page.wait_for_url("**/briefings/contacts/")
    first_fact = next(f for f in export["facts"] if f["briefing"] == "contacts" and f["id"] == "biden-assigns-harris")
    reference = page.locator("#fact-biden-assigns-harris + p a.footnote-ref").first
    reference.focus()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(state="visible")
    quote = first_fact["citations"][0]["quote"]
    shown = tooltip.inner_text()
    assert quote[:30].replace('"', "") in shown.replace("“", "").replace("”", "").replace("‘", "").replace("’", "")
    assert "New York Post" in shown
    assert reference.get_attribute("aria-label", timeout=1000).startswith("Source ")

    note_id = reference.get_attribute("href").lstrip("#")
    page.locator(f"[id='{note_id}'] a", has_text="Source page").click()
    page.wait_for_url("**/sources/nypost-2021-04-26/**")
    anchor = urlsplit(page.url).fragment
    assert page.locator(f"[id='{anchor}']").is_visible()
    cited_by = page.locator(f"blockquote:has([id='{anchor}']) + p a[href*='{first_fact['id']}']").first
    cited_by.click()
    page.wait_for_url(f"**/briefings/contacts/#fact-{first_fact['id']}")
    assert page.locator(f"#fact-{first_fact['id']}").is_visible()


def test_a_correction_marker_opens_its_note_from_the_keyboard(page: Any, base_url: str) -> None:
    page.goto(base_url + "briefings/contacts/")
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


def test_a_note_cited_twice_has_lettered_back_links(page: Any, base_url: str) -> None:
    page.goto(base_url + "briefings/contacts/")
    note = page.locator("div.footnote li:has(a.footnote-backref + a.footnote-backref)").first
    backlinks = note.locator("a.footnote-backref")
    letters = backlinks.evaluate_all("as => as.map(a => a.querySelector('.sb-backref-letter').textContent)")
    assert letters == [chr(ord("a") + i) for i in range(len(letters))] and len(letters) >= 2
    assert backlinks.first.inner_text().endswith("a in the text")
    tops = {round(box["y"]) for box in (b.bounding_box() for b in backlinks.all()) if box}  # on a phone
    assert len(tops) == 1, "a note's back-links are split over two lines"
    for backlink in backlinks.all():  # each leads to a different reference, which exists
        target = backlink.get_attribute("href").lstrip("#")
        assert page.locator(f"[id='{target}']").count() == 1


def test_searching_for_the_last_contact_finds_the_current_answer_first(page: Any, base_url: str,
                                                                       export: dict[str, Any]) -> None:
    """Material's own search, in the browser: for "last spoke", the first result is the briefing that answers
    it, and the first fact found is a current one (not the superseded claim of December 2021). The claims
    that were superseded come later, and their results say so. The Corrections page, which repeats former
    wordings, ranks below the facts (`search: boost`), and a briefing's notes and list of changes are not
    indexed (they would rank above its facts)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url)
    page.locator("input.md-search__input").click()
    page.keyboard.type("last spoke")
    results = page.locator(".md-search-result__article")
    # The results of the whole query, not of "last" while the rest is being typed: a result that matched both.
    page.wait_for_function("() => [...document.querySelectorAll('.md-search-result__link')]"
                           ".some(a => a.href.includes('h=last+spoke'))")
    shown = results.evaluate_all("as => as.map(a => [a.closest('a').href, a.querySelector('h1, h2').textContent])")
    locations = [urlsplit(href) for href, _ in shown]
    assert locations[0].path.endswith("/briefings/contacts/") and not locations[0].fragment, shown[:3]
    assert not [loc for loc in locations if loc.fragment in ("notes", "updates-and-corrections")]
    titles = {loc.fragment.removeprefix("fact-"): title.strip() for loc, (_, title) in zip(locations, shown,
                                                                                            strict=True)}
    found = [loc.fragment.removeprefix("fact-") for loc in locations if loc.fragment.startswith("fact-")]
    status = {f["id"]: f["status"]["value"] for f in export["facts"]}
    assert found and status[found[0]] == "current", found
    superseded = ["no-contact-as-of-2021-12", "no-contact-as-of-2022-07"]
    assert set(superseded) <= set(found)
    for fact_id in superseded:
        assert found.index(fact_id) > 0 and titles[fact_id].endswith(", superseded"), titles[fact_id]
    corrections = [i for i, loc in enumerate(locations) if loc.path.endswith("/corrections/")]
    assert all(i > found.index(superseded[0]) for i in corrections), shown


def test_headings_are_in_order(page: Any, base_url: str) -> None:
    for path in ONE_OF_EACH_KIND:
        page.goto(base_url + path)
        levels = page.locator("article h1, article h2, article h3").evaluate_all(
            "hs => hs.filter(h => h.getAttribute('aria-hidden') !== 'true').map(h => Number(h.tagName[1]))")
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
    page.locator("div.sb-overview a.sb-month-col").first.click()
    page.wait_for_url("**/timeline/*.html#y*")
    assert page.locator(f"[id='{urlsplit(page.url).fragment}']").is_visible()
    page.locator("li.sb-item a[href*='#fact-']").first.click()
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
    briefing = briefing.replace("    facts:\n", "    display: table\n    facts:\n", 1) + \
        "        said_by: \"<script>alert(7)</script> [w](javascript:alert(7))\"\n"
    project.write("briefings/bridge.yaml", briefing.replace("updated: 2024-03\n",
                                                            "updated: 2024-03\nshort_answer: [bridge-reopens]\n"))
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
        for path in ("briefings/bridge/", "sources/city-herald-2024/", "", "timeline/", "timeline/2024/", "sources/"):
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{path}")
            page.wait_for_load_state("load")
            for _ in range(40):  # every focusable element in turn, as a keyboard user would
                page.keyboard.press("Tab")
            for element in page.locator("article a, article h1, article p, article td").all()[:60]:
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

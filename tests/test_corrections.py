"""What readers see of the ledger: markers, each briefing's "Updates and corrections", the Corrections
page, the Atom feeds (validated with feedparser) and their <link rel="alternate">, byte-identical
builds; on a project with a git history made inside the test, and on this repository's own history."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup

from build_tools.feeds import MAX_ENTRIES, SITE_FEED, feed_files
from build_tools.ledger import no_history
from build_tools.site import generate
from tests.conftest import ROOT, MiniProject, mkdocs_build, require_seeds
from tests.scenario import CORRECTION, FINAL, Fact, briefing, make_history
from tests.test_site import write_mkdocs_config

FEED_LINK = "\nextra:\n  feed: feed.xml\n"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith("sitemap.xml")}


@pytest.fixture(scope="module")
def history_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[MiniProject, list[str]]:
    base = tmp_path_factory.mktemp("history")
    (base / "snaps").mkdir()
    project = MiniProject(base / "proj", base / "snaps")
    shas = make_history(project)
    write_mkdocs_config(project)
    with (project.root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(FEED_LINK)
    return project, shas


@pytest.fixture(scope="module")
def built(history_project: tuple[MiniProject, list[str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    project, _ = history_project
    site = tmp_path_factory.mktemp("history-site")
    result = mkdocs_build(project.root, site, project.snapshots)
    assert result.returncode == 0, result.stderr
    return site


# --- the marker, the section, the page ---------------------------------------------------------

def test_a_corrected_fact_shows_a_marker_that_opens_its_note(built: Path) -> None:
    page = soup(built / "briefings/bridge/index.html")
    fact = page.find(id="fact-mayor-pleased")  # the fact's date heading: its text and notes follow it
    details = fact.find_next_sibling(["h3", "details"])
    assert details.name == "details" and details["id"] == "corrections-mayor-pleased"
    assert details.summary.get_text() == "Corrected 10 March 2024"
    assert details.get_text(" ", strip=True).endswith(
        "10 March 2024, major correction. What was wrong: The fact dated the mayor's statement 3 March. "
        "What changed: It now gives 4 March, the day the article reports.")
    assert page.find(id="corrections-first-day-traffic") is None  # changed, but no entry: the linter warns


def test_the_briefing_lists_major_corrections_first_then_every_change_by_date(built: Path) -> None:
    page = soup(built / "briefings/bridge/index.html")
    heading = page.find(id="updates-and-corrections")
    assert heading.name == "h2"
    texts = [" ".join(node.get_text().split()) for node in heading.find_next_siblings(["p", "ul"])]
    assert texts[0] == "Major corrections"
    assert texts[1].startswith("The mayor said the city was very pleased, on 4 March 2024 (10 March 2024, major "
                               "correction). What was wrong:")
    days = [li.strong.get_text() for li in heading.find_next_sibling("ul", class_=None).find_next_sibling(
        "ul").find_all("li", recursive=False)]
    assert days == ["13 March 2024", "12 March 2024", "11 March 2024", "10 March 2024", "7 March 2024",
                    "6 March 2024", "5 March 2024"]
    changes = " | ".join(texts[3:])
    for expected in (
            "Id changed from minister-monday to minister-statement (old links still work): The minister spoke",
            "Date changed from 4 March 2024 to March 2024: The minister spoke on Monday",
            "Removed: “The council agreed, the City Herald reported.”",
            "Marked superseded (was current): The minister said that the bridge would reopen in May",
            "Correction noted: The mayor said the city was very pleased, on 4 March 2024 (10 March 2024, major",
            "Text changed: The mayor said the city was very pleased, on 4 March 2024. It said: “The mayor said the "
            "city was very pleased, on 3 March 2024.”",
            "Text changed: Officials counted 1,240 vehicles on the first day, according to the city. It said: "
            "“Officials counted 1,204 vehicles on the first day, according to the city.”",
            "Wording edited (no change of figures, names or dates): The minister said that the bridge",
            "Added: The minister said that the bridge would reopen in May",
            "Added: “The council agreed, the City Herald reported.” (since removed)"):
        assert expected in changes, expected
    assert changes.index("13 March 2024") < changes.index("Removed:") < changes.index("Wording edited")
    assert changes.index("Id changed") < changes.index("Date changed from 4 March")


def test_the_top_of_a_corrected_briefing_says_it_was_corrected(built: Path) -> None:
    notice = soup(built / "briefings/bridge/index.html").select_one("p.major-correction")
    assert notice is not None and notice.get_text().startswith("Major correction. A fact on this page was corrected")
    assert notice.find("a")["href"] == "#fact-mayor-pleased"


def test_a_renamed_fact_answers_to_its_old_anchor(built: Path) -> None:
    page = soup(built / "briefings/bridge/index.html")
    old = page.find(id="fact-minister-monday")
    assert old is not None and old.find_parent(id="fact-minister-statement") is not None


def test_the_corrections_page_lists_each_correction_and_each_removed_fact(built: Path) -> None:
    page = soup(built / "corrections/index.html")
    items = page.select("article ul > li")
    assert len(items) == 2
    correction, removed = items
    assert correction.get_text(" ", strip=True).startswith("10 March 2024 · Major correction · The bridge :")
    assert [a["href"] for a in correction.find_all("a")] == ["../briefings/bridge/",
                                                              "../briefings/bridge/#fact-mayor-pleased"]
    assert removed.get_text(" ", strip=True) == ("12 March 2024 · The bridge : “The council agreed, the City Herald "
                                                 "reported.”")
    assert page.find("a", string="Atom feed of new facts and corrections")["href"] == "../feed.xml"


# --- the feeds ---------------------------------------------------------------------------------

def test_the_feeds_are_valid_atom_dated_by_commits(built: Path, history_project: tuple[MiniProject, list[str]]) -> None:
    whole = feedparser.parse((built / SITE_FEED).read_bytes())
    assert whole.bozo == 0, whole.get("bozo_exception")
    assert whole.version == "atom10"
    assert whole.feed.updated == "2024-03-10T09:00:00Z"
    entries = [(e.updated, e.tags[0].term, e.title) for e in whole.entries]
    assert entries == [
        ("2024-03-10T09:00:00Z", "major", "Major correction: The mayor said the city was very pleased, on 4 March "
                                          "2024."),
        ("2024-03-05T09:00:00Z", "added", "New fact: The minister said that the bridge would reopen in May."),
        ("2024-03-05T09:00:00Z", "added", "New fact: Officials counted 1,240 vehicles on the first day, according "
                                          "to the city."),
        ("2024-03-05T09:00:00Z", "added", "New fact: The mayor said the city was very pleased, on 4 March 2024."),
        ("2024-03-05T09:00:00Z", "added", "New fact: The minister spoke on Monday, the City Herald reported."),
    ]
    assert len({e.id for e in whole.entries}) == 5 and all(e.id.startswith("urn:uuid:") for e in whole.entries)
    assert whole.entries[0].summary.startswith("10 March 2024. What was wrong: The fact dated")
    one = feedparser.parse((built / "feed-bridge.xml").read_bytes())
    assert one.bozo == 0 and [e.id for e in one.entries] == [e.id for e in whole.entries]


def test_every_feed_link_leads_to_a_fact_on_a_built_page(built: Path) -> None:
    for feed in built.glob("feed*.xml"):
        parsed = feedparser.parse(feed.read_bytes())
        base = f"https://example.org/{feed.relative_to(built).as_posix()}"
        for entry in parsed.entries:
            target = urlsplit(urljoin(base, entry.link))
            page = built / target.path.lstrip("/") / "index.html"
            assert soup(page).find(id=target.fragment) is not None, entry.link


def test_every_page_links_the_site_feed_and_a_briefing_its_own(built: Path) -> None:
    for html in built.rglob("index.html"):
        links = soup(html).find_all("link", rel="alternate", type="application/atom+xml")
        hrefs = [urljoin(f"/{html.parent.relative_to(built).as_posix()}/".replace("/./", "/"), a["href"])
                 for a in links]
        expected = ["/feed.xml"] + (["/feed-bridge.xml"] if "briefings/bridge" in str(html) else [])
        assert hrefs == expected, html
        assert all((built / href.lstrip("/")).is_file() for href in hrefs)


def test_a_correction_not_yet_committed_is_on_the_page_but_not_in_the_feeds(
        history_project: tuple[MiniProject, list[str]], tmp_path: Path) -> None:
    project, _ = history_project
    original = (project.root / "briefings/bridge.yaml").read_text(encoding="utf-8")
    corrected = [Fact(f.id, f.text, f.quote, f.date, CORRECTION.replace("major", "correction"))
                 if f.id == "first-day-traffic" else f for f in FINAL]
    try:
        project.write("briefings/bridge.yaml", briefing(corrected))
        result = project.lint()
        files = generate(result.project, result.store, history=result.history)
    finally:
        project.write("briefings/bridge.yaml", original)
    assert "- **Not yet committed**\n    - Correction noted: [Officials counted" in files["briefings/bridge.md"]
    assert '<details class="fact-correction" id="corrections-first-day-traffic">' in files["briefings/bridge.md"]
    assert "first-day-traffic/correction" not in files[SITE_FEED]
    assert files[SITE_FEED].count("<entry>") == 5


def test_feeds_keep_the_newest_entries(project: MiniProject) -> None:
    make_history(project)
    result = project.lint()
    feeds = feed_files(result.project, result.history)
    assert set(feeds) == {SITE_FEED, "feed-bridge.xml"}
    assert MAX_ENTRIES >= 5 and feeds[SITE_FEED].count("<entry>") == 5


def test_without_history_the_feeds_are_empty_and_the_pages_say_why(project: MiniProject) -> None:
    result = project.lint()
    files = generate(result.project, result.store, history=result.history)
    parsed = feedparser.parse(files[SITE_FEED].encode())
    assert parsed.bozo == 0 and parsed.entries == [] and parsed.feed.updated == "2024-03-01T00:00:00Z"
    assert "The list of changes is not available in this copy of the site" in files["briefings/bridge.md"]
    assert files == generate(result.project, result.store, history=no_history("not a git repository"))


# --- the same bytes every time ----------------------------------------------------------------

def test_two_builds_of_the_same_commit_are_byte_identical(history_project: tuple[MiniProject, list[str]],
                                                          built: Path, tmp_path: Path) -> None:
    project, _ = history_project
    shutil.rmtree(project.root / "build/cache", ignore_errors=True)  # the second build reads git again
    again = tmp_path / "again"
    result = mkdocs_build(project.root, again, project.snapshots, SOURCE_DATE_EPOCH="1700000000")
    assert result.returncode == 0, result.stderr
    first, second = digest(built), digest(again)
    assert first.keys() == second.keys() and "feed.xml" in first
    assert [name for name in first if first[name] != second[name]] == []


def test_a_clone_builds_the_same_feeds(history_project: tuple[MiniProject, list[str]], built: Path,
                                       tmp_path: Path) -> None:
    project, _ = history_project
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(project.root), str(clone)], check=True, capture_output=True)
    copy = MiniProject(clone, project.snapshots)
    result = copy.lint()
    files = generate(result.project, result.store, history=result.history)
    assert files[SITE_FEED] == (built / SITE_FEED).read_text(encoding="utf-8")


# --- this repository ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def our_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("our-site")
    result = mkdocs_build(ROOT, out, require_seeds())
    assert result.returncode == 0, result.stderr
    return out


def published_by_git(root: Path) -> dict[str, str]:
    """Each fact id, and the committer date of the first commit whose briefings hold it: read with git
    and a regular expression, independently of the ledger."""
    log = subprocess.run(["git", "log", "--first-parent", "--reverse", "--format=%H %ct", "--", "briefings"],
                         cwd=root, capture_output=True, text=True, check=True).stdout.split("\n")
    first: dict[str, str] = {}
    for line in filter(None, log):
        sha, time = line.split()
        files = subprocess.run(["git", "ls-tree", "--name-only", sha, "briefings/"], cwd=root, capture_output=True,
                               text=True, check=True).stdout.split()
        for name in files:
            content = subprocess.run(["git", "show", f"{sha}:{name}"], cwd=root, capture_output=True, text=True,
                                     check=True).stdout
            for fact_id in re.findall(r"^\s*- id: ([a-z0-9-]+)\s*$", content, flags=re.MULTILINE):
                first.setdefault(fact_id, time)
    # A fact renamed with `replaces:` was published under its former id.
    for path in (root / "briefings").glob("*.yaml"):
        for section in yaml.safe_load(path.read_text(encoding="utf-8"))["sections"]:
            for fact in section["facts"]:
                if fact.get("replaces") in first:
                    first[fact["id"]] = min(first.get(fact["id"], first[fact["replaces"]]), first[fact["replaces"]],
                                            key=int)
    return first


def test_our_feed_dates_each_fact_by_the_commit_that_published_it(our_site: Path) -> None:
    import datetime as dt

    parsed = feedparser.parse((our_site / SITE_FEED).read_bytes())
    assert parsed.bozo == 0 and parsed.entries
    published = published_by_git(ROOT)
    added = [e for e in parsed.entries if e.tags[0].term == "added"]
    assert added
    for entry in added:
        fact_id = entry.link.rsplit("#fact-", 1)[1]
        when = dt.datetime.fromtimestamp(int(published[fact_id]), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert entry.updated == when, fact_id
    dates = [e.updated for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)


def test_our_corrections_page_lists_every_correction_in_our_files(our_site: Path) -> None:
    from build_tools.config import load_config
    from build_tools.lint import lint_project

    project = lint_project(load_config(ROOT, str(require_seeds()), environ={})).project
    notes = [(fact, c) for fact in project.facts for c in fact.corrections]
    assert notes  # the status changes of November 2026 carry notes since the ledger was added
    page = soup(our_site / "corrections/index.html")
    items = page.select("article ul > li")
    shown = " ".join(li.get_text(" ", strip=True) for li in items)
    for fact, correction in notes:
        assert " ".join(correction.wrong.split()) in shown
        assert page.find("a", href=f"../briefings/{fact.briefing}/#fact-{fact.id}") is not None
    dates = [li.strong.get_text() for li in items if li.find("a", href=re.compile("#fact-"))]
    parsed = [dt_parse(d) for d in dates]
    assert parsed == sorted(parsed, reverse=True)


def dt_parse(text: str) -> tuple[int, int, int]:
    import datetime as dt

    for fmt in ("%d %B %Y", "%B %Y", "%Y"):
        try:
            day = dt.datetime.strptime(text, fmt)
            return (day.year, day.month, day.day)
        except ValueError:
            continue
    raise AssertionError(text)

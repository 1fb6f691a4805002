"""Zensical as a first-class publisher: the same site as MkDocs, live under `zensical serve`, and a guard that
fails loudly on any setting Zensical would silently ignore."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from build_tools.zensical_guard import PLUGINS, SETTINGS, VALIDATION, ZENSICAL_VERSION, ignored_settings
from build_tools.zensical_prep import zensical_missing
from tests.conftest import (
    BRIEFING_YAML,
    QUIET_CONSISTENCY,
    ROOT,
    SNAPSHOT_TEXT,
    MiniProject,
    fact_text,
    require,
    require_seeds,
)
from tests.site_links import broken_links, duplicate_ids

ZENSICAL = Path(sys.executable).parent / "zensical"

# What differs between the two sites by design (the README lists the same): each theme's own assets and
# search index, MkDocs' gzipped sitemap, and Zensical's skip link.
MKDOCS_ONLY = ("search/search_index.json", "sitemap.xml.gz")
ZENSICAL_ONLY = ("search.json",)
THEME_ASSETS = "assets/"


def require_zensical() -> None:
    missing = zensical_missing()
    require(missing is None, missing or "")


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}, text=True,
                          capture_output=True, timeout=300)


def copy_project(target: Path) -> Path:
    """The real project's configuration, pages and content, in a folder the test may change."""
    for name in ("mkdocs.yml", "briefings.toml"):
        shutil.copy(ROOT / name, target / name)
    for name in ("docs", "briefings", "sources", "overrides"):
        shutil.copytree(ROOT / name, target / name)
    return target


# --- the same site from both publishers ----------------------------------------------------------

@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_zensical()
    seeds = require_seeds()
    out = tmp_path_factory.mktemp("zensical") / "site-zensical"
    result = run([sys.executable, "-m", "build_tools", "site", "--publisher", "zensical", "--out", str(out)], ROOT,
                 BRIEFINGS_SNAPSHOTS=str(seeds))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def site_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_both_publishers_write_the_same_files(mkdocs_site: Path, zensical_site: Path) -> None:
    mkdocs, zensical = site_files(mkdocs_site), site_files(zensical_site)
    assert set(MKDOCS_ONLY) <= mkdocs and set(ZENSICAL_ONLY) <= zensical
    mkdocs -= {f for f in mkdocs if f.startswith(THEME_ASSETS)} | set(MKDOCS_ONLY)
    zensical -= {f for f in zensical if f.startswith(THEME_ASSETS)} | set(ZENSICAL_ONLY)
    assert mkdocs == zensical
    assert {"data/briefings.json", "data/sources.csl.json", "data/annotations.jsonld", "timeline/index.html",
            "schemas/briefing.schema.json"} <= mkdocs
    for rel in sorted(f for f in mkdocs if not f.endswith(".html")):  # data files, schemas, images, sitemap
        assert (mkdocs_site / rel).read_bytes() == (zensical_site / rel).read_bytes(), rel


def article(site: Path, rel: str) -> BeautifulSoup:
    page = BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")
    content = page.select_one("article")
    assert content is not None, rel
    for skip in content.select("#__skip"):  # Zensical's skip link
        skip.decompose()
    for marked in content.select("[data-search-exclude]"):  # a search marker: each removes some, differently
        del marked["data-search-exclude"]
    return content


def test_every_page_has_the_same_content_anchors_footnotes_charts_and_json_ld(
        mkdocs_site: Path, zensical_site: Path) -> None:
    pages = sorted(f for f in site_files(mkdocs_site) if f.endswith("index.html"))
    assert len(pages) > 15
    for rel in pages:
        ours, theirs = article(mkdocs_site, rel), article(zensical_site, rel)
        assert {t["id"] for t in ours.find_all(id=True)} == {t["id"] for t in theirs.find_all(id=True)}, rel
        assert [str(s) for s in ours.find_all("svg")] == [str(s) for s in theirs.find_all("svg")], rel
        assert " ".join(str(ours).split()) == " ".join(str(theirs).split()), rel


def test_every_fact_reads_the_same_with_the_same_footnotes(mkdocs_site: Path, zensical_site: Path) -> None:
    export = json.loads((mkdocs_site / "data/briefings.json").read_text(encoding="utf-8"))
    for briefing in export["briefings"]:
        rel = f"briefings/{briefing['id']}/index.html"
        ours, theirs = article(mkdocs_site, rel), article(zensical_site, rel)
        for fact in (f for f in export["facts"] if f["briefing"] == briefing["id"]):
            a, b = fact_text(ours, fact["id"]), fact_text(theirs, fact["id"])
            assert a is not None and b is not None, fact["id"]
            assert fact["text"] in b.get_text(" ") and a.get_text(" ") == b.get_text(" ")
            refs = [(r["href"], r.get("aria-label")) for r in b.select("a.footnote-ref")]
            assert refs == [(r["href"], r.get("aria-label")) for r in a.select("a.footnote-ref")] and refs
            for href, _ in refs:
                note = theirs.find(id=href.lstrip("#"))
                assert note is not None and note.get_text(" ") == ours.find(id=href.lstrip("#")).get_text(" ")


def test_every_link_of_the_zensical_site_leads_to_a_page_and_anchor(zensical_site: Path) -> None:
    assert broken_links(zensical_site) == [] and duplicate_ids(zensical_site) == []


def test_raw_html_links_work_under_both_publishers(mkdocs_site: Path, zensical_site: Path) -> None:
    """Zensical rewrites relative links in raw HTML (charts, and links from a folder's pages to the page named
    like the folder) as it does Markdown links; MkDocs does not. The generator writes them for each publisher,
    so both sites link to the same built pages."""
    for site in (mkdocs_site, zensical_site):
        pages = {"timeline/index.html": "div.sb-overview a, article li a", "sources/index.html": "article li a",
                 "timeline/2021/index.html": "p.sb-period-nav a",
                 "sources/fox-2021-12-08/index.html": "p.sb-period-nav a",
                 "briefings/contacts/index.html": "ul.sb-bars a"}
        for rel, selector in pages.items():
            links = article(site, rel).select(selector)
            assert links, rel
            for anchor in links:
                target, _, fragment = (site / rel).parent.joinpath(anchor["href"]).resolve().as_posix().partition("#")
                built = Path(target, "index.html")
                assert built.is_file(), (rel, anchor["href"])
                if fragment:
                    assert BeautifulSoup(built.read_text(encoding="utf-8"), "html.parser").find(id=fragment), anchor


def test_readme_lists_the_intended_differences() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in (*MKDOCS_ONLY, *ZENSICAL_ONLY, "skip link", "make serve-zensical", "make site-zensical", "2027-05-05"):
        assert name in readme, name


# --- the guard -----------------------------------------------------------------------------------

def test_guard_names_every_setting_zensical_would_ignore() -> None:
    config = {
        "site_name": "x", "hooks": ["h.py"], "not_a_setting": 1,
        "plugins": ["search", {"search": {"lang": "en"}}, "git-revision-date-localized", {"material/tags": {}},
                    {"material/social/cards": {}}, {"offline": {"enabled": True}}],
        "validation": {"anchors": "warn", "omitted_files": "warn", "links": {"absolute_links": "warn"}},
        "watch": ["briefings"], "markdown_extensions": ["footnotes"],
    }
    keys = [i.key for i in ignored_settings(config, {"hooks": 3, "plugins.search.lang": 9})]
    assert keys == ["hooks", "not_a_setting", "plugins.search.lang", "plugins.git-revision-date-localized",
                    "validation.omitted_files", "validation.links.absolute_links"]
    (hooks,) = [i for i in ignored_settings(config, {"hooks": 3}) if i.key == "hooks"]
    assert hooks.message("mkdocs.yml").startswith(f"mkdocs.yml:3: 'hooks' would be silently ignored by Zensical "
                                                  f"{ZENSICAL_VERSION}: Zensical runs no MkDocs hooks")
    assert ignored_settings({"site_name": "x", "plugins": {"search": None, "offline": {}}}) == []


def test_guard_tables_are_those_of_the_installed_zensical(tmp_path: Path) -> None:
    """The tables are copied from Zensical 0.0.73's configuration code; upgrading Zensical fails here first."""
    require_zensical()
    from zensical import config as zensical_config

    (tmp_path / "docs").mkdir()
    applied = zensical_config._apply_defaults({"site_name": "x"}, str(tmp_path / "mkdocs.yml"))
    computed = {"root_dir", "theme_dirs", "mdx_configs", "mdx_configs_hash", "plugins_hash", "template_hash",
                "watched_files"}
    assert set(applied) - computed == SETTINGS - {"INHERIT"}
    assert dict(zensical_config._PLUGIN_UNSUPPORTED_OPTIONS) == {k: tuple(v) for k, v in PLUGINS.items()}
    assert set(applied["validation"]) | {"not_found", "anchors", "links"} == VALIDATION


def test_zensical_pointed_at_our_mkdocs_yml_fails_loudly(tmp_path: Path) -> None:
    """Without the guard, Zensical would build this configuration into a site with no briefings and no error."""
    require_zensical()
    project = copy_project(tmp_path)
    result = run([str(ZENSICAL), "build", "--strict"], project, BRIEFINGS_SNAPSHOTS=str(require_seeds()))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    line = next(n for n, text in enumerate((ROOT / "mkdocs.yml").read_text().splitlines(), 1)
                if text.startswith("hooks:"))
    assert f"mkdocs.yml:{line}: 'hooks' would be silently ignored by Zensical {ZENSICAL_VERSION}" in output
    assert not (project / "site/briefings").exists()


def test_prep_refuses_a_configuration_zensical_would_partly_ignore(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("plugins:\n  - search\n", "plugins:\n  - search:\n      lang: en\n  - git-committers\n")
    (project / "mkdocs.yml").write_text(text + "edit_uri_templat: x\n", encoding="utf-8")
    result = run([sys.executable, "-m", "build_tools.zensical_prep", str(tmp_path / "out")], project,
                 PYTHONPATH=str(ROOT))
    assert result.returncode == 2, result.stdout + result.stderr
    lines = text.splitlines()
    assert result.stderr.splitlines() == [
        f"briefings: configuration error: mkdocs.yml:{len(lines) + 1}: 'edit_uri_templat' would be silently "
        f"ignored by Zensical {ZENSICAL_VERSION}: Zensical does not read this setting",
        f"mkdocs.yml:{lines.index('      lang: en') + 1}: 'plugins.search.lang' would be silently ignored by "
        f"Zensical {ZENSICAL_VERSION}: Zensical accepts this option but does not implement it",
        f"mkdocs.yml:{lines.index('  - git-committers') + 1}: 'plugins.git-committers' would be silently ignored "
        f"by Zensical {ZENSICAL_VERSION}: Zensical does not implement this plugin and skips it",
    ]
    assert not (tmp_path / "out/docs").exists()


def test_the_tested_zensical_is_installed() -> None:
    """`make test-deps` installs the pinned version; CI must test with it."""
    require_zensical()
    from importlib import metadata

    assert metadata.version("zensical") == ZENSICAL_VERSION


# --- building and serving a small project ----------------------------------------------------------

@pytest.fixture
def zensical_project(project: MiniProject) -> MiniProject:
    require_zensical()
    shutil.copy(ROOT / "mkdocs.yml", project.root / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", project.root / "docs")
    shutil.copytree(ROOT / "overrides", project.root / "overrides")
    return project


def prepare(project: MiniProject) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "build_tools.zensical_prep", "--snapshots", str(project.snapshots)],
               project.root, PYTHONPATH=str(ROOT))


def test_zensical_lists_the_briefings_in_the_configured_order(zensical_project: MiniProject) -> None:
    """`order` in briefings.toml puts the briefings it names first in Zensical's sidebar too, then the others
    by file name, as under MkDocs."""
    project = zensical_project
    for name in ("alpha", "zulu"):
        project.write(f"briefings/{name}.yaml", BRIEFING_YAML.replace("id: bridge-reopens", f"id: {name}-fact")
                      .replace("title: The bridge", f"title: Briefing {name}"))
    project.write("briefings.toml", '[project]\norder = ["zulu"]\n' + QUIET_CONSISTENCY)
    result = prepare(project)
    assert result.returncode == 0, result.stdout + result.stderr
    settings = (project.root / "build/zensical/mkdocs.yml").read_text(encoding="utf-8")
    listed = [settings.index(f"briefings/{name}.md") for name in ("zulu", "alpha", "bridge")]
    assert listed == sorted(listed), settings


def test_a_failed_zensical_site_build_leaves_the_previous_site(zensical_project: MiniProject) -> None:
    project = zensical_project
    site = [sys.executable, "-m", "build_tools", "site", "--publisher", "zensical", "--root", str(project.root)]
    env = {"BRIEFINGS_SNAPSHOTS": str(project.snapshots), "PYTHONPATH": str(ROOT)}
    first = run(site, project.root, **env)
    assert first.returncode == 0, first.stdout + first.stderr
    page = project.root / "site-zensical/briefings/bridge/index.html"
    before = page.read_bytes()
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("would reopen", "will reopen"))
    failed = run(site, project.root, **env)
    assert failed.returncode == 1
    assert "error CIT003" in failed.stderr and "site-zensical is unchanged" in failed.stderr
    assert page.read_bytes() == before
    assert not [p for p in project.root.iterdir() if p.name.startswith((".zensical-", ".site-zensical-"))]


def test_zensical_build_refuses_stale_or_broken_pages(zensical_project: MiniProject) -> None:
    """`zensical build` run by hand after an edit: Zensical has read the old pages before the extension can
    regenerate them, so the build fails and says so; the next build is current."""
    project = zensical_project
    assert prepare(project).returncode == 0
    config = str(project.root / "build/zensical/mkdocs.yml")
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("the bridge would reopen in May.",
                                                                 "the bridge would reopen in May, they said."))
    stale = run([str(ZENSICAL), "build", "-f", config], project.root)
    assert stale.returncode != 0 and "generated pages were out of date" in stale.stdout + stale.stderr, (
        stale.stdout + stale.stderr + (project.root / "build/zensical/docs/.briefings-inputs").read_text())
    again = run([str(ZENSICAL), "build", "-f", config], project.root)
    assert again.returncode == 0, again.stdout + again.stderr
    built = (project.root / "build/zensical/site/briefings/bridge/index.html").read_text(encoding="utf-8")
    assert "they said" in built
    before = int((project.root / "briefings/bridge.yaml").stat().st_mtime)
    saved = project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("would reopen", "will reopen"))
    _a_later_second(saved, before)
    broken = run([str(ZENSICAL), "build", "-f", config], project.root)
    assert broken.returncode != 0 and "error CIT003" in broken.stdout + broken.stderr


def _a_later_second(path: Path, before: int) -> None:
    """Zensical 0.0.73 keys its build cache on the whole-second mtimes of the watched files: a file saved
    again within the same second looks unchanged to a hand-run `zensical build`, which then renders nothing
    and so never runs the extension (README, "Zensical"; `make site-zensical` regenerates first). The test
    saves as a person does, a second or more after the previous save."""
    if int(path.stat().st_mtime) == before:
        os.utime(path, (before + 1, before + 1))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Served:
    """`zensical serve` on a free local port, stopped at the end of the test."""

    def __init__(self, project: MiniProject) -> None:
        self.port = free_port()
        self.log = project.root / "serve.log"
        self.handle = self.log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [str(ZENSICAL), "serve", "-f", str(project.root / "build/zensical/mkdocs.yml"),
             "-a", f"127.0.0.1:{self.port}"], cwd=project.root, stdout=self.handle, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)})

    def page(self, path: str) -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            return ""

    def wait(self, path: str, shows: Callable[[str], bool], limit: float = 30) -> float:
        """Seconds until the served page satisfies `shows` (the user's view: file saved → page shows it)."""
        started = time.perf_counter()
        while time.perf_counter() - started < limit:
            if shows(self.page(path)):
                return time.perf_counter() - started
            time.sleep(0.05)
        raise AssertionError(f"{path} did not change within {limit} s; log:\n{self.text()}")

    def text(self) -> str:
        self.handle.flush()
        return self.log.read_text(encoding="utf-8")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.handle.close()


@pytest.fixture
def served(zensical_project: MiniProject) -> Iterator[Served]:
    result = prepare(zensical_project)
    assert result.returncode == 0, result.stdout + result.stderr
    server = Served(zensical_project)
    try:
        server.wait("briefings/bridge/", lambda page: "fact-bridge-reopens" in page)
        yield server
    finally:
        server.stop()


def edit(project: MiniProject, old: str, new: str, path: str = "briefings/bridge.yaml") -> None:
    text = (project.root / path).read_text(encoding="utf-8")
    assert old in text
    (project.root / path).write_text(text.replace(old, new), encoding="utf-8")


def test_zensical_serve_shows_every_kind_of_edit(zensical_project: MiniProject, served: Served) -> None:
    project = zensical_project
    seconds: dict[str, float] = {}
    bridge = "briefings/bridge/"

    edit(project, "The minister said the bridge", "The minister SAID the bridge")
    seconds["fact edited"] = served.wait(bridge, lambda page: "minister SAID" in page)

    edit(project, "minister SAID", "minister Said")  # two saves within a second: the second must win
    time.sleep(0.2)
    edit(project, "minister Said", "minister said again")
    seconds["two saves in one second"] = served.wait(bridge, lambda page: "said again" in page)

    project.write("briefings/tunnel.yaml", BRIEFING_YAML.replace("title: The bridge", "title: The tunnel")
                  .replace("id: bridge-reopens", "id: tunnel-opens"))
    seconds["new briefing file"] = served.wait("briefings/tunnel/", lambda page: "The tunnel" in page)

    edit(project, "would reopen in May\"", "would open in May\"")  # a lint error: the last good page stays
    served.wait(bridge, lambda page: True)
    deadline = time.time() + 30
    while "error CIT003" not in served.text() and time.time() < deadline:
        time.sleep(0.1)
    assert "briefings/bridge.yaml:12:20: error CIT003" in served.text()
    time.sleep(1)  # (a watched file changed: Zensical restarts its build, and the page is away meanwhile)
    served.wait(bridge, lambda page: "fact-bridge-reopens" in page)
    assert "minister said again" in served.page(bridge)
    edit(project, "would open in May\"", "would reopen in May\"")
    edit(project, "minister said again", "minister said, fixed,")
    seconds["error fixed"] = served.wait(bridge, lambda page: "said, fixed," in page)

    errors = served.text().count("error CIT003")
    (project.snapshots / "bridge.txt").write_text(SNAPSHOT_TEXT.replace("would reopen", "will reopen"))
    deadline = time.time() + 30  # the snapshot folder lies outside the project, and is watched all the same
    while served.text().count("error CIT00") <= errors and time.time() < deadline:
        time.sleep(0.1)
    assert served.text().count("error CIT00") > errors, served.text()
    (project.snapshots / "bridge.txt").write_text(SNAPSHOT_TEXT)

    method = project.root / "docs/method.md"
    method.write_text(method.read_text(encoding="utf-8") + "\nAn edit of a hand-written page.\n")
    seconds["hand-written page"] = served.wait("method/", lambda page: "An edit of a hand-written page" in page)

    print("\nzensical serve, file saved → page shows it: " +
          ", ".join(f"{what} {value:.2f} s" for what, value in seconds.items()))



def test_prep_refuses_a_hand_written_page_at_a_generated_path(project: MiniProject) -> None:
    shutil.copy(ROOT / "mkdocs.yml", project.root / "mkdocs.yml")
    project.write("docs/timeline.md", "# My own timeline\n")
    result = prepare(project)
    assert result.returncode == 2
    assert result.stderr == ("briefings: configuration error: docs/timeline.md is hand-written but the generator "
                             "owns that path; rename or remove it\n")

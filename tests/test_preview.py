"""The preview never hangs: `mkdocs serve` on a copy of the project, a quote broken and fixed in a real browser.

While the project has errors the server keeps answering with the last good pages and shows the problems
(file:line:col, code, message, fix) above every page; the first clean save brings the new page and removes
the notice. `mkdocs build` still fails on the same error.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from build_tools import preview
from build_tools.problems import Location, Problem, Severity
from tests.conftest import ROOT, MiniProject, chromium, mkdocs_build, require_seeds
from tests.test_site_swap import write_tiny_site_config

ARTIFACTS = ROOT / "tests/artifacts"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _copy_project(target: Path) -> Path:
    """The project's files as git has them (not its build output) in a fresh folder."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, listed.decode("utf-8").split("\0")):
        if (ROOT / rel).is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, target / rel)
    return target


def _get(url: str) -> tuple[int, str, float]:
    """Status, body and seconds taken; a hung request fails the test after 10 s instead of waiting."""
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8"), time.monotonic() - started


class Server:
    def __init__(self, root: Path, snapshots: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.output = ""
        env = {**os.environ, "BRIEFINGS_SNAPSHOTS": str(snapshots), "PYTHONPATH": str(root)}
        self.process = subprocess.Popen([sys.executable, "-m", "build_tools", "serve", "--port", str(self.port)],
                                        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)

    def wait_until_up(self, path: str) -> str:
        deadline = time.monotonic() + 180  # liveness of the first build, not speed
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                return _get(self.url + path)[1]
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise AssertionError(f"mkdocs serve did not come up:\n{self.output}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.output = self.process.communicate(timeout=60)[0]


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def test_a_broken_quote_shows_in_the_browser_and_the_fix_clears_it(browser: Any, tmp_path: Path) -> None:
    seeds = require_seeds()
    root = _copy_project(tmp_path / "project")
    briefing = root / "briefings/contacts.yaml"
    original = briefing.read_text(encoding="utf-8")
    marker = "Biden on March 24 asked Harris"
    assert original.count(f'quote: "{marker}') == 1
    line = next(n for n, text in enumerate(original.splitlines(), 1) if f'quote: "{marker}' in text)
    server = Server(root, seeds)
    try:
        server.wait_until_up("briefings/contacts/")
        page = browser.new_page()
        page.goto(server.url + "briefings/contacts/")
        assert page.locator("#briefings-problems").count() == 0

        # Break the quote and, in the same save, change the fact's text: the text must not show until fixed.
        fact_text = "- id: biden-assigns-harris\n        text: >-\n          "
        assert original.count(fact_text) == 1
        broken = original.replace(f'quote: "{marker}', f'quote: "Yesterday {marker}').replace(
            fact_text, fact_text + "previewed ", 1)  # in lower case: a capitalised word would be a name (FCT008)
        assert "previewed" in broken
        briefing.write_text(broken, encoding="utf-8")
        saved = time.monotonic()
        notice = page.locator("#briefings-problems")
        notice.wait_for(state="visible", timeout=3000)  # the bound: the error is in the page within 3 s
        shown_after = time.monotonic() - saved
        text = notice.inner_text()
        assert f"briefings/contacts.yaml:{line}:" in text and "CIT003" in text, text
        assert "Fix:" in text
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "preview-error.png"))
        print(f"error visible {shown_after:.2f} s after the save")

        # Requests are answered at once, with the last good page and the notice: nothing hangs.
        status, body, seconds = _get(server.url + "briefings/contacts/")
        assert status == 200 and "briefings-problems" in body and "previewed" not in body
        status, body, _ = _get(server.url + "timeline/")
        assert status == 200 and "CIT003" in body
        print(f"a page request while broken took {seconds:.3f} s")

        briefing.write_text(broken.replace(f'quote: "Yesterday {marker}', f'quote: "{marker}'), encoding="utf-8")
        page.wait_for_function("document.querySelector('#fact-biden-assigns-harris + p')?.innerText"
                               ".includes('previewed')", timeout=10_000)
        assert page.locator("#briefings-problems").count() == 0
        assert "briefings-problems" not in _get(server.url + "briefings/contacts/")[1]
        page.close()
    except BaseException:
        server.stop()
        print(f"mkdocs serve said:\n{server.output}")
        raise
    finally:
        server.stop()
    assert "server will appear stuck" not in server.output


def test_a_first_build_with_errors_still_serves(project: MiniProject) -> None:
    """No good build yet (a new project, a broken file): the site comes up with a page that says so."""
    write_tiny_site_config(project)
    project.write("briefings/bridge.yaml", "title: The bridge\nsummary: [unclosed\n")
    server = Server(project.root, project.snapshots)
    try:
        page = server.wait_until_up("")
        assert "has not built cleanly yet" in page
        assert "briefings/bridge.yaml:2:10" in page and "YML001" in page and "is not closed" in page
    finally:
        server.stop()


def test_mkdocs_build_still_fails_on_the_same_error(project: MiniProject, tmp_path: Path) -> None:
    write_tiny_site_config(project)
    project.write("briefings/bridge.yaml", (project.root / "briefings/bridge.yaml").read_text()
                  .replace("the bridge would reopen", "the bridge will reopen"))
    result = mkdocs_build(project.root, tmp_path / "site", project.snapshots)
    assert result.returncode != 0
    assert "CIT003" in result.stderr and "fix them or run `briefings lint`" in result.stderr


def test_the_notice_escapes_what_it_quotes_and_names_the_fix() -> None:
    problem = Problem(Location("briefings/a.yaml", 3, 7), "CIT003", "quote-not-in-snapshot", Severity.ERROR,
                      "quote not found: \"<script>alert(1)</script>\"")
    html = preview.notice_html([problem], warnings=2)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "briefings/a.yaml:3:7" in html and "1 error in the project (and 2 warnings" in html
    assert "Fix: Copy the words from the snapshot" in html


def test_adding_the_missing_snapshot_rebuilds_the_preview(project: MiniProject) -> None:
    """The snapshot folder is watched: the store usually lies outside the project."""
    write_tiny_site_config(project)
    snapshot = project.snapshots / "bridge.txt"
    kept = snapshot.read_bytes()
    snapshot.unlink()
    server = Server(project.root, project.snapshots)
    try:
        assert "CIT002" in server.wait_until_up("")
        snapshot.write_bytes(kept)
        deadline = time.monotonic() + 30  # liveness: the rebuild must come
        page = ""
        while time.monotonic() < deadline:
            page = _get(server.url + "briefings/bridge/")[1] if "CIT002" not in _get(server.url)[1] else ""
            if page:
                break
            time.sleep(0.3)
        assert "The minister said the bridge would reopen in May." in page
    finally:
        server.stop()

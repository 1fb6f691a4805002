"""`make serve` rebuilds only what an edit changes (MkDocs's dirty builds), and serves exactly what a clean build
of the same project serves: after each kind of edit, every file of a clean build is fetched from the running
server and compared byte for byte (the live-reload script the server adds to HTML responses taken out), and a
page whose briefing is gone is gone.

The project is this repository's own site configuration (mkdocs.yml, docs/) around a small project; the server
is `briefings serve`, what `make serve` runs. The clean build is `mkdocs build` of a copy of the project with
the server's address as `site_url`, which is all `mkdocs serve` changes in the configuration.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest

from benchmarks.serve import free_port
from build_tools.live_serve import _environment
from tests.conftest import BRIEFING_YAML, ROOT, SOURCE_YAML, MiniProject

EPOCH = "1700000000"  # SOURCE_DATE_EPOCH: the build date in pages and the sitemap's gzip header
LIVERELOAD = re.compile(rb"<script>\nvar livereload = function\(epoch, requestId\) \{.*?</script>(?=</body>)", re.S)
SECOND_BRIEFING = BRIEFING_YAML.replace("title: The bridge", "title: Tolls").replace("bridge-reopens", "bridge-tolls")


def site_config(project: MiniProject) -> None:
    """This repository's mkdocs.yml, docs/ and theme overrides, with paths made to work from the project."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("build_tools/mkdocs_hook.py", str(ROOT / "build_tools/mkdocs_hook.py"))
    config = config.replace("\n  - build_tools\n", f"\n  - {ROOT / 'build_tools'}\n")
    (project.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    project.write("briefings.toml", '[project]\ntitle = "Live"\n')
    for folder in ("docs", "overrides"):  # the pages and the theme overrides mkdocs.yml names
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, project.root / folder, dirs_exist_ok=True)


def environment(project: MiniProject) -> dict[str, str]:
    return {**os.environ, "BRIEFINGS_SNAPSHOTS": str(project.snapshots), "SOURCE_DATE_EPOCH": EPOCH,
            "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def wait_for(url: str, wanted: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120  # liveness, not speed
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            page = fetch(url)
        except OSError:
            page = None
        if page is not None and wanted.encode() in page:
            return
        time.sleep(0.2)
    pytest.fail(f"{url} never showed {wanted!r}")


def wait_until_gone(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while fetch(url) is not None:
        assert process.poll() is None and time.monotonic() < deadline, f"{url} is still served"
        time.sleep(0.2)


@pytest.fixture
def served(project: MiniProject) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    site_config(project)
    project.write("briefings/tolls.yaml", SECOND_BRIEFING)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "build_tools", "serve", "--port", str(port)], cwd=project.root,
                               env=environment(project), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base + "briefings/bridge/", "The minister said", process)
        yield base, process
    finally:
        process.terminate()
        _, err = process.communicate(timeout=60)
        print(err[-5000:])


def clean_build(project: MiniProject, base: str, tmp_path: Path) -> Path:
    """A clean `mkdocs build` of a copy of the project, with the server's address as `site_url`."""
    copy = tmp_path / "reference"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project.root, copy, ignore=shutil.ignore_patterns("build", "site"))
    config = (copy / "mkdocs.yml").read_text(encoding="utf-8")
    (copy / "mkdocs.yml").write_text(f"{config}\nsite_url: {base}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(copy / "site")], cwd=copy,
                            env=environment(project), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return copy / "site"


def assert_serves_the_clean_build(project: MiniProject, base: str, tmp_path: Path, gone: tuple[str, ...] = ()) -> None:
    """Once settled: the server writes the exports and the search index after the changed pages are served (a
    thread of its own), so the comparison is made again until it holds (a liveness limit, not a timing)."""
    reference = clean_build(project, base, tmp_path)
    files = sorted(p for p in reference.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert len(files) > 50  # the whole site is compared: theme assets, pages, search index, sitemap, data
    deadline = time.monotonic() + 120
    while True:
        different = served_differently(base, reference, files)
        if not different or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert different == [], f"served differently from a clean build: {different[:20]}"
    for rel in gone:
        assert fetch(base + rel) is None, f"{rel} is still served"


def served_differently(base: str, reference: Path, files: list[Path]) -> list[str]:
    different = []
    for path in files:
        rel = path.relative_to(reference).as_posix()
        served = fetch(base + rel)
        if served is not None and rel.endswith(".html"):
            served = LIVERELOAD.sub(b"", served, count=1)
        if served != path.read_bytes():
            different.append(rel)
    return different


def edit(project: MiniProject, rel: str, old: str, new: str) -> None:
    path = project.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


NEW_FACT = """\
      - id: bridge-tolls-later
        text: The city said tolls would follow the reopening.
        date: 2024-03-04
        citations:
          - source: city-herald-2024
            quote: "Officials counted 1,204 vehicles on the first day"
"""

NEW_SNAPSHOT = "The ferry operator said on Friday that the crossing would close for a week.\n"


def test_each_kind_of_edit_serves_what_a_clean_build_serves(project: MiniProject, served: tuple[str, subprocess.Popen[
        str]], tmp_path: Path) -> None:
    base, process = served
    assert_serves_the_clean_build(project, base, tmp_path)

    edit(project, "briefings/tolls.yaml", "The minister said the bridge", "The mayor said the bridge")  # fact text
    wait_for(base + "briefings/tolls/", "The mayor said", process)
    assert_serves_the_clean_build(project, base, tmp_path)
    # The exports are put in the site as the generated files themselves (hard links), not copies.
    site, pages = project.root / "build/serve/site", project.root / "build/pages"
    assert os.path.samefile(site / "data/briefings.json", pages / "data/briefings.json")

    # Edits in quick succession: each build stops what the one before left for later (the exports, the search
    # index) and writes it again itself.
    for number in range(3):
        again = " again" * number
        edit(project, "briefings/tolls.yaml", f"The mayor{again} said", f"The mayor again{again} said")
        time.sleep(0.1 * number)
    wait_for(base + "briefings/tolls/", "The mayor again again again said", process)
    assert_serves_the_clean_build(project, base, tmp_path)

    (project.root / "briefings/tolls.yaml").write_text(  # a fact added
        (project.root / "briefings/tolls.yaml").read_text(encoding="utf-8") + NEW_FACT, encoding="utf-8")
    wait_for(base + "briefings/tolls/", "tolls would follow", process)
    assert_serves_the_clean_build(project, base, tmp_path)

    edit(project, "sources/city-herald-2024.yaml", "outlet: City Herald", "outlet: City Courier")  # source metadata
    wait_for(base + "briefings/bridge/", "City Courier", process)
    assert_serves_the_clean_build(project, base, tmp_path)

    edit(project, "briefings/tolls.yaml", "title: Tolls", "title: Bridge tolls")  # a briefing retitled: navigation
    wait_for(base + "briefings/bridge/", "Bridge tolls", process)
    assert_serves_the_clean_build(project, base, tmp_path)

    # A snapshot added: first cited before it is in the store (the build stops, the site stays as it was), then
    # stored (a folder the server watches).
    source = SOURCE_YAML.replace("Bridge to reopen in May", "Ferry to close").replace("bridge.txt", "ferry.txt")
    source = re.sub("sha256: [0-9a-f]{64}", f"sha256: {hashlib.sha256(NEW_SNAPSHOT.encode()).hexdigest()}", source)
    project.write("sources/ferry-2024.yaml", source.replace("https://example.org/bridge", "https://example.org/ferry"))
    (project.root / "briefings/tolls.yaml").write_text(
        (project.root / "briefings/tolls.yaml").read_text(encoding="utf-8") + NEW_FACT.replace(
            "bridge-tolls-later", "ferry-closes").replace("city-herald-2024", "ferry-2024").replace(
            "Officials counted 1,204 vehicles on the first day", "the crossing would close for a week").replace(
            "The city said tolls would follow the reopening.", "The operator said the ferry would close."),
        encoding="utf-8")
    time.sleep(2)
    (project.snapshots / "ferry.txt").write_text(NEW_SNAPSHOT, encoding="utf-8")
    wait_for(base + "briefings/tolls/", "the ferry would close", process)
    assert_serves_the_clean_build(project, base, tmp_path)

    (project.root / "briefings/bridge.yaml").unlink()  # a briefing removed: its page is gone
    wait_until_gone(base + "briefings/bridge/", process)
    assert_serves_the_clean_build(project, base, tmp_path, gone=("briefings/bridge/",))


# --- restarts: the site is kept in build/serve/site between runs --------------------------------------------

FULL = "every page is built again"  # what the hook logs when a build renders every page


class Run:
    """One `briefings serve` process on `port`, its messages in a file."""

    started: ClassVar[list[subprocess.Popen[bytes]]] = []  # by the test running: killed when it ends, however it ends

    def __init__(self, project: MiniProject, port: int, log: Path) -> None:
        self.log = log
        with log.open("w", encoding="utf-8") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "build_tools", "serve", "--port", str(port)],
                                            cwd=project.root, env=environment(project), stdout=out, stderr=out)
        Run.started.append(self.process)

    def stop(self, signal_number: int = signal.SIGINT) -> None:
        """Ctrl-C, as a user stops it (or another signal)."""
        self.process.send_signal(signal_number)
        assert self.process.wait(timeout=120) in (0, -signal.SIGKILL), self.said()

    def said(self) -> str:
        return self.log.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def no_server_left() -> Iterator[None]:
    yield
    while Run.started:
        process = Run.started.pop()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)


def restart(project: MiniProject, base: str, tmp_path: Path, page: str, wanted: str, number: int) -> Run:
    run = Run(project, int(base.rsplit(":", 1)[1].strip("/")), tmp_path / f"serve-{number}.log")
    try:
        wait_for(base + page, wanted, run.process)  # type: ignore[arg-type]
    except BaseException:
        print(run.said()[-5000:])
        raise
    return run


def test_each_kind_of_change_made_while_stopped_serves_a_clean_build_after_restart(project: MiniProject,
                                                                                    tmp_path: Path) -> None:
    site_config(project)
    project.write("briefings/tolls.yaml", SECOND_BRIEFING)
    base = f"http://127.0.0.1:{free_port()}/"
    run = restart(project, base, tmp_path, "briefings/bridge/", "The minister said", 0)
    assert (project.root / "build/serve/site/.briefings-site").is_file()
    assert_serves_the_clean_build(project, base, tmp_path)

    def fact_added() -> None:
        path = project.root / "briefings/tolls.yaml"
        path.write_text(path.read_text(encoding="utf-8") + NEW_FACT, encoding="utf-8")

    def snapshot_added() -> None:
        source = SOURCE_YAML.replace("Bridge to reopen in May", "Ferry to close").replace("bridge.txt", "ferry.txt")
        source = re.sub("sha256: [0-9a-f]{64}", f"sha256: {hashlib.sha256(NEW_SNAPSHOT.encode()).hexdigest()}",
                        source)
        project.write("sources/ferry-2024.yaml", source.replace("https://example.org/bridge",
                                                                "https://example.org/ferry"))
        path = project.root / "briefings/tolls.yaml"
        fact = NEW_FACT.replace("bridge-tolls-later", "ferry-closes").replace("city-herald-2024", "ferry-2024")
        fact = fact.replace("Officials counted 1,204 vehicles on the first day", "the crossing would close for a week")
        fact = fact.replace("The city said tolls would follow the reopening.",
                            "The operator said the ferry would close.")
        path.write_text(path.read_text(encoding="utf-8") + fact, encoding="utf-8")
        (project.snapshots / "ferry.txt").write_text(NEW_SNAPSHOT, encoding="utf-8")

    def theme_changed() -> None:
        edit(project, "overrides/main.html", "{{ super() }}", "{{ super() }}<!-- a comment -->")

    def config_changed() -> None:
        edit(project, "mkdocs.yml", "site_name: Sourced Briefings", "site_name: Sourced Briefings, live")

    changes: list[tuple[Callable[[], None], str, str, bool]] = [  # (what, the page and text that show it, whether
        # every page must be built again)
        (lambda: edit(project, "briefings/tolls.yaml", "The minister said the bridge", "The mayor said the bridge"),
         "briefings/tolls/", "The mayor said", False),
        (fact_added, "briefings/tolls/", "tolls would follow", False),
        (lambda: edit(project, "sources/city-herald-2024.yaml", "outlet: City Herald", "outlet: City Courier"),
         "briefings/bridge/", "City Courier", False),
        (lambda: edit(project, "briefings/tolls.yaml", "title: Tolls", "title: Bridge tolls"),
         "briefings/bridge/", "Bridge tolls", True),  # the navigation of every page
        (snapshot_added, "briefings/tolls/", "the ferry would close", True),  # a new source page
        (theme_changed, "briefings/tolls/", "a comment", True),
        (config_changed, "briefings/tolls/", "Sourced Briefings, live", True),
    ]
    for number, (change, page, wanted, full) in enumerate(changes, start=1):
        run.stop()
        assert (project.root / "build/serve/state.json").is_file(), run.said()[-3000:]
        change()
        run = restart(project, base, tmp_path, page, wanted, number)
        assert_serves_the_clean_build(project, base, tmp_path)
        assert (FULL in run.said()) == full, (number, run.said()[-3000:])
    run.stop()


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_a_server_stopped_as_soon_as_an_edit_is_served_is_repaired_by_its_restart(
        project: MiniProject, tmp_path: Path, signal_number: int) -> None:
    """Stopped as soon as the edited page is served, the server may not have written the exports and the search
    index yet (they are written after the page, `live_serve.Later`): what it keeps, its next start completes."""
    site_config(project)
    base = f"http://127.0.0.1:{free_port()}/"
    run = restart(project, base, tmp_path, "briefings/bridge/", "The minister said", 0)
    for number, word in enumerate(("again", "anew", "still"), start=1):
        edit(project, "briefings/bridge.yaml", "bridge would reopen in May.", f"bridge would reopen in May ({word}).")
        try:
            wait_for(base + "briefings/bridge/", f"in May ({word})", run.process)  # type: ignore[arg-type]
        except BaseException:
            print(run.said()[-5000:])
            raise
        run.stop(signal_number)
        assert (project.root / "build/serve/state.json").is_file(), run.said()[-3000:]
        edit(project, "briefings/bridge.yaml", f"bridge would reopen in May ({word}).", "bridge would reopen in May.")
        run = restart(project, base, tmp_path, "briefings/bridge/", "bridge would reopen in May.", number)
        assert FULL not in run.said()
        assert_serves_the_clean_build(project, base, tmp_path)
    run.stop()


def test_a_killed_server_leaves_nothing_a_restart_trusts(project: MiniProject, tmp_path: Path) -> None:
    """The state is removed when a run starts and saved only when it stops after a complete build: a server
    killed (here while idle, the same for one killed mid-build) leaves none, and its restart builds every page.
    A damaged state is none either."""
    site_config(project)
    base = f"http://127.0.0.1:{free_port()}/"
    run = restart(project, base, tmp_path, "briefings/bridge/", "The minister said", 0)
    assert not (project.root / "build/serve/state.json").exists()  # taken when the run started
    run.stop(signal.SIGKILL)
    assert not (project.root / "build/serve/state.json").exists()
    edit(project, "briefings/bridge.yaml", "The minister said the bridge", "The mayor said the bridge")
    run = restart(project, base, tmp_path, "briefings/bridge/", "The mayor said", 1)
    assert FULL in run.said()
    assert_serves_the_clean_build(project, base, tmp_path)
    run.stop()
    state = project.root / "build/serve/state.json"
    state.write_bytes(state.read_bytes()[:-100])  # cut short
    run = restart(project, base, tmp_path, "briefings/bridge/", "The mayor said", 2)
    assert FULL in run.said()
    run.stop()


def test_a_site_folder_that_is_not_ours_is_refused(project: MiniProject) -> None:
    site_config(project)
    (project.root / "build/serve/site").mkdir(parents=True)
    (project.root / "build/serve/site/notes.txt").write_text("mine", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "build_tools", "serve", "--port", str(free_port())],
                          cwd=project.root, env=environment(project), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "build/serve/site" in done.stderr and "holds no .briefings-site" in done.stderr, done.stderr
    assert (project.root / "build/serve/site/notes.txt").read_text(encoding="utf-8") == "mine"


def test_an_environment_variable_the_configuration_names_is_part_of_the_shape(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """`!ENV` values change the build without any file changing: a restart with another value builds all."""
    config = tmp_path / "mkdocs.yml"
    config.write_text("plugins:\n  - offline:\n      enabled: !ENV [OFFLINE, false]\n", encoding="utf-8")
    named = SimpleNamespace(config_file_path=str(config))
    monkeypatch.delenv("OFFLINE", raising=False)
    before = _environment(named)  # type: ignore[arg-type]
    monkeypatch.setenv("SOMETHING_ELSE", "1")
    assert _environment(named) == before  # type: ignore[arg-type]
    monkeypatch.setenv("OFFLINE", "true")
    assert _environment(named) != before  # type: ignore[arg-type]


def test_an_idle_server_does_not_build_again(project: MiniProject, tmp_path: Path) -> None:
    """A build reads every watched file, and the operating system's notifications report a file opened or
    closed unwritten too: only a change may start a build, or the server builds for ever."""
    site_config(project)
    base = f"http://127.0.0.1:{free_port()}/"
    run = restart(project, base, tmp_path, "briefings/bridge/", "The minister said", 0)
    assert_serves_the_clean_build(project, base, tmp_path)  # reads pages, and builds a copy of the project
    time.sleep(3)  # a build a stray event started has begun by now
    builds = run.said().count("Building documentation")
    time.sleep(3)
    assert run.said().count("Building documentation") == builds, run.said()[-3000:]
    run.stop()


def test_a_second_server_builds_in_a_folder_of_its_own(project: MiniProject, tmp_path: Path) -> None:
    """Two servers of one project (on two ports) do not share the kept site: the second builds everything in a
    temporary folder, as `mkdocs serve` does, and leaves the kept one to the first."""
    site_config(project)
    first = restart(project, f"http://127.0.0.1:{free_port()}/", tmp_path, "briefings/bridge/", "The minister said", 0)
    base = f"http://127.0.0.1:{free_port()}/"
    second = restart(project, base, tmp_path, "briefings/bridge/", "The minister said", 1)
    assert "another `briefings serve` uses build/serve/site" in second.said()
    assert_serves_the_clean_build(project, base, tmp_path)
    second.stop()
    first.stop()
    assert (project.root / "build/serve/state.json").is_file()  # the first one's, saved when it stopped

"""Attacks on `mkdocs build` with the second process started before the project is loaded (`background.py`):
the rules' problems (many, errors that break a page, warnings only under --strict), load errors, the build's
process killed or interrupted in each of the child's phases, configurations, and the exports (non-ASCII text
written in pieces, unchanged files, the site's copies). Each compares with what one process
(`BRIEFINGS_ONE_PROCESS=1`) and `briefings lint` give, and checks the previous output is left whole.

The builds run `mkdocs build` in a process of their own: this file, run as a program, applies one of the faults
below (`FAULTS`) and runs MkDocs's command line.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run as a program: the repository's modules importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pytest

from build_tools import background, export, lint, site
from tests import test_attack_background
from tests.conftest import BRIEFING_YAML, SNAPSHOT_TEXT, MiniProject
from tests.test_attack_background import BUILDING, _descendants, _environment, _files, _temporary

tiny = test_attack_background.tiny  # the fixture: the small project with a site configuration and several pages
PATCH = pytest.MonkeyPatch()  # used only when this file runs as a program
MARK = "ATTACK_MARK"  # a file the child creates when it reaches the slow step (then sleeps 60 s)


def _slow(real: Callable[..., Any]) -> Callable[..., Any]:
    def slow(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != PARENT:
            Path(os.environ[MARK]).touch()
            time.sleep(60)
        return real(*args, **kwargs)
    return slow


def _slow_load() -> None:
    PATCH.setattr(background, "load_for_lint", _slow(lint.load_for_lint))


def _slow_pages() -> None:
    from build_tools.render import pages

    PATCH.setattr(pages, "render_source", _slow(pages.render_source))


def _slow_exports() -> None:
    """The child has staged every page and run the rules: it is making the exports."""
    PATCH.setattr(site, "csl_json", _slow(export.csl_json))


def _slow_renames() -> None:
    """The child renaming its staged files into place slowly (the third takes two seconds)."""
    real, count = os.replace, [0]

    def slow(source: Any, target: Any) -> None:
        count[0] += ".generating-" in str(source)  # a staged file renamed into place
        if os.getpid() != PARENT and count[0] == 3:
            Path(os.environ[MARK]).touch()
            time.sleep(2)
        real(source, target)

    PATCH.setattr(os, "replace", slow)


def _slow_copy() -> None:
    """The child copying the exports into the site slowly (its output renamed into place already)."""
    import shutil

    real = shutil.copyfile

    def slow(source: Any, target: Any, **kwargs: Any) -> Any:
        if os.getpid() != PARENT and "/build/pages/" in str(source):
            Path(os.environ[MARK]).touch()
            time.sleep(60)
        return real(source, target, **kwargs)

    PATCH.setattr(shutil, "copyfile", slow)


def _small_pipe() -> None:
    """The pipe at its smallest (a page): the rules' message is many times larger."""
    PATCH.setattr(background, "PIPE_SIZE", 4096)


def _small_pieces() -> None:
    """The exports encoded and compared a few characters at a time (pieces cut anywhere)."""
    PATCH.setattr(site, "_PIECE", 7)


PARENT = os.getpid()
FAULTS: dict[str, Callable[[], None]] = {
    "none": lambda: None,
    "slow-load": _slow_load,
    "slow-pages": _slow_pages,
    "slow-exports": _slow_exports,
    "slow-renames": _slow_renames,
    "slow-copy": _slow_copy,
    "small-pipe": _small_pipe,
    "small-pieces": _small_pieces,
}
ONE = {background.OFF: "1"}


def _command(fault: str, site_dir: Path, *more: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), fault, "build", "--strict", "--site-dir", str(site_dir),
            *more]


def _build(project: MiniProject, site_dir: Path, fault: str = "none", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(fault, site_dir), cwd=project.root, env=_environment(project, **env), text=True,
                          capture_output=True, timeout=300)


def _said(stderr: str) -> list[str]:
    """What a build said but for the lines that differ by design between one process and two (timings, the
    second process starting, the rules' summary logged once more at INFO)."""
    return [line for line in stderr.splitlines()
            if not any(part in line for part in ("Documentation built", "generated files", "Building documentation",
                                                  "Cleaning site", "the rules run by the second process"))
            and not line.startswith("INFO    -  0 errors")]


def _lint(project: MiniProject) -> subprocess.CompletedProcess[str]:
    briefings = Path(sys.executable).parent / "briefings"
    return subprocess.run([str(briefings), "lint"], cwd=project.root, env=_environment(project), text=True,
                          capture_output=True, timeout=300)


def _edit(project: MiniProject, word: str = "he said") -> None:
    path = project.root / "briefings/bridge.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("would reopen in May.", f"would reopen in May, {word}.",
                                                             1), encoding="utf-8")


def _short_quotes(count: int) -> str:
    return "".join(f"""
      - id: short-{n}
        text: The minister said the bridge would reopen.
        date: 2024-03-04
        citations:
          - source: city-herald-2024
            quote: "the bridge"
""" for n in range(count))


# --- the rules' problems --------------------------------------------------------------------------------------

RULE_CASES: dict[str, tuple[str, Callable[[str], str], int]] = {
    # a fact citing an unknown source: rendering a page fails in the child (MkDocs said "Error reading page
    # 'sources/city-herald-2024.md':" before the rules' lines)
    "unknown-source": ("briefings/other.yaml", lambda text: text.replace("source: city-herald-2024",
                                                                          "source: nowhere-2024"), 1),
    "quote-not-in-snapshot": ("briefings/other.yaml", lambda text: text.replace(
        '"the bridge would reopen in May"', '"the bridge would never reopen"'), 1),
    # 300 warnings: the rules' message is many times the pipe (made a page long); --strict passes
    "warnings-only": ("briefings/other.yaml", lambda text: text + _short_quotes(300), 0),
    "warnings-and-an-error-in-a-source": ("sources/city-herald-2024.yaml",
                                          lambda text: text + "derived_from: [ghost-2024]\n", 1),
    "a-waived-warning": ("briefings/other.yaml", lambda text: text.replace(
        '"the bridge would reopen in May"',
        '"the bridge"\n        lint: {ignore: [CIT009], reason: The short quote is enough here.}'), 0),
}


@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_the_rules_problems_are_the_lines_and_status_of_one_process_and_of_the_lint(tiny: MiniProject,
                                                                                   tmp_path: Path, case: str) -> None:
    rel, change, status = RULE_CASES[case]
    if case == "warnings-and-an-error-in-a-source":
        tiny.write("briefings/bridge.yaml", (tiny.root / "briefings/bridge.yaml").read_text(encoding="utf-8")
                   + _short_quotes(20))
    path = tiny.root / rel
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    two = _build(tiny, tmp_path / "two", "small-pipe")
    one = _build(tiny, tmp_path / "one", **ONE)
    linted = _lint(tiny)
    assert BUILDING in two.stderr, two.stderr
    assert (two.returncode, one.returncode, linted.returncode) == (status, status, status), (two.stderr, linted.stdout)
    assert "Traceback" not in two.stderr and "WARNING" not in two.stderr, two.stderr
    assert sorted(_said(two.stderr)) == sorted(_said(one.stderr))
    problems = [line.split("-  ", 1)[1] for line in _said(two.stderr) if " error " in line or " warning " in line]
    assert problems == [line for line in linted.stdout.splitlines() if " error " in line or " warning " in line]
    assert problems or case == "a-waived-warning"
    assert _temporary(tiny.root / "build/pages") == []


@pytest.mark.parametrize("rules", ["pass", "fail"])
def test_mkdocs_warnings_about_the_pages_come_after_the_rules_and_never_with_their_errors(
        tiny: MiniProject, tmp_path: Path, rules: str) -> None:
    """Pages linking to a hand-written page that is missing: one process says MkDocs's warnings after the rules'
    lines, and none when the rules find errors (MkDocs reads no page); two processes said them first, and with
    the errors (17 warnings before the rules' error)."""
    (tiny.root / "docs/method.md").unlink()
    if rules == "fail":
        path = tiny.root / "briefings/other.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace('"the bridge would reopen in May"',
                                                                 '"the bridge would never reopen"'), encoding="utf-8")
    two = _build(tiny, tmp_path / "two")
    one = _build(tiny, tmp_path / "one", **ONE)
    assert two.returncode == one.returncode == 1
    assert BUILDING in two.stderr, two.stderr
    assert _said(two.stderr) == _said(one.stderr)  # in the same order
    assert ("WARNING" in two.stderr) == (rules == "pass"), two.stderr


# --- load errors ----------------------------------------------------------------------------------------------

LOAD_CASES: dict[str, tuple[str, str | None]] = {
    "yaml-syntax": ("briefings/other.yaml", "title: [oops\n"),
    "duplicate-key": ("briefings/other.yaml", BRIEFING_YAML.replace("summary:", "title: Again\nsummary:")),
    "wrong-type": ("briefings/other.yaml", BRIEFING_YAML.replace("summary: What the city said about the bridge.",
                                                                  "summary: [1, 2]")),
    "fifo": ("briefings/fifo.yaml", None),
    "no-snapshot-store": ("", None),
    "bad-toml": ("briefings.toml", "[lint\n"),
}


@pytest.mark.parametrize("case", sorted(LOAD_CASES))
def test_a_load_error_is_the_lines_of_one_process_and_leaves_the_pages_and_the_site(tiny: MiniProject,
                                                                                   tmp_path: Path, case: str) -> None:
    """Through `mkdocs build` (two processes and one) and `briefings site`: the same lines, exit 1, no traceback,
    no MkDocs warning about pages it was promised; the previous pages and site as they were."""
    briefings = str(Path(sys.executable).parent / "briefings")
    published = tiny.root / "site"
    first = subprocess.run([briefings, "site"], cwd=tiny.root, env=_environment(tiny), text=True,
                           capture_output=True, timeout=300)
    assert first.returncode == 0, first.stderr
    pages, site_files = _files(tiny.root / "build/pages"), _files(published)
    rel, content = LOAD_CASES[case]
    env: dict[str, str] = {}
    if case == "fifo":
        os.mkfifo(tiny.root / rel)
    elif case == "no-snapshot-store":
        env = {"BRIEFINGS_SNAPSHOTS": str(tmp_path / "nowhere")}
    else:
        assert content is not None
        tiny.write(rel, content)
    two = _build(tiny, tmp_path / "two", **env)
    one = _build(tiny, tmp_path / "one", **ONE, **env)
    for result in (two, one):
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and "WARNING" not in result.stderr, result.stderr
        assert "Error reading page" not in result.stderr, result.stderr
    assert sorted(_said(two.stderr)) == sorted(_said(one.stderr))
    errors = [line for line in two.stderr.splitlines() if line.startswith("ERROR")]
    assert errors[-1].startswith("ERROR   -  briefings:")
    again = subprocess.run([briefings, "site"], cwd=tiny.root, env=_environment(tiny, **env), text=True,
                           capture_output=True, timeout=300)
    linted = _lint(tiny) if not env else None
    status = linted.returncode if linted is not None else 1  # 2 for a configuration that does not read, as the lint
    assert again.returncode == status and "Traceback" not in again.stderr + again.stdout, again.stderr
    assert _files(tiny.root / "build/pages") == pages
    assert _files(published) == site_files
    assert _temporary(tiny.root / "build/pages") == []


# --- the build's process killed or interrupted ----------------------------------------------------------------

def _gone(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds  # liveness, not speed: the child would sleep 60 s
    while time.monotonic() < deadline:
        alive = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.append(pid)
        if not alive:
            return True
        time.sleep(0.05)
    return False


def _stopped(project: MiniProject, tmp_path: Path, fault: str, how: str) -> str:
    """A build with `fault` stopped once its child reaches the slow step: its process killed (`how`, a signal's
    name), or the whole build interrupted or killed ("SIGINT-group": Ctrl-C; "SIGKILL-group"). Checks that it
    failed and that its child is gone; what it said."""
    mark = tmp_path / "mark"
    log = tmp_path / "build.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(_command(fault, tmp_path / "site"), cwd=project.root,
                                   env=_environment(project, **{MARK: str(mark)}), stdout=out, stderr=out,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not mark.exists():
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.05)
        children = _descendants(process.pid)
        assert len(children) == 1
        if how.endswith("-group"):  # SIGINT-group: Ctrl-C; SIGKILL-group: a CI job cancelled
            os.killpg(process.pid, getattr(signal, how.removesuffix("-group")))
        else:
            process.send_signal(getattr(signal, how))
        assert process.wait(timeout=30) != 0
        assert _gone(children, 20), f"the child of a {how} build ({fault}) went on"
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return log.read_text(encoding="utf-8")


@pytest.mark.parametrize(("phase", "how"), [
    ("load", "SIGKILL"), ("pages", "SIGKILL"), ("exports", "SIGKILL"),
    ("load", "SIGTERM"), ("exports", "SIGTERM"),
    ("load", "SIGINT-group"), ("exports", "SIGINT-group"),
])
def test_the_build_killed_or_interrupted_in_each_phase_leaves_no_child_and_the_previous_pages(
        tiny: MiniProject, tmp_path: Path, phase: str, how: str) -> None:
    """The build's process killed (SIGKILL, SIGTERM: it runs no clean-up) or the whole build interrupted (Ctrl-C
    sends SIGINT to the process group) while the child loads, makes a page, or makes the exports (its pages
    staged): the child stops (it went on for the whole site, then ran the rules, with nobody to tell), its
    staging folder goes, the previous pages stay, and the next build is whole."""
    assert _build(tiny, tmp_path / "site-0").returncode == 0
    _edit(tiny)
    before = _files(tiny.root / "build/pages")
    assert "Traceback" not in _stopped(tiny, tmp_path, f"slow-{phase}", how)
    assert _files(tiny.root / "build/pages") == before
    assert _temporary(tiny.root / "build/pages") == []
    good = _build(tiny, tmp_path / "site-good")
    assert good.returncode == 0, good.stderr
    assert "he said" in (tmp_path / "site-good/briefings/bridge/index.html").read_text(encoding="utf-8")
    assert _temporary(tiny.root / "build/pages") == []


def test_a_build_interrupted_while_the_child_renames_its_files_into_place_leaves_a_whole_output(
        tiny: MiniProject, tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the process group) once the child has staged every file and is renaming them into
    place: the output is the previous one or the new one, whole, never a mix of the two (it was: two pages new,
    the others old, the manifest old)."""
    assert _build(tiny, tmp_path / "site-0").returncode == 0
    before = _files(tiny.root / "build/pages")
    for rel in ("briefings/bridge.yaml", "briefings/other.yaml"):  # every briefing page, timeline page, export
        path = tiny.root / rel
        path.write_text(path.read_text(encoding="utf-8").replace("The minister said", "The new minister said"),
                        encoding="utf-8")
    _stopped(tiny, tmp_path, "slow-renames", "SIGINT-group")
    interrupted = _files(tiny.root / "build/pages")
    assert _temporary(tiny.root / "build/pages") == []
    assert _build(tiny, tmp_path / "site-good", **ONE).returncode == 0
    assert interrupted in (before, _files(tiny.root / "build/pages"))


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT-group"])
def test_a_build_stopped_while_the_child_copies_the_exports_into_the_site_leaves_the_new_output_whole(
        tiny: MiniProject, tmp_path: Path, how: str) -> None:
    """The child copies the exports into the site itself once its output is in place (`copy_into`): the build
    killed or interrupted then stops it (no process left, no staging folder), and the output is the new one,
    whole, as one process makes it."""
    assert _build(tiny, tmp_path / "site-0").returncode == 0
    _edit(tiny)
    assert "Traceback" not in _stopped(tiny, tmp_path, "slow-copy", how)
    assert _temporary(tiny.root / "build/pages") == []
    interrupted = _files(tiny.root / "build/pages")
    assert b"he said" in interrupted["briefings/bridge.md"]
    one = _build(tiny, tmp_path / "site-one", **ONE)
    assert one.returncode == 0, one.stderr
    assert _files(tiny.root / "build/pages") == interrupted


# A hook after ours that publishes one export elsewhere, and drops another: MkDocs puts each where it says, so the
# second process, which would copy each to its own path, must not.
MOVING_HOOK = """
from mkdocs.plugins import event_priority


@event_priority(-50)
def on_files(files, config):
    moved = files.get_file_from_path("data/briefings.json")
    moved.dest_uri = "data/moved.json"
    files.remove(files.get_file_from_path("data/sources.csl.json"))
    return files
"""


@pytest.mark.parametrize("moving", [False, True])
def test_the_exports_in_the_site_are_those_mkdocs_would_copy_where_it_would_copy_them(
        tiny: MiniProject, tmp_path: Path, moving: bool) -> None:
    """The child copies the exports into the site (its log says how long it took), byte for byte the site of one
    process; when another plugin moved or dropped one, the build copies each itself, where MkDocs says."""
    if moving:
        tiny.write("moving_hook.py", MOVING_HOOK)
        config = tiny.root / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("hooks:\n", "hooks:\n  - moving_hook.py\n"),
                          encoding="utf-8")
    two = _build(tiny, tmp_path / "two")
    one = _build(tiny, tmp_path / "one", **ONE)
    assert two.returncode == one.returncode == 0, two.stderr + one.stderr
    assert BUILDING in two.stderr
    assert (" copy " in two.stderr) is not moving, two.stderr
    published = _files(tmp_path / "two")
    assert published == _files(tmp_path / "one")
    assert ("data/moved.json" in published) is moving
    assert ("data/sources.csl.json" in published) is not moving
    assert ("data/briefings.json" in published) is not moving


# A hook that leaves a file where the exports' folder goes in the site, once the site is clean: no export can be
# copied there (as on a full disk).
BLOCKING_HOOK = """
import os
from mkdocs.plugins import event_priority


@event_priority(-50)
def on_nav(nav, config, files):
    os.makedirs(config.site_dir, exist_ok=True)
    with open(os.path.join(config.site_dir, "data"), "w") as blocking:
        blocking.write("in the way")
    return nav
"""


@pytest.mark.parametrize("env", [{}, ONE], ids=["two", "one"])
def test_an_export_that_cannot_be_copied_into_the_site_is_one_line(tiny: MiniProject, tmp_path: Path,
                                                                      env: dict[str, str]) -> None:
    """The copy into the site fails (here a folder is in the way; a full disk alike): the build stops with one
    line naming the file, no traceback, and no process is left."""
    tiny.write("blocking_hook.py", BLOCKING_HOOK)
    config = tiny.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("hooks:\n", "hooks:\n  - blocking_hook.py\n"),
                      encoding="utf-8")
    built = _build(tiny, tmp_path / "site", **env)
    assert built.returncode == 1, built.stderr
    assert "Traceback" not in built.stderr
    assert "briefings: a file could not be read or written:" in built.stderr
    assert "/data" in built.stderr
    assert _temporary(tiny.root / "build/pages") == []


def test_what_a_build_killed_whole_staged_is_removed_by_the_next(tiny: MiniProject, tmp_path: Path) -> None:
    """SIGKILL to both processes (a CI job cancelled) once the child has staged every page: neither can remove
    its staging folder (up to the whole output's size), which stayed in build/pages for good. The next build
    removes it, and leaves a staging folder of a build still running, and any other file, as they are."""
    assert _build(tiny, tmp_path / "site-0").returncode == 0
    _edit(tiny)
    before = _files(tiny.root / "build/pages")
    _stopped(tiny, tmp_path, "slow-exports", "SIGKILL-group")
    out_dir = tiny.root / "build/pages"
    left = [rel for rel in _temporary(out_dir) if "/" not in rel]
    assert len(left) == 1 and list((out_dir / left[0]).iterdir()), "the killed build staged its pages"
    assert _files(out_dir) != before  # (its staged files among them)
    running = out_dir / f".generating-{os.getpid()}-0123456789ab"  # this process: running
    running.mkdir()
    (out_dir / ".generating-mine").mkdir()
    good = _build(tiny, tmp_path / "site-good")
    assert good.returncode == 0, good.stderr
    assert _temporary(out_dir) == sorted([".generating-mine", running.name])


# --- configurations -------------------------------------------------------------------------------------------

CONFIGS = {
    "file-urls-and-site-url": "use_directory_urls: false\nsite_url: https://example.org/briefings/\n",
    "site-url": "site_url: https://example.org/\n",
    "nav": "nav:\n  - method.md\n  - Briefings:\n    - briefings/other.md\n    - briefings/bridge.md\n",
}


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_each_configuration_builds_the_one_process_site(tiny: MiniProject, tmp_path: Path, case: str) -> None:
    """The sites byte for byte (the sidebar's order with or without a `nav:`, the links, the feeds' addresses)."""
    config = tiny.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + CONFIGS[case], encoding="utf-8")
    two = _build(tiny, tmp_path / "two")
    one = _build(tiny, tmp_path / "one", **ONE)
    assert two.returncode == one.returncode == 0, two.stderr + one.stderr
    assert BUILDING in two.stderr and BUILDING not in one.stderr
    assert sorted(_said(two.stderr)) == sorted(_said(one.stderr))
    assert _files(tmp_path / "two") == _files(tmp_path / "one")


def test_the_sidebar_without_a_nav_lists_the_briefings_before_the_sources(tiny: MiniProject,
                                                                              tmp_path: Path) -> None:
    """The pages are listed to MkDocs source pages first (`reading_order`), in one process too: the sidebar must
    not follow (only the search index's order changed)."""
    two = _build(tiny, tmp_path / "two")
    assert two.returncode == 0, two.stderr
    index = (tmp_path / "two/index.html").read_text(encoding="utf-8")
    assert index.index('href="briefings/bridge/"') < index.index('href="sources/city-herald-2024/"'), \
        "the sidebar lists the source pages' section first"


def test_mkdocs_serve_builds_in_one_process(tiny: MiniProject, tmp_path: Path) -> None:
    """A server keeps its session between builds (and serves the last good pages on errors): never forked."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "serve.log"
    command = [sys.executable, str(Path(__file__).resolve()), "none", "serve", "--no-livereload", "-a",
               f"127.0.0.1:{port}"]
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=tiny.root, env=_environment(tiny), stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 120
        while "Serving on" not in log.read_text(encoding="utf-8"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.05)
        assert _descendants(process.pid) == []
    finally:
        process.terminate()
        process.wait(timeout=30)
    said = log.read_text(encoding="utf-8")
    assert BUILDING not in said and "second process" not in said, said
    assert "generated files changed" in said, said


# --- the exports ----------------------------------------------------------------------------------------------

WORLD = "Le pont rouvrira en mai, a déclaré le maire — coût 1,2 M€ 🚧; قال الوزير إن الجسر سيفتح"


def test_non_ascii_exports_written_in_pieces_are_the_joined_text_and_unchanged_ones_keep_their_time(
        tiny: MiniProject, tmp_path: Path) -> None:
    text = SNAPSHOT_TEXT + WORLD + "\n"
    tiny.add_source("world-2024", text)
    tiny.write("briefings/world.yaml", BRIEFING_YAML.replace("bridge-reopens", "world-reopens")
               .replace("title: The bridge", "title: Le pont — 🚧").replace("city-herald-2024", "world-2024")
               .replace('"the bridge would reopen in May"', '"coût 1,2 M€ 🚧; قال الوزير إن الجسر"'))
    two = _build(tiny, tmp_path / "two", "small-pieces")
    assert two.returncode == 0 and BUILDING in two.stderr, two.stderr
    pages = _files(tiny.root / "build/pages")
    for rel in ("data/briefings.json", "data/annotations.jsonld"):
        assert "قال الوزير إن الجسر" in json.dumps(json.loads(pages[rel]), ensure_ascii=False)
    stamps = {rel: (tiny.root / "build/pages" / rel).stat().st_mtime_ns for rel in pages}
    time.sleep(0.01)
    again = _build(tiny, tmp_path / "again", "small-pieces")  # compared a few characters at a time: unchanged
    assert again.returncode == 0, again.stderr
    assert {rel: (tiny.root / "build/pages" / rel).stat().st_mtime_ns for rel in pages} == stamps
    (tiny.root / "build/pages/data/briefings.json").unlink()
    one = _build(tiny, tmp_path / "one", **ONE)
    assert one.returncode == 0, one.stderr
    assert _files(tiny.root / "build/pages") == pages
    assert _files(tmp_path / "two") == _files(tmp_path / "one")


def test_a_published_site_shares_no_file_with_the_pages(tiny: MiniProject, tmp_path: Path) -> None:
    """The exports were hard links to build/pages: a file of either written in place (an editor keeps a file's
    links so; a deployment's chmod) changed the published site, and every other site built from the same
    output. A later `briefings build` must not change it either."""
    built = _build(tiny, tmp_path / "site")
    assert built.returncode == 0 and BUILDING in built.stderr, built.stderr
    published = _files(tmp_path / "site")
    pages = tiny.root / "build/pages"
    shared = [rel for rel in published if (pages / rel).exists()
              and os.path.samefile(pages / rel, tmp_path / "site" / rel)]
    assert shared == []
    with (pages / "data/briefings.json").open("a", encoding="utf-8") as handle:  # in place
        handle.write(" ")
    _edit(tiny)
    briefings = Path(sys.executable).parent / "briefings"
    rebuilt = subprocess.run([str(briefings), "build"], cwd=tiny.root, env=_environment(tiny), text=True,
                             capture_output=True, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _files(tmp_path / "site") == published


if __name__ == "__main__":
    FAULTS[sys.argv[1]]()
    from mkdocs.__main__ import cli

    cli(sys.argv[2:])

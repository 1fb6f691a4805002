"""Attacks on the generation made by a second process during `mkdocs build` (`build_tools/background.py`): the
child raising, killed, or ending "well" without writing everything; the build interrupted while it waits; staged
files left by a crashed build; two builds at once; one core; and the output, byte for byte the one-process
output, on the real project and on a small one. After each: one clear line (never a traceback), the previous
generated output intact on failure, no process and no temporary file left.

The builds run `mkdocs build` in a process of their own: this file, run as a program, applies one of the faults
below (`FAULTS`) and runs MkDocs's command line.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run as a program: the repository's modules importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pytest

from build_tools import background, site
from build_tools.config import load_config
from build_tools.session import Session
from tests.conftest import BRIEFING_YAML, ROOT, MiniProject, require_seeds
from tests.test_background import MORE_FACTS, write_tiny_site_config

EPOCH = "1700000000"
BUILDING = "being made by a second process"  # what the hook logs once the second process has started


# --- faults, applied in the build's process before MkDocs starts (the child inherits them) -----------------

PATCH = pytest.MonkeyPatch()  # used only when this file runs as a program

def _child_drops_the_exports() -> None:
    """A bug that makes the child end "well" (exit 0, "done") having made the pages but none of the exports."""
    real = site.make_parts

    def pages_only(parts: Iterable[site.Part], timings: dict[str, float]) -> Iterator[dict[str, str]]:
        for files in real(parts, timings):
            if all(path.endswith(".md") for path in files):
                yield files

    PATCH.setattr(background, "make_parts", pages_only)


def _child_killed_at_the_sources() -> None:
    from build_tools.render import pages

    PATCH.setattr(pages, "render_source", lambda *_: os.kill(os.getpid(), signal.SIGKILL))


def _child_slow_at_the_sources() -> None:
    """The child takes a long time on the source pages (the build's process waits for them)."""
    from build_tools.render import pages

    real = pages.render_source

    def slow(*args: Any) -> str:
        time.sleep(60)
        return real(*args)

    PATCH.setattr(pages, "render_source", slow)


def _disk_full_in_the_child() -> None:
    """The disk fills while the child writes its fifth file."""
    from build_tools import safe_files

    real, count = safe_files.temporary_file, [0]

    def full(*args: Any, **kwargs: Any) -> Path:
        count[0] += 1
        if count[0] == 5 and os.getpid() != PARENT:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    PATCH.setattr(site, "temporary_file", full)


def _one_core() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


PARENT = os.getpid()
FAULTS: dict[str, Callable[[], None]] = {
    "none": lambda: None,
    "drops-exports": _child_drops_the_exports,
    "killed": _child_killed_at_the_sources,
    "slow": _child_slow_at_the_sources,
    "disk-full": _disk_full_in_the_child,
    "one-core": _one_core,
}


def _command(fault: str, site: Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), fault, "build", "--strict", "--site-dir", str(site)]


def _environment(project: MiniProject, **more: str) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if key != background.OFF}
    return {**environ, "BRIEFINGS_SNAPSHOTS": str(project.snapshots), "NO_MKDOCS_2_WARNING": "1",
            "SOURCE_DATE_EPOCH": EPOCH, **more}


def _build(project: MiniProject, site: Path, fault: str = "none", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_command(fault, site), cwd=project.root, env=_environment(project, **env), text=True,
                          capture_output=True, timeout=300)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _temporary(folder: Path) -> list[str]:
    """Files and folders a build writes aside before renaming them into place (`.tmp-*`, `.generating-*`)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob(".*")
                  if p.name.startswith((".tmp-", ".generating-", ".link-")))


def _descendants(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux: /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _one_failure_line(result: subprocess.CompletedProcess[str], said: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")
              and not line.startswith("ERROR   -  Error reading page ")]  # MkDocs's own line: which page it read
    assert len(errors) == 1 and said in errors[0], result.stderr


@pytest.fixture
def tiny(project: MiniProject) -> MiniProject:
    """The small project with a site configuration, several pages, and the real hook."""
    project.write("briefings/bridge.yaml", BRIEFING_YAML + "".join(MORE_FACTS.format(n=n) for n in range(4)))
    project.write("briefings/other.yaml", BRIEFING_YAML.replace("bridge-reopens", "other-reopens")
                  .replace("title: The bridge", "title: The other bridge"))
    write_tiny_site_config(project)
    return project


def _previous(tiny: MiniProject, tmp_path: Path) -> dict[str, bytes]:
    """A good build first; then an edit, so that the next build has pages to change."""
    assert _build(tiny, tmp_path / "site-0").returncode == 0
    path = tiny.root / "briefings/bridge.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("would reopen in May.", "would reopen in May, he said.",
                                                             1), encoding="utf-8")
    return _files(tiny.root / "build/pages")


# --- the tests ------------------------------------------------------------------------------------------------

def test_a_child_that_ends_well_without_the_exports_stops_the_build_and_leaves_the_previous_output(
        tiny: MiniProject, tmp_path: Path) -> None:
    """It said "done": the build's process still checks that every planned file was made (it was a traceback
    from MkDocs copying an export that was not there, and the previous exports were removed)."""
    before = _previous(tiny, tmp_path)
    result = _build(tiny, tmp_path / "site", "drops-exports")
    _one_failure_line(result, "briefings: generating the site failed:")
    assert _files(tiny.root / "build/pages") == before
    assert _temporary(tiny.root / "build/pages") == []


def test_a_killed_child_stops_the_build_with_one_line_and_its_staged_files_go(tiny: MiniProject,
                                                                               tmp_path: Path) -> None:
    before = _previous(tiny, tmp_path)
    result = _build(tiny, tmp_path / "site", "killed")
    _one_failure_line(result, "the generating process stopped (exit status -9)")
    assert _files(tiny.root / "build/pages") == before
    assert _temporary(tiny.root / "build/pages") == []  # what it staged, removed by the build's process
    good = _build(tiny, tmp_path / "site-good")  # and the next build is whole
    assert good.returncode == 0, good.stderr
    assert _temporary(tiny.root / "build/pages") == []


def test_a_full_disk_in_the_child_is_one_line(tiny: MiniProject, tmp_path: Path) -> None:
    before = _previous(tiny, tmp_path)
    result = _build(tiny, tmp_path / "site", "disk-full")
    _one_failure_line(result, "No space left on device")
    assert _files(tiny.root / "build/pages") == before
    assert _temporary(tiny.root / "build/pages") == []


@pytest.mark.parametrize("processes", ["two", "one"])
def test_an_unwritable_output_is_one_line(tiny: MiniProject, tmp_path: Path, processes: str) -> None:
    """A folder of the output replaced by a file (what chmod would do for a user other than root). In one process
    (one core, BRIEFINGS_ONE_PROCESS=1) it was a traceback."""
    _previous(tiny, tmp_path)
    shutil.rmtree(tiny.root / "build/pages/sources")
    (tiny.root / "build/pages/sources").write_text("not a folder", encoding="utf-8")
    result = _build(tiny, tmp_path / "site", **({background.OFF: "1"} if processes == "one" else {}))
    _one_failure_line(result, "build/pages/sources")
    assert _temporary(tiny.root / "build/pages") == []


def test_an_interrupted_build_stops_its_child_and_leaves_the_previous_output(tiny: MiniProject,
                                                                              tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the build's process only, as `kill -INT` sends it) while it waits for a page: the child
    stops too, at once (not after making the whole site), and writes nothing into place."""
    before = _previous(tiny, tmp_path)
    log = tmp_path / "build.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(_command("slow", tmp_path / "site"), cwd=tiny.root, env=_environment(tiny),
                                   stdout=out, stderr=out, text=True)
    try:
        deadline = time.monotonic() + 120  # liveness, not speed
        while BUILDING not in log.read_text(encoding="utf-8"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.05)
        children = _descendants(process.pid)
        assert len(children) == 1
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) != 0  # the child sleeps 60 s in the page it makes: not waited for
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    said = log.read_text(encoding="utf-8")
    assert "Traceback" not in said, said
    assert _running(str(tmp_path / "site")) == []
    assert _files(tiny.root / "build/pages") == before
    assert _temporary(tiny.root / "build/pages") == []


def test_a_dirty_build_renders_each_edit_in_one_process(tiny: MiniProject, tmp_path: Path) -> None:
    """`mkdocs build --dirty` reads and renders the pages whose Markdown is newer than their HTML: with the pages
    renamed into place by a second process between its two looks, an edited page was left as it was, or rendered
    unread (MkDocs's search plugin: AssertionError, a traceback)."""
    site = tmp_path / "site"
    for word in ("first", "second", "third"):
        path = tiny.root / "briefings/bridge.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("would reopen in May", f"would reopen in May ({word})",
                                                                 1), encoding="utf-8")
        result = subprocess.run([*_command("none", site)[:2], "none", "build", "--dirty", "--site-dir", str(site)],
                                cwd=tiny.root, env=_environment(tiny), text=True, capture_output=True, timeout=300)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert f"({word})" in (site / "briefings/bridge/index.html").read_text(encoding="utf-8"), word
        time.sleep(0.01)  # the next edit's file has a later time than this build's pages (MkDocs compares them)
    assert BUILDING not in result.stderr  # one process


def _running(marker: str) -> list[int]:
    """Processes (but zombies) whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes()
                    and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_build_that_fails_while_the_child_works_stops_it_and_leaves_the_previous_output(
        tiny: MiniProject, tmp_path: Path) -> None:
    """A hand-written page at a generated page's path stops the build after the child has started: the child is
    stopped (not waited for while it makes the whole site, then renames it into place)."""
    before = _previous(tiny, tmp_path)
    tiny.write("docs/timeline.md", "# My own timeline\n")
    site = tmp_path / "site-failing"
    result = subprocess.run(_command("slow", site), cwd=tiny.root, env=_environment(tiny), text=True,
                            capture_output=True, timeout=50)  # the child sleeps 60 s in a page
    _one_failure_line(result, "docs/timeline.md is hand-written")
    assert _running(str(site)) == []
    assert _files(tiny.root / "build/pages") == before
    assert _temporary(tiny.root / "build/pages") == []


def test_staged_files_left_by_a_crashed_build_change_nothing(tiny: MiniProject, tmp_path: Path) -> None:
    """A build killed whole (both processes, SIGKILL) leaves what it staged; the next build is the same as a build
    without them, and publishes none of them."""
    _previous(tiny, tmp_path)
    out = tiny.root / "build/pages"
    (out / ".tmp-0123456789ab.md").write_text("---\ntitle: Stale\n---\n# Stale\n", encoding="utf-8")
    (out / "briefings/.tmp-ba9876543210.md").write_text("# Stale\n", encoding="utf-8")
    (out / ".generating-stale").mkdir()
    (out / ".generating-stale/.tmp-aaaaaaaaaaaa.json").write_text("{}", encoding="utf-8")
    result = _build(tiny, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    reference = _build(tiny, tmp_path / "site-one", **{background.OFF: "1"})
    assert reference.returncode == 0, reference.stderr
    assert _files(tmp_path / "site") == _files(tmp_path / "site-one")
    assert not any("Stale" in path.read_text(encoding="utf-8", errors="replace")
                   for path in (tmp_path / "site").rglob("*.html"))


def test_two_builds_at_once_into_two_sites_each_build_the_one_process_site(tiny: MiniProject,
                                                                            tmp_path: Path) -> None:
    processes = [subprocess.Popen(_command("none", tmp_path / f"site-{n}"), cwd=tiny.root, env=_environment(tiny),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(2)]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert all(BUILDING in err for _, err in outputs), outputs
    reference = _build(tiny, tmp_path / "site-one", **{background.OFF: "1"})
    assert reference.returncode == 0, reference.stderr
    assert _files(tmp_path / "site-0") == _files(tmp_path / "site-one") == _files(tmp_path / "site-1")
    assert _temporary(tiny.root / "build/pages") == []


def test_one_core_builds_in_one_process_the_same_site(tiny: MiniProject, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    one = _build(tiny, tmp_path / "site-one-core", "one-core")
    assert one.returncode == 0, one.stderr
    assert BUILDING not in one.stderr and "second process" not in one.stderr, one.stderr
    shutil.rmtree(tiny.root / "build/pages")
    two = _build(tiny, tmp_path / "site-two")
    assert two.returncode == 0 and BUILDING in two.stderr, two.stderr
    assert _files(tmp_path / "site-one-core") == _files(tmp_path / "site-two")
    if hasattr(os, "sched_getaffinity"):  # what `available` reads, seen from here too
        monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0})
        assert not background.available()
        monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
        monkeypatch.setattr(background, "MAX_RESIDENT_MB", background.resident_mb() + 100)  # a small process
        assert background.available()
        monkeypatch.setattr(background, "MAX_RESIDENT_MB", background.resident_mb() - 1)  # a large one
        assert not background.available()
        monkeypatch.setattr(background, "MAX_RESIDENT_MB", background.resident_mb() + 100)
        monkeypatch.setenv(background.OFF, "1")
        assert not background.available()


def test_the_real_project_is_built_byte_for_byte_as_by_one_process(tmp_path: Path) -> None:
    """The real briefings and snapshots, each build from an empty output (so that the child generates all)."""
    seeds = require_seeds()
    sites = {}
    for name, env in (("two", {}), ("one", {background.OFF: "1"})):
        copy = tmp_path / name
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".venv", "build", "site", "node_modules",
                                                                    "__pycache__", "*.egg-info", ".*cache"))
        config = (copy / "mkdocs.yml").read_text(encoding="utf-8")
        (copy / "mkdocs.yml").write_text(config.replace("build_tools/mkdocs_hook.py",
                                                        str(ROOT / "build_tools/mkdocs_hook.py")), encoding="utf-8")
        environ = {**_environment(MiniProject(copy, seeds)), "PYTHONPATH": str(ROOT), **env}
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                                 str(copy / "site")], cwd=copy, env=environ, text=True, capture_output=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr
        assert (BUILDING in result.stderr) == (name == "two"), result.stderr
        sites[name] = (_files(copy / "site"), _files(copy / "build/pages"))
    assert sites["two"][0].keys() == sites["one"][0].keys()
    assert [rel for rel in sites["one"][0] if sites["two"][0][rel] != sites["one"][0][rel]] == []
    assert sites["two"][1] == sites["one"][1]


def test_no_child_is_left_after_a_success_or_a_failure(project: MiniProject, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process: a generation joined, one whose page failed, one abandoned by a stop."""
    monkeypatch.setattr(background, "available", lambda: True)
    config = load_config(project.root, str(project.snapshots), environ={})
    generation = Session(keep=False).start(config, tmp_path / "out")
    assert generation is not None
    generation.join()
    from build_tools.render import pages

    monkeypatch.setattr(pages, "render_source", lambda *_: 1 / 0)
    failing = Session(keep=False).start(config, tmp_path / "out")
    assert failing is not None
    with pytest.raises(background.GenerationFailed, match="ZeroDivisionError"):
        failing.join()
    stopped = Session(keep=False).start(config, tmp_path / "out")
    assert stopped is not None
    stopped.paths()
    stopped.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child of this process is left, finished or not
    assert _temporary(tmp_path / "out") == []


if __name__ == "__main__":
    FAULTS[sys.argv[1]]()
    from mkdocs.__main__ import cli

    cli(sys.argv[2:])

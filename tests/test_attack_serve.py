"""Attack on `briefings serve` keeping its site between runs (`serve.py`, `live_serve.py`): whatever is changed while
the server is stopped, in the project or in the kept site itself, the restarted server serves exactly what a clean
build serves; what it cannot use, it says in one line."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.serve import free_port
from build_tools.cache_files import read_json, write_json
from tests.conftest import MiniProject
from tests.test_live_serve import (
    SECOND_BRIEFING,
    Run,
    assert_serves_the_clean_build,
    edit,
    environment,
    no_server_left,  # noqa: F401 (a fixture: no server outlives its test)
    restart,
    site_config,
)

KEPT = Path("build/serve/site")


def same_size_and_time(path: Path, old: str, new: str) -> None:
    """An edit that keeps the file's size and modification time (a tool that restores times: rsync -t, cp -p)."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    edit_text = path.read_text(encoding="utf-8")
    assert old in edit_text
    path.write_text(edit_text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def older_state(project: MiniProject) -> None:
    """What version 1 saved (no outputs' stamps): not trusted, the restart builds everything."""
    state = project.root / "build/serve/state.json"
    saved = read_json(state)
    saved["version"], _ = 1, saved.pop("outputs", None)
    write_json(state, saved)
    (project.root / KEPT / "index.html").write_text("changed by hand", encoding="utf-8")


def remove(*paths: Path) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def empty_but_marker(kept: Path) -> None:
    remove(*(entry for entry in kept.iterdir() if entry.name != ".briefings-site"))


def test_changes_to_the_kept_site_or_unseen_by_time_serve_a_clean_build_after_restart(project: MiniProject,
                                                                                       tmp_path: Path) -> None:
    site_config(project)
    project.write("briefings/tolls.yaml", SECOND_BRIEFING)
    base = f"http://127.0.0.1:{free_port()}/"
    run = restart(project, base, tmp_path, "briefings/bridge/", "The minister said", 0)
    kept = project.root / KEPT
    changes: list[tuple[str, Callable[[], object]]] = [
        ("a page of the kept site edited by hand",
         lambda: (kept / "briefings/bridge/index.html").write_text(
             (kept / "briefings/bridge/index.html").read_text(encoding="utf-8").replace(
                 "The minister said", "Someone said"), encoding="utf-8")),
        ("a page of the kept site removed", lambda: (kept / "briefings/tolls/index.html").unlink()),
        ("a theme file of the kept site edited by hand",
         lambda: next((kept / "assets/stylesheets").glob("main.*.min.css")).write_text("body{}", encoding="utf-8")),
        ("a hand-written page edited, its size and time kept",
         lambda: same_size_and_time(project.root / "docs/method.md", "# Method", "# Mathod")),
        ("the state saved by an older version", lambda: older_state(project)),
        ("the theme's assets of the kept site removed", lambda: shutil.rmtree(kept / "assets")),
        ("the search index and the sitemap removed", lambda: remove(kept / "search", kept / "sitemap.xml")),
        ("every file of the kept site but its marker removed, the state kept", lambda: empty_but_marker(kept)),
    ]
    broken: list[str] = []
    for number, (what, change) in enumerate(changes, start=1):
        run.stop()
        change()
        run = restart(project, base, tmp_path, "", "Tolls", number)
        try:
            assert_serves_the_clean_build(project, base, tmp_path)
        except AssertionError as error:
            broken.append(f"{what}: {str(error).splitlines()[0]}")
    run.stop()
    assert broken == [], "\n".join(broken)


def test_a_configuration_that_inherits_another_serves_a_clean_build_after_the_other_changes(project: MiniProject,
                                                                                           tmp_path: Path) -> None:
    """mkdocs.yml may take its settings from another file (`INHERIT:`); a change there changes every page."""
    site_config(project)
    config = project.root / "mkdocs.yml"
    (project.root / "base.yml").write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    config.write_text("INHERIT: base.yml\n", encoding="utf-8")
    base = f"http://127.0.0.1:{free_port()}/"
    run = restart(project, base, tmp_path, "briefings/bridge/", "The minister said", 0)
    run.stop()
    edit(project, "base.yml", "site_name: Sourced Briefings", "site_name: Sourced Briefings, inherited")
    run = restart(project, base, tmp_path, "", "Sourced Briefings, inherited", 1)
    assert_serves_the_clean_build(project, base, tmp_path)
    run.stop()


def test_a_state_file_that_is_a_folder_is_one_line_and_exit_2(project: MiniProject) -> None:
    site_config(project)
    (project.root / "build/serve/state.json").mkdir(parents=True)
    done = subprocess.run([sys.executable, "-m", "build_tools", "serve", "--port", str(free_port())],
                          cwd=project.root, env=environment(project), capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "state.json" in done.stderr.splitlines()[-1], done.stderr[-3000:]


def test_a_server_killed_during_its_first_build_or_a_rebuild_leaves_a_restart_a_clean_build(project: MiniProject,
                                                                                           tmp_path: Path) -> None:
    site_config(project)
    project.write("briefings/tolls.yaml", SECOND_BRIEFING)
    base = f"http://127.0.0.1:{free_port()}/"
    first = Run(project, int(base.rsplit(":", 1)[1].strip("/")), tmp_path / "killed-0.log")
    while "Building documentation" not in first.said() and first.process.poll() is None:
        time.sleep(0.05)
    time.sleep(0.5)  # somewhere in the build
    first.stop(signal.SIGKILL)
    run = restart(project, base, tmp_path, "briefings/bridge/", "The minister said", 1)
    assert_serves_the_clean_build(project, base, tmp_path)
    builds = run.said().count("Building documentation")
    edit(project, "briefings/tolls.yaml", "title: Tolls", "title: Bridge tolls")  # a full rebuild
    while run.said().count("Building documentation") == builds and run.process.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)
    run.stop(signal.SIGKILL)
    run = restart(project, base, tmp_path, "briefings/bridge/", "Bridge tolls", 2)
    assert_serves_the_clean_build(project, base, tmp_path)
    run.stop()


def test_a_build_folder_that_is_a_file_is_one_line_and_exit_2(project: MiniProject) -> None:
    site_config(project)
    (project.root / "build").mkdir()
    (project.root / "build/serve").write_text("not a folder", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "build_tools", "serve", "--port", str(free_port())],
                          cwd=project.root, env=environment(project), capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "build/serve" in done.stderr.splitlines()[-1], done.stderr[-3000:]
    assert (project.root / "build/serve").read_text(encoding="utf-8") == "not a folder"


def test_a_configuration_that_is_not_yaml_is_one_line_and_exit_2(project: MiniProject) -> None:
    site_config(project)
    (project.root / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "build_tools", "serve", "--port", str(free_port())],
                          cwd=project.root, env=environment(project), capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr[-3000:]
    assert done.stderr.splitlines()[-1].startswith("briefings serve: MkDocs encountered an error parsing the "
                                                   "configuration file: while parsing a flow sequence in "), done.stderr

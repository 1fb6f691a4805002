"""`briefings site` and every other command that writes a folder: never replace what we did not create,
always leave a complete site, clean up after killed builds, and serialise concurrent ones.

The kill test SIGKILLs `briefings site` (with its MkDocs child) at random moments of a build, on a tiny
project, and checks after each kill that `site/` is exactly one of the two complete sites the project
can produce and that `git status` shows nothing new.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from build_tools.cli import main
from build_tools.sitebuild import LOCK, MARKER, STAGING, build_site
from tests.conftest import BRIEFING_YAML, ROOT, MiniProject

KILLS = int(os.environ.get("SITE_KILLS", "30"))


def write_tiny_site_config(project: MiniProject) -> None:
    """The smallest MkDocs project with our hook (the built-in theme: a build takes about a second)."""
    project.write("mkdocs.yml", f"site_name: Kill test\ntheme:\n  name: mkdocs\nhooks:\n  - {ROOT}/build_tools/"
                  "mkdocs_hook.py\nmarkdown_extensions: [footnotes, attr_list, tables]\n")
    project.write("docs/method.md", "# Method\n")


def site_command(project: MiniProject, *extra: str) -> list[str]:
    return [sys.executable, "-m", "build_tools", "site", *extra]


def environment(project: MiniProject) -> dict[str, str]:
    return {**os.environ, "BRIEFINGS_SNAPSHOTS": str(project.snapshots), "SOURCE_DATE_EPOCH": "1700000000",
            "PYTHONPATH": str(ROOT)}


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def git(project: MiniProject, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project.root, capture_output=True, text=True, check=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}).stdout


STATES = {"a": BRIEFING_YAML, "b": BRIEFING_YAML.replace("would reopen in May.", "would reopen in May, he said.")}


def test_killed_at_random_moments_a_complete_site_always_remains(project: MiniProject) -> None:
    shutil.which("git") or pytest.skip("git is not installed")
    write_tiny_site_config(project)
    shutil.copy(ROOT / ".gitignore", project.root / ".gitignore")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "tiny project")
    env = environment(project)
    site = project.root / "site"
    complete: dict[str, dict[str, str]] = {}
    durations = []
    for name, text in STATES.items():  # the two complete sites, and how long a build takes
        project.write("briefings/bridge.yaml", text)
        started = time.monotonic()
        subprocess.run(site_command(project), cwd=project.root, env=env, check=True, capture_output=True)
        durations.append(time.monotonic() - started)
        complete[name] = digest(site)
    assert complete["a"] != complete["b"]
    rng = random.Random(14)
    landed = {"a": 0, "b": 0}
    swapped, last = 0, "b"
    for attempt in range(KILLS):
        state = "ab"[attempt % 2]
        project.write("briefings/bridge.yaml", STATES[state])
        before = git(project, "status", "--porcelain")
        process = subprocess.Popen(site_command(project), cwd=project.root, env=env, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, 1.2 * max(durations)))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        found = digest(site)
        matches = [name for name, files in complete.items() if files == found]
        assert matches, f"kill {attempt}: site/ is not a complete site ({len(found)} files)"
        landed[matches[0]] += 1
        swapped += matches[0] != last
        last = matches[0]
        assert git(project, "status", "--porcelain") == before, f"kill {attempt} left something in git status"
    print(f"\n{KILLS} kills within {1.2 * max(durations):.1f} s of starting a {max(durations):.1f} s build: "
          f"{swapped} after the swap, {KILLS - swapped} before it; site/ complete every time")
    subprocess.run(site_command(project), cwd=project.root, env=env, check=True, capture_output=True)
    assert digest(site) == complete["ab"[(KILLS - 1) % 2]]
    assert sorted(p.name for p in (project.root / STAGING).iterdir()) == []  # leftovers of killed builds gone


def test_concurrent_builds_all_succeed_and_leave_one_complete_site(project: MiniProject) -> None:
    write_tiny_site_config(project)
    env = environment(project)
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: subprocess.run(site_command(project), cwd=project.root, env=env,
                                                       capture_output=True, text=True), range(4)))
    assert [r.returncode for r in runs] == [0, 0, 0, 0], [r.stderr for r in runs if r.returncode]
    site = project.root / "site"
    assert (site / MARKER).is_file() and (site / "briefings/bridge/index.html").is_file()
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".")] == []
    assert list((project.root / STAGING).iterdir()) == []


def test_the_site_honours_the_umask(project: MiniProject) -> None:
    write_tiny_site_config(project)
    previous = os.umask(0o022)
    try:
        result = build_site(project.root, project.root / "site", {"BRIEFINGS_SNAPSHOTS": str(project.snapshots)})
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    site = project.root / "site"
    assert stat.S_IMODE(site.stat().st_mode) == 0o755
    assert stat.S_IMODE((site / "index.html").stat().st_mode) == 0o644


def test_stale_staging_is_removed_and_a_site_left_aside_is_restored(project: MiniProject) -> None:
    write_tiny_site_config(project)
    env = {"BRIEFINGS_SNAPSHOTS": str(project.snapshots)}
    assert build_site(project.root, project.root / "site", env).returncode == 0
    staging = project.root / STAGING
    (staging / "dead1").mkdir()  # a builder killed while building: its lock is free
    (staging / "dead1.lock").touch()
    (staging / "orphan").mkdir()  # no lock at all
    (project.root / "site").rename(staging / "dead2.old")  # killed between the two renames (no exchange)
    (staging / "dead2.lock").touch()
    project.write("briefings/bridge.yaml", BRIEFING_YAML.replace("would reopen", "will reopen"))  # this build fails
    failed = build_site(project.root, project.root / "site", env)
    assert failed.returncode != 0 and "CIT003" in failed.stderr
    assert (project.root / "site" / MARKER).is_file()  # the previous site, put back
    assert list(staging.iterdir()) == []
    assert (project.root / LOCK).is_file()


def test_a_site_built_by_mkdocs_with_our_hook_may_be_replaced(project: MiniProject) -> None:
    write_tiny_site_config(project)
    env = {**os.environ, "BRIEFINGS_SNAPSHOTS": str(project.snapshots), "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project.root, env=env, check=True)
    assert (project.root / "site" / MARKER).is_file()
    assert build_site(project.root, project.root / "site", {"BRIEFINGS_SNAPSHOTS": str(project.snapshots)}
                      ).returncode == 0


@pytest.mark.parametrize(("argv", "message"), [
    (["build", "--out", "notes.txt"],
     "briefings: refusing to write to 'notes.txt': it is a file, not a folder; choose another --out"),
    (["export", "--out", "build"], "briefings: refusing to write to 'build': it is a folder; name a file"),
])
def test_an_output_that_is_the_wrong_kind_of_thing_is_one_line(project: MiniProject, argv: list[str], message: str,
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (project.root / "notes.txt").write_text("mine\n", encoding="utf-8")
    (project.root / "build").mkdir()
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("BRIEFINGS_SNAPSHOTS", str(project.snapshots))
    assert main(argv) == 2
    assert capsys.readouterr().err == message + "\n"
    assert (project.root / "notes.txt").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize(("errno_", "cause"), [(28, "No space left on device"), (30, "Read-only file system"),
                                               (13, "Permission denied")])
def test_a_full_or_read_only_output_is_one_line_and_exit_2(project: MiniProject, errno_: int, cause: str,
                                                           capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from build_tools import safe_files

    def refuse(folder: Path, data: bytes, suffix: str = "") -> Path:
        raise OSError(errno_, cause, str(folder / f".tmp-0{suffix}"))

    monkeypatch.setattr(safe_files, "temporary_file", refuse)
    monkeypatch.setattr("build_tools.site.temporary_file", refuse)
    out = project.root / "pages"
    code = main(["build", "--root", str(project.root), "--snapshots", str(project.snapshots), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"briefings: {cause}: '{out}/") and err.count("\n") == 1  # the first file written


def test_a_closed_pipe_ends_the_output_quietly(project: MiniProject) -> None:
    result = subprocess.run(f"'{sys.executable}' -m build_tools rules | head -1", shell=True, cwd=project.root,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            executable="/bin/bash")
    assert result.stdout.startswith("YML001") and result.stdout.count("\n") == 1
    assert result.stderr == ""
    many = subprocess.run(f"set -o pipefail; '{sys.executable}' -m build_tools rules | head -c 10 >/dev/null",
                          shell=True, cwd=project.root, capture_output=True, text=True, executable="/bin/bash",
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (many.returncode, many.stderr) == (0, "")


@pytest.mark.parametrize(("out", "message"), [
    (".", "briefings: refusing to write to '.': it is the project; choose another OUT"),
    ("docs", "briefings: refusing to write to 'docs': it is the project's docs/ folder; choose another OUT"),
])
def test_zensical_prep_never_writes_over_the_project(project: MiniProject, out: str, message: str,
                                                     capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from build_tools import zensical_prep

    write_tiny_site_config(project)
    before = {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()}
    monkeypatch.chdir(project.root)
    assert zensical_prep.main([out, "--snapshots", str(project.snapshots)]) == 2
    assert capsys.readouterr().err == message + "\n"
    assert {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()} == before

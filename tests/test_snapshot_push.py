"""`briefings snapshot push`: a new source's snapshot reaches CI through the snapshots repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from build_tools.cli import main
from tests.conftest import MiniProject

GIT_ENV = {"GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org", "GIT_COMMITTER_NAME": "Editor",
           "GIT_COMMITTER_EMAIL": "editor@example.org"}


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True,
                          env={**os.environ, **GIT_ENV}).stdout


@pytest.fixture
def snapshots_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A bare 'briefings-snapshots' remote and an editor's clone of it, with the conventional seeds/ folder."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    remote = tmp_path / "briefings-snapshots.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(remote)], check=True)
    clone = tmp_path / "shared"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(clone)], check=True, capture_output=True)
    (clone / "seeds").mkdir()
    (clone / "seeds/README.md").write_text("Snapshots.\n", encoding="utf-8")
    _git(clone, "add", "seeds/README.md")
    _git(clone, "commit", "--quiet", "-m", "Start")
    _git(clone, "push", "--quiet", "-u", "origin", "main")
    return remote, clone / "seeds"


def _push(project: MiniProject, store: Path, *args: str) -> int:
    return main(["snapshot", "push", "--root", str(project.root), "--snapshots", str(store), *args])


def test_push_commits_and_pushes_exactly_the_cited_snapshots(project: MiniProject, snapshots_repo: tuple[Path, Path],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    remote, store = snapshots_repo
    (store / "bridge.txt").write_bytes((project.snapshots / "bridge.txt").read_bytes())
    (store / "unrelated.txt").write_text("Not cited by any source.\n", encoding="utf-8")
    assert _push(project, store) == 0
    out = capsys.readouterr().out
    assert out == f"committed seeds/bridge.txt\npushed {store.parent}\n"
    assert _git(remote, "log", "-1", "--format=%s") == "Snapshots for city-herald-2024\n"
    assert _git(remote, "show", "--name-only", "--format=", "HEAD").split() == ["seeds/bridge.txt"]
    assert "unrelated.txt" in _git(store.parent, "status", "--porcelain", "--untracked-files=all")
    assert _push(project, store) == 0
    assert "already committed" in capsys.readouterr().out


def test_no_push_commits_only_and_a_later_push_sends_it(project: MiniProject, snapshots_repo: tuple[Path, Path],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    remote, store = snapshots_repo
    (store / "bridge.txt").write_bytes((project.snapshots / "bridge.txt").read_bytes())
    assert _push(project, store, "--no-push", "-m", "Add the bridge article") == 0
    assert "push it with git push" in capsys.readouterr().out
    assert _git(remote, "log", "-1", "--format=%s") == "Start\n"
    assert _push(project, store) == 0
    assert _git(remote, "log", "-1", "--format=%s") == "Add the bridge article\n"


def test_a_store_outside_git_says_what_the_convention_is(project: MiniProject,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert _push(project, project.snapshots) == 2
    err = capsys.readouterr().err
    assert "is not in a git checkout; clone the snapshots repository (by convention <owner>/briefings-snapshots, " \
        "snapshots under seeds/)" in err

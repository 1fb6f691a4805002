"""`briefings snapshot push`: new snapshots reach CI through the snapshots repository.

Article text is never committed to the project. By convention it lives in a second repository,
`<owner>/briefings-snapshots`, with the plain-text snapshots under `seeds/`: the workflow checks it out
beside the project and points `BRIEFINGS_SNAPSHOTS` at its `seeds/`, and an editor keeps a clone of it
as the project's snapshot store (`../shared`, so `../shared/seeds`). A new source's snapshot must be
committed and pushed there before the pull request that cites it can pass CI; this module does that
for exactly the snapshots the project's sources name, and nothing else.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from build_tools.model import Project
from build_tools.snapshots import SnapshotStore


class PushError(Exception):
    """The store is not a git checkout, or git failed (the message says what to do)."""


@dataclass(frozen=True)
class Pushed:
    repository: Path
    committed: tuple[str, ...]  # paths relative to the repository
    pushed: bool


def _git(repository: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repository), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise PushError(f"git {' '.join(args[:2])} failed in {repository}: {result.stderr.strip() or result.stdout}")
    return result.stdout


def repository_of(store: Path) -> Path:
    """The git checkout that holds the snapshot store."""
    if not store.is_dir():
        raise PushError(f"the snapshot store {store} does not exist")
    result = subprocess.run(["git", "-C", str(store), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if result.returncode != 0:
        raise PushError(f"the snapshot store {store} is not in a git checkout; clone the snapshots repository "
                        "(by convention <owner>/briefings-snapshots, snapshots under seeds/) and point the project "
                        "at its seeds/ folder (`snapshots` in briefings.toml, or $BRIEFINGS_SNAPSHOTS)")
    return Path(result.stdout.strip())


def push(project: Project, store: SnapshotStore, message: str | None = None, remote: bool = True) -> Pushed:
    """Commit the snapshot files the project's sources name that git does not have yet (new or changed),
    then push (unless `remote` is False)."""
    repository = repository_of(store.directory)
    wanted: dict[Path, list[str]] = {}
    for source in sorted(project.sources.values(), key=lambda s: s.id):
        path = store.index().get(source.snapshot.sha256)
        if path is not None:
            wanted.setdefault(path.resolve(), []).append(source.id)
    relative = {path: path.relative_to(repository.resolve()).as_posix() for path in wanted}
    status = _git(repository, "status", "--porcelain", "--untracked-files=all", "--", *relative.values()) \
        if relative else ""
    changed = {line[3:].strip().strip('"') for line in status.splitlines() if line.strip()}
    new = sorted(rel for rel in relative.values() if rel in changed)
    if new:
        _git(repository, "add", "--", *new)
        ids = sorted({source for path, rel in relative.items() if rel in new for source in wanted[path]})
        _git(repository, "commit", "--quiet", "-m", message or f"Snapshots for {', '.join(ids)}", "--", *new)
    ahead = _ahead(repository)
    if remote and (new or ahead):
        _git(repository, "push", "--quiet")
    return Pushed(repository, tuple(new), remote and bool(new or ahead))


def _ahead(repository: Path) -> bool:
    """Whether the branch has commits its upstream lacks (a commit made earlier but never pushed)."""
    result = subprocess.run(["git", "-C", str(repository), "rev-list", "--count", "@{upstream}..HEAD"],
                            capture_output=True, text=True)
    return result.returncode == 0 and result.stdout.strip() not in ("", "0")

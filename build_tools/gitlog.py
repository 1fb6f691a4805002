"""Reading the project's history from git: which commits changed which files, and those files' bytes.

Plumbing only: one `git rev-parse` to find the repository, one `git log` over `briefings/` and
`sources/` (first parents, so a merge counts as the change it brought to the main line), and one
`git cat-file --batch` process that hands back each file version by its blob id. What the files
say is for `ledger.py`; this module knows nothing of facts.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

# Set by git hooks or by a caller's own repository; they would point git away from the project.
_GIT_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR",
                           "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE")
_NO_BLOB = "0" * 40
_HEADER, _FIELD = "\x1e", "\x1f"


class GitUnavailable(Exception):
    """There is no history to read; the message says why, for the reader of a build log."""


@dataclass(frozen=True)
class Repository:
    root: Path  # the project folder, where git runs
    prefix: str  # the project folder inside the repository: "" or "some/folder/"
    head: str | None  # None: the repository has no commit yet
    shallow: tuple[str, ...]  # the boundary commits of a shallow clone; () for full history


class FileVersion(NamedTuple):
    path: str  # relative to the project, e.g. "briefings/contacts.yaml"
    blob: str | None  # None: deleted (or no longer a regular file)


class RawCommit(NamedTuple):
    sha: str
    time: int  # committer time, seconds since the epoch (UTC)
    parents: tuple[str, ...]
    files: tuple[FileVersion, ...]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION_VARIABLES}
    env.update(LC_ALL="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    return env


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-c", "log.showRoot=true", "-c", "log.showSignature=false", *args],
                              cwd=root, env=_environment(), capture_output=True, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise GitUnavailable("git is not installed") from None
    except OSError as error:
        raise GitUnavailable(f"git could not be run ({error.strerror})") from None


def find_repository(root: Path) -> Repository:
    """The repository holding `root`, its HEAD and whether it is shallow; GitUnavailable if none."""
    result = _git(root, "rev-parse", "--show-prefix", "--is-shallow-repository", "--git-path", "shallow", "HEAD")
    lines = result.stdout.decode("utf-8", "surrogateescape").split("\n")
    if result.returncode != 0:
        bare = _git(root, "rev-parse", "--show-prefix")
        if bare.returncode != 0:
            message = bare.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = message[-1] if message else "git rev-parse failed"
            if "not a git repository" in reason:
                reason = f"{root} is not inside a git repository"
            raise GitUnavailable(reason)
        return Repository(root, bare.stdout.decode("utf-8", "surrogateescape").strip("\n"), None, ())
    prefix, shallow, shallow_file, head = lines[0], lines[1], lines[2], lines[3]
    boundary: tuple[str, ...] = ()
    if shallow == "true":
        path = Path(shallow_file) if Path(shallow_file).is_absolute() else root / shallow_file
        try:
            boundary = tuple(sorted(path.read_text(encoding="ascii").split()))
        except (OSError, ValueError):
            boundary = ("unknown",)
    return Repository(root, prefix, head, boundary)


def first_parents(repository: Repository, limit: int) -> list[str]:
    """HEAD and its first parents, newest first, at most `limit` of them."""
    if repository.head is None:
        return []
    result = _git(repository.root, "rev-list", "--first-parent", f"--max-count={limit}", repository.head)
    return result.stdout.decode("ascii", "replace").split() if result.returncode == 0 else []


def log(repository: Repository, folders: Sequence[str], since: str | None = None) -> list[RawCommit]:
    """Every commit on HEAD's first-parent line that changed a file in `folders`, oldest first,
    with the blob of each changed file; only commits after `since` when it is given."""
    if repository.head is None:
        return []
    revisions = f"{since}..{repository.head}" if since else repository.head
    result = _git(repository.root, "log", "-z", "--reverse", "--raw", "--no-renames", "--no-abbrev", "-m",
                  "--first-parent", f"--format={_HEADER}%H{_FIELD}%P{_FIELD}%ct", revisions, "--", *folders)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitUnavailable(f"git log failed: {message[-1] if message else result.returncode}")
    return list(_parse_log(result.stdout.decode("utf-8", "surrogateescape"), repository.prefix))


def _parse_log(output: str, prefix: str) -> Iterator[RawCommit]:
    """`git log -z --raw` output: a header token per commit, then (meta, path) token pairs. Paths are
    taken by position, so no character in a file name can be mistaken for structure."""
    header: list[str] | None = None
    files: list[FileVersion] = []
    tokens = iter(output.split("\0"))
    for token in tokens:
        token = token.lstrip("\n")
        if token.startswith(_HEADER):
            if header is not None:
                yield _commit(header, files)
            header, files = token[1:].split(_FIELD), []
        elif token.startswith(":") and header is not None:
            path = next(tokens, "")
            meta = token[1:].split(" ")
            if len(meta) == 5 and path.startswith(prefix):
                regular = meta[1] in ("100644", "100755") and meta[4] != "D" and meta[3] != _NO_BLOB
                files.append(FileVersion(path[len(prefix):], meta[3] if regular else None))
    if header is not None:
        yield _commit(header, files)


def _commit(header: list[str], files: list[FileVersion]) -> RawCommit:
    sha, parents, time = header
    return RawCommit(sha, int(time), tuple(parents.split()), tuple(files))


class BlobReader:
    """One `git cat-file --batch` process for a whole pass: each blob's bytes by its id."""

    def __init__(self, root: Path) -> None:
        self._process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=root, env=_environment(),
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def read(self, blob: str) -> bytes | None:
        """The blob's bytes, or None when the repository does not have it."""
        stdin, stdout = self._pipes()
        stdin.write(blob.encode("ascii") + b"\n")
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            return None
        size = int(header[2])
        data = stdout.read(size)
        stdout.read(1)  # the newline after each object
        return data

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        stdin, stdout = self._process.stdin, self._process.stdout
        if stdin is None or stdout is None:  # pragma: no cover - Popen was given both pipes
            raise GitUnavailable("git cat-file has no pipes")
        return stdin, stdout

    def close(self) -> None:
        stdin, _ = self._pipes()
        stdin.close()
        self._process.wait()

"""`briefings site`: build the static site (MkDocs, or Zensical) into a staging folder, then swap it in.

- A build that fails (a lint error, a MkDocs error, a full disk) leaves the previous site exactly as it was.
- The swap is one atomic exchange of the two folders (Linux `renameat2(RENAME_EXCHANGE)`): at every
  moment, however the process is killed, the site folder holds a complete site, old or new. Where the
  exchange is not available, two renames, and the next run puts the previous site back if a kill
  came between them.
- Staging folders live under `build/site-staging/` (ignored by git), each locked by its builder while
  it runs; the next run removes those whose builder is gone. Swaps are serialised by `build/site.lock`,
  so concurrent builds each succeed and the last one wins.
- The output must be safe to replace (`safe_files.check_output`): a new or empty folder, or one holding
  MARKER, which every site we build carries (the MkDocs hook writes it too).
- Folders and files are made with the permissions the umask allows (a web server can read them).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from build_tools.safe_files import check_output

MARKER = ".briefings-site"
MARKER_TEXT = "Built by `briefings site` (or `mkdocs build` with the briefings hook); replaced by the next build.\n"
STAGING = Path("build/site-staging")
LOCK = Path("build/site.lock")


# Builds the site of the project at `root` into the (empty, existing) folder `staging`. Anything else it
# needs on disk goes in folders named `<staging>.<something>` beside it: they are the staging folder's, and
# are removed with it (or with its leftovers, if the build is killed).
Builder = Callable[[Path, Path, dict[str, str]], subprocess.CompletedProcess[str]]


def build_with_mkdocs(root: Path, staging: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(staging)],
                          cwd=root, env=env, text=True, capture_output=True)


def build_site(root: Path, out: Path, extra_env: dict[str, str] | None = None, builder: Builder = build_with_mkdocs,
               snapshots: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Build the site of the project at `root` into `out`, swapping it in only when complete."""
    out = out.absolute()
    check_output(out, root, snapshots, MARKER)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging_root = _staging_root(root, out)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(extra_env or {})}
    with _staging(root, staging_root, out) as staging:
        result = builder(root, staging, env)
        if result.returncode == 0:
            write_marker(staging)
            with _locked(root):
                check_output(out, root, snapshots, MARKER)  # again: another build may have raced us here
                _swap(staging, out)
    return result


def write_marker(site: Path) -> None:
    (site / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def _staging_root(root: Path, out: Path) -> Path:
    """Under the project's build/ when it is on the same file system as `out` (a rename cannot cross
    file systems), else beside `out`."""
    preferred = root / STAGING
    with contextlib.suppress(OSError):
        preferred.mkdir(parents=True, exist_ok=True)
        if preferred.stat().st_dev == out.parent.stat().st_dev:
            return preferred
    beside = out.parent / f".{out.name}-staging"
    beside.mkdir(exist_ok=True)
    return beside


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """The project's site lock: one swap (or staging clean-up) at a time."""
    path = root / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _staging(root: Path, staging_root: Path, out: Path) -> Iterator[Path]:
    """A new staging folder, locked while this process lives; removed afterwards whatever happens.
    First, a previous site left aside by a killed swap is put back, and stale folders are removed."""
    with _locked(root):
        _restore_if_missing(staging_root, out)
        _remove_stale(staging_root)
        name = secrets.token_hex(8)
        lock_fd = os.open(staging_root / f"{name}.lock", os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        staging = staging_root / name
        os.mkdir(staging, 0o777)  # the umask applies, unlike mkdtemp's 0700
    try:
        yield staging
    finally:
        _remove_owned(staging_root, name)
        os.close(lock_fd)


def _remove_stale(staging_root: Path) -> None:
    """Remove what killed builds left: everything of a builder whose lock can be taken (it is gone), and
    anything with no lock at all (every folder is made with its lock, under the project lock)."""
    for lock in staging_root.glob("*.lock"):
        _remove_if_unlocked(lock)
    for entry in staging_root.iterdir():
        if not (staging_root / f"{_owner(entry.name)}.lock").exists():
            _remove(entry)


def _owner(name: str) -> str:
    """The staging folder an entry belongs to: `abc`, `abc.lock`, `abc.old`, `abc.zensical` → `abc`."""
    return name.split(".", 1)[0]


def _remove_if_unlocked(lock: Path) -> None:
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return  # its builder is alive
    _remove_owned(lock.parent, _owner(lock.name))
    os.close(fd)


def _remove_owned(staging_root: Path, name: str) -> None:
    """Remove a staging folder and everything beside it that is its (`name.*`), its lock last."""
    for entry in sorted(staging_root.glob(f"{name}*"), key=lambda p: p.suffix == ".lock"):
        if _owner(entry.name) == name:
            _remove(entry)


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            entry.unlink()


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` at `out`; the previous site (now at `staging`) is removed by the caller's clean-up."""
    _restore_if_missing(staging.parent, out)
    if not out.exists():
        os.rename(staging, out)
        return
    try:
        _exchange(staging, out)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise
        _two_renames(staging, out)


def _two_renames(staging: Path, out: Path) -> None:
    """Without an atomic exchange: move the old site aside (where `_restore_if_missing` finds it if we are
    killed now), then the new one in."""
    old = staging.parent / f"{staging.name}.old"
    os.rename(out, old)
    os.rename(staging, out)
    os.rename(old, staging)  # removed with the staging folder


def _restore_if_missing(staging_root: Path, out: Path) -> None:
    """A run killed between the two renames left no site but the old one aside: put it back."""
    if out.exists():
        return
    for old in sorted(staging_root.glob("*.old")):
        if (old / MARKER).is_file():
            os.rename(old, out)
            return


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> None:
    """Atomically exchange two paths (Linux renameat2 with RENAME_EXCHANGE); OSError(ENOSYS) elsewhere."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(first), None, str(second))

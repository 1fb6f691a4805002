"""Writing files safely: never through a symlink, never half-written, never outside where we mean.

- `create_new` makes a file that must not exist yet (an editor's new source, a stored snapshot):
  the complete file appears at once or not at all, and a symlink at that name (even a dangling
  one) is an error, never followed.
- `replace` writes a file whole and renames it into place: readers see the old bytes or the new,
  and a symlink at that name is replaced, never written through.
- `check_inside` refuses a folder that resolves outside the directory it must stay in (the same
  rule the loader applies to what it reads).

New files get the permissions the umask allows, as with any ordinary write (never 0600).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path


class UnsafePath(Exception):
    """A path we refuse to write: outside where it must be, or a link, or already there."""


def check_inside(folder: Path, boundary: Path, what: str = "the project") -> None:
    """Refuse `folder` when it (or the nearest existing folder above it) resolves outside `boundary`."""
    existing = folder
    while not existing.exists() and not existing.is_symlink() and existing != existing.parent:
        existing = existing.parent
    try:
        resolved = existing.resolve(strict=True)
    except (OSError, RuntimeError) as error:  # a dangling link or a loop: nothing may be made through it
        raise UnsafePath(f"{existing} is a broken or looping symbolic link ({_cause(error)}); "
                         "replace it with a folder") from None
    if not resolved.is_relative_to(boundary.resolve()):
        raise UnsafePath(f"{existing} resolves outside {what} (to {resolved}); replace the symbolic link "
                         "with a folder")


def _temporary(folder: Path, data: bytes, suffix: str = "") -> Path:
    """A new file holding `data` in `folder`, created exclusively (a name nobody else has)."""
    while True:
        tmp = folder / f".tmp-{secrets.token_hex(6)}{suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def create_new(path: Path, data: bytes) -> None:
    """Create `path` holding `data`; FileExistsError if anything, a dangling symlink included, is there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(path.parent, data, path.suffix)
    try:
        os.link(tmp, path, follow_symlinks=False)  # fails on any existing name; never follows a link
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS):
            raise
        _create_exclusive(path, data)  # a file system without hard links
    finally:
        tmp.unlink(missing_ok=True)


def _create_exclusive(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def replace(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (a temporary file beside it, then a rename)."""
    tmp = _temporary(path.parent, data, path.suffix)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _cause(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)

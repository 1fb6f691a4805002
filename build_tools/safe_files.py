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
import stat
from collections.abc import Iterable
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


def temporary_file(folder: Path, data: bytes | Iterable[bytes], suffix: str = "") -> Path:
    """A new file holding `data` (or its pieces, one after the other) in `folder`, created exclusively (a name
    nobody else has)."""
    while True:
        tmp = folder / f".tmp-{secrets.token_hex(6)}{suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in (data,) if isinstance(data, bytes) else data:
                handle.write(piece)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def create_new(path: Path, data: bytes) -> None:
    """Create `path` holding `data`; FileExistsError if anything, a dangling symlink included, is there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_file(path.parent, data, path.suffix)
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
            for piece in (data,) if isinstance(data, bytes) else data:
                handle.write(piece)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def replace(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (a temporary file beside it, then a rename), keeping the
    permissions of the file it replaces."""
    tmp = temporary_file(path.parent, data, path.suffix)
    try:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(path, follow_symlinks=False).st_mode))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _cause(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)


def shown(path: Path) -> str:
    """A path as the user would write it: relative to the working directory when inside it."""
    absolute = path.absolute()
    try:
        return os.path.relpath(absolute) if absolute.is_relative_to(Path.cwd()) else str(absolute)
    except (OSError, ValueError):
        return str(absolute)


def protected_places(root: Path, snapshots: Path | None = None) -> list[tuple[Path, str]]:
    """What no output may be, contain or lie inside (the project root itself: be or contain)."""
    places = [(root / name, f"the project's {name}/ folder") for name in ("docs", "briefings", "sources", ".git")]
    if snapshots is not None:
        places.append((snapshots, "the snapshot store"))
    return places


def _relation(target: Path, place: Path) -> str | None:
    if target == place:
        return "is"
    if place.is_relative_to(target):
        return "contains"
    if target.is_relative_to(place):
        return "lies inside"
    return None


def check_output(target: Path, root: Path, snapshots: Path | None, marker: str, option: str = "--out") -> None:
    """Refuse an output folder a command would replace or fill unless it is safe to: see `check_place`
    and `check_ours`. No command may replace what it did not create."""
    check_place(target, root, snapshots, option)
    check_ours(target, marker, option)


def check_place(target: Path, root: Path, snapshots: Path | None, option: str = "--out") -> None:
    """Refuse an output that is the project or holds it, or that is, holds or lies inside docs/,
    briefings/, sources/, .git or the snapshot store (links resolved)."""
    real = _real(target)
    real_root = _real(root)
    if real_root.is_relative_to(real):
        relation: str | None = "is" if real == real_root else "contains"
        raise UnsafePath(f"refusing to write to '{shown(target)}': it {relation} the project; choose another {option}")
    for place, name in protected_places(root, snapshots):
        relation = _relation(real, _real(place))
        if relation is not None:
            raise UnsafePath(f"refusing to write to '{shown(target)}': it {relation} {name}; choose another {option}")


def check_ours(target: Path, marker: str, option: str = "--out") -> None:
    """Refuse an existing output unless it is a real folder that is empty or holds `marker`, the file a
    previous build of ours left there."""
    if target.is_symlink():
        raise UnsafePath(f"refusing to write to '{shown(target)}': it is a symbolic link; give {option} a real "
                         "folder")
    if not target.exists():
        return
    if not target.is_dir():
        raise UnsafePath(f"refusing to write to '{shown(target)}': it is a file, not a folder; choose another "
                         f"{option}")
    if not (target / marker).is_file() and any(target.iterdir()):
        raise UnsafePath(f"refusing to write to '{shown(target)}': it exists and holds no {marker}, so it is not a "
                         f"previous build of ours; remove it yourself or choose another {option}")


def _real(path: Path) -> Path:
    """`path` with every link resolved, as far as it exists (a loop or dangling link: as written)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()

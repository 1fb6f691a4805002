"""Reading and writing JSON files under the cache directory (`build/cache/`).

Every cache here is derived data keyed by content, so both directions are best effort:
an absent, unreadable or damaged file reads as None (and is recomputed), and a failed
write (a read-only tree, a full disk) is ignored. Writes go to a temporary file first,
then replace the entry, so a reader never sees half a file.

An entry is a CRC-32 of its JSON, a newline, then the JSON. A reader believes nothing it has not
checked: a truncated file, a flipped bit, invalid UTF-8, a hand edit or JSON of another shape from
another version fails the check and is a miss, never a crash.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

from build_tools.safe_files import replace


def _encode(data: Any) -> bytes:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"%08x\n%s" % (zlib.crc32(body), body)


def read_json(path: Path) -> Any:
    """The entry's JSON, or None when it is absent, unreadable or fails its check."""
    try:
        raw = path.read_bytes()
        head, _, body = raw.partition(b"\n")
        if head != b"%08x" % zlib.crc32(body):
            return None
        return json.loads(body.decode("utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, data: Any) -> None:
    """Write an entry atomically, unless the file already holds exactly that."""
    encoded = _encode(data)
    try:
        if path.is_file() and path.read_bytes() == encoded:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        replace(path, encoded)
    except OSError:
        pass  # a read-only tree still lints, only without the cache

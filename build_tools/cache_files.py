"""Reading and writing JSON files under the cache directory (`build/cache/`).

Every cache here is derived data keyed by content, so both directions are best effort:
an absent, unreadable or damaged file reads as None (and is recomputed), and a failed
write (a read-only tree, a full disk) is ignored. Writes go to a temporary file first,
then replace the entry, so a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def read_json(path: Path) -> Any:
    """The file's JSON, or None when it is absent or cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, data: Any) -> None:
    """Write compact JSON atomically, unless the file already holds exactly that."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only tree still lints, only without the cache

"""What a rule sees: the project, the snapshot store and its own options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_tools.model import Project
from build_tools.snapshots import SnapshotStore


@dataclass(frozen=True)
class Context:
    project: Project
    snapshots: SnapshotStore
    snapshots_origin: str = "the configured default"
    options: Mapping[str, Any] = field(default_factory=dict)
    cache_dir: Path | None = None  # where derived data about immutable snapshots may be kept

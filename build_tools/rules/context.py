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
    focus: frozenset[str] | None = None  # when linting named files: only their problems are reported

    def in_focus(self, path: str) -> bool:
        """Whether problems in `path` will be reported; rules may skip work on other files."""
        return self.focus is None or path in self.focus

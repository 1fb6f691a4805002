"""What a rule sees: the project, the snapshot store and its own options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from build_tools.model import Project
from build_tools.problems import Option
from build_tools.snapshots import SnapshotStore

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    project: Project
    snapshots: SnapshotStore
    snapshots_origin: str = "the configured default"
    options: Mapping[str, Any] = field(default_factory=dict)  # this rule's options, validated with the config
    cache_dir: Path | None = None  # where derived data about immutable snapshots may be kept
    focus: frozenset[str] | None = None  # when linting named files: only their problems are reported

    def in_focus(self, path: str) -> bool:
        """Whether problems in `path` will be reported; rules may skip work on other files."""
        return self.focus is None or path in self.focus

    def option(self, option: Option[T]) -> T:
        """The value of one of the rule's declared options: as set in `briefings.toml`, or its default."""
        return cast(T, self.options.get(option.name, option.default))

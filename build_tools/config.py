"""Project settings: `briefings.toml` at the project root, plus command-line and environment."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_FILE = "briefings.toml"
DEFAULT_SNAPSHOTS = "../shared/seeds"
DEFAULT_OUTPUT = "build/pages"
DEFAULT_CACHE = "build/cache"
SNAPSHOTS_ENV = "BRIEFINGS_SNAPSHOTS"


class ConfigError(Exception):
    """The configuration or the command line is unusable (exit code 2)."""


@dataclass(frozen=True)
class Config:
    root: Path
    title: str
    description: str
    snapshots: Path
    snapshots_origin: str  # where the snapshot directory came from, for messages
    output: Path
    rule_options: Mapping[str, Mapping[str, Any]]
    disabled_rules: frozenset[str]
    cache_dir: Path | None = None


def load_config(root: Path, snapshots: str | None = None,
                environ: Mapping[str, str] = os.environ) -> Config:
    root = root.resolve()
    data = _read_toml(root / CONFIG_FILE)
    project = _table(data, "project")
    lint = _table(data, "lint")
    snapshot_dir, origin = _snapshot_dir(root, snapshots, environ, project)
    return Config(
        root=root,
        title=_string(project, "title", "Sourced Briefings"),
        description=_string(project, "description", ""),
        snapshots=snapshot_dir,
        snapshots_origin=origin,
        output=root / _string(project, "output", DEFAULT_OUTPUT),
        rule_options={k: v for k, v in lint.items() if isinstance(v, dict)},
        disabled_rules=frozenset(_string_list(lint, "disable")),
        cache_dir=root / _string(project, "cache", DEFAULT_CACHE),
    )


def _snapshot_dir(root: Path, option: str | None, environ: Mapping[str, str],
                  project: Mapping[str, Any]) -> tuple[Path, str]:
    if option:
        return Path(option).resolve(), "--snapshots"
    if environ.get(SNAPSHOTS_ENV):
        return Path(environ[SNAPSHOTS_ENV]).resolve(), f"${SNAPSHOTS_ENV}"
    configured = _string(project, "snapshots", DEFAULT_SNAPSHOTS)
    return (root / configured).resolve(), f"{CONFIG_FILE} [project] snapshots"


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path.name}: {error}") from None


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{CONFIG_FILE}: [{name}] must be a table")
    return value


def _string(table: Mapping[str, Any], key: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f"{CONFIG_FILE}: '{key}' must be a string, found {value!r}")
    return value


def _string_list(table: Mapping[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{CONFIG_FILE}: '{key}' must be a list of rule codes")
    return value

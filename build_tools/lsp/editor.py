"""The language server's engine: one `Session`, the open buffers as overlays, the latest check.

Knows nothing of the protocol: it is given the text of the open buffers and the files to report on, and
returns the linter's own `LintResult`. The buffers reach the loader as overlays (bytes by path), never
through the disk: what is checked is the project on disk with every open buffer as typed, so cross-file
checks (an unknown source, a duplicate fact id) see unsaved work.

Everything kept between checks is kept by the session (`build_tools.session`): the model objects of
unchanged files (so a keystroke validates one file again), quote placements and snapshot hashes. A check
reports on the files in focus only (the buffer just typed in, or every open buffer), which is what keeps a
keystroke in a large project fast: rules skip the facts of other files (`Context.in_focus`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from build_tools.config import CONFIG_FILE, Config, load_config
from build_tools.lint import LintResult
from build_tools.load import BRIEFINGS_DIR, SOURCES_DIR
from build_tools.model import Briefing, Fact
from build_tools.session import Session

PROJECT_FOLDERS = (BRIEFINGS_DIR, SOURCES_DIR)


@dataclass(frozen=True)
class ProjectFile:
    """A file the linter reads: its project's root and its path in the project (`briefings/x.yaml`)."""

    root: Path
    rel: str

    @property
    def path(self) -> Path:
        return self.root / self.rel

    @property
    def folder(self) -> str:
        return PurePosixPath(self.rel).parts[0]


def project_file(path: Path) -> ProjectFile | None:
    """The project file at `path` (a `*.yaml` directly in a project's briefings/ or sources/), or None."""
    if path.suffix != ".yaml" or path.name.startswith(".") or path.parent.name not in PROJECT_FOLDERS:
        return None
    root = path.parent.parent
    return ProjectFile(root, f"{path.parent.name}/{path.name}")


class Editor:
    """What the server keeps: one session for all its lints, and the latest result for each project."""

    def __init__(self, snapshots: str | None = None) -> None:
        self.session = Session()
        self.snapshots = snapshots  # from the client's settings; else $BRIEFINGS_SNAPSHOTS or briefings.toml
        self.latest: dict[Path, LintResult] = {}
        # By project: the open briefings as they last loaded (a keystroke that breaks the YAML unloads one).
        self.loaded: dict[Path, dict[str, Briefing]] = {}

    def config(self, root: Path) -> Config:
        """The project's settings (briefings.toml is read again each time: an edit to it applies at once).
        Raises ConfigError when they are unusable."""
        return load_config(root, self.snapshots)

    def check(self, root: Path, overlays: Mapping[str, bytes], focus: Iterable[str]) -> LintResult:
        """Lint the project at `root` with `overlays` (buffers by path in the project) in place of the
        files on disk, reporting on the files in `focus`."""
        result = self.session.lint(self.config(root), tuple(focus), overlays)
        self.latest[root] = result
        before = self.loaded.get(root, {})
        now = {briefing.path: briefing for briefing in result.project.briefings if briefing.path in overlays}
        self.loaded[root] = {path: now.get(path) or before[path] for path in overlays if path in now or path in before}
        return result

    def facts(self, root: Path) -> list[Fact]:
        """The facts of the latest check, with those of an open briefing that did not load in it as they were
        when it last did (completion goes on while a half-typed line breaks the file)."""
        result = self.latest.get(root)
        if result is None:
            return []
        loaded = {briefing.path for briefing in result.project.briefings}
        missing = [b for path, b in self.loaded.get(root, {}).items() if path not in loaded]
        return [*result.project.facts, *(fact for briefing in missing for fact in briefing.facts)]

    def result(self, root: Path) -> LintResult | None:
        return self.latest.get(root)


def config_path(root: Path) -> Path:
    return root / CONFIG_FILE

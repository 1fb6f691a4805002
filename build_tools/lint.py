"""Runs the rules over a project → sorted problems, with inline suppressions applied."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from build_tools.config import Config
from build_tools.ledger import History, read_history
from build_tools.load import LoadedFiles, load_project
from build_tools.model import Project, Suppression
from build_tools.problems import Problem, Severity
from build_tools.rules import ALL_CODES, RULES, Rule
from build_tools.rules.context import Context, place_passages
from build_tools.snapshots import SnapshotMemory, SnapshotStore


@dataclass(frozen=True)
class LintResult:
    project: Project
    problems: tuple[Problem, ...]
    suppressed: tuple[Problem, ...]
    store: SnapshotStore
    history: History

    @property
    def errors(self) -> int:
        return sum(p.severity is Severity.ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity is Severity.WARNING for p in self.problems)


@dataclass
class LintMemory:
    """What a session keeps between lints of a project, each part bounded by the project (see session.py):
    the files of the latest load and what they gave, what is known of the snapshots, and the git history
    of the latest lint (reused while HEAD and the edits are the same)."""

    files: LoadedFiles = field(default_factory=LoadedFiles)
    snapshots: SnapshotMemory = field(default_factory=SnapshotMemory)
    history: History | None = None


def lint_project(config: Config, only: Iterable[str] = (), memory: LintMemory | None = None,
                 overlays: Mapping[str, bytes] | None = None) -> LintResult:
    """Load and check the whole project; report only problems in `only` (paths) when given. A session
    passes its `memory`, which this lint uses and updates. `overlays`: file bytes by path in the project,
    read instead of the disk (an editor's unsaved buffers; see `load.load_project`)."""
    memory = memory or LintMemory()
    project, problems = load_project(config, memory.files, overlays=overlays)
    history = read_history(config.root, config.cache_dir, project, memory.history)
    memory.history = history
    store = SnapshotStore(config.snapshots, config.cache_dir, memory.snapshots)
    wanted = set(only)
    focus = frozenset(wanted) if wanted else None
    store.prepare(project.quotes(focus))  # placed in one pass, one snapshot at a time
    passages = place_passages(project, store, focus)
    for rule in _enabled_rules(config):
        options = config.rule_options.get(rule.code.name, {})
        problems.extend(rule.check(Context(project, store, config.snapshots_origin, options, config.cache_dir,
                                           focus, passages, _CODES, history)))
    if not overlays:  # an editor's unsaved buffers (a keystroke each) do not rewrite the placements file
        store.save(prune=focus is None and project.briefings_complete)
    if wanted:
        problems = [p for p in problems if p.where.path in wanted]
    kept, suppressed = _apply_suppressions(project, problems)
    return LintResult(project, tuple(sorted(kept, key=Problem.sort_key)),
                      tuple(sorted(suppressed, key=Problem.sort_key)), store, history)


_CODES = {code.code: code for code in ALL_CODES}
_EVIDENCE = frozenset(code.code for code in ALL_CODES if not code.waivable)


def _enabled_rules(config: Config) -> list[Rule]:
    """The rules not disabled in briefings.toml (which refuses to disable an evidence rule)."""
    disabled = config.disabled_rules
    return [rule for rule in RULES if rule.code.code not in disabled and rule.code.name not in disabled]


def _apply_suppressions(project: Project, problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """Move the problems that `lint: ignore` accepts aside; an evidence error is never accepted."""
    by_subject: dict[str, Suppression] = {}
    for source in project.sources.values():
        if source.suppression:
            by_subject[f"source:{source.id}"] = source.suppression
    for fact in project.facts:
        if fact.suppression:
            by_subject[f"fact:{fact.id}"] = fact.suppression
    kept: list[Problem] = []
    suppressed: list[Problem] = []
    for problem in problems:
        rule = by_subject.get(problem.subject)
        accepted = rule is not None and problem.code in rule.codes and problem.code not in _EVIDENCE
        (suppressed if accepted else kept).append(problem)
    return kept, suppressed

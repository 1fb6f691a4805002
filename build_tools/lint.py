"""Runs the rules over a project → sorted problems, with inline suppressions applied.

A session lints again after each saved edit (`make serve`). When only briefing files changed since its
previous lint (the sources, the snapshot store and the configuration as they were), the rules whose problems in
a file depend on nothing but that file, the sources and the snapshots (`PER_FILE`) check only the changed
briefings, as they do for the language server (`Context.focus`), and their problems in the other files are
those of the previous lint; every other rule checks the whole project again. The result is the one a whole
lint gives (`tests/test_incremental.py` compares them after each kind of edit).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.config import Config
from build_tools.ledger import History, read_history
from build_tools.load import LoadedFiles, load_project
from build_tools.model import Project, Suppression
from build_tools.problems import Problem, Severity
from build_tools.rules import ALL_CODES, RULES, Rule, change_without_correction, unused_waiver
from build_tools.rules.context import Context, place_passages
from build_tools.schema import is_placeholder
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


# The rules whose problems in a file depend only on that file, the sources, the snapshot store's snapshots and the
# rule's options (never on another briefing): the quote rules, the checks of a fact against the sources it cites,
# of a briefing's short answer against its own facts, and the rules on sources alone. Not capture-mismatch: it
# reads the store's `captures/` folder, which the snapshots' index does not cover.
PER_FILE = frozenset({
    "quote-too-short", "quote-too-long", "quote-without-words", "quote-not-unique", "quote-not-in-snapshot",
    "ellipsis-gap-too-long", "fact-beyond-quotes", "fact-after-sources", "state-without-as-of", "unknown-source",
    "cites-only-derived", "bad-short-answer", "missing-url", "mixed-script-hostname", "unarchived-dead-link",
    "snapshot-hash-mismatch", "snapshot-missing", "duplicate-snapshot", "undeclared-near-duplicate",
    "bad-relation",
})


@dataclass(frozen=True)
class _Previous:
    """What a whole lint found, to lint again only what changed (see the module's docstring)."""

    config: Config
    project: Project
    snapshots: dict[str, Path]  # the store as scanned: each snapshot's hash → its file
    store_exists: bool  # an empty store and none at all are told apart (snapshot-missing)
    problems: dict[str, tuple[Problem, ...]]  # of each rule in PER_FILE, in every file


@dataclass
class LintMemory:
    """What a session keeps between lints of a project, each part bounded by the project (see session.py):
    the files of the latest load and what they gave, what is known of the snapshots, the git history
    of the latest lint (reused while HEAD and the edits are the same), and the problems each per-file rule
    found in every file. `rechecked`: the briefings the latest lint checked with the per-file rules (None: all)."""

    files: LoadedFiles = field(default_factory=LoadedFiles)
    snapshots: SnapshotMemory = field(default_factory=SnapshotMemory)
    history: History | None = None
    previous: _Previous | None = None
    rechecked: frozenset[str] | None = None


def lint_project(config: Config, only: Iterable[str] = (), memory: LintMemory | None = None,
                 overlays: Mapping[str, bytes] | None = None) -> LintResult:
    """Load and check the whole project; report only problems in `only` (paths) when given. A session
    passes its `memory`, which this lint uses and updates. `overlays`: file bytes by path in the project,
    read instead of the disk (an editor's unsaved buffers; see `load.load_project`)."""
    return check_loaded(load_for_lint(config, memory, overlays), only)


@dataclass(frozen=True)
class Loaded:
    """A lint's first half: the project loaded (with the problems of loading it), its git history and the
    snapshot store, before any rule ran. A publisher may list the pages to come from it while the rules run."""

    config: Config
    project: Project
    problems: list[Problem]
    history: History
    store: SnapshotStore
    memory: LintMemory
    overlays: Mapping[str, bytes] | None

    @property
    def errors(self) -> bool:
        """Whether loading found errors (a file that did not parse, say): then the project is partial."""
        return any(p.severity is Severity.ERROR for p in self.problems)


def load_for_lint(config: Config, memory: LintMemory | None = None, overlays: Mapping[str, bytes] | None = None
                  ) -> Loaded:
    """The first half of `lint_project`: load the project, read its history, open the store."""
    memory = memory or LintMemory()
    project, problems = load_project(config, memory.files, overlays=overlays)
    history = read_history(config.root, config.cache_dir, project, memory.history)
    memory.history = history
    store = SnapshotStore(config.snapshots, config.cache_dir, memory.snapshots)
    return Loaded(config, project, problems, history, store, memory, overlays)


def check_loaded(loaded: Loaded, only: Iterable[str] = ()) -> LintResult:
    """The second half of `lint_project`: run the rules over what `load_for_lint` gave (once)."""
    config, project, problems, history, store = (loaded.config, loaded.project, list(loaded.problems),
                                                 loaded.history, loaded.store)
    memory, overlays = loaded.memory, loaded.overlays
    wanted = set(only)
    focus = frozenset(wanted) if wanted else None
    again = _changed_briefings(memory.previous, config, project, store) if focus is None and not overlays else None
    local = again if again is not None else focus
    store.prepare(project.quotes(local))  # placed in one pass, one snapshot at a time
    passages = place_passages(project, store, local)
    # Only per-file rules read the quoted passages (a test checks): in an incremental lint the others are given
    # none, rather than every quote of the project placed again.
    everywhere = passages if again is None else ()
    found: dict[str, tuple[Problem, ...]] = {}
    for rule in _enabled_rules(config):
        options = config.rule_options.get(rule.code.name, {})
        incremental = again is not None and rule.code.name in PER_FILE
        context = Context(project, store, config.snapshots_origin, options, config.cache_dir,
                          local if incremental else focus, passages if incremental else everywhere, _CODES, history)
        checked = tuple(rule.check(context))
        if incremental and again is not None and memory.previous is not None:
            paths = set(project.files)
            checked = (*(p for p in memory.previous.problems.get(rule.code.name, ()) if p.where.path not in again
                         and p.where.path in paths), *(p for p in checked if p.where.path in again))
        found[rule.code.name] = checked
        problems.extend(checked)
    if not overlays:  # an editor's unsaved buffers (a keystroke each) do not rewrite the placements file
        store.save(prune=local is None and project.briefings_complete)
    if focus is None and not overlays:
        memory.previous = _Previous(config, project, dict(store.index()), store.exists,
                                    {name: found[name] for name in PER_FILE if name in found})
        memory.rechecked = again
    if wanted:
        problems = [p for p in problems if p.where.path in wanted]
    kept, suppressed = _apply_suppressions(project, problems)
    if not wanted and not any(p.severity is Severity.ERROR for p in kept):
        unused = _unused_waivers(project, suppressed, config, history)
        if unused:
            more, accepted = _apply_suppressions(project, unused)
            kept, suppressed = kept + more, suppressed + accepted
    return LintResult(project, tuple(sorted(kept, key=Problem.sort_key)),
                      tuple(sorted(suppressed, key=Problem.sort_key)), store, history)


def _changed_briefings(previous: _Previous | None, config: Config, project: Project, store: SnapshotStore
                       ) -> frozenset[str] | None:
    """The briefing files changed (added or removed) since the previous whole lint, when nothing else that a
    per-file rule reads changed: the configuration, the sources (the very same objects), the snapshot store
    (each file's hash and name); else None (check everything)."""
    if previous is None or previous.config != config:
        return None
    if store.index() != previous.snapshots or store.exists != previous.store_exists \
            or project.broken_sources != previous.project.broken_sources:
        return None
    before = previous.project.sources
    if before.keys() != project.sources.keys() or any(project.sources[k] is not v for k, v in before.items()):
        return None
    if [path for path in project.files if path.startswith("sources/")] != [
            path for path in previous.project.files if path.startswith("sources/")]:
        return None  # a source file that could not be read (or now can)
    old = {briefing.path: briefing for briefing in previous.project.briefings}
    new = {briefing.path: briefing for briefing in project.briefings}
    changed = {path for path, briefing in new.items() if old.get(path) is not briefing}
    return frozenset(changed | (old.keys() - new.keys()))


_CODES = {code.code: code for code in ALL_CODES}
_EVIDENCE = frozenset(code.code for code in ALL_CODES if not code.waivable)
_LEDGER = change_without_correction.CODE.code  # runs only in a git history


def _enabled_rules(config: Config) -> list[Rule]:
    """The rules not disabled in briefings.toml (which refuses to disable an evidence rule)."""
    disabled = config.disabled_rules
    return [rule for rule in RULES if rule.code.code not in disabled and rule.code.name not in disabled]


def _unused_waivers(project: Project, accepted: list[Problem], config: Config, history: History) -> list[Problem]:
    """unused-waiver (CIT012): each code of a `lint: ignore` that accepted no problem of its fact or source, when
    its rule ran in full (enabled; the ledger's rule only in a git history). Codes CIT011 refuses are its own."""
    if unused_waiver.CODE.code in config.disabled_rules or unused_waiver.CODE.name in config.disabled_rules:
        return []
    used = {(problem.subject, problem.code) for problem in accepted}
    ran = {rule.code.code: rule.code for rule in _enabled_rules(config)
           if rule.code.waivable and rule.code.about and (history.available or rule.code.code != _LEDGER)}
    found = []
    for subject, suppression in _waivers(project):
        for code in sorted(suppression.codes):
            known = ran.get(code)
            if known is None or known.about != subject.partition(":")[0] or (subject, code) in used:
                continue
            found.append(Problem.of(unused_waiver.CODE, suppression.code_at.get(code, suppression.at),
                                    f"'lint: ignore' accepts {code} ({known.name}), but this {known.about} has no "
                                    f"such problem now; remove {code} from the list, or the next problem of that "
                                    "kind here would be accepted for this reason", subject))
    return found


def _waivers(project: Project) -> Iterator[tuple[str, Suppression]]:
    """Each `lint: ignore` with the subject whose problems it may accept."""
    for source in project.sources.values():
        if source.suppression:
            yield f"source:{source.id}", source.suppression
    for fact in project.facts:
        if fact.suppression:
            yield fact.subject, fact.suppression


def _apply_suppressions(project: Project, problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """Move the problems that `lint: ignore` accepts aside; an evidence error is never accepted, and a waiver whose
    reason is still the placeholder `briefings new` writes (itself an error) accepts nothing, as one with none."""
    by_subject = {subject: waiver for subject, waiver in _waivers(project) if not is_placeholder(waiver.reason)}
    kept: list[Problem] = []
    suppressed: list[Problem] = []
    for problem in problems:
        rule = by_subject.get(problem.subject)
        accepted = rule is not None and problem.code in rule.codes and problem.code not in _EVIDENCE
        (suppressed if accepted else kept).append(problem)
    return kept, suppressed

"""The ledger: every change to every fact, from the git history of `briefings/` and `sources/`.

`ledger_store` turns the commits up to HEAD into the facts each one changed (read once per HEAD,
cached); here those changes, and the working tree's own, are assembled into each fact's *life*:
added, edited or reworded, re-dated, cited, re-statused, corrected, renamed (`replaces:`), moved,
removed. The working tree is "now": its facts are compared with HEAD's on every read, so an edit
that is not yet committed shows at once, as a change without a commit.

In a long-lived process (`mkdocs serve`), pass the previous `History`: the lives as the commits
leave them are kept in it and only the facts an edit touches are assembled again, so an edit costs
one `git rev-parse` and a comparison of each fact with HEAD's. Outside a git repository there is no
ledger and `History.note` says why. In a shallow clone the history starts at the boundary commit:
facts already there count as published before it, and the note says to fetch the whole history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from build_tools import gitlog, load
from build_tools.ledger_store import Commit, Committed, FactPair, SourcePair, read_committed
from build_tools.model import Briefing, Project
from build_tools.substance import (
    ADDED,
    CORRECTED,
    KIND_ORDER,
    REMOVED,
    RENAMED,
    RESTORED,
    FactState,
    SourceState,
    differences,
    source_differences,
)

__all__ = ["Change", "Commit", "History", "Life", "SourceChange", "no_history", "read_history"]


@dataclass(frozen=True, slots=True)
class Change:
    """One change in a fact's life. `commit` is None for an edit not yet committed."""

    kind: str  # see substance: added, edited, reworded, redated, ..., removed
    fact: str  # the fact's id after the change (its last id when removed)
    briefing: str
    commit: Commit | None
    seq: int  # position of the commit in the history; the working tree comes last
    before: str
    after: str
    detail: str
    substantive: bool
    source: str = ""  # for a change of citation: the source's id


@dataclass(frozen=True)
class Life:
    """A fact from its first commit to now (or to its removal), across renames."""

    ids: tuple[str, ...]  # oldest first; the last is its id now
    published: Commit | None  # the commit that first had it; None if not committed, or before the history
    before_history: bool  # it was already there where a shallow history starts
    changes: tuple[Change, ...]
    removed: bool
    corrected: Mapping[tuple[str, int], Commit | None]  # correction entry (date, rank) → commit that added it
    last: FactState

    @property
    def was_published(self) -> bool:
        return self.published is not None or self.before_history


@dataclass(frozen=True, slots=True)
class SourceChange:
    source: str
    commit: Commit | None
    seq: int
    kind: str  # added, removed, or source-changed
    detail: str
    before: str
    after: str


@dataclass(frozen=True)
class _Base:
    """The lives as the commits leave them, assembled once per HEAD (and set of renames)."""

    committed_aliases: Mapping[str, str]
    aliases: Mapping[str, str]
    alive: Mapping[str, Life]
    dead: Mapping[str, Life]
    by_briefing: Mapping[str, tuple[Change, ...]]
    by_source: Mapping[str, tuple[SourceChange, ...]]


Overlay = tuple[tuple[FactPair, ...], tuple[SourcePair, ...]]
T = TypeVar("T")


@dataclass(frozen=True)
class History:
    """Every fact's life, for the corrections rule, the pages and the feeds."""

    available: bool
    note: str  # why there is no history, or why it is partial; "" when complete
    commits: tuple[Commit, ...] = ()
    lives: Mapping[str, Life] = field(default_factory=dict)  # facts that exist now, by id
    ended: tuple[Life, ...] = ()  # facts removed
    by_briefing: Mapping[str, tuple[Change, ...]] = field(default_factory=dict)
    by_source: Mapping[str, tuple[SourceChange, ...]] = field(default_factory=dict)
    since: Commit | None = None  # in a shallow clone: the oldest commit known
    renamed: Mapping[str, str] = field(default_factory=dict)  # a former id → the fact's id now
    committed: Committed | None = field(default=None, compare=False, repr=False)
    overlay: Overlay = field(default=((), ()), compare=False, repr=False)
    base: _Base | None = field(default=None, compare=False, repr=False)
    # Each briefing's fact states, by the identity of its (unchanged, reused) Briefing object.
    states: Mapping[int, tuple[Briefing, tuple[FactState, ...]]] = field(default_factory=dict, compare=False,
                                                                         repr=False)


def no_history(reason: str) -> History:
    return History(False, f"no change history: {reason}; the lists of changes and the feeds are empty, and only "
                          "the 'corrections:' entries in the files are shown")


def read_history(root: Path, cache_dir: Path | None, project: Project, previous: History | None = None) -> History:
    """The ledger of the project at `root`, with the working tree as now. `previous` (from the last
    call of a long-lived process) is reused for whatever HEAD and the edits left unchanged."""
    try:
        repository = gitlog.find_repository(root)
        committed = previous.committed if previous is not None and previous.committed is not None and \
            previous.committed.matches(repository) else read_committed(repository, cache_dir)
    except gitlog.GitUnavailable as reason:
        return no_history(str(reason))
    states = _states_now(project, previous)
    overlay = (_overlay_facts(committed, project, states), _overlay_sources(committed, project))
    if previous is not None and previous.committed is committed and previous.overlay == overlay:
        return previous
    same_head = previous is not None and previous.committed is committed
    return _assemble(committed, overlay, previous.base if previous is not None and same_head else None, states,
                     previous)


# --- the working tree ---------------------------------------------------------------------

def _states_now(project: Project, previous: History | None) -> dict[int, tuple[Briefing, tuple[FactState, ...]]]:
    """Each briefing's fact states; those of a briefing loaded as the same object as last time are reused."""
    known = previous.states if previous is not None else {}
    states = {}
    for briefing in project.briefings:
        last = known.get(id(briefing))
        states[id(briefing)] = last if last is not None and last[0] is briefing else (
            briefing, tuple(FactState.of(fact) for fact in briefing.facts))
    return states


def _overlay_facts(committed: Committed, project: Project,
                   states: Mapping[int, tuple[Briefing, tuple[FactState, ...]]]) -> tuple[FactPair, ...]:
    now: dict[str, FactState] = {}
    for _, facts in states.values():
        for state in facts:
            now.setdefault(state.id, state)
    loaded = {briefing.id for briefing in project.briefings}
    present = set(project.files)
    pairs: list[FactPair] = [(committed.facts.get(i), s) for i, s in now.items() if committed.facts.get(i) != s]
    for fact_id, old in committed.facts.items():
        unreadable = old.briefing not in loaded and f"{load.BRIEFINGS_DIR}/{old.briefing}.yaml" in present
        if fact_id not in now and not unreadable:  # a file that does not load now has not removed its facts
            pairs.append((old, None))
    return tuple(sorted(pairs, key=_pair_id))


def _pair_id(pair: FactPair) -> str:
    state = pair[1] or pair[0]
    return state.id if state else ""


def _overlay_sources(committed: Committed, project: Project) -> tuple[SourcePair, ...]:
    now = {source.id: SourceState.of(source) for source in project.sources.values()}
    pairs: list[SourcePair] = [(committed.sources.get(i), s) for i, s in sorted(now.items())
                               if committed.sources.get(i) != s]
    pairs += [(old, None) for i, old in sorted(committed.sources.items())
              if i not in now and i not in project.broken_sources]
    return tuple(pairs)


# --- lives ----------------------------------------------------------------------------------

class _Life:
    """A life while it is being assembled."""

    def __init__(self, state: FactState, published: Commit | None, before_history: bool) -> None:
        self.ids = [state.id]
        self.published = published
        self.before_history = before_history
        self.changes: list[Change] = []
        self.removed = False
        self.corrected: dict[tuple[str, int], Commit | None] = {}
        self.last = state

    @classmethod
    def thaw(cls, life: Life) -> _Life:
        thawed = cls(life.last, life.published, life.before_history)
        thawed.ids, thawed.changes, thawed.removed = list(life.ids), list(life.changes), life.removed
        thawed.corrected = dict(life.corrected)
        return thawed

    def freeze(self) -> Life:
        return Life(tuple(self.ids), self.published, self.before_history, tuple(self.changes), self.removed,
                    dict(self.corrected), self.last)


class _Lives:
    """Lives, assembled step after step. Lives taken from a base stay frozen (and shared) until a step
    changes them."""

    def __init__(self, aliases: Mapping[str, str], base: _Base | None = None) -> None:
        self.aliases = aliases  # fact id → the id it replaces (declared at any time)
        self.alive: dict[str, Life | _Life] = dict(base.alive) if base else {}
        self.dead: dict[str, Life | _Life] = dict(base.dead) if base else {}
        self.touched: set[str] = set()  # briefings with new changes

    def step(self, seq: int, commit: Commit | None, pairs: Iterable[FactPair], baseline: bool) -> None:
        pairs = list(pairs)
        removed = {old.id: old for old, new in pairs if old is not None and new is None}
        for old, new in pairs:
            if old is not None and new is not None:
                life = self._take(self.alive, old.id) or self._born(old, commit, baseline)
                self._record(life, old, new, seq, commit)
        for old, new in pairs:
            if old is None and new is not None:
                self._add(new, removed, seq, commit, baseline)
        for fact_id, old in removed.items():
            ending = self._take(self.alive, fact_id, remove=True)
            if ending is not None:
                self._append(ending, Change(REMOVED, fact_id, old.briefing, commit, seq, old.text, "", "removed",
                                            False))
                ending.removed = True
                self.dead[fact_id] = ending

    def _take(self, lives: dict[str, Life | _Life], fact_id: str, remove: bool = False) -> _Life | None:
        """A life to change (thawed from the base if need be), or None."""
        life = lives.pop(fact_id, None) if remove else lives.get(fact_id)
        if isinstance(life, Life):
            life = _Life.thaw(life)
            if not remove:
                lives[fact_id] = life
        return life

    def _append(self, life: _Life, change: Change) -> None:
        life.changes.append(change)
        self.touched.add(change.briefing)

    def _born(self, state: FactState, commit: Commit | None, baseline: bool) -> _Life:
        life = _Life(state, None if baseline else commit, baseline)
        self.alive[state.id] = life
        return life

    def _add(self, new: FactState, removed: dict[str, FactState], seq: int, commit: Commit | None,
             baseline: bool) -> None:
        former = self.aliases.get(new.id, "")
        renamed = None
        if former and former != new.id:
            if removed.pop(former, None) is not None:
                renamed = self._take(self.alive, former, remove=True)
            renamed = renamed or self._take(self.dead, former, remove=True)
        if renamed is not None:
            life = renamed
            self._append(life, Change(RENAMED, new.id, new.briefing, commit, seq, former, new.id,
                                      f"id ({former} → {new.id})", False))
            life.ids.append(new.id)
        elif new.id in self.dead:
            life = self._take(self.dead, new.id, remove=True) or self._born(new, commit, baseline)
            self._append(life, Change(RESTORED, new.id, new.briefing, commit, seq, "", new.text, "restored", False))
        else:
            life = self._born(new, commit, baseline)
            if not baseline:
                self._append(life, Change(ADDED, new.id, new.briefing, commit, seq, "", new.text, "added", False))
                life.corrected.update((key, commit) for key in new.correction_keys())
            return
        life.removed = False
        self.alive[new.id] = life
        self._record(life, life.last, new, seq, commit)

    def _record(self, life: _Life, old: FactState, new: FactState, seq: int, commit: Commit | None) -> None:
        for difference in differences(old, new):
            self._append(life, Change(difference.kind, new.id, new.briefing, commit, seq, difference.before,
                                      difference.after, difference.detail, difference.substantive,
                                      difference.source))
        known = set(old.correction_keys())
        for key in new.correction_keys():
            if key not in known:
                self._append(life, Change(CORRECTED, new.id, new.briefing, commit, seq, "", key[0],
                                          f"correction of {key[0]} noted", False))
                life.corrected.setdefault(key, commit)
        life.last = new

    def frozen(self) -> tuple[dict[str, Life], dict[str, Life]]:
        def freeze(life: Life | _Life) -> Life:
            return life if isinstance(life, Life) else life.freeze()

        return ({i: freeze(life) for i, life in self.alive.items()},
                {i: freeze(life) for i, life in sorted(self.dead.items())})


def _aliases(pairs: Iterable[FactPair]) -> dict[str, str]:
    return {state.id: state.replaces for pair in pairs for state in pair if state is not None and state.replaces}


def _base(committed: Committed, aliases: Mapping[str, str], committed_aliases: Mapping[str, str]) -> _Base:
    lives = _Lives(aliases)
    boundary = set(committed.shallow)
    for seq, (commit, pairs) in enumerate(zip(committed.commits, committed.fact_steps, strict=True)):
        lives.step(seq, commit, pairs, baseline=commit.sha in boundary)
    alive, dead = lives.frozen()
    return _Base(committed_aliases, aliases, alive, dead, _by_briefing(alive, dead, None, {}),
                 _source_changes(committed.commits, committed.source_steps, boundary, {}))


def _assemble(committed: Committed, overlay: Overlay, base: _Base | None,
              states: Mapping[int, tuple[Briefing, tuple[FactState, ...]]], previous: History | None = None) -> History:
    committed_aliases = base.committed_aliases if base else _aliases(p for s in committed.fact_steps for p in s)
    aliases = {**committed_aliases, **_aliases(overlay[0])}
    if base is None or base.aliases != aliases:
        base = _base(committed, aliases, committed_aliases)
    commits = committed.commits
    lives = _Lives(aliases, base)
    lives.step(len(commits), None, overlay[0], baseline=False)
    alive, dead = lives.frozen()
    last = previous or History(False, "")
    alive = _same_as_before(alive, last.lives)
    dead = _same_as_before(dead, {life.ids[-1]: life for life in last.ended})
    by_briefing = _same_as_before(_by_briefing(alive, dead, lives.touched, base.by_briefing), last.by_briefing)
    boundary = set(committed.shallow)
    by_source = _same_as_before(_source_changes((None,), (overlay[1],), boundary, base.by_source,
                                                first_seq=len(commits)), last.by_source)
    since = commits[0] if commits and commits[0].sha in boundary else None
    note = ""
    if since is not None:
        note = (f"the git history is shallow: it starts at {since.describe()}, and changes before it are not "
                "shown; fetch the whole history (actions/checkout with 'fetch-depth: 0', or "
                "'git fetch --unshallow')")
    renamed = {former: fact_id for fact_id, life in alive.items() for former in life.ids[:-1]}
    return History(True, note, commits, alive, tuple(dead.values()), by_briefing, by_source, since, renamed,
                   committed, overlay, base, states)


def _same_as_before(found: dict[str, T], last: Mapping[str, T]) -> dict[str, T]:
    """`found`, each value equal to the last history's replaced by that very object: a long-lived process
    (whose memo compares inputs by identity) then renders again only what changed, even after a commit."""
    return {key: last[key] if key in last and last[key] is not value and last[key] == value else value
            for key, value in found.items()}


def _by_briefing(alive: Mapping[str, Life], dead: Mapping[str, Life], touched: set[str] | None,
                 known: Mapping[str, tuple[Change, ...]]) -> dict[str, tuple[Change, ...]]:
    """Each briefing's changes, in order; only the `touched` ones are gathered again (all when None)."""
    gathered: dict[str, list[Change]] = {}
    if touched is None or touched:
        for life in (*alive.values(), *dead.values()):
            for change in life.changes:
                if touched is None or change.briefing in touched:
                    gathered.setdefault(change.briefing, []).append(change)
    result = dict(known)
    result.update((b, tuple(sorted(changes, key=_change_order))) for b, changes in gathered.items())
    return result


def _change_order(change: Change) -> tuple[int, str, int]:
    return (change.seq, change.fact, KIND_ORDER.index(change.kind))


def _source_changes(commits: tuple[Commit | None, ...], steps: tuple[tuple[SourcePair, ...], ...],
                    boundary: set[str], known: Mapping[str, tuple[SourceChange, ...]],
                    first_seq: int = 0) -> dict[str, tuple[SourceChange, ...]]:
    found: dict[str, list[SourceChange]] = {}
    for seq, (commit, pairs) in enumerate(zip(commits, steps, strict=True), start=first_seq):
        if commit is not None and commit.sha in boundary:
            continue
        for old, new in pairs:
            if old is None and new is not None:
                changes = [SourceChange(new.id, commit, seq, ADDED, "added", "", new.title)]
            elif new is None and old is not None:
                changes = [SourceChange(old.id, commit, seq, REMOVED, "removed", old.title, "")]
            elif old is not None and new is not None:
                changes = [SourceChange(new.id, commit, seq, d.kind, d.detail, d.before, d.after)
                           for d in source_differences(old, new)]
            for change in changes:
                found.setdefault(change.source, []).append(change)
    result = dict(known)
    result.update((source, known.get(source, ()) + tuple(changes)) for source, changes in found.items())
    return result

"""What the commits say about each fact, read from git once per HEAD and kept in the cache.

One `git log` pass lists the commits on HEAD's first-parent line that touched `briefings/` or
`sources/` and the blob of each file they changed; each version is read with the same loader as
the working tree (`load.read_version`) and reduced to plain `FactState`s, and each commit becomes
the list of facts it changed, (before, after), found by id. The result for a HEAD is kept under
`build/cache/ledger-<code>/<HEAD>.json` with a checksum (`cache_files`); an entry is used only
when its checksum, the HEAD inside it, the project's folder in the repository and the shallow
boundary all match, so a damaged or stale entry is a miss. When HEAD moves on, the entry of its
nearest cached first parent is extended with the new commits only (`git log <that>..HEAD`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from build_tools import dates, file_cache, gitlog, load, model, schema, substance, syntax_codes, yaml_nodes
from build_tools.cache_files import read_json, write_json
from build_tools.dates import PartialDate
from build_tools.model import Briefing, Source
from build_tools.substance import FactState, SourceState

FOLDERS = (load.BRIEFINGS_DIR, load.SOURCES_DIR)
# Entries are named by the code that made them: the modules that read and compare versions.
CODE = hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in (
    substance, gitlog, load, model, schema, syntax_codes, yaml_nodes, dates) if m.__file__)).hexdigest()[:16]
KEEP_ENTRIES = 8  # per code version, one per HEAD seen; older ones are removed
ANCESTORS = 64  # how far back along first parents to look for a cached entry to extend

FactPair = tuple[FactState | None, FactState | None]
SourcePair = tuple[SourceState | None, SourceState | None]


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    time: int  # committer time, seconds since the epoch

    @property
    def short(self) -> str:
        return self.sha[:7]

    def iso(self) -> str:
        """RFC 3339 in UTC, as Atom wants it."""
        return dt.datetime.fromtimestamp(self.time, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def day(self) -> PartialDate:
        moment = dt.datetime.fromtimestamp(self.time, dt.UTC)
        return PartialDate(moment.year, moment.month, moment.day)

    def describe(self) -> str:
        return f"commit {self.short} ({self.day.display()})"


@dataclass(frozen=True)
class Committed:
    """The facts each commit changed, up to HEAD, and the files at HEAD: the cached part of the ledger."""

    head: str | None
    prefix: str
    shallow: tuple[str, ...]
    commits: tuple[Commit, ...]
    fact_steps: tuple[tuple[FactPair, ...], ...]  # for each commit, the facts it changed (before, after)
    source_steps: tuple[tuple[SourcePair, ...], ...]
    briefing_files: Mapping[str, tuple[FactState, ...]]  # at HEAD
    source_files: Mapping[str, SourceState]
    facts: Mapping[str, FactState] = field(init=False, compare=False, repr=False)
    sources: Mapping[str, SourceState] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        facts: dict[str, FactState] = {}
        for path in sorted(self.briefing_files):
            for state in self.briefing_files[path]:
                facts.setdefault(state.id, state)
        object.__setattr__(self, "facts", facts)
        object.__setattr__(self, "sources", {s.id: s for s in self.source_files.values()})

    def matches(self, repository: gitlog.Repository) -> bool:
        return (self.head, self.prefix, self.shallow) == (repository.head, repository.prefix, repository.shallow)


def read_committed(repository: gitlog.Repository, cache_dir: Path | None) -> Committed:
    """The commits' part of the ledger: from the cache, by extending a cached ancestor, or from git."""
    cached = _read_entry(cache_dir, repository, repository.head)
    if cached is not None:
        return cached
    base = _nearest_cached(repository, cache_dir)
    raws = gitlog.log(repository, FOLDERS, since=base.head if base is not None else None)
    replay = _Replay(base, cache_dir)
    with gitlog.BlobReader(repository.root) as blobs:
        steps = [replay.apply(raw, blobs) for raw in raws]
    committed = Committed(
        repository.head, repository.prefix, repository.shallow,
        (base.commits if base else ()) + tuple(Commit(raw.sha, raw.time) for raw in raws),
        (base.fact_steps if base else ()) + tuple(facts for facts, _ in steps),
        (base.source_steps if base else ()) + tuple(sources for _, sources in steps),
        {path: tuple(states.values()) for path, states in replay.files.items()},
        dict(replay.source_files),
    )
    _write_entry(cache_dir, committed)
    return committed


def _nearest_cached(repository: gitlog.Repository, cache_dir: Path | None) -> Committed | None:
    if cache_dir is None or not (cache_dir / f"ledger-{CODE}").is_dir():
        return None
    for sha in gitlog.first_parents(repository, ANCESTORS)[1:]:
        entry = _read_entry(cache_dir, repository, sha)
        if entry is not None:
            return entry
    return None


class _Replay:
    """The files' states, commit after commit; each commit turned into the facts it changed."""

    def __init__(self, base: Committed | None, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self.files: dict[str, dict[str, FactState]] = {}
        self.owners: dict[str, list[str]] = {}  # fact id → the files holding it, sorted (the first one wins)
        self.source_files: dict[str, SourceState] = dict(base.source_files) if base else {}
        self.parsed: dict[tuple[str, str], Any] = {}
        self.checked = file_cache.Checked()  # values already found valid in this pass
        for path, states in (base.briefing_files.items() if base else ()):
            self._set_file(path, {s.id: s for s in states})

    def apply(self, raw: gitlog.RawCommit, blobs: gitlog.BlobReader) -> tuple[tuple[FactPair, ...],
                                                                               tuple[SourcePair, ...]]:
        briefings: dict[str, dict[str, FactState]] = {}
        sources: dict[str, SourceState | None] = {}
        for version in raw.files:
            folder = _folder(version.path)
            if folder is None:
                continue
            parsed = None if version.blob is None else self._read(version.path, version.blob, folder, blobs)
            if version.blob is not None and parsed is None:
                continue  # unreadable in this commit: it published nothing new
            if folder == load.BRIEFINGS_DIR:
                briefings[version.path] = parsed or {}
            else:
                sources[version.path] = parsed
        return self._apply_briefings(briefings), self._apply_sources(sources)

    def _read(self, path: str, blob: str, folder: str, blobs: gitlog.BlobReader) -> Any:
        key = (path, blob)
        if key not in self.parsed:
            data = blobs.read(blob)
            record = schema.BRIEFING if folder == load.BRIEFINGS_DIR else schema.SOURCE
            value = None if data is None else load.read_version(path, data, record, self.cache_dir, self.checked)
            if isinstance(value, Briefing):
                states: dict[str, FactState] = {}
                for fact in value.facts:
                    states.setdefault(fact.id, FactState.of(fact))
                self.parsed[key] = states
            else:
                self.parsed[key] = SourceState.of(value) if isinstance(value, Source) else None
        return self.parsed[key]

    def _fact(self, fact_id: str) -> FactState | None:
        owners = self.owners.get(fact_id)
        return self.files[owners[0]][fact_id] if owners else None

    def _set_file(self, path: str, states: dict[str, FactState]) -> None:
        for fact_id in self.files.get(path, {}):
            self.owners[fact_id].remove(path)
            if not self.owners[fact_id]:
                del self.owners[fact_id]
        if states:
            self.files[path] = states
        else:
            self.files.pop(path, None)
        for fact_id in states:
            self.owners.setdefault(fact_id, []).append(path)
            self.owners[fact_id].sort()

    def _apply_briefings(self, changed: dict[str, dict[str, FactState]]) -> tuple[FactPair, ...]:
        touched = sorted({i for path, states in changed.items() for i in (*self.files.get(path, {}), *states)})
        before = {fact_id: self._fact(fact_id) for fact_id in touched}
        for path, states in changed.items():
            self._set_file(path, states)
        after = {fact_id: self._fact(fact_id) for fact_id in touched}
        return tuple((before[i], after[i]) for i in touched if before[i] != after[i])

    def _apply_sources(self, changed: dict[str, SourceState | None]) -> tuple[SourcePair, ...]:
        pairs = []
        for path in sorted(changed):
            old, new = self.source_files.get(path), changed[path]
            if new is None:
                self.source_files.pop(path, None)
            else:
                self.source_files[path] = new
            if old != new:
                pairs.append((old, new))
        return tuple(pairs)


def _folder(path: str) -> str | None:
    """`briefings` or `sources` for a project file the loader reads (`<folder>/<name>.yaml`)."""
    parts = PurePosixPath(path).parts
    if len(parts) == 2 and parts[0] in FOLDERS and parts[1].endswith(".yaml"):
        return parts[0]
    return None


# --- the cache entry ------------------------------------------------------------------------
# Each distinct fact state is written once, in "states"; steps and files name states by index.

def _entry_path(cache_dir: Path, head: str) -> Path:
    return cache_dir / f"ledger-{CODE}" / f"{head}.json"


def _write_entry(cache_dir: Path | None, committed: Committed) -> None:
    if cache_dir is None or committed.head is None:
        return
    write_json(_entry_path(cache_dir, committed.head), _encode(committed))
    entries = sorted((cache_dir / f"ledger-{CODE}").glob("*.json"), key=_mtime, reverse=True)
    for stale in entries[KEEP_ENTRIES:]:
        stale.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _read_entry(cache_dir: Path | None, repository: gitlog.Repository, head: str | None) -> Committed | None:
    """The cached ledger up to `head`, if its entry is intact and was made for this repository as it is."""
    if cache_dir is None or head is None:
        return None
    raw = read_json(_entry_path(cache_dir, head))
    if raw is None:
        return None
    try:
        return _decode(raw, repository, head)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return None


def _encode(committed: Committed) -> dict[str, Any]:
    states: dict[FactState, int] = {}

    def ref(state: FactState | None) -> int:
        return -1 if state is None else states.setdefault(state, len(states))

    steps = [[i, ref(old), ref(new)] for i, pairs in enumerate(committed.fact_steps) for old, new in pairs]
    files = {path: [ref(s) for s in facts] for path, facts in committed.briefing_files.items()}
    return {
        "code": CODE, "head": committed.head, "prefix": committed.prefix, "shallow": list(committed.shallow),
        "commits": [[c.sha, c.time] for c in committed.commits], "states": list(states), "facts": steps,
        "sources": [[i, *pair] for i, pairs in enumerate(committed.source_steps) for pair in pairs],
        "briefing_files": files, "source_files": committed.source_files,
    }


def _decode(raw: dict[str, Any], repository: gitlog.Repository, head: str) -> Committed | None:
    if (raw["code"], raw["head"], raw["prefix"], raw["shallow"]) != (CODE, head, repository.prefix,
                                                                      list(repository.shallow)):
        return None
    commits = tuple(Commit(_str(sha), _int(time)) for sha, time in raw["commits"])
    states = [_fact_state(s) for s in raw["states"]]

    def state(index: Any) -> FactState | None:
        return None if _int(index) == -1 else states[_index(index, len(states))]

    fact_steps: list[list[FactPair]] = [[] for _ in commits]
    for step, old, new in raw["facts"]:
        fact_steps[_index(step, len(commits))].append((state(old), state(new)))
    source_steps: list[list[SourcePair]] = [[] for _ in commits]
    for step, old, new in raw["sources"]:
        source_steps[_index(step, len(commits))].append((_source_state(old), _source_state(new)))
    files = {_str(path): tuple(_required(state(i)) for i in indexes) for path, indexes in raw["briefing_files"].items()}
    sources = {_str(path): _required(_source_state(s)) for path, s in raw["source_files"].items()}
    return Committed(head, repository.prefix, repository.shallow, commits, tuple(map(tuple, fact_steps)),
                     tuple(map(tuple, source_steps)), files, sources)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value


def _index(value: Any, length: int) -> int:
    if not 0 <= _int(value) < length:
        raise IndexError("index out of range")
    return int(value)


def _required(value: Any) -> Any:
    if value is None:
        raise TypeError("missing state")
    return value


def _fact_state(raw: Any) -> FactState:
    fact_id, briefing, text, date, as_of, quotes, status, corrections, replaces = raw
    return FactState(_str(fact_id), _str(briefing), _str(text), _str(date), _str(as_of),
                     tuple((_str(s), _str(q)) for s, q in quotes), _str(status),
                     tuple(_str(d) for d in corrections), _str(replaces))


def _source_state(raw: Any) -> SourceState | None:
    if raw is None:
        return None
    if len(raw) != len(SourceState._fields):
        raise ValueError("wrong number of fields")
    return SourceState(*(_str(value) for value in raw))

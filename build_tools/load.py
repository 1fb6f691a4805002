"""Files → model. Reads every source and briefing, validates it once, keeps every location."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Generic, TypeVar

from build_tools import file_cache, schema
from build_tools import syntax_codes as codes
from build_tools.config import Config
from build_tools.dates import EdtfDate, PartialDate
from build_tools.model import (
    Briefing,
    CaptureRef,
    Citation,
    Correction,
    Fact,
    LinkState,
    Project,
    Section,
    SnapshotRef,
    Source,
    Status,
    Suppression,
)
from build_tools.problems import Location, Problem
from build_tools.schema import Fields, Value
from build_tools.yaml_nodes import MAX_BYTES, parse_yaml, too_large

SOURCES_DIR = "sources"
# Builds a model object from a file's fields: (path, fields, problems, the load's parsed dates).
Build = Callable[[str, Fields, list[Problem], dict[str, EdtfDate]], Any]
BRIEFINGS_DIR = "briefings"
T = TypeVar("T")




def project_files(root: Path, folder: str, problems: list[Problem]) -> list[Path]:
    """The `*.yaml` entries of a project folder (of any kind: each is examined when read). A folder that
    exists but cannot be listed is a problem, not silently an empty folder."""
    directory = root / folder
    try:
        with os.scandir(directory) as entries:
            return sorted(directory / entry.name for entry in entries
                          if entry.name.endswith(".yaml") and not entry.name.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as error:
        problems.append(_unreadable(f"{folder}/", f"cannot list the folder: {error.strerror}"))
        return []


Key = tuple[str, str, bytes]  # (record, path, bytes)


class LoadedFiles:
    """What the latest load of a project read and gave, by record, path and bytes: kept by a long-lived
    process (its `Session`), so that an unchanged file gives the very same model object without being
    validated again. Bounded: only the files of the latest load are kept."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.entries: dict[Key, tuple[Any, tuple[Problem, ...]]] = {}

    def recall(self, root: Path) -> dict[Key, tuple[Any, tuple[Problem, ...]]]:
        """What the latest load of `root` gave (nothing when it was another project's)."""
        return self.entries if root == self.root else {}

    def keep(self, root: Path, entries: dict[Key, tuple[Any, tuple[Problem, ...]]]) -> None:
        self.root, self.entries = root, entries


@dataclass(frozen=True)
class FileKind(Generic[T]):
    """A folder of the project, the file format of its files, and how a validated file becomes a model object."""

    folder: str
    record: schema.Record
    build: Callable[[str, Fields, list[Problem], dict[str, EdtfDate]], T | None]


class _Reader:
    """Reads the files of one project: each from what the previous load gave (when its bytes are the same),
    from the file cache, or by validating it; every problem collected in `problems`."""

    def __init__(self, config: Config, remembered: LoadedFiles, distrust: frozenset[str]) -> None:
        self.root = config.root
        self.cache_dir = config.cache_dir
        self.previous = remembered.recall(config.root)
        self.seen: dict[Key, tuple[Any, tuple[Problem, ...]]] = {}
        self.checked = file_cache.Checked(distrust)
        self.problems: list[Problem] = []
        self.files: list[str] = []

    def read(self, kind: FileKind[T]) -> Iterator[tuple[Path, T | None]]:
        """Each file of the kind's folder, in name order, and its model object (None when unusable)."""
        inside = _folder_inside(self.root, kind.folder)
        for path in project_files(self.root, kind.folder, self.problems):
            rel = path.relative_to(self.root).as_posix()
            self.files.append(rel)
            try:
                yield path, self._file(path, rel, inside, kind)
            except Exception as error:  # a bug: say which file it happened on (the CLI prints the note)
                error.add_note(f"while reading {rel}")
                raise

    def _file(self, path: Path, rel: str, folder_inside: bool, kind: FileKind[T]) -> T | None:
        data, problem = _read_inside(self.root, path, rel, folder_inside)
        if problem is not None:
            self.problems.append(problem)
            return None
        key = (kind.record.name, rel, data)
        loaded = self.previous.get(key)
        if loaded is None:
            found: list[Problem] = []
            fields = _read_fields(rel, data, kind.record, found, self.cache_dir, self.checked)
            loaded = (None if fields is None else kind.build(rel, fields, found, self.checked.parsed), tuple(found))
        self.seen[key] = loaded
        self.problems.extend(loaded[1])
        result: T | None = loaded[0]
        return result


def load_project(config: Config, remembered: LoadedFiles | None = None,
                 distrust: frozenset[str] = frozenset()) -> tuple[Project, list[Problem]]:
    """Load every file of the project; problems for what could not be loaded. With `remembered` (a
    session's), unchanged files give the model objects of the previous load, and this load is kept.
    The cache entries of the files in `distrust` are not used."""
    reader = _Reader(config, remembered or LoadedFiles(), distrust)
    sources: dict[str, Source] = {}
    broken: set[str] = set()
    for path, source in reader.read(SOURCES):
        if source is None:
            broken.add(path.stem)
        else:
            sources[source.id] = source
    before = len(reader.problems)
    briefings = tuple(briefing for _, briefing in reader.read(BRIEFINGS) if briefing is not None)
    damaged = reader.checked.verify()
    if damaged:  # a cache entry held a value that validation would refuse: read those files again
        return load_project(config, remembered, distrust | damaged)
    if remembered is not None:
        remembered.keep(config.root, reader.seen)
    project = Project(config.root, config.title, config.description, sources, briefings, frozenset(broken),
                      tuple(reader.files), briefings_complete=len(reader.problems) == before)
    return project, reader.problems


def _read_fields(rel: str, data: bytes, record: schema.Record, problems: list[Problem],
                 cache_dir: Path | None, checked: file_cache.Checked) -> Fields | None:
    cached = file_cache.load(cache_dir, record, data, rel, checked)
    if cached is not None and cached[0] is None:
        cached = None  # a file that does not parse is parsed again: its problem's excerpt is not cached
    if cached is None:
        cached = _validate(rel, data, record)
        file_cache.store(cache_dir, record, data, *cached)
    fields: Fields | None = cached[0]
    problems.extend(cached[1])
    if fields is None:
        return None
    stem = PurePosixPath(rel).stem
    id_problem = schema.id_problem(stem)
    if id_problem is not None:
        problems.append(Problem.of(id_problem[0], Location(rel), f"file name: {id_problem[1]}"))
        return None
    if record is schema.SOURCE and stem in schema.RESERVED_SOURCE_IDS:
        problems.append(Problem.of(codes.INVALID_ID, Location(rel), f"file name: a source cannot be called "
                                   f"'{stem}': the site's index of sources has that address; rename the file"))
        return None
    return fields


def read_version(rel: str, data: bytes, record: schema.Record, cache_dir: Path | None,
                 checked: file_cache.Checked) -> Source | Briefing | None:
    """One version of a project file (an old one from git, say) → its Source or Briefing, or None
    when it cannot be read. Its problems are not reported: they belong to that version."""
    build: Build = _briefing if record is schema.BRIEFING else _source
    problems: list[Problem] = []
    fields = _read_fields(rel, data, record, problems, cache_dir, checked)
    if fields is not None and checked.verify():  # the cache entry held a value validation refuses
        checked.readers.clear()
        fields = _read_fields(rel, data, record, problems, None, checked)
    checked.readers.clear()  # verified: the next version is checked on its own
    return None if fields is None else build(rel, fields, problems, checked.parsed)


def _validate(rel: str, data: bytes, record: schema.Record) -> tuple[Fields | None, list[Problem]]:
    parsed = parse_yaml(rel, data)
    if parsed.root is None:
        return None, list(parsed.problems)
    fields, found = schema.check_file(rel, parsed.root, record)
    return fields, list(parsed.problems) + found


def _read_inside(root: Path, path: Path, rel: str, folder_inside: bool) -> tuple[bytes, Problem | None]:
    """Read a project file, refusing anything (such as a symlink) that resolves outside the project.
    Only a symlink, or a file in a folder that resolves elsewhere, is resolved: resolving costs a
    system call per part of the path."""
    resolved = path
    if path.is_symlink() or not folder_inside:
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop (Python 3.11)
            cause = "a loop" if isinstance(error, RuntimeError) or error.errno == errno.ELOOP else "nothing"
            return b"", _unreadable(rel, f"file is a symbolic link that leads to {cause}; replace it with the "
                                    "file itself or remove it")
        if not resolved.is_relative_to(root.resolve()):
            return b"", _unreadable(rel, f"file resolves outside the project (to {resolved}); replace the "
                                    "symlink with the file itself")
    return _read_regular(resolved, rel)


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _read_regular(path: Path, rel: str) -> tuple[bytes, Problem | None]:
    """The bytes of a regular file of at most MAX_BYTES, examined before reading: a pipe is never opened
    for reading in blocking mode, an oversized file never loaded."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        return b"", _unreadable(rel, f"cannot read file: {error.strerror}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
            return b"", _unreadable(rel, f"file is {kind}, not a regular file; remove it or give it another name")
        if info.st_size > MAX_BYTES:
            return b"", too_large(rel, info.st_size)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_BYTES and (chunk := os.read(fd, MAX_BYTES + 1 - size)):
            chunks.append(chunk)  # at most MAX_BYTES + 1: if it grew since the check, parse_yaml says so
            size += len(chunk)
        return b"".join(chunks), None
    except OSError as error:
        return b"", _unreadable(rel, f"cannot read file: {error.strerror}")
    finally:
        os.close(fd)


def _unreadable(rel: str, message: str) -> Problem:
    return Problem.of(codes.UNREADABLE_FILE, Location(rel), message)


def _folder_inside(root: Path, folder: str) -> bool:
    """Whether a project folder resolves inside the project (it may be a symlink)."""
    try:
        return (root / folder).resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a loop: nothing can be listed in it anyway
        return False


def _valid(fields: Fields | None, *names: str) -> bool:
    """All the named fields were written and accepted."""
    return fields is not None and all(fields.get(n) is not None and fields[n].data is not None for n in names)


def _text(fields: Fields, name: str) -> str | None:
    value = fields.get(name)
    if value is None or value.data in (None, schema.UNKNOWN) or (
            isinstance(value.data, str) and schema.is_placeholder(value.data)):
        return None  # a placeholder was reported while loading (FCT005)
    text: str = value.data
    return text


def _date(fields: Fields, name: str) -> PartialDate | None:
    text = _text(fields, name)
    return None if text is None else PartialDate.parse(text)


def _edtf(fields: Fields, name: str, parsed: dict[str, EdtfDate]) -> EdtfDate | None:
    """The field's date; `parsed` holds those of the load so far (dates repeat, and are frozen)."""
    text = _text(fields, name)
    if text is None:
        return None
    date = parsed.get(text)
    if date is None:
        date = parsed[text] = EdtfDate.parse(text)
    return date


def _ids(fields: Fields, name: str) -> tuple[str, ...]:
    value = fields.get(name)
    return tuple(item.data for item in value.data) if value and value.data else ()


def _id_locations(fields: Fields, name: str) -> tuple[Location, ...]:
    value = fields.get(name)
    return tuple(item.at for item in value.data) if value and value.data else ()


def _locations(fields: Fields) -> dict[str, Location]:
    return {name: value.at for name, value in fields.items()}


def _suppression(fields: Fields) -> Suppression | None:
    value = fields.get("lint")
    if value is None or not _valid(value.data, "ignore", "reason"):
        return None
    items = [item for item in value.data["ignore"].data if item.data is not None]
    return Suppression(frozenset(item.data for item in items), value.data["reason"].data, value.at,
                       {item.data: item.at for item in items})


def _source(rel: str, fields: Fields, problems: list[Problem], parsed: dict[str, EdtfDate]) -> Source | None:
    if not _valid(fields, "title", "outlet", "published", "snapshot") or not _valid(
            fields["snapshot"].data, "sha256"):
        return None
    snapshot = fields["snapshot"].data
    source_id = PurePosixPath(rel).stem
    _require_note_for_unknowns(fields, source_id, problems)
    return Source(
        id=source_id,
        title=_text(fields, "title"),
        outlet=_text(fields, "outlet"),
        original_outlet=_text(fields, "original_outlet"),
        author=_text(fields, "author"),
        published=_edtf(fields, "published", parsed),
        url=_text(fields, "url"),
        snapshot=SnapshotRef(snapshot["sha256"].data, _text(snapshot, "file"), _date(snapshot, "retrieved")),
        derived_from=_ids(fields, "derived_from"),
        republished_from=_ids(fields, "republished_from"),
        notes=_text(fields, "notes"),
        link=LinkState(_text(fields, "url_status") or "unknown", _date(fields, "url_checked"),
                       _text(fields, "archive_url"), _date(fields, "archive_date")),
        capture=_capture(fields),
        path=rel,
        field_at=_locations(fields),
        suppression=_suppression(fields),
    )


def _capture(fields: Fields) -> CaptureRef | None:
    value = fields.get("capture")
    if value is None or not _valid(value.data, "sha256", "record_id", "extractor"):
        return None
    capture: Fields = value.data
    return CaptureRef(capture["sha256"].data, capture["record_id"].data, capture["extractor"].data,
                      _text(capture, "file"), _text(capture, "warc_date"), _text(capture, "payload_digest"),
                      _text(capture, "target_uri"))


def _require_note_for_unknowns(fields: Fields, source_id: str, problems: list[Problem]) -> None:
    unknown = [name for name in ("title", "outlet", "published") if fields[name].data == schema.UNKNOWN]
    if unknown and "notes" not in fields:
        first = fields[unknown[0]]
        problems.append(Problem.of(codes.MISSING_FIELD, first.at, f"'{unknown[0]}' is unknown but "
                                   f"source '{source_id}' has no 'notes'; say what is known and why"))


def _briefing(rel: str, fields: Fields, problems: list[Problem], parsed: dict[str, EdtfDate]) -> Briefing | None:
    if not _valid(fields, "title", "summary", "updated", "sections"):
        return None
    briefing_id = PurePosixPath(rel).stem
    sections = tuple(_section(briefing_id, value.data, parsed) for value in _items(fields["sections"]))
    return Briefing(
        id=briefing_id,
        title=fields["title"].data,
        summary=fields["summary"].data,
        updated=PartialDate.parse(fields["updated"].data),
        sections=tuple(s for s in sections if s is not None),
        path=rel,
        short_answer=_ids(fields, "short_answer"),
        short_answer_at=_id_locations(fields, "short_answer"),
    )


def _section(briefing_id: str, fields: Fields, parsed: dict[str, EdtfDate]) -> Section | None:
    if not _valid(fields, "title"):
        return None
    title = fields["title"].data
    facts = (_fact(briefing_id, title, value, parsed) for value in _items(fields.get("facts")))
    return Section(title, tuple(f for f in facts if f is not None), _text(fields, "display") or "list")


def _items(value: Value | None) -> list[Value]:
    return value.data if value is not None and value.data is not None else []


def _fact(briefing_id: str, section: str, value: Value, parsed: dict[str, EdtfDate]) -> Fact | None:
    fields: Fields = value.data
    if not _valid(fields, "id", "text"):
        return None
    return Fact(
        id=fields["id"].data,
        text=fields["text"].data,
        date=_edtf(fields, "date", parsed),
        as_of=_edtf(fields, "as_of", parsed),
        kind=_text(fields, "kind") or "event",
        citations=tuple(_citations(_items(fields.get("citations")))),
        briefing=briefing_id,
        section=section,
        at=value.at,
        field_at=_locations(fields),
        suppression=_suppression(fields),
        status=_status(fields),
        corrections=tuple(_corrections(_items(fields.get("corrections")))),
        replaces=_text(fields, "replaces"),
        said_by=_text(fields, "said_by"),
    )


def _corrections(values: Iterable[Value]) -> Iterable[Correction]:
    for value in values:
        fields: Fields = value.data
        if _valid(fields, "date", "wrong", "changed"):
            yield Correction(PartialDate.parse(fields["date"].data), _text(fields, "kind") or "correction",
                             fields["wrong"].data, fields["changed"].data, value.at)


def _status(fields: Fields) -> Status | None:
    value = fields.get("status")
    if value is None or not _valid(value.data, "value", "reason"):
        return None
    return Status(value.data["value"].data, _ids(value.data, "by"), value.data["reason"].data)


def _citations(values: Iterable[Value]) -> Iterable[Citation]:
    """Citations with a valid source; a missing or rejected quote is kept as "" so the source still
    counts as cited (its own problem was reported while loading)."""
    for value in values:
        fields: Fields = value.data
        if _valid(fields, "source"):
            quote = fields.get("quote")
            text = quote.data if quote is not None and quote.data is not None else ""
            text = "" if schema.is_placeholder(text) else text  # reported while loading (FCT005)
            context = fields.get("context")
            yield Citation(fields["source"].data, text, fields["source"].at, quote.at if quote else value.at,
                           context.data if context is not None else None, context.at if context else None)


SOURCES = FileKind(SOURCES_DIR, schema.SOURCE, _source)
BRIEFINGS = FileKind(BRIEFINGS_DIR, schema.BRIEFING, _briefing)

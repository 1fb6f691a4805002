"""Files → model. Reads every source and briefing, validates it once, keeps every location."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Generic, NamedTuple, TypeVar

from build_tools import file_cache, schema
from build_tools import syntax_codes as codes
from build_tools.config import Config
from build_tools.dates import EdtfDate, PartialDate
from build_tools.declare import NEEDED, Field, Kind, ListOf, Record
from build_tools.model import Briefing, Citation, Correction, Fact, Project, Source, Suppression
from build_tools.problems import Location, Problem
from build_tools.reread import Layout, layout_of, reread_fact
from build_tools.schema import Fields, Value
from build_tools.yaml_nodes import MAX_BYTES, parse_yaml, too_large

SOURCES_DIR = "sources"
BRIEFINGS_DIR = "briefings"
T = TypeVar("T")


def project_files(root: Path, folder: str, problems: list[Problem]) -> list[Path]:
    """The `*.yaml` entries of a project folder (of any kind: each is examined when read). A folder that
    exists but cannot be listed is a problem, not silently an empty folder."""
    directory = root / folder
    try:
        with os.scandir(directory) as entries:  # names sorted as strings: the order of their paths, faster
            names = sorted(entry.name for entry in entries if entry.name.endswith(".yaml")
                           and not entry.name.startswith("."))
        return [directory / name for name in names]
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
        # For the briefings read from overlays: where their facts stand, by path (with the bytes it is of).
        self.layouts: dict[str, tuple[bytes, Layout]] = {}

    def recall(self, root: Path) -> dict[Key, tuple[Any, tuple[Problem, ...]]]:
        """What the latest load of `root` gave (nothing when it was another project's)."""
        return self.entries if root == self.root else {}

    def keep(self, root: Path, entries: dict[Key, tuple[Any, tuple[Problem, ...]]],
             layouts: dict[str, tuple[bytes, Layout]] | None = None) -> None:
        self.root, self.entries, self.layouts = root, entries, layouts or {}


@dataclass(frozen=True)
class FileKind(Generic[T]):
    """A folder of the project, the file format of its files, the model class they give, and the checks made on
    a model object that need its file's values."""

    folder: str
    record: Record
    model: type[T]
    checks: Callable[[T, Fields, list[Problem]], None] | None = None

    def build(self, rel: str, fields: Fields, problems: list[Problem], dates: dict[str, EdtfDate]) -> T | None:
        """The file's model object, or None when it lacks a value it needs (its problem was reported)."""
        made: T | None = _Builder(rel, dates).record(self.record, fields, Location(rel), ())
        if made is not None and self.checks is not None:
            self.checks(made, fields, problems)
        return made


class _Reader:
    """Reads the files of one project: each from what the previous load gave (when its bytes are the same),
    from the file cache, or by validating it; every problem collected in `problems`. A file in `overlays`
    is read from there instead of the disk (see `load_project`)."""

    def __init__(self, config: Config, remembered: LoadedFiles, distrust: frozenset[str],
                 overlays: Mapping[str, bytes]) -> None:
        self.root = config.root
        self.cache_dir = config.cache_dir
        self.overlays = overlays
        self.previous = remembered.recall(config.root)
        self.layouts = remembered.layouts if remembered.root == config.root else {}
        self.kept_layouts: dict[str, tuple[bytes, Layout]] = {}
        self.seen: dict[Key, tuple[Any, tuple[Problem, ...]]] = {}
        self.checked = file_cache.Checked(distrust)
        self.problems: list[Problem] = []
        self.files: list[str] = []

    def read(self, kind: FileKind[T]) -> Iterator[tuple[Path, T | None]]:
        """Each file of the kind's folder, in name order, and its model object (None when unusable)."""
        inside = _folder_inside(self.root, kind.folder)
        for path in self._paths(kind.folder):
            rel = f"{kind.folder}/{path.name}"
            self.files.append(rel)
            try:
                yield path, self._file(path, rel, inside, kind)
            except Exception as error:  # a bug: say which file it happened on (the CLI prints the note)
                error.add_note(f"while reading {rel}")
                raise

    def _reread(self, rel: str, data: bytes) -> tuple[Any, tuple[Problem, ...]] | None:
        """A briefing being edited (an editor's buffer, or a file saved under `make serve`), from its previous
        version when only one fact changed (`reread`): its other facts stay the very same objects."""
        old = next(((key[2], value) for key, value in self.previous.items()
                     if key[1] == rel and key[0] == schema.BRIEFING.name), None)
        if old is None or old[1][0] is None:
            return None
        old_bytes, (briefing, problems) = old
        known = self.layouts.get(rel)
        layout = known[1] if known is not None and known[0] == old_bytes else layout_of(old_bytes.decode("utf-8"))
        if layout is None:
            return None
        builder = _Builder(rel, self.checked.parsed)
        result = reread_fact(rel, old_bytes, data, briefing, problems, layout,
                             lambda section, value: builder.record(schema.FACT, value.data, value.at,
                                                                   ({"title": section},)))
        if result is None:
            return None
        self.kept_layouts[rel] = (data, layout)  # as many lines, the same items: the same layout
        return result.briefing, result.problems

    def _paths(self, folder: str) -> list[Path]:
        """The folder's files on disk, and those only in an overlay (a new file not saved yet)."""
        paths = project_files(self.root, folder, self.problems)
        unsaved = {self.root / rel for rel in self.overlays if _in_folder(rel, folder)}.difference(paths)
        return sorted([*paths, *unsaved]) if unsaved else paths

    def _file(self, path: Path, rel: str, folder_inside: bool, kind: FileKind[T]) -> T | None:
        overlay = self.overlays.get(rel)
        data, problem = (overlay, None) if overlay is not None else _read_inside(self.root, path, rel, folder_inside)
        if problem is not None:
            self.problems.append(problem)
            return None
        key = (kind.record.name, rel, data)
        loaded = self.previous.get(key)
        if kind.record is schema.BRIEFING and (overlay is not None or self.previous):
            known = self.layouts.get(rel)
            if loaded is not None and known is not None and known[0] == data:
                self.kept_layouts[rel] = known  # unchanged since: its layout still holds
            elif loaded is None:
                loaded = self._reread(rel, data)
        if loaded is None:
            found: list[Problem] = []
            # An overlay's bytes are a moment of typing: validated, never put in the file cache.
            cache_dir = self.cache_dir if overlay is None else None
            fields = _read_fields(rel, data, kind.record, found, cache_dir, self.checked)
            loaded = (None if fields is None else kind.build(rel, fields, found, self.checked.parsed), tuple(found))
        self.seen[key] = loaded
        self.problems.extend(loaded[1])
        result: T | None = loaded[0]
        return result


def load_project(config: Config, remembered: LoadedFiles | None = None,
                 distrust: frozenset[str] = frozenset(), overlays: Mapping[str, bytes] | None = None
                 ) -> tuple[Project, list[Problem]]:
    """Load every file of the project; problems for what could not be loaded. With `remembered` (a
    session's), unchanged files give the model objects of the previous load, and this load is kept.
    The cache entries of the files in `distrust` are not used. `overlays`: the bytes of some files by their
    path in the project (`briefings/x.yaml`), read instead of the disk, and added when not on disk: an
    editor's unsaved buffers (the language server)."""
    reader = _Reader(config, remembered or LoadedFiles(), distrust, overlays or {})
    sources: dict[str, Source] = {}
    broken: set[str] = set()
    for path, source in reader.read(SOURCES):
        if source is None:
            broken.add(path.stem)
        else:
            sources[source.id] = source
    before = len(reader.problems)
    briefings = tuple(sorted((briefing for _, briefing in reader.read(BRIEFINGS) if briefing is not None),
                             key=lambda briefing: config.briefing_rank(briefing.id)))
    damaged = reader.checked.verify()
    if damaged:  # a cache entry held a value that validation would refuse: read those files again
        return load_project(config, remembered, distrust | damaged, overlays)
    if remembered is not None:
        remembered.keep(config.root, reader.seen, reader.kept_layouts)
    project = Project(config.root, config.title, config.description, sources, briefings, frozenset(broken),
                      tuple(reader.files), briefings_complete=len(reader.problems) == before)
    return project, reader.problems


def _in_folder(rel: str, folder: str) -> bool:
    path = PurePosixPath(rel)
    return len(path.parts) == 2 and path.parts[0] == folder and path.suffix == ".yaml" and not path.name.startswith(".")


def _read_fields(rel: str, data: bytes, record: Record, problems: list[Problem],
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
    id_problem = schema.source_id_problem(stem) if record is schema.SOURCE else schema.id_problem(stem)
    if id_problem is not None:
        problems.append(Problem.of(id_problem[0], Location(rel), f"file name: {id_problem[1]}"))
        return None
    return fields


def read_version(rel: str, data: bytes, record: Record, cache_dir: Path | None,
                 checked: file_cache.Checked) -> Source | Briefing | None:
    """One version of a project file (an old one from git, say) → its Source or Briefing, or None
    when it cannot be read. Its problems are not reported: they belong to that version."""
    kind: FileKind[Source] | FileKind[Briefing] = BRIEFINGS if record is schema.BRIEFING else SOURCES
    problems: list[Problem] = []
    fields = _read_fields(rel, data, record, problems, cache_dir, checked)
    if fields is not None and checked.verify():  # the cache entry held a value validation refuses
        checked.readers.clear()
        fields = _read_fields(rel, data, record, problems, None, checked)
    checked.readers.clear()  # verified: the next version is checked on its own
    return None if fields is None else kind.build(rel, fields, problems, checked.parsed)


def _validate(rel: str, data: bytes, record: Record) -> tuple[Fields | None, list[Problem]]:
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


def _locations(fields: Fields) -> dict[str, Location]:
    return {name: value.at for name, value in fields.items()}


def _item_locations(fields: Fields, name: str) -> tuple[Location, ...]:
    value = fields.get(name)
    return tuple(item.at for item in value.data) if value and value.data else ()


class Place(NamedTuple):
    """Where a record was written: its file (and the file's name without `.yaml`), its place, its values, and the
    records it is inside (their model values so far, outermost first)."""

    path: str
    stem: str
    at: Location
    fields: Fields
    outer: tuple[dict[str, Any], ...]


def _citation_place(place: Place) -> dict[str, Any]:
    quote, context = place.fields.get("quote"), place.fields.get("context")
    return {"at": place.fields["source"].at, "quote_at": quote.at if quote else place.at,
            "context_at": context.at if context else None}


def _suppression_place(place: Place) -> dict[str, Any]:
    codes_at = {item.data: item.at for item in place.fields["ignore"].data if item.data is not None}
    return {"at": place.at, "code_at": codes_at}


# The attributes of a model object that are not fields of the file format: where its values were written, and
# what it is part of. Every declared field is read by `_Builder`, whatever its record.
_PLACES: dict[type, Callable[[Place], dict[str, Any]]] = {
    Source: lambda place: {"id": place.stem, "path": place.path, "field_at": _locations(place.fields)},
    Briefing: lambda place: {"id": place.stem, "path": place.path,
                             "short_answer_at": _item_locations(place.fields, "short_answer")},
    Fact: lambda place: {"briefing": place.stem, "section": place.outer[-1]["title"], "at": place.at,
                         "field_at": _locations(place.fields)},
    Citation: _citation_place,
    Correction: lambda place: {"at": place.at},
    Suppression: _suppression_place,
}
_LINE_OR_UNKNOWN, _EDTF_OR_UNKNOWN, _EDTF, _DATE = Kind.LINE_OR_UNKNOWN, Kind.EDTF_OR_UNKNOWN, Kind.EDTF, Kind.DATE


class _Builder:
    """Turns one file's validated values into model objects, as the fields' declarations say (`declare`): a
    field absent, rejected, `unknown` or a placeholder (both reported while loading) takes its default; a record
    without a value for a field it needs is unusable (None)."""

    def __init__(self, path: str, dates: dict[str, EdtfDate]) -> None:
        self.path = path
        self.stem = PurePosixPath(path).stem
        self.dates = dates  # the load's parsed dates, by text (dates repeat, and are frozen)

    def record(self, record: Record, fields: Fields, at: Location, outer: tuple[dict[str, Any], ...]) -> Any:
        values: dict[str, Any] = {}
        inner = (*outer, values)  # a record's needed fields are declared before the records it holds
        groups: dict[str, dict[str, Any]] = {}
        for spec in record.fields:
            if spec.attr is None:
                continue  # checked, not kept
            written = fields.get(spec.name)
            value = spec.default if written is None or written.data is None else self.value(spec, written, inner)
            if value is NEEDED:
                return None
            (values if spec.group is None else groups.setdefault(spec.group, {}))[spec.attr] = value
        for name, members in groups.items():
            values[name] = record.groups[name](**members)
        assert record.model is not None
        place = _PLACES.get(record.model)
        if place is not None:
            values.update(place(Place(self.path, self.stem, at, fields, outer)))
        return record.model(**values)

    def value(self, spec: Field, value: Value, outer: tuple[dict[str, Any], ...]) -> Any:
        """The model's value for a value that was written and accepted."""
        data, kind = value.data, spec.kind
        if isinstance(kind, Record):
            built = self.record(kind, data, value.at, outer)
            return spec.default if built is None else built
        if isinstance(kind, ListOf):
            item = kind.item
            if isinstance(item, Record):
                items = tuple(built for v in data if (built := self.record(item, v.data, v.at, outer)) is not None)
            else:
                assert isinstance(item, Kind)
                items = tuple(self.scalar(item, v.data) for v in data)
            return items if spec.convert is None else spec.convert(items)
        if not spec.needed and (schema.is_placeholder(data) or (data == schema.UNKNOWN and not spec.verbatim)):
            return spec.default
        if (kind is _LINE_OR_UNKNOWN or kind is _EDTF_OR_UNKNOWN) and (data == schema.UNKNOWN
                                                                      or schema.is_placeholder(data)):
            return None
        converted = self.scalar(kind, data)
        return converted if spec.convert is None else spec.convert(converted)

    def scalar(self, kind: Kind, text: str) -> Any:
        if kind is _DATE:
            return PartialDate.parse(text)
        if kind is _EDTF or kind is _EDTF_OR_UNKNOWN:
            date = self.dates.get(text)
            if date is None:
                date = self.dates[text] = EdtfDate.parse(text)
            return date
        return text


def _require_note_for_unknowns(fields: Fields, source_id: str, problems: list[Problem]) -> None:
    """A field written `unknown` needs `notes` saying why."""
    unknown = [spec.name for spec in schema.SOURCE.fields if spec.kind is _LINE_OR_UNKNOWN or spec.kind is
               _EDTF_OR_UNKNOWN if spec.name in fields and fields[spec.name].data == schema.UNKNOWN]
    if unknown and "notes" not in fields:
        first = fields[unknown[0]]
        problems.append(Problem.of(codes.MISSING_FIELD, first.at, f"'{unknown[0]}' is unknown but "
                                   f"source '{source_id}' has no 'notes'; say what is known and why"))


def _source_checks(source: Source, fields: Fields, problems: list[Problem]) -> None:
    _require_note_for_unknowns(fields, source.id, problems)


SOURCES = FileKind(SOURCES_DIR, schema.SOURCE, Source, _source_checks)
BRIEFINGS = FileKind(BRIEFINGS_DIR, schema.BRIEFING, Briefing)

"""Files → model. Reads every source and briefing, validates it once, keeps every location."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path, PurePosixPath
from typing import Any, Generic, NamedTuple, TypeVar

from build_tools import file_cache, schema
from build_tools import syntax_codes as codes
from build_tools.config import Config
from build_tools.dates import EdtfDate, PartialDate
from build_tools.declare import NEEDED, Field, Kind, ListOf, Record
from build_tools.file_cache import Damaged, Raw
from build_tools.model import Briefing, Citation, Correction, Fact, Project, Source, Suppression
from build_tools.problems import Location, Problem
from build_tools.reread import Layout, layout_of, reread_fact
from build_tools.schema import Fields
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
    checks: Callable[[T, Raw, list[Problem]], None] | None = None
    plan: _Plan = field(init=False, repr=False, compare=False)  # how its model object is made (`_plan`)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plan", _plan(self.record))

    def read(self, rel: str, data: bytes, problems: list[Problem], cache_dir: Path | None,
             checked: file_cache.Checked) -> T | None:
        """A file's model object, or None when it is unusable (its problems added to `problems`): made from the file's
        cache entry when it holds a sound one, else by validating the file (and keeping the result in the cache)."""
        made = self._from_cache(rel, data, cache_dir, checked)
        if made is None:
            fields, found = _validate(rel, data, self.record)
            raw = None if fields is None else file_cache.encode_fields(fields)
            file_cache.store(cache_dir, self.record, data, raw, found)
            made = raw, None if raw is None else self.build(rel, raw, checked, None), found
        raw, model, found = made
        problems.extend(found)
        if raw is None:
            return None
        stem = PurePosixPath(rel).stem
        id_problem = schema.source_id_problem(stem) if self.record is schema.SOURCE else schema.id_problem(stem)
        if id_problem is not None:
            problems.append(Problem.of(id_problem[0], Location(rel), f"file name: {id_problem[1]}"))
            return None
        if model is not None and self.checks is not None:
            self.checks(model, raw, problems)
        return model

    def _from_cache(self, rel: str, data: bytes, cache_dir: Path | None, checked: file_cache.Checked
                    ) -> tuple[Raw | None, T | None, list[Problem]] | None:
        cached = file_cache.load(cache_dir, self.record, data, rel, checked)
        if cached is None or cached[0] is None:
            return None  # a file that does not parse is parsed again: its problem's excerpt is not cached
        texts: file_cache.Texts = {}
        try:
            model = self.build(rel, cached[0], checked, texts)
        except Damaged:
            return None
        checked.readers.append((rel, texts))
        return cached[0], model, cached[1]

    def build(self, rel: str, raw: Raw, checked: file_cache.Checked, texts: file_cache.Texts | None) -> T | None:
        """The model object of a file's fields (in a cache entry's form), or None when it lacks a value it needs (its
        problem was reported). With `texts`, the fields come from a cache entry: they are checked as they are read."""
        made: T | None = _Builder(rel, checked, texts).record(self.plan, raw, Location(rel), ())
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
        builder = _Builder(rel, self.checked, None)
        result = reread_fact(rel, old_bytes, data, briefing, problems, layout,
                             lambda section, value: builder.record(_FACT, file_cache.encode_fields(value.data),
                                                                   value.at, ({"title": section},)))
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
            loaded = (kind.read(rel, data, found, cache_dir, self.checked), tuple(found))
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


def read_version(rel: str, data: bytes, record: Record, cache_dir: Path | None,
                 checked: file_cache.Checked) -> Source | Briefing | None:
    """One version of a project file (an old one from git, say) → its Source or Briefing, or None
    when it cannot be read. Its problems are not reported: they belong to that version."""
    kind: FileKind[Source] | FileKind[Briefing] = BRIEFINGS if record is schema.BRIEFING else SOURCES
    problems: list[Problem] = []
    made = kind.read(rel, data, problems, cache_dir, checked)
    if checked.verify():  # the cache entry held a value validation refuses
        checked.readers.clear()
        made = kind.read(rel, data, problems, None, checked)
    checked.readers.clear()  # verified: the next version is checked on its own
    return made


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


class Place(NamedTuple):
    """Where a record was written: its file (and the file's name without `.yaml`), its place, its fields (in a cache
    entry's form) and where each was written, and the records it is inside (their model values so far, outermost
    first)."""

    path: str
    stem: str
    at: Location
    fields: Raw
    field_at: dict[str, Location]
    outer: tuple[dict[str, Any], ...]

    def items_at(self, name: str) -> list[tuple[Any, Location]]:
        """The items of a list field with where each was written (none when it was rejected)."""
        items = self.fields[name][0] if name in self.fields else None
        return [(data, Location(self.path, line, column)) for data, line, column in items or ()]


def _citation_place(place: Place) -> dict[str, Any]:
    return {"at": place.field_at["source"], "quote_at": place.field_at.get("quote", place.at),
            "context_at": place.field_at.get("context")}


# The attributes of a model object that are not fields of the file format: where its values were written, and
# what it is part of. Every declared field is read by `_Builder`, whatever its record.
_PLACES: dict[type, Callable[[Place], dict[str, Any]]] = {
    Source: lambda place: {"id": place.stem, "path": place.path, "field_at": place.field_at},
    Briefing: lambda place: {"id": place.stem, "path": place.path,
                             "short_answer_at": tuple(at for _, at in place.items_at("short_answer"))},
    # (A fact of a section without a title is read, and left out with its section.)
    Fact: lambda place: {"briefing": place.stem, "section": place.outer[-1].get("title"), "at": place.at,
                         "field_at": place.field_at},
    Citation: _citation_place,
    Correction: lambda place: {"at": place.at},
    Suppression: lambda place: {"at": place.at, "code_at": dict(place.items_at("ignore"))},
}
_LINE_OR_UNKNOWN, _EDTF_OR_UNKNOWN, _EDTF, _DATE = Kind.LINE_OR_UNKNOWN, Kind.EDTF_OR_UNKNOWN, Kind.EDTF, Kind.DATE
_DATES = frozenset({_DATE, _EDTF, _EDTF_OR_UNKNOWN})
# A Location from its (path, line, column): half the time of calling the class (a million are made at 100k facts).
_location: Callable[[tuple[str, int, int]], Location] = partial(tuple.__new__, Location)

# Reads one written value of a field (its data, where it stands, the values of the records it is inside) into the
# model's value.
Read = Callable[["_Builder", Any, Location, tuple[dict[str, Any], ...]], Any]


class _Step(NamedTuple):
    key: str
    attr: str | None  # None: checked, not kept
    group: str | None
    default: Any
    read: Read


class _Plan(NamedTuple):
    """How a record's model object is made, worked out once from its declaration (`_plan`) rather than for every
    value: a step per field, in declaration order (a record's needed fields are declared before the records it
    holds, which may read them), and the model's attributes that say where it was written."""

    record: Record
    steps: tuple[_Step, ...]
    place: Callable[[Place], dict[str, Any]] | None


@cache
def _plan(record: Record) -> _Plan:
    assert record.model is not None
    return _Plan(record, tuple(_Step(spec.name, spec.attr, spec.group, spec.default, _reader(spec))
                               for spec in record.fields), _PLACES.get(record.model))


def _reader(spec: Field) -> Read:
    """How a field's written value becomes the model's, as its declaration says (`declare`): a value absent, rejected
    (both reported while loading), `unknown` or a placeholder takes the field's default."""
    kind, default, convert = spec.kind, spec.default, spec.convert
    if isinstance(kind, ListOf):
        item = _item_reader(kind.item, spec)

        def read_list(builder: _Builder, data: Any, at: Location, outer: tuple[dict[str, Any], ...]) -> Any:
            if data is None:
                return default
            if type(data) is not list:
                raise Damaged
            items = tuple(built for value in data if (built := item(builder, *builder.item(value), outer)) is not None)
            return items if convert is None else convert(items)
        return read_list
    if isinstance(kind, Record):
        plan = _plan(kind)

        def read_record(builder: _Builder, data: Any, at: Location, outer: tuple[dict[str, Any], ...]) -> Any:
            if data is None:
                return default
            built = builder.record(plan, _fields_of(data), at, outer)
            return default if built is None else built
        return read_record
    keep, parse = _keeper(kind, spec), _DATE_PARSERS.get(kind)
    optional, unknown_is_none, verbatim = not spec.needed, kind in (_LINE_OR_UNKNOWN, _EDTF_OR_UNKNOWN), spec.verbatim
    if not optional and not unknown_is_none and parse is None and convert is None:
        def read_text(builder: _Builder, data: Any, at: Location, outer: tuple[dict[str, Any], ...]) -> Any:
            if data is not None and builder.texts is not None:
                keep(builder, data)
            return default if data is None else data
        return read_text  # the common case: a needed text, as written

    def read_scalar(builder: _Builder, data: Any, at: Location, outer: tuple[dict[str, Any], ...]) -> Any:
        if data is None:
            return default
        if builder.texts is not None:
            keep(builder, data)
        if optional and (schema.is_placeholder(data) or (data == schema.UNKNOWN and not verbatim)):
            return default
        if unknown_is_none and (data == schema.UNKNOWN or schema.is_placeholder(data)):
            return None
        converted = data if parse is None else parse(builder, data)
        return converted if convert is None else convert(converted)
    return read_scalar


def _item_reader(item: Kind | Record, spec: Field) -> Read:
    """How an item of a list becomes the model's (None: left out)."""
    if isinstance(item, Record):
        plan = _plan(item)
        return lambda builder, data, at, outer: builder.record(plan, _fields_of(data), at, outer)
    keep, parse = _keeper(item, spec), _DATE_PARSERS.get(item)

    def read_item(builder: _Builder, data: Any, at: Location, outer: tuple[dict[str, Any], ...]) -> Any:
        if builder.texts is not None:
            keep(builder, data)
        return data if parse is None else parse(builder, data)
    return read_item


def _keeper(kind: Kind, spec: Field) -> Callable[[_Builder, Any], None]:
    """How a string read back from a cache entry is checked: a date at once (the model is built from it), any other
    text kept to be checked with the others of its field at the end of the load (`file_cache.Checked.verify`)."""
    if kind in _DATES:
        def keep_date(builder: _Builder, data: Any) -> None:
            if type(data) is not str:
                raise Damaged
            builder.checked.date(data, kind, spec)
        return keep_date
    ident = id(spec)

    def keep_text(builder: _Builder, data: Any) -> None:
        if type(data) is not str:
            raise Damaged
        texts = builder.texts
        assert texts is not None
        found = texts.get(ident)
        if found is None:
            found = texts[ident] = (kind, spec, [])
        found[2].append(data)
    return keep_text


_DATE_PARSERS: dict[Kind, Callable[[_Builder, str], Any]] = {
    _DATE: lambda builder, text: PartialDate.parse(text),
    _EDTF: lambda builder, text: builder.edtf(text),
    _EDTF_OR_UNKNOWN: lambda builder, text: builder.edtf(text),
}


def _fields_of(data: Any) -> Raw:
    """A record's fields from its value's data (`{"": fields}`)."""
    if type(data) is not dict or len(data) != 1 or "" not in data:
        raise Damaged
    fields: Raw = data[""]
    return fields


class _Builder:
    """Turns one file's validated values (in a cache entry's form, `file_cache.encode_fields`) into model objects, as
    the fields' declarations say (`_plan`): a record without a value for a field it needs is unusable (None).

    With `texts`, the values were read back from a cache entry: their shapes are checked as they are read (anything
    validation could not have given raises `Damaged`), dates before they are parsed, and every other string is kept
    in `texts` to be checked at the end of the load (`file_cache.Checked.verify`)."""

    def __init__(self, path: str, checked: file_cache.Checked, texts: file_cache.Texts | None) -> None:
        self.path = path
        self.stem = PurePosixPath(path).stem
        self.checked = checked
        self.dates = checked.parsed  # the load's parsed dates, by text (dates repeat, and are frozen)
        self.texts = texts

    def record(self, plan: _Plan, fields: Raw, at: Location, outer: tuple[dict[str, Any], ...]) -> Any:
        if type(fields) is not dict:
            raise Damaged
        values: dict[str, Any] = {}
        inner = (*outer, values)  # a record's needed fields are declared before the records it holds
        groups: dict[str, dict[str, Any]] = {}
        field_at: dict[str, Location] = {}
        usable, path = True, self.path
        for key, attr, group, default, read in plan.steps:
            written = fields.get(key)
            if written is None:
                value = default
            else:
                try:
                    data, line, column = written
                except (TypeError, ValueError):
                    raise Damaged from None
                if type(line) is not int or type(column) is not int or line < 1 or column < 1:
                    raise Damaged
                where = field_at[key] = _location((path, line, column))
                value = read(self, data, where, inner)
            if value is NEEDED:
                usable = False  # the rest is read all the same: a cache entry is checked whole
            elif attr is not None:
                (values if group is None else groups.setdefault(group, {}))[attr] = value
        if len(field_at) != len(fields):
            raise Damaged  # a key the record does not declare
        if not usable:
            return None
        record = plan.record
        for name, members in groups.items():
            values[name] = record.groups[name](**members)
        if plan.place is not None:
            values.update(plan.place(Place(self.path, self.stem, at, fields, field_at, outer)))
        assert record.model is not None
        return record.model(**values)

    def item(self, written: Any) -> tuple[Any, Location]:
        """A list item's data and where it was written, from its `[data, line, column]`."""
        try:
            data, line, column = written
        except (TypeError, ValueError):
            raise Damaged from None
        if data is None:
            raise Damaged  # validation leaves a rejected item out of its list
        if type(line) is not int or type(column) is not int or line < 1 or column < 1:
            raise Damaged
        return data, _location((self.path, line, column))

    def edtf(self, text: str) -> EdtfDate:
        date = self.dates.get(text)
        if date is None:
            date = self.dates[text] = EdtfDate.parse(text)
        return date


def _require_note_for_unknowns(source: Source, fields: Raw, problems: list[Problem]) -> None:
    """A field written `unknown` needs `notes` saying why."""
    unknown = [spec.name for spec in schema.SOURCE.fields if spec.kind is _LINE_OR_UNKNOWN or spec.kind is
               _EDTF_OR_UNKNOWN if spec.name in fields and fields[spec.name][0] == schema.UNKNOWN]
    if unknown and "notes" not in fields:
        problems.append(Problem.of(codes.MISSING_FIELD, source.field_at[unknown[0]], f"'{unknown[0]}' is unknown but "
                                   f"source '{source.id}' has no 'notes'; say what is known and why"))


_FACT = _plan(schema.FACT)  # a fact read again on its own (`reread`)
SOURCES = FileKind(SOURCES_DIR, schema.SOURCE, Source, _require_note_for_unknowns)
BRIEFINGS = FileKind(BRIEFINGS_DIR, schema.BRIEFING, Briefing)

"""How the file format is declared: each field once, on the model class it fills.

As MkDocs declares each configuration option with its type and default on its config class, each
field an editor may write is declared on the model dataclass that holds it:

    @record("citation", "A source id and a short verbatim quote from its snapshot.")
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Citation:
        source: str = declared(Kind.ID, "Id of the source ...", required=True)

    @record("fact", "One neutral, attributed sentence with its date and citations.")
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Fact:
        citations: tuple[Citation, ...] = declared(ListOf(record_of(Citation), 1, 20), "Where ...", default=())

The declaration gives the field's key, its kind (which fixes the validator, the JSON Schema fragment
and how the value becomes the model's: `schema`), its documentation (the schema's description and
the editors' hover text), whether an editor must write it, its choices, and its default: the model's
value when the field is absent, rejected, `unknown` or a placeholder. A field without a default is
needed: without a usable value the whole record is unusable (its problem was reported). From these,
`record_of` makes the `Record` that validation (`schema`), the loader (`load`), the exports and the
editors' JSON Schemas walk. Attributes of the model that are not declared (where a value was
written, which briefing a fact belongs to) are filled by the loader.

Two forms besides: `notes: ClassVar[None] = declared(..., kept=False)` declares a field that is read
and checked but not kept in the model, at its place among the others, and `link: LinkState =
group(LinkState)` lets one model attribute hold fields written side by side in the file (each
declared on the group's class with its own `key`).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class Kind(enum.Enum):
    LINE = "single-line text"
    TEXT = "text"
    ID = "id"
    DATE = "date"
    EDTF = "EDTF date"
    EDTF_OR_UNKNOWN = "EDTF date or 'unknown'"
    LINE_OR_UNKNOWN = "single-line text or 'unknown'"
    URL = "URL"
    SHA256 = "SHA-256 digest"
    CODE = "rule code"
    CHOICE = "choice"


class _Needed:
    """The default of a field a record cannot do without."""

    def __repr__(self) -> str:
        return "NEEDED"


NEEDED: Any = _Needed()


@dataclass(frozen=True)
class ListOf:
    item: Kind | Record
    min_items: int = 0
    max_items: int | None = None


@dataclass(frozen=True)
class Field:
    """One key of a record, as validation, the JSON Schema, the loader and the exports see it."""

    name: str  # the key in the file
    kind: Kind | Record | ListOf
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    attr: str | None = None  # the model attribute it fills; None: checked, not kept
    group: str | None = None  # the model attribute of the group holding `attr` (Source.link)
    default: Any = NEEDED
    convert: Callable[[Any], Any] | None = None  # applied to the model's value (e.g. frozenset)
    verbatim: bool = False  # the editor's exact words: `unknown` is a word here, not a missing value
    exported: bool = True  # shown in the data exports
    needed: bool = field(init=False, compare=False, repr=False)  # no default: the record is unusable without it

    def __post_init__(self) -> None:
        object.__setattr__(self, "needed", self.default is NEEDED)


@dataclass(frozen=True)
class Record:
    name: str
    doc: str
    fields: tuple[Field, ...]
    model: type | None = None  # the model class the fields fill
    groups: dict[str, type] = field(default_factory=dict, compare=False, repr=False)  # attribute → group class
    by_name: dict[str, Field] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})


_DECLARED = "briefings.declared"
_GROUP = "briefings.group"


@dataclass(frozen=True)
class _Declaration:
    kind: Kind | Record | ListOf
    doc: str
    required: bool
    choices: tuple[str, ...]
    default: Any
    key: str | None
    convert: Callable[[Any], Any] | None
    verbatim: bool
    exported: bool


def declared(kind: Kind | Record | ListOf, doc: str, *, required: bool = False, choices: tuple[str, ...] = (),
             default: Any = NEEDED, key: str | None = None, convert: Callable[[Any], Any] | None = None,
             verbatim: bool = False, exported: bool = True, kept: bool = True) -> Any:
    """A field of the file format, declared on the model attribute it fills (see the module's docstring).
    `key`: its key in the file, when not the attribute's name; `kept=False`: on a `ClassVar`, a field read
    and checked but not kept."""
    declaration = _Declaration(kind, doc, required, choices, default if kept else None, key, convert, verbatim,
                               exported)
    if default is NEEDED or not kept:
        return dataclasses.field(metadata={_DECLARED: declaration})
    return dataclasses.field(default=default, metadata={_DECLARED: declaration})


def group(model: type) -> Any:
    """A model attribute holding the fields declared on `model`, written side by side in the file."""
    return dataclasses.field(default_factory=model, metadata={_GROUP: model})


_RECORD = "__briefings_record__"  # the class attribute holding a model class's record


def record(name: str, doc: str) -> Callable[[type], type]:
    """Makes a model dataclass's record of the file format, named (in messages: "fact has no 'id'") and
    documented; put it above `@dataclass`."""

    def declare(model: type) -> type:
        groups = {f.name: f.metadata[_GROUP] for f in dataclasses.fields(model) if _GROUP in f.metadata}
        setattr(model, _RECORD, Record(name, doc, tuple(_fields(model, None)), model, groups))
        return model

    return declare


def record_of(model: type) -> Record:
    """The record a model class declares (with `record`)."""
    found: Record = vars(model)[_RECORD]
    return found


def _fields(model: type, holder: str | None) -> list[Field]:
    """The declared fields of a model class in the order of its attributes, a group's fields at its place."""
    kept = {f.name for f in dataclasses.fields(model)}
    found: list[Field] = []
    every: dict[str, dataclasses.Field[Any]] = vars(model)["__dataclass_fields__"]
    for attribute in every.values():  # every annotation in order, ClassVars included
        if _GROUP in attribute.metadata:
            found.extend(_fields(attribute.metadata[_GROUP], attribute.name))
        elif _DECLARED in attribute.metadata:
            d: _Declaration = attribute.metadata[_DECLARED]
            found.append(Field(d.key or attribute.name, d.kind, d.doc, d.required, d.choices,
                               attribute.name if attribute.name in kept else None, holder, d.default, d.convert,
                               d.verbatim, d.exported))
    return found

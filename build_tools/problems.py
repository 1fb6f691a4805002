"""The one value every check produces: a `Problem` at a place in a file."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from build_tools.characters import escape_controls

T = TypeVar("T")


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Location(NamedTuple):
    """A place in a project file: a POSIX path relative to the project, 1-based line and column.
    (A named tuple: hundreds of thousands are made while loading, and tuples are cheap.)"""

    path: str
    line: int = 1
    column: int = 1


class OptionError(ValueError):
    """A setting's value has the wrong type or is out of range; the message says what to write."""


@dataclass(frozen=True)
class Option(Generic[T]):
    """One setting, declared once with its type (that of the default), default and documentation,
    as yamllint's rules declare `CONF` and `DEFAULT`. Rules list theirs in `Code.options`; they are
    set under `[lint.<rule-name>]` in `briefings.toml`, validated once when the file is read, and
    documented by `briefings explain` and the rules page.

    Supported types: bool, int, float, str, tuple of str (a TOML array of strings) and dict of str
    to tuple of str (a TOML table of arrays). `check` refines a value: it returns the value to use
    or raises OptionError.
    """

    name: str
    default: T
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    check: Callable[[T], T] | None = None

    @property
    def kind(self) -> str:
        """The type in words, for messages and docs."""
        return _KIND_WORDS[_kind(self.default)]

    def parse(self, value: object) -> T:
        """The value to use for `value` as read from TOML, or OptionError saying what is wrong."""
        parsed = _PARSERS[_kind(self.default)](value)
        if parsed is None:
            raise OptionError(f"'{self.name}' must be {self.kind}, found {_shown(value)}; "
                              f"e.g. {self.name} = {toml_value(self.default)}")
        self._check_range(parsed)
        if self.choices and parsed not in self.choices:
            raise OptionError(f"'{self.name}' must be one of {', '.join(map(json.dumps, self.choices))}; "
                              f"found {_shown(value)}")
        result: T = parsed
        return self.check(result) if self.check is not None else result

    def _check_range(self, value: object) -> None:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return
        if self.minimum is not None and value < self.minimum:
            raise OptionError(f"'{self.name}' must be at least {toml_value(self.minimum)}, found {value}")
        if self.maximum is not None and value > self.maximum:
            raise OptionError(f"'{self.name}' must be at most {toml_value(self.maximum)}, found {value}")

    def describe(self) -> str:
        """One line for the docs: name, type, default and what it does."""
        return f"- `{self.name}` ({self.kind}, default `{toml_value(self.default)}`): {self.doc}"


def _kind(default: object) -> type:
    for kind in (bool, int, float, str, tuple, dict):
        if isinstance(default, kind):
            return kind
    raise TypeError(f"unsupported option type: {type(default).__name__}")


def _strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _table_of_strings(value: object) -> dict[str, tuple[str, ...]] | None:
    if not isinstance(value, dict):
        return None
    table = {key: (item,) if isinstance(item, str) else _strings(item) for key, item in value.items()}
    return None if any(item is None for item in table.values()) else table  # type: ignore[return-value]


_PARSERS: dict[type, Callable[[object], Any]] = {
    bool: lambda v: v if isinstance(v, bool) else None,
    int: lambda v: v if isinstance(v, int) and not isinstance(v, bool) else None,
    float: lambda v: float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None,
    str: lambda v: v if isinstance(v, str) else None,
    tuple: _strings,
    dict: _table_of_strings,
}
_KIND_WORDS = {bool: "true or false", int: "a whole number", float: "a number", str: "a string",
               tuple: "a list of strings", dict: "a table of strings or lists of strings"}


def toml_value(value: object) -> str:
    """`value` written as TOML, for examples in messages and docs."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _shown(value: object) -> str:
    text = toml_value(value) if isinstance(value, str | bool | int | float | list | dict) else repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


EVIDENCE = "it means the quote is not proven by its snapshot, so it stays an error; fix the citation"


@dataclass(frozen=True, slots=True)
class Code:
    """A stable diagnostic code, e.g. ``CIT003`` named ``quote-not-in-snapshot``, and its options."""

    code: str
    name: str
    severity: Severity
    doc: str
    options: tuple[Option[Any], ...] = ()
    # Why `lint: ignore` cannot accept the problem nor briefings.toml disable its rule, for the errors that
    # would leave the evidence or the published site wrong (EVIDENCE: a quote not proven by its snapshot);
    # "" for the others, which can be accepted with a reason.
    firm: str = ""
    # What its problems are about, so what `lint: ignore` on which object can accept them: "fact", "source" or
    # "briefing" (which has no `lint: ignore`); "" for the codes found while reading a file, and for CIT011.
    about: str = ""

    @property
    def waivable(self) -> bool:
        return not self.firm

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""

    def documentation(self) -> str:
        """The docstring, and an "Options" section generated from the declarations (as ruff's docs)."""
        doc = self.doc.strip()
        if not self.options:
            return doc
        lines = "\n".join(option.describe() for option in self.options)
        return f"{doc}\n\n## Options\nSet under `[lint.{self.name}]` in `briefings.toml`:\n\n{lines}"


@dataclass(frozen=True, slots=True)
class Problem:
    where: Location
    code: str
    name: str
    severity: Severity
    message: str
    subject: str = ""  # `Fact.subject` or "source:<id>": what an inline suppression can accept
    excerpt: str = ""  # the line at fault with a caret under the place, for a syntax error (shown under the line)

    def __post_init__(self) -> None:
        # Messages quote input (keys, values, snapshot text, file names): none of it may reach a
        # terminal or a CI log as a control sequence, in any output format.
        if not (self.message.isprintable() and self.where.path.isprintable()):
            object.__setattr__(self, "message", escape_controls(self.message))
            object.__setattr__(self, "where", self.where._replace(path=escape_controls(self.where.path)))
        if self.excerpt and not self.excerpt.replace("\n", "").isprintable():
            object.__setattr__(self, "excerpt", "\n".join(escape_controls(line) for line in self.excerpt.split("\n")))

    @classmethod
    def of(cls, code: Code, where: Location, message: str, subject: str = "") -> Problem:
        return cls(where, code.code, code.name, code.severity, message, subject)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.where.path, self.where.line, self.where.column, self.code)

    def line(self) -> str:
        """The canonical one-line form, parsable by editors and CI."""
        w = self.where
        return f"{w.path}:{w.line}:{w.column}: {self.severity.value} {self.code} {self.message} ({self.name})"

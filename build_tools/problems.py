"""The one value every check produces: a `Problem` at a place in a file."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import NamedTuple


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Location(NamedTuple):
    """A place in a project file: a POSIX path relative to the project, 1-based line and column.
    (A named tuple: hundreds of thousands are made while loading, and tuples are cheap.)"""

    path: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True, slots=True)
class Code:
    """A stable diagnostic code, e.g. ``CIT003`` named ``quote-not-in-snapshot``."""

    code: str
    name: str
    severity: Severity
    doc: str

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""


@dataclass(frozen=True, slots=True)
class Problem:
    where: Location
    code: str
    name: str
    severity: Severity
    message: str
    subject: str = ""  # "fact:<id>" or "source:<id>": what an inline suppression can accept

    @classmethod
    def of(cls, code: Code, where: Location, message: str, subject: str = "") -> Problem:
        return cls(where, code.code, code.name, code.severity, message, subject)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.where.path, self.where.line, self.where.column, self.code)

    def line(self) -> str:
        """The canonical one-line form, parsable by editors and CI."""
        w = self.where
        return f"{w.path}:{w.line}:{w.column}: {self.severity.value} {self.code} {self.message} ({self.name})"

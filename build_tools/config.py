"""Project settings: `briefings.toml` at the project root, plus command-line and environment.

Every setting is declared once (`PROJECT_SETTINGS`, `DISABLE`, and each rule's `Code.options`)
and the file is validated once, here: an unknown table, setting, option or rule code, or a value
of the wrong type, is a `ConfigError` naming `briefings.toml:LINE` and the likely fix (exit 2).
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from build_tools.characters import describe, unsafe_character
from build_tools.problems import Code, Option, OptionError
from build_tools.rules import RULES
from build_tools.syntax_codes import CODES as SYNTAX_CODES

CONFIG_FILE = "briefings.toml"
DEFAULT_SNAPSHOTS = "../shared/seeds"
DEFAULT_OUTPUT = "build/pages"
DEFAULT_CACHE = "build/cache"
SNAPSHOTS_ENV = "BRIEFINGS_SNAPSHOTS"
MAX_TITLE = 200
MAX_DESCRIPTION = 2000


class ConfigError(Exception):
    """The configuration or the command line is unusable (exit code 2).

    `located` errors already begin with `briefings.toml:LINE:`, one line per problem."""

    def __init__(self, message: str, located: bool = False) -> None:
        super().__init__(message)
        self.located = located


def _reader_text(limit: int, one_line: bool) -> Any:
    def check(value: str) -> str:
        value = value.strip()
        bad = unsafe_character(value)
        if bad is not None:
            raise OptionError(f"contains {describe(value[bad])} at character {bad + 1}; delete it")
        if one_line and "\n" in value:
            raise OptionError("must be one line")
        if len(value) > limit:
            raise OptionError(f"is {len(value):,} characters long, over the limit of {limit:,}; shorten it")
        return value
    return check


PROJECT_SETTINGS: tuple[Option[Any], ...] = (
    Option("title", "Sourced Briefings", "The site's name, shown in every page title.",
           check=_reader_text(MAX_TITLE, one_line=True)),
    Option("description", "", "A paragraph for the home page and search results.",
           check=_reader_text(MAX_DESCRIPTION, one_line=False)),
    Option("snapshots", DEFAULT_SNAPSHOTS, "The snapshot directory, relative to this file (overridden by "
           f"`--snapshots DIR` and `${SNAPSHOTS_ENV}`)."),
    Option("output", DEFAULT_OUTPUT, "Where `briefings build` writes the generated pages."),
    Option("order", (), "Briefing ids in the order readers meet them on the home page and in the sidebar "
           "(`briefings/*.md` in `mkdocs.yml`); briefings not named follow by file name."),
    Option("cache", DEFAULT_CACHE, "Where derived data (validated files, quote places) is cached."),
)
DISABLE: Option[tuple[str, ...]] = Option("disable", (), "Rule codes or names to switch off project-wide.")


def _timegate(value: str) -> str:
    value = value.strip()
    if value and not value.startswith(("http://", "https://")):
        raise OptionError("must be an http(s) address, such as 'https://web.archive.org/web/'")
    return value


RECHECK_SETTINGS: tuple[Option[Any], ...] = (
    Option("timegate", "", "A Memento TimeGate to ask for the newest archived copy of each source "
           "(`briefings recheck`); the source's URL is appended, e.g. 'https://web.archive.org/web/'.",
           check=_timegate),
)


@dataclass(frozen=True)
class Config:
    root: Path
    title: str
    description: str
    snapshots: Path
    snapshots_origin: str  # where the snapshot directory came from, for messages
    output: Path
    rule_options: Mapping[str, Mapping[str, Any]]  # validated, by rule name; unset options are absent
    disabled_rules: frozenset[str]
    cache_dir: Path | None = None
    timegate: str = ""  # a Memento TimeGate for `briefings recheck`, or ""
    order: tuple[str, ...] = ()  # briefing ids shown first, in this order

    def briefing_rank(self, briefing_id: str) -> tuple[int, str]:
        """Where a briefing comes on the home page and in the sidebar: those `order` names first, in its order,
        then the others by id (their file name)."""
        try:
            return self.order.index(briefing_id), ""
        except ValueError:
            return len(self.order), briefing_id


def load_config(root: Path, snapshots: str | None = None,
                environ: Mapping[str, str] = os.environ) -> Config:
    root = root.resolve()
    text, data = _read_toml(root / CONFIG_FILE)
    reader = _Reader(text)
    reader.unknown(data, ("project", "lint", "recheck"), (), "table")
    project = reader.settings(data.get("project", {}), ("project",), PROJECT_SETTINGS)
    recheck = reader.settings(data.get("recheck", {}), ("recheck",), RECHECK_SETTINGS)
    disabled, rule_options = reader.lint(data.get("lint", {}))
    for briefing_id in dict.fromkeys(project["order"]):
        if not (root / "briefings" / f"{briefing_id}.yaml").is_file():
            reader.report(("project",), "order", f"[project] order: no briefing '{briefing_id}' "
                          f"(briefings/{briefing_id}.yaml); name an existing briefing's id or remove it")
    if len(set(project["order"])) != len(project["order"]):
        reader.report(("project",), "order", "[project] order: names a briefing twice; keep one")
    if reader.problems:
        raise ConfigError("\n".join(reader.problems), located=True)
    snapshot_dir, origin = _snapshot_dir(root, snapshots, environ, project["snapshots"])
    return Config(
        root=root,
        title=project["title"],
        description=project["description"],
        snapshots=snapshot_dir,
        snapshots_origin=origin,
        output=root / project["output"],
        rule_options=rule_options,
        disabled_rules=disabled,
        cache_dir=root / project["cache"],
        timegate=recheck["timegate"],
        order=project["order"],
    )


def _snapshot_dir(root: Path, option: str | None, environ: Mapping[str, str], configured: str) -> tuple[Path, str]:
    if option:
        return Path(option).resolve(), "--snapshots"
    if environ.get(SNAPSHOTS_ENV):
        return Path(environ[SNAPSHOTS_ENV]).resolve(), f"${SNAPSHOTS_ENV}"
    return (root / configured).resolve(), f"{CONFIG_FILE} [project] snapshots"


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    if not path.exists():
        return "", {}
    try:
        text = path.read_bytes().decode("utf-8")
        return text, tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise ConfigError(f"{CONFIG_FILE}:1: invalid UTF-8 byte 0x{error.object[error.start]:02x}; "
                          "save the file as UTF-8", located=True) from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_POSITION.search(message)
        if found is None:
            raise ConfigError(f"{CONFIG_FILE}:1: invalid TOML: {message}", located=True) from None
        raise ConfigError(f"{CONFIG_FILE}:{found[1]}:{found[2]}: invalid TOML: {message[:found.start()]}",
                          located=True) from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None


_RULE_CODES: dict[str, Code] = {rule.code.name: rule.code for rule in RULES}
_ALL_NAMES = {code.code: code for code in SYNTAX_CODES + tuple(_RULE_CODES.values())}


class _Reader:
    """Checks the parsed file against the declarations; collects one located line per problem."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.problems: list[str] = []

    def report(self, table: tuple[str, ...], key: str | None, message: str) -> None:
        self.problems.append(f"{CONFIG_FILE}:{_line_of(self.lines, table, key)}: {message}")

    def unknown(self, data: Mapping[str, Any], known: Sequence[str], table: tuple[str, ...], what: str) -> None:
        for key in data:
            if key in known:
                continue
            if not table:
                home = next((t for t, opts in (("project", PROJECT_SETTINGS), ("lint", (DISABLE,)))
                             if key in [o.name for o in opts]), None)
                hint = f"; '{key}' belongs under [{home}]" if home else _suggest(key, known, "[{}]")
                self.report((key,), key, f"unknown table [{key}]{hint}")
            else:
                self.report(table, key, f"[{'.'.join(table)}] unknown {what} '{key}'{_suggest(key, known)}")

    def settings(self, data: object, table: tuple[str, ...], options: Sequence[Option[Any]],
                 what: str = "setting") -> dict[str, Any]:
        """Every option's value: the file's, checked, or the default."""
        values = {option.name: option.default for option in options}
        if not isinstance(data, dict):
            self.report(table, None, f"'{'.'.join(table)}' must be a table: [{'.'.join(table)}]")
            return values
        self.unknown(data, [option.name for option in options], table, what)
        for option in options:
            if option.name in data:
                try:
                    values[option.name] = option.parse(data[option.name])
                except OptionError as error:
                    message = str(error) if str(error).startswith("'") else f"'{option.name}' {error}"
                    self.report(table, option.name, f"[{'.'.join(table)}] {message}")
        return values

    def lint(self, data: object) -> tuple[frozenset[str], dict[str, dict[str, Any]]]:
        if not isinstance(data, dict):
            self.report(("lint",), None, "'lint' must be a table: [lint]")
            return frozenset(), {}
        disabled = self.settings({k: v for k, v in data.items() if k == DISABLE.name}, ("lint",), (DISABLE,))
        codes = self._codes(disabled[DISABLE.name])
        options: dict[str, dict[str, Any]] = {}
        for name, value in data.items():
            if name == DISABLE.name:
                continue
            code = self._rule_table(name, value)
            if code is not None:
                given = self.settings(value, ("lint", name), code.options, "option")
                options[name] = {key: given[key] for key in value if key in given}
        return codes, options

    def _codes(self, names: Sequence[str]) -> frozenset[str]:
        known = set(_ALL_NAMES) | set(_RULE_CODES)
        for name in names:
            code = _RULE_CODES.get(name) or _ALL_NAMES.get(name)
            if code is None:
                close = "" if re.fullmatch(r"[A-Z]{3}[0-9]{3}", name) else _suggest(name, sorted(known), alone=True)
                self.report(("lint",), DISABLE.name, f"[lint] disable: unknown rule '{name}'"
                            f"{close or '; `briefings rules` lists them'}")
            elif code.name not in _RULE_CODES:
                self.report(("lint",), DISABLE.name, f"[lint] disable: {code.code} ({code.name}) is found while "
                            "reading files and cannot be disabled; fix the file instead")
            elif not code.waivable:
                self.report(("lint",), DISABLE.name, f"[lint] disable: {code.code} ({code.name}) cannot be "
                            f"disabled: {code.firm}")
        return frozenset(names)

    def _rule_table(self, name: str, value: object) -> Code | None:
        code = _RULE_CODES.get(name)
        if code is None and not isinstance(value, dict):
            self.unknown({name: value}, [DISABLE.name], ("lint",), "setting")
            return None
        if code is None:
            by_code = _ALL_NAMES.get(name)
            hint = (f"; name the rule: [lint.{by_code.name}]" if by_code is not None
                    else _suggest(name, list(_RULE_CODES), "[lint.{}]"))
            self.report(("lint", name), None, f"unknown rule table [lint.{name}]{hint}")
            return None
        if not isinstance(value, dict):
            self.report(("lint",), name, f"[lint] '{name}' must be a table of options: [lint.{name}]")
            return None
        if not code.options:
            self.report(("lint", name), None, f"[lint.{name}] rule {code.code} has no options; remove the table")
            return None
        return code


def _suggest(name: str, known: Sequence[str], form: str = "'{}'", alone: bool = False) -> str:
    """'; did you mean …?', else the allowed names when they are few (never when `alone`)."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {form.format(close[0])}?"
    return f"; expected one of: {', '.join(known)}" if 0 < len(known) <= 6 and not alone else ""


_HEADER = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


def _line_of(lines: Sequence[str], table: tuple[str, ...], key: str | None) -> int:
    """The line that sets `key` in `table` (or the table's header); 1 when it cannot be told."""
    current: tuple[str, ...] = ()
    header = 0
    assignment = re.compile(rf"""\s*["']?{re.escape(key)}["']?\s*=""") if key else None
    for number, line in enumerate(lines, start=1):
        found = _HEADER.match(line)
        if found:
            current = tuple(part.strip().strip("\"'") for part in found[1].split("."))
            if current == table:
                header = number
            continue
        if assignment is not None and current == table and assignment.match(line):
            return number
    if header:
        return header
    return next((n for n, line in enumerate(lines, start=1) if key and key in line), 1)

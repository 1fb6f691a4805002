"""Publishing with Zensical: `python -m build_tools.zensical_prep [OUT]`, then `zensical build` or `serve` in OUT.

Zensical reads mkdocs.yml and runs the Python-Markdown extensions it names, but runs no MkDocs hooks, so the
generated pages must be on disk in its docs folder. This writes, in OUT (default build/zensical):

- `docs/`: the hand-written pages of docs/ and the generated pages, data files and schemas;
- `mkdocs.yml`: ours, with `hooks:` replaced by `build_tools.zensical_ext` (which, inside `zensical serve`,
  regenerates the pages whenever briefings/, sources/, briefings.toml, the snapshots or docs/ change), `watch:`
  on those inputs, the MkDocs-only validation settings translated, and `docs_dir`/`site_dir` inside OUT.

The result is checked by the guard (`zensical_guard`): a setting Zensical would silently ignore stops here.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from build_tools import gitlog
from build_tools.characters import escape_controls
from build_tools.config import Config, ConfigError, load_config
from build_tools.lint import LintResult
from build_tools.render.navigation import expand_nav
from build_tools.render.shared import Links
from build_tools.report import format_text, summary
from build_tools.safe_files import UnsafePath, check_output
from build_tools.session import Session
from build_tools.site import WriteReport
from build_tools.zensical_guard import (
    ZENSICAL_VERSION,
    ZensicalConfigError,
    dump_config,
    ignored_settings,
    load_mkdocs_yml,
)

EXTENSION = "build_tools.zensical_ext"
MARKER = ".briefings-zensical"  # in OUT: a folder this module prepared, and may prepare again
STAMP = ".briefings-inputs"  # in the docs folder: the inputs the pages there were generated from
HAND_WRITTEN = ".briefings-docs"  # in the docs folder: the files copied from docs/
# MkDocs validation settings with no Zensical counterpart (it checks links and anchors itself).
MKDOCS_ONLY_VALIDATION = ("omitted_files", "absolute_links", "unrecognized_links", "nav")


@dataclass(frozen=True)
class Sources:
    """What the Zensical pages are made from: the project, its snapshots and its hand-written docs."""

    root: Path
    snapshots: Path
    docs: Path
    origin: str = "--snapshots"  # where the snapshot folder came from, for messages

    def config(self, out_docs: Path) -> Config:
        return replace(load_config(self.root, str(self.snapshots)), output=out_docs, snapshots_origin=self.origin)


def zensical_settings(mkdocs: dict[str, Any], sources: Sources, pages: Iterable[str] = (),
                      first: Sequence[str] = ()) -> dict[str, Any]:
    """Our mkdocs.yml as Zensical must read it (see the module docstring); paths are absolute. The
    navigation's patterns are expanded to `pages` (docs-relative paths), as the MkDocs hook does."""
    settings = {key: value for key, value in mkdocs.items() if key not in ("hooks", "watch")}
    if settings.get("nav") is not None:
        settings["nav"] = expand_nav(settings["nav"], pages, first)
    settings["docs_dir"] = "docs"
    settings["site_dir"] = "site"
    settings["watch"] = [str(p) for p in (sources.root / "briefings", sources.root / "sources",
                                          sources.root / "briefings.toml", sources.snapshots, sources.docs)]
    validation = dict(settings.get("validation") or {})
    for key in MKDOCS_ONLY_VALIDATION:
        validation.pop(key, None)
    settings["validation"] = validation
    theme = settings.get("theme") or {}
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)
    theme.setdefault("variant", "classic")  # Material's look (Zensical's default is its "modern" one)
    if isinstance(theme.get("custom_dir"), str):
        theme["custom_dir"] = str(sources.root / theme["custom_dir"])
    settings["theme"] = theme
    options = {"project": str(sources.root), "snapshots": str(sources.snapshots), "docs": str(sources.docs),
               "origin": sources.origin}
    extensions = [e for e in settings.get("markdown_extensions") or [] if _extension_name(e) != EXTENSION]
    settings["markdown_extensions"] = [*extensions, {EXTENSION: options}]
    return settings


def _extension_name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) else str(entry)


def write_settings(root: Path, sources: Sources, out: Path, order: Sequence[str]) -> None:
    """Write OUT/mkdocs.yml for Zensical, its navigation listing the pages now in OUT/docs (the briefings
    `order` names first); raise `ZensicalConfigError` if it would still ignore anything."""
    mkdocs, lines = load_mkdocs_yml(root / "mkdocs.yml")
    docs = out / "docs"
    pages = (path.relative_to(docs).as_posix() for path in docs.rglob("*.md")) if docs.is_dir() else ()
    settings = zensical_settings(mkdocs, sources, pages, [f"briefings/{briefing_id}.md" for briefing_id in order])
    ignored = ignored_settings(settings, lines)
    if ignored:
        raise ZensicalConfigError("\n".join(i.message("mkdocs.yml") for i in ignored))
    text = "# Generated by build_tools.zensical_prep from mkdocs.yml: edit that file, not this one.\n"
    _replace_file(out / "mkdocs.yml", (text + dump_config(settings)).encode("utf-8"))


# --- the pages ------------------------------------------------------------------------------------

class Generator:
    """Keeps OUT/docs current: hand-written docs copied, pages generated, only when an input changed.

    One per process: the Zensical extension keeps one for `zensical serve` (its session memoises
    renders between rebuilds, as under `mkdocs serve`)."""

    def __init__(self, sources: Sources, out_docs: Path) -> None:
        self.sources = sources
        self.out_docs = out_docs
        self.staging = out_docs.parent / ".staging"  # Zensical watches out_docs: it sees only finished files
        self.session = Session(self.staging)

    def current(self) -> bool:
        return _read(self.out_docs / STAMP) == input_stamp(self.sources)

    def refresh(self) -> tuple[LintResult | None, WriteReport | None]:
        """(the lint, what was written): (None, None) when nothing changed since the last generation,
        (lint, None) when the lint found errors (the pages keep their last good version)."""
        stamp = input_stamp(self.sources)
        if _read(self.out_docs / STAMP) == stamp:
            return None, None
        config = self.sources.config(self.out_docs)
        rebuild = self.session.build(config, links=Links.SOURCE)
        if rebuild.report is None:
            _replace_file(self.out_docs / STAMP, stamp.encode(), self.staging)  # not again until an input changes
            return rebuild.lint, None
        copied = copy_hand_written(self.sources.docs, self.out_docs, set(rebuild.files), self.staging)
        _replace_file(self.out_docs / STAMP, stamp.encode(), self.staging)
        report = rebuild.report
        return rebuild.lint, WriteReport(report.written + tuple(copied), report.unchanged, report.removed)


def input_stamp(sources: Sources) -> str:
    """A digest of every input file's path, size and modification time; files changed in the last two
    seconds are read, so two saves within one clock tick are still told apart."""
    digest = hashlib.sha256()
    digest.update(f"HEAD {_head(sources.root)}\n".encode())  # a commit changes the history the pages show
    recent = time.time() - 2
    for path in _input_files(sources):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        if stat.st_mtime > recent:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _head(root: Path) -> str:
    try:
        return gitlog.find_repository(root).head or ""
    except gitlog.GitUnavailable:
        return ""


def _input_files(sources: Sources) -> Iterator[Path]:
    yield sources.root / "briefings.toml"
    for folder in (sources.root / "briefings", sources.root / "sources", sources.snapshots, sources.docs):
        yield from sorted(_files(folder))


def _files(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            yield Path(dirpath, name)


def copy_hand_written(src: Path, dst: Path, generated: set[str], staging: Path | None = None) -> list[str]:
    """Copy docs/ into the Zensical docs folder (only files whose bytes differ) and remove the ones copied
    before that are gone from docs/. A hand-written file at a generated path is a configuration error."""
    files = {p.relative_to(src).as_posix(): p for p in _files(src)}
    clash = sorted(set(files) & generated)
    if clash:
        raise ConfigError(f"docs/{clash[0]} is hand-written but the generator owns that path; rename or remove it")
    copied = []
    for rel, path in sorted(files.items()):
        data = path.read_bytes()
        target = dst / rel
        if not (target.is_file() and target.read_bytes() == data):
            _replace_file(target, data, staging)
            copied.append(rel)
    for rel in _read(dst / HAND_WRITTEN).splitlines():
        if rel and rel not in files and rel not in generated:
            (dst / rel).unlink(missing_ok=True)
    _replace_file(dst / HAND_WRITTEN, "".join(f"{rel}\n" for rel in sorted(files)).encode(), staging)
    return copied


def _replace_file(path: Path, data: bytes, staging: Path | None = None) -> None:
    """Write `path` atomically (a reader sees the old bytes or the new, never half), staged in `staging`
    (on the same file system) when given, else beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if staging is not None:
        staging.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=staging or path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes files only their owner can read; these are published
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


# --- entry points ---------------------------------------------------------------------------------

def zensical_missing() -> str | None:
    """Why Zensical cannot be used here (not installed, or not the tested version), or None."""
    try:
        installed = metadata.version("zensical")
    except metadata.PackageNotFoundError:
        return ("Zensical is not installed; `make site-zensical` installs it, or "
                "`pip install 'sourced-briefings[zensical]'`")
    if installed != ZENSICAL_VERSION:
        return (f"Zensical {installed} is installed, but this project is tested with {ZENSICAL_VERSION} (the guard "
                f"knows what that version ignores); `pip install 'sourced-briefings[zensical]'`")
    return None


def prepare(root: Path, out: Path, snapshots: str | None = None) -> tuple[int, str]:
    """Lint; unless there are errors, write OUT/docs and OUT/mkdocs.yml. (exit code, what to print).
    OUT must be new, empty or prepared here before (it holds MARKER), and never the project or one of
    its own folders (`safe_files.check_output`): it is ours from then on."""
    config = load_config(root, snapshots)
    check_output(out, config.root, config.snapshots, MARKER, "OUT")
    sources = Sources(config.root, config.snapshots, config.root / "docs", config.snapshots_origin)
    out.mkdir(parents=True, exist_ok=True)
    _replace_file(out / MARKER, b"Prepared by build_tools.zensical_prep; rewritten by every run.\n")
    write_settings(config.root, sources, out, config.order)  # first: the guard's errors come before the lint's
    lint, _ = Generator(sources, out / "docs").refresh()
    write_settings(config.root, sources, out, config.order)  # again, with the navigation of the pages now generated
    if lint is not None and lint.errors:
        (out / "docs" / STAMP).unlink(missing_ok=True)
        return 1, "\n".join([*map(format_text, lint.problems), summary(lint)])
    return 0, (summary(lint) + "\n" if lint else "") + f"prepared {out} for Zensical"


def build_with_zensical(root: Path, staging: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The Zensical counterpart of `mkdocs build --strict --site-dir STAGING` (see sitebuild.build_site):
    prepare a fresh folder beside STAGING, build there, and move the site into STAGING."""
    work = staging.with_name(f"{staging.name}.zensical")  # the staging folder's own: removed with it
    command = [sys.executable, "-m", "zensical", "build", "--strict"]
    try:
        code, text = prepare(root, work, env.get("BRIEFINGS_SNAPSHOTS"))
        if code:
            return subprocess.CompletedProcess(command, code, "", text + "\n")
        result = subprocess.run(command, cwd=work, env=env, text=True, capture_output=True)
        if result.returncode == 0:
            staging.rmdir()
            (work / "site").rename(staging)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_tools.zensical_prep", description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=Path("build/zensical"), help="default build/zensical")
    parser.add_argument("--root", type=Path, default=Path("."), help="project directory (default: .)")
    parser.add_argument("--snapshots", metavar="DIR", help="snapshot directory (default as for `briefings lint`)")
    args = parser.parse_args(argv)
    try:
        code, text = prepare(args.root.resolve(), args.out.resolve(), args.snapshots)
    except (ConfigError, ZensicalConfigError) as error:
        print(f"briefings: configuration error: {error}", file=sys.stderr)
        return 2
    except UnsafePath as error:
        print(f"briefings: {escape_controls(str(error))}", file=sys.stderr)
        return 2
    print(text, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

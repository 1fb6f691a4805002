"""The `briefings` command. The only module that prints.

Exit codes: 0 clean (warnings alone are clean unless --strict), 1 problems
found, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import itertools
import json
import os
import socket
import sys
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from build_tools import __version__
from build_tools.archive import DEADLINE_S
from build_tools.characters import escape_controls
from build_tools.config import Config, ConfigError, load_config
from build_tools.lint import LintResult
from build_tools.recheck import DEADLINE_S as RECHECK_DEADLINE_S
from build_tools.recheck_report import FORMATS as RECHECK_FORMATS
from build_tools.report import FORMATS, Repository, format_problems, format_step_summary, summary
from build_tools.safe_files import UnsafePath, check_output, check_place, replace, shown
from build_tools.session import Session

if TYPE_CHECKING:
    from build_tools.model import Project, Source
    from build_tools.quote_finder import Passage
    from build_tools.recheck import Report
    from build_tools.snapshots import Snapshot, SnapshotStore
    from build_tools.yaml_nodes import Node

# Each command imports what only it needs when it runs, so that `briefings lint` (run on every commit and in
# the editor) does not start by loading the page renderers, the archive client and the Zensical preparation.

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code = int(args.func(args))
    except ConfigError as error:
        _err(str(error) if error.located else f"briefings: configuration error: {error}")
        code = EXIT_USAGE
    except UnsafePath as error:
        _err(f"briefings: {error}")
        code = EXIT_USAGE
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # the reader went away (`briefings rules | head`): nothing more to say
        _discard_stdout()
        code = EXIT_OK
    except OSError as error:  # the environment: a full disk, a read-only folder, a missing or odd path
        _err(f"briefings: {os_error(error)}")
        code = EXIT_USAGE
    except Exception as error:  # the last line of defence: never a bare traceback
        notes = "".join(f" ({note})" for note in getattr(error, "__notes__", ()))
        _err(f"briefings: internal error: {type(error).__name__}: {error}{notes}\n"
             "This is a bug; please report it with the lines below.")
        _err(traceback.format_exc(limit=-3).rstrip())
        code = EXIT_USAGE
    _flush_stdout()
    return code


def _out(text: str) -> None:
    """Print a result. If the reader has gone (`briefings rules | head`), the rest is dropped quietly and
    the command still ends with its own exit code."""
    try:
        print(text)
    except BrokenPipeError:
        _discard_stdout()


def _err(text: str) -> None:
    """Print a message for the user on stderr, with any control characters it quotes escaped."""
    with contextlib.suppress(OSError):
        print("\n".join(escape_controls(line) for line in text.split("\n")), file=sys.stderr)


def _flush_stdout() -> None:
    if sys.stdout.closed:  # `briefings lsp`: the server closes it when the editor says exit
        return
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so that nothing (not even the interpreter's final flush) writes to the
    closed pipe again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def os_error(error: OSError) -> str:
    """'Permission denied: '/path/site'': the cause and the path(s) the system names, on one line."""
    cause = error.strerror or str(error) or type(error).__name__
    names = [os.fsdecode(name) for name in (error.filename, error.filename2) if name is not None]
    return f"{cause}: " + " → ".join(f"'{name}'" for name in names) if names else cause


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefings", description="Cited briefings: lint, build, export.")
    parser.add_argument("--version", action="version", version=f"briefings {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    lint = sub.add_parser("lint", help="check every citation in the project")
    _project_options(lint)
    lint.add_argument("files", nargs="*", help="report only problems in these files (all are checked)")
    lint.add_argument("--format", choices=FORMATS, default=None,
                      help="output format (default: text, or github when $GITHUB_ACTIONS is set); sarif is for "
                           "code scanning")
    lint.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE instead of stdout")
    lint.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    lint.add_argument("--fix", action="store_true",
                      help="correct, in place, what is certain: a quote that differs from exactly one passage of its "
                      "snapshot only in quote marks, dashes, case or one word; a missing snapshot sha256 from the "
                      "file the source names. Prints each change as a diff; never touches anything ambiguous")
    lint.set_defaults(func=cmd_lint)

    build = sub.add_parser("build", help="lint, then write the Markdown pages and the JSON export")
    _project_options(build)
    build.add_argument("--out", type=Path, help="output directory (default: build/pages)")
    build.set_defaults(func=cmd_build)

    site = sub.add_parser("site", help="build the static site (MkDocs or Zensical), swapped in only when complete")
    site.add_argument("--root", type=Path, default=Path("."), help="project directory (default: .)")
    site.add_argument("--out", type=Path, help="site directory (default: site, or site-zensical with Zensical)")
    site.add_argument("--publisher", choices=("mkdocs", "zensical"), default="mkdocs",
                      help="MkDocs with Material (default), or Zensical")
    site.set_defaults(func=cmd_site)

    serve = sub.add_parser("serve", help="build and serve the site with live reload (mkdocs serve)")
    serve.add_argument("--root", type=Path, default=Path("."), help="project directory (default: .)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.set_defaults(func=cmd_serve)

    export = sub.add_parser("export", help="write everything as JSON")
    _project_options(export)
    export.add_argument("--out", type=Path, required=True, help="file to write ('-' for stdout)")
    export.set_defaults(func=cmd_export)

    rules = sub.add_parser("rules", help="list every rule code")
    rules.set_defaults(func=cmd_rules)

    explain = sub.add_parser("explain", help="show the documentation of a rule")
    explain.add_argument("code", help="a code (CIT003) or name (quote-not-in-snapshot)")
    explain.set_defaults(func=cmd_explain)

    snapshot = sub.add_parser("snapshot", help="manage the snapshot store")
    snapshot_sub = snapshot.add_subparsers(dest="snapshot_command", metavar="ACTION", required=True)
    add = snapshot_sub.add_parser("add", help="put a file in the store and print its 'snapshot:' block")
    _project_options(add)
    add.add_argument("file", type=Path, help="the archived plain-text file")
    add.set_defaults(func=cmd_snapshot_add)
    push = snapshot_sub.add_parser("push", help="commit and push the snapshots the sources name to the snapshots "
                                   "repository the store is a clone of, so that CI has them")
    _project_options(push)
    push.add_argument("--no-push", action="store_true", help="commit only")
    push.add_argument("-m", "--message", help="the commit message (default: 'Snapshots for ID, ...')")
    push.set_defaults(func=cmd_snapshot_push)
    imports = snapshot_sub.add_parser("import", help="extract a page's text from a WARC or WACZ capture, store "
                                      "both, and record where the text came from")
    _project_options(imports)
    imports.add_argument("capture", type=Path, help="the capture: a .wacz, .warc or .warc.gz file")
    imports.add_argument("--url", required=True, help="the captured page's address")
    imports.add_argument("--source", help="write sources/ID.yaml, or update its snapshot and capture blocks")
    imports.set_defaults(func=cmd_snapshot_import)

    quote = sub.add_parser("quote", help="find the exact words of a source's snapshot from words as you remember "
                           "them, printed as citations to paste")
    _project_options(quote)
    quote.add_argument("source", nargs="?", metavar="SOURCE", help="the source id (or a snapshot file's path)")
    quote.add_argument("words", help="the words as you remember them (typos and changed words are fine)")
    quote.add_argument("--all", action="store_true", help="search every source's snapshot, naming the source")
    quote.add_argument("--limit", type=int, default=3, metavar="N", help="at most N passages (default 3)")
    quote.set_defaults(func=cmd_quote)

    archive = sub.add_parser("archive", help="fetch a page, extract its text, store it, record the source")
    _project_options(archive)
    archive.add_argument("source", help="the source id (file name in sources/ without .yaml)")
    archive.add_argument("--url", required=True, help="the article's http(s) address")
    archive.add_argument("--timeout", type=float, default=DEADLINE_S, metavar="SECONDS",
                         help=f"give up after this long in all (default {DEADLINE_S})")
    archive.set_defaults(func=cmd_archive)

    recheck = sub.add_parser("recheck", help="fetch each source's live page (and its newest archived copy) and "
                             "check that every quote is still there")
    _project_options(recheck)
    recheck.add_argument("sources", nargs="*", metavar="SOURCE", help="source ids (default: every source with a url)")
    recheck.add_argument("--format", choices=RECHECK_FORMATS, default="text", help="report format (default: text)")
    recheck.add_argument("--out", type=Path, help="also write the report to this file")
    recheck.add_argument("--write", action="store_true",
                         help="record url_status and url_checked on each source checked (and archive_url and "
                         "archive_date when the archived copy holds every quote and none is recorded); nothing "
                         "else in the file changes")
    recheck.add_argument("--timegate", help="a Memento TimeGate, e.g. https://web.archive.org/web/ (default: "
                         "[recheck] timegate in briefings.toml)")
    recheck.add_argument("--timeout", type=float, default=RECHECK_DEADLINE_S,
                         help=f"seconds for each source, every fetch included (default {RECHECK_DEADLINE_S:g})")
    recheck.set_defaults(func=cmd_recheck)

    new = sub.add_parser("new", help="write a commented starting file: source, briefing or fact")
    new_sub = new.add_subparsers(dest="new_command", metavar="KIND", required=True)
    new_source = new_sub.add_parser("source", help="sources/<id>.yaml")
    new_source.add_argument("id", help="the source id: its file name, lower case, digits and hyphens")
    new_source.add_argument("--snapshot", type=Path, metavar="FILE",
                            help="the archived plain text: stored as `snapshot add` does, its hash filled in")
    new_source.add_argument("--url", help="the article's address")
    new_briefing = new_sub.add_parser("briefing", help="briefings/<id>.yaml")
    new_briefing.add_argument("id", help="the briefing id: its file name, lower case, digits and hyphens")
    new_fact = new_sub.add_parser("fact", help="add a fact to a section of briefings/<id>.yaml")
    new_fact.add_argument("id", metavar="BRIEFING", help="the briefing id")
    new_fact.add_argument("--section", metavar="TITLE", help="the section to add it to (default: the last one)")
    new_fact.add_argument("--new-section", action="store_true",
                          help="create the section named by --section at the end when the briefing has none so "
                          "titled")
    new_fact.add_argument("--source", action="append", default=[], metavar="ID",
                          help="a cited source (repeat for several citations, each followed by its --quote)")
    new_fact.add_argument("--quote", action="append", default=[], metavar="WORDS",
                          help="the exact words of the --source before it (`briefings quote` finds them)")
    new_fact.add_argument("--text", help="the fact's sentence (default: a placeholder to write)")
    new_fact.add_argument("--date", help="when it happened, YYYY-MM-DD, YYYY-MM or YYYY (default: a placeholder; "
                          "never today's date)")
    new_fact.add_argument("--id", dest="fact_id", help="the fact's id (default: BRIEFING-N, the first free N)")
    for parser_ in (new_source, new_briefing, new_fact):
        parser_.add_argument("--root", type=Path, default=Path("."), help="project directory (default: .)")
        parser_.add_argument("--snapshots", metavar="DIR",
                             help="snapshot directory (default: $BRIEFINGS_SNAPSHOTS, else briefings.toml)")
    new_source.set_defaults(func=cmd_new_source)
    new_briefing.set_defaults(func=cmd_new_briefing)
    new_fact.set_defaults(func=cmd_new_fact)

    similar = sub.add_parser("similar", help="rank pairs of snapshots by textual overlap")
    _project_options(similar)
    similar.set_defaults(func=cmd_similar)

    bench = sub.add_parser("bench", help="measure lint, build, mkdocs and make serve on a synthetic project "
                           "(from a source checkout: the harness is in benchmarks/)")
    bench.add_argument("--facts", type=int, action="append", help="facts (repeat for several sizes; default 1000)")
    bench.add_argument("--sources", type=int, help="sources (default: facts / 10)")
    bench.add_argument("--briefings", type=int, default=100, help="briefings (default 100)")
    bench.add_argument("--repeats", type=int, default=3, help="repetitions per measurement (median reported)")
    bench.add_argument("--edits", type=int, default=7,
                       help="edits timed under make serve, and keystrokes of each kind in briefings lsp "
                            "(median reported)")
    bench.add_argument("--only", action="append", choices=PARTS,
                       help="measure only this part (repeat for several; default: all)")
    bench.add_argument("--keep", type=Path, help="leave the generated project in DIR (one size only)")
    bench.add_argument("--json", type=Path, help="also write the results as JSON")
    bench.add_argument("--adversarial", action="store_true",
                       help="instead: one quote cited by 20,000 facts, and 100 wrong quotes against a 10 MB snapshot")
    bench.add_argument("--scale", type=float, default=1.0, help="scale the adversarial cases (default 1)")
    bench.set_defaults(func=cmd_bench)

    schemas = sub.add_parser("schema", help="write the JSON Schemas for source and briefing files")
    schemas.add_argument("--out", type=Path, required=True, help="directory to write them to")
    schemas.set_defaults(func=cmd_schema)

    lsp = sub.add_parser("lsp", help="the language server for editors, on stdin and stdout (needs the [lsp] extra)")
    lsp.add_argument("--snapshots", metavar="DIR",
                     help="snapshot directory (default: the editor's setting, $BRIEFINGS_SNAPSHOTS, else "
                          "briefings.toml)")
    lsp.set_defaults(func=cmd_lsp)
    return parser


def _project_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="project directory (default: .)")
    parser.add_argument("--snapshots", metavar="DIR",
                        help="snapshot directory (default: $BRIEFINGS_SNAPSHOTS, else briefings.toml)")


def _config(args: argparse.Namespace) -> Config:
    root: Path = args.root
    if not root.is_dir():
        raise ConfigError(f"project directory '{root}' does not exist")
    if not (root / "briefings").is_dir() and not (root / "sources").is_dir():
        raise ConfigError(f"'{root.resolve()}' has no briefings/ or sources/ folder; run in a project "
                          "or pass --root DIR")
    return load_config(root, args.snapshots)


def _relative_files(config: Config, files: Sequence[str]) -> list[str]:
    rel = []
    for name in files:
        path = Path(name).resolve()
        if not path.is_relative_to(config.root):
            raise ConfigError(f"'{name}' is not inside the project {config.root}")
        rel.append(path.relative_to(config.root).as_posix())
    return rel


def cmd_lint(args: argparse.Namespace) -> int:
    config = _config(args)
    only = _relative_files(config, args.files)
    result = Session().lint(config, only)
    if args.fix:
        result = _fix(config, result, only, args.format not in (None, "text"))
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    repository = _repository(config.root)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY") if fmt == "github" else None
    if summary_file and not _append(Path(summary_file), format_step_summary(result, repository)):
        summary_file = None
    report = format_problems(result, fmt, repository, step_summary=bool(summary_file))
    if args.output:
        _write_report(args.output, report, config)
    else:
        _out(report)
    return _exit_code(result, args.strict)


def _fix(config: Config, result: LintResult, only: Sequence[str], quiet: bool) -> LintResult:
    """Make the certain fixes (in the files named, when some are), print each as a diff, and lint again.
    A fixed file is re-read before any further fix, so a fix is always made to what is on disk."""
    from build_tools import fixes

    show = _err if quiet else _out  # a machine-read report keeps stdout to itself
    changes, files = 0, set[str]()
    for _ in range(3):  # a filled-in hash lets the source's quotes be checked, and fixed, in the next round
        planned = [fix for fix in fixes.plan(config, result) if not only or fix.path in only]
        if not planned:
            break
        fixes.apply(config, planned)
        for fix in planned:
            show(fix.diff().rstrip("\n"))
        changes += sum(len(fix.changes) for fix in planned)
        files.update(fix.path for fix in planned)
        result = Session().lint(config, only)
    if changes:
        show(f"fixed {changes} problem{'s' if changes != 1 else ''} in {len(files)} file"
             f"{'s' if len(files) != 1 else ''}; what is left needs an editor")
    return result


def _repository(root: Path) -> Repository:
    """Where the project sits in its git repository (reports name files from the repository root), and,
    on GitHub Actions, the address of the files at this commit."""
    top = next((folder for folder in (root, *root.parents) if (folder / ".git").exists()), root)
    prefix = root.relative_to(top).as_posix()
    env = os.environ
    blob = None
    if env.get("GITHUB_REPOSITORY") and env.get("GITHUB_SHA"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        blob = f"{server}/{env['GITHUB_REPOSITORY']}/blob/{env['GITHUB_SHA']}"
    return Repository("" if prefix == "." else f"{prefix}/", blob)


def _append(path: Path, text: str) -> bool:
    """Append to the step summary GitHub gave us; a failure is reported, and the lint goes on."""
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        _err(f"briefings: cannot write the step summary to {path}: {error.strerror}")
        return False
    return True


def _write_report(path: Path, report: str, config: Config) -> None:
    try:
        _write_file(path, report + "\n", config, "--output")
    except OSError as error:
        raise ConfigError(f"cannot write the report to '{path}': {error.strerror}") from None


def _exit_code(result: LintResult, strict: bool) -> int:
    return EXIT_PROBLEMS if result.errors or (strict and result.warnings) else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from build_tools.site import MANIFEST

    config = _config(args)
    out = args.out or config.output
    check_output(out, config.root, config.snapshots, MANIFEST, "--out" if args.out else "[project] output")
    build = Session(keep=False).build(config, out)
    if build.report is None:
        _out(format_problems(build.lint, "text"))
        _err("briefings build: not written; the previous output is unchanged")
        return EXIT_PROBLEMS
    report = build.report
    _out(f"{summary(build.lint)}\nwrote {len(report.written)} files, {report.unchanged} unchanged, "
         f"{len(report.removed)} removed, in {out}")
    if build.lint.history.note:
        _out(f"note: {build.lint.history.note}")
    return EXIT_OK


def cmd_site(args: argparse.Namespace) -> int:
    from build_tools.sitebuild import build_site
    from build_tools.zensical_prep import build_with_zensical, zensical_missing

    root: Path = args.root.resolve()
    if not (root / "mkdocs.yml").is_file():
        raise ConfigError(f"no mkdocs.yml in {root}")
    out = args.out or Path("site" if args.publisher == "mkdocs" else "site-zensical")
    out = out if out.is_absolute() else root / out
    snapshots = load_config(root).snapshots
    if args.publisher == "zensical":
        missing = zensical_missing()
        if missing:
            raise ConfigError(missing)
        result = build_site(root, out, builder=build_with_zensical, snapshots=snapshots)
    else:
        result = build_site(root, out, snapshots=snapshots)
    if result.stderr.strip():
        _err(result.stderr.rstrip("\n"))
    if result.returncode != 0:
        if args.publisher == "zensical" and result.stdout.strip():
            _err(result.stdout.rstrip("\n"))
        _err(f"briefings site: the build failed; {out} is unchanged")
        return EXIT_PROBLEMS
    _out(f"built the site into {out}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """`mkdocs serve --dirty` on the project, over the site kept from the last run (`build_tools.serve`: each
    start and each edit renders only the pages that changed; the hook makes that equal to a full build), after
    checking the port is free: a taken port is one line, not a traceback
    (MkDocs binds before it builds, so the check costs nothing)."""
    root: Path = args.root.resolve()
    if not (root / "mkdocs.yml").is_file():
        raise ConfigError(f"no mkdocs.yml in {root}")
    if not 1 <= args.port <= 65535:
        raise ConfigError(f"--port must be between 1 and 65535, not {args.port}")
    problem = _port_problem(args.host, args.port)
    if problem is not None:
        _err(f"briefings serve: cannot listen on {args.host}:{args.port} ({problem}); choose another port: "
             f"make serve PORT={args.port + 1 if args.port < 65535 else 8001}")
        return EXIT_USAGE
    from mkdocs.exceptions import Abort as MkDocsAbort
    from mkdocs.exceptions import ConfigurationError as MkDocsConfigurationError

    from build_tools.serve import serve

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        # Dirty builds over the site kept from the last run: an edit renders only the pages it changes (the
        # hook makes that equal to a full rebuild). Not strict: a warning (a broken link in docs/, say) must not
        # stop the preview; `make site` and CI build with `strict: true`.
        serve(root / "mkdocs.yml", args.host, args.port)
    except MkDocsAbort as error:  # a bad mkdocs.yml: MkDocs has printed what is wrong
        _err(f"briefings serve: {error.message}")
        return EXIT_USAGE
    except MkDocsConfigurationError as error:  # mkdocs.yml is not YAML: the parser's message, on one line
        _err(f"briefings serve: {' '.join(str(error).split())}")
        return EXIT_USAGE
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        _err(f"briefings serve: port {args.port} was taken meanwhile; choose another: make serve "
             f"PORT={args.port + 1}")
        return EXIT_USAGE
    return EXIT_OK


def _port_problem(host: str, port: int) -> str | None:
    """Why MkDocs could not listen on host:port, or None (binds a socket as its server does, then lets go)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        return error.strerror or str(error)
    return None


def cmd_export(args: argparse.Namespace) -> int:
    from build_tools.export import export_json

    config = _config(args)
    if str(args.out) != "-":
        check_place(args.out, config.root, config.snapshots)
    result = Session().lint(config)
    if result.errors:
        _out(format_problems(result, "text"))
        return EXIT_PROBLEMS
    data = export_json(result.project, result.store)
    if str(args.out) == "-":
        _out(data.removesuffix("\n"))
    else:
        _write_file(args.out, data, config)
    return EXIT_OK


def _write_file(path: Path, text: str, config: Config | None, option: str = "--out") -> None:
    """Write a file the user named, whole or not at all, never into the project's own folders."""
    if path.is_dir():
        raise UnsafePath(f"refusing to write to '{shown(path)}': it is a folder; name a file")
    if config is not None:
        check_place(path, config.root, config.snapshots, option)
    if path.exists() and not path.is_file():  # /dev/stdout, a named pipe: write into it, never replace it
        with path.open("w", encoding="utf-8") as handle:
            handle.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    replace(path, text.encode("utf-8"))


def cmd_rules(args: argparse.Namespace) -> int:
    from build_tools.report import format_rules
    from build_tools.rules import ALL_CODES

    _out(format_rules(ALL_CODES))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from build_tools.rules import find_code

    code = find_code(args.code)
    if code is None:
        _err(f"briefings: no rule '{args.code}'; `briefings rules` lists them")
        return EXIT_USAGE
    _out(f"{code.code} {code.name} ({code.severity.value})\n\n{code.documentation()}")
    return EXIT_OK


def cmd_snapshot_add(args: argparse.Namespace) -> int:
    from build_tools.archive import ArchiveError, snapshot_block, store_file

    config = _config(args)
    if not args.file.is_file():
        raise ConfigError(f"'{args.file}' is not a file")
    try:
        stored = store_file(args.file, config.snapshots)
    except ArchiveError as error:
        _err(f"briefings snapshot add: {error}")
        return EXIT_USAGE
    verb = "added to" if stored.added else "already in"
    _out(f"# {stored.path.name} {verb} {config.snapshots}\n{snapshot_block(stored)}")
    return EXIT_OK


def cmd_snapshot_push(args: argparse.Namespace) -> int:
    from build_tools import snapshot_push
    from build_tools.load import load_project
    from build_tools.snapshots import SnapshotStore

    config = _config(args)
    project, _ = load_project(config)
    try:
        done = snapshot_push.push(project, SnapshotStore(config.snapshots), args.message, not args.no_push)
    except snapshot_push.PushError as error:
        _err(f"briefings snapshot push: {error}")
        return EXIT_USAGE
    if not done.committed and not done.pushed:
        _out(f"every snapshot the sources name is already committed in {done.repository}; nothing to push")
        return EXIT_OK
    for rel in done.committed:
        _out(f"committed {rel}")
    _out(f"pushed {done.repository}" if done.pushed else f"committed in {done.repository}; push it with git push")
    return EXIT_OK


def cmd_snapshot_import(args: argparse.Namespace) -> int:
    from build_tools.captures import CaptureError, import_capture
    from build_tools.safe_files import check_inside
    from build_tools.schema import source_id_problem, url_problem
    from build_tools.source_edits import import_blocks, write_imported_source
    from build_tools.yaml_edit import EditError

    config = _config(args)
    if url_problem(args.url) is not None:
        raise ConfigError(str(url_problem(args.url)))
    problem = source_id_problem(args.source) if args.source is not None else None
    if problem is not None:
        raise ConfigError(problem[1])
    if not args.capture.is_file():
        raise ConfigError(f"'{args.capture}' is not a file")
    check_inside(config.root / "sources", config.root)
    name = f"{args.source or args.capture.name.split('.')[0]}.txt"
    try:
        imported = import_capture(args.capture, args.url, config.snapshots, name)
    except CaptureError as error:
        print(f"briefings snapshot import: {escape_controls(str(error))}", file=sys.stderr)
        return EXIT_PROBLEMS
    for note in imported.notes:
        print(f"note: {escape_controls(note)}")
    verb = "stored" if imported.snapshot_added else "already had"
    print(f"{verb} {len(imported.text.split())} words as {imported.snapshot_path}; the capture is "
          f"{imported.capture_path}")
    if args.source is None:
        print("# paste into the source file:")
        print("\n".join(escape_controls(line) for line in import_blocks(imported).splitlines()))
        return EXIT_OK
    rel = f"sources/{args.source}.yaml"
    try:
        done = write_imported_source(config.root / rel, imported, args.url, dt.date.today())
    except EditError as error:
        print(f"briefings snapshot import: {rel}: {error}; the blocks are:\n{import_blocks(imported)}",
              file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{done} {rel}; check it with `briefings lint`")
    return EXIT_OK


def cmd_quote(args: argparse.Namespace) -> int:
    from build_tools.load import load_project
    from build_tools.snapshots import SnapshotStore

    config = _config(args)
    if args.limit < 1:
        raise ConfigError("--limit must be at least 1")
    if args.all == (args.source is not None):
        raise ConfigError("name the SOURCE to search, or give --all to search every snapshot (not both)")
    if not any(ch.isalnum() for ch in args.words):
        raise ConfigError("give the words to look for, e.g. briefings quote SOURCE \"hosted a webcast meeting\"")
    project, _ = load_project(config)
    store = SnapshotStore(config.snapshots)
    if args.all:
        found = _search(_all_snapshots(project, store), args.words, args.limit)
        _print_passages(found)
        return EXIT_OK if found else _nothing_close(args.words, "any snapshot")
    name, text = _snapshot_to_search(config, project, store, args.source)
    found = _search([(name, text)], args.words, args.limit)
    _print_passages(found)
    best = found[0][2].score if found else 0.0
    if best < 90:  # not the words remembered: are they another source's?
        others = [(n, t) for n, t in _all_snapshots(project, store) if n != name and t != text]
        elsewhere = [hit for hit in _search(others, args.words, 1) if hit[2].score >= max(80.0, best + 10)]
        if elsewhere:
            _out(f"# closer words are in another source: '{elsewhere[0][0]}' "
                 f"({elsewhere[0][2].score:.0f}% like your words); did you mean to cite it?")
            _print_passages(elsewhere[:1])
            return EXIT_OK
    return EXIT_OK if found else _nothing_close(args.words, f"the snapshot of '{name}'")


Hit = tuple[str, str, "Passage"]  # source id (or file), snapshot text, passage


def _search(snapshots: Iterable[tuple[str, str]], words: str, limit: int) -> list[Hit]:
    from build_tools.quote_finder import find_passages

    hits = [(name, text, passage) for name, text in snapshots for passage in find_passages(text, words, limit)]
    return sorted(hits, key=lambda hit: -hit[2].score)[:limit]


def _print_passages(hits: Sequence[Hit]) -> None:
    from build_tools.yaml_edit import quoted

    for number, (name, text, passage) in enumerate(hits, 1):
        stands = "stands once" if passage.occurrences == 1 else \
            f"stands {passage.occurrences} times: add words to make it unique"
        long = f"; {passage.words} words, over 40: shorten it" if passage.words > 40 else ""
        _out(f"# {number}. {passage.score:.0f}% like your words, {stands}{long} (line {passage.line(text)})\n"
             f"#    {escape_controls(passage.context(text))}\n"
             f"- source: {name}\n  quote: {quoted(passage.quote)}")


def _nothing_close(words: str, where: str) -> int:
    _err(f"briefings quote: no passage of {where} is close to \"{words}\"; try fewer words, or words you are "
         "sure of")
    return EXIT_PROBLEMS


def _all_snapshots(project: Project, store: SnapshotStore) -> list[tuple[str, str]]:
    """(source id, snapshot text) of every source whose snapshot is in the store, one per snapshot."""
    seen: set[str] = set()
    found = []
    for source in sorted(project.sources.values(), key=lambda s: s.id):
        snapshot = store.get(source.snapshot.sha256)
        if snapshot is not None and snapshot.sha256 not in seen:
            seen.add(snapshot.sha256)
            found.append((source.id, snapshot.text))
    return found


def _snapshot_to_search(config: Config, project: Project, store: SnapshotStore, name: str) -> tuple[str, str]:
    """The source id and snapshot text for SOURCE: a source of the project (even one whose file still has
    placeholders, through the file its snapshot block names), or a snapshot file given by its path."""
    source = project.sources.get(name)
    snapshot = store.get(source.snapshot.sha256) if source is not None else None
    if snapshot is None and (source is not None or name in project.broken_sources):
        snapshot = _named_snapshot(config, store, name)
    if snapshot is not None:
        return name, snapshot.text
    if source is not None or name in project.broken_sources:
        raise ConfigError(f"the snapshot of '{name}' is not in {config.snapshots}; add it with `briefings snapshot "
                          "add FILE`")
    path = Path(name)
    if path.is_file():
        return name, _snapshot_file_text(path)
    raise ConfigError(f"no source '{name}' in sources/{_did_you_mean(name, project.sources)}")


def _named_snapshot(config: Config, store: SnapshotStore, source_id: str) -> Snapshot | None:
    """The snapshot a source file names by hash or by file name, read straight from the file."""
    from build_tools.snapshots import Snapshot
    from build_tools.yaml_nodes import ScalarNode, parse_yaml

    path = config.root / "sources" / f"{source_id}.yaml"
    parsed = parse_yaml(path.name, path.read_bytes()) if path.is_file() else None
    block = _mapping_value(parsed.root, "snapshot") if parsed is not None else None
    sha256, file = (_mapping_value(block, key) for key in ("sha256", "file"))
    if isinstance(sha256, ScalarNode) and store.get(str(sha256.value)) is not None:
        return store.get(str(sha256.value))
    named = store.named(str(file.value)) if isinstance(file, ScalarNode) else None
    return Snapshot("", named, _snapshot_file_text(named)) if named is not None else None


def _mapping_value(node: Node | None, key: str) -> Node | None:
    from build_tools.yaml_nodes import MappingNode, ScalarNode

    if not isinstance(node, MappingNode):
        return None
    return next((value for name, value in node.value if isinstance(name, ScalarNode) and name.value == key), None)


def _snapshot_file_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"'{path}' is not UTF-8 text; snapshots are plain UTF-8 text") from None


def cmd_archive(args: argparse.Namespace) -> int:
    from build_tools.archive import ArchiveError, extract, fetch, snapshot_block, source_yaml, store_text
    from build_tools.safe_files import check_inside, create_new
    from build_tools.schema import source_id_problem, url_problem

    config = _config(args)
    problem = source_id_problem(args.source)
    if problem is not None:
        raise ConfigError(problem[1])
    if url_problem(args.url) is not None:
        raise ConfigError(str(url_problem(args.url)))
    if not args.timeout > 0:
        raise ConfigError("--timeout must be a positive number of seconds")
    check_inside(config.root / "sources", config.root)
    try:
        page = fetch(args.url, args.timeout)
        article = extract(page.text, page.url)
        stored = store_text(article.text, f"{args.source}.txt", config.snapshots)
    except ArchiveError as error:
        _err(f"briefings archive: {error}")
        return EXIT_PROBLEMS
    if page.url != args.url:
        _out(f"followed redirects to {escape_controls(page.url)}")
    today = dt.date.today()
    rel = f"sources/{args.source}.yaml"
    try:
        create_new(config.root / rel, source_yaml(article, page.url, stored, today).encode("utf-8"))
    except FileExistsError:
        _out(f"# {rel} exists; update it with:\nurl: {page.url}\n{snapshot_block(stored, today)}")
    else:
        _out(f"wrote {rel}; check its title, outlet and date against the page")
    _out(f"stored {len(article.text.split())} words as {stored.path}")
    return EXIT_OK


def cmd_recheck(args: argparse.Namespace) -> int:
    from build_tools.load import load_project
    from build_tools.recheck import recheck
    from build_tools.recheck_report import format_report
    from build_tools.schema import url_problem
    from build_tools.snapshots import SnapshotStore

    config = _config(args)
    if not args.timeout > 0:
        raise ConfigError("--timeout must be a positive number of seconds")
    timegate = args.timegate if args.timegate is not None else config.timegate
    if timegate and url_problem(timegate) is not None:
        raise ConfigError(f"--timegate: {url_problem(timegate)}")
    project, _ = load_project(config)
    for source_id in args.sources:
        if source_id not in project.sources:
            raise ConfigError(f"no source '{source_id}' in sources/{_did_you_mean(source_id, project.sources)}")
    store = SnapshotStore(config.snapshots)

    def snapshot_text(source: Source) -> str | None:
        snapshot = store.get(source.snapshot.sha256)
        return snapshot.text if snapshot else None

    if args.out:
        check_place(args.out, config.root, config.snapshots)
    report = recheck(project, snapshot_text, args.sources, timegate, args.timeout)
    output = format_report(report, args.format)
    _out(output)
    if args.out:
        _write_file(args.out, output + "\n", config)
    if args.write:
        _record_rechecks(config.root, project, report)
    return EXIT_OK if all(check.status == "live" for check in report.sources) else EXIT_PROBLEMS


def _record_rechecks(root: Path, project: Project, report: Report) -> None:
    from build_tools.recheck import archive_to_record
    from build_tools.source_edits import write_link_status
    from build_tools.yaml_edit import EditError

    for check in report.sources:
        if check.status == "unknown":
            print(f"{check.path}: not recorded (the page could not be checked)", file=sys.stderr)
            continue
        copy = archive_to_record(check, project.sources[check.source])
        try:
            write_link_status(root / check.path, check.status, report.checked, copy.url if copy else None,
                              copy.date.iso() if copy and copy.date else None)
        except EditError as error:
            print(f"{check.path}: not recorded: {error}", file=sys.stderr)
            continue
        print(f"{check.path}: recorded url_status: {check.status}" + (", archive_url" if copy else ""),
              file=sys.stderr)


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def cmd_new_source(args: argparse.Namespace) -> int:
    from build_tools import scaffold
    from build_tools.archive import ArchiveError, snapshot_block, store_file
    from build_tools.schema import url_problem

    root: Path = args.root.resolve()
    if args.url is not None and url_problem(args.url) is not None:
        raise ConfigError(f"--url: {url_problem(args.url)}")
    block = None
    try:
        scaffold.check_id(args.id, source=True)
        if args.snapshot is not None:
            if not args.snapshot.is_file():
                raise ConfigError(f"'{args.snapshot}' is not a file")
            config = load_config(root, args.snapshots)
            try:
                stored = store_file(args.snapshot, config.snapshots)
            except ArchiveError as error:
                _err(f"briefings new: {error}")
                return EXIT_USAGE
            block = snapshot_block(stored)
            _out(f"{stored.path.name} {'added to' if stored.added else 'already in'} {config.snapshots}")
        path = scaffold.new_source(root, args.id, block, args.url)
    except scaffold.ScaffoldError as error:
        _err(f"briefings new: {error}")
        return EXIT_USAGE
    _report_placeholders(root, path, "" if block else "; or run `briefings new source ID --snapshot FILE` next time")
    return EXIT_OK


def cmd_new_briefing(args: argparse.Namespace) -> int:
    from build_tools import scaffold

    root: Path = args.root.resolve()
    try:
        path = scaffold.new_briefing(root, args.id, dt.date.today().strftime("%Y-%m"))
    except scaffold.ScaffoldError as error:
        _err(f"briefings new: {error}")
        return EXIT_USAGE
    _report_placeholders(root, path)
    return EXIT_OK


def _report_placeholders(root: Path, path: Path, extra: str = "", lines: range | None = None) -> None:
    """What `briefings new` left to write: each placeholder at its line and column, with how to fill it."""
    from build_tools import scaffold

    rel = path.relative_to(root).as_posix()
    found = [p for p in scaffold.placeholders(rel, path.read_text(encoding="utf-8"))
             if lines is None or p.where.line in lines]
    if found:
        _out(f"replace the placeholders (TODO) left to fill{extra}:")
        for problem in found:
            _out(f"  {problem.where.path}:{problem.where.line}:{problem.where.column}: {problem.message}")
    _out(f"then check it with `briefings lint {rel}`")


def cmd_new_fact(args: argparse.Namespace) -> int:
    from build_tools import scaffold
    from build_tools.load import load_project
    from build_tools.schema import edtf_problem
    from build_tools.snapshots import SnapshotStore

    root: Path = args.root.resolve()
    config = load_config(root, args.snapshots)
    if len(args.quote) > len(args.source):
        raise ConfigError("each --quote follows the --source it quotes: give --source ID before --quote")
    if args.new_section and not args.section:
        raise ConfigError("--new-section needs --section TITLE")
    if args.date is not None and edtf_problem(args.date) is not None:
        raise ConfigError(f"--date: {edtf_problem(args.date)}")
    project, _ = load_project(config)
    citations = list(itertools.zip_longest(args.source, args.quote))
    try:
        scaffold.check_id(args.id)
        fact_id = args.fact_id or next(f"{args.id}-{n}" for n in itertools.count(1)
                                       if f"{args.id}-{n}" not in {f.id for f in project.facts})
        scaffold.check_id(fact_id)
    except scaffold.ScaffoldError as error:
        _err(f"briefings new: {error}")
        return EXIT_USAGE
    if fact_id in {f.id for f in project.facts}:
        raise ConfigError(f"--id: a fact '{fact_id}' exists already; choose another id")
    store = SnapshotStore(config.snapshots, config.cache_dir)
    for source_id, quote in citations:
        problem = _citation_problem(project, store, source_id, quote)
        if problem is not None:
            _err(f"briefings new: {problem}")
            return EXIT_PROBLEMS if quote is not None and source_id in project.sources else EXIT_USAGE
    fact = scaffold.NewFact(fact_id, citations, " ".join(args.text.split()) if args.text else None, args.date)
    try:
        added = scaffold.new_fact(root, args.id, fact, args.section, args.new_section)
    except scaffold.ScaffoldError as error:
        _err(f"briefings new: {error}")
        return EXIT_USAGE
    rel = added.path.relative_to(root).as_posix()
    _out(f"added fact '{fact_id}' to section '{added.section}' of {rel} (lines {added.lines.start}-"
         f"{added.lines.stop - 1})")
    _report_placeholders(root, added.path, lines=added.lines)
    return EXIT_OK


def _citation_problem(project: Project, store: SnapshotStore, source_id: str, quote: str | None) -> str | None:
    """Why a citation given to `new fact` cannot be written as it is, or None."""
    from build_tools.snapshots import explain_missing

    if source_id not in project.sources:
        if source_id in project.broken_sources:
            return None  # its file has problems of its own (placeholders, say); lint reports them
        return f"no source '{source_id}' in sources/{_did_you_mean(source_id, project.sources)}"
    source = project.sources[source_id]
    if quote is None or store.get(source.snapshot.sha256) is None:
        return None
    placement = store.place(source.snapshot.sha256, quote)
    if placement is not None and placement.found:
        return None
    snapshot = store.get(source.snapshot.sha256)
    assert snapshot is not None
    return (f"the quote is not verbatim in the snapshot of '{source_id}'{explain_missing(snapshot, quote)}; "
            f"`briefings quote {source_id} \"...\"` finds the exact words")


def cmd_similar(args: argparse.Namespace) -> int:
    from build_tools.load import load_project
    from build_tools.similarity import FLAG_MINIMUM, FLAG_RATIO, baseline, is_suspicious, rank
    from build_tools.snapshots import SnapshotStore

    config = _config(args)
    project, _ = load_project(config)
    store = SnapshotStore(config.snapshots)
    texts = {}
    for source in project.sources.values():
        snap = store.get(source.snapshot.sha256)
        if snap is not None:
            texts[source.id] = snap.text
    pairs = rank(texts)
    base = baseline(pairs)
    _out(f"{len(pairs)} pairs of {len(texts)} snapshots; median score {base:.3f}")
    _out("columns: score  source  source  (shingles, figures, names)  note\n"
         "  score: 0 (nothing shared) to 1 (the same text): half shingles, a quarter each figures and names\n"
         "  shingles: the share of the shorter text's four-word runs that the other text has\n"
         "  figures, names: the numbers, and the multi-word names, the two share, of all those in either\n"
         f"  UNDECLARED: {FLAG_RATIO:g} times the median score and at least {FLAG_MINIMUM:g}, with neither "
         "derived_from nor republished_from between them (lint warns: SRC005)")
    for pair in pairs:
        a, b = project.sources[pair.first], project.sources[pair.second]
        if a.related_to(b):
            note = "declared relation"
        else:
            note = "UNDECLARED: far above the median" if is_suspicious(pair, base) else ""
        _out(f"{pair.score:.3f}  {pair.first}  {pair.second}  (shingles {pair.containment:.2f}, figures "
              f"{pair.figures:.2f}, names {pair.names:.2f})  {note}".rstrip())
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from build_tools.safe_files import check_ours

    run = _benchmarks()
    sizes = args.facts or [1000]
    if args.keep and len(sizes) > 1:
        raise ConfigError("--keep takes one --facts size")
    if args.keep:
        check_ours(args.keep, run.MARKER, "--keep")
    progress = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    if args.adversarial:
        rows = run.adversarial(args.scale, args.repeats, progress)
        _out(run.adversarial_table(rows))
        if args.json:
            _write_file(args.json, json.dumps({"adversarial": rows}, indent=2) + "\n", None, "--json")
        return EXIT_OK
    try:
        report = run.run(sizes, args.sources, args.briefings, args.repeats, args.edits, tuple(args.only or PARTS),
                         args.keep, progress=progress)
    except run.BenchError as error:
        _err(f"briefings bench: {error}")
        return EXIT_PROBLEMS
    _out(run.table(report["sizes"]))
    if "scaling_exponent" in report:
        _out(f"scaling exponent (log time / log facts): {report['scaling_exponent']}")
    if args.json:
        _write_file(args.json, json.dumps(report, indent=2) + "\n", None, "--json")
    return EXIT_OK


PARTS = ("processes", "phases", "mkdocs", "sidebar", "serve", "lsp")  # benchmarks.run.PARTS, named here for --help


def _benchmarks() -> Any:
    """The harness in the checkout's benchmarks/ (it is not installed with the package)."""
    checkout = Path(__file__).resolve().parent.parent
    if not (checkout / "benchmarks" / "run.py").is_file():
        raise ConfigError(f"briefings bench runs from a source checkout; there is no benchmarks/ in {checkout}")
    if str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    import benchmarks.run

    return benchmarks.run


def cmd_lsp(args: argparse.Namespace) -> int:
    """Serve an editor on stdin and stdout until it says exit (stdout carries the protocol: nothing else
    may be printed there)."""
    try:
        from build_tools.lsp.server import serve
    except ImportError as error:
        _err(f"briefings lsp needs the language server libraries ({error.name} is missing): "
             "pip install 'sourced-briefings[lsp]'")
        return EXIT_USAGE
    serve(args.snapshots)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from build_tools import schema

    root = Path.cwd()
    config = load_config(root) if (root / "sources").is_dir() or (root / "briefings").is_dir() else None
    files = schema.schema_files()
    for name, content in files.items():
        _write_file(args.out / name, content, config)
    _out(f"wrote {' and '.join(files)} in {args.out}")
    return EXIT_OK

"""The thin adapter that `mkdocs.yml` names under `hooks:`.

It lints the project, stops the build on errors, writes the generated pages
with the same code as `briefings build`, and hands them to MkDocs as files.
Under `mkdocs serve` an error does not stop the build (MkDocs would then hold every
request until a build succeeds): the last good pages are served with the problems
shown above every page (`preview.py`).

MkDocs (1.6.1 and later) loads this module once per process; what it keeps is
created in `on_startup` (once per `mkdocs build` or `mkdocs serve`) and dropped in
`on_shutdown`: the session, and under `mkdocs serve --dirty` (what `make serve`
runs) what makes each dirty build serve exactly what a clean build would
(`live_serve.LiveSite`), saved when the server stops if its site is kept between runs.
"""

from __future__ import annotations

import contextlib
import html as html_module
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from build_tools import preview
from build_tools.background import Checked, Generation, GenerationFailed, Joined, LintFailed
from build_tools.config import Config, ConfigError, load_config
from build_tools.live_serve import LiveSite, QuietDirtyWarning, put_in_site
from build_tools.render.navigation import expand_nav
from build_tools.render.shared import Links
from build_tools.report import summary
from build_tools.safe_files import UnsafePath
from build_tools.session import Check, Session
from build_tools.site import Content, last_output, reading_order
from build_tools.sitebuild import write_marker

log = logging.getLogger("mkdocs.hooks.briefings")
GENERATOR = "briefings"  # File.generated_by of the pages we add


class _Held(logging.Filter):
    """What MkDocs says below an error while it reads the pages a second process makes (a page's link to a
    missing file, say), held back from `handler` until the rules' verdict: one process says it after the
    rules' lines, and never when they find errors (the build stops before MkDocs reads a page). Our lines
    and errors pass."""

    def __init__(self, handler: logging.Handler) -> None:
        super().__init__()
        self.handler = handler
        self.records: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR or record.name.startswith(log.name):
            return True
        self.records.append(record)
        return False


class _Holding:
    """`_Held` on every handler MkDocs's messages reach, from `start` to `end`."""

    def __init__(self) -> None:
        self.held: list[_Held] = []

    def start(self) -> None:
        self.end(release=True)
        mkdocs = logging.getLogger("mkdocs")
        handlers = [*mkdocs.handlers, *(logging.getLogger().handlers if mkdocs.propagate else ())]
        self.held = [_Held(handler) for handler in handlers]
        for held in self.held:
            held.handler.addFilter(held)

    def end(self, release: bool) -> None:
        """Stop holding; say what was held (`release`), in its order, or drop it."""
        held, self.held = self.held, []
        for one in held:
            one.handler.removeFilter(one)
            for record in one.records if release else ():
                one.handler.handle(record)


class _Process:
    """What this process keeps between builds: its session; whether it serves (then a build with errors serves
    the last good pages, with the problems in a notice above every page); and under `mkdocs serve --dirty`
    what makes a dirty build serve what a clean one would."""

    def __init__(self, command: str | None, dirty: bool) -> None:
        self.serving = command == "serve"  # not `mkdocs build`, nor `mkdocs serve --clean`
        # `mkdocs build --dirty` decides which pages to build by their files' times, twice (to read them, then to
        # render them): a second process renaming them into place between the two would change its answer
        self.dirty = dirty
        self.session = Session(keep=self.serving)  # a build makes one generation: it need not keep its pieces
        self.notice = ""  # this build's notice above every page ("" when the project is clean)
        self.live = LiveSite() if self.serving and dirty else None
        self.builds = 0  # builds started by this process
        self.generation: Generation | None = None  # a build's output, being made by a second process
        self.reported = False  # whether the problems the second process found were logged
        self.settings: Config | None = None  # the project's, read when the second process started
        self.exports: list[_Exported] = []  # the files it makes that are not pages, put into the site at the end
        self.holding = _Holding()  # MkDocs's messages while it reads the pages, until the rules' verdict
        self.quiet = QuietDirtyWarning()
        if self.live is not None:
            logging.getLogger("mkdocs.commands.build").addFilter(self.quiet)

    def close(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(self.quiet)
        self.stop()
        if self.live is not None:
            self.live.later.stop()  # what is not written yet, the next run's first build writes
            self.live.save()


    def stop(self) -> None:
        """The build stopped (an error, Ctrl-C) while a second process was making its output: stop that too (the
        previous output stays), rather than wait for it to make the whole site."""
        self.holding.end(release=True)  # MkDocs stopped on an error of its own: what one process would say too
        generation, self.generation = self.generation, None
        if generation is not None:
            generation.stop()

    def checked(self) -> None:
        """Wait for the rules run by the second process making this build's output (if any), and report their
        problems as a lint run first would: their errors stop the build before MkDocs writes anything."""
        if self.generation is None or self.reported:
            return
        try:
            checked = self.generation.checked()
        except GenerationFailed as error:
            raise self.failed(error) from None
        self.report(checked)
        log.info("%s (the rules run by the second process)", checked.summary)
        self.holding.end(release=True)

    def copy_exports(self, files: Files, config: MkDocsConfig) -> None:
        """The site is clean and MkDocs's files final: have the second process copy the files that are not pages
        into the site as soon as it has made them, while MkDocs reads and writes the pages, unless a plugin moved
        or dropped one of them (then `_site_complete` puts each where MkDocs says)."""
        if self.generation is None:
            return
        kept = [exported for exported in self.exports  # those another plugin dropped are not published
                if files.get_file_from_path(exported.src_uri) is exported and _published(exported)]
        site = Path(config.site_dir)
        if len(kept) == len(self.exports) and all(Path(exported.abs_dest_path) == site / exported.src_uri
                                                  for exported in kept):
            self.generation.copy_into(site)
        self.exports = kept

    def report(self, checked: Checked) -> None:
        """Log the rules' problems (once), as `_generated_files` logs a lint's."""
        if self.reported:
            return
        self.reported = True
        if checked.note:
            log.info("briefings: %s", checked.note)
        for severity, line in checked.problems:
            (log.error if severity == "error" else log.info)(line)

    def failed(self, error: GenerationFailed) -> PluginError:
        """What stops the build when the second process did not make the output: the rules' errors, reported as
        a lint's, or its failure as one line."""
        self.holding.end(release=not isinstance(error, LintFailed))
        self.stop()
        if isinstance(error, LintFailed):
            self.report(error.checked)
            return PluginError(f"briefings: {error.checked.summary}; fix them or run `briefings lint` for details")
        return PluginError(f"briefings: generating the site failed: {error}; the previous output is left as it "
                           "was")

    def join(self) -> Joined | None:
        """Wait for the second process making this build's output (if any): the output is written once this
        returns. Its failure stops the build."""
        generation = self.generation
        if generation is None:
            return None
        try:
            joined = generation.join()
        except GenerationFailed as error:
            raise self.failed(error) from None
        self.generation = None
        timings = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in joined.seconds.items())
        log.info("briefings: %d generated files changed, made by a second process (%s; %.2f s of CPU there); "
                 "this build waited for it %.2f s", joined.written, timings, joined.cpu_s, generation.waited_s)
        return joined


_process: _Process | None = None  # between on_startup and on_shutdown


def on_startup(command: str, dirty: bool = False, **_: Any) -> None:
    global _process
    _process = _Process(command, dirty)


def on_shutdown(**_: Any) -> None:
    global _process
    if _process is not None:
        _process.close()
    _process = None


def _started() -> _Process:
    """The process's state (a build driven without on_startup: what it keeps lasts for this build)."""
    global _process
    if _process is None:
        _process = _Process(None, dirty=False)
    return _process


@event_priority(100)  # first: nothing of this build may start while the last one's work left for later runs
def _stop_later(config: MkDocsConfig, **_: Any) -> MkDocsConfig:
    """Under `mkdocs serve --dirty`: stop what the last build left for later (it is done again by this one), and
    leave the search index for later too."""
    if _process is not None and _process.live is not None:
        _process.live.later.stop()
        _process.live.write_search_index_later(config)
    return config


@event_priority(-100)  # last: the configuration as every plugin left it
def _start_generation(config: MkDocsConfig, **_: Any) -> MkDocsConfig:
    """`mkdocs build` on a machine with a second core: start the second process that lints the project and makes
    the generated files now, before MkDocs cleans the site and gathers its files (`background.py`)."""
    process = _started()
    if process.serving or process.dirty:
        return config
    process.stop()  # a build started before by this process, left unfinished
    process.reported, process.exports = False, []
    try:
        process.settings = load_config(Path(config.config_file_path).parent)
        process.generation = process.session.start(process.settings, links=Links.for_mkdocs(config.use_directory_urls),
                                                   site_url=config.site_url or None)
    except (ConfigError, UnsafePath, OSError) as error:  # said by on_files, where a build in one process says it
        log.debug("briefings: no second process: %s", error)
    return config


def on_serve(server: LiveReloadServer, config: MkDocsConfig, **_: Any) -> LiveReloadServer:
    """Rebuild when a snapshot is added or changed, too (the store is usually outside the project)."""
    try:
        snapshots = load_config(Path(config.config_file_path).parent).snapshots
    except ConfigError:
        return server
    if snapshots.is_dir():
        server.watch(str(snapshots))
    return server


on_config = CombinedEvent(_stop_later, _start_generation)  # type: ignore[arg-type]


def on_files(files: Files, config: MkDocsConfig, **_: Any) -> Files:
    process = _started()
    if process.live is not None and not process.builds:
        process.live.resume(config)  # a site kept from an earlier run: what that run remembered of it
    process.builds += 1
    if process.generation is not None:
        return _pending_files(process, files, config)
    files, changed = _generated_files(process, files, config)
    if not process.serving:
        # A build makes one generation: what the session keeps for the next one (the model, the pages, the
        # memo) would only hold memory while MkDocs holds every page's Markdown and HTML.
        process.session = Session(keep=False)
    if process.live is not None and process.live.needs_full_build(files, config, changed, GENERATOR, process.notice):
        log.info("briefings: the navigation, a shared file or the problems shown changed; every page is built "
                 "again")
    return files


def _pending_files(process: _Process, files: Files, config: MkDocsConfig) -> Files:
    """The files the second process is making, added to MkDocs's as soon as it has planned them."""
    generation = process.generation
    assert generation is not None
    settings = process.settings
    assert settings is not None
    try:
        paths = generation.paths()
    except GenerationFailed as error:
        raise process.failed(error) from None
    log.info("briefings: %d generated files being made by a second process, which runs the rules meanwhile",
             len(paths))
    process.notice = ""
    process.holding.start()
    return _add_generated(files, config, settings.output, paths, _first(settings), generation)


def _generated_files(process: _Process, files: Files, config: MkDocsConfig) -> tuple[Files, dict[str, str | None]]:
    """Lint, generate and write; add the generated files to MkDocs's. Also which of them were rewritten (with
    their new content when it is known), for the dirty build."""
    root = Path(config.config_file_path).parent
    try:
        settings = load_config(root)
        build = process.session.build(settings, links=Links.for_mkdocs(config.use_directory_urls),
                                      site_url=config.site_url or None, later=process.live is not None)
    except (ConfigError, UnsafePath, OSError) as error:  # OSError: a full disk, an output folder not writable
        said = f"a file could not be read or written: {error}" if isinstance(error, OSError) else str(error)
        if not process.serving:
            raise PluginError(f"briefings: {said}") from None
        log.info("briefings: %s", said)  # not a warning: under `strict: true` it would stop the preview
        process.notice = preview.notice_html([], note=said)
        return _add_last_good(files, config, root / "build" / "pages"), {}
    result = build.lint
    if result.history.note:
        log.info("briefings: %s", result.history.note)
    tolerant = process.serving  # messages at INFO: under `strict: true` a warning would stop the preview
    for problem in result.problems:
        (log.error if problem.severity.value == "error" and not tolerant else log.info)(problem.line())
    if result.errors:
        if not tolerant:
            raise PluginError(f"briefings: {summary(result)}; fix them or run `briefings lint` for details")
        log.info("briefings: %s; serving the last good pages, with the problems above every page",
                 summary(result))
        errors = [p for p in result.problems if p.severity.value == "error"]
        process.notice = preview.notice_html(errors, result.warnings)
        return _add_last_good(files, config, settings.output, _first(settings)), {}
    timings = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in build.seconds.items())
    process.notice = ""
    assert build.report is not None
    log.info("%s; %d generated files changed (%s)", summary(result), len(build.report.written), timings)
    if build.later is not None and process.live is not None:
        process.live.later.add(partial(_exports_later, build.later, build.files, settings.output, config))
    changed = {rel: _page_text(build.files[rel]) for rel in build.report.written}
    return _add_generated(files, config, settings.output, build.files, _first(settings)), changed


def _page_text(content: Content | None) -> str | None:
    """A rewritten file's text, for the dirty build, which reads only the pages' (whole): None for an export in
    pieces (never joined for this)."""
    return content if isinstance(content, str) else None


def _exports_later(write: Callable[[Check], tuple[str, ...]], files: Mapping[str, Content | None], output: Path,
                   config: MkDocsConfig, check: Check) -> None:
    """The exports left for later, written, then put into the site (each one whose site file is not it)."""
    write(check)
    site = Path(config.site_dir)
    for rel, content in files.items():
        if content is None:  # an export (MkDocs publishes a file that is not a page at its own path)
            check()
            put_in_site(output / rel, site / rel)


def _first(settings: Config) -> list[str]:
    """The briefing pages the sidebar lists first (`order` in briefings.toml)."""
    return [f"briefings/{briefing_id}.md" for briefing_id in settings.order]


def _add_last_good(files: Files, config: MkDocsConfig, output: Path, first: Sequence[str] = ()) -> Files:
    """The pages of the last good build (or a page saying there is none yet), while serving with errors."""
    files = _add_generated(files, config, output, last_output(output), first)
    if files.get_file_from_path("index.md") is None:
        files.append(File.generated(config, "index.md", content=preview.PLACEHOLDER_INDEX))
        config.nav = None  # no page of the sidebar exists yet: MkDocs lists what there is
    return files


def _add_generated(files: Files, config: MkDocsConfig, output: Path, paths: Iterable[str],
                   first: Sequence[str] = (), pending: Generation | None = None) -> Files:
    """The generated files, in their `reading_order` (that in which a `pending` generation makes the pages:
    MkDocs reads them in this order)."""
    published = {file.dest_uri: file for file in files}
    linked = _process is not None and _process.live is not None
    for rel in sorted(paths, key=reading_order):
        if pending is not None and rel.endswith(".md"):
            generated: File = _PendingPage(rel, str(output), config.site_dir, config.use_directory_urls, pending)
        elif pending is not None and _process is not None:
            generated = _Exported(rel, str(output), config.site_dir, config.use_directory_urls)
            _process.exports.append(generated)
        else:
            kind = File if rel.endswith(".md") else _Linked if linked else _Copied
            generated = kind(rel, str(output), config.site_dir, config.use_directory_urls)
        generated.generated_by = GENERATOR
        clash = files.get_file_from_path(rel) or published.get(generated.dest_uri)
        if clash is not None:  # the same source path, or one that MkDocs publishes at the same place
            raise PluginError(f"briefings: docs/{clash.src_uri} is hand-written but would be published as "
                              f"{generated.dest_uri}, which the generated {rel} needs; rename or remove it")
        files.append(generated)
    config.nav = expand_nav(config.nav, [file.src_uri for file in files.documentation_pages()], first)
    return files


class _Linked(File):
    """A generated file that is not a page (an export, a feed, a schema), put into a served site as a hard link to
    the generated one rather than a copy (the exports are hundreds of megabytes at 100,000 facts)."""

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        assert self.abs_src_path is not None
        put_in_site(Path(self.abs_src_path), Path(self.abs_dest_path))


def _published(file: File) -> bool:
    """Whether `mkdocs build` copies the file into the site (a draft or an excluded file it does not)."""
    return bool(file.inclusion.is_included())  # type: ignore[no-untyped-call]


class _Copied(File):
    """A generated file that is not a page, copied into the site as MkDocs copies a file; a copy that fails (a
    full disk, a folder in the way) stops the build with one line, not a traceback."""

    def copy_file(self, dirty: bool = False) -> None:
        try:
            super().copy_file(dirty)
        except OSError as error:
            raise PluginError(f"briefings: a file could not be read or written: {error}") from None


class _Exported(_Copied):
    """A generated file that is not a page, made by the second process after the pages, which copies it into the
    site too (`_Process.copy_exports`); else put there when the build has written the pages (`_site_complete`),
    not before, so that the build does not wait for it. A copy, as MkDocs makes it, not a hard link: a published
    site shares nothing with the output folder (an editor writing a file of either in place, or a deployment
    changing a file's permissions, would change both, and every other site built from it)."""

    def copy_file(self, dirty: bool = False) -> None:
        pass

    def put_in_site(self) -> None:
        _Copied.copy_file(self)


_NOT_MADE = "---\ntitle: Not made\n---\n"  # a page the second process did not make, the rules having found errors


class _PendingPage(File):
    """A generated page that a second process is making: its Markdown is taken from there when MkDocs reads it
    (once; read again, it comes from the output folder, written by then)."""

    def __init__(self, rel: str, output: str, site_dir: str, use_directory_urls: bool, pending: Generation) -> None:
        super().__init__(rel, output, site_dir, use_directory_urls)
        self.pending = pending

    def _content_string(self) -> str:
        if self._content is None:
            try:
                place = self.pending.take(self.src_uri)
                if place is not None:
                    with contextlib.suppress(FileNotFoundError):
                        return place.read_text(encoding="utf-8-sig")
                # Read before, or its staged file is gone: renamed into place once the second process has
                # finished, or removed by it when it failed (then this raises).
                self.pending.join()
            except LintFailed:
                # The rules found errors: the build stops on them before MkDocs writes anything (`on_env`), with
                # the lines a lint run first gives; stopped here, MkDocs would first blame this page.
                return _NOT_MADE
            except GenerationFailed as error:
                raise (_process.failed(error) if _process is not None else PluginError(str(error))) from None
        return str(File.content_string.fget(self))  # type: ignore[attr-defined]

    content_string = property(_content_string, File.content_string.fset)  # type: ignore[attr-defined]


def on_env(env: Any, config: MkDocsConfig, files: Files, **_: Any) -> Any:
    """Every page is read and converted: before MkDocs writes anything into the site, the problems the second
    process found (its errors stop the build)."""
    if _process is not None:
        _process.checked()
    if _process is not None and _process.live is not None:
        _process.live.restore_titles(files)
        _process.live.reuse_templates(env)
    return env


_ID = re.compile(r'id="([^"]+)"')  # a literal start: the regular expression engine finds it at C speed


def anchors(html: str) -> list[str]:
    """The value of every `id` attribute in `html` (whitespace before `id=`: not `data-id=`), unescaped. Eight
    times faster than one regular expression that starts with the whitespace (0.05 s against 0.43 s over the
    1,100 briefing and source pages of 10,000 facts)."""
    return [html_module.unescape(found[1]) for found in _ID.finditer(html)
            if found.start() and html[found.start() - 1].isspace()]


@event_priority(-100)  # last: MkDocs's files as every plugin left them
def on_nav(nav: Any, config: MkDocsConfig, files: Files, **_: Any) -> Any:
    """The site is clean and the files are final, before MkDocs reads a page: the second process may copy the
    files that are not pages into the site as soon as it has made them."""
    if _process is not None:
        _process.copy_exports(files, config)
    return nav


def on_page_content(html: str, page: Page, **_: Any) -> str:
    """Give MkDocs the anchors of a generated page's raw HTML blocks, which Markdown stored unread
    (`markdown_ext.RawHtmlBlocks`), so that links to them validate. While serving with errors, the problems above
    the page's content."""
    if page.file.generated_by == GENERATOR and page.present_anchor_ids is not None:
        page.present_anchor_ids.update(anchors(html))
        if _process is not None and not _process.serving:
            page.markdown = ""  # converted: a build needs its HTML only (not None: MkDocs would forget the title)
    notice = _process.notice if _process is not None else ""
    return notice + html if notice else html


def on_page_markdown(markdown: str, page: Page, **_: Any) -> str:
    """Stop the build if MkDocs could not read a generated page's front matter: it would drop it silently
    and render it as Markdown. (Every generated page has a title there.)"""
    if page.file.generated_by == GENERATOR and not page.meta.get("title"):
        raise PluginError(f"briefings: the front matter of generated page {page.file.src_uri} did not parse; "
                          "this is a bug in briefings, please report it")
    return markdown


def on_post_page(output: str, page: Page, **_: Any) -> str:
    """A generated page is written: a build needs its HTML no more (the search plugin has its entries)."""
    if page.file.generated_by == GENERATOR and _process is not None and not _process.serving:
        page.content = None
    return output


@event_priority(50)  # before the search plugin writes its index
def _complete_site(config: MkDocsConfig, **_: Any) -> None:
    """Complete the search index of a dirty build; mark the site as a build of ours, so that `briefings site`
    may later replace it."""
    if _process is not None and _process.live is not None:
        _process.live.complete_search_index(config)
    write_marker(Path(config.site_dir))


@event_priority(-100)  # after every plugin has written what it writes
def _site_complete(config: MkDocsConfig, **_: Any) -> None:
    """The site folder now holds a whole build (what a server stopped now may keep for its next run). The files a
    second process made after the pages (exports, schemas) are in it last: that process copied them meanwhile
    (`copy_exports`), or they are copied now; it has had the whole build to make them."""
    if _process is not None and _process.generation is not None:
        joined = _process.join()
        exports, _process.exports = _process.exports, []
        if joined is not None and not joined.copied:
            for exported in exports:
                exported.put_in_site()
    if _process is not None and _process.live is not None:
        _process.live.built()
        _process.live.later.start()  # the pages are written: the exports and the search index now


# MkDocs types CombinedEvent for a plugin's methods; a hook's functions are called the same way (by keyword).
on_post_build = CombinedEvent(_complete_site, _site_complete)  # type: ignore[arg-type]


def on_build_error(**_: Any) -> None:
    """A build stopped part way (pages written, others not): the next one builds everything."""
    if _process is not None:
        _process.stop()
    if _process is not None and _process.live is not None:
        _process.live.later.steps.clear()  # what this build left for later: it stopped before the pages were done
        _process.live.failed()

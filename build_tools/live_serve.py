"""`make serve` at any size: MkDocs's dirty builds, made to serve exactly what a clean build would.

Under `mkdocs serve --dirty`, MkDocs reads, renders and writes only the pages whose Markdown is newer than
their HTML, and copies only the files that changed. The generator rewrites only the pages an edit changes
(an unchanged page keeps its bytes and its mtime), so a one-fact edit renders a handful of pages, not the site.

Three things a dirty build gets wrong, each put right here (and one it does slowly):

- Every page shows the navigation, with the title of every page in it, and its neighbours' titles in its
  footer; a page MkDocs did not read this time has no title. So the title and front matter of each page are
  remembered when it is read, and given back to the pages not read (`restore_titles`, in `on_env`).
- When the navigation itself changes (a page added, removed or retitled), or a file goes, or a hand-written
  page or the configuration changes, or the problems shown above every page while the project has errors
  (`preview.py`), every page must be built again: the site folder is emptied first, so that MkDocs builds
  everything, as a clean build does (`needs_full_build`, in `on_files`).
- Material's search plugin indexes only the pages it rendered and merges them with its previous index by
  the first page's address (right for one page, wrong for several, and in another order). The entries of
  each page are remembered when it is rendered and the index is given back in page order, before the plugin
  writes it (`complete_search_index`, in `on_post_build`).

- What the open page does not show is done after it is served (`Later`): the live reload fires once the changed
  pages are written, and the exports (hundreds of megabytes at 100,000 facts) and the search index (Material's
  reading of each rendered page for its entries, and the 90 MB index) are made right after, in a thread of their
  own; the next build stops that work (at its next step) and waits for it
  before it begins, and does it again itself, so the site always settles to what a clean build writes. Each
  file is replaced whole (written aside, then renamed), so a request never reads half of one; the exports are
  put into the site as hard links to the generated files, not copied.
- MkDocs makes a new Jinja environment for every rebuild, so the theme's templates were compiled again each
  time (half a second with Material): they are compiled once per process (`CompiledTemplates`).

Between runs (`briefings serve` keeps its site in `build/serve/site`, see `serve.py`), what is remembered is
saved beside it (`build/serve/state.json`) when the server stops, and the next run starts with a dirty build
over that site: only the pages whose Markdown changed meanwhile are rendered. What a restart can no longer see
(another MkDocs, Material, extension or Python, our own code, the serving address, an environment variable the
configuration names) is part of the shape, so a change of any forces a full build; a page whose source is not
the one remembered (by size and mtime) is rendered again, and a file of the site changed by hand meanwhile is written
again. The state is removed as the next run starts and saved
only after a complete build, so a server killed or crashed mid-build leaves none, and its restart builds all.

`tests/test_live_serve.py` checks, after each kind of edit, that the served site is byte for byte the site a
clean build serves.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from types import CodeType, SimpleNamespace
from typing import Any

import jinja2
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from build_tools.cache_files import read_json, write_json
from build_tools.safe_files import temporary_file
from build_tools.sitebuild import MARKER

log = logging.getLogger("mkdocs.hooks.briefings")

# Front-matter keys the navigation shows for other pages (Material: the title, an icon, a subtitle, a status).
NAV_META = ("title", "icon", "subtitle", "status")
DIRTY_WARNING = "A 'dirty' build is being performed"
KEPT = Path("build/serve")  # under the project: what `briefings serve` keeps between runs
KEPT_SITE = KEPT / "site"
KEPT_STATE = KEPT / "state.json"
STATE_VERSION = 2  # 2: the output files' stamps


class QuietDirtyWarning(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be inaccurate (and `strict: true` then fails
    the build); here it is not, so the warning is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept in memory between rebuilds, each checked against its source's
    checksum before use (Jinja does the check: a changed template is compiled again)."""

    def __init__(self) -> None:
        self.compiled: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.compiled.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self.compiled[bucket.key] = (bucket.checksum, bucket.code)


class Stopped(BaseException):
    """Work left for later was stopped: a new build begins (or the server stops)."""


Step = Callable[[Callable[[], None]], None]  # work left for later, given a check to call between its parts


class Later:
    """What a served build leaves for after its pages are served (the exports, the search index): run in a thread
    of its own once the build ends, stopped at its next check when the next build begins."""

    def __init__(self) -> None:
        self.steps: list[Step] = []  # left by the build under way
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.settled = 0  # builds whose work left for later was done to the end (for tests)

    def add(self, step: Step) -> None:
        self.steps.append(step)

    def start(self) -> None:
        """Run the steps left by the build that just ended, in order, in a thread."""
        steps, self.steps = self.steps, []
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(steps, time.perf_counter()), daemon=True,
                                        name="briefings-later")
        self._thread.start()

    def stop(self) -> None:
        """Stop the work left for later at its next check and wait for it; forget the steps not started."""
        self.steps.clear()
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join()

    def stop_when_done(self) -> None:
        """Wait for the work left for later to end by itself."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()

    def check(self) -> None:
        if self._stop.is_set():
            raise Stopped

    def _run(self, steps: list[Step], started: float) -> None:
        try:
            for step in steps:
                self.check()
                step(self.check)
        except Stopped:
            log.info("briefings: a new build began before the exports and the search index were written; it "
                     "writes them")
            return
        except Exception as error:  # a bug, a full disk: the previous files stay; the next build tries again
            log.error("briefings: writing the exports or the search index failed: %s: %s", type(error).__name__,
                      error)
            return
        self.settled += 1
        log.info("briefings: exports and search index written, %.2f s after the pages were served",
                 time.perf_counter() - started)


def put_in_site(source: Path, target: Path) -> None:
    """Give `target` (in the site) the content of `source` (a generated file, replaced whole when it changes,
    never written in place): as a hard link, or a copy where the two cannot share the file (another file
    system). Replaced whole, so a request never reads half of it."""
    if _same_file(source, target):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    linked = target.with_name(f".link-{os.getpid()}-{threading.get_ident()}{target.suffix}")
    linked.unlink(missing_ok=True)
    try:
        os.link(source, linked)
    except OSError:
        linked = temporary_file(target.parent, source.read_bytes(), target.suffix)
    try:
        os.replace(linked, target)
    except BaseException:
        linked.unlink(missing_ok=True)
        raise


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def replace_file(target: Path, data: bytes) -> None:
    """Write `target` whole, aside first, then renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = temporary_file(target.parent, data, target.suffix)
    try:
        os.replace(staged, target)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


class LiveSite:
    """What one `make serve` remembers of the site it serves, between dirty builds (and between runs, when
    the site is kept: `resume`, `save`)."""

    def __init__(self) -> None:
        self.shape: str | None = None  # what every page's navigation depends on, at the last build
        self.front_matter: dict[str, dict[str, Any]] = {}  # generated page → its front matter, as MkDocs reads it
        self.pages: dict[str, tuple[str | None, dict[str, Any]]] = {}  # src_uri → title and meta when last read
        self.sources: dict[str, list[int] | None] = {}  # src_uri → its source's size and mtime when last read
        self.search: dict[str, list[dict[str, Any]]] = {}  # page url → its search entries when last rendered
        self.outputs: dict[str, list[int] | None] = {}  # dest_uri → its output's size and mtime (a kept site)
        self.destinations: dict[str, str] = {}  # dest_uri → its output's path, of every file of the last build
        self.read_now: set[str] = set()  # pages read by this build
        self.order: list[str] = []  # page urls, in the order a build indexes them
        self.templates = CompiledTemplates()
        self.later = Later()
        self.indexer: Any = None  # Material's search plugin, whose reading of pages and writing is left for later
        self.unindexed: deque[SimpleNamespace] = deque()  # pages rendered, not yet read for the search index
        self.state: Path | None = None  # where this site's state is saved between runs (a kept site only)
        self.resumed = False  # the next build is the first over a site kept from an earlier run
        self.complete = False  # the site folder holds a whole build, which all of the above describes
        self._environment: str | None = None

    # between runs -------------------------------------------------------------------------------------

    def resume(self, config: MkDocsConfig) -> None:
        """When the site folder is the one kept between runs, take what the last run saved (if it stopped after
        a complete build) and remove it: until this run saves it again, nothing on disk may be trusted."""
        root = Path(config.config_file_path or ".").parent
        if Path(config.site_dir).resolve() != (root / KEPT_SITE).resolve():
            return
        self.state = root / KEPT_STATE
        saved = read_json(self.state)
        self.state.unlink(missing_ok=True)
        if _is_state(saved):
            self.shape = saved["shape"]
            self.pages = {uri: (title, meta) for uri, (title, meta, _) in saved["pages"].items()}
            self.sources = {uri: source for uri, (_, _, source) in saved["pages"].items()}
            self.search = saved["search"]
            self.outputs = saved["outputs"]
            self.resumed = True

    def save(self) -> None:
        """Save what describes the kept site, if the last build completed (written whole, then renamed)."""
        if self.state is None or not self.complete:
            return
        for page in self.unindexed:  # not read for the index yet (stopped): the next run renders them again
            self.search.pop(page.url, None)
        pages = {uri: [title, meta, self.sources.get(uri)] for uri, (title, meta) in self.pages.items()
                 if _round_trips(meta)}  # a page left out is rendered again by the next run
        outputs = {uri: _stamp(path) for uri, path in self.destinations.items()}  # as this build left them
        write_json(self.state, {"version": STATE_VERSION, "shape": self.shape, "pages": pages,
                                "search": self.search, "outputs": outputs})

    def built(self) -> None:
        self.complete = True

    def failed(self) -> None:
        """A build stopped part way: some pages may be written and not remembered; the next build is full."""
        self.shape = None
        self.complete = False

    # on_files ------------------------------------------------------------------------------------------

    def needs_full_build(self, files: Files, config: MkDocsConfig, changed: Mapping[str, str | None], generator: str,
                         notice: str) -> bool:
        """Whether every page must be built again; if so, the site folder is emptied, so that MkDocs's
        dirty build builds everything. `changed`: the generated files rewritten by this build, with their
        content; `notice`: what this build puts above every page (the problems, while there are any)."""
        self.complete = False
        self.destinations = {file.dest_uri: file.abs_dest_path for file in files}
        known, self.front_matter = self.front_matter, {}
        for file in files:
            if file.generated_by == generator and file.is_documentation_page():
                rel = file.src_uri
                if rel in changed or rel not in known:
                    content = changed.get(rel)
                    known[rel] = get_data(content if content is not None else file.content_string)[1]
                self.front_matter[rel] = known[rel]
        shape = self._shape(files, config, generator, notice)
        full = shape != self.shape
        self.shape = shape
        if full:
            _empty(Path(config.site_dir))
            self.search.clear()
            self.unindexed.clear()
        elif self.resumed:
            self._render_unknown(files)
        self.resumed = False
        return full

    def _render_unknown(self, files: Files) -> None:
        """After a restart, have MkDocs render again each page whose source is not the one remembered, or
        which nothing is remembered of, and write again each file whose output is not the one the last run left
        (changed by hand in the site folder): their outputs are removed, so that a dirty build writes them."""
        for file in files:
            if self.outputs.get(file.dest_uri) != _stamp(file.abs_dest_path):
                Path(file.abs_dest_path).unlink(missing_ok=True)
        for file in files.documentation_pages():
            if file.abs_src_path is None:
                continue
            known = file.src_uri in self.pages and file.url in self.search
            if not known or self.sources.get(file.src_uri) != _stamp(file.abs_src_path):
                Path(file.abs_dest_path).unlink(missing_ok=True)

    def _shape(self, files: Files, config: MkDocsConfig, generator: str, notice: str) -> str:
        """A digest of what every page depends on besides its own content: the configuration, the notice
        above every page, every file's path, the navigation's metadata of each generated page, the state
        of each hand-written file and of the theme's own folder, and what a restart could change unseen
        (`_environment`)."""
        digest = hashlib.sha256(notice.encode())
        digest.update(f"\0{config.site_url}\0{self._environment_of(config)}\0".encode())
        for path in _configuration_files(config):
            digest.update(_content(str(path)))
        for file in sorted(files, key=lambda f: f.src_uri):
            digest.update(f"\0{file.src_uri}\0".encode())
            if file.generated_by == generator:
                meta = self.front_matter.get(file.src_uri, {})
                digest.update(repr([(key, meta.get(key)) for key in NAV_META]).encode())
            elif file.is_documentation_page() and file.abs_src_path:
                digest.update(_content(file.abs_src_path))
        custom = config.theme.custom_dir
        if custom and os.path.isdir(custom):
            for folder, _, names in sorted(os.walk(custom)):
                for name in sorted(names):
                    digest.update(f"\0{folder}/{name}\0".encode() + _content(os.path.join(folder, name)))
        return digest.hexdigest()

    def _environment_of(self, config: MkDocsConfig) -> str:
        if self._environment is None:
            self._environment = _environment(config)
        return self._environment

    # on_env ------------------------------------------------------------------------------------------

    def reuse_templates(self, env: jinja2.Environment) -> None:
        env.bytecode_cache = self.templates

    def restore_titles(self, files: Files) -> None:
        """Give the pages MkDocs did not read this time the title and front matter they had when last read;
        remember those of the pages it read."""
        self.read_now.clear()
        self.order.clear()
        for file in files.documentation_pages():
            page = file.page
            if page is None:
                continue
            self.order.append(page.url)
            if page.markdown is not None:
                self.read_now.add(page.url)
                self.pages[file.src_uri] = (page.title, dict(page.meta))
                self.sources[file.src_uri] = _stamp(file.abs_src_path) if file.abs_src_path else None
            elif file.src_uri in self.pages:
                _give_back(page, *self.pages[file.src_uri])

    # on_config: the search index made and written after the pages are served ------------------------------

    def write_search_index_later(self, config: MkDocsConfig) -> None:
        """Have Material's search plugin, in this build's plugin collection, leave its work to `later`: reading
        each rendered page's HTML for its entries (a page of 1,000 facts is 2 MB) and writing its index (90 MB of
        JSON at 100,000 facts), which the open page does not need to be served. The page's HTML is written as
        the plugin leaves it (its `data-search-*` attributes removed)."""
        plugin = config.plugins.get("material/search")
        self.indexer = plugin
        if plugin is None:
            return
        replacements = {"page_context": partial(self._index_later, plugin),
                        "post_build": partial(self._write_index_later, plugin)}
        for event, replacement in replacements.items():
            events = config.plugins.events[event]
            for number, method in enumerate(events):
                if getattr(method, "__self__", None) is plugin:
                    events[number] = replacement

    def _index_later(self, plugin: Any, context: Any, *, page: Page, **_: Any) -> None:
        """The plugin's `on_page_context`, but for reading the page's entries, which is left for later."""
        if not plugin.config.enabled:
            return
        self.unindexed.append(SimpleNamespace(content=page.content, toc=page.toc, url=page.url,
                                              meta=dict(page.meta), title=page.title))
        page.content = _SEARCH_ATTRIBUTE.sub("", page.content or "")

    def _write_index_later(self, plugin: Any, *, config: MkDocsConfig) -> None:
        """The plugin's `on_post_build`, left for later: the entries of the pages rendered, with those remembered
        of the others, in page order (the index a clean build writes)."""
        if not plugin.config.enabled:
            return
        index, order = plugin.search_index, list(self.order)
        target = Path(config.site_dir) / "search" / "search_index.json"

        def write(check: Callable[[], None]) -> None:
            self.index_pages(index, check)
            index.entries = [entry for url in order for entry in self.search.get(url, ())]
            data = index.generate_search_index(None).encode("utf-8")
            check()
            replace_file(target, data)

        self.later.add(write)

    def index_pages(self, index: Any, check: Callable[[], None] = lambda: None) -> None:
        """Read the entries of the pages rendered and not read for the search index yet, and remember them, one
        page at a time: pages left by a build whose work left for later was stopped are read by the next (the
        last rendering of a page counts), and a stop loses none of those read (after a full build at 100,000
        facts, they are 10,000 pages)."""
        while self.unindexed:
            check()
            page = self.unindexed[0]
            index.entries = []
            index.add_entry_from_context(page)
            self.search[page.url] = index.entries  # each entry's location is the page's address and an anchor
            self.unindexed.popleft()

    # on_post_build, before the search plugin writes its index -------------------------------------------

    def complete_search_index(self, config: MkDocsConfig) -> None:
        """Put the search entries of the pages not rendered this time back, in page order, so that the search
        plugin writes the index a clean build writes (when it writes it itself: a search plugin other than
        Material's, whose work is not left for later)."""
        plugin = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(plugin, "search_index", None)
        if plugin is None or plugin is self.indexer or index is None or not hasattr(index, "entries"):
            return
        fresh: dict[str, list[dict[str, Any]]] = {url: [] for url in self.read_now}
        for entry in index.entries:
            fresh.setdefault(entry["location"].partition("#")[0], []).append(entry)
        self.search.update(fresh)
        index.entries = [entry for url in self.order for entry in self.search.get(url, ())]
        plugin.search_index_prev = None  # its own merge (by the first page's address) must not run


_SEARCH_ATTRIBUTE = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")  # what Material's search plugin removes from a page


def _give_back(page: Page, title: str | None, meta: dict[str, Any]) -> None:
    page.meta = dict(meta)
    page.title = title  # a weak property in MkDocs: set, it stays


def _stamp(path: str) -> list[int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


_INHERIT = re.compile(r"""^INHERIT:[ \t]*(['"]?)(.+?)\1[ \t]*(?:#.*)?$""", re.M)


def _configuration_files(config: MkDocsConfig) -> list[Path]:
    """mkdocs.yml and the files it takes its settings from (`INHERIT:`, as MkDocs follows it), that exist."""
    found: list[Path] = []
    path = Path(config.config_file_path) if config.config_file_path else None
    while path is not None and path.is_file() and path not in found:
        found.append(path)
        parent = _INHERIT.search(path.read_text(encoding="utf-8", errors="replace"))
        path = (path.parent / parent.group(2)).resolve() if parent else None
    return found


def _content(path: str) -> bytes:
    """A hand-written page's or theme file's digest, by content: an edit that keeps the size and the time (a copy
    or a checkout that restores times) changes it too; they are few and small."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).digest()
    except OSError:
        return b"-"


def _empty(site: Path) -> None:
    """Remove everything in the site folder but the marker that says it is ours (`sitebuild.MARKER`), so that a
    run killed during the full build that follows still finds the folder ours."""
    if not site.is_dir():
        return
    for entry in os.scandir(site):
        if entry.name == MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)


def _environment(config: MkDocsConfig) -> str:
    """What the built pages depend on that a restart may change without any file of the project changing:
    Python, every installed distribution's version (MkDocs, Material, Markdown and its extensions), the code
    of build_tools (the hook and the Markdown extension), and the environment variables the configuration
    names (`!ENV`)."""
    digest = hashlib.sha256(sys.version.encode())
    versions = sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions())
    digest.update("\n".join(versions).encode())
    code = Path(__file__).resolve().parent
    for path in sorted(code.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"\0{path.relative_to(code).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    named: set[str] = {"SOURCE_DATE_EPOCH"}
    for path in _configuration_files(config):
        named |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", path.read_text(encoding="utf-8", errors="replace")))
    digest.update(repr(sorted((name, value) for name, value in os.environ.items() if name in named)).encode())
    return digest.hexdigest()


def _is_state(saved: Any) -> bool:
    """Whether `saved` has the shape `LiveSite.save` writes (anything else is no state)."""
    if not (isinstance(saved, dict) and saved.get("version") == STATE_VERSION and isinstance(saved.get("shape"), str)
            and isinstance(saved.get("pages"), dict) and isinstance(saved.get("search"), dict)
            and isinstance(saved.get("outputs"), dict)):
        return False
    pages_ok = all(isinstance(entry, list) and len(entry) == 3 and isinstance(entry[1], dict)
                   and (entry[0] is None or isinstance(entry[0], str)) for entry in saved["pages"].values())
    search_ok = all(isinstance(entries, list) and all(isinstance(e, dict) for e in entries)
                    for entries in saved["search"].values())
    outputs_ok = all(stamp is None or (isinstance(stamp, list) and len(stamp) == 2 and all(isinstance(n, int)
                                                                                          for n in stamp))
                     for stamp in saved["outputs"].values())
    return pages_ok and search_ok and outputs_ok


def _round_trips(meta: dict[str, Any]) -> bool:
    """Whether JSON gives this front matter back as it is (a YAML date, say, would come back as a string)."""
    try:
        return bool(json.loads(json.dumps(meta)) == meta)
    except (TypeError, ValueError):
        return False

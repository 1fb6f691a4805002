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

- MkDocs makes a new Jinja environment for every rebuild, so the theme's templates were compiled again each
  time (half a second with Material): they are compiled once per process (`CompiledTemplates`).

`tests/test_live_serve.py` checks, after each kind of edit, that the served site is byte for byte the site a
clean build serves.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from types import CodeType
from typing import Any

import jinja2
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import clean_directory
from mkdocs.utils.meta import get_data

# Front-matter keys the navigation shows for other pages (Material: the title, an icon, a subtitle, a status).
NAV_META = ("title", "icon", "subtitle", "status")
DIRTY_WARNING = "A 'dirty' build is being performed"


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


class LiveSite:
    """What one `make serve` remembers of the site it serves, between dirty builds."""

    def __init__(self) -> None:
        self.shape: str | None = None  # what every page's navigation depends on, at the last build
        self.front_matter: dict[str, dict[str, Any]] = {}  # generated page → its front matter, as MkDocs reads it
        self.pages: dict[str, tuple[str | None, dict[str, Any]]] = {}  # src_uri → title and meta when last read
        self.search: dict[str, list[dict[str, Any]]] = {}  # page url → its search entries when last rendered
        self.read_now: set[str] = set()  # pages read by this build
        self.order: list[str] = []  # page urls, in the order a build indexes them
        self.templates = CompiledTemplates()

    # on_files ------------------------------------------------------------------------------------------

    def needs_full_build(self, files: Files, config: MkDocsConfig, changed: Mapping[str, str | None], generator: str,
                         notice: str) -> bool:
        """Whether every page must be built again; if so, the site folder is emptied, so that MkDocs's
        dirty build builds everything. `changed`: the generated files rewritten by this build, with their
        content; `notice`: what this build puts above every page (the problems, while there are any)."""
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
            clean_directory(config.site_dir)
            self.search.clear()
        return full

    def _shape(self, files: Files, config: MkDocsConfig, generator: str, notice: str) -> str:
        """A digest of what every page depends on besides its own content: the configuration, the notice
        above every page, every file's path, the navigation's metadata of each generated page, and the state
        of each hand-written file."""
        digest = hashlib.sha256(notice.encode())
        if config.config_file_path:
            with open(config.config_file_path, "rb") as handle:
                digest.update(handle.read())
        for file in sorted(files, key=lambda f: f.src_uri):
            digest.update(f"\0{file.src_uri}\0".encode())
            if file.generated_by == generator:
                meta = self.front_matter.get(file.src_uri, {})
                digest.update(repr([(key, meta.get(key)) for key in NAV_META]).encode())
            elif file.is_documentation_page() and file.abs_src_path:
                stat = os.stat(file.abs_src_path)
                digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
        return digest.hexdigest()

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
            elif file.src_uri in self.pages:
                _give_back(page, *self.pages[file.src_uri])

    # on_post_build, before the search plugin writes its index -------------------------------------------

    def complete_search_index(self, config: MkDocsConfig) -> None:
        """Put the search entries of the pages not rendered this time back, in page order, so that the search
        plugin writes the index a clean build writes."""
        plugin = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(plugin, "search_index", None)
        if plugin is None or index is None or not hasattr(index, "entries"):
            return
        fresh: dict[str, list[dict[str, Any]]] = {url: [] for url in self.read_now}
        for entry in index.entries:
            fresh.setdefault(entry["location"].partition("#")[0], []).append(entry)
        self.search.update(fresh)
        index.entries = [entry for url in self.order for entry in self.search.get(url, ())]
        plugin.search_index_prev = None  # its own merge (by the first page's address) must not run


def _give_back(page: Page, title: str | None, meta: dict[str, Any]) -> None:
    page.meta = dict(meta)
    page.title = title  # a weak property in MkDocs: set, it stays

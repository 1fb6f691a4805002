"""The thin adapter that `mkdocs.yml` names under `hooks:`.

It lints the project, stops the build on errors, writes the generated pages
with the same code as `briefings build`, and hands them to MkDocs as files.
Under `mkdocs serve` an error does not stop the build (MkDocs would then hold every
request until a build succeeds): the last good pages are served with the problems
shown above every page (`preview.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from build_tools import preview
from build_tools.config import ConfigError, load_config
from build_tools.render import Links
from build_tools.render.navigation import expand_nav
from build_tools.report import summary
from build_tools.safe_files import UnsafePath
from build_tools.site import SERVE, last_output
from build_tools.sitebuild import write_marker

log = logging.getLogger("mkdocs.hooks.briefings")
GENERATOR = "briefings"  # File.generated_by of the pages we add
# While serving with errors: the notice this build puts above every page ("" when the project is clean).
# This module is executed afresh for every build, so it never outlives one.
_notice: list[str] = [""]


def on_startup(command: str, **_: Any) -> None:
    preview.remember_command(command)


def on_shutdown(**_: Any) -> None:
    preview.remember_command(None)


def on_serve(server: Any, config: MkDocsConfig, **_: Any) -> Any:
    """Rebuild when a snapshot is added or changed, too (the store is usually outside the project)."""
    try:
        snapshots = load_config(Path(config.config_file_path).parent).snapshots
    except ConfigError:
        return server
    if snapshots.is_dir():
        server.watch(str(snapshots))
    return server


def on_files(files: Files, config: MkDocsConfig, **_: Any) -> Files:
    root = Path(config.config_file_path).parent
    try:
        settings = load_config(root)
        build = SERVE.rebuild(settings, Links.for_mkdocs(config.use_directory_urls), config.site_url or None)
    except (ConfigError, UnsafePath) as error:
        if not preview.serving():
            raise PluginError(f"briefings: {error}") from None
        log.info("briefings: %s", error)  # not a warning: under `strict: true` it would stop the preview
        _notice[0] = preview.notice_html([], note=str(error))
        return _add_last_good(files, config, root / "build" / "pages")
    result = build.lint
    if result.history.note:
        log.info("briefings: %s", result.history.note)
    tolerant = preview.serving()  # messages at INFO: under `strict: true` a warning would stop the preview
    for problem in result.problems:
        (log.error if problem.severity.value == "error" and not tolerant else log.info)(problem.line())
    if build.report is None:
        if not tolerant:
            raise PluginError(f"briefings: {summary(result)}; fix them or run `briefings lint` for details")
        log.info("briefings: %s; serving the last good pages, with the problems above every page",
                 summary(result))
        errors = [p for p in result.problems if p.severity.value == "error"]
        _notice[0] = preview.notice_html(errors, result.warnings)
        return _add_last_good(files, config, settings.output)
    log.info("%s; %d generated files changed", summary(result), len(build.report.written))
    _notice[0] = ""
    return _add_generated(files, config, settings.output, build.files)


def _add_last_good(files: Files, config: MkDocsConfig, output: Path) -> Files:
    """The pages of the last good build (or a page saying there is none yet), while serving with errors."""
    files = _add_generated(files, config, output, last_output(output))
    if files.get_file_from_path("index.md") is None:
        files.append(File.generated(config, "index.md", content=preview.PLACEHOLDER_INDEX))
        config.nav = None  # no page of the sidebar exists yet: MkDocs lists what there is
    return files


def _add_generated(files: Files, config: MkDocsConfig, output: Path, paths: Iterable[str]) -> Files:
    published = {file.dest_uri: file for file in files}
    for rel in sorted(paths):
        generated = File(rel, str(output), config.site_dir, config.use_directory_urls)
        generated.generated_by = GENERATOR
        clash = files.get_file_from_path(rel) or published.get(generated.dest_uri)
        if clash is not None:  # the same source path, or one that MkDocs publishes at the same place
            raise PluginError(f"briefings: docs/{clash.src_uri} is hand-written but would be published as "
                              f"{generated.dest_uri}, which the generated {rel} needs; rename or remove it")
        files.append(generated)
    config.nav = expand_nav(config.nav, [file.src_uri for file in files.documentation_pages()])
    return files


def on_page_content(html: str, **_: Any) -> str:
    """While serving with errors, the problems above the page's content."""
    return _notice[0] + html if _notice[0] else html


def on_page_markdown(markdown: str, page: Page, **_: Any) -> str:
    """Stop the build if MkDocs could not read a generated page's front matter: it would drop it silently
    and render it as Markdown. (Every generated page has a title there.)"""
    if page.file.generated_by == GENERATOR and not page.meta.get("title"):
        raise PluginError(f"briefings: the front matter of generated page {page.file.src_uri} did not parse; "
                          "this is a bug in briefings, please report it")
    return markdown


def on_post_build(config: MkDocsConfig, **_: Any) -> None:
    """Mark the site as a build of ours, so that `briefings site` may later replace it."""
    write_marker(Path(config.site_dir))

"""The thin adapter that `mkdocs.yml` names under `hooks:`.

It lints the project, stops the build on errors, writes the generated pages
with the same code as `briefings build`, and hands them to MkDocs as files.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from build_tools.config import ConfigError, load_config
from build_tools.render import Links
from build_tools.report import summary
from build_tools.safe_files import UnsafePath
from build_tools.site import SERVE
from build_tools.sitebuild import write_marker

log = logging.getLogger("mkdocs.hooks.briefings")
GENERATOR = "briefings"  # File.generated_by of the pages we add


def on_files(files: Files, config: MkDocsConfig, **_: Any) -> Files:
    root = Path(config.config_file_path).parent
    try:
        settings = load_config(root)
        build = SERVE.rebuild(settings, Links.for_mkdocs(config.use_directory_urls), config.site_url or None)
    except (ConfigError, UnsafePath) as error:
        raise PluginError(f"briefings: {error}") from None
    result = build.lint
    if result.history.note:
        log.info("briefings: %s", result.history.note)
    for problem in result.problems:
        (log.error if problem.severity.value == "error" else log.info)(problem.line())
    if build.report is None:
        raise PluginError(f"briefings: {summary(result)}; fix them or run `briefings lint` for details")
    log.info("%s; %d generated files changed", summary(result), len(build.report.written))
    published = {file.dest_uri: file for file in files}
    for rel in sorted(build.files):
        generated = File(rel, str(settings.output), config.site_dir, config.use_directory_urls)
        generated.generated_by = GENERATOR
        clash = files.get_file_from_path(rel) or published.get(generated.dest_uri)
        if clash is not None:  # the same source path, or one that MkDocs publishes at the same place
            raise PluginError(f"briefings: docs/{clash.src_uri} is hand-written but would be published as "
                              f"{generated.dest_uri}, which the generated {rel} needs; rename or remove it")
        files.append(generated)
    return files


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

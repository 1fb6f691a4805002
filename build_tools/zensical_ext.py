"""The thin adapter Zensical runs: a Python-Markdown extension, since Zensical runs no MkDocs hooks.

Zensical creates a Markdown instance, and so calls `makeExtension`, for every page it renders. Once per
Zensical build (each build reads the configuration anew, so a new configuration object means a new build):

1. The guard: any setting Zensical would silently ignore (`hooks:` first of all) fails the build with its
   file and line. `mkdocs.yml` names this extension too, so pointing Zensical at it fails loudly instead of
   publishing a site without briefings.
2. With the options `zensical_prep` writes (`project`, `snapshots`, `docs`): the generated pages are brought
   up to date. Under `zensical serve`, a change to a file under `watch:` restarts the build, and a thread
   also polls the inputs (every 0.3 s) for what the restart misses in Zensical 0.0.73: new files, the
   snapshot folder outside the project, two saves within one second. Regenerated pages land in Zensical's
   docs folder, which it watches: it renders them again and reloads the browser. (They are staged outside
   that folder and renamed in: temporary files inside it made Zensical 0.0.73 miss changes, in about one
   edit in eight under load.) A lint error is printed
   and the pages keep their last good version, as under `mkdocs serve`. Under `zensical build`, pages that
   were out of date fail the build (they were read before they could be regenerated).

Under MkDocs this extension does nothing.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown

from build_tools.report import format_text, summary
from build_tools.zensical_guard import ZensicalConfigError, check_file
from build_tools.zensical_prep import Generator, Sources

POLL_SECONDS = 0.3


class ZensicalBuildError(Exception):
    """The briefings cannot be published as they stand; the message says why and what to do."""


class ZensicalBridge(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {"project": ["", "project folder (written by zensical_prep)"],
                       "snapshots": ["", "snapshot folder"], "docs": ["", "hand-written docs folder"],
                       "origin": ["--snapshots", "where the snapshot folder came from"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # the work is per build, in makeExtension
        pass


class _Bridge:
    """What this Zensical process keeps: the build last seen, the generator, the polling thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: object | None = None
        self.failure: str | None = None  # why this build must fail: said again for every page it renders
        self.generator: Generator | None = None
        self.poller: threading.Thread | None = None

    def on_build(self, zensical_config: dict[str, Any], options: dict[str, str]) -> None:
        with self.lock:
            if zensical_config is self.seen:
                if self.failure:
                    raise ZensicalBuildError(self.failure)
                return
            self.seen, self.failure = zensical_config, None
            check_file(_config_file(zensical_config))
            if not options.get("project"):
                return
            if self.generator is None:
                sources = Sources(Path(options["project"]), Path(options["snapshots"]), Path(options["docs"]),
                                  options["origin"])
                self.generator = Generator(sources, Path(zensical_config["root_dir"]) / zensical_config["docs_dir"])
            serving = _serving()
            try:
                self._refresh(fail=not serving)
            except ZensicalBuildError as error:
                self.failure = str(error)
                raise
            if serving and self.poller is None:
                self.poller = threading.Thread(target=self._poll, name="briefings-poll", daemon=True)
                self.poller.start()

    def _refresh(self, fail: bool) -> None:
        assert self.generator is not None
        started = time.perf_counter()
        lint, report = self.generator.refresh()
        if lint is None:
            return
        problems = [format_text(p) for p in lint.problems]
        if report is None:
            message = "\n".join([*problems, f"briefings: {summary(lint)}; the pages keep their last good version"])
            if fail:
                raise ZensicalBuildError(message)
            print(message, file=sys.stderr, flush=True)
            return
        if report.written and fail:
            raise ZensicalBuildError(
                f"briefings: {len(report.written)} generated pages were out of date and Zensical had read them "
                "already; they are regenerated now: build again, or use `make site-zensical`")
        for line in problems:
            print(line, file=sys.stderr, flush=True)
        if report.written or report.removed:
            print(f"briefings: {summary(lint)}; {len(report.written)} written, {len(report.removed)} removed "
                  f"in {time.perf_counter() - started:.2f} s", file=sys.stderr, flush=True)

    def _poll(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            with self.lock:
                try:
                    self._refresh(fail=False)
                except Exception as error:  # a serve must outlive a bad edit; say what happened and go on
                    print(f"briefings: could not regenerate the pages: {type(error).__name__}: {error}",
                          file=sys.stderr, flush=True)


_BRIDGE = _Bridge()


def _zensical_config() -> dict[str, Any] | None:
    """Zensical's configuration of the build in progress, or None when not running under Zensical."""
    module = sys.modules.get("zensical.config")
    config = getattr(module, "get_config", lambda: None)() if module else None
    return config if isinstance(config, dict) else None


def _serving() -> bool:
    return len(sys.argv) > 1 and sys.argv[1] == "serve"


def _config_file(zensical_config: dict[str, Any]) -> Path:
    """The configuration file Zensical was given (`-f FILE`), else the one it found, as it looks for it."""
    args = sys.argv[2:]
    for index, arg in enumerate(args):
        if arg in ("-f", "--config-file") and index + 1 < len(args):
            return Path(args[index + 1]).resolve()
        if arg.startswith("--config-file="):
            return Path(arg.split("=", 1)[1]).resolve()
    root = Path(zensical_config.get("root_dir") or os.getcwd())
    return next((root / name for name in ("zensical.toml", "mkdocs.yml", "mkdocs.yaml") if (root / name).is_file()),
                root / "mkdocs.yml")


def makeExtension(**kwargs: Any) -> ZensicalBridge:
    extension = ZensicalBridge(**kwargs)
    zensical_config = _zensical_config()
    if zensical_config is not None:
        try:
            _BRIDGE.on_build(zensical_config, extension.getConfigs())
        except ZensicalConfigError as error:
            raise ZensicalBuildError(f"briefings: configuration Zensical would silently ignore:\n{error}") from None
    return extension

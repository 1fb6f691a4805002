"""`briefings serve` (what `make serve` runs): MkDocs's development server, over a site kept between runs.

`mkdocs serve` builds into a new temporary folder each time it starts, so every start is a full build (half a
minute at 10,000 facts). This is the same server (MkDocs's `LiveReloadServer` and `build`, with live reload
and dirty builds), with two differences:

- The site is built in `build/serve/site` and kept when the server stops, with what the hook remembers of it
  (`live_serve.LiveSite`); the next start is a dirty build over it, which renders only the pages whose
  Markdown changed meanwhile, and everything when something every page depends on changed. The folder is
  ours only if it holds the marker every site of ours carries (`safe_files.check_output`). One server at a
  time uses it (a lock); a second one, on another port, builds in a temporary folder as MkDocs does.
- Files are watched with the operating system's notifications (inotify on Linux) where it has them, rather
  than by MkDocs's polling every half second of every file of the project (tens of thousands at 100,000
  facts): a saved file starts the rebuild at once.

SIGTERM stops the server as Ctrl-C does, so that what it keeps is saved.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import watchdog.observers
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from watchdog.events import FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent

from build_tools.config import ConfigError
from build_tools.config import load_config as load_project_config
from build_tools.live_serve import KEPT, KEPT_SITE
from build_tools.safe_files import check_output
from build_tools.sitebuild import MARKER, write_marker

log = logging.getLogger("mkdocs.commands.serve")
BUILD_DELAY_S = 0.05  # a rebuild starts once the files have been quiet this long (MkDocs: 0.1 s)


def serve(config_file: Path, host: str, port: int) -> None:
    """Build the site and serve it on host:port with live reload until interrupted (Ctrl-C or SIGTERM).
    Raises MkDocs's `Abort` for a bad mkdocs.yml (MkDocs has logged what is wrong), OSError when the port
    cannot be had, UnsafePath when build/serve/site is not ours."""
    _log_to_terminal()
    signal.signal(signal.SIGTERM, _interrupt)
    # Ctrl-C stops it even when started in the background by a shell that ignores SIGINT there.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    root = config_file.parent
    with _site_folder(root) as site_dir:
        _serve(config_file, host, port, site_dir)


def _serve(config_file: Path, host: str, port: int, site_dir: Path) -> None:
    """`mkdocs serve --dirty --livereload --no-strict`, building into `site_dir` (MkDocs's `serve`, but for
    the folder and the watcher)."""
    def get_config() -> MkDocsConfig:
        config = load_config(config_file=str(config_file), site_dir=str(site_dir), dev_addr=f"{host}:{port}",
                             strict=False)
        if serve_url:
            config.site_url = serve_url
        return config

    serve_url = ""
    config = get_config()
    config.plugins.on_startup(command="serve", dirty=True)
    try:
        mount_path = urlsplit(config.site_url or "/").path
        serve_url = urlunsplit(("http", f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                                mount_path.rstrip("/") + "/", "", ""))
        config.site_url = serve_url

        def builder(config: MkDocsConfig | None = None) -> None:
            log.info("Building documentation...")
            build(config or get_config(), serve_url=serve_url, dirty=True)

        server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir), mount_path=mount_path)
        server.observer = _observer(server.observer)
        server.build_delay = BUILD_DELAY_S
        server.error_handler = lambda code: _error_page(site_dir, code)
        builder(config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve()  # type: ignore[no-untyped-call]
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()


class _ChangesOnly(watchdog.observers.Observer):  # type: ignore[misc,valid-type]
    """The platform's observer, passing on only what changes a file (created, written, removed, moved): inotify
    also reports a file opened or closed unwritten, and a build reads every watched file, so MkDocs (which
    rebuilds on any event) would rebuild for ever."""

    def schedule(self, event_handler: Any, path: Any, *, recursive: bool = False, event_filter: Any = None,
                 follow_symlink: bool = False) -> Any:
        return super().schedule(event_handler, path, recursive=recursive, follow_symlink=follow_symlink,
                                event_filter=event_filter or list(CHANGES))


CHANGES = (FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent)


def _observer(polling: Any) -> Any:
    """The platform's file-change notifications (inotify, FSEvents, ...), or MkDocs's polling observer where
    they cannot be had."""
    try:
        return _ChangesOnly()
    except OSError as error:  # pragma: no cover - a platform without notifications
        log.info("briefings: watching files by polling (%s)", error)
        return polling


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


@contextlib.contextmanager
def _site_folder(root: Path) -> Iterator[Path]:
    """`build/serve/site`, kept between runs, while this server holds its lock; a temporary folder, removed
    at the end, when another server holds it."""
    kept = root / KEPT_SITE
    check_output(kept, root, _snapshots(root), MARKER, "site folder of `briefings serve`")
    kept.mkdir(parents=True, exist_ok=True)
    write_marker(kept)  # before anything is built there: a run killed during its first build leaves it ours
    fd = os.open(root / KEPT / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("briefings: another `briefings serve` uses %s; this one builds everything in a temporary "
                     "folder", KEPT_SITE)
            temporary = Path(tempfile.mkdtemp(prefix="mkdocs_"))
            try:
                yield temporary
            finally:
                shutil.rmtree(temporary, ignore_errors=True)
            return
        yield kept
    finally:
        os.close(fd)


def _snapshots(root: Path) -> Path | None:
    try:
        return load_project_config(root).snapshots
    except ConfigError:
        return None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _log_to_terminal() -> None:
    """MkDocs's messages on the terminal, as `mkdocs serve` shows them."""
    from mkdocs.__main__ import ColorFormatter

    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if not any(getattr(handler, "name", None) == "MkDocsStreamHandler" for handler in logger.handlers):
        stream = logging.StreamHandler()
        stream.setFormatter(ColorFormatter())
        stream.name = "MkDocsStreamHandler"
        logger.addHandler(stream)

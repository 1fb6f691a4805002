"""`briefings lsp`: the language server (stdio), on pygls 2 and lsprotocol.

The handlers here are thin: they turn protocol messages into calls of the engine (`editor.Editor`, which
owns the one `Session`) and of the feature modules, and results into protocol types. A check runs in one
worker thread, so hover and completion are answered while a file is being checked; checks never overlap
(the session's memory has one user), and a burst of keystrokes is one check of the latest text.

A keystroke checks the file typed in (its diagnostics come back first); the other open files of the
project, whose diagnostics may depend on it (an id it defines, a source it is), are checked again once the
typing pauses. No handler lets an exception reach pygls: a failure is logged to the client, and the last
diagnostics stay.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from build_tools import __version__
from build_tools.config import ConfigError
from build_tools.lint import LintResult
from build_tools.lsp import completion, definition, hover
from build_tools.lsp.actions import Buffer, code_actions
from build_tools.lsp.diagnostics import ToClient, to_diagnostics
from build_tools.lsp.documents import Spot, completion_spot, parse, scalar_value, spot_at
from build_tools.lsp.editor import Editor, ProjectFile, project_file
from build_tools.lsp.rule_docs import RuleDocs
from build_tools.problems import Problem
from build_tools.rules import find_code
from build_tools.yaml_nodes import Node

NAME = "briefings"
QUIET_S = 0.4  # typing pause after which the other open files of the project are checked again
T = TypeVar("T")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenFile:
    """An open buffer that is a project file, as it is now."""

    uri: str
    file: ProjectFile
    version: int | None
    text: str


class BriefingsServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(NAME, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.editor = Editor()
        self.documentation: str | None = None  # base URL of the published rules page (client setting)
        self.rule_docs: dict[Path, RuleDocs] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefings-check")
        self.due: dict[Path, set[str]] = {}  # project root → uris whose diagnostics are due
        self.checking: asyncio.Task[None] | None = None
        self.quiet: asyncio.TimerHandle | None = None
        # uri → the version of the text its diagnostics are for, and the problems they show
        self.published: dict[str, tuple[int | None, list[Problem]]] = {}
        self.parsed: dict[str, tuple[int | None, Node | None]] = {}  # uri → (version, its nodes) for hover & co.

    # --- the open buffers --------------------------------------------------------------------------

    def open_file(self, uri: str) -> OpenFile | None:
        document = self.workspace.text_documents.get(uri)
        path = to_fs_path(uri)
        file = project_file(Path(path)) if path else None
        if document is None or file is None:
            return None
        return OpenFile(uri, file, document.version, document.source)

    def open_files(self, root: Path) -> list[OpenFile]:
        found = (self.open_file(uri) for uri in list(self.workspace.text_documents))
        return [f for f in found if f is not None and f.file.root == root]

    # --- checks --------------------------------------------------------------------------------------

    def request_check(self, uris: Iterable[str]) -> None:
        """Check these open files (soon: one check at a time, of the latest text)."""
        for uri in uris:
            opened = self.open_file(uri)
            if opened is not None:
                self.due.setdefault(opened.file.root, set()).add(uri)
        if self.due and (self.checking is None or self.checking.done()):
            self.checking = asyncio.ensure_future(self._check_due())

    def check_others_later(self, uri: str) -> None:
        """Once typing pauses, check the project's other open files again: a buffer opened or changed may
        define what they refer to."""
        if self.quiet is not None:
            self.quiet.cancel()
        opened = self.open_file(uri)
        if opened is None:
            return
        others = [f.uri for f in self.open_files(opened.file.root) if f.uri != uri]
        if others:
            self.quiet = asyncio.get_running_loop().call_later(QUIET_S, self.request_check, others)

    async def _check_due(self) -> None:
        while self.due:
            root, uris = self.due.popitem()
            await self._check(root, uris)

    async def _check(self, root: Path, uris: set[str]) -> None:
        buffers = self.open_files(root)
        focus = [f for f in buffers if f.uri in uris]
        if not focus:
            return
        overlays = {f.file.rel: f.text.encode("utf-8", "surrogatepass") for f in buffers}
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self.worker, self.editor.check, root, overlays,
                                                [f.file.rel for f in focus])
        except ConfigError as error:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"briefings: {error}"))
            return
        except Exception:  # a bug: say so in the client's log, keep the last diagnostics, keep serving
            self._log_error(f"checking {root}")
            return
        for opened in focus:
            self.publish(opened, result)

    def publish(self, opened: OpenFile, result: LintResult) -> None:
        problems = [p for p in result.problems if p.where.path == opened.file.rel]
        docs = self.docs_for(opened.file.root, result)
        diagnostics = to_diagnostics(problems, opened.text, to_client(self, opened.text), docs.url)
        self.published[opened.uri] = (opened.version, problems)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=opened.uri, version=opened.version, diagnostics=diagnostics))

    def docs_for(self, root: Path, result: LintResult) -> RuleDocs:
        if root not in self.rule_docs:
            cache_dir = self.editor.config(root).cache_dir
            self.rule_docs[root] = RuleDocs.for_project(root, cache_dir, self.documentation)
        return self.rule_docs[root]

    def _log_error(self, doing: str) -> None:
        text = traceback.format_exc()
        logger.error("while %s: %s", doing, text)
        self.window_log_message(types.LogMessageParams(types.MessageType.Error,
                                                       f"briefings: internal error while {doing}:\n{text}"))

    # --- what the features read ------------------------------------------------------------------------

    def nodes(self, opened: OpenFile) -> Node | None:
        """The buffer's YAML nodes, parsed once per version (hovers and definitions come in runs)."""
        known = self.parsed.get(opened.uri)
        if known is None or known[0] != opened.version:
            known = (opened.version, parse(opened.text))
            self.parsed[opened.uri] = known
        return known[1]

    def checked(self, uri: str) -> tuple[OpenFile, LintResult] | None:
        """The open file and the latest check of its project."""
        opened = self.open_file(uri)
        result = self.editor.result(opened.file.root) if opened is not None else None
        return (opened, result) if opened is not None and result is not None else None

    def guarded(self, doing: str, handler: Callable[[], T], default: T) -> T:
        """Run a feature; on a bug, log it to the client and answer `default` (never a crash)."""
        try:
            return handler()
        except Exception:
            self._log_error(doing)
            return default


def to_client(server: LanguageServer, text: str) -> ToClient:
    """(line, column in characters) of `text` → a position in the client's units (UTF-16 by default)."""
    lines = text.split("\n")
    codec = server.workspace.position_codec

    def convert(line: int, column: int) -> types.Position:
        return codec.position_to_client_units(lines, types.Position(line, column))
    return convert


def from_client(server: LanguageServer, text: str, position: types.Position) -> tuple[int, int]:
    lines = text.split("\n")
    here = server.workspace.position_codec.position_from_client_units(lines, position)
    return here.line, here.character


def create_server() -> BriefingsServer:
    """A server with every feature registered (no state outside it)."""
    server = BriefingsServer()
    _register_sync(server)
    _register_features(server)
    return server


def _register_sync(server: BriefingsServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        snapshots, documentation = options.get("snapshots"), options.get("documentation")
        if isinstance(snapshots, str):
            server.editor.snapshots = snapshots
        server.documentation = documentation if isinstance(documentation, str) else None

    @server.feature(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        server.guarded("registering file watchers", lambda: _watch_files(server), None)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.request_check([params.text_document.uri])
        server.check_others_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.request_check([params.text_document.uri])
        server.check_others_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        server.parsed.pop(uri, None)
        if server.published.pop(uri, None) is not None:
            server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        path = to_fs_path(uri)
        file = project_file(Path(path)) if path else None
        if file is not None:  # the file on disk counts again: the others may say otherwise now
            server.request_check(f.uri for f in server.open_files(file.root))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files_changed(params: types.DidChangeWatchedFilesParams) -> None:
        server.request_check(list(server.workspace.text_documents))

    @server.feature(types.SHUTDOWN)
    def shutdown(params: Any) -> None:
        server.worker.shutdown(wait=False, cancel_futures=True)


def _watch_files(server: BriefingsServer) -> None:
    """Ask the client to say when project files or settings change on disk (a checkout, another editor)."""
    capabilities = server.client_capabilities.workspace
    watched = capabilities.did_change_watched_files if capabilities is not None else None
    if watched is None or not watched.dynamic_registration:
        return
    globs = ["**/briefings/*.yaml", "**/sources/*.yaml", "**/briefings.toml"]
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in globs])
    server.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
        id="briefings-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)]))


def _register_features(server: BriefingsServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(params: types.HoverParams) -> types.Hover | None:
        return server.guarded("hovering", lambda: _hover(server, params), None)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=[" ", "-", '"', "'"]))
    def on_completion(params: types.CompletionParams) -> types.CompletionList | None:
        return server.guarded("completing", lambda: _complete(server, params), None)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def on_definition(params: types.DefinitionParams) -> types.Location | None:
        return server.guarded("finding a definition", lambda: _definition(server, params), None)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def on_code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        return server.guarded("finding quick fixes", lambda: _code_actions(server, params), None)


def _spot(server: BriefingsServer, uri: str, position: types.Position) -> tuple[Spot, OpenFile, LintResult] | None:
    checked = server.checked(uri)
    if checked is None:
        return None
    opened, result = checked
    spot = spot_at(server.nodes(opened), *from_client(server, opened.text, position))
    return (spot, opened, result) if spot is not None else None


def _hover(server: BriefingsServer, params: types.HoverParams) -> types.Hover | None:
    found = _spot(server, params.text_document.uri, params.position)
    if found is None:
        return None
    spot, opened, result = found
    text = _hover_text(spot, result)
    if text is None:
        return None
    start = (spot.node.start_mark.line, spot.node.start_mark.column)
    end = (spot.node.end_mark.line, spot.node.end_mark.column)
    convert = to_client(server, opened.text)
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text),
                       types.Range(convert(*start), convert(*end)))


def _hover_text(spot: Spot, result: LintResult) -> str | None:
    if spot.is_key:
        return None
    field = spot.field
    if field in completion.QUOTE_FIELDS:
        cited = spot.sibling("source")
        fact_id = scalar_value(spot.mapping_at(4), "id")
        return hover.quote_hover(result, cited, spot.value, fact_id) if cited else None
    if field in completion.SOURCE_FIELDS:
        return hover.source_hover(result, spot.value)
    if field in completion.FACT_FIELDS:
        return hover.fact_hover(result, spot.value)
    if field[-2:] == ("lint", "ignore"):
        code = find_code(spot.value)
        return hover.rule_hover(code) if code is not None else None
    return None


def _complete(server: BriefingsServer, params: types.CompletionParams) -> types.CompletionList | None:
    checked = server.checked(params.text_document.uri)
    if checked is None:
        return None
    opened, result = checked
    line_number, column = from_client(server, opened.text, params.position)
    lines = opened.text.split("\n")
    line = lines[line_number] if line_number < len(lines) else ""
    if not completion.may_complete(line):
        return None
    typing = completion_spot(opened.text, line_number, column)
    if typing is None:
        return None
    stem = Path(opened.file.rel).stem
    is_briefing = opened.file.folder == "briefings"
    items = completion.completions(typing, line, line_number, column, result,
                                   server.editor.facts(opened.file.root), stem if is_briefing else None,
                                   None if is_briefing else stem, to_client(server, opened.text))
    return types.CompletionList(is_incomplete=typing.spot.field in completion.QUOTE_FIELDS, items=items)


def _definition(server: BriefingsServer, params: types.DefinitionParams) -> types.Location | None:
    found = _spot(server, params.text_document.uri, params.position)
    if found is None:
        return None
    spot, opened, result = found
    return definition.definition(spot, result, opened.file.root)


def _code_actions(server: BriefingsServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    checked = server.checked(uri)
    published = server.published.get(uri)
    if checked is None or published is None or published[0] != checked[0].version:
        return None  # the buffer changed since its problems were found: the next check will say
    opened, result = checked
    first, last = params.range.start.line + 1, params.range.end.line + 1
    problems = [p for p in published[1] if first <= p.where.line <= last]
    buffer = Buffer(uri, opened.file.rel, opened.text, to_client(server, opened.text))
    return code_actions(problems, buffer, result, opened.file.root, _can_create_files(server))


def _can_create_files(server: BriefingsServer) -> bool:
    workspace = server.client_capabilities.workspace
    edit = workspace.workspace_edit if workspace is not None else None
    operations = edit.resource_operations if edit is not None else None
    return edit is not None and types.ResourceOperationKind.Create in (operations or ())


def serve(snapshots: str | None = None) -> None:
    """Run the server on stdin and stdout until the client says exit. `snapshots`: the snapshot directory,
    unless the client's settings name one."""
    server = create_server()
    server.editor.snapshots = snapshots
    server.start_io()


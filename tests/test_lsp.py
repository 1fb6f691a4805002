"""`briefings lsp` end to end: a real LSP client (pytest-lsp) drives the server process over stdio against a
small project. One server for the module; each test opens its own buffers and closes them."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from build_tools.config import load_config
from build_tools.lint import lint_project
from tests.lsp_project import BUS_TEXT, HARBOUR_BRIEFING, PROBLEMS_BRIEFING, sha, write_project

pytestmark = pytest.mark.asyncio(loop_scope="module")
WAIT_S = 30.0  # the longest a test waits for the server (a loaded machine); never a timing assertion


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_project(tmp_path_factory.mktemp("lsp"))


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=[sys.executable, "-m", "build_tools",
                                                                             "lsp"]))
async def client(lsp_client: LanguageClient, project: tuple[Path, Path]) -> AsyncIterator[None]:
    _, snapshots = project

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:  # as editors do: the file watchers are accepted
        registered.extend(params.registrations)

    registered: list[types.Registration] = []
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        initialization_options={"snapshots": str(snapshots)}))
    yield
    await lsp_client.shutdown_session()


# --- helpers ---------------------------------------------------------------------------------------

def uri_of(project: tuple[Path, Path], rel: str) -> str:
    return (project[0] / rel).as_uri()


def open_buffer(client: LanguageClient, uri: str, text: str) -> None:
    client.diagnostics.pop(uri, None)  # what an earlier test saw in this file
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))


def close_buffer(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))


def change(client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int],
           text: str) -> None:
    """An incremental change, as editors send them: replace a range."""
    span = types.Range(types.Position(*start), types.Position(*end))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangePartial(range=span, text=text)]))


async def diagnostics(client: LanguageClient, uri: str,
                      ready: Callable[[list[types.Diagnostic]], bool]) -> list[types.Diagnostic]:
    """The diagnostics published for `uri`, once `ready` says they are the ones expected."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_S
    while loop.time() < deadline:
        found = client.diagnostics.get(uri)
        if found is not None and ready(found):
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"diagnostics for {uri} never became as expected; last: {client.diagnostics.get(uri)}")


def codes(found: Iterable[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in found]


def place(diagnostic: types.Diagnostic) -> tuple[int, int, int, int]:
    r = diagnostic.range
    return r.start.line, r.start.character, r.end.line, r.end.character


def apply_edits(text: str, edits: Iterable[types.TextEdit]) -> str:
    """Apply text edits as a client does (positions in UTF-16 units; the texts here are in the BMP)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        begin = starts[edit.range.start.line] + edit.range.start.character
        end = starts[edit.range.end.line] + edit.range.end.character
        text = text[:begin] + edit.new_text + text[end:]
    return text


def lint_copy(project: tuple[Path, Path], tmp_path: Path, files: dict[str, str]) -> list[str]:
    """`briefings lint` of a copy of the project with `files` written: its problems as printed."""
    root, snapshots = project
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build"))
    for rel, text in files.items():
        (copy / rel).write_text(text, encoding="utf-8")
    result = lint_project(load_config(copy, str(snapshots), environ={}), list(files))
    return [problem.line() for problem in result.problems]


# --- diagnostics ---------------------------------------------------------------------------------

async def test_diagnostics_are_the_linters_problems_at_their_places(client: LanguageClient,
                                                                   project: tuple[Path, Path]) -> None:
    uri = uri_of(project, "briefings/problems.yaml")
    open_buffer(client, uri, PROBLEMS_BRIEFING)
    try:
        found = await diagnostics(client, uri, lambda d: len(d) == 3)
        root, snapshots = project
        linted = lint_project(load_config(root, str(snapshots), environ={}), ["briefings/problems.yaml"]).problems
        assert [(d.range.start.line + 1, d.range.start.character + 1, d.code, d.message) for d in found] == \
            [(p.where.line, p.where.column, p.code, f"{p.message} ({p.name})") for p in linted]
        quote, state, unknown = found
        # Each range covers what the problem points at: the whole quote, the `state` value, the source id.
        assert place(quote) == (11, 19, 11, 53)
        assert PROBLEMS_BRIEFING.split("\n")[11][19:53] == '"the Harbour would reopen in june"'
        assert place(state) == (15, 14, 15, 19)
        assert place(unknown) == (24, 20, 24, 28)
        assert [d.severity for d in found] == [types.DiagnosticSeverity.Error, types.DiagnosticSeverity.Warning,
                                               types.DiagnosticSeverity.Error]
        assert all(d.source == "briefings" for d in found)
        # The code links to the rule's documentation (a file under the project's cache: no site_url).
        assert quote.code_description is not None
        doc = Path(quote.code_description.href.removeprefix("file://"))
        assert doc.name == "CIT003.md" and "quote-not-in-snapshot" in doc.read_text(encoding="utf-8")
    finally:
        close_buffer(client, uri)


async def test_a_change_is_checked_as_it_is_typed(client: LanguageClient, project: tuple[Path, Path]) -> None:
    uri = uri_of(project, "briefings/harbour.yaml")
    open_buffer(client, uri, HARBOUR_BRIEFING)
    try:
        await diagnostics(client, uri, lambda d: len(d) == 0)
        # Type a wrong word into the first quote: "reopen" → "repen" (line 12, unsaved).
        line = HARBOUR_BRIEFING.split("\n")[11]
        column = line.index("reopen")
        change(client, uri, 2, (11, column + 1), (11, column + 2), "")
        [found] = await diagnostics(client, uri, lambda d: codes(d) == ["CIT003"])
        assert place(found) == (11, 19, 11, 52)
        assert "closest passage" in found.message
        change(client, uri, 3, (11, column + 1), (11, column + 1), "e")
        await diagnostics(client, uri, lambda d: len(d) == 0)
        # The file on disk was never written.
        assert (project[0] / "briefings/harbour.yaml").read_text(encoding="utf-8") == HARBOUR_BRIEFING
    finally:
        close_buffer(client, uri)


async def test_unsaved_buffers_take_part_in_cross_file_checks(client: LanguageClient,
                                                              project: tuple[Path, Path]) -> None:
    briefing = uri_of(project, "briefings/unsaved.yaml")
    source = uri_of(project, "sources/bus-news.yaml")
    text = PROBLEMS_BRIEFING.replace("harbour-reopens", "nothing-yet").replace("id: ", "id: unsaved-")
    open_buffer(client, briefing, text)  # a new file, never saved
    try:
        found = await diagnostics(client, briefing, lambda d: "CIT001" in codes(d))
        assert "FCT004" in codes(found)  # superseded by a fact that exists nowhere yet
        # A second unsaved buffer defines the source: the first file's unknown source goes.
        open_buffer(client, source, (project[0] / "sources/harbour-herald.yaml").read_text(encoding="utf-8")
                    .replace("Harbour Herald", "Bus News"))
        found = await diagnostics(client, briefing, lambda d: "CIT001" not in codes(d))
        # A fact id the buffer repeats from a file on disk is a duplicate.
        change(client, briefing, 2, (6, 12), (6, 29), "harbour-reopens")
        found = await diagnostics(client, briefing, lambda d: "FCT001" in codes(d))
        duplicate = next(d for d in found if d.code == "FCT001")
        assert "already used at briefings/harbour.yaml:7" in duplicate.message
    finally:
        close_buffer(client, source)
        close_buffer(client, briefing)
    assert not (project[0] / "sources/bus-news.yaml").exists()


async def test_a_malformed_buffer_is_a_yaml_diagnostic_and_the_server_carries_on(
        client: LanguageClient, project: tuple[Path, Path]) -> None:
    uri = uri_of(project, "briefings/broken.yaml")
    open_buffer(client, uri, HARBOUR_BRIEFING.replace("harbour-reopens", "broken-1").replace("ships-waited", "b-2")
                .replace("pier-funded", "b-3"))
    try:
        await diagnostics(client, uri, lambda d: len(d) == 0)
        change(client, uri, 2, (11, 52), (11, 53), "")  # the quote's closing quote mark deleted
        [found] = await diagnostics(client, uri, lambda d: len(d) == 1)
        assert str(found.code).startswith("YML")
        for garbage in ("\t- [", "sections: {", "\x00", "- - - :", "title: [" * 40):
            change(client, uri, 3, (0, 0), (0, 0), garbage + "\n")
            await diagnostics(client, uri, lambda d: len(d) >= 1)
        # Still answering: hover and completion on the broken buffer return, and a new buffer is checked.
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(uri), types.Position(12, 22)))
        assert hover is None or isinstance(hover, types.Hover)
        other = uri_of(project, "briefings/after-broken.yaml")
        open_buffer(client, other, "title: [\n")
        [found] = await diagnostics(client, other, lambda d: len(d) == 1)
        assert found.code == "YML001" and found.range.start.line == 1  # where libyaml gives up: the end
        close_buffer(client, other)
    finally:
        close_buffer(client, uri)


# --- hover --------------------------------------------------------------------------------------

async def hover_at(client: LanguageClient, uri: str, line: int, character: int) -> str:
    result = await client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(uri), types.Position(line, character)))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


async def test_hover_shows_a_quote_in_its_snapshot_a_source_and_a_rule(client: LanguageClient,
                                                                       project: tuple[Path, Path]) -> None:
    uri = uri_of(project, "briefings/problems.yaml")
    text = PROBLEMS_BRIEFING.replace("          reason: A later fact says the same.",
                                     "          reason: A later fact says the same.\n"
                                     "        lint:\n          ignore: [FCT002]\n          reason: Testing hover.")
    open_buffer(client, uri, text)
    try:
        await diagnostics(client, uri, lambda d: len(d) == 3)
        # The last fact's quote: the passage with whole sentences around it, the quote in bold.
        quote = await hover_at(client, uri, 38, 25)
        assert "**the harbour would reopen in June**" in quote
        assert "The port authority said on Tuesday that" in quote and "Ships waited outside" in quote
        assert "**Harbour Herald** · 5 March 2024 · https://example.org/harbour" in quote
        assert "Cited by 1 other fact (this passage)" in quote  # harbour-reopens; ferry-state cites elsewhere
        assert "3 other facts (elsewhere in this source)" in quote  # ships-waited, near-miss, ferry-state
        # A near-miss quote says why it is not there.
        missing = await hover_at(client, uri, 11, 25)
        assert "Not in the snapshot" in missing and "closest passage" in missing
        source = await hover_at(client, uri, 10, 24)
        assert "**Harbour to reopen in June**" in source and "harbour.txt" in source and "Cited by 5 facts" in source
        rule = await hover_at(client, uri, 34, 20)
        assert rule.startswith("**FCT002 fact-after-sources** (error)") and "## Why it matters" in rule
        by = await hover_at(client, uri, 31, 17)
        assert "**harbour-reopens**" in by and "briefings/harbour.yaml:7" in by
    finally:
        close_buffer(client, uri)


# --- quick fixes ---------------------------------------------------------------------------------

async def test_each_quick_fix_applied_gives_a_file_that_lints_clean(client: LanguageClient, project: tuple[Path, Path],
                                                                     tmp_path: Path) -> None:
    uri = uri_of(project, "briefings/problems.yaml")
    open_buffer(client, uri, PROBLEMS_BRIEFING)
    try:
        found = await diagnostics(client, uri, lambda d: len(d) == 3)
        text = PROBLEMS_BRIEFING
        created: dict[str, str] = {}
        for diagnostic in found:
            actions = await client.text_document_code_action_async(types.CodeActionParams(
                types.TextDocumentIdentifier(uri), diagnostic.range, types.CodeActionContext([diagnostic])))
            assert actions is not None
            [action] = actions
            assert isinstance(action, types.CodeAction) and action.kind == types.CodeActionKind.QuickFix
            assert action.edit is not None
            if action.edit.changes:
                text = apply_edits(text, action.edit.changes[uri])
            for operation in action.edit.document_changes or ():
                if isinstance(operation, types.TextDocumentEdit):
                    rel = Path(operation.text_document.uri.removeprefix("file://")).relative_to(project[0])
                    created[rel.as_posix()] = apply_edits("", operation.edits)  # type: ignore[arg-type]
        assert 'quote: "the harbour would reopen in June"' in text
        assert "        date: 2024-03-05\n        as_of: 2024-03-05\n        kind: state\n" in text
        assert list(created) == ["sources/bus-news.yaml"]
        new_source = created["sources/bus-news.yaml"]
        assert f"  sha256: {sha(BUS_TEXT)}\n  file: bus.txt\n" in new_source  # found in the store by its quote
        problems = lint_copy(project, tmp_path, {"briefings/problems.yaml": text, **created})
        assert [p for p in problems if p.startswith("briefings/")] == []
        # The new source's problems are what only the editor can fill in: the placeholders (FCT005: title,
        # outlet, date) and the address (SRC002).
        assert {p.split()[2] for p in problems} == {"FCT005", "SRC002"}, problems
    finally:
        close_buffer(client, uri)


# --- completion and definitions ------------------------------------------------------------------

async def complete(client: LanguageClient, uri: str, line: int, character: int) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(types.CompletionParams(
        types.TextDocumentIdentifier(uri), types.Position(line, character)))
    if result is None:
        return []
    return result.items if isinstance(result, types.CompletionList) else list(result)


async def test_completion_of_source_ids_fact_ids_and_quotes(client: LanguageClient,
                                                            project: tuple[Path, Path]) -> None:
    uri = uri_of(project, "briefings/typing.yaml")
    text = HARBOUR_BRIEFING.replace("id: ", "id: typing-")
    open_buffer(client, uri, text)
    try:
        await diagnostics(client, uri, lambda d: len(d) == 0)
        # A source id, while typing it.
        change(client, uri, 2, (10, 20), (10, 34), "har")
        items = await complete(client, uri, 10, 23)
        assert [i.label for i in items] == ["council-news", "harbour-herald"]
        chosen = next(i for i in items if i.label == "harbour-herald")
        assert chosen.detail == "Harbour Herald, 5 March 2024"
        assert isinstance(chosen.text_edit, types.TextEdit) and place_of(chosen.text_edit) == (10, 20, 10, 23)
        change(client, uri, 3, (10, 20), (10, 23), "harbour-herald")
        # A quote from the cited source's snapshot: a few words as remembered, an unclosed quote mark.
        change(client, uri, 4, (11, 19), (11, 53), '"ready to welcome')
        items = await complete(client, uri, 11, 36)
        assert items, "no quote offered"
        best = items[0]
        assert best.label == "ready to welcome the fleet"  # carried on to the end of the clause
        assert isinstance(best.text_edit, types.TextEdit) and best.text_edit.new_text == '"ready to welcome the fleet"'
        assert place_of(best.text_edit) == (11, 19, 11, 36) and best.filter_text == '"ready to welcome'
        typed = apply_edits(text.replace("harbour-herald\n            quote: \"the harbour would reopen in June\"",
                                         'harbour-herald\n            quote: "ready to welcome'), [best.text_edit])
        assert 'quote: "ready to welcome the fleet"' in typed
        change(client, uri, 5, (11, 19), (11, 36), best.text_edit.new_text)  # chosen
        # A fact id in status.by (the fact itself is not offered).
        status = ("        status:\n          value: superseded\n          by:\n            - \n"
                  "          reason: Later.\n")
        change(client, uri, 6, (12, 0), (12, 0), status)
        items = await complete(client, uri, 15, 14)
        labels = [i.label for i in items]
        assert "harbour-reopens" in labels and "typing-ships-waited" in labels
        assert "typing-harbour-reopens" not in labels
    finally:
        close_buffer(client, uri)


def place_of(edit: types.TextEdit) -> tuple[int, int, int, int]:
    r = edit.range
    return r.start.line, r.start.character, r.end.line, r.end.character


async def test_go_to_definition_of_a_source_and_a_fact(client: LanguageClient, project: tuple[Path, Path]) -> None:
    uri = uri_of(project, "briefings/problems.yaml")
    open_buffer(client, uri, PROBLEMS_BRIEFING)
    try:
        await diagnostics(client, uri, lambda d: len(d) == 3)
        found = await client.text_document_definition_async(types.DefinitionParams(
            types.TextDocumentIdentifier(uri), types.Position(10, 26)))
        assert isinstance(found, types.Location)
        assert found.uri == uri_of(project, "sources/harbour-herald.yaml") and found.range.start.line == 0
        found = await client.text_document_definition_async(types.DefinitionParams(
            types.TextDocumentIdentifier(uri), types.Position(31, 18)))
        assert isinstance(found, types.Location) and found.uri == uri_of(project, "briefings/harbour.yaml")
        assert (found.range.start.line, found.range.start.character, found.range.end.character) == (6, 12, 27)
        nothing = await client.text_document_definition_async(types.DefinitionParams(
            types.TextDocumentIdentifier(uri), types.Position(7, 20)))
        assert nothing is None
    finally:
        close_buffer(client, uri)



async def test_files_changed_on_disk_are_checked_again(client: LanguageClient, project: tuple[Path, Path]) -> None:
    """A source file written by another program (a checkout, `briefings new source`): once the client says
    so (workspace/didChangeWatchedFiles, for the watchers the server registered), the open files are
    checked again against the disk."""
    uri = uri_of(project, "briefings/disk.yaml")
    text = PROBLEMS_BRIEFING.replace("id: ", "id: disk-")
    open_buffer(client, uri, text)
    source = project[0] / "sources/bus-news.yaml"
    try:
        await diagnostics(client, uri, lambda d: "CIT001" in codes(d))
        source.write_text((project[0] / "sources/harbour-herald.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            [types.FileEvent(source.as_uri(), types.FileChangeType.Created)]))
        await diagnostics(client, uri, lambda d: "CIT001" not in codes(d))
    finally:
        source.unlink(missing_ok=True)
        close_buffer(client, uri)


async def test_an_unusable_briefings_toml_is_said_once_and_nothing_breaks(client: LanguageClient,
                                                                        project: tuple[Path, Path],
                                                                        tmp_path: Path) -> None:
    root = tmp_path / "bad-settings"
    shutil.copytree(project[0], root, ignore=shutil.ignore_patterns("build"))
    (root / "briefings.toml").write_text("[project]\ntitel = 'typo'\n", encoding="utf-8")
    uri = (root / "briefings/harbour.yaml").as_uri()
    before = len(client.messages)
    open_buffer(client, uri, HARBOUR_BRIEFING)
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT_S
        while len(client.messages) == before and loop.time() < deadline:
            await asyncio.sleep(0.02)
        message = client.messages[-1]
        assert message.type == types.MessageType.Error
        assert message.message.startswith("briefings: briefings.toml:2:") and "titel" in message.message
    finally:
        close_buffer(client, uri)


# --- short answers, files outside a project, agreement with the linter ------------------------------

async def test_a_short_answer_completes_and_leads_to_the_briefings_own_current_facts(
        client: LanguageClient, project: tuple[Path, Path]) -> None:
    uri = uri_of(project, "briefings/answered.yaml")
    text = (HARBOUR_BRIEFING.replace("id: ", "id: answered-")
            .replace("updated: 2024-03\n", "updated: 2024-03\nshort_answer: [answered-pier-funded, ]\n")
            .replace("        date: 2024-03-05\n        citations:\n          - source: harbour-herald\n"
                     "            quote: \"Ships",
                     "        date: 2024-03-05\n        status: {value: superseded, by: [answered-harbour-reopens], "
                     "reason: Later.}\n        citations:\n          - source: harbour-herald\n"
                     "            quote: \"Ships", 1))
    open_buffer(client, uri, text)
    try:
        await diagnostics(client, uri, lambda d: len(d) == 0)
        line = text.split("\n")[3]
        column = line.index(", ]") + 2
        items = await complete(client, uri, 3, column)
        # Only this briefing's facts, and not the superseded one (FCT009 would refuse it).
        assert sorted(i.label for i in items) == ["answered-harbour-reopens", "answered-pier-funded"]
        found = await client.text_document_definition_async(types.DefinitionParams(
            types.TextDocumentIdentifier(uri), types.Position(3, line.index("pier"))))
        assert isinstance(found, types.Location) and found.uri == uri
        assert (found.range.start.line, found.range.start.character) == (text.split("\n").index(
            "      - id: answered-pier-funded"), 12)
        hover = await hover_at(client, uri, 3, line.index("pier"))
        assert "**answered-pier-funded**" in hover and "The city council voted to fund a new pier" in hover
    finally:
        close_buffer(client, uri)


async def test_yaml_files_outside_a_projects_folders_are_left_alone(client: LanguageClient,
                                                                   project: tuple[Path, Path]) -> None:
    """mkdocs.yml, a workflow, a YAML file one folder down: not the linter's files, so no diagnostics, and
    the features answer nothing rather than fail."""
    for rel in ("mkdocs.yml", "briefings/drafts/draft.yaml", ".github/workflows/ci.yaml", "briefings/.hidden.yaml"):
        uri = uri_of(project, rel)
        open_buffer(client, uri, "title: [\nsource: harbour-herald\n")
        try:
            hover = await client.text_document_hover_async(types.HoverParams(
                types.TextDocumentIdentifier(uri), types.Position(1, 10)))
            assert hover is None and await complete(client, uri, 1, 10) == []
            assert await client.text_document_definition_async(types.DefinitionParams(
                types.TextDocumentIdentifier(uri), types.Position(1, 10))) is None
        finally:
            close_buffer(client, uri)
    # The server answered each request after the buffers were opened: none of them was checked.
    assert not [uri for uri in client.diagnostics if "drafts" in uri or "mkdocs" in uri or "workflows" in uri
                or "hidden" in uri]


def whole_text(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))


Shown = tuple[int, int, str, str]  # line, column (1-based), code, message


def linted(project: tuple[Path, Path], tmp_path: Path, files: dict[str, str]) -> dict[str, list[Shown]]:
    """What `briefings lint` says of each of `files` once they are written into a copy of the project."""
    root, snapshots = project
    copy = tmp_path / f"copy-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build"))
    for rel, text in files.items():
        (copy / rel).write_text(text, encoding="utf-8")
    result = lint_project(load_config(copy, str(snapshots), environ={}), list(files))
    found: dict[str, list[Shown]] = {rel: [] for rel in files}
    for p in result.problems:
        found[p.where.path].append((p.where.line, p.where.column, p.code, f"{p.message} ({p.name})"))
    return found


def shown(found: Iterable[types.Diagnostic]) -> list[Shown]:
    return [(d.range.start.line + 1, d.range.start.character + 1, str(d.code), d.message) for d in found]


async def test_diagnostics_are_what_the_linter_says_of_the_buffers_as_saved(client: LanguageClient,
                                                                           project: tuple[Path, Path],
                                                                           tmp_path: Path) -> None:
    """Edit after edit in two unsaved buffers (a briefing and a new source it cites), each buffer's
    diagnostics are exactly what `briefings lint` reports for it once both are saved: same line, column, code
    and message, whichever file was typed in, whatever the edit does to the other file's problems."""
    briefing, source = "briefings/later.yaml", "sources/ferry-times.yaml"  # after harbour.yaml, by name
    uris = {briefing: uri_of(project, briefing), source: uri_of(project, source)}
    base = PROBLEMS_BRIEFING.replace("id: ", "id: later-").replace("[harbour-reopens]", "[later-near-miss]")
    ferry = (project[0] / "sources/harbour-herald.yaml").read_text(encoding="utf-8").replace(
        "Harbour Herald", "Ferry Times")
    edits = [  # each on the text the previous edits left
        (briefing, "source: bus-news", "source: ferry-times"),  # the unknown source now exists (unsaved)
        (source, "url: https://example.org/harbour\n", ""),  # ...without an address (SRC002)
        (briefing, "id: later-ferry-state", "id: harbour-reopens"),  # also an id of a file on disk
        (briefing, "id: later-bus-line", "id: later-near-miss"),  # and one of this file
        (briefing, "date: 2024-03-05\n        kind: state", "date: 2024-13-05\n        kind: state"),
        (briefing, '"the Harbour would reopen in june"', '"the harbour will reopen"'),
        (source, "published: 2024-03-05", "published: soon"),
        (briefing, "          - source: ferry-times\n", "          - source: ferry-times\n  "),  # YAML
        (briefing, "          - source: ferry-times\n  ", "          - source: ferry-times\n"),
        (source, "Ferry Times", "Ferry Times\nurl: https://example.org/ferry"),
    ]
    texts = {briefing: base, source: ferry}
    open_buffer(client, uris[briefing], base)
    open_buffer(client, uris[source], ferry)
    versions = {briefing: 1, source: 1}
    seen: set[str] = set()
    try:
        for number, (rel, before, after) in enumerate(edits):
            assert before in texts[rel], number
            text = texts[rel] = texts[rel].replace(before, after, 1)
            versions[rel] += 1
            whole_text(client, uris[rel], versions[rel], text)
            expected = linted(project, tmp_path, texts)
            for each in (rel, *(other for other in texts if other != rel)):  # the file typed in first
                loop = asyncio.get_running_loop()
                deadline = loop.time() + WAIT_S
                while shown(client.diagnostics.get(uris[each], [])) != expected[each] and loop.time() < deadline:
                    await asyncio.sleep(0.02)
                assert shown(client.diagnostics.get(uris[each], [])) == expected[each], (number, each)
            seen.update(code for found in expected.values() for _, _, code, _ in found)
    finally:
        close_buffer(client, uris[source])
        close_buffer(client, uris[briefing])
    assert not (project[0] / source).exists() and not (project[0] / briefing).exists()
    assert {"CIT003", "FCT001", "FCT010", "SCH005", "SRC002", "YML001"} <= seen, seen  # the edits did their part


async def test_positions_are_in_the_clients_units_and_windows_line_ends_are_lines(
        client: LanguageClient, project: tuple[Path, Path], tmp_path: Path) -> None:
    """A character outside the BMP counts two UTF-16 units (the protocol's default); a file with CRLF line
    ends has the linter's lines and columns."""
    uri = uri_of(project, "briefings/units.yaml")
    text = (PROBLEMS_BRIEFING.replace("id: ", "id: units-").replace("[harbour-reopens]", "[units-near-miss]")
            .replace('"the Harbour would reopen in june"', '"🚢 the Harbour would reopen in june"'))
    open_buffer(client, uri, text)
    try:
        found = await diagnostics(client, uri, lambda d: "CIT003" in codes(d))
        line = text.split("\n")[11]
        assert place(found[0]) == (11, 19, 11, len(line.encode("utf-16-le")) // 2)  # the ship: two units
        source = await hover_at(client, uri, 10, 24)
        assert "**Harbour to reopen in June**" in source
        crlf = text.replace("\n", "\r\n").replace("🚢 ", "")
        whole_text(client, uri, 2, crlf)
        expected = linted(project, tmp_path, {"briefings/units.yaml": crlf})["briefings/units.yaml"]
        assert [code for _, _, code, _ in expected] == ["CIT003", "FCT010", "CIT001"]
        ship_end = place(found[0])[3]
        found = await diagnostics(client, uri, lambda d: shown(d) == expected and place(d[0])[3] != ship_end)
        assert place(found[0]) == (11, 19, 11, 53)  # the quote, without the line end's \r
    finally:
        close_buffer(client, uri)


async def test_fact_ids_are_offered_while_a_half_typed_line_breaks_the_file(client: LanguageClient,
                                                                             project: tuple[Path, Path]) -> None:
    """A quote mark opened and not yet closed makes the whole file unreadable YAML: the file's facts are still
    offered in `status.by`, as they were when it last loaded."""
    uri = uri_of(project, "briefings/half.yaml")
    status = "        status:\n          value: superseded\n          by: []\n          reason: Later.\n"
    text = HARBOUR_BRIEFING.replace("id: ", "id: half-").replace(
        "        date: 2024-03-04\n", "        date: 2024-03-04\n" + status)
    open_buffer(client, uri, text)
    try:
        await diagnostics(client, uri, lambda d: codes(d) == ["FCT004"])  # by: [] names nothing yet
        line = text.split("\n").index("          by: []")
        quote = text.split("\n")[11]
        change(client, uri, 2, (11, len(quote) - 1), (11, len(quote)), "")  # the closing quote mark deleted
        await diagnostics(client, uri, lambda d: codes(d)[:1] == ["YML001"])
        items = await complete(client, uri, line, len("          by: ["))
        labels = [i.label for i in items]
        assert "half-harbour-reopens" in labels and "half-ships-waited" in labels and "harbour-reopens" in labels
        assert "half-pier-funded" not in labels  # the fact being edited
    finally:
        close_buffer(client, uri)

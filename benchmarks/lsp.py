"""`briefings lsp` as an editor meets it: the server started as a process, the edited briefing opened, then
keystrokes sent as an editor sends them (`textDocument/didChange`, one character, incremental) and timed from
the moment each is written to the server's pipe to the moment the diagnostics for that version are read back:
what the user waits for, the server's reading, checking and writing included (the editor's drawing is not).

Three kinds of keystroke, each after the server has gone quiet (the user's next keystroke, not a burst):
- in a fact's text (nothing about the diagnostics changes; the whole check still runs);
- in a quote, making it wrong (an error appears, with its closest passage from the snapshot);
- the same character typed back (the error goes).
And a burst: `edits` characters typed 50 ms apart, timed from the last keystroke to its diagnostics. Beside
each single keystroke, the server's own CPU time for it (all its threads, from /proc), which a machine shared
with other work changes far less than the wall time.
"""

from __future__ import annotations

import json
import os
import queue
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.processes import BenchError, briefings, environment
from benchmarks.project import EDITED

QUIET_S = 1.0  # between single keystrokes: past the server's own pause before it checks other open files
TYPING_S = 0.05  # between the keystrokes of a burst (about 20 characters a second)
DEADLINE_S = 600.0


class Server:
    """A language server process and a JSON-RPC channel to it (Content-Length framing on its pipes); every
    message read is stamped with the time it arrived."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(briefings("lsp"), cwd=root, env=environment(), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            body = stream.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def send(self, message: dict[str, Any]) -> float:
        """Write a message; the time it was written."""
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()
        return time.perf_counter()

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        _, message = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)
        return message.get("result")

    def wait(self, wanted: Any) -> tuple[float, dict[str, Any]]:
        """The first message `wanted` accepts, and when it arrived (requests from the server are answered)."""
        deadline = time.perf_counter() + DEADLINE_S
        while time.perf_counter() < deadline:
            try:
                arrived, message = self.messages.get(timeout=1.0)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise BenchError(f"briefings lsp exited with {self.process.returncode}") from None
                continue
            if "method" in message and "id" in message:  # e.g. client/registerCapability: accept
                self.send({"id": message["id"], "result": None})
            if wanted(message):
                return arrived, message
        raise BenchError("briefings lsp did not answer in time")

    def cpu_s(self) -> float:
        """CPU time the server has used so far, all its threads (from /proc: nanoseconds on CPU)."""
        total = 0
        for task in Path(f"/proc/{self.process.pid}/task").glob("*/schedstat"):
            try:
                total += int(task.read_text(encoding="utf-8").split()[0])
            except (OSError, ValueError, IndexError):
                continue
        return total / 1e9

    def peak_mb(self) -> float:
        """The server's peak resident memory so far (VmHWM)."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="utf-8")
        except OSError:
            return 0.0
        line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), "VmHWM: 0 kB")
        return int(line.split()[1]) / 1024

    def stop(self) -> None:
        try:
            self.request("shutdown", None)
            self.send({"method": "exit"})
            self.process.wait(timeout=30)
        except (BenchError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


@dataclass(frozen=True)
class LspFigures:
    open_s: float  # from opening the file to its first diagnostics (the project loaded cold, cache warm)
    text_s: tuple[float, ...]  # a keystroke in a fact's text → its diagnostics
    quote_wrong_s: tuple[float, ...]  # a keystroke that makes a quote wrong → the error shown
    quote_right_s: tuple[float, ...]  # the keystroke that puts it right → the error gone
    burst_s: float  # the last of a burst of keystrokes → its diagnostics
    facts_in_file: int
    peak_mb: float
    cpu_s: tuple[float, ...]  # the server's CPU time for each single keystroke (all kinds)


class Editing:
    """The open document as the editor holds it: its lines, its version, and keystrokes into it."""

    def __init__(self, server: Server, path: Path) -> None:
        self.server, self.uri = server, path.as_uri()
        self.lines = path.read_text(encoding="utf-8").split("\n")
        self.version = 1
        self.cpu: list[float] = []

    def open(self) -> float:
        sent = self.server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": self.uri, "languageId": "yaml", "version": 1, "text": "\n".join(self.lines)}}})
        return self.diagnostics(sent)[0]

    def type(self, line: int, column: int, old: str, new: str) -> float:
        """Replace `old` at (line, column) with `new`, as one change; the time it was sent."""
        assert self.lines[line][column:column + len(old)] == old
        self.lines[line] = self.lines[line][:column] + new + self.lines[line][column + len(old):]
        self.version += 1
        return self.server.send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": self.uri, "version": self.version},
            "contentChanges": [{"range": {"start": {"line": line, "character": column},
                                          "end": {"line": line, "character": column + len(old)}}, "text": new}]}})

    def diagnostics(self, sent: float) -> tuple[float, list[dict[str, Any]]]:
        """Seconds from `sent` to the diagnostics of the current version, and those diagnostics."""
        version = self.version

        def for_this_version(m: dict[str, Any]) -> bool:
            return bool(m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == self.uri
                        and m["params"].get("version") == version)
        arrived, message = self.server.wait(for_this_version)
        return arrived - sent, message["params"]["diagnostics"]

    def keystroke(self, line: int, column: int, old: str, new: str) -> tuple[float, list[dict[str, Any]]]:
        time.sleep(QUIET_S)
        before = self.server.cpu_s()
        measured = self.diagnostics(self.type(line, column, old, new))
        self.cpu.append(self.server.cpu_s() - before)
        return measured


def measure_lsp(root: Path, keystrokes: int) -> LspFigures:
    """Open the edited briefing in `briefings lsp` and time `keystrokes` keystrokes of each kind."""
    server = Server(root)
    try:
        server.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}})
        server.send({"method": "initialized", "params": {}})
        editing = Editing(server, root / EDITED)
        open_s = editing.open()
        texts = [n for n, line in enumerate(editing.lines) if line.startswith("        text: ")]
        quotes = [n for n, line in enumerate(editing.lines) if line.startswith("            quote: ")]
        text_s, wrong_s, right_s = [], [], []
        for n in range(keystrokes):
            line = texts[n * len(texts) // keystrokes]
            text_s.append(_clean(editing.keystroke(line, len(editing.lines[line]), "", "x")))
            quote = quotes[n * len(quotes) // keystrokes]
            column = editing.lines[quote].index('"') + 1  # the quote's first character
            first = editing.lines[quote][column]
            seconds, found = editing.keystroke(quote, column, first, "Q")
            if not any(d["code"] == "CIT003" for d in found):
                raise BenchError(f"a wrong quote at {EDITED}:{quote + 1} drew no CIT003")
            wrong_s.append(seconds)
            right_s.append(_clean(editing.keystroke(quote, column, "Q", first)))
        time.sleep(QUIET_S)
        line = texts[0]
        for _ in range(keystrokes):
            sent = editing.type(line, len(editing.lines[line]), "", "y")
            time.sleep(TYPING_S)
        burst_s = editing.diagnostics(sent)[0]
        facts = len(texts)
        return LspFigures(open_s, tuple(text_s), tuple(wrong_s), tuple(right_s), burst_s, facts, server.peak_mb(),
                          tuple(editing.cpu))
    finally:
        server.stop()


def _clean(measured: tuple[float, list[dict[str, Any]]]) -> float:
    seconds, found = measured
    if found:
        raise BenchError(f"{EDITED} should be clean after this keystroke; the server reported {found[0]}")
    return seconds


def summary(figures: LspFigures) -> dict[str, Any]:
    everything = figures.text_s + figures.quote_wrong_s + figures.quote_right_s
    return {"lsp_open_s": round(figures.open_s, 3),
            "lsp_keystroke_s": round(statistics.median(everything), 3),
            "lsp_keystroke_max_s": round(max(everything), 3),
            "lsp_text_s": round(statistics.median(figures.text_s), 3),
            "lsp_quote_wrong_s": round(statistics.median(figures.quote_wrong_s), 3),
            "lsp_quote_right_s": round(statistics.median(figures.quote_right_s), 3),
            "lsp_burst_s": round(figures.burst_s, 3), "lsp_file_facts": figures.facts_in_file,
            "lsp_cpu_s": round(statistics.median(figures.cpu_s), 3),
            "lsp_peak_mb": round(figures.peak_mb, 1)}

"""`make serve` as a user meets it: the command it runs (`briefings serve --port N`), started cold in the project,
polled over HTTP until it serves the edited briefing; then, edit after edit, the time from saving the YAML file to
the served page containing the new text (polled every 50 ms, as a browser's reload would find it), and to the site
settled: the server writes the exports and the search index after it serves the changed pages, so each edit is also
timed until the edited briefing's data file and the search index (the last file written) hold the new text, read
from the site folder the server serves (`build/serve/site`). Then the restart: the server stopped with Ctrl-C, one
more edit saved while it is stopped, and the command started again (a new process), timed until the served page
shows that edit; this process's CPU seconds too (it is stopped as soon as it serves the page, so they are those of
its start and of its stop).
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from benchmarks.processes import BenchError, briefings, environment
from benchmarks.project import EDITED_DATA, EDITED_PAGE, edit_fact_text
from build_tools.live_serve import KEPT_SITE
from build_tools.site import file_stamp

POLL_S = 0.05
SETTLE_S = 1.5  # between edits: the server's watcher has seen nothing new for a while
READY_DEADLINE_S = 3600.0
EDIT_DEADLINE_S = 1800.0


@dataclass(frozen=True)
class ServeFigures:
    ready_s: float  # from starting the command to the first page served
    edits_s: tuple[float, ...]  # from each saved edit to the page showing it
    settled_s: tuple[float, ...]  # from each saved edit to the site settled (its exports and search index too)
    peak_mb: float  # of the serving process, over its whole life
    restart_s: float = float("nan")  # stopped, edited, started again: until the page shows the edit
    restart_cpu_s: float = float("nan")  # that second process, from its start to its stop

    @property
    def edit_s(self) -> float:
        return statistics.median(self.edits_s)

    @property
    def settle_s(self) -> float:
        return statistics.median(self.settled_s)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str) -> str | None:
    """The page, or None while the server is not up (a request during a rebuild waits for it to end)."""
    try:
        with urllib.request.urlopen(url, timeout=EDIT_DEADLINE_S) as response:
            body: bytes = response.read()
            return body.decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, wanted: str | None, deadline_s: float, process: subprocess.Popen[bytes]) -> float:
    """Seconds until the page at `url` is served (and holds `wanted`, when given)."""
    started = time.perf_counter()
    while time.perf_counter() - started < deadline_s:
        page = fetch(url)
        if page is not None and (wanted is None or wanted in page):
            return time.perf_counter() - started
        if process.poll() is not None:
            raise BenchError(f"the server exited ({process.returncode}) before serving {url}")
        time.sleep(POLL_S)
    raise BenchError(f"{url} did not show {wanted!r} within {deadline_s:.0f} s")


def measure_serve(root: Path, edits: int, restart: bool = True) -> ServeFigures:
    """Start `briefings serve` in `root`, wait until it serves, make `edits` edits; stop it with Ctrl-C. Then,
    with `restart`, one more edit and the restart."""
    port = free_port()
    first = _session(root, port, edits, restart=False)
    if not restart:
        return first
    text = edit_fact_text(root, time.time_ns() % 10**9 + edits)
    again = _session(root, port, 0, restart=True, wanted=text)  # `make serve` again: the same port
    return ServeFigures(first.ready_s, first.edits_s, first.settled_s, first.peak_mb, again.ready_s,
                        again.restart_cpu_s)


def _session(root: Path, port: int, edits: int, restart: bool, wanted: str | None = None) -> ServeFigures:
    url = f"http://127.0.0.1:{port}/{EDITED_PAGE}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(briefings("serve", "--port", str(port)), cwd=root, env=environment(),
                                   stdout=log, stderr=log)
        try:
            started = time.perf_counter()
            _wait_for(url, wanted, READY_DEADLINE_S, process)
            ready = time.perf_counter() - started
            latencies, settled = [], []
            for number in range(edits):
                time.sleep(SETTLE_S)
                text = edit_fact_text(root, time.time_ns() % 10**9 + number)
                started = time.perf_counter()
                latencies.append(_wait_for(url, text, EDIT_DEADLINE_S, process))
                settled.append(_wait_settled(root / KEPT_SITE, text, started, process))
        except BenchError as error:
            log.seek(0)
            raise BenchError(f"{error}; the server said:\n{log.read().decode('utf-8', 'replace')[-3000:]}") from None
        finally:
            peak, cpu = _stop(process)
    return ServeFigures(ready, tuple(latencies), tuple(settled), peak, restart_cpu_s=cpu if restart else float("nan"))


def _wait_settled(site: Path, wanted: str, started: float, process: subprocess.Popen[bytes]) -> float:
    """Seconds from `started` until the edited briefing's data file and the search index in `site` hold `wanted`
    (each read again only when its size or mtime changed: the index is about 90 MB at 100,000 facts)."""
    files = [site / EDITED_DATA, site / "search/search_index.json"]
    seen: dict[Path, tuple[int, int]] = {}
    done: set[Path] = set()
    while time.perf_counter() - started < EDIT_DEADLINE_S:
        for path in files:
            stamp = file_stamp(path)
            if path not in done and stamp != seen.get(path) and stamp[0] >= 0:  # (not written yet after a full build)
                seen[path] = stamp
                if wanted.encode() in path.read_bytes():
                    done.add(path)
        if len(done) == len(files):
            return time.perf_counter() - started
        if process.poll() is not None:
            raise BenchError(f"the server exited ({process.returncode}) before writing {files}")
        time.sleep(POLL_S)
    raise BenchError(f"{files} did not show {wanted!r} within {EDIT_DEADLINE_S:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> tuple[float, float]:
    """Ctrl-C, as a user stops it (the server then saves what it keeps for its next run), and SIGKILL if that
    has not ended it within a minute; its peak memory and CPU seconds."""
    if process.poll() is not None:  # it exited by itself and was reaped: its usage is lost
        return float("nan"), float("nan")
    process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 60
    while True:
        pid, _, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = 0  # reaped here, so that its usage is its own
            return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            process.kill()
        time.sleep(0.05)


def rebuilds(root: Path, edits: int) -> dict[str, object]:
    """Inside one process, what the server's builder does: a dirty MkDocs build over a site folder, then after
    each edit another (our part and MkDocs's, without the watcher and HTTP); wall and CPU seconds of each."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    url = "http://127.0.0.1:8000/"
    with tempfile.TemporaryDirectory(prefix="rebuilds-") as site:
        def dirty_build() -> tuple[float, float]:
            config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=site, strict=False)
            config.site_url = url
            started, cpu = time.perf_counter(), time.process_time()
            build(config, serve_url=url, dirty=True)
            return time.perf_counter() - started, time.process_time() - cpu

        first = load_config(config_file=str(root / "mkdocs.yml"), site_dir=site, strict=False)
        first.plugins.on_startup(command="serve", dirty=True)
        try:
            dirty_build()  # the first: every page
            timed = []
            for number in range(edits):
                edit_fact_text(root, time.time_ns() % 10**9 + number)
                timed.append(dirty_build())
        finally:
            first.plugins.on_shutdown()
    return {"rebuilds_s": [round(wall, 3) for wall, _ in timed], "rebuilds_cpu_s": [round(cpu, 3) for _, cpu in timed],
            "rebuild_s": round(statistics.median(w for w, _ in timed), 3),
            "rebuild_cpu_s": round(statistics.median(c for _, c in timed), 3)}


if __name__ == "__main__":  # python -m benchmarks.serve rebuilds PROJECT EDITS
    import json
    import sys

    if len(sys.argv) != 4 or sys.argv[1] != "rebuilds":
        raise SystemExit("usage: python -m benchmarks.serve rebuilds PROJECT EDITS")
    os.chdir(sys.argv[2])
    print(json.dumps(rebuilds(Path(sys.argv[2]).resolve(), int(sys.argv[3]))))

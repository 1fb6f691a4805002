"""A command's memory from the outside, with every process it starts: `python -m benchmarks.pss COMMAND...`
prints the peak of the processes' summed PSS (each shared page counted once, split between its sharers: what a
second process made by fork really adds), sampled every half second, then exits with the command's status.
Linux only (/proc)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def tree(pid: int) -> list[int]:
    """`pid` and its descendants, now."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += tree(int(child))
    return found


def pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main(command: list[str]) -> int:
    started = time.perf_counter()
    process = subprocess.Popen(command)
    peak, processes = 0, 0
    while process.poll() is None:
        pids = tree(process.pid)
        total = sum(pss_kb(pid) for pid in pids)
        if total > peak:
            peak, processes = total, len(pids)
        time.sleep(0.5)
    print(f"exit {process.returncode}, {time.perf_counter() - started:.1f} s wall, peak PSS "
          f"{peak / 2**20:.2f} GB over {processes} process(es)", file=sys.stderr)
    return process.returncode


if __name__ == "__main__":
    if len(sys.argv) < 2 or not os.path.isdir("/proc"):
        print("usage: python -m benchmarks.pss COMMAND... (Linux)", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))

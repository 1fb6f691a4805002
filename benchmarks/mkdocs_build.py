"""A full `mkdocs build`, as its command runs it, and the share of it that is ours:
`python -m benchmarks.mkdocs_build CONFIG SITE_DIR` prints JSON.

The steps are those of `mkdocs build` (load the configuration, start the plugins, build, shut them down).
Every event handler of our hook is wrapped in a timer, so `ours_s` is all the time MkDocs spent in our
code (lint, generation, writing the generated files, our page checks), measured in the same build, in wall
and in CPU seconds.
"""

from __future__ import annotations

import functools
import json
import logging
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config

HOOK = "mkdocs_hook"


def _timed(spent: list[float], method: Callable[..., Any]) -> Callable[..., Any]:
    """`spent`: wall seconds, then CPU seconds (the build runs in one thread: the CPU time is the process's)."""
    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return method(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started
            spent[1] += time.process_time() - cpu
    return run


def main(config_file: Path, site_dir: Path) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    config = load_config(config_file=str(config_file), site_dir=str(site_dir))
    spent = [0.0, 0.0]
    for methods in config.plugins.events.values():
        methods[:] = [_timed(spent, m) if HOOK in getattr(m, "__module__", "") else m for m in methods]
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"build_s": total, "ours_s": spent[0], "ours_cpu_s": spent[1], "peak_mb": peak}))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))

"""A full `mkdocs build`, as its command runs it, and the share of it that is ours:
`python -m benchmarks.mkdocs_build CONFIG SITE_DIR` prints JSON.

The steps are those of `mkdocs build` (load the configuration, start the plugins, build, shut them down).
Every event handler of our hook is wrapped in a timer, and so is MkDocs's every wait for the second process
(`background.Generation`'s `paths`, `take`, `checked` and `join`, wherever they are called; a wait inside a
handler counts once), so `ours_s` is all the time the build spent in our code or waiting for it (lint,
generation, writing the generated files, our page checks), measured in the same build, in wall and in CPU
seconds of the build's process. When the generation runs in a second process (`background.py`), its CPU
seconds are `child_cpu_s` (0 otherwise), and `ours_all_cpu_s` and `all_cpu_s` count them too. Where the rest
goes, in CPU seconds of the same build: `markdown_cpu_s` (MkDocs converting each page's Markdown,
`Page.render`; `markdown_by_folder_cpu_s` per docs folder), `search_cpu_s` (the search plugin reading each
page's HTML) and `templates_cpu_s` (the theme's templates and writing each page, the search plugin's part taken
out).
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

from mkdocs.commands import build as mkdocs_build
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.pages import Page

from build_tools.background import Generation

HOOK = "mkdocs_hook"


def _timed(spent: list[float], method: Callable[..., Any]) -> Callable[..., Any]:
    """`spent`: wall seconds, then CPU seconds (the build runs in one thread: the CPU time is the process's), and
    how many timed calls are under way: a timed call inside another (a handler waiting for the second process)
    counts once."""
    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        if spent[2]:
            return method(*args, **kwargs)
        started, cpu = time.perf_counter(), time.process_time()
        spent[2] += 1
        try:
            return method(*args, **kwargs)
        finally:
            spent[2] -= 1
            spent[0] += time.perf_counter() - started
            spent[1] += time.process_time() - cpu
    return run


def _cpu_timed(spent: dict[str, float], key: Callable[..., str], method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        cpu = time.process_time()
        try:
            return method(*args, **kwargs)
        finally:
            name = key(*args)
            spent[name] = spent.get(name, 0.0) + time.process_time() - cpu
    return run


def _folder(page: Page, *_: Any) -> str:
    return page.file.src_uri.split("/", 1)[0] if "/" in page.file.src_uri else "."


def _time_mkdocs(spent: dict[str, float]) -> None:
    """Timers on MkDocs's Markdown conversion, page building and the search plugin, for this process only."""
    Page.render = _cpu_timed(spent, lambda page, *_: f"markdown {_folder(page)}", Page.render)  # type: ignore[method-assign]
    mkdocs_build._build_page = _cpu_timed(spent, lambda *_: "pages", mkdocs_build._build_page)
    try:
        from material.plugins.search.plugin import SearchIndex  # type: ignore[import-untyped]
    except ImportError:
        return
    SearchIndex.add_entry_from_context = _cpu_timed(spent, lambda *_: "search", SearchIndex.add_entry_from_context)


def main(config_file: Path, site_dir: Path) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    phases: dict[str, float] = {}
    _time_mkdocs(phases)
    config = load_config(config_file=str(config_file), site_dir=str(site_dir))
    spent = [0.0, 0.0, 0]
    for methods in config.plugins.events.values():
        methods[:] = [_timed(spent, m) if HOOK in getattr(m, "__module__", "") else m for m in methods]
    for name in ("paths", "take", "checked", "join"):  # MkDocs waiting for the second process, wherever it does
        setattr(Generation, name, _timed(spent, getattr(Generation, name)))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = children.ru_utime + children.ru_stime
    markdown = {name.split(" ", 1)[1]: round(seconds, 3) for name, seconds in phases.items()
                if name.startswith("markdown ")}
    print(json.dumps({"build_s": total, "ours_s": spent[0], "ours_cpu_s": spent[1], "peak_mb": peak,
                      "child_peak_mb": children.ru_maxrss / 1024, "child_cpu_s": child_cpu,
                      "ours_all_cpu_s": spent[1] + child_cpu, "all_cpu_s": time.process_time() + child_cpu,
                      "cpu_s": time.process_time(), "markdown_cpu_s": round(sum(markdown.values()), 3),
                      "markdown_by_folder_cpu_s": markdown, "search_cpu_s": round(phases.get("search", 0.0), 3),
                      "templates_cpu_s": round(phases.get("pages", 0.0) - phases.get("search", 0.0), 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))

"""`briefings site`: build the static site (MkDocs, or Zensical) into a temporary folder, then swap it in.

A build that fails (a lint error, a MkDocs error, a full disk) leaves the previous
site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

# Builds the site of the project at `root` into the (empty, existing) folder `staging`.
Builder = Callable[[Path, Path, dict[str, str]], subprocess.CompletedProcess[str]]


def build_with_mkdocs(root: Path, staging: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(staging)],
                          cwd=root, env=env, text=True, capture_output=True)


def build_site(root: Path, out: Path, extra_env: dict[str, str] | None = None,
               builder: Builder = build_with_mkdocs) -> subprocess.CompletedProcess[str]:
    out = out.resolve()
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(extra_env or {})}
    try:
        result = builder(root, staging, env)
        if result.returncode == 0:
            _swap(staging, out)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with two renames; the old site is removed only afterwards."""
    old = out.with_name(f".{out.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)

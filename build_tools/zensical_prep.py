"""Prepare a Zensical build: `python -m build_tools.zensical_prep [OUT]`, then `zensical build -f OUT/mkdocs.yml`.

Zensical reads mkdocs.yml and Python-Markdown but runs no MkDocs hooks, so the
generated pages must already be on disk beside the hand-written ones. This writes
OUT/docs (docs/ plus `briefings build` output) and OUT/mkdocs.yml (ours, without
`hooks:` and `watch:`, building into OUT/site). Like the MkDocs hook, a thin adapter.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from build_tools.config import load_config
from build_tools.lint import lint_project
from build_tools.report import format_problems
from build_tools.site import generate, write_files


def zensical_config(mkdocs_yml: str) -> str:
    text = re.sub(r"^hooks:\n(?:  - .*\n)+", "", mkdocs_yml, flags=re.MULTILINE)
    text = re.sub(r"^watch:\n(?:  - .*\n)+", "", text, flags=re.MULTILINE)
    text = re.sub(r"^docs_dir: .*$", "docs_dir: docs", text, flags=re.MULTILINE)
    return re.sub(r"^site_dir: .*$", "site_dir: site", text, flags=re.MULTILINE)


def prepare(root: Path, out: Path) -> int:
    result = lint_project(load_config(root))
    if result.errors:
        print(format_problems(result, "text"))
        return 1
    docs = out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(root / "docs", docs)
    write_files(generate(result.project, result.store), docs)
    (out / "mkdocs.yml").write_text(zensical_config((root / "mkdocs.yml").read_text(encoding="utf-8")),
                                    encoding="utf-8")
    print(f"prepared {out}; now run: zensical build -f {out / 'mkdocs.yml'}")
    return 0


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("build/zensical")
    raise SystemExit(prepare(Path.cwd(), target.resolve()))

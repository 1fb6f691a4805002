"""Where each rule's documentation is: the link on a diagnostic's code (`codeDescription.href`).

On the project's published site when its address is known (the client's `documentation` setting, else
`site_url` in mkdocs.yml): the "Citation rules" page, at the rule's anchor. Otherwise a Markdown file of the
rule's documentation (what `briefings explain CODE` prints) under the project's cache folder, written on
first use, which any editor opens.
"""

from __future__ import annotations

import re
from pathlib import Path

from build_tools.rules import find_code
from build_tools.safe_files import replace

_SITE_URL = re.compile(r"^site_url:\s*['\"]?(https?://[^\s'\"#]+)", re.MULTILINE)


class RuleDocs:
    def __init__(self, base_url: str | None, folder: Path | None) -> None:
        self.base_url = base_url.rstrip("/") + "/" if base_url else None
        self.folder = folder
        self.written: set[str] = set()

    @classmethod
    def for_project(cls, root: Path, cache_dir: Path | None, setting: str | None) -> RuleDocs:
        return cls(setting or site_url(root), cache_dir / "rules" if cache_dir is not None else None)

    def url(self, code: str) -> str | None:
        if self.base_url is not None:
            return f"{self.base_url}rules/#{code.lower()}"
        if self.folder is None:
            return None
        path = self.folder / f"{code}.md"
        if code not in self.written:
            found = find_code(code)
            if found is None:
                return None
            text = f"# {found.code} {found.name}\n\n*{found.severity.value}*: {found.documentation()}\n"
            try:
                if not path.is_file() or path.read_text(encoding="utf-8") != text:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    replace(path, text.encode("utf-8"))
            except OSError:
                return None
            self.written.add(code)
        return path.as_uri()


def site_url(root: Path) -> str | None:
    """The `site_url` of the project's mkdocs.yml, when it names one."""
    try:
        match = _SITE_URL.search((root / "mkdocs.yml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return match.group(1) if match else None

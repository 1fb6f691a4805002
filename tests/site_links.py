"""Every link inside a built site, followed: the page (or file) it names exists, and so does the anchor.

MkDocs validates the links of the Markdown it converts; links the generator writes as HTML (charts, notes,
raw HTML blocks) it never sees. This checks what a reader would click, whoever wrote the link."""

from __future__ import annotations

import html.parser
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINKING = {"a": "href", "link": "href", "area": "href", "img": "src", "script": "src", "source": "src",
           "use": "href", "image": "href"}


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()  # what a link's fragment may name: ids, and the names of <a> elements
        self.element_ids: list[str] = []  # each element's id, in page order
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.element_ids.append(str(values["id"]))
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.ids.add(str(values[name]))
        wanted = LINKING.get(tag)
        for name in (wanted, "xlink:href") if wanted else ():
            if values.get(name):
                self.links.append(str(values[name]))


@cache
def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def broken_links(site: Path) -> list[str]:
    """'page → link: why' for each link of each HTML page of `site` that leads nowhere. Links out of the site
    (with a scheme or a host) are not followed; a text fragment (`#:~:text=`) is the browser's, not an anchor."""
    site = site.resolve()
    broken = []
    for path in sorted(site.rglob("*.html")):
        base = "file://" + path.as_posix()
        for link in _read(path).links:
            # A path from the root (the 404 page's, served at any address) is from the site's root.
            url = f"file://{site.as_posix()}{link}" if link.startswith("/") and not link.startswith("//") else (
                urljoin(base, link))
            problem = _problem(site, url)
            if problem:
                broken.append(f"{path.relative_to(site).as_posix()} → {link}: {problem}")
    return broken


def _problem(site: Path, url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc:
        return None
    target = Path(unquote(parts.path))
    if not target.is_relative_to(site):
        return "outside the site"
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return "no such page or file"
    fragment = unquote(parts.fragment)
    if not fragment or fragment.startswith(":~:") or target.suffix != ".html":
        return None
    return None if fragment in _read(target).ids else f"no anchor '{fragment}' in {target.relative_to(site)}"


def duplicate_ids(site: Path) -> list[str]:
    """'page: id' for each id that two elements of a page share (a link to it lands on the first only)."""
    found = []
    for path in sorted(site.rglob("*.html")):
        seen: set[str] = set()
        for value in _read(path).element_ids:
            if value in seen:
                found.append(f"{path.relative_to(site).as_posix()}: {value}")
            seen.add(value)
    return found

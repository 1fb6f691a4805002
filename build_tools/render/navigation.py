"""The site's navigation, as `mkdocs.yml` declares it, with its patterns expanded to the pages that exist.

`mkdocs.yml` writes the sidebar once: "Read" (home, briefings, timeline, sources, method), then "For
editors". Briefings are content, so the sidebar names them with a pattern, `briefings/*.md`, which the
MkDocs hook and `zensical_prep` expand here to the briefing pages generated (neither publisher expands
patterns itself). A page named explicitly elsewhere in the navigation is not listed again by a pattern.
Source pages and the timeline's period pages are not in the sidebar: readers reach them from the sources
index, the timeline and the footnotes (`not_in_nav` in `mkdocs.yml`), so every page's sidebar stays the
same size however many sources a project has.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

PATTERN_CHARACTERS = frozenset("*?[")

Nav = list[Any]  # MkDocs's shape: a list of 'page.md', {'Title': 'page.md'} or {'Section': [...]}


def expand_nav(nav: Nav | None, pages: Iterable[str], first: Sequence[str] = ()) -> Nav | None:
    """`nav` with each pattern entry ('briefings/*.md', or {'Title': 'briefings/*.md'}) replaced by the
    matching `pages` (docs-relative paths, '/'-separated) that the navigation does not name elsewhere: those
    in `first` first, in its order (the briefings' `order` in briefings.toml), then the others by path. None
    (no `nav:`) stays None: the publisher then builds its own."""
    if nav is None:
        return None
    named = set(_explicit(nav))
    rank = {page: index for index, page in enumerate(first)}
    available = sorted((page for page in pages if page not in named),
                       key=lambda page: (rank.get(page, len(rank)), page))
    return list(_expand(nav, available))


def is_pattern(entry: str) -> bool:
    return any(ch in PATTERN_CHARACTERS for ch in entry)


def _explicit(nav: Iterable[Any]) -> Iterator[str]:
    for entry in nav:
        if isinstance(entry, str) and not is_pattern(entry):
            yield entry
        elif isinstance(entry, dict):
            for value in entry.values():
                if isinstance(value, list):
                    yield from _explicit(value)
                elif isinstance(value, str) and not is_pattern(value):
                    yield value


def _expand(nav: Iterable[Any], pages: list[str]) -> Iterator[Any]:
    for entry in nav:
        if isinstance(entry, str) and is_pattern(entry):
            yield from fnmatch.filter(pages, entry)
        elif isinstance(entry, dict):
            yield {title: list(_expand(value, pages)) if isinstance(value, list)
                   else fnmatch.filter(pages, value) if isinstance(value, str) and is_pattern(value) else value
                   for title, value in entry.items()}
        else:
            yield entry

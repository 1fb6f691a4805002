"""A Python-Markdown extension: footnote references get accessible names, and back-links their letters.

Python-Markdown names each footnote reference by its number alone ("1"). This
treeprocessor, run after the footnotes extension, labels each reference with
the start of its footnote ("Source 3: Fox News, 8 December 2021"), so screen
readers announce where a sentence comes from. A note cited more than once gets
one back-link per citation, which Python-Markdown draws as "↩↩"; they are
lettered here ("↩ a", "↩ b"), as in print, and named ("↩ b back to citation 3b in the text").
A table's cells are labelled with their column's heading (`data-label`), and a table of more than
WIDE_COLUMNS columns is marked `data-sb-wide`: on a phone the stylesheet shows such a table as one card
per row, each value under its label, instead of a table wider than the screen.
Blocks of raw HTML that the generator marks (`RAW_HTML`, the line before each) are stashed whole, unread:
Python-Markdown would parse each with `HTMLParser` only to store it unchanged (and MkDocs parses the page once
more for its anchors), which was most of the time a generated page took to convert. The output is the same
(a test converts every generated page both ways); the hook gives MkDocs the anchors of those blocks.
Plain Python-Markdown: it works with any publisher that loads `markdown_extensions`.
"""

from __future__ import annotations

import html
import re
import string
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from build_tools.render.markdown import RAW_HTML

_STASH = re.compile("\x02wzxhzdk:(\\d+)\x03")


class FootnoteLabels(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        labels = {}
        for item in root.iter("li"):
            note_id = item.get("id", "")
            if note_id.startswith("fn:"):
                labels[note_id] = self._plain("".join(item.itertext())).split(":", 1)[0].strip()
        for anchor in root.iter("a"):
            if "footnote-ref" in anchor.get("class", "").split():
                target = anchor.get("href", "").lstrip("#")
                label = labels.get(target)
                if label:
                    anchor.set("aria-label", f"Source {anchor.text}: {label}")
        for item in root.iter("li"):
            if item.get("id", "").startswith("fn:"):
                self._letter_backlinks(item)

    @staticmethod
    def _letter_backlinks(item: etree.Element) -> None:
        links = [a for a in item.iter("a") if "footnote-backref" in a.get("class", "").split()]
        number = item.get("id", "").split(":", 1)[1]
        for index, backlink in enumerate(links):
            letter = string.ascii_lowercase[index] if len(links) > 1 and index < 26 else ""
            if letter:
                backlink.append(_span("sb-backref-letter", letter))
            backlink.append(_span("sb-visually-hidden", f" back to citation {number}{letter} in the text"))
            backlink.attrib.pop("title", None)
        if len(links) > 1:
            _keep_together(item, links)

    def _plain(self, text: str) -> str:
        stash = self.md.htmlStash.rawHtmlBlocks
        return html.unescape(_STASH.sub(lambda m: str(stash[int(m.group(1))]), text))


def _keep_together(item: etree.Element, links: list[etree.Element]) -> None:
    """A note's back-links ("↩a ↩b") in one group that a line does not split (`sb-backrefs` in the stylesheet),
    when they stand side by side, as Python-Markdown writes them."""
    parent = next((element for element in item.iter() if links[0] in list(element)), None)
    if parent is None or any(link not in list(parent) for link in links):
        return
    children = list(parent)
    start = children.index(links[0])
    if children[start:start + len(links)] != links or any(link.tail and link.tail.strip() for link in links[:-1]):
        return
    group = etree.Element("span", {"class": "sb-backrefs"})
    for link in links:
        parent.remove(link)
        group.append(link)
    group.tail, links[-1].tail = links[-1].tail, None
    parent.insert(start, group)


def _span(css_class: str, text: str) -> etree.Element:
    element = etree.Element("span", {"class": css_class})
    element.text = text
    return element


WIDE_COLUMNS = 3


class TableLabels(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for table in root.iter("table"):
            head = table.find("thead")
            if head is None or table.get("class"):
                continue  # our own tables (class="sb-fact-table") carry their labels already
            labels = [self._plain("".join(cell.itertext())).strip() for cell in head.iter("th")]
            if len(labels) > WIDE_COLUMNS:
                table.set("data-sb-wide", "")
            for row in table.iter("tr"):
                for label, cell in zip(labels, [c for c in row if c.tag == "td"], strict=False):
                    if label:
                        cell.set("data-label", label)

    def _plain(self, text: str) -> str:
        stash = self.md.htmlStash.rawHtmlBlocks
        return html.unescape(_STASH.sub(lambda m: str(stash[int(m.group(1))]), text))


class RawHtmlBlocks(Preprocessor):
    """Stash each marked block as Python-Markdown's HTML block parser would (a paragraph of its own, holding the
    block's placeholder), before any parser reads it. A block must begin with a block-level element and hold
    whole elements only (`render.markdown.html_block` makes them so)."""

    def run(self, lines: list[str]) -> list[str]:
        if RAW_HTML not in lines:
            return lines
        out: list[str] = []
        index, count = 0, len(lines)
        while index < count:
            if lines[index] != RAW_HTML:
                out.append(lines[index])
                index += 1
                continue
            end = index + 1
            while end < count and lines[end]:
                end += 1
            # With the line end after its last tag, as Python-Markdown's parser stores a block.
            block = "\n".join(lines[index + 1:end]) + ("\n" if end < count else "")
            out += ["", self.md.htmlStash.store(block), ""]
            index = end
        return out


class FootnoteLabelsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Before MkDocs's anchor finder (21) and Python-Markdown's HTML block parser (20), after the whitespace
        # normaliser (30) and the fenced code blocks (25): a fence in a hand-written page that shows the marker
        # stays code.
        md.preprocessors.register(RawHtmlBlocks(md), "briefings_raw_html", 24)
        md.treeprocessors.register(FootnoteLabels(md), "briefings_footnote_labels", 5)
        md.treeprocessors.register(TableLabels(md), "briefings_table_labels", 4)


def makeExtension(**kwargs: Any) -> FootnoteLabelsExtension:
    return FootnoteLabelsExtension(**kwargs)

"""A Python-Markdown extension: footnote references get accessible names.

Python-Markdown names each footnote reference by its number alone ("1"). This
treeprocessor, run after the footnotes extension, labels each reference with
the start of its footnote ("Source 3: Fox News, 8 December 2021"), so screen
readers announce where a sentence comes from. Plain Python-Markdown: it works
with any publisher that loads `markdown_extensions`.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

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

    def _plain(self, text: str) -> str:
        stash = self.md.htmlStash.rawHtmlBlocks
        return html.unescape(_STASH.sub(lambda m: str(stash[int(m.group(1))]), text))


class FootnoteLabelsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(FootnoteLabels(md), "briefings_footnote_labels", 5)


def makeExtension(**kwargs: Any) -> FootnoteLabelsExtension:
    return FootnoteLabelsExtension(**kwargs)

"""Markdown building blocks. All escaping lives here, once.

Text from YAML never becomes markup: every ASCII punctuation character that
Markdown, its extensions or HTML could read as syntax is written as a numeric
character reference. The reader sees the same characters; no parser sees
syntax (`<script>`, `[^1]`, `{: onclick=…}`, `--8<--`, `{{ }}` all stay text).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import string
from collections.abc import Sequence
from urllib.parse import quote

import yaml

from build_tools.snapshots import normalize

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Harmless inside a line; only a block's first character can make them syntax (a list, a rule).
_INLINE_SAFE = set(",;?'.- ")
_ENTITIES = {ord(ch): f"&#{ord(ch)};" for ch in string.punctuation if ch not in _INLINE_SAFE}
_NEEDS_ENTITY = re.compile("[" + re.escape("".join(map(chr, _ENTITIES))) + "]")


def text(value: str) -> str:
    """Literal text for a Markdown paragraph, table cell or heading (one line)."""
    line = " ".join(value.split())
    if line and (line[0].isdigit() or line[0] in string.punctuation):
        return f"&#{ord(line[0])};" + _escape(line[1:])
    return _escape(line)


def _escape(line: str) -> str:
    # Most text has nothing to escape: one regex scan is cheaper than a translate that finds nothing.
    return line if _NEEDS_ENTITY.search(line) is None else line.translate(_ENTITIES)


def paragraphs(value: str) -> str:
    """Literal multi-paragraph text: blank lines separate paragraphs."""
    blocks = [" ".join(block.split()) for block in value.strip().split("\n\n")]
    return "\n\n".join(text(block) for block in blocks if block)


def url(value: str) -> str:
    """A validated http(s) URL made safe inside `[label](<…>)`."""
    return quote(value, safe="/:?&=#%+@,;~!$'*-._")  # keeps existing %-escapes; encodes spaces, <, >


def link(label: str, target: str, title: str = "") -> str:
    """A Markdown link whose label is literal text; `target` is a page path or a safe URL."""
    attrs = f' "{text(title)}"' if title else ""
    return f"[{text(label)}](<{target}>{attrs})"


def external_link(label: str, target: str, attributes: Sequence[tuple[str, str]] = ()) -> str:
    """A link that leaves the site, in HTML (as Python-Markdown would write it: attributes in lexical order);
    `attributes` are `data-*` names with URL or date values (Robust Links)."""
    pairs = [(name, url(value)) for name, value in attributes if _DATA_NAME.fullmatch(name)]
    pairs += [("href", url(target)), ("rel", "noopener noreferrer")]
    written = "".join(f' {name}="{attribute(value)}"' for name, value in sorted(pairs))
    return f"<a{written}>{text(label)}</a>"


def attribute(value: str) -> str:
    """An attribute value escaped as Python-Markdown's serializer escapes it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# Python-Markdown makes code spans, backslash escapes and links (`[x](y)`) before it stashes inline HTML, so in
# Markdown that holds a tag (a table section's cells) they would be made inside its attribute values too, and the
# quotes of a link's href would end the attribute: an attribute holding text escapes their characters as well.
_BEFORE_INLINE_HTML = str.maketrans({ch: f"&#{ord(ch)};" for ch in "`\\[]"})


def attribute_text(value: str) -> str:
    """Text (a label, a title) as an attribute value of a tag that Markdown may read: `attribute`, with the
    characters of the inline patterns Python-Markdown applies before it stashes the tag as references."""
    return attribute(value).translate(_BEFORE_INLINE_HTML)


_DATA_NAME = re.compile(r"data-[a-z]+")


class FrontMatterError(ValueError):
    """Generated front matter that would not read back as written (a bug: the build stops)."""


_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")


def _yaml_escape(match: re.Match[str]) -> str:
    point = ord(match.group())
    return f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"


def yaml_string(value: str) -> str:
    """`value` as a YAML double-quoted scalar in printable ASCII only: JSON's escapes, and YAML's
    `\\UXXXXXXXX` beyond the Basic Multilingual Plane (JSON would write a surrogate pair, which YAML
    reads as two broken characters). No character can end the string, the line or the block."""
    return _NOT_PRINTABLE_ASCII.sub(_yaml_escape, json.dumps(value, ensure_ascii=False))


def front_matter(*, search_exclude: bool = False, search_boost: float | None = None, **fields: str) -> str:
    """YAML front matter that cannot break: every value one ASCII-escaped line. Values are HTML-escaped
    too: Material writes `title` into <title> and `description` into a <meta content="..."> attribute
    without escaping them. `search_exclude` keeps the page out of the site search (both publishers read
    `search: {exclude: true}`), for pages that repeat what other pages say; `search_boost` below 1 ranks
    the page's entries below others that match as well (`search: {boost: ...}`). Raises FrontMatterError
    unless the block reads back as exactly these values."""
    values: dict[str, object] = {key: html.escape(" ".join(value.split()), quote=True) for key, value in fields.items()}
    block = "".join(f"{key}: {yaml_string(str(value))}\n" for key, value in values.items())
    if search_exclude:
        block += "search:\n  exclude: true\n"
        values["search"] = {"exclude": True}
    elif search_boost is not None:
        block += f"search:\n  boost: {search_boost!r}\n"
        values["search"] = {"boost": search_boost}
    check_front_matter(block, values)
    return f"---\n{block}---\n\n"


def check_front_matter(block: str, expected: dict[str, object]) -> None:
    """Parse `block` as MkDocs will (YAML, safe loader) and compare with what was meant."""
    try:
        parsed = yaml.load(block, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise FrontMatterError(f"front matter does not parse: {error}") from None
    if parsed != expected:
        raise FrontMatterError(f"front matter reads back as {parsed!r}, not {expected!r}")


def quote_anchor(quote_text: str) -> str:
    """A stable anchor for a quote on its source page: same words, same anchor."""
    return "q-" + hashlib.sha256(normalize(quote_text).encode()).hexdigest()[:10]


def fact_anchor(fact_id: str) -> str:
    return f"fact-{fact_id}"


def html_text(value: str) -> str:
    """Literal text inside raw HTML (a chart, a heading written as HTML): one line, HTML-escaped. Markdown
    never reads inside a raw HTML block, so nothing else can become syntax."""
    return html.escape(" ".join(value.split()), quote=True)


RAW_HTML = "<!-- briefings: html -->"  # alone on a line: the block below it, to the next blank line, is raw HTML
_BLOCK_START = re.compile(r"<(div|p|ol|ul|table|h[1-6]|blockquote|section|details|form|script)[ >]")


def html_block(*elements: str) -> str:
    """Whole block-level HTML elements as one raw HTML block that Markdown stores without reading (see
    `markdown_ext.RawHtmlBlocks`): for the parts of a page where Markdown adds nothing. Links in it are
    written as the publisher will serve them (`Site.page_url`); text in it is `text` or `html_text`. Each
    element starts a line of its own, where Python-Markdown's parser would see it as a block too (the tests
    convert every generated page both ways)."""
    block = "\n".join(element for element in elements if element)
    if not block:
        return ""
    if _BLOCK_START.match(block) is None or "\n\n" in block:
        raise ValueError(f"not a raw HTML block of whole elements: {block[:80]!r}")
    return f"{RAW_HTML}\n{block}"


def latin1(page: str) -> str:
    """A page in Latin-1 characters only: any other (curly quotes, dashes, arrows, other scripts) as a numeric
    character reference, which HTML and Markdown readers turn back into the character. Python holds a text in one
    byte per character instead of two (or four) that way: one curly quote doubles a page's memory, and a build at
    100,000 facts holds every page at once (0.4 GB of briefing pages). Nothing in a page is outside HTML's reach:
    its front matter is ASCII, its JSON-LD escapes as JSON does."""
    return page if page.isascii() else page.encode("latin-1", "xmlcharrefreplace").decode("latin-1")


def plural(count: int, singular: str, plural_form: str = "") -> str:
    """'1 fact', '2 facts', '0 facts'."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table whose cells are already Markdown (escape text cells with `text`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)

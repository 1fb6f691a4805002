"""Archiving: fetch an article, extract its text with trafilatura, store it by content.

The snapshot store is a directory of plain-text files; a file's SHA-256 is its
identity, its name only a convenience.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from build_tools.dates import DateError, PartialDate
from build_tools.snapshots import sha256_file

USER_AGENT = "sourced-briefings-archiver/1"
TIMEOUT_S = 30
MAX_BYTES = 10 * 1024 * 1024


class ArchiveError(Exception):
    """The page could not be fetched or yielded no article text."""


@dataclass(frozen=True)
class Stored:
    sha256: str
    path: Path
    added: bool  # False when identical content was already in the store


@dataclass(frozen=True)
class Article:
    text: str
    title: str | None
    outlet: str | None
    author: str | None
    published: str | None


def store_file(path: Path, store: Path) -> Stored:
    """Put a file in the store unless identical bytes are already there (under any name)."""
    sha = sha256_file(path)
    store.mkdir(parents=True, exist_ok=True)
    for existing in sorted(store.iterdir()):
        if existing.is_file() and existing.stat().st_size == path.stat().st_size and sha256_file(existing) == sha:
            return Stored(sha, existing, added=False)
    target = store / path.name
    if target.exists():
        target = store / f"{path.stem}-{sha[:12]}{path.suffix}"
    shutil.copyfile(path, target)
    return Stored(sha, target, added=True)


def store_text(text: str, name: str, store: Path) -> Stored:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        return store_file(path, store)


def snapshot_block(stored: Stored, retrieved: dt.date | None = None) -> str:
    lines = ["snapshot:", f"  sha256: {stored.sha256}", f"  file: {stored.path.name}"]
    if retrieved:
        lines.append(f"  retrieved: {retrieved.isoformat()}")
    return "\n".join(lines)


def source_yaml(article: Article, url: str, stored: Stored, today: dt.date) -> str:
    """A new source file from what the page says about itself; the editor checks it."""
    published = article.published if article.published and _is_date(article.published) else "unknown"
    lines = [
        "# yaml-language-server: $schema=../schemas/source.schema.json",
        f"title: {json.dumps(article.title or 'unknown', ensure_ascii=False)}",
        f"outlet: {json.dumps(article.outlet or 'unknown', ensure_ascii=False)}",
    ]
    if article.author:
        lines.append(f"author: {json.dumps(article.author, ensure_ascii=False)}")
    lines += [f"published: {published}", f"url: {url}", snapshot_block(stored, today),
              f"notes: Archived with `briefings archive` on {today.isoformat()}; check the metadata against "
              "the page."]
    return "\n".join(lines) + "\n"


def _is_date(text: str) -> bool:
    try:
        PartialDate.parse(text)
    except DateError:
        return False
    return True


def fetch(url: str) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            data: bytes = response.read(MAX_BYTES + 1)
            charset = response.headers.get_content_charset() or "utf-8"
    except OSError as error:
        raise ArchiveError(f"could not fetch {url}: {error}") from None
    if len(data) > MAX_BYTES:
        raise ArchiveError(f"{url} is larger than {MAX_BYTES:,} bytes")
    return data.decode(charset, "replace")


def extract(html: str, url: str) -> Article:
    try:
        import trafilatura
    except ImportError:
        raise ArchiveError("archiving needs trafilatura: pip install 'sourced-briefings[archive]'") from None
    text = trafilatura.extract(html, url=url, output_format="txt", include_comments=False, favor_precision=True)
    if not text:
        raise ArchiveError(f"no article text found at {url}")
    meta = trafilatura.extract_metadata(html, default_url=url)
    return Article(
        text=text.rstrip("\n") + "\n",
        title=getattr(meta, "title", None),
        outlet=getattr(meta, "sitename", None),
        author=getattr(meta, "author", None),
        published=getattr(meta, "date", None),
    )

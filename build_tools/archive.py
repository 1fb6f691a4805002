"""Archiving: fetch an article, extract its text with trafilatura, store it by content.

The snapshot store is a directory of plain-text files; a file's SHA-256 is its
identity, its name only a convenience.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import http.client
import json
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from build_tools.characters import escape_controls, refused
from build_tools.safe_files import create_new
from build_tools.schema import date_problem, url_problem
from build_tools.snapshots import SnapshotStore

USER_AGENT = "sourced-briefings-archiver/1"
DEADLINE_S = 60  # for the whole fetch: connecting, redirects, headers and body
MAX_BYTES = 10 * 1024 * 1024
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_METADATA = 200


class ArchiveError(Exception):
    """The page could not be fetched or yielded no article text. `status` is the HTTP status code when
    the server answered with an error (404, 410, 500, ...), else None."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


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
    """Put a plain-text file in the store unless identical bytes are already there (under any name);
    ArchiveError for a file that is not UTF-8 plain text (HTML, a PDF, another encoding)."""
    data = path.read_bytes()
    problem = plain_text_problem(data)
    if problem is not None:
        raise ArchiveError(f"{path.name} {problem}")
    return store_bytes(data, path.name, store)


_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|div|p|span|script|article|meta)\b", re.IGNORECASE)
_TO_TEXT = ("extract the article's text with `briefings archive ID --url URL`, or `briefings snapshot import` "
            "for a WARC or WACZ capture")


def plain_text_problem(data: bytes) -> str | None:
    """Why `data` cannot be a snapshot (the article's plain text, UTF-8), or None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return (f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); a snapshot is the "
                "article's plain text in UTF-8: convert it (iconv -f latin1 -t utf-8 FILE, say) or " + _TO_TEXT)
    if "\0" in text:
        return "holds NUL bytes: it is not plain text (a PDF or a word-processor file?); " + _TO_TEXT
    if len(_HTML.findall(data[:200_000])) >= 2:
        return "is HTML, not the article's plain text; " + _TO_TEXT
    if not text.strip():
        return "is empty; a snapshot is the article's plain text"
    return None


def store_text(text: str, name: str, store: Path) -> Stored:
    return store_bytes(text.encode("utf-8"), name, store)


def store_bytes(data: bytes, name: str, store: Path) -> Stored:
    """Put `data` in the store as `name` (or `<stem>-<hash>` when that name is taken), unless identical
    bytes are already there. A new file is created whole, never through a symlink in the store."""
    sha = hashlib.sha256(data).hexdigest()
    existing = SnapshotStore(store).index().get(sha) if store.is_dir() else None
    if existing is not None:
        return Stored(sha, existing, added=False)
    target = store / name
    for candidate in (target, store / f"{target.stem}-{sha[:12]}{target.suffix}"):
        try:
            create_new(candidate, data)
        except FileExistsError:
            continue
        return Stored(sha, candidate, added=True)
    raise ArchiveError(f"{target} and {candidate.name} already exist in {store} with other content; "
                       "rename one of them")


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
    return date_problem(text) is None


@dataclass(frozen=True)
class Page:
    """What a server sent for a URL, after redirects."""

    url: str  # the address the page came from, after redirects
    status: int
    content_type: str
    text: str


def fetch(url: str, deadline_s: float = DEADLINE_S, max_bytes: int = MAX_BYTES) -> Page:
    """GET an http(s) page as text, or ArchiveError saying what went wrong (never anything else).

    One deadline covers everything (connecting, redirects, headers, body), however slowly the
    server trickles bytes; redirects are followed only to http(s) addresses, at most five; the
    body is bounded (compressed or not) and must be text in a character set Python knows.
    """
    watchdog = _Watchdog(deadline_s)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"})
    try:
        with watchdog, _opener(watchdog).open(request, timeout=deadline_s) as response:
            data = _read_body(response, max_bytes)
            if watchdog.expired:
                raise TimeoutError
            return _page(response, data, max_bytes)
    except ArchiveError:
        raise
    except (OSError, http.client.HTTPException, ValueError, EOFError, zlib.error) as error:
        if watchdog.expired or isinstance(error, TimeoutError):
            raise ArchiveError(f"gave up on {url} after {deadline_s:g} s: the server is too slow") from None
        status = error.code if isinstance(error, urllib.error.HTTPError) else None
        raise ArchiveError(f"could not fetch {url}: {_reason(error)}", status) from None


def _page(response: http.client.HTTPResponse, data: bytes, max_bytes: int) -> Page:
    final = response.geturl()
    content_type = response.headers.get_content_type()
    if content_type not in TEXT_TYPES:
        raise ArchiveError(f"{final} is {content_type}, not a web page; archive the article's HTML page")
    data = _decompress(response.headers.get("Content-Encoding", "identity"), data, max_bytes, final)
    charset = response.headers.get_content_charset() or "utf-8"
    try:
        text = data.decode(charset, "replace")
    except LookupError:
        raise ArchiveError(f"{final} declares the character set '{charset}', which is unknown; save the "
                           "page as UTF-8 and use `briefings snapshot add`") from None
    return Page(final, response.status, content_type, text)


def _read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(65536):  # returns as soon as bytes arrive: the watchdog can interrupt it
        size += len(chunk)
        if size > max_bytes:
            raise ArchiveError(f"{response.geturl()} is larger than {max_bytes:,} bytes")
        chunks.append(chunk)
    if response.length:  # read1 does not check that the announced length arrived
        raise http.client.IncompleteRead(b"".join(chunks), response.length)
    return b"".join(chunks)


def _decompress(encoding: str, data: bytes, max_bytes: int, url: str) -> bytes:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return data
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise ArchiveError(f"{url} was sent with the '{encoding}' encoding, which was not asked for")
    inflater = zlib.decompressobj(wbits=47 if "gzip" in encoding else 15)  # 47: gzip or zlib header
    out = inflater.decompress(data, max_bytes + 1)
    if len(out) > max_bytes:
        raise ArchiveError(f"{url} is larger than {max_bytes:,} bytes once decompressed")
    return out


def _reason(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        if str(error.reason).startswith(urllib.request.HTTPRedirectHandler.inf_msg):
            return f"more than {_Redirects.max_redirections} redirects, or a redirect loop"
        return f"HTTP {error.code} {_shown(str(error.reason))[1:-1]}"
    if isinstance(error, urllib.error.URLError):
        return _shown(str(error.reason))[1:-1]
    if isinstance(error, http.client.IncompleteRead):
        return f"the connection closed after {len(error.partial):,} bytes of the page"
    if isinstance(error, http.client.HTTPException):
        return f"the server's response is not valid HTTP ({type(error).__name__}: {_shown(str(error))})"
    return _shown(str(error) or type(error).__name__)[1:-1]


class _Watchdog:
    """One deadline for a whole fetch: when it passes, every socket the fetch opened is shut down,
    which ends any read, however the server trickles its bytes."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def http_error_302(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                       headers: Any) -> Any:
        location = headers.get("location") or headers.get("uri") or ""
        scheme = urllib.parse.urlsplit(location).scheme.lower()
        if scheme not in ("", "http", "https"):
            raise ArchiveError(f"{req.full_url} redirects to {_shown(location)}, which is not an http(s) "
                               "address; refused")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        problem = url_problem(newurl)
        if problem is not None:
            raise ArchiveError(f"{req.full_url} redirects to {_shown(newurl)}, which is refused: {problem}")
        fp.close()  # the redirect's own body is never read: it may be endless
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _shown(text: str) -> str:
    """Server-sent text for a message: one line, control characters escaped, at most 100 characters."""
    line = escape_controls(" ".join(text.split()))
    return f"'{line if len(line) <= 100 else line[:99] + '…'}'"


def _opener(watchdog: _Watchdog) -> urllib.request.OpenerDirector:
    """http and https only (no ftp, file or data handlers), every connection watched."""

    class Connection(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)

    class SecureConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(SecureConnection, req)

    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.UnknownHandler(), Handler(), SecureHandler(),
                    urllib.request.HTTPDefaultErrorHandler(), _Redirects(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def extract(html: str, url: str) -> Article:
    try:
        import trafilatura
    except ImportError:
        raise ArchiveError("archiving needs trafilatura: pip install 'sourced-briefings[archive]'") from None
    try:
        text = trafilatura.extract(html, url=url, output_format="txt", include_comments=False,
                                   favor_precision=True)
        meta = trafilatura.extract_metadata(html, default_url=url) if text else None
    except Exception as error:  # a page that breaks the HTML parser is the server's fault, not ours
        raise ArchiveError(f"could not extract an article from {url}: {type(error).__name__}: {error}") from None
    if not text:
        raise ArchiveError(f"no article text found at {url}")
    return Article(
        text=text.rstrip("\n") + "\n",
        title=_metadata(getattr(meta, "title", None)),
        outlet=_metadata(getattr(meta, "sitename", None)),
        author=_metadata(getattr(meta, "author", None)),
        published=_metadata(getattr(meta, "date", None)),
    )


def _metadata(value: object) -> str | None:
    """A page's own metadata, made fit for a one-line field (the editor checks it): characters a
    text field refuses dropped, whitespace collapsed, at most MAX_METADATA characters."""
    if not isinstance(value, str):
        return None
    cleaned = " ".join("".join(char for char in value if not refused(char)).split())
    return cleaned[:MAX_METADATA] or None

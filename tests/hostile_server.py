"""A web server that misbehaves on purpose, one way per path, for `briefings archive` (127.0.0.1 only).

Each path scripts the exact bytes sent, so slow, endless, malformed and misleading responses can be
tried: `start()` returns the base URL and a function that stops the server.
"""

from __future__ import annotations

import gzip
import socketserver
import threading
import time
from collections.abc import Callable

ARTICLE = (b"<!doctype html><html><head><title>Council closes market</title></head><body><article>"
           b"<h1>Council closes market</h1><p>The town council voted on Tuesday to close the old market, a "
           b"spokesman for the mayor said.</p><p>Traders said they had not been consulted and would appeal the "
           b"decision before the end of the month.</p></article></body></html>")
TRICKLE_S = 0.2  # one byte this often: each read succeeds, the page never ends
TRICKLE_LIMIT_S = 20  # the server gives up on its own after this long


def _head(status: str, *headers: str) -> bytes:
    return ("HTTP/1.1 " + status + "\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n").encode("latin-1")


def _html(body: bytes, content_type: str = "text/html; charset=utf-8", *extra: str) -> bytes:
    return _head("200 OK", f"Content-Type: {content_type}", f"Content-Length: {len(body)}", "Connection: close",
                 *extra) + body


def _redirect(location: str) -> bytes:
    return _head("302 Found", f"Location: {location}", "Content-Length: 0", "Connection: close")


BOMB = gzip.compress(b"\0" * (40 * 1024 * 1024), compresslevel=9)

# Path → the bytes to send, or a function that writes to the socket itself.
Script = bytes | Callable[[Callable[[bytes], None]], None]


def _trickle(prefix: bytes) -> Callable[[Callable[[bytes], None]], None]:
    def send(write: Callable[[bytes], None]) -> None:
        write(prefix)
        started = time.monotonic()
        while time.monotonic() - started < TRICKLE_LIMIT_S:
            write(b"x")
            time.sleep(TRICKLE_S)
    return send


def _huge(write: Callable[[bytes], None]) -> None:
    write(_head("200 OK", "Content-Type: text/html", "Connection: close"))
    for _ in range(20 * 16):
        write(b"<p>" + b"a" * 65536)


SCRIPTS: dict[str, Script] = {
    "/article": _html(ARTICLE),
    "/trickle-body": _trickle(_head("200 OK", "Content-Type: text/html", "Content-Length: 100000")),
    "/trickle-headers": _trickle(b"HTTP/1.1 200 OK\r\nX-Slow: "),
    "/redirect-ftp": _redirect("ftp://127.0.0.1/article.html"),
    "/redirect-file": _redirect("file:///etc/passwd"),
    "/redirect-credentials": _redirect("http://user:secret@127.0.0.1/article"),
    "/redirect-loop": _redirect("/redirect-loop"),
    "/redirect-to-article": _redirect("/article"),
    "/unknown-charset": _html(ARTICLE, "text/html; charset=x-no-such-charset"),
    "/binary-charset": _html(ARTICLE, "text/html; charset=rot13"),
    "/pdf": _html(b"%PDF-1.4", "application/pdf"),
    "/huge": _huge,
    "/gzip-bomb": _html(BOMB, "text/html", "Content-Encoding: gzip"),
    "/brotli": _html(ARTICLE, "text/html", "Content-Encoding: br"),
    "/cut-short": _head("200 OK", "Content-Type: text/html", "Content-Length: 5000") + ARTICLE[:40],
    "/not-http": b"hello, this is not HTTP\r\n\r\n",
    "/no-article": _html(b"<html><head><title>Empty</title></head><body><script>var a;</script></body></html>"),
    "/escape-in-reason": b"HTTP/1.1 500 \x1b[2J\x1b[31mBroken\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
}


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        request_line = self.rfile.readline(65536).decode("latin-1")
        while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
            pass
        parts = request_line.split()
        script = SCRIPTS.get(parts[1] if len(parts) > 1 else "", _head("404 Not Found", "Content-Length: 0"))
        try:
            if isinstance(script, bytes):
                self.wfile.write(script)
            else:
                script(self.wfile.write)
        except OSError:
            pass  # the client gave up, as it should


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def start() -> tuple[str, Callable[[], None]]:
    server = _Server(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}", stop

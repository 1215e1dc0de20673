"""Shared fixtures: ``http_site``, a real HTTP server on 127.0.0.1 serving the test sites;
``dask_cluster``, a real Dask scheduler and two workers (see ``dask_cluster.py``).

The server is :class:`http.server.ThreadingHTTPServer` in a thread, speaking HTTP/1.1. It
serves ``tests/sites/`` (news-like pages with figures, lazy images, ``picture``/``srcset``, a
stylesheet with background images), generates a small distinct PNG for any ``.png`` under
``/news/``, and misbehaves on purpose under the routes listed in :data:`ROUTES_HELP`. Every
byte it writes for a request is logged, so tests can compare what was served with what was
recorded. No test reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import struct
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

SITES = Path(__file__).resolve().parent / "sites"

ROUTES_HELP = """
/news/...              the files of tests/sites/news; any *.png a generated image, except:
  images/missing.png     404;  images/broken-500.png  500
  images/moved.png       301 to images/moved-target.png
  images/logo-copy.png   the same bytes as images/logo.png (a duplicate payload)
/robots.txt            disallows /private/ for every agent
/private/article.html  the news article (for robots tests)
/redirect/chain        301 -> 302 -> 307 -> /news/article.html
/redirect/loop-a       a redirect loop (loop-a <-> loop-b)
/redirect/ftp          a redirect to an ftp: URL
/redirect/many/N       redirects to N+1, for ever
/gzip/news/...         as /news/..., gzip Content-Encoding
/chunked/news/...      as /news/..., chunked Transfer-Encoding (odd chunk sizes)
/chunked-gzip/news/... both
/odd-headers/page      a head with unusual spacing, case and a Latin-1 byte
/no-type/page          HTML without a Content-Type
/flaky/page?key=K&fail=N   503 for the first N requests with key K, then the article
/bad/404 /bad/500 /bad/not-html /bad/trickle /bad/trickle.png /bad/trickle-head
/bad/endless /bad/endless-chunked /bad/short /bad/reset /bad/reset.png
/bad/bad-chunked /bad/bad-gzip
"""

_SLOW_LIMIT = 20.0  # seconds any slow or endless route gives up after, client or not


def png(seed: str, width: int = 4, height: int = 3) -> bytes:
    """A small valid PNG whose colour depends on ``seed`` (distinct seeds, distinct bytes)."""
    rgb = hashlib.sha256(seed.encode()).digest()[:3]
    rows = b"".join(b"\x00" + rgb * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data)
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


class ServedLog:
    """What the server wrote, per request path (with query), in request order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._served: dict[str, list[bytes]] = defaultdict(list)
        self._counters: dict[str, int] = defaultdict(int)

    def start(self, path: str) -> bytearray:
        """A new, empty entry for a request of ``path``, filled as the response is written."""
        entry = bytearray()
        with self._lock:
            self._served[path].append(entry)
        return entry

    def get(self, path: str) -> list[bytes]:
        with self._lock:
            return [bytes(entry) for entry in self._served.get(path, [])]

    def count(self, key: str) -> int:
        """Count one more hit for ``key``; return the count so far (1 for the first)."""
        with self._lock:
            self._counters[key] += 1
            return self._counters[key]


class HttpSite:
    """The running test server: where it is and what it served."""

    def __init__(self, host: str, port: int, log: ServedLog) -> None:
        self.host = host
        self.port = port
        self.log = log

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (``"/news/article.html"``) on this server."""
        return self.base + (path if path.startswith("/") else "/" + path)

    def served(self, path: str) -> list[bytes]:
        """Every response written for ``path`` (path and query, as requested), head and body."""
        return self.log.get(path)

    def file(self, relative: str) -> bytes:
        """The bytes of a file of the test sites (``"news/article.html"``)."""
        return (SITES / relative).read_bytes()


class _TeeWriter:
    """The handler's socket writer, logging every byte before it goes out."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.copy = bytearray()

    def write(self, data: bytes) -> int:
        self.copy += data
        return self._inner.write(data)

    def flush(self) -> None:
        self._inner.flush()

    def close(self) -> None:
        self._inner.close()

    @property
    def closed(self) -> bool:
        return self._inner.closed


class SiteHandler(BaseHTTPRequestHandler):
    """Serves the test sites and the misbehaving routes (see :data:`ROUTES_HELP`)."""

    protocol_version = "HTTP/1.1"
    server_version = "TestSite/1.0"
    server: _SiteServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the served log instead."""

    def setup(self) -> None:
        super().setup()
        self.tee = _TeeWriter(self.wfile)
        self.wfile = self.tee  # type: ignore[assignment]

    def do_GET(self) -> None:
        self.tee.copy = self.server.log.start(self.path)
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # --- routing ---

    def _route(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        for prefix, handler in self._prefixes():
            if path.startswith(prefix):
                handler(path[len(prefix) - 1:] if prefix.endswith("/") else path, parts.query)
                return
        self._send(404, b"<html><body>Not found</body></html>", "text/html")

    def _prefixes(self) -> list[tuple[str, Callable[[str, str], None]]]:
        return [
            ("/robots.txt", lambda p, q: self._send(200, b"User-agent: *\nDisallow: /private/\n",
                                                    "text/plain")),
            ("/private/", lambda p, q: self._news("/article.html", "identity")),
            ("/news/", lambda p, q: self._news(p, "identity")),
            ("/gzip/news/", lambda p, q: self._news(p, "gzip")),
            ("/chunked/news/", lambda p, q: self._news(p, "chunked")),
            ("/chunked-gzip/news/", lambda p, q: self._news(p, "chunked-gzip")),
            ("/redirect/", self._redirect),
            ("/odd-headers/", lambda p, q: self._odd_headers()),
            ("/no-type/", lambda p, q: self._send(200, SITES.joinpath("news/base.html")
                                                  .read_bytes(), None)),
            ("/flaky/", self._flaky),
            ("/bad/", self._bad),
        ]

    # --- well-behaved content ---

    def _news(self, path: str, mode: str) -> None:
        """A file or image of the news site, sent plainly, gzipped and/or chunked."""
        found = self._news_content(path)
        if found is None:
            return
        status, body, media_type, extra = found
        if mode in ("gzip", "chunked-gzip"):
            body = gzip.compress(body, mtime=0)
            extra = {**extra, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        if mode.startswith("chunked"):
            self._send_chunked(status, body, media_type, extra)
        else:
            self._send(status, body, media_type, extra)

    def _news_content(self, path: str) -> tuple[int, bytes, str, dict[str, str]] | None:
        name = path.rsplit("/", 1)[-1]
        if name == "missing.png":
            return 404, b"<html><body>No such image</body></html>", "text/html", {}
        if name == "broken-500.png":
            return 500, b"<html><body>Image server error</body></html>", "text/html", {}
        if name == "moved.png":
            target = "/news" + path.replace("moved.png", "moved-target.png")
            self._send(301, b"", None, {"Location": target})
            return None
        if name.endswith(".png"):
            seed = "logo" if name in ("logo.png", "logo-copy.png") else path
            return 200, png(seed), "image/png", {}
        if name.endswith(".woff2"):
            return 200, b"wOF2" + hashlib.sha256(name.encode()).digest(), "font/woff2", {}
        file = (SITES / "news" / path.lstrip("/")).resolve()
        if not file.is_relative_to(SITES) or not file.is_file():
            return 404, b"<html><body>Not found</body></html>", "text/html", {}
        media = {".html": "text/html; charset=utf-8", ".css": "text/css",
                 ".js": "text/javascript", ".json": "application/json"}.get(file.suffix,
                                                                             "text/plain")
        return 200, file.read_bytes(), media, {}

    def _redirect(self, path: str, query: str) -> None:
        article = f"http://{self.headers['Host']}/news/article.html"
        targets = {
            "/chain": (301, "/redirect/chain2"),
            "/chain2": (302, f"http://{self.headers['Host']}/redirect/chain3"),
            "/chain3": (307, article),
            "/loop-a": (302, "/redirect/loop-b"),
            "/loop-b": (302, "loop-a"),
            "/ftp": (301, "ftp://127.0.0.1/pub/article.html"),
        }
        if path.startswith("/many/"):
            step = int(path.rsplit("/", 1)[-1])
            targets[path] = (302, f"/redirect/many/{step + 1}")
        status, location = targets.get(path, (404, ""))
        body = b"<html><body>Moved</body></html>"
        self._send(status, body, "text/html", {"Location": location} if location else {})

    def _odd_headers(self) -> None:
        body = SITES.joinpath("news/base.html").read_bytes()
        head = (
            b"HTTP/1.1 200 Fine Thanks\r\n"
            b"content-type:text/html;charset=utf-8\r\n"
            b"X-Spaced:    lots of   space   \r\n"
            b"X-Latin-1: caf\xe9\r\n"
            b"x-lower-case: yes\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n"
            b"Connection: close\r\n"
            b"\r\n"
        )
        self.wfile.write(head + body)
        self.close_connection = True

    def _flaky(self, path: str, query: str) -> None:
        params = parse_qs(query)
        failures = int(params.get("fail", ["1"])[0])
        hit = self.server.log.count(f"flaky:{params.get('key', [''])[0]}")
        if hit <= failures:
            self._send(503, b"<html><body>Try again</body></html>", "text/html",
                       {"Retry-After": "0"})
        else:
            self._news("/article.html", "identity")

    # --- misbehaviour ---

    def _bad(self, path: str, query: str) -> None:
        html = b"<!DOCTYPE html><html><body><p>Text</p></body></html>"
        if path == "/404":
            self._send(404, b"<html><body>Not found</body></html>", "text/html")
        elif path == "/500":
            self._send(500, b"<html><body>Server error</body></html>", "text/html")
        elif path == "/not-html":
            pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
            self._send(200, pdf, "application/pdf")
        elif path in ("/trickle", "/trickle.png"):
            self._send_head(200, "text/html", {"Content-Length": "100000"})
            self._slowly(b"x" * 100000, 0.05)
        elif path == "/trickle-head":
            self._slowly(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Pad: y\r\n" * 500,
                         0.01)
        elif path == "/endless":
            self._send_head(200, "text/html", {"Connection": "close"})
            self._endless(lambda block: block)
        elif path == "/endless-chunked":
            self._send_head(200, "text/html", {"Transfer-Encoding": "chunked"})
            self._endless(lambda block: b"%x\r\n%s\r\n" % (len(block), block))
        elif path == "/short":
            self._send_head(200, "text/html", {"Content-Length": str(len(html) + 500)})
            self.wfile.write(html)
            self.close_connection = True
        elif path in ("/reset", "/reset.png"):
            self._send_head(200, "text/html", {"Content-Length": "100000"})
            self.wfile.write(html)
            self._reset()
        elif path == "/bad-chunked":
            self._send_head(200, "text/html", {"Transfer-Encoding": "chunked"})
            self.wfile.write(b"10\r\n<!DOCTYPE html>\r\nzz-not-hex\r\n<p>x</p>\r\n0\r\n\r\n")
        elif path == "/bad-gzip":
            self._send(200, b"\x1f\x8b\x08\x00this is not gzip at all", "text/html",
                       {"Content-Encoding": "gzip"})
        else:
            self._send(404, b"<html><body>Not found</body></html>", "text/html")

    def _slowly(self, data: bytes, interval: float) -> None:
        deadline = time.monotonic() + _SLOW_LIMIT
        for byte in data:
            if time.monotonic() > deadline:
                break
            self.wfile.write(bytes([byte]))
            time.sleep(interval)
        self.close_connection = True

    def _endless(self, frame: Callable[[bytes], bytes]) -> None:
        block = b"<p>" + b"endless " * 8000 + b"</p>\n"
        deadline = time.monotonic() + _SLOW_LIMIT
        while time.monotonic() < deadline:
            self.wfile.write(frame(block))
        self.close_connection = True

    def _reset(self) -> None:
        """Abort the connection with a TCP reset (SO_LINGER 0, then close)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.wfile.flush()
        self.rfile.close()
        self.wfile.close()
        self.connection.close()
        self.close_connection = True

    # --- sending ---

    def _send_head(self, status: int, media_type: str | None, headers: dict[str, str]) -> None:
        self.send_response(status)
        if media_type:
            self.send_header("Content-Type", media_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: int, body: bytes, media_type: str | None,
              headers: dict[str, str] | None = None) -> None:
        self._send_head(status, media_type, {**(headers or {}), "Content-Length": str(len(body))})
        self.wfile.write(body)

    def _send_chunked(self, status: int, body: bytes, media_type: str,
                      headers: dict[str, str]) -> None:
        self._send_head(status, media_type, {**headers, "Transfer-Encoding": "chunked"})
        sizes = [7, 1, 300, 4096]
        position, turn = 0, 0
        while position < len(body):
            piece = body[position:position + sizes[turn % len(sizes)]]
            self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(piece), piece))
            position, turn = position + len(piece), turn + 1
        self.wfile.write(b"0\r\nX-Trailer: done\r\n\r\n")


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops concurrent connects (1 s SYN retry)

    def __init__(self, log: ServedLog) -> None:
        super().__init__(("127.0.0.1", 0), SiteHandler)
        self.log = log

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up on slow and endless routes is the point: stay quiet."""


@pytest.fixture(scope="session")
def http_site() -> Iterator[HttpSite]:
    """A real HTTP/1.1 server on 127.0.0.1 (a free port) serving the test sites.

    Yields an :class:`HttpSite`: ``http_site.url("/news/article.html")`` is the news
    article; ``http_site.served(path)`` lists the exact bytes written for each request of
    ``path``. The misbehaving routes (redirect loops, trickles, endless bodies, resets, ...)
    are listed in ``ROUTES_HELP`` in this file. Shared by the whole session: tests that count
    requests use their own query key.
    """
    log = ServedLog()
    server = _SiteServer(log)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="http-site", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield HttpSite(str(host), int(port), log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Dask scheduler and two workers on 127.0.0.1, shared by every test of the session
    that leaves them running (a test that kills a worker starts its own)."""
    from dask_cluster import start_cluster

    yield from start_cluster(tmp_path_factory.mktemp("dask"))

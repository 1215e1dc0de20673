"""A hostile web site on 127.0.0.1 for the capture policy tests (addresses, limits, robots).

``HostileSite`` runs a real HTTP/1.1 server in a thread; pages are made from the query string
so that each test states what its page names:

/page?img=URL&img=URL&css=URL   a news article showing those images (``css``: a ``<style>``
                                with ``url(URL)``; ``script``: a ``<script src=URL>``;
                                ``fetch``: a script calling ``fetch(URL)``, for browsers);
                                relative URLs resolve on this server
/img/NAME.png                   a small PNG (its bytes differ with NAME)
/big/NAME.png                   a 100,000-byte PNG (its bytes differ with NAME)
/trickle/NAME.png               a PNG that promises 100,000 bytes and sends one every 0.1 s
/redirect?to=URL                302 to URL
/gzip-tags?mb=N                 the article followed by N MiB of sibling ``<i>a</i>`` tags,
                                gzip-encoded (a few hundred KB on the wire)
/attribute-bomb                 a page whose first element has 5,000 attributes
/robots.txt                     User-agent: * / Disallow: /longest/ / Allow: /longest/article.html
/longest/NAME.html              the article (for robots.txt tests)

Every request is logged with its path, Host and headers (``site.requests``), so tests can
assert what was never asked for.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TEXT = (
    "<p>MOSUL, Iraq (Reuters) - Iraqi forces pushed into the city on Saturday, officials "
    "said.</p><p>Fighting continued in the eastern districts for a third week, aid agencies "
    "said.</p>"
)
ROBOTS = b"User-agent: *\nDisallow: /longest/\nAllow: /longest/article.html\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 56
SLOW_LIMIT = 20.0  # seconds a trickle gives up after, whether the client left or not


def article(extra: str = "", title: str = "Test article") -> bytes:
    """A small news article with ``extra`` markup after its text."""
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>"
        "<meta name='date' content='2016-11-19'></head>"
        f"<body><article><h1>{title}</h1>{TEXT}{extra}</article></body></html>"
    ).encode()


def _js_string(text: str) -> str:
    """``text`` as a JavaScript string literal that cannot end a ``<script>`` element."""
    return json.dumps(text).replace("<", "\\u003c")


def gzip_tags_body(mebibytes: int) -> bytes:
    """The body /gzip-tags serves: the article, then ``mebibytes`` MiB of ``<i>a</i>``, gzip."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    page = article()
    parts = [packer.compress(page[: -len("</article></body></html>")])]
    for _ in range(mebibytes):
        parts.append(packer.compress(b"<i>a</i>" * (1 << 17)))
    parts += [packer.compress(b"</article></body></html>"), packer.flush()]
    return b"".join(parts)


@dataclass(frozen=True)
class Request:
    """One request the site received."""

    path: str
    host: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``site.requests``."""

    def do_GET(self) -> None:
        self.server.log(Request(self.path, self.headers.get("Host", ""), dict(self.headers)))
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        path = parts.path
        try:
            if path == "/page":
                self._page(query)
            elif path.startswith("/css/"):  # a stylesheet in the charset ?charset= names
                charset = query.get("charset", ["utf-8"])[0]
                self._send(b"body { background: url(/img/from-css.png) }",
                           f"text/css; charset={charset}")
            elif path.startswith("/img/"):
                self._send(PNG + path.encode(), "image/png")
            elif path.startswith("/big/"):  # distinct bytes for each name: no revisits
                body = PNG + path.encode() * (100_000 // len(path) + 1)
                self._send(body[:100_000], "image/png")
            elif path.startswith("/trickle/"):
                self._trickle()
            elif path == "/redirect":
                self._send(b"moved", "text/plain", 302, {"Location": query["to"][0]})
            elif path == "/gzip-tags":
                self._gzip_tags(int(query["mb"][0]))
            elif path == "/attribute-bomb":
                names = " ".join(f"a{n}" for n in range(5000))
                self._send(f"<!DOCTYPE html><html {names}>".encode() + article(), "text/html")
            elif path == "/robots.txt":
                self._send(ROBOTS, "text/plain")
            elif path.startswith("/longest/"):
                self._send(article(), "text/html")
            else:
                self._send(b"not found", "text/plain", 404)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _page(self, query: dict[str, list[str]]) -> None:
        images = "".join(f'<img src="{escape(url)}">' for url in query.get("img", []))
        style = "".join(
            f"<style>.x{n} {{ background: url({escape(url)}) }}</style>"
            for n, url in enumerate(query.get("css", []))
        )
        links = "".join(f'<link rel="stylesheet" href="{escape(url)}">'
                        for url in query.get("link", []))
        scripts = "".join(f'<script src="{escape(url)}"></script>'
                          for url in query.get("script", []))
        fetches = "".join(f"<script>fetch({_js_string(url)}).catch(() => 0)</script>"
                          for url in query.get("fetch", []))
        charset = query.get("charset", ["utf-8"])[0]  # what the page's Content-Type declares
        page = article(links + style + images + scripts + fetches)
        self._send(page, f"text/html; charset={charset}")

    def _gzip_tags(self, mebibytes: int) -> None:
        body = gzip_tags_body(mebibytes)
        self._send(body, "text/html", extra={"Content-Encoding": "gzip"})

    def _trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        deadline = time.monotonic() + SLOW_LIMIT
        while time.monotonic() < deadline:
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.1)
        self.close_connection = True

    def _send(self, body: bytes, media_type: str, status: int = 200,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self._lock = threading.Lock()
        self.received: list[Request] = []

    def log(self, request: Request) -> None:
        with self._lock:
            self.received.append(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients leaving trickles early is the point: stay quiet."""


class HostileSite:
    """The running site: its address and what it was asked for."""

    def __init__(self, server: _Server) -> None:
        self._server = server
        self.port = int(server.server_address[1])
        self.base = f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """``path`` on this site, as a URL on 127.0.0.1."""
        return self.base + path

    @property
    def requests(self) -> list[Request]:
        """Every request received so far, in order."""
        with self._server._lock:
            return list(self._server.received)

    def hits(self, path_prefix: str) -> list[Request]:
        """The requests whose path starts with ``path_prefix``."""
        return [r for r in self.requests if r.path.startswith(path_prefix)]


@contextlib.contextmanager
def running_hostile_site() -> Iterator[HostileSite]:
    """A :class:`HostileSite` serving until the block ends (for a module's fixture)."""
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield HostileSite(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

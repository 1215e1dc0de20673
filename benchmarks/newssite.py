"""A local news site for the capture benchmark: a page, its images and stylesheets, latency.

Serves on 127.0.0.1 from a thread, HTTP/1.1 with keep-alive, and waits ``latency`` seconds
before answering each request, as a distant server would. Everything is made in memory from
random bytes: ``/article.html`` with ``images`` photos (``/img/N.jpg``, ``image_bytes`` each,
every one in a ``<figure>`` with a caption) and ``stylesheets`` stylesheets (``/css/N.css``),
and ``/big.html``, a page whose one photo (``/big.jpg``) is ``big_bytes`` long and is streamed
from a repeated random block, never held whole.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BLOCK = 1024 * 1024


@dataclass(frozen=True)
class SiteSpec:
    """What the site serves and how slowly."""

    images: int = 50
    image_bytes: int = 200 * 1024
    stylesheets: int = 3
    latency: float = 0.020
    big_bytes: int = 1024 * 1024 * 1024


def article_html(spec: SiteSpec, title: str, image_path: str, count: int) -> bytes:
    """A news article page with ``count`` captioned photos and the site's stylesheets."""
    links = "".join(
        f'<link rel="stylesheet" href="/css/{n}.css">\n' for n in range(spec.stylesheets)
    )
    body = []
    for n in range(count):
        body.append(
            f"<p>Paragraph {n} of the report, in which the reporter tells what happened in the "
            f"city on the day, who was there and what they said about it afterwards.</p>\n"
            f'<figure><img src="{image_path.format(n=n)}" alt="Photo {n}">'
            f"<figcaption>Residents gather near the square, photo {n} of the day's events. "
            f"Photo: Staff photographer</figcaption></figure>\n"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta property="og:title" content="{title}">\n'
        '<meta property="article:published_time" content="2016-11-19T10:00:00Z">\n'
        '<meta name="author" content="Staff reporter">\n'
        f"{links}</head><body><article><h1>{title}</h1>\n"
        '<p class="byline">By Staff reporter, November 19, 2016</p>\n'
        f"{''.join(body)}</article></body></html>\n"
    ).encode()


class Site:
    """The site's content, made once."""

    def __init__(self, spec: SiteSpec) -> None:
        self.spec = spec
        self.block = os.urandom(BLOCK)
        self.files: dict[str, tuple[str, bytes]] = {
            "/article.html": (
                "text/html; charset=utf-8",
                article_html(spec, "Benchmark city holds its breath", "/img/{n}.jpg", spec.images),
            ),
            "/big.html": (
                "text/html; charset=utf-8",
                article_html(spec, "One very large photograph", "/big.jpg", 1),
            ),
        }
        for n in range(spec.images):
            start = (n * 7919) % (BLOCK - spec.image_bytes) if spec.image_bytes < BLOCK else 0
            image = os.urandom(16) + self.block[start : start + spec.image_bytes - 16]
            self.files[f"/img/{n}.jpg"] = ("image/jpeg", image)
        for n in range(spec.stylesheets):
            css = f"/* stylesheet {n} */\nbody {{ margin: {n}px; }}\nfigure {{ padding: 1em; }}\n"
            self.files[f"/css/{n}.css"] = ("text/css", css.encode("utf-8"))


def handler_for(site: Site) -> type[BaseHTTPRequestHandler]:
    """A request handler class serving ``site``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            """Wait the latency, then answer from the site (or 404)."""
            time.sleep(site.spec.latency)
            path = self.path.split("?", 1)[0]
            if path == "/big.jpg":
                self._stream_big()
                return
            found = site.files.get(path)
            if found is None:
                self.send_error(404)
                return
            content_type, body = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _stream_big(self) -> None:
            """The big photo: ``big_bytes`` of a repeated random block, streamed."""
            size = site.spec.big_bytes
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            view = memoryview(site.block)
            while size > 0:
                piece = view[: min(size, len(view))]
                self.wfile.write(piece)
                size -= len(piece)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: no line per request."""

    return Handler


class _Server(ThreadingHTTPServer):
    """A listen backlog like a real server's: with the default of 5, a client opening more
    connections at once meets dropped SYNs and one-second retransmits."""

    request_queue_size = 128


class SiteServer:
    """The site served on 127.0.0.1 from a background thread; a context manager."""

    def __init__(self, spec: SiteSpec) -> None:
        self.server = _Server(("127.0.0.1", 0), handler_for(Site(spec)))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """The site's base URL."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

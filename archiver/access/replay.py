"""Local replay of one bag: a small WSGI application serving its WARC's records by URL.

Role: read a bag's CDXJ index and WARC (never write them) and answer HTTP requests on
127.0.0.1 with what was recorded. URL layout::

    /                          a page listing what the bag holds, the article first
    /web/<url>                 the record of <url> (the latest capture, if there are several)
    /web/<14-digit ts>/<url>   the capture of <url> closest to that time

A ``response`` record is served with its recorded status, body bytes and the recorded headers
that describe the body (``Content-Type``, ``Content-Encoding``...; ``Content-Length`` set to
the body's length, a redirect's ``Location`` led back into the replay); every other recorded
header is renamed ``X-Archive-Orig-<name>``, visible but without effect: a recorded
``Set-Cookie``, ``Refresh``, ``Service-Worker-Allowed``, ``Access-Control-*`` or CSP reporting
address must not act on this machine's browser. A ``resource`` record (a captured file) is
served with its recorded content type; a ``revisit`` with its own status and headers and the
payload of the record it revisits. Every header value built from the bag is made safe to send
(a URL percent-encoded, any other control character as ``%XX``), so an index or record can
never add a header or end the head early. A root-relative link (``/news/style.css``) followed
from a replayed page is redirected into the replay by way of the ``Referer``. A
``Content-Security-Policy`` keeps replayed pages from loading anything from the live web,
posting forms to it or starting workers, and ``Cache-Control: no-store`` keeps a browser from
showing one bag's records in a later replay on the same port. A request whose ``Host`` is not
the address served (a DNS rebinding page) is refused (421).

Limits: no link rewriting (absolute links in a page are blocked, not replayed: for full
fidelity open the WACZ from ``archiver export --wacz`` in ReplayWeb.page or pywb); a page's
own navigation (a ``<meta http-equiv=refresh>``, a script setting ``location``) is not
prevented, as no CSP directive governs it; GET and HEAD only; one bag at a time. The bag is
read through :mod:`archiver.access.bag` (never through a link) and its records at the index's
offsets through :func:`archiver.warc.read.open_record` (warcio stays
behind ``archiver.warc``). A record viewer by design, not a second pywb: the README says why.
"""

from __future__ import annotations

import contextlib
import html
import re
import signal
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any, BinaryIO, Protocol
from urllib.parse import quote, unquote, urljoin, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.util import is_hop_by_hop

from archiver.access.bag import (
    IndexEntry,
    Page,
    article_page,
    bag_warcs,
    first_value,
    open_bag_file,
    read_index,
    read_record_values,
    require_bag,
)
from archiver.bagit.read import BagFiles, BagLike, bag_files, read_bag_info
from archiver.errors import ArchiverError, ReplayError
from archiver.warc.read import StoredRecord
from archiver.warc.read import open_record as read_record_at

HOST = "127.0.0.1"
PREFIX = "/web/"
CSP = (
    "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
    "worker-src 'none'; form-action 'self'; base-uri 'self'"
)
#: Recorded headers served as such: they describe the body and act on nothing else.
#: ``Location`` is served too, led back into the replay. Any other is renamed.
PASSED_HEADERS = frozenset(
    {
        "content-type",
        "content-encoding",
        "content-language",
        "content-disposition",
        "content-range",
        "x-content-type-options",
    }
)
RENAMED_PREFIX = "X-Archive-Orig-"
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_UNSAFE_IN_HEADER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]")
_URL_SAFE = "/:?&=%#;,+@!$'()*~[]"
_CHUNK = 64 * 1024
_TIMESTAMPED = re.compile(r"(\d{14})/(.*)", re.DOTALL)
_SCHEME_SLASHES = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):/*")

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


# --- Reading records --------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordHead:
    """A WARC record's heads: its type, WARC headers, and the HTTP status and headers served."""

    record_type: str
    warc_headers: dict[str, str]  # names in lower case
    status: str  # "200 OK"
    headers: tuple[tuple[str, str], ...]
    body_length: int


class _Stream(Protocol):
    """What a record's body is read from."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class Body:
    """The body of a record, read in chunks from its open WARC; WSGI servers close it."""

    def __init__(self, stream: _Stream, length: int) -> None:
        self._stream = stream
        self.length = length

    def __iter__(self) -> Iterator[bytes]:
        remaining = self.length
        while remaining > 0:
            try:
                chunk = self._stream.read(min(_CHUNK, remaining))
            except (OSError, EOFError, zlib.error):
                return  # corrupt data: the client sees a body shorter than announced
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        """Close the WARC file."""
        self._stream.close()


def open_record(warc: Path | BinaryIO, offset: int, name: str = "") -> tuple[RecordHead, Body]:
    """Read the heads of the record at ``offset`` in ``warc`` (a path, or an open stream the
    record then owns, ``name`` saying which WARC it is); its body follows, unread.

    Raises :class:`ReplayError` for data that is not a replayable WARC record.
    """
    subject = name or str(warc)
    try:
        stored = read_record_at(warc, offset)
    except ValueError as exc:
        raise ReplayError(f"unreadable record at offset {offset}: {exc}", subject=subject) from None
    try:
        head = _head_of(stored)
    except ValueError as exc:
        stored.close()
        raise ReplayError(f"record at offset {offset}: {exc}", subject=subject) from None
    return head, Body(stored, head.body_length)


def _head_of(stored: StoredRecord) -> RecordHead:
    """What is served of a record: its status and headers (a resource gets its media type)."""
    if stored.record_type == "resource":
        media_type = stored.warc_headers.get("content-type") or "application/octet-stream"
        headers: tuple[tuple[str, str], ...] = (("Content-Type", media_type),)
        return RecordHead(
            stored.record_type, stored.warc_headers, "200 OK", headers, stored.payload_length
        )
    if stored.record_type not in ("response", "revisit") or stored.http_status is None:
        raise ValueError(f"a {stored.record_type or 'untyped'} record is not replayable")
    return RecordHead(
        stored.record_type,
        stored.warc_headers,
        http_status(stored.http_status),
        stored.http_headers,
        stored.payload_length,
    )


def http_status(status_line: str) -> str:
    """``HTTP/1.1 200 OK`` as a WSGI status (``200 OK``); a missing reason is supplied."""
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not re.fullmatch(r"\d{3}", parts[1]):
        raise ValueError(f"malformed status line {status_line[:40]!r}")
    reason = parts[2].strip() if len(parts) == 3 else ""
    if not reason:
        with contextlib.suppress(ValueError):
            reason = HTTPStatus(int(parts[1])).phrase
    return f"{parts[1]} {reason or 'Unknown'}"


# --- The archive ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """What the replay answers: a WSGI status, headers and body."""

    status: str
    headers: list[tuple[str, str]]
    body: Iterable[bytes]


class ReplayArchive:
    """One bag's records, looked up by URL through its CDXJ index."""

    def __init__(self, bag: BagLike) -> None:
        """Read the bag's index; raises ``NotABagError`` or ``InvalidBagError``."""
        self.files: BagFiles = bag_files(bag)
        require_bag(self.files)
        self.bag = bag
        self._warcs = {path.removeprefix("data/") for path in bag_warcs(self.files)}
        self.entries = read_index(self.files, self._warcs)
        values = read_record_values(self.files)
        title = first_value(values, "title") or read_bag_info(self.files).get(
            "External-Description"
        )
        self.page: Page = article_page(self.entries, first_value(values, "source"), title)
        self._by_url: dict[str, list[IndexEntry]] = {}
        self._by_digest: dict[str, IndexEntry] = {}
        for entry in sorted(self.entries, key=lambda e: e.timestamp):
            self._by_url.setdefault(url_key(entry.url), []).append(entry)
            if entry.digest and not entry.is_revisit:
                self._by_digest.setdefault(entry.digest, entry)

    def lookup(self, url: str, timestamp: str | None = None) -> IndexEntry | None:
        """The capture of ``url`` closest to ``timestamp`` (the latest when none is given)."""
        found = self._by_url.get(url_key(url)) or self._by_url.get(url_key(_toggle_slash(url)))
        if not found:
            return None
        if timestamp is None:
            return found[-1]
        return min(found, key=lambda e: abs(int(e.timestamp) - int(timestamp)))

    def response(self, entry: IndexEntry) -> Response:
        """The recorded response of ``entry``, ready to serve. Raises :class:`ReplayError`."""
        head, body = open_record(self._warc(entry.filename), entry.offset, self._name(entry))
        if head.record_type == "revisit":
            body.close()
            body = self._revisited_body(head, entry)
        headers = replay_headers(head.headers, entry, body.length)
        return Response(head.status, headers, body)

    def _revisited_body(self, head: RecordHead, entry: IndexEntry) -> Body:
        digest = head.warc_headers.get("warc-payload-digest") or entry.digest
        original = self._by_digest.get(digest or "")
        if original is None:
            raise ReplayError(f"revisit of a payload not in this bag: {entry.url}")
        _, body = open_record(
            self._warc(original.filename), original.offset, self._name(original)
        )
        return body

    def _warc(self, name: str) -> BinaryIO:
        """The WARC ``name`` opened, checked again as each record is read: never through a
        link (the record read from it closes it)."""
        try:
            return open_bag_file(self.files, f"data/{name}")
        except ArchiverError as exc:
            raise ReplayError(exc.message, subject=exc.subject) from None

    def _name(self, entry: IndexEntry) -> str:
        return f"{self.files.location}/data/{entry.filename}"


def url_key(url: str) -> str:
    """A URL as looked up: percent-decoded, scheme in lower case, slashes after it dropped.

    Clients and proxies differ in how they pass ``http://`` or ``file:///`` inside a path.
    """
    decoded = unquote(url)
    return _SCHEME_SLASHES.sub(lambda m: m[1].lower() + ":", decoded, count=1)


def _toggle_slash(url: str) -> str:
    return url[:-1] if url.endswith("/") else url + "/"


def replay_headers(
    recorded: Iterable[tuple[str, str]], entry: IndexEntry, body_length: int
) -> list[tuple[str, str]]:
    """The recorded headers as served: those describing the body kept, redirects kept inside,
    hop-by-hop and length dropped, any other renamed ``X-Archive-Orig-<name>``."""
    headers = []
    for name, value in recorded:
        lower = name.lower()
        if is_hop_by_hop(name) or lower == "content-length" or not _TOKEN.fullmatch(name):
            continue
        if lower == "location":
            value = replay_path(urljoin(entry.url, value))
        elif lower not in PASSED_HEADERS:
            name = RENAMED_PREFIX + name
        headers.append((name, value))
    headers += [
        ("Content-Length", str(body_length)),
        ("Link", f'<{url_in_header(entry.url)}>; rel="original"'),
        ("Content-Security-Policy", CSP),
        ("Cache-Control", "no-store"),
    ]
    with contextlib.suppress(ValueError):  # an impossible date in the index: no header
        moment = datetime.strptime(entry.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        headers.append(("Memento-Datetime", format_datetime(moment, usegmt=True)))
    return headers


def url_in_header(url: str) -> str:
    """A URL fit for a header: every control, space, non-ASCII and ``<>"`` percent-encoded."""
    return quote(url, safe=_URL_SAFE)


def safe_header_value(value: str) -> str:
    """A header value that can only be one header: controls (but tab) and characters beyond
    Latin-1 (which HTTP cannot carry) percent-encoded as UTF-8, ``%0D%0A`` for CR LF."""
    return _UNSAFE_IN_HEADER.sub(lambda m: quote(m[0], safe=""), value)


def safe_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers as sent: names that are not HTTP tokens dropped, every value made safe."""
    return [(n, safe_header_value(v)) for n, v in headers if _TOKEN.fullmatch(n)]


def safe_status(status: str) -> str:
    """A WSGI status line whose reason phrase holds printable ASCII only."""
    code, _, reason = status.partition(" ")
    printable = "".join(c if " " <= c <= "~" else "?" for c in reason)
    return f"{code} {printable or 'Unknown'}"


def replay_path(url: str, timestamp: str | None = None) -> str:
    """The path at which the replay serves ``url`` (percent-encoded: fit for a header)."""
    stamp = f"{timestamp}/" if timestamp else ""
    return PREFIX + stamp + quote(url, safe=_URL_SAFE)


# --- The WSGI application ---------------------------------------------------------------------


class ReplayApp:
    """The WSGI application: the index page, the records, and redirects into the replay.

    ``hosts`` are the ``Host`` values answered (``127.0.0.1:PORT``, ``localhost:PORT``); a
    request naming any other host, or none, is refused: a page on another name resolving to
    127.0.0.1 (DNS rebinding) cannot read the replay.
    """

    def __init__(self, archive: ReplayArchive, hosts: Iterable[str] = ()) -> None:
        self.archive = archive
        self.hosts = frozenset(h.lower() for h in hosts)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request."""
        method = environ.get("REQUEST_METHOD", "GET")
        host = str(environ.get("HTTP_HOST", "")).lower()
        if host not in self.hosts:
            served = sorted(self.hosts)[0] if self.hosts else HOST
            response = _text(421, f"unknown host: this replay answers requests to {served} only")
        elif method not in ("GET", "HEAD"):
            response = _text(405, "only GET and HEAD are replayed")
            response.headers.append(("Allow", "GET, HEAD"))
        else:
            response = self.respond(request_target(environ), environ.get("HTTP_REFERER"))
        start_response(safe_status(response.status), safe_headers(response.headers))
        if method == "HEAD":
            _close(response.body)
            return []
        return response.body

    def respond(self, target: str, referer: str | None) -> Response:
        """The response for a request target (path and query, as sent)."""
        if target in ("/", ""):
            return _html(200, index_page(self.archive))
        if not target.startswith(PREFIX):
            return self._from_referer(target, referer)
        url, timestamp = target[len(PREFIX) :], None
        stamped = _TIMESTAMPED.fullmatch(url)
        if stamped:
            timestamp, url = stamped[1], stamped[2]
        entry = self.archive.lookup(url, timestamp)
        if entry is None:
            return _text(404, f"not in this archive: {url}")
        try:
            return self.archive.response(entry)
        except ReplayError as exc:
            return _text(502, str(exc))

    def _from_referer(self, target: str, referer: str | None) -> Response:
        """A root-relative link from a replayed page: redirect to its archived URL."""
        referer_path = urlsplit(referer or "").path
        if referer_path.startswith(PREFIX):
            base = request_url(referer or "")
            if base:
                location = replay_path(urljoin(base, target))
                return Response("302 Found", [("Location", location), ("Content-Length", "0")], [])
        return _text(404, f"not in this archive: {target} (pages are under {PREFIX})")


def request_target(environ: dict[str, Any]) -> str:
    """The request's path and query as the client sent them (percent-encoding kept)."""
    raw = environ.get("RAW_URI")
    if raw:
        return str(raw)
    path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/:@!$&'()*+,;=~")
    query = environ.get("QUERY_STRING")
    return f"{path}?{query}" if query else path


def request_url(replay_url: str) -> str | None:
    """The archived URL a replay URL (``http://127.0.0.1:P/web/[ts/]URL``) shows."""
    parts = urlsplit(replay_url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if not target.startswith(PREFIX):
        return None
    url = target[len(PREFIX) :]
    stamped = _TIMESTAMPED.fullmatch(url)
    return stamped[2] if stamped else url


def index_page(archive: ReplayArchive) -> bytes:
    """An HTML page listing the article and every record the bag can replay."""
    page = archive.page
    rows = "".join(
        f'<li><a href="{html.escape(replay_path(e.url, e.timestamp))}">{html.escape(e.url)}</a>'
        f" {html.escape(e.status or '')} {html.escape(e.mime or '')}</li>\n"
        for e in sorted(archive.entries, key=lambda e: (e.filename, e.offset))
    )
    title = html.escape(page.title or page.url)
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{title}</title></head>\n"
        f"<body><h1>{title}</h1>\n<p>Captured {html.escape(page.ts)}:"
        f' <a href="{html.escape(replay_path(page.url))}">{html.escape(page.url)}</a></p>\n'
        f"<p>From the bag {html.escape(_name_of(archive.bag))}, every record:</p>\n"
        f"<ul>\n{rows}</ul></body></html>\n"
    ).encode()


def _text(code: int, message: str) -> Response:
    body = (message + "\n").encode()
    status = f"{code} {HTTPStatus(code).phrase}"
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    return Response(status, headers, [body])


def _html(code: int, body: bytes) -> Response:
    status = f"{code} {HTTPStatus(code).phrase}"
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
    return Response(status, headers, [body])


def _close(body: Iterable[bytes]) -> None:
    close = getattr(body, "close", None)
    if close is not None:
        close()


# --- The server -------------------------------------------------------------------------------


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Handler(WSGIRequestHandler):
    """wsgiref's handler, quiet, passing the request target as sent (``RAW_URI``)."""

    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ["RAW_URI"] = self.path
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a replay for one reader needs no access log."""


class ReplayServer:
    """A replay of one bag listening on 127.0.0.1."""

    def __init__(self, archive: ReplayArchive, port: int = 0) -> None:
        """Listen on ``port`` (0: any free port); raises :class:`ReplayError` if taken."""
        self.archive = archive
        app = ReplayApp(archive)
        try:
            self._server = make_server(HOST, port, app, _ThreadingWSGIServer, _Handler)
        except OSError as exc:
            raise ReplayError(
                f"cannot listen on {HOST}:{port}: {exc.strerror or exc}", subject=str(archive.bag)
            ) from None
        app.hosts = served_hosts(self.port)

    @property
    def port(self) -> int:
        """The port listened on."""
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        """The replay's index page."""
        return f"http://{HOST}:{self.port}/"

    @property
    def page_url(self) -> str:
        """The article, replayed: the URL to open."""
        return f"http://{HOST}:{self.port}{replay_path(self.archive.page.url)}"

    def to_dict(self) -> dict[str, Any]:
        """What is served where, JSON-ready (``replay --json``)."""
        return {
            "bag": str(self.archive.bag),
            "url": self.page_url,
            "index": self.root_url,
            "port": self.port,
            "page": self.archive.page.to_dict(),
        }

    def url_for(self, url: str) -> str:
        """The replay URL of an archived ``url``."""
        return f"http://{HOST}:{self.port}{replay_path(url)}"

    def serve_forever(self) -> None:
        """Answer requests until :meth:`shutdown` (from another thread) or an interrupt."""
        self._server.serve_forever(poll_interval=0.1)

    def serve_until_stopped(self) -> None:
        """Serve until SIGINT (Ctrl-C) or SIGTERM, then release the port (main thread only).

        Both signals stop the replay normally, even where the shell started it ignoring SIGINT.
        """

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.close()

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` (call from another thread)."""
        self._server.shutdown()

    def close(self) -> None:
        """Release the port."""
        self._server.server_close()

    @contextlib.contextmanager
    def running(self) -> Iterator[ReplayServer]:
        """Serve in a background thread for the duration of the block, then close."""
        thread = threading.Thread(target=self.serve_forever, name="replay", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.shutdown()
            thread.join(timeout=5)
            self.close()


def served_hosts(port: int) -> frozenset[str]:
    """The ``Host`` values of requests to this machine's replay on ``port``."""
    names = {f"{HOST}:{port}", f"localhost:{port}"}
    if port == 80:
        names |= {HOST, "localhost"}
    return frozenset(names)


def _name_of(bag: BagLike) -> str:
    """A bag's own name: its folder's, or the last part of its URL."""
    return bag.name if isinstance(bag, Path) else bag_files(bag).location.rsplit("/", 1)[-1]


def open_replay(bag: BagLike, port: int = 0) -> ReplayServer:
    """A replay server for ``bag`` on 127.0.0.1 (not yet serving: see ``serve_forever``)."""
    return ReplayServer(ReplayArchive(bag), port)

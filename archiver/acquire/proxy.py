"""The recording proxy: a forward HTTP proxy on 127.0.0.1 that records what a browser fetches.

A browser capture points Chromium at this proxy. Each request the browser makes is fetched
upstream through the capture's :class:`archiver.acquire.http.FetchSession`, the one a static
capture fetches with, so a browser capture obeys the same policy and its WARC holds exactly
what a static capture's would: the address policy (a refused address is never connected to),
robots.txt, retries, each exchange's limits, the capture's deadline and size budget, the
request as archiver sent it and the response's status line, header lines and body bytes as
the server sent them (transfer coding removed, content coding kept), the same revisit records
for duplicate payloads, and the same writer. The browser then gets the response from the
recorded copy.

- ``http://`` URLs arrive in absolute form (``GET http://host/path HTTP/1.1``).
- ``https://`` URLs arrive through ``CONNECT host:443``: the proxy answers the browser's TLS
  itself with a certificate made for the host by :class:`archiver.acquire.certs.Authority`
  (trusted by that one browser only), reads the requests inside, and fetches each one upstream
  over a new TLS connection that verifies the real server's certificate.
- The page's document, and each hop of its redirects, is fetched as the page (within its own
  limits, its bytes counted first); everything else as a requisite: not started once the
  capture's deadline passed or its size budget is spent, cut off at the deadline.
- What cannot be fetched (a refused address, robots.txt, a failure, the capture's limits) is
  answered to the browser with the proxy's own error (``502``, or ``503`` past the limits),
  never recorded, and listed in :attr:`RecordingProxy.problems`; it never fails the page.
- Only GET is forwarded. Other methods (a form's POST, a CORS preflight's OPTIONS) and
  WebSocket upgrades are answered ``405``/``501`` by the proxy, not fetched, and listed in
  :attr:`RecordingProxy.problems`: a capture records what a reader sees, not what a page sends.

The proxy tracks requests in flight, so the capture can wait for the network to go quiet
(:meth:`RecordingProxy.wait_idle`). It stops recording at :meth:`RecordingProxy.stop`: after
that no record is written, even by a fetch still under way.

This module decides nothing about pages or articles, and writes only through the session it
is given."""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from archiver.acquire.certs import Authority
from archiver.acquire.client import Exchange, FetchError, wire_url
from archiver.acquire.http import PAGE, REDIRECT_STATUSES, FetchSession, Purpose, Recorded
from archiver.errors import CaptureError
from archiver.model import REQUISITE_KINDS, CapturedRecord, CaptureProblem

BROWSER_SOCKET_TIMEOUT = 60.0  # an idle browser connection is closed after this long
COPY_BLOCK = 64 * 1024
SUBRESOURCE = "subresource"  # the purpose of whatever the browser asks for besides the page
#: Header fields that concern one connection only: never forwarded either way (RFC 9110 7.6.1).
HOP_BY_HOP = frozenset({
    "connection", "proxy-connection", "keep-alive", "proxy-authorization",
    "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade", "host",
})
NO_BODY_STATUSES = frozenset({204, 304})
#: A request the page did not ask for or that is never recorded: the browser's own favicon
#: request, a POST, a WebSocket. Neither counted nor reported as a file the page needs.
OWN_REQUEST = "request"
#: What a request's ``Sec-Fetch-Dest`` says it is for, as a requisite kind (``PAGE``: a page
#: the browser navigates to, not a requisite). Chromium sends it to https and local URLs.
FETCH_DESTINATIONS = {
    "document": PAGE, "image": "image", "style": "stylesheet", "script": "script",
    "worker": "script", "sharedworker": "script", "serviceworker": "script", "font": "font",
    "audio": "media", "video": "media", "track": "media", "iframe": "frame", "frame": "frame",
    "embed": "frame", "object": "frame",
}


@dataclass(frozen=True)
class Fetched:
    """One URL the proxy fetched and recorded for the browser."""

    url: str
    status: int
    reason: str
    media_type: str | None
    record: CapturedRecord
    navigation: bool  # the browser asked for an HTML document (a page or a frame)


class NotStarted(CaptureError):
    """The capture's deadline passed or its size budget is spent: nothing more is fetched."""


class RecordingProxy:
    """The proxy server for one capture. Use as a context manager, or call :meth:`stop`.

    ``session`` fetches and records every request (its address policy set from the page
    already); ``page_url`` is the page the browser is sent to, whose document (and each hop of
    its redirects) is fetched as a static capture fetches its page, within its own limits;
    ``authority`` makes certificates for HTTPS hosts (None: HTTPS is refused).
    """

    def __init__(
        self, session: FetchSession, page_url: str, authority: Authority | None
    ) -> None:
        self.session = session
        self.authority = authority
        self._lock = threading.Condition()
        self._page_urls = {page_url}
        self._in_flight = 0
        self._last_change = time.monotonic()
        self._requests = 0
        self._stopped = False
        self._fetched: list[Fetched] = []
        self._failures: dict[str, str] = {}
        self._problems: list[CaptureProblem] = []
        self._needed: dict[str, set[str]] = {}  # requisite kind -> URLs the browser asked for
        self._over_limit: dict[str, int] = {}  # requisite kind -> requests over the limit
        self._server = _ProxyServer(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
            name="archiver-proxy", daemon=True,
        )
        self._thread.start()

    @property
    def address(self) -> str:
        """``http://127.0.0.1:PORT``, for the browser's proxy setting."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def fetched(self) -> tuple[Fetched, ...]:
        """Everything recorded so far, in the order it was recorded."""
        with self._lock:
            return tuple(self._fetched)

    @property
    def problems(self) -> tuple[CaptureProblem, ...]:
        """What could not be fetched or was refused (each URL with its reason, including
        those never started past the capture's deadline or size budget), then the requests
        over the limit, counted by kind."""
        limit = self.session.options.max_requisites
        reason = f"not fetched: over the limit of {limit} page requisites"
        with self._lock:
            over = [CaptureProblem(kind, reason, count=n) for kind, n in self._over_limit.items()]
            return (*self._problems, *over)

    @property
    def requisites(self) -> tuple[tuple[str, int], ...]:
        """(kind, how many distinct URLs of that kind the browser asked for)."""
        with self._lock:
            return tuple((kind, len(urls)) for kind, urls in self._needed.items())

    def failure(self, url: str) -> str | None:
        """Why ``url`` could not be fetched, when it could not."""
        with self._lock:
            return self._failures.get(url)

    def wait_idle(self, quiet: float, bound: float) -> bool:
        """Wait until no request has been in flight for ``quiet`` seconds, counted from now at
        the earliest (what the page does next may take a moment to start); at most ``bound``
        seconds. True when the network went quiet, False when the bound came first."""
        start = time.monotonic()
        deadline = start + bound
        with self._lock:
            while True:
                now = time.monotonic()
                quiet_for = now - max(self._last_change, start)
                if self._in_flight == 0 and quiet_for >= quiet:
                    return True
                if now >= deadline:
                    return False
                wait = quiet - quiet_for if self._in_flight == 0 else deadline - now
                self._lock.wait(max(0.01, min(wait, deadline - now)))

    def stop(self) -> None:
        """Stop serving and recording; fetches still under way are dropped when they end."""
        with self._lock:
            self._stopped = True
        self.session.recorder.close()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RecordingProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- used by the request handler --------------------------------------------------------

    def begin(self, url: str, kind: str) -> bool:
        """Count a request for ``url`` (a requisite of ``kind``, or ``PAGE``) in; False when
        it is over the capture's request limit."""
        limit = self.session.options.max_requisites
        with self._lock:
            self._requests += 1
            over = self._requests > limit + 1  # +1: the page itself
            if kind in REQUISITE_KINDS:
                self._needed.setdefault(kind, set()).add(url)
                if over:
                    self._over_limit[kind] = self._over_limit.get(kind, 0) + 1
            if not over:
                self._in_flight += 1
                self._last_change = time.monotonic()
            return not over

    def end(self) -> None:
        """Count a request out."""
        with self._lock:
            self._in_flight -= 1
            self._last_change = time.monotonic()
            self._lock.notify_all()

    def note(self, url: str, problem: str, kind: str, *, missing: bool = True) -> None:
        """Remember that ``url`` (a requisite of ``kind``, ``PAGE`` or ``OWN_REQUEST``) could
        not be fetched, or answered an error, and why (unless the capture is over, or the
        browser asked for it again and met the same problem: one file, one problem)."""
        with self._lock:
            if self._stopped or self._failures.get(url) == problem:
                return
            self._failures[url] = problem
            self._problems.append(CaptureProblem(kind, problem, url, missing=missing))

    def fetch(
        self, url: str, headers: dict[str, str], navigation: bool, kind: str
    ) -> Recorded:
        """Fetch and record ``url`` with the browser's ``headers`` through the session.

        The page's own document is fetched as the page; anything else is not started once
        the capture's deadline passed or its size budget is spent (:class:`NotStarted`).
        ``kind`` is what the request is for (:func:`request_kind`): what cannot be fetched is
        noted under it, and so is a requisite that answered an error (recorded as it
        answered, as in a static capture). Raises :class:`CaptureError` when ``url`` cannot
        be fetched; the caller must discard what is returned.
        """
        with self._lock:
            page = navigation and url in self._page_urls
        not_now = None if page else self.session.why_not_start()
        if not_now:
            self.note(url, f"not fetched: {not_now}", kind)
            raise NotStarted(f"not fetched: {not_now}", subject=url)
        purpose = Purpose(PAGE if page else SUBRESOURCE, dedupe=not navigation, headers=headers)
        try:
            recorded = self.session.exchange(url, purpose)
        except CaptureError as exc:
            self.note(url, exc.message if page else self.session.failure_note(exc), kind)
            raise
        response = recorded.exchange.response
        with self._lock:
            if page and recorded.redirect_to:
                self._follow_page(recorded.redirect_to)
            self._fetched.append(Fetched(url, response.status, response.reason,
                                         response.media_type, recorded.record, navigation))
            if kind in REQUISITE_KINDS and response.status in REDIRECT_STATUSES:
                # the browser asks for where it leads: that one is counted
                self._needed.get(kind, set()).discard(url)
        if kind in REQUISITE_KINDS and response.status >= 400:
            status = f"HTTP {response.status} {response.reason}".strip()
            self.note(url, f"{status} (response recorded)", kind)
        return recorded

    def _follow_page(self, location: str) -> None:
        """The page redirects to ``location``: that is the page too (as the browser goes on)."""
        with contextlib.suppress(FetchError):
            self._page_urls.add(wire_url(location))


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True  # a fetch still running at stop() must not hold the capture up
    block_on_close = False
    request_queue_size = 64

    def __init__(self, proxy: RecordingProxy) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.proxy = proxy

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser hanging up mid-response is not worth a traceback."""


class _ProxyHandler(BaseHTTPRequestHandler):
    """One browser connection: plain HTTP requests, or a CONNECT tunnel answered with TLS."""

    protocol_version = "HTTP/1.1"
    server_version = "archiver-proxy"
    timeout = BROWSER_SOCKET_TIMEOUT
    server: _ProxyServer
    _origin: str | None = None  # inside a CONNECT tunnel: https://host[:port]

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: what matters is in the WARC and the capture's problems."""

    def do_GET(self) -> None:
        proxy = self.server.proxy
        url = self._target_url()
        if url is None:
            return
        if self.headers.get("Upgrade"):
            proxy.note(url, "WebSocket not recorded (the recording proxy forwards HTTP GET only)",
                       OWN_REQUEST, missing=False)
            self._refuse(501, "WebSocket is not supported by archiver's recording proxy")
            return
        kind = request_kind(url, self.headers.get("Sec-Fetch-Dest"), self.headers.get("Accept"))
        if not proxy.begin(url, kind):
            self._refuse(503, "over the capture's request limit")
            return
        try:
            self._forward(proxy, url, kind)
        finally:
            proxy.end()

    def do_CONNECT(self) -> None:
        proxy = self.server.proxy
        host, _, port = self.path.rpartition(":")
        if proxy.authority is None or not host or not port.isdigit():
            self._refuse(501, "HTTPS is not supported here")
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        context = proxy.authority.server_context(host)
        try:
            tls = context.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            self.close_connection = True
            return
        self.connection = tls
        self.rfile = tls.makefile("rb")
        self.wfile = tls.makefile("wb")
        self._origin = f"https://{host}" + ("" if port == "443" else f":{port}")
        self.close_connection = False  # go on reading requests, now inside the tunnel

    def _not_get(self) -> None:
        url = self._target_url() or self.path
        self.server.proxy.note(url, f"{self.command} not recorded "
                                    "(the recording proxy forwards GET only)",
                               OWN_REQUEST, missing=False)
        self._refuse(405, f"{self.command} is not forwarded by archiver's recording proxy")

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _not_get

    def finish(self) -> None:
        super().finish()
        if self._origin is not None:  # the TLS socket that replaced the plain one
            with contextlib.suppress(OSError):
                self.connection.close()

    def _target_url(self) -> str | None:
        """The absolute URL asked for, as it goes on the wire; None (after a 400) if bad."""
        tunnelled = self._origin is not None and self.path.startswith("/")
        raw = f"{self._origin}{self.path}" if tunnelled else self.path
        try:
            url = wire_url(raw)
        except FetchError:
            self._refuse(400, "not an absolute http(s) URL")
            return None
        if self._origin is not None and not url.startswith("https:"):
            self._refuse(400, "plain HTTP inside a TLS tunnel")
            return None
        return url

    def _forward(self, proxy: RecordingProxy, url: str, kind: str) -> None:
        headers = _forwarded_headers(self.headers.items())
        navigation = headers.get("Accept", "").startswith("text/html")
        try:
            recorded = proxy.fetch(url, headers, navigation, kind)
        except NotStarted as exc:
            self._refuse(503, exc.message)
            return
        except CaptureError as exc:
            self._refuse(502, exc.message)
            return
        except OSError as exc:  # the spool folder vanished: the capture is over
            self._refuse(502, str(exc))
            return
        try:
            self._relay(recorded.exchange)
        finally:
            recorded.discard()

    def _relay(self, exchange: Exchange) -> None:
        """Send the recorded response to the browser, framed by Content-Length."""
        response = exchange.response
        self.send_response_only(response.status, response.reason or None)
        for name, value in response.fields:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        if response.status not in NO_BODY_STATUSES and response.status >= 200:
            self.send_header("Content-Length", str(exchange.body_length))
        self.end_headers()
        with exchange.body_path.open("rb") as body:
            while block := body.read(COPY_BLOCK):
                self.wfile.write(block)
        self.wfile.flush()

    def _refuse(self, status: int, message: str) -> None:
        """Answer the browser with the proxy's own short error (never recorded)."""
        body = f"archiver recording proxy: {message}\n".encode("utf-8", "replace")
        with contextlib.suppress(OSError):
            self._drain_request_body()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Archiver-Proxy", "refused")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

    def _drain_request_body(self) -> None:
        """Read a request body we will not forward, so the connection stays in step."""
        length = self.headers.get("Content-Length") if self.headers else None
        if length and length.isdigit() and int(length) <= 16 * 1024 * 1024:
            self.rfile.read(int(length))
        elif length or (self.headers and self.headers.get("Transfer-Encoding")):
            self.close_connection = True


def request_kind(url: str, destination: str | None, accept: str | None) -> str:
    """What a browser's request for ``url`` is for: a requisite kind, ``PAGE`` for a page it
    navigates to, or ``OWN_REQUEST`` for the browser's own favicon request; from
    ``Sec-Fetch-Dest`` when the browser sent it, else from ``Accept``."""
    if urlsplit(url).path == "/favicon.ico":
        return OWN_REQUEST
    if destination:
        return FETCH_DESTINATIONS.get(destination.strip().lower(), "other")
    accept = (accept or "").strip().lower()
    if accept.startswith("text/html"):
        return PAGE
    if accept.startswith("image/"):
        return "image"
    if accept.startswith("text/css"):
        return "stylesheet"
    return "other"


def _forwarded_headers(fields: Any) -> dict[str, str]:
    """The browser's request header fields minus the hop-by-hop ones, in order; our client
    adds ``Host`` and closes its upstream connection after each exchange."""
    headers: dict[str, str] = {}
    for name, value in fields:
        if name.lower() in HOP_BY_HOP:
            continue
        if name in headers:  # a repeated field: combine, as RFC 9110 5.3 allows
            headers[name] += ", " + value
        else:
            headers[name] = value
    headers["Connection"] = "close"
    return headers


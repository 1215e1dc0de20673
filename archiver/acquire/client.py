"""One HTTP exchange, recorded as it happened: the request as sent, the response as received.

A small recording client on top of :mod:`http.client` (no global patching: the connection
and response classes here are subclasses used only by :func:`fetch`). The request bytes are
teed as they are sent; the response's status line and header lines are taken from the socket
exactly as they arrive; the body is streamed to a spool file while its digests are computed.

How the bytes are kept, and why (the WARC payload-digest trap, warcio issues #74/#75):

- The WARC payload of an HTTP response is its entity body *with any transfer encoding
  removed*; ``WARC-Payload-Digest`` is computed over it, so that one resource sent with
  different chunk boundaries has one digest (which revisit records rely on).
- ``warcio check`` digests the record block after the HTTP head as it stands, without
  de-chunking. A block that kept the chunk framing would therefore either fail the check
  (correct payload digest) or carry a wrong payload digest (digest over the framing).
- So the body is recorded *de-chunked*: the block is the head as received, followed by the
  entity body. To keep the head consistent with that body, a ``Transfer-Encoding: chunked``
  header line is renamed to ``X-Archiver-Transfer-Encoding: chunked`` (value and every other
  byte of the head untouched), which also keeps the evidence that the server chunked.
  Chunk sizes, extensions and trailer fields are the only bytes not kept. Content-Encoding
  (gzip, deflate) is transport-independent and is kept as received: decoding it is up to
  whoever reads the payload.
- Any other transfer coding is refused (we never ask for one).

Limits: the connect timeout bounds connecting (and the TLS handshake); the total timeout bounds
the whole exchange, checked before every socket read, so a server trickling one byte a second
still hits it; the body size limit stops an endless body, and a :class:`ByteBudget` shared by
the exchanges of one capture stops them all once their bodies together reach it. Every failure
is raised as :class:`FetchError` (or :class:`~archiver.errors.SourceTooLargeError`) naming the
URL, with ``transient`` set for failures worth retrying.

Addresses: with an :class:`AddressGuard`, the host name is resolved here, every address it
resolves to is checked against the capture's :class:`~archiver.acquire.addresses.AddressPolicy`,
and the connection is made to one of those checked addresses (never by resolving the name
again), so that a name cannot resolve to an allowed address for the check and to a forbidden
one for the connection. TLS still verifies the certificate against the name.

This module must not decide what to fetch, follow redirects, retry, or write WARC records:
that is :mod:`archiver.acquire.http`'s job.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import io
import ipaddress
import os
import re
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import SplitResult, quote, urlsplit, urlunsplit

from archiver.acquire.addresses import AddressPolicy
from archiver.errors import CaptureError, SourceTooLargeError
from archiver.warc import DIGEST_ALGORITHM, HttpMessage, digest_label

BLOCK_SIZE = 64 * 1024
RENAMED_TRANSFER_ENCODING = b"X-Archiver-Transfer-Encoding"
_PATH_SAFE = "/%!$&'()*+,;=:@-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_HOST_NAME = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?")


class FetchError(CaptureError):
    """One exchange failed; ``transient`` is True when trying again may help."""

    def __init__(self, message: str, *, subject: str | None = None, transient: bool = False):
        super().__init__(message, subject=subject)
        self.transient = transient


class _TotalTimeout(TimeoutError):
    """The exchange ran past its total time budget."""


class AddressRefused(Exception):
    """The host resolves to an address the capture's policy does not allow."""


class ByteBudget:
    """How many body bytes the exchanges of one capture may still receive, all together.

    Thread-safe: the requisites of a page are fetched concurrently.
    """

    def __init__(self, total: int) -> None:
        self.total = total
        self._used = 0
        self._lock = threading.Lock()

    @property
    def spent(self) -> bool:
        """True once every byte of the budget is used."""
        with self._lock:
            return self._used >= self.total

    def take(self, count: int) -> bool:
        """Use ``count`` bytes; False (and nothing used) when fewer than that are left."""
        with self._lock:
            if self._used + count > self.total:
                self._used = self.total
                return False
            self._used += count
            return True

    def charge(self, count: int) -> None:
        """Count ``count`` bytes received outside the budget's control (the page's)."""
        with self._lock:
            self._used = min(self.total, self._used + count)


@dataclass(frozen=True)
class Limits:
    """What one exchange may cost (``budget``: shared with the capture's other exchanges)."""

    connect_timeout: float
    total_timeout: float
    max_body_bytes: int
    budget: ByteBudget | None = None


Resolver = Callable[[str, int], list[str]]
"""Resolves a host name (or a numeric address in any form) and port to IP address strings."""


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for ``host``, in its order, each once.

    Numeric forms a URL may use (``0x7f000001``, ``2130706433``, ``0177.1``) come back as the
    address they mean. Raises :class:`socket.gaierror` when the name does not resolve.
    """
    found: list[str] = []
    for family, _, _, _, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if family in (socket.AF_INET, socket.AF_INET6) and sockaddr[0] not in found:
            found.append(str(sockaddr[0]))
    return found


@dataclass(frozen=True)
class AddressGuard:
    """Where a capture may connect: its address policy and the resolver it checks with."""

    policy: AddressPolicy
    resolve: Resolver = system_resolver

    def addresses(self, host: str, port: int) -> list[str]:
        """Every address ``host`` resolves to, all of them allowed; else raises.

        Raises :class:`AddressRefused` naming the first address refused, and
        :class:`socket.gaierror` when the name does not resolve.
        """
        found = self.resolve(host, port)
        if not found:
            raise socket.gaierror(socket.EAI_NONAME, "no address")
        for address in found:
            refusal = self.policy.refusal(host, address)
            if refusal:
                raise AddressRefused(refusal)
        return found

    def connect(
        self, address: tuple[str, int], timeout: float | None, source: Any = None
    ) -> socket.socket:
        """Connect to a checked address of ``address``'s host (as ``socket.create_connection``)."""
        host, port = address
        failure: OSError | None = None
        for ip in self.addresses(host, port):
            family = socket.AF_INET6 if ":" in ip else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(timeout)
                if source:
                    sock.bind(source)
                sock.connect((ip, port))
                return sock
            except OSError as exc:
                sock.close()
                failure = exc
        assert failure is not None  # addresses() returned at least one address
        raise failure


@dataclass(frozen=True)
class ResponseHead:
    """A response's status and header fields, as parsed (the raw bytes are in the Exchange)."""

    url: str
    status: int
    reason: str
    fields: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.fields if key.lower() == wanted), None)

    @property
    def media_type(self) -> str | None:
        """The Content-Type without parameters, lower-cased; None when absent."""
        value = self.header("Content-Type")
        media = value.split(";", 1)[0].strip().lower() if value else ""
        return media or None

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of the Content-Type, if any."""
        for parameter in (self.header("Content-Type") or "").split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset":
                return value.strip().strip("\"'") or None
        return None

    @property
    def content_codings(self) -> list[str]:
        """The Content-Encoding codings in the order they were applied, without identity."""
        codings: list[str] = []
        for key, value in self.fields:
            if key.lower() == "content-encoding":
                codings += [c.strip().lower() for c in value.split(",") if c.strip()]
        return [c for c in codings if c != "identity"]


@dataclass(frozen=True)
class Exchange:
    """A completed exchange: both messages as recorded, the body spooled to ``body_path``.

    The caller owns ``body_path`` and must call :meth:`discard` when done with it.
    """

    url: str
    ip_address: str | None
    request_head: bytes
    response: ResponseHead
    response_head: bytes
    body_path: Path
    body_length: int
    payload_digest: str
    block_digest: str

    def request_message(self) -> HttpMessage:
        """The request as a WARC ``request`` block (a GET: head only, empty payload)."""
        empty = digest_label(hashlib.new(DIGEST_ALGORITHM).digest())
        block = digest_label(hashlib.new(DIGEST_ALGORITHM, self.request_head).digest())
        return HttpMessage(self.request_head, io.BytesIO(), 0, block, empty)

    def response_message(self, body: BinaryIO) -> HttpMessage:
        """The response as a WARC ``response`` block, its body read from ``body``."""
        return HttpMessage(
            self.response_head, body, self.body_length, self.block_digest, self.payload_digest
        )

    def revisit_message(self) -> HttpMessage:
        """The response head alone, for a ``revisit`` record of an identical payload."""
        block = digest_label(hashlib.new(DIGEST_ALGORITHM, self.response_head).digest())
        return HttpMessage(self.response_head, io.BytesIO(), 0, block, self.payload_digest)

    def read_body(self, limit: int) -> bytes:
        """The first ``limit`` bytes of the spooled body."""
        with self.body_path.open("rb") as body:
            return body.read(limit)

    def discard(self) -> None:
        """Remove the spooled body."""
        self.body_path.unlink(missing_ok=True)


def wire_url(url: str) -> str:
    """``url`` as it goes on the wire: IDNA host, percent-encoded path and query, no fragment.

    Raises :class:`FetchError` for anything but a well-formed http(s) URL.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise FetchError(f"not a valid URL ({exc})", subject=url) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"unsupported URL scheme {scheme or '(none)'!r}", subject=url)
    if not host:
        raise FetchError("the URL names no host", subject=url)
    if not _valid_host(host):
        raise FetchError(f"not a valid URL (no host can be named {host!r})", subject=url)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    query = quote(parts.query, safe=_QUERY_SAFE)
    return urlunsplit((scheme, netloc, path, query, ""))


def _valid_host(host: str) -> bool:
    """True for a host name of letters, digits, ``-`` and ``_`` in dot-separated labels, or an
    IP address literal."""
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return _HOST_NAME.fullmatch(host) is not None


def fetch(
    url: str,
    limits: Limits,
    spool_dir: Path,
    headers: Mapping[str, str],
    check_head: Callable[[ResponseHead], None] | None = None,
    tls: ssl.SSLContext | None = None,
    guard: AddressGuard | None = None,
    body: bytes | None = None,
) -> Exchange:
    """GET ``url`` (already in :func:`wire_url` form) and record the exchange.

    With ``body``, the request is a POST of those bytes instead (a time-stamp query; the
    captures themselves only GET). ``headers`` are sent after ``Host`` in the given order,
    then ``Content-Length`` for a body. ``check_head`` sees the response
    head before the body is read and may raise to abandon the exchange (e.g. a page that is
    not HTML). ``tls`` replaces the default TLS context (the system's trust store, hostnames
    checked). ``guard``, when given, decides which addresses may be connected to (without
    it, any). Raises :class:`FetchError` or :class:`SourceTooLargeError`, naming ``url``.
    """
    deadline = _Deadline(limits.total_timeout)
    parts = urlsplit(url)
    connection = _connection(parts, limits, deadline, tls, guard)
    try:
        return _exchange(connection, url, limits, spool_dir, headers, check_head, body)
    except CaptureError:
        raise
    except Exception as exc:
        failure = _failure(exc, url, limits, deadline, connection.ip_address is not None)
        if failure is None:
            raise
        raise failure from None
    finally:
        connection.close()


def _exchange(
    connection: _RecordingConnection,
    url: str,
    limits: Limits,
    spool_dir: Path,
    headers: Mapping[str, str],
    check_head: Callable[[ResponseHead], None] | None,
    body: bytes | None = None,
) -> Exchange:
    connection.connect()
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.putrequest("GET" if body is None else "POST", target, skip_accept_encoding=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    try:
        head = _received_head(response)
        parsed = ResponseHead(url, response.status, response.reason, tuple(response.msg.items()))
        if response.chunked:
            head = rename_transfer_encoding(head)
        elif parsed.header("Transfer-Encoding"):
            raise FetchError(
                f"unsupported Transfer-Encoding {parsed.header('Transfer-Encoding')!r}",
                subject=url,
            )
        if check_head is not None:
            check_head(parsed)
        path, length, payload, block = _spool_body(response, head, limits, spool_dir, url)
    finally:
        response.close()
    return Exchange(
        url=url,
        ip_address=connection.ip_address,
        request_head=bytes(connection.sent),
        response=parsed,
        response_head=head,
        body_path=path,
        body_length=length,
        payload_digest=payload,
        block_digest=block,
    )


def _received_head(response: _RecordingResponse) -> bytes:
    """The final response's head as read off the wire (interim 1xx responses dropped)."""
    head = bytes(response.wire.stop_capture())
    while head[9:10] == b"1" and head.startswith(b"HTTP/"):
        end = head.find(b"\n\r\n")
        end = end + 3 if end >= 0 else head.find(b"\n\n") + 2
        if end < 2:
            break
        head = head[end:]
    return head


def rename_transfer_encoding(head: bytes) -> bytes:
    """``head`` with each ``Transfer-Encoding`` field renamed, every other byte unchanged."""
    lines = head.splitlines(keepends=True)
    for index, line in enumerate(lines[1:], start=1):
        name, colon, rest = line.partition(b":")
        if colon and name.strip().lower() == b"transfer-encoding":
            lines[index] = RENAMED_TRANSFER_ENCODING + b":" + rest
    return b"".join(lines)


def _spool_body(
    response: _RecordingResponse, head: bytes, limits: Limits, spool_dir: Path, url: str
) -> tuple[Path, int, str, str]:
    """Stream the entity body to a spool file; return it, its length and both digests."""
    declared = response.length
    if declared is not None and declared > limits.max_body_bytes:
        raise SourceTooLargeError(
            f"response body of {declared} bytes is over the {limits.max_body_bytes}-byte limit",
            subject=url,
        )
    payload = hashlib.new(DIGEST_ALGORITHM)
    block = hashlib.new(DIGEST_ALGORITHM, head)
    fd, name = tempfile.mkstemp(dir=spool_dir, suffix=".body")
    path, length = Path(name), 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := _read_body(response, url):
                length += len(chunk)
                if length > limits.max_body_bytes:
                    raise SourceTooLargeError(
                        f"response body exceeds the {limits.max_body_bytes}-byte limit",
                        subject=url,
                    )
                if limits.budget is not None and not limits.budget.take(len(chunk)):
                    raise SourceTooLargeError(
                        f"not fetched whole: the capture's total size budget of "
                        f"{limits.budget.total} bytes is spent",
                        subject=url,
                    )
                out.write(chunk)
                payload.update(chunk)
                block.update(chunk)
        if response.length:  # what Content-Length promised and never came
            raise FetchError(
                f"body shorter than its Content-Length ({length} of {declared} bytes)",
                subject=url,
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, length, digest_label(payload.digest()), digest_label(block.digest())


def _read_body(response: _RecordingResponse, url: str) -> bytes:
    try:
        return response.read(BLOCK_SIZE)
    except (http.client.IncompleteRead, http.client.LineTooLong, ValueError) as exc:
        if response.chunked:
            raise FetchError("invalid or truncated chunked encoding", subject=url) from exc
        raise FetchError("body shorter than its Content-Length", subject=url) from exc


def _failure(
    exc: Exception, url: str, limits: Limits, deadline: _Deadline, connected: bool
) -> FetchError | None:
    """The one-line error a low-level failure means, or None for a bug (left to propagate)."""
    if isinstance(exc, AddressRefused):
        return FetchError(str(exc), subject=url)
    timed_out = isinstance(exc, TimeoutError)
    if isinstance(exc, _TotalTimeout) or (timed_out and (connected or deadline.expired)):
        return FetchError(
            f"no complete response within the total timeout of {limits.total_timeout:g} s",
            subject=url,
        )
    if timed_out:
        return FetchError(
            f"could not connect within {limits.connect_timeout:g} s", subject=url, transient=True
        )
    if isinstance(exc, socket.gaierror):
        host = urlsplit(url).hostname
        return FetchError(f"cannot resolve host name {host!r}", subject=url)
    if isinstance(exc, ConnectionRefusedError):
        return FetchError("connection refused", subject=url, transient=True)
    if isinstance(exc, http.client.RemoteDisconnected):
        return FetchError("the server closed the connection without a response",
                          subject=url, transient=True)
    if isinstance(exc, ConnectionError):
        return FetchError("connection reset by the server", subject=url, transient=True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return FetchError(f"TLS certificate not trusted: {exc.verify_message}", subject=url)
    if isinstance(exc, ssl.SSLError):
        return FetchError(f"TLS failure: {exc.reason or exc}", subject=url)
    if isinstance(exc, http.client.HTTPException):
        detail = f"{type(exc).__name__} {exc}".strip()
        return FetchError(f"malformed HTTP response ({detail[:120]})", subject=url)
    if isinstance(exc, OSError):
        where = "reading from" if connected else "connecting to"
        return FetchError(f"network error {where} the server: {exc.strerror or exc}",
                          subject=url, transient=not connected)
    return None


# --- The recording connection ---------------------------------------------------------------


class _Deadline:
    """A point in time an exchange must finish by."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self._end

    def remaining(self) -> float:
        """Seconds left; raises :class:`_TotalTimeout` when none are."""
        left = self._end - time.monotonic()
        if left <= 0:
            raise _TotalTimeout("total timeout")
        return left


class _WireReader:
    """The response side of the socket, for http.client: reads bounded by the deadline.

    Keeps the bytes consumed while ``capture`` is on (the response head), exactly as they
    came. Holds its own reference to the socket (as ``socket.makefile`` does), because
    http.client closes the connection as soon as the head is read when the response ends
    with the connection.
    """

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)
        self._deadline = deadline
        self._buffer = bytearray()
        self._eof = False
        self._capture: bytearray | None = bytearray()

    def stop_capture(self) -> bytearray:
        """End the capture of consumed bytes and return what was captured."""
        captured, self._capture = self._capture or bytearray(), None
        return captured

    def readline(self, limit: int = -1) -> bytes:
        """Bytes up to and including the next newline (at most ``limit``)."""
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                end = newline + 1
                break
            if (0 <= limit <= len(self._buffer)) or not self._fill():
                end = len(self._buffer)
                break
        return self._take(min(end, limit) if limit >= 0 else end)

    def read(self, size: int | None = -1) -> bytes:
        """``size`` bytes, fewer only at the end of the stream (all of it for -1)."""
        while (size is None or size < 0 or len(self._buffer) < size) and self._fill():
            pass
        return self._take(len(self._buffer) if size is None or size < 0 else size)

    def readinto(self, target: Any) -> int:
        """Fill ``target`` like :meth:`read`; return the count."""
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def flush(self) -> None:
        """Nothing to flush (http.client calls this on close)."""

    def close(self) -> None:
        """Drop this reader's reference to the socket."""
        self._raw.close()

    def _fill(self) -> bool:
        if self._eof:
            return False
        self._sock.settimeout(self._deadline.remaining())
        chunk = self._raw.read(BLOCK_SIZE)
        if not chunk:
            self._eof = True
            return False
        self._buffer += chunk
        return True

    def _take(self, count: int) -> bytes:
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        if self._capture is not None:
            self._capture += data
        return data


class _RecordingResponse(http.client.HTTPResponse):
    """An HTTPResponse reading through a :class:`_WireReader`."""

    def __init__(self, sock: socket.socket, *args: Any, deadline: _Deadline, **kwargs: Any):
        super().__init__(sock, *args, **kwargs)
        self.fp.close()  # the buffered file http.client made: replaced by the wire reader
        self.wire = _WireReader(sock, deadline)
        self.fp = self.wire  # type: ignore[assignment]


class _RecordingConnection(http.client.HTTPConnection):
    """An HTTP connection that keeps what it sends and bounds everything by a deadline."""

    def __init__(
        self,
        host: str,
        port: int | None,
        limits: Limits,
        deadline: _Deadline,
        guard: AddressGuard | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(host, port, timeout=limits.connect_timeout, **kwargs)
        if guard is not None:  # http.client connects through this attribute
            self._create_connection = guard.connect  # type: ignore[method-assign]
        self.deadline = deadline
        self.connect_timeout = limits.connect_timeout
        self.sent = bytearray()
        self.ip_address: str | None = None
        self.response_class = functools.partial(_RecordingResponse, deadline=deadline)  # type: ignore[assignment]

    def connect(self) -> None:
        """Connect within the connect timeout (and what is left of the total)."""
        if self.sock is not None:
            return
        self.timeout = min(self.connect_timeout, self.deadline.remaining())
        super().connect()
        self.ip_address = self._peer_address()

    def _peer_address(self) -> str:
        # A method of its own: in ``connect`` mypy keeps ``self.sock`` narrowed to None by the
        # early return, not seeing that ``super().connect()`` sets it.
        return self.sock.getpeername()[0]

    def getresponse(self) -> _RecordingResponse:
        """The response, read by :class:`_RecordingResponse` (our ``response_class``)."""
        # typeshed types ``getresponse`` as returning ``HTTPResponse`` whatever
        # ``response_class`` is; the cast only tells mypy what __init__ arranged.
        return cast(_RecordingResponse, super().getresponse())

    def send(self, data: Any) -> None:
        """Send ``data``, keeping a copy for the request record."""
        self.sock.settimeout(self.deadline.remaining())
        self.sent += data
        super().send(data)


class _RecordingHTTPSConnection(_RecordingConnection, http.client.HTTPSConnection):
    """The same over TLS (certificates verified against the system's trust store)."""


def _connection(
    parts: SplitResult,
    limits: Limits,
    deadline: _Deadline,
    tls: ssl.SSLContext | None,
    guard: AddressGuard | None,
) -> _RecordingConnection:
    host = parts.hostname or ""
    # An explicit port: given None, http.client takes an IPv6 address's last group for one.
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme == "https":
        context = tls or ssl.create_default_context()
        return _RecordingHTTPSConnection(host, port, limits, deadline, guard, context=context)
    return _RecordingConnection(host, port, limits, deadline, guard)

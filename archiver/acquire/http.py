"""HTTP capture: fetch a page and its requisites, recording every exchange as WARC records.

:func:`capture_url` fetches the page (following up to ten redirects, each hop recorded),
checks that it is an HTML page that came back whole, then fetches the images and stylesheets
it needs (found by :mod:`archiver.acquire.requisites`, then in the stylesheets themselves)
concurrently with a bounded thread pool. Each exchange becomes a ``request`` record and a
``response`` record (or a ``revisit``, profile identical-payload-digest, when the same payload
was already recorded in this capture), written to one file of gzip members in the work folder.
How the bytes and digests of each exchange are kept is described in
:mod:`archiver.acquire.client`.

Failures of the page are :class:`~archiver.errors.CaptureError` naming the URL; failures of a
requisite never are: a requisite that answered (a 404, a 500) is recorded as it answered and
noted in ``Capture.problems``, one that did not (timeout, reset, too large) is only noted.
Transient failures (connection refused or reset, HTTP 502/503/504) are retried with
exponential backoff; only the last attempt is recorded. With ``robots="obey"``, each host's
robots.txt is fetched (and recorded) before its first URL, and disallowed URLs are refused.

This module does not interpret the page (that is the extract stage's job) and writes nothing
outside the work folder it is given.
"""

from __future__ import annotations

import functools
import shutil
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from archiver._version import __version__
from archiver.acquire.client import (
    Exchange,
    FetchError,
    Limits,
    ResponseHead,
    fetch,
    wire_url,
)
from archiver.acquire.requisites import (
    IMAGE,
    STYLESHEET,
    Requisite,
    dedupe,
    page_requisites,
    stylesheet_requisites,
)
from archiver.errors import CaptureError, SourceTooLargeError
from archiver.model import Capture, CapturedRecord, FetchOptions
from archiver.warc import WarcFile, new_record_id, warc_date

RECORDS_FILE = "capture.records.warc.gz"
SPOOL_DIR = "http-spool"
PROJECT_URL = "https://archiver.invalid/"
MAX_REDIRECTS = 10
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({502, 503, 504})
HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml")
BACKOFF_SECONDS = 0.5  # the first retry waits this long, each further one twice as long
MAX_STYLESHEET_BYTES = 4 * 1024 * 1024  # read at most this much of a stylesheet for url(...)
MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309: parse at least the first 500 KiB
PAGE = "page"
ROBOTS = "robots"
ACCEPT = {
    PAGE: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    IMAGE: "image/avif,image/webp,image/png,image/*;q=0.8,*/*;q=0.5",
    STYLESHEET: "text/css,*/*;q=0.1",
    ROBOTS: "text/plain,*/*;q=0.1",
}


def default_user_agent() -> str:
    """The User-Agent sent unless the options name another."""
    return f"archiver/{__version__} (+{PROJECT_URL})"


def capture_url(
    source: str,
    workdir: Path,
    *,
    clock: Callable[[], datetime],
    options: FetchOptions,
    sleep: Callable[[float], None] = time.sleep,
) -> Capture:
    """Fetch the page at ``source`` and its requisites, recording everything in ``workdir``.

    ``sleep`` waits between retries (injected so tests need not wait). Raises
    :class:`CaptureError` naming ``source`` when the page cannot be captured.
    """
    try:
        url = wire_url(source)
    except FetchError as exc:
        raise CaptureError(exc.message, subject=source) from None
    options = replace(options, user_agent=options.user_agent or default_user_agent())
    spool = workdir / SPOOL_DIR
    spool.mkdir(parents=True, exist_ok=True)
    records_path = workdir / RECORDS_FILE
    captured_at = clock()
    try:
        with records_path.open("wb") as out:
            session = _Session(options, spool, _Recorder(WarcFile(out)), clock, sleep)
            page = session.fetch_page(url, source)
            problems = _capture_requisites(session, page) if options.requisites else []
    finally:
        shutil.rmtree(spool, ignore_errors=True)
    return Capture(
        source=source,
        kind="http",
        target_uri=page.final_url,
        media_type=page.media_type,
        document=page.document,
        captured_at=captured_at,
        records_path=records_path,
        main_record_id=page.fetched.record.record_id,
        records=session.recorder.records,
        final_url=page.final_url,
        status=page.fetched.response.status,
        options=tuple((f.name, str(getattr(options, f.name))) for f in fields(options)),
        problems=tuple(problems),
    )


# --- What was fetched -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Purpose:
    """Why a URL is fetched, and so how: what to accept, what to check, what to keep."""

    kind: str  # PAGE, IMAGE, STYLESHEET or ROBOTS
    referer: str | None = None
    check_head: Callable[[ResponseHead], None] | None = None
    dedupe: bool = True  # may be recorded as a revisit of an identical earlier payload
    keep_body: int = 0  # bytes of the final body to keep in memory
    obey_robots: bool = True


@dataclass(frozen=True)
class _Fetched:
    """A URL fetched to the end of its redirects."""

    chain: tuple[str, ...]  # every URL requested, the first as asked, the last final
    response: ResponseHead
    record: CapturedRecord
    body: bytes | None

    @property
    def final_url(self) -> str:
        return self.chain[-1]

    def hops(self) -> str:
        """``" (after N redirects)"`` when there were any, for messages."""
        count = len(self.chain) - 1
        return f" (after {count} redirect{'s' * (count > 1)})" if count else ""


@dataclass(frozen=True)
class _Page:
    """The captured page: where it ended up and its decoded document."""

    fetched: _Fetched
    media_type: str
    document: bytes

    @property
    def final_url(self) -> str:
        return self.fetched.final_url


@dataclass(frozen=True)
class _Original:
    """A response record whose payload a later revisit refers to."""

    record_id: str
    uri: str
    date: str


# --- Recording ------------------------------------------------------------------------------


class _Recorder:
    """Writes each exchange as WARC records, one thread at a time; spots duplicate payloads."""

    def __init__(self, warc: WarcFile) -> None:
        self._warc = warc
        self._lock = threading.Lock()
        self._originals: dict[str, _Original] = {}
        self._records: list[CapturedRecord] = []

    @property
    def records(self) -> tuple[CapturedRecord, ...]:
        """One entry per response or revisit record, in the order written."""
        with self._lock:
            return tuple(self._records)

    def record(self, exchange: Exchange, date: datetime, *, dedupe: bool) -> CapturedRecord:
        """Write the request and the response (or a revisit) of ``exchange``."""
        with self._lock:
            original = None
            if dedupe and exchange.body_length:
                original = self._originals.get(exchange.payload_digest)
            response_id = new_record_id()
            address = {"WARC-IP-Address": exchange.ip_address} if exchange.ip_address else {}
            self._warc.http_record(
                "request",
                exchange.url,
                exchange.request_message(),
                date,
                {**address, "WARC-Concurrent-To": response_id},
            )
            extra = {"WARC-Record-ID": response_id, **address}
            if original is not None:
                record_type = "revisit"
                self._write_revisit(exchange, date, extra, original)
            else:
                record_type = "response"
                with exchange.body_path.open("rb") as body:
                    message = exchange.response_message(body)
                    self._warc.http_record(record_type, exchange.url, message, date, extra)
                if exchange.body_length:
                    self._originals.setdefault(
                        exchange.payload_digest,
                        _Original(response_id, exchange.url, warc_date(date)),
                    )
            captured = CapturedRecord(
                response_id,
                record_type,
                exchange.url,
                status=exchange.response.status,
                media_type=exchange.response.media_type,
                payload_digest=exchange.payload_digest,
            )
            self._records.append(captured)
            return captured

    def _write_revisit(
        self, exchange: Exchange, date: datetime, extra: dict[str, str], original: _Original
    ) -> None:
        refers = {
            "WARC-Refers-To": original.record_id,
            "WARC-Refers-To-Target-URI": original.uri,
            "WARC-Refers-To-Date": original.date,
        }
        message = exchange.revisit_message()
        self._warc.http_record("revisit", exchange.url, message, date, {**extra, **refers})


# --- Fetching -------------------------------------------------------------------------------


class _Session:
    """Everything one capture's fetches share: limits, manners, the recorder, robots rules."""

    def __init__(
        self,
        options: FetchOptions,
        spool: Path,
        recorder: _Recorder,
        clock: Callable[[], datetime],
        sleep: Callable[[float], None],
    ) -> None:
        self.options = options
        self.recorder = recorder
        self._spool = spool
        self._clock = clock
        self._sleep = sleep
        self._user_agent = options.user_agent or default_user_agent()
        self._limits = Limits(
            connect_timeout=options.connect_timeout,
            total_timeout=options.total_timeout,
            max_body_bytes=options.max_response_bytes,
        )
        self._robots = _Robots(self) if options.robots == "obey" else None

    def fetch_page(self, url: str, source: str) -> _Page:
        """Fetch the page itself: it must end in a 2xx HTML response that decodes."""
        purpose = _Purpose(
            PAGE,
            check_head=_check_page_head,
            dedupe=False,
            keep_body=self.options.max_response_bytes,
        )
        try:
            fetched = self.fetch(url, purpose)
            return _decoded_page(fetched, self.options.max_response_bytes)
        except CaptureError as exc:
            raise _about(exc, source, url) from None

    def fetch(self, url: str, purpose: _Purpose) -> _Fetched:
        """Fetch ``url`` and every redirect after it, recording each exchange."""
        chain = [url]
        while True:
            if purpose.obey_robots and self._robots and not self._robots.allowed(url):
                raise CaptureError(f"refused by {_origin(url)}/robots.txt", subject=url)
            exchange, date = self._attempts(url, purpose)
            try:
                record = self.recorder.record(exchange, date, dedupe=purpose.dedupe)
                location = _redirect_target(exchange.response)
                if location is None:
                    body = exchange.read_body(purpose.keep_body) if purpose.keep_body else None
                    return _Fetched(tuple(chain), exchange.response, record, body)
            finally:
                exchange.discard()
            url = _next_hop(chain, location)
            chain.append(url)

    def _attempts(self, url: str, purpose: _Purpose) -> tuple[Exchange, datetime]:
        """One exchange, tried again after transient failures; the last one is returned."""
        retries = max(0, self.options.retries)
        for attempt in range(retries + 1):
            if attempt:
                self._sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
            date = self._clock()
            try:
                exchange = fetch(
                    url, self._limits, self._spool, self._headers(purpose), purpose.check_head
                )
            except FetchError as exc:
                if exc.transient and attempt < retries:
                    continue
                raise
            if exchange.response.status in TRANSIENT_STATUSES and attempt < retries:
                exchange.discard()
                continue
            return exchange, date
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _headers(self, purpose: _Purpose) -> dict[str, str]:
        headers = {
            "User-Agent": self._user_agent,
            "Accept": ACCEPT[purpose.kind],
            "Accept-Encoding": "gzip, deflate",
        }
        if purpose.referer:
            headers["Referer"] = purpose.referer
        headers["Connection"] = "close"
        return headers


def _check_page_head(head: ResponseHead) -> None:
    """Give up on the page before its body when the head already says it will not do."""
    if head.status in REDIRECT_STATUSES and head.header("Location"):
        return
    if head.status in TRANSIENT_STATUSES:
        return  # retried, and judged after the last attempt
    if not 200 <= head.status < 300:
        raise CaptureError(f"HTTP {head.status} {head.reason}".strip(), subject=head.url)
    if head.media_type and head.media_type not in HTML_MEDIA_TYPES:
        raise CaptureError(f"not an HTML page (Content-Type {head.media_type})", subject=head.url)


def _decoded_page(fetched: _Fetched, limit: int) -> _Page:
    """The page's document decoded from its Content-Encoding, checked to be HTML."""
    response = fetched.response
    if not 200 <= response.status < 300:  # a transient status on the last attempt
        raise CaptureError(f"HTTP {response.status} {response.reason}".strip(),
                           subject=fetched.final_url)
    try:
        document = decode_body(fetched.body or b"", response.content_codings, limit)
    except _DecodedTooLarge as exc:
        raise SourceTooLargeError(str(exc), subject=fetched.final_url) from None
    except _DecodeError as exc:
        raise CaptureError(f"the page body cannot be decoded: {exc}",
                           subject=fetched.final_url) from None
    media_type = response.media_type or (HTML_MEDIA_TYPES[0] if looks_like_html(document) else "")
    if media_type not in HTML_MEDIA_TYPES:
        raise CaptureError("not an HTML page (no Content-Type, and the body is not HTML)",
                           subject=fetched.final_url)
    return _Page(fetched, media_type, document)


def _about(exc: CaptureError, source: str, url: str) -> CaptureError:
    """``exc`` re-addressed to the URL the user gave, naming the hop where it happened."""
    where = "" if exc.subject in (source, url) else f" (at {exc.subject})"
    message = exc.message + where
    if isinstance(exc, SourceTooLargeError):
        return SourceTooLargeError(message, subject=source)
    return CaptureError(message, subject=source)


def _redirect_target(response: ResponseHead) -> str | None:
    """The absolute URL a redirect response points to, or None when it is not a redirect."""
    location = response.header("Location")
    if response.status not in REDIRECT_STATUSES or not location:
        return None
    return urljoin(response.url, location.strip())


def _next_hop(chain: list[str], location: str) -> str:
    """The URL to request after a redirect to ``location``; raises for bad redirects."""
    here = chain[-1]
    scheme = urlsplit(location).scheme.lower()
    if scheme not in ("http", "https"):
        raise CaptureError(f"redirect to a non-http(s) URL: {location}", subject=here)
    try:
        url = wire_url(location)
    except FetchError as exc:
        raise CaptureError(f"redirect to a bad URL {location!r}: {exc.message}",
                           subject=here) from None
    if url in chain:
        raise CaptureError(f"redirect loop: {' -> '.join([*chain[chain.index(url):], url])}",
                           subject=chain[0])
    if len(chain) > MAX_REDIRECTS:
        raise CaptureError(f"more than {MAX_REDIRECTS} redirects", subject=chain[0])
    return url


# --- Requisites -----------------------------------------------------------------------------


def _capture_requisites(session: _Session, page: _Page) -> list[str]:
    """Fetch what the page needs, wave by wave (stylesheets name more); return the problems."""
    options = session.options
    problems: list[str] = []
    charset = page.fetched.response.charset
    pending = _on_the_wire(page_requisites(page.document, page.final_url, charset), problems)
    done = set(page.fetched.chain)
    budget, skipped = options.max_requisites, 0
    fetch_one = functools.partial(_fetch_requisite, session, page.final_url)
    with ThreadPoolExecutor(max(1, options.concurrency), "archiver-requisite") as pool:
        while pending:
            wave = [r for r in dedupe(pending) if r.url not in done]
            done.update(r.url for r in wave)
            skipped += max(0, len(wave) - budget)
            wave = wave[: max(0, budget)]
            budget -= len(wave)
            pending = []
            for problem, found in pool.map(fetch_one, wave):
                if problem:
                    problems.append(problem)
                pending += _on_the_wire(found, problems)
    if skipped:
        problems.append(
            f"{skipped} more page requisites not fetched: over the limit of "
            f"{options.max_requisites}"
        )
    return problems


def _on_the_wire(requisites: list[Requisite], problems: list[str]) -> list[Requisite]:
    """The requisites with their URLs as requested (see ``wire_url``); bad ones are problems."""
    kept = []
    for requisite in requisites:
        try:
            kept.append(replace(requisite, url=wire_url(requisite.url)))
        except FetchError as exc:
            problems.append(f"{requisite.url}: {exc.message}")
    return kept


def _fetch_requisite(
    session: _Session, referer: str, requisite: Requisite
) -> tuple[str | None, list[Requisite]]:
    """Fetch one requisite; return the problem it had, if any, and what it refers to."""
    keep = MAX_STYLESHEET_BYTES if requisite.kind == STYLESHEET else 0
    purpose = _Purpose(requisite.kind, referer=_referer(referer, requisite.url), keep_body=keep)
    try:
        fetched = session.fetch(requisite.url, purpose)
    except CaptureError as exc:
        where = "" if exc.subject == requisite.url else f" (at {exc.subject})"
        return f"{requisite.url}: {exc.message}{where}", []
    response = fetched.response
    if response.status >= 400:
        status = f"HTTP {response.status} {response.reason}".strip()
        return f"{requisite.url}: {status}{fetched.hops()} (response recorded)", []
    if requisite.kind != STYLESHEET or not 200 <= response.status < 300:
        return None, []
    try:
        css = decode_body(fetched.body or b"", response.content_codings, MAX_STYLESHEET_BYTES)
    except _DecodeError as exc:
        return f"{requisite.url}: stylesheet not searched for images: {exc}", []
    text = css.decode(_codec(response.charset), errors="replace")
    return None, stylesheet_requisites(text, fetched.final_url)


def _referer(page_url: str, url: str) -> str | None:
    """The Referer a browser would send: none from an https page to an http URL."""
    if page_url.startswith("https:") and url.startswith("http:"):
        return None
    return page_url


def _codec(charset: str | None) -> str:
    import codecs

    try:
        return codecs.lookup(charset or "utf-8").name
    except LookupError:
        return "utf-8"


# --- robots.txt -----------------------------------------------------------------------------


class _Robots:
    """Each host's robots.txt, fetched (and recorded) once, before the host's first URL.

    Following RFC 9309: a 4xx answer allows everything; a 5xx answer or no answer at all
    disallows everything; otherwise the rules for our User-Agent product token apply.
    """

    def __init__(self, session: _Session) -> None:
        self._session = session
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, RobotFileParser] = {}

    def allowed(self, url: str) -> bool:
        """True when robots.txt lets us fetch ``url``."""
        origin = _origin(url)
        with self._lock:
            origin_lock = self._origin_locks.setdefault(origin, threading.Lock())
        with origin_lock:
            rules = self._rules.get(origin)
            if rules is None:
                rules = self._rules[origin] = self._load(origin)
        return rules.can_fetch(self._session.options.user_agent or default_user_agent(), url)

    def _load(self, origin: str) -> RobotFileParser:
        rules = _RobotRules(f"{origin}/robots.txt")
        purpose = _Purpose(ROBOTS, keep_body=MAX_ROBOTS_BYTES, obey_robots=False)
        try:
            fetched = self._session.fetch(f"{origin}/robots.txt", purpose)
        except CaptureError:
            rules.disallow_all = True
            return rules
        status = fetched.response.status
        if 200 <= status < 300:
            rules.parse(_robots_lines(fetched))
        elif 400 <= status < 500:
            rules.allow_all = True
        else:
            rules.disallow_all = True
        return rules


class _RobotRules(RobotFileParser):
    """A ``RobotFileParser``, declaring the verdict flags its ``__init__`` sets.

    ``allow_all`` and ``disallow_all`` are real (``can_fetch`` consults them) but missing
    from typeshed's stubs; the annotations add nothing at run time.
    """

    allow_all: bool
    disallow_all: bool


def _robots_lines(fetched: _Fetched) -> list[str]:
    try:
        body = decode_body(fetched.body or b"", fetched.response.content_codings, MAX_ROBOTS_BYTES)
    except _DecodeError:
        return []
    return body.decode("utf-8", errors="replace").splitlines()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --- Content codings ------------------------------------------------------------------------


class _DecodeError(ValueError):
    """A body that does not decode from its Content-Encoding."""


class _DecodedTooLarge(_DecodeError):
    """A body that decodes to more than it may (a decompression bomb, or just too big)."""


_GZIP_WBITS = 16 + zlib.MAX_WBITS


def decode_body(body: bytes, codings: list[str], limit: int) -> bytes:
    """``body`` with its content codings (``gzip``, ``deflate``) undone, at most ``limit`` bytes.

    Raises :class:`_DecodeError` for data that does not decompress, an unknown coding, or a
    result longer than ``limit`` (:class:`_DecodedTooLarge`).
    """
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            body = _inflate(body, _GZIP_WBITS, limit, coding)
        elif coding == "deflate":
            try:
                body = _inflate(body, zlib.MAX_WBITS, limit, coding)
            except _DecodedTooLarge:
                raise
            except _DecodeError:  # many servers send raw deflate without the zlib wrapper
                body = _inflate(body, -zlib.MAX_WBITS, limit, coding)
        else:
            raise _DecodeError(f"unsupported Content-Encoding {coding!r}")
    return body


def _inflate(data: bytes, wbits: int, limit: int, coding: str) -> bytes:
    """Decompress ``data`` (every member, for gzip); at most ``limit`` bytes out."""
    out = bytearray()
    while True:
        inflater = zlib.decompressobj(wbits)
        try:
            out += inflater.decompress(data, limit + 1 - len(out))
        except zlib.error as exc:
            raise _DecodeError(f"{coding} data does not decompress ({exc})") from None
        if len(out) > limit or inflater.unconsumed_tail:
            raise _DecodedTooLarge(f"{coding} data decompresses to more than {limit} bytes")
        if not inflater.eof:
            raise _DecodeError(f"{coding} data is truncated")
        data = inflater.unused_data
        if wbits != _GZIP_WBITS or not data.startswith(b"\x1f\x8b"):
            return bytes(out)


def looks_like_html(document: bytes) -> bool:
    """True when the start of ``document`` reads like HTML (for pages without Content-Type)."""
    start = document[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<!--"))

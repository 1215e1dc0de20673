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
robots.txt is fetched (and recorded) before its first URL, and disallowed URLs are refused
(RFC 9309 rules, :mod:`archiver.acquire.robots`).

What a capture may cost and reach, beyond one exchange's limits:

- *Addresses*: requisites and redirects reach only the kinds of address the policy of
  :mod:`archiver.acquire.addresses` allows (public ones, the page's own kind, or any with
  ``allow_private``); a refused URL is noted, never fetched.
- *Time*: the whole capture has a deadline (``capture_timeout``). The page itself is bounded
  only by its own timeouts; requisites are cut off at the deadline (in-flight ones stopped,
  the rest not started), and the cut is noted.
- *Size*: the bodies of all responses together stay within ``max_total_bytes``; the page's
  bytes count first, and requisites stop once the budget is spent (noted).
- *Parsing*: the page is decoded as a stream and only its first part (see
  :func:`archiver.htmlrefs.parsed_part`) is kept for the extractors and searched for
  requisites; every byte still goes into the WARC, and a page read only in part is noted.

One implementation of all this serves both kinds of web capture: :class:`FetchSession` holds
what a capture's fetches share (the address guard, robots rules, retries, the deadline, the
size budget and the :class:`Recorder`), and fetches one URL for a :class:`Purpose`, either one
exchange (:meth:`FetchSession.exchange`, which the browser capture's recording proxy uses for
each request the browser makes) or to the end of its redirects (:meth:`FetchSession.fetch`).

This module does not interpret the page (that is the extract stage's job) and writes nothing
outside the work folder it is given.
"""

from __future__ import annotations

import functools
import shutil
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from archiver._version import __version__
from archiver.acquire import readable_part
from archiver.acquire.addresses import policy_for
from archiver.acquire.client import (
    AddressGuard,
    AddressRefused,
    ByteBudget,
    Exchange,
    FetchError,
    Limits,
    Resolver,
    ResponseHead,
    fetch,
    system_resolver,
    wire_url,
)
from archiver.acquire.codings import Decoded, DecodedTooLarge, DecodeError, decode_file
from archiver.acquire.requisites import (
    IMAGE,
    STYLESHEET,
    Requisite,
    dedupe,
    page_requisites,
    stylesheet_requisites,
)
from archiver.acquire.robots import RobotsRules
from archiver.charsets import text_codec
from archiver.errors import CaptureError, SourceTooLargeError
from archiver.htmlrefs import MAX_PARSED_BYTES
from archiver.model import Capture, CapturedRecord, CaptureProblem, FetchOptions
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
    resolve: Resolver = system_resolver,
) -> Capture:
    """Fetch the page at ``source`` and its requisites, recording everything in ``workdir``.

    ``sleep`` waits between retries and ``resolve`` turns host names into addresses (both
    injected, so tests need not wait or own a DNS server). Raises :class:`CaptureError`
    naming ``source`` when the page cannot be captured.
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
            recorder = Recorder(WarcFile(out))
            session = FetchSession(options, spool, recorder, clock=clock, sleep=sleep,
                                   resolve=resolve)
            page = _fetch_page(session, url, source)
            problems = list(page.problems)
            needed: Counter[str] = Counter()
            if options.requisites:
                problems += _capture_requisites(session, page, needed)
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
        requisites=tuple(needed.items()),
    )


# --- What was fetched -----------------------------------------------------------------------


@dataclass(frozen=True)
class Purpose:
    """Why a URL is fetched, and so how: what to send and accept, what to check, what to keep.

    ``kind`` is :data:`PAGE` for the page itself (and each hop of its redirects), which is
    fetched within its own limits; every other kind is fetched within what is left of the
    capture's deadline and size budget. ``headers``, when given, are sent as they are (a
    browser's request, forwarded) instead of archiver's own.
    """

    kind: str  # PAGE, IMAGE, STYLESHEET, ROBOTS, or another kind of requisite
    referer: str | None = None
    check_head: Callable[[ResponseHead], None] | None = None
    dedupe: bool = True  # may be recorded as a revisit of an identical earlier payload
    keep: int = 0  # bytes of the final 2xx body to keep, decoded from its Content-Encoding
    decode_limit: int | None = None  # the body may decode to at most this (None: stop at keep)
    obey_robots: bool = True
    headers: Mapping[str, str] | None = None

    @property
    def is_page(self) -> bool:
        return self.kind == PAGE


@dataclass(frozen=True)
class Recorded:
    """One exchange fetched and recorded. Its spooled body is the caller's: :meth:`discard`."""

    exchange: Exchange
    record: CapturedRecord

    @property
    def redirect_to(self) -> str | None:
        """The absolute URL the response redirects to, or None when it is not a redirect."""
        return _redirect_target(self.exchange.response)

    def discard(self) -> None:
        """Remove the spooled body."""
        self.exchange.discard()


@dataclass(frozen=True)
class _Fetched:
    """A URL fetched to the end of its redirects."""

    chain: tuple[str, ...]  # every URL requested, the first as asked, the last final
    response: ResponseHead
    record: CapturedRecord
    decoded: Decoded | None  # the start of the final body, when the purpose keeps some

    @property
    def final_url(self) -> str:
        return self.chain[-1]

    @property
    def text(self) -> bytes:
        """The decoded bytes kept (empty when none were)."""
        return self.decoded.data if self.decoded else b""

    def hops(self) -> str:
        """``" (after N redirects)"`` when there were any, for messages."""
        count = len(self.chain) - 1
        return f" (after {count} redirect{'s' * (count > 1)})" if count else ""


@dataclass(frozen=True)
class _Page:
    """The captured page: where it ended up, the part of it that is read, what was noted."""

    fetched: _Fetched
    media_type: str
    document: bytes  # the part of the decoded page that is parsed (htmlrefs.parsed_part)
    problems: tuple[CaptureProblem, ...] = ()

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


class Recorder:
    """Writes each exchange as WARC records, one thread at a time; spots duplicate payloads.

    Once :meth:`close` is called nothing more is written (a browser capture's fetch that was
    still running when the page was done).
    """

    def __init__(self, warc: WarcFile) -> None:
        self._warc = warc
        self._lock = threading.Lock()
        self._open = True
        self._originals: dict[str, _Original] = {}
        self._records: list[CapturedRecord] = []

    @property
    def records(self) -> tuple[CapturedRecord, ...]:
        """One entry per response or revisit record, in the order written."""
        with self._lock:
            return tuple(self._records)

    def close(self) -> None:
        """Refuse every record from now on (waits for one being written)."""
        with self._lock:
            self._open = False

    def record(self, exchange: Exchange, date: datetime, *, dedupe: bool) -> CapturedRecord:
        """Write the request and the response (or a revisit) of ``exchange``.

        Raises :class:`CaptureError` once the recorder is closed.
        """
        with self._lock:
            if not self._open:
                raise CaptureError("not recorded: the capture was over", subject=exchange.url)
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


class _OutOfTime(CaptureError):
    """The capture's deadline passed before this URL could be fetched."""


class FetchSession:
    """Everything one web capture's fetches share, static or through a browser: limits,
    manners, the recorder, robots rules, the address policy, the deadline and the size budget.

    Each fetch (:meth:`exchange` for one request, :meth:`fetch` to the end of its redirects)
    is checked against the address policy (set from the page by :meth:`guard_page`) and
    robots.txt, retried after transient failures, bounded by what is left of the capture's
    deadline and size budget (the page's own exchanges excepted), and recorded. ``sleep``
    waits between retries, ``resolve`` turns host names into addresses, ``tls`` replaces the
    TLS context for servers (all three injected by tests).
    """

    def __init__(
        self,
        options: FetchOptions,
        spool: Path,
        recorder: Recorder,
        *,
        clock: Callable[[], datetime],
        sleep: Callable[[float], None] = time.sleep,
        resolve: Resolver = system_resolver,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.options = options
        self.recorder = recorder
        self._spool = spool
        self._clock = clock
        self._sleep = sleep
        self._resolve = resolve
        self._tls = tls
        self.user_agent = options.user_agent or default_user_agent()
        self._deadline = time.monotonic() + options.capture_timeout
        self.budget = ByteBudget(options.max_total_bytes)
        self._guard: AddressGuard | None = None  # set from the page's own addresses
        self._robots = _Robots(self) if options.robots == "obey" else None

    # --- the capture-wide limits

    def time_left(self) -> float:
        """Seconds until the capture's deadline (negative once it passed)."""
        return self._deadline - time.monotonic()

    def deadline_note(self) -> str:
        """What a requisite cut by the deadline is told."""
        return f"the capture's deadline of {self.options.capture_timeout:g} s passed"

    def budget_note(self) -> str:
        """What a requisite cut by the size budget is told."""
        return f"the capture's total size budget of {self.budget.total} bytes is spent"

    def why_not_start(self) -> str | None:
        """Why a requisite may no longer be fetched (deadline passed, budget spent), or None."""
        if self.time_left() <= 0:
            return self.deadline_note()
        if self.budget.spent:
            return self.budget_note()
        return None

    def failure_note(self, exc: CaptureError) -> str:
        """What a requisite that failed with ``exc`` is told: cut off, once the deadline
        passed (whatever the exchange reported), else ``exc``'s own message."""
        if self.time_left() <= 0 and not isinstance(exc, _OutOfTime):
            return f"cut off: {self.deadline_note()}"
        return exc.message

    # --- the address policy

    def guard_page(self, url: str) -> None:
        """Set the address policy from the page at ``url``: the kinds of address it is on.

        Raises :class:`FetchError` when its host name does not resolve.
        """
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        if self.options.allow_private:
            self._guard = AddressGuard(policy_for((), True), self._resolve)
            return
        try:
            addresses = self._resolve(host, port)
        except (OSError, UnicodeError):
            raise FetchError(f"cannot resolve host name {host!r}", subject=url) from None
        self._guard = AddressGuard(policy_for(addresses, False), self._resolve)

    def _check_address(self, url: str) -> None:
        """Raise :class:`CaptureError` when ``url``'s host is on a refused address."""
        if self._guard is None:
            return
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            self._guard.addresses(parts.hostname or "", port)
        except (OSError, UnicodeError):
            return  # the fetch itself reports a name that does not resolve
        except AddressRefused as exc:
            raise CaptureError(str(exc), subject=url) from None

    # --- fetching

    def fetch(self, url: str, purpose: Purpose) -> _Fetched:
        """Fetch ``url`` and every redirect after it, recording each exchange.

        Raises :class:`CaptureError` (:class:`_Undecodable` when the final body, kept for
        the purpose, does not decode).
        """
        chain = [url]
        while True:
            recorded = self.exchange(url, purpose)
            try:
                location = recorded.redirect_to
                if location is None:
                    decoded = _decode(recorded.exchange, purpose)
                    response = recorded.exchange.response
                    return _Fetched(tuple(chain), response, recorded.record, decoded)
            finally:
                recorded.discard()
            url = _next_hop(chain, location)
            chain.append(url)

    def exchange(self, url: str, purpose: Purpose) -> Recorded:
        """Fetch ``url`` once (no redirect followed) and record the exchange; the caller
        must :meth:`~Recorded.discard` it. Raises :class:`CaptureError`."""
        if purpose.obey_robots and self._robots:
            self._check_address(url)  # a refused address is not worth a robots.txt
            if not self._robots.allowed(url):
                raise CaptureError(f"refused by {_origin(url)}/robots.txt", subject=url)
        exchange, date = self._attempts(url, purpose)
        try:
            record = self.recorder.record(exchange, date, dedupe=purpose.dedupe)
        except BaseException:
            exchange.discard()
            raise
        if purpose.is_page:
            self.budget.charge(exchange.body_length)
        return Recorded(exchange, record)

    def _attempts(self, url: str, purpose: Purpose) -> tuple[Exchange, datetime]:
        """One exchange, tried again after transient failures; the last one is returned,
        with the time it was started."""
        dates: list[datetime] = []

        def attempt() -> Exchange:
            dates.append(self._clock())
            return fetch(url, self._limits(url, purpose), self._spool, self._headers(purpose),
                         purpose.check_head, tls=self._tls, guard=self._guard)

        def wait(backoff: float) -> None:
            if not purpose.is_page and backoff >= self.time_left():
                raise _OutOfTime(f"not retried: {self.deadline_note()}", subject=url)
            self._sleep(backoff)

        exchange = with_retries(attempt, self.options.retries, wait)
        return exchange, dates[-1]

    def _limits(self, url: str, purpose: Purpose) -> Limits:
        """One exchange's limits: the page's own; anything else's within the capture's."""
        options = self.options
        if purpose.is_page:
            return Limits(options.connect_timeout, options.total_timeout,
                          options.max_response_bytes)
        left = self.time_left()
        if left <= 0:
            raise _OutOfTime(f"not fetched: {self.deadline_note()}", subject=url)
        return Limits(
            connect_timeout=min(options.connect_timeout, left),
            total_timeout=min(options.total_timeout, left),
            max_body_bytes=options.max_response_bytes,
            budget=self.budget,
        )

    def _headers(self, purpose: Purpose) -> Mapping[str, str]:
        if purpose.headers is not None:
            return purpose.headers
        headers = {
            "User-Agent": self.user_agent,
            "Accept": ACCEPT[purpose.kind],
            "Accept-Encoding": "gzip, deflate",
        }
        if purpose.referer:
            headers["Referer"] = purpose.referer
        headers["Connection"] = "close"
        return headers


def with_retries(
    attempt: Callable[[], Exchange], retries: int, wait: Callable[[float], None]
) -> Exchange:
    """``attempt()``, tried again up to ``retries`` times after a transient failure (a
    transient :class:`FetchError`, or a status in :data:`TRANSIENT_STATUSES`, whose exchange
    is discarded); ``wait(seconds)`` is called before each retry, the backoff doubling from
    :data:`BACKOFF_SECONDS`, and may raise to give up. The last exchange is returned (the
    caller's to discard), or the last attempt's error raised."""
    retries = max(0, retries)
    for number in range(retries + 1):
        if number:
            wait(BACKOFF_SECONDS * 2 ** (number - 1))
        try:
            exchange = attempt()
        except FetchError as exc:
            if exc.transient and number < retries:
                continue
            raise
        if exchange.response.status in TRANSIENT_STATUSES and number < retries:
            exchange.discard()
            continue
        return exchange
    raise AssertionError("unreachable: the last attempt returns or raises")


def _fetch_page(session: FetchSession, url: str, source: str) -> _Page:
    """Fetch the page itself: it must end in a 2xx HTML response that decodes."""
    purpose = Purpose(
        PAGE,
        check_head=_check_page_head,
        dedupe=False,
        keep=MAX_PARSED_BYTES,
        decode_limit=session.options.max_response_bytes,
    )
    try:
        session.guard_page(url)
        fetched = session.fetch(url, purpose)
        return _decoded_page(fetched)
    except _Undecodable as exc:
        message = f"the page body cannot be decoded: {exc.message}"
        raise _about(CaptureError(message, subject=exc.subject), source, url) from None
    except CaptureError as exc:
        raise _about(exc, source, url) from None


class _Undecodable(CaptureError):
    """A body that does not decode from its Content-Encoding (recorded all the same)."""


def _decode(exchange: Exchange, purpose: Purpose) -> Decoded | None:
    """The start of the exchange's body, decoded, when the purpose keeps some of a 2xx.

    Raises :class:`_Undecodable`, or :class:`SourceTooLargeError` past the purpose's limit.
    """
    if not purpose.keep or not 200 <= exchange.response.status < 300:
        return None
    codings = exchange.response.content_codings
    try:
        return decode_file(exchange.body_path, codings, purpose.keep, purpose.decode_limit)
    except DecodedTooLarge as exc:
        raise SourceTooLargeError(str(exc), subject=exchange.url) from None
    except DecodeError as exc:
        raise _Undecodable(str(exc), subject=exchange.url) from None


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


def _decoded_page(fetched: _Fetched) -> _Page:
    """The page: its document decoded (see ``fetch``), checked to be HTML, and the part of it
    that is read; a page read only in part is noted, one with nothing to read refused."""
    response = fetched.response
    if not 200 <= response.status < 300:  # a transient status on the last attempt
        raise CaptureError(f"HTTP {response.status} {response.reason}".strip(),
                           subject=fetched.final_url)
    decoded = fetched.decoded or Decoded(b"", 0)
    media_type = response.media_type or (
        HTML_MEDIA_TYPES[0] if looks_like_html(decoded.data) else ""
    )
    if media_type not in HTML_MEDIA_TYPES:
        raise CaptureError("not an HTML page (no Content-Type, and the body is not HTML)",
                           subject=fetched.final_url)
    document, problems = readable_part(decoded.data, decoded.length, fetched.final_url)
    return _Page(fetched, media_type, document, problems)


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


def _capture_requisites(
    session: FetchSession, page: _Page, needed: Counter[str]
) -> list[CaptureProblem]:
    """Fetch what the page needs, wave by wave (stylesheets name more); return the problems.

    ``needed`` counts, by kind, every distinct URL the page and its stylesheets name, fetched
    or not: what the problems are counted against.
    """
    options = session.options
    problems: list[CaptureProblem] = []
    charset = page.fetched.response.charset
    named = page_requisites(page.document, page.final_url, charset)
    pending = _on_the_wire(named, problems, needed)
    done = set(page.fetched.chain)
    budget, skipped = options.max_requisites, Counter[str]()
    fetch_one = functools.partial(_fetch_requisite, session, page.final_url)
    with ThreadPoolExecutor(max(1, options.concurrency), "archiver-requisite") as pool:
        while pending:
            wave = [r for r in dedupe(pending) if r.url not in done]
            done.update(r.url for r in wave)
            needed.update(r.kind for r in wave)
            skipped.update(r.kind for r in wave[max(0, budget):])
            wave = wave[: max(0, budget)]
            budget -= len(wave)
            pending = []
            for problem, more in pool.map(fetch_one, wave):
                if problem:
                    problems.append(problem)
                pending += _on_the_wire(more, problems, needed)
    reason = f"not fetched: over the limit of {options.max_requisites} page requisites"
    problems += [CaptureProblem(kind, reason, count=n) for kind, n in skipped.items()]
    return problems


def _on_the_wire(
    requisites: list[Requisite], problems: list[CaptureProblem], needed: Counter[str]
) -> list[Requisite]:
    """The requisites with their URLs as requested (see ``wire_url``); bad ones are problems
    (and counted in ``needed``: they are never fetched, so no wave counts them)."""
    kept = []
    for requisite in dedupe(requisites):
        try:
            kept.append(replace(requisite, url=wire_url(requisite.url)))
        except FetchError as exc:
            problems.append(CaptureProblem(requisite.kind, exc.message, requisite.url))
            needed[requisite.kind] += 1
    return kept


def _fetch_requisite(
    session: FetchSession, referer: str, requisite: Requisite
) -> tuple[CaptureProblem | None, list[Requisite]]:
    """Fetch one requisite; return the problem it had, if any, and what it refers to.

    A requisite is not started once the capture's deadline passed or its size budget is
    spent; one under way when the deadline passes is cut off.
    """
    kind, url = requisite.kind, requisite.url
    not_now = session.why_not_start()
    if not_now:
        return CaptureProblem(kind, f"not fetched: {not_now}", url), []
    keep = MAX_STYLESHEET_BYTES if kind == STYLESHEET else 0
    purpose = Purpose(kind, referer=_referer(referer, url), keep=keep)
    try:
        fetched = session.fetch(url, purpose)
    except _Undecodable as exc:
        reason = f"stylesheet not searched for images: {exc.message}"
        return CaptureProblem(kind, reason, url, missing=False), []
    except CaptureError as exc:
        where = "" if exc.subject == url else f" (at {exc.subject})"
        return CaptureProblem(kind, f"{session.failure_note(exc)}{where}", url), []
    response = fetched.response
    if response.status >= 400:
        status = f"HTTP {response.status} {response.reason}".strip()
        return CaptureProblem(kind, f"{status}{fetched.hops()} (response recorded)", url), []
    if requisite.kind != STYLESHEET or fetched.decoded is None:
        return None, []
    text = fetched.text.decode(text_codec(response.charset) or "utf-8", errors="replace")
    return None, stylesheet_requisites(text, fetched.final_url)


def _referer(page_url: str, url: str) -> str | None:
    """The Referer a browser would send: none from an https page to an http URL."""
    if page_url.startswith("https:") and url.startswith("http:"):
        return None
    return page_url


# --- robots.txt -----------------------------------------------------------------------------


class _Robots:
    """Each host's robots.txt, fetched (and recorded) once, before the host's first URL.

    Following RFC 9309: a 4xx answer allows everything; a 5xx answer or no answer at all
    disallows everything; otherwise the rules for our User-Agent product token apply.
    """

    def __init__(self, session: FetchSession) -> None:
        self._session = session
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, RobotsRules] = {}

    def allowed(self, url: str) -> bool:
        """True when robots.txt lets us fetch ``url``."""
        origin = _origin(url)
        with self._lock:
            origin_lock = self._origin_locks.setdefault(origin, threading.Lock())
        with origin_lock:
            rules = self._rules.get(origin)
            if rules is None:
                rules = self._rules[origin] = self._load(origin)
        return rules.allows(url, self._session.user_agent)

    def _load(self, origin: str) -> RobotsRules:
        purpose = Purpose(ROBOTS, keep=MAX_ROBOTS_BYTES, obey_robots=False)
        try:
            fetched = self._session.fetch(f"{origin}/robots.txt", purpose)
        except _Undecodable:
            return RobotsRules.allow_all()  # a file that cannot be read states no rule
        except CaptureError:
            return RobotsRules.disallow_all()
        status = fetched.response.status
        if 200 <= status < 300:
            return RobotsRules.parse(fetched.text.decode("utf-8", errors="replace"))
        if 400 <= status < 500:
            return RobotsRules.allow_all()
        return RobotsRules.disallow_all()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def looks_like_html(document: bytes) -> bool:
    """True when the start of ``document`` reads like HTML (for pages without Content-Type)."""
    start = document[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<!--"))

"""Browser capture: a page as headless Chromium renders it, every request recorded.

:func:`capture_browser` starts Chromium (or uses one it is given), opens the page in a new
browser context whose traffic all goes through archiver's recording proxy
(:mod:`archiver.acquire.proxy`), waits for the load event and for the network to go quiet,
scrolls down the page a screen at a time so that lazy loading and infinite scroll fire, then
saves a full-page screenshot and the rendered DOM. The WARC gets, besides every request and
response the browser made (recorded byte for byte by the proxy):

- ``urn:dom:URL``: a ``resource`` record of the rendered DOM (``text/html; charset=utf-8``),
  which is what the extract stage reads (the capture's main record);
- ``urn:fullPage:URL``: a ``resource`` record of the screenshot (``image/png``), also saved
  as ``data/screenshot.png`` in the bag.

Why a proxy rather than the DevTools Network/Fetch domains: DevTools hands out bodies
decoded (content coding undone) and headers re-built, so a WARC made from it cannot say what
the server sent; the proxy's records are the exchange itself, with the same digests, limits,
revisits and writer as a static capture, and the browser renders exactly what was recorded.

Every request the browser makes obeys the capture policy of a static capture, through the
same :class:`~archiver.acquire.http.FetchSession`: the address policy (set from the page's own
address), robots.txt, retries, and the capture's deadline and size budget (past them the proxy
fetches nothing more, and scrolling stops; the page and what was recorded are kept). What is
refused is noted, never fatal for the page.

Every wait is bounded (:class:`BrowserOptions`); a bound that is reached is noted in the
capture's problems, never an error. The page itself must come back 2xx and HTML, as in a
static capture, or the capture fails with :class:`~archiver.errors.CaptureError`.

This module writes only inside the work folder it is given, and does not interpret the page
(that is the extract stage's job).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path

from archiver.acquire import FetchOptions
from archiver.acquire.certs import Authority
from archiver.acquire.chromium import Chromium, Tab, find_chromium
from archiver.acquire.client import FetchError, Resolver, system_resolver, wire_url
from archiver.acquire.http import FetchSession, Recorder
from archiver.acquire.proxy import Fetched, RecordingProxy
from archiver.errors import CaptureError, SourceTooLargeError
from archiver.model import BrowserOptions, Capture, CapturedRecord, CaptureProblem
from archiver.warc import WarcFile

RECORDS_FILE = "capture.records.warc.gz"
SCREENSHOT_FILE = "screenshot.png"
WORK_FOLDER = "browser"
HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml")
RECORDING = "archiver recording proxy (HTTP/1.1 upstream; bytes as received)"

_SCROLL_ONE_SCREEN = """(() => {
  const page = document.scrollingElement || document.documentElement;
  window.scrollBy(0, Math.max(100, Math.floor(window.innerHeight * 0.85)));
  return [window.scrollY, window.innerHeight, page.scrollHeight];
})()"""
_PAGE_HEIGHT = "(document.scrollingElement || document.documentElement).scrollHeight"
_RENDERED_DOM = """(() => {
  const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : "";
  return [location.href, (doctype ? doctype + "\\n" : "") + document.documentElement.outerHTML];
})()"""


@dataclass
class RunningBrowser:
    """A started Chromium and the authority whose certificates it trusts."""

    chromium: Chromium
    authority: Authority


def with_browser(options: FetchOptions, chromium: str | None = None) -> FetchOptions:
    """``options`` for a browser capture with the Chromium named (default: on PATH).

    Raises :class:`~archiver.acquire.chromium.ChromiumMissingError` (exit status 2, with the
    install hint) at once when there is no such Chromium, before anything is captured.
    """
    return replace(options, browser=BrowserOptions(chromium=find_chromium(chromium)))


@contextlib.contextmanager
def start_browser(folder: Path, options: BrowserOptions | None = None) -> Iterator[RunningBrowser]:
    """Start headless Chromium with a new profile in ``folder`` (removed afterwards).

    Raises :class:`~archiver.acquire.chromium.ChromiumMissingError` (exit status 2) when
    there is no Chromium, :class:`~archiver.acquire.chromium.BrowserError` when it fails.
    """
    options = options or BrowserOptions()
    executable = find_chromium(options.chromium)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        authority = Authority(folder / "tls")
        profile = folder / "profile"
        profile.mkdir()
        with Chromium(executable, profile, spki_hashes=authority.spki_hashes,
                      window=options.window) as chromium:
            yield RunningBrowser(chromium, authority)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def capture_browser(
    source: str,
    workdir: Path,
    *,
    clock: Callable[[], datetime],
    options: FetchOptions,
    max_bytes: int,
    browser: RunningBrowser | None = None,
    tls: ssl.SSLContext | None = None,
    resolve: Resolver = system_resolver,
) -> Capture:
    """Capture the page at ``source`` as Chromium renders it, recording into ``workdir``.

    ``browser`` is a running browser to use (a new tab in a new context); without it one is
    started for this capture and stopped after it. ``max_bytes`` bounds the rendered DOM.
    ``tls`` replaces the TLS context for upstream servers (an ``ssl.SSLContext``; tests use
    a local CA) and ``resolve`` turns host names into addresses (tests: names of their own).
    Every request the browser makes obeys the capture policy of a static capture (see
    :class:`archiver.acquire.http.FetchSession`). Raises :class:`CaptureError` naming
    ``source`` when the page cannot be captured.
    """
    try:
        url = wire_url(source)
    except FetchError as exc:
        raise CaptureError(exc.message, subject=source) from None
    settings = options.browser or BrowserOptions()
    work = workdir / WORK_FOLDER
    records_path = workdir / RECORDS_FILE
    captured_at = clock()
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, work, True)  # last, once the browser has quit
        spool = work / "spool"
        spool.mkdir(parents=True, exist_ok=True)
        warc = WarcFile(stack.enter_context(records_path.open("wb")))
        recorder = Recorder(warc)
        session = FetchSession(options, spool, recorder, clock=clock, resolve=resolve, tls=tls)
        try:
            session.guard_page(url)
        except CaptureError as exc:
            raise CaptureError(exc.message, subject=source) from None
        running = browser or stack.enter_context(start_browser(work / "chromium", settings))
        proxy = RecordingProxy(session, url, running.authority)
        try:
            with proxy:
                rendered = _render(running.chromium, proxy, url, source, options, settings,
                                   max_bytes)
        except _NotShown as exc:
            raise _why_not_shown(proxy, url, source, exc.message) from None
        page = _page_record(proxy, rendered.final_url, source)
        extra = [*_resource_records(warc, rendered, page, clock)]
    screenshot = workdir / SCREENSHOT_FILE
    screenshot.write_bytes(rendered.screenshot)
    return Capture(
        source=source,
        kind="browser",
        target_uri=rendered.final_url,
        media_type="text/html",
        document=rendered.dom,
        captured_at=captured_at,
        records_path=records_path,
        main_record_id=extra[0].record_id,
        records=(*recorder.records, *extra),
        final_url=rendered.final_url,
        status=page.status,
        options=_provenance(options, settings, running.chromium, rendered.user_agent),
        problems=(*proxy.problems, *(CaptureProblem("browser", n, missing=False)
                                     for n in rendered.notes)),
        requisites=proxy.requisites,
        payload_files=((SCREENSHOT_FILE, screenshot),),
    )


# --- Driving the page -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rendered:
    """What the browser made of the page."""

    final_url: str
    dom: bytes
    screenshot: bytes
    user_agent: str
    notes: tuple[str, ...]


def _render(
    chromium: Chromium,
    proxy: RecordingProxy,
    url: str,
    source: str,
    options: FetchOptions,
    settings: BrowserOptions,
    max_bytes: int,
) -> _Rendered:
    """Load, scroll, settle, then take the screenshot and the DOM; close the tab."""
    notes: list[str] = []
    tab = chromium.new_tab(proxy.address, settings.window)
    try:
        if options.user_agent:
            tab.set_user_agent(options.user_agent)
        loaded, error = tab.navigate(url, settings.load_timeout)
        if error:
            raise _NotShown(error, subject=source)
        here = _without_fragment(str(tab.evaluate("location.href")))
        _page_record(proxy, here, source)  # a page that failed fails now, before scrolling
        if not loaded:
            notes.append(f"the page's load event did not fire within {settings.load_timeout:g} s")
        if not proxy.wait_idle(settings.idle, settings.idle_timeout):
            notes.append(f"the network was not idle within {settings.idle_timeout:g} s of loading")
        notes += _scroll_through(tab, proxy, settings)
        screenshot, note = _screenshot(tab, settings)
        notes += note
        final_url, dom = tab.evaluate(_RENDERED_DOM)
        user_agent = str(tab.evaluate("navigator.userAgent"))
    finally:
        tab.close()
    document = str(dom).encode("utf-8", errors="replace")
    if len(document) > max_bytes:
        raise SourceTooLargeError(
            f"the rendered page is {len(document)} bytes, over the {max_bytes}-byte limit",
            subject=source,
        )
    return _Rendered(_without_fragment(str(final_url)), document, screenshot, user_agent,
                     tuple(notes))


def _scroll_through(tab: Tab, proxy: RecordingProxy, settings: BrowserOptions) -> list[str]:
    """Scroll a screen at a time to the bottom (which may move as content loads), then back
    to the top. After each screen, wait for the network to rest ``scroll_pause`` seconds (what
    a scroll sets off starts within a frame or two); at the bottom, for ``idle`` seconds, and
    go on if the page grew. Returns what cut it short."""
    deadline = time.monotonic() + settings.scroll_budget

    def rest(quiet: float) -> None:
        left = max(0.0, deadline - time.monotonic())
        proxy.wait_idle(quiet, min(settings.idle_timeout, left))

    for _ in range(settings.max_scrolls):
        if proxy.session.time_left() <= 0:  # nothing more would be fetched
            return [f"scrolling stopped: {proxy.session.deadline_note()}"]
        y, view, height = tab.evaluate(_SCROLL_ONE_SCREEN)
        rest(settings.scroll_pause)
        if y + view >= height - 1:
            rest(settings.idle)
            if tab.evaluate(_PAGE_HEIGHT) <= height:
                break  # at the bottom, and nothing more came
        if time.monotonic() >= deadline:
            return [f"scrolling stopped after {settings.scroll_budget:g} s, before the bottom"]
    else:
        return [f"scrolling stopped after {settings.max_scrolls} screens, before the bottom"]
    tab.evaluate("window.scrollTo(0, 0)")
    rest(settings.scroll_pause)
    return []


def _screenshot(tab: Tab, settings: BrowserOptions) -> tuple[bytes, list[str]]:
    """A PNG of the whole page (up to the height bound), and a note when it was cut."""
    width, height = tab.content_size()
    width = max(1, min(width, settings.window[0] * 4))
    shown = max(1, min(height, settings.max_screenshot_height))
    notes = []
    if shown < height:
        notes.append(f"the screenshot shows the top {shown} of the page's {height} pixels")
    return tab.screenshot(width, shown), notes


# --- What was recorded ------------------------------------------------------------------------


def _page_record(proxy: RecordingProxy, final_url: str, source: str) -> Fetched:
    """The recorded response of the page the browser ended on; checked like a static page."""
    try:
        url = wire_url(final_url)
    except FetchError:
        raise CaptureError(f"the browser ended on {final_url!r}, not a web page",
                           subject=source) from None
    candidates = [f for f in proxy.fetched if f.url == url]
    if not candidates:
        problem = proxy.failure(url) or "the page was not fetched through the recording proxy"
        raise CaptureError(problem + _where(url, source), subject=source)
    documents = [f for f in candidates if f.navigation]  # the page, not a subresource
    page = (documents or candidates)[-1]
    if not 200 <= page.status < 300:
        raise CaptureError(f"HTTP {page.status} {page.reason}".strip() + _where(url, source),
                           subject=source)
    if page.media_type and page.media_type not in HTML_MEDIA_TYPES:
        raise CaptureError(f"not an HTML page (Content-Type {page.media_type})"
                           + _where(url, source), subject=source)
    return page


class _NotShown(CaptureError):
    """The browser could not show the page at all (its message: ``net::ERR_...``)."""


def _why_not_shown(proxy: RecordingProxy, url: str, source: str, error: str) -> CaptureError:
    """The clearest reason the page was not shown: the HTTP status of the last document the
    browser asked for, why the proxy could not fetch it, or else the browser's own error."""
    documents = [f for f in proxy.fetched if f.navigation]
    if documents and not 200 <= documents[-1].status < 300:
        last = documents[-1]
        return CaptureError(f"HTTP {last.status} {last.reason}".strip() + _where(last.url, source),
                            subject=source)
    failure = proxy.failure(url)
    if failure:
        return CaptureError(failure, subject=source)
    return CaptureError(f"the browser could not show the page ({error})", subject=source)


def _where(url: str, source: str) -> str:
    return "" if url in (source, wire_url(source)) else f" (at {url})"


def _resource_records(
    warc: WarcFile, rendered: _Rendered, page: Fetched, clock: Callable[[], datetime]
) -> Iterator[CapturedRecord]:
    """The rendered DOM's and the screenshot's ``resource`` records (the DOM first)."""
    when = clock()
    concurrent = {"WARC-Concurrent-To": page.record.record_id}
    for uri, body, media_type in (
        (f"urn:dom:{rendered.final_url}", rendered.dom, "text/html; charset=utf-8"),
        (f"urn:fullPage:{rendered.final_url}", rendered.screenshot, "image/png"),
    ):
        record_id = warc.resource(uri, io.BytesIO(body), len(body), media_type, when, concurrent)
        yield CapturedRecord(record_id, "resource", uri, media_type=media_type.split(";")[0])


def _provenance(
    options: FetchOptions, settings: BrowserOptions, chromium: Chromium, user_agent: str
) -> tuple[tuple[str, str], ...]:
    """The options the capture ran with, for the warcinfo and PREMIS records."""
    fetch = [(f.name, str(getattr(options, f.name))) for f in fields(options)
             if f.name not in ("browser", "user_agent", "requisites", "concurrency")]
    browser = [(f"browser_{f.name}", str(getattr(settings, f.name))) for f in fields(settings)
               if f.name != "chromium"]
    return (
        ("browser", chromium.product),
        ("browser_user_agent", user_agent),
        ("recording", RECORDING),
        *fetch,
        *browser,
    )


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]

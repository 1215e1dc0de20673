"""Headless Chromium: find it, start it, and speak the DevTools protocol to it over a pipe.

:func:`find_chromium` resolves the executable (a name on PATH or a path); :class:`Chromium`
starts it headless with a new, empty profile folder and ``--remote-debugging-pipe``: the
DevTools protocol (CDP) then runs over two file descriptors, so no port is opened, and the
browser ends by itself when this process dies and the pipe closes. :class:`Tab` wraps the few
page commands a capture needs (navigate, evaluate, scroll, screenshot).

The browser is started with no sandbox only when this process runs as root (Chromium
refuses to start otherwise), with background networking, component updates, sync and QUIC
off (a capture must record only what the page asks for, over the recording proxy).

This module knows nothing of WARC, proxies or articles: :mod:`archiver.acquire.browser`
decides what to do with a page.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import fcntl
import itertools
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from archiver.errors import CaptureError, UsageError

DEFAULT_EXECUTABLE = "chromium"
INSTALL_HINT = (
    "install it (Debian/Ubuntu: apt-get install chromium) or name the executable with "
    "ARCHIVER_CHROMIUM or chromium = \"/path/to/chromium\" under [capture] in the config file"
)
BASE_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-breakpad",
    "--disable-dev-shm-usage",
    # Features that make the browser fetch things of its own (the search engine's AI-mode
    # check, network time, preconnects), which would pass through the recording proxy.
    "--disable-features=Translate,MediaRouter,OptimizationHints,InterestFeedContentSuggestions,"
    "AimEnabled,AimServerRequestOnStartupEnabled,NetworkTimeServiceQuerying,PreconnectToSearch",
    "--disable-field-trial-config",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--metrics-recording-only",
    "--mute-audio",
    "--hide-scrollbars",
    "--password-store=basic",
    "--use-mock-keychain",
)
START_TIMEOUT = 30.0  # seconds for the browser to answer its first command
CALL_TIMEOUT = 30.0  # seconds for any one command, unless the caller says otherwise
CLOSE_TIMEOUT = 5.0
MAX_EVENTS = 2000  # events kept unclaimed (a page can fire many)

# Run in a fresh interpreter between fork and exec: Chromium reads CDP from fd 3 and writes to
# fd 4. (subprocess can keep descriptors open but not renumber them without preexec_fn, which
# is unsafe in a process with threads.)
_TRAMPOLINE = (
    "import os,sys\n"
    "r,w=int(sys.argv[1]),int(sys.argv[2])\n"
    "os.dup2(r,3);os.dup2(w,4);os.close(r);os.close(w)\n"
    "os.execv(sys.argv[3],sys.argv[3:])\n"
)


class BrowserError(CaptureError):
    """The browser failed: it would not start, crashed, or did not answer in time."""


class ChromiumMissingError(UsageError):
    """No Chromium executable was found where the settings say (exit status 2)."""


def find_chromium(name: str | None = None) -> str:
    """The absolute path of the Chromium to run: ``name`` (a path or a name on PATH), else
    ``chromium``. Raises :class:`ChromiumMissingError` with the install hint."""
    wanted = name or DEFAULT_EXECUTABLE
    found = shutil.which(wanted)
    if found is None:
        raise ChromiumMissingError(f"Chromium not found ({wanted!r}): {INSTALL_HINT}")
    return str(Path(found).resolve())


class DevTools:
    """A CDP connection over a pair of pipes: numbered commands, their replies, and events."""

    def __init__(self, reader: Any, writer: Any) -> None:
        self._reader = reader
        self._writer = writer
        self._ids = itertools.count(1)
        self._lock = threading.Condition()
        self._replies: dict[int, dict[str, Any]] = {}
        self._events: collections.deque[dict[str, Any]] = collections.deque(maxlen=MAX_EVENTS)
        self._closed: str | None = None
        self._thread = threading.Thread(target=self._read_loop, name="archiver-cdp", daemon=True)
        self._thread.start()

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = CALL_TIMEOUT,
    ) -> dict[str, Any]:
        """Send one command and wait for its result; raise :class:`BrowserError` on failure."""
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        with self._lock:
            if self._closed:
                raise BrowserError(f"the browser is gone ({self._closed})")
        try:
            self._writer.write(json.dumps(message).encode("utf-8") + b"\0")
        except OSError as exc:
            raise BrowserError(f"the browser is gone ({exc.strerror or exc})") from None
        deadline = time.monotonic() + timeout
        with self._lock:
            while number not in self._replies:
                left = deadline - time.monotonic()
                if self._closed:
                    raise BrowserError(f"the browser is gone ({self._closed}) during {method}")
                if left <= 0:
                    raise BrowserError(f"the browser did not answer {method} within {timeout:g} s")
                self._lock.wait(left)
            reply = self._replies.pop(number)
        if "error" in reply:
            error = reply["error"]
            raise BrowserError(f"{method} failed: {error.get('message', error)}")
        return dict(reply.get("result") or {})

    def wait_event(
        self, method: str, *, session: str | None = None, timeout: float
    ) -> dict[str, Any] | None:
        """The params of the next ``method`` event (of ``session``), or None after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for event in self._events:
                    if event.get("method") == method and event.get("sessionId") == session:
                        self._events.remove(event)
                        return dict(event.get("params") or {})
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    return None
                self._lock.wait(left)

    def discard_events(self, method: str, *, session: str | None = None) -> None:
        """Forget the ``method`` events of ``session`` received so far."""
        with self._lock:
            kept = [e for e in self._events
                    if not (e.get("method") == method and e.get("sessionId") == session)]
            self._events.clear()
            self._events.extend(kept)

    def close(self) -> None:
        """Close both pipes (once the browser has ended, its side is closed too)."""
        with contextlib.suppress(OSError):
            self._writer.close()
        self._thread.join(timeout=CLOSE_TIMEOUT)
        with contextlib.suppress(OSError):
            self._reader.close()

    def _read_loop(self) -> None:
        buffer = bytearray()
        searched = 0
        try:
            while chunk := self._reader.read(1024 * 1024):
                buffer += chunk
                while (end := buffer.find(b"\0", searched)) >= 0:
                    self._dispatch(bytes(buffer[:end]))
                    del buffer[: end + 1]
                    searched = 0
                searched = len(buffer)
            reason = "its pipe closed"
        except OSError as exc:
            reason = f"reading its pipe failed: {exc.strerror or exc}"
        with self._lock:
            self._closed = reason
            self._lock.notify_all()

    def _dispatch(self, raw: bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            return
        with self._lock:
            if "id" in message:
                self._replies[int(message["id"])] = message
            else:
                self._events.append(message)
            self._lock.notify_all()


class Chromium:
    """A running headless Chromium, driven over its DevTools pipe. Use as a context manager.

    ``profile`` must be a new, empty folder (the browser's user data; the caller removes it);
    ``spki_hashes`` are the keys whose certificates this browser accepts whatever their issuer
    (the recording proxy's, see :mod:`archiver.acquire.certs`).
    """

    def __init__(
        self,
        executable: str,
        profile: Path,
        *,
        spki_hashes: Sequence[str] = (),
        window: tuple[int, int] = (1280, 800),
    ) -> None:
        flags = [*BASE_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
                 f"--window-size={window[0]},{window[1]}"]
        if spki_hashes:
            flags.append(f"--ignore-certificate-errors-spki-list={','.join(spki_hashes)}")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium will not start its sandbox as root
        to_browser, from_browser = _high_pipe(), _high_pipe()
        self._log = (profile / "chromium.log").open("wb")
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _TRAMPOLINE, str(to_browser[0]), str(from_browser[1]),
                 executable, *flags, "about:blank"],
                pass_fds=(to_browser[0], from_browser[1]),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
            )
        except OSError as exc:
            for fd in (*to_browser, *from_browser):
                os.close(fd)
            self._log.close()
            raise BrowserError(f"cannot start Chromium {executable}: {exc.strerror or exc}",
                               subject=executable) from None
        os.close(to_browser[0])
        os.close(from_browser[1])
        self.devtools = DevTools(os.fdopen(from_browser[0], "rb", buffering=0),
                                 os.fdopen(to_browser[1], "wb", buffering=0))
        try:
            self.version = self.devtools.call("Browser.getVersion", timeout=START_TIMEOUT)
        except BrowserError as exc:
            self.close()
            said = _last_line(profile / "chromium.log")
            raise BrowserError(f"Chromium did not start: {exc.message}"
                               + (f"; it said: {said}" if said else ""),
                               subject=executable) from None

    @property
    def product(self) -> str:
        """``Chrome/150.0.7871.100``: what the browser says it is."""
        return str(self.version.get("product", "Chromium"))

    def new_tab(self, proxy: str | None = None, window: tuple[int, int] = (1280, 800)) -> Tab:
        """A new tab in a new, isolated browser context (its own cookies and cache), whose
        every request goes through ``proxy`` (``http://127.0.0.1:PORT``), loopback included."""
        params: dict[str, Any] = {"disposeOnDetach": True}
        if proxy:
            params.update(proxyServer=proxy, proxyBypassList="<-loopback>")
        context = self.devtools.call("Target.createBrowserContext", params)["browserContextId"]
        target = self.devtools.call(
            "Target.createTarget",
            {"url": "about:blank", "browserContextId": context,
             "width": window[0], "height": window[1]},
        )["targetId"]
        session = self.devtools.call(
            "Target.attachToTarget", {"targetId": target, "flatten": True}
        )["sessionId"]
        tab = Tab(self.devtools, session, target, context, window)
        tab.call("Page.bringToFront")  # a tab in the background renders nothing: no scrolling
        return tab

    def close(self) -> None:
        """Ask the browser to quit; kill it if it does not within a few seconds."""
        if self._process.poll() is None:
            with contextlib.suppress(BrowserError):
                self.devtools.call("Browser.close", timeout=CLOSE_TIMEOUT)
            try:
                self._process.wait(CLOSE_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self.devtools.close()
        self._log.close()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _high_pipe() -> tuple[int, int]:
    """A pipe whose descriptors are 10 or above, clear of the 3 and 4 the browser reads
    and writes (so that the trampoline's renumbering never closes one it needs)."""
    ends = os.pipe()
    try:
        return (fcntl.fcntl(ends[0], fcntl.F_DUPFD_CLOEXEC, 10),
                fcntl.fcntl(ends[1], fcntl.F_DUPFD_CLOEXEC, 10))
    finally:
        os.close(ends[0])
        os.close(ends[1])


def _last_line(log: Path) -> str:
    """The last line Chromium wrote to its log (why it would not start), shortened."""
    try:
        with log.open("rb") as handle:
            handle.seek(max(0, log.stat().st_size - 4096))
            lines = handle.read().decode("utf-8", "replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1][-300:] if lines else ""


class Tab:
    """One page of a browser context, attached over a flat CDP session."""

    def __init__(
        self, devtools: DevTools, session: str, target: str, context: str,
        window: tuple[int, int],
    ) -> None:
        self._devtools = devtools
        self.session = session
        self._target = target
        self._context = context
        self.window = window

    def call(self, method: str, params: dict[str, Any] | None = None,
             timeout: float = CALL_TIMEOUT) -> dict[str, Any]:
        """A CDP command to this tab."""
        return self._devtools.call(method, params, session=self.session, timeout=timeout)

    def navigate(self, url: str, timeout: float) -> tuple[bool, str | None]:
        """Open ``url``: (whether its load event fired within ``timeout``, the browser's
        error when it could not show the page at all, e.g. ``net::ERR_...``)."""
        self.call("Page.enable")
        self._devtools.discard_events("Page.loadEventFired", session=self.session)
        result = self.call("Page.navigate", {"url": url}, timeout=timeout)
        if result.get("errorText"):
            return False, str(result["errorText"])
        event = self._devtools.wait_event("Page.loadEventFired", session=self.session,
                                          timeout=timeout)
        return event is not None, None

    def set_user_agent(self, user_agent: str) -> None:
        """Send ``user_agent`` instead of the browser's own from now on."""
        self.call("Emulation.setUserAgentOverride", {"userAgent": user_agent})

    def evaluate(self, expression: str, timeout: float = CALL_TIMEOUT) -> Any:
        """The value of a JavaScript expression in the page (awaited when it is a promise)."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"script failed in the page: {text}")
        return result.get("result", {}).get("value")

    def content_size(self) -> tuple[int, int]:
        """The page's full width and height in CSS pixels."""
        metrics = self.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics.get("contentSize") or {}
        return int(size.get("width", 0)), int(size.get("height", 0))

    def screenshot(self, width: int, height: int, timeout: float = CALL_TIMEOUT) -> bytes:
        """A PNG of the page's top ``width`` x ``height`` CSS pixels, beyond the viewport."""
        result = self.call(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
            timeout=timeout,
        )
        return base64.b64decode(result.get("data", ""))

    def close(self) -> None:
        """Close the tab and throw its browser context away."""
        try:
            self._devtools.call("Target.closeTarget", {"targetId": self._target})
            self._devtools.call("Target.disposeBrowserContext",
                                {"browserContextId": self._context})
        except BrowserError:
            pass

"""The capture stage (acquisition): read a source (a file or a URL) and record exactly what
was read.

Capture writes WARC records of what it read into a work folder and returns a
:class:`archiver.model.Capture`. It does not interpret the content: that is the extract
stage's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from archiver.errors import CaptureError, UsageError
from archiver.htmlrefs import parsed_part
from archiver.model import Capture, CaptureProblem, FetchOptions

FILE_SUFFIXES = (".txt", ".html", ".htm")


_URL_START = re.compile(r"(?i)https?://")
#: What may open an HTML page without being any of its content: space, doctype, comments.
_PREAMBLE = re.compile(rb"(?:\s|\xef\xbb\xbf|<!--.*?-->|<![^>]*>|<\?[^>]*>)*", re.S)
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^/?#]*)@")


def is_url(source: str) -> bool:
    """True when ``source`` names an http or https URL (well formed or not)."""
    return _URL_START.match(source.strip()) is not None


def without_credentials(source: str) -> str:
    """``source`` with any ``user:password@`` removed from a URL (names and files unchanged).

    archiver never sends credentials found in a URL (it would have to record them in the
    WARC's request records), and never writes or prints them.
    """
    return _USERINFO.sub(r"\g<scheme>", source, count=1)


def readable_part(
    start: bytes, length: int, subject: str
) -> tuple[bytes, tuple[CaptureProblem, ...]]:
    """The part of an HTML page that is parsed, and a note when that is not all of it.

    ``start`` is the page's first bytes (all of them, or at least what can be parsed) and
    ``length`` the page's whole length. Raises :class:`CaptureError` naming ``subject`` when
    nothing of the page but its doctype is within the parsing limits
    (:func:`archiver.htmlrefs.parsed_part`).
    """
    part = parsed_part(start)
    if len(part) >= length:
        return part, ()
    if not _PREAMBLE.sub(b"", part):
        raise CaptureError(
            f"nothing of the page can be read: its {length} bytes begin with markup beyond "
            "archiver's parsing limits",
            subject=subject,
        )
    note = (
        f"page read in part: its text, captions and requisites come from the first "
        f"{len(part)} of its {length} bytes (the parsing limits); the WARC holds every byte"
    )
    return part, (CaptureProblem("page", note, missing=False),)


def capture_source(
    source: str,
    workdir: Path,
    clock: Callable[[], datetime],
    max_bytes: int,
    fetch: FetchOptions | None = None,
) -> Capture:
    """Capture one source named on the command line into ``workdir``.

    A URL is fetched over HTTP (rendered in headless Chromium when ``fetch.browser`` is set);
    anything else must be a ``.txt``, ``.html`` or ``.htm`` file. The capture names a URL
    without its credentials (see :func:`without_credentials`).
    """
    source = without_credentials(source)
    if is_url(source) and fetch is not None and fetch.browser is not None:
        from archiver.acquire.browser import capture_browser

        return capture_browser(source, workdir, clock=clock, options=fetch, max_bytes=max_bytes)
    if is_url(source):
        from archiver.acquire.http import capture_url

        return capture_url(source, workdir, clock=clock, options=fetch or FetchOptions())
    scheme = source.partition(":")[0].lower() if "://" in source else ""
    if len(scheme) > 1 and "://" in source:
        raise UsageError(f"unsupported URL scheme {scheme!r}: only http and https", subject=source)
    path = Path(source)
    if path.suffix.lower() not in FILE_SUFFIXES:
        raise UsageError(
            "not a URL or a .txt/.html/.htm file; archiver captures news articles", subject=source
        )
    from archiver.acquire.files import capture_file

    return capture_file(path, workdir, clock=clock, max_bytes=max_bytes)

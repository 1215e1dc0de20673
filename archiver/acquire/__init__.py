"""The capture stage (acquisition): read a source (a file or a URL) and record exactly what
was read.

Capture writes WARC records of what it read into a work folder and returns a
:class:`archiver.model.Capture`. It does not interpret the content: that is the extract
stage's job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from archiver.errors import UsageError
from archiver.model import Capture, FetchOptions

FILE_SUFFIXES = (".txt", ".html", ".htm")


def is_url(source: str) -> bool:
    """True when ``source`` names an http or https URL."""
    return urlsplit(source).scheme.lower() in ("http", "https")


def capture_source(
    source: str,
    workdir: Path,
    clock: Callable[[], datetime],
    max_bytes: int,
    fetch: FetchOptions | None = None,
) -> Capture:
    """Capture one source named on the command line into ``workdir``.

    A URL is fetched over HTTP; anything else must be a ``.txt``, ``.html`` or ``.htm`` file.
    """
    if is_url(source):
        from archiver.acquire.http import capture_url

        return capture_url(source, workdir, clock=clock, options=fetch or FetchOptions())
    scheme = urlsplit(source).scheme.lower()
    if len(scheme) > 1 and "://" in source:
        raise UsageError(f"unsupported URL scheme {scheme!r}: only http and https", subject=source)
    path = Path(source)
    if path.suffix.lower() not in FILE_SUFFIXES:
        raise UsageError(
            "not a URL or a .txt/.html/.htm file; archiver captures news articles", subject=source
        )
    from archiver.acquire.files import capture_file

    return capture_file(path, workdir, clock=clock, max_bytes=max_bytes)

"""Capture of a local file (a plain-text article or a saved HTML page) as a WARC resource record.

The record holds the file's exact bytes. Only the file's base name goes into the record (as a
``file:///NAME`` target URI): no absolute path of the capturing machine enters the bag. Of a
saved HTML page, the extractors get only the part that is parsed
(:func:`archiver.htmlrefs.parsed_part`); a page read in part is noted.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from archiver.acquire import readable_part
from archiver.errors import CaptureError, SourceTooLargeError
from archiver.model import Capture, CapturedRecord, CaptureProblem
from archiver.warc import WarcFile

MEDIA_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}


def file_uri(name: str) -> str:
    """The target URI a captured file is recorded under: its base name only."""
    return "file:///" + quote(name, safe="")


def capture_file(
    path: Path, workdir: Path, *, clock: Callable[[], datetime], max_bytes: int
) -> Capture:
    """Read ``path`` once, record it as a ``resource`` record, and return the capture.

    Raises :class:`CaptureError` for a missing, unreadable, non-regular, empty or oversized file.
    """
    name = path.name
    document = _read_bounded(path, max_bytes)
    media_type = MEDIA_TYPES[path.suffix.lower()]
    captured_at = clock()
    records_path = workdir / "capture.records.warc.gz"
    uri = file_uri(name)
    with records_path.open("wb") as out:
        record_id = WarcFile(out).resource(
            uri,
            io.BytesIO(document),
            len(document),
            _content_type(media_type, document),
            captured_at,
        )
    record = CapturedRecord(record_id, "resource", uri, media_type=media_type)
    problems: tuple[CaptureProblem, ...] = ()
    if media_type == "text/html":
        document, problems = readable_part(document, len(document), str(path))
    return Capture(
        source=name,
        kind="file",
        target_uri=uri,
        media_type=media_type,
        document=document,
        captured_at=captured_at,
        records_path=records_path,
        main_record_id=record_id,
        records=(record,),
        problems=problems,
    )


def _read_bounded(path: Path, max_bytes: int) -> bytes:
    """Read a regular file of at most ``max_bytes``; clear errors for everything else."""
    try:
        # O_NONBLOCK: a FIFO named as a source must not hang the capture.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise CaptureError("no such file", subject=str(path)) from None
    except IsADirectoryError:
        raise CaptureError("is a directory, not a file", subject=str(path)) from None
    except OSError as exc:
        raise CaptureError(f"cannot open: {exc.strerror}", subject=str(path)) from None
    _require_regular(fd, path, max_bytes)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise CaptureError(f"cannot read: {exc.strerror}", subject=str(path)) from None
    if len(data) > max_bytes:
        raise SourceTooLargeError(f"file grew past the {max_bytes}-byte limit", subject=str(path))
    if not data.strip():
        raise CaptureError("file is empty", subject=str(path))
    return data


def _require_regular(fd: int, path: Path, max_bytes: int) -> None:
    """Return for a regular file within the size limit; otherwise close ``fd`` and raise."""
    info = os.fstat(fd)
    problem: CaptureError | None = None
    if stat.S_ISDIR(info.st_mode):
        problem = CaptureError("is a directory, not a file", subject=str(path))
    elif not stat.S_ISREG(info.st_mode):
        problem = CaptureError("not a regular file", subject=str(path))
    elif info.st_size > max_bytes:
        problem = SourceTooLargeError(
            f"file is {info.st_size} bytes, over the {max_bytes}-byte limit for an article",
            subject=str(path),
        )
    if problem is not None:
        os.close(fd)
        raise problem


def _content_type(media_type: str, document: bytes) -> str:
    if media_type == "text/plain":
        try:
            document.decode("utf-8")
        except UnicodeDecodeError:
            return media_type
        return "text/plain; charset=utf-8"
    return media_type

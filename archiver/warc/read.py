"""Reading WARC files back with warcio: every record checked, or one record opened for replay.

:func:`read_warc` walks every record with warcio's ``ArchiveIterator`` (``check_digests``) and
reports malformed records, digest mismatches, truncation and trailing garbage as
:class:`RecordProblem` values, never raising for a bad file. :func:`open_record` opens the
record at an offset (the CDXJ index gives it) and streams its payload as stored. The quick
one-pass check that usually stands in for :func:`read_warc` is :mod:`archiver.warc.scan`.

warcio's iterator prints a warning on stderr for a record not followed by its blank lines;
``_CheckingIterator`` overrides its private ``_consume_blanklines`` to keep the offset as a
problem instead (pyproject.toml caps warcio's version for that). Reads only; knows nothing
about bags.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

_COPY_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class RecordProblem:
    """Something wrong with one record (or with the file, when ``offset`` is None)."""

    offset: int | None
    record_id: str | None
    message: str


@dataclass(frozen=True)
class RecordSummary:
    """What one record is, as read back from a WARC."""

    offset: int
    length: int  # compressed length of the record's gzip member(s)
    record_type: str
    record_id: str | None
    target_uri: str | None
    date: str | None
    payload_digest: str | None
    content_type: str | None
    status: str | None


class _CheckingIterator(ArchiveIterator):
    """warcio's iterator, noting (not printing to stderr) records not followed by blank lines."""

    def __init__(self, stream: BinaryIO, check_digests: bool = True) -> None:
        super().__init__(stream, check_digests=check_digests)
        self.misaligned: list[int] = []  # offsets where a record did not end as declared

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        """As warcio's own, which writes a warning on stderr where this keeps the offset."""
        empty_size = 0
        first_line = True
        while True:
            line = self.reader.readline()
            if not line:
                return None, empty_size
            if not line.rstrip() or first_line:
                empty_size += len(line)
                if line.rstrip():
                    self.misaligned.append(self.fh.tell() - self.reader.rem_length() - empty_size)
                    self.err_count += 1
                first_line = False
                continue
            return line, empty_size


def read_warc(path: Path) -> tuple[list[RecordSummary], list[RecordProblem]]:
    """Read every record of the WARC at ``path``, checking digests and well-formedness.

    warcio's thorough reading, with its own messages. Returns the records read and the
    problems found; never raises for a bad file (nor writes to stderr). A record shorter than
    its Content-Length, a record not followed by its blank lines, and bytes after the last
    complete record are problems too.
    """
    try:
        with path.open("rb") as stream:
            return read_warc_stream(stream)
    except OSError as exc:
        return [], [RecordProblem(0, None, f"unreadable WARC data: {exc}".strip())]


def read_warc_stream(stream: BinaryIO) -> tuple[list[RecordSummary], list[RecordProblem]]:
    """As :func:`read_warc`, for a WARC open as a seekable binary stream (read from where it
    stands; offsets as the stream's ``tell`` gives them)."""
    records: list[RecordSummary] = []
    problems: list[RecordProblem] = []
    try:
        iterator = _CheckingIterator(stream)
        for record in iterator:
            _drain(record.content_stream())
            summary = _summarise(iterator, record)
            records.append(summary)
            problems.extend(_record_problems(summary, record))
        problems.extend(
            RecordProblem(
                offset,
                None,
                "record not followed by the blank lines ending a "
                "record: its Content-Length is wrong",
            )
            for offset in iterator.misaligned
        )
        if not records:
            problems.append(RecordProblem(None, None, "the file holds no WARC record"))
        else:
            problems.extend(_trailing_data(stream, records[-1]))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        offset = records[-1].offset + records[-1].length if records else 0
        problems.append(RecordProblem(offset, None, f"unreadable WARC data: {exc}".strip()))
    return records, problems


def _record_problems(summary: RecordSummary, record: ArcWarcRecord) -> list[RecordProblem]:
    """Digest failures, a missing digest, and a block shorter than its Content-Length."""
    found: list[RecordProblem] = []
    checker = record.digest_checker
    if checker.passed is False:
        found.extend(RecordProblem(summary.offset, summary.record_id, m) for m in checker.problems)
    elif summary.record_type != "revisit" and not _has_digest(record):
        found.append(RecordProblem(summary.offset, summary.record_id, "record has no digest"))
    missing = getattr(record.raw_stream, "limit", 0)
    if record.length is not None and record.length < 0:
        found.append(RecordProblem(summary.offset, summary.record_id, "negative Content-Length"))
    elif missing > 0:
        found.append(
            RecordProblem(
                summary.offset,
                summary.record_id,
                f"record truncated: {missing} of its {record.length} bytes (Content-Length) "
                "are missing",
            )
        )
    return found


def _trailing_data(stream: BinaryIO, last: RecordSummary) -> list[RecordProblem]:
    """Bytes after the last complete record (a truncated record, or garbage) are a problem."""
    end = last.offset + last.length
    stream.seek(end)
    rest = stream.read(4096).strip(b"\r\n")
    if not rest:
        return []
    stream.seek(0, io.SEEK_END)
    return [
        RecordProblem(
            end,
            None,
            f"{stream.tell() - end} bytes after the last complete record are not a WARC "
            "record (a truncated record, or garbage)",
        )
    ]


def _drain(stream: BinaryIO) -> None:
    while stream.read(_COPY_CHUNK):
        pass


def _has_digest(record: object) -> bool:
    headers = record.rec_headers  # type: ignore[attr-defined]
    return bool(
        headers.get_header("WARC-Block-Digest") or headers.get_header("WARC-Payload-Digest")
    )


def _summarise(iterator: ArchiveIterator, record: object) -> RecordSummary:
    iterator.read_to_end(record)
    headers = record.rec_headers  # type: ignore[attr-defined]
    http = record.http_headers  # type: ignore[attr-defined]
    return RecordSummary(
        offset=iterator.get_record_offset(),
        length=iterator.get_record_length(),
        record_type=record.rec_type,  # type: ignore[attr-defined]
        record_id=headers.get_header("WARC-Record-ID"),
        target_uri=headers.get_header("WARC-Target-URI"),
        date=headers.get_header("WARC-Date"),
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        content_type=headers.get_header("Content-Type"),
        status=http.get_statuscode() if http is not None and record.rec_type != "request" else None,  # type: ignore[attr-defined]
    )


class StoredRecord:
    """One record of a WARC opened for replay: its heads, and its payload to read as recorded.

    ``read``/``close`` make it a stream of the payload (the entity body exactly as stored,
    content encoding kept); ``close`` closes the WARC file.
    """

    def __init__(self, handle: BinaryIO, record: ArcWarcRecord) -> None:
        self._handle = handle
        self._payload = record.raw_stream
        self.record_type: str = record.rec_type
        self.warc_headers: dict[str, str] = {}
        for name, value in record.rec_headers.headers:
            self.warc_headers.setdefault(name.lower(), value)
        http = record.http_headers
        self.http_status: str | None = (
            f"{http.protocol} {http.statusline}" if http is not None and record.rec_type
            in ("response", "revisit") else None
        )
        self.http_headers: tuple[tuple[str, str], ...] = tuple(http.headers) if http else ()
        self.payload_length: int = max(0, int(getattr(self._payload, "limit", 0)))

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the payload."""
        return bytes(self._payload.read(size if size >= 0 else None))

    def close(self) -> None:
        """Close the WARC file."""
        self._handle.close()


def open_record(path: Path, offset: int) -> StoredRecord:
    """Open the record that starts at ``offset`` in the WARC at ``path``.

    Raises ``ValueError`` when no well-formed WARC record starts there.
    """
    handle = path.open("rb")
    try:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)))
        return StoredRecord(handle, record)
    except StopIteration:
        handle.close()
        raise ValueError("no record at that offset") from None
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as exc:
        handle.close()
        raise ValueError(f"not a WARC record: {exc}") from None

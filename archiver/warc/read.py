"""Reading WARC files back with warcio: every record checked, or one record opened for replay.

:func:`read_warc` (a path or an open file) and :func:`read_warc_stream` (a seekable stream,
such as a WARC inside a WACZ) walk every record with warcio's ``ArchiveIterator``
(``check_digests``) and report malformed records, digest mismatches, truncation and trailing
garbage as :class:`RecordProblem` values, never raising for a bad file. :func:`open_record`
opens the record at an offset (the CDXJ index gives it) and streams its payload as stored.
The quick one-pass check that usually stands in for :func:`read_warc` is
:mod:`archiver.warc.scan`.

warcio's iterator prints a warning on stderr for a record not followed by its blank lines;
``CheckingIterator`` overrides its private ``_consume_blanklines`` to keep the offset as a
problem instead. warcio would also inflate without limit and hold a "line" of any length in
memory (a small gzip of zeros is one endless line): its reader is replaced by
``_BoundedReader``, which stops at the bounds below (pyproject.toml caps warcio's version for
these overrides). Every reading of a WARC goes through ``CheckingIterator``, so through these
bounds: the checks here, replay's :func:`open_record`, and a crawl's reading in
:mod:`archiver.warc.crawl` (which meets them as :data:`BOUND_ERRORS`). Reads only; knows
nothing about bags.

Bounds, shared with :mod:`archiver.warc.scan` (which gives up a little before them, so that it
never passes a file this reading would stop at):

- a line (a WARC or HTTP head line) holds at most :data:`MAX_LINE` bytes;
- the inflated bytes stay within :data:`MAX_RATIO` times the compressed bytes read so far,
  plus :data:`RATIO_GRACE` (no real WARC comes near; a gzip of zeros inflates ~1000 times);
- one gzip member (one record) inflates to at most :data:`MAX_MEMBER_BYTES`, above the
  largest response a capture accepts (``max_size`` is at most 4 GiB).
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.utils import BUFF_SIZE

_COPY_CHUNK = 1024 * 1024
MAX_LINE = 1024 * 1024
MAX_RATIO = 100
RATIO_GRACE = 64 * 1024 * 1024
MAX_MEMBER_BYTES = (1 << 32) + RATIO_GRACE


@dataclass(frozen=True)
class RecordProblem:
    """Something wrong with one record (or with the file, when ``offset`` is None).

    ``too_large`` marks the problem of a file whose reading stopped at a decompression bound.
    """

    offset: int | None
    record_id: str | None
    message: str
    too_large: bool = False


class InflateBoundError(Exception):
    """Reading stopped: the WARC inflates past a bound (see the module's docstring)."""


class LineTooLongError(Exception):
    """Reading stopped: a line longer than :data:`MAX_LINE` bytes (no WARC head has one)."""


#: What reading a WARC through this module raises at a bound (neither is a ``ValueError``,
#: which warcio catches and passes over in places).
BOUND_ERRORS = (InflateBoundError, LineTooLongError)


def ratio_exceeded(inflated: int, compressed: int, slack: int = 0) -> bool:
    """Whether ``inflated`` bytes from ``compressed`` pass the ratio bound (less ``slack``)."""
    return inflated > MAX_RATIO * compressed + RATIO_GRACE - slack


def ratio_message(inflated: int) -> str:
    """The problem of a WARC stopped at the ratio bound."""
    return (
        f"decompression stopped after {inflated} bytes: the WARC inflates to more than "
        f"{MAX_RATIO} times its compressed size (a decompression bomb, or not a real WARC)"
    )


MEMBER_MESSAGE = (
    f"decompression stopped: one gzip member inflates to more than {MAX_MEMBER_BYTES} bytes, "
    "more than any record archiver writes"
)


class _BoundedReader(DecompressingBufferedReader):  # type: ignore[misc]
    """warcio's reader, with its inflation and its lines bounded (see the module docstring)."""

    def __init__(self, stream: BinaryIO, start: int) -> None:
        super().__init__(stream, block_size=BUFF_SIZE)
        self._start = start  # file offset where reading began

    def _process_read(self, data: bytes) -> None:
        """As warcio's, then check the bounds (``num_block_read`` is the member's count)."""
        super()._process_read(data)
        if self.decompressor is None:
            return
        if self.num_block_read > MAX_MEMBER_BYTES:
            raise InflateBoundError(MEMBER_MESSAGE)
        if ratio_exceeded(self.num_read, self.stream.tell() - self._start):
            raise InflateBoundError(ratio_message(self.num_read))

    def readline(self, length: int | None = None) -> bytes:
        """A line of at most ``length`` bytes; LineTooLongError past :data:`MAX_LINE` bytes."""
        if length == 0:
            return b""
        want = MAX_LINE + 1 if length is None or length < 0 else min(length, MAX_LINE + 1)
        parts: list[bytes] = []
        total = 0
        while total < want:
            self._fillbuff()
            if self.empty():
                break
            piece = self.buff.readline(want - total)
            parts.append(piece)
            total += len(piece)
            if piece.endswith(b"\n"):
                break
        line = b"".join(parts)
        if total > MAX_LINE and not line.endswith(b"\n"):
            raise LineTooLongError(
                f"a line of more than {MAX_LINE} bytes with no line end: not a WARC record head"
            )
        return line


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


class CheckingIterator(ArchiveIterator):
    """warcio's iterator, noting (not printing to stderr) records not followed by blank lines."""

    def __init__(self, stream: BinaryIO, *, check_digests: bool = True) -> None:
        super().__init__(stream, check_digests=check_digests)
        self.reader = _BoundedReader(self.fh, stream.tell())
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


def read_warc(source: Path | BinaryIO) -> tuple[list[RecordSummary], list[RecordProblem]]:
    """Read every record of the WARC at ``source`` (a path, or a file open for reading),
    checking digests and well-formedness.

    warcio's thorough reading, with its own messages, within the bounds of the module's
    docstring. Returns the records read and the problems found; never raises for a bad file
    (nor writes to stderr). A record shorter than its Content-Length, a record not followed by
    its blank lines, bytes after the last complete record, and a file that passes a bound are
    problems too.
    """
    if not isinstance(source, Path):
        return read_warc_stream(source)
    try:
        with source.open("rb") as stream:
            return read_warc_stream(stream)
    except OSError as exc:  # it could not be opened (read errors are met inside)
        return [], [RecordProblem(0, None, f"unreadable WARC data: {exc}".strip())]


def read_warc_stream(stream: BinaryIO) -> tuple[list[RecordSummary], list[RecordProblem]]:
    """As :func:`read_warc`, for a WARC open as a seekable binary stream (read from where it
    stands; offsets as the stream's ``tell`` gives them), within the same bounds."""
    records: list[RecordSummary] = []
    problems: list[RecordProblem] = []
    try:
        iterator = CheckingIterator(stream)
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
    except InflateBoundError as exc:
        problems.append(RecordProblem(_next_offset(records), None, str(exc), too_large=True))
    except LineTooLongError as exc:
        problems.append(RecordProblem(_next_offset(records), None, str(exc)))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        message = f"unreadable WARC data: {exc}".strip()
        problems.append(RecordProblem(_next_offset(records), None, message))
    except Exception as exc:  # warcio trips on some malformed records (AttributeError...)
        message = f"unreadable WARC data: {type(exc).__name__}: {exc}"
        problems.append(RecordProblem(_next_offset(records), None, message))
    return records, problems


def _next_offset(records: list[RecordSummary]) -> int:
    """Where the record after the last one read starts."""
    return records[-1].offset + records[-1].length if records else 0


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
        """Up to ``size`` bytes of the payload; ``ValueError`` when it passes a bound."""
        try:
            return bytes(self._payload.read(size if size >= 0 else None))
        except BOUND_ERRORS as exc:
            raise ValueError(f"unreadable record: {exc}") from None

    def close(self) -> None:
        """Close the WARC file."""
        self._handle.close()


def open_record(source: Path | BinaryIO, offset: int) -> StoredRecord:
    """Open the record that starts at ``offset`` in the WARC at ``source`` (a path, or a
    seekable stream that the record then owns and closes).

    Raises ``ValueError`` when no well-formed WARC record starts there.
    """
    return record_at(source.open("rb") if isinstance(source, Path) else source, offset)


def record_at(handle: BinaryIO, offset: int) -> StoredRecord:
    """The record that starts at ``offset`` in the WARC open as ``handle`` (a file opened
    without following links, or an object streamed from object storage, say); closing the
    record closes ``handle``.

    Raises ``ValueError`` (and closes ``handle``) when no well-formed WARC record starts there.
    """
    try:
        handle.seek(offset)
        record = next(iter(CheckingIterator(handle, check_digests=False)))
        return StoredRecord(handle, record)
    except StopIteration:
        handle.close()
        raise ValueError("no record at that offset") from None
    except (*BOUND_ERRORS, ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as exc:
        handle.close()
        raise ValueError(f"not a WARC record: {exc}") from None

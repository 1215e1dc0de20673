"""Reading WARC files that another tool wrote (a crawl): what each record is, where it lies,
its payload, and the record copied whole into another WARC.

- :func:`index_records` walks a WARC once and says, for each record, what later lookups need
  (type, IDs, target URI, date, HTTP status and media type, a redirect's ``Location``, the
  records it names) and where it lies (offset and length, compressed when the file is).
- :func:`read_payload` opens one record and reads the start of its HTTP payload, with the
  transfer and content codings undone, within a size limit.
- :func:`copy_record` appends one record to a WARC being written: its gzip member byte for
  byte, or, from an uncompressed WARC, its bytes as a gzip member of their own; the copy is
  checked (digests, length) and taken back out when it is not sound.

A crawl's WARC may be a file or a member of a WACZ (zip) archive: every function here takes a
seekable binary stream, and :class:`Window` makes one of a byte range of a larger file. Records
are read through :mod:`archiver.warc.read`'s iterator, within its bounds (a line of at most
1 MiB, inflation within 100 times the compressed size): a crawl that passes one is not a
readable WARC, a record that does has no readable payload.
warcio is used here as in the rest of :mod:`archiver.warc`; this module knows nothing about
articles, bags or which records a page needs.
"""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, cast

from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from archiver.warc.read import BOUND_ERRORS, CheckingIterator, read_warc_stream
from archiver.warc.scan import WarcScanner
from archiver.warc.write import GzipMember, compression_level

_COPY_CHUNK = 1024 * 1024
_MAX_WARCINFO = 64 * 1024  # bytes of a warcinfo record read for its fields
_HEAD_PEEK = 16 * 1024  # bytes of a record searched for its HTTP Content-Type


class CrawlFormatError(Exception):
    """A WARC of a crawl that cannot be read record by record (one gzip stream, not a WARC)."""


@dataclass(frozen=True)
class CrawlRecord:
    """One record of a crawl: what it is, what it names, and where it lies.

    ``warc`` names the crawl's WARC the record is in (its file name, or its path inside a
    WACZ); ``offset`` and ``length`` are those of its bytes in that WARC (its gzip member
    when the WARC is compressed). ``status``, ``media_type`` and ``location`` come from the
    HTTP head of a response or revisit; ``media_type`` is the block's Content-Type for other
    records. ``software`` is a warcinfo record's ``software`` field.
    """

    warc: str
    offset: int
    length: int
    record_type: str
    record_id: str
    target_uri: str
    date: str
    status: int | None = None
    media_type: str | None = None
    payload_digest: str | None = None
    refers_to: str | None = None
    refers_to_uri: str | None = None
    refers_to_date: str | None = None
    concurrent_to: tuple[str, ...] = ()
    location: str | None = None
    warcinfo_id: str | None = None
    software: str | None = None


class Window(io.RawIOBase):
    """A read-only, seekable view of ``size`` bytes of ``stream`` from ``start``.

    Offsets are relative to ``start``: a WARC stored in a zip archive reads as the file it is.
    """

    def __init__(self, stream: BinaryIO, start: int, size: int) -> None:
        super().__init__()
        self._stream = stream
        self._start = start
        self._size = size
        self._position = 0

    def readable(self) -> bool:
        """Always: the window is for reading."""
        return True

    def seekable(self) -> bool:
        """Always: the underlying stream is a file."""
        return True

    def tell(self) -> int:
        """The position in the window."""
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move within the window (positions past its end read nothing)."""
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Read into ``buffer`` from the window's current position."""
        wanted = min(len(buffer), self._size - self._position)
        if wanted <= 0:
            return 0
        self._stream.seek(self._start + self._position)
        data = self._stream.read(wanted)
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


def is_gzip(stream: BinaryIO) -> bool:
    """True when the stream (read from its start) is gzip-compressed."""
    stream.seek(0)
    magic = stream.read(2)
    stream.seek(0)
    return magic == b"\x1f\x8b"


def index_records(stream: BinaryIO, warc: str) -> Iterator[CrawlRecord]:
    """Every record of the WARC open as ``stream`` (from its start), in file order.

    Digests are not checked here (a record is checked when it is copied, see
    :func:`copy_record`). Raises :class:`CrawlFormatError` for a file that is not a WARC,
    or that is compressed as one gzip stream rather than one gzip member per record (whose
    records cannot be copied one by one): ``gunzip`` it and give the ``.warc`` instead.
    """
    stream.seek(0)
    iterator = CheckingIterator(stream, check_digests=False)
    try:
        for record in iterator:
            software = _warcinfo_software(record) if record.rec_type == "warcinfo" else None
            iterator.read_to_end(record)
            described = _describe(record, warc, iterator.get_record_offset(),
                                  iterator.get_record_length(), software)
            if not described.record_type or not described.record_id:
                raise CrawlFormatError(
                    f"not a readable WARC: the record at offset {described.offset} has no "
                    "WARC-Type or no WARC-Record-ID"
                )
            yield described
    except ArchiveLoadFailed as exc:
        if "non-chunked gzip" in str(exc) or "gzip block continues" in str(exc):
            raise CrawlFormatError(
                "compressed as one gzip stream, not one gzip member per record: gunzip it "
                "and ingest the .warc"
            ) from None
        raise CrawlFormatError(f"not a readable WARC: {_first_line(exc)}") from None
    except (*BOUND_ERRORS, OSError, EOFError, ValueError, zlib.error) as exc:
        raise CrawlFormatError(f"not a readable WARC: {_first_line(exc)}") from None
    except CrawlFormatError:
        raise
    except Exception as exc:  # warcio trips on some malformed records (AttributeError...)
        raise CrawlFormatError(
            f"not a readable WARC: {type(exc).__name__}: {_first_line(exc)}"
        ) from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _describe(
    record: ArcWarcRecord, warc: str, offset: int, length: int, software: str | None
) -> CrawlRecord:
    headers = record.rec_headers
    http = _http_head(record)
    status, content_type = _status_and_type(record)
    return CrawlRecord(
        warc=warc,
        offset=offset,
        length=length,
        record_type=record.rec_type,
        record_id=headers.get_header("WARC-Record-ID") or "",
        target_uri=_bare_uri(headers.get_header("WARC-Target-URI")),
        date=headers.get_header("WARC-Date") or "",
        status=status,
        media_type=_media_type(content_type),
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        refers_to=headers.get_header("WARC-Refers-To"),
        refers_to_uri=_bare_uri(headers.get_header("WARC-Refers-To-Target-URI")) or None,
        refers_to_date=headers.get_header("WARC-Refers-To-Date"),
        concurrent_to=tuple(
            value for name, value in headers.headers if name.lower() == "warc-concurrent-to"
        ),
        location=http.get_header("Location") if http is not None else None,
        warcinfo_id=headers.get_header("WARC-Warcinfo-ID"),
        software=software,
    )


def _http_head(record: ArcWarcRecord) -> StatusAndHeaders | None:
    """The HTTP head of a response or revisit record; None for other records."""
    return record.http_headers if record.rec_type in ("response", "revisit") else None


def _status_and_type(record: ArcWarcRecord) -> tuple[int | None, str | None]:
    """The HTTP status and Content-Type of a response or revisit; for another record, no
    status and its block's Content-Type."""
    http = _http_head(record)
    if http is None:
        return None, record.rec_headers.get_header("Content-Type")
    code = http.get_statuscode()
    return (int(code) if code and code.isdigit() else None), http.get_header("Content-Type")


def _bare_uri(uri: str | None) -> str:
    """A target URI without the angle brackets WARC 1.0 writers (wget) put around it."""
    uri = (uri or "").strip()
    return uri[1:-1] if uri.startswith("<") and uri.endswith(">") else uri


def _media_type(content_type: str | None) -> str | None:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media or None


def _warcinfo_software(record: ArcWarcRecord) -> str | None:
    """The ``software`` field of a warcinfo record (``Wget/1.21.3``, ``Browsertrix-Crawler``)."""
    block = record.raw_stream.read(_MAX_WARCINFO)
    for line in block.decode("utf-8", errors="replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "software" and value.strip():
            return value.strip()
    return None


@dataclass(frozen=True)
class HttpPayload:
    """The start of a record's HTTP payload, decoded (transfer and content codings undone).

    ``length`` is the decoded payload's whole length when it was counted to the end, else
    None (it is longer than the limit the reader was given). ``problem`` says why the
    payload could not be decoded, if it could not; ``data`` then holds what could be.
    """

    status: int | None
    media_type: str | None
    charset: str | None
    data: bytes
    length: int | None
    problem: str | None = None


def read_payload(stream: BinaryIO, offset: int, keep: int, count_to: int) -> HttpPayload:
    """The HTTP payload of the record at ``offset``: its first ``keep`` decoded bytes.

    The decoded length is counted up to ``count_to`` bytes (beyond, ``length`` is None), so
    that a compressed body that inflates without end costs time, never memory.
    """
    stream.seek(offset)
    iterator = CheckingIterator(stream, check_digests=False)
    try:
        record = next(iter(iterator))
    except (
        *BOUND_ERRORS, StopIteration, ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error
    ) as exc:
        return HttpPayload(None, None, None, b"", 0, f"no readable record there: {exc}")
    status, content_type = _status_and_type(record)
    chunks: list[bytes] = []
    kept = total = 0
    problem = None
    try:
        body = record.content_stream()
        while total <= count_to:
            piece = body.read(min(_COPY_CHUNK, count_to + 1 - total))
            if not piece:
                break
            if kept < keep:
                chunks.append(piece[: keep - kept])
                kept += len(chunks[-1])
            total += len(piece)
    except (*BOUND_ERRORS, OSError, EOFError, ValueError, zlib.error) as exc:
        problem = f"the payload cannot be decoded: {_first_line(exc)}"
    return HttpPayload(
        status,
        _media_type(content_type),
        _charset(content_type),
        b"".join(chunks),
        total if total <= count_to and problem is None else None,
        problem,
    )


def _charset(content_type: str | None) -> str | None:
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def copy_record(
    source: BinaryIO, offset: int, length: int, compressed: bool, out: BinaryIO
) -> str | None:
    """Append the record at ``offset`` (``length`` bytes) of ``source`` to ``out``.

    From a compressed WARC the record's gzip member is copied byte for byte; from an
    uncompressed one its bytes become one gzip member of their own (so they decompress to
    exactly the crawl's bytes). The copy is checked as it is written: one whole record,
    every digest it states matching. A record that fails is taken back out of ``out``
    (which must be a seekable file opened for reading and writing) and the problem is
    returned; None means the record was copied and is sound.
    """
    start = out.tell()
    scanner = WarcScanner()
    sink = _Tee(out, scanner)
    member: GzipMember | None = None
    source.seek(offset)
    remaining = length
    while remaining > 0:
        chunk = source.read(min(_COPY_CHUNK, remaining))
        if not chunk:
            break
        remaining -= len(chunk)
        if compressed:
            sink.write(chunk)
            continue
        if member is None:  # photos and other compressed payloads are stored, not deflated
            member = GzipMember(cast(BinaryIO, sink), compression_level(chunk[:_HEAD_PEEK]))
        member.write(chunk)
    if member is not None:
        member.flush()
    problem = _copy_problem(scanner, source, offset, length, remaining)
    if problem is not None:
        out.seek(start)
        out.truncate()
    return problem


class _Tee:
    """Writes to a file and feeds the same bytes to a WARC scanner."""

    def __init__(self, out: BinaryIO, scanner: WarcScanner) -> None:
        self._out = out
        self._scanner = scanner

    def write(self, data: bytes) -> int:
        self._out.write(data)
        self._scanner.feed(data)
        return len(data)

    def flush(self) -> None:
        self._out.flush()


def _copy_problem(
    scanner: WarcScanner, source: BinaryIO, offset: int, length: int, missing: int
) -> str | None:
    """What is wrong with the record just copied, if anything: the scanner's quick verdict,
    or (when it cannot decide) warcio's reading of the record in the crawl."""
    if missing:
        return f"the crawl ends {missing} bytes into the record"
    quick = scanner.result()
    if quick is not None:
        records, _ = quick
        return None if len(records) == 1 else f"{len(records)} records where one was expected"
    records, problems = read_warc_stream(cast(BinaryIO, Window(source, offset, length)))
    if problems:
        return problems[0].message
    if len(records) != 1:
        return f"{len(records)} records where one was expected"
    return None


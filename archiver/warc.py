"""The WARC stage: write and read WARC 1.1 files. The only module that imports warcio.

Writing: :class:`WarcFile` serialises records one gzip member per record, with sha256 block
and payload digests on every record. Records written during capture into a separate file of
gzip members can be copied into the final WARC unchanged (:meth:`WarcFile.copy_members`), so
the final file can start with a warcinfo record that already knows how the capture ended.

Reading: :func:`check_warc` walks every record and reports malformed records and digest
mismatches. A WARC of the usual shape is checked by :class:`WarcScanner`, which can also be fed
the file's bytes while the bag's manifests are computed (one read for both); anything else, and
any problem, is left to warcio's thorough reading, whose messages are reported.

This module knows nothing about bags, articles or Dublin Core.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

WARC_VERSION = "WARC/1.1"
DIGEST_ALGORITHM = "sha256"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
_COPY_CHUNK = 1024 * 1024


GZIP_LEVEL = 6  # zlib's default: warcio's level 9 costs about 3x the time for ~1% less size
#: For bodies that are compressed already (photos, fonts, gzip-encoded responses), deflate's
#: stored blocks: compressing them again costs ~25 ms a MiB and saves nothing.
STORED_LEVEL = 0
_COMPRESSED_MEDIA = re.compile(
    rb"^content-type:[ \t]*(?:image/(?!svg|bmp|x-ms-bmp|tiff)|video/|audio/|font/woff|"
    rb"application/(?:zip|gzip|x-gzip|pdf|font-woff|octet-stream))",
    re.IGNORECASE | re.MULTILINE,
)
_ENCODED_BODY = re.compile(
    rb"^content-encoding:[ \t]*(?:gzip|x-gzip|br|deflate|zstd)", re.IGNORECASE | re.MULTILINE
)


def compression_level(http_head: bytes) -> int:
    """The gzip level for a record whose HTTP head is ``http_head``: none for a body that is
    compressed already, zlib's default otherwise."""
    if _ENCODED_BODY.search(http_head) or _COMPRESSED_MEDIA.search(http_head):
        return STORED_LEVEL
    return GZIP_LEVEL


class _GzipMember:
    """Compresses everything written to it into one gzip member of ``out``, ended by flush()."""

    def __init__(self, out: BinaryIO, level: int = GZIP_LEVEL) -> None:
        self._out = out
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> None:
        self._out.write(self._compressor.compress(data))

    def flush(self) -> None:
        self._out.write(self._compressor.flush())
        self._out.flush()


class _DigestingWriter(WARCWriter):
    """warcio's writer with our digest algorithm (warcio hard-codes sha1) and gzip level."""

    algorithm = DIGEST_ALGORITHM

    def _create_digester(self) -> Digester:  # type: ignore[override]
        return Digester(self.algorithm)

    def write_record(self, record: ArcWarcRecord, params: object = None) -> None:
        """Write ``record`` as one gzip member of zlib's default level."""
        self.write_member(record, GZIP_LEVEL)

    def write_member(self, record: ArcWarcRecord, level: int) -> None:
        """Write ``record`` as one gzip member of compression ``level``."""
        self._write_warc_record(_GzipMember(self.out, level), record)


def warc_date(moment: datetime) -> str:
    """Format a moment as a WARC 1.1 date (UTC, microseconds)."""
    naive_utc = moment.astimezone(UTC).replace(tzinfo=None)
    return datetime_to_iso_date(naive_utc, use_micros=True)


def digest_label(raw_digest: bytes) -> str:
    """A digest as WARC headers carry it: ``sha256:`` and the base32 of the raw digest."""
    return f"{DIGEST_ALGORITHM}:{base64.b32encode(raw_digest).decode('ascii')}"


def new_record_id() -> str:
    """A fresh ``<urn:uuid:...>`` WARC-Record-ID."""
    import uuid

    return f"<urn:uuid:{uuid.uuid4()}>"


class WarcFile:
    """A WARC 1.1 file being written: one gzip member per record, digests on every record."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        # gzip=False: each record is compressed by _DigestingWriter.write_record itself.
        self._writer = _DigestingWriter(stream, gzip=False, warc_version=WARC_VERSION)

    def warcinfo(self, filename: str, fields: Mapping[str, str], date: datetime) -> str:
        """Write the warcinfo record (first in the file); return its record id."""
        body = "".join(f"{name}: {value}\r\n" for name, value in fields.items() if value)
        return self._write(
            "warcinfo",
            uri="",
            payload=body.encode("utf-8"),
            content_type="application/warc-fields",
            date=date,
            extra={"WARC-Filename": filename},
        )

    def resource(
        self,
        uri: str,
        stream: BinaryIO,
        length: int,
        content_type: str,
        date: datetime,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        """Write a ``resource`` record whose block is ``length`` bytes read from ``stream``."""
        return self._write_stream("resource", uri, stream, length, content_type, date, extra)

    def metadata(
        self,
        uri: str,
        payload: bytes,
        content_type: str,
        date: datetime,
        refers_to: str,
    ) -> str:
        """Write a ``metadata`` record derived from record ``refers_to`` (same capture event)."""
        return self._write(
            "metadata",
            uri=uri,
            payload=payload,
            content_type=content_type,
            date=date,
            extra={"WARC-Refers-To": refers_to, "WARC-Concurrent-To": refers_to},
        )

    def raw_record(
        self,
        record_type: str,
        uri: str,
        stream: BinaryIO,
        length: int,
        content_type: str,
        date: datetime,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        """Write a record whose block (e.g. an HTTP message as received) is read from ``stream``.

        For ``request``/``response``/``revisit`` records warcio parses the HTTP head off the
        block so that the payload digest covers the entity body only.
        """
        return self._write_stream(record_type, uri, stream, length, content_type, date, extra)

    def http_record(
        self,
        record_type: str,
        uri: str,
        message: HttpMessage,
        date: datetime,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        """Write a ``request``, ``response`` or ``revisit`` record holding ``message`` verbatim.

        Unlike :meth:`raw_record`, the HTTP head is written byte for byte as given (warcio
        would parse and re-serialise it, changing spacing, case and non-ASCII bytes), and the
        digests are the caller's, computed while the message streamed in: the block digest
        over head and body, the payload digest over the entity body alone. A revisit holds
        the head only. ``extra`` may carry ``WARC-Record-ID`` to fix the record's id.
        """
        record_id = (extra or {}).get("WARC-Record-ID") or new_record_id()
        headers = StatusAndHeaders("", [], protocol=WARC_VERSION)
        for name, value in {
            "WARC-Type": record_type,
            "WARC-Record-ID": record_id,
            "WARC-Date": warc_date(date),
            "WARC-Target-URI": uri,
            **(extra or {}),
            "WARC-Block-Digest": message.block_digest,
            "WARC-Payload-Digest": message.payload_digest,
        }.items():
            headers.replace_header(name, value)
        if record_type == "revisit":
            headers.replace_header("WARC-Profile", REVISIT_PROFILE)
        msgtype = "request" if record_type == "request" else "response"
        record = ArcWarcRecord(
            "warc",
            record_type,
            headers,
            message.body,
            _VerbatimHead(message.head),
            f"application/http; msgtype={msgtype}",
            len(message.head) + message.body_length,
            payload_length=message.body_length,
        )
        self._writer.write_member(record, compression_level(message.head))
        return record_id

    def copy_members(self, source: Path) -> None:
        """Append the gzip members of another WARC file byte for byte."""
        with source.open("rb") as src:
            shutil.copyfileobj(src, self._stream, _COPY_CHUNK)

    def _write(
        self,
        record_type: str,
        uri: str,
        payload: bytes,
        content_type: str,
        date: datetime,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        return self._write_stream(
            record_type, uri, io.BytesIO(payload), len(payload), content_type, date, extra
        )

    def _write_stream(
        self,
        record_type: str,
        uri: str,
        stream: BinaryIO,
        length: int,
        content_type: str,
        date: datetime,
        extra: Mapping[str, str] | None,
    ) -> str:
        record_id = new_record_id()
        headers = {"WARC-Record-ID": record_id, "WARC-Date": warc_date(date)}
        headers.update(extra or {})
        record = self._writer.create_warc_record(
            uri,
            record_type,
            payload=stream,
            length=length,
            warc_content_type=content_type,
            warc_headers_dict=headers,
        )
        self._writer.write_record(record)
        return record_id


@dataclass(frozen=True)
class HttpMessage:
    """An HTTP message to record: its head as sent or received, its entity body, its digests.

    ``body`` is read once, ``body_length`` bytes, when the record is written; for a revisit
    it is empty and ``payload_digest`` is the digest of the original's payload.
    """

    head: bytes
    body: BinaryIO
    body_length: int
    block_digest: str
    payload_digest: str


class _VerbatimHead(StatusAndHeaders):
    """An HTTP head that warcio writes exactly as received instead of re-serialising it."""

    def __init__(self, raw: bytes) -> None:
        super().__init__("verbatim", [])
        self.headers_buff = raw

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        """Keep the raw head: warcio calls this just before writing."""


# --- Reading ----------------------------------------------------------------------------------

_SCAN_SLICE = 128 * 1024  # compressed bytes inflated at a time: output stays in the CPU cache
_INFLATE_LIMIT = 1024 * 1024  # inflated bytes at a time, at most (a gzip bomb stays small)
_GZIP_PEEK = 512
_MAX_GZIP_HEADER = 64 * 1024
_MAX_HEAD = 64 * 1024  # WARC or HTTP head the scanner parses; longer ones go to warcio
_RECORD_END = b"\r\n\r\n"
_GZIP_HEADER, _DEFLATE, _GZIP_TRAILER = "gzip header", "deflate", "gzip trailer"


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

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__(stream, check_digests=True)
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


def scan_warc(path: Path) -> tuple[list[RecordSummary], list[RecordProblem]] | None:
    """The quick pass of :class:`WarcScanner` over the file; None when it cannot decide."""
    scanner = WarcScanner()
    try:
        with path.open("rb", buffering=0) as stream:
            while block := stream.read(_COPY_CHUNK):
                scanner.feed(memoryview(block))
    except OSError:
        return None
    return scanner.result()


class _GiveUp(Exception):
    """The scanner met something outside the regular shape: warcio must read the file."""


class WarcScanner:
    """Check a WARC's records from its bytes as they stream past, without a second read.

    Fed the file's bytes in order (:meth:`feed`, e.g. as a sink of
    :func:`archiver.hashing.digest_file`, so that the bag's manifests and the records' digests
    come from one read), it inflates each gzip member, parses the record's headers with
    warcio's own parsers, and computes the block and payload digests as warcio does (the
    payload after the HTTP head, when warcio would parse one). It handles the regular shape
    that archiver and most tools write, one record per gzip member, with digests in the
    ``algorithm:BASE32`` form, and gives up on anything else, including a digest that does
    not match: :meth:`result` is then None and warcio's full reading (:func:`read_warc`)
    decides, with its own messages. Each member's length (ISIZE) is checked; its CRC-32 is
    not recomputed, since the records' digests and the bag's manifests cover every byte.
    Never raises.
    """

    def __init__(self) -> None:
        self._loader = ArcWarcRecordLoader()
        self._state = _GZIP_HEADER
        self._pending = b""  # compressed bytes held back: an incomplete member header/trailer
        self._position = 0  # file offset of the next byte fed
        self._member_start = 0
        self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        self._inflated = 0  # bytes inflated from the current member
        self._record = _ScannedRecord(self._loader)
        self._records: list[RecordSummary] = []
        self._failed = False

    def feed(self, block: memoryview | bytes) -> None:
        """Take the next bytes of the file."""
        if self._failed:
            return
        try:
            self._feed(memoryview(block))
        except Exception:  # _GiveUp, or anything unforeseen: warcio decides
            self._failed = True
            self._pending = b""

    def result(self) -> tuple[list[RecordSummary], list[RecordProblem]] | None:
        """The records (all digests verified) and no problem; None when warcio must decide."""
        if self._failed or self._state != _GZIP_HEADER or self._pending or not self._records:
            return None
        return list(self._records), []

    def _feed(self, data: memoryview) -> None:
        while data:
            if self._state == _GZIP_HEADER:
                used = self._take_header(data)
            elif self._state == _DEFLATE:
                used = self._inflate(data[:_SCAN_SLICE])
            else:
                used = self._take_trailer(data)
            self._position += used
            data = data[used:]

    def _take_header(self, data: memoryview) -> int:
        """Parse a gzip member header; return how many bytes of ``data`` it took."""
        held = len(self._pending)
        joined = self._pending + bytes(data[:_GZIP_PEEK])
        size = _gzip_header_size(joined)
        if size is None and len(data) > _GZIP_PEEK:  # a long FEXTRA, FNAME or FCOMMENT
            joined = self._pending + bytes(data[:_MAX_GZIP_HEADER])
            size = _gzip_header_size(joined)
        if size is None:
            if len(joined) >= _MAX_GZIP_HEADER:
                raise _GiveUp("gzip header too long")
            self._pending = joined
            return len(data)
        self._pending = b""
        self._member_start = self._position - held
        self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        self._inflated = 0
        self._record = _ScannedRecord(self._loader)
        self._state = _DEFLATE
        return size - held

    def _inflate(self, piece: memoryview) -> int:
        """Inflate one slice of compressed bytes; return how many belonged to this member."""
        inflater = self._inflater
        out = inflater.decompress(piece, _INFLATE_LIMIT)
        while True:
            self._inflated += len(out)
            self._record.feed(out)
            if inflater.eof or not inflater.unconsumed_tail:
                break
            out = inflater.decompress(inflater.unconsumed_tail, _INFLATE_LIMIT)
        if not inflater.eof:
            return len(piece)
        self._state = _GZIP_TRAILER
        return len(piece) - len(inflater.unused_data)

    def _take_trailer(self, data: memoryview) -> int:
        """Check the member's 8-byte trailer (ISIZE) and close its record."""
        held = len(self._pending)
        joined = self._pending + bytes(data[: 8 - held])
        if len(joined) < 8:
            self._pending = joined
            return len(data)
        self._pending = b""
        if int.from_bytes(joined[4:8], "little") != self._inflated & 0xFFFFFFFF:
            raise _GiveUp("gzip member length differs from its ISIZE")
        end = self._position + 8 - held
        self._records.append(self._record.summary(self._member_start, end - self._member_start))
        self._state = _GZIP_HEADER
        return 8 - held


def _gzip_header_size(data: bytes) -> int | None:
    """The size of the gzip member header at the start of ``data``; None if incomplete."""
    if len(data) < 10:
        return None
    if data[:3] != b"\x1f\x8b\x08" or data[3] & 0xE0:
        raise _GiveUp("not a gzip member")
    flags, size = data[3], 10
    if flags & 0x04:  # FEXTRA
        if len(data) < size + 2:
            return None
        size += 2 + int.from_bytes(data[size : size + 2], "little")
    for flag in (0x08, 0x10):  # FNAME, FCOMMENT: zero-terminated
        if flags & flag:
            end = data.find(b"\0", size)
            if end < 0:
                return None
            size = end + 1
    if flags & 0x02:  # FHCRC
        size += 2
    return size if len(data) >= size else None


class _ScannedRecord:
    """One WARC record, inflated bytes in, digests verified as its block streams past."""

    def __init__(self, loader: ArcWarcRecordLoader) -> None:
        self._loader = loader
        self._head = b""
        self._headers: StatusAndHeaders | None = None
        self._http: StatusAndHeaders | None = None
        self._prefix: bytes | None = None  # the block's start, while its HTTP head is awaited
        self._remaining = 0  # block bytes still to come
        self._tail = b""  # bytes after the block: exactly CRLF CRLF
        self._checks: list[tuple[str, str, Any]] = []  # expected digest, algorithm, hasher
        self._streams: list[tuple[Any, int]] = []  # hasher, block offset it starts at
        self._hashed = 0  # block bytes hashed so far

    def feed(self, data: bytes) -> None:
        """Take the next inflated bytes of this member."""
        if self._headers is None:
            data = self._take_head(data)
        if self._prefix is not None and data:
            data = self._take_prefix(data)
        if data and self._remaining:
            piece = data[: self._remaining]
            self._hash(piece)
            self._remaining -= len(piece)
            data = data[len(piece) :]
        if data:
            self._tail += data
            if len(self._tail) > len(_RECORD_END):
                raise _GiveUp("bytes after the record's block")

    def _take_head(self, data: bytes) -> bytes:
        """Collect and parse the WARC head; return the bytes after it."""
        self._head += data
        end = self._head.find(b"\r\n\r\n")
        if end < 0:
            if len(self._head) > _MAX_HEAD:
                raise _GiveUp("WARC head too long")
            return b""
        head, rest = self._head[: end + 4], self._head[end + 4 :]
        if not head.startswith(b"WARC/1."):
            raise _GiveUp("not a WARC/1.x record")
        stream = io.BytesIO(head)
        headers = self._loader.warc_parser.parse(stream)
        if stream.tell() != len(head):
            raise _GiveUp("WARC head ends before its blank line")
        self._headers = headers
        self._head = b""
        length = headers.get_header("Content-Length")
        if length is None or not length.isdigit():
            raise _GiveUp("no usable Content-Length")
        self._remaining = int(length)
        uri = headers.get_header("WARC-Target-URI")
        if headers.get_header("WARC-Type") is None or (uri and (uri[:1] == "<" or " " in uri)):
            raise _GiveUp("record type or target URI needs warcio's repairs")
        parses_http = (
            self._remaining > 0
            and headers.get_header("WARC-Type") in self._loader.HTTP_RECORDS
            and (uri or "").startswith(self._loader.HTTP_SCHEMES)
        )
        self._prefix = b"" if parses_http else None
        if not parses_http:
            self._start_digests(0)
        return rest

    def _take_prefix(self, data: bytes) -> bytes:
        """Collect the block's start until its HTTP head can be parsed as warcio parses it."""
        assert self._headers is not None and self._prefix is not None
        want = min(self._remaining, _MAX_HEAD)
        take = want - len(self._prefix)
        self._prefix += data[:take]
        if len(self._prefix) < want:
            return b""
        stream = io.BytesIO(self._prefix)
        self._http = self._loader.load_http_headers(
            self._headers.get_header("WARC-Type"),
            self._headers.get_header("WARC-Target-URI"),
            stream,
            self._remaining,
        )
        consumed = stream.tell()
        if consumed == len(self._prefix) and want < self._remaining:
            raise _GiveUp("HTTP head longer than the scanner reads")
        prefix, self._prefix = self._prefix, None
        self._start_digests(consumed)
        self._hash(prefix)
        self._remaining -= len(prefix)
        return data[take:]

    def _start_digests(self, payload_offset: int) -> None:
        """Set up the block digest and the payload digest (from ``payload_offset``), as warcio."""
        assert self._headers is not None
        headers = self._headers
        block = headers.get_header("WARC-Block-Digest")
        payload = headers.get_header("WARC-Payload-Digest")
        if headers.get_header("WARC-Type") == "revisit":
            block = payload = None  # warcio does not check a revisit's digests
        elif not (block or payload):
            raise _GiveUp("record has no digest")
        if headers.get_header("WARC-Segment-Number") is not None:
            raise _GiveUp("segmented record")
        shared: dict[tuple[str, int], Any] = {}
        for expected, skip in ((block, 0), (payload, payload_offset)):
            if expected:
                algorithm = expected.partition(":")[0]
                if (algorithm, skip) not in shared:
                    shared[(algorithm, skip)] = hashlib.new(algorithm)
                self._checks.append((expected, algorithm, shared[(algorithm, skip)]))
        self._streams = [(hasher, skip) for (_, skip), hasher in shared.items()]

    def _hash(self, data: bytes) -> None:
        """Feed block bytes to the digests (the payload's only from its first byte)."""
        start = self._hashed
        self._hashed += len(data)
        for hasher, skip in self._streams:
            if skip <= start:
                hasher.update(data)
            elif skip < self._hashed:
                hasher.update(data[skip - start :])

    def summary(self, offset: int, length: int) -> RecordSummary:
        """The record as :func:`read_warc` would summarise it, once every digest matched."""
        headers = self._headers
        if headers is None or self._remaining or self._prefix is not None:
            raise _GiveUp("record incomplete")
        if self._tail != _RECORD_END:
            raise _GiveUp("record not closed by CRLF CRLF")
        for expected, algorithm, hasher in self._checks:
            if expected != f"{algorithm}:{base64.b32encode(hasher.digest()).decode('ascii')}":
                raise _GiveUp("a digest differs, or is not in base32")
        record_type = headers.get_header("WARC-Type")
        http = self._http
        return RecordSummary(
            offset=offset,
            length=length,
            record_type=record_type,
            record_id=headers.get_header("WARC-Record-ID"),
            target_uri=headers.get_header("WARC-Target-URI"),
            date=headers.get_header("WARC-Date"),
            payload_digest=headers.get_header("WARC-Payload-Digest"),
            content_type=headers.get_header("Content-Type"),
            status=http.get_statuscode() if http is not None and record_type != "request" else None,
        )


def check_warc(path: Path, *, scan: bool = True) -> tuple[list[RecordSummary], list[RecordProblem]]:
    """Read every record of the WARC at ``path``, checking digests and well-formedness.

    Returns the records read and the problems found; never raises for a bad file (nor
    writes to stderr). A record shorter than its Content-Length, a record not followed by
    its blank lines, and bytes after the last complete record are problems too.

    A WARC of the usual shape is checked in one quick pass (:class:`WarcScanner`) unless
    ``scan`` is false; warcio reads anything else, and reports its problems.
    """
    if scan and (quick := scan_warc(path)) is not None:
        return quick
    records: list[RecordSummary] = []
    problems: list[RecordProblem] = []
    try:
        with path.open("rb") as stream:
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


def write_cdxj_index(warc_path: Path, index_path: Path) -> None:
    """Write a sorted CDXJ index of the replayable records of ``warc_path``.

    Indexed: response, revisit and resource records (what a replay tool serves); the file name
    in each entry is the WARC's base name, so the index stays valid wherever the bag is moved.
    """
    from cdxj_indexer.main import write_cdx_index

    write_cdx_index(
        str(index_path),
        [str(warc_path)],
        {"sort": True, "records": "response,revisit,resource"},
    )


def utc_now() -> datetime:
    """The current moment in UTC (the default clock)."""
    return datetime.now(UTC)

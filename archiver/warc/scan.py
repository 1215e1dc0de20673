"""The quick check of a WARC: digests verified as the file's bytes stream past, in one read.

:class:`WarcScanner` is fed a WARC's bytes in order (for instance as the sink of
:func:`archiver.hashing.digest_file`, so that a bag's manifests and its WARC records' digests
come from one read of the file). It handles the regular shape that archiver and most tools
write, one record per gzip member with ``algorithm:BASE32`` digests, and gives up on anything
else and on any problem: :func:`check_warc` then lets warcio's full reading
(:func:`archiver.warc.read.read_warc`) decide, with its own messages. So a scanner can only
make a check quicker, never change its verdict.

Reads only; knows nothing about bags.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders

from archiver.warc.read import (
    MAX_MEMBER_BYTES,
    RecordProblem,
    RecordSummary,
    ratio_exceeded,
    read_warc,
)

_COPY_CHUNK = 1024 * 1024
_SCAN_SLICE = 128 * 1024  # compressed bytes inflated at a time: output stays in the CPU cache
_INFLATE_LIMIT = 1024 * 1024  # inflated bytes at a time, at most (a gzip bomb stays small)
# The scanner gives up this much before warcio's reading would stop at a decompression bound
# (see archiver.warc.read): it inflates and counts in other steps, and must never pass a file
# that reading would stop at.
_BOUND_SLACK = 4 * _INFLATE_LIMIT
_GZIP_PEEK = 512
_MAX_GZIP_HEADER = 64 * 1024
_MAX_HEAD = 64 * 1024  # WARC or HTTP head the scanner parses; longer ones go to warcio
_RECORD_END = b"\r\n\r\n"
_GZIP_HEADER, _DEFLATE, _GZIP_TRAILER = "gzip header", "deflate", "gzip trailer"

def check_warc(source: Path | BinaryIO) -> tuple[list[RecordSummary], list[RecordProblem]]:
    """Check every record of the WARC at ``source``: the quick pass, or warcio's reading.

    ``source`` is a path, or a seekable file open for reading at the WARC's start. The records
    and the problems found, as :func:`archiver.warc.read.read_warc` gives them; never raises
    for a bad file. A WARC of the usual shape is checked in one quick pass
    (:class:`WarcScanner`); warcio reads anything else, and reports its problems.
    """
    if isinstance(source, Path):
        try:
            with source.open("rb") as stream:
                return check_warc(stream)
        except OSError as exc:
            return [], [RecordProblem(None, None, f"unreadable WARC data: {exc}")]
    start = source.tell()
    quick = scan_warc(source)
    if quick is not None:
        return quick
    try:
        source.seek(start)
    except OSError as exc:
        return [], [RecordProblem(None, None, f"unreadable WARC data: {exc}")]
    return read_warc(source)


def scan_warc(source: Path | BinaryIO) -> tuple[list[RecordSummary], list[RecordProblem]] | None:
    """The quick pass of :class:`WarcScanner` over the file; None when it cannot decide."""
    scanner = WarcScanner()
    try:
        with _opened(source) as stream:
            while block := stream.read(_COPY_CHUNK):
                scanner.feed(memoryview(block))
    except OSError:
        return None
    return scanner.result()


def _opened(source: Path | BinaryIO) -> contextlib.AbstractContextManager[BinaryIO]:
    """``source`` opened for reading (a path, unbuffered), or as given."""
    if isinstance(source, Path):
        return source.open("rb", buffering=0)
    return contextlib.nullcontext(source)


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
    not match: :meth:`result` is then None and warcio's full reading
    (:func:`~archiver.warc.read.read_warc`) decides, with its own messages. Each member's
    length (ISIZE) and CRC-32 are checked, as warcio's gzip reading checks them: a damaged
    head, which no record digest covers, is not passed. It gives up a little before the
    decompression bounds of :mod:`archiver.warc.read`. Never raises.
    """

    def __init__(self) -> None:
        self._loader = ArcWarcRecordLoader()
        self._state = _GZIP_HEADER
        self._pending = b""  # compressed bytes held back: an incomplete member header/trailer
        self._position = 0  # file offset of the next byte fed
        self._member_start = 0
        self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        self._inflated = 0  # bytes inflated from the current member
        self._crc = 0  # CRC-32 of the bytes inflated from the current member
        self._total_inflated = 0  # bytes inflated from the whole file
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
        self._crc = 0
        self._record = _ScannedRecord(self._loader)
        self._state = _DEFLATE
        return size - held

    def _inflate(self, piece: memoryview) -> int:
        """Inflate one slice of compressed bytes; return how many belonged to this member."""
        inflater = self._inflater
        out = inflater.decompress(piece, _INFLATE_LIMIT)
        while True:
            self._inflated += len(out)
            self._crc = zlib.crc32(out, self._crc)
            self._total_inflated += len(out)
            self._check_bounds(self._position + len(piece) - len(inflater.unconsumed_tail))
            self._record.feed(out)
            if inflater.eof or not inflater.unconsumed_tail:
                break
            out = inflater.decompress(inflater.unconsumed_tail, _INFLATE_LIMIT)
        if not inflater.eof:
            return len(piece)
        self._state = _GZIP_TRAILER
        return len(piece) - len(inflater.unused_data)

    def _check_bounds(self, consumed: int) -> None:
        """Give up near the decompression bounds of warcio's reading (``consumed``: the
        compressed bytes of the file inflated so far)."""
        if self._inflated > MAX_MEMBER_BYTES - _BOUND_SLACK:
            raise _GiveUp("a gzip member near the size bound")
        if ratio_exceeded(self._total_inflated, consumed, slack=_BOUND_SLACK):
            raise _GiveUp("inflating near the ratio bound")

    def _take_trailer(self, data: memoryview) -> int:
        """Check the member's 8-byte trailer (CRC-32, ISIZE) and close its record."""
        held = len(self._pending)
        joined = self._pending + bytes(data[: 8 - held])
        if len(joined) < 8:
            self._pending = joined
            return len(data)
        self._pending = b""
        if int.from_bytes(joined[4:8], "little") != self._inflated & 0xFFFFFFFF:
            raise _GiveUp("gzip member length differs from its ISIZE")
        if int.from_bytes(joined[:4], "little") != self._crc:
            raise _GiveUp("gzip member CRC-32 differs")
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
        record_type = headers.get_header("WARC-Type")
        if record_type is None or (uri and (uri[:1] == "<" or " " in uri)):
            raise _GiveUp("record type or target URI needs warcio's repairs")
        if uri is None and record_type in self._loader.HTTP_RECORDS:
            raise _GiveUp("an HTTP record type without a target URI")
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
        """The record as :func:`~archiver.warc.read.read_warc` would summarise it, once every
        digest matched."""
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

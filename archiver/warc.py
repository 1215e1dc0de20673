"""The WARC stage: write and read WARC 1.1 files. The only module that imports warcio.

Writing: :class:`WarcFile` serialises records one gzip member per record, with sha256 block
and payload digests on every record. Records written during capture into a separate file of
gzip members can be copied into the final WARC unchanged (:meth:`WarcFile.copy_members`), so
the final file can start with a warcinfo record that already knows how the capture ended.

Reading: :func:`check_warc` walks every record and reports malformed records and digest
mismatches; :func:`iter_index_entries` yields what the CDXJ index needs.

This module knows nothing about bags, articles or Dublin Core.
"""

from __future__ import annotations

import base64
import io
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

WARC_VERSION = "WARC/1.1"
DIGEST_ALGORITHM = "sha256"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
_COPY_CHUNK = 1024 * 1024


class _DigestingWriter(WARCWriter):
    """warcio's writer with a configurable digest algorithm (warcio hard-codes sha1)."""

    algorithm = DIGEST_ALGORITHM

    def _create_digester(self) -> Digester:  # type: ignore[override]
        return Digester(self.algorithm)


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
        self._writer = _DigestingWriter(stream, gzip=True, warc_version=WARC_VERSION)

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
        self._writer.write_record(record)
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


def check_warc(path: Path) -> tuple[list[RecordSummary], list[RecordProblem]]:
    """Read every record of the WARC at ``path``, checking digests and well-formedness.

    Returns the records read and the problems found; never raises for a bad file.
    """
    records: list[RecordSummary] = []
    problems: list[RecordProblem] = []
    try:
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream, check_digests=True)
            for record in iterator:
                _drain(record.content_stream())
                summary = _summarise(iterator, record)
                records.append(summary)
                checker = record.digest_checker
                if checker.passed is False:
                    for message in checker.problems:
                        problems.append(RecordProblem(summary.offset, summary.record_id, message))
                elif summary.record_type != "revisit" and not _has_digest(record):
                    problems.append(
                        RecordProblem(summary.offset, summary.record_id, "record has no digest")
                    )
            if not records:
                problems.append(RecordProblem(None, None, "the file holds no WARC record"))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        offset = records[-1].offset + records[-1].length if records else 0
        problems.append(RecordProblem(offset, None, f"unreadable WARC data: {exc}".strip()))
    return records, problems


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

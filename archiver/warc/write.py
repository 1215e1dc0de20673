"""Writing WARC 1.1 files: one gzip member per record, sha256 block and payload digests.

:class:`WarcFile` serialises records through warcio's writer. Records written during capture
into a separate file of gzip members are copied into the final WARC unchanged
(:meth:`WarcFile.copy_members`), so the final file can start with a warcinfo record that
already knows how the capture ended (:func:`warcinfo_fields`). :func:`warc_date` writes a
WARC-Date and :func:`parse_warc_date` reads one back as a moment.

warcio hard-codes sha1 digests and re-serialises HTTP heads, so two of its private methods are
overridden here (``_create_digester``, ``_write_warc_record``) and one attribute is set
(``headers_buff``): pyproject.toml caps warcio below its next minor version for that reason,
and ``warcio check`` reads our WARCs in the tests. This module reads nothing back (see
:mod:`archiver.warc.read`) and knows nothing about bags, articles or Dublin Core.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from archiver._version import SOFTWARE
from archiver.model import Capture, parse_utc

WARC_VERSION = "WARC/1.1"
DIGEST_ALGORITHM = "sha256"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
_COPY_CHUNK = 1024 * 1024
#: What the warcinfo record of an HTTP capture says of chunked responses: their bodies are
#: stored de-chunked (so that the payload digest is the entity's, as WARC 1.1 and ``warcio
#: check`` expect) and their ``Transfer-Encoding`` header is renamed, so that a replay tool
#: does not de-chunk them again (see :mod:`archiver.acquire.client`).
DECHUNKED = "de-chunked; header renamed X-Archiver-Transfer-Encoding"


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


class GzipMember:
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
        self._write_warc_record(GzipMember(self.out, level), record)


def warc_date(moment: datetime) -> str:
    """Format a moment as a WARC 1.1 date (UTC, microseconds)."""
    naive_utc = moment.astimezone(UTC).replace(tzinfo=None)
    return datetime_to_iso_date(naive_utc, use_micros=True)


def parse_warc_date(date: str) -> datetime | None:
    """A WARC-Date (``2024-03-14T08:30:00Z``, with or without fractions) as a UTC moment."""
    return parse_utc(date.strip())


def digest_label(raw_digest: bytes) -> str:
    """A digest as WARC headers carry it: ``sha256:`` and the base32 of the raw digest."""
    return f"{DIGEST_ALGORITHM}:{base64.b32encode(raw_digest).decode('ascii')}"


def new_record_id() -> str:
    """A fresh ``<urn:uuid:...>`` WARC-Record-ID."""
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

    def http_record(
        self,
        record_type: str,
        uri: str,
        message: HttpMessage,
        date: datetime,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        """Write a ``request``, ``response`` or ``revisit`` record holding ``message`` verbatim.

        The HTTP head is written byte for byte as given (warcio would parse and re-serialise
        it, changing spacing, case and non-ASCII bytes), and the
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


def warcinfo_fields(
    capture: Capture, title: str, identifier: str, operator: str
) -> dict[str, str]:
    """The warcinfo record: what made this WARC, from what, how the capture went.

    ``title`` and ``identifier`` are the article's (as catalogued); ``operator`` is the
    organisation that made the capture.
    """
    fields = {
        "software": SOFTWARE,
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "operator": operator,
        "description": f"Capture of {capture.source} by {SOFTWARE}: {title}",
        "isPartOf": identifier,
        "source": capture.source,
        "capture-kind": capture.kind,
        "capture-time": capture.captured_at.isoformat(),
    }
    if capture.kind == "http":
        fields["http-transfer-encoding"] = DECHUNKED
    if capture.provenance:
        fields["description"] = f"Ingest of {capture.source} by {SOFTWARE}: {title}"
        fields["provenance"] = capture.provenance
    if capture.final_url:
        fields["final-url"] = capture.final_url
    if capture.status is not None:
        fields["http-status"] = str(capture.status)
    for key, value in capture.options:
        fields[f"option-{key}"] = value
    for number, problem in enumerate(capture.problems, start=1):
        fields[f"problem-{number}"] = problem.line()
    return fields

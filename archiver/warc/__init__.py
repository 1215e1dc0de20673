"""The WARC stage: the only package that imports warcio (and cdxj-indexer).

- :mod:`archiver.warc.write`: :class:`WarcFile` writes WARC 1.1, one gzip member per record,
  with sha256 digests; :func:`~archiver.warc.write.warcinfo_fields` describes a capture.
- :mod:`archiver.warc.read`: warcio's reading, every record checked
  (:func:`~archiver.warc.read.read_warc`), or one record opened for replay.
- :mod:`archiver.warc.scan`: the quick one-read check that stands in for warcio's reading when
  a WARC has the usual shape (:func:`~archiver.warc.scan.check_warc` picks).
- :mod:`archiver.warc.index`: the CDXJ index.

The names the capture stage writes with are importable from here as well.
"""

from archiver.warc.write import (
    DIGEST_ALGORITHM,
    HttpMessage,
    WarcFile,
    digest_label,
    new_record_id,
    warc_date,
)

__all__ = [
    "DIGEST_ALGORITHM",
    "HttpMessage",
    "WarcFile",
    "digest_label",
    "new_record_id",
    "warc_date",
]

"""Reading a version of an article out of its bag, to compare it with another (``history``,
``diff``, ``capture --skip-unchanged``).

A bag's :class:`~archiver.changes.Content` is read from its Dublin Core record,
``data/article.txt``, ``data/captions.json`` and, for each caption's image, the payload digest
of the WARC record that ``captions.json`` names (``image_record_id``). That record is found
through the bag's CDXJ index (the entries of the image's URL, each opened at its offset to see
its WARC-Record-ID); a record the index does not lead to is looked for in one quick read of
the bag's WARCs.

Reads only, and never through a link: every file is opened by
:func:`archiver.bagit.read.open_in_bag` (directly, or through :mod:`archiver.access.bag`). A
bag that cannot be read is an :class:`~archiver.errors.ArchiverError` naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from archiver.access.bag import DC_PATH, bag_warcs, read_index, require_bag
from archiver.bagit.read import open_in_bag, read_in_bag
from archiver.changes import Content, content_from
from archiver.describe import read_dublin_core
from archiver.errors import ArchiverError, InvalidBagError, NotABagError
from archiver.warc.read import record_at
from archiver.warc.scan import check_warc
from archiver.xmlsafe import MAX_XML_BYTES

TEXT_PATH = "data/article.txt"
CAPTIONS_PATH = "data/captions.json"
#: The most read of a bag's text and captions (a capture's source is at most 64 MiB).
MAX_TEXT_BYTES = 64 * 1024 * 1024
MAX_CAPTIONS_BYTES = 16 * 1024 * 1024


def read_content(bag: Path) -> Content:
    """The article as the bag holds it: title, metadata, text, captions and image digests.

    Raises :class:`NotABagError` for a path that is no bag, :class:`InvalidBagError` when its
    Dublin Core record, text or captions cannot be read (a link, unreadable, too large, not
    well-formed).
    """
    require_bag(bag)
    record = _read(bag, DC_PATH, MAX_XML_BYTES)
    if record is None:
        raise InvalidBagError("no Dublin Core record", subject=str(bag / DC_PATH))
    try:
        values = read_dublin_core(record)
    except (ValueError, RecursionError) as exc:  # UnsafeXMLError is a ValueError
        raise InvalidBagError(str(exc), subject=str(bag / DC_PATH)) from None
    captions = _read(bag, CAPTIONS_PATH, MAX_CAPTIONS_BYTES)
    text = _read(bag, TEXT_PATH, MAX_TEXT_BYTES) or b""
    links = image_links(captions)
    digests = image_digests(bag, {record_id for record_id, _ in links},
                            {url for _, url in links if url})
    try:
        return content_from(values, captions, text, digests)
    except ValueError as exc:
        raise InvalidBagError(str(exc), subject=str(bag / CAPTIONS_PATH)) from None


def image_links(captions: bytes | None) -> list[tuple[str, str | None]]:
    """(WARC-Record-ID, image URL) of each caption of a ``captions.json`` that names its
    image's record; [] for none, or a document that cannot be read."""
    if captions is None:
        return []
    try:
        items = json.loads(captions)["captions"]
        return [
            (str(c["image_record_id"]), str(c["image_url"]) if c.get("image_url") else None)
            for c in items
            if isinstance(c, dict) and c.get("image_record_id")
        ]
    except (ValueError, KeyError, TypeError, RecursionError):
        return []


def image_digests(bag: Path, record_ids: set[str], urls: set[str]) -> dict[str, str | None]:
    """The WARC-Payload-Digest of each record of ``record_ids`` found in the bag's WARCs.

    The index's entries for ``urls`` are opened first (a seek each); only when a record is
    not found that way are the WARCs read through (the quick scan of ``validate``).
    """
    if not record_ids:
        return {}
    try:
        warcs = bag_warcs(bag)
    except (NotABagError, InvalidBagError):
        return {}
    found = _from_index(bag, warcs, record_ids, urls)
    if record_ids - found.keys():
        found.update(_from_scan(bag, warcs, record_ids - found.keys()))
    return found


def _from_index(
    bag: Path, warcs: list[str], record_ids: set[str], urls: set[str]
) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    try:
        entries = read_index(bag, [w.removeprefix("data/") for w in warcs])
    except ArchiverError:
        return found
    for entry in entries:
        if entry.url not in urls:
            continue
        try:
            record = record_at(open_in_bag(bag, f"data/{entry.filename}"), entry.offset)
        except (OSError, ValueError):
            continue
        try:
            record_id = record.warc_headers.get("warc-record-id")
            if record_id in record_ids:
                found[record_id] = record.warc_headers.get("warc-payload-digest")
        finally:
            record.close()
    return found


def _from_scan(bag: Path, warcs: Iterable[str], record_ids: set[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for warc in warcs:
        try:
            with open_in_bag(bag, warc) as stream:  # bag-relative: data/NAME
                records, _ = check_warc(stream)
        except OSError:
            continue
        for summary in records:
            if summary.record_id in record_ids:
                found[summary.record_id] = summary.payload_digest
    return found


def _read(bag: Path, relative: str, limit: int) -> bytes | None:
    """A file of the bag; None when it is absent; InvalidBagError when it cannot be read."""
    try:
        return read_in_bag(bag, relative, limit)
    except FileNotFoundError:
        return None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InvalidBagError(f"cannot be read: {reason}", subject=str(bag / relative)) from None

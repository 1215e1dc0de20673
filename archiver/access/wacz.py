"""WACZ 1.1.1 export: a bag's capture as one file that ReplayWeb.page and pywb open.

The ZIP holds the bag's WARC files (stored, not recompressed), its CDXJ index, a page list
naming the article, its Dublin Core record and a ``datapackage.json`` with the sha256 and
size of every file. Only a bag that passes a full validation is exported (every manifest and
tag manifest, every checksum: :func:`~archiver.access.bag.require_valid`), and only files its
manifests list are packed: an unlisted WARC in ``data/`` is never shared. Each file is
streamed into the ZIP and hashed on the way (never read whole, never through a link) with
every algorithm the manifests give for it, so a file changed since the validation is still
refused rather than shared.

Written here rather than with py-wacz (the ``wacz`` package, which the tests use to validate
the result): its create path re-indexes the WARCs and mixes its command line with the
packaging, where this needs the bag's own index and manifest, and ~150 lines. Limits: the
index goes in as it is (uncompressed ``indexes/index.cdx``, no ``.idx`` for very large
collections), no full-text index, and the page list holds the one article page.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver._version import __version__
from archiver.access.bag import (
    DC_PATH,
    INDEX_PATH,
    Page,
    article_page,
    first_value,
    listed_warcs,
    manifest_digests,
    open_bag_file,
    read_index,
    read_record_values,
    require_bag,
    require_valid,
)
from archiver.access.output import atomic_output, check_output
from archiver.bagit.read import BagLike, bag_files, read_bag_info
from archiver.errors import InvalidBagError, NotABagError
from archiver.model import utc_now

WACZ_VERSION = "1.1.1"
_COPY_CHUNK = 1024 * 1024
_ZIP64_LIMIT = (1 << 31) - 1


@dataclass(frozen=True)
class ZipResource:
    """One file of a WACZ as ``datapackage.json`` lists it."""

    path: str
    sha256: str  # hex
    size: int

    def to_dict(self) -> dict[str, Any]:
        """The ``resources`` entry (Frictionless Data Package)."""
        return {
            "name": self.path.rsplit("/", 1)[-1].lower(),
            "path": self.path,
            "hash": f"sha256:{self.sha256}",
            "bytes": self.size,
        }


@dataclass(frozen=True)
class WaczResult:
    """What :func:`export_wacz` wrote."""

    path: Path
    page: Page
    resources: tuple[ZipResource, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "path": str(self.path),
            "page": self.page.to_dict(),
            "resources": [r.to_dict() for r in self.resources],
        }


def export_wacz(
    bag: Path | str,
    output: Path,
    *,
    overwrite: bool = False,
    clock: Callable[[], datetime] = utc_now,
) -> WaczResult:
    """Write the bag's capture as a WACZ 1.1.1 file at ``output``.

    Raises :class:`NotABagError` (not a bag, no WARC or index), :class:`InvalidBagError` (a
    bag that does not validate, a bad index), :class:`UsageError` (output inside a bag or a
    store, or existing) and :class:`ExportError` (output not writable).
    """
    require_bag(bag)
    check_output(output, bag, overwrite)
    require_valid(bag)
    return write_wacz(bag, output, clock=clock)


def write_wacz(
    bag: BagLike, output: Path, *, clock: Callable[[], datetime] = utc_now
) -> WaczResult:
    """Write the WACZ of a bag already checked (:func:`export_wacz` checks, then calls this)."""
    bag = bag_files(bag)
    digests = manifest_digests(bag)
    warcs = listed_warcs(digests)
    if not warcs:
        raise NotABagError(
            "not a web capture bag (no WARC listed in a manifest)", subject=bag.location
        )
    if INDEX_PATH not in digests:
        raise NotABagError(f"not a web capture bag (no {INDEX_PATH} listed)", subject=bag.location)
    entries = read_index(bag, (w.removeprefix("data/") for w in warcs))
    values = read_record_values(bag)
    info = read_bag_info(bag)
    title = first_value(values, "title") or info.get("External-Description")
    page = article_page(entries, first_value(values, "source"), title)
    created = clock().astimezone(UTC).replace(microsecond=0)
    with atomic_output(output) as stream, zipfile.ZipFile(stream, "w") as wacz:
        resources = [
            add_file(wacz, f"archive/{w.removeprefix('data/')}", bag, w, digests[w], created)
            for w in warcs
        ]
        resources.append(
            add_file(wacz, "indexes/index.cdx", bag, INDEX_PATH, digests[INDEX_PATH], created, True)
        )
        resources.append(add_bytes(wacz, "pages/pages.jsonl", pages_jsonl([page]), created))
        if values and DC_PATH in digests:
            resources.append(add_file(wacz, DC_PATH, bag, DC_PATH, digests[DC_PATH], created, True))
        package = datapackage(resources, values, page, created)
        add_bytes(wacz, "datapackage.json", package, created)
        add_bytes(wacz, "datapackage-digest.json", datapackage_digest(package), created)
    return WaczResult(output, page, tuple(resources))


def _zip_info(name: str, moment: datetime, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def add_file(
    wacz: zipfile.ZipFile,
    name: str,
    bag: BagLike,
    relative: str,
    expected: Mapping[str, str],
    moment: datetime,
    compress: bool = False,
) -> ZipResource:
    """Stream the bag's file ``relative`` into the ZIP as ``name``, hashing it on the way.

    Already-compressed files (WARCs) are stored, as WACZ requires. ``expected`` maps hashlib
    names to the digests the bag's manifests list; when the bytes differ from any of them,
    raises :class:`InvalidBagError` (the output is then never written).
    """
    info = _zip_info(name, moment, compress)
    hashers = {algorithm: hashlib.new(algorithm) for algorithm in {"sha256", *expected}}
    size = 0
    with open_bag_file(bag, relative) as src:
        big = _size_of(src) > _ZIP64_LIMIT
        with wacz.open(info, "w", force_zip64=big) as dst:
            while chunk := src.read(_COPY_CHUNK):
                for hasher in hashers.values():
                    hasher.update(chunk)
                dst.write(chunk)
                size += len(chunk)
    for algorithm, digest in expected.items():
        if hashers[algorithm].hexdigest() != digest:
            raise InvalidBagError(
                f"differs from its {algorithm} manifest: the bag changed while it was exported "
                "(archiver validate tells more)",
                subject=f"{bag_files(bag).location}/{relative}",
            )
    return ZipResource(name, hashers["sha256"].hexdigest(), size)


def _size_of(stream: Any) -> int:
    """The size of an open file of a bag: a file's by fstat, an object's as its stream says."""
    try:
        return os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return int(getattr(stream, "size", 0) or 0)


def add_bytes(wacz: zipfile.ZipFile, name: str, data: bytes, moment: datetime) -> ZipResource:
    """Write ``data`` into the ZIP as ``name`` (deflated)."""
    wacz.writestr(_zip_info(name, moment, True), data)
    return ZipResource(name, hashlib.sha256(data).hexdigest(), len(data))


def pages_jsonl(pages: Iterable[Page]) -> bytes:
    """``pages/pages.jsonl``: the header line, then one line per page."""
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    lines.extend(page.to_dict() for page in pages)
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def datapackage(
    resources: Iterable[ZipResource],
    values: Mapping[str, list[str]],
    page: Page,
    created: datetime,
) -> bytes:
    """``datapackage.json``: the WACZ manifest, with the article's title and description."""
    package: dict[str, Any] = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "resources": [r.to_dict() for r in resources],
    }
    described = {
        "id": first_value(values, "identifier"),
        "title": page.title,
        "description": first_value(values, "description"),
    }
    package.update({key: value for key, value in described.items() if value})
    package.update(
        {
            "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "software": f"archiver {__version__}",
            "mainPageUrl": page.url,
            "mainPageDate": page.ts,
        }
    )
    return json.dumps(package, ensure_ascii=False, indent=2).encode()


def datapackage_digest(package: bytes) -> bytes:
    """``datapackage-digest.json``: the sha256 of ``datapackage.json``."""
    digest = {"path": "datapackage.json", "hash": f"sha256:{hashlib.sha256(package).hexdigest()}"}
    return json.dumps(digest, indent=2).encode()

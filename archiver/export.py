"""Exports for sharing what was preserved: WACZ packages, oai_dc records, store catalogues.

Role: read a bag or a store (never write to them) and write one output file per format:

- :func:`export_wacz`: a WACZ 1.1.1 package (a ZIP holding the bag's WARC files, its CDXJ
  index, a page list naming the article, its Dublin Core record and a ``datapackage.json``
  with the sha256 and size of every file), which ReplayWeb.page and pywb open.
- :func:`export_oai_dc`: the bag's Dublin Core record flattened to the fifteen elements of
  OAI-PMH ``oai_dc``, checked against ``schemas/oai_dc.xsd``.
- :func:`export_catalogue`: one row (CSV) or record (XML) per bag of a store, for a library
  catalogue.

Every output is written to a temporary file beside it and renamed into place when complete:
an error or an interrupt never leaves a half-written file under the requested name. The
WARC is streamed into the ZIP and hashed on the way (never read whole); its sha256 and the
index's are compared with the bag's ``manifest-sha256.txt``, so a bag that changed since it
was made is refused rather than shared.

Limits: the WACZ holds the bag's CDXJ index as it is (uncompressed ``indexes/index.cdx``, no
``.idx`` for very large collections) and no full-text index; the page list holds the one
article page. The oai_dc record keeps no photo captions (only the photos' image URLs, as
``dc:relation``). Catalogue values are written as found: a CSV opened in a spreadsheet shows
a title beginning with ``=`` as such, it is not neutralised.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from lxml import etree

from archiver._version import __version__
from archiver.bagit.read import is_bag, read_bag_info, read_manifest
from archiver.describe import DC_NS, DCTERMS_NS, RECORD_NS
from archiver.errors import ExportError, InvalidBagError, NotABagError, UsageError
from archiver.inventory import store_key, summarize
from archiver.model import utc_now
from archiver.store import Store
from archiver.xmlsafe import UnsafeXMLError, parse_xml, read_xml_file, schema_errors

WACZ_VERSION = "1.1.1"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA_LOCATION = f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CATALOGUE_NS = "https://archiver.invalid/ns/catalogue/1"
OAI_DC_SCHEMA = "oai_dc.xsd"
INDEX_PATH = "data/index.cdxj"
DC_PATH = "metadata/dublin_core.xml"

#: The fifteen Dublin Core elements, in the order oai_dc records list them.
DC_ELEMENTS = (
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
)  # fmt: skip
#: DCMI terms our records use, and the element each refines (the "dumb-down" rule).
DCTERMS_REFINES = {
    "alternative": "title",
    "tableOfContents": "description",
    "abstract": "description",
    "issued": "date",
    "created": "date",
    "modified": "date",
    "dateCopyrighted": "date",
    "extent": "format",
    "isPartOf": "relation",
    "isFormatOf": "relation",
    "references": "relation",
    "rightsHolder": "rights",
    "license": "rights",
    "bibliographicCitation": "identifier",
    "spatial": "coverage",
    "temporal": "coverage",
}
CATALOGUE_FIELDS = (
    "identifier", "title", "date", "publisher", "language", "source", "captions", "bag",
    "size", "payload_bytes",
)  # fmt: skip

_COPY_CHUNK = 1024 * 1024
_MAX_INDEX_LINE = 1024 * 1024
_ZIP64_LIMIT = (1 << 31) - 1
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")



# --- Reading a bag ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexEntry:
    """One line of a bag's CDXJ index: where a replayable record is, and what it holds."""

    url: str
    timestamp: str  # 14 digits, UTC
    filename: str  # a WARC in the bag's data/ folder
    offset: int
    length: int
    mime: str | None = None
    status: str | None = None
    digest: str | None = None

    @property
    def is_revisit(self) -> bool:
        """True for a revisit record (its payload is another record's)."""
        return self.mime == "warc/revisit"


@dataclass(frozen=True)
class Page:
    """The article as a WACZ page list names it."""

    url: str
    ts: str  # RFC 3339, UTC
    title: str | None
    id: str

    def as_dict(self) -> dict[str, str]:
        """The page list line (``pages/pages.jsonl``)."""
        line = {"id": self.id, "url": self.url, "ts": self.ts}
        if self.title:
            line["title"] = self.title
        return line


def require_bag(bag: Path) -> None:
    """Raise :class:`NotABagError` unless ``bag`` is a bag folder."""
    if not bag.exists():
        raise NotABagError("no such bag", subject=str(bag))
    if not is_bag(bag):
        raise NotABagError("not a bag (no bagit.txt)", subject=str(bag))


def bag_file(bag: Path, relative: str) -> Path:
    """A file of the bag that must exist as a regular file inside it (not a symlink)."""
    path = bag / relative
    if path.is_symlink():
        raise InvalidBagError("a symbolic link, refused", subject=str(path))
    if not path.is_file():
        raise NotABagError(f"not a web capture bag (no {relative})", subject=str(bag))
    return path


def bag_warcs(bag: Path) -> list[Path]:
    """The bag's WARC files (``data/*.warc.gz`` and ``data/*.warc``), sorted by name."""
    data = bag / "data"
    candidates = data.glob("*.warc*") if data.is_dir() else iter(())
    found = sorted(p for p in candidates if p.name.endswith((".warc", ".warc.gz")))
    if not found:
        raise NotABagError("not a web capture bag (no WARC file in data/)", subject=str(bag))
    for path in found:
        bag_file(bag, path.relative_to(bag).as_posix())
    return found


def read_index(path: Path, filenames: Iterable[str]) -> list[IndexEntry]:
    """Parse a CDXJ index whose records must all lie in WARCs named in ``filenames``.

    Raises :class:`InvalidBagError` naming the line of a malformed entry or of an entry
    pointing outside those files (a replay tool must never be sent elsewhere).
    """
    allowed = set(filenames)
    entries = []
    with path.open("rb") as stream:
        for number, raw in enumerate(iter(lambda: stream.readline(_MAX_INDEX_LINE + 1), b""), 1):
            line = raw.decode("utf-8", "replace").strip()
            if not line or line.startswith("!"):
                continue
            entry = _index_entry(line, len(raw) > _MAX_INDEX_LINE)
            if entry is None or entry.filename not in allowed:
                problem = "malformed entry" if entry is None else "names a file not in the bag"
                raise InvalidBagError(f"line {number}: {problem}", subject=str(path))
            entries.append(entry)
    return entries


def _index_entry(line: str, too_long: bool) -> IndexEntry | None:
    parts = line.split(" ", 2)
    if too_long or len(parts) != 3 or not re.fullmatch(r"\d{14}", parts[1]):
        return None
    try:
        fields = json.loads(parts[2])
        entry = IndexEntry(
            url=str(fields["url"]),
            timestamp=parts[1],
            filename=str(fields["filename"]),
            offset=int(fields["offset"]),
            length=int(fields["length"]),
            mime=_optional_text(fields.get("mime")),
            status=_optional_text(fields.get("status")),
            digest=_optional_text(fields.get("digest")),
        )
    except (ValueError, KeyError, TypeError):
        return None
    if entry.offset < 0 or entry.length <= 0 or "/" in entry.filename:
        return None
    return entry


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


def read_record_values(bag: Path) -> dict[str, list[str]]:
    """The article-level Dublin Core values of the bag's record; {} when it has none.

    Raises :class:`InvalidBagError` for a record that is not safe, well-formed XML.
    """
    path = bag / DC_PATH
    if path.is_symlink() or not path.is_file():
        return {}
    try:
        return _record_values(parse_xml(read_xml_file(path)))
    except UnsafeXMLError as exc:
        raise InvalidBagError(str(exc), subject=str(path)) from None


def _record_values(tree: etree._ElementTree) -> dict[str, list[str]]:
    """Top-level dc/dcterms values by local name; the parts' image URLs as ``"partSource"``."""
    values: dict[str, list[str]] = {}
    for child in tree.getroot():
        if not isinstance(child.tag, str):
            continue
        name, text = etree.QName(child), (child.text or "").strip()
        if name.localname == "hasPart":
            sources = child.findall(f"{{{RECORD_NS}}}part/{{{DC_NS}}}source")
            values.setdefault("partSource", []).extend((s.text or "").strip() for s in sources)
        elif name.namespace in (DC_NS, DCTERMS_NS) and text:
            values.setdefault(name.localname, []).append(text)
    return values


def article_page(entries: list[IndexEntry], source: str | None, title: str | None) -> Page:
    """The index entry of the article itself, as a page.

    The record of the URL the record names as its source (an HTTP capture's final URL) when
    the index has it; otherwise the first successful HTML or text record in WARC order (a
    file's ``resource`` record); otherwise the first record. Raises :class:`InvalidBagError`
    when the index is empty.
    """
    if not entries:
        raise InvalidBagError("the WARC index lists no record to replay", subject=INDEX_PATH)
    ordered = sorted(entries, key=lambda e: (e.filename, e.offset))
    found = next((e for e in ordered if e.url == source and _is_page(e)), None)
    found = found or next((e for e in ordered if _is_page(e)), ordered[0])
    ts = rfc3339(found.timestamp)
    page_id = hashlib.sha256(f"{ts} {found.url}".encode()).hexdigest()[:12]
    return Page(url=found.url, ts=ts, title=title, id=page_id)


def _is_page(entry: IndexEntry) -> bool:
    ok = entry.status is None or entry.status.startswith("2")
    mime = (entry.mime or "").split(";")[0].strip().lower()
    return ok and not entry.is_revisit and mime in _PAGE_TYPES


def rfc3339(timestamp: str) -> str:
    """A 14-digit CDX timestamp (``20161119083000``) as RFC 3339 (``2016-11-19T08:30:00Z``)."""
    t = timestamp
    return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"


# --- Writing outputs --------------------------------------------------------------------------


def check_output(output: Path, bag_or_store: Path, overwrite: bool) -> None:
    """Refuse an output inside the bag or store (never modified) or one that exists."""
    target = output.resolve()
    if target.is_relative_to(bag_or_store.resolve()):
        raise UsageError(
            f"the output must not be inside {bag_or_store} (it is never modified)",
            subject=str(output),
        )
    if output.is_dir():
        raise UsageError("is a folder; give a file name", subject=str(output))
    if output.exists() and not overwrite:
        raise UsageError("already exists (--force replaces it)", subject=str(output))


@contextlib.contextmanager
def atomic_output(output: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside ``output``, renamed to it only when the block completes."""
    try:
        fd, temporary = tempfile.mkstemp(
            dir=output.parent, prefix=f".{output.name}.", suffix=".part"
        )
    except OSError as exc:
        raise ExportError(f"cannot write: {exc.strerror}", subject=str(output)) from None
    try:
        with os.fdopen(fd, "w+b") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except OSError as exc:
        raise ExportError(f"cannot write: {exc.strerror or exc}", subject=str(output)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


# --- WACZ -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZipResource:
    """One file of a WACZ as ``datapackage.json`` lists it."""

    path: str
    sha256: str  # hex
    size: int

    def as_dict(self) -> dict[str, Any]:
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


def export_wacz(
    bag: Path,
    output: Path,
    *,
    overwrite: bool = False,
    clock: Callable[[], datetime] = utc_now,
) -> WaczResult:
    """Write the bag's capture as a WACZ 1.1.1 file at ``output``.

    Raises :class:`NotABagError` (not a bag, no WARC or index), :class:`InvalidBagError` (a
    WARC or index that differs from the manifest, a bad index), :class:`UsageError` (output
    inside the bag or existing) and :class:`ExportError` (output not writable).
    """
    require_bag(bag)
    check_output(output, bag, overwrite)
    warcs = bag_warcs(bag)
    index = bag_file(bag, INDEX_PATH)
    entries = read_index(index, (w.name for w in warcs))
    values = read_record_values(bag)
    info = read_bag_info(bag)
    title = _first(values, "title") or info.get("External-Description")
    page = article_page(entries, _first(values, "source"), title)
    manifest = read_manifest(bag)
    created = clock().astimezone(UTC).replace(microsecond=0)
    with atomic_output(output) as stream, zipfile.ZipFile(stream, "w") as wacz:
        resources = [
            add_file(wacz, f"archive/{w.name}", w, manifest.get(f"data/{w.name}"), created)
            for w in warcs
        ]
        resources.append(
            add_file(wacz, "indexes/index.cdx", index, manifest.get(INDEX_PATH), created, True)
        )
        resources.append(add_bytes(wacz, "pages/pages.jsonl", pages_jsonl([page]), created))
        dc_path = bag / DC_PATH
        if values and not dc_path.is_symlink():
            resources.append(add_file(wacz, DC_PATH, dc_path, None, created, True))
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
    source: Path,
    expected_sha256: str | None,
    moment: datetime,
    compress: bool = False,
) -> ZipResource:
    """Stream ``source`` into the ZIP as ``name``, hashing it on the way.

    Already-compressed files (WARCs) are stored, as WACZ requires. When the bag's manifest
    gives ``expected_sha256`` and the bytes differ, raises :class:`InvalidBagError`.
    """
    info = _zip_info(name, moment, compress)
    hasher, size = hashlib.sha256(), 0
    with source.open("rb") as src, wacz.open(info, "w", force_zip64=_big(source)) as dst:
        while chunk := src.read(_COPY_CHUNK):
            hasher.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    digest = hasher.hexdigest()
    if expected_sha256 is not None and digest != expected_sha256:
        raise InvalidBagError(
            "differs from manifest-sha256.txt: the bag changed since it was made "
            "(archiver validate tells more)",
            subject=str(source),
        )
    return ZipResource(name, digest, size)


def _big(path: Path) -> bool:
    return path.stat().st_size > _ZIP64_LIMIT


def add_bytes(wacz: zipfile.ZipFile, name: str, data: bytes, moment: datetime) -> ZipResource:
    """Write ``data`` into the ZIP as ``name`` (deflated)."""
    wacz.writestr(_zip_info(name, moment, True), data)
    return ZipResource(name, hashlib.sha256(data).hexdigest(), len(data))


def pages_jsonl(pages: Iterable[Page]) -> bytes:
    """``pages/pages.jsonl``: the header line, then one line per page."""
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    lines.extend(page.as_dict() for page in pages)
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
        "resources": [r.as_dict() for r in resources],
    }
    described = {
        "id": _first(values, "identifier"),
        "title": page.title,
        "description": _first(values, "description"),
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


# --- oai_dc -----------------------------------------------------------------------------------


def flatten_to_dc(values: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    """The record's values as (element, value) pairs of the fifteen DC elements only.

    DCMI terms become the element they refine (``tableOfContents`` a ``description``,
    ``issued`` a ``date``); photos become a ``relation`` to their image URL when it is known,
    nothing otherwise. Pairs are in oai_dc order, each once.
    """
    pairs: list[tuple[str, str]] = []
    for name, items in values.items():
        element = name if name in DC_ELEMENTS else DCTERMS_REFINES.get(name)
        if name == "partSource":
            element = "relation"
        if element:
            pairs.extend((element, item) for item in items if item.strip())
    unique = dict.fromkeys(pairs)
    return sorted(unique, key=lambda pair: DC_ELEMENTS.index(pair[0]))


def oai_dc_xml(pairs: Iterable[tuple[str, str]]) -> bytes:
    """An ``oai_dc:dc`` document holding ``pairs`` (UTF-8, indented)."""
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", OAI_DC_SCHEMA_LOCATION)
    for element, value in pairs:
        etree.SubElement(root, f"{{{DC_NS}}}{element}").text = xml_text(value)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def check_oai_dc(data: bytes) -> list[str]:
    """Problems of an oai_dc document against ``schemas/oai_dc.xsd``; empty when valid."""
    try:
        return schema_errors(parse_xml(data), OAI_DC_SCHEMA)
    except UnsafeXMLError as exc:
        return [str(exc)]


def export_oai_dc(bag: Path, output: Path, *, overwrite: bool = False) -> bytes:
    """Write the bag's Dublin Core record as an oai_dc document at ``output``; return it.

    Raises :class:`InvalidBagError` when the bag has no usable record or the flattened
    record does not validate (a value our schema refuses, such as a malformed date).
    """
    require_bag(bag)
    check_output(output, bag, overwrite)
    values = read_record_values(bag)
    if not values:
        raise InvalidBagError(f"no Dublin Core record ({DC_PATH})", subject=str(bag))
    document = oai_dc_xml(flatten_to_dc(values))
    problems = check_oai_dc(document)
    if problems:
        raise InvalidBagError(f"the oai_dc record is invalid: {problems[0]}", subject=str(bag))
    with atomic_output(output) as stream:
        stream.write(document)
    return document


# --- Store catalogue --------------------------------------------------------------------------


def catalogue_row(bag: Path, store_root: Path) -> dict[str, str | int | None]:
    """One bag as a catalogue row (keys: :data:`CATALOGUE_FIELDS`); unknown values are None."""
    summary = summarize(bag)
    values = _safe_record_values(bag)
    oxum = (summary.payload_oxum or "").partition(".")[0]
    return {
        "identifier": summary.identifier,
        "title": summary.title,
        "date": summary.date,
        "publisher": summary.publisher,
        "language": _first(values, "language"),
        "source": summary.source,
        "captions": summary.captions,
        "bag": store_key(bag, store_root),
        "size": summary.size,
        "payload_bytes": int(oxum) if oxum.isdigit() else None,
    }


def _safe_record_values(bag: Path) -> dict[str, list[str]]:
    try:
        return read_record_values(bag)
    except InvalidBagError:
        return {}


@dataclass(frozen=True)
class CatalogueResult:
    """What :func:`export_catalogue` wrote."""

    store: Path
    bags: int
    outputs: tuple[Path, ...]


def export_catalogue(
    store: Store,
    *,
    csv_path: Path | None = None,
    xml_path: Path | None = None,
    overwrite: bool = False,
    clock: Callable[[], datetime] = utc_now,
) -> CatalogueResult:
    """Write one CSV row and/or one XML record per bag of ``store``, reading the store once.

    Rows stream to the outputs as the bags are read: a store of any size fits.
    """
    outputs = tuple(p for p in (csv_path, xml_path) if p is not None)
    if not outputs:
        raise UsageError("give --csv FILE, --xml FILE or both")
    store.require_existing()
    for path in outputs:
        check_output(path, store.root, overwrite)
    created = clock().astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    count = 0
    with contextlib.ExitStack() as stack:
        writers: list[Callable[[Mapping[str, Any]], None]] = []
        if csv_path is not None:
            stream = stack.enter_context(atomic_output(csv_path))
            writers.append(stack.enter_context(_csv_writer(stream)))
        if xml_path is not None:
            stream = stack.enter_context(atomic_output(xml_path))
            writers.append(stack.enter_context(_xml_writer(stream, store.root, created)))
        for bag in store.bags():
            row = catalogue_row(bag, store.root)
            for write in writers:
                write(row)
            count += 1
    return CatalogueResult(store.root, count, outputs)


@contextlib.contextmanager
def _csv_writer(stream: IO[bytes]) -> Iterator[Callable[[Mapping[str, Any]], None]]:
    """Yield a function writing one row to ``stream`` as UTF-8 CSV, after the header row."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    writer = csv.DictWriter(text, fieldnames=CATALOGUE_FIELDS, lineterminator="\r\n")
    writer.writeheader()

    def write(row: Mapping[str, Any]) -> None:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})

    yield write
    text.flush()
    text.detach()  # the stream stays open for atomic_output to finish


@contextlib.contextmanager
def _xml_writer(
    stream: IO[bytes], store_root: Path, created: str
) -> Iterator[Callable[[Mapping[str, Any]], None]]:
    """Yield a function writing one ``<record>`` per row into a streamed ``<catalogue>``."""
    nsmap = {None: CATALOGUE_NS, "dc": DC_NS}
    attributes = {"store": xml_text(str(store_root.resolve())), "created": created}
    with etree.xmlfile(stream, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{CATALOGUE_NS}}}catalogue", attributes, nsmap=nsmap):

            def write(row: Mapping[str, Any]) -> None:
                xf.write("\n  ")
                with xf.element(f"{{{CATALOGUE_NS}}}record"):
                    for tag, text in catalogue_fields(row):
                        xf.write("\n    ")
                        with xf.element(tag):
                            xf.write(text)
                    xf.write("\n  ")

            yield write
            xf.write("\n")
    stream.write(b"\n")


def catalogue_fields(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """One bag's catalogue record as (qualified tag, text): Dublin Core, then our fields."""
    fields = [
        (f"{{{DC_NS}}}{name}", str(row[name]))
        for name in ("identifier", "title", "date", "publisher", "language", "source")
        if row.get(name)
    ]
    for name, tag in (
        ("captions", "captions"),
        ("bag", "bag"),
        ("size", "size"),
        ("payload_bytes", "payloadBytes"),
    ):
        if row.get(name) is not None:
            fields.append((f"{{{CATALOGUE_NS}}}{tag}", str(row[name])))
    return [(tag, xml_text(text)) for tag, text in fields]


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold."""
    return _XML_INVALID.sub("", value)


def _first(values: Mapping[str, list[str]], key: str) -> str | None:
    found = values.get(key)
    return found[0] if found else None

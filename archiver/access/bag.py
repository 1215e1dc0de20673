"""Reading a bag for access: its WARCs, its CDXJ index, its Dublin Core values, its article page.

Shared by the exports (:mod:`archiver.access.wacz`, :mod:`archiver.access.oai_dc`) and the
replay (:mod:`archiver.access.replay`). Reads only, through the bag-files seam
(:func:`archiver.bagit.read.bag_files`): a bag folder never through a link (every file is
opened by :func:`archiver.bagit.read.open_in_bag`, so a linked ``data/`` or ``metadata/`` is
refused as much as a linked file), a bag in object storage as streams of its objects. A bag
that cannot serve (no WARC, a malformed index, an unsafe record) is an
:class:`~archiver.errors.ArchiverError` naming the file, not a finding:
checking bags is ``validate``'s job, which :func:`require_valid` asks before an export.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from lxml import etree

from archiver import codes
from archiver.bagit.read import (
    MANIFEST_NAME,
    MAX_TAG_FILE_BYTES,
    BagLike,
    LocalBag,
    bag_files,
    hash_name,
    parse_manifest,
)
from archiver.codes import Findings
from archiver.describe import DC_NS, DCTERMS_NS, RECORD_NS
from archiver.errors import InvalidBagError, NotABagError
from archiver.model import Finding
from archiver.xmlsafe import MAX_XML_BYTES, UnsafeXMLError, parse_xml

INDEX_PATH = "data/index.cdxj"
DC_PATH = "metadata/dublin_core.xml"

_MAX_INDEX_LINE = 1024 * 1024
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


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

    def to_dict(self) -> dict[str, str]:
        """The page as a page list line (``pages/pages.jsonl``) and JSON output give it."""
        line = {"id": self.id, "url": self.url, "ts": self.ts}
        if self.title:
            line["title"] = self.title
        return line


def require_bag(bag: BagLike) -> None:
    """Raise :class:`NotABagError` unless ``bag`` is a bag (a folder with bagit.txt, or a
    committed bag in object storage)."""
    files = bag_files(bag)
    if isinstance(files, LocalBag) and not files.root.exists():
        raise NotABagError("no such bag", subject=files.location)
    if not files.is_bag():
        raise NotABagError("not a bag (no bagit.txt)", subject=files.location)


def open_bag_file(bag: BagLike, relative: str) -> BinaryIO:
    """A file of the bag opened for reading through the bag-files seam (a folder's file by
    :func:`~archiver.bagit.read.open_in_bag`, never through a link), its problems as access
    errors.

    Raises :class:`NotABagError` when it is absent and :class:`InvalidBagError` when it is
    a link, on a linked folder, not a regular file, or unreadable.
    """
    files = bag_files(bag)
    try:
        return files.open(relative)
    except FileNotFoundError:
        raise NotABagError(
            f"not a web capture bag (no {relative})", subject=files.location
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InvalidBagError(
            f"{reason}: refused", subject=f"{files.location}/{relative}"
        ) from None


def bag_warcs(bag: BagLike) -> list[str]:
    """The bag's WARC files (``data/*.warc.gz`` and ``data/*.warc``, bag-relative), sorted by
    name, each checked to be a regular file reached without a link."""
    files = bag_files(bag)
    if isinstance(files, LocalBag) and (files.root / "data").is_symlink():
        raise InvalidBagError(
            "a symbolic link: refused, never followed", subject=str(files.root / "data")
        )
    tree = files.tree(Findings())
    found = sorted(
        path for path in {*tree.files, *tree.others}
        if path.count("/") == 1 and path.startswith("data/")
        and path.endswith((".warc", ".warc.gz"))
    )  # fmt: skip
    if not found:
        raise NotABagError("not a web capture bag (no WARC file in data/)", subject=files.location)
    for relative in found:
        with open_bag_file(files, relative):
            pass
    return found


def manifest_digests(bag: BagLike) -> dict[str, dict[str, str]]:
    """Every digest the bag's manifests and tag manifests give: {path: {hashlib name: hex}}.

    A tolerant reader (it reports nothing): for an export of a bag that validated, to pack
    only listed files and to check each against every digest listed for it as it is packed.
    """
    files = bag_files(bag)
    names = sorted(name for name in files.tree(Findings()).files if MANIFEST_NAME.match(name))
    digests: dict[str, dict[str, str]] = {}
    for name in names:
        algorithm = name.split("-", 1)[1].removesuffix(".txt").lower()
        computed = hash_name(algorithm)
        if computed is None:
            continue
        try:
            data = files.read(name, MAX_TAG_FILE_BYTES)
        except OSError:
            continue
        text = data.decode("utf-8", "replace")
        for entry in parse_manifest(text, name, algorithm, (1, 0), Findings()).entries:
            if entry.digest:
                digests.setdefault(entry.path, {})[computed] = entry.digest.lower()
    return digests


def listed_warcs(digests: Mapping[str, Mapping[str, str]]) -> list[str]:
    """The WARCs a bag's manifests list directly in ``data/``, as bag-relative paths."""
    return sorted(
        path
        for path in digests
        if path.startswith("data/")
        and "/" not in path[len("data/") :]
        and path.endswith((".warc", ".warc.gz"))
    )


def require_valid(bag: BagLike) -> None:
    """Raise :class:`InvalidBagError` unless the bag passes a full validation.

    Every manifest and tag manifest, every checksum, the profile and the content checks:
    what ``archiver validate BAG`` does. An export never vouches for a bag that does not.
    """
    from archiver.verify import validate_bag

    report = validate_bag(bag)
    if not report.valid:
        errors = report.errors
        more = f" and {len(errors) - 1} more error(s)" if len(errors) > 1 else ""
        raise InvalidBagError(
            f"the bag is invalid, nothing exported: {errors[0].line()}{more} "
            "(archiver validate tells all)",
            subject=bag_files(bag).location,
        )


def read_index(bag: BagLike, filenames: Iterable[str]) -> list[IndexEntry]:
    """Parse the bag's CDXJ index, whose records must all lie in WARCs named in ``filenames``.

    Raises :class:`InvalidBagError` naming the line of a malformed entry or of an entry
    pointing outside those files (a replay tool must never be sent elsewhere).
    """
    allowed = set(filenames)
    entries = []
    path = f"{bag_files(bag).location}/{INDEX_PATH}"
    with open_bag_file(bag, INDEX_PATH) as stream:
        for number, raw in enumerate(iter(lambda: stream.readline(_MAX_INDEX_LINE + 1), b""), 1):
            line = raw.decode("utf-8", "replace").strip()
            if not line or line.startswith("!"):
                continue
            entry = _index_entry(line, len(raw) > _MAX_INDEX_LINE)
            if entry is None or entry.filename not in allowed:
                problem = "malformed entry" if entry is None else "names a file not in the bag"
                raise InvalidBagError(f"line {number}: {problem}", subject=path)
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


def record_values(bag: BagLike) -> tuple[dict[str, list[str]], Finding | None]:
    """The article-level Dublin Core values of the bag's record, and why there are none.

    Reads through :func:`~archiver.bagit.read.read_in_bag` and never raises for a bad bag:
    ``({}, None)`` when the bag has no record; ``({}, D001)`` when it cannot be read (a link,
    on a linked folder, unreadable, over the XML size limit); ``({}, D002)`` when it is not
    safe, well-formed XML. The finding's path is bag-relative.
    """
    try:
        data = bag_files(bag).read(DC_PATH, MAX_XML_BYTES)
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        return {}, codes.D001_UNREADABLE.finding(DC_PATH, reason=exc.strerror or exc)
    try:
        return _record_values(parse_xml(data)), None
    except UnsafeXMLError as exc:
        return {}, codes.D002_UNSAFE.finding(DC_PATH, problem=str(exc))


def read_record_values(bag: BagLike) -> dict[str, list[str]]:
    """The article-level Dublin Core values of the bag's record; {} when it has none.

    For an export or a replay of one bag. Raises :class:`InvalidBagError` naming the record
    when it cannot be read or is not safe, well-formed XML (see :func:`record_values`).
    """
    values, problem = record_values(bag)
    if problem is not None:
        raise InvalidBagError(problem.message, subject=f"{bag_files(bag).location}/{DC_PATH}")
    return values


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


def first_value(values: Mapping[str, list[str]], key: str) -> str | None:
    """The first of a record's values for ``key``, or None."""
    found = values.get(key)
    return found[0] if found else None

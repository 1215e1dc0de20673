"""Reading a bag for access: its WARCs, its CDXJ index, its Dublin Core values, its article page.

Shared by the exports (:mod:`archiver.access.wacz`, :mod:`archiver.access.oai_dc`) and the
replay (:mod:`archiver.access.replay`). Reads only, never through a link; a bag that cannot
serve (no WARC, a malformed index, an unsafe record) is an :class:`~archiver.errors.ArchiverError`
naming the file, not a finding: checking bags is ``validate``'s job.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from archiver.bagit.read import is_bag
from archiver.describe import DC_NS, DCTERMS_NS, RECORD_NS
from archiver.errors import InvalidBagError, NotABagError
from archiver.xmlsafe import UnsafeXMLError, parse_xml, read_xml_file

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


def first_value(values: Mapping[str, list[str]], key: str) -> str | None:
    """The first of a record's values for ``key``, or None."""
    found = values.get(key)
    return found[0] if found else None

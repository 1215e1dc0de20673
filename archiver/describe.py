"""The describe stage: build the Dublin Core record of an article, write it as XML, check it;
and ``captions.json``, the photo captions as data.

The record is always writable: a value that cannot be written validly as the source gave it
(a date-time without a zone, control characters, a 10 kB byline, a malformed language tag)
is normalised, shortened or left out by :class:`Normaliser`, and each choice becomes a
``MetadataWarning`` on the record, for the capture's messages and its PREMIS record. Metadata
never makes a capture fail; only a bug can make the record invalid.

Pure functions from plain data to plain data (and to bytes); the only outside library is lxml,
for serialising and for schema validation against archiver's own ``schemas/dc-record.xsd``.
Nothing here reads or writes files other than the schemas.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from lxml import etree

from archiver.model import Article, Capture, DublinCore, MetadataWarning, PhotoPart
from archiver.xmlsafe import UnsafeXMLError, parse_xml, schema_errors

DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
RECORD_NS = "https://archiver.invalid/ns/dc-record/1"
SCHEMA_NAME = "dc-record.xsd"
_NSMAP = {None: RECORD_NS, "dc": DC_NS, "dcterms": DCTERMS_NS}

_DEVISED_TITLE_WORDS = 14
_DATELINE = re.compile(r"^\s*(?:[A-Z][A-Z .,'-]*\s)?\([^)]{1,40}\)\s*[-—–]*\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")


def devise_title(article: Article) -> str:
    """Make a title for an article whose source states none (without the brackets).

    The first sentence of the lede, without its dateline, shortened to a few words at a word
    boundary; failing that, the first heading; failing that, a generic description.
    """
    lede = article.body[0] if article.body else ""
    lede = _DATELINE.sub("", lede).strip()
    if lede:
        first = _SENTENCE_END.split(lede, maxsplit=1)[0].strip()
        words = first.split()
        if len(words) > _DEVISED_TITLE_WORDS:
            first = " ".join(words[:_DEVISED_TITLE_WORDS]) + " …"
        return first.rstrip(" .;:,")
    if article.headings:
        return article.headings[0]
    publisher = f"{article.publisher} " if article.publisher else ""
    return f"{publisher}news article".strip().capitalize()


def build_dublin_core(
    article: Article,
    capture: Capture,
    identifier: str,
    *,
    title: str | None = None,
    warnings: tuple[MetadataWarning, ...] = (),
    is_version_of: str | None = None,
    replaces: str | None = None,
) -> DublinCore:
    """Describe ``article`` as captured by ``capture``: a record that can always be written.

    ``is_version_of`` names the work this capture is a version of (see :mod:`archiver.works`)
    and ``replaces`` the identifier of the version before it, when there is one.

    ``title`` (an archivist's override) wins over the title the source states; when neither
    exists a title is devised and marked as such. Every value is made writable on the way
    (see :class:`Normaliser`): what cannot be written as the source gave it is normalised,
    shortened or left out, and each such choice is a warning in ``DublinCore.warnings``,
    after ``warnings`` (extraction's, such as captions not sought). A capture never fails
    because of its metadata.
    """
    fix = Normaliser()
    fix.warnings.extend(warnings)
    stated = fix.text("title", title or article.title, MAX_TITLE)
    if not stated and (title or article.title):
        fix.warn("title", "devised", "nothing writable was left of the stated title")
    written = stated or fix.text("title", devise_title(article), MAX_TITLE) or "Untitled document"
    source = fix.text("source", capture.final_url or capture.source, MAX_URL, cut=False)
    canonical = fix.text("relation", article.canonical_url, MAX_URL, cut=False)
    return DublinCore(
        title=written,
        title_devised=not stated,
        identifier=identifier,
        source=source or "unknown",
        type="Text",
        format=fix.text("format", capture.media_type, MAX_SHORT),
        creators=fix.texts("creator", article.authors, MAX_NAME, MAX_CREATORS),
        publisher=fix.text("publisher", article.publisher, MAX_NAME),
        date=fix.date("date", article.date),
        language=fix.language("language", article.language),
        description=fix.text("description", article.description, MAX_DESCRIPTION),
        subjects=fix.texts("subject", tuple(dict.fromkeys((*article.keywords,
                                                           *_section(article)))),
                           MAX_SHORT, MAX_SUBJECTS),
        table_of_contents=fix.texts("tableOfContents", article.headings, MAX_SHORT,
                                    MAX_HEADINGS),
        relation=canonical if canonical != source else None,
        provenance=capture.provenance,
        is_version_of=is_version_of,
        replaces=replaces,
        parts=_parts(article, identifier, fix),
        warnings=tuple(fix.warnings),
    )


def _parts(article: Article, identifier: str, fix: Normaliser) -> tuple[PhotoPart, ...]:
    """One part per photo; a photo whose caption has nothing writable left is left out."""
    parts: list[PhotoPart] = []
    for n, c in enumerate(article.captions, start=1):
        name = f"part {n}"
        caption = fix.text(f"{name} description", c.text, MAX_CAPTION)
        if not caption:
            fix.warn(name, "dropped", "the photo's caption has no writable text")
            continue
        parts.append(PhotoPart(
            identifier=f"{identifier}#photo-{len(parts) + 1}",
            caption=caption,
            credit=fix.text(f"{name} creator", c.credit, MAX_CREDIT),
            image_url=fix.text(f"{name} source", c.image_url, MAX_URL, cut=False),
            alt=fix.text(f"{name} alternative", c.alt, MAX_CAPTION),
            image_record_id=fix.text(f"{name} relation", c.image_record_id, MAX_URL, cut=False),
        ))
    return tuple(parts)


def _section(article: Article) -> tuple[str, ...]:
    return (article.section,) if article.section else ()


# --- Making values writable -----------------------------------------------------------------

#: Longest values written (characters); longer ones are cut at a word and end in "…".
MAX_TITLE = 1000
MAX_NAME = 300
MAX_CREDIT = 1000
MAX_SHORT = 500
MAX_CAPTION = 10_000
MAX_DESCRIPTION = 10_000
MAX_URL = 8192
#: Most values of a repeated element written; the rest are left out.
MAX_CREATORS = 100
MAX_SUBJECTS = 200
MAX_HEADINGS = 500

#: What XML 1.0 cannot hold (C0 controls but tab/newline/return, lone surrogates, U+FFFE/F)
#: and the C1 controls, which it can but which are never text (mostly mis-decoded bytes).
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_W3CDTF = re.compile(
    r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+\-]\d{2}:\d{2}))?)?)?")
_DATE_START = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?!\d)")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_PREVIEW = 60


class Normaliser:
    """Makes values writable in the Dublin Core record, keeping a warning for each change.

    Text loses the characters XML cannot hold and runs of white space (a record's values
    are single lines); too long a value is cut at a word; a date becomes W3CDTF; a language
    tag becomes a valid code. Collapsing white space is not worth a warning; the rest is.
    """

    def __init__(self) -> None:
        self.warnings: list[MetadataWarning] = []

    def warn(self, field: str, action: str, detail: str) -> None:
        """Record one choice made about ``field``."""
        self.warnings.append(MetadataWarning(field, action, detail))

    def text(self, field: str, value: str | None, limit: int, *, cut: bool = True) -> str | None:
        """``value`` as writable text, or None; ``cut=False`` leaves out (rather than cuts)
        a value over ``limit`` (a URL cut short is no URL)."""
        if value is None:
            return None
        cleaned, removed = strip_unwritable(value)
        cleaned = " ".join(cleaned.split())
        if removed:
            action = "cleaned" if cleaned else "dropped"
            self.warn(field, action, f"{removed} character(s) XML cannot hold or that are "
                                     f"control characters removed from {_preview(value)}")
        if len(cleaned) > limit:
            if not cut:
                self.warn(field, "dropped", f"{len(cleaned)} characters, over the limit of "
                                            f"{limit}: {_preview(cleaned)}")
                return None
            shortened = shorten(cleaned, limit)
            self.warn(field, "shortened", f"{len(cleaned)} characters cut to {len(shortened)}: "
                                          f"{_preview(cleaned)}")
            cleaned = shortened
        return cleaned or None

    def texts(self, field: str, values: tuple[str, ...], limit: int,
              most: int) -> tuple[str, ...]:
        """Each of ``values`` made writable, empty ones and repeats left out, at most ``most``."""
        kept = [t for n, v in enumerate(values, start=1)
                for t in [self.text(f"{field} {n}", v, limit)] if t]
        kept = list(dict.fromkeys(kept))
        if len(kept) > most:
            self.warn(field, "shortened", f"{len(kept)} values, only the first {most} written")
        return tuple(kept[:most])

    def date(self, field: str, value: str | None) -> str | None:
        """``value`` as a W3CDTF date or date-time, or None when no date can be read from it."""
        text = self.text(field, value, MAX_SHORT)
        if not text:
            return None
        written, why = w3cdtf(text)
        if written is None:
            self.warn(field, "dropped", f"{_preview(text)} is not a date ({why})")
        elif written != text:
            self.warn(field, "normalised", f"{_preview(text)} written as {written} ({why})")
        return written

    def language(self, field: str, value: str | None) -> str | None:
        """``value`` as a language code (``en``, ``pt-BR``), or None."""
        text = self.text(field, value, MAX_SHORT)
        if not text:
            return None
        primary, _, rest = text.replace("_", "-").partition("-")
        code = f"{primary.lower()}-{rest}" if rest else primary.lower()
        if not _LANGUAGE.fullmatch(code):
            self.warn(field, "dropped", f"{_preview(text)} is not a language code")
            return None
        if code != text:
            self.warn(field, "normalised", f"{_preview(text)} written as {code}")
        return code


def strip_unwritable(value: str) -> tuple[str, int]:
    """``value`` without the characters a record must not hold, and how many there were."""
    cleaned = _NOT_TEXT.sub("", value)
    return cleaned, len(value) - len(cleaned)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary where one is near,
    ending in "…"."""
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip() + "…"


def w3cdtf(text: str) -> tuple[str | None, str]:
    """A W3CDTF form of a date as a source wrote it, and why it differs (or "").

    Kept: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` and date-times with a zone, when they name a
    real day and time. A date-time without a zone keeps its date (W3CDTF allows a date
    without a time, not a time without a zone); other ISO 8601 and RFC 2822 forms are
    rewritten; failing all that, a leading ``YYYY-MM-DD`` is kept. Otherwise None.
    """
    if _W3CDTF.fullmatch(text) and _real(text):
        return text, ""
    moment = _parse_moment(text)
    if moment is not None and 1 <= moment.year <= 9999:
        if moment.tzinfo is None or moment.utcoffset() is None:
            return moment.date().isoformat(), "a time without a time zone left out"
        if (moment.utcoffset() or timedelta()) % timedelta(minutes=1):
            moment = moment.astimezone(UTC)
        return moment.isoformat().replace("+00:00", "Z"), "rewritten as W3CDTF"
    start = _DATE_START.match(text)
    if start:
        for size in (3, 2, 1):
            prefix = "-".join(p for p in start.groups()[:size] if p)
            if prefix.count("-") == size - 1 and _real(prefix):
                return prefix, "only the part that names a real date kept"
    return None, "no date in a form W3CDTF or ISO 8601 knows"


def _real(text: str) -> bool:
    """True when a W3CDTF value names a day (and time) that exists."""
    candidate = text.replace("Z", "+00:00")
    try:
        if len(candidate) == 4:
            return 1 <= int(candidate) <= 9999
        if len(candidate) == 7:
            datetime.strptime(candidate, "%Y-%m")
        else:
            datetime.fromisoformat(candidate)
    except ValueError:
        return False
    return True


def _parse_moment(text: str) -> datetime | None:
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _preview(value: str) -> str:
    """A short, printable quotation of a value for a warning line."""
    shown = value if len(value) <= _PREVIEW else value[: _PREVIEW - 1] + "…"
    return ascii(shown) if _NOT_TEXT.search(shown) or not shown.isprintable() else repr(shown)


def to_xml(record: DublinCore) -> bytes:
    """Serialise the record as ``metadata/dublin_core.xml`` (UTF-8, indented)."""
    root = etree.Element(f"{{{RECORD_NS}}}record", nsmap=_NSMAP, version="1.0")
    _dc(root, "title", record.display_title)
    for creator in record.creators:
        _dc(root, "creator", creator)
    _dc(root, "publisher", record.publisher)
    _dc(root, "date", record.date)
    _dc(root, "language", record.language)
    _dc(root, "description", record.description)
    for subject in record.subjects:
        _dc(root, "subject", subject)
    _dc(root, "identifier", record.identifier)
    _dc(root, "source", record.source)
    _dc(root, "type", record.type)
    _dc(root, "format", record.format)
    _dc(root, "relation", record.relation)
    _term(root, "isVersionOf", record.is_version_of)
    _term(root, "replaces", record.replaces)
    if record.table_of_contents:
        _term(root, "tableOfContents", " -- ".join(record.table_of_contents))
    _term(root, "provenance", record.provenance)
    for part in record.parts:
        _part(etree.SubElement(root, f"{{{DCTERMS_NS}}}hasPart"), part)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _part(container: etree._Element, part: PhotoPart) -> None:
    element = etree.SubElement(container, f"{{{RECORD_NS}}}part")
    _dc(element, "identifier", part.identifier)
    _dc(element, "type", "StillImage")
    _dc(element, "description", part.caption)
    _dc(element, "creator", part.credit)
    _dc(element, "source", part.image_url)
    _dc(element, "relation", part.image_record_id)
    _term(element, "alternative", part.alt)


def _dc(parent: etree._Element, name: str, value: str | None) -> None:
    if value and value.strip():
        etree.SubElement(parent, f"{{{DC_NS}}}{name}").text = _xml_text(value)


def _term(parent: etree._Element, name: str, value: str | None) -> None:
    if value and value.strip():
        etree.SubElement(parent, f"{{{DCTERMS_NS}}}{name}").text = _xml_text(value)


def _xml_text(value: str) -> str:
    """A value as element text: a last guard for records not made by build_dublin_core."""
    return strip_unwritable(value)[0].strip()


def check_dublin_core(data: bytes) -> list[str]:
    """Check a Dublin Core record: safe to parse and valid against ``schemas/``.

    Returns one message per problem; an empty list means the record is valid.
    """
    try:
        tree = parse_xml(data)
    except UnsafeXMLError as exc:
        return [str(exc)]
    return schema_errors(tree, SCHEMA_NAME)


def read_dublin_core(data: bytes) -> dict[str, list[str]]:
    """The article-level Dublin Core values of a record, by element name (for inventories).

    Parts are summarised under ``"parts"`` as their captions. Raises ``UnsafeXMLError``.
    """
    root = parse_xml(data).getroot()
    values: dict[str, list[str]] = {}
    for child in root:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if name == "hasPart":
            captions = child.findall(f"{{{RECORD_NS}}}part/{{{DC_NS}}}description")
            values.setdefault("parts", []).extend(c.text or "" for c in captions)
        else:
            values.setdefault(name, []).append(child.text or "")
    return values


def captions_document(article: Article, record: DublinCore) -> bytes:
    """``captions.json``: every photo caption in article order, with what is known of it."""
    document = {
        "identifier": record.identifier,
        "source": record.source,
        "count": len(record.parts),
        "captions": [
            {
                "n": n,
                "text": c.caption,
                "credit": c.credit,
                "alt": c.alt,
                "image_url": c.image_url,
                "image_record_id": c.image_record_id,
            }
            for n, c in enumerate(record.parts, start=1)
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

"""The describe stage: build the Dublin Core record of an article, write it as XML, check it;
and ``captions.json``, the photo captions as data.

Pure functions from plain data to plain data (and to bytes); the only outside library is lxml,
for serialising and for schema validation against archiver's own ``schemas/dc-record.xsd``.
Nothing here reads or writes files other than the schemas.
"""

from __future__ import annotations

import json
import re

from lxml import etree

from archiver.model import Article, Capture, DublinCore, PhotoPart
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
) -> DublinCore:
    """Describe ``article`` as captured by ``capture``.

    ``title`` (an archivist's override) wins over the title the source states; when neither
    exists a title is devised and marked as such.
    """
    stated = title or article.title
    parts = tuple(
        PhotoPart(
            identifier=f"{identifier}#photo-{n}",
            caption=c.text,
            credit=c.credit,
            image_url=c.image_url,
            alt=c.alt,
            image_record_id=c.image_record_id,
        )
        for n, c in enumerate(article.captions, start=1)
    )
    return DublinCore(
        title=stated or devise_title(article),
        title_devised=not stated,
        identifier=identifier,
        source=capture.final_url or capture.source,
        type="Text",
        format=capture.media_type,
        creators=article.authors,
        publisher=article.publisher,
        date=article.date,
        language=article.language,
        description=article.description,
        subjects=tuple(dict.fromkeys((*article.keywords, *_section(article)))),
        table_of_contents=article.headings,
        relation=article.canonical_url if article.canonical_url != capture.final_url else None,
        parts=parts,
    )


def _section(article: Article) -> tuple[str, ...]:
    return (article.section,) if article.section else ()


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
    if record.table_of_contents:
        _term(root, "tableOfContents", " -- ".join(record.table_of_contents))
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


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """Drop characters XML 1.0 cannot hold (control characters) from a value."""
    return _XML_INVALID.sub("", value.strip())


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
        "count": len(article.captions),
        "captions": [
            {
                "n": n,
                "text": c.text,
                "credit": c.credit,
                "alt": c.alt,
                "image_url": c.image_url,
                "image_record_id": c.image_record_id,
            }
            for n, c in enumerate(article.captions, start=1)
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

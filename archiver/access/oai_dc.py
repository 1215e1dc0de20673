"""oai_dc export: a bag's Dublin Core record flattened to the fifteen elements of OAI-PMH.

DCMI terms become the element they refine, photos become ``dc:relation``s to their image URLs
(the captions stay in the bag), and the result is checked against ``schemas/oai_dc.xsd``
before it is written (whole or not at all). Only a bag that passes a full validation is
exported. Reads the bag; never writes to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from archiver.access.bag import DC_PATH, read_record_values, require_bag, require_valid
from archiver.access.output import atomic_output, check_output
from archiver.describe import DC_NS
from archiver.errors import InvalidBagError
from archiver.xmlsafe import UnsafeXMLError, parse_xml, schema_errors, xml_text

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA_LOCATION = f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_SCHEMA = "oai_dc.xsd"

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
    "isVersionOf": "relation",
    "replaces": "relation",
    "references": "relation",
    "rightsHolder": "rights",
    "license": "rights",
    "bibliographicCitation": "identifier",
    "spatial": "coverage",
    "temporal": "coverage",
}


@dataclass(frozen=True)
class OaiDcResult:
    """What :func:`export_oai_dc` wrote."""

    path: Path
    document: bytes

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"path": str(self.path)}


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


def export_oai_dc(bag: Path | str, output: Path, *, overwrite: bool = False) -> OaiDcResult:
    """Write the bag's Dublin Core record as an oai_dc document at ``output``.

    Raises :class:`InvalidBagError` when the bag does not validate, has no usable record, or
    the flattened record does not validate (a value our schema refuses, such as a malformed
    date); :class:`UsageError` for an output inside a bag or a store, or existing.
    """
    require_bag(bag)
    check_output(output, bag, overwrite)
    require_valid(bag)
    return write_oai_dc(output, oai_dc_document(bag))


def oai_dc_document(bag: Path | str) -> bytes:
    """The oai_dc document of a bag's Dublin Core record, checked against its schema.

    Raises :class:`InvalidBagError` when the bag has no usable record or the document is
    invalid.
    """
    values = read_record_values(bag)
    if not values:
        raise InvalidBagError(f"no Dublin Core record ({DC_PATH})", subject=str(bag))
    document = oai_dc_xml(flatten_to_dc(values))
    problems = check_oai_dc(document)
    if problems:
        raise InvalidBagError(f"the oai_dc record is invalid: {problems[0]}", subject=str(bag))
    return document


def write_oai_dc(output: Path, document: bytes) -> OaiDcResult:
    """Write an oai_dc document at ``output``, whole or not at all."""
    with atomic_output(output) as stream:
        stream.write(document)
    return OaiDcResult(output, document)

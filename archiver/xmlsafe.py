"""Safe XML parsing and schema validation with lxml.

Every XML document archiver reads goes through :func:`parse_xml`: no DTD is loaded, no entity
is resolved, nothing is fetched from the network, and a document that declares a DOCTYPE at
all is refused (our records never have one; an entity bomb or an external entity always
does). Schemas are loaded from the project's own ``schemas/`` folder
(:func:`archiver.schemas.schema_dir`). :func:`xml_text` drops the characters XML 1.0 cannot
hold from text about to be written.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from lxml import etree

from archiver.schemas import schema_dir

MAX_XML_BYTES = 64 * 1024 * 1024
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class UnsafeXMLError(ValueError):
    """The document is not well-formed, declares a DOCTYPE/entities, or is too large."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(data: bytes) -> etree._ElementTree:
    """Parse ``data`` safely; raise :class:`UnsafeXMLError` with a readable reason."""
    if len(data) > MAX_XML_BYTES:
        raise UnsafeXMLError(f"XML document of {len(data)} bytes is over the size limit")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXMLError(f"not well-formed XML: {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeXMLError("XML declares a DOCTYPE (entities are not allowed)")
    return tree


def read_xml_file(path: Path) -> bytes:
    """The bytes of an XML file, refused (UnsafeXMLError) before reading when over the limit."""
    size = path.stat().st_size
    if size > MAX_XML_BYTES:
        raise UnsafeXMLError(f"XML document of {size} bytes is over the size limit")
    return path.read_bytes()


@cache
def load_schema(name: str) -> etree.XMLSchema:
    """Load one of archiver's XML Schemas (and what it imports) from local files only."""
    path = schema_dir() / name
    tree = etree.parse(str(path), parser=_parser())
    return etree.XMLSchema(tree)


def schema_errors(tree: etree._ElementTree, schema_name: str) -> list[str]:
    """Validate ``tree`` against a schema; return one message per error (empty when valid)."""
    schema = load_schema(schema_name)
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold."""
    return _XML_INVALID.sub("", value)

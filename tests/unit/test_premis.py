"""PREMIS records: what archiver writes is valid against its schema, and damage is caught."""

from datetime import UTC, datetime

import pytest

from archiver.model import FileFixity
from archiver.premis import new_event, premis_xml
from archiver.xmlsafe import parse_xml, schema_errors

MOMENT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def _premis() -> bytes:
    files = (FileFixity("data/a.warc.gz", 12, (("sha256", "ab" * 32), ("sha512", "cd" * 64))),)
    events = (
        new_event("capture", MOMENT, "captured a.txt", objects=("data/a.warc.gz",)),
        new_event("fixity check", MOMENT, "checked", "failure", note="B009 data/a.warc.gz"),
    )
    return premis_xml(files, events, "Example Library")


def test_written_record_is_valid_premis() -> None:
    tree = parse_xml(_premis())
    assert schema_errors(tree, "premis.xsd") == []
    ns = {"p": "http://www.loc.gov/premis/v3"}
    types = [e.get("valueURI") for e in tree.getroot().findall("p:event/p:eventType", ns)]
    assert types == [
        "http://id.loc.gov/vocabulary/preservation/eventType/cap",
        "http://id.loc.gov/vocabulary/preservation/eventType/fix",
    ]
    assert tree.getroot().findtext("p:object/p:objectCharacteristics/p:size", namespaces=ns) == "12"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"<premis:size>12</premis:size>", b"<premis:size>twelve</premis:size>"),
        (b"2026-11-26T09:00:00Z", b"26 November 2026"),
        (b"<premis:eventType", b"<premis:eventKind"),
    ],
    ids=["size-not-a-number", "date-not-iso", "unknown-element"],
)
def test_damaged_record_is_invalid(old: bytes, new: bytes) -> None:
    damaged = _premis().replace(old, new, 1).replace(
        old.replace(b"<", b"</", 1), new.replace(b"<", b"</", 1), 1
    )
    assert damaged != _premis()
    assert schema_errors(parse_xml(damaged), "premis.xsd")

"""The Dublin Core record: built from plain data, valid against our schemas, strict about input."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.describe import (
    build_dublin_core,
    check_dublin_core,
    devise_title,
    read_dublin_core,
    to_xml,
)
from archiver.model import Article, Block, BlockKind, Caption, Capture


def _article(**overrides: object) -> Article:
    blocks = (
        Block(
            BlockKind.BODY,
            "(Reuters) Floodwaters rose across the valley overnight. More rain is due.",
        ),
        Block(BlockKind.HEADING, "The damage"),
        Block(BlockKind.CAPTION, "A man wades through a flooded street in Dresden."),
        Block(BlockKind.BODY, "Officials said the river would crest on Friday."),
    )
    values: dict[str, object] = {
        "blocks": blocks,
        "captions": (
            Caption("A man wades through a flooded street in Dresden.", credit="J. Doe/AFP"),
        ),
        "date": "2013-06-05",
        "publisher": "Reuters",
        "language": "en",
        "description": "Floodwaters rose across the valley overnight.",
    }
    values.update(overrides)
    return Article(**values)  # type: ignore[arg-type]


def _capture() -> Capture:
    return Capture(
        source="floods.txt",
        kind="file",
        target_uri="file:///floods.txt",
        media_type="text/plain",
        document=b"",
        captured_at=datetime(2026, 1, 2, tzinfo=UTC),
        records_path=Path("unused"),
        main_record_id="<urn:uuid:1>",
    )


def test_devised_title_is_bracketed_and_record_is_schema_valid() -> None:
    record = build_dublin_core(_article(), _capture(), "urn:uuid:abc")
    assert record.title_devised
    assert record.display_title == f"[{devise_title(_article())}]"
    assert "(Reuters)" not in record.title
    xml = to_xml(record)
    assert check_dublin_core(xml) == []
    values = read_dublin_core(xml)
    assert values["title"] == [record.display_title]
    assert values["parts"] == ["A man wades through a flooded street in Dresden."]
    assert values["publisher"] == ["Reuters"]
    assert values["tableOfContents"] == ["The damage"]


def test_title_override_is_not_bracketed() -> None:
    record = build_dublin_core(_article(), _capture(), "urn:uuid:abc", title="Floods in Saxony")
    assert not record.title_devised
    assert read_dublin_core(to_xml(record))["title"] == ["Floods in Saxony"]


def test_stated_title_is_used_as_is() -> None:
    record = build_dublin_core(_article(title="River crests"), _capture(), "urn:uuid:abc")
    assert record.display_title == "River crests"


def test_photo_credit_is_kept_apart_from_the_caption() -> None:
    xml = to_xml(build_dublin_core(_article(), _capture(), "urn:uuid:abc")).decode()
    assert "<dc:creator>J. Doe/AFP</dc:creator>" in xml
    assert (
        "<dc:description>A man wades through a flooded street in Dresden.</dc:description>" in xml
    )


def test_control_characters_never_break_the_xml() -> None:
    article = _article(description="Bad \x0b byte", captions=(Caption("A boy \x00runs."),))
    xml = to_xml(build_dublin_core(article, _capture(), "urn:uuid:abc"))
    assert check_dublin_core(xml) == []


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (
            lambda x: x.replace(b"<dc:publisher>", b"<dc:publsher>").replace(
                b"</dc:publisher>", b"</dc:publsher>"
            ),
            "line",
        ),
        (lambda x: x.replace(b"<dc:date>2013-06-05", b"<dc:date>5 June 2013"), "line"),
        (lambda x: x.replace(b"<dc:title>", b"<dc:title></dc:title><dc:title>"), "line"),
        (lambda x: x[: len(x) // 2], "not well-formed"),
        (
            lambda x: x.replace(
                b"<?xml version='1.0' encoding='UTF-8'?>",
                b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;'>]>",
            ),
            "DOCTYPE",
        ),
        (
            lambda x: x.replace(
                b"<?xml version='1.0' encoding='UTF-8'?>",
                b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>",
            ),
            "DOCTYPE",
        ),
    ],
    ids=[
        "unknown-element",
        "bad-date",
        "empty-title",
        "truncated",
        "entity-bomb",
        "external-entity",
    ],
)
def test_bad_records_are_rejected(mutation, expected: str) -> None:
    good = to_xml(build_dublin_core(_article(), _capture(), "urn:uuid:abc"))
    problems = check_dublin_core(mutation(good))
    assert problems, "the damaged record was accepted"
    assert expected in problems[0]

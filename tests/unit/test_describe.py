"""The Dublin Core record: built from plain data, valid against our schemas, strict about input."""

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hostile_metadata import DATES, LANGUAGES, MAYBE_TEXTS, TEXTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.describe import (
    build_dublin_core,
    check_dublin_core,
    devise_title,
    read_dublin_core,
    to_xml,
)
from archiver.model import Article, Block, BlockKind, Caption, Capture
from archiver.pipeline import captions_document
from archiver.store import bag_name


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


# --- A record can always be written (issue #11) ---------------------------------------------

@pytest.mark.parametrize(
    ("stated", "written", "action"),
    [
        ("2019-11-20T06:37:00", "2019-11-20", "normalised"),  # no zone: the date is kept
        ("2019-11-20 06:37:00+05:30", "2019-11-20T06:37:00+05:30", "normalised"),
        ("2019-11-20T06:37:00.5Z", "2019-11-20T06:37:00.5Z", None),
        ("Wed, 20 Nov 2019 06:37:00 +0000", "2019-11-20T06:37:00Z", "normalised"),
        ("2019-11", "2019-11", None),
        ("2019", "2019", None),
        ("2019-02-30", "2019-02", "normalised"),  # no such day: the month is kept
        ("2019-11-20T06:37:00+25:00", "2019-11-20", "normalised"),  # no such zone
        ("Room 2001", None, "dropped"),
        ("0000-00-00", None, "dropped"),
        ("\x00", None, "dropped"),
    ],
)
def test_dates_are_written_as_w3cdtf_or_left_out(
    stated: str, written: str | None, action: str | None
) -> None:
    record = build_dublin_core(_article(date=stated), _capture(), "urn:uuid:abc")
    assert record.date == written
    assert check_dublin_core(to_xml(record)) == []
    assert [w.action for w in record.warnings if w.field == "date"] == ([action] if action else [])


def test_every_change_is_a_warning_and_nothing_is_lost_silently() -> None:
    article = _article(
        title="Floods\x00 in \ud800Saxony",
        authors=("Jane Doe", "By " + "Carrie Arnold " * 800, "\x07"),
        language="en_US",
        date="2019-11-20T06:37:00",
        captions=(Caption("A boat\x1b on the river."), Caption("\x00\x01")),
    )
    record = build_dublin_core(article, _capture(), "urn:uuid:abc")
    assert record.title == "Floods in Saxony" and not record.title_devised
    assert record.creators[0] == "Jane Doe"
    assert len(record.creators) == 2 and record.creators[1].endswith("…")
    assert len(record.creators[1]) <= 300
    assert record.language == "en-US"
    assert [p.caption for p in record.parts] == ["A boat on the river."]
    assert record.parts[0].identifier == "urn:uuid:abc#photo-1"
    lines = [w.line() for w in record.warnings]
    assert {(w.field, w.action) for w in record.warnings} == {
        ("title", "cleaned"), ("creator 2", "shortened"), ("creator 3", "dropped"),
        ("language", "normalised"), ("date", "normalised"),
        ("part 1 description", "cleaned"), ("part 2 description", "dropped"), ("part 2", "dropped"),
    }, lines
    assert all(line.isprintable() for line in lines)
    assert check_dublin_core(to_xml(record)) == []


def test_a_title_with_nothing_writable_is_devised() -> None:
    record = build_dublin_core(_article(title="\x00\x01"), _capture(), "urn:uuid:abc")
    assert record.title_devised and record.title == devise_title(_article())
    assert ("title", "devised") in {(w.field, w.action) for w in record.warnings}


def test_a_clean_record_has_no_warnings() -> None:
    article = _article(title="River crests", authors=("Jane Doe",), date="2013-06-05T10:00:00Z")
    assert build_dublin_core(article, _capture(), "urn:uuid:abc").warnings == ()


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    title=MAYBE_TEXTS, override=st.one_of(st.none(), TEXTS), authors=st.lists(TEXTS, max_size=4),
    date=st.one_of(st.none(), DATES), language=st.one_of(st.none(), LANGUAGES),
    publisher=MAYBE_TEXTS, description=MAYBE_TEXTS, keywords=st.lists(TEXTS, max_size=3),
    captions=st.lists(st.tuples(TEXTS, MAYBE_TEXTS, MAYBE_TEXTS, MAYBE_TEXTS), max_size=3),
    source=TEXTS, headings=st.lists(TEXTS, max_size=2),
)
def test_hostile_metadata_always_makes_a_valid_record(
    title, override, authors, date, language, publisher, description, keywords, captions, source,
    headings,
) -> None:
    article = _article(
        title=title, authors=tuple(authors), date=date, language=language, publisher=publisher,
        description=description, keywords=tuple(keywords),
        blocks=(*(Block(BlockKind.HEADING, h) for h in headings),
                Block(BlockKind.BODY, "Floodwaters rose.")),
        captions=tuple(Caption(t, credit=c, alt=a, image_url=u) for t, c, a, u in captions),
    )
    capture = replace(_capture(), source=source or "x")
    record = build_dublin_core(article, capture, "urn:uuid:abc", title=override)
    xml = to_xml(record)
    assert check_dublin_core(xml) == []
    # what the bag writer puts beside the record agrees with it (C002) and encodes
    captions = json.loads(captions_document(article, record))["captions"]
    assert [c["text"] for c in captions] == read_dublin_core(xml).get("parts", [])
    name = bag_name(record.date, record.publisher, record.title, "abcd1234")
    assert "/" not in name and "\x00" not in name and len(name.encode()) < 255
    if date and date.split() and record.date != " ".join(date.split()):
        assert any(w.field == "date" for w in record.warnings)
    assert all(w.line().isprintable() for w in record.warnings)

"""How much of an HTML page is parsed (``htmlrefs.parsed_part``): all of a real page, a bounded
start of a hostile one, never cut inside a tag or a character."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.htmlrefs import (
    MAX_PARSED_BYTES,
    MAX_PARSED_MARKUP,
    MAX_PARSED_TAGS,
    MAX_TAG_ATTRIBUTES,
    parsed_part,
)

SITES = Path(__file__).resolve().parent.parent / "sites"
HEAD = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Caf\xc3\xa9 text.</p>"


@pytest.mark.parametrize("page", sorted(SITES.rglob("*.html")), ids=lambda p: p.name)
def test_a_real_page_is_parsed_whole(page: Path) -> None:
    document = page.read_bytes()
    assert parsed_part(document) is document


@pytest.mark.parametrize(
    "unit",
    [
        b"<i>a</i>",  # sibling elements
        b"<p>x",  # elements without end tags
        b'<img src="/a.png" alt="a photo of it">',  # attributes
        b"<i " + b" ".join(b"a%d" % n for n in range(900)) + b">",  # many attributes a tag
        b"<i " + b"".join(b'a%d="1"' % n for n in range(900)) + b">",  # no spaces between
    ],
    ids=["siblings", "unclosed", "attributes", "boolean-attributes", "glued-attributes"],
)
def test_a_hostile_page_is_cut_at_a_tag_within_the_limits(unit: bytes) -> None:
    document = HEAD + unit * (2 * MAX_PARSED_BYTES // len(unit))
    part = parsed_part(document)
    assert len(part) < len(document) and len(part) <= MAX_PARSED_BYTES
    assert document.startswith(part) and document[len(part):].startswith(b"<")
    assert part.count(b"<") <= MAX_PARSED_TAGS
    assert part.count(b" ") + part.count(b"=") + part.count(b"/") <= MAX_PARSED_MARKUP + 1000


def test_one_tag_with_too_many_attributes_ends_the_part() -> None:
    bomb = b"<div " + b" ".join(b"x%d" % n for n in range(MAX_TAG_ATTRIBUTES + 1)) + b">"
    assert parsed_part(HEAD + bomb + b"<p>after</p>") == HEAD
    long_value = b'<div title="' + b"word " * 5000 + b'">'  # many spaces, one attribute
    assert parsed_part(HEAD + long_value) == HEAD + long_value


def test_scripts_styles_and_comments_count_as_one_tag() -> None:
    inside = b"if (a < b && c > d) { x = y / z; } " * 20000
    document = HEAD + b"<script>" + inside + b"</script><!-- " + inside + b" --><p>end</p>"
    assert len(document) < MAX_PARSED_BYTES
    assert parsed_part(document) is document


def test_text_past_the_byte_limit_is_cut_between_characters() -> None:
    document = HEAD + "é".encode() * MAX_PARSED_BYTES
    part = parsed_part(document)
    assert MAX_PARSED_BYTES - 4 < len(part) <= MAX_PARSED_BYTES
    part.decode("utf-8")  # no character cut in two


REALPAGES = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "realpages"


@pytest.mark.skipif(not REALPAGES.is_dir(), reason="../shared/testdata/realpages is absent")
def test_the_real_pages_of_the_test_corpus_are_parsed_whole() -> None:
    import gzip

    pages = sorted(REALPAGES.glob("*.html.gz"))
    assert pages
    cut = [p.name for p in pages if len(parsed_part(d := gzip.decompress(p.read_bytes()))) < len(d)]
    assert cut == []

"""HTML extraction, driven by case files: ``tests/cases/html/<name>.html`` is a news page and
``<name>.expected.json`` what ``extract_html`` must understand of it (``url`` is the page's
address, the other keys the fields compared; a key left out is not checked).

Also: hostile and random HTML must end in an Article or an ExtractionError, quickly.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.errors import ExtractionError
from archiver.extract.body import Reading, read_text_part
from archiver.extract.credits import split_credit
from archiver.extract.dom import parse, tag_of, text_of
from archiver.extract.figures import is_not_caption
from archiver.extract.html import extract_html
from archiver.extract.metadata import normalise_date, split_byline, strip_site_name
from archiver.extract.structured import read_jsonld_block
from archiver.htmlrefs import largest_candidate
from archiver.model import Article, BlockKind

CASES = Path(__file__).resolve().parent.parent / "cases" / "html"
CASE_NAMES = sorted(p.name.removesuffix(".expected.json") for p in CASES.glob("*.expected.json"))
FIELDS = ("title", "date", "publisher", "language", "canonical_url")


def _expected(name: str) -> dict:
    return json.loads((CASES / f"{name}.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def extracted() -> dict[str, Article]:
    """Each case page extracted once for all the tests that look at it."""
    return {name: extract_html((CASES / f"{name}.html").read_bytes(), _expected(name)["url"])
            for name in CASE_NAMES}


def test_there_are_cases() -> None:
    assert len(CASE_NAMES) >= 10


@pytest.mark.parametrize("name", CASE_NAMES)
def test_metadata(name: str, extracted: dict[str, Article]) -> None:
    article, expected = extracted[name], _expected(name)
    for field in FIELDS:
        if field in expected:
            assert getattr(article, field) == expected[field], field
    if "authors" in expected:
        assert list(article.authors) == expected["authors"]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_captions(name: str, extracted: dict[str, Article]) -> None:
    found = [{"text": c.text, "credit": c.credit, "image_url": c.image_url}
             for c in extracted[name].captions]
    assert found == _expected(name)["captions"]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_text(name: str, extracted: dict[str, Article]) -> None:
    article, expected = extracted[name], _expected(name)
    if "headings" in expected:
        assert list(article.headings) == expected["headings"]
    assert article.body, "the main text was found"
    text = article.text()
    assert "Advertisement" not in text and "All rights reserved" not in text
    captions = {c.text for c in article.captions}
    assert all(b.text in captions for b in article.blocks if b.kind is BlockKind.CAPTION)


# --- The rules, one by one --------------------------------------------------------------------

@pytest.mark.parametrize(("caption", "text", "credit"), [
    ("Le bassin ouvrira samedi. © Photo Jean-Marc Lefèvre", "Le bassin ouvrira samedi.",
     "Jean-Marc Lefèvre"),
    ("The logo © 2024 is shown on the hull.", "The logo © 2024 is shown on the hull.", None),
    ("Volumes, 2018 to 2024. Source: Port of Bayfront", "Volumes, 2018 to 2024.",
     "Port of Bayfront"),
    ("Sales rose. Source: company filings", "Sales rose. Source: company filings", None),
    ("Cranes stand idle. Staff photo by Renee Ochoa", "Cranes stand idle.", "Renee Ochoa"),
    ("Crowds gather in Kyiv. (AP Photo/Efrem Lukatsky)", "Crowds gather in Kyiv.",
     "AP Photo/Efrem Lukatsky"),
    ("Police stand guard. Photograph: Stefan Rousseau/PA", "Police stand guard.",
     "Stefan Rousseau/PA"),
    ("Firefighters at work in Malibu. Mario Tama/Getty Images", "Firefighters at work in Malibu.",
     "Mario Tama/Getty Images"),
    ("Protesters in Cairo [Mohamed Abd El Ghany/Reuters]", "Protesters in Cairo",
     "Mohamed Abd El Ghany/Reuters"),
    ("Die Kanzlerin in Berlin. Foto: Michael Kappeler / dpa", "Die Kanzlerin in Berlin.",
     "Michael Kappeler / dpa"),
    ("Un sentier à Marseille. Photo : Ludovic Marin / AFP", "Un sentier à Marseille.",
     "Ludovic Marin / AFP"),
    ("A harbor at dusk. Credit: Jane Doe", "A harbor at dusk.", "Jane Doe"),
    ("Sales rose in 2023/24, the company said.", "Sales rose in 2023/24, the company said.", None),
    ("A woman walks past a mural (left) in Paris.", "A woman walks past a mural (left) in Paris.",
     None),
])
def test_split_credit(caption: str, text: str, credit: str | None) -> None:
    assert split_credit(caption) == (text, credit)


@pytest.mark.parametrize(("byline", "names"), [
    ("By Jane Doe and John Roe, CNN", ["Jane Doe", "John Roe"]),
    ("By CNN Staff", []),  # a desk, not a person
    ("By Associated Press", []),
    ("By Carrie Arnold November 20, 2019", ["Carrie Arnold"]),
    ("Sam Stein Senior Politics Editor, The Huffington Post", ["Sam Stein"]),
    ("By Priya Shah, Local Democracy Reporter", ["Priya Shah"]),
    ("By Meg Wagner NEW YORK DAILY NEWS", ["Meg Wagner"]),
    ("Doe, Jane", ["Jane Doe"]),
    ("By Theresa May", ["Theresa May"]),
    ("By Mike Cason | mcason@al.com", ["Mike Cason"]),
    ("Von Max Mustermann und Erika Musterfrau", ["Max Mustermann", "Erika Musterfrau"]),
    ("Par Claire Dufresne", ["Claire Dufresne"]),
    ("https://www.facebook.com/somepage", []),
    ("JANE DOE", ["Jane Doe"]),
])
def test_split_byline(byline: str, names: list[str]) -> None:
    assert split_byline(byline, "CNN") == names


@pytest.mark.parametrize(("title", "stripped"), [
    ("Storm hits coast - CNN", "Storm hits coast"),
    ("Kelp found off Tasmania | Environment | The Guardian", "Kelp found off Tasmania"),
    ("BBC News - Storm hits coast of Wales", "Storm hits coast of Wales"),
    ("Brexit: what happens now?", "Brexit: what happens now?"),
])
def test_strip_site_name(title: str, stripped: str) -> None:
    names = ["CNN", "The Guardian", "BBC News"]
    assert strip_site_name(title, names, ["cnn"], ["Environment"]) == stripped


@pytest.mark.parametrize(("value", "iso"), [
    ("2024-03-05T10:22:00Z", "2024-03-05T10:22:00+00:00"),
    ("2024-03-05", "2024-03-05"),
    ("20240612", "2024-06-12"),
    ("Tue, 05 Mar 2024 10:22:00 GMT", "2024-03-05T10:22:00+00:00"),
    ("not a date", None),
])
def test_normalise_date(value: str, iso: str | None) -> None:
    assert normalise_date(value) == iso


def test_largest_srcset_candidate_keeps_commas_in_urls() -> None:
    srcset = ("https://i.example/a.jpg?q=w_480,c_fill 480w,"
              " https://i.example/a.jpg?q=w_960,c_fill 960w")
    assert largest_candidate(srcset) == "https://i.example/a.jpg?q=w_960,c_fill"


@pytest.mark.parametrize("document", [
    b"<div id=box><source srcset=a.jpg><img src=a.jpg><p>Caption</p> tail</div>",
    b"<div id=box><picture><source srcset=a.jpg><source srcset=b.jpg><img src=a.jpg>"
    b"</picture><p>Caption</p> tail</div>",
])
def test_what_follows_an_empty_source_element_stays_where_it_was_written(
        document: bytes) -> None:
    box = parse(b"<html><body>" + document + b"</body></html>").get_element_by_id("box")
    assert all(len(source) == 0 and not source.text for source in box.iter("source"))
    assert [tag_of(child) for child in box if tag_of(child) != "source"][-1] == "p"
    assert text_of(box) == "Caption tail"


@pytest.mark.parametrize(("line", "not_caption"), [
    ("Privat", True), ("Handout.", True), ("© dpa", True), ("Getty Images", True),
    ("×", True), ("File photo", True),
    ("Privately owned homes line the harbour.", False),
    ("A handout of food at the shelter on Monday.", False),
    ("Local reporting depends on you. Make your gift today.", True),
    ("Donate now to keep local news free.", True),
    ("Residents donated food at the shelter on Monday.", False),
    ("Firefighters search the block after the fire – video", True), ("00:00:49", True),
    ("The video shows firefighters searching the block.", False),
])
def test_a_line_that_is_only_a_credit_word_is_no_caption(line: str, not_caption: bool) -> None:
    assert is_not_caption(line) is not_caption


_BODY = "<p>" + "Crews worked through the night to clear the road after the storm. " * 6 + "</p>"


def test_a_byline_in_an_inline_list_is_read_and_a_caption_credit_is_no_byline() -> None:
    page = f"""<html><head><title>Road reopens after storm</title></head><body><main>
    <h1>Road reopens after storm</h1>
    <ul class="meta list-inline"><li class="asset-author"><span>Talia Brooks</span>
    <span class="author-title">Reporter</span></li></ul>
    {_BODY}<div class="photo"><img src="/a.jpg" width="800" height="500">
    <div class="caption-container"><p>A plough clears the pass on Monday.</p>
    <div class="byline-credit"><span class="credit">Courtesy Valle County</span></div></div>
    </div>{_BODY}</main></body></html>"""
    article = extract_html(page.encode(), "https://news.example.org/road")
    assert list(article.authors) == ["Talia Brooks"]


@pytest.mark.parametrize("byline", [
    '<div class="bylines"><p class="byline">By <a>Eleanor Voss</a></p>'
    '<p class="byline byline--photographer">Photographs by <span>Rory Bain</span></p></div>',
    '<div class="byline">By <a>Eleanor Voss</a><br>Photographs by <span>Rory Bain</span></div>',
    '<div class="byline">By Eleanor Voss. Photos by Rory Bain</div>',
])
def test_the_photographer_in_a_byline_is_no_author(byline: str) -> None:
    page = f"""<html><head><title>The keepers</title></head><body><main><h1>The keepers</h1>
    {byline}{_BODY}</main></body></html>"""
    assert list(extract_html(page.encode(), "https://m.example.org/k").authors) == [
        "Eleanor Voss"]


@pytest.mark.parametrize(("region", "captions"), [
    ('<div class="inline-photo">', ["Fans fill the square after the final whistle."]),
    ('<section class="more-stories"><div class="story-card">', []),
    ('<div class="related"><div class="item">', []),
])
def test_an_image_with_a_line_in_a_list_of_other_stories_is_a_teaser(
        region: str, captions: list[str]) -> None:
    close = "</div>" * region.count("<div") + "</section>" * region.count("<section")
    page = f"""<html><head><title>Champions</title></head><body><main><h1>Champions</h1>
    {_BODY}{region}<img src="/a.jpg" width="600" height="400">
    <p>Fans fill the square after the final whistle.</p>{close}{_BODY}</main></body></html>"""
    article = extract_html(page.encode(), "https://sport.example.org/final")
    assert [c.text for c in article.captions] == captions


def test_a_caption_field_right_after_the_image_field_is_its_caption() -> None:
    page = f"""<html><head><title>Frogs return</title></head><body><main>
    <article class="node"><h1>Frogs return</h1><div class="field-image">
    <img src="/frog.jpg" width="1600" height="900">
    </div><div class="hero-caption">
    <div class="field-caption">A green frog floats in a backyard pond.</div>
    <div class="field-credit">Photo by Marcus Bell</div></div>
    <div class="field-body">{_BODY}<p><img src="/chart.png" width="700" height="400"></p>{_BODY}
    </div></article></main></body></html>"""
    article = extract_html(page.encode(), "https://news.example.edu/frogs")
    assert [(c.text, c.credit, c.image_url) for c in article.captions] == [
        ("A green frog floats in a backyard pond.", "Marcus Bell",
         "https://news.example.edu/frog.jpg")]


def test_a_caption_printed_twice_in_one_figure_is_read_once() -> None:
    page = f"""<html><head><title>Fire</title></head><body><main><h1>Fire</h1>{_BODY}
    <figure><img src="/fire.jpg" width="900" height="600">
    <figcaption class="wide"><span>The gutted remains of the buildings.</span>
    Photograph: Eva Manez/Reuters</figcaption>
    <figcaption class="narrow"><span>The gutted remains of the buildings.</span></figcaption>
    </figure>{_BODY}</main></body></html>"""
    article = extract_html(page.encode(), "https://news.example.org/fire")
    assert [(c.text, c.credit) for c in article.captions] == [
        ("The gutted remains of the buildings.", "Eva Manez/Reuters")]


@pytest.mark.parametrize("shown", [
    '<time>March 7, 2025</time>',
    '<div class="Page-dateModified"><span>Updated 9:02 PM EST, March 7, 2025</span></div>',
    '<span data-date>March 7, 2025</span>',
])
def test_a_utc_time_gives_way_to_the_local_day_the_page_shows(shown: str) -> None:
    page = f"""<html><head><title>Talks stall</title>
    <meta property="article:published_time" content="2025-03-08T01:47:12.000Z"></head>
    <body><main><h1>Talks stall</h1>{shown}{_BODY}</main></body></html>"""
    assert extract_html(page.encode(), "https://news.example.org/talks").date == "2025-03-07"


# --- Hostile input ----------------------------------------------------------------------------

@pytest.mark.parametrize("document", [
    b"",
    b"   \n\t ",
    b"\x00\x01\x02",
    b"<html></html>",
    b"<html><head><title></title></head><body></body></html>",
])
def test_empty_pages_raise_extraction_error(document: bytes) -> None:
    with pytest.raises(ExtractionError):
        extract_html(document, "https://example.com/")


@pytest.mark.parametrize("document", [
    b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000,
    b"<html><body>" + b"<p>paragraph of text here.</p>" * 50_000 + b"</body></html>",
    b"<html><body><div>" + b'<p class="caption">x</p>' * 10_000 + b"</div></body></html>",
    b"<html><body><div>" + b'<div data-caption="x"><img data-src="/b.jpg"></div>' * 5_000
    + b"</div></body></html>",
    b'<script type="application/ld+json">' + b"[" * 100_000 + b"</script><h1>Nested JSON</h1>",
    b'<?xml version="1.0" encoding="utf-8"?><html><body><h1>XML declared</h1></body></html>',
    b"<html><body><h1>Latin-1 caf\xe9</h1><p>Ol\xe9</p></body></html>",
    b'<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@id": "x"},'
    b' "headline": ["a", {"@value": 3}], "image": 7}</script><h1>Odd JSON-LD</h1>',
])
def test_hostile_pages_end_quickly(document: bytes) -> None:
    """A bound on the CPU this process spends (a runaway parse or pattern), not on the wall
    clock: other work on the machine must not make the test fail."""
    started = time.process_time()
    with contextlib.suppress(ExtractionError):
        extract_html(document, "https://example.com/a")
    assert time.process_time() - started < 30


_TAGS = st.sampled_from(["div", "p", "figure", "figcaption", "img", "picture", "source", "h1",
                         "span", "script", "meta", "article", "header", "a", "time", "table"])
_ATTRIBUTES = st.sampled_from([
    "", ' class="caption"', ' class="credit"', ' src="/a.jpg"', ' srcset="a.jpg 1x, b.jpg 2x,"',
    ' data-src="//x"', ' data-caption="<p>x"', ' width="1"', ' property="og:title" content="T"',
    ' type="application/ld+json"', ' datetime="2024-13-45"', ' lang="zz-ZZ"', ' href="http://[::1"',
])
_TEXT = st.text(max_size=40)


@st.composite
def html_soup(draw: st.DrawFn) -> bytes:
    """Random, often broken HTML made of the elements extraction looks at."""
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        tag, attribute = draw(_TAGS), draw(_ATTRIBUTES)
        parts.append(draw(st.sampled_from([f"<{tag}{attribute}>", f"</{tag}>", draw(_TEXT),
                                           '{"@type": "NewsArticle", "headline": 1}'])))
    return "".join(parts).encode("utf-8", errors="surrogatepass")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_soup())
def test_random_html_gives_an_article_or_extraction_error(document: bytes) -> None:
    started = time.process_time()  # CPU, not the wall clock: a runaway, not a busy machine
    try:
        article: Article | None = extract_html(document, "https://example.com/news/1")
    except ExtractionError:
        article = None  # a refusal must come as quickly as an article
    assert article is None or isinstance(article, Article)
    assert time.process_time() - started < 10


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CASE_NAMES), st.data())
def test_mutated_case_pages_give_an_article_or_extraction_error(
    name: str, data: st.DataObject
) -> None:
    document = bytearray((CASES / f"{name}.html").read_bytes())
    for _ in range(data.draw(st.integers(1, 20))):
        position = data.draw(st.integers(0, len(document) - 1))
        action = data.draw(st.sampled_from(["cut", "byte", "repeat"]))
        if action == "cut":
            del document[position:position + data.draw(st.integers(1, 400))]
        elif action == "byte":
            document[position] = data.draw(st.integers(0, 255))
        else:
            document[position:position] = document[position:position + 200]
        if not document:
            break
    try:
        article = extract_html(bytes(document), "https://example.com/news/1")
    except ExtractionError as exc:
        assert str(exc), "an extraction error always says why"
    else:
        assert isinstance(article, Article)


def test_a_saved_page_resolves_its_images_against_its_stated_address() -> None:
    document = (CASES / "opengraph_only.html").read_bytes()
    article = extract_html(document, "opengraph_only.html")
    assert article.captions[0].image_url == _expected("opengraph_only")["captions"][0]["image_url"]


@pytest.mark.parametrize(
    ("block", "types"),
    [
        ('{"@type": "NewsArticle", "headline": "A"}', ["NewsArticle"]),
        ('[{"@type": "Person"}, {"@type": "Place"}, "stray", {}]', ["Person", "Place"]),
        ('<!--\n{"@type": "NewsArticle"}\n-->', ["NewsArticle"]),
        ('//<![CDATA[\n{"@type": "NewsArticle"}\n//]]>', ["NewsArticle"]),
        ('{"@type": "NewsArticle", // the article\n "headline": "A",}', ["NewsArticle"]),
        ('{"@type": "NewsArticle", "headline": "line\tbreak"}', ["NewsArticle"]),
    ],
)
def test_jsonld_blocks_are_read_strictly_then_leniently(block: str, types: list[str]) -> None:
    assert [item["@type"] for item in read_jsonld_block(block)] == types


@pytest.mark.parametrize("block", ["", "{not json", '{"a": }', "<p>html</p>"])
def test_unreadable_jsonld_blocks_raise_value_error(block: str) -> None:
    with pytest.raises(ValueError):
        read_jsonld_block(block)


def test_one_broken_jsonld_block_does_not_hide_the_others() -> None:
    page = (
        b'<html lang="en"><head><title>T</title>'
        b'<script type="application/ld+json">{"@type": "NewsArticle", </script>'
        b'<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Kept",'
        b' "datePublished": "2020-02-03"}</script>'
        b"</head><body><article><p>Some text of the article that is long enough to keep.</p>"
        b"</article></body></html>"
    )
    article = extract_html(page, "https://example.com/a")
    assert (article.title, article.date) == ("Kept", "2020-02-03")


def test_the_main_text_read_apart_gives_the_same_article(
    extracted: dict[str, Article],
) -> None:
    """What the capture's text worker computes separately adds up to the in-process article."""
    for name, article in extracted.items():
        document = (CASES / f"{name}.html").read_bytes()
        url = _expected(name)["url"]
        apart = extract_html(document, url, reading=read_text_part(document, url))
        assert apart == article, name
        # and the reading given is the one used: without any text, only captions are left
        bare = extract_html(document, url, reading=Reading())
        assert all(b.kind is BlockKind.CAPTION for b in bare.blocks), name

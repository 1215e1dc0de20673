"""Page requisite discovery: pure functions over HTML and CSS text."""

from __future__ import annotations

import pytest

from archiver.acquire.requisites import (
    IMAGE,
    STYLESHEET,
    Requisite,
    css_urls,
    page_requisites,
    stylesheet_requisites,
)
from archiver.htmlrefs import absolute_url, largest_candidate, srcset_candidates

PAGE = "http://news.example/2024/03/story.html"


def urls(document: str, page: str = PAGE, encoding: str | None = None) -> list[str]:
    return [r.url for r in page_requisites(document.encode("utf-8"), page, encoding)]


def test_images_and_stylesheets_in_document_order() -> None:
    document = """<html><head><link rel="stylesheet" href="/css/a.css"></head><body>
        <img src="one.jpg"><img src="../two.jpg"><img src="//cdn.example/three.jpg">
        </body></html>"""
    assert page_requisites(document.encode(), PAGE) == [
        Requisite("http://news.example/css/a.css", STYLESHEET),
        Requisite("http://news.example/2024/03/one.jpg", IMAGE),
        Requisite("http://news.example/2024/two.jpg", IMAGE),
        Requisite("http://cdn.example/three.jpg", IMAGE),
    ]


def test_largest_srcset_candidate_and_src() -> None:
    document = '<img src="s.jpg" srcset="m.jpg 800w, l.jpg 1600w, xs.jpg 200w">'
    assert urls(document) == [
        "http://news.example/2024/03/s.jpg", "http://news.example/2024/03/l.jpg"
    ]


def test_picture_sources_but_not_media_sources() -> None:
    document = """<picture><source srcset="a.webp 1x, a2.webp 2x"><img src="a.jpg"></picture>
        <video><source src="clip.mp4" srcset="nope.jpg"></video>"""
    assert urls(document) == [
        "http://news.example/2024/03/a2.webp", "http://news.example/2024/03/a.jpg"
    ]


@pytest.mark.parametrize(
    "attribute", ["data-src", "data-original", "data-lazy-src", "data-srcset"]
)
def test_lazy_loading_attributes(attribute: str) -> None:
    assert urls(f'<img src="data:image/gif;base64,R0l=" {attribute}="lazy.jpg">') == [
        "http://news.example/2024/03/lazy.jpg"
    ]


def test_inline_style_and_style_element_urls() -> None:
    document = """<style>@import "print.css"; .a { background: url(bg.png) }</style>
        <div style="background-image:url( 'x.png' )"></div>"""
    assert page_requisites(document.encode(), PAGE) == [
        Requisite("http://news.example/2024/03/print.css", STYLESHEET),
        Requisite("http://news.example/2024/03/bg.png", IMAGE),
        Requisite("http://news.example/2024/03/x.png", IMAGE),
    ]


def test_base_href_moves_relative_references() -> None:
    document = '<head><base href="https://static.example/a/"></head><img src="b.jpg">'
    assert urls(document) == ["https://static.example/a/b.jpg"]


@pytest.mark.parametrize("rel", ["stylesheet", "Stylesheet", "alternate stylesheet"])
def test_stylesheet_links(rel: str) -> None:
    assert urls(f'<link rel="{rel}" href="s.css">') == ["http://news.example/2024/03/s.css"]


def test_other_links_scripts_and_non_http_references_are_left_out() -> None:
    document = """<link rel="icon" href="f.ico"><link rel="alternate" href="feed.xml">
        <script src="app.js"></script><img src="ftp://x/y.png"><img src="javascript:void(0)">
        <img src="#top"><img src=""><img src="mailto:a@b"><img src="data:image/png;base64,AA">"""
    assert urls(document) == []


def test_duplicates_are_kept_once_and_fragments_dropped() -> None:
    assert urls('<img src="a.jpg#x"><img src="a.jpg"><img src=" a.jpg ">') == [
        "http://news.example/2024/03/a.jpg"
    ]


@pytest.mark.parametrize("document", [b"", b"   ", b"\x00\x01\x02", b"<<<>>>"])
def test_unreadable_documents_have_no_requisites(document: bytes) -> None:
    assert page_requisites(document, PAGE) == []


def test_declared_charset_is_used() -> None:
    document = '<img src="café.jpg">'.encode("cp1252")
    assert [r.url for r in page_requisites(document, PAGE, "windows-1252")] == [
        "http://news.example/2024/03/café.jpg"
    ]


def test_srcset_urls_with_commas() -> None:
    srcset = "https://img.example/w_400,h_300/a.jpg 400w,https://img.example/w_800,h_600/a.jpg 800w"
    assert srcset_candidates(srcset) == [
        ("https://img.example/w_400,h_300/a.jpg", 400.0),
        ("https://img.example/w_800,h_600/a.jpg", 800.0),
    ]
    assert largest_candidate(srcset) == "https://img.example/w_800,h_600/a.jpg"


def test_srcset_densities_and_defaults() -> None:
    assert srcset_candidates("a.jpg, b.jpg 2x, c.jpg 1.5x") == [
        ("a.jpg", 1000.0), ("b.jpg", 2000.0), ("c.jpg", 1500.0)
    ]
    assert largest_candidate("") is None


def test_css_urls_quotes_comments_and_data() -> None:
    css = """/* url(gone.png) */ a { background: url("q.png") } b { background: url(u.png) }
        c { background: url('s.png') } d { background: url(data:image/png;base64,AA) }"""
    assert css_urls(css, "http://x.example/css/site.css") == [
        "http://x.example/css/q.png", "http://x.example/css/u.png", "http://x.example/css/s.png"
    ]


def test_stylesheet_imports_are_stylesheets() -> None:
    css = '@import url("a.css"); @import "b.css" screen; x { background: url(c.png) }'
    assert stylesheet_requisites(css, "http://x.example/s/") == [
        Requisite("http://x.example/s/a.css", STYLESHEET),
        Requisite("http://x.example/s/b.css", STYLESHEET),
        Requisite("http://x.example/s/c.png", IMAGE),
    ]


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("x.png", "http://h.example/d/x.png"),
        (" x.png\n", "http://h.example/d/x.png"),
        ("x\n.png", "http://h.example/d/x.png"),
        ("HTTPS://H.example/y", "https://H.example/y"),
        ("//other.example", "http://other.example/"),
        ("ftp://h.example/x", None),
        ("http://[::1", None),
        (None, None),
    ],
)
def test_absolute_url(reference: str | None, expected: str | None) -> None:
    assert absolute_url("http://h.example/d/page.html", reference) == expected


def test_only_the_parsed_part_of_a_huge_page_is_searched() -> None:
    """A page of millions of tags costs a bounded parse: images past the limits are not seen."""
    early = '<img src="early.jpg">'
    late = '<img src="late.jpg">'
    document = (early + "<i>a</i>" * 2_000_000 + late).encode()
    assert urls(document.decode()) == ["http://news.example/2024/03/early.jpg"]

"""The rule that tells article pages from the rest of a crawl (archiver.extract.pagekind).

Cases are small pages of each kind: declared articles (schema.org about this page, og:type
article, the only article node beside a site-wide og:type website), declared non-articles
(og:type website, a list of article nodes), and undeclared pages judged by what they show
(body text, teasers). The test site's section front and articles are read as a crawl does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.extract.html import extract_page, parse_page
from archiver.extract.pagekind import MIN_BODY_WORDS, MIN_TEASERS, page_kind

URL = "https://news.example/2024/05/quay.html"
SITES = Path(__file__).resolve().parent.parent / "sites" / "news"
PROSE = "".join(
    f"<p>Paragraph {n} says what the council decided about the quay and why it matters to "
    f"the people who live and work beside it.</p>" for n in range(4)
)


def page(head: str = "", body: str = PROSE, title: str = "Quay works end") -> bytes:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}'
            f"</title>{head}</head><body><h1>{title}</h1>{body}</body></html>").encode()


def jsonld(node: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(node)}</script>'


def verdict(document: bytes, url: str = URL) -> tuple[bool, str]:
    parsed = parse_page(document, url)
    kind = page_kind(parsed, url, extract_page(parsed, url))
    return kind.article, kind.reason


def teasers(count: int) -> str:
    return "".join(
        f'<div><h2><a href="/2024/05/story-{n}.html">Story number {n} of the day</a></h2>'
        f"<p>A short summary of story number {n}, as a section front shows it.</p></div>"
        for n in range(count)
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (jsonld({"@type": "NewsArticle", "headline": "Quay", "url": URL}), "NewsArticle"),
        ('<meta property="og:type" content="article">', "og:type article"),
        ('<meta property="og:type" content="website">'
         + jsonld({"@type": "NewsArticle", "headline": "Quay"}), "NewsArticle"),
    ],
    ids=["schema-org-about-this-page", "og-type-article", "one-node-beats-site-wide-website"],
)
def test_a_page_that_declares_itself_an_article_is_one(head: str, expected: str) -> None:
    article, reason = verdict(page(head))
    assert article and expected in reason


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="og:type" content="website">', "og:type website"),
        (jsonld({"@type": "NewsArticle", "headline": "One", "url": "https://news.example/1"})
         + jsonld({"@type": "NewsArticle", "headline": "Two", "url": "https://news.example/2"}),
         "lists 2 articles"),
        (jsonld({"@type": "CollectionPage"}) + jsonld({"@type": "NewsArticle", "headline": "A"}),
         "lists 1 articles"),
    ],
    ids=["og-type-website", "several-article-nodes", "a-collection-page"],
)
def test_a_page_that_declares_something_else_is_no_article(head: str, expected: str) -> None:
    article, reason = verdict(page(head))
    assert not article and expected in reason


def test_an_undeclared_page_with_body_text_is_an_article() -> None:
    article, reason = verdict(page())
    assert article and "declares nothing" in reason


def test_an_undeclared_page_with_little_text_is_no_article() -> None:
    article, reason = verdict(page(body="<p>Short notice only.</p>"))
    assert not article and "too little body text" in reason
    words = " ".join(["word"] * (MIN_BODY_WORDS + 5))
    assert verdict(page(body=f"<p>{words}.</p>"))[0]


def test_an_undeclared_list_of_teasers_is_no_article() -> None:
    article, reason = verdict(page(body=teasers(MIN_TEASERS + 2), title="City news"))
    assert not article and "teasers" in reason
    # An article with a few related links beside much prose stays an article.
    prose = PROSE * 3
    assert verdict(page(body=prose + teasers(MIN_TEASERS)))[0]


@pytest.mark.parametrize(
    ("name", "article"),
    [("section/index.html", False), ("section/flood.html", True),
     ("section/library.html", True), ("article.html", True)],
)
def test_the_test_sites_section_front_and_articles(name: str, article: bool) -> None:
    url = f"http://127.0.0.1/news/{name}"
    assert verdict((SITES / name).read_bytes(), url)[0] is article

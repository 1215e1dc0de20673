"""Is an HTML page an article, or something else a crawl holds (a section front, a list)?

The rule by which ``archiver ingest`` picks the article pages of a crawl, written for the
kind of page, never for a site:

1. **What the page declares.** Publishers say what a page is, for search engines and social
   sites: a schema.org node of an article type (``NewsArticle``, ``BlogPosting``…, in JSON-LD
   or microdata) about this page, or OpenGraph's ``og:type``. A page is an article when such
   a node names it (its ``url``, ``@id`` or ``mainEntityOfPage``), else when ``og:type`` is
   ``article``, else when its only schema.org article node is not part of a list (sites
   often write ``og:type website`` on every page: the schema.org node is more specific).
   Otherwise an ``og:type`` of anything else (``website``, ``video.other``, ``profile``)
   or several article nodes (a section front describing its teasers) says it is not an
   article.
2. **What it shows, when it declares nothing.** Extraction must find body text, at least
   :data:`MIN_BODY_WORDS` words of it, and the page must not be a list of teasers: a page
   whose headlines (``h1``–``h6``) are links to other pages, at least :data:`MIN_TEASERS` of
   them, with fewer than :data:`WORDS_PER_TEASER` words of body text for each, is a section
   or index page, whose "body" is the teasers' summaries (an article's few "related" links
   stand beside far more prose).

On the 105 real news pages of the project's test corpus (``../shared/testdata/realpages``,
every one an article) rule 1 decides 103 and reads all as articles; rule 2 reads one of the
other two as an article and refuses the last, whose text extraction cannot read (13 words).

Pure: the page as extraction parsed it (:class:`~archiver.extract.html.ParsedPage`: its
tree and structured data, read once for both), its URL and what extraction read of it in; a
verdict out. No disk, no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from archiver.extract.html import ParsedPage
from archiver.extract.structured import (
    ARTICLE_TYPES,
    Node,
    node_urls,
    types_of,
    url_identity,
)
from archiver.model import Article

#: Words of body text an undeclared page needs to be read as an article.
MIN_BODY_WORDS = 30
#: Linked headlines that make an undeclared page a list of teasers (with enough of them)...
MIN_TEASERS = 3
#: ... when its body text has fewer words than this for each of them (a summary's worth).
WORDS_PER_TEASER = 40
#: schema.org types of a page that lists other pages.
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LINKED_SHARE = 2 / 3  # of a heading's characters inside links, for it to be a linked headline


@dataclass(frozen=True)
class PageKind:
    """The verdict on one page: an article or not, and why, in a few words."""

    article: bool
    reason: str


def page_kind(page: ParsedPage, url: str, article: Article) -> PageKind:
    """Whether the HTML page fetched from ``url`` (parsed as ``page``) is an article page.

    ``article`` is what extraction read of the same ``page``. See the module's docstring for
    the rule.
    """
    data = page.data
    declared = declared_kind(data.nodes, data.first_meta("og:type"), url)
    if declared is not None:
        return declared
    words = sum(len(text.split()) for text in article.body)
    if words < MIN_BODY_WORDS:
        return PageKind(False, f"declares nothing and has too little body text ({words} words)")
    teasers = linked_headlines(page.root, url)
    if teasers >= MIN_TEASERS and words < WORDS_PER_TEASER * teasers:
        return PageKind(
            False, f"a list of teasers: {teasers} headlines link to other pages, beside "
            f"{words} words of body text"
        )
    return PageKind(True, f"declares nothing; {words} words of body text")


def declared_kind(nodes: tuple[Node, ...], og_type: str | None, url: str) -> PageKind | None:
    """The verdict of what a page declares itself (rule 1), or None when it declares nothing."""
    here = url_identity(url)
    articles = [n for n in nodes if _article_type(n)]
    for node in articles:
        if here in {url_identity(u) for u in node_urls(node)}:
            return PageKind(True, f"declares itself a {_article_type(node)}")
    kind = (og_type or "").strip()
    if kind.lower() == "article":
        return PageKind(True, "declares og:type article")
    listing = any(LISTING_TYPES & set(types_of(n)) for n in nodes)
    if len(articles) == 1 and not listing:  # more specific than a site-wide og:type website
        return PageKind(True, f"declares itself a {_article_type(articles[0])}")
    if kind:
        return PageKind(False, f"declares og:type {kind}")
    if articles:
        return PageKind(False, f"lists {len(articles)} articles in its structured data")
    return None


def linked_headlines(root: etree._Element, url: str) -> int:
    """How many headings of the page are links to other pages (a teaser's headline)."""
    count = 0
    for heading in root.iter(*_HEADINGS):
        text = "".join(heading.itertext()).strip()
        if not text:
            continue
        linked = sum(
            len("".join(a.itertext()).strip())
            for a in heading.iter("a")
            if _links_elsewhere(a.get("href"), url)
        )
        if linked >= _LINKED_SHARE * len(text):
            count += 1
    return count


def _links_elsewhere(href: str | None, url: str) -> bool:
    """True for a link to another page (not a fragment of this one, not a script)."""
    if not href or href.startswith(("#", "javascript:")):
        return False
    target = urljoin(url, href).split("#", 1)[0]
    return target != url.split("#", 1)[0]


def _article_type(node: Node) -> str | None:
    return next((kind for kind in types_of(node) if kind in ARTICLE_TYPES), None)


"""Page requisites: which images and stylesheets a captured page needs to be shown again.

Pure discovery: given the bytes of an HTML page (or the text of a stylesheet) and the URL it
was fetched from, return the absolute http(s) URLs it refers to, in document order, without
duplicates. Found in HTML: ``img`` ``src`` and the largest ``srcset`` candidate,
``picture``/``source`` ``srcset``, the lazy-loading attributes (``data-src``,
``data-srcset``, ``data-original`` and their ``data-lazy-*`` kin), ``url(...)`` in inline
``style`` attributes and ``<style>`` elements, and ``link rel=stylesheet``. Found in CSS:
``url(...)`` and ``@import``. References resolve against ``<base href>`` and the page URL.
Only the start of a large page is read (:func:`archiver.htmlrefs.parsed_part`), so that the
cost of parsing stays bounded whatever the page holds.

This module must not touch the network or the disk, and decides nothing about fetching
(limits, politeness): that is :mod:`archiver.acquire.http`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import etree, html

from archiver.charsets import text_codec
from archiver.htmlrefs import absolute_url, largest_candidate, parsed_part

IMAGE = "image"
STYLESHEET = "stylesheet"

#: Lazy-loading attributes that hold a single image URL.
LAZY_SRC_ATTRIBUTES = ("data-src", "data-original", "data-lazy-src", "data-original-src")
#: Lazy-loading attributes that hold a ``srcset``.
LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset")

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(?:"([^"]*)"|'([^']*)'|([^)"'\s;]+))""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Requisite:
    """A resource a page needs: its absolute URL and what it is (``image`` or ``stylesheet``).

    ``kind`` is what the reference says, not what the server will answer: a ``url(...)`` in
    CSS is an ``image`` even when it names a font.
    """

    url: str
    kind: str


def page_requisites(document: bytes, page_url: str, encoding: str | None = None) -> list[Requisite]:
    """The images and stylesheets the HTML ``document`` fetched from ``page_url`` refers to.

    ``encoding`` is the charset the HTTP headers declared, if any. Never raises for bad HTML:
    a document lxml cannot read has no requisites.
    """
    root = _parse(document, encoding)
    if root is None:
        return []
    base = _base_url(root, page_url)
    found: list[Requisite] = []
    for element in root.iter(etree.Element):
        found.extend(_element_requisites(element, base))
    return dedupe(found)


def stylesheet_requisites(css: str, stylesheet_url: str) -> list[Requisite]:
    """What a stylesheet fetched from ``stylesheet_url`` refers to: imports and ``url(...)``."""
    found = [Requisite(url, STYLESHEET) for url in _css_imports(css, stylesheet_url)]
    found += [Requisite(url, IMAGE) for url in css_urls(css, stylesheet_url)]
    return dedupe(found)


def css_urls(css: str, base: str) -> list[str]:
    """The absolute http(s) URLs of every ``url(...)`` in ``css``, resolved against ``base``."""
    css = _CSS_COMMENT.sub("", css)
    urls = (absolute_url(base, _first_group(m)) for m in _CSS_URL.finditer(css))
    return [url for url in urls if url]


def dedupe(requisites: Iterable[Requisite]) -> list[Requisite]:
    """The requisites in order, each URL once (the first mention decides its kind)."""
    seen: set[str] = set()
    kept: list[Requisite] = []
    for requisite in requisites:
        if requisite.url not in seen:
            seen.add(requisite.url)
            kept.append(requisite)
    return kept


# --- HTML -----------------------------------------------------------------------------------


def _parse(document: bytes, declared: str | None) -> etree._Element | None:
    """The tree of the part of ``document`` that is parsed (``htmlrefs.parsed_part``)."""
    document = parsed_part(document)
    if not document.strip():
        return None
    text = _decoded(document, declared)
    if isinstance(text, str):
        text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses it in a str
    try:
        return html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _decoded(document: bytes, declared: str | None) -> str | bytes:
    """The document as text by its declared charset, else as UTF-8 if it is, else as bytes.

    Bytes are left to lxml, which reads ``<meta charset>`` or guesses.
    """
    codec = text_codec(declared)
    if codec:
        return document.decode(codec, errors="replace")
    try:
        return document.decode("utf-8")
    except UnicodeDecodeError:
        return document


def _base_url(root: etree._Element, page_url: str) -> str:
    for base in root.iter("base"):
        resolved = absolute_url(page_url, base.get("href"))
        if resolved:
            return resolved
    return page_url


def _element_requisites(element: etree._Element, base: str) -> Iterator[Requisite]:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag == "link" and _is_stylesheet_link(element):
        yield from _requisites([element.get("href")], base, STYLESHEET)
    elif tag in ("img", "source"):
        yield from _requisites(_image_references(element, tag), base, IMAGE)
    elif tag == "style" and element.text:
        yield from (Requisite(u, STYLESHEET) for u in _css_imports(element.text, base))
        yield from (Requisite(u, IMAGE) for u in css_urls(element.text, base))
    style = element.get("style")
    if style:
        yield from (Requisite(url, IMAGE) for url in css_urls(style, base))


def _image_references(element: etree._Element, tag: str) -> list[str | None]:
    """The image URLs an ``img`` or a ``picture``'s ``source`` names, as written."""
    references: list[str | None] = []
    if tag == "img":
        references.append(element.get("src"))
    elif not _in_picture(element):
        return []  # a <source> of <audio>/<video> is media, not an image
    references += [element.get(name) for name in LAZY_SRC_ATTRIBUTES]
    for name in ("srcset", *LAZY_SRCSET_ATTRIBUTES):
        references.append(largest_candidate(element.get(name)))
    return references


def _in_picture(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and isinstance(parent.tag, str) and parent.tag.lower() == "picture"


def _is_stylesheet_link(element: etree._Element) -> bool:
    rel = (element.get("rel") or "").lower().split()
    return "stylesheet" in rel


def _requisites(references: Iterable[str | None], base: str, kind: str) -> Iterator[Requisite]:
    for reference in references:
        url = absolute_url(base, reference)
        if url:
            yield Requisite(url, kind)


# --- CSS ------------------------------------------------------------------------------------


def _css_imports(css: str, base: str) -> list[str]:
    css = _CSS_COMMENT.sub("", css)
    urls = (absolute_url(base, _first_group(m)) for m in _CSS_IMPORT.finditer(css))
    return [url for url in urls if url]


def _first_group(match: re.Match[str]) -> str:
    return next((group for group in match.groups() if group is not None), "")

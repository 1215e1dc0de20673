"""The article's main text, by trafilatura: headings, paragraphs, and where images stood.

trafilatura removes boilerplate (navigation, comments, ads, related links) and returns the
main text as a small XML tree (``head``, ``p``, ``list``, ``quote``, ``graphic``…). This module
runs it once, with its metadata heuristics, and turns the tree into ``Segment``s: a ``Block``
for each heading or paragraph and an ``ImageMark`` where an image stood, so captions can be
put in their place later. When trafilatura finds nothing, its baseline extractor is tried.

Pure: a parsed tree in, segments and heuristics out; trafilatura is imported lazily (it is
slow to import) and any failure inside it yields no text rather than an exception.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from archiver.extract.dom import clean_text, parse, tag_of, text_of
from archiver.extract.metadata import Heuristics
from archiver.model import Block, BlockKind

log = logging.getLogger(__name__)

#: Above this many elements, trafilatura's second opinions (readability, jusText) are skipped:
#: their cost grows with the square of the page and hostile pages would take minutes.
MAX_ELEMENTS_FOR_FALLBACKS = 8000
#: Elements of trafilatura's output tree read as one paragraph each.
_PARAGRAPH_TAGS = frozenset({"p", "quote", "item", "code", "div"})


@dataclass(frozen=True)
class ImageMark:
    """Where the main text had an image, by the URL trafilatura resolved for it."""

    url: str


Segment = Block | ImageMark


@dataclass(frozen=True)
class Reading:
    """What trafilatura made of the page: the text in order, and its metadata guesses."""

    segments: tuple[Segment, ...] = ()
    heuristics: Heuristics = field(default_factory=Heuristics)


def read_main_text(root: etree._Element, url: str) -> Reading:
    """Run trafilatura on a parsed page (it works on its own copy) and read its output."""
    document = _bare_extraction(root, url)
    if document is None:
        return Reading(segments=tuple(_baseline(root)))
    segments = tuple(_segments(document.body)) if document.body is not None else ()
    return Reading(segments=segments, heuristics=_heuristics(document))


def read_text_part(document: bytes, url: str) -> Reading:
    """:func:`read_main_text` of a page given as bytes: the part a capture worker computes."""
    return read_main_text(parse(document), url)


def _bare_extraction(root: etree._Element, url: str) -> Any:
    fast = sum(1 for _ in root.iter()) > MAX_ELEMENTS_FOR_FALLBACKS
    try:
        from trafilatura import bare_extraction

        return bare_extraction(
            root, url=url or None, fast=fast, include_images=True, include_comments=False,
            include_tables=False, include_links=False, include_formatting=False,
            with_metadata=True, deduplicate=False,
        )
    except Exception as error:  # a heuristic library's fault must not lose the article
        log.debug("trafilatura failed: %r", error)
        return None


def _baseline(root: etree._Element) -> list[Segment]:
    """trafilatura's simplest extractor, for pages its main algorithm gives up on."""
    try:
        from trafilatura import baseline

        body, _, _ = baseline(root)
    except Exception as error:  # see _bare_extraction
        log.debug("trafilatura baseline failed: %r", error)
        return []
    return list(_segments(body))


def _segments(body: etree._Element) -> list[Segment]:
    """Blocks and image marks from trafilatura's XML, in reading order."""
    found: list[Segment] = []
    stack = [body]
    while stack:
        element = stack.pop()
        tag = tag_of(element)
        if tag == "graphic":
            if element.get("src"):
                found.append(ImageMark(element.get("src", "")))
            continue
        if tag == "head":
            text = text_of(element)
            if text:
                found.append(Block(BlockKind.HEADING, text))
            continue
        if tag in _PARAGRAPH_TAGS:
            text = text_of(element)
            if text:
                found.append(Block(BlockKind.BODY, text))
            found.extend(ImageMark(g.get("src", "")) for g in element.iter("graphic")
                         if g.get("src"))
            continue
        stack.extend(reversed(list(element)))
    return found


def _heuristics(document: Any) -> Heuristics:
    return Heuristics(
        title=_text(document.title),
        author=_text(document.author),
        date=_text(document.date),
        sitename=_text(document.sitename),
        description=_text(document.description),
        categories=tuple(c for c in (document.categories or []) if isinstance(c, str)),
        tags=tuple(t for t in (document.tags or []) if isinstance(t, str)),
    )


def _text(value: Any) -> str | None:
    return clean_text(value) or None if isinstance(value, str) else None

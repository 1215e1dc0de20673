"""Reading a news web page as an ``Article``: the entry point of HTML extraction.

The parts, each in its own module:
- ``dom``: decode and parse the bytes safely (size and depth limits);
- ``structured``: JSON-LD, microdata, OpenGraph and meta tags, as stated;
- ``body``: the main text by trafilatura, with its metadata guesses;
- ``metadata``: title, authors, date, publisher… chosen from all of the above (``byline``
  reads the byline the page shows);
- ``figures``: the photos and their captions and credits.

This module runs them in that order and puts caption blocks in their place in the text.
Pure: bytes and the page's URL in, an ``Article`` out; no disk, no network. It raises
``ExtractionError`` only when the page holds nothing article-like (no title, text or photo).
A caller with more to read from the same page (``pagekind``) parses it once with
:func:`parse_page` and hands the :class:`ParsedPage` to :func:`extract_page` and to the
other reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from archiver.errors import ExtractionError
from archiver.extract.body import ImageMark, Reading, Segment, read_main_text
from archiver.extract.credits import clean_caption
from archiver.extract.dom import base_url, parse
from archiver.extract.figures import Photo, caption_key, find_photos, url_key
from archiver.extract.language import detect_language
from archiver.extract.metadata import read_metadata
from archiver.extract.structured import StructuredData, read_structured_data
from archiver.model import Article, Block, BlockKind

#: Characters of text a language guess needs to be worth anything.
MIN_TEXT_FOR_LANGUAGE = 80


@dataclass(frozen=True)
class ParsedPage:
    """An HTML page parsed once, for every reader of it: its tree (never changed by its
    readers), the URL its links resolve against, and its structured data."""

    root: etree._Element
    base: str
    data: StructuredData


def parse_page(document: bytes, url: str) -> ParsedPage:
    """Parse the HTML ``document`` fetched from ``url`` and read its structured data.

    The base is ``<base href>`` if the page has one, else ``url``; a saved page (no web
    address) takes the address it states (canonical link, ``og:url``).
    """
    root = parse(document)
    base = base_url(root, url)
    data = read_structured_data(root, base)
    if not base.startswith(("http://", "https://")):
        base = _stated_address(data) or base
    return ParsedPage(root=root, base=base, data=data)


def extract_html(document: bytes, url: str, *, reading: Reading | None = None) -> Article:
    """Understand an HTML news page: its metadata, main text, and photos with captions.

    ``reading``, when given, is what ``body.read_text_part`` returns for the same page
    (computed elsewhere, in a capture worker); the result is the same as without it.
    """
    return extract_page(parse_page(document, url), url, reading=reading)


def extract_page(page: ParsedPage, url: str, *, reading: Reading | None = None) -> Article:
    """:func:`extract_html` for a page :func:`parse_page` parsed already."""
    root, base, data = page.root, page.base, page.data
    if reading is None:
        reading = read_main_text(root, url)
    meta = read_metadata(root, data, url, reading.heuristics)
    photos = find_photos(root, base, data.nodes)
    blocks = place_captions(drop_title(reading.segments, meta.title), photos)
    if not blocks and not photos and not meta.title:
        raise ExtractionError("no article found in the HTML page (no title, text or photo)",
                              subject=url or None)
    return Article(
        blocks=blocks,
        captions=tuple(p.caption for p in photos),
        title=meta.title,
        date=meta.date,
        publisher=meta.publisher,
        authors=meta.authors,
        language=meta.language or _guess_language(blocks),
        description=meta.description,
        keywords=meta.keywords,
        section=meta.section,
        canonical_url=meta.canonical_url,
    )


def _stated_address(data: StructuredData) -> str | None:
    """Where a saved page says it lives (canonical link, ``og:url``), to resolve its links."""
    for candidate in [*data.links.get("canonical", []), data.first_meta("og:url") or ""]:
        if candidate.startswith(("http://", "https://")):
            return candidate
    return None


def drop_title(segments: tuple[Segment, ...], title: str | None) -> list[Segment]:
    """The segments without a first heading or paragraph that only repeats the title."""
    kept = list(segments)
    for n, segment in enumerate(kept[:3]):
        if isinstance(segment, Block) and title and caption_key(segment.text) == caption_key(title):
            del kept[n]
            break
    return kept


def place_captions(segments: list[Segment], photos: list[Photo]) -> tuple[Block, ...]:
    """The text blocks with each photo's caption as a CAPTION block where the photo stood.

    A paragraph that is a caption (trafilatura keeps some) becomes that CAPTION block; an
    image mark that matches a photo gets its caption; other marks are dropped. Captions
    whose place is unknown are not guessed at (they are in ``Article.captions`` all the same).
    """
    by_text = {caption_key(p.caption.text): p for p in photos}
    by_url = {url_key(u): p for p in photos for u in p.urls}
    placed: set[int] = set()
    blocks: list[Block] = []
    for segment in segments:
        if isinstance(segment, ImageMark):
            photo = by_url.get(url_key(segment.url))
            if photo is not None and id(photo) not in placed:
                placed.add(id(photo))
                blocks.append(Block(BlockKind.CAPTION, photo.caption.text))
            continue
        photo = _caption_paragraph(segment, by_text)
        if photo is None:
            blocks.append(segment)
        elif id(photo) not in placed:
            placed.add(id(photo))
            blocks.append(Block(BlockKind.CAPTION, photo.caption.text))
    return tuple(blocks)


def _caption_paragraph(block: Block, by_text: dict[str, Photo]) -> Photo | None:
    """The photo whose caption this body paragraph is (with or without its credit)."""
    if block.kind is not BlockKind.BODY:
        return None
    key = caption_key(clean_caption(block.text))
    if key in by_text:
        return by_text[key]
    for text, photo in by_text.items():
        if len(text) >= 20 and key.startswith(text) and len(key) - len(text) <= 80:
            return photo
    return None


def _guess_language(blocks: tuple[Block, ...]) -> str | None:
    """The language of the text when the page declares none."""
    text = " ".join(b.text for b in blocks if b.kind is not BlockKind.CAPTION)
    if len(text) < MIN_TEXT_FOR_LANGUAGE:
        return None
    return detect_language(text)

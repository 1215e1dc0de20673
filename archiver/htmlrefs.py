"""How an HTML page names other resources (URL resolution, ``srcset`` candidates), and how
much of a page is parsed at all.

Shared by the capture stage (which images to fetch) and the extract stage (which image a
caption belongs to), so that both arrive at the same URL for the same image and a caption can
be linked to the WARC record of its image, and both parse the same bounded part of a page
(:func:`parsed_part`). Pure functions over strings and bytes: no parsing of documents into
trees, no disk, no network.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

ASCII_SPACE = " \t\n\r\f"

#: At most this many bytes of an HTML page are parsed (real news pages stay below 2 MB).
MAX_PARSED_BYTES = 8 * 1024 * 1024
#: At most this many elements and attributes, estimated from the markup before parsing: the
#: memory of a parsed tree grows with its nodes, not its bytes (a few hundred bytes a node).
#: Real news pages need under 70,000.
MAX_PARSED_MARKUP = 250_000
#: At most this many tags (elements); real news pages have under 6,000.
MAX_PARSED_TAGS = 60_000
#: A tag with more attributes than this ends the parsed part (libxml2 compares each new
#: attribute of a tag with the ones before it, so one tag of 100,000 takes minutes).
MAX_TAG_ATTRIBUTES = 1_000

_TAG = re.compile(rb"<[^>]*")
_RAW_TEXT_END = {b"script": re.compile(rb"</script", re.I), b"style": re.compile(rb"</style", re.I)}
_TAG_NAME = re.compile(rb"<([A-Za-z][A-Za-z0-9]*)")
_ATTRIBUTE = re.compile(rb"""[^\s/>"'=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")
#: Every byte but those that can separate attributes (white space, ``/``, ``=``): deleting
#: them leaves one byte per possible attribute, an upper bound on a tag's attributes.
_NOT_SEPARATORS = bytes(b for b in range(256) if b not in b" \t\n\r\f/=")


def absolute_url(base: str, reference: str | None) -> str | None:
    """``reference`` resolved against ``base`` without its fragment; None unless http(s)."""
    if not reference:
        return None
    reference = "".join(ch for ch in reference.strip(ASCII_SPACE) if ch not in "\t\n\r")
    if not reference or reference.startswith("#"):
        return None
    try:
        parts = urlsplit(urljoin(base, reference) if base else reference)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def srcset_candidates(srcset: str | None) -> list[tuple[str, float]]:
    """The candidates of a ``srcset`` as (URL, size): width in pixels, or density × 1000.

    Follows the HTML parsing rules closely enough for URLs that contain commas (image
    services put them in their paths and queries): a URL runs to the next whitespace, a
    candidate to the next comma outside parentheses.
    """
    text = srcset or ""
    found: list[tuple[str, float]] = []
    position, end = 0, len(text)
    while position < end:
        while position < end and (text[position] in ASCII_SPACE or text[position] == ","):
            position += 1
        start = position
        while position < end and text[position] not in ASCII_SPACE:
            position += 1
        url, descriptor = text[start:position], ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            start, depth = position, 0
            while position < end and (text[position] != "," or depth):
                depth += {"(": 1, ")": -1}.get(text[position], 0)
                position += 1
            descriptor = text[start:position]
        if url:
            found.append((url, _descriptor_size(descriptor)))
    return found


def largest_candidate(srcset: str | None) -> str | None:
    """The URL of the largest candidate of a ``srcset`` (the first of equals), if any."""
    best: tuple[str, float] | None = None
    for url, size in srcset_candidates(srcset):
        if best is None or size > best[1]:
            best = (url, size)
    return best[0] if best else None


def _descriptor_size(descriptor: str) -> float:
    """A comparable size for a descriptor: ``800w`` → 800, ``2x`` → 2000, none → 1000."""
    for token in descriptor.split():
        try:
            if token.endswith("w"):
                return float(token[:-1])
            if token.endswith("x"):
                return float(token[:-1]) * 1000
        except ValueError:
            continue
    return 1000.0


def parsed_part(document: bytes) -> bytes:
    """The start of an HTML ``document`` that is parsed: all of it, unless it is too large.

    The part ends before the first tag past any limit above (:data:`MAX_PARSED_BYTES`,
    :data:`MAX_PARSED_TAGS`, :data:`MAX_PARSED_MARKUP`, :data:`MAX_TAG_ATTRIBUTES`), so it
    never ends inside a tag or a UTF-8 character. A capture keeps every byte in its WARC;
    only what is read from the page (text, captions, requisites) comes from this part.
    Scanning is one pass over at most ``MAX_PARSED_BYTES`` bytes, mostly in C.
    """
    window = document[:MAX_PARSED_BYTES]
    cut = len(window) < len(document)
    tags = markup = position = 0
    while (tag := _TAG.search(window, position)) is not None:
        if cut and tag.end() == len(window):
            return window[: tag.start()]  # a tag the byte limit cut in two
        cost = _markup_cost(tag.group())
        tags += 1
        markup += cost or 0
        if cost is None or tags > MAX_PARSED_TAGS or markup > MAX_PARSED_MARKUP:
            return window[: tag.start()]
        position = _next_tag_search(window, tag)
    return _utf8_safe(window) if cut else document


def _markup_cost(tag: bytes) -> int | None:
    """1 for the tag plus at most how many attributes it has; None when over the limit."""
    if tag.startswith(b"<!--"):
        return 1
    estimate = len(tag.translate(None, _NOT_SEPARATORS))
    if estimate <= MAX_TAG_ATTRIBUTES:
        return 1 + estimate
    attributes = len(_ATTRIBUTE.findall(tag, 1)) - 1  # the first token is the tag's name
    return 1 + attributes if attributes <= MAX_TAG_ATTRIBUTES else None


def _next_tag_search(window: bytes, tag: re.Match[bytes]) -> int:
    """Where the next tag may start: after a comment, ``<script>`` or ``<style>`` whole."""
    if tag.group().startswith(b"<!--"):
        close = window.find(b"-->", tag.start() + 4)
        return close + 3 if close >= 0 else len(window)
    name = _TAG_NAME.match(tag.group())
    closing = _RAW_TEXT_END.get(name.group(1).lower()) if name else None
    found = closing.search(window, tag.end()) if closing else None
    if closing is None:
        return tag.end()
    return found.start() if found else len(window)


def _utf8_safe(window: bytes) -> bytes:
    """``window`` without a UTF-8 character cut in two at its end."""
    end = len(window)
    for back in range(1, min(4, end) + 1):
        byte = window[end - back]
        if byte < 0x80:
            return window
        if byte >= 0xC0:  # the first byte of the last character: is the character whole?
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return window if back >= needed else window[: end - back]
    return window

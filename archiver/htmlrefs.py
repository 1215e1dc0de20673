"""How an HTML page names other resources: URL resolution and ``srcset`` candidates.

Shared by the capture stage (which images to fetch) and the extract stage (which image a
caption belongs to), so that both arrive at the same URL for the same image and a caption can
be linked to the WARC record of its image. Pure string functions: no parsing of documents,
no disk, no network.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

ASCII_SPACE = " \t\n\r\f"


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

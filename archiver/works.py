"""Which work a capture is a version of: the stable identifier of an article over time.

Every capture of one web address is a *version* of one *work*. The work is named by a URN
that anyone can compute again from the address: ``urn:uuid:`` and the name-based (SHA-1,
version 5) UUID of the normalised URL in RFC 4122's URL namespace, as Python's
``uuid.uuid5(uuid.NAMESPACE_URL, url)`` makes it. It is written into each version's Dublin Core
record as ``dcterms:isVersionOf`` (so the chain never depends on this rule staying the same:
a record keeps the identifier it was given).

Normalisation is deliberately conservative: only what cannot change what a server sends
(RFC 3986's syntax-based normalisation) and a short list of tracking parameters. See
:func:`normalise_url`.

Pure: no disk, no network. It must not decide anything about the store (which version is the
latest is :mod:`archiver.store.versions`' job).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from archiver.model import Article, Capture

#: Query parameters dropped from a URL before it names a work: campaign tags and click
#: identifiers that analytics and advertising add to links. They never choose the article a
#: server sends; every other parameter is kept, in its order.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid"})
DEFAULT_PORTS = {"http": 80, "https": 443}
#: Characters left as they are in a path or query (RFC 3986 reserved and unreserved, and
#: ``%`` for escapes already there); anything else is percent-encoded as UTF-8.
_SAFE = "!#$&'()*+,/:;=?@[]~-._"
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
#: The capture kinds whose source is a web address the archivist asked for.
_WEB_KINDS = ("http", "browser", "crawl")


@dataclass(frozen=True)
class Work:
    """A work: its identifier (``urn:uuid:...``) and the normalised URL it is derived from."""

    identifier: str
    url: str


def normalise_url(url: str) -> str:
    """``url`` in the one form that names its work; ``ValueError`` unless it is http(s).

    - scheme and host in lower case (a non-ASCII host in its IDNA ASCII form);
    - the port left out when it is the scheme's default (80, 443);
    - user name and password left out; the fragment (``#...``) left out;
    - an empty path becomes ``/``; ``.`` and ``..`` segments are resolved;
    - percent-escapes in upper case, escapes of unreserved characters (letters, digits,
      ``-._~``) decoded, other characters outside URLs' repertoire percent-encoded as UTF-8;
    - tracking parameters dropped from the query (``utm_*``, ``fbclid``, ``gclid``,
      ``dclid``, ``gbraid``, ``wbraid``, ``msclkid``); the others kept in their order; an
      empty query left out.

    Kept as they are, because a server may answer differently: ``http`` and ``https`` (two
    works), ``www.`` or not, a trailing slash, the case of the path and query, the order of
    the parameters.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an http or https URL: {url!r}")
    host = _host(parts.hostname)
    port = parts.port  # ValueError for a port that is not a number in range
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _remove_dot_segments(_escapes(parts.path)) or "/"
    query = _query(parts.query)
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def work_identifier(url: str) -> str:
    """The identifier of the work at ``url``: ``urn:uuid:`` and the UUID 5 of its normal form."""
    return work_at(url).identifier


def work_at(url: str) -> Work:
    """The work at ``url`` (``ValueError`` unless it is an http(s) URL)."""
    normal = normalise_url(url)
    return Work(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, normal)}", normal)


def work_of(capture: Capture, article: Article) -> Work | None:
    """The work a capture is a version of, or None when it has none.

    - A web capture (static, browser, or a page ingested from a crawl): the URL asked for
      (a redirect does not change the work; the final URL is the record's ``dc:source``).
    - A saved page (``.html``): the address the page states for itself (its canonical link,
      ``og:url`` or structured data), when that is an http(s) URL below a site's root; a
      canonical link to a site's front page is a common mistake and names no article.
    - A plain-text article: none. It states no address, and a file name names no work
      (``article.txt`` is every article).
    """
    if capture.kind in _WEB_KINDS:
        candidate: str | None = capture.source
    elif capture.media_type in ("text/html", "application/xhtml+xml"):
        candidate = article.canonical_url
    else:
        candidate = None
    if not candidate:
        return None
    try:
        work = work_at(candidate)
    except ValueError:
        return None
    if capture.kind not in _WEB_KINDS and urlsplit(work.url).path == "/":
        return None
    return work


def _host(hostname: str) -> str:
    host = hostname.lower()
    if host.isascii():
        return f"[{host}]" if ":" in host else host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return quote(host, safe="")


def _escapes(text: str) -> str:
    """Percent-escapes normalised (upper case; unreserved characters decoded); any character
    outside URLs' repertoire encoded."""

    def one(match: re.Match[str]) -> str:
        char = chr(int(match[1], 16))
        return char if char in _UNRESERVED else f"%{match[1].upper()}"

    return quote(_ESCAPE.sub(one, text), safe=_SAFE + "%")


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, for an absolute path."""
    if not path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments[1:], start=1):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if output:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


def _query(query: str) -> str:
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = unquote(pair.split("=", 1)[0]).lower()
        if name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES):
            continue
        kept.append(_escapes(pair))
    return "&".join(kept)

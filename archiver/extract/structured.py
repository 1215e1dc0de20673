"""The structured data a page states about itself: JSON-LD, microdata, OpenGraph, meta tags.

JSON-LD is read one ``<script>`` at a time (so one broken block does not hide the others) by
``json``, with jstyleson as the lenient second try for blocks with comments or trailing commas;
extruct reads microdata (in JSON-LD form), and is imported only for pages that have some (its
import costs a fifth of a second). ``<meta>`` tags (OpenGraph's ``property`` among them),
``<link rel>`` and ``<html lang>`` are read here directly. The result is a ``StructuredData``:
a flat list of schema.org nodes (``node_index`` looks up ``@id`` references), and
name → values maps.

This module does not decide anything (which title wins, what is an author): that is
``metadata``'s job. It never raises for bad data: what cannot be read is left out.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from archiver.extract.dom import clean_text, resolve

log = logging.getLogger(__name__)

#: Nesting below this depth in JSON-LD is not followed (hostile or absurd data).
MAX_JSON_DEPTH = 12
#: Schema.org nodes kept at most from one page.
MAX_NODES = 2000

ARTICLE_TYPES = (
    "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicQuestion", "LiveBlogPosting",
    "Article", "BlogPosting", "Report", "TechArticle", "ScholarlyArticle", "SocialMediaPosting",
)

Node = dict[str, Any]


@dataclass(frozen=True)
class StructuredData:
    """What a page declares about itself, before any judgement.

    ``nodes`` holds every schema.org object found (JSON-LD first, then microdata), nested
    objects included, in document order. ``meta`` maps lower-case ``<meta>`` names and
    properties (``og:title``, ``author``, ``article:tag``…) to their values in order.
    """

    nodes: tuple[Node, ...] = ()
    meta: dict[str, list[str]] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    html_lang: str | None = None
    url: str = ""

    def first_meta(self, *names: str) -> str | None:
        """The first non-empty value of the first of ``names`` that the page has."""
        for name in names:
            for value in self.meta.get(name, ()):
                if value:
                    return value
        return None

    def all_meta(self, *names: str) -> list[str]:
        """Every non-empty value of all ``names``, in the order of ``names``."""
        return [v for name in names for v in self.meta.get(name, ()) if v]

    def article(self) -> Node | None:
        """The schema.org node that describes the article itself, if the page has one."""
        return pick_article(self.nodes, [self.url, *self.links.get("canonical", [])])


def read_structured_data(root: etree._Element, url: str) -> StructuredData:
    """Collect JSON-LD, microdata, OpenGraph and meta tags from a parsed page."""
    nodes = list(_jsonld_nodes(root))
    nodes.extend(_microdata_nodes(root, url))
    return StructuredData(
        nodes=tuple(described(nodes)[:MAX_NODES]),
        meta=_meta_tags(root),
        links=_links(root, url),
        html_lang=_html_lang(root),
        url=url,
    )


def _jsonld_nodes(root: etree._Element) -> Iterator[Node]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            items = read_jsonld_block("".join(script.itertext()))
        except (ValueError, TypeError, RecursionError) as error:
            log.debug("unreadable JSON-LD block: %s", error)
            continue
        except Exception as error:  # a library fault must not lose the other blocks
            log.debug("JSON-LD block failed: %r", error)
            continue
        for item in items:
            yield from flatten(item)


#: What pages wrap JSON-LD in to hide it from old browsers: HTML comments, CDATA markers.
_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")


def read_jsonld_block(text: str) -> list[Any]:
    """The items of one JSON-LD ``<script>``: a list, or one object, as a list.

    Read strictly first (control characters in strings allowed, as browsers do); failing
    that, without the comment or CDATA wrappers and leniently (comments, trailing commas).
    Raises ``ValueError`` when it is not JSON either way.
    """
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        import jstyleson  # lazy: only broken blocks need it

        data = jstyleson.loads(_WRAPPERS.sub("", text), strict=False)
    items = data if isinstance(data, list) else [data]
    return [item for item in items if isinstance(item, dict) and item]


def _microdata_nodes(root: etree._Element, url: str) -> Iterator[Node]:
    if root.find(".//*[@itemscope]") is None:
        return
    import extruct

    try:
        found = extruct.extract(root, base_url=url, syntaxes=["microdata"], uniform=True,
                                errors="ignore")
    except Exception as error:  # extruct wraps many parsers; none may stop extraction
        log.debug("microdata failed: %r", error)
        return
    for item in found.get("microdata", []):
        yield from flatten(item)


def _meta_tags(root: etree._Element) -> dict[str, list[str]]:
    """Every ``<meta name|property|itemprop|http-equiv content>`` as name → values (some
    pages, and pages trimmed by some tools, put the value in a ``value`` attribute)."""
    meta: dict[str, list[str]] = {}
    for element in root.iter("meta"):
        content = clean_text(element.get("content") or element.get("value"))
        if not content:
            continue
        for attribute in ("name", "property", "itemprop", "http-equiv"):
            name = (element.get(attribute) or "").strip().lower()
            if name:
                values = meta.setdefault(name, [])
                if content not in values:
                    values.append(content)
    return meta


def _links(root: etree._Element, url: str) -> dict[str, list[str]]:
    """``<link rel href>`` as rel → absolute URLs (``canonical``, ``author``…)."""
    links: dict[str, list[str]] = {}
    for element in root.iter("link"):
        href = resolve(url, element.get("href"))
        for rel in (element.get("rel") or "").lower().split():
            if href:
                links.setdefault(rel, []).append(href)
    return links


def _html_lang(root: etree._Element) -> str | None:
    for attribute in ("lang", "{http://www.w3.org/XML/1998/namespace}lang", "xml:lang"):
        value = clean_text(root.get(attribute))
        if value:
            return value
    return None


def flatten(item: Any, depth: int = 0) -> Iterator[Node]:
    """Every schema.org object in ``item``: the object itself, its ``@graph`` members and any
    object nested in its values, depth first in document order."""
    if depth > MAX_JSON_DEPTH:
        return
    if isinstance(item, list):
        for member in item[:MAX_NODES]:
            yield from flatten(member, depth + 1)
        return
    if not isinstance(item, dict):
        return
    if "@type" in item or "@id" in item:
        yield item
    for key, value in item.items():
        if isinstance(value, (dict, list)) and key != "@context":
            yield from flatten(value, depth + 1)


def described(nodes: list[Node]) -> list[Node]:
    """Drop pure ``{"@id": …}`` references from the list, keeping the described objects."""
    return [n for n in nodes if set(n) - {"@id"}]


def node_index(nodes: Iterable[Node]) -> dict[str, Node]:
    """Described objects by their ``@id`` (the richest description of each id wins)."""
    index: dict[str, Node] = {}
    for node in nodes:
        key = node.get("@id")
        if isinstance(key, str) and len(node) > len(index.get(key, {})):
            index[key] = node
    return index


def types_of(node: Node) -> set[str]:
    """The schema.org types of a node, without vocabulary prefix."""
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if isinstance(v, str)}


def pick_article(nodes: Iterable[Node], page_urls: Iterable[str] = ()) -> Node | None:
    """The node that best describes the article: one that names this page's URL, then the
    most specific article type, then the one with the most to say (a headline first)."""
    pages = {url_identity(u) for u in page_urls if u}
    best: tuple[tuple[int, int, int, int], Node] | None = None
    for node in nodes:
        kinds = types_of(node)
        ranks = [ARTICLE_TYPES.index(k) for k in kinds if k in ARTICLE_TYPES]
        if not ranks:
            continue
        rank = min(ranks)
        specific = 0 if rank < ARTICLE_TYPES.index("Article") else 1
        here = 0 if pages & {url_identity(u) for u in node_urls(node)} else 1
        score = (here, specific, 0 if node.get("headline") else 1, -len(node))
        if best is None or score < best[0]:
            best = (score, node)
    return best[1] if best else None


def node_urls(node: Node) -> list[str]:
    """The URLs a node says it is about: ``url``, ``@id``, ``mainEntityOfPage``."""
    found = []
    for value in (node.get("url"), node.get("@id"), node.get("mainEntityOfPage")):
        for entry in as_list(value):
            if isinstance(entry, dict):
                entry = entry.get("@id") or entry.get("url")
            if isinstance(entry, str):
                found.append(entry)
    return found


def url_identity(url: str) -> str:
    """A URL without scheme, ``www.``, query, fragment and trailing slash, for comparison."""
    text = url.strip().lower().split("#")[0].split("?")[0]
    text = text.split("://", 1)[-1].removeprefix("www.")
    return text.rstrip("/")


def as_text(value: Any) -> str | None:
    """A plain string from a JSON-LD value (a string, a ``@value`` object, a list's first)."""
    if isinstance(value, list):
        for member in value:
            text = as_text(member)
            if text:
                return text
        return None
    if isinstance(value, dict):
        return as_text(value.get("@value") or value.get("name"))
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return clean_text(str(value)) or None
    return None


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value as a list (a single value becomes a list of one)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]

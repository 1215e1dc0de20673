"""Reading an HTML document safely, and small helpers for walking the tree it gives.

This module turns the captured bytes into an lxml tree (decoding, size and depth limits,
libxml2's own protection against huge trees) and offers the few tree questions the HTML
extractors share: an element's visible text, the words of its class and id, URL resolution
and ``srcset`` parsing. It is the only extraction module that parses HTML; it reads nothing
from disk or network.

Limits: the encoding is guessed from the bytes alone (BOM, UTF-8 validity, ``<meta charset>``),
since the HTTP headers are not at hand; documents beyond ``MAX_CHARS`` characters are cut.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from lxml import etree, html

from archiver.charsets import text_codec
from archiver.errors import ExtractionError
from archiver.htmlrefs import absolute_url, parsed_part

#: Characters of decoded HTML read at most; real news pages stay far below this.
MAX_CHARS = 8 * 1024 * 1024
#: Elements deeper than this are dropped before any other code walks the tree.
MAX_DEPTH = 200

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
_WORD_SPLIT = re.compile(r"[\s_\-:./]+|(?<=[a-z])(?=[A-Z])")

#: Empty (void) elements of HTML5 that libxml2's HTML 4 parser does not know as empty: it
#: nests whatever follows them inside them (``<picture><source><img>`` puts the image in
#: the source), so their content is moved back out after parsing.
VOID_TAGS = ("source", "track", "wbr", "embed", "keygen")

#: Elements whose text is never read as page text.
SILENT_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "button", "iframe",
                         "object", "select", "textarea"})


def decode(document: bytes) -> str:
    """The document as text: BOM, then strict UTF-8, then the declared charset, then cp1252."""
    for bom, encoding in _BOMS:
        if document.startswith(bom):
            return document[len(bom):].decode(encoding, errors="replace")
    try:
        return document.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(document[:8192])
    if declared:
        name = text_codec(declared.group(1).decode("ascii"))
        if name and not name.startswith("utf-16"):
            return document.decode(name, errors="replace")
    return document.decode("cp1252", errors="replace")


def parse(document: bytes) -> html.HtmlElement:
    """Parse ``document`` into an lxml HTML tree, or raise ExtractionError if there is none.

    Comments and processing instructions are dropped, libxml2's huge-tree protection stays
    on, and branches nested deeper than ``MAX_DEPTH`` are cut so that no later recursion
    (ours or a library's) can run away.
    """
    # Bounded like the capture's parse (R8): only htmlrefs.parsed_part of the page is parsed.
    text = _XML_DECLARATION.sub("", decode(parsed_part(document))[:MAX_CHARS], count=1)
    text = _CONTROL_CHARS.sub("", text)
    if not text.strip():
        raise ExtractionError("the HTML document is empty")
    parser = html.HTMLParser(huge_tree=False, remove_comments=True, remove_pis=True,
                             collect_ids=False, default_doctype=False, no_network=True)
    try:
        root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"the HTML document cannot be parsed: {error}") from error
    if root is None or not isinstance(root, html.HtmlElement):
        raise ExtractionError("the HTML document has no root element")
    _cut_deep_branches(root)
    _unnest_void_elements(root)
    return root


def _cut_deep_branches(root: html.HtmlElement) -> None:
    """Remove every element nested deeper than MAX_DEPTH (iteratively, no recursion)."""
    stack: list[tuple[etree._Element, int]] = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        for child in list(element):
            if depth + 1 >= MAX_DEPTH:
                element.remove(child)
            else:
                stack.append((child, depth + 1))


def _unnest_void_elements(root: html.HtmlElement) -> None:
    """Give back to its parent whatever the parser nested inside an empty element
    (``VOID_TAGS``), in place, keeping the order of text and elements."""
    for element in list(root.iter(*VOID_TAGS)):
        children = list(element)
        if not children and not element.text:
            continue
        if element.getparent() is None:
            continue
        text, tail = element.text, element.tail
        element.text = element.tail = None
        for child in reversed(children):
            element.addnext(child)  # the child's tail moves with it
        if children:
            element.tail = text
            children[-1].tail = (children[-1].tail or "") + (tail or "") or None
        else:
            element.tail = (text or "") + (tail or "") or None


def tag_of(element: etree._Element) -> str:
    """The lower-case tag name, or "" for comments, entities and the like."""
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def clean_text(text: str | None) -> str:
    """``text`` with runs of white space made single spaces and the ends trimmed."""
    return _SPACES.sub(" ", text or "").strip()


def words(element: etree._Element) -> frozenset[str]:
    """The lower-case words of an element's class and id (``image__credit`` gives image, credit)."""
    found: set[str] = set()
    for name in ("class", "id"):
        value = element.get(name)
        if value:
            found.update(name_words(value[:500]))
    return frozenset(found)


def name_words(name: str) -> frozenset[str]:
    """The lower-case words of a class or id value (``mediaSubtitle`` gives media, subtitle)."""
    return frozenset(w.lower() for w in _WORD_SPLIT.split(name) if w)


def is_screen_reader_only(element: etree._Element) -> bool:
    """True for the short labels that sites hide visually ("Image caption, ", "Credit")."""
    value = (element.get("class") or "").lower()
    return any(marker in value for marker in ("visually-hidden", "visuallyhidden", "sr-only",
                                              "screen-reader", "screenreader", "offscreen",
                                              "a11y", "u-hide", "hidden-text"))


def is_hidden(element: etree._Element) -> bool:
    """True for an element the reader does not see: screen-reader-only, ``hidden``,
    ``aria-hidden="true"`` or styled ``display: none``."""
    if is_screen_reader_only(element) or element.get("hidden") is not None:
        return True
    if (element.get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def iter_text(
    element: etree._Element, skip: frozenset[etree._Element] = frozenset()
) -> Iterator[str]:
    """The text pieces of ``element`` in order, without silent elements or ``skip`` subtrees."""
    stack: list[tuple[etree._Element, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if node is not element and node.tail:
                yield node.tail
            continue
        stack.append((node, True))
        if node is not element and (
            node in skip or tag_of(node) in SILENT_TAGS or not isinstance(node.tag, str)
            or (is_screen_reader_only(node) and len(clean_text(node.text_content())) < 40)
        ):
            continue
        if tag_of(node) == "br":
            yield " "
        if node.text:
            yield node.text
        stack.extend((child, False) for child in reversed(node))


def text_of(element: etree._Element, skip: frozenset[etree._Element] = frozenset()) -> str:
    """The visible text of ``element``, white space normalised."""
    return clean_text(" ".join(iter_text(element, skip)))


def ancestors(element: etree._Element) -> Iterator[etree._Element]:
    """The element's ancestors, nearest first."""
    parent = element.getparent()
    while parent is not None:
        yield parent
        parent = parent.getparent()


def base_url(root: etree._Element, url: str) -> str:
    """The URL relative references resolve against: ``<base href>`` if there is one."""
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return resolve(url, href) or url
    return url


def resolve_image(base: str, reference: str | None) -> str | None:
    """An image's URL as :func:`resolve` gives it, with the fragment the page wrote: the
    capture fetches (and records) the URL without it, but the page tells images apart by it."""
    absolute = resolve(base, reference)
    fragment = clean_text(reference).partition("#")[2]
    return f"{absolute}#{fragment}" if absolute and fragment else absolute


def resolve(base: str, reference: str | None) -> str | None:
    """``reference`` made absolute against ``base`` as the capture resolves it (so that a
    caption's image URL is the URL that was fetched); None unless it is an http(s) URL."""
    return absolute_url(base, clean_text(reference))



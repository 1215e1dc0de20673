"""The article's photos and their captions, from the page's markup and its JSON-LD.

Where a photo can be found:
- a ``<figure>`` (its ``figcaption``, or elements classed ``caption``), or any element classed
  ``caption``/``cutline``/``legend`` (or a photo word with a description word in one class
  name, ``mediaSubtitle``) next to an image (the container is the nearest ancestor holding
  an image);
- gallery slides carrying ``data-caption``/``data-credit``/``data-description``;
- a plain line of text beside an image in a small box of its own (no caption class at all);
- JSON-LD ``ImageObject``s with a caption, merged into the photos above; one that matches
  none counts only when the page shows its caption.

What is not a photo's caption: a video's (a player in the container), an ad label, a
subscription or newsletter promotion, a line that is only a credit ("Courtesy of X"), the
caption of a gallery wrapper whose slides were found already, a teaser card linking away.

The credit is taken from elements marked as such (class or id words ``credit``, ``copyright``,
``attribution``, ``distributor``…, ``itemprop=copyrightHolder``, ``<small>``/``<cite>`` in the
caption, ``<cite>``/``<small>``/``<footer>`` beside it in a figure), completed or replaced by
one written out in the caption text (``credits.split_credit``). Decorative images (logos,
icons, avatars, ads, tracking pixels, page furniture outside the article) are never photos.
The same photo seen twice (JSON-LD and markup, or a lightbox copy) is kept once, in article
order; images told apart only by a naming query parameter or a fragment stay apart.

Pure: a parsed tree, its base URL and the JSON-LD nodes in; ``Photo`` values out. Limits: an
image inserted only by JavaScript, with no URL in the markup, is known by its caption alone;
a photo with neither caption nor credit is not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from archiver.extract.credits import clean_caption, clean_credit, is_credit_only, split_credit
from archiver.extract.dom import (
    ancestors,
    clean_text,
    is_hidden,
    iter_text,
    name_words,
    resolve,
    resolve_image,
    tag_of,
    text_of,
    words,
)
from archiver.extract.structured import Node, as_list, as_text, types_of
from archiver.htmlrefs import srcset_candidates
from archiver.model import Caption

MAX_CAPTION = 4000
#: Candidate photo containers examined, and photos kept, at most on one page.
MAX_CONTAINERS = 2000
MAX_PHOTOS = 500

#: Class/id words of an image, or of its near ancestors, that make it decoration.
DECORATION_WORDS = frozenset({
    "logo", "logos", "icon", "icons", "avatar", "avatars", "sprite", "sprites", "ad", "ads",
    "advert", "adverts", "advertisement", "advertising", "adslot", "dfp", "gpt", "pixel",
    "tracking", "tracker", "beacon", "badge", "emoji", "emoticon", "favicon", "headshot",
    "mugshot", "sponsor", "sponsored", "outbrain", "taboola", "social",
    "share", "sharing", "newsletter", "related", "recommended", "recirculation", "teaser",
    "comments", "comment", "gravatar", "author", "authors", "profile", "signature",
})
SHARING_WORDS = frozenset({"share", "sharing", "social"})
#: Ancestor words that make a whole region page furniture (checked further up).
REGION_WORDS = frozenset({
    "ad", "ads", "advert", "advertisement", "adslot", "outbrain", "taboola", "related",
    "recommended", "recirculation", "newsletter", "comments", "teaser", "teasers", "trending",
})
#: Words that say an element without an ``img`` still stands for a photo (scripted images).
PHOTO_WORDS = frozenset({"image", "img", "photo", "picture", "pic", "media", "gallery",
                         "slide", "lead", "hero", "foto", "bild"})
CREDIT_WORDS = frozenset({"credit", "credits", "copyright", "attribution", "photographer",
                          "courtesy", "rights", "source", "distributor", "agency",
                          "bildrechte", "fotograf", "copyrights"})
#: Words that name a credit together with a photo word in one class name ("image-byline").
PHOTO_CREDIT_WORDS = frozenset({"byline", "author", "by", "owner"})
#: A credit longer than this is some other text (a byline block, a caption).
MAX_CREDIT = 600
CAPTION_WORDS = frozenset({"caption", "cutline", "legend", "figcaption", "captiontext",
                           "bildunterschrift", "bildtext", "didascalia", "pie", "leyenda",
                           "légende", "bijschrift", "bildtekst"})
#: Words that make a caption together with a photo word ("media-subtitle", "image-desc").
DESCRIPTION_WORDS = frozenset({"subtitle", "description", "desc", "text", "beschreibung",
                               "unterschrift", "texte", "descripcion", "descrizione"})
CREDIT_ITEMPROPS = frozenset({"copyrightholder", "creator", "author", "credittext",
                              "copyrightnotice", "provider"})
#: Words of an element that is an advertisement's label, never a caption.
AD_WORDS = frozenset({"ad", "ads", "advert", "adverts", "advertisement", "advertising", "dfp",
                      "adslot", "sponsor", "sponsored", "promo", "promotion", "subscribe",
                      "subscription", "paywall", "upsell", "newsletter", "offer"})
#: Words that mark a list of other stories: an image with a line of text there is a teaser.
OTHER_STORIES_WORDS = frozenset({"related", "recommended", "recirculation", "teaser", "teasers",
                                 "trending", "popular", "stories", "headlines", "more"})
_AD_OR_OTHER_STORIES = AD_WORDS | OTHER_STORIES_WORDS
#: Words that mark a video player, its poster image or its caption.
VIDEO_WORDS = frozenset({"player", "playbutton", "playlist", "duration",
                         "jwplayer", "brightcove", "vjs", "youtube", "vimeo", "dailymotion",
                         "livestream", "videoplayer", "videojs", "vid"})
FURNITURE_TAGS = frozenset({"header", "nav", "footer", "aside"})
FURNITURE_ROLES = frozenset({"banner", "navigation", "contentinfo", "complementary"})
NON_PHOTO_MEDIA = frozenset({"video", "iframe", "audio", "object", "embed", "blockquote",
                             "table", "pre", "canvas"})
LAZY_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url",
                   "data-hi-res-src", "data-full-src", "data-large-src", "data-img-src",
                   "data-image", "data-echo", "data-orig-src", "data-srcfull", "data-image-src",
                   "data-fallback-src")
SRCSET_ATTRIBUTES = ("srcset", "data-srcset", "data-lazy-srcset", "data-original-srcset")
_DECORATIVE_URL = re.compile(
    r"(?:^|[/_.\-])(?:logos?|icons?|avatars?|sprites?|pixel|tracking|beacon|spacer|blank|"
    r"transparent|1x1|favicon|emoji|badge|placeholder)(?:[/_.\-]|$)|doubleclick\.net|"
    r"googlesyndication|scorecardresearch|facebook\.com/tr|/ads?/|\.svg(?:$|\?)", re.I)
_PLACEHOLDER = re.compile(r"placeholder|blank\.gif|spacer|1x1|lazy|transparent|grey\.gif|"
                          r"loading|pixel\.gif", re.I)
_DANGLING_LABEL = re.compile(
    r"[\s(\[|–—-]*\b(?:(?:Photo(?:graph)?s?|Credits?|Foto|Images?|Pictures?|Bild|Source)"
    r"(?:\s+Credits?)?\s*(?:[:：]|\.\.\.|…))+[\s)\]]*$|\s*(?:\(\s*\)|\[\s*\])\s*$|\s+[-–—|]$",
    re.I)
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|tiff?|bmp|heic)$", re.I)
_SIZE_IN_PATH = re.compile(r"[-_]\d{2,5}x\d{2,5}(?=\.\w+$)")


@dataclass(frozen=True)
class Photo:
    """A photo of the article: its caption, where it stands, every URL it is known by."""

    caption: Caption
    position: int
    urls: frozenset[str] = frozenset()


def find_photos(root: etree._Element, base: str, nodes: Iterable[Node] = ()) -> list[Photo]:
    """Every captioned photo of the article on the page ``root``, in article order."""
    order = {element: n for n, element in enumerate(root.iter())}
    holders = _image_holders(root)
    in_markup = list(islice(_markup_photos(root, base, order, holders), MAX_PHOTOS))
    from_data = list(islice(_jsonld_photos(nodes, base), MAX_PHOTOS))
    shown = text_key(" ".join(iter_text(root))) if from_data else ""
    return merge_photos(sorted(in_markup, key=lambda p: p.position), from_data, shown)


def _image_holders(root: etree._Element) -> frozenset[etree._Element]:
    """Every element that is or contains an image, found in one pass over the page."""
    holders: set[etree._Element] = set()
    for element in root.iter():
        if not _is_image_element(element):
            continue
        node: etree._Element | None = element
        while node is not None and node not in holders:
            holders.add(node)
            node = node.getparent()
    return frozenset(holders)


# --- Photos in the markup ---------------------------------------------------------------------

def _markup_photos(
    root: etree._Element, base: str, order: dict[etree._Element, int],
    holders: frozenset[etree._Element],
) -> Iterator[Photo]:
    used = _Used()
    loose = _loose_captions(root, holders)
    for container in islice(_containers(root, holders, frozenset(loose)), MAX_CONTAINERS):
        if container in used:
            continue
        photo = _photo_in(container, base, order, used, holders)
        if photo is not None:
            used.add(container)
            yield photo
    yield from _sibling_photos(loose, base, order, holders, used)
    yield from _unmarked_photos(root, base, order, holders, used)


def _sibling_photos(
    loose: list[etree._Element], base: str, order: dict[etree._Element, int],
    holders: frozenset[etree._Element], used: _Used,
) -> Iterator[Photo]:
    """Photos whose marked caption (one of ``loose``, see :func:`_loose_captions`) stands
    right after the image's own box, the two side by side in a region too large to be the
    photo's (a content system's image field, then its caption field, then the article's
    text): the box must hold one image and no text. Only the page's first
    ``MAX_CONTAINERS * 20`` elements are looked at."""
    for element in loose:
        if order.get(element, 0) >= MAX_CONTAINERS * 20:
            break
        if any(a in used for a in ancestors(element)):
            continue
        wrapper, box = _after_image_box(element, holders)
        if box is None or any(a in used for a in [box, *ancestors(box)]):
            continue
        images = _image_elements(box)
        if len(images) != 1 or is_decorative(images[0]) or _small(images[0]) \
                or _has_text(box) or is_video(box) or _is_teaser(box, base, holders) \
                or _in_ad_or_other_stories(wrapper):
            continue
        text, credit = _caption_and_credit(wrapper, holders, [element])
        if not text or is_not_caption(text):
            continue
        _, urls = _best_image(images, base)
        alt = clean_text(images[0].get("alt"))
        caption = Caption(text=text[:MAX_CAPTION], credit=credit, alt=alt or None,
                          image_url=urls[0] if urls else None)
        used.add(box)
        used.add(wrapper)
        yield Photo(caption, order.get(images[0], 0), frozenset(urls))


def _after_image_box(
    caption: etree._Element, holders: frozenset[etree._Element]
) -> tuple[etree._Element, etree._Element | None]:
    """The caption's wrapper (the caption or an ancestor it opens, two levels up at most)
    and the element just before it when that holds an image."""
    wrapper = caption
    for _ in range(3):
        previous = wrapper.getprevious()
        while previous is not None and not isinstance(previous.tag, str):
            previous = previous.getprevious()
        if previous is not None:
            return wrapper, previous if previous in holders else None
        parent = wrapper.getparent()
        if parent is None or tag_of(parent) in ("body", "article", "main"):
            break
        wrapper = parent
    return wrapper, None


def _in_ad_or_other_stories(element: etree._Element) -> bool:
    """True when ``element`` or one of its six nearest ancestors is marked as an ad or as a
    list of other stories: an image with a line of text there is an ad or a teaser."""
    return any(words(a) & _AD_OR_OTHER_STORIES for a in [element, *islice(ancestors(element), 6)])


class _Used:
    """The containers of the photos found so far, and every element that holds one of them,
    so that both questions take constant time."""

    def __init__(self) -> None:
        self._containers: set[etree._Element] = set()
        self._holding: set[etree._Element] = set()

    def add(self, container: etree._Element) -> None:
        self._containers.add(container)
        for ancestor in ancestors(container):
            if ancestor in self._holding:
                break
            self._holding.add(ancestor)

    def __contains__(self, element: object) -> bool:
        return element in self._containers

    def holds(self, element: etree._Element) -> bool:
        """True when ``element`` holds a photo found already."""
        return element in self._holding


# --- Photos whose caption is not marked as one ---------------------------------------------

#: Text blocks beside an image, at most, for them to be its caption and credit.
MAX_UNMARKED_BLOCKS = 3
MAX_UNMARKED_CHARS = 400
#: Children of a caption box at most: more make it a section of the page.
MAX_BOX_CHILDREN = 12


def _unmarked_photos(
    root: etree._Element, base: str, order: dict[etree._Element, int],
    holders: frozenset[etree._Element], used: _Used,
) -> Iterator[Photo]:
    """Photos whose caption is a plain line of text beside the image in a small box of their
    own (``<div><picture>…</picture></div><div>Caption</div><div>Credit</div>``).

    The box is the nearest ancestor (three levels up at most) holding text besides the
    image; it must hold no other photo, no heading, no link around the text, and only a
    few short lines: the first that is not a credit is the caption, the others credits.
    """
    for image in list(root.iter("img"))[:MAX_CONTAINERS]:
        if any(a in used for a in ancestors(image)) or is_decorative(image):
            continue
        box = _caption_box(image, holders)
        if box is None or _is_teaser(box, base, holders) or is_video(box) or _small(image) \
                or _in_ad_or_other_stories(box):
            continue
        photo = _unmarked_photo(box, image, base, order, holders)
        if photo is not None:
            used.add(box)
            yield photo


def _caption_box(
    image: etree._Element, holders: frozenset[etree._Element]
) -> etree._Element | None:
    branch = image
    for level, box in enumerate(ancestors(image)):
        if level >= 4 or tag_of(box) in ("body", "article", "main", "html", "p", "a", "form") \
                or len(box) > MAX_BOX_CHILDREN:
            return None
        others = [c for c in box if c is not branch and isinstance(c.tag, str)]
        if any(c in holders for c in others):
            return None  # another image: a gallery or a page section
        if any(_has_text(c) for c in others) or (box.text or "").strip():
            return box
        branch = box
    return None


def _longer_than(element: etree._Element, limit: int) -> bool:
    """True when the text of ``element`` runs past ``limit`` characters (read no further)."""
    total = 0
    for piece in iter_text(element):
        total += len(piece.strip())
        if total > limit:
            return True
    return False


def _has_text(element: etree._Element) -> bool:
    """True when ``element`` shows any text (stops at the first piece)."""
    return any(piece.strip() for piece in iter_text(element))


def _unmarked_photo(
    box: etree._Element, image: etree._Element, base: str, order: dict[etree._Element, int],
    holders: frozenset[etree._Element],
) -> Photo | None:
    branch = next(a for a in [image, *ancestors(image)] if a.getparent() is box)
    marked = _credit_elements(box, holders)
    blocks = [clean_text(box.text)] if (box.text or "").strip() else []
    credits: list[str] = []
    for child in box:
        if child is branch or not isinstance(child.tag, str) or is_hidden(child):
            continue
        if tag_of(child) in ("h1", "h2", "h3", "h4", "h5", "h6", "button", "ul", "ol",
                             "form", "table") or child.find(".//a") is not None \
                or _longer_than(child, MAX_UNMARKED_CHARS):
            return None
        inner = [e for e in marked if e is child or child in ancestors(e)]
        credits += [text_of(e) for e in inner]
        if child not in inner:  # a child that is a credit itself is read once, as the credit
            blocks.append(text_of(child, skip=frozenset(inner)))
        if (child.tail or "").strip():
            blocks.append(clean_text(child.tail))
    blocks = [b for b in blocks if b]
    credits = [c for c in credits if c]
    if not blocks or len(blocks) + len(credits) > MAX_UNMARKED_BLOCKS or \
            sum(map(len, blocks + credits)) > MAX_UNMARKED_CHARS:
        return None
    captions = [b for b in blocks if not is_credit_only(b)]
    if not captions or len(captions) > 2 or is_not_caption(captions[0]):
        return None
    text, credit = split_credit(captions[0])
    if not text.strip(" .,;:-–—()[]"):
        return None
    extra = [clean_credit(b) for b in blocks + credits if b is not captions[0]]
    credit = " / ".join(c for c in [credit, *extra] if c) or None
    urls = image_urls(image, base)
    alt = clean_text(image.get("alt"))
    caption = Caption(text=text[:MAX_CAPTION], credit=credit, alt=alt or None,
                      image_url=urls[0] if urls else None)
    return Photo(caption, order.get(image, 0), frozenset(urls))


def _loose_captions(
    root: etree._Element, holders: frozenset[etree._Element]
) -> list[etree._Element]:
    """The caption elements outside any figure, in page order, found in one pass over the
    page: both :func:`_containers` and :func:`_sibling_photos` start from them."""
    return [e for e in root.iter() if isinstance(e.tag, str)
            and _is_caption_element(e, holders) and not _inside(e, "figure")]


def _containers(
    root: etree._Element, holders: frozenset[etree._Element],
    loose: frozenset[etree._Element],
) -> Iterator[etree._Element]:
    """Elements that may hold one photo and its caption, innermost first within each kind;
    ``loose`` are the caption elements outside figures (:func:`_loose_captions`)."""
    for figure in root.iter("figure"):
        if figure.find(".//figure") is None:
            yield figure
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if _has_data_caption(element, holders):
            yield element
        elif element in loose:
            container = _container_of_caption(element, holders)
            if container is not None:
                yield container


def _has_data_caption(element: etree._Element, holders: frozenset[etree._Element]) -> bool:
    if not any(element.get(a) for a in ("data-caption", "data-credit", "data-description")):
        return False
    return element in holders or any(element.get(a) for a in LAZY_ATTRIBUTES)


def _is_caption_element(element: etree._Element, holders: frozenset[etree._Element]) -> bool:
    if words(element) & AD_WORDS:
        return False
    if tag_of(element) == "figcaption":
        return True
    if element in holders:
        return False
    if (element.get("itemprop") or "").lower() in ("caption", "description"):
        return tag_of(element) not in ("meta", "link")
    return bool(words(element) & CAPTION_WORDS) or any(
        token & DESCRIPTION_WORDS and token & PHOTO_WORDS for token in _class_tokens(element))


def _class_tokens(element: etree._Element) -> Iterator[frozenset[str]]:
    """The words of each class name of ``element`` apart ("mediaSubtitle" gives media,
    subtitle), for pairs of words that must stand in one name."""
    for name in (element.get("class") or "").split()[:20]:
        yield name_words(name)


def _container_of_caption(
    caption: etree._Element, holders: frozenset[etree._Element]
) -> etree._Element | None:
    """The nearest ancestor (a few levels up at most) that holds an image."""
    for level, ancestor in enumerate(ancestors(caption)):
        if level >= 4 or tag_of(ancestor) in ("body", "article", "main", "html"):
            return None
        if ancestor in holders:
            return ancestor
    return None


def _inside(element: etree._Element, tag: str) -> bool:
    return any(tag_of(a) == tag for a in ancestors(element))


def _photo_in(
    container: etree._Element, base: str, order: dict[etree._Element, int],
    used: _Used, holders: frozenset[etree._Element],
) -> Photo | None:
    """The photo held by ``container``, or None when it holds no photo or no caption."""
    if used.holds(container):
        return None  # a gallery of photos found already: its caption repeats a slide's
    images = _image_elements(container)
    if not images and (_holds_other_media(container) or not _looks_like_photo(container)):
        return None
    candidates = [i for i in images if not is_decorative(i)]
    if images and not candidates:
        return None
    if candidates and (is_decorative(container) or _is_teaser(container, base, holders)):
        return None
    if is_video(container):
        return None
    captions = _caption_elements(container, holders)
    if len({_head(caption_key(text_of(c))) or caption_key(text_of(c)) for c in captions}) > 1 \
            and len(candidates) > 1:
        return None  # a gallery or a page section: each photo is found in its own container
    captions = captions[:1] if len(candidates) > 1 else _distinct(captions)  # no copies
    text, credit = _caption_and_credit(container, holders, captions)
    if not text or is_not_caption(text):
        return None
    image, urls = _best_image(candidates, base)
    if not urls:
        urls = [u for a in LAZY_ATTRIBUTES for u in [resolve(base, container.get(a))] if u]
    alt = clean_text(image.get("alt")) if image is not None else ""
    caption = Caption(text=text[:MAX_CAPTION], credit=credit, alt=alt or None,
                      image_url=urls[0] if urls else None)
    position = order.get(image if image is not None else container, 0)
    return Photo(caption, position, frozenset(urls))


def is_video(container: etree._Element) -> bool:
    """True for a video's poster and caption: a ``video``/``iframe`` in the container, or
    the words of a player on it or inside it."""
    inside = list(islice(container.iter(), 400))
    if any(tag_of(e) in ("video", "iframe", "audio") for e in inside):
        return True
    return any(isinstance(e.tag, str) and words(e) & VIDEO_WORDS for e in inside)


#: Calls to action: subscription, sign-up, newsletter and donation promotions, never captions.
_CALL_TO_ACTION = re.compile(
    r"\b(?:subscribe|subscription|subscriber|sign[ -]?up|sign in|log ?in|register|newsletter|"
    r"free (?:account|trial)|create (?:a|an|your) (?:free )?account|continue reading|"
    r"download (?:the|our) app|click here|tap here|follow us|join (?:us|now)|unlock|"
    r"abonn|anmelden|registrier|inscri|suscr|iscriviti|"
    r"donate (?:now|today|here)|make (?:a|your) (?:gift|donation)|give (?:now|today)|"
    r"become a (?:member|sustainer|supporter)|"
    r"support (?:our|local|independent|nonprofit) (?:journalism|reporting|newsroom)|"
    r"jetzt spenden|faire un don)\w*", re.I)
#: A credit line naming a video ("Vídeo: EPV"), or a title ending "– video": a video's caption.
_VIDEO_CREDIT = re.compile(r"(?:^|[\s|(])V[ií]d[eé]o\s*:|\s[–—-]\s*v[ií]d[eé]o$", re.I)
#: Code that leaked into text (a style rule, a script).
_CODE = re.compile(r"[{};]\s*$|^[.#@][\w-]+\s*\{|\w+\([^)]*\)\s*[{;]")
#: Texts that stand where a caption would and are none: ad labels, interface words.
_NOT_CAPTION = re.compile(
    r"^(?:advertisement|advertising|anzeige|werbung|publicité|publicidad|pubblicità|annonse|"
    r"annons|reklama|sponsored|ad|image|photo|picture|foto|bild|video|gallery|"
    r"\d+\s*(?:/|of|von|de|sur)\s*\d+|\d{1,2}(?::\d\d){1,2})(?:\s+(?:advertisement|anzeige))*$",
    re.I)  # the last: a video's running time ("00:00:49")


#: A line that is only a copyright notice or a word that stands for a credit: a photo taken
#: privately, handed out, from the archive, sent in by a reader. (A stock library's name
#: alone, "Getty Images", is ``credits.is_credit_only``'s.)
_CREDIT_WORD_LINE = re.compile(
    r"^(?:(?:©|\(c\)|copyright\b).{0,120}|(?:privat(?:foto|bild)?|private(?: photo)?|handout|"
    r"supplied|submitted(?: photo)?|file(?: photo)?|archive(?: photo)?|archiv(?:bild|foto)?|"
    r"arkiv(?:foto|bild|bilde)?|archivo|archives|stock(?: photo)?))\.?$", re.I)


def is_not_caption(text: str) -> bool:
    """True for text in a caption's place that is no caption: an ad label, an interface
    word, a slide count, or a line that is only a credit ("Courtesy of Zillow")."""
    text = clean_text(text)
    if _NOT_CAPTION.match(text) or _CODE.search(text) or _VIDEO_CREDIT.search(text):
        return True
    if not re.search(r"\w", text) or _CREDIT_WORD_LINE.match(text):
        return True  # "×" (a close button), "© dpa", "Privat", "Handout"
    if _CALL_TO_ACTION.search(text) and len(text) < 300:
        return True
    caption, credit = split_credit(text)
    return (bool(credit) and not caption.strip(" .,;:-–—()[]")) or is_credit_only(text)


def _best_image(
    candidates: list[etree._Element], base: str
) -> tuple[etree._Element | None, list[str]]:
    """The first image with a real URL (not a lazy-loading placeholder), and its URLs."""
    for image in candidates:
        urls = image_urls(image, base)
        if urls and not _PLACEHOLDER.search(urlsplit_path(urls[0])):
            return image, urls
    if candidates:
        return candidates[0], image_urls(candidates[0], base)
    return None, []


def _is_teaser(
    container: etree._Element, base: str, holders: frozenset[etree._Element]
) -> bool:
    """True for a card linking to another page: the image and caption inside one link."""
    captions = _caption_elements(container, holders)
    for link in [*container.iter("a"), *[a for a in ancestors(container) if tag_of(a) == "a"]]:
        target = resolve(base, link.get("href"))
        if not target or _IMAGE_FILE.search(urlsplit_path(target)) or \
                target.split("#")[0] == base.split("#")[0]:
            continue
        holds_image = any(tag_of(e) == "img" for e in link.iter())
        holds_caption = any(c is link or any(a is link for a in ancestors(c)) for c in captions)
        if holds_image and (holds_caption or any(a is link for a in ancestors(container))):
            return True
    return False


def _looks_like_photo(container: etree._Element) -> bool:
    """True when an element without an image is still marked as one (script-loaded photos)."""
    marks = [container, *container[:3]]
    return any(words(e) & PHOTO_WORDS or (e.get("data-component") or "").lower() == "image"
               or tag_of(e) == "picture" for e in marks)


def _holds_other_media(container: etree._Element) -> bool:
    return any(tag_of(e) in NON_PHOTO_MEDIA for e in container.iter())


def _image_elements(container: etree._Element) -> list[etree._Element]:
    """The ``img`` elements (and lazy-image placeholders) under ``container``, in order."""
    return [e for e in container.iter()
            if _is_image_element(e) and (e is not container or tag_of(e) == "img")]


def _is_image_element(element: etree._Element) -> bool:
    """An ``img``, or an element a script turns into an image (``data-src``…)."""
    tag = tag_of(element)
    return tag == "img" or (tag not in ("", "source", "script", "a", "link", "meta")
                            and any(element.get(a) for a in LAZY_ATTRIBUTES[:3]))


def _caption_and_credit(
    container: etree._Element, holders: frozenset[etree._Element],
    captions: list[etree._Element],
) -> tuple[str, str | None]:
    """The caption text and credit that ``container`` states in ``captions`` (its caption
    elements) and its credit elements, credit split off."""
    credits = _credit_elements(container, holders)
    pieces = [text_of(c, skip=frozenset(credits)) for c in captions if c not in credits]
    attribute_caption = container.get("data-caption") or container.get("data-description")
    if not any(pieces) and attribute_caption:
        pieces = [clean_text(markup_text(attribute_caption))]
    caption = clean_caption(" ".join(p for p in pieces if p))
    credit_texts = [clean_credit(text_of(c)) for c in credits]
    if container.get("data-credit"):
        credit_texts.append(clean_credit(container.get("data-credit")))
    credit = " / ".join(dict.fromkeys(c for c in credit_texts if c)) or None
    caption = _DANGLING_LABEL.sub("", caption)
    text, written = split_credit(caption)
    if credit is None:
        return text, written
    for known in dict.fromkeys(c for c in credit_texts if c):
        caption = _remove_suffix(caption, known)
    if written and _same_credit(written, credit):
        # the caption writes the credit out in full ("(AP Photo/Name)" beside "AP Photo")
        return text, written if len(written) > len(credit) else credit
    return _DANGLING_LABEL.sub("", caption), credit


def _same_credit(written: str, marked: str) -> bool:
    """True when a credit written in a caption and one marked apart name the same source."""
    a, b = caption_key(written), caption_key(marked)
    return bool(a and b) and (a in b or b in a)


def _caption_elements(
    container: etree._Element, holders: frozenset[etree._Element]
) -> list[etree._Element]:
    """The outermost caption elements under ``container`` (figcaption or caption-classed)."""
    found = [e for e in container.iter() if e is not container and isinstance(e.tag, str)
             and _is_caption_element(e, holders)]
    return [e for e in found if not any(a in found for a in ancestors(e))]


def _credit_elements(
    container: etree._Element, holders: frozenset[etree._Element]
) -> list[etree._Element]:
    """The outermost elements under ``container`` that hold a credit."""
    found = []
    for element in container.iter():
        if element is container or not isinstance(element.tag, str):
            continue
        element_words = words(element)
        itemprop = (element.get("itemprop") or "").lower()
        marked = bool(element_words & CREDIT_WORDS or any(
            token & PHOTO_WORDS and token & PHOTO_CREDIT_WORDS for token in _class_tokens(element)
        )) and not (element_words & CAPTION_WORDS and not element_words & {"credit", "copyright"})
        inline = tag_of(element) in ("small", "cite") and _inside_any(
            element, container, lambda e: _is_caption_element(e, holders))
        beside = tag_of(container) == "figure" and (
            (tag_of(element) in ("cite", "small", "footer") and element.getparent() is container)
            or (tag_of(element) == "cite" and not _inside_any(
                element, container, lambda e: _is_caption_element(e, holders))))
        if tag_of(element) == "figcaption":
            continue  # a caption, whatever its class says: its credit is split from its text
        text = text_of(element)
        if (marked or itemprop in CREDIT_ITEMPROPS or inline or beside) and text \
                and len(text) <= MAX_CREDIT and element.find(".//time") is None \
                and not any(_is_pure_caption(d) for d in element.iterdescendants()):
            found.append(element)
    return [e for e in found if not any(a in found for a in ancestors(e))]


def _is_pure_caption(element: etree._Element) -> bool:
    """A caption element that does not also say it is a credit (unlike ``credit-caption``)."""
    if not isinstance(element.tag, str):
        return False
    element_words = words(element)
    if element_words & {"credit", "credits", "copyright"}:
        return False
    return tag_of(element) == "figcaption" or bool(element_words & CAPTION_WORDS)


def _inside_any(element: etree._Element, container: etree._Element, test: Any) -> bool:
    for ancestor in ancestors(element):
        if ancestor is container:
            return False
        if test(ancestor):
            return True
    return False


def _remove_suffix(caption: str, credit: str) -> str:
    """The caption without a copy of its credit at the end (some sites print it twice)."""
    if caption.endswith(credit) and len(caption) > len(credit):
        return caption[: -len(credit)].rstrip(" .,;:|–—-([")
    return caption


def markup_text(value: str) -> str:
    """Text of an attribute that may hold markup (``data-caption="<p>…</p>"``)."""
    if "<" not in value:
        return value
    from lxml import html

    try:
        return html.fragment_fromstring(value, create_parent="div").text_content()
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]*>", " ", value)


# --- Decoration -------------------------------------------------------------------------------

def is_decorative(element: etree._Element) -> bool:
    """True for images that are not photos of the article: logos, icons, avatars, ads,
    tracking pixels, tiny or hidden images, page furniture outside the article."""
    if tag_of(element) == "img":
        if _tiny(element) or (element.get("role") or "").lower() in ("presentation", "none"):
            return True
        sources = [element.get("src") or "", *[element.get(a) or "" for a in LAZY_ATTRIBUTES]]
        real = [s for s in sources if s and not s.startswith("data:")]
        if real and all(_DECORATIVE_URL.search(urlsplit_path(s)) for s in real):
            return True
    for level, node in enumerate([element, *ancestors(element)]):
        if (node.get("aria-hidden") or "").lower() == "true" and level < 4:
            return True
        node_words = words(node)
        if level == 0:  # an image's own "img-share" makes it the page's shared picture
            node_words -= SHARING_WORDS
        if level < 4 and node_words & DECORATION_WORDS:
            return True
        if level < 10 and node_words & REGION_WORDS:
            return True
        if tag_of(node) in ("article", "main") or \
                (node.get("itemprop") or "").lower() == "articlebody":
            return False
        if tag_of(node) in FURNITURE_TAGS or (node.get("role") or "").lower() in FURNITURE_ROLES:
            return not _inside_article(node) and not _is_article_header(node)
    return False


def _small(image: etree._Element) -> bool:
    """True for an image declared smaller than a photo (an icon, a thumbnail, a button)."""
    for name in ("width", "height"):
        value = (image.get(name) or "").strip().lower().removesuffix("px")
        if value.isdigit() and 0 < int(value) < 150:  # 0 stands for "auto"
            return True
    return False


def _tiny(image: etree._Element) -> bool:
    for name in ("width", "height"):
        value = (image.get(name) or "").strip().lower().removesuffix("px")
        try:
            if value and 0 < float(value) <= 50:  # 0 stands for "auto"
                return True
        except ValueError:
            continue
    return False


def _is_article_header(element: etree._Element) -> bool:
    """A ``<header>`` that heads the article (its headline or a captioned photo), not the site."""
    if tag_of(element) != "header" or (element.get("role") or "").lower() == "banner":
        return False
    headline = any(len(text_of(h)) > 20 for h in element.iter("h1"))
    return headline or element.find(".//figcaption") is not None


def _inside_article(element: etree._Element) -> bool:
    return any(tag_of(a) in ("article", "main") or (a.get("itemprop") or "").lower() ==
               "articlebody" for a in ancestors(element))


def urlsplit_path(url: str) -> str:
    """The host and path of ``url`` (no query), for pattern tests."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    return f"{parts.netloc}{parts.path}"


# --- Image URLs -------------------------------------------------------------------------------

def image_urls(image: etree._Element, base: str) -> list[str]:
    """Every absolute URL the image is known by, the one the page loads best first.

    The first is the largest ``srcset`` candidate (the image's own, else its ``picture``
    sources'), else a lazy-loading attribute, else ``src``; the others follow for matching.
    """
    own = [s for a in SRCSET_ATTRIBUTES for s in [image.get(a)] if s]
    picture = _picture_of(image)
    sources = [] if picture is None else [
        s for source in picture.iter("source") for a in SRCSET_ATTRIBUTES
        for s in [source.get(a)] if s]
    lazy = [image.get(a) for a in LAZY_ATTRIBUTES]
    src = image.get("src")
    if src and (src.startswith("data:") or (_PLACEHOLDER.search(src) and any(lazy))):
        src = None
    plain = [u for u in [*lazy, src] if u and resolve(base, u)]
    ordered: list[str | None] = []
    for group in (own, sources):
        candidates = [c for srcset in group for c in srcset_candidates(srcset)
                      if resolve(base, c[0])]
        sized = any(size != 1000.0 for _, size in candidates)
        if candidates and (sized or not plain):
            ordered.append(max(candidates, key=lambda c: c[1])[0])
    ordered += plain
    ordered += [u for group in (own, sources) for srcset in group
                for u, _ in srcset_candidates(srcset)]
    absolute = (resolve_image(base, u) for u in ordered if u)
    return list(dict.fromkeys(u for u in absolute if u))


def _picture_of(image: etree._Element) -> etree._Element | None:
    """The ``picture`` around an image (libxml2 may nest the image in an unclosed ``source``)."""
    for level, ancestor in enumerate(ancestors(image)):
        if tag_of(ancestor) == "picture":
            return ancestor
        if level >= 3:
            break
    return None


# --- Photos in JSON-LD ------------------------------------------------------------------------

def _jsonld_photos(nodes: Iterable[Node], base: str) -> Iterator[Photo]:
    nodes = list(nodes)
    not_photos = [v for n in nodes for key in ("logo", "image", "thumbnail")
                  for v in as_list(n.get(key)) if isinstance(v, dict)
                  and (key == "logo" or types_of(n) & _NOT_ARTICLE_TYPES)]
    logos = {id(v) for v in not_photos}
    logo_ids = {v.get("@id") for v in not_photos if v.get("@id")}
    for node in nodes:
        if "ImageObject" not in types_of(node) or id(node) in logos or \
                node.get("@id") in logo_ids or "logo" in str(node.get("@id", "")).lower():
            continue
        text = as_text(node.get("caption")) or as_text(node.get("description"))
        if not text:
            continue
        caption, credit = split_credit(markup_text(text))
        credit = clean_credit(
            as_text(node.get("creditText")) or _name(node.get("copyrightHolder"))
            or _name(node.get("creator")) or _name(node.get("author"))
            or as_text(node.get("copyrightNotice"))) or credit
        if not caption:
            continue
        urls = [u for key in ("contentUrl", "url") for v in as_list(node.get(key))
                for u in [resolve(base, as_text(v))] if u]
        yield Photo(Caption(text=caption[:MAX_CAPTION], credit=credit,
                            image_url=urls[0] if urls else None),
                    position=-1, urls=frozenset(urls))


_NOT_ARTICLE_TYPES = {"Person", "Organization", "NewsMediaOrganization", "Corporation",
                      "WebSite", "Brand", "Place", "VideoObject", "AudioObject", "Clip",
                      "Product", "Event"}


def _name(value: Any) -> str | None:
    for entry in as_list(value):
        if isinstance(entry, dict):
            name = as_text(entry.get("name"))
            if name:
                return name
        elif isinstance(entry, str) and entry.strip():
            return clean_text(entry)
    return None


# --- One photo, once --------------------------------------------------------------------------

#: Query parameters that name which image an image service serves (not its size or format).
_IMAGE_PARAMETERS = frozenset({"id", "url", "src", "image", "img", "file", "path", "name",
                               "photo", "u", "i", "asset", "uuid"})


def url_key(url: str) -> str:
    """What two URLs of the same photo share: host and path without sizes, the query
    parameters that name the image (``?url=…``, ``?id=…``; not sizes), and the fragment
    (two photos the page tells apart only after ``#`` stay two photos)."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=False)
    except ValueError:
        return url
    naming = "&".join(f"{k}={v}" for k, v in query if k.lower() in _IMAGE_PARAMETERS)
    key = f"{parts.netloc.lower()}{_SIZE_IN_PATH.sub('', parts.path)}"
    return key + (f"?{naming}" if naming else "") + (f"#{parts.fragment}" if parts.fragment else "")


def caption_key(text: str) -> str:
    """What two copies of the same caption share: letters and digits, lower case."""
    return re.sub(r"\W+", "", text.casefold())[:120]


def merge_photos(
    in_markup: list[Photo], from_data: list[Photo], page_text: str | None = None
) -> list[Photo]:
    """One entry per photo: markup copies deduplicated, JSON-LD photos merged into them.

    Two markup photos are one when they share an image and a caption (a lightbox copy), or
    one of them has no image; a JSON-LD photo is a markup photo when they share an image or
    a caption. A JSON-LD photo matching none is a photo of its own only when the page shows
    its caption (``page_text``, as :func:`text_key` gives it; None: always): it then comes
    first, as the lead image many pages show through scripts. A caption that lives only in
    structured data describes a picture for search engines, not one the reader sees.
    """
    kept = _Kept()
    for photo in in_markup:
        kept.add(photo, by_caption_alone=False)
    markup_count = len(kept.photos)
    for photo in from_data:
        shown = page_text is None or text_key(photo.caption.text) in page_text
        kept.add(photo, by_caption_alone=True, new=shown)
    return kept.photos[markup_count:] + kept.photos[:markup_count]


def text_key(text: str) -> str:
    """Letters and digits of ``text``, lower case: what survives any markup or spacing."""
    return re.sub(r"\W+", "", text.casefold())


class _Kept:
    """Photos kept so far, indexed by image and caption keys so merging stays linear."""

    def __init__(self) -> None:
        self.photos: list[Photo] = []
        self._by_url: dict[str, list[int]] = {}
        self._by_text: dict[str, list[int]] = {}

    def add(self, photo: Photo, *, by_caption_alone: bool, new: bool = True) -> None:
        """Merge ``photo`` into the kept photo it is a copy of, or (``new``) keep it.

        ``by_caption_alone`` (a JSON-LD photo) also merges on the caption's opening words,
        since structured data often adds a sentence or the credit to the shown caption.
        """
        keys = {url_key(u) for u in photo.urls}
        text = caption_key(photo.caption.text)
        texts = [text, _head(text)] if by_caption_alone and _head(text) else [text]
        candidates = sorted({i for k in keys for i in self._by_url.get(k, [])}
                            | {i for t in texts for i in self._by_text.get(t, [])})
        for index in candidates:
            other = self.photos[index]
            other_text = caption_key(other.caption.text)
            same_url = bool(keys & {url_key(u) for u in other.urls})
            same_text = text == other_text or (by_caption_alone and bool(_head(text))
                                               and _head(text) == _head(other_text))
            loose = by_caption_alone or not other.urls or not photo.urls
            if (same_url and (same_text or loose)) or (same_text and loose):
                self.photos[index] = _combine(other, photo)
                self._index(index, keys, text)
                return
        if not new:
            return
        self.photos.append(photo)
        self._index(len(self.photos) - 1, keys, text)

    def _index(self, index: int, keys: set[str], text: str) -> None:
        for key in keys:
            self._by_url.setdefault(key, []).append(index)
        for key in {text, _head(text)} - {""}:
            self._by_text.setdefault(key, []).append(index)


def _distinct(captions: list[etree._Element]) -> list[etree._Element]:
    """The caption elements without those repeating an earlier one's caption, credit aside
    (a layout that prints the caption twice, once with its credit and once without)."""
    seen: set[str] = set()
    kept = []
    for element in captions:
        key = caption_key(split_credit(text_of(element))[0])
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(element)
    return kept


def _head(text_key_: str) -> str:
    """The opening of a caption key, long enough to tell one caption from another."""
    return text_key_[:50] if len(text_key_) >= 30 else ""


def _combine(first: Photo, second: Photo) -> Photo:
    """``first`` completed with what ``second`` knows and it does not."""
    caption = first.caption
    caption = replace(
        caption,
        credit=caption.credit or second.caption.credit,
        alt=caption.alt or second.caption.alt,
        image_url=caption.image_url or second.caption.image_url,
    )
    return replace(first, caption=caption, urls=first.urls | second.urls)

"""Who wrote the article: the byline a reader sees, and person names told from everything else.

A byline is read where the page shows it: the element marked as a byline or an author
(``class``/``id`` words, ``rel=author``, ``itemprop=author``, ``<address>``), or a short line
starting with "By"/"Von"/"Par"…, nearest the headline. Its text is cut at its element
boundaries and separators ("," "and" "|" "·" "/"), and each piece is kept only when it reads
as a person's name: a few capitalised words, no date ("Carrie Arnold November"), no job
title ("Senior Politics Editor"), no publication, agency or desk ("The Associated Press",
"MND Staff", "National Desk"), no e-mail address or handle. Bylines naming only an agency, a
desk or the publication name no person: the article then has no author.

Pure: a parsed tree and plain strings in, names out. It never decides between this and
structured data; that is ``metadata``'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree

from archiver.extract.dom import SILENT_TAGS, ancestors, clean_text, tag_of, words

#: Class/id words (and ``rel``/``itemprop``/``data-component`` values) of a byline element.
BYLINE_WORDS = frozenset({"byline", "bylines", "author", "authors", "byl", "writer",
                          "writers", "autor", "autoren", "auteur", "auteurs", "autore",
                          "firma", "signature", "contributors"})
#: Words of a byline's parts that are not names: dates, job titles, social links, pictures,
#: the photographer's or illustrator's credit.
NOT_NAME_PART_WORDS = frozenset({
    "date", "time", "timestamp", "dateline", "published", "updated", "modified", "job",
    "title", "role", "position", "bio", "biography", "desc", "description", "avatar", "image",
    "img", "photo", "picture", "social", "twitter", "facebook", "email", "mail", "follow",
    "share", "sharing", "count", "comments", "icon", "reading", "source", "distributor",
    "photographer", "photographers", "photography", "illustrator", "illustrators",
})
#: Words of regions whose bylines belong to other articles or to readers.
OTHER_REGION_WORDS = frozenset({
    "comment", "comments", "related", "recommended", "recirculation", "teaser", "teasers",
    "card", "cards", "promo", "most", "popular", "trending", "sidebar", "aside", "footer",
    "nav", "menu", "newsletter", "quote", "blockquote", "more", "list", "feed", "widget",
    "live", "entry", "bio", "biography", "profile", "caption", "captions",
})
#: Class words that style a list (``list-inline``, ``list-unstyled``): a line of page
#: furniture such as the byline and date, not a list of other articles.
LIST_STYLE_WORDS = frozenset({"inline", "unstyled", "horizontal", "meta"})
#: Words that make a byline part an organisation, a desk or a job, not a person.
ORGANISATION_WORDS = frozenset({
    "staff", "desk", "agency", "agencies", "newsroom", "redaktion", "rédaction", "redacción",
    "redazione", "team", "news", "press", "media", "wire", "wires", "service", "services",
    "online", "daily", "times", "post", "magazine", "journal", "network", "group", "bureau",
    "editorial", "correspondents", "reporters", "writers", "contributors", "associated",
    "agence", "presse", "agentur", "zeitung", "nachrichten", "social",
    # what sites print beside a byline
    "text", "size", "share", "print", "email", "listen", "save", "bookmark", "subscribe",
    "follow", "more", "comments", "view", "profile", "articles",
})
#: First words no person's name starts with ("The Plain Dealer").
ARTICLES = frozenset({"the", "der", "die", "das", "il", "lo", "les", "los", "las", "het"})
ROLE_WORDS = frozenset({
    "writer", "reporter", "correspondent", "editor", "senior", "chief", "contributor",
    "columnist", "producer", "analyst", "contributing", "associate", "deputy", "journalist",
    "photographer", "political", "politics", "sports", "business", "science", "travel",
    "health", "economics", "investigative", "assistant", "managing", "executive", "director",
    "professor", "anchor", "intern", "freelance",
    "foreign", "national", "international", "technology", "culture", "opinion",
    "redakteur", "redakteurin", "korrespondent", "korrespondentin", "journalistin",
    "autorin", "journaliste", "envoyé", "envoyée", "spécial", "spéciale", "periodista",
    "corresponsal", "giornalista", "inviato", "min", "read", "minutes",
})
#: Picture and news agencies, which stand in bylines where no person wrote the story.
AGENCIES = frozenset({
    "ap", "afp", "reuters", "dpa", "apa", "ansa", "efe", "upi", "pa", "aap", "epd", "kna",
    "sda", "ats", "belga", "anp", "tass", "xinhua", "kyodo", "yonhap", "bloomberg", "cnn",
    "bbc", "ips", "sid", "ntb", "tt", "stt", "ritzau", "ctk", "pap", "mti", "ria",
})
MONTHS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "januar", "februar", "märz", "mai", "juni", "juli",
    "oktober", "dezember", "janvier", "février", "mars", "avril", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre", "enero", "febrero", "marzo", "abril",
    "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon",
    "tue", "wed", "thu", "fri", "sat", "sun", "today", "yesterday", "updated", "published",
    "posted", "stand", "aktualisiert", "publié", "publiée", "publicado", "pubblicato",
})
#: Lower-case words that may stand inside a person's name.
PARTICLES = frozenset({"de", "da", "di", "del", "della", "dos", "das", "do", "du", "van",
                       "von", "der", "den", "ter", "ten", "le", "la", "bin", "ibn", "al", "el",
                       "y", "zu", "af", "av", "st"})

BY_PREFIX = re.compile(
    r"^(?:(?:written|reported|reporting|story|text|words|photos?|analysis)\s+)?"
    r"(?:by|von|par|por|di|door|av|af|de|da|z|od|av|by:)\s*:?\s+", re.I)
_PIECE_SEPARATOR = re.compile(
    r"\s*(?:[,;|·•/]|\s[–—-]\s|\s&\s|\band\b|\bund\b|\bet\b|\bog\b|\boch\b|\bi\b|\sy\s|\se\s)"
    r"\s*", re.I)
_NOT_A_NAME = re.compile(r"https?://|www\.|@|\.(?:com|org|net|co|de|fr|uk|pl|is)\b|\d", re.I)
#: Elements examined at most when looking for the byline.
MAX_ELEMENTS = 20_000
#: A byline line longer than this is a paragraph, not a byline.
MAX_BYLINE_CHARS = 300


def visible_byline(root: etree._Element, publisher_names: Iterable[str] = ()) -> list[str]:
    """The person names of the byline shown nearest the article's headline, in byline order."""
    order: dict[etree._Element, int] = {}
    headline = None
    for n, element in enumerate(root.iter()):
        if n >= MAX_ELEMENTS:
            break
        order[element] = n
        if headline is None and tag_of(element) == "h1":
            headline = n
    candidates = [e for e in _byline_elements(order) if not _in_other_region(e)]
    if headline is not None:
        candidates.sort(key=lambda e: _distance(order[e], headline))
    excluded = [clean_text(n) for n in publisher_names if n]
    for element in candidates[:12]:
        names = names_in(element, excluded)
        if names:
            return names
    return []


def _distance(position: int, headline: int) -> int:
    """How far an element stands from the headline; a byline above it counts double."""
    return position - headline if position >= headline else 2 * (headline - position)


def _byline_elements(order: dict[etree._Element, int]) -> Iterator[etree._Element]:
    """Elements that are bylines: marked as such, or short lines opening with "By"."""
    marked: set[etree._Element] = set()
    for element in order:
        if not isinstance(element.tag, str) or tag_of(element) in SILENT_TAGS | {"meta", "link"}:
            continue
        if _is_marked_byline(element):
            if not any(a in marked for a in ancestors(element)):
                marked.add(element)
                yield element
        elif tag_of(element) in ("p", "div", "span", "li") and _opens_with_by(element):
            yield element


def _is_marked_byline(element: etree._Element) -> bool:
    marks = set(words(element))
    for attribute in ("rel", "itemprop", "data-component", "data-testid", "name"):
        marks.update(w.lower() for w in re.split(r"[\s_\-:]+", element.get(attribute) or "") if w)
    if tag_of(element) == "address":
        return True
    return bool(marks & BYLINE_WORDS) and not marks & NOT_NAME_PART_WORDS


def _opens_with_by(element: etree._Element) -> bool:
    text = element.text or ""
    if not BY_PREFIX.match(text.lstrip()) and not (not text.strip() and len(element) and
                                                   BY_PREFIX.match((element[0].text or "")
                                                                   .lstrip() + " ")):
        return False
    return len(clean_text(element.text_content())) <= MAX_BYLINE_CHARS


def _in_other_region(element: etree._Element) -> bool:
    """True inside regions of other articles, readers' comments or site furniture."""
    for level, node in enumerate([element, *ancestors(element)]):
        tag = tag_of(node)
        if level > 8 or tag in ("article", "main", "body"):
            return False
        marks = words(node)
        if marks & LIST_STYLE_WORDS:
            marks -= {"list"}
        if tag in ("blockquote", "figure", "figcaption") or marks & OTHER_REGION_WORDS:
            return True
        if tag in ("nav", "footer", "aside"):  # the article's own aside holds its byline
            return not any(tag_of(a) in ("article", "main") for a in ancestors(node))
    return False


#: What opens a photographer's or illustrator's credit inside a byline ("Photographs by").
_CREDIT_LEAD = re.compile(
    r"(?:^|(?<=[\s.,;|·•]))(?:photo(?:graph)?s?|pictures?|illustrations?|images?|video|"
    r"graphics?|fotos?|bilder?)\s*(?:by|von|par|por|:)\s*:?", re.I)


def names_in(element: etree._Element, excluded: Iterable[str] = ()) -> list[str]:
    """The person names a byline element shows, from its text pieces."""
    if len(clean_text(element.text_content())) > MAX_BYLINE_CHARS * 2:
        return []
    found: list[str] = []
    credit_follows = False
    for piece in _pieces(element):
        lead = _CREDIT_LEAD.search(piece)
        if credit_follows or lead is None:
            text = "" if credit_follows else piece
            credit_follows = False
        else:  # "By Jane Doe. Photographs by John Roe": the rest is the photographer's
            text, credit_follows = piece[:lead.start()], not piece[lead.end():].strip()
        found.extend(n for n in person_names(text, excluded) if " " in n)
    return list(_unique(found))


def _pieces(element: etree._Element) -> Iterator[str]:
    """The text of ``element`` cut at element boundaries, without dates, job titles,
    pictures and links to social networks."""
    stack: list[tuple[etree._Element, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if node is not element and node.tail and node.tail.strip():
                yield node.tail
            continue
        stack.append((node, True))
        if node is not element and _skipped(node):
            continue
        if node.text and node.text.strip():
            yield node.text
        stack.extend((child, False) for child in reversed(node))


def _skipped(node: etree._Element) -> bool:
    if not isinstance(node.tag, str):
        return True
    if tag_of(node) in SILENT_TAGS or tag_of(node) in ("time", "img"):
        return True
    href = (node.get("href") or "").lower()
    if re.search(r"twitter\.com|//x\.com|facebook\.com|instagram\.com|linkedin\.com", href):
        return True
    return bool(words(node) & NOT_NAME_PART_WORDS)


def person_names(text: str, excluded: Iterable[str] = ()) -> list[str]:
    """The person names in a line of byline text ("By Jane Doe and John Roe, CNN")."""
    text = BY_PREFIX.sub("", clean_text(text))
    inverted = re.fullmatch(r"([^\W\d_][\w'’-]+),\s*([^\W\d_][\w'’.-]+)", text)
    if inverted:  # "Doe, Jane"
        text = f"{inverted.group(2)} {inverted.group(1)}"
    names = []
    for n, part in enumerate(_PIECE_SEPARATOR.split(text)):
        if n and any(w.strip(".,:;()").casefold() in ROLE_WORDS for w in part.split()):
            continue  # "Jane Doe, Local Democracy Reporter": a job title after a name
        name = clean_name(part, excluded)
        if name:
            names.append(name)
    return names


def clean_name(part: str, excluded: Iterable[str] = ()) -> str | None:
    """A person's name from one byline part, without what follows it (a date, a job title,
    the publication in capitals), or None when the part is no person's name."""
    part = BY_PREFIX.sub("", clean_text(part)).strip(" .:-–—()[]\"'")
    kept: list[str] = []
    words_ = part.split()
    for n, word in enumerate(words_):
        bare = word.strip(".,:;()").casefold()
        dated = n + 1 < len(words_) and any(c.isdigit() for c in words_[n + 1])
        if (bare in MONTHS and (len(kept) >= 2 or dated)) or _NOT_A_NAME.search(word) \
                or bare in ROLE_WORDS:
            break
        if kept and word.isupper() and len(word) > 2 and not all(w.isupper() for w in kept):
            break  # "Meg Wagner NEW YORK DAILY NEWS"
        kept.append(word)
    name = " ".join(kept).strip(" .,:;-–—")
    if not is_person_name(name, excluded):
        return None
    return name.title() if name.isupper() else name


def is_person_name(name: str, excluded: Iterable[str] = ()) -> bool:
    """True when ``name`` reads as a person's name (two to five capitalised words, or a name
    in a script without capitals), and names no agency, desk or publication."""
    tokens = name.split()
    if not 2 <= len(tokens) <= 6 and not (len(tokens) == 1 and _caseless(tokens[0])):
        return False
    if len(name) > 60 or _NOT_A_NAME.search(name):
        return False
    lowered = [t.strip(".,'’").casefold() for t in tokens]
    if any(t in ORGANISATION_WORDS or t in ROLE_WORDS for t in lowered) or lowered[0] in ARTICLES:
        return False
    if " ".join(lowered) in AGENCIES or all(t in AGENCIES for t in lowered):
        return False
    compact = _compact(name)
    if any(len(_compact(e)) > 2 and (_compact(e) in compact or compact in _compact(e))
           for e in excluded):
        return False
    for token, low in zip(tokens, lowered, strict=True):
        if low in PARTICLES:
            continue
        if not (token[:1].isupper() or _caseless(token)):
            return False
    return not all(t in PARTICLES for t in lowered)


def _caseless(token: str) -> bool:
    """A word of a script without capital letters (Chinese, Japanese, Devanagari…)."""
    letters = [c for c in token if c.isalpha()]
    return bool(letters) and not any(c.isupper() or c.islower() for c in letters)


def _compact(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _unique(values: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for value in values:
        if _compact(value) not in seen:
            seen.add(_compact(value))
            yield value

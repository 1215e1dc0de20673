"""The article's descriptive fields, from what the page states, what it shows, and heuristics.

What a reader sees is checked against what the page states for machines:
- title: the displayed ``h1`` when it shares words with a stated title (JSON-LD, OpenGraph,
  ``<title>``), else the stated title; social and search titles, kickers, section names and
  URLs are not the headline;
- authors: the byline shown near the headline (``byline``) compared with the stated authors;
- publisher: the name the ``<title>`` ends with, checked against the stated names;
- date: JSON-LD, then meta tags, then ``<time>``, then htmldate's reading of the page's
  structure; never a number found in free text (an undated page stays undated);
- language, description, keywords, section, canonical URL: as stated.
Values are cleaned on the way: HTML entities decoded, the site name dropped from the end of a
title, dates made W3CDTF (a time only with its zone), languages made ISO 639-1.

Pure: a parsed tree and plain values in, a ``PageMetadata`` out. The heuristics of
trafilatura arrive as a ``Heuristics`` value made by the caller.

Limits: a title that the page states nowhere stays None (the describe stage devises one).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from archiver.extract.byline import person_names, visible_byline
from archiver.extract.dom import clean_text, resolve, text_of, words
from archiver.extract.structured import (
    Node,
    StructuredData,
    as_list,
    as_text,
    node_index,
    types_of,
)

log = logging.getLogger(__name__)

MAX_TITLE = 400
MAX_KEYWORDS = 50
ORGANIZATION_TYPES = {"Organization", "NewsMediaOrganization", "Corporation", "WebSite",
                      "OnlineBusiness", "EducationalOrganization", "GovernmentOrganization"}


@dataclass(frozen=True)
class Heuristics:
    """What trafilatura guessed from the page's text and layout (each may be None)."""

    title: str | None = None
    author: str | None = None
    date: str | None = None
    sitename: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageMetadata:
    """The descriptive fields of an article, each chosen and cleaned."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    publisher: str | None = None
    language: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = ()
    section: str | None = None
    canonical_url: str | None = None


def read_metadata(
    root: etree._Element, data: StructuredData, url: str, heuristics: Heuristics
) -> PageMetadata:
    """Choose every descriptive field of the article on the page ``root`` at ``url``."""
    article = data.article() or {}
    index = node_index(data.nodes)
    canonical = choose_canonical(data, article, url)
    publisher = choose_publisher(root, data, article, index, heuristics, (url, canonical))
    site_names = [n for n in (publisher, data.first_meta("og:site_name"),
                              data.first_meta("application-name"), _site_guess(heuristics)) if n]
    return PageMetadata(
        title=choose_title(root, data, article, heuristics, site_names, (url, canonical)),
        authors=choose_authors(root, data, article, index, heuristics,
                               [*site_names, *_organisation_names(data, root)]),
        date=choose_date(root, data, article, canonical or url),
        publisher=publisher,
        language=declared_language(data, article),
        description=choose_description(data, article, heuristics),
        keywords=choose_keywords(data, article, heuristics),
        section=choose_section(data, article, heuristics),
        canonical_url=canonical,
    )


def _organisation_names(data: StructuredData, root: etree._Element) -> list[str]:
    """Every name the page gives an organisation or itself: never an author's name."""
    names = [as_text(n.get("name")) for n in data.nodes if types_of(n) & ORGANIZATION_TYPES]
    return [n for n in (*names, title_site_name(_title_element(root))) if n]


def _site_guess(heuristics: Heuristics) -> str | None:
    """trafilatura's site name, unless it is a title (it guesses from ``<title>`` too)."""
    guess = heuristics.sitename
    if not guess or guess == heuristics.title or len(guess.split()) > 6:
        return None
    return guess


# --- Title ------------------------------------------------------------------------------------

_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:·•»~/]\s+|\s*[｜|]\s*")


def choose_title(
    root: etree._Element,
    data: StructuredData,
    article: Node,
    heuristics: Heuristics,
    site_names: list[str],
    urls: tuple[str | None, ...],
) -> str | None:
    """The headline as a reader sees it: the page's ``h1`` when it is the article's headline,
    else what the page states (JSON-LD, OpenGraph and meta tags, ``<title>``).

    Social and search titles are often rewritten or shortened for their audience, so the
    displayed ``h1`` wins over them; an ``h1`` that shares no words with any stated title
    is the site's logo or a section name, not the headline. Among stated titles, one cut
    short (with an ellipsis, or mid-sentence) gives way to a later one that completes it, and
    a JSON-LD headline gives way to an OpenGraph title that only adds a kicker before it
    ("Floods in Bavaria: Water levels keep rising"). A URL is never a title.
    """
    hosts = [h for h in (_host_label(u) for u in urls if u) if h]
    sections = [s for s in (as_text(article.get("articleSection")),
                            data.first_meta("article:section")) if s]
    candidates = [
        as_text(article.get("headline")), as_text(article.get("name")),
        data.first_meta("og:title"), data.first_meta("twitter:title"),
        data.first_meta("parsely-title"), data.first_meta("sailthru.title"),
        data.first_meta("dc.title"), data.first_meta("dcterms.title"),
        data.first_meta("citation_title"), data.first_meta("title"),
        heuristics.title, _title_element(root),
    ]

    def usable(texts: Iterable[str | None]) -> list[str]:
        cleaned = [strip_site_name(unescape_markup(c), site_names, hosts, sections)
                   for c in texts if c]
        return [c for c in cleaned if c and len(c) <= MAX_TITLE and not _is_url(c)
                and not _is_site_name(c, site_names, hosts)]

    stated = usable(candidates)
    displayed = displayed_headline(usable(_h1_texts(root)), stated)
    if displayed:
        return _completed(displayed, stated, mid_sentence=False)
    if not stated:
        return None
    chosen = _completed(stated[0], stated[1:])
    social = strip_site_name(data.first_meta("og:title", "twitter:title") or "", site_names,
                             hosts, sections)
    if social != chosen and re.fullmatch(rf".{{3,80}}[:|–—-]\s+{re.escape(chosen)}", social):
        return social
    return chosen


#: Class words of the small line some sites print inside the ``h1``, above the headline.
_KICKER_WORDS = frozenset({"kicker", "dachzeile", "overline", "topline", "eyebrow", "roofline",
                           "spitzmarke", "surtitre", "supertitle", "overtitle", "pretitle"})
_WORD = re.compile(r"\w+")
#: Words too common to show that two titles speak of the same thing.
_COMMON_WORDS = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "is", "are",
    "was", "were", "be", "by", "with", "from", "as", "it", "its", "this", "that", "what", "how",
    "why", "who", "when", "new", "news", "der", "die", "das", "und", "im", "von", "zu", "mit",
    "den", "ein", "eine", "le", "la", "les", "de", "des", "du", "et", "un", "une", "el", "los",
    "las", "y", "en",
})


def _h1_texts(root: etree._Element) -> list[str]:
    """The text of every ``h1``, in page order, without a kicker printed inside it."""
    texts = []
    for heading in root.iter("h1"):
        kickers = frozenset(e for e in heading.iterdescendants()
                            if isinstance(e.tag, str) and words(e) & _KICKER_WORDS)
        text = text_of(heading, skip=kickers)
        if text:
            texts.append(text)
    return texts


def displayed_headline(headings: list[str], stated: list[str]) -> str | None:
    """The ``h1`` that is the article's headline: the one sharing most words with a stated
    title (at least a third of its own), or, when the page states no title, the first."""
    headings = [h for h in headings if len(h) >= 12 or len(_content_words(h)) >= 2]
    if not stated:
        return headings[0] if headings else None
    best, best_share = None, 0.0
    for heading in headings:
        share = max(_shared_words(heading, s) for s in stated)
        if share > best_share:
            best, best_share = heading, share
    return best if best_share >= 1 / 3 else None


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in _COMMON_WORDS}


def _shared_words(heading: str, title: str) -> float:
    """How much of the shorter of two titles the other one repeats (0 to 1), word by word."""
    a, b = _content_words(heading), _content_words(title)
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _completed(title: str, others: Iterable[str], *, mid_sentence: bool = True) -> str:
    """``title``, or the longer title that it is the cut-off beginning of: cut with an
    ellipsis, or (``mid_sentence``) just cut, before a comma or a dash."""
    stem = re.sub(r"\s*(?:…|\.\.\.)$", "", title)
    cut = stem != title
    if not cut and not mid_sentence:
        return title
    for other in others:
        if len(other) > len(stem) and other.startswith(stem) and \
                (cut or not re.search(r"[.!?»”\"')]$", stem)) and \
                (cut or other[len(stem)] in " ,;:–—-"):
            return other
    return title


def _is_url(text: str) -> bool:
    """True for a web address standing where a title should be."""
    return bool(re.match(r"(?:https?://|www\.)\S+$|[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", text.strip()))


def unescape_markup(text: str) -> str:
    """A stated value with HTML entities left in it by its CMS (``&#8216;``) decoded."""
    return html.unescape(text) if "&" in text else text


def strip_site_name(
    title: str, site_names: Iterable[str], hosts: Iterable[str], sections: Iterable[str] = ()
) -> str:
    """``title`` without a leading or trailing part that names the site ("… | The Guardian"),
    nor a section named between them ("… | World news | The Guardian")."""
    known_sections = {_compact(s) for s in sections if s}
    title = clean_text(title)
    names = [_compact(n) for n in site_names if _compact(n)]
    host_labels = list(hosts)
    for _ in range(2):  # "Title | Section | Site": the site, then a "… News" section before it
        parts = _TITLE_SEPARATOR.split(title)
        if len(parts) < 2:
            break
        separators = _TITLE_SEPARATOR.findall(title)
        if _names_site(parts[-1], names, host_labels):
            title = title[: title.rfind(separators[-1])].strip()
            rest = _TITLE_SEPARATOR.split(title)
            if len(rest) > 1 and (_is_section_label(rest[-1], rest[0])
                                  or _compact(rest[-1]) in known_sections):
                title = title[: title.rfind(_TITLE_SEPARATOR.findall(title)[-1])].strip()
            break
        elif _names_site(parts[0], names, host_labels):
            title = title[title.find(separators[0]) + len(separators[0]):].strip()
        else:
            break
    return _strip_section_kicker(title, known_sections)


def _strip_section_kicker(title: str, sections: set[str]) -> str:
    """``title`` without a leading section name the page states ("Opinion: …", "Opinion | …")."""
    match = re.match(r"(.{2,40}?)(?::\s+|\s+[|–—-]\s+)(?=\S)", title)
    if match and _compact(match.group(1)) in sections and len(title) > match.end() + 10:
        return title[match.end():]
    return title


def _is_section_label(part: str, head: str) -> bool:
    """A short "World news"-like segment left between a title and the site name."""
    return len(part.split()) <= 4 < len(head.split()) and bool(
        re.search(r"\b(?:news|nachrichten|actualités|noticias|notizie)\b", part, re.I))


def _names_site(part: str, names: list[str], hosts: list[str]) -> bool:
    compact = _compact(part)
    if not compact or len(part.split()) > 6:
        return False
    if any(compact == n or (len(n) > 2 and compact.startswith(n) and len(compact) < len(n) + 8)
           or (len(compact) > 2 and n.startswith(compact)) for n in names):
        return True
    return any(len(h) > 2 and (compact == h or compact.startswith(h) or compact == h + "com")
               for h in hosts)


def _is_site_name(title: str, site_names: list[str], hosts: list[str]) -> bool:
    compact = _compact(title)
    return compact in {_compact(n) for n in site_names} or compact in hosts


def _compact(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _host_label(url: str) -> str | None:
    """The distinctive label of a host: ``cnn`` for edition.cnn.com, ``bbc`` for www.bbc.co.uk."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    labels = [part for part in host.split(".") if part]
    if len(labels) < 2:
        return labels[0] if labels else None
    labels.pop()
    if len(labels) > 1 and labels[-1] in {"co", "com", "org", "net", "gov", "ac", "ne", "or", "gv"}:
        labels.pop()
    return labels[-1]


def _title_element(root: etree._Element) -> str | None:
    for element in root.iter("title"):
        if not any(a.tag == "svg" for a in element.iterancestors()):
            text = clean_text(element.text_content())
            if text:
                return text
    return None


# --- Authors ----------------------------------------------------------------------------------

def choose_authors(
    root: etree._Element, data: StructuredData, article: Node, index: dict[str, Node],
    heuristics: Heuristics, site_names: list[str],
) -> tuple[str, ...]:
    """The people who wrote the article, in byline order.

    The byline the page shows and the authors it states (JSON-LD people, else meta bylines)
    are read apart and compared: when the shown byline names everyone stated, it wins (it
    has the co-authors structured data drops, in their order); when it names only some of
    them, the stated list wins; when they disagree, what the reader sees wins. trafilatura's
    guess comes last. Agencies, desks, the publication and job titles are no authors
    (``byline.is_person_name``).
    """
    stated = stated_authors(data, article, index, site_names)
    shown = visible_byline(root, site_names)
    chosen = merge_bylines(stated, shown)
    if not chosen and heuristics.author:
        chosen = [n for value in heuristics.author.split(";")
                  for n in person_names(value, site_names)]
    return tuple(_unique(chosen))


def stated_authors(
    data: StructuredData, article: Node, index: dict[str, Node], site_names: list[str],
) -> list[str]:
    """The people the page's structured data names as authors: JSON-LD, else meta tags."""
    people: list[str] = []
    for entry in as_list(article.get("author")) or as_list(article.get("creator")):
        node = _dereference(entry, index)
        if isinstance(node, dict):
            if types_of(node) & ORGANIZATION_TYPES:
                continue
            node = _person_name(node)
        if isinstance(node, str):
            people.extend(person_names(unescape_markup(node), site_names))
    if people:
        return people
    for value in data.all_meta("author", "article:author", "parsely-author", "sailthru.author",
                               "dc.creator", "dcterms.creator", "citation_author", "byl",
                               "og:article:author", "cxenseparse:author"):
        people.extend(person_names(unescape_markup(value), site_names))
    return list(_unique(people))


def merge_bylines(stated: list[str], shown: list[str]) -> list[str]:
    """One author list from the stated and the shown one (see :func:`choose_authors`)."""
    if not shown or not stated:
        return shown or stated
    pairs = {s: next((v for v in shown if _same_person(s, v)), None) for s in stated}
    if all(pairs.values()):
        forms = {v: s for s, v in pairs.items() if v}
        return [min((forms.get(v, v), v), key=len) if v in forms else v for v in shown]
    if any(pairs.values()):
        return stated
    return shown


def _same_person(a: str, b: str) -> bool:
    x, y = _compact(a), _compact(b)
    return bool(x and y) and (x in y or y in x)


def split_byline(text: str, publisher: str | None) -> list[str]:
    """The person names in a byline: "By Jane Doe and John Roe, CNN" gives both names.

    Agencies, desks and the publication ("CNN Staff", "The Associated Press") name nobody.
    """
    return person_names(text, [publisher] if publisher else [])


def _dereference(entry: Any, index: dict[str, Node]) -> Any:
    if isinstance(entry, dict) and set(entry) <= {"@id", "@type"} and entry.get("@id") in index:
        return index[entry["@id"]]
    return entry


def _person_name(node: Node) -> str | None:
    name = as_text(node.get("name"))
    if not name:
        parts = [as_text(node.get(k)) for k in ("givenName", "familyName")]
        name = " ".join(p for p in parts if p) or None
    return name


def _unique(values: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            yield value


# --- Date -------------------------------------------------------------------------------------

_DATE_META = (
    "article:published_time", "og:article:published_time", "parsely-pub-date",
    "sailthru.date", "pubdate", "publishdate", "publish-date", "publish_date",
    "datepublished", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
    "dcterms.created", "citation_publication_date", "citation_date", "date",
    "article.published", "og:published_time", "published_time", "release_date",
    "publisheddate", "published-date", "published_date", "date.published",
    "original-publish-date", "article_date_original", "dc.date.created", "displaydate",
)


def choose_date(
    root: etree._Element, data: StructuredData, article: Node, url: str,
) -> str | None:
    """The publication date the page states: JSON-LD, then meta tags, then ``<time>``, then
    what htmldate reads from the page's structure (its URL, elements marked as dates).

    A page that states no date is undated: no date is guessed from free text, where a stray
    number ("Room 2001", ``img1995.jpg``) would pass for a year. A date-time stated in UTC
    gives way to the date the page shows when that is the same moment's local day.
    """
    stated = [as_text(article.get(k)) for k in ("datePublished", "dateCreated", "uploadDate")]
    stated += data.all_meta(*_DATE_META)
    stated += list(_time_elements(root))
    for value in stated:
        iso = normalise_date(value)
        if iso:
            return _local_day(iso, root)
    return normalise_date(_htmldate(root, url))


def _local_day(iso: str, root: etree._Element) -> str:
    """``iso``, or the day the page shows beside it when ``iso`` is a UTC time whose local
    date (the reader's, the publisher's) is the day before or after."""
    if not re.search(r"T.*(?:Z|\+00:00)$", iso):
        return iso
    shown = _shown_date(root)
    if shown and abs((date.fromisoformat(shown) - date.fromisoformat(iso[:10])).days) == 1:
        return shown
    return iso


#: Words of a class or id that mark an element as the date line a page shows.
_DATE_LINE_WORDS = frozenset({"date", "dateline", "timestamp", "published", "pubdate",
                              "datemodified", "datepublished"})


def _shown_date(root: etree._Element) -> str | None:
    """The date written in the first ``<time>`` element of the page, or else in the first
    short element whose class or id marks a date line, as YYYY-MM-DD."""
    marked = (e for e in root.iter() if isinstance(e.tag, str)
              and (words(e) & _DATE_LINE_WORDS or e.get("data-date") is not None))
    for elements in (root.iter("time"), marked):
        for element in elements:
            text = clean_text(element.text_content())
            if 6 <= len(text) <= 80 and re.search(r"\d", text):
                return normalise_date(_htmldate_of_text(text))
    return None


def normalise_date(value: str | None) -> str | None:
    """``value`` as W3CDTF: a date-time when the source gives a time with its zone, else
    YYYY-MM-DD (a time without a zone names no moment, and W3CDTF has no place for it)."""
    text = clean_text(value)
    if not text:
        return None
    parsed: datetime | date | None = None
    candidate = text.replace("Z", "+00:00") if text.endswith("Z") else text
    candidate = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", candidate)
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        parsed = _parse_other_date(text)
    if parsed is None or not 1800 <= parsed.year <= 2200:
        return None
    if isinstance(parsed, datetime) and ("T" in text or ":" in text) and parsed.tzinfo:
        return parsed.isoformat()
    return parsed.strftime("%Y-%m-%d")


def _parse_other_date(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in ("%Y/%m/%d", "%Y%m%d", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y",
                    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text[:40], pattern)
        except ValueError:
            continue
    return None


def _time_elements(root: etree._Element) -> Iterator[str]:
    """``datetime`` of ``<time>`` elements marked as the publication time, then of the first
    ``<time>`` in the ``<article>`` (a page's first ``<time>`` may be today's date in a header)."""
    times = [t for t in root.iter("time") if t.get("datetime")]
    for element in times:
        marks = " ".join(filter(None, (element.get("itemprop"), element.get("class"),
                                       element.get("pubdate"))))
        if "publish" in marks.lower() or "pubdate" in marks.lower() or element.get("pubdate"):
            yield element.get("datetime", "")
    for element in times:
        if any(a.tag == "article" for a in element.iterancestors()):
            yield element.get("datetime", "")
            break


def _htmldate(root: etree._Element, url: str) -> str | None:
    """htmldate's reading of the page's structure (no search of its free text)."""
    try:
        from htmldate import find_date

        return find_date(root, url=url or None, original_date=True, extensive_search=False)
    except Exception as error:  # htmldate is a heuristic: its failure only costs the date
        log.debug("htmldate failed: %r", error)
        return None


def _htmldate_of_text(text: str) -> str | None:
    """A date written out in words or numbers ("Dec. 22, 2016, 6:47 p.m."), by htmldate."""
    try:
        from htmldate import find_date

        plain = re.sub(r"\b([^\W\d_]{3,5})\.", r"\1", text)  # "Dec. 22" as "Dec 22"
        page = f"<html><body><p>{html.escape(plain)}</p></body></html>"
        found = find_date(page, extensive_search=True, original_date=True)
    except Exception as error:  # see _htmldate
        log.debug("htmldate failed: %r", error)
        return None
    # a year alone comes back as its 1 January: only a day the text writes is a day
    day = int(found[8:10]) if found and len(found) >= 10 else None
    return found if day and re.search(rf"(?<!\d)0?{day}(?!\d)", text) else None


# --- Publisher, language, description, keywords, section, canonical URL ---------------------

def choose_publisher(
    root: etree._Element, data: StructuredData, article: Node, index: dict[str, Node],
    heuristics: Heuristics, urls: tuple[str | None, ...] = (),
) -> str | None:
    """The site or organisation that published the article, by the name readers know.

    The name its ``<title>`` ends with ("… | Reuters") is what a site calls itself to
    readers: a stated name (JSON-LD publisher, ``og:site_name`` and like tags, organisation
    nodes) that it confirms wins, then that name itself. Failing it, the stated name most
    sources agree on (ties: the one the web address confirms, then the first), so a
    section's name in one tag ("U.S.") gives way. A bare domain name ("nytimes.com") is
    used only when nothing else names the site.
    """
    stated: list[str | None] = []
    for entry in as_list(article.get("publisher")) + as_list(article.get("sourceOrganization")):
        node = _dereference(entry, index)
        stated.append(node if isinstance(node, str) else
                      _person_name(node) if isinstance(node, dict) else None)
    stated += data.all_meta("og:site_name", "application-name", "dc.publisher",
                            "dcterms.publisher", "citation_publisher", "publisher",
                            "apple-mobile-web-app-title", "twitter:app:name:iphone")
    stated += [as_text(n.get("name")) for n in data.nodes
               if types_of(n) & {"NewsMediaOrganization", "Organization", "WebSite"}]
    votes = [t for t in (clean_text(unescape_markup(c or "")) for c in stated)
             if t and len(t) <= 120 and not re.match(r"(?:https?://|www\.|@)", t, re.I)]
    proper = [n for n in _unique(votes) if not _is_url(n)]
    suffix = title_site_name(_title_element(root))
    if suffix:
        for name in proper:
            if _compact(name) == _compact(suffix) or (
                    len(_compact(name)) > 3 and _compact(name) in _compact(suffix)):
                return name
        if not _is_url(suffix):
            return suffix
    hosts = {h for h in (_host_label(u) for u in urls if u) if h and len(h) > 2}

    def support(name: str) -> tuple[int, bool]:
        compact = _compact(name)
        return (sum(_compact(v) == compact for v in votes), any(h in compact for h in hosts))

    if proper:
        return max(proper, key=support)  # max keeps the first of equals
    guess = _site_guess(heuristics)
    return next((n for n in (*_unique(votes), suffix, guess) if n), None)


def title_site_name(title: str | None) -> str | None:
    """The site's name at the end of a ``<title>`` ("Storm hits coast | The Guardian"): the
    last part after a separator, when it is short and not the headline itself."""
    parts = [p.strip() for p in _TITLE_SEPARATOR.split(clean_text(title))]
    if len(parts) < 2 or not parts[-1]:
        return None
    last = parts[-1]
    if len(last.split()) > 5 or len(last) > 60 or len(last) >= max(len(p) for p in parts[:-1]):
        return None
    if last[:1].islower():
        return None  # "… — see inside": the headline goes on
    return last


_THREE_LETTER = {
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it",
    "por": "pt", "nld": "nl", "dut": "nl", "rus": "ru", "zho": "zh", "chi": "zh", "jpn": "ja",
    "ara": "ar", "pol": "pl", "swe": "sv", "dan": "da", "nor": "no", "nob": "nb", "fin": "fi",
    "tur": "tr", "ces": "cs", "cze": "cs", "ell": "el", "gre": "el", "heb": "he", "hin": "hi",
    "kor": "ko", "ukr": "uk", "hun": "hu", "ron": "ro", "rum": "ro", "cat": "ca",
}


def normalise_language(value: str | None) -> str | None:
    """An ISO 639-1 code from a language tag (``en-US`` → ``en``, ``deu`` → ``de``)."""
    primary = re.split(r"[-_\s,;]", clean_text(value).lower(), maxsplit=1)[0]
    if re.fullmatch(r"[a-z]{2}", primary):
        return {"iw": "he", "in": "id", "ji": "yi"}.get(primary, primary)
    return _THREE_LETTER.get(primary)


def declared_language(data: StructuredData, article: Node) -> str | None:
    """The language the page declares: JSON-LD, ``<html lang>``, then meta tags."""
    for value in (as_text(article.get("inLanguage")), data.html_lang,
                  data.first_meta("content-language", "language", "dc.language",
                              "dcterms.language", "og:locale", "citation_language")):
        code = normalise_language(value)
        if code:
            return code
    return None


def choose_description(data: StructuredData, article: Node, heuristics: Heuristics) -> str | None:
    """The summary the page gives of itself."""
    for value in (as_text(article.get("description")),
                  data.first_meta("og:description", "description", "twitter:description",
                                  "dc.description", "dcterms.description"),
                  heuristics.description):
        text = clean_text(value)
        if text:
            return text[:2000]
    return None


def choose_keywords(data: StructuredData, article: Node, heuristics: Heuristics) -> tuple[str, ...]:
    """The subject keywords, from JSON-LD, meta keywords and tags, then trafilatura's tags."""
    raw: list[str] = []
    for value in as_list(article.get("keywords")):
        text = as_text(value)
        if text:
            raw.append(text)
    raw += data.all_meta("news_keywords", "keywords", "article:tag", "parsely-tags",
                         "sailthru.tags")
    if not raw:
        raw = list(heuristics.tags)
    words: list[str] = []
    for value in raw:
        words.extend(clean_text(w) for w in re.split(r"[,;]", value))
    return tuple(_unique(w for w in words if w and len(w) <= 100))[:MAX_KEYWORDS]


def choose_section(data: StructuredData, article: Node, heuristics: Heuristics) -> str | None:
    """The section or category the article appears in."""
    for value in (as_text(article.get("articleSection")),
                  data.first_meta("article:section", "parsely-section", "section",
                                  "sailthru.section", "category"),
                  heuristics.categories[0] if heuristics.categories else None):
        text = clean_text(value)
        if text and len(text) <= 100:
            return text
    return None


def choose_canonical(data: StructuredData, article: Node, url: str) -> str | None:
    """The canonical URL of the article: ``<link rel=canonical>``, ``og:url``, JSON-LD."""
    page = article.get("mainEntityOfPage")
    candidates = [*data.links.get("canonical", []), data.first_meta("og:url"),
                  as_text(article.get("url")),
                  page.get("@id") if isinstance(page, dict) else as_text(page)]
    for candidate in candidates:
        absolute = resolve(url, candidate) if isinstance(candidate, str) else None
        if absolute and absolute.startswith(("http://", "https://")):
            return absolute
    return None

"""Plain-text news articles: from captured bytes to an ``Article``.

The format::

    date 2016-11-19 (CNN) The first paragraph, which opens with a dateline ...

    A short line without closing punctuation is a section heading

    A man walks past a damaged building in Mosul.      <- a photo caption, judged by
                                                          ``archiver.extract.captions``
    Body paragraphs are separated by blank lines.

``decode_text`` turns bytes into text (UTF-8 with or without a BOM, UTF-16/32 with a BOM,
else Windows-1252 or Latin-1); ``read_plaintext`` reads the text into the ``Article`` and
warnings (captions are sought only in a language the caption model covers; otherwise a
warning says so), ``parse_plaintext`` gives the ``Article`` alone. The ``date`` marker and
the dateline ("LONDON (Reuters) -", "(CNN)") give the date and the publisher; the first body
block keeps its dateline but loses the marker. The format states no headline, so ``title``
is None: a devised title is made by the describe stage.

Pure functions: no disk, no network. Input that is not an article (empty, blank, binary)
raises ``archiver.errors.ExtractionError``.
"""

from __future__ import annotations

import codecs
import datetime
import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace

from archiver.errors import ExtractionError
from archiver.extract.captions import (
    MODEL_LANGUAGES,
    CaptionEvidence,
    Marker,
    Surroundings,
    caption_evidence,
    figure_marker,
    media_marker,
    name_line,
    names_the_writer,
    outside_quotations,
    read_paragraph,
    rights_notice,
    split_sentences,
)
from archiver.extract.credits import split_credit
from archiver.extract.language import detect_language
from archiver.model import Article, Block, BlockKind, Caption, MetadataWarning

__all__ = [
    "DESCRIPTION_CHARS",
    "PlaintextReading",
    "caption_candidates",
    "decode_text",
    "find_dateline",
    "is_heading",
    "is_link_line",
    "lede_description",
    "normalise_newlines",
    "parse_plaintext",
    "read_plaintext",
]

#: The longest description (the lede's first sentences) in characters.
DESCRIPTION_CHARS = 300

#: A heading is one short line: at most this many characters and words.
HEADING_MAX_CHARS, HEADING_MAX_WORDS = 80, 10
#: A question stands as a heading only when shorter still, and without a comma.
QUESTION_HEADING_MAX_WORDS = 8

#: How far into the article a dateline is looked for, in paragraphs.
DATELINE_SEARCH_PARAGRAPHS = 3


def _words(text: str) -> frozenset[str]:
    """The set of the space-separated words of ``text``."""
    return frozenset(text.split())


# --- Bytes to text -----------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """Decode a plain-text document and normalise its line ends to ``\\n``.

    A byte-order mark decides the encoding when there is one; otherwise UTF-8 is tried, then
    Windows-1252 (the usual mislabelled "Latin-1" of the web), then Latin-1, which cannot
    fail. Raises ``ExtractionError`` for binary data (NUL bytes, or mostly control bytes).
    """
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        raise ExtractionError("binary data, not text: the document holds NUL bytes")
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ExtractionError(f"undecodable {encoding} text: {exc.reason}") from exc
    else:
        text = _decode_without_bom(data)
    text = normalise_newlines(text).removeprefix("\ufeff")
    _reject_binary(text)
    return text


def _decode_without_bom(data: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def normalise_newlines(text: str) -> str:
    """Turn CR LF, lone CR and the Unicode line/paragraph separators into ``\\n``."""
    return (
        text.replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\u2028", "\n")
        .replace("\u2029", "\n\n")
    )


#: Control characters prose never holds: C0 but for tab and line ends, DEL, and C1 (what bytes
#: 0x80-0x9F become when no text encoding fits and Latin-1 reads them).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _reject_binary(text: str) -> None:
    """Raise ``ExtractionError`` when ``text`` is binary data rather than prose."""
    if "\x00" in text:
        raise ExtractionError("binary data, not text: the document holds NUL characters")
    head = text[:4096]
    if head and len(_CONTROL.findall(head)) > len(head) // 10:
        raise ExtractionError("binary data, not text: the document is full of control characters")


# --- Paragraphs, date line, dateline ---------------------------------------------------------


@dataclass(frozen=True)
class _Paragraph:
    text: str  # its lines joined by single spaces
    lines: int
    raw: str = ""  # its lines as written, joined by newlines (a credit may stand on its own)


def _paragraphs(text: str) -> list[_Paragraph]:
    """Split on blank lines (lines of only whitespace); join each paragraph's lines."""
    found: list[_Paragraph] = []
    current: list[str] = []
    for line in [*text.split("\n"), ""]:
        stripped = line.strip()
        if stripped:
            current.append(stripped)
        elif current:
            found.append(_Paragraph(" ".join(current), len(current), "\n".join(current)))
            current = []
    return found


_DATE_MARKER = re.compile(r"date:?[ \t]+(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])\s*", re.IGNORECASE)


def _take_date(first: str) -> tuple[str | None, str, bool]:
    """Split the ``date YYYY-MM-DD`` marker off the first paragraph.

    Returns ``(ISO date or None, the paragraph without the marker, whether a marker was
    there)``. A marker that names no real calendar day (2016-02-30) gives None.
    """
    match = _DATE_MARKER.match(first)
    if not match:
        return None, first, False
    year, month, day = (int(g) for g in match.groups())
    try:
        iso: str | None = datetime.date(year, month, day).isoformat()
    except ValueError:
        iso = None
    return iso, first[match.end() :], True


#: Lower-case particles inside place names: "Rio de Janeiro", "Stratford-upon-Avon" (the
#: hyphenated ones are part of the word), "Dar es Salaam", "Isle of Man".
_PLACE_PARTICLES = _words(
    "de da do dos das del della di du des al el la le los las es of upon on sur am im van von "
    "den der"
)
_PLACE_PARTICLE = "(?:" + "|".join(sorted(_PLACE_PARTICLES, key=len, reverse=True)) + ")"
_DATELINE = re.compile(
    r"(?P<place>[A-Z][\w.'’-]*(?:,?[ \t]+(?:[A-Z][\w.'’-]*|\d{1,2}(?:st|nd|rd|th)?|\d{4}"
    r"|" + _PLACE_PARTICLE + r"(?=[ \t]+[A-Z])))*"
    r",?[ \t]+)?"
    r"\((?P<publisher>[A-Z][\w&.'’ -]{0,38}[\w.])\)"
    r"[ \t]*(?:(?:--|[-—–])[ \t]*)?"
)


def find_dateline(paragraph: str) -> tuple[str, str] | None:
    """The dateline at the start of a paragraph: ``(publisher, the dateline as written)``.

    Recognised: "(CNN)", "(CNN Business)", "Washington (CNN)", "Rio de Janeiro (CNN) --",
    "LONDON (Reuters) -",
    "WASHINGTON (AP) —", "NEW YORK, Nov 7 (Reuters) -". Not taken for a dateline: an
    abbreviation glossed after its words ("Islamic State (IS) fighters ...") or a party
    label ("Sen. Jane Doe (D-Ohio)").
    """
    match = _DATELINE.match(paragraph[:200])
    if not match:
        return None
    publisher = match.group("publisher").strip()
    place = (match.group("place") or "").strip()
    if len(publisher.split()) > 4 or re.match(r"[RDI]-", publisher):
        return None
    if place and _glosses_abbreviation(place, publisher):
        return None
    return publisher, match.group(0)


def _glosses_abbreviation(place: str, publisher: str) -> bool:
    """Whether "(IS)" after "Islamic State" is the words' abbreviation, not a publisher."""
    parts = [w for w in re.split(r"[\s,]+", place) if w[:1].isalpha()]
    if len(parts) < 2 or not publisher.isupper():
        return False
    initials = "".join(w[0] for w in parts).upper()
    return publisher.startswith(initials) or initials.startswith(publisher)


# --- Headings and the description ----------------------------------------------------------------


_TRAILING_CLOSERS = "\"'”’)]»"
#: A byline or a contributor line: "By Jane Doe, CNN", "Written by ...", "Reporting by ...".
#: A name follows in capitals ("By the numbers" is a heading).
_BYLINE = re.compile(
    r"(?i:(?:written|reported|reporting|story|words|text|edited|editing|produced|additional "
    r"reporting|photographs|photos|video|interview)(?: and \w+)? )?(?i:by)\s+[A-Z]"
)


#: A line naming who else reported: "With files from The Associated Press", "With reporting
#: by Jane Doe", "Jane Doe contributed to this story"; or who wrote it, by their name and
#: post ("Helena Moritz Environment correspondent", "Rachel Ward Education editor") or as
#: "Staff and agencies".
_CONTRIBUTORS = re.compile(
    r"^with (?:files|reports?|reporting|additional reporting) (?:from|by)\b"
    r"|\bcontributed (?:to )?(?:this|the) (?:story|report|article)"
    r"|^(?-i:[A-Z][\w'’.-]+ [A-Z][\w'’.-]+)(?: [\w'’.-]+){0,4} "
    r"(?-i:correspondent|editor|reporter|writer|columnist|critic)$"
    r"|^staff and agencies\b",
    re.IGNORECASE,
)


def is_heading(paragraph: str, lines: int = 1) -> bool:
    """Whether a paragraph is a section heading: one short line without closing punctuation.

    A question can be a heading ("What happens next?") when it is shorter still and has no
    comma, or only commas between parallel questions ("Who's in, who's out?"); a long
    question ("Are the forces close to victory, or ...?") or one with an aside ("Where, then,
    do things stand?") is body text. A short quotation standing alone ("'It was like a
    tornado of fire'") is a heading: its pronouns are the speaker's. Not headings either: a
    line that starts in lower case, a byline ("By Jane Doe, CNN", "Written by ...",
    "Reporting by ..."), a contributor line ("With files from ...", "... contributed to this
    story", "Jane Doe Environment correspondent", "Staff and agencies"), a line that carries
    a photo credit ("... Downing Street. (AP Photo/Jane Doe)": the credit is split off
    first, and a credited line belongs to a photo) or is one (a figure marker), a link or
    promotion line (``is_link_line``), a promotion offering something to watch or read
    ("Watch the final sprint"), and a line whose subject is a pronoun pointing back at
    earlier text ("It goes on", "This is where it ends"): a heading opens a section, it does
    not continue one. A short question standing alone is a heading
    even so ("Can it be rebuilt?"), unless it asks about part of what came before ("Is any
    of it working?").
    """
    text = paragraph.strip()
    tokens = text.split()
    if lines != 1 or not tokens or len(text) > HEADING_MAX_CHARS:
        return False
    if len(tokens) > HEADING_MAX_WORDS or not any(c.isalpha() for c in text):
        return False
    if not (text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘"):
        return False
    if _BYLINE.match(text) or _CONTRIBUTORS.search(text):
        return False
    if split_credit(text)[1] is not None or is_link_line(text):
        return False
    if figure_marker(text) is not None or _page_furniture(text):
        return False
    if _MEDIA_IMPERATIVE.match(text):
        return False
    last = text.rstrip(_TRAILING_CLOSERS)[-1:]
    if last == "?":
        short = len(tokens) <= QUESTION_HEADING_MAX_WORDS and _parallel_questions(text)
        return short and not _opens_with_anaphora(tokens, partitive_only=True)
    if _opens_with_anaphora(tokens) and not _is_quotation(text):
        return False
    return last.isalnum() or last in _TRAILING_CLOSERS


#: A gallery's counter: "3 of 5", "Image 2 of 12".
_COUNTER = re.compile(r"(?:(?:Image|Photo|Picture|Slide)\s+)?\d+\s*(?:of|/)\s*\d+", re.IGNORECASE)
#: A time of day, as a page stamps when it was published or updated ("6:14 AM EST", "18.42
#: GMT", "06:05 AM CDT"): no subhead tells the clock.
_TIME_OF_DAY = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:[AaPp]\.?[Mm]\.?|GMT|BST|UTC|CET|CEST|AEST|AEDT|[ECMP][SD]T)(?!\w)"
)


#: A page's own interface labels, which copied text keeps between paragraphs: an advert's
#: slot, links to other stories, sharing and paging buttons, a gallery's or a clip's button.
_INTERFACE_LABEL = re.compile(
    r"(?:advertisement|sponsored(?: content)?|recommended(?: for you)?|related(?: \w+)?"
    r"|(?:more|top|latest) (?:news|stories)|previous|next"
    r"|share(?: this)?(?: article| story| page)?|view (?:slideshow|gallery|photos)|transcript"
    r"|download|playlist|don['’]t miss"
    r"|skip (?:advert|advertisement|ad))",
    re.IGNORECASE,
)


def _page_furniture(text: str) -> bool:
    """Whether a short line is page furniture, which the caption reader knows too: a video or
    audio marker ("Duration 2:14", "Listen · 4:51"), a line labelled a caption ("Image
    caption, Hettie"), a rights notice, a gallery's counter ("3 of 5"), a line stamped with
    a time of day (a byline's or a dateline's "Tue 3 Mar 2026 18.42 GMT"), or one of the
    page's interface labels (``_INTERFACE_LABEL``: "Advertisement", "Related coverage")."""
    return (
        media_marker(text)
        or read_paragraph(text).caption_label
        or rights_notice(text)
        or bool(_COUNTER.fullmatch(text))
        or bool(_TIME_OF_DAY.search(text))
        or bool(_INTERFACE_LABEL.fullmatch(text))
    )


#: A promotion that offers something to watch, read or hear: "Watch the final sprint",
#: "Read the full ruling", "Listen to the interview" (not "See you in court").
_MEDIA_IMPERATIVE = re.compile(
    r"^(?:watch|read|see|listen to|hear|view)\s+(?:the|a|an|this|these|our|his|her|their)\b",
    re.IGNORECASE,
)

_QUOTE_PAIRS = {"'": "'", '"': '"', "‘": "’", "“": "”"}


def _is_quotation(text: str) -> bool:
    """Whether the whole line is one quotation: "'It was like a tornado of fire'"."""
    close = _QUOTE_PAIRS.get(text[:1])
    return close is not None and len(text) > 2 and text.endswith(close) and close not in text[1:-1]


_WH_WORDS = _words("who what when where why how which whose whom")


def _parallel_questions(text: str) -> bool:
    """Whether a question's commas, if any, only part parallel questions ("Who's in, who's
    out?", "What now, and who pays?"): each part opens with a wh-word. An aside ("Where,
    then, do things stand?") or a clause ("If it fails, what next?") makes it body text."""
    if "," not in text:
        return True
    for part in text.split(","):
        part_words = [w.lower().replace("’", "'").split("'")[0] for w in part.split()]
        if part_words[:1] and part_words[0] in {"and", "or", "but"}:
            part_words = part_words[1:]
        if not part_words or part_words[0].strip("\"'“‘") not in _WH_WORDS:
            return False
    return True


#: Labels that introduce a link to another story or page ("READ:", "Read more:", "WATCH:").
_LINK_LABEL = re.compile(
    r"^(?:read(?: more| next)?|(?:also|more) read|more|up next|watch|see(?: also)?|listen|related|"
    r"photos|video|opinion|click here|don['’]t miss|subscribe|sign up|follow us)\s*:",
    re.IGNORECASE,
)
#: A web address or a bare domain ("CNN.com/sport", "www.example.org", "https://...").
_WEB_ADDRESS = re.compile(
    r"https?://|\bwww\.|\b[\w-]+\.(?:com|org|net|gov|edu|int|info|io|tv|news|co\.uk|org\.uk)"
    r"(?![\w.])",
    re.IGNORECASE,
)
#: Verbs that send the reader elsewhere when they open a line in the imperative.
_CALL_TO_ACTION = _words(
    "read watch visit click tap follow subscribe sign download listen share see like check "
    "get join tune"
)
#: Words that show an imperative line points elsewhere ("for more", "here", "our app").
_POINTERS = _words(
    "more here us our now full latest below above newsletter app podcast video videos "
    "gallery photos"
)


def is_link_line(paragraph: str) -> bool:
    """Whether a paragraph is a link or promotion line rather than prose or a heading.

    Such lines point the reader elsewhere: a link label ("READ: ...", "Read more: ...",
    "WATCH: ..."), a web address or domain ("Visit CNN.com/sport ..."), or an imperative of a
    verb that sends the reader somewhere together with a word that says where ("See the full
    list here", "Follow us on Twitter"). ``parse_plaintext`` keeps them as body text: they
    are part of the text as published, and are neither headings nor captions.
    """
    text = paragraph.strip()
    if _LINK_LABEL.match(text) or _WEB_ADDRESS.search(text):
        return True
    low = [w.strip(".,:;!?\"'“”‘’()").lower() for w in text.split()]
    return bool(low) and low[0] in _CALL_TO_ACTION and any(w in _POINTERS for w in low[1:])


#: Pronouns that stand for something said before ("it", "they"); "this"/"that"/"these"/
#: "those" count only before a verb ("This is ..."), not as determiners or before "who".
#: Possessives ("Her story", "Their long road home") are determiners and may open headings.
_ANAPHORS = _words("it they them he she")
_DEMONSTRATIVE_PRONOUNS = _words("this that these those")
_QUANTIFIERS = _words("any all some none much most each either neither both many")
_OPENING_AUXILIARIES = _words(
    "is are was were am do does did has have had can could will would should may might must "
    "isn't aren't wasn't weren't doesn't don't didn't hasn't haven't can't won't"
)


def _opens_with_anaphora(tokens: list[str], *, partitive_only: bool = False) -> bool:
    """Whether a line's subject is a pronoun referring back: "It goes on", "Is any of it
    working?", "Are they ready?", "This is the end". An auxiliary that opens a yes/no
    question is passed over first; "Those who stayed" (the pronoun points forward, to its
    relative clause) and "That sinking feeling" (a determiner) are not anaphora.
    """
    low = [w.strip(".,:;!?\"'“”‘’()").lower().replace("’", "'") for w in tokens]
    if low and low[0] in _OPENING_AUXILIARIES:
        low = low[1:]
    if not low:
        return False
    first, rest = low[0], low[1:]
    if partitive_only:  # a short question about "it" titles a section: "Can it be rebuilt?"
        pointing = _ANAPHORS | _DEMONSTRATIVE_PRONOUNS
        return (
            first in _QUANTIFIERS and rest[:1] == ["of"] and rest[1:2] != [] and rest[1] in pointing
        )
    if first in _ANAPHORS:
        return True
    if first in _DEMONSTRATIVE_PRONOUNS:
        return not rest or rest[0] in _OPENING_AUXILIARIES
    if first in _QUANTIFIERS and rest[:1] == ["of"]:
        return len(rest) > 1 and (rest[1] in _ANAPHORS or rest[1] in _DEMONSTRATIVE_PRONOUNS)
    return False


def lede_description(lede: str) -> str | None:
    """The first one or two sentences of the lede, at most ``DESCRIPTION_CHARS`` long."""
    sentences = split_sentences(lede)
    if not sentences:
        return None
    description = sentences[0]
    if len(sentences) > 1 and len(description) + 1 + len(sentences[1]) <= DESCRIPTION_CHARS:
        description = f"{description} {sentences[1]}"
    if len(description) > DESCRIPTION_CHARS:
        cut = description.rfind(" ", 0, DESCRIPTION_CHARS)
        description = description[: cut if cut > 0 else DESCRIPTION_CHARS - 1].rstrip() + "…"
    return description


# --- The article ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaintextReading:
    """A plain-text article as read, and the problems met reading it.

    ``warnings`` are what a user should hear of, as the describe stage's warnings are: for
    example that captions were not sought because the text's language is one the caption
    model does not cover. They never stop a capture.
    """

    article: Article
    warnings: tuple[MetadataWarning, ...] = ()


def parse_plaintext(text: str) -> Article:
    """Read a plain-text news article into an ``Article`` (see ``read_plaintext``)."""
    return read_plaintext(text).article


def read_plaintext(text: str) -> PlaintextReading:
    """Read a plain-text news article: the ``Article`` and any warnings.

    Blocks come in reading order as HEADING, BODY or CAPTION; captions are also listed with
    their split-off credits. The paragraph carrying the date marker and the one opening
    with the dateline are body text whatever they look like; so are link lines and figure
    markers ("Image", "Image source, Reuters", a credit standing alone: see ``_classify``).
    The language is detected first, on the whole text: captions are sought only in a
    language the caption model covers, else every paragraph but the headings is body and a
    warning says so. Raises ``ExtractionError`` for text with no paragraphs, or binary data.
    """
    paragraphs, iso_date, forced_body = _read_paragraphs(text)
    lede_index, publisher, dateline = _locate_lede(paragraphs, forced_body)
    forced_body.add(lede_index)
    language = detect_language("\n".join(p.text for p in paragraphs))
    warnings: tuple[MetadataWarning, ...] = ()
    judge: Judge = caption_evidence
    if language not in MODEL_LANGUAGES:
        named = f"in '{language}'" if language else "in a language that could not be detected"
        warnings = (
            MetadataWarning(
                "captions",
                "not sought",
                f"the text is {named}, and the caption model covers only "
                f"{', '.join(sorted(MODEL_LANGUAGES))}; captions stay in the body text",
            ),
        )
        judge = _judge_none
    verdicts = _classify_article(paragraphs, forced_body, judge)
    blocks = tuple(Block(v.kind, p.text) for v, p in zip(verdicts, paragraphs, strict=True))
    lede = paragraphs[lede_index].text
    if dateline and lede.startswith(dateline):
        lede = lede[len(dateline) :]
    article = Article(
        blocks=blocks,
        captions=tuple(v.caption for v in verdicts if v.caption is not None),
        title=None,
        date=iso_date,
        publisher=publisher,
        language=language,
        description=lede_description(lede),
    )
    return PlaintextReading(article, warnings)


def caption_candidates(text: str, captions: Collection[str]) -> list[tuple[str, Surroundings]]:
    """The paragraphs ``read_plaintext`` would ask the caption model about, each with what
    stands around it: what the model is trained on. ``captions`` (the labelled caption
    texts) stand in for the model's verdicts, which decide where a credit standing alone
    belongs."""
    paragraphs, _, forced_body = _read_paragraphs(text)
    forced_body.add(_locate_lede(paragraphs, forced_body)[0])
    labelled = {" ".join(c.split()) for c in captions}

    def judge_by_labels(raw: str, around: Surroundings) -> CaptionEvidence:
        reading = read_paragraph(raw)
        is_caption = " ".join(reading.text.split()) in labelled
        return CaptionEvidence(is_caption, float(is_caption), reading.text, reading.credit)

    verdicts = _classify(paragraphs, forced_body, judge_by_labels)
    return [(p.raw, v.around) for p, v in zip(paragraphs, verdicts, strict=True) if v.around]


#: Judges a paragraph (its raw text, what stands around it).
Judge = Callable[[str, Surroundings], CaptionEvidence]


def _classify_article(
    paragraphs: list[_Paragraph], forced_body: set[int], judge: Judge
) -> list[_Verdict]:
    """``_classify``, knowing how the article prints its captions.

    A first pass counts the captions the page marks (a credit of its own, a label, a figure
    marker or credit line beside it: ``caption_rule``) and those it prints bare (the general
    model's, and those that speak of their picture). Then:

    - an article with marked captions, as many as its bare ones or more, that credits two or
      more captions (``_credited``) prints them with their credits: a paragraph without one
      is likelier a scene of the story. It stands as read when none was taken bare; else a
      second pass judges every paragraph with ``Surroundings.wary`` set (the stricter
      threshold). Not so when its credits are glued to their captions without a label in
      brackets ("(Image: X)"), no figure marker or credit line standing anywhere, and the
      model of articles that print their captions bare takes more paragraphs than the page
      marks: such a page credits a few captions and prints the others bare;
    - otherwise the article may print its captions bare, even when the general model took
      none (a magazine's captions without a final stop), or credit one caption and print
      the others bare. A second pass asks the model of such articles
      (``Surroundings.bare_article``) at its usual threshold; when it finds that the
      article does (``_prints_captions_bare``, where a caption with a glued credit counts
      as one more), a paragraph is a caption when either model
      takes it at its usual threshold; when it does not, but the general model took
      ``FEW_CAPTIONS`` or more, or none, the first pass stands; so it does when the model
      took one paragraph alone in an article that marks no caption and that no narrator
      tells (``_narrated``): a small article's one photo. In either case a line named as a
      caption names is one too (``Surroundings.named_lines``);
    - else the model took only two paragraphs, or one beside a marked caption or in a
      narrator's story, likelier sentences of the story written like captions: the wary pass
      decides.
    """
    evidence: list[CaptionEvidence] = []

    def recording(raw: str, around: Surroundings) -> CaptionEvidence:
        evidence.append(judge(raw, around))
        return evidence[-1]

    verdicts = _classify(paragraphs, forced_body, recording)
    marked = _taken(evidence, marked=True)
    bare = _taken(evidence, marked=False)
    credits_them = marked >= bare and _credited(verdicts) >= 2
    glued = bool(marked) and _glues_credits(paragraphs, verdicts)
    if marked and credits_them and not glued:
        return _classify(paragraphs, forced_body, _with(judge, wary=True)) if bare else verdicts
    evidence.clear()
    _classify(paragraphs, forced_body, _with(recording, bare_article=True))
    narrated = _narrated(paragraphs)
    prints_bare = _prints_captions_bare(evidence, narrated=narrated, marked=glued)
    mixes = prints_bare and _taken(evidence, marked=False) > marked  # a few credited
    if marked and credits_them and not mixes:
        return _classify(paragraphs, forced_body, _with(judge, wary=True)) if bare else verdicts
    if prints_bare:
        return _classify(paragraphs, forced_body, _either_model(_with(judge, named_lines=True)))
    lone = bare == 1 and not marked and not narrated
    if bare >= FEW_CAPTIONS or not bare or lone:
        return _classify(paragraphs, forced_body, _with(judge, named_lines=True))
    return _classify(paragraphs, forced_body, _with(judge, named_lines=True, wary=True))


#: A credit's label in brackets, "(Image: X)": a page that labels its credits so labels each.
_BRACKETED_LABEL = re.compile(r"[(\[]\s*(?:Image|Photo|Picture|Photograph|Pic)s?\s*:")


def _glues_credits(paragraphs: list[_Paragraph], verdicts: list[_Verdict]) -> bool:
    """Whether the page glues its credits to its captions, as a page that credits a few
    captions and prints the others bare does: no figure marker or credit line stands beside
    any paragraph, and no caption's credit has a label in brackets ("(Image: X)")."""
    if any(v.around and v.around.beside_figure for v in verdicts):
        return False
    captions = (p for p, v in zip(paragraphs, verdicts, strict=True) if v.caption)
    return not any(_BRACKETED_LABEL.search(p.text) for p in captions)


def _taken(evidence: list[CaptionEvidence], *, marked: bool) -> int:
    """How many paragraphs were taken for captions that the page marks as such (a credit, a
    label, a marker beside them: ``caption_rule``), or that it prints bare."""
    return sum(e.is_caption and e.marked == marked for e in evidence)


def _credited(verdicts: list[_Verdict]) -> int:
    """How many captions have a credit: their own, or a credit line or figure marker's."""
    return sum(v.caption is not None and v.caption.credit is not None for v in verdicts)


def _prints_captions_bare(
    evidence: list[CaptionEvidence], *, narrated: bool = False, marked: bool = False
) -> bool:
    """Whether the model of articles that print their captions bare finds that this one
    does: it takes two or more paragraphs the page does not mark (one, with ``marked``: the
    page marks a caption of its own, a credit glued to it, and no figure marker or credit
    line stands beside any), and doubts (``DOUBTFUL``) fewer others than it takes; two are
    not enough in a story a narrator tells (``_narrated``). Paragraphs that stand out so
    from a story that reads nothing like them are its captions; a story told in scenes
    makes the model doubt many of its sentences, and a narrator's scenes are the story."""
    unmarked = _taken(evidence, marked=False)
    taken = unmarked + 1 if marked and unmarked else unmarked
    doubted = sum(not e.is_caption and e.probability >= DOUBTFUL for e in evidence)
    return taken >= 2 and doubted < taken and (taken >= FEW_CAPTIONS or not narrated)


_FIRST_PERSON = re.compile(r"\b(?:I|me|[Mm]y|[Ww]e|us|[Oo]ur)\b")
#: In how many paragraphs a narrator must speak in the first person (``_narrated``): one may
#: be a stray "we" left outside a quotation.
NARRATED_PARAGRAPHS = 2


def _narrated(paragraphs: list[_Paragraph]) -> bool:
    """Whether a narrator tells the story in the first person, outside quotations ("Ray
    drives me out to the overlook"), in ``NARRATED_PARAGRAPHS`` paragraphs or more: an essay
    whose scenes in the present tense are its story, not its captions. A paragraph that
    opens with a quotation mark continues a quotation."""
    narrating = (
        _FIRST_PERSON.search(outside_quotations(p.text))
        for p in paragraphs
        if p.text[:1] not in _QUOTE_PAIRS
    )
    return sum(bool(found) for found in narrating) >= NARRATED_PARAGRAPHS


def _with(judge: Judge, **setting: bool) -> Judge:
    """``judge``, asked with ``setting`` in the ``Surroundings``."""

    def judging(raw: str, around: Surroundings) -> CaptionEvidence:
        return judge(raw, replace(around, **setting))

    return judging


def _either_model(judge: Judge) -> Judge:
    """``judge``, taking a caption that the general model or the model of articles that print
    their captions bare takes (``Surroundings.bare_article``)."""

    def judging(raw: str, around: Surroundings) -> CaptionEvidence:
        general = judge(raw, around)
        if general.is_caption or general.decided:
            return general
        return judge(raw, replace(around, bare_article=True))

    return judging


#: The fewest paragraphs the models alone take in an article that prints its captions bare
#: (no credit, label or marker): where they take two, these are likelier sentences of the
#: story written like captions, and must reach the stricter threshold (one alone stands
#: since round 15, in an article that marks no caption and no narrator tells). Chosen on the
#: development sets (benchmarks/README.md, round 6): 2 changed nothing, 4 cost recall; in
#: round 9, 2 for the bare model's count took scenes of other publishers' feature stories.
FEW_CAPTIONS = 3
#: The probability at which the model doubts a paragraph it does not take
#: (``_prints_captions_bare``). Chosen on the development sets (benchmarks/README.md, round
#: 14): 0.2 took the fewest paragraphs wrongly; 0.3 found 2 more captions and took 4 more
#: wrongly, 0.5 found 10 more and took 6 more wrongly, scenes of magazine stories.
DOUBTFUL = 0.2


def _judge_none(raw: str, around: Surroundings) -> CaptionEvidence:
    return CaptionEvidence(False, 0.0, raw, None, decided="captions are not sought")


@dataclass(frozen=True)
class _Verdict:
    """A paragraph's kind, its caption when it is one, and what stood around it when it was
    judged (None: not judged)."""

    kind: BlockKind
    caption: Caption | None = None
    around: Surroundings | None = None


def _classify(paragraphs: list[_Paragraph], forced_body: set[int], judge: Judge) -> list[_Verdict]:
    """Each paragraph's kind, and its caption when it is one.

    Figure markers (``figure_marker``) are never headings or captions of their own: an
    "Image" line or "Image source, X" points to the paragraph after it, which is judged with
    that cue and gets the marker's credit; a video or audio marker (``media_marker``) tells
    that the paragraph after it belongs to a clip. A credit standing alone (a credit line, or a name
    alone: see ``name_line``) belongs to the caption beside it: the paragraph before it is
    judged knowing a credit follows, and takes it when it is a caption without a credit of
    its own; otherwise a credit line marks the paragraph after it, and a name alone just
    before a caption without a credit is that caption's. A marker or credit beside the
    caption it serves is part of that figure (kind CAPTION, left out of the article's text
    with it); one serving no caption is body text. Forced body paragraphs (date line, lede)
    and link lines are never judged. A heading is a short line (``is_heading``) that is no
    caption (nor one held back by a wary article's stricter threshold: ``held_back``), no
    repeated line, not one of three or more short lines in a row (a list or a table), not a
    writer's name before the story starts (``names_the_writer``), and has no credit after it.
    """
    markers: list[Marker | None] = [figure_marker(p.text) for p in paragraphs]
    listed = _listed(paragraphs)
    cues = _position_cues(paragraphs)
    verdicts: list[_Verdict] = []
    after: Marker | None = None  # the marker just before, unless its credit was taken
    taken: set[int] = set()  # credit lines taken by the caption before them
    for index, paragraph in enumerate(paragraphs):
        marker = markers[index]
        if marker is not None:
            after = None if index in taken else marker
            verdicts.append(_Verdict(BlockKind.BODY))
            continue
        verdict = _Verdict(BlockKind.BODY)
        if index not in forced_body and not is_link_line(paragraph.text):
            following = _credit_after(index, markers, paragraphs, cues)
            media = index > 0 and media_marker(paragraphs[index - 1].text)
            around = Surroundings(after is not None, following is not None, media, **cues[index])
            evidence = judge(paragraph.raw, around)
            verdict = _Verdict(BlockKind.BODY, None, around)
            if evidence.is_caption:
                credit = evidence.credit or (after.credit if after else None)
                if evidence.credit is None and following is not None:
                    markers[index + 1] = following  # the credit line is this caption's
                    taken.add(index + 1)
                    credit = credit or following.credit
                verdict = _Verdict(BlockKind.CAPTION, Caption(evidence.text, credit), around)
            elif (
                not around.before_credit_line
                and not evidence.held_back
                and index not in listed
                and not around.ends_article  # a heading opens a section
                and not (around.before_story and names_the_writer(read_paragraph(paragraph.raw)))
                and is_heading(paragraph.text, paragraph.lines)
            ):
                verdict = _Verdict(BlockKind.HEADING, None, around)
        verdicts.append(verdict)
        after = None
    _names_before_captions(paragraphs, verdicts)
    for index, marker in enumerate(markers):  # markers beside their captions join them
        before_caption = index + 1 < len(verdicts) and verdicts[index + 1].caption is not None
        if marker is not None and (index in taken or before_caption):
            verdicts[index] = _Verdict(BlockKind.CAPTION)
    return verdicts


#: A paragraph this many times as long as the article's median paragraph is longer than usual.
LONGER_THAN_USUAL = 1.3


def _ends_with_a_stop(text: str) -> bool:
    """Whether a paragraph ends with a sentence's stop, maybe inside closing quotes."""
    return text.rstrip().rstrip(_TRAILING_CLOSERS)[-1:] in {".", "!", "?", "…"}


def _position_cues(paragraphs: list[_Paragraph]) -> list[dict[str, bool]]:
    """Each paragraph's size against the article's: shorter than both its neighbours, or
    longer than usual (``LONGER_THAN_USUAL`` times the median): a caption is mostly shorter
    than the story around it; whether it ends the article; and whether it stands before the
    story, no paragraph with a final stop between the first and it (``Surroundings``)."""
    sizes = [len(p.text.split()) for p in paragraphs]
    usual = sorted(sizes)[len(sizes) // 2] if sizes else 0
    story_starts = next(
        (i for i, p in enumerate(paragraphs) if i and _ends_with_a_stop(p.text)), len(paragraphs)
    )
    return [
        {
            "shorter_than_neighbours": 0 < i < len(sizes) - 1
            and size < min(sizes[i - 1], sizes[i + 1]),
            "longer_than_usual": size > LONGER_THAN_USUAL * usual,
            "ends_article": i == len(sizes) - 1,
            "before_story": 0 < i < story_starts,
        }
        for i, size in enumerate(sizes)
    ]


def _credit_after(
    index: int,
    markers: list[Marker | None],
    paragraphs: list[_Paragraph],
    cues: list[dict[str, bool]],
) -> Marker | None:
    """The credit standing alone just after a paragraph: a credit line ("Getty Images"), or
    a name alone ("Panos Pictures", see ``name_line``), unless the article opens with a
    headline (no final stop) and the name stands before the story starts (``_position_cues``):
    there it is the byline under a standfirst."""
    if index + 1 >= len(paragraphs):
        return None
    marker = markers[index + 1]
    if marker is not None:
        return marker if marker.kind == "credit" else None
    if cues[index + 1]["before_story"] and not _ends_with_a_stop(paragraphs[0].text):
        return None
    name = name_line(paragraphs[index + 1].text)
    return Marker("credit", name) if name else None


def _names_before_captions(paragraphs: list[_Paragraph], verdicts: list[_Verdict]) -> None:
    """A name standing alone just before a caption without a credit ("Powys Council") is
    that caption's credit, and part of its figure, not a heading."""
    for index in range(1, len(verdicts)):
        before, caption = verdicts[index - 1], verdicts[index].caption
        if caption and not caption.credit and before.kind is BlockKind.HEADING:
            name = name_line(paragraphs[index - 1].text)
            if name:
                verdicts[index - 1] = _Verdict(BlockKind.CAPTION)
                verdicts[index] = replace(verdicts[index], caption=replace(caption, credit=name))


def _listed(paragraphs: list[_Paragraph]) -> set[int]:
    """Short lines that are no headings by their company: a line the article repeats, and
    three or more heading-shaped lines in a row (a list, a table's cells; an interface label
    above a list counts in the row: "MORE NEWS" above two story links)."""
    shaped = [
        is_heading(p.text, p.lines) or bool(_INTERFACE_LABEL.fullmatch(p.text))
        for p in paragraphs
    ]
    counts = Counter(p.text for p in paragraphs)
    listed = {i for i, p in enumerate(paragraphs) if shaped[i] and counts[p.text] > 1}
    start = 0
    while start < len(paragraphs):
        end = start
        while end < len(paragraphs) and shaped[end]:
            end += 1
        if end - start >= 3:
            listed.update(range(start, end))
        start = max(end, start + 1)
    return listed


def _read_paragraphs(text: str) -> tuple[list[_Paragraph], str | None, set[int]]:
    """The paragraphs without the date marker, the date, and which must stay body."""
    text = normalise_newlines(text).removeprefix("\ufeff")
    _reject_binary(text)
    paragraphs = _paragraphs(text)
    if not paragraphs:
        raise ExtractionError("no paragraphs: the text is empty or blank")
    iso_date, rest, marked = _take_date(paragraphs[0].text)
    if marked:
        paragraphs[0] = _Paragraph(rest.strip(), paragraphs[0].lines, rest.strip())
        if not paragraphs[0].text:
            paragraphs.pop(0)
    if not paragraphs:
        raise ExtractionError("no paragraphs: the text holds only its date line")
    return paragraphs, iso_date, ({0} if marked and rest.strip() else set())


def _locate_lede(
    paragraphs: list[_Paragraph], forced_body: set[int]
) -> tuple[int, str | None, str | None]:
    """The lede's index, the publisher and the dateline as written (both None if none).

    The lede is the first paragraph that opens with a dateline, among the first few; failing
    that, the first forced body paragraph, else the first that is no heading and no figure
    marker (else the first paragraph).
    """
    for index, paragraph in enumerate(paragraphs[:DATELINE_SEARCH_PARAGRAPHS]):
        found = find_dateline(paragraph.text)
        if found:
            return index, found[0], found[1]
    if forced_body:
        return min(forced_body), None, None
    for index, paragraph in enumerate(paragraphs):
        marker = figure_marker(paragraph.text)
        if marker is None and not is_heading(paragraph.text, paragraph.lines):
            return index, None, None
    return 0, None, None

"""Telling a photo's credit apart from its caption, in text: the one credit splitter.

News sites write credits in a handful of ways, and text copied from their pages keeps them:

- a trailing label: "Photograph: Name/Agency", "Photo: X", "Photo / X", "Credit: X",
  "Foto: X", or "Credit...X" glued to the caption ("... over time.Credit...Jane Doe", as NYT
  pages print), a label glued to the final stop or the last word as copied text loses the
  space ("... ends.Photo: X", "... still warmPhoto: X"), or a capitalised "Photograph by
  X" or "Courtesy of X" glued to the last word ("... the horizon Photograph by X");
- a parenthesis or bracket at the end: "(AP Photo/Name)", "[Name/Reuters]", "(Getty Images)";
- a last segment after the final sentence (its space may be lost: "... the estuary.Jane
  Doe/AFP") or a dash that names an agency or is "Name/Agency" ("... on Monday. John
  Smith/AFP via Getty Images", "REUTERS/Name", "... in Kyiv — Getty Images"), a reader's or
  an account's photo ("... Submitted photo", "... @jane_doe via Instagram"), a body holding
  photographs ("... in 1941. Kansas City Jazz Archive"), a person's name ("... in Utah.
  Jared Lindqvist"), or a photographer working for a publication ("... in Duqm. Jane Doe
  for Rest of World");
- a line of its own below the caption: any of the above, or only a name ("...Mosul.\nJane Doe").

``split_credit`` finds these in a caption (the HTML reader's figure captions, the plain-text
reader's paragraphs); ``credit_line`` says whether a line is a credit and nothing else
("Getty Images", "Credit...Jane Doe", "Image source, PA Media", "Photograph by X for The
Atlantic") and gives it; ``clean_credit`` and ``clean_caption`` remove the labels and
interface words around them.

Pure string functions, no HTML (the tagger's dictionary tells a person's name from English
words). Limits: a credit woven into the middle of a sentence, or one naming no agency and
having no label, slash or publication, made of English words ("... on Monday. Mark Rose")
on the caption's own line, stays in the caption. A source named in brackets before a
sentence's own full stop ("Shares fell 3% (Reuters).") is a citation, not a photo credit.
"""

from __future__ import annotations

import re

from archiver.extract.dom import clean_text
from archiver.extract.tagging import is_dictionary_word

#: Picture agencies and newsrooms that appear alone at the end of captions.
AGENCIES = (
    r"Getty Images|Getty|Reuters|REUTERS|AFP|AP|Associated Press|EPA|EPA-EFE|EFE|Shutterstock|"
    r"Alamy|dpa|DPA|picture alliance|picture-alliance|PA(?: Wire| Images| Media)?|Bloomberg|ANP|"
    r"Xinhua|Sipa|SIPA|Anadolu(?: Agency| via Getty Images)?|NurPhoto|SOPA Images|"
    r"ZUMA(?: Wire| Press)?|Zuma(?: Wire| Press)?|Redux|Polaris|Corbis|Rex|REX|Rex Features|"
    r"Keystone|ANSA|Kyodo|Yonhap|"
    r"Imago|IMAGO|MAXPPP|Abaca|Hans Lucas|TASS|Sputnik|UPI|Pool|POOL|Handout|HANDOUT|"
    r"The New York Times|The Washington Post|for The New York Times|for The Washington Post|"
    r"CNN|BBC|Wikimedia Commons|Wikipedia|NASA|Unsplash|Panos|Magnum Photos|VII|"
    r"Icon Sportswire|USA TODAY Sports|USA TODAY|Sportsfile|Action Images|Offside|"
    r"Bloomberg via Getty Images|AFP via Getty Images|Reuters via Getty Images|via Getty Images"
)

_LABEL = (
    r"(?:(?:Photo|Image|Picture|Foto|Bild)s? [Cc]redits?|Image [Ss]ource|"
    r"Photo(?:graph|graphs|s|graphy)?|Pictures?|Pic|Images?|Credits?|"
    r"Source|Foto(?:s|grafía|grafia)?|Bild(?:er|rechte|quelle)?|Quelle|Photographer|"
    r"Illustration|Composite|Graphic|Chart|Video|Crédits?(?: photo)?|Fotó|Zdjęcie|Kuva|Ảnh|"
    r"Фото|Fotoğraf|Fotografie|Bilde|Billede|"
    r"Ilustración|Imagen|Copyright|©)"
)
#: A trailing label, after a stop, a dash or a space, or glued to the last word as copied text
#: may leave it ("... still warmPhoto: Jane Doe").
_TRAILING_LABEL = re.compile(
    rf"(?:^|(?<=[.!?…»”\"')\]])\s*|\s+[|–—-]\s+|\s+|(?<=[a-z]{{3}}))(?P<label>{_LABEL})"
    r"\s*(?::|：|\s-\s|\s/\s|,|\.\.\.|…)\s*(?P<credit>[^:]{2,140}?)\s*\.?$",
)
#: A Japanese credit after a full-width equals sign ("…警察官ら＝ＡＰ").
_TRAILING_EQUALS = re.compile(r"\s*＝\s*(?P<credit>[^＝。、\s]{1,30})$")
_TRAILING_BY = re.compile(
    r"(?:(?<=[.!?…»”\"')\]])\s*|\s+[|–—-]\s+)(?P<credit>(?:Staff\s+)?(?:Photo(?:graph)?|Picture|Image)s?\s+"
    r"(?:by|courtesy of)\s+[^.!?]{2,120}?|Courtesy(?: of)?\s+[^.!?]{2,120}?)\s*\.?$",
    re.I,
)
#: A capitalised "Photograph by Name" or "Courtesy of X" glued to the caption's last word, its
#: stop lost as the text was copied ("... toward the horizon Photograph by Jane Doe"):
#: mid-sentence, a capital there opens a credit, not more of the sentence.
_GLUED_BY = re.compile(
    r"(?<=[\w,;])\s+(?P<credit>(?:(?:Staff photo|Photo(?:graph)?|Illustration|Picture) by"
    r"|Courtesy(?: of)?)\s+"
    r"(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[\w'’.&-]+){0,6}?)\s*$"
)
_TRAILING_BRACKET = re.compile(r"\s*[(\[](?P<credit>[^()\[\]]{2,140})[)\]]\s*\.?$")
#: A last segment after a stop or dash; an initial's stop may stand inside ("Miguel A.
#: Lopes/EPA"). Copied text may lose the space after a word's stop or a closing quotation
#: mark ("... the estuary.Nguyen Thi Lan/AFP", '... "Harrowgate."Ben Hallam/Northline').
_TRAILING_SEGMENT = re.compile(
    r"(?:(?<=[.!?…»”\"')\]])\s+|(?:(?<=[a-z0-9][.!?])|(?<=[.!?][”\"’']))(?=[A-Z][a-z])"
    r"|\s[|–—-]\s+)"
    r"(?P<credit>(?:[^.!?|]|(?<=\b[A-Z])\.){2,120}?)\s*$"
)
#: Words whose stop ends an abbreviation, not a sentence ("St.", "Dr.", "Sept."): here and in
#: ``captions.split_sentences``.
ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "st", "mt", "ft", "gen", "lt", "col", "sgt", "capt", "cpl", "maj",
     "adm", "brig", "cmdr", "rep", "sen", "gov", "pres", "prof", "rev", "hon", "jr", "sr", "inc",
     "corp", "co", "ltd", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
     "sep", "sept", "oct", "nov", "dec", "ave", "blvd", "rd", "fig", "approx", "dept", "est"]
)  # fmt: skip
#: "Name/Agency" or "Name for Publication" after the caption's last word, its stop (and maybe
#: its space) lost as the text was copied ("... destroyed in OctoberJane Doe/AFP via Getty
#: Images", "... for 26 years Jane Doe/CNN", "... at the border crossing Jane Doe for CNN"):
#: a first and a last name before the slash or "for" (a place before them stays the
#: caption's: "... near Lake Victoria Jane Doe/CNN"; an agency in capitals is
#: ``_capitals_credit``'s), so "on YouTube/Reuters" is left alone; or an agency in capitals
#: and the name after the slash ("... at the landslide site REUTERS/Jane Doe").
_GLUED_TO_A_WORD = re.compile(
    r"(?<=[a-z0-9]{2})\s?(?P<credit>[A-Z][a-z]+ [A-Z][\w'’-]*[a-z][\w'’-]*"
    r"(?:/[A-Z][\w'’ ./&-]{1,80}| for (?:The )?[A-Z][\w'’&.-]*(?: [A-Z][\w'’&.-]*){0,4})"
    r"|(?<!\bthe )(?<!\bof )(?<!\bto )(?<!\band )[A-Z]{2,}/[A-Z][a-z]+"
    r"(?: [A-Z][\w'’-]*[a-z][\w'’-]*){1,2})$"
)
_AGENCY_END = re.compile(rf"(?:^|[\s/(,])(?:{AGENCIES})\s*\)?\s*$")
_PHOTO_WORD = re.compile(rf"\b(?:Photo|Foto|Photograph|Pic|Picture|Image|Bild)\b|^{_LABEL}\b", re.I)
_LEADING_LABEL = re.compile(
    rf"^(?:(?:Staff )?{_LABEL}|Image source,|Credit\.\.\.|Credit…|File|Courtesy(?=\s*:))\s*"
    r"(?::|：|\.\.\.|…|,|-|by)?\s*", re.I
)
_INTERFACE = re.compile(
    r"^(?:Image caption,?|Caption:|Photo caption:|Hide caption|Show caption|Toggle caption|"
    r"Enlarge this image|Expand|Enlarge|Zoom|Open gallery|Close|\d+\s*(?:of|/)\s*\d+)(?!\w)\s*"
    r"|\s*(?:(?:hide|toggle|show) caption(?:\s*\d+\s*(?:of|/)\s*\d+)?|"
    r"Purchase Licensing Rights,?(?: opens new tab)?|opens new tab|Enlarge this image|"
    r"Expand image|Open gallery|View gallery|Zoom)\s*$",
    re.I,
)


def split_credit(text: str) -> tuple[str, str | None]:
    """``text`` split into the caption proper and a credit written at its end, if any.

    A credit on a last line of its own comes first (``credit_line``, or a name alone below a
    finished sentence or a single line); then the trailing forms of the module docstring. A
    full stop after a credit in brackets ends the caption when it has none of its own
    ("Ferries wait (Photo by X)." gives "Ferries wait.").
    """
    lines = [line.strip() for line in text.strip().split("\n") if line.strip()]
    if len(lines) > 1:
        above = clean_caption(" ".join(lines[:-1]))
        credit = credit_line(lines[-1])
        finished = above.endswith(_SENTENCE_ENDS) or len(lines) == 2
        if credit is None and finished and _NAME_LINE.fullmatch(lines[-1]):
            credit = clean_credit(lines[-1])
        if credit and above:
            return above, credit
    text = clean_caption(text)
    for finder in _FINDERS:
        found = finder(text)
        if found:
            caption, raw_credit = found
            credit = clean_credit(raw_credit)
            if credit:
                caption = caption.rstrip(" ,;:|–—-")
                if text.endswith(".") and caption[-1:].isalnum():
                    caption += "."
                return caption, credit
    return text, None


_SENTENCE_ENDS = (".", "!", "?", "”", '"', "’", "'", ")")
#: A line of a few capitalised words and no stop: a name ("Jane Doe", "Panos Pictures").
_NAME_LINE = re.compile(
    r"(?:[A-Z][\w.'’&-]*)(?:\s+(?:[A-Z][\w.'’&-]*|of|for|the|and|via|de|van|von|/)){0,5}"
)


def credit_line(text: str) -> str | None:
    """The credit, when a line is a credit and nothing else; else None.

    A credit line is labelled ("Photograph: X", "Photograph by X for The Atlantic", "Credit...
    X", "Image source, PA Media", "Illustration by X"), bracketed ("(AP Photo/X)"), an
    agency or stock library ("Getty Images", "PA Media"), names with a slash ("REUTERS/Jane
    Doe", "Jane Doe/AFP via Getty Images") or a comma before the agency ("Jane Doe, AP"), or a
    photographer for a publication ("Jane Doe for The New York Times"), or a reader's own
    photo ("Submitted photo", "Supplied"). A dash before it is dropped ("— Getty Images"). A
    name alone is not enough: a line "Jane Doe" may as well be a caption.
    """
    line = clean_text(text).lstrip(" —–-").rstrip(" .")
    if not line or len(line.split()) > 12 or line[-1] in "!?":
        return None
    labelled = _LABELLED_LINE.fullmatch(line)
    if labelled:  # unless a sentence follows the label: "Photo: Residents sort through ..."
        sentence = _reads_as_sentence(clean_text(text).split(None, 1)[-1])
        return None if sentence else clean_credit(labelled.group("credit"))
    if "/" in line and not _names_or_credit_words(line):
        return None
    sentence_break = re.search(r"[.!?]\s+\S", line)
    if sentence_break and not (_SLASHED.fullmatch(line) and "/" in line[: sentence_break.start()]):
        return None  # a stop may follow a slashed credit: "Jane Doe/UN Photo. Courtesy of X"
    if _SLASHED.fullmatch(line):
        return clean_credit(line)
    caption, credit = split_credit(line)
    if credit and not caption.strip(" .,;:-–—()[]"):
        return credit
    if (
        is_credit_only(line)
        or _SUPPLIED.match(line)
        or _FOR_PUBLICATION_LINE.fullmatch(line)
        or _AGENCY_LINE.fullmatch(line)
        or _NAME_COMMA_AGENCY.fullmatch(line)
    ):
        return clean_credit(line)
    return None


_AGENCY_LINE = re.compile(rf"(?:The )?(?:{AGENCIES})", re.IGNORECASE)  # "ASSOCIATED PRESS"
#: A photographer's name, a comma, the agency: "Jane Doe, AP", "JANE DOE, AFP via Getty Images".
_NAME_COMMA_AGENCY = re.compile(rf"[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){{1,3}}, (?:{AGENCIES})")
#: A credit line that opens with its label: "Photograph by X", "Staff photo by X", "Lead
#: photo by X", "Image credit: X", "Image source, X", "Chart: X", "Source: X", "Credit: X",
#: "Credit...X", "Photo courtesy of X" (the credit keeps "courtesy of", as when glued).
_LABELLED_LINE = re.compile(
    r"(?:(?:staff|file|handout|contributed|submitted|lead|top|main)\s+)?"
    r"(?:(?:photo(?:graph)?|picture|image|illustration|chart|graphic|video|foto)s?"
    r"(?:\s+(?:credit|source)s?)?\s*(?:by\b|:|,|(?=courtesy of\b))"
    r"|credits?\s*(?::|\.\.\.|…)|source\s*:)"
    r"\s*(?P<credit>\S.{0,150})",
    re.IGNORECASE,
)
#: Names with a slash: "Frank van Beek / UN Photo/ICJ", "REUTERS/Jane Doe".
_SLASHED = re.compile(r"[A-Z][\w.'’ -]{1,60}\s?/\s?[A-Z][\w.'’ /-]{1,80}")
_INSTITUTION_WORDS = frozenset(["of", "the", "and", "for", "at", "in"])
_NAME_PARTICLES = frozenset(
    ["van", "von", "de", "da", "do", "del", "der", "den", "du", "dos", "la", "le", "al", "bin",
     "ibn", "y"]
)  # fmt: skip


def _names_or_credit_words(line: str) -> bool:
    """Whether a line names an agency or a picture, or holds only names (``_names_only``),
    unlike "Best for Active/Side Sleepers"."""
    if _PICTURE_WORD.search(line) or _AGENCY_END.search(" " + line.split("/")[-1]):
        return True
    return _names_only(line, _NAME_PARTICLES)


def _names_only(text: str, small: frozenset[str] = _NAME_PARTICLES | _INSTITUTION_WORDS) -> bool:
    """Whether every lower-case word is a particle of a name ("Frank van Beek") or, by
    default, a small word of an institution's name ("Court of Appeal")."""
    return all(not w[:1].islower() or w in small for w in re.split(r"[\s/]+", text))


#: A photographer working for a publication, as a line of its own: "Jane Doe for The Atlantic".
_FOR_PUBLICATION_LINE = re.compile(
    r"(?:[A-Z][\w.'’-]+\s){1,3}for\s+The\s+[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*){0,4}"
    r"(?:\s+via\s+[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*){0,3})?"
)


def _bracket_credit(text: str) -> tuple[str, str] | None:
    """A credit in brackets at the end: one that reads as a credit ("(AP Photo/Name)",
    "[Getty Images]"), or any short name in brackets after a finished sentence ("…
    neighborhood. (U.S. District Court)"). A photographer named just before the brackets
    belongs to the credit ("… on Friday. Alketa Misja (dpa/picture alliance)")."""
    match = _TRAILING_BRACKET.search(text)
    if not match:
        return None
    inside = match.group("credit").strip()
    before = text[: match.start()].rstrip()
    slash = re.search(r"[^\W\d_]\s?/\s?[^\W\d_]", inside)  # names, not "10.1038/s41586"
    credit_like = (
        slash
        or _AGENCY_END.search(" " + inside)
        or _PHOTO_WORD.search(inside)
        or _COURTESY.match(inside)
        or _SUPPLIED.match(inside)
    )
    after_sentence = (
        before.endswith((".", "!", "?", "”", '"'))
        and inside[:1].isupper()
        and not inside.rstrip().endswith((".", "!", "?"))
        and len(inside.split()) <= 10
        and _names_only(inside)  # "(U.S. District Court)", not "(Staff reports)"
    )
    if not (credit_like or after_sentence) or len(inside.split()) > 14:
        return None
    if _cites_a_source(text, before, inside):
        return None
    named = _NAME_BEFORE_BRACKET.search(before)
    if named and credit_like:
        return before[: named.start()], f"{named.group('name')} ({inside})"
    return before, inside


_PICTURE_WORD = re.compile(r"\b(?:Photo|Foto|Pic|Picture|Image|Bild|Illustration|Getty)", re.I)


def _cites_a_source(text: str, before: str, inside: str) -> bool:
    """Whether a bracket before a sentence's own full stop names the report's source ("Shares
    fell 3% (Reuters)."): no picture word, no slash, and the sentence had not ended."""
    closes_sentence = text.rstrip().endswith((").", "].")) and not before.endswith(_SENTENCE_ENDS)
    return closes_sentence and "/" not in inside and not _PICTURE_WORD.search(inside)


_NAME_BEFORE_BRACKET = re.compile(
    r"(?<=[.!?”\"])\s+(?P<name>(?:[A-ZÀ-Þ][\w'’-]+\s+){1,3}[A-ZÀ-Þ][\w'’-]+)$"
)


_GLUED = re.compile(r"(?<=\S)\s*(?:Photo )?Credit\s*(?:\.\.\.|…|:)\s*(?P<credit>\S.{1,150})$")
#: After the last sentence, a photographer working for a publication: "Jane Doe for Rest of
#: World", "Jane Doe for The New York Times".
_FOR_PUBLICATION = re.compile(
    r"(?<=[.!?”\"])\s+(?P<credit>(?:[A-Z][\w.'’-]+\s){1,3}for\s+(?:The\s+)?[A-Z][\w’'&. -]{1,40})$"
)


def _glued_credit(text: str) -> tuple[str, str] | None:
    """ "Credit...X" after the caption, glued to it or not ("... over time.Credit...Jane Doe")."""
    match = _GLUED.search(text)
    return (text[: match.start()], match.group("credit")) if match else None


def _for_credit(text: str) -> tuple[str, str] | None:
    match = _FOR_PUBLICATION.search(text)
    return (text[: match.start()], match.group("credit")) if match else None


def _equals_credit(text: str) -> tuple[str, str] | None:
    match = _TRAILING_EQUALS.search(text)
    if not match or match.start() == 0:
        return None
    return text[: match.start()], match.group("credit")


def _label_credit(text: str) -> tuple[str, str] | None:
    """A labelled credit at the end ("... Monday. Photograph: Jane Doe/PA"), or making up the
    whole text ("Photo: Getty Images"); not a label leading a caption ("Photo: Residents sort
    through what is left of a house.")."""
    match = _TRAILING_LABEL.search(text)
    if not match or len(match.group("credit").split()) > 16:
        return None
    if match.start() == 0 and _reads_as_sentence(match.group("credit")):
        return None
    credit = match.group("credit")
    if (
        match.group("label") in ("Source", "Video", "Graphic")
        and "/" not in credit
        and not _AGENCY_END.search(" " + credit)
        and not (match.group("label") == "Source" and match.start() > 0 and _names_only(credit))
    ):
        return None  # "Source: company filings" is part of a chart's caption
    return text[: match.start()], credit


def _reads_as_sentence(text: str) -> bool:
    """Whether what follows a label is a sentence rather than a credit: five or more words
    ending with a full stop, or three or more lower-case words besides the small words of
    names ("Photo: Residents sort through what is left of a house"; not "Image source, U.S.
    District Court, Eastern District of New York")."""
    words = text.split()
    if len(words) >= 5 and text.rstrip().endswith((".", "!", "?")):
        return True
    return sum(w[:1].islower() and w not in _CREDIT_SMALL_WORDS for w in words) >= 3


_CREDIT_SMALL_WORDS = frozenset(["of", "for", "via", "and", "the", "by", "at", "in", "et", "al."])


#: A credit after a copyright sign at the end ("… samedi matin. © Photo Jean-Marc Lefèvre").
_TRAILING_COPYRIGHT = re.compile(
    r"(?:(?<=[.!?…»”\"')\]])\s+|\s+[|–—-]\s+)(?:©|\(c\))\s*"
    r"(?P<credit>(?:(?:Photo|Foto|Bild|Image)s?\s*:?\s*)?[^.!?©]{2,100}?)\s*\.?$", re.I)


def _copyright_credit(text: str) -> tuple[str, str] | None:
    match = _TRAILING_COPYRIGHT.search(text)
    if not match or len(match.group("credit").split()) > 10 or \
            _reads_as_sentence(match.group("credit")):
        return None
    return text[: match.start()], match.group("credit")


def _by_credit(text: str) -> tuple[str, str] | None:
    match = _TRAILING_BY.search(text) or _GLUED_BY.search(text)
    if not match:
        return None
    return text[: match.start()], match.group("credit")


#: A social-media account as a photo's source: "@jane_doe via Instagram".
_VIA_SOCIAL = re.compile(r"@?[\w.]+ via (?:Instagram|Facebook|X|Twitter|TikTok|Threads|Bluesky)")


#: The first or last word of a body that holds photographs: "... in 1941. Kansas City Jazz
#: Archive", "... in 1986. Arquivo Municipal de Vila do Cabo".
_HOLDERS = frozenset(
    [
        "Archive", "Archives", "Collection", "Collections", "Library", "Museum", "Society",
        "Trust", "Foundation", "Institute", "Partners", "Studio", "Studios", "Gallery",
        "Center", "Centre", "University", "Ministry", "Department", "Agency", "Association",
        "Council", "Project", "Records", "Arquivo", "Archivo", "Archivio", "Archiv", "Museo",
        "Museu", "Musée", "Biblioteca", "Instituto", "Istituto", "Institut", "Service",
        "Survey",
    ]
)  # fmt: skip


#: The small words a credit segment after the last stop may hold among its names: a name's
#: particles, an institution's, and "via" ("Harlow Historical Society via NWP").
_SEGMENT_SMALL_WORDS = _NAME_PARTICLES | _INSTITUTION_WORDS | {"via"}


def _abbreviated(text: str) -> bool:
    """Whether ``text`` ends with an initial's or an abbreviation's stop ("J.", "St."), which
    ends no sentence: "Photo courtesy of St. Albin Historical Society"."""
    last = text.split()[-1] if text.strip() else ""
    word = last.removesuffix(".").rsplit(".", 1)[-1].lstrip("(\"'“‘[")  # "U.S." ends "S."
    initial = len(word) == 1 and word.isupper()
    return last.endswith(".") and (initial or word.lower() in ABBREVIATIONS)


def _segment_credit(text: str) -> tuple[str, str] | None:
    """A last segment after the final sentence that names an agency or is "Name/Agency", a
    reader's own photo ("Submitted photo") or an account's ("@jane_doe via Instagram"), a
    body holding photographs ("Kansas City Jazz Archive", ``_HOLDERS``), or names glued to
    the stop ("... in northern Peru.Ministry of Culture of Peru") or, "Name/Agency", to the
    last word (``_GLUED_TO_A_WORD``)."""
    match = _TRAILING_SEGMENT.search(text) or _GLUED_TO_A_WORD.search(text)
    if not match:
        return None
    segment = match.group("credit").strip()
    if len(segment.split()) > 10 or segment[:1].islower():
        return None
    slash = re.search(r"\S/\S", segment) and not re.search(r"\d/\d", segment)
    own = _SUPPLIED.match(segment) or _VIA_SOCIAL.fullmatch(segment)
    words = segment.split()
    names = _names_only(segment, _SEGMENT_SMALL_WORDS)
    named = len(words) > 1 and names and not _abbreviated(text[: match.start()])
    glued = named and match.group(0)[:1].isupper()
    holder = named and bool(set(words) & _HOLDERS)  # "Alaska Department of Fish and Game"
    after_stop = text[: match.start()].rstrip()[-1:] in {".", "!", "?"}
    person = after_stop and named and _a_persons_name(words)  # "... Utah. Jared Lindqvist"
    if slash or own or glued or holder or person or _AGENCY_END.search(" " + segment):
        return text[: match.start()], segment
    return None


def _a_persons_name(words: list[str]) -> bool:
    """Whether two or three capitalised words are a person's name, its first and last words
    no English words ("Jared Lindqvist", not "Harbor View" or "Main Street")."""
    if len(words) not in (2, 3) or not all(w[:1].isupper() for w in words):
        return False
    return not is_dictionary_word(words[0].lower()) and not is_dictionary_word(words[-1].lower())


#: Picture agencies as printed in capitals after a caption without a label ("... ALAMY").
_CAPITALS_AGENCY = re.compile(
    r"PA(?: WIRE| MEDIA| IMAGES)?|ALAMY(?: LIVE NEWS)?|AFP|EPA(?:-EFE)?|REUTERS|AP|"
    r"GETTY(?: IMAGES)?|SHUTTERSTOCK|REX(?: FEATURES)?|BLOOMBERG"
)
#: A credit in capitals after a caption without a final stop, as UK papers print them
#: ("... since the yard shut ALAMY", "... on Tuesday JANE DOE FOR THE TIMES").
_TRAILING_CAPITALS = re.compile(
    r"(?<=[a-z0-9’'%)])\s+(?P<credit>[A-Z][A-Z.'’&-]*(?:\s+(?:[A-Z][A-Z.'’&-]*|/))*[A-Z])$"
)
#: Words after which capitals are the sentence's own words: "... is suing the AP".
_LEADS_TO_A_NAME = frozenset(
    [
        *("the", "a", "an", "of", "by", "to", "at", "and", "or", "from", "with", "for", "in"),
        *("on", "into", "against", "about", "than", "as", "like"),
    ]
)
#: Words a caption needs before a credit in capitals: "Inside the AP" is a heading.
CAPITALS_CAPTION_WORDS = 6


def _capitals_credit(text: str) -> tuple[str, str] | None:
    """A credit in capitals glued to a caption with no final stop: an agency ("... a year
    PA") or two or more words ("... after 16 years JAMIE DOE FOR THE HERALD"), after at
    least ``CAPITALS_CAPTION_WORDS`` words of caption."""
    match = _TRAILING_CAPITALS.search(text)
    if not match:
        return None
    caption, credit = text[: match.start()], match.group("credit")
    before = caption.split()
    if len(before) < CAPITALS_CAPTION_WORDS or before[-1].lower() in _LEADS_TO_A_NAME:
        return None  # "... is suing the AP": the capitals are the sentence's own object
    if ":" in before[-1]:
        return None  # a time: "10:42 AM ET"
    words = [w for w in credit.split() if w != "/"]
    if _CAPITALS_AGENCY.fullmatch(credit) or (len(words) >= 2 and all(len(w) > 1 for w in words)):
        return caption, credit
    return None


_FINDERS = (
    _glued_credit,
    _bracket_credit,
    _label_credit,
    _copyright_credit,
    _by_credit,
    _for_credit,
    _segment_credit,
    _equals_credit,
    _capitals_credit,
)

_COURTESY = re.compile(r"^(?:(?:photo|image|picture|foto)s?\s+)?courtesy\b", re.I)
#: A reader's or a family's own photo: "Submitted by Jane Doe", "Supplied: X", "Contributed".
_SUPPLIED = re.compile(
    r"^(?:submitted|supplied|contributed)(?:\s+(?:photo|image|picture)s?)?(?:\s*(?::|by\b)|$)",
    re.I,
)
_LABELLED = re.compile(rf"^{_LABEL}\s*(?::|：|by\b)", re.I)
_STOCK = re.compile(
    r"^(?:iStock(?:photo)?|Getty Images(?: Plus)?|Shutterstock|Alamy|"
    r"Adobe Stock|Unsplash|Pexels|Pixabay|Wikimedia Commons)\b",
    re.I,
)


def is_credit_only(text: str) -> bool:
    """True for an image line that is only a credit ("Courtesy of Zillow", "(The Independent)",
    "Photo: Getty Images", "Teresa Suarez/AP", "iStockphoto"): no caption."""
    line = clean_text(text).strip(" .")
    if not line or len(line.split()) > 12 or re.search(r"[.!?]\s+\S", line):
        return False
    if re.fullmatch(r"[(\[][^()\[\]]{1,80}[)\]]", line):
        return True
    if _COURTESY.match(line) or _LABELLED.match(line) or _STOCK.match(line):
        return True
    short = len(line.split()) <= 6
    return short and bool(
        (re.search(r"\S/\S", line) and not re.search(r"\d/\d", line))
        or re.fullmatch(rf"(?:{AGENCIES})", line)
    )


def clean_credit(text: str | None) -> str | None:
    """A credit without its label, brackets or copyright sign ("Photo: X" gives "X")."""
    credit = clean_text(text)
    for _ in range(3):
        before = credit
        credit = _INTERFACE_CREDIT.sub("", credit)
        credit = credit.strip(" .,;:|-–—>")
        credit = _unbracket(credit)
        credit = _LEADING_LABEL.sub("", credit)
        credit = re.sub(r"^(?:\(c\)|©)\s*", "", credit, flags=re.I)
        if credit == before:
            break
    credit = credit.strip(" .,;:|")
    return credit or None


#: Interface words printed beside a credit ("Visa mer", "Enlarge this image", "more >").
_INTERFACE_CREDIT = re.compile(
    r"^(?:Enlarge this image|Expand|Zoom|Open gallery)\b\s*[/|]?\s*|"
    r"\s*[/|]?\s*\b(?:Visa mer|Vis mer|Näytä lisää|Show more|Read more|See more|Mehr anzeigen|"
    r"Voir plus|Ver más|Mostra di più|Enlarge this image|hide caption|toggle caption|"
    r"more\s*[>»])\s*$",
    re.I,
)


def _unbracket(credit: str) -> str:
    """``credit`` without brackets around it all or left unbalanced at its ends."""
    if re.fullmatch(r"[(\[][^()\[\]]*[)\]]", credit):
        return credit[1:-1].strip()
    if credit.endswith((")", "]")) and credit.count("(") + credit.count("[") < credit.count(
        ")"
    ) + credit.count("]"):
        credit = credit[:-1]
    if credit.startswith(("(", "[")) and credit.count("(") + credit.count("[") > credit.count(
        ")"
    ) + credit.count("]"):
        credit = credit[1:]
    return credit.strip()


#: Notices a wire agency prints in capitals after a handout picture's credit: for editors,
#: not part of the caption or the credit.
_AGENCY_NOTICE = re.compile(
    r"(?:\s*\b(?:THIS IMAGE HAS BEEN SUPPLIED BY A THIRD PARTY|(?:FOR )?EDITORIAL USE ONLY|"
    r"NO RESALES|NO ARCHIVES|MANDATORY CREDIT)\b[.,]?)+\s*$"
)


def clean_caption(text: str | None) -> str:
    """A caption without the interface words sites put around it ("Image caption, ", "Expand")
    and without a wire agency's notice to editors ("THIS IMAGE HAS BEEN SUPPLIED BY A THIRD
    PARTY.")."""
    caption = clean_text(text)
    for _ in range(4):  # a notice may stand before the interface words, or after them
        cleaned = _AGENCY_NOTICE.sub("", _INTERFACE.sub("", caption)).strip()
        if cleaned == caption:
            break
        caption = cleaned
    return caption

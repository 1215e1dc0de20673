"""Telling a photo's credit apart from its caption, in text.

News sites write credits in a handful of ways: a trailing label ("Photograph: Name/Agency",
"Photo: X", "Credit: X", "Foto: X"), a parenthesis or bracket at the end ("(AP Photo/Name)",
"[Name/Reuters]", "(Getty Images)"), or a last sentence-less segment naming an agency
("… on Monday. John Smith/AFP via Getty Images", "REUTERS/Name"). ``split_credit`` finds these;
``clean_credit`` and ``clean_caption`` remove the labels and interface words around them.

Pure string functions, no HTML. Limits: a credit woven into the middle of a sentence, or one
naming no agency without any label or slash ("… on Monday. John Smith"), stays in the caption.
"""

from __future__ import annotations

import re

from archiver.extract.dom import clean_text

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
    r"Illustration|Composite|Graphic|Video|Crédits?(?: photo)?|Fotó|Zdjęcie|Kuva|"
    r"Ilustración|Imagen|Copyright|©)"
)
_TRAILING_LABEL = re.compile(
    rf"(?:^|(?<=[.!?…»”\"')\]])\s+|\s+[|–—-]\s+|\s+)(?P<label>{_LABEL})"
    r"\s*(?::|：|\s-\s|,|\.\.\.|…)\s*(?P<credit>[^:]{2,140}?)\s*\.?$",
)
#: A Japanese credit after a full-width equals sign ("…警察官ら＝ＡＰ").
_TRAILING_EQUALS = re.compile(r"\s*＝\s*(?P<credit>[^＝。、\s]{1,30})$")
_TRAILING_BY = re.compile(
    r"(?:(?<=[.!?…»”\"')\]])\s+|\s+[|–—-]\s+)(?P<credit>(?:Photo(?:graph)?|Picture|Image)s?\s+"
    r"(?:by|courtesy of)\s+[^.!?]{2,120}?|Courtesy(?: of)?\s+[^.!?]{2,120}?)\s*\.?$",
    re.I,
)
_TRAILING_BRACKET = re.compile(r"\s*[(\[](?P<credit>[^()\[\]]{2,140})[)\]]\s*\.?$")
_TRAILING_SEGMENT = re.compile(
    r"(?:(?<=[.!?…»”\"')\]])|\s[|–—-])\s+(?P<credit>[^.!?|]{2,120}?)\s*$"
)
_AGENCY_END = re.compile(rf"(?:^|[\s/(,])(?:{AGENCIES})\s*\)?\s*$")
_PHOTO_WORD = re.compile(rf"\b(?:Photo|Foto|Photograph|Pic|Picture|Image|Bild)\b|^{_LABEL}\b", re.I)
_LEADING_LABEL = re.compile(
    rf"^(?:{_LABEL}|Image source,|Credit\.\.\.|Credit…|File)\s*(?::|：|\.\.\.|…|,|-|by)?\s*",
    re.I
)
_INTERFACE = re.compile(
    r"^(?:Image caption,?|Caption:|Photo caption:|Hide caption|Show caption|Toggle caption|"
    r"Enlarge this image|Expand|Enlarge|Zoom|Open gallery|Close|\d+\s*(?:of|/)\s*\d+)\s*"
    r"|\s*(?:hide caption|toggle caption|show caption|"
    r"Purchase Licensing Rights,?(?: opens new tab)?|opens new tab|Enlarge this image|"
    r"Expand image|Open gallery|View gallery|Zoom)\s*$",
    re.I,
)


def split_credit(text: str) -> tuple[str, str | None]:
    """``text`` split into the caption proper and a credit written at its end, if any."""
    text = clean_caption(text)
    for finder in (_bracket_credit, _label_credit, _by_credit, _segment_credit, _equals_credit):
        found = finder(text)
        if found:
            caption, raw_credit = found
            credit = clean_credit(raw_credit)
            if credit:
                return caption.rstrip(" ,;:|–—-"), credit
    return text, None


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
    credit_like = "/" in inside or _AGENCY_END.search(" " + inside) or _PHOTO_WORD.search(inside)
    after_sentence = before.endswith((".", "!", "?", "”", "\"")) and inside[:1].isupper() \
        and not inside.rstrip().endswith((".", "!", "?")) and len(inside.split()) <= 10
    if not (credit_like or after_sentence) or len(inside.split()) > 14:
        return None
    named = _NAME_BEFORE_BRACKET.search(before)
    if named and credit_like:
        return before[: named.start()], f"{named.group('name')} ({inside})"
    return before, inside


_NAME_BEFORE_BRACKET = re.compile(
    r"(?<=[.!?”\"])\s+(?P<name>(?:[A-ZÀ-Þ][\w'’-]+\s+){1,3}[A-ZÀ-Þ][\w'’-]+)$")


def _equals_credit(text: str) -> tuple[str, str] | None:
    match = _TRAILING_EQUALS.search(text)
    if not match or match.start() == 0:
        return None
    return text[: match.start()], match.group("credit")


def _label_credit(text: str) -> tuple[str, str] | None:
    match = _TRAILING_LABEL.search(text)
    if not match or len(match.group("credit").split()) > 16:
        return None
    credit = match.group("credit")
    if match.group("label") in ("Source", "Video", "Graphic") and "/" not in credit \
            and not _AGENCY_END.search(" " + credit):
        return None
    return text[: match.start()], credit


def _by_credit(text: str) -> tuple[str, str] | None:
    match = _TRAILING_BY.search(text)
    if not match:
        return None
    return text[: match.start()], match.group("credit")


def _segment_credit(text: str) -> tuple[str, str] | None:
    """A last segment after the final sentence that names an agency or is "Name/Agency"."""
    match = _TRAILING_SEGMENT.search(text)
    if not match:
        return None
    segment = match.group("credit").strip()
    if len(segment.split()) > 10 or segment[:1].islower():
        return None
    slash = re.search(r"\S/\S", segment) and not re.search(r"\d/\d", segment)
    if slash or _AGENCY_END.search(" " + segment):
        return text[: match.start()], segment
    return None


_COURTESY = re.compile(r"^(?:(?:photo|image|picture|foto)s?\s+)?courtesy\b", re.I)
_LABELLED = re.compile(rf"^{_LABEL}\s*(?::|：|by\b)", re.I)
_STOCK = re.compile(r"^(?:iStock(?:photo)?|Getty Images(?: Plus)?|Shutterstock|Alamy|"
                    r"Adobe Stock|Unsplash|Pexels|Pixabay|Wikimedia Commons)\b", re.I)


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
    return short and bool((re.search(r"\S/\S", line) and not re.search(r"\d/\d", line))
                          or re.fullmatch(rf"(?:{AGENCIES})", line))


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
    re.I)


def _unbracket(credit: str) -> str:
    """``credit`` without brackets around it all or left unbalanced at its ends."""
    if re.fullmatch(r"[(\[][^()\[\]]*[)\]]", credit):
        return credit[1:-1].strip()
    if credit.endswith((")", "]")) and credit.count("(") + credit.count("[") < \
            credit.count(")") + credit.count("]"):
        credit = credit[:-1]
    if credit.startswith(("(", "[")) and credit.count("(") + credit.count("[") > \
            credit.count(")") + credit.count("]"):
        credit = credit[1:]
    return credit.strip()


def clean_caption(text: str | None) -> str:
    """A caption without the interface words sites put around it ("Image caption, ", "Expand")."""
    caption = clean_text(text)
    for _ in range(4):
        cleaned = _INTERFACE.sub("", caption).strip()
        if cleaned == caption:
            break
        caption = cleaned
    return caption

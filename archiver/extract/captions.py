"""Is this paragraph a photo caption? Rules for plain-text news articles.

Plain-text articles carry their photo gallery flattened into the text: each caption stands
as its own paragraph among the body paragraphs. This module judges one paragraph alone and
says whether it reads as a caption, and why.

What a caption is, as a sentence: a single descriptive sentence about what a photo shows.
Its main verb is in the present tense ("A man walks", "Soldiers are reunited", "A boy is
being treated") or it has no finite verb at all: a noun phrase placed in a scene, directly
or through a participle ("The aftermath of the blast in Brussels.", "Fishing nets drying on
racks in Tromsø.", "Boats tied to a jetty."); its subject is a noun phrase, not a pronoun
or a fronted clause; it quotes nobody (words written on a sign or a shirt, "a placard
reading "..."", are not a quotation), reports nothing, speaks in no first or second person,
and ends with a full stop. A trailing credit ("(AP Photo/Jane Doe)", "Photo: Reuters",
"John Smith/AFP/Getty Images", "— Getty Images") is split off, and so is a photo lead ("In
this file photo,", "From left,"). A quoted title inside it ("The cast of "The Salt Road"")
is a name, not a quotation. A caption may take one short sentence of context after it.

The decision is made in two steps that a maintainer can read back from
``caption_evidence(paragraph)``:

1. hard vetoes: formal rules a caption never breaks (quotation marks, reporting verbs, a
   pronoun subject, a past/perfect/modal main verb, several sentences, ...); one veto is
   enough to refuse the paragraph;
2. scored cues: positive signs (a depictive action verb, or any simple present verb of a
   concrete subject: a full or titled name, "a" and a noun, someone's someone; a concrete
   subject, among them people named by a plural noun who put a thing somewhere singled out
   or whom a name singles out ("Wrestlers throw salt into the ring"); a place in the scene;
   a thing lying, standing or covering a place; a verbless described scene, set by a place
   or a moment ("after the final whistle"); a date or credit in agency style; a present
   passive; a thing put somewhere in the passive) and negative ones (stative verbs and
   status passives, where a known thing lies, statistics and approximate figures, hedges,
   "now", "next week", a bare weekday as news stories date events, habits ("every night",
   "six hours a day"), a life rather than a moment ("lives in", "works as"), a lone surname
   of someone named in full earlier, negation, outcomes such as "kills", an "after" clause
   in the past tense, officials or people in general doing things in general or being moved
   about, a second clause joined by ", and", a chain of relative clauses, a round "from bar
   to bar", a state in a season "in October"). The paragraph is a caption when no veto
   fired, the score reaches ``CAPTION_THRESHOLD``, and one of the ``SCENE_CUES`` anchors it
   in something a camera could see: someone or something concrete, a place, a date, a photo
   reference or a credit. A paragraph whose first sentence is a caption by itself may add
   one short sentence of context, in any tense, that tells of the moment rather than
   describing in general (no present state, price, habit or timeless negation).

The clause reading behind the tense rules (``analyse_clause``: subject, main verb and its
form) lives in ``archiver.extract.clauses``; this module keeps the features, the vetoes,
the scoring and the decision.

The lexicons (``archiver.extract.lexicon``) are small lists of general English written for
these rules, not drawn from any article. This module is pure: no disk, no network, no state,
no third-party code.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from archiver.extract.clauses import (
    CALENDAR_WORDS,
    CLAUSE_SUBORDINATORS,
    LEMMAS,
    OBJECT_OPENERS,
    Clause,
    Token,
    VerbForm,
    analyse_clause,
    has_noun_suffix,
    is_adverb,
    is_count,
    is_ing,
    is_name,
    is_number,
    is_past_form,
    is_plural_noun,
    is_s_form,
    names_people,
    opens_subordinate,
    subject_head,
    subject_is_plural,
    tokenize,
    verb_lemma,
)
from archiver.extract.lexicon import (
    ABBREVIATIONS,
    ACTION_VERBS,
    ALWAYS_REPORTING,
    AUXILIARIES,
    BELIEF_VERBS,
    CLOSED_CLASS,
    CONJUNCTIONS,
    COVERING_VERBS,
    DEMONSTRATIVES,
    DETERMINERS,
    EVENT_VERBS,
    FIRST_SECOND_PERSON,
    FRONTED_MARKERS,
    INSCRIPTION_NOUNS,
    KNOWN_VERBS,
    LOCATIVE_PREPOSITIONS,
    MODALS,
    MONTH,
    MONTH_WORDS,
    NUMBER_WORDS,
    OBJECT_PRONOUNS,
    OTHER_RELATIVES,
    PARTICLES,
    PERSONAL_PRONOUNS,
    PLACE_ADVERBS,
    PREPOSITIONS,
    REPORTING_VERBS,
    STATIVE_PARTICIPLES,
    STATIVE_VERBS,
    SUBJECT_RELATIVES,
    SUBORDINATORS,
    THAT_VERBS,
    WEEKDAY,
    words,
)

__all__ = [
    "CAPTION_THRESHOLD",
    "SCENE_CUES",
    "CaptionEvidence",
    "Clause",
    "Token",
    "VerbForm",
    "analyse_clause",
    "caption_evidence",
    "is_caption",
    "split_credit",
    "split_sentences",
    "strip_photo_lead",
    "surnames",
    "tokenize",
]

#: The score a veto-free paragraph needs to be taken as a caption.
CAPTION_THRESHOLD = 2

#: Bounds on a caption's size (words, characters); outside them it is body text.
MIN_WORDS, MAX_WORDS, MAX_CHARS = 3, 60, 450


# --- Text helpers ----------------------------------------------------------------------------


_CREDIT_WORDS = re.compile(
    r"\b(?:photo|photos|photograph|photographs|picture|pictures|image|images|credit|credits|"
    r"courtesy|handout|pool|file|getty|reuters|afp|ap|epa|xinhua|anadolu|sipa|shutterstock|"
    r"alamy|corbis|newscom|zuma|associated press)\b",
    re.IGNORECASE,
)
_PAREN_CREDIT = re.compile(r"\s*\(([^()]{2,100})\)\s*(\.?)\s*$")
_LABELLED_CREDIT = re.compile(
    r"(?:(?<=[.!?])|^)\s*((?:Photo(?:graph)?s?|Pictures?|Images?|Credits?|Source)\s*(?::|by\b)"
    r"\s*[^\s].{0,100}|(?:Courtesy|Handout)\b.{1,100})$"
)
_CREDIT_LABEL = re.compile(
    r"^(?:Photo(?:graph)?s?|Pictures?|Images?|Credits?|Source)\s*(?::|by\b)\s*", re.IGNORECASE
)
#: A credit after a dash that follows the last sentence: "... July 13. — Getty Images".
_DASH_CREDIT = re.compile(r"(?<=[.!?])\s+(?:—|–|--?)\s*([A-Z][^—–]{1,100})$")
_SLASH_CREDIT = re.compile(
    r"(?<=[.!?])\s+((?:[A-Z][\w.'’-]*\s+){0,4}[A-Z][\w.'’-]*\s*/\s*[A-Z][\w.'’ -]{0,60}"
    r"(?:/\s*[A-Z][\w.'’ -]{0,40}){0,3})$"
)


#: A bare credit after the last full stop, with no label, no parentheses and no stop of its
#: own: an agency, an organisation or a photographer ("... Sri Lanka. Reuters", "... eclipse.
#: Getty Images", "... Monday. NOAA"): at most five capitalised words (with "of", "and",
#: "&" or a year among them), no lower-case word, so no verb: a fragment, not a sentence.
_BARE_CREDIT = re.compile(
    r"(?<=[.!?])\s+([A-Z][\w'’&-]*(?:\s+(?:[A-Z][\w'’&.-]*|of|and|&|\d{4})){0,4})$"
)


def split_credit(paragraph: str) -> tuple[str, str | None]:
    """Split a trailing photo credit off a paragraph: ``(caption, credit or None)``.

    Recognised: a parenthesis at the end that names a photo source ("(AP Photo/Jane Doe)",
    "(Getty Images)"), a labelled credit after the last sentence ("Photo: Reuters",
    "Photograph: J. Doe/AFP", "Courtesy of the family") and an agency line with a slash after
    the last sentence ("John Smith/AFP/Getty Images", "REUTERS/Jane Doe"), and a dash and a photo
    source after the last sentence ("... July 13. — Getty Images"), and a bare credit of a few
    capitalised words after the last full stop ("... in Colombo. Reuters"). A label
    ("Photo:", "Photograph:", "Photo by") is dropped from the credit. A full stop after a
    credit in parentheses ("... Street. (AP Photo/Jane Doe).") is dropped with it, or ends
    the caption when the caption has none of its own ("A man walks (Getty Images).").
    """
    text = paragraph.strip()
    match = _PAREN_CREDIT.search(text)
    if match and ("/" in match.group(1) or _CREDIT_WORDS.search(match.group(1))):
        caption = text[: match.start()].rstrip()
        if match.group(2) and not caption.endswith((".", "!", "?")):
            caption += "."
        return caption, match.group(1).strip()
    match = _DASH_CREDIT.search(text)
    if match and ("/" in match.group(1) or _CREDIT_WORDS.search(match.group(1))):
        return text[: match.start()].rstrip(), _CREDIT_LABEL.sub("", match.group(1)).strip()
    for pattern in (_LABELLED_CREDIT, _SLASH_CREDIT, _BARE_CREDIT):
        match = pattern.search(text)
        if match and match.start(1) > 0:
            credit = _CREDIT_LABEL.sub("", match.group(1)).strip()
            return text[: match.start(1)].rstrip(), credit or match.group(1).strip()
    return text, None


_PHOTO_NOUN = (
    r"(?:photo|photograph|picture|image|frame grab|video grab|still|screenshot|screen grab"
    r"|aerial view|view|handout|file photo|selfie)s?"
)
_PHOTO_LEAD = re.compile(
    r"^In (?:this|these|an?|the)\b.{0,80}?\b" + _PHOTO_NOUN + r"\b"
    r"(?:\s+(?:provided|released|taken|made|obtained|distributed|shot|posted|supplied|"
    r"shared|issued|published|from)\b[^,]{0,80})?,\s*(?:\d{4},\s*)?",
    re.IGNORECASE,
)


#: The lead-in of a group photo that says in which order people stand: "From left,",
#: "Left to right:", "(L-R)", "Clockwise from top left,".
_GROUP_LEAD = re.compile(
    r"^(?:\(?(?:from )?(?:left to right|right to left|L-R|R-L)\)?|from (?:left|right)"
    r"|clockwise from (?:top |bottom )?(?:left|right))\s*[,:]?\s+",
    re.IGNORECASE,
)


def strip_photo_lead(text: str) -> tuple[str, bool]:
    """Remove an agency-style photo lead ("In this file photo, ...") or the lead-in of a group
    photo ("From left, ...", "(L-R) ..."): ``(rest, found)``."""
    match = _PHOTO_LEAD.match(text) or _GROUP_LEAD.match(text)
    if not match or match.end() >= len(text):
        return text, False
    rest = text[match.end() :]
    return rest[:1].upper() + rest[1:], True


_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations ("Brig. Gen.", "Nov. 7") together."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _is_abbreviation_stop(text, match.start()):
            continue
        sentence = text[start : match.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _is_abbreviation_stop(text: str, stop: int) -> bool:
    """Whether the full stop at ``stop`` closes an abbreviation or an initial."""
    if text[stop] != ".":
        return False
    start = stop
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._"):
        start -= 1
    before = text[start:stop]
    if not before:
        return False
    if "." in before:  # "U.S.", "a.m."
        return True
    if len(before) == 1 and before.isalpha() and before.isupper():  # an initial: "John F. Kennedy"
        return True
    return before.lower() in ABBREVIATIONS


# --- The paragraph as the features see it ---------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    """A paragraph prepared once for every feature."""

    text: str  # the caption proper: the paragraph without its credit
    credit: str | None
    read_as: str  # ``text`` without inscriptions (see ``_drop_inscriptions``): what rules read
    inscriptions: int  # how many quoted inscriptions were set aside
    photo_lead: bool
    sentences: tuple[str, ...]
    sentence: str  # the sentence the clause rules read (the first)
    core: str  # that sentence without the photo lead and its final stop
    tokens: tuple[Token, ...]  # tokens of ``core``
    clause: Clause
    noun_phrase: bool  # no finite verb, and a described scene (``_reads_as_noun_phrase``)
    known_names: frozenset[str] = frozenset()  # surnames of full names met earlier


def _read(paragraph: str, known_names: frozenset[str] = frozenset()) -> _Reading:
    """Split off the credit, the sentences and the photo lead; tokenize; find the clause."""
    text, credit = split_credit(" ".join(paragraph.split()))
    read_as, inscriptions = _drop_inscriptions(text)
    read_as = _name_titles(read_as)
    sentences = tuple(split_sentences(read_as))
    first = sentences[0] if sentences else ""
    core, photo_lead = strip_photo_lead(first)
    core = core.rstrip()
    if core.endswith(".") and not core.endswith(".."):
        core = core[:-1]
    tokens = tuple(tokenize(core))
    clause = analyse_clause(core)
    return _Reading(
        text=text,
        credit=credit,
        read_as=read_as,
        inscriptions=inscriptions,
        photo_lead=photo_lead,
        sentences=sentences,
        sentence=first,
        core=core,
        tokens=tokens,
        clause=clause,
        noun_phrase=clause.form is VerbForm.NONE and _reads_as_noun_phrase(tokens),
        known_names=known_names,
    )


_QUOTED_SPAN = re.compile(r'"([^"]{1,80})"|“([^“”]{1,80})”|‘([^‘’]{1,80})’')
#: What introduces the words written on a thing: "a sign reading", "a banner that says".
_INSCRIPTION_LEAD = re.compile(
    r"(?:,?\s*\b(?:that|which)\s+)?\b(?:reading|reads|saying|says|bearing|emblazoned with|"
    r"printed with|marked|labell?ed|with the (?:words?|slogans?|messages?))\s*[:,]?\s*$",
    re.IGNORECASE,
)
#: The most words a quoted inscription may have.
INSCRIPTION_MAX_WORDS = 10


def _drop_inscriptions(text: str) -> tuple[str, int]:
    """Set aside short quotations that are words written on something: ``(rest, count)``.

    "A woman holding a placard reading "Cuts hurt" joins the crowd" is read as "A woman
    holding a placard joins the crowd": the quotation is what the placard says, not speech.
    It must follow a word that introduces writing ("reading", "that says", "bearing",
    "emblazoned with", "with the words") after a thing that carries writing (a sign, a
    banner, a T-shirt: ``INSCRIPTION_NOUNS``), be at most ``INSCRIPTION_MAX_WORDS`` words,
    and not open the paragraph. Every other quotation stays, and vetoes the paragraph.
    """
    count = 0
    for match in reversed(list(_QUOTED_SPAN.finditer(text))):
        inner = next(group for group in match.groups() if group is not None)
        lead = _INSCRIPTION_LEAD.search(text, 0, match.start())
        if lead is None or lead.start() == 0 or len(inner.split()) > INSCRIPTION_MAX_WORDS:
            continue
        carrier = tokenize(text[: lead.start()])[-6:]
        if not any(t.low in INSCRIPTION_NOUNS for t in carrier):
            continue
        text = text[: lead.start()].rstrip() + text[match.end() :]
        count += 1
    return text, count


#: The most words of a quoted title ("The Salt Road", "Rescue Me").
TITLE_MAX_WORDS = 6
#: Short words a title may leave in lower case: "Gone with the Wind", "Love in Paris".
_TITLE_SMALL_WORDS = words("a an the of in on at to for and or but with by from de la le")


def _name_titles(text: str) -> str:
    """Read quoted titles as names: the quotation marks and spaces of a short title-case
    quotation inside a sentence (a film, a book, a ship: "The cast of "The Salt Road"
    celebrate", ""Iron Meridian" director Sam Keller") become hyphens, so that the title
    is one capitalised word, not speech. A title has every word capitalised but short
    function words, no punctuation inside, and a word after it (speech is followed by a
    comma or ends the sentence)."""

    def as_name(match: re.Match[str]) -> str:
        inner = next(group for group in match.groups() if group is not None)
        parts = inner.split()
        after = text[match.end() : match.end() + 2]
        if not parts or len(parts) > TITLE_MAX_WORDS or not re.fullmatch(r"[\w' ’-]+", inner):
            return match.group(0)
        if not parts[0][0].isupper() or not re.match(r" [\w(]", after):
            return match.group(0)
        if any(not w[0].isupper() and w.lower() not in _TITLE_SMALL_WORDS for w in parts):
            return match.group(0)
        return "-".join(parts)

    return _QUOTED_SPAN.sub(as_name, text)


def _has_photo_evidence(r: _Reading) -> bool:
    return r.credit is not None or r.photo_lead or _photo_reference(r) > 0


# --- Hard vetoes: each returns why the paragraph cannot be a caption, or None --------------


def _veto_length(r: _Reading) -> str | None:
    """A caption is one sentence of sensible size."""
    words = len(r.text.split())
    if words < MIN_WORDS:
        return f"{words} words is too short"
    if words > MAX_WORDS or len(r.text) > MAX_CHARS:
        return f"{words} words / {len(r.text)} characters is too long"
    return None


def _veto_ending(r: _Reading) -> str | None:
    """A caption ends with a single full stop (before any credit)."""
    last = r.sentences[-1] if r.sentences else ""
    if last.endswith("..") or last.endswith("…"):
        return "ends with an ellipsis"
    if not last.endswith(".") and r.credit is None:
        return "does not end with a full stop"
    return None


def _veto_several_sentences(r: _Reading) -> str | None:
    """A caption is a single sentence. Agency captions with a credit may add a second, and
    so may a full caption, a present-tense scene with its place and date, that a short
    sentence of context follows ("... at Kure Beach on Tuesday, September 27. Forecasters
    warned of a storm surge."), and so may any paragraph whose first sentence is a caption by
    itself (``_context_follows_caption``)."""
    context = _context_follows_scene(r) or _context_follows_caption(r)
    allowed = 2 if _has_photo_evidence(r) or context else 1
    if len(r.sentences) > allowed:
        return f"{len(r.sentences)} sentences"
    return None


#: The most words of a context sentence after a full caption.
CONTEXT_MAX_WORDS = 20


def _context_follows_scene(r: _Reading) -> bool:
    """Whether the paragraph is a full caption and one short sentence of context: the first
    sentence a present-tense scene with a place and an agency date, the second at most
    ``CONTEXT_MAX_WORDS`` words that open with a noun phrase and speak in no first or
    second person. (Quotations are refused for the whole paragraph.)"""
    present = {VerbForm.PRESENT, VerbForm.PRESENT_PASSIVE, VerbForm.PRESENT_PROGRESSIVE}
    if len(r.sentences) != 2 or r.clause.form not in present:
        return False
    if not (_dated(r) and _scene_place(r)):
        return False
    context = [t for t in tokenize(r.sentences[1]) if t.is_word]
    if not context or len(context) > CONTEXT_MAX_WORDS:
        return False
    if analyse_clause(r.sentences[1]).form is VerbForm.MODAL:
        return False  # a schedule, not context: "Traffic will flow from Tuesday."
    opener = context[0].low
    if opener in PERSONAL_PRONOUNS | FRONTED_MARKERS | SUBORDINATORS | PREPOSITIONS:
        return False
    return not any(t.low in FIRST_SECOND_PERSON or t.text == "I" for t in context)


#: The most words of a context sentence after a sentence that is a caption by itself.
CAPTION_CONTEXT_MAX_WORDS = 25


def _context_follows_caption(r: _Reading) -> bool:
    """Whether the paragraph is a caption and a short sentence of context, whatever its
    tense: the first sentence is a caption by itself, the second has at most
    ``CAPTION_CONTEXT_MAX_WORDS`` words, asks nothing and speaks in no first or second
    person ("Riot police fire tear gas at fans. At least 14 people were arrested.").
    Not a schedule either ("Traffic will flow from Tuesday."): an announcement, not what
    lies behind a photo. Quotations are refused for the whole paragraph."""
    if len(r.sentences) != 2 or r.sentences[1].rstrip(_CLOSERS).endswith("?"):
        return False
    second = analyse_clause(r.sentences[1])
    future = second.form is VerbForm.MODAL and second.lemma in {"will", "shall", "'ll"}
    if future or _SCHEDULED.search(r.sentences[1]):
        return False
    context = [t for t in tokenize(r.sentences[1]) if t.is_word]
    if not context or len(context) > CAPTION_CONTEXT_MAX_WORDS:
        return False
    if any(t.low in FIRST_SECOND_PERSON | _WRITERS_DEIXIS or t.text == "I" for t in context):
        return False
    if _general_description(r.sentences[1]):
        return False
    return caption_evidence(r.sentences[0]).is_caption


#: Present forms that describe how a thing is, not what happens: "It has ...", "costs".
_DESCRIBING_FORMS = {VerbForm.COPULA, VerbForm.HAVE}


def _general_description(sentence: str) -> bool:
    """Whether a sentence describes in general rather than telling what lies behind one
    photo: a present state ("It has bakeries", "A ticket costs ..."), a negation out of time
    ("cannot be seen", "is not open"; "has not flowed since March" tells of the moment), a
    price or a statistic ("2.50 euros", "on average"), a habit ("once every 375 years") or
    a time of year with no year ("in spring"). Context after a caption tells of the moment:
    "Three children were among the dead", "It was his 40th marathon"."""
    clause = analyse_clause(sentence)
    tokens = tokenize(sentence)
    if clause.form in _DESCRIBING_FORMS:
        return True
    if clause.form is VerbForm.PRESENT and clause.lemma in STATIVE_VERBS:
        return True
    negative = {"not", "never", "cannot", "nobody", "nothing", "neither", "nor"}
    told = clause.form in {VerbForm.PAST, VerbForm.PERFECT}  # "has not flowed since March"
    if not told and any(t.low in negative or t.low.endswith("n't") for t in tokens):
        return True
    core = sentence.rstrip(".")
    return any(p.search(core) for p in (_STATISTIC, _HABITUAL, _TIME_OF_YEAR))


#: Words that place the writer, not the photo: "Many have come to be here".
_WRITERS_DEIXIS = words("here now")


_CLOSERS = "\"'”’)]"
_QUOTE = re.compile(r"[\"“”„«»]|(?:^|[\s(\[])[‘'][^\W\d_]")


def _veto_quotation(r: _Reading) -> str | None:
    """Quotation marks mean somebody is quoted: body text. Words on a sign or a T-shirt
    ("a placard reading "..."") are set aside first, and do not count."""
    return "has quotation marks" if _QUOTE.search(r.read_as) else None


_JOINER = re.compile(r";|:(?!\d)|—|--|\s[–-]\s|[!?]|…|\.\.\.")


def _veto_joined_clauses(r: _Reading) -> str | None:
    """Semicolons, colons, dashes, '!' or '?' join or frame clauses: a caption has one."""
    match = _JOINER.search(r.core)
    return f"has {match.group(0).strip()!r}" if match else None


def _veto_first_or_second_person(r: _Reading) -> str | None:
    """A caption speaks of what the photo shows, never as "I", "we" or "you"."""
    tokens = r.tokens
    for i, tok in enumerate(tokens):
        if tok.low == "mine" and i and _modified_noun(tokens[i - 1]):
            continue  # the noun: "the mine", "a copper mine", "the Santa Ines mine"
        if tok.low in FIRST_SECOND_PERSON and not (tok.text.isupper() and len(tok.text) > 1):
            return f"first or second person {tok.text!r}"
        if tok.text == "I" and i + 1 < len(tokens) and tokens[i + 1].is_lower:
            return "first person 'I'"
        if tok.low.startswith(("i'm", "i've", "i'd", "i'll")):
            return f"first person {tok.text!r}"
    return None


def _modified_noun(prev: Token) -> bool:
    """Whether a word after ``prev`` is a noun by what comes before it: a determiner, a
    name, an adjective or a noun ("the mine", "Santa Ines mine", "copper mine"), not a
    preposition, an auxiliary or a conjunction ("of mine", "is mine", "and mine")."""
    if not prev.is_word:
        return False
    return prev.low in DETERMINERS or prev.is_capitalised or prev.low not in CLOSED_CLASS


def _veto_reporting(r: _Reading) -> str | None:
    """Attribution ("said", "according to", "estimates that", "they believe") is reporting,
    not a caption."""
    tokens = r.tokens
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1].low if i + 1 < len(tokens) else ""
        if tok.low in ALWAYS_REPORTING:
            return f"reporting verb {tok.text!r}"
        if tok.low == "according" and nxt == "to":
            return "attribution 'according to'"
        if nxt == "that" and tok.is_lower and verb_lemma(tok.low) in THAT_VERBS:
            return f"reporting frame '{tok.text} that'"
        said_or_believed = verb_lemma(nxt) in REPORTING_VERBS | BELIEF_VERBS
        if tok.low in {"he", "she", "they"} and said_or_believed:  # "a man they believe fled"
            return f"reporting frame '{tok.text} {tokens[i + 1].text}'"
    lemma = r.clause.lemma
    reporting_forms = {VerbForm.PRESENT, VerbForm.PRESENT_PASSIVE, VerbForm.PRESENT_PROGRESSIVE}
    if r.clause.form in reporting_forms and lemma in REPORTING_VERBS:
        return f"main verb {r.clause.verb!r} ({lemma}) reports"
    return None


def _veto_subject(r: _Reading) -> str | None:
    """The subject is a noun phrase: not a pronoun, a fronted marker or a fronted clause."""
    if not r.tokens:
        return "no words"
    first = r.tokens[0]
    second = r.tokens[1] if len(r.tokens) > 1 else None
    head = first.low.split("'")[0]
    if first.text.isupper() and len(first.text) > 1:  # "US Marines", "UN troops"
        head = first.text
    if head in PERSONAL_PRONOUNS or head in FIRST_SECOND_PERSON or first.text == "I":
        return f"pronoun subject {first.text!r}"
    if head in FRONTED_MARKERS or head in SUBORDINATORS:
        return f"fronted {first.text!r} ties it to other text"
    if head in PREPOSITIONS:
        return f"opens with a prepositional phrase ({first.text!r} ...)"
    if (
        head in DEMONSTRATIVES
        and second is not None
        and (
            second.low in AUXILIARIES
            or second.low in MODALS
            or second.low in SUBJECT_RELATIVES
            or second.low.endswith("n't")
        )
    ):
        return f"pronoun subject {first.text!r}"
    third = r.tokens[2].low if len(r.tokens) > 2 else ""
    partitive = head in DEMONSTRATIVES | {"one", "none"} and second is not None
    if (
        partitive
        and second is not None  # repeated so mypy narrows ``second`` here too
        and second.low == "of"
        and third in {"them", "those", "these", "us", "which"}
    ):
        return f"pronoun subject '{first.text} of {third}'"
    if (
        first.low in KNOWN_VERBS
        and second is not None
        and (second.low in DETERMINERS or second.low in OBJECT_PRONOUNS or second.low in PARTICLES)
    ):
        return f"imperative ({first.text!r} ...)"
    if (
        is_ing(first)
        and second is not None
        and (
            second.low in DETERMINERS or second.low in PREPOSITIONS or second.low in OBJECT_PRONOUNS
        )
    ):
        return f"opens with a participle clause ({first.text!r} ...)"
    return None


def _veto_tense(r: _Reading) -> str | None:
    """The main verb is in the present tense, or there is none and the text is a noun phrase.

    No past, perfect or modal main verb, no modal anywhere, no "going to" future and no
    scheduled event ("is scheduled to", "are due to", "is expected to").
    """
    form = r.clause.form
    if form is VerbForm.PAST:
        return f"past-tense main verb {r.clause.verb!r}"
    if form is VerbForm.PERFECT:
        return f"perfect aspect '{r.clause.verb} {r.clause.lemma}'"
    if form is VerbForm.MODAL:
        return f"modal or future {r.clause.verb!r}"
    if form is VerbForm.NONE and not r.noun_phrase:
        return "no verb recognised, and not a noun phrase"
    for i, tok in enumerate(r.tokens):
        modal = i and tok.is_lower and tok.low in MODALS and r.tokens[i - 1].low not in DETERMINERS
        if modal and not (_elliptical_modal(r.tokens, i) or _comparative_modal(r.tokens, i)):
            return f"modal or future {tok.text!r}"
    if _SCHEDULED.search(r.core):
        return "future 'going to' / 'is scheduled to'"
    return None


def _elliptical_modal(tokens: Sequence[Token], i: int) -> bool:
    """Whether the modal at ``i`` stands for a verb left out, after a pronoun and before no
    verb: "Residents salvage what they can from their homes", "as best they can"."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    no_verb = nxt is None or not nxt.is_word or nxt.low in PREPOSITIONS | CONJUNCTIONS
    return no_verb and tokens[i - 1].low in PERSONAL_PRONOUNS


def _comparative_modal(tokens: Sequence[Token], i: int) -> bool:
    """Whether the modal at ``i`` is in a clause of degree, "as far as the eye can see",
    "as fast as they could": it measures the scene, it does not make it future."""
    window = [t.low for t in tokens[max(0, i - 6) : i]]
    return any(window[k] == window[k + 2] == "as" for k in range(len(window) - 2))


#: A planned or expected event: "is going to", "are scheduled to", "is due to".
_SCHEDULED = re.compile(
    r"\b(?:is|are|am)\s+(?:not\s+)?(?:\w+ly\s+)?(?:going|set|about|poised|scheduled|slated|due|"
    r"expected|planned|supposed|hoping|preparing)\s+to\b",
    re.IGNORECASE,
)


_VETOES: tuple[tuple[str, Callable[[_Reading], str | None]], ...] = (
    ("length", _veto_length),
    ("ending", _veto_ending),
    ("several_sentences", _veto_several_sentences),
    ("quotation", _veto_quotation),
    ("joined_clauses", _veto_joined_clauses),
    ("first_or_second_person", _veto_first_or_second_person),
    ("reporting", _veto_reporting),
    ("subject", _veto_subject),
    ("tense", _veto_tense),
)


# --- Scored cues: each returns its weight (0 when it does not apply) ------------------------


_PHOTO_REFERENCE = re.compile(
    r",\s(?:left|right|center|centre|top|bottom|(?:second |far )?(?:from )?(?:left|right)),|"
    r"\((?:left|right|center|centre|top|bottom|front|back|foreground|background|"
    r"(?:top|bottom|far|second from) (?:left|right))\)|\bfrom left\b|\bleft to right\b|"
    r"\bL-R\b|\bpictured\b|\bseen here\b|^(?:This|The|A|An) (?:photo|photograph|picture|image|"
    r"frame|still|aerial (?:photo|view)|satellite image)\b|"
    r"^(?:Aerial|Satellite|Drone|Archive|Undated|File) (?:photo|image|view|picture)s? of\b",
    re.IGNORECASE,
)


def _photo_reference(r: _Reading) -> int:
    """+2: the text points at a photo ("In this photo", "(left)", "This image shows")."""
    return 2 if r.photo_lead or _PHOTO_REFERENCE.search(r.core) else 0


def _credit(r: _Reading) -> int:
    """+2: a photo credit was split off the end."""
    return 2 if r.credit else 0


def _depictive_verb(r: _Reading) -> int:
    """+1: the main verb is a visible action ("walks", "are carried", "is waving", "snow
    blankets"), or a verb no lexicon lists, known by its place and form
    (``_unlisted_action``)."""
    depictive = {VerbForm.PRESENT, VerbForm.PRESENT_PASSIVE, VerbForm.PRESENT_PROGRESSIVE}
    if r.clause.form not in depictive:
        return 0
    if r.clause.lemma in ACTION_VERBS | COVERING_VERBS:
        return 1
    return 1 if _unlisted_action(r) or _someone_acts(r) else 0


#: Verbs that never show a moment, whoever does them.
_NOT_SHOWN = STATIVE_VERBS | EVENT_VERBS | REPORTING_VERBS | BELIEF_VERBS | THAT_VERBS


def _someone_acts(r: _Reading) -> bool:
    """Whether a concrete subject (a named person, "a woman", "Presenters Anna Kowalski and
    David Brent", "Argentina's goalkeeper") does what a simple present verb says, listed or
    not ("Nadia Benali accepts the Oscar", "Kambiri nudges her calf"): a caption's way of
    naming what a photo shows. Not a state, an outcome or a report."""
    clause = r.clause
    if clause.form is not VerbForm.PRESENT or clause.lemma in _NOT_SHOWN - _HANDLING_VERBS:
        return False
    if clause.lemma in _HANDLING_VERBS and not _handles_a_thing(r):
        return False
    if len(tokenize(clause.verb or "")) != 1 or _concrete_subject(r) <= 0:
        return False
    if _bare_plural_subject(r) or len([t for t in clause.subject if t.is_word]) < 2:
        return False  # people in general ("Demonstrators demand"), or a lone name that may
        # be a country or a firm ("Germany bans ...")
    after = clause.after
    infinitive = len(after) > 1 and after[0].low == "to" and after[1].is_lower
    return not infinitive  # an intention, not a moment: "A spokesman declines to comment"


#: Verbs that report or judge before "that", but are done with the hands to a thing: "A
#: man shows a nugget", "A girl writes a letter", "A boy finds a shell".
_HANDLING_VERBS = THAT_VERBS & words("show write find")


def _handles_a_thing(r: _Reading) -> bool:
    """Whether someone ("A man", "Two girls", not "A report", "A study") does a handling
    verb to a thing after a determiner: "A man shows a handful of rock"."""
    after = r.clause.after
    person = names_people(r.clause.subject) or _is_agent_noun(subject_head(r.clause.subject))
    return person and bool(after) and after[0].low in DETERMINERS - {"that"}


def _unlisted_action(r: _Reading) -> bool:
    """Whether the main verb is a present verb that no lexicon lists, used as actions are:
    someone doing something to something ("A keeper cradles a lamb", "A girl tries on a
    dress", "Two men salvage what they can": particular people, not "Demonstrators demand
    ...", and not "Germany bans ..." or "A report details ..."), or an "-s" verb moving
    something to a place ("Rainwater pools on the road", not "Germany weighs in on ...")."""
    clause = r.clause
    verb = tokenize(clause.verb or "")
    if clause.form is not VerbForm.PRESENT or len(verb) != 1 or len(clause.after) < 2:
        return False
    if clause.lemma in KNOWN_VERBS:
        return False
    nxt, after = clause.after[:2]
    if is_s_form(verb[0]) and nxt.low in LOCATIVE_PREPOSITIONS and after.low in DETERMINERS:
        return True
    if nxt.low in LOCATIVE_PREPOSITIONS and after.low in {"a", "an"}:
        return True  # things or animals at a spot: "Goats huddle on a rooftop"
    people = names_people(clause.subject) or _is_agent_noun(subject_head(clause.subject))
    acts_on = nxt.low in OBJECT_OPENERS or (nxt.low in PARTICLES and after.low in DETERMINERS)
    return people and acts_on and not _bare_plural_subject(r)


def _is_agent_noun(tok: Token | None) -> bool:
    """Someone who does what a verb says: "keeper", "ranger", "attendee", "inspector"."""
    low = tok.low.removesuffix("s") if tok is not None else ""
    stems = (low[:-2], low[:-3]) if low.endswith(("er", "or", "ee")) else ()
    return any(stem in LEMMAS or stem + "e" in LEMMAS for stem in stems)


def _present_passive(r: _Reading) -> int:
    """+1: a present passive of an action ("are reunited", "is being treated", "is seen");
    a visible action ("are carried") is counted once, by ``_depictive_verb``."""
    if r.clause.form is not VerbForm.PRESENT_PASSIVE or r.clause.lemma in STATIVE_VERBS:
        return 0
    if r.clause.lemma in ACTION_VERBS:
        return 0
    words = [t.low for t in r.clause.after if not (is_adverb(t) or t.low == "being")]
    as_judgement = len(words) > 1 and words[1] == "as"  # "is seen as a test"
    return 0 if _passive_participle(r.clause) in STATIVE_PARTICIPLES or as_judgement else 1


def _passive_participle(clause: Clause) -> str:
    """The participle of a passive ("treated" in "is being carefully treated"), else ""."""
    words = [t.low for t in clause.after if not (is_adverb(t) or t.low == "being")]
    return words[0] if clause.form is VerbForm.PRESENT_PASSIVE and words else ""


#: Prepositions that say where a thing is put or taken: "lowered into", "piled against".
_PLACING_PREPOSITIONS = LOCATIVE_PREPOSITIONS - {"of", "from", "past"} | {"against"}


def _placed_thing(r: _Reading) -> int:
    """+1: a thing moved or put somewhere, in the present passive of a visible action:
    "Crates are loaded onto a truck", "The ferry is towed toward the shore". The thing and
    where it goes are in the picture. (People in the passive count as a concrete subject.)"""
    clause = r.clause
    if clause.form is not VerbForm.PRESENT_PASSIVE or clause.lemma not in ACTION_VERBS:
        return 0
    if names_people(clause.subject) or _passive_participle(clause) in STATIVE_PARTICIPLES:
        return 0
    rest = [t for t in clause.after if not (is_adverb(t) or t.low == "being")][1:]
    if rest and rest[0].low in PARTICLES - _PLACING_PREPOSITIONS:
        rest = rest[1:]  # "is hauled away to ..."
    if len(rest) < 2 or rest[0].low not in _PLACING_PREPOSITIONS:
        return 0
    when = rest[1].text[0].isdigit() or rest[1].low.rstrip(".") in CALENDAR_WORDS
    return 0 if when else 1


def _concrete_subject(r: _Reading) -> int:
    """+1: the subject is someone or something seen: "A woman", "Iraqi children", "Clinton"."""
    subject = [t for t in r.clause.subject if t.is_word]
    if not subject:
        return 0
    first = subject[0].low
    if first in _GENERAL_QUANTIFIERS:
        return 0  # people in general: "Most visitors stay in ...", "Many residents ..."
    if first in {"a", "an"} or first in NUMBER_WORDS - {"dozens", "hundreds", "thousands"}:
        return 1
    before_relative = itertools.takewhile(lambda t: t.low not in SUBJECT_RELATIVES, subject)
    if names_people(list(before_relative)):
        return 1
    if first.endswith(("'s", "s'")) and len(subject) == 2 and _person_like(subject[1]):
        return 1  # someone's someone: "Argentina's goalkeeper", "Spain's striker"
    head = subject_head(subject)
    if r.clause.form is VerbForm.PRESENT_PASSIVE and head is not None and _person_like(head):
        return 1  # people acted on: "Suspected coup plotters are paraded before ..."
    last = subject[-1]
    named = r.clause.form is not VerbForm.NONE and is_name(last)
    if named and _names_a_group(subject):
        return 1
    if r.clause.form is not VerbForm.NONE and _appositive_name(r.tokens):
        return 1
    if _people_act_on_a_thing(r):
        return 1
    one_common_plural = len(subject) == 1 and is_plural_noun(last)  # "Prices rise"
    return 1 if named and subject[0].low not in DETERMINERS and not one_common_plural else 0


def _people_act_on_a_thing(r: _Reading) -> bool:
    """Whether people named by a plural noun do something to a thing singled out, and
    either put it somewhere singled out ("Wrestlers throw salt into the ring") or are
    singled out by a name themselves ("Drummers from the Mangueira school keep the beat"):
    the people in a photo. People in general act in general ("Wrestlers train hard",
    "Voters want change", "Students protest the tuition rise")."""
    clause = r.clause
    head = subject_head([t for t in clause.subject if t.is_word])
    if clause.form is not VerbForm.PRESENT or head is None:
        return False
    if not (names_people([head]) or _PERSON_ENDING.search(head.low)):
        return False
    if not is_plural_noun(head) or clause.lemma in _NOT_SHOWN:
        return False
    after = clause.after
    if not any(t.low in _SPECIFIC_DETERMINERS for t in after[:4]):
        return False
    placed = any(
        a.low in _PLACING_PREPOSITIONS and b.low in _SPECIFIC_DETERMINERS
        for a, b in itertools.pairwise(after)
    )
    subject = [t for t in clause.subject if t.is_word]
    of_someone = any(
        a.low in PREPOSITIONS and any(is_name(t) for t in subject[k + 1 :])
        for k, a in enumerate(subject)
    )  # "Drummers from the Mangueira school", "Porters of the Sherpa guild"
    return placed or of_someone


_PERSON_ENDING = re.compile(r"(?:er|or|ist|ian|ee)s?$")


def _person_like(tok: Token) -> bool:
    """A noun for a person by the lexicon or by its ending: "goalkeeper", "plotters",
    "spectator", "guitarist", "comedian", "trainee"."""
    return tok.is_lower and (names_people([tok]) or bool(_PERSON_ENDING.search(tok.low)))


#: Quantifiers that speak of people or things in general.
_GENERAL_QUANTIFIERS = words("most many few all every some any")


def _names_a_group(subject: Sequence[Token]) -> bool:
    """ "The" and a capitalised plural name: a band, a team ("The Rolling Stones")."""
    return (
        len(subject) > 1
        and subject[0].low == "the"
        and all(is_name(t) for t in subject[1:])
        and is_plural_noun(subject[-1])
    )


def _appositive_name(tokens: Sequence[Token]) -> bool:
    """Whether the subject is glossed by a name between commas, near the start: "The
    mayor's son, Tom Roe, waves ...", "A neighbor, Jane Doe, ..."."""
    comma = next((i for i, t in enumerate(tokens[:7]) if t.text == ","), 0)
    if not comma:
        return False
    window = range(comma + 1, min(len(tokens), comma + 6))
    close = next((j for j in window if tokens[j].text == ","), 0)
    inner = tokens[comma + 1 : close]
    return bool(close) and all(is_name(t) for t in inner)


#: Prepositions that set a scene at a spot: "at a memorial", "on a stretcher".
_SPOT_PREPOSITIONS = words("at in on near outside inside beside behind atop under")


def _scene_place(r: _Reading) -> int:
    """+1: the scene has a place: a named one ("in Aleppo", "on the outskirts of Kyiv"), a
    spot introduced as new ("at a makeshift memorial", "on a stretcher") or one owned by
    someone or something ("on the town's main street")."""
    tokens = r.tokens
    for i, tok in enumerate(tokens):
        if i == 0 or tok.low not in LOCATIVE_PREPOSITIONS:
            continue
        if any(is_name(t) for t in tokens[i + 1 : i + 5]):
            return 1
        following = [t.low for t in tokens[i + 1 : i + 3]]
        if tok.low in _SPOT_PREPOSITIONS and following[:1] in (["a"], ["an"]):
            return 1
        if tok.low in _SPOT_PREPOSITIONS and any(w.endswith("'s") for w in following):
            return 1  # "on the town's main street", "at the family's farm"
    return 0


_DATED = re.compile(
    r"\b" + MONTH + r"\s+\d{1,2}\b|(?:\bin|\bof|,)\s+\d{4}$|\b" + MONTH + r"\s+\d{4}$"
)


def _dated(r: _Reading) -> int:
    """+1: an agency-style date ("November 7", "Nov. 7, 2016", "in 2015" at the end).

    A bare weekday ("on Monday") does not count: body text dates its events that way too.
    """
    return 1 if _DATED.search(r.core) else 0


#: Prepositions that set a scene in time, as a place does: "Dejected players after the
#: final whistle", "Crowds during the parade".
_MOMENT_PREPOSITIONS = words("after before during")


def _reads_as_noun_phrase(tokens: Sequence[Token]) -> bool:
    """Whether a verbless sentence is a described scene: a noun phrase and its places.

    It opens a noun phrase, has a locative preposition (or one of a moment: "after the
    final ball", "during the parade") or a participle with its agent or
    material ("A cake decorated with roses"), the words before that read as one noun phrase
    (no adverb, no plural noun followed by another word), and no word of the main clause
    outside an "-ing" phrase takes an object ("Stocks fall sharply", "Negotiators resume
    talks", "Voters decide whether to ..." hide a verb this reading does not know).
    """
    if not tokens or len(tokens) > 30:
        return False
    first = tokens[0].low
    opens = first in DETERMINERS or first in NUMBER_WORDS or tokens[0].is_capitalised
    place_at = 0
    for i in range(1, len(tokens)):
        agent = tokens[i].low in {"with", "by"} and is_past_form(tokens[i - 1].low)
        if tokens[i].low in LOCATIVE_PREPOSITIONS | _MOMENT_PREPOSITIONS or agent:
            place_at = i
            break
    if not opens or not place_at:
        return False
    head = tokens[:place_at]
    if any(is_adverb(t) for t in head):
        return False
    for tok, nxt in itertools.pairwise(head):
        # not a verb: a participle ("Boats moored", "Children playing") or a noun ("virus")
        not_verb = is_ing(nxt) or is_past_form(nxt.low) or has_noun_suffix(nxt.low)
        not_verb = not_verb or nxt.low in PARTICLES | PLACE_ADVERBS  # "flowers ahead of"
        if (
            is_plural_noun(tok)
            and nxt.is_word
            and nxt.is_lower
            and nxt.low not in CLOSED_CLASS
            and not not_verb
        ):
            return False
    ends_main = SUBJECT_RELATIVES | OTHER_RELATIVES | CLAUSE_SUBORDINATORS
    end = next(
        (
            i
            for i, t in enumerate(tokens)
            if i and (t.text == "," or t.low in ends_main or opens_subordinate(tokens, i))
        ),
        0,
    )
    for tok, nxt in itertools.pairwise(tokens[: end + 1] if end else tokens):
        takes_object = nxt.low in DETERMINERS or nxt.low in {"to", "whether", "that"}
        # "-ing" phrases take objects ("holding a sign"); "-ed" ones only "to" ("chained to")
        participle = is_ing(tok) or (is_past_form(tok.low) and nxt.low == "to")
        if tok.is_lower and tok.low not in CLOSED_CLASS and not participle and takes_object:
            return False
    return True


def _noun_phrase(r: _Reading) -> int:
    """+1: no finite verb, and the text is a described scene ("The aftermath of the blast ...")."""
    return 1 if r.noun_phrase else 0


def _stative_verb(r: _Reading) -> int:
    """-2: the main verb states a condition ("remains", "is", "has", "faces", "takes place",
    a status such as "are closed" or "is based in"), or where a known thing is ("The city
    sits on a fault line", "The town lies in a valley")."""
    form = r.clause.form
    if form in {VerbForm.COPULA, VerbForm.HAVE}:
        return -2
    status = _passive_participle(r.clause) in STATIVE_PARTICIPLES
    if status and r.clause.lemma not in ACTION_VERBS:  # "Schools are closed", "is based in"
        return -2
    if form is not VerbForm.PRESENT:
        return 0
    if r.clause.lemma in STATIVE_VERBS:
        return -2
    following = r.clause.after[0].low if r.clause.after else ""
    if r.clause.lemma == "take" and following in {"place", "effect"}:
        return -2
    if r.clause.lemma in _POSTURE_VERBS and _known_thing(r.clause.subject):
        return -2
    return 0


#: Verbs that say where a thing is, or how it lies or covers a place.
_POSTURE_VERBS = words("sit stand lie rest hang")


def _known_thing(subject: Sequence[Token]) -> bool:
    """Whether a subject is a thing the story already knows, by "the" and common nouns
    ("The city", "The town of Leland" lies in a valley): where it is, is a fact about it.
    Not people, not a named thing ("The Ocean Serenade"), not a thing introduced by "of a"
    ("The carcass of a cow")."""
    words_ = [t for t in subject if t.is_word]
    if not words_ or words_[0].low != "the" or names_people(subject):
        return False
    head = subject_head(words_)
    if head is None or is_name(head):
        return False
    return not any(a.low == "of" and b.low in {"a", "an"} for a, b in itertools.pairwise(words_))


def _scene_verb(r: _Reading) -> int:
    """+1: a thing lies, stands or hangs somewhere, or covers or lines a place ("Charred
    beams lie across the pews", "Tents line a hillside", "Floodwaters cover farmland"): a
    scene a camera sees, unless it is where a known thing is (``_known_thing``)."""
    clause = r.clause
    if clause.form is not VerbForm.PRESENT or names_people(clause.subject):
        return 0
    if not clause.after or _known_thing(clause.subject):
        return 0
    placed = clause.lemma in _POSTURE_VERBS and clause.after[0].low in _PLACING_PREPOSITIONS
    covers = clause.lemma in COVERING_VERBS and clause.after[0].is_lower
    return 1 if placed or covers else 0


def _event_verb(r: _Reading) -> int:
    """-2: the main verb reports an outcome ("kills", "approves", "seizes"), as headlines do."""
    return -2 if r.clause.lemma in EVENT_VERBS else 0


_STATISTIC = re.compile(
    r"%|\bper ?cent(?:age)?\b|[$€£¥]\s?\d|\b(?:million|billion|trillion|points|polls?|survey|"
    r"per capita|average|median|toll|rate|tally)\b",
    re.IGNORECASE,
)


def _statistics(r: _Reading) -> int:
    """-2 for figures and polls ("four points", "40%", "$3 million"); -1 for a bare count.

    "Poll" before a person noun names people, not a figure ("poll workers", "poll watchers").
    Not counts: years, dates, ordinals and decades ("17th", "1990s"), and numbers that are
    part of a name ("Route 66", "iPhone 7", "Apollo 11").
    """
    tokens = r.tokens
    for match in _STATISTIC.finditer(r.core):
        if match.group(0).lower() not in {"poll", "polls"}:
            return -2
        after = r.core[match.end() :].split()[:1]
        if not names_people(tokenize(after[0]) if after else []):
            return -2
    for i, tok in enumerate(tokens):
        text = tok.text
        if not (text[0].isdigit() and text[-1].isdigit()) or "-" in text or ":" in text:
            continue  # not a bare number: "17th", "1990s", "5-year-old", "10:30"
        prev = tokens[i - 1] if i else tok
        year = len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2099
        named = i and (is_name(prev) or any(c.isupper() for c in prev.text[1:]))
        numbered = prev.low.rstrip(".") in MONTH_WORDS | {"no", "route", "highway", "number"}
        if not (year or named or numbered):
            return -1
    return 0


_HEDGE = re.compile(
    r"\b(?:likely|unlikely|reportedly|apparently|allegedly|purportedly|possibly|probably|"
    r"perhaps|maybe|presumably|supposedly|seemingly|estimated|expected to|believed to|"
    r"thought to|appears? to|seems? to)\b",
    re.IGNORECASE,
)


def _hedge(r: _Reading) -> int:
    """-2: hedges and estimates ("likely", "reportedly", "expected to") belong to reporting."""
    return -2 if _HEDGE.search(r.core) else 0


_DEICTIC_TIME = re.compile(
    r"\b(?:now|currently|still|already|so far|no longer|any ?more|to date|as of|yet|today|"
    r"this (?:morning|week|month|year))\b",
    re.IGNORECASE,
)


def _deictic_time(r: _Reading) -> int:
    """-2: "now", "still", "so far", "today": the writer's time, not a moment in a photo."""
    return -2 if _DEICTIC_TIME.search(r.core) else 0


_HABITUAL = re.compile(
    r"\b(?:every (?:\w+ )?(?:minutes|hours|days|weeks|months|years)|"
    r"(?:every|each) (?:other )?(?:day|night|week|weekend|month|year|morning|afternoon|"
    r"evening|season|spring|summer|autumn|fall|winter|" + WEEKDAY + r"|" + MONTH + r")|"
    r"on " + WEEKDAY + r"s|(?:once|twice|\w+ times) a (?:day|week|month|year)|"
    r"most (?:days|nights|mornings|evenings|weekends)|"
    r"\w+s (?:a|per) (?:day|night|week|month|year)(?! (?:after|before|later|earlier|ago))|"
    r"daily|nightly|weekly|usually|regularly|(?:a)?round the clock|day and night|night and day|"
    r"routinely|always|typically|often|frequently|normally|generally|sometimes|seldom|rarely)\b",
    re.IGNORECASE,
)


#: A time of year with no year and no day: "in October", "in spring", "during the winter".
_TIME_OF_YEAR = re.compile(
    r"\b(?:in|during) (?:the )?(?:spring|summer|autumn|fall|winter|" + MONTH + r")"
    r"(?!,? (?:\d|of \d))(?! (?:of|when|before|after) )\b"
)
#: The same noun on both sides of "from ... to": "from bar to bar", "from door to door".
_ROUND = re.compile(r"\bfrom (\w+) to \1\b", re.IGNORECASE)


def _habitual(r: _Reading) -> int:
    """-2: habits and routines ("every night", "every Friday", "every three hours", "on
    Sundays", "twice a day", "five mornings a week", "six hours a day", "usually", "around
    the clock"), a round
    ("wander from bar to bar", "go from door to door") and a state in a time of year with
    no year ("is deserted in October", "are crowded in summer"): a photo shows one moment.
    A verbless caption or an action dated by its month stays ("The lights over Hamnøy in
    February", "... in a photo taken in May")."""
    core = r.core
    state = r.clause.form in {VerbForm.PRESENT_PASSIVE, VerbForm.COPULA}
    seasonal = state and _TIME_OF_YEAR.search(core) is not None
    return -2 if _HABITUAL.search(core) or _ROUND.search(core) or seasonal else 0


#: A life rather than a moment: "lives in Bamako", "works as a nurse", "serves as mayor".
_BIOGRAPHY = {"live": ("in", "on", "with", "alone"), "work": ("as",), "serve": ("as",)}


def _biography(r: _Reading) -> int:
    """-2: where someone lives or what they work as ("Diallo lives in Bamako", "She works as
    a cook"): a fact of a life that the story tells, not a moment a photo shows."""
    following = r.clause.after[0].low if r.clause.after else ""
    return -2 if following in _BIOGRAPHY.get(r.clause.lemma or "", ()) else 0


def _known_person(r: _Reading) -> int:
    """-1: the subject is one name, the surname of someone the article named in full
    before ("Jenkins trains ..." after "Harold Jenkins"): body prose goes on about a person
    already introduced, where a caption gives the full name."""
    subject = [t for t in r.clause.subject if t.is_word]
    if len(subject) != 1 or not is_name(subject[0]):
        return 0
    return -1 if subject[0].text.split("'")[0].split("’")[0] in r.known_names else 0


_APPROXIMATE = re.compile(
    r"\b(?:about|around|roughly|nearly|almost|some|more than|less than|fewer than|at least|"
    r"up to|at a (?:speed|rate|cost|depth|height) of)\s+[$€£]?\d",
    re.IGNORECASE,
)


def _approximate_figure(r: _Reading) -> int:
    """-1: an approximate or measured figure ("about 5 knots", "at least 14 people", "at a
    speed of 20 knots"): a reported quantity. It adds to ``_statistics``."""
    return -1 if _APPROXIMATE.search(r.core) else 0


_FUTURE_TIME = re.compile(
    r"\b(?:next (?:week|weekend|month|year|season|spring|summer|autumn|fall|winter|"
    + WEEKDAY
    + r")|tomorrow|tonight|later (?:this|today)|"
    r"this (?:evening|afternoon|weekend)|upcoming|in the coming|soon)\b",
    re.IGNORECASE,
)


def _future_time(r: _Reading) -> int:
    """-2: a future time ("next week", "tomorrow"): scheduled events are not photographed."""
    return -2 if _FUTURE_TIME.search(r.core) else 0


def _negation(r: _Reading) -> int:
    """-2: negation ("not", "never", "no longer"): a photo shows what is there."""
    negative = {"not", "never", "nobody", "nothing", "neither", "nor"}
    return -2 if any(t.low in negative or t.low.endswith("n't") for t in r.tokens) else 0


#: Prepositions that place a described thing ("boats in the harbor", "a man on a stretcher");
#: "of", "to" and "from" link nouns or name a goal or a source instead.
_SCENE_PREPOSITIONS = LOCATIVE_PREPOSITIONS - {"of", "to", "from"}


def _scene_phrase(r: _Reading) -> int:
    """+1: a verbless text that places a thing in a scene, directly or through a participle:
    "Fishing boats in the harbor", "Children playing in the snow", "Boats moored at dusk",
    "A portrait of the victim, shown to jurors in court".

    The opening noun phrase may run on through "of" ("A photo of the victim"); it must not
    open with a quantifier ("More on that later") and the place must not be a pronoun.
    """
    tokens = r.tokens
    if not r.noun_phrase:
        return 0
    opener = tokens[0].low
    if opener in DETERMINERS - {"a", "an", "the"} - OBJECT_PRONOUNS:
        return 0
    for i in range(1, len(tokens)):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.text == ",":
            continue
        if tok.is_lower and (is_ing(tok) or is_past_form(tok.low)):
            has_object = nxt is not None and nxt.low in DETERMINERS and not is_ing(tok)
            placed = any(t.low in PREPOSITIONS for t in tokens[i + 1 :])
            return 1 if placed and not has_object else 0
        if tok.low in _SCENE_PREPOSITIONS:
            placed = nxt is not None and nxt.low not in PERSONAL_PRONOUNS | DEMONSTRATIVES
            return 1 if placed else 0
        noun_phrase_word = tok.is_word and tok.low not in CLOSED_CLASS
        if not (noun_phrase_word or tok.low == "of" or tok.low in DETERMINERS):
            return 0
    return 0


_BARE_WEEKDAY = re.compile(
    r"(?<!\bon )(?<!, )(?<!\()(?<!\bearly )(?<!\blate )\b"
    + WEEKDAY
    + r"\b(?!['’]s)(?!,? (?:"
    + MONTH
    + r"))",
)


def _bare_weekday(r: _Reading) -> int:
    """-2: a weekday without "on" and without a date ("NASA holds a briefing Monday", "The
    council meets Sunday"): the news-story way of dating an event. Captions write "on
    Monday", "on Monday, November 7", "Monday, Nov. 7, 2016" or, for the hour of a photo,
    "early Monday"."""
    return -2 if _BARE_WEEKDAY.search(r.core) else 0


#: Subordinators whose clause tells what happened before: "after", "since", "because".
_CAUSAL_SUBORDINATORS = words("after since because")


def _past_event_clause(r: _Reading) -> int:
    """-1: an "after"/"since"/"because" clause with a past-tense verb ("... after a group of
    protesters sprayed graffiti"): a story of what happened. Captions do say "after a
    tornado hit the town", so this only weighs against; "after returning" has no tense.
    -2 after a progressive main verb ("Police are patrolling the city after clashes broke
    out"): a situation under way since an event, as a report tells it."""
    tokens = r.tokens
    for i, tok in enumerate(tokens):
        if i == 0 or tok.low not in _CAUSAL_SUBORDINATORS:
            continue
        rest = itertools.takewhile(lambda t: t.text != ",", tokens[i + 1 :])
        clause = analyse_clause(" ".join(t.text for t in rest))
        if clause.form in {VerbForm.PAST, VerbForm.PERFECT}:
            return -2 if r.clause.form is VerbForm.PRESENT_PROGRESSIVE else -1
    return 0


def _bare_plural_subject(r: _Reading) -> bool:
    """Whether the subject is a plural without determiner or name: "Residents", "Police",
    "Health officials", "French and Belgian police", "Victims' families" (people in
    general, not the ones in a photo). A name makes them particular ("Residents of Leland",
    "Clinton and her aides"), unless it modifies a noun ("Iraqi troops", "French and
    Belgian police")."""
    subject = [t for t in r.clause.subject if t.is_word]
    if not subject or subject[0].low in DETERMINERS or is_number(subject[0]):
        return False
    return subject_is_plural(subject) and not _names_someone(subject)


def _names_someone(subject: Sequence[Token]) -> bool:
    """Whether a name after the first word makes a subject particular ("Residents of
    Leland", "Clinton and her aides"); a name that modifies a noun does not ("Iraqi
    troops", "French and Belgian police")."""
    names = (k for k in range(1, len(subject)) if is_name(subject[k]))
    return not all(_modifies_noun(subject, k) for k in names)


def _modifies_noun(words: Sequence[Token], k: int) -> bool:
    """Whether the name at ``k`` modifies a common noun after it, directly or through
    "and"/"or" and another such name: "Iraqi troops", "French and Belgian police"."""
    nxt = words[k + 1] if k + 1 < len(words) else None
    if nxt is None:
        return False
    if nxt.low in {"and", "or"} and k + 2 < len(words) and is_name(words[k + 2]):
        return _modifies_noun(words, k + 2)
    return nxt.is_lower and nxt.low not in CLOSED_CLASS


def _ongoing_situation(r: _Reading) -> int:
    """-1: a bare plural doing something in the progressive ("Police are investigating",
    "Officials are searching for ...", "Residents are drawing water"): an ongoing situation
    as reported, where a caption shows a moment in the simple present. -2 for the passive
    progressive of a plural not counted out ("Residents are being evacuated", "The
    families are being flown to ...", "Hundreds of people are being housed ..."): an
    arrangement under way, which a caption would show as "A woman is helped onto a bus"
    or "Two men are being treated ..."."""
    passive = r.clause.form is VerbForm.PRESENT_PASSIVE
    if passive and any(t.low == "being" for t in r.clause.after):
        subject = [t for t in r.clause.subject if t.is_word]
        counted = bool(subject) and (subject[0].low in {"a", "an"} or is_count(subject[0]))
        plural = subject_is_plural(subject) and not counted
        return -2 if plural and not _names_someone(subject) else 0
    progressive = r.clause.form is VerbForm.PRESENT_PROGRESSIVE
    return -1 if progressive and _bare_plural_subject(r) else 0


#: Words that single out a thing or a place: "a survivor", "the rubble", "their homes".
_SPECIFIC_DETERMINERS = words("a an the this that these those his her its their our")


def _generic_statement(r: _Reading) -> int:
    """-1: people in general doing things in general: a bare plural subject and nothing
    singled out after it, no determiner, no name, no photo reference ("Residents draw water
    from wells", "Rescuers are working in teams of five"). "Rescuers pull a survivor from
    the rubble" singles out a survivor and the rubble: that is a photo."""
    if r.clause.form is VerbForm.NONE or not _bare_plural_subject(r) or _has_photo_evidence(r):
        return 0
    rest = r.clause.after
    specific = any(t.low in _SPECIFIC_DETERMINERS or is_name(t) for t in rest)
    return 0 if specific else -1


def _second_clause(r: _Reading) -> int:
    """-2: a comma and a conjunction open a second clause with its own subject and verb
    ("Bangladesh is crossed by rivers, and millions of people rely on ferries"): a general
    statement in two parts, where a caption describes one scene. A list ("food, water, and
    blankets") or a second verb of the same subject (", and waves") is not one."""
    tokens = r.tokens
    for i in range(1, len(tokens) - 2):
        if tokens[i - 1].text != "," or tokens[i].low not in CONJUNCTIONS:
            continue
        opener = tokens[i + 1]
        if not opener.is_word or is_past_form(opener.low) or is_ing(opener):
            continue
        if opener.is_lower and verb_lemma(opener.low) in KNOWN_VERBS:
            continue  # a second verb of the same subject: ", and waves to ..."
        clause = analyse_clause(" ".join(t.text for t in tokens[i + 1 :]))
        if clause.form is not VerbForm.NONE and any(t.is_word for t in clause.subject):
            return -2
    return 0


#: A relative clause after a comma: ", which flows", ", where it irrigates", ", who ...".
_COMMA_RELATIVE = re.compile(r",\s+(?:which|where|who|whose|whom)\b", re.IGNORECASE)


def _chained_clauses(r: _Reading) -> int:
    """-2: two or more relative clauses after commas, one hung on the other ("The meltwater
    feeds the river, which flows to the coast, where it irrigates farms"): a chain of
    explanation, as body prose builds it; a caption shows one scene and names it."""
    return -2 if len(_COMMA_RELATIVE.findall(r.core)) >= 2 else 0


_CUES: tuple[tuple[str, Callable[[_Reading], int]], ...] = (
    ("photo_reference", _photo_reference),
    ("credit", _credit),
    ("depictive_verb", _depictive_verb),
    ("present_passive", _present_passive),
    ("placed_thing", _placed_thing),
    ("scene_verb", _scene_verb),
    ("concrete_subject", _concrete_subject),
    ("scene_place", _scene_place),
    ("dated", _dated),
    ("noun_phrase", _noun_phrase),
    ("scene_phrase", _scene_phrase),
    ("stative_verb", _stative_verb),
    ("event_verb", _event_verb),
    ("statistics", _statistics),
    ("hedge", _hedge),
    ("deictic_time", _deictic_time),
    ("habitual", _habitual),
    ("biography", _biography),
    ("known_person", _known_person),
    ("approximate_figure", _approximate_figure),
    ("future_time", _future_time),
    ("negation", _negation),
    ("bare_weekday", _bare_weekday),
    ("past_event_clause", _past_event_clause),
    ("ongoing_situation", _ongoing_situation),
    ("generic_statement", _generic_statement),
    ("second_clause", _second_clause),
    ("chained_clauses", _chained_clauses),
)


#: Cues that anchor the text in a scene: someone or something seen, somewhere named, a photo.
SCENE_CUES = words(
    "photo_reference credit concrete_subject placed_thing scene_verb scene_place noun_phrase "
    "scene_phrase dated"
)


# --- The decision ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptionEvidence:
    """Why a paragraph was, or was not, taken as a photo caption.

    ``vetoes`` are the hard rules it broke (``"tense: past-tense main verb 'fled'"``);
    ``cues`` the scored signs that applied, as ``(name, weight)``. A paragraph is a caption
    when it has no veto, ``score >= CAPTION_THRESHOLD``, and at least one cue of
    ``SCENE_CUES`` anchors it in a scene (``anchored``). ``text`` and ``credit`` are the
    caption proper and its split-off credit.
    """

    is_caption: bool
    text: str
    credit: str | None
    score: int
    vetoes: tuple[str, ...] = ()
    cues: tuple[tuple[str, int], ...] = ()
    verb_form: VerbForm = VerbForm.NONE
    main_verb: str | None = None
    anchored: bool = False
    threshold: int = CAPTION_THRESHOLD

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every veto and cue as one readable line each, then the verdict's arithmetic."""
        cues = tuple(f"{name} {weight:+d}" for name, weight in self.cues)
        anchor = () if self.anchored else ("no scene anchor (subject, place or photo)",)
        return (*self.vetoes, *cues, *anchor, f"score {self.score} (needs {self.threshold})")


def caption_evidence(paragraph: str, known_names: frozenset[str] = frozenset()) -> CaptionEvidence:
    """Judge one paragraph: is it a photo caption, and on what evidence.

    ``known_names`` are the surnames of people the article named in full before this
    paragraph (``surnames``): a subject that is one of them alone weighs against."""
    flat = " ".join(paragraph.split())
    if not flat or len(flat) > 4 * MAX_CHARS:  # not worth reading word by word
        veto = "length: empty" if not flat else "length: far too long for a caption"
        return CaptionEvidence(False, flat, None, 0, (veto,))
    reading = _read(flat, known_names)
    vetoes = tuple(
        f"{name}: {detail}" for name, rule in _VETOES if (detail := rule(reading)) is not None
    )
    cues = tuple((name, weight) for name, rule in _CUES if (weight := rule(reading)))
    score = sum(weight for _, weight in cues)
    anchored = any(name in SCENE_CUES and weight > 0 for name, weight in cues)
    return CaptionEvidence(
        is_caption=not vetoes and anchored and score >= CAPTION_THRESHOLD,
        text=reading.text,
        credit=reading.credit,
        score=score,
        vetoes=vetoes,
        cues=cues,
        verb_form=reading.clause.form,
        main_verb=reading.clause.verb,
        anchored=anchored,
    )


_FULL_NAME = re.compile(r"\b[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+)+")


def surnames(text: str) -> frozenset[str]:
    """The last words of full names in ``text`` ("Harold Jenkins" gives "Jenkins"): runs of
    two or more capitalised words that do not open with a function word ("The Hague")."""
    found = set()
    for match in _FULL_NAME.finditer(text):
        parts = match.group(0).split()
        while parts and parts[0].lower() in CLOSED_CLASS:
            parts = parts[1:]
        if len(parts) > 1:
            found.add(parts[-1].split("'")[0].split("’")[0])
    return frozenset(found)


def is_caption(paragraph: str) -> bool:
    """Whether one paragraph reads as a photo caption (see ``caption_evidence`` for why)."""
    return caption_evidence(paragraph).is_caption

"""Is this paragraph of a plain-text article a photo caption? A small learned model, explained.

Plain-text articles carry their photos' captions as paragraphs among the body text. This
module judges one paragraph, knowing what stands just before and after it (``Surroundings``),
and says whether it is a caption and why. Precision comes first: a body paragraph taken for
a caption is cut out of the article, so when unsure the answer is "body". It also says which
paragraphs only mark a figure (``figure_marker``: "Image", "Image source, Reuters", a credit
standing alone) and which are a name alone (``name_line``: a credit beside a caption).

How it decides:

1. The paragraph is read (``read_paragraph``): a credit is split off by
   ``archiver.extract.credits.split_credit`` ("(AP Photo/X)", "Photograph: X", "Credit...X",
   a credit on a line of its own), then a photo lead ("In this file photo,", "FILE -",
   "From left,"); the first sentence is tagged by
   ``archiver.extract.tagging`` (the only door to the language tools) and its main verb is
   found: present ("A man walks", "Soldiers are reunited"), past, perfect, modal, or none
   ("The aftermath of the blast in Brussels.").
2. Rules first: ``body_rule`` makes body text of a paragraph under 3 or over 80 words, one
   after a video or audio marker (``media_marker``: the clip's title or description) and a
   copyright notice; ``caption_rule`` makes a caption of a paragraph the page labels one
   ("Image caption, ..."), of one with a credit of its own, and of a sentence without a
   final stop beside a figure marker or a credit line (as BBC pages print captions). A
   caption label ("Photo: ...") is no part of the caption. A paragraph that speaks of its
   own picture ("in this photo", "... Pictured: ...": ``speaks_of_its_picture``) is a
   caption too, though printed bare; so is, in an article that prints its captions bare, a
   line without a final stop named as a caption names (``unstopped_caption``: "Jane Doe, 67,
   ...") or a person's name, as a portrait is captioned (``person_named``: "Head librarian
   Colin Tewksbury"), or a short stopped phrase without a verb naming what its picture shows
   (``named_thing``: "Grilled squid skewers."); in such an article, and in the pass that
   asks whether an article is one, a sentence without its stop but too long for a heading,
   or a verbless line placing what it shows ("Fresh loaves on a bakery shelf in Porthaven"),
   is judged by the model as if it had one (``unstopped_sentence``); and there two
   sentences, the first naming without a verb what a photograph of a year shows and the
   model finding it likely alone, are a caption and its context (``dated_photo_named``:
   "Mill workers in 1951. At its peak, ...").
3. Otherwise some fifty yes/no cues are computed (``FEATURES``): a figure marker just
   before, a credit standing alone just after; the tense; a pronoun or a fronted clause
   before the subject; speech in quotation marks; a reporting verb; first, second or third
   person; an adverb tying the sentence to the story ("then", "now", "also");
   a missing final stop; sentences and length; a place, a date; future time; numbers; ...
   and each word of the first sentence is a cue of its own (``WORD_CUE``).
4. A logistic model weighs the cues (weights in ``caption_model.json``, learned offline by
   ``benchmarks/train_caption_model.py`` from labelled articles; evaluated here in plain
   Python). The paragraph is a caption when the probability reaches the model's threshold,
   which was set for precision. A paragraph without a credit, a label or a marker needs the
   higher ``strict_threshold`` in an article where a scene of the story written like a
   caption is likelier than a caption printed so (``Surroundings.wary``): one that credits
   its captions (most of those it holds carry a credit, a label or a marker), and one where
   the model alone would take only one or two paragraphs (an article that prints its
   captions bare prints several; one or two such sentences are likelier the story's own).
   An article that does print its captions bare, several of them, is read by a second model
   too (``caption_model_bare.json``, ``Surroundings.bare_article``), trained only on such
   articles: there a scene opening "The ..." is a caption as often as not, where among all
   publishers' body text it is mostly a sentence of the story. It has cues of its own
   (``BARE_ARTICLE_CUES``: a paragraph's size against the paragraphs around it), and the
   reader counts the paragraphs it takes to tell whether an article prints its captions bare
   at all.

``caption_evidence`` returns the decision with every cue's contribution, largest first (or
the rule that decided), so a maintainer can read why. The model covers English only:
``MODEL_LANGUAGES``; the caller (``archiver.extract.plaintext``) detects the language first
and asks nothing otherwise.
Pure: no disk beyond the packaged weights, no network.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources

from archiver.extract.credits import ABBREVIATIONS, credit_line, split_credit
from archiver.extract.tagging import Token, is_dictionary_word, main_verb, tag

__all__ = [
    "BARE_ARTICLE_CUES",
    "CAPTION_LIKE_HEADING_WORDS",
    "FEATURES",
    "MODEL_FILES",
    "MODEL_LANGUAGES",
    "WORD_CUE",
    "CaptionEvidence",
    "Marker",
    "Reading",
    "Surroundings",
    "body_rule",
    "byline_at",
    "caption_evidence",
    "caption_features",
    "caption_rule",
    "dated_photo_named",
    "figure_marker",
    "media_marker",
    "name_line",
    "named_thing",
    "names_the_writer",
    "outside_quotations",
    "person_named",
    "read_paragraph",
    "rights_notice",
    "speaks_of_its_picture",
    "split_sentences",
    "unstopped_caption",
    "unstopped_sentence",
]

#: Languages the caption model was trained on.
MODEL_LANGUAGES = frozenset({"en"})
#: Outside these sizes (words) a paragraph is body text without asking the model.
MIN_WORDS, MAX_WORDS = 3, 80
#: The tags of nouns, common and proper, one or many.
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- Figure markers -----------------------------------------------------------------------------

_MARKER_WORDS = re.compile(r"(?:Image|Photo|Picture|Photograph|Gallery|Slideshow|Foto)s?\s*:?")
_SOURCE_LABEL = re.compile(r"(?:Image|Photo|Picture) source\s*[,:]", re.IGNORECASE)


@dataclass(frozen=True)
class Marker:
    """A paragraph that only marks a figure: neither a heading nor a caption.

    ``kind`` is "figure" for a line announcing the figure that follows ("Image", "Photo",
    "Image source, Reuters"), and "credit" for a credit standing alone ("Getty Images",
    "Credit...Jane Doe", "Photograph by X for The Atlantic"), which belongs to the caption
    beside it: the one before it, or else the one after.
    """

    kind: str
    credit: str | None


def figure_marker(paragraph: str) -> Marker | None:
    """The figure marker a paragraph is (see ``Marker``), or None for any other paragraph."""
    text = " ".join(paragraph.split())
    if _MARKER_WORDS.fullmatch(text):
        return Marker("figure", None)
    credit = credit_line(text) or (text if _photographer_for(text) else None)
    if credit is None or len(text.split()) > 12:
        return None
    return Marker("figure" if _SOURCE_LABEL.match(text) else "credit", credit)


def name_line(paragraph: str) -> str | None:
    """The name, when a paragraph is only a name of two to five words that opens with a first
    name ("Ben Olender", "Panos Pictures", "Los Angeles Times"): below a caption, its credit."""
    text = " ".join(paragraph.split())
    if not _NAME.fullmatch(text) or not _first_name(text.split()[0]):
        return None
    nouns = all(t.tag in _NOUN_TAGS for t in tag(text) if t.text[0].isupper())
    return text if nouns else None  # not "Kingsbridge Left Behind"


#: A line announcing a video or audio clip: "Play Video", "Watch video 02:14", "Duration 2:14",
#: "Audio · 6:32", "Video, 01:30", "Listen duration 3:48", "4-Minute Listen", "Media
#: caption," (a clip's caption follows on the line).
_MEDIA_MARKER = re.compile(
    r"(?:(?:Play|Watch|Listen to)\s+)?(?:Video|Audio|Clip|Podcast)\b[\s.,:·|-]*"
    r"(?:Duration\s*:?\s*)?(?:[\d:'\"]+(?:\s*(?:min|minutes?|seconds?|secs?)\b)?\s*)*"
    r"|(?:Watch|Listen)(?:\s+duration)?\s*[·|,:]?\s*\d[\d:'\"]*.*"
    r"|\d+[- ]minute (?:Listen|Watch)"
    r"|Duration\s*:?\s*\d.*"
    r"|Media caption\b.*",
    re.IGNORECASE,
)


def media_marker(paragraph: str) -> bool:
    """Whether a paragraph announces a video or audio clip ("Play Video. Duration: 1 minute 24
    seconds", "Watch video 02:14", "Audio · 6:32", "Media caption, ..."): the paragraph after
    it is the clip's title or description, not a photo's caption."""
    return bool(_MEDIA_MARKER.fullmatch(" ".join(paragraph.split())))


_NAME = re.compile(r"[A-Z][a-z'’-]+(?: (?:[A-Z][\w.'’-]+|de|van|von|bin|al)){1,4}")


def _first_name(word: str) -> bool:
    """Whether a capitalised word reads as a first name: a proper noun that is no English
    word ("Erin", not "Mark" or "Ten")."""
    return not is_dictionary_word(word) and tag(word)[0].tag == "NNP"


#: A photographer working for a publication: "Erin Hageman for Public Radio North".
_WORKING_FOR = re.compile(
    r"(?P<first>[A-Z][a-z'’-]+)(?: [A-Z][\w.'’-]+){1,2} for [A-Z][\w'’&.-]*"
    r"(?: (?:[A-Z][\w'’&.-]*|of|and|the|de)){0,5}"
)


def _photographer_for(text: str) -> bool:
    """Whether a line names a photographer for a publication (``credits.credit_line`` knows
    "... for The X"): its first word is a first name, not an English word ("Ten Reasons for
    Hope", "Vote Leave for Change")."""
    match = _WORKING_FOR.fullmatch(text)
    if not match:
        return False
    return _first_name(match.group("first"))


# --- Sentences and the photo lead ----------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
#: Abbreviations whose full stop ends no sentence ("Brig. Gen. Jane Doe", "Nov. 7").


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations and initials ("U.S.", "John F.
    Kennedy", "Nov. 7") inside theirs."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = re.search(r"([\w.]*)\.$", text[start : match.start() + 1])
        word = before.group(1) if before else ""
        if word and (
            "." in word or (len(word) == 1 and word.isupper()) or word.lower() in ABBREVIATIONS
        ):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    return [s for s in [*sentences, tail] if s]


_PHOTO_LEAD = re.compile(
    r"^(?:In (?:this|these|an?|the)\b[^,]{0,80}?\b(?:photos?|photographs?|pictures?|images?|"
    r"handout|frame grab|screenshot|still|view|sketch|drawing|rendering)\b[^,]{0,80},\s*"
    r"(?:\d{4},\s*)?"
    r"|FILE(?: PHOTO)?\s*[-–—:]\s*"
    r"|\(?(?:from )?(?:left to right|right to left|L-R|R-L|left|right)\)?\s*[,:]\s*"
    r"|(?:Pictured|Above|Top|Below|Main image|Main picture|Inset)\s*[,:]\s*"
    r"|(?:Photo|Picture|Image)\s*:\s*)",
    re.IGNORECASE,
)


def strip_photo_lead(text: str) -> tuple[str, bool]:
    """Remove a photo lead ("In this file photo, ...", "FILE - ...", "From left, ..."):
    ``(rest, whether one was there)``."""
    match = _PHOTO_LEAD.match(text)
    if not match or match.end() >= len(text):
        return text, False
    rest = text[match.end() :]
    return rest[:1].upper() + rest[1:], True


# --- Reading a paragraph ---------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """A paragraph prepared for the cues: its caption text, credit, sentences, tagged words."""

    text: str  # the paragraph without its credit and a caption label ("Photo: ")
    credit: str | None
    photo_lead: bool
    sentences: tuple[str, ...]
    tokens: tuple[Token, ...]  # the first sentence, tagged (without the photo lead)
    main_verb: int | None  # index into ``tokens`` of the main clause's finite verb
    tense: str  # "present", "past", "perfect", "modal" or "none"
    position_aside: bool  # ", left," or "(center)": who stands where in the photo
    caption_label: bool  # the page said so ("Image caption, ...", "hide caption"): a rule


_FINITE = {"VBZ", "VBP", "VBD", "MD"}
#: Where someone stands in a group photo: "Jane Doe, left, and ...", "John Roe (center)".
_POSITION_ASIDE = re.compile(
    r"(?:,\s*|\s*\()(?:(?:far|second|third|back|front|top|bottom|middle|bottom|top)[ -])?"
    r"(?:left|right|center|centre|front|back|top|bottom|middle)(?:\s*,|\))",
    re.IGNORECASE,
)
_RELATIVE = {"who", "which", "that", "whose", "whom", "where", "when"}
_CAPTION_LABEL = re.compile(
    r"\s*(?:(?:(?:Image|Photo|Picture) )?caption\s*[,:]|pictured\s*:)", re.IGNORECASE
)
#: The same label at a caption's end, as a button to fold it away ("... in 1963. hide caption"),
#: with a gallery's counter in older galleries, glued to the caption ("... 1400s.Hide Caption 1
#: of 8") or on a line of its own.
_CAPTION_BUTTON = re.compile(
    r"(?:^|\s|(?<=[.!?\"”’]))(?:hide|toggle) caption(?:\s*\d+\s*(?:of|/)\s*\d+)?\s*$",
    re.IGNORECASE,
)


#: A label naming the paragraph a photo's caption: "Photo: A man walks ...", "Caption: ...",
#: "Pictured: Jane Doe with ...", "Top image: ..." (the lead photo's caption, printed at the
#: story's end).
_LABEL_BEFORE_CAPTION = re.compile(
    r"(?:Top image|Photo|Picture|Pictured|Image|Caption)\s*:\s+(?=[\"“‘'(]?[A-Z0-9])"
)


def _without_caption_label(text: str) -> str:
    """The text without a leading caption label ("Photo: Floodwater covers ..."): a label,
    not part of the caption; a credit after such a label ("Photo: Jane Doe") is left to
    ``figure_marker``, so the rest must be a sentence of at least ``MIN_WORDS`` words."""
    match = _LABEL_BEFORE_CAPTION.match(text)
    if not match or len(text[match.end() :].split()) < MIN_WORDS:
        return text
    return text[match.end() :]


@lru_cache(maxsize=4096)
def read_paragraph(paragraph: str) -> Reading:
    """Split off the credit and photo lead, split the sentences, tag the first one and find
    its main verb: the first finite verb outside a relative clause ("A man who fled the
    fighting *uses* ...": ``tagging.main_verb``). Remembered: the reader asks again of a
    paragraph in each of its passes over an article."""
    text, credit = split_credit(paragraph)
    text = _without_caption_label(text)
    core, lead = strip_photo_lead(text)
    core, asides = _POSITION_ASIDE.subn("", core)
    sentences = tuple(split_sentences(core))
    tokens = tag(sentences[0]) if sentences else ()
    main = main_verb(tokens)
    labelled = bool(_CAPTION_LABEL.match(paragraph) or _CAPTION_BUTTON.search(paragraph))
    return Reading(
        text, credit, lead, sentences, tokens, main, _tense(tokens, main), asides > 0, labelled
    )


def _tense(tokens: tuple[Token, ...], main: int | None) -> str:
    if main is None:
        return "none"
    verb = tokens[main]
    following = [t for t in tokens[main + 1 : main + 4] if t.tag not in {"RB", "RBR"}]
    participle = bool(following) and following[0].tag in {"VBN", "VBD", "VBG"}
    if verb.tag == "MD":
        return "modal"
    if verb.lemma == "have" and participle:
        return "past" if verb.tag == "VBD" else "perfect"
    return "past" if verb.tag == "VBD" else "present"


# --- The cues ----------------------------------------------------------------------------------

#: The cues, in the order of the model's weights; each is 1 when present, else 0.
FEATURES = (
    # how the paragraph is presented
    "after_figure_marker",
    "before_credit_line",
    "photo_lead",
    "position_aside",
    "no_final_stop",
    "ends_question_or_bang",
    "two_sentences",
    "three_or_more_sentences",
    "under_8_words",
    "over_35_words",
    "shorter_than_neighbours",
    "longer_than_usual",
    "heading_shaped",
    "colon_or_semicolon",
    # who speaks, and of what
    "quotation",
    "short_quotation",
    "reporting_verb",
    "first_or_second_person",
    "third_person_pronoun",
    "narrative_adverb",
    "negation",
    "future_time",
    "habitual",
    "time_span",
    "numbers",
    "date",
    "year",
    "place",
    # the clause: its opening, subject and main verb
    "pronoun_subject",
    "fronted_opening",
    "comma_before_verb",
    "name_subject",
    "single_name_subject",
    "indefinite_subject",
    "definite_subject",
    "present",
    "past",
    "perfect",
    "modal",
    "no_finite_verb",
    "participle_scene",
    "copula",
    "stative_verb",
    "have_main",
    "progressive",
    "passive",
    "several_finite_verbs",
    "comma_and",
    # a caption's shape: one plain sentence with a present or no verb, or without a stop
    "present_scene",
    "verbless_scene",
    "sentence_without_stop",
    "unstopped_before_credit",
)

#: Cues only the bare model weighs (``Surroundings.bare_article``): the paragraph's size
#: against the article around it, and a verb of a state. The general model, fitted before
#: they were added, weighs none: refitted with them, it took a scene standing alone among
#: the story, shorter than its neighbours, for a caption (benchmarks/README.md, round 8).
BARE_ARTICLE_CUES = ("shorter_than_neighbours", "longer_than_usual", "stative_verb")
#: Besides ``FEATURES``, each word of the first sentence (as its lemma; names left out) is a
#: cue of its own ("word:walk"): the model learns which words show a moment (walk, hold,
#: wave, outside) and which a state, a habit or a report (remain, operate, every, say).
WORD_CUE = "word:"

_QUOTES = re.compile(r"[\"“”„«»]|(?:^|[\s(\[])[‘'][^\W\d_]")
_QUOTED = re.compile(r'"([^"]*)"|“([^“”]*)”|‘([^‘’]*)’')
#: A quotation this long, or one that opens or closes the paragraph, is someone speaking; a
#: shorter one inside a sentence names a title or the words on a sign.
SPEECH_WORDS = 6
_REPORTING = _words(
    "say tell add claim announce explain report state write ask insist warn accord believe "
    "think argue according suggest predict estimate confirm deny admit acknowledge urge"
)
_FIRST_SECOND = _words("i we us our ours my mine me you your yours")
_NEGATION = _words("not n't never no nobody nothing none")
#: Pronouns for someone or something the story named before: a caption names what it shows.
_THIRD_PERSON = _words("he she they him them it")
#: Adverbs that tie a sentence to the story around it ("The couple then retreat ..."): they
#: tell a sequence or a comparison a single photo does not show.
_NARRATIVE_ADVERBS = _words(
    "then now again already finally meanwhile also just even too yet once instead soon here "
    "alone anyway"
)
_FUTURE = _words("later tomorrow soon upcoming tonight")
#: Verbs of a state, not of a moment a photo could show: "Small mines employ thousands",
#: "Health officials fear outbreaks", "Prices vary widely".
_STATIVE = _words(
    "own belong contain include consist cost employ remain seem mean need want require lack "
    "depend deserve fear believe know think expect hope prefer vary exceed equal resemble "
    "represent house host account total outnumber"
)
#: A time of day after "at" tells a plan, as listings give it: "Volunteers meet at the Pier
#: Street lot at 8 a.m.".
_CLOCK = _words("a.m. p.m. am pm")
#: A present verb right before a weekday tells a plan: "The tour resumes Friday".
_WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday")
#: Words that, with "to", tell what is to come: "is expected to crest", "is scheduled to
#: parachute".
_SCHEDULED = _words("expected scheduled slated poised")
_PERIODS = _words("day week weekend month year season spring summer autumn fall winter")
_HABITUAL = _words(
    "every each often usually always typically generally sometimes rarely annually daily weekly "
    "yearly per"
)
_SPAN = _words("until since through till throughout")
_PLACE_PREPOSITIONS = _words("in at near outside inside on along across during")
#: What follows a name in a caption that shows where someone stands or what they hold.
_SCENE_PREPOSITIONS = _PLACE_PREPOSITIONS | _words("with beside before after behind aboard")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DATE_WORDS = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|Jan|Feb|Aug|Sept?|Oct|"
    r"Nov|Dec)\b"
)
_CLOSERS = "\"'”’)]»"


#: Cues that keep a sentence from being a plain description of a photo.
_NOT_PLAIN = (
    "quotation",
    "reporting_verb",
    "pronoun_subject",
    "fronted_opening",
    "first_or_second_person",
)


@dataclass(frozen=True)
class Surroundings:
    """What stands around a paragraph in its article: a figure marker just before it ("Image",
    "Image source, Reuters", a credit standing alone: see ``figure_marker``), a credit line
    just after it, a video or audio marker just before it (``media_marker``), and whether
    the article makes a paragraph like a caption, but without any of these, likelier a scene
    of the story than a caption (``wary``: the article credits its captions, or the model
    alone would take too few of its paragraphs for an article that prints its captions
    bare; the reader, ``archiver.extract.plaintext``, finds out in a first pass). There such
    a paragraph must look surer of being a caption: the model's ``strict_threshold``
    applies. ``bare_article`` says the opposite: the article prints its captions bare,
    several of them (the reader finds out in a second pass, asking the second model); there
    the second model, trained only on such articles, judges too
    (``caption_evidence``). The paragraph's size against its neighbours and the article's
    usual paragraph are cues of that model only (``BARE_ARTICLE_CUES``). ``named_lines``
    says the article does not credit its captions: there, as where ``bare_article`` is set,
    a line without a final stop named as a caption names is one (``unstopped_caption``),
    unless it stands ``before_story`` (no paragraph with a final stop between the article's
    first and it) and reads as a byline ("Jane Doe at the County Ground": ``names_the_writer``)."""

    after_figure_marker: bool = False
    before_credit_line: bool = False
    after_media_marker: bool = False
    wary: bool = False
    bare_article: bool = False
    named_lines: bool = False
    shorter_than_neighbours: bool = False
    longer_than_usual: bool = False
    ends_article: bool = False
    before_story: bool = False

    @property
    def beside_figure(self) -> bool:
        """Whether a figure marker stands just before the paragraph or a credit line just
        after it: the page sets it beside a picture."""
        return self.after_figure_marker or self.before_credit_line


def caption_features(reading: Reading, around: Surroundings = Surroundings()) -> dict[str, float]:
    """The cues of a read paragraph, by name: every name of ``FEATURES``, and a ``WORD_CUE``
    for each word of its first sentence. The ``BARE_ARTICLE_CUES`` are 0 unless the paragraph
    stands in an article that prints its captions bare (``Surroundings.bare_article``)."""
    cues = {
        **_presentation(reading, around),
        **_content(reading),
        **_clause(reading),
    }
    plain = bool(reading.sentences) and reading.sentences[0].rstrip(_CLOSERS).endswith(".")
    plain = plain and not any(cues[name] for name in _NOT_PLAIN)
    cues["present_scene"] = plain and reading.tense == "present"
    cues["verbless_scene"] = plain and reading.tense == "none" and len(reading.text.split()) >= 4
    cues["sentence_without_stop"] = _sentence_without_stop(reading)
    # a credit line follows a line without a stop: a caption as BBC pages print them, where
    # a sentence ending in a stop before a credit line may be body text with the credit of
    # the caption after it
    cues["unstopped_before_credit"] = cues["no_final_stop"] and around.before_credit_line
    found = {name: float(cues[name]) for name in FEATURES}
    if not around.bare_article:
        found.update(dict.fromkeys(BARE_ARTICLE_CUES, 0.0))
    for token in reading.tokens:
        if token.text[:1].isalpha() and token.tag not in {"NNP", "NNPS"}:
            found[WORD_CUE + token.lemma] = 1.0
    return found


def _sentence_without_stop(r: Reading) -> bool:
    """A sentence of more than ten words, with a finite verb (its own or a relative clause's:
    "X outside the cafe in 2021, when it won ..."), that ends without a stop."""
    return _unstopped(r) and len(r.text.split()) > 10 and any(t.tag in _FINITE for t in r.tokens)


#: Headings written as a caption is are short: none of the development sets' headings that
#: place something without a verb ("Stuck in Moria", "The porch on Sardis Church Road") is
#: longer than this, while 49 of their 57 longer lines so made are captions (the rest are
#: page furniture); of their lines of 7 or 8 words without a stop that keep their articles
#: ("Volunteers fill sandbags at the county fairgrounds"), 72 are captions, 14 headings and
#: 12 other lines (so the model decides, as if the line were stopped).
CAPTION_LIKE_HEADING_WORDS = 6
#: A name with an age, a relative clause or a role after it: "Winston Adeyemi, 67, ...",
#: "Dale Henning, who farms ...", "Marta Ixcoy, treasurer of the cooperative", but not a
#: byline ("By Jane Doe, staff writer"). No heading of the development sets' 1,133 reads so;
#: of their 41 lines without a stop that do, all are captions.
_NAME_AND_ASIDE = re.compile(r"(?!By )[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+)+, (?:\d{1,3},|[a-z])")
#: A person's name with where they work or whose they are: "Keisha Morrow of the Great Lakes
#: Water Justice Project", "Curtis Bell, Jaylen's first teacher", "Lucía Barrera, Casa
#: Lumbre's head chef", "Tyler Brekke, Voyageurs defenseman" (its first word a first name).
_NAME_OF = re.compile(
    r"[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+)+"
    r"(?: of (?:the )?|, (?:[A-Z][\w.-]* ){0,3}[A-Z][\w.-]*['’]s "
    r"|, (?:[A-Z][\w.-]* ){1,3}[a-z][\w-]*(?: [a-z][\w-]*)?$)"
)


def unstopped_caption(reading: Reading) -> bool:
    """Whether a paragraph without a final stop is named as a caption names, not as a heading:
    a name with an age, a relative clause or a role ("Winston Adeyemi, 67, founder of ...",
    "Dale Henning, who farms 900 acres", "Marta Ixcoy, treasurer of the cooperative"), or a
    person's name followed by where they stand or what they do ("Hiroshi Tanabe on the
    seawall in Port Ellery").
    Asked in an article that may print its captions bare or does not credit them
    (``Surroundings.bare_article``, ``Surroundings.named_lines``): there such a line is one
    of them. Of the sets' 1,564 labelled headings none reads so, and 121 captions do; "Tony
    Blair by numbers", a heading of a real page, would, were "by" a preposition of a scene."""
    if not _unstopped(reading):
        return False
    words = reading.text.split()
    if _NAME_AND_ASIDE.match(reading.text) or _person_acts(reading):
        return True
    named = _opens_with_a_name(words)
    if named and _NAME_OF.match(reading.text):
        return True
    return named and (words[2] in _SCENE_PREPOSITIONS or words[2].endswith("ing"))


#: The most words of a stopped phrase that names what its picture shows (``named_thing``).
NAMED_THING_WORDS = 5
_NAMING_FIRST_WORDS = {"a", "an", "the"}
_INDEFINITE_PRONOUNS = _words(
    "nobody somebody anybody everybody no-one someone anyone everyone nothing something "
    "anything everything none"
)


def named_thing(reading: Reading) -> bool:
    """Whether a paragraph is a short phrase with a final stop and no verb that names what
    its picture shows: "Grilled squid skewers.", "The dining car.", "Luis Ocampo,
    shortstop.", "Namche Bazaar at dusk." A story's fragments open otherwise ("Not
    anymore.", "That ends on Sunday."); match facts and contacts have a colon, a number or
    an address ("Attendance: 2,412.", "Reach Jane Doe at jdoe@example.com.")."""
    words = reading.text.split()
    if not (MIN_WORDS - 1 <= len(words) <= NAMED_THING_WORDS and reading.text.endswith(".")):
        return False
    if re.search(r"[:@\d]", reading.text) or reading.credit:
        return False
    tokens = reading.tokens
    if _has_verb(tokens) or any(t.tag in {"PRP", "WP", "WDT", "RB"} for t in tokens):
        return False
    first = tokens[0]
    if first.low in _INDEFINITE_PRONOUNS:  # "Nobody signs anything.": a verb the tagger missed
        return False
    return first.tag in _NOUN_TAGS | {"JJ"} or first.low in _NAMING_FIRST_WORDS


def _has_verb(tokens: tuple[Token, ...]) -> bool:
    """Whether any token is a verb, finite or not, or a modal."""
    return any(t.tag.startswith("VB") or t.tag == "MD" for t in tokens)


def byline_at(reading: Reading) -> bool:
    """Whether a line without a final stop is a person's name and where they report from, as
    a byline reads ("Jane Doe at the County Ground", "Jane Doe in Kyiv") and as a caption
    may: before the story starts, of the sets' such lines none is a caption and every one a
    byline; after it, 26 of 34 are captions (``Surroundings.before_story``)."""
    words = reading.text.split()
    return _unstopped(reading) and _opens_with_a_name(words) and words[2] in {"at", "in"}


def names_the_writer(reading: Reading) -> bool:
    """Whether a line is a person's name alone ("Alison Kerr": ``name_line``) or a name and
    where they report from ("Jane Doe at the County Ground": ``byline_at``): before the story
    starts (``Surroundings.before_story``), a byline, neither a caption nor a heading."""
    return name_line(reading.text) is not None or byline_at(reading)


def _opens_with_a_name(words: list[str]) -> bool:
    """Whether a line of four words or more opens with a first name and a capitalised word."""
    return len(words) >= 4 and _first_name(words[0]) and words[1][:1].isupper()


def person_named(reading: Reading) -> bool:
    """Whether a line without a final stop is a person's name, a role or title maybe before
    it and where they are maybe after it: "Brenda Okafor", "Head librarian Colin Tewksbury",
    "State Sen. Rachel Dumont", "Dr. Valentina Orrego aboard the Almirante Soto". The name is
    a first name and one or two more capitalised words, one of them no English word (not
    "Kessel Hut", "Best Ultralight Sleeping Bag"); after a role the first name may be a word
    when the surname is none ("Coach Bill Hendrickson"); the role is nouns, adjectives and titles,
    no "By" (a byline). Asked in an article that prints its captions bare, where a portrait
    is captioned so: of the sets' headings one reads so (a name alone), of their captions
    without a stop 117. Elsewhere a name alone is mostly a credit or a byline."""
    words = reading.text.split()
    if not _unstopped(reading):
        return False
    for first in range(min(MAX_ROLE_WORDS + 1, len(words) - 1)):
        if not _NAME_WORD.fullmatch(words[first + 1]):
            continue
        end = first + 2
        if end < len(words) and _NAME_WORD.fullmatch(words[end]):
            end += 1  # a middle name: "Mary Ann Fry"
        # after a role, a first name that is also a word: "Superintendent Glen Oyelaran"
        worded = first > 0 and _NAME_WORD.fullmatch(words[first])
        odd_surname = not is_dictionary_word(words[end - 1].lower())
        if not (_first_name(words[first]) or (worded and odd_surname)):
            continue
        roles = [t.tag for t in tag(" ".join(words[:first]))] if first else []
        titled = all(t in _NOUN_TAGS | {"JJ", "."} for t in roles)
        surnamed = not all(is_dictionary_word(w.lower()) for w in words[first + 1 : end])
        placed = end == len(words) or words[end] in _SCENE_PREPOSITIONS
        return titled and surnamed and placed
    return False


#: Words of a role or title a person's name may follow in a caption ("State Sen.", "Head
#: librarian").
MAX_ROLE_WORDS = 3
#: A word of a person's name: capitalised, with a small letter ("Hendrickson", "McKay"; not
#: "PM", not "Ur67").
_NAME_WORD = re.compile(r"[A-Z][A-Za-z'’-]*[a-z][A-Za-z'’-]*")


def _person_acts(reading: Reading) -> bool:
    """Whether the first sentence's subject ends with a person's name (two capitalised words,
    one no English word; a role or title may stand before: "Coach Bill Hendrickson lifts the
    Thorsen Cup") and its main verb, neither a report nor a state (say, be, have), tells
    what they do or did. A headline names a country, a body or an office ("Indian PM
    postpones trip"), seldom a person by name."""
    main = reading.main_verb
    if main is None or reading.tense not in {"present", "past"} or len(reading.tokens) < 4:
        return False
    if reading.tokens[main].lemma in _REPORTING | {"be", "have", "contribute"}:
        return False
    if any(t.text == ":" for t in reading.tokens[:main]):  # "Watch: ...", "READ MORE: ..."
        return False
    if not (reading.tokens[main].text.isalpha() and reading.tokens[main].text.islower()):
        return False
    name = reading.tokens[max(main - 2, 0) : main]
    if len(name) < 2 or not all(t.tag == "NNP" and _NAME_WORD.fullmatch(t.text) for t in name):
        return False
    return any(_first_name(t.text) for t in name)


def unstopped_sentence(reading: Reading) -> bool:
    """Whether a paragraph without a final stop is written as a caption is, not as a heading:
    longer than most headings so written (``CAPTION_LIKE_HEADING_WORDS``), and either written
    with its articles, not as a headline (``_described_not_headlined``: "Volunteers fill
    sandbags at the county fairgrounds"), or naming, without a verb or in the present, where
    or when its picture was taken ("Chocolate bars on a supermarket shelf in Brussels", "The
    same stretch of reef in 2019", "Couriers block traffic on Avenida Reforma"). In an
    article that may print its captions bare (``Surroundings.bare_article``), the model
    judges it as if it ended with a stop (``caption_evidence``)."""
    # its last sentence is one too, not a credit left after the stop ("... on May 1. JAXA")
    last = len(reading.sentences[-1].split()) >= MIN_WORDS if reading.sentences else False
    if not (_unstopped(reading) and last):
        return False
    if len(reading.text.split()) <= CAPTION_LIKE_HEADING_WORDS:
        return False
    placed = reading.tense in {"none", "present"} and _names_where_or_when(reading)
    return placed or _described_not_headlined(reading.tokens)


#: How likely the model must find a dated photograph's naming phrase alone to be a caption.
DATED_PHOTO_PROBABILITY = 0.5
#: Tags a dated photograph's naming phrase opens with: a noun phrase, maybe in quotes.
_NAMING_OPENERS = _NOUN_TAGS | {"DT", "PRP$", "JJ", "CD", '"'}


def dated_photo_named(reading: Reading) -> str | None:
    """The first of a paragraph's two sentences when it names, without a verb, what a
    photograph of a given year shows, and the second gives its context ("Mill workers in
    1951. At its peak, the plant employed 2,000 people.", ""Ember" collection, 1971.
    Varga's best-selling line ..."): no sentence of a story names a thing and a year
    without a verb, unless it opens with a preposition or an adverb ("Not since 2008.")."""
    if len(reading.sentences) != 2:
        return None
    first = read_paragraph(reading.sentences[0])
    tokens = first.tokens
    verbless = not _has_verb(tokens)
    named = bool(tokens) and tokens[0].tag in _NAMING_OPENERS and len(tokens) >= MIN_WORDS
    return first.text if verbless and named and _YEAR.search(first.text) else None


def _names_where_or_when(reading: Reading) -> bool:
    """Whether a line names where or when its picture was taken: a place's name after a
    preposition ("at the Garnet County Library", "in Brussels"), or a year."""
    return bool(_YEAR.search(reading.text)) or _places(reading.tokens, after_the=True)


def _unstopped(reading: Reading) -> bool:
    """Whether a paragraph opens with a capital and ends without a stop."""
    text = reading.text
    return text[:1].isupper() and text.rstrip(_CLOSERS)[-1:].isalnum()


def _described_not_headlined(tokens: tuple[Token, ...]) -> bool:
    """Whether a sentence keeps its articles as a caption does ("checks *a* water tank on
    *his* property"), where a headline drops them and reports ("Indian PM postpones trip to
    ...", "Britain urges ... to show restraint")."""
    determined = any(
        (a.low in {"a", "an", "the"} or a.tag == "PRP$") and b.text[:1].islower()
        for a, b in itertools.pairwise(tokens)
    )
    return determined and not _reports(tokens)


#: A paragraph speaking of its own picture: "... in this photo from 1997", "... in this image
#: taken by ...", "... as shown in this illustration", "... Pictured: the summit tunnel".
_PICTURE = (
    r"(?:[\w'’-]+ )?(?:photos?|photographs?|pictures?|images?|illustrations?|handout|frame grab"
    r"|screenshot|sketch(?:es)?|drawings?|renderings?)\b"
)
_PHOTO_REFERENCE = re.compile(
    rf"\bin (?:this|these) {_PICTURE}|\bas (?:shown|seen) (?:here\b|in this {_PICTURE})"
    r"|[.!?]\s+Pictured\s*:",
    re.IGNORECASE,
)


def speaks_of_its_picture(reading: Reading) -> bool:
    """Whether a paragraph speaks of its own picture ("in this photo", "as shown in this
    illustration", "... Pictured: ..."), or tells, with no verb of its own, when or where
    what it shows was photographed ("The Kalewa mine pictured in 2012", "Olav Strand,
    photographed on the gallery of the lighthouse in 1986"): a caption, printed without any
    mark of one. Of the development sets' 27 such lines, 26 are captions; the other reads
    "She rarely photographed crowds", whose participle follows no noun."""
    return bool(_PHOTO_REFERENCE.search(reading.text)) or _said_photographed(reading)


def _said_photographed(reading: Reading) -> bool:
    """Whether a sentence without a finite verb names something and says it was photographed
    or pictured: the participle follows a noun or the comma after one."""
    if reading.tense != "none":
        return False
    return any(
        t.low in {"photographed", "pictured"} and (a.tag.startswith("NN") or a.text == ",")
        for a, t in itertools.pairwise(reading.tokens)
    )


def caption_rule(reading: Reading, around: Surroundings) -> str | None:
    """Why a paragraph is a caption whatever the model would say, or None.

    The page labels it a caption ("Image caption, ...", "PICTURED: ...", "... hide caption");
    it carries a photo credit of its own (body text never does: the credit splitter leaves a
    source cited in a sentence alone, "(Reuters)."); or it is a sentence without a final stop
    beside a figure marker or a credit line, as BBC pages print captions ("The president said
    he would keep fighting for tighter gun laws", then "Getty Images").
    """
    if reading.caption_label:
        return "the page labels it a caption"
    if reading.credit is not None:
        return f"it carries a photo credit ({reading.credit})"
    if around.beside_figure and _sentence_without_stop(reading):
        return "a sentence without a final stop beside a figure marker or a credit line"
    return None


#: A copyright or rights notice: page furniture, never a caption.
_RIGHTS_NOTICE = re.compile(
    r"\b(?:copyright|all rights reserved)\b|©\s*(?:19|20)\d\d", re.IGNORECASE
)


#: Verbs of possession and residence: "Parent Jane Doe has three children", "... lives in
#: Ashford": a state the story tells, not a moment a photo shows.
_STATE_VERBS = _words("have live own belong know")


def state_sentence(reading: Reading) -> bool:
    """Whether the first sentence's main verb, in the present, is a verb of possession or
    residence (``_STATE_VERBS``), or a present perfect ("A farmer has rolled his quad bike"):
    a state or what has happened, where a caption shows a moment. Standing alone, without a
    credit, a label, a figure marker or a credit line beside it, such a paragraph is body
    text (``caption_evidence``)."""
    if reading.main_verb is None or reading.tense not in {"present", "perfect"}:
        return False
    return reading.tokens[reading.main_verb].lemma in _STATE_VERBS


def refers_back(reading: Reading) -> bool:
    """Whether the first sentence opens with a possessive pronoun ("Her husband, seated in the
    second row, ..."): it refers back to someone the story named, where a caption, read
    beside its picture, names its subject. Of the 4,783 labelled captions of the sets, 3 open
    so."""
    return bool(reading.tokens) and reading.tokens[0].tag == "PRP$"


def rights_notice(text: str) -> bool:
    """Whether a line is a copyright or rights notice ("Copyright 2024 Cascadia Public Radio",
    "© 2025 ..."): page furniture, never a caption or a heading."""
    return bool(_RIGHTS_NOTICE.search(text))


def body_rule(reading: Reading, around: Surroundings) -> str | None:
    """Why a paragraph is body text whatever the model would say, or None: it has under
    ``MIN_WORDS`` or over ``MAX_WORDS`` words; it follows a video or audio marker (it is the
    clip's title or description) or is a clip's caption itself ("Media caption, ..."); or it
    is a copyright notice without a credit of its own."""
    n_words = len(reading.text.split())
    if not MIN_WORDS <= n_words <= MAX_WORDS:
        return f"{n_words} words is outside {MIN_WORDS}-{MAX_WORDS}"
    if around.after_media_marker or media_marker(reading.text):
        return "it belongs to a video or audio clip, not a photo"
    if reading.credit is None and rights_notice(reading.text):
        return "it is a copyright notice"
    return None


def _presentation(r: Reading, around: Surroundings) -> dict[str, bool]:
    """Cues of form: credit, markers, punctuation, sentences and size."""
    end = r.text.rstrip(_CLOSERS)[-1:]
    n_words = len(r.text.split())
    return {
        "after_figure_marker": around.after_figure_marker,
        "before_credit_line": around.before_credit_line,
        "photo_lead": r.photo_lead,
        "position_aside": r.position_aside,
        "no_final_stop": end.isalnum(),
        "ends_question_or_bang": end in {"?", "!"},
        "two_sentences": len(r.sentences) == 2,
        "three_or_more_sentences": len(r.sentences) >= 3,
        "under_8_words": n_words < 8,
        "over_35_words": n_words > 35,
        "heading_shaped": n_words <= 10 and end.isalnum(),
        "shorter_than_neighbours": around.shorter_than_neighbours,
        "longer_than_usual": around.longer_than_usual,
        "colon_or_semicolon": bool(re.search(r"[:;]", r.text)),
    }


def _content(r: Reading) -> dict[str, bool]:
    """Cues of what is said: speech, reports, persons, negation, time, figures, places."""
    toks = r.tokens
    lows = {t.low for t in toks}
    pairs = list(itertools.pairwise(toks))
    speech = _speech(r.text)
    return {
        "quotation": speech,
        "short_quotation": bool(_QUOTES.search(r.text)) and not speech,
        "reporting_verb": _reports(toks),
        "first_or_second_person": bool(lows & _FIRST_SECOND),
        "third_person_pronoun": bool(lows & _THIRD_PERSON),
        "narrative_adverb": any(
            t.low in _NARRATIVE_ADVERBS and t.tag.startswith("RB") for t in toks
        ),
        "negation": bool(lows & _NEGATION),
        "future_time": _tells_a_plan(toks),
        "habitual": bool(lows & _HABITUAL)
        or any(a.low in {"a", "an"} and b.low in _PERIODS for a, b in pairs),
        "time_span": bool(lows & _SPAN),
        "numbers": len(re.findall(r"\d+(?:[.,]\d+)?%?|[$€£]", r.text)) >= 2,
        "date": bool(_DATE_WORDS.search(r.text)),
        "year": bool(_YEAR.search(r.text)),
        "place": _places(toks),
    }


def _places(toks: tuple[Token, ...], *, after_the: bool = False) -> bool:
    """Whether a sentence places something: a preposition of place before a name ("in
    Brussels", "at Holm Park"), or, with ``after_the``, before "the" and a name ("at the
    Garnet County Library")."""
    for i, token in enumerate(toks[:-1]):
        if token.low not in _PLACE_PREPOSITIONS:
            continue
        named = toks[i + 1]
        if after_the and named.low == "the" and i + 2 < len(toks):
            named = toks[i + 2]
        if named.tag in {"NNP", "NNPS"}:
            return True
    return False


def _reports(toks: tuple[Token, ...]) -> bool:
    """Whether a sentence reports what someone says or thinks ("said", "according to")."""
    return any(
        t.lemma in _REPORTING and (t.tag.startswith("VB") or t.low == "according") for t in toks
    )


def _tells_a_plan(toks: tuple[Token, ...]) -> bool:
    """Whether a sentence tells what is to come, not a moment a photo shows: "will",
    "tomorrow", "next week", "is expected to ...", a present verb before a weekday ("The tour
    resumes Friday"), a time of day after "at" ("Volunteers meet ... at 8 a.m.")."""
    lows = {t.low for t in toks}
    pairs = list(itertools.pairwise(toks))
    return (
        bool(lows & (_FUTURE | {"will", "'ll"}))
        or any(a.low == "next" and b.low in _PERIODS for a, b in pairs)
        or any(a.low in _SCHEDULED and b.low == "to" for a, b in pairs)
        or any(a.tag in {"VBZ", "VBP"} and b.low in _WEEKDAYS for a, b in pairs)
        or any(
            a.low == "at" and b.text[:1].isdigit() and c.low in _CLOCK
            for (a, b), c in zip(pairs, toks[2:], strict=False)
        )
    )


def outside_quotations(text: str) -> str:
    """``text`` with each quotation in it blanked out: the words that are not a speaker's."""
    return _QUOTED.sub(" ", text)


def _speech(text: str) -> bool:
    """Whether ``text`` quotes someone speaking (see ``SPEECH_WORDS``)."""
    if not _QUOTES.search(text):
        return False
    spans = list(_QUOTED.finditer(text))
    if not spans:
        return True  # an unbalanced mark: a quotation running on from elsewhere
    for span in spans:
        inner = next(g for g in span.groups() if g is not None)
        at_edge = span.start() == 0 or span.end() >= len(text.rstrip(". ")) - 1
        if len(inner.split()) > SPEECH_WORDS or at_edge:
            return True
    return False


def _clause(r: Reading) -> dict[str, bool]:
    """Cues of the first sentence's clause: how it opens, its subject, its main verb."""
    toks, main = r.tokens, r.main_verb
    words = [t for t in toks if t.text[:1].isalnum()]
    first = words[0].tag if words else ""
    first_low = words[0].low if words else ""
    subject, verb, tail = toks, None, []
    if main is not None:
        subject, verb = toks[:main], toks[main]
        tail = [t for t in toks[main + 1 : main + 3] if t.tag not in {"RB", "RBR"}]
    auxiliary = bool(tail) and tail[0].tag in {"VBN", "VBD", "VBG"}
    be = verb is not None and verb.lemma == "be"
    demonstrative = first_low in {"this", "that", "these", "those"} and len(subject) <= 1
    return {
        "pronoun_subject": first == "PRP" or (demonstrative and verb is not None),
        "fronted_opening": first in {"IN", "WRB", "CC", "TO"}
        or (first == "RB" and len(words) > 1 and words[1].tag not in {"JJ", "VBN", "VBG", "CD"}),
        "comma_before_verb": any(t.text == "," for t in subject),
        "name_subject": first in {"NNP", "NNPS"} and first_low not in _WEEKDAYS,
        "single_name_subject": [t.tag for t in subject] in (["NNP"], ["NNPS"]),
        "indefinite_subject": first_low in {"a", "an"},
        "definite_subject": first_low == "the",
        "present": r.tense == "present",
        "past": r.tense == "past",
        "perfect": r.tense == "perfect",
        "modal": r.tense == "modal",
        "no_finite_verb": r.tense == "none",
        "participle_scene": r.tense == "none" and any(t.tag in {"VBG", "VBN"} for t in toks),
        "copula": be and not auxiliary,
        "have_main": verb is not None and verb.lemma == "have" and not auxiliary,
        "stative_verb": verb is not None and verb.lemma in _STATIVE and not auxiliary,
        "progressive": r.tense == "present" and be and auxiliary and tail[0].tag == "VBG",
        "passive": be and auxiliary and tail[0].tag != "VBG",
        "several_finite_verbs": sum(
            t.tag in _FINITE and not (i and toks[i - 1].low in _RELATIVE)
            for i, t in enumerate(toks)
        )
        >= 2,
        "comma_and": bool(re.search(r", (?:and|but|while|as) ", r.sentences[0]))
        if r.sentences
        else False,
    }


# --- The model and its explanation -------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """A logistic model: a weight per cue, a bias, the probability a caption needs, and the
    higher one it needs where the article makes a scene of the story likelier
    (``Surroundings.wary``: the general model's; the reader asks the bare model only of
    articles that may print their captions bare, where its usual one applies)."""

    weights: dict[str, float]
    bias: float
    threshold: float
    strict_threshold: float

    def needs(self, around: Surroundings) -> float:
        """The probability a paragraph standing so needs to be a caption."""
        return self.strict_threshold if around.wary else self.threshold


#: The packaged models: "general" judges every paragraph; "bare", having learned only from
#: articles that print their captions bare, judges a paragraph of such an article
#: (``Surroundings.bare_article``), where the reader takes a caption either model takes.
MODEL_FILES = {"general": "caption_model.json", "bare": "caption_model_bare.json"}


@cache
def model(kind: str = "general") -> Model:
    """The packaged weights of one of ``MODEL_FILES``, loaded once."""
    raw = json.loads(
        resources.files("archiver.extract").joinpath(MODEL_FILES[kind]).read_text("utf-8")
    )
    threshold = float(raw["threshold"])
    strict = float(raw.get("strict_threshold", threshold))
    return Model(dict(raw["weights"]), float(raw["bias"]), threshold, strict)


@dataclass(frozen=True)
class CaptionEvidence:
    """The verdict on one paragraph and why.

    ``contributions`` lists each cue that is present with its weight in log-odds, largest
    effect first; ``decided`` says why a rule gave the verdict before the model was asked;
    ``threshold`` is the probability the model's verdict needed (``Model.needs``);
    ``held_back`` says the model's usual threshold was reached, but not the stricter one of
    a wary article (``Surroundings.wary``): a sentence like a caption, so no heading either;
    ``model`` names the model that gave the verdict (``MODEL_FILES``); ``marked`` says the page
    marks the paragraph a caption (``caption_rule``: a credit, a label, a marker beside it).
    """

    is_caption: bool
    probability: float
    text: str
    credit: str | None
    contributions: tuple[tuple[str, float], ...] = ()
    decided: str | None = None
    threshold: float | None = None
    held_back: bool = False
    model: str = "general"
    marked: bool = False

    def explain(self) -> str:
        """One line: the verdict, the probability against the threshold, and the cues that
        weighed most."""
        verdict = "caption" if self.is_caption else "body"
        if self.decided:
            return f"{verdict}: {self.decided}"
        cues = ", ".join(f"{name} {weight:+.1f}" for name, weight in self.contributions[:6])
        by = "" if self.model == "general" else f"{self.model}-article model: "
        return f"{verdict} ({by}p={self.probability:.2f}, needs {self.threshold}): {cues}"


@lru_cache(maxsize=8192)
def caption_evidence(paragraph: str, around: Surroundings = Surroundings()) -> CaptionEvidence:
    """Judge one paragraph, knowing what stands around it (``Surroundings``).

    Rules come before the model: a paragraph that ``body_rule`` names is body text; one that
    ``caption_rule`` accepts (``marked``) or that ``speaks_of_its_picture`` is a caption. The
    model's verdict needs the probability ``Model.needs``: higher in a wary article
    (``Surroundings.wary``). The model is the general one, or the one of articles that print
    their captions bare, when the paragraph stands in such an article
    (``Surroundings.bare_article``). Verdicts are remembered, as the reader asks again of
    the same paragraph in each of its passes (both arguments and the verdict are immutable);
    whoever swaps the packaged models clears them (``caption_evidence.cache_clear()``).
    """
    reading = read_paragraph(paragraph)
    why = body_rule(reading, around)
    if why:
        return CaptionEvidence(False, 0.0, reading.text, reading.credit, decided=why)
    ruled = caption_rule(reading, around)
    if ruled:
        return CaptionEvidence(True, 1.0, reading.text, reading.credit, decided=ruled, marked=True)
    if speaks_of_its_picture(reading):
        why = "it speaks of its picture (in this photo, Pictured: ...)"
        return CaptionEvidence(True, 1.0, reading.text, reading.credit, decided=why)
    if around.before_story and names_the_writer(reading):
        why = "a name, or a name at a place, before the story starts is a byline, not a caption"
        return CaptionEvidence(False, 0.0, reading.text, reading.credit, decided=why)
    if (around.bare_article or around.named_lines) and unstopped_caption(reading):
        why = "a line without a final stop named as a caption names, not a heading"
        return CaptionEvidence(True, 1.0, reading.text, reading.credit, decided=why)
    if around.bare_article and named_thing(reading):
        why = "a short phrase without a verb, stopped, names what its picture shows"
        return CaptionEvidence(True, 1.0, reading.text, reading.credit, decided=why)
    if around.bare_article and person_named(reading):
        why = "a line without a final stop that names a person, as a portrait is captioned"
        return CaptionEvidence(True, 1.0, reading.text, reading.credit, decided=why)
    last_line = around.ends_article and _unstopped(reading)
    if around.bare_article and (last_line or unstopped_sentence(reading)):  # as if stopped
        stopped = caption_evidence(paragraph.rstrip() + ".", around)
        return replace(stopped, text=reading.text, credit=reading.credit)
    dated = dated_photo_named(reading) if around.bare_article else None
    if dated and caption_evidence(dated, around).probability >= DATED_PHOTO_PROBABILITY:
        why = "it names without a verb what a photograph of a year shows, then its context"
        return CaptionEvidence(True, 1.0, reading.text, reading.credit, decided=why)
    if not around.beside_figure and state_sentence(reading):
        why = "it tells a state or what has happened (has, lives, has done), not a moment"
        return CaptionEvidence(False, 0.0, reading.text, reading.credit, decided=why)
    if not around.beside_figure and refers_back(reading):
        why = "it opens with a possessive (Her husband, ...) that refers back to the story"
        return CaptionEvidence(False, 0.0, reading.text, reading.credit, decided=why)
    kind = "bare" if around.bare_article else "general"
    m = model(kind)
    cues = caption_features(reading, around)
    contributions = [(name, m.weights.get(name, 0.0)) for name, on in cues.items() if on]
    score = m.bias + sum(weight for _, weight in contributions)
    probability = 1.0 / (1.0 + math.exp(-score))
    contributions.sort(key=lambda item: -abs(item[1]))
    return CaptionEvidence(
        is_caption=probability >= m.needs(around),
        probability=probability,
        text=reading.text,
        credit=reading.credit,
        contributions=tuple(contributions),
        threshold=m.needs(around),
        held_back=m.threshold <= probability < m.needs(around),
        model=kind,
    )

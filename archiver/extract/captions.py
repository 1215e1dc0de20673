"""Is this paragraph of a plain-text article a photo caption? A small learned model, explained.

Plain-text articles carry their photos' captions as paragraphs among the body text. This
module judges one paragraph, with what stands just before it, and says whether it is a
caption and why. Precision comes first: a body paragraph taken for a caption is cut out of
the article, so when unsure the answer is "body".

How it decides:

1. The paragraph is read (``read_paragraph``): a credit is split off ("(AP Photo/X)",
   "Photograph: X", "Credit...X", a credit on a line of its own), then a photo lead ("In this
   file photo,", "FILE -", "From left,"); the first sentence is tagged by
   ``archiver.extract.tagging`` (the only door to the language tools) and its main verb is
   found: present ("A man walks", "Soldiers are reunited"), past, perfect, modal, or none
   ("The aftermath of the blast in Brussels.").
2. About thirty yes/no cues are computed (``FEATURES``): the credit; a figure marker line
   just before ("Image", "Image source, Reuters"); the tense; a pronoun or a fronted clause
   before the subject; quotation marks; a reporting verb; first or second person; a missing
   final stop; sentences and length; a place, a date; future time; numbers; ...
3. A logistic model weighs the cues (weights in ``caption_model.json``, learned offline by
   ``benchmarks/train_caption_model.py`` from labelled articles; evaluated here in plain
   Python). The paragraph is a caption when the probability reaches the model's threshold.

``caption_evidence`` returns the decision with every cue's contribution, largest first, so
a maintainer can read why. The model covers English only: ``MODEL_LANGUAGES``; the caller
(``archiver.extract.plaintext``) detects the language first and asks nothing otherwise.
Pure: no disk beyond the packaged weights, no network.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from archiver.extract.credits import AGENCIES
from archiver.extract.credits import split_credit as split_trailing_credit
from archiver.extract.tagging import Token, lemma, tag

__all__ = [
    "FEATURES",
    "MODEL_LANGUAGES",
    "VERB_CUE",
    "CaptionEvidence",
    "Reading",
    "caption_evidence",
    "caption_features",
    "figure_marker",
    "read_paragraph",
    "split_credit",
    "split_sentences",
]

#: Languages the caption model was trained on.
MODEL_LANGUAGES = frozenset({"en"})
#: Outside these sizes (words) a paragraph is body text without asking the model.
MIN_WORDS, MAX_WORDS = 3, 80


# --- Credits and figure markers ------------------------------------------------------------

_GLUED_CREDIT = re.compile(r"\s*(?:Photo )?Credit\s*(?:\.\.\.|…|:)\s*(?P<credit>\S.{1,150})$")
_AGENCY_ONLY = re.compile(rf"(?:{AGENCIES})")
_SLASH_NAMES = re.compile(r"[A-Z][\w.'’ -]{1,60}\s?/\s?[A-Z][\w.'’ /-]{1,80}")
_MARKER_WORDS = re.compile(r"(?:Image|Photo|Picture|Photograph|Gallery|Slideshow|Foto)s?\s*:?")
_MARKER_WITH_CREDIT = re.compile(r"(?:Image|Photo|Picture) (?:source|credit)\s*[,:]\s*(?P<credit>.+)")


def _credit_shaped(line: str) -> bool:
    """Whether a line is a credit and nothing else: an agency ("Getty Images"), names with a
    slash ("REUTERS/Jane Doe"), or a labelled credit ("Photograph: X")."""
    line = line.strip().rstrip(".")
    if not line or len(line.split()) > 12 or line[-1:] in "!?":
        return False
    if _AGENCY_ONLY.fullmatch(line) or _SLASH_NAMES.fullmatch(line):
        return True
    caption, credit = split_trailing_credit(line)
    return credit is not None and not caption.strip()


def split_credit(paragraph: str) -> tuple[str, str | None]:
    """Split a photo credit off a paragraph: ``(caption, credit or None)``.

    Recognised: a credit on the paragraph's last line ("...Mosul.\\nJane Doe/AFP"), one glued
    after "Credit..." (text copied from pages that print "Credit...Name"), and every trailing
    form ``archiver.extract.credits.split_credit`` knows ("(AP Photo/X)", "Photograph: X",
    "Photo: X", "... Monday. REUTERS/X", "... Monday. Getty Images"). A full stop after a
    credit in parentheses ends the caption when it has none of its own.
    """
    lines = [line.strip() for line in paragraph.strip().split("\n") if line.strip()]
    if len(lines) > 1 and _credit_shaped(lines[-1]):
        return " ".join(lines[:-1]), _clean(lines[-1])
    text = " ".join(" ".join(lines).split())
    glued = _GLUED_CREDIT.search(text)
    if glued and glued.start() > 0:
        return text[: glued.start()].rstrip(), _clean(glued.group("credit"))
    caption, credit = split_trailing_credit(text)
    if credit is None or not caption.strip():
        return text, None
    caption = caption.rstrip(" —–-")
    if text.endswith(".") and caption[-1:].isalnum():
        caption += "."
    return caption, _clean(credit)


def _clean(credit: str) -> str:
    return re.sub(r"^(?:Photograph|Photo|Image|Picture)s?\s*(?::|by)\s*", "", credit).strip(
        " .—–-()"
    )


def figure_marker(paragraph: str) -> tuple[bool, str | None]:
    """Whether a paragraph only marks a figure, and the credit it names: a lone "Image" or
    "Photo" line, "Image source, Reuters", or a credit standing alone ("Getty Images",
    "Photograph: Jane Doe/AFP"). Such lines stand before or after a caption in text copied
    from web pages; they are neither headings nor captions."""
    text = " ".join(paragraph.split())
    if _MARKER_WORDS.fullmatch(text):
        return True, None
    labelled = _MARKER_WITH_CREDIT.fullmatch(text)
    if labelled:
        return True, _clean(labelled.group("credit"))
    if _credit_shaped(text) and len(text.split()) <= 8:
        return True, _clean(text)
    return False, None


# --- Sentences and the photo lead ----------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
#: Abbreviations whose full stop ends no sentence ("Brig. Gen. Jane Doe", "Nov. 7").
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st mt ft gen lt col sgt capt cpl maj adm brig cmdr rep sen gov pres prof rev "
    "hon jr sr inc corp co ltd no vs etc jan feb mar apr jun jul aug sep sept oct nov dec "
    "ave blvd rd fig approx dept est".split()
)


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations and initials ("U.S.", "John F.
    Kennedy", "Nov. 7") inside theirs."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = re.search(r"([\w.]*)\.$", text[start : match.start() + 1])
        word = before.group(1) if before else ""
        if word and ("." in word or (len(word) == 1 and word.isupper()) or word.lower() in _ABBREVIATIONS):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    return [s for s in [*sentences, tail] if s]


_PHOTO_LEAD = re.compile(
    r"^(?:In (?:this|these|an?|the)\b[^,]{0,80}?\b(?:photos?|photographs?|pictures?|images?|"
    r"handout|frame grab|screenshot|still|view)\b[^,]{0,80},\s*(?:\d{4},\s*)?"
    r"|FILE(?: PHOTO)?\s*[-–—:]\s*"
    r"|\(?(?:from )?(?:left to right|right to left|L-R|R-L|left|right)\)?\s*[,:]\s*"
    r"|(?:Pictured|Above|Top|Below|Main image|Main picture|Inset)\s*[,:]\s*)",
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

    text: str  # the paragraph without its credit
    credit: str | None
    photo_lead: bool
    sentences: tuple[str, ...]
    tokens: tuple[Token, ...]  # the first sentence, tagged (without the photo lead)
    main_verb: int | None  # index into ``tokens`` of the main clause's finite verb
    tense: str  # "present", "past", "perfect", "modal" or "none"
    position_aside: bool  # ", left," or "(center)": who stands where in the photo


_FINITE = {"VBZ", "VBP", "VBD", "MD"}
#: Where someone stands in a group photo: "Jane Doe, left, and ...", "John Roe (center)".
_POSITION_ASIDE = re.compile(
    r"(?:,\s*|\s*\()(?:(?:far|second|third|back|front|top|bottom|middle|bottom|top)[ -])?"
    r"(?:left|right|center|centre|front|back|top|bottom|middle)(?:\s*,|\))",
    re.IGNORECASE,
)
_RELATIVE = {"who", "which", "that", "whose", "whom", "where", "when"}


def read_paragraph(paragraph: str) -> Reading:
    """Split off the credit and photo lead, split the sentences, tag the first one and find
    its main verb: the first finite verb not opening a relative clause ("A man who fled
    the fighting *uses* ...")."""
    text, credit = split_credit(paragraph)
    core, lead = strip_photo_lead(text)
    core, asides = _POSITION_ASIDE.subn("", core)
    sentences = tuple(split_sentences(core))
    tokens = tag(sentences[0]) if sentences else ()
    main = next(
        (i for i, t in enumerate(tokens)
         if t.tag in _FINITE and not (i and tokens[i - 1].low in _RELATIVE)),
        None,
    )
    return Reading(text, credit, lead, sentences, tokens, main, _tense(tokens, main), asides > 0)


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

_QUOTES = re.compile(r"[\"“”„«»]|(?:^|[\s(\[])[‘'][^\W\d_]")
_REPORTING = frozenset(
    "say tell add claim announce explain report state write ask insist warn accord believe "
    "think argue according".split()
)
_FIRST_SECOND = frozenset("i we us our ours my mine me you your yours".split())
_FUTURE = frozenset("later tomorrow soon upcoming tonight".split())
_PERIODS = frozenset("week weekend month year season spring summer autumn fall winter".split())
_NEGATION = frozenset("not n't never no nobody nothing none".split())
_DATE_WORDS = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|Jan|Feb|Aug|Sept?|Oct|"
    r"Nov|Dec)\b\.?,? ?\d{0,2}"
)
_HABITUAL = frozenset(
    "every each often usually always typically generally sometimes rarely annually daily "
    "weekly yearly per".split()
)
_SPAN = frozenset("until since through till throughout".split())
_PLACE_PREPOSITIONS = frozenset("in at near outside inside on along across during".split())
_CLOSERS = "\"'”’)]»"

#: The cues, in the order of the model's weights. Each is 0 or 1 unless its name says more.
FEATURES = (
    "credit", "after_figure_marker", "photo_lead", "no_final_stop", "ends_question_or_bang",
    "two_sentences", "three_or_more_sentences", "under_8_words", "over_35_words",
    "heading_shaped", "quotation", "reporting_verb", "first_or_second_person",
    "pronoun_subject", "fronted_opening", "comma_before_verb", "present", "past", "perfect",
    "modal", "no_finite_verb", "participle_scene", "name_subject", "indefinite_subject",
    "definite_subject", "place", "date", "year", "numbers", "future_time", "negation",
    "colon_or_semicolon", "several_finite_verbs", "present_scene", "verbless_scene",
    "copula", "have_main", "habitual", "time_span", "comma_and", "single_name_subject",
    "progressive", "passive", "position_aside",
)
#: Besides ``FEATURES``, the main verb's lemma is a cue of its own ("verb:walk"): the model
#: learns which verbs show a moment (walk, hold, wave) and which a state or a habit (remain,
#: operate, cost).
VERB_CUE = "verb:"


def caption_features(reading: Reading, *, after_figure_marker: bool = False) -> dict[str, float]:
    """The cues of a read paragraph, by name (see ``FEATURES``)."""
    toks, main = reading.tokens, reading.main_verb
    words = [t for t in toks if t.text[:1].isalnum()]
    first = words[0] if words else None
    lows = {t.low for t in toks}
    text = reading.text
    end = text.rstrip(_CLOSERS)[-1:]
    subject = toks[:main] if main is not None else toks
    n_words = len(text.split())
    cues = {
        "credit": reading.credit is not None,
        "after_figure_marker": after_figure_marker,
        "photo_lead": reading.photo_lead,
        "no_final_stop": end.isalnum(),
        "ends_question_or_bang": end in {"?", "!"},
        "two_sentences": len(reading.sentences) == 2,
        "three_or_more_sentences": len(reading.sentences) >= 3,
        "under_8_words": n_words < 8,
        "over_35_words": n_words > 35,
        "heading_shaped": n_words <= 10 and end.isalnum(),
        "quotation": bool(_QUOTES.search(text)),
        "reporting_verb": any(t.lemma in _REPORTING and (t.tag.startswith("VB") or t.low == "according")
                              for t in toks),
        "first_or_second_person": bool(lows & _FIRST_SECOND),
        "pronoun_subject": first is not None and first.tag == "PRP"
        or (first is not None and first.low in {"this", "that", "these", "those"}
            and main is not None and main <= 1),
        "fronted_opening": first is not None and (
            first.tag in {"IN", "WRB", "CC", "TO"}
            or first.tag == "RB" and len(words) > 1 and words[1].tag not in {"JJ", "VBN", "VBG", "CD"}),
        "position_aside": reading.position_aside,
        "comma_before_verb": any(t.text == "," for t in subject),
        "present": reading.tense == "present",
        "past": reading.tense == "past",
        "perfect": reading.tense == "perfect",
        "modal": reading.tense == "modal",
        "no_finite_verb": reading.tense == "none",
        "participle_scene": reading.tense == "none" and any(t.tag in {"VBG", "VBN"} for t in toks),
        "name_subject": first is not None and first.tag in {"NNP", "NNPS"},
        "indefinite_subject": first is not None and first.low in {"a", "an"},
        "definite_subject": first is not None and first.low == "the",
        "place": any(a.low in _PLACE_PREPOSITIONS and b.tag in {"NNP", "NNPS"}
                     for a, b in zip(toks, toks[1:], strict=False)),
        "date": bool(_DATE_WORDS.search(text)),
        "year": bool(re.search(r"\b(?:19|20)\d\d\b", text)),
        "numbers": len(re.findall(r"\d+(?:[.,]\d+)?%?|[$€£]", text)) >= 2,
        "future_time": bool(lows & _FUTURE) or any(t.low in {"will", "'ll"} for t in toks)
        or any(a.low == "next" and b.low in _PERIODS for a, b in zip(toks, toks[1:], strict=False)),
        "negation": bool(lows & _NEGATION),
        "colon_or_semicolon": bool(re.search(r"[:;]", text)),
        "several_finite_verbs": sum(
            t.tag in _FINITE and not (i and toks[i - 1].low in _RELATIVE) for i, t in enumerate(toks)
        ) >= 2,
    }
    plain = (len(reading.sentences) == 1 and end == "." and not cues["quotation"]
             and not cues["reporting_verb"] and not cues["pronoun_subject"]
             and not cues["fronted_opening"] and not cues["first_or_second_person"])
    cues["present_scene"] = plain and reading.tense == "present"
    cues["verbless_scene"] = plain and reading.tense == "none" and n_words >= 4
    verb = toks[main] if main is not None else None
    after = [t for t in toks[main + 1 : main + 3] if t.tag not in {"RB", "RBR"}] if verb else []
    auxiliary = bool(after) and after[0].tag in {"VBN", "VBD", "VBG"}
    cues["copula"] = verb is not None and verb.lemma == "be" and not auxiliary
    cues["have_main"] = verb is not None and verb.lemma == "have" and not auxiliary
    cues["single_name_subject"] = [t.tag for t in subject] in (["NNP"], ["NNPS"])
    cues["progressive"] = cues["present"] and verb is not None and verb.lemma == "be" and auxiliary and after[0].tag == "VBG"
    cues["passive"] = verb is not None and verb.lemma == "be" and auxiliary and after[0].tag != "VBG"
    if verb is not None and auxiliary and verb.lemma in {"be", "have"}:
        verb = after[0]  # "is carried": the verb that says what happens is "carry"
    cues["habitual"] = bool(lows & _HABITUAL) or any(
        a.low in {"a", "an"} and b.low in {"day", "week", "month", "year", "season"}
        for a, b in zip(toks, toks[1:], strict=False)
    )
    cues["time_span"] = bool(lows & _SPAN)
    cues["comma_and"] = bool(re.search(r", (?:and|but|while|as) ", reading.sentences[0] if reading.sentences else ""))
    found = {name: float(cues[name]) for name in FEATURES}
    if verb is not None:
        found[VERB_CUE + lemma(verb.text, "VB")] = 1.0
    return found


# --- The model and its explanation -------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """A logistic model: a weight per cue, a bias, and the probability a caption needs."""

    weights: dict[str, float]
    bias: float
    threshold: float


@cache
def model() -> Model:
    """The packaged weights (``caption_model.json``), loaded once."""
    raw = json.loads(
        resources.files("archiver.extract").joinpath("caption_model.json").read_text("utf-8")
    )
    return Model(dict(raw["weights"]), float(raw["bias"]), float(raw["threshold"]))


@dataclass(frozen=True)
class CaptionEvidence:
    """The verdict on one paragraph and why.

    ``contributions`` lists each cue that is present with its weight in log-odds, largest
    effect first; ``rejected`` says why a paragraph was refused before the model was asked.
    """

    is_caption: bool
    probability: float
    text: str
    credit: str | None
    contributions: tuple[tuple[str, float], ...] = ()
    rejected: str | None = None

    def explain(self) -> str:
        """One line: the verdict, the probability and the cues that weighed most."""
        verdict = "caption" if self.is_caption else "body"
        if self.rejected:
            return f"{verdict}: {self.rejected}"
        cues = ", ".join(f"{name} {weight:+.1f}" for name, weight in self.contributions[:6])
        return f"{verdict} (p={self.probability:.2f}): {cues}"


def caption_evidence(paragraph: str, *, after_figure_marker: bool = False) -> CaptionEvidence:
    """Judge one paragraph; ``after_figure_marker`` when the paragraph before it marks a
    figure ("Image", "Image source, Reuters"; see ``figure_marker``)."""
    reading = read_paragraph(paragraph)
    n_words = len(reading.text.split())
    if not MIN_WORDS <= n_words <= MAX_WORDS:
        why = f"{n_words} words is outside {MIN_WORDS}-{MAX_WORDS}"
        return CaptionEvidence(False, 0.0, reading.text, reading.credit, rejected=why)
    m = model()
    cues = caption_features(reading, after_figure_marker=after_figure_marker)
    contributions = [(name, m.weights.get(name, 0.0)) for name, on in cues.items() if on]
    score = m.bias + sum(weight for _, weight in contributions)
    probability = 1.0 / (1.0 + math.exp(-score))
    contributions.sort(key=lambda item: -abs(item[1]))
    return CaptionEvidence(
        is_caption=probability >= m.threshold,
        probability=probability,
        text=reading.text,
        credit=reading.credit,
        contributions=tuple(contributions),
    )

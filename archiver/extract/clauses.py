"""Clause reading for the caption rules: word classes and the main verb of a sentence.

A light heuristic, not a parser. ``tokenize`` splits a sentence into words and marks;
the word-class helpers say whether a word looks like a present "-s" verb, a past or
participle form, a plural noun, a name or a number; ``analyse_clause`` finds a sentence's
subject and its finite main verb and says how that verb is built (``VerbForm``).

The reading drops asides between commas, skips relative clauses and the past verbs of
subordinate ones ("after police cleared a road"), and takes the first finite verb left as
the main verb. A verb is known by its lexicon entry or by its place and form: right after
a subject noun phrase (a determiner and nouns, a run of names with a title before them, a
possessive, coordinated names), a word that is morphologically a finite present verb
("-s" after a singular subject, the base form after a plural one) and is followed by an
object, a particle, a preposition, an adverb or the end is the main verb, listed or not.
An "-ed" word after a subject is the past tense unless it reads as a participle: marked as
a passive by an agent ("tossed ashore by the storm"), by what a covering verb covers with
("decorated with flowers"), by a place adverb ("left behind"), by a comma after a noun
phrase ("The finale, staged in ...") or by a second participle after it; or, before a
place, when the verb takes objects and the subject is a thing rather than a person or a
name ("Boats moored in the harbor" against "Talks resumed in Geneva").

Quoted titles inside a sentence ("The cast of "The Salt Road" celebrate") reach this
module already joined into one name (``archiver.extract.captions``). This module is pure:
no disk, no network, no state, no third-party code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from archiver.extract.lexicon import (
    ACTION_VERBS,
    AUXILIARIES,
    BE_PAST,
    BE_PRESENT,
    CATENATIVE_VERBS,
    CLOSED_CLASS,
    CONJUNCTIONS,
    COVERING_VERBS,
    DETERMINERS,
    DO_PRESENT,
    GROUP_ADJECTIVES,
    HAVE_PRESENT,
    INTRANSITIVE_VERBS,
    IRREGULAR_PARTICIPLE,
    IRREGULAR_PAST,
    IRREGULAR_PLURALS,
    KNOWN_VERBS,
    MODALS,
    MONTH_WORDS,
    NOT_ADVERB_LY,
    NOT_ING,
    NOT_PAST_ED,
    NOT_PERSON_IST,
    NOT_VERB_S,
    NUMBER_WORDS,
    OBJECT_PRONOUNS,
    OTHER_RELATIVES,
    PARTICLES,
    PERSON_NOUNS,
    PLACE_ADVERBS,
    PREPOSITIONS,
    QUANTITY_NOUNS,
    SHORT_ADVERBS,
    SUBJECT_RELATIVES,
    SUBORDINATORS,
)

__all__ = [
    "CALENDAR_WORDS",
    "CLAUSE_SUBORDINATORS",
    "LEMMAS",
    "OBJECT_OPENERS",
    "Clause",
    "Token",
    "VerbForm",
    "analyse_clause",
    "has_noun_suffix",
    "is_adverb",
    "is_count",
    "is_ing",
    "is_name",
    "is_number",
    "is_past_form",
    "is_plural_noun",
    "is_s_form",
    "names_people",
    "opens_subordinate",
    "subject_head",
    "subject_is_plural",
    "tokenize",
    "verb_lemma",
]


class Token(NamedTuple):
    """A word or a punctuation mark of a sentence."""

    text: str
    low: str

    @property
    def is_word(self) -> bool:
        """True for words and numbers, False for punctuation."""
        return self.text[0].isalnum()

    @property
    def is_capitalised(self) -> bool:
        """True when the word starts with a capital letter."""
        return self.text[0].isupper()

    @property
    def is_lower(self) -> bool:
        """True when the word starts with a lower-case letter."""
        return self.text[0].islower()


_TOKEN = re.compile(
    r"\d+(?:[.,:/]\d+)*(?:(?:st|nd|rd|th|s)(?![^\W_]))?(?:[-–][^\W_]+)*"
    r"|[^\W_](?:[\w'’.-]*[^\W_])?|[^\w\s]",
)


def tokenize(text: str) -> list[Token]:
    """Split a sentence into word and punctuation tokens ("Mosul's", "5-year-old", "17th" and
    "1990s" stay one)."""
    return [Token(t, t.lower().replace("’", "'")) for t in _TOKEN.findall(text)]


# --- Word classes --------------------------------------------------------------------------


#: Base forms the lemma rules can return ("tumbled" -> "tumble", not "tumbl").
LEMMAS = KNOWN_VERBS | INTRANSITIVE_VERBS | COVERING_VERBS


def _lemma_s(word: str) -> str:
    """The base form of a third-person -s verb ("watches" -> "watch", "cries" -> "cry").

    A hyphenated verb gives its last part ("bottle-feeds" -> "feed"): that names the action.
    """
    word = _verb_part(word)
    if word.endswith("ies"):
        candidates = [word[:-3] + "y", word[:-1]]
    elif word.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        candidates = [word[:-2], word[:-1]]
    elif word.endswith("es"):  # "teases" -> "tease", "goes" -> "go"
        candidates = [word[:-1], word[:-2]]
    else:
        candidates = [word[:-1]]
    return next((c for c in candidates if c in LEMMAS), candidates[0])


def _verb_part(word: str) -> str:
    """The verb in a hyphenated verb ("bottle-feeds" -> "feeds", "spray-paint" -> "paint"),
    else the word itself."""
    first, _, last = word.rpartition("-")
    return last if first.isalpha() and last.isalpha() else word


def _lemma_ed(word: str) -> str:
    """The base form of a past or participle form ("fled" -> "flee", "carried" -> "carry")."""
    if word in IRREGULAR_PAST:
        return IRREGULAR_PAST[word]
    if word in IRREGULAR_PARTICIPLE:
        return IRREGULAR_PARTICIPLE[word]
    candidates = []
    if word.endswith("ied"):
        candidates.append(word[:-3] + "y")
    if len(word) > 4 and word[-3] == word[-4]:  # "stopped" -> "stop"
        candidates.append(word[:-3])
    candidates += [word[:-1], word[:-2]]
    return next((c for c in candidates if c in LEMMAS), word[:-2])


def _lemma_ing(word: str) -> str:
    """The base form of an -ing form ("running" -> "run", "taking" -> "take")."""
    stem = word[:-3]
    candidates = [stem, stem + "e"]
    if len(stem) > 2 and stem[-1] == stem[-2]:
        candidates.append(stem[:-1])
    if stem.endswith("y"):
        candidates.append(stem[:-1] + "ie")
    return next((c for c in candidates if c in LEMMAS), stem)


def verb_lemma(low: str) -> str:
    """The base form of any verb form this module knows ("says", "fled", "walk")."""
    if low.endswith("s") and _lemma_s(low) in KNOWN_VERBS:
        return _lemma_s(low)
    if is_past_form(low):
        return _lemma_ed(low)
    return low


def is_adverb(tok: Token) -> bool:
    return tok.is_lower and (
        (tok.low.endswith("ly") and len(tok.low) > 4 and tok.low not in NOT_ADVERB_LY)
        or tok.low in SHORT_ADVERBS
    )


def is_ing(tok: Token) -> bool:
    return tok.low.endswith("ing") and len(tok.low) > 4 and tok.low not in NOT_ING


def is_past_form(low: str) -> bool:
    """A simple-past or past-participle look: "walked", "fled", "taken"."""
    if low in IRREGULAR_PAST or low in IRREGULAR_PARTICIPLE:
        return True
    return (
        low.endswith("ed")
        and len(low) > 3
        and low.isalpha()
        and low not in NOT_PAST_ED
        and not (low.endswith("eed") and not low.endswith("eeded"))
    )


def _is_base_participle(low: str) -> bool:
    """A participle spelt like its verb's base form ("run", "come", "cut", "set"): after a
    plural subject it is the present tense ("Cracks run through the wall")."""
    return IRREGULAR_PARTICIPLE.get(low) == low


def _is_participle_only(low: str) -> bool:
    """A past participle that is never a simple past ("seen", "shown", "taken", "driven"):
    without an auxiliary it describes a noun ("Particles seen through a microscope")."""
    return (
        low in IRREGULAR_PARTICIPLE and low not in IRREGULAR_PAST and not _is_base_participle(low)
    )


#: Endings only nouns have ("darkness", "city", "virus", "childhood", "tourism").
_NOUN_SUFFIXES = ("ness", "ity", "ism", "hood", "us")


def has_noun_suffix(low: str) -> bool:
    return low.endswith(_NOUN_SUFFIXES) and low not in KNOWN_VERBS


def is_s_form(tok: Token) -> bool:
    """An "-s" word that may be a third-person verb: "walks", or a hyphenated verb whose last
    part is a known verb ("bottle-feeds", "spray-paints")."""
    low = tok.low
    if "-" in low and _verb_part(low) != low:
        return tok.is_lower and low.endswith("s") and _lemma_s(low) in KNOWN_VERBS
    return (
        tok.is_lower
        and low.isalpha()
        and len(low) > 2
        and low.endswith("s")
        and not low.endswith(("ss", "us", "is", "ous"))
        and low not in NOT_VERB_S
        and low not in NUMBER_WORDS
        and low not in CLOSED_CLASS
    )


def is_plural_noun(tok: Token) -> bool:
    low = tok.low
    if low in IRREGULAR_PLURALS:
        return True
    return (
        tok.is_word
        and low.endswith("s")
        and not low.endswith(("ss", "us", "is", "'s"))
        and low not in CLOSED_CLASS
    )


def is_number(tok: Token) -> bool:
    return tok.low in NUMBER_WORDS or tok.text[0].isdigit()


def is_count(tok: Token) -> bool:
    """A number that counts what a photo shows: "two", "12"; not "dozens", "thousands"."""
    return is_number(tok) and tok.low not in QUANTITY_NOUNS


CALENDAR_WORDS = MONTH_WORDS | {
    f"{day}day" for day in ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")
}


def is_name(tok: Token) -> bool:
    """A capitalised word that names something (not "I", not a month or a weekday)."""
    return (
        tok.is_word
        and tok.is_capitalised
        and tok.text != "I"
        and tok.low.rstrip(".") not in CALENDAR_WORDS
    )


def names_people(tokens: Sequence[Token]) -> bool:
    """Whether some word is a person noun ("woman", "soldiers", "police"), including those
    that say what someone believes or does in "-ist" ("conservationists", "a botanist")."""
    for tok in tokens:
        word = tok.low.split("'")[0]
        singular = word[:-1] if word.endswith("s") else word
        if word in PERSON_NOUNS or singular in PERSON_NOUNS:
            return True
        if singular.endswith("ist") and len(singular) > 5 and singular not in NOT_PERSON_IST:
            return True
    return False


# --- Clause analysis -------------------------------------------------------------------------


class VerbForm(StrEnum):
    """How the main verb of a sentence is built."""

    PRESENT = "present"  # "walks", "soldiers move", "does not move"
    PRESENT_PASSIVE = "present passive"  # "are reunited", "is carried"
    PRESENT_PROGRESSIVE = "present progressive"  # "is walking"
    COPULA = "copula"  # "is ready", "are in the camp"
    HAVE = "have"  # possessive "has", "have"
    PAST = "past"  # "walked", "was", "were taken", "had fled"
    PERFECT = "perfect"  # "has fled", "have been credited"
    MODAL = "modal"  # "will", "could", "has to"
    NONE = "none"  # no finite verb: a noun phrase


@dataclass(frozen=True)
class Clause:
    """The main clause of a sentence as far as these rules read it."""

    subject: tuple[Token, ...]
    form: VerbForm
    verb: str | None = None  # the finite word as written ("watches", "are")
    lemma: str | None = None  # the lexical verb's base form ("watch", "reunite")
    after: tuple[Token, ...] = ()  # the tokens that follow the finite verb


def _fits_after_verb(tok: Token | None) -> bool:
    """Whether ``tok`` can open what follows a verb: an object, a complement, a particle."""
    if tok is None or not tok.is_word:
        return True
    low = tok.low
    return (
        low in DETERMINERS
        or low in PREPOSITIONS
        or low in PARTICLES
        or low in OBJECT_PRONOUNS
        or low in SUBORDINATORS
        or is_number(tok)
        or tok.is_capitalised
        or is_adverb(tok)
    )


def _drop_asides(tokens: list[Token]) -> list[Token]:
    """Remove parentheses, and short comma-enclosed asides that are relative clauses or hold
    no finite auxiliary.

    "Iraqi families, fleeing the fight, board a truck" reads as "Iraqi families board a
    truck": the aside would otherwise hide the subject from its verb.
    """
    out: list[Token] = []
    depth = 0
    for tok in tokens:
        if tok.text in "([":
            depth += 1
        elif tok.text in ")]" and depth:
            depth -= 1
        elif not depth:
            out.append(tok)
    result: list[Token] = []
    i = 0
    while i < len(out):
        if out[i].text == "," and result:
            close = next((j for j in range(i + 1, min(len(out), i + 13)) if out[j].text == ","), 0)
            inner = out[i + 1 : close]
            relative = bool(inner) and inner[0].low in SUBJECT_RELATIVES | OTHER_RELATIVES
            if close and inner and (relative or not any(_is_finite_aux(t) for t in inner)):
                i = close + 1
                continue
        result.append(out[i])
        i += 1
    return result


def _is_finite_aux(tok: Token) -> bool:
    return tok.is_lower and (
        tok.low in BE_PRESENT
        or tok.low in BE_PAST
        or tok.low in HAVE_PRESENT
        or tok.low in {"had", "did", "does", "do"}
        or tok.low in MODALS
        or tok.low.endswith("n't")
    )


def subject_is_plural(tokens: Sequence[Token]) -> bool:
    """Whether a subject's head noun is plural, the subject is coordinated ("X and Y"), or
    it names a group by an adjective or a participle ("The injured", "the dead")."""
    if any(t.low == "and" for t in tokens):
        return True
    words_ = [t.low for t in tokens if t.is_word]
    if len(words_) == 2 and words_[0] == "the":
        group = words_[1] in GROUP_ADJECTIVES or is_past_form(words_[1])
        if group or is_ing(tokens[-1]):
            return True
    head: Token | None = None
    for i, tok in enumerate(tokens):
        if tok.low in PREPOSITIONS or tok.low in SUBJECT_RELATIVES or not tok.is_word:
            break
        if i and tok.is_lower and (is_ing(tok) or is_past_form(tok.low)):
            continue  # a participle after the head: "Life jackets discarded by ..."
        head = tok
    return head is not None and is_plural_noun(head)


def _previous_skipping_adverbs(tokens: Sequence[Token], i: int) -> int:
    """The index of the word before ``i``, passing over adverbs ("newly", "also"); -1 if none."""
    j = i - 1
    while j >= 0 and (is_adverb(tokens[j]) or (j == 0 and tokens[j].low.endswith("ly"))):
        j -= 1
    return j


def _is_adjectival(tokens: Sequence[Token], i: int) -> bool:
    """Whether a past-looking word at ``i`` modifies a noun rather than being a finite verb."""
    tok = tokens[i]
    if "-" in tok.low or _is_participle_only(tok.low):  # "ISIS-controlled", "seen", "shown"
        return True
    prev_index = _previous_skipping_adverbs(tokens, i)
    if prev_index < 0:
        return True
    prev = tokens[prev_index]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    # a count before a noun's modifier ("two wounded men"), not a count as the subject
    # ("Thousands fled the city", "Hundreds left behind their homes")
    counted = is_number(prev) and nxt is not None and nxt.low not in CLOSED_CLASS | PARTICLES
    if (
        prev.low in DETERMINERS
        or prev.low in PREPOSITIONS
        or prev.low in AUXILIARIES
        or prev.low in {"being", "get", "gets", "got", "getting"}
        or prev.low.endswith(("'s", "s'"))  # a possessive determines it: "Mosul's liberated ..."
        or counted
    ):
        return True
    if _marked_passive(tokens, i):
        return True
    if prev.low in CONJUNCTIONS or prev.text == ",":
        if nxt is not None and nxt.is_word and not _fits_after_verb(nxt):
            return True
        # "The finale of the show, staged in a gym": after the comma that closes a noun
        # phrase (no verb came before), the "-ed" form of a verb that takes objects
        places = nxt is not None and nxt.low in PREPOSITIONS
        return prev.text == "," and places and _takes_object(tok.low)
    if is_past_form(prev.low) and _is_adjectival(tokens, prev_index):
        return True  # a chain of adjectives: "a damaged carved stone"
    if nxt is not None and (nxt.low in PREPOSITIONS or nxt.low in PARTICLES):
        # a reduced relative: "a man wounded in the blast lies ...", "jackets recovered
        # from the river piled on the bank"
        return (
            any(_is_present_marker(tokens, j) for j in range(i + 2, len(tokens)))
            or _participle_follows(tokens, i)
            or _describes_subject(tokens, i)
        )
    return False


def _takes_object(low: str) -> bool:
    """Whether an "-ed" form can be a passive participle: not a simple past only ("rose",
    "fell") and not a verb news prose uses without an object (``INTRANSITIVE_VERBS``)."""
    past_only = low in IRREGULAR_PAST and low not in IRREGULAR_PARTICIPLE
    return not past_only and _lemma_ed(low) not in INTRANSITIVE_VERBS


def _marked_passive(tokens: Sequence[Token], i: int) -> bool:
    """Whether the "-ed" word at ``i`` is a passive participle by what follows it, whatever
    its subject: an agent ("planted by militants", "tossed ashore by the storm"), what a
    covering verb covers with ("decorated with flowers", "draped in a flag"), or, for
    things, a place adverb and no object ("umbrellas left behind after ...", not "Fans
    left behind their flags")."""
    low = tokens[i].low
    nxt, after = (tokens[j].low if j < len(tokens) else "" for j in (i + 1, i + 2))
    if nxt == "by" or (nxt in PARTICLES | PLACE_ADVERBS and after == "by"):
        return True
    if nxt in {"with", "in"} and _lemma_ed(low) in COVERING_VERBS:
        return True
    no_object = not after or not after[0].isalnum() or after in PREPOSITIONS | SUBORDINATORS
    thing = not names_people(tokens[:i])
    return nxt in PLACE_ADVERBS and no_object and thing and _takes_object(low)


def _participle_follows(tokens: Sequence[Token], i: int) -> bool:
    """Whether another "-ed" word follows the one at ``i`` in the same clause, after the
    noun that ends its phrase, so that the first is a participle ("Life jackets recovered
    from the river piled on the bank").

    Only for things, and verbs that can take objects: people act, and a verb like "erupt"
    cannot be passive. The later word must not be a participle itself ("Clashes erupted in
    areas controlled by rebels").
    """
    verb = _lemma_ed(tokens[i].low)
    if names_people(tokens[:i]) or not (_takes_object(tokens[i].low) or verb in ACTION_VERBS):
        return False
    for j in range(i + 2, len(tokens)):
        tok, prev = tokens[j], tokens[j - 1]
        if tok.text == "," or tok.low in _CLAUSE_BOUNDARIES or _is_finite_aux(tok):
            return False
        noun_before = prev.is_word and prev.low not in CLOSED_CLASS
        noun_before = noun_before and not (is_past_form(prev.low) or is_ing(prev))
        if tok.is_lower and is_past_form(tok.low) and noun_before:
            return not _marked_passive(tokens, j)
    return False


def _describes_subject(tokens: Sequence[Token], i: int) -> bool:
    """Whether the -ed word at ``i``, right after the subject and before a preposition, is a
    passive participle describing that subject ("Boats moored in the harbor", "Sandbags
    stacked outside a shop") rather than the past tense ("Talks resumed in Geneva",
    "Protesters gathered outside", "The ferry docked at Piraeus").

    A passive needs a verb that takes an object (not one of ``INTRANSITIVE_VERBS``), and the
    subject must be a thing shown, not narrated: no person noun, no name, no definite or
    possessive determiner (a known thing is the topic of a story).
    """
    if not _takes_object(tokens[i].low):
        return False
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    if after is None or not after.is_word or after.low in PREPOSITIONS:
        return False  # a particle, not a place: "Messages poured in from home"
    subject = [t for t in tokens[:i] if t.is_word]
    head = subject_head(subject)
    if head is None or head.low in NUMBER_WORDS or names_people([head]):
        return False  # people, or a count of them: "Thousands left behind their homes"
    if any(is_name(t) for t in subject[1:]):
        return False
    first = subject[0]
    if first.low in DETERMINERS - {"a", "an"} and first.low not in NUMBER_WORDS:
        return False
    return len(subject) > 1 or is_plural_noun(first)  # a lone capitalised word is a name


def subject_head(subject: Sequence[Token]) -> Token | None:
    """The head noun of a subject: "tents" in "Refugee tents", "portrait" in "A portrait of
    the victim", but "migrants" in "Thousands of migrants" (a count is not the head)."""
    head: Token | None = None
    for i, tok in enumerate(subject):
        if tok.low == "of" and head is not None and head.low in QUANTITY_NOUNS | NUMBER_WORDS:
            head = None
            continue
        if tok.low in PREPOSITIONS or tok.low in SUBJECT_RELATIVES:
            if head is not None:
                break
            continue
        if tok.low in DETERMINERS or (i and tok.is_lower and is_past_form(tok.low)):
            continue
        head = tok
    return head


def _is_present_marker(tokens: Sequence[Token], j: int) -> bool:
    """Whether the word at ``j`` is "is"/"are" or a known "-s" verb in a verb's place."""
    tok = tokens[j]
    if not tok.is_lower:
        return False
    known_s = is_s_form(tok) and _lemma_s(tok.low) in KNOWN_VERBS
    return tok.low in BE_PRESENT or (known_s and _present_at(tokens, j))


def _present_at(tokens: Sequence[Token], i: int) -> bool:
    """Whether the word at ``i`` is a present-tense lexical verb ("walks", "soldiers move").

    Known verbs ("watches", "hold") need only a fitting neighbour; an unknown word needs
    stronger context: "-s" after a singular noun ("a man sweeps the ..."), or a base form
    after a plural subject and before an object ("demonstrators demand the ...") or, right
    after a plural noun, before a preposition ("workers comb through ...") or a plural noun
    and a preposition ("crews ferry patients to ..."): plural nouns rarely modify nouns.
    """
    tok = tokens[i]
    prev = tokens[i - 1]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if (
        prev.low in DETERMINERS
        or prev.low in PREPOSITIONS
        or prev.low in AUXILIARIES
        or prev.low in MODALS
        or prev.low in CONJUNCTIONS
        or is_number(prev)
    ):
        return False
    if is_s_form(tok):
        return _s_form_is_verb(tokens, i)
    base = _verb_part(tok.low)  # "hand-wash" -> "wash"
    if not tok.is_lower or not base.isalpha() or tok.low in CLOSED_CLASS:
        return False
    if not (prev.is_word or prev.text == ",") or not subject_is_plural(tokens[:i]):
        return False
    if base in KNOWN_VERBS:
        # past a prepositional phrase, a verb has words after it: "Members of the crew
        # carry a stretcher", not "The remains of Kenya's last ivory burn, in 2015"
        far = any(t.low in PREPOSITIONS for t in tokens[:i])
        return not far or (nxt is not None and nxt.is_word)
    if base != tok.low:
        return False
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    plural_object = (
        nxt is not None
        and is_s_form(nxt)
        and (after is None or after.low in PREPOSITIONS or not after.is_word)
    )
    opens_complement = nxt is not None and (
        nxt.low in OBJECT_OPENERS
        or (nxt.low in PREPOSITIONS | PARTICLES and is_plural_noun(prev))
        or (is_name(nxt) and i > 1)  # a named object: "Fans in orange pack Museumplein"
        or (plural_object and is_plural_noun(prev))
    )
    past = is_past_form(tok.low) and not _is_base_participle(tok.low)
    return opens_complement and not (past or is_ing(tok) or is_adverb(tok))


#: Words that open an object: "a", "the", "their", "them", "what" ("salvage what they can").
OBJECT_OPENERS = (DETERMINERS - {"that"}) | OBJECT_PRONOUNS | {"what", "whatever"}

_AGENT_PLURAL = re.compile(r"(?:ers|ors|ists|ians)$")


def _s_form_is_verb(tokens: Sequence[Token], i: int) -> bool:
    """Whether the "-s" word at ``i`` is a third-person verb rather than a plural noun.

    Not a verb: the head noun of a subject that has none yet ("The charred remains of ...":
    only a determiner and a participle before it). An unknown "-s" word is a noun after an
    "-ing" modifier ("fishing boats", "voting machines"), after a preposition and one
    modifier ("on wooden racks"), and after a noun that opens the sentence without a
    determiner unless an object follows ("Heavy snow blankets the town" against "Ash-covered
    wine barrels at a winery").
    """
    tok, prev = tokens[i], tokens[i - 1]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    before = tokens[i - 2] if i > 1 else None
    subject = [t for t in tokens[:i] if t.is_word]
    if subject and all(
        t.low in DETERMINERS or (t.is_lower and (is_past_form(t.low) or is_ing(t))) for t in subject
    ):
        return False
    if nxt is not None and _is_finite_aux(nxt):
        return False  # the subject's head before its auxiliary: "Power lines are down"
    if _lemma_s(tok.low) in KNOWN_VERBS:
        later = nxt is not None and is_s_form(nxt) and _lemma_s(nxt.low) in KNOWN_VERBS
        return not later or _fits_after_verb(nxt)
    if _a_singular_noun(tokens[:i]):
        return True  # after "a" and a singular noun: "A Dutch supporter clambers up ..."
    if tok.low[:-1] in PERSON_NOUNS or _AGENT_PLURAL.search(tok.low) or is_adverb(prev):
        return False  # "fighters", "soldiers", "activists" are people, not verbs
    if is_ing(prev) or (before is not None and before.low in PREPOSITIONS and prev.is_lower):
        return False
    if nxt is not None and nxt.is_lower and is_past_form(nxt.low):
        return False  # a participle describes it: "virus particles seen through ..."
    if prev.is_lower and prev.is_word and not is_plural_noun(prev):
        # "a vendor sells vegetables"; compounds are put right by a later verb
        opener = subject[0].low
        determined = opener in DETERMINERS or opener in NUMBER_WORDS
        return determined or (nxt is not None and nxt.low in OBJECT_OPENERS)
    bare_object = (
        nxt is not None
        and nxt.is_lower
        and nxt.low not in CLOSED_CLASS
        and not is_plural_noun(nxt)
        and not is_ing(nxt)
    )
    opens_complement = nxt is not None and (
        nxt.low in DETERMINERS - {"that"} or nxt.low in PREPOSITIONS or bare_object
    )
    # "The minister chairs a meeting", "Messi dribbles past", "Mount Etna spews ash", but
    # not "UN forces in ..."
    return prev.is_capitalised and opens_complement and not prev.text.isupper()


def _a_singular_noun(tokens: Sequence[Token]) -> bool:
    """Whether ``tokens`` are "a"/"an", modifiers and a singular noun: "A Dutch supporter",
    "an elderly man", a subject that only a verb can follow."""
    if len(tokens) < 2 or tokens[0].low not in {"a", "an"} or not tokens[-1].is_lower:
        return False
    for tok in tokens[1:]:
        if not tok.is_word or tok.low in CLOSED_CLASS or is_ing(tok) or is_past_form(tok.low):
            return False
    return not is_plural_noun(tokens[-1])


def _finite_kind(tokens: Sequence[Token], i: int) -> str | None:
    """Classify the word at ``i`` as a finite verb: 'aux', 'present', 'past', or None."""
    tok = tokens[i]
    if i == 0 or not tok.is_word or not tok.is_lower:
        return None
    if tok.low.endswith("n't") or tok.low in AUXILIARIES - {"be", "been"} or tok.low in MODALS:
        if tok.low in MODALS and tokens[i - 1].low in DETERMINERS:
            return None  # "a can of paint"
        return "aux"
    if _is_base_participle(tok.low) and _present_at(tokens, i):
        return "present"  # "Cracks run through ...", "Workers cut ..."
    if is_past_form(tok.low) and tok.low not in KNOWN_VERBS:
        return None if _is_adjectival(tokens, i) else "past"
    if _present_at(tokens, i):
        return "present"
    return None


def _resolve(tokens: Sequence[Token], i: int, kind: str) -> Clause:
    """Build the clause for the finite verb at ``i``: its form and lexical verb."""
    tok = tokens[i]
    subject, after = tuple(tokens[:i]), tuple(tokens[i + 1 :])
    if kind == "present":
        lemma = _lemma_s(tok.low) if is_s_form(tok) else tok.low
        return Clause(subject, VerbForm.PRESENT, tok.text, _infinitive_after(lemma, after), after)
    if kind == "past":
        return Clause(subject, VerbForm.PAST, tok.text, _lemma_ed(tok.low), after)
    low = tok.low[:-3] if tok.low.endswith("n't") else tok.low
    low = {"ca": "can", "wo": "will", "sha": "shall"}.get(low, low)
    rest = [t for t in after if not (is_adverb(t) or t.low == "being")]
    nxt = rest[0] if rest else None
    lexical = nxt.low if nxt is not None and nxt.is_lower else None
    if low in MODALS or (low in HAVE_PRESENT | BE_PRESENT | {"had"} and lexical == "to"):
        return Clause(subject, VerbForm.MODAL, tok.text, low, after)
    if low in BE_PAST or low in {"had", "did"}:
        return Clause(subject, VerbForm.PAST, tok.text, low, after)
    if low in HAVE_PRESENT:
        if lexical and (lexical in IRREGULAR_PARTICIPLE or is_past_form(lexical)):
            return Clause(subject, VerbForm.PERFECT, tok.text, _lemma_ed(lexical), after)
        return Clause(subject, VerbForm.HAVE, tok.text, "have", after)
    if low in DO_PRESENT:
        return Clause(subject, VerbForm.PRESENT, tok.text, lexical, after)
    if nxt is not None and lexical and is_ing(nxt):
        return Clause(subject, VerbForm.PRESENT_PROGRESSIVE, tok.text, _lemma_ing(lexical), after)
    if lexical and (lexical in IRREGULAR_PARTICIPLE or is_past_form(lexical)):
        return Clause(subject, VerbForm.PRESENT_PASSIVE, tok.text, _lemma_ed(lexical), after)
    return Clause(subject, VerbForm.COPULA, tok.text, "be", after)


def _infinitive_after(lemma: str, after: Sequence[Token]) -> str:
    """The lemma that carries the meaning: "try to extinguish" -> "extinguish"."""
    if lemma in CATENATIVE_VERBS and len(after) > 1 and after[0].low == "to":
        infinitive = after[1]
        if infinitive.is_lower and infinitive.low.isalpha():
            return infinitive.low
    return lemma


def analyse_clause(sentence: str) -> Clause:
    """Find the subject and the finite main verb of one sentence.

    A light reading, not a parser: asides between commas are dropped, the verb group right
    after "who"/"which"/"that" (or the first finite verb after "where"/"whose"/...) belongs
    to the relative clause, a past verb after a subordinator ("after police cleared a road")
    to the subordinate clause, and the first finite verb outside them is the main verb.
    Without one the sentence is a noun phrase (``VerbForm.NONE``).
    """
    tokens = _drop_asides(tokenize(sentence))
    in_relative = False
    subordinate_at = 0  # where a subordinate clause opened ("after police cleared ...")
    skip_to = 0
    for i, tok in enumerate(tokens):
        if i < skip_to:
            continue
        if _opens_relative(tokens, i):
            in_relative = True
            if tok.low in SUBJECT_RELATIVES:
                skip_to, in_relative = _after_verb_group(tokens, i + 1), False
            continue
        if i and not subordinate_at and opens_subordinate(tokens, i):
            subordinate_at = i
        kind = _finite_kind(tokens, i)
        if kind is None:
            continue
        past = kind == "past" or tok.low in BE_PAST | {"had", "did"}
        own_subject = subordinate_at and i > subordinate_at + 1
        if in_relative or (own_subject and past):
            in_relative, subordinate_at = False, 0
            skip_to = _after_verb_group(tokens, i)
            continue
        later, later_kind = _stronger_verb_after(tokens, i) if kind == "present" else (0, "")
        return _resolve(tokens, later, later_kind) if later else _resolve(tokens, i, kind)
    return Clause(tuple(tokens), VerbForm.NONE)


_CLAUSE_BOUNDARIES = SUBORDINATORS | SUBJECT_RELATIVES | OTHER_RELATIVES | CONJUNCTIONS
#: Subordinators that open a clause with its own subject; "as" and "than" mostly compare
#: ("dressed as Santa", "more than 1,200 people").
CLAUSE_SUBORDINATORS = SUBORDINATORS - {"as", "than"}


def opens_subordinate(tokens: Sequence[Token], i: int) -> bool:
    """Whether the word at ``i`` opens a subordinate clause: a clause subordinator ("after",
    "while"), or "as" before a personal pronoun ("as it approached", "as they left"), where
    "as" cannot compare ("dressed as Santa", "as many as")."""
    low = tokens[i].low
    if low in CLAUSE_SUBORDINATORS:
        return True
    nxt = tokens[i + 1].low if i + 1 < len(tokens) else ""
    return low == "as" and nxt in {"it", "he", "she", "they", "we", "i", "you"}


def _stronger_verb_after(tokens: Sequence[Token], i: int) -> tuple[int, str]:
    """A better main verb after a present one guessed at ``i``, in the same clause:
    ``(index, kind)``, or ``(0, "")`` when there is none.

    The guess may be the subject's head noun: a word taken for a verb only by its context
    ("Rail services ... remain suspended"), or an "-s" word right after the first word and
    before a preposition ("Peace talks in Geneva collapsed"). Then a past verb later in the
    clause is the main one, and for the first kind also an auxiliary or a known verb.
    """
    guessed = verb_lemma(tokens[i].low) not in KNOWN_VERBS
    nxt = tokens[i + 1].low if i + 1 < len(tokens) else ""
    head_noun = i == 1 and is_s_form(tokens[i]) and nxt in PREPOSITIONS
    if not (guessed or head_noun):
        return 0, ""
    for j in range(i + 1, len(tokens)):
        if tokens[j].text == "," or tokens[j].low in _CLAUSE_BOUNDARIES | {"what", "whatever"}:
            break  # a free relative has its own verb: "salvage what they can"
        kind = _finite_kind(tokens, j)
        known = kind == "present" and verb_lemma(tokens[j].low) in KNOWN_VERBS
        if kind == "past" or (guessed and (kind == "aux" or known)):
            return j, kind or ""
    return 0, ""


def _opens_relative(tokens: Sequence[Token], i: int) -> bool:
    """Whether the word at ``i`` opens a relative clause ("who", "which", a "that" after a word)."""
    tok = tokens[i]
    if i == 0 or not tok.is_lower or tok.low not in SUBJECT_RELATIVES | OTHER_RELATIVES:
        return False
    return tok.low != "that" or tokens[i - 1].is_word


def _after_verb_group(tokens: Sequence[Token], i: int) -> int:
    """The index just past the verb group starting at ``i`` ("was badly injured", "fled").

    Words joined by "and"/"or" to the group ("fled and lost") belong to it as well.
    """
    j = i
    while j < len(tokens) and is_adverb(tokens[j]):
        j += 1
    if j >= len(tokens) or not tokens[j].is_lower or tokens[j].low in DETERMINERS:
        return i
    j += 1
    while (
        j < len(tokens)
        and tokens[j].is_lower
        and (
            is_adverb(tokens[j])
            or tokens[j].low in {"been", "being", "be"}
            or is_past_form(tokens[j].low)
            or is_ing(tokens[j])
        )
    ):
        j += 1
    coordinated = (
        j + 1 < len(tokens)
        and tokens[j].low in {"and", "or"}
        and tokens[j + 1].is_lower
        and (is_past_form(tokens[j + 1].low) or is_s_form(tokens[j + 1]))
    )
    return _after_verb_group(tokens, j + 1) if coordinated else j

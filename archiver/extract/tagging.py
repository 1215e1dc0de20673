"""Words and their parts of speech: the one door to the outside language tools.

Two libraries do the work, and only this module imports them (lazily, on the first call):

- TextBlob's English tagger (the lexicon of ``textblob/en``, with suffix rules for unknown
  words: tables shipped inside the package, nothing is downloaded) gives each token a Penn
  Treebank tag; only its table module is loaded, not the package (see ``_tagger``);
- ``lemminflect`` (English inflection tables shipped in the package) gives lemmas, and says
  which words can be verbs and in which form.

The tagger reads headline-like English poorly where captions need it most: the verb right
after a noun phrase ("Soldiers move in formation", "Volunteers pack relief goods") is tagged
as a noun, because its lexicon knows the noun reading best. ``tag`` mends these cases, with
lemminflect saying which words can be which verb or noun form:

- a sentence's first word, capitalised only because it opens the sentence, is the plural
  noun it can be ("Flamingos feed ..."), not a name, unless a name or a comma follows; a
  past participle there, before a noun, is an adjective ("Toasted grasshoppers ...");
- a past form right after "have" or "be" is a participle ("has *worked*", "was *built*"),
  and so is one right after an article or a possessive ("a *finished* chair"); a present or
  bare form there is the noun it can be ("the *remains*", "his *win* while ...");
- a bare verb (VB) right after a noun or a pronoun, or after one and an adverb, is a
  present verb (VBP), not an infinitive ("Iraqi soldiers come under fire", "Factories now
  produce ..."); read first, so that the nouns after it keep their reading ("Volunteers
  unload hay *bales*");
- before the sentence has a finite verb, in a run of nouns (or a lone noun after an aside
  between commas) that ends before a word no noun phrase continues with (a determiner, a
  preposition, a pronoun, ...), the last noun that can be a present-tense verb is that verb;
- before the sentence has a finite verb, a past form that is also the participle is the
  participle right after a noun when "by" and who did it follow ("Logbooks *kept* by
  researchers"), and right after the sentence's first comma, itself after a noun, when no
  object follows ("The finale of the show, *staged* in a gymnasium"), and so is one with no
  object right after a noun inside that aside ("made from a shovel *found* near the town");
- a past form right after a subject pronoun, or after one and an adverb, is the past tense
  ("She rarely photographed crowds"); so is a participle before its object after the
  asides of a name ("Dean Hollis, 52, from Stockport, *discovered* his win");
- before the sentence has a finite verb, a past participle right after a noun and before its
  object is the past tense it can also be ("Police estimated the crowd ...; organisers put
  it ..."); and a sentence's first finite verb, a past form that is also the past
  participle, right after a noun and before a preposition, opens a reduced relative when
  the subject's own verb follows ("Glass beads recovered from the wreck *are* laid out":
  VBN), not a past tense.

``main_verb`` leaves out the verbs of clauses that are not the main one: a relative clause,
a participle's aside between commas, a clause of time or reason ("after it was struck",
"..., the year he was convicted"), a clause telling of the noun before it without a
relative word ("with the telescope he used").

English only. Pure apart from the libraries' tables, loaded once; no disk writes, no network.
"""

from __future__ import annotations

import gc
import importlib.util
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["Token", "is_dictionary_word", "lemma", "main_verb", "tag", "tokenize"]

_TOKEN = re.compile(
    r"\d+(?:[.,:]\d+)*(?:%|st|nd|rd|th|s)?"  # numbers, times, ordinals, decades
    r"|(?:[A-Za-z]\.){2,}"  # U.S., a.m.
    r"|[^\W\d_]+(?:[-'’.][^\W\d_]+)*(?:['’]s)?"  # words, hyphenated, O'Neill, Mosul's
    r"|n['’]t|\.\.\.|[^\s\w]",
)


@dataclass(frozen=True)
class Token:
    """A word or a mark, its Penn Treebank tag and its lower-case lemma; ``low`` is the word
    in lower case, with a typographic apostrophe made straight (made once: the caption cues
    ask for it over a million times in a few hundred articles)."""

    text: str
    tag: str
    lemma: str
    low: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", self.text.lower().replace("’", "'"))


def tokenize(text: str) -> list[str]:
    """Split a sentence into words and marks; a possessive "'s" becomes its own token."""
    tokens: list[str] = []
    for raw in _TOKEN.findall(text):
        if len(raw) > 2 and raw[-2:].lower() in ("'s", "’s") and raw[-3].isalpha():
            tokens += [raw[:-2], raw[-2:]]
        elif len(raw) > 3 and raw[-3:].lower() in ("n't", "n’t"):
            tokens += [raw[:-3], raw[-3:]]  # "doesn't": "does", "n't", as the tagger knows
        else:
            tokens.append(raw)
    return tokens


@lru_cache(maxsize=1)
def _tagger() -> Callable[[list[str]], list[list[str]]]:
    """TextBlob's English tagger: its lexicon lookup and suffix rules, tables loaded now.

    ``textblob.en``'s ``parser.find_tags`` is ``textblob._text.find_tags`` over the English
    lexicon (it passes neither the context nor the morphology rules). That module needs only
    the standard library, but importing it through the package runs ``textblob/__init__.py``,
    which imports nltk and scipy (about 0.9 s). So ``_text.py`` is loaded on its own, from
    the installed package, and given the lexicon file: the same tags in a tenth of the time.
    Should the package's layout change, the ordinary import is used instead.

    TextBlob reads its tables without closing the files; the warning Python gives when they
    are collected says nothing to our users, so it is silenced while they load.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        find_tags = _standalone_find_tags() or _package_find_tags()
        find_tags(["Warm", "up", "."])  # the lexicon loads on first use
        gc.collect()
    return find_tags


def _standalone_find_tags() -> Callable[[list[str]], list[list[str]]] | None:
    """``textblob._text.find_tags`` with the English lexicon, without the package's imports."""
    spec = importlib.util.find_spec("textblob")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    source, lexicon_path = folder / "_text.py", folder / "en" / "en-lexicon.txt"
    if not (source.is_file() and lexicon_path.is_file()):
        return None
    module_spec = importlib.util.spec_from_file_location("_archiver_textblob_text", source)
    if module_spec is None or module_spec.loader is None:
        return None
    text_module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(text_module)
    lexicon = text_module.Lexicon(path=str(lexicon_path), language="en")

    def find_tags(words: list[str]) -> list[list[str]]:
        found: list[list[str]] = text_module.find_tags(
            words, lexicon=lexicon, default=("NN", "NNP", "CD"), language="en"
        )
        return found

    return find_tags


def _package_find_tags() -> Callable[[list[str]], list[list[str]]]:
    from textblob.en import parser  # imports nltk: slower, same tags

    find_tags: Callable[[list[str]], list[list[str]]] = parser.find_tags
    return find_tags


def _lemminflect() -> Any:
    import lemminflect

    return lemminflect


#: Tags that may stand in a noun run ("Iraqi special forces soldiers").
_NOUNISH = {"NN", "NNS", "NNP", "NNPS"}
_PLURAL = {"NNS", "NNPS"}
#: Tags of a word that cannot follow a noun inside its noun phrase, but can follow a verb.
_AFTER_VERB = {"DT", "IN", "PRP", "PRP$", "TO", "RP", "RB", "CD", "JJ", "JJR", "JJS", "WRB"}
_AFTER_VERB |= {"PDT", ",", "EX"}
#: What an active verb's object opens with ("loaded the crates").
_OBJECT_OPENERS = {"DT", "PRP$", "PRP", "CD", "PDT"}
_FINITE = {"VBZ", "VBP", "VBD", "MD"}
#: Words that open a relative clause, whose verb is not the sentence's main verb.
_RELATIVES = {"who", "which", "that", "whose", "whom", "where", "when"}


def tag(sentence: str) -> tuple[Token, ...]:
    """The tokens of one sentence with their tags and lemmas (see the module docstring)."""
    return _tag(sentence)


@lru_cache(maxsize=4096)
def _tag(sentence: str) -> tuple[Token, ...]:
    words = tokenize(sentence)
    if not words:
        return ()
    tags = [t for _, t in _tagger()(words)]
    _mend_capitalised_plural(words, tags)
    _mend_opening_participle(words, tags)
    _mend_participles_after_auxiliary(words, tags)
    _mend_attributive_participles(words, tags)
    _mend_nouns_after_articles(words, tags)
    _mend_participles_after_nouns(words, tags)
    _mend_passive_participles(words, tags)
    _mend_bare_verbs(tags)
    _mend_noun_run(words, tags)
    _mend_past_after_pronouns(words, tags)
    _mend_relative_past(words, tags)
    _mend_verb_after_aside(words, tags)
    _mend_past_forms(words, tags)
    return tuple(Token(w, t, lemma(w, t)) for w, t in zip(words, tags, strict=True))


def _mend_capitalised_plural(words: list[str], tags: list[str]) -> None:
    """A sentence's first word, capitalised only because it opens the sentence, is the
    plural common noun it can be ("Flamingos feed ...", "Boxes of rolls wait ..."), not a
    name: the tagger takes a capitalised word it does not know, or knows from a name, for a
    proper noun. A name goes on with another name or a comma ("Banks, 45, ..."), and stays."""
    if len(words) < 2 or tags[0] not in {"NNP", "NNPS"}:
        return
    if words[1][:1].isupper() or tags[1] in {",", "POS"}:
        return
    low = words[0].lower()
    nouns = _lemminflect().getAllLemmas(low, upos="NOUN").get("NOUN", ())
    if nouns and all(noun != low for noun in nouns):
        tags[0] = "NNS"


def _mend_opening_participle(words: list[str], tags: list[str]) -> None:
    """A sentence's first word, a past form before a noun or an adjective, describes the
    noun ("*Toasted* grasshoppers for sale", "*Challenged* ballots are sealed"): a past tense
    needs its subject before it."""
    if len(words) < 2 or tags[0] not in {"VBD", "VBN"} or tags[1] not in _NOUNISH | {"JJ"}:
        return
    if lemma(words[0], "VBD") not in {"do", "have", "be"} and _is_form(words[0], "VBN"):
        tags[0] = "JJ"


def _mend_participles_after_auxiliary(words: list[str], tags: list[str]) -> None:
    """A past form right after a form of "have" or "be" is the participle it can also be
    ("who has *worked* there", "was *prepared* for launch"), not a second finite verb."""
    for i in range(1, len(tags)):
        if tags[i] != "VBD" or tags[i - 1] not in _FINITE | {"VB", "VBN", "VBG"}:
            continue
        if lemma(words[i - 1], "VB") in {"have", "be"} and _is_form(words[i], "VBN"):
            tags[i] = "VBN"


#: Determiners after which a past form modifies the noun that follows ("a *finished* chair").
_ARTICLES = {"a", "an", "the"}


def _determiner(words: list[str], tags: list[str], k: int) -> bool:
    """Whether the word at ``k`` is an article or a possessive: no finite verb follows one."""
    return k >= 0 and (words[k].lower() in _ARTICLES or tags[k] == "PRP$")


def _mend_attributive_participles(words: list[str], tags: list[str]) -> None:
    """A past form right after an article or a possessive is the participle it can also be,
    modifying the noun after it ("A *finished* chair ready for shipping", "his *battered*
    boots"): a finite verb never follows an article."""
    for i in range(1, len(tags)):
        if tags[i] == "VBD" and _determiner(words, tags, i - 1) and _is_form(words[i], "VBN"):
            tags[i] = "VBN"


def _mend_nouns_after_articles(words: list[str], tags: list[str]) -> None:
    """A present-tense form right after an article or a possessive, or after one and an
    adjective, is the noun it can also be ("The crumpled *remains* of the barn", "her
    *works*"): a finite verb never follows an article. So is a bare form there that ends its
    noun phrase ("discovered his *win* while ..."; in "its *start* time" it is left as it is)."""
    for i in range(1, len(tags)):
        ends_phrase = i + 1 == len(tags) or tags[i + 1] not in _NOUNISH
        if tags[i] not in {"VBZ", "VBP"} and not (tags[i] == "VB" and ends_phrase):
            continue
        j = i - 1 if tags[i - 1] not in {"JJ", "VBN"} else i - 2
        if not _determiner(words, tags, j):
            continue
        low = words[i].lower()
        nouns = _lemminflect().getAllLemmas(low, upos="NOUN").get("NOUN", ())
        if nouns:
            tags[i] = "NN" if low in nouns else "NNS"


#: Verbs of taking a picture: after a noun, without an object, their past form is the
#: participle ("The mine *pictured* in 2012", "Ruins *seen* from the air").
_PHOTO_VERBS = {"picture", "photograph", "see", "show", "film", "capture"}


def _mend_participles_after_nouns(words: list[str], tags: list[str]) -> None:
    """A past form right after a noun and before no object is the participle when its verb
    takes a picture ("The Kalewa mine *pictured* in 2012") or its noun follows "with" ("with
    its gates *chained*")."""
    for i in range(1, len(tags)):
        follows = tags[i + 1] if i + 1 < len(tags) else "."
        if tags[i] == "VBD" and tags[i - 1] in _NOUNISH and follows not in _OBJECT_OPENERS:
            photo = lemma(words[i], "VBD") in _PHOTO_VERBS
            if (photo or _after_with(words, tags, i)) and _is_form(words[i], "VBN"):
                tags[i] = "VBN"


#: Words after "by" that make no agent of what follows: a measure, a time, a means ("fell
#: *by* 5%", "*by* the end of May", "*by* boat").
_NOT_AGENTS = {"about", "around", "nearly", "almost", "more", "less", "far", "half", "then",
               "now", "end", "time", "midday", "noon", "dawn", "contrast", "comparison",
               "law", "chance", "mistake", "default", "hand", "dozens", "hundreds", "thousands",
               "millions"}  # fmt: skip


def _mend_passive_participles(words: list[str], tags: list[str]) -> None:
    """A past form right after a noun, with no object, is the participle when "by" and its
    agent follow ("Logbooks *kept* by researchers", "The note *sent* up by the miners"); and
    so is one after the sentence's first comma, right after a noun and with no finite verb
    before, when no object follows ("The finale of the show, *staged* in a gymnasium", "A
    portrait of the captain, nearly *finished*."): the subject's own verb would need no comma.
    Inside that aside, until the next comma, a past form right after a noun and with no object
    is a participle too ("The trophy, made from a shovel *found* near the town.")."""
    finite_before = in_aside = False
    for i in range(1, len(tags)):
        after_comma = not finite_before and _after_first_comma(words, tags, i)
        if tags[i] == "VBD" and not finite_before and _is_form(words[i], "VBN"):
            agent = tags[i - 1] in _NOUNISH and _agent_follows(words, tags, i + 1)
            aside = after_comma and _no_object(tags, i + 1)
            within = in_aside and tags[i - 1] in _NOUNISH and _no_object(tags, i + 1)
            if agent or aside or within:
                tags[i] = "VBN"
        in_aside = (in_aside or (after_comma and tags[i] == "VBN")) and tags[i] != ","
        finite_before = finite_before or tags[i] in _FINITE


def _agent_follows(words: list[str], tags: list[str], k: int) -> bool:
    """Whether "by" and a noun phrase naming who did it follow from ``k`` on, before a comma
    or another verb ("*by* researchers", "sent up *by* the miners", "pushed into a side
    street *by* the surge"); not a measure, a time or a means ("*by* 5%", "*by* the end of
    May", "*by* the evening", "*by* boat")."""
    by = next((j for j in range(k, len(words) - 1) if words[j].lower() == "by"), None)
    if by is None or any(t in _FINITE | {",", "VBG", "VBD", "VBN"} for t in tags[k:by]):
        return False
    named = words[by + 1].lower()
    head = words[by + 2].lower() if named in _ARTICLES and by + 2 < len(words) else named
    if named in _NOT_AGENTS or head in _NOT_AGENTS or head in _TIMES:
        return False
    return tags[by + 1] in {"DT", "PRP$", "JJ", "NNS", "NNP", "NNPS"}  # not "by boat"


def _after_first_comma(words: list[str], tags: list[str], i: int) -> bool:
    """Whether the word at ``i`` follows the sentence's first comma, itself right after a
    noun (an adverb may come between: ", nearly *finished*")."""
    j = i - 1 if tags[i - 1] == "RB" else i
    return j >= 2 and tags[j - 1] == "," and tags[j - 2] in _NOUNISH and "," not in tags[: j - 1]


def _no_object(tags: list[str], k: int) -> bool:
    """Whether no object starts at ``k``: a preposition, a particle, an adverb, "to" or the
    sentence's end."""
    return k >= len(tags) or tags[k] in {"IN", "RP", "RB", "TO", ".", ","}


def _after_with(words: list[str], tags: list[str], i: int) -> bool:
    """Whether the noun phrase before ``i`` follows "with": "with its gates *chained*"."""
    k = i - 1
    while k >= 0 and (tags[k] in _NOUNISH or tags[k] in _MODIFIERS):
        k -= 1
    return k >= 0 and words[k].lower() == "with"


#: Words that open a clause of time or reason after a comma, whose verb is not the main
#: clause's: "The mine pictured in 2012, shortly *after* it opened".
_SUBORDINATORS = {"after", "before", "while", "because", "since", "until", "although", "as"}
#: Words that open a clause of time or reason anywhere, whose first finite verb is its own:
#: "The courtyard of the hospital *after* it was struck", "*After* the storm passed, crews
#: ..." ("since", "until" and "as" mostly open no clause: "stored since 2013").
_OPENING_SUBORDINATORS = {"after", "before", "while", "because", "although"}
#: Words that open a relative clause after a comma ("Jane Doe, whose family ...").
_COMMA_RELATIVES = _RELATIVES - {"that"}


def _in_relative_clause(words: list[str], tags: list[str]) -> set[int]:
    """The positions inside a relative clause set off by a comma, from its relative word to
    the next comma or the sentence's end ("Piero Orvani, *whose family has made glass
    since 1792*.", "Agnes Moll, *whose father kept the light*, volunteers ..."), and inside
    a participle's aside between two commas ("The pool, *closed since last summer*, with its
    gates chained."), and inside a clause of time or reason after a comma ("..., shortly
    after it opened": ``_SUBORDINATORS``)."""
    inside: set[int] = set()
    closing: set[int] = set()  # commas that close an aside: the main clause goes on after them
    for k in range(1, len(words)):
        if tags[k - 1] != "," or k - 1 in closing:
            continue
        end = next((j for j in range(k + 1, len(tags)) if tags[j] == ","), None)
        first = k + 1 if tags[k] == "RB" and k + 1 < len(words) else k  # ", shortly after"
        opens = words[k].lower() in _COMMA_RELATIVES or words[first].lower() in _SUBORDINATORS
        if opens or _time_of_a_clause(words, tags, k):
            inside.update(range(k, end or len(tags)))
        elif (
            end is not None
            and tags[k] in {"VBD", "VBN"}
            and tags[k + 1] not in _OBJECT_OPENERS  # "..., watched *the* first train pass"
            and _is_form(words[k], "VBN")
        ):
            inside.update(range(k, end))  # a participle's aside: "The pool, *closed in May*, ..."
        else:
            continue
        if end is not None:
            closing.add(end)
    return inside


#: Nouns of a time that a clause after them tells: "..., the year he was convicted".
_TIMES = {
    "year", "years", "summer", "winter", "spring", "autumn", "fall", "season", "day", "days",
    "week", "weeks", "month", "months", "night", "morning", "afternoon", "evening", "decade",
}  # fmt: skip


def _time_of_a_clause(words: list[str], tags: list[str], k: int) -> bool:
    """Whether the words after a comma at ``k - 1`` name a time and a clause tells it: a time
    noun within their first three words, then a pronoun or a word opening a clause of time
    ("..., *the year he was convicted*", "..., *two years after the mall opened*")."""
    for j in range(k, min(k + 3, len(words) - 1)):
        if words[j].lower() in _TIMES:
            after = words[j + 1].lower()
            return tags[j + 1] == "PRP" or after in _SUBORDINATORS or after in {"when", "that"}
    return False


def _main_verbs(words: list[str], tags: list[str], inside: set[int] | None = None) -> list[int]:
    """The finite verbs outside a relative clause: not the first after a relative word ("A
    man who fled the fighting uses ...", "in the gallery where the painting once *hung*") or
    after a word opening a clause of time or reason before the next comma ("The courtyard
    *after* it was struck": ``_OPENING_SUBORDINATORS``), one right after "that", nor those
    inside a clause set off by a comma (``inside``, as ``_in_relative_clause`` finds it)."""
    if inside is None:
        inside = _in_relative_clause(words, tags)
    verbs, pending = [], False  # pending: a relative word waits for its clause's verb
    subordinate = False  # a clause of time or reason opened, until its verb or a comma
    for k, t in enumerate(tags):
        if k in inside:
            continue
        if words[k].lower() in _COMMA_RELATIVES:
            pending = True
        elif words[k].lower() in _OPENING_SUBORDINATORS:
            subordinate = True
        elif t == ",":
            subordinate = False
        elif t in _FINITE:
            after_that = k > 0 and words[k - 1].lower() == "that"
            if not (pending or subordinate or after_that or _contact_clause(words, tags, k)):
                verbs.append(k)
            pending = subordinate = False
    return verbs


def _contact_clause(words: list[str], tags: list[str], k: int) -> bool:
    """Whether the verb at ``k`` tells of a noun phrase without a relative word, in a
    sentence that opens with its subject and has no verb before: "Peter Haldane with the
    telescope *he used* to find the comet" (not "During the war he fled": no subject first)."""
    if k < 3 or words[k - 1].lower() not in _SUBJECT_PRONOUNS or tags[k - 2] not in {"NN", "NNS"}:
        return False
    j = k - 3
    while j >= 0 and tags[j] in _MODIFIERS | _NOUNISH and not _determiner(words, tags, j):
        j -= 1
    opens_with_subject = tags[0] in _NOUNISH | {"DT", "PRP$", "JJ", "CD"}
    verb_before = any(t in _FINITE for t in tags[:j])
    return j > 0 and _determiner(words, tags, j) and opens_with_subject and not verb_before


def main_verb(tokens: tuple[Token, ...]) -> int | None:
    """The index of a tagged sentence's main verb: its first finite verb outside a relative
    clause ("A man who fled the fighting *uses* ...", "Agnes Moll, whose father kept the
    light, *volunteers* ..."), or None for a sentence without one ("Piero Orvani, whose
    family has made glass since 1792.")."""
    verbs = _main_verbs([t.text for t in tokens], [t.tag for t in tokens])
    return verbs[0] if verbs else None


def _first_main_verb(words: list[str], tags: list[str], inside: set[int]) -> int:
    """The position of the sentence's main verb as tagged so far, or its length if it has
    none yet (``_main_verbs``)."""
    return next(iter(_main_verbs(words, tags, inside)), len(tags))


#: Words that may stand between a preposition and its object's nouns ("of the old ...").
_MODIFIERS = {"DT", "PRP$", "JJ", "JJR", "JJS", "CD", "VBN", "POS", "PDT"}


def _mend_noun_run(words: list[str], tags: list[str]) -> None:
    """Read one noun of the subject's noun run as the present verb it can be (module
    docstring). When the run ends before an object ("the", "his", a number), the verb is its
    last word that can be one ("The rescue teams bandage a boy"); otherwise it is the first
    that agrees with the noun just before it ("Workers load crates onto a ship", "Soldiers
    move in formation"), failing that the last that can be a present verb."""
    inside = _in_relative_clause(words, tags)  # a noun read as a verb changes none of it
    main = _first_main_verb(words, tags, inside)
    start = 0
    while start <= main and start < len(tags):
        if tags[start] not in _NOUNISH:
            start += 1
            continue
        end = start
        while end < len(tags) and tags[end] in _NOUNISH:
            end += 1
        follows = tags[end] if end < len(tags) else "."
        after_aside = start > 0 and tags[start - 1] == ","  # "Families, fleeing ..., board"
        # a relative clause or a participle's aside after the comma tells a noun phrase: "The
        # ferry slip, where ...", "The town pool, closed since May, ..."
        described = follows == "," and end + 1 in inside
        # a run after a preposition is its object unless an object follows the run: "A medic
        # from the rescue teams *bandages* a boy", not "the remains of the grain *bins* on"
        opener = next((k for k in range(start - 1, -1, -1) if tags[k] not in _MODIFIERS), None)
        if opener is not None and tags[opener] == "IN" and follows not in _OBJECT_OPENERS:
            described = True
        if (end - start >= 2 or after_aside) and follows in _AFTER_VERB and not described:
            first = start if after_aside else start + 1
            forms = {i: _present_form(words[i]) for i in range(first, end)}
            agreeing = [
                i
                for i, form in forms.items()
                if form is not None and form == ("VBP" if tags[i - 1] in _PLURAL else "VBZ")
            ]
            possible = [i for i, form in forms.items() if form is not None]
            if follows in _OBJECT_OPENERS:  # the object follows the run: the verb ends it
                agreeing = []
            for i in agreeing[:1] or possible[-1:]:
                tags[i] = forms[i] or tags[i]
                main = _first_main_verb(words, tags, inside)
        start = end


def _mend_bare_verbs(tags: list[str]) -> None:
    """A bare verb right after a noun or a pronoun, or after one and an adverb, is a present
    verb ("Soldiers come", "Factories now *produce* ...")."""
    for i in range(1, len(tags)):
        subject = _subject_before(tags, i)
        if tags[i] == "VB" and subject is not None and tags[subject] in _NOUNISH | {"PRP"}:
            tags[i] = "VBP"


def _subject_before(tags: list[str], i: int) -> int | None:
    """The position of the word right before ``i``, or before an adverb right before it:
    where a verb's subject ends ("She *rarely* photographed")."""
    k = i - 2 if i >= 2 and tags[i - 1] == "RB" else i - 1
    return k if k >= 0 else None


#: Pronouns that are only ever subjects: no participle follows one without "have" or "be".
_SUBJECT_PRONOUNS = {"i", "he", "she", "we", "they"}


def _mend_past_after_pronouns(words: list[str], tags: list[str]) -> None:
    """A past form right after a subject pronoun, or after one and an adverb, is the past
    tense ("She rarely *photographed* crowds"): a participle would need "has" or "was"."""
    for i in range(1, len(tags)):
        subject = _subject_before(tags, i)
        if tags[i] != "VBN" or subject is None or words[subject].lower() not in _SUBJECT_PRONOUNS:
            continue
        if _is_form(words[i], "VBD"):
            tags[i] = "VBD"


def _mend_relative_past(words: list[str], tags: list[str]) -> None:
    """A past form right after "who", "which" or "that" is the relative clause's own past
    tense ("a lawyer who *inherited* the building"), not a participle."""
    for i in range(1, len(tags)):
        relative = words[i - 1].lower() in {"who", "which", "that"}
        if tags[i] == "VBN" and relative and _is_form(words[i], "VBD"):
            tags[i] = "VBD"


def _mend_verb_after_aside(words: list[str], tags: list[str]) -> None:
    """Right after the comma that closes an aside, before the sentence has a main verb, a
    bare verb is the present tense and a participle the past tense it can also be: the
    subject's own verb ("Kuehn's notebooks, stacked in boxes, *hold* ...", "Those clouds,
    known as pyroclastic flows, *killed* ..."). So is a participle before its object after
    the asides of a name ("Dean Hollis, 52, from Stockport, *discovered* his win")."""
    inside = _in_relative_clause(words, tags)
    main = _first_main_verb(words, tags, inside)
    for i in range(2, min(len(tags), main + 1)):
        closes_aside = i - 2 in inside
        if tags[i - 1] != "," or not (closes_aside or _after_name_asides(words, tags, i)):
            continue
        if tags[i] == "VB":
            tags[i] = "VBP"
        elif tags[i] == "VBN" and _is_form(words[i], "VBD"):
            tags[i] = "VBD"
        break


def _after_name_asides(words: list[str], tags: list[str], i: int) -> bool:
    """Whether the word at ``i`` follows asides after a name that opens the sentence, and an
    object follows it: the name, then two commas or more ("Jane Doe, 34, of Leeds, *found*
    the dog"); a participle with no object stays one ("Jane Doe, 34, *pictured* in 2019")."""
    first_comma = tags.index(",")
    named = first_comma > 0 and all(t in {"NNP", "NNPS"} for t in tags[:first_comma])
    has_object = i + 1 < len(tags) and tags[i + 1] in _OBJECT_OPENERS
    return named and tags[:i].count(",") >= 2 and has_object


def _mend_past_forms(words: list[str], tags: list[str]) -> None:
    """Tell a past tense from a participle after the subject (module docstring): with an
    object (or a quotation) after it and no finite verb before it, a past form is a past
    tense ("Workers loaded the crates", "Police estimated the crowd ...; organisers put it
    ...", "China expressed "regret" ..."); before a preposition, a sentence's first finite
    verb that is also a participle opens a reduced relative when the subject's own verb
    follows ("Life jackets recovered from the river *lie* on the bank":
    ``_predicate_follows``)."""
    main = _first_main_verb(words, tags, _in_relative_clause(words, tags))
    for i in range(1, min(len(tags) - 1, main + 1)):
        subject = _subject_before(tags, i)
        if subject is not None and tags[subject] in _NOUNISH and tags[i] in {"VBN", "JJ"}:
            quoted = tags[i + 1] == '"'  # a quoted object: expressed "regret"
            if (tags[i + 1] in _OBJECT_OPENERS or quoted) and _is_form(words[i], "VBD"):
                tags[i] = "VBD"
            break
    finite = [i for i, t in enumerate(tags) if t in _FINITE]
    if finite and tags[finite[0]] == "VBD" and finite[0]:
        i = finite[0]
        follows = tags[i + 1] if i + 1 < len(tags) else "."
        relative = len(finite) > 1 and _predicate_follows(words, tags, i, finite[1])
        if (
            relative
            and tags[i - 1] in _NOUNISH
            and follows in {"IN", "RP", "RB"}
            and _is_form(words[i], "VBN")
        ):
            tags[i] = "VBN"


#: Words that open a clause of its own, whose verb is not the subject's.
_CLAUSE_OPENERS = _RELATIVES | _SUBORDINATORS | {"though", "if", "so", "and", "but", "or"}


def _predicate_follows(words: list[str], tags: list[str], first: int, second: int) -> bool:
    """Whether the finite verb at ``second``, right after a noun and with no clause opened
    or a comma between, is the subject's verb, so that the past form at ``first`` opens a
    reduced relative ("Glass beads recovered from the wreck *are* laid out")."""
    between = range(first + 1, second)
    opened = any(tags[k] == "," or words[k].lower() in _CLAUSE_OPENERS for k in between)
    return not opened and tags[second - 1] in _NOUNISH


def _is_form(word: str, form: str) -> bool:
    """Whether ``word`` is the given Penn form of some verb ("sent" is a VBN of "send", and
    "worked" of "work": the generated forms, regular ones included)."""
    low = word.lower()
    for verb in _lemminflect().getAllLemmas(low, upos="VERB").get("VERB", ()):
        if low in _lemminflect().getInflection(verb, tag=form):
            return True
    return False


def _present_form(word: str) -> str | None:
    """``VBZ`` or ``VBP`` when ``word`` can be that present-tense verb, else None. (The
    subject's head may stand further back: "An operator from the forces watches".)"""
    if not word.islower():
        return None
    lemmas = _lemminflect().getAllLemmas(word, upos="VERB").get("VERB", ())
    for verb in lemmas:
        forms = _lemminflect().getAllInflections(verb, upos="VERB")
        for form in ("VBZ", "VBP"):
            if word in forms.get(form, ()):
                return form
    return None


@lru_cache(maxsize=16384)
def lemma(word: str, penn_tag: str) -> str:
    """The lower-case lemma of a word read with the given tag ("fled"/VBD gives "flee")."""
    low = word.lower().replace("’", "'")
    if not low[:1].isalpha():
        return low
    upos = (
        "VERB"
        if penn_tag.startswith(("VB", "MD"))
        else "NOUN"
        if penn_tag.startswith("NN")
        else None
    )
    if upos is None:
        return low
    found = _lemminflect().getLemma(low, upos=upos)
    return str(found[0]).lower() if found else low


def is_dictionary_word(word: str) -> bool:
    """Whether ``word``, in lower case, is an English noun, verb, adjective or adverb of the
    inflection tables ("mark", "hope", "young"); a first name mostly is not ("Erin")."""
    return bool(_lemminflect().getAllLemmas(word.lower()))

"""Words and their parts of speech: the one door to the outside language tools.

Two libraries do the work, and only this module imports them (lazily, on the first call):

- TextBlob's ``PatternTagger`` model (``textblob.en``: a lexicon, suffix rules and Brill
  context rules, all shipped as files inside the package: nothing is downloaded) gives each
  token a Penn Treebank tag;
- ``lemminflect`` (English inflection tables shipped in the package) gives lemmas, and says
  which words can be verbs and in which form.

The tagger reads headline-like English poorly in one place that matters to captions: a verb
right after a plural noun ("Soldiers move in formation", "Volunteers pack relief goods") is
tagged as a noun, because its lexicon knows the noun reading best. ``tag`` corrects that one
case with lemminflect: before the sentence has a finite verb, in a run of nouns that ends before a word that cannot continue a noun
phrase (a determiner, a preposition, a pronoun, ...), or a lone noun after an aside
between commas, the last noun that can be a
present-tense verb is read as that verb; and a bare verb (VB) right after a noun or a
pronoun is a present verb (VBP), not an infinitive; and the only finite verb of a sentence,
a past form that is also the past participle, right after a noun and before a preposition,
opens a reduced relative ("Life jackets recovered from the river ...": VBN), not a past
tense. English only; pure apart from the libraries' loaded tables; no disk
writes, no network.
"""

from __future__ import annotations

import gc
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Token", "lemma", "tag", "tokenize"]

_TOKEN = re.compile(
    r"\d+(?:[.,:]\d+)*(?:%|st|nd|rd|th|s)?"  # numbers, times, ordinals, decades
    r"|(?:[A-Za-z]\.){2,}"  # U.S., a.m.
    r"|[^\W\d_]+(?:[-'’.][^\W\d_]+)*(?:['’]s)?"  # words, hyphenated, O'Neill, Mosul's
    r"|n['’]t|\.\.\.|[^\s\w]",
)


@dataclass(frozen=True)
class Token:
    """A word or a mark, its Penn Treebank tag and its lower-case lemma."""

    text: str
    tag: str
    lemma: str

    @property
    def low(self) -> str:
        """The token in lower case, with a typographic apostrophe made straight."""
        return self.text.lower().replace("’", "'")


def tokenize(text: str) -> list[str]:
    """Split a sentence into words and marks; a possessive "'s" becomes its own token."""
    tokens: list[str] = []
    for raw in _TOKEN.findall(text):
        if len(raw) > 2 and raw[-2:].lower() in ("'s", "’s") and raw[-3].isalpha():
            tokens += [raw[:-2], raw[-2:]]
        else:
            tokens.append(raw)
    return tokens


@lru_cache(maxsize=1)
def _parser() -> Any:
    """TextBlob's English tagger, its tables loaded now (they load lazily on first use).

    TextBlob reads its tables without closing the files; the warning Python gives when they
    are collected says nothing to our users, so it is silenced while they load.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        from textblob.en import parser  # lazy: importing and loading take a moment

        parser.find_tags(["Warm", "up", "."])
        gc.collect()
    return parser


def _lemminflect() -> Any:
    import lemminflect

    return lemminflect


#: Tags that may stand in a noun run ("Iraqi special forces soldiers").
_NOUNISH = {"NN", "NNS", "NNP", "NNPS"}
#: Tags of a word that cannot follow a noun inside its noun phrase, but can follow a verb.
_AFTER_VERB = {"DT", "IN", "PRP", "PRP$", "TO", "RP", "RB", "CD", "JJ", "JJR", "JJS", "WRB",
               "PDT", ",", "EX"}
_FINITE = {"VBZ", "VBP", "VBD", "MD"}
#: Tags after which a bare verb (VB) is a present verb, not an infinitive or imperative.
_SUBJECT_END = _NOUNISH | {"PRP"}


def tag(sentence: str) -> tuple[Token, ...]:
    """The tokens of one sentence with their tags and lemmas (see the module docstring)."""
    return _tag(sentence)


@lru_cache(maxsize=4096)
def _tag(sentence: str) -> tuple[Token, ...]:
    words = tokenize(sentence)
    if not words:
        return ()
    tagged = [(w, t) for w, t in _parser().find_tags(words)]
    tags = _verb_after_noun_run([w for w, _ in tagged], [t for _, t in tagged])
    return tuple(Token(w, t, lemma(w, t)) for (w, _), t in zip(tagged, tags, strict=True))


def _verb_after_noun_run(words: list[str], tags: list[str]) -> list[str]:
    """Re-read the last verb-able noun of a noun run as a present verb (module docstring)."""
    tags = list(tags)
    start = 0
    while start < len(tags) and not _FINITE & set(tags[:start]):
        if tags[start] not in _NOUNISH:
            start += 1
            continue
        end = start
        while end < len(tags) and tags[end] in _NOUNISH:
            end += 1
        follows = tags[end] if end < len(tags) else "."
        after_aside = start > 0 and tags[start - 1] == ","  # "Families, fleeing ..., board"
        if (end - start >= 2 or after_aside) and follows in _AFTER_VERB:
            for i in range(end - 1, start - after_aside, -1):
                form = _present_form(words[i])
                if form:
                    tags[i] = form
                    break
        start = end
    for i in range(1, len(tags)):
        if tags[i] == "VB" and tags[i - 1] in _SUBJECT_END:
            tags[i] = "VBP"  # "Iraqi soldiers come under fire", "as they try to"
    finite = [i for i, t in enumerate(tags) if t in _FINITE]
    if len(finite) == 1 and tags[finite[0]] == "VBD":
        i = finite[0]
        follows = tags[i + 1] if i + 1 < len(tags) else "."
        if i and tags[i - 1] in _NOUNISH and follows in {"IN", "RP", "RB"} and _is_participle(words[i]):
            tags[i] = "VBN"  # "Life jackets recovered from the river", "The note sent up by"
    return tags


def _is_participle(word: str) -> bool:
    """Whether a past form is also the past participle ("recovered", "sent"; not "rose")."""
    for verb in _lemminflect().getAllLemmas(word.lower(), upos="VERB").get("VERB", ()):
        if word.lower() in _lemminflect().getAllInflections(verb, upos="VERB").get("VBN", ()):
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
    upos = "VERB" if penn_tag.startswith(("VB", "MD")) else "NOUN" if penn_tag.startswith("NN") else None
    if upos is None:
        return low
    found = _lemminflect().getLemma(low, upos=upos)
    return str(found[0]).lower() if found else low

"""Which language is a text in? A thin, lazy wrapper around py3langid.

The model is loaded on the first call, not at import: importing the extract stage must stay
cheap for commands that never detect a language. Pure apart from that cache: no disk writes,
no network.
"""

from __future__ import annotations

import re

__all__ = ["MIN_LETTERS", "MIN_WORDS", "detect_language"]

#: Below this many letters, or words, a text is too short to judge.
MIN_LETTERS = 20
MIN_WORDS = 3

#: How much text is enough to judge: the rest is not read (detection is linear in length).
SAMPLE_CHARS = 10_000

#: Labels of the model that are not ISO 639-1 codes, mapped to their macrolanguage's code.
_TO_ISO_639_1 = {
    "arz": "ar",  # Egyptian Arabic
    "ary": "ar",  # Moroccan Arabic
    "uzs": "uz",  # Southern Uzbek
    "yue": "zh",  # Cantonese
    "wuu": "zh",  # Wu Chinese
    "gug": "gn",  # Paraguayan Guarani
    "sdh": "ku",  # Southern Kurdish
    "fuv": "ff",  # Nigerian Fulfulde
    "kik": "ki",  # Kikuyu
}

_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, or None.

    None when the text is too short to judge (fewer than ``MIN_WORDS`` words or
    ``MIN_LETTERS`` letters), when it has no linguistic content, or when the model's answer
    has no two-letter code.
    """
    sample = text[:SAMPLE_CHARS]
    words = _WORD.findall(sample)
    if len(words) < MIN_WORDS or sum(len(w) for w in words) < MIN_LETTERS:
        return None
    import py3langid  # lazy: loading the model takes a while

    code, _score = py3langid.classify(sample)
    code = _TO_ISO_639_1.get(code, code)
    return code if len(code) == 2 and code.isalpha() else None

"""A measurement on ``tests/cases/plaintext_blind14/``: 34 articles in five publishers'
styles (wire, BBC, NYT, Guardian, magazine; 30 in English, 103 captions) and 4 in German and
French, written for issue 14 by someone who never saw the rules or the model (its README
says how). Not trained or tuned on.

Measured once when the set arrived, on the English articles:

- the hand-written rules (commit 1c50c98): captions P 0.788, R 0.398 (41 of 52 found);
- the learned caption model (issue 14): captions P 0.895, R 0.660 (68 of 76 found; wire
  21/25/23, guardian 18/18/21, nyt 18/19/24, bbc 7/9/22, magazine 4/5/13); headings P 0.651,
  R 1.0 (28 of 43 found, commit d299e9c);
- issue 14's second round (credit lines beside captions, credits deciding, list lines no
  headings), developed without looking at this set's texts, measured once at its end:
  captions P 0.916, R 0.845 (87 of 95 found; wire 21/26/23, guardian 21/21/21, nyt
  23/23/24, bbc 12/13/22, magazine 10/12/13); headings P 0.848, R 1.0 (28 of 33 found);
  every credit of a caption found rightly is right (81 of 81);
- issue 14's third round (caption labels, video markers and copyright notices by rule; cues
  for an adverb tying a sentence to the story and a third-person pronoun; hand-written
  broadcaster and feature body lines to learn from), developed without looking at this
  set's texts: captions P 0.935, R 0.845 (87 of 93 found; wire 21/25/23, guardian 21/21/21,
  nyt 23/23/24, bbc 12/13/22, magazine 10/11/13); headings as before;
- issue 14's fifth round (a stricter threshold for uncredited paragraphs in an article that
  credits its captions), chosen on other sets without looking at this one's texts: captions
  P 0.954, R 0.806 (83 of 87 found; wire 20/22/23, guardian 20/20/21, nyt 23/23/24, bbc
  11/12/22, magazine 9/10/13); headings as before. Recall was traded for precision, as the
  issue wants: the recall floor was lowered from 0.84 to 0.80;
- issue 14's sixth round (one or two sentences like captions alone in an article need the
  stricter threshold too), chosen on other sets: captions P 0.976, R 0.786 (81 of 83 found);
  the recall floor was lowered to 0.78.

The floors sit at the latest figures, so a change that makes the reader worse here fails.
The set is no longer blind once anyone studies its misses: measure a change on a new blind
set too (blind14b and later: ``test_plaintext_blind_sets.py``).
"""

from __future__ import annotations

from pathlib import Path

from plaintext_scoring import Tally, score

SET = Path(__file__).resolve().parent.parent / "cases" / "plaintext_blind14"
ENGLISH = ["bbc", "guardian", "magazine", "nyt", "wire"]
CAPTION_PRECISION, CAPTION_RECALL = 0.95, 0.78
HEADING_PRECISION, HEADING_RECALL = 0.84, 0.97


def _english() -> tuple[Tally, Tally, int]:
    captions, headings, warned = Tally(), Tally(), 0
    for style in ENGLISH:
        scores = score(SET / style)
        captions.merge(scores.captions)
        headings.merge(scores.headings)
        warned += scores.warned
    return captions, headings, warned


def test_english_styles_hold_their_measured_quality() -> None:
    captions, headings, warned = _english()
    assert captions.labelled == 103
    assert captions.precision >= CAPTION_PRECISION, captions
    assert captions.recall >= CAPTION_RECALL, captions
    assert headings.precision >= HEADING_PRECISION, headings
    assert headings.recall >= HEADING_RECALL, headings
    assert warned == 0


def test_german_and_french_articles_are_warned_about_and_never_guessed() -> None:
    scores = score(SET / "non_english")
    assert scores.articles == 4
    assert scores.captions.found == 0 and scores.captions.labelled == 12
    assert scores.warned == 4

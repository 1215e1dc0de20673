"""A measurement on ``tests/cases/plaintext_blind14e/``: 25 English articles in five kinds of
publisher's style (newspaper of record, BBC-like, wire photo, features and lifestyle, local
news sites; 74 captions, 29 headings), written for issue 14's fifth round by someone who
never saw the rules, the model or any evaluation set but blind14d's README and scripts (its
README says how, and its labelling conventions). Not trained or tuned on: measured once,
after the round's last change to the rules (commit 2c3ee48), and once with the code before
the round (main at 0c6e267), and not read.

- before (main at 0c6e267): captions P 0.733, R 0.743 (55 right of 75 found; newspaper of
  record 13/16/14, BBC-like 11/13/13, wire photo 14/19/18, features 9/15/17, local news
  8/12/12); headings P 0.643, R 0.931 (27 of 42 found); credits right for 54 of 54;
- after (issue 14's fifth round: a stricter threshold for uncredited paragraphs in an
  article that credits its captions): captions P 0.775, R 0.743 (55 of 71 found; newspaper
  of record 13/16/14, BBC-like 11/12/13, wire photo 14/18/18, features 9/14/17, local news
  8/11/12); headings and credits as before.

The issue's target for unseen multi-publisher text (P >= 0.90, R >= 0.70) was met for
recall, not for precision: sixteen paragraphs taken are not labelled captions, in every
style (one to five each). Four of them are the wire captions, whose labels leave out the
"FILE - " lead-in that the real pages' labels keep: since the sixth round the scoring sets
it aside on both sides (P 0.831, R 0.797 so).

Since issue 14's sixth round this is a **development set**: its misses were studied, with
blind14d's, to find what tells a scene of the story from a caption (the model alone takes
only one or two paragraphs of the article: ``plaintext.FEW_CAPTIONS``). After it: captions
P 0.919, R 0.770 (57 of 62 found). The floors sit just under these figures, so a change
that makes the reader worse here fails; measure a change on a new blind set too
(``test_plaintext_blind_sets.py``, ``test_plaintext_blind14g.py``).
"""

from __future__ import annotations

from pathlib import Path

from plaintext_scoring import hold_floors, score

SET = Path(__file__).resolve().parent.parent / "cases" / "plaintext_blind14e"
STYLES = [
    "bbc_like",
    "features_lifestyle",
    "local_news_site",
    "newspaper_of_record",
    "wire_photo",
]
CAPTION_PRECISION, CAPTION_RECALL = 0.91, 0.76
HEADING_PRECISION, HEADING_RECALL = 0.62, 0.90
CREDITS_RIGHT = 0.95


def test_the_five_styles_hold_their_measured_quality() -> None:
    scores = score(*(SET / style for style in STYLES))  # tallied over the five styles
    hold_floors(
        scores,
        counts=(25, 74, 29),
        captions=(CAPTION_PRECISION, CAPTION_RECALL),
        headings=(HEADING_PRECISION, HEADING_RECALL),
        credits=CREDITS_RIGHT,
    )

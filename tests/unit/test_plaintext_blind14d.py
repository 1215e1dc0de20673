"""A measurement on ``tests/cases/plaintext_blind14d/``: 25 English articles in five more
kinds of publisher's style (public radio, US local TV websites, small-town weeklies, digital
natives, UK and Australian regionals; 67 captions, 24 headings), written for issue 14's
fourth round by someone who never saw the rules, the model or any evaluation set but
blind14c's README and scripts (its README says how, and its labelling conventions). Not
trained or tuned on: measured once, after the round's last change to the rules (commit
ec1518f), and once with the code before the round (main at fa6b1e7, the same caption code
as 7549141), and not read.

- before (main at fa6b1e7): captions P 0.736, R 0.791 (53 of 72 found; public radio
  8/12/13, local TV 13/16/14, weeklies 7/12/12, digital natives 12/15/14, regionals
  13/17/14); headings P 0.575, R 0.958 (23 of 40 found); credits right for 46 of 51;
- after (issue 14's fourth round): captions P 0.760, R 0.851 (57 of 75 found; public radio
  11/15/13, local TV 13/16/14, weeklies 8/12/12, digital natives 12/15/14, regionals
  13/17/14); headings as before; credits right for 51 of 55 captions found rightly whose
  label names one.

The issue's target for unseen multi-publisher text (P >= 0.90, R >= 0.70) was met for
recall, not for precision: eighteen paragraphs taken were not labelled captions, spread over
all five styles (three or four in each).

Since issue 14's fifth round this is a **development set**: its misses were studied, with
blind14b's and blind14c's, to choose the operating point (a stricter threshold for
uncredited paragraphs in an article that credits its captions; a labelled credit glued to
the final stop). After it: captions P 0.851, R 0.851 (57 of 67 found; public radio
11/14/13, local TV 12/14/14, weeklies 8/11/12, digital natives 13/14/14, regionals
13/14/14); headings as before; credits right for 51 of 55. After the sixth round (one or
two sentences like captions alone in an article need the stricter threshold too): captions
P 0.930, R 0.791 (53 of 57 found). The floors sit at these figures, so a change that makes
the reader worse here fails; measure a change on a new blind set too
(``test_plaintext_blind_sets.py``, ``test_plaintext_blind14g.py``).
"""

from __future__ import annotations

from pathlib import Path

from plaintext_scoring import hold_floors, score

SET = Path(__file__).resolve().parent.parent / "cases" / "plaintext_blind14d"
STYLES = ["community_weekly", "digital_native", "local_tv", "public_radio", "regional_uk_au"]
CAPTION_PRECISION, CAPTION_RECALL = 0.92, 0.79
HEADING_PRECISION, HEADING_RECALL = 0.56, 0.95
CREDITS_RIGHT = 0.90


def test_the_five_styles_hold_their_measured_quality() -> None:
    scores = score(*(SET / style for style in STYLES))  # tallied over the five styles
    hold_floors(
        scores,
        counts=(25, 67, 24),
        captions=(CAPTION_PRECISION, CAPTION_RECALL),
        headings=(HEADING_PRECISION, HEADING_RECALL),
        credits=CREDITS_RIGHT,
    )

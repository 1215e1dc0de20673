"""Measurements on the sets written blind for issue 14 since its sixth round, each in
``tests/cases/<set>/`` with its README: the CNN-style sets (the seed's own style: a "(CNN)"
dateline, captions standing bare among the body text; world, US and features) and the sets
in the five styles the issue names (wire agency, BBC-like, NYT-like, Guardian-like,
magazine). The floors sit just under each set's measured figures, so a change that makes the
reader worse there fails.

``plaintext_blind_cnn2``: 15 English articles in the seed's
own style (CNN-like: a "(CNN)" dateline, captions standing bare among the body text; world,
US and features; 92 captions, 26 headings), written for issue 14's sixth round by someone
who never saw the rules, the model or any evaluation set but blind14e's README and scripts,
asked for ordinary articles as CNN prints them, with no constructed traps. Not trained or
tuned on in that round: measured with the code before it (main at d9f8208) and once after
its last change, and not read. In the seventh round it became a development and training
set (the second model, for articles that print their captions bare, learns from it), and a
new blind set took its place (``plaintext_blind_cnn3``).

- before (main at d9f8208): captions P 1.000, R 0.728 (67 right of 67 found; world 28/28/35,
  US 27/27/32, features 12/12/25); headings P 1.000, R 1.000 (26 of 26); credits 8 of 8.
- after (issue 14's sixth round: one or two sentences like captions alone in an article need
  the stricter threshold): captions P 1.000, R 0.707 (65 of 65 found; features 10/10/25);
  headings and credits as before.
- seventh round, now trained on: captions P 1.000, R 0.924 (85 of 85 found; world 34/34/35,
  US 31/31/32, features 20/20/25).

Being trained on, it no longer measures the issue's target for CNN-style blind sets; the
floors sit just under the figures of the seventh round, so a change that makes the reader
worse here fails.

``plaintext_blind_cnn3``: 15 English articles in the seed's
own style (CNN-like: a "(CNN)" dateline, captions standing bare among the body text, a few
galleries with credit lines; world, US and features; 90 captions, 12 headings), written for
issue 14's seventh round by someone who never saw the rules, the model or any evaluation
set but blind14e's README and scripts, asked for ordinary articles as CNN prints them, with
no constructed traps. Not trained or tuned on: measured with the code before the round
(main at de2d976) and once after its last change, and not read.

- before (main at de2d976): captions P 1.000, R 0.700 (63 right of 63 found; world
  25/25/29, US 24/24/28, features 14/14/33); headings P 1.000, R 1.000 (12 of 12); credits
  27 of 27.
- after (issue 14's seventh round: an article that prints its captions bare is read by a
  second model trained on such articles; a paragraph that speaks of its picture is a
  caption): captions P 1.000, R 0.878 (79 of 79 found; world 27/27/29, US 27/27/28,
  features 25/25/33); headings and credits as before.

The issue's target for CNN-style blind sets (P >= 0.95, R >= 0.90) is met for precision,
and missed for recall by two captions (0.878): the features' captions, which read like the
story's own sentences, are still missed most (R 0.76). The floors sit just under the
measured figures, so a change that makes the reader worse here fails. The set is no longer
blind once anyone studies its misses: measure a change on a new blind set too.

``plaintext_blind14f``: 25 English articles in the five
styles issue 14 names (wire agency, BBC-like, NYT-like, Guardian-like, magazine; 55
captions, 15 headings), written for its sixth round by someone who never saw the rules, the
model or any evaluation set but blind14e's README and scripts (its README says how, and its
labelling conventions). Unlike blind14b-e, whose authors added more "hard cases" each
round, its author was asked for ordinary articles as those publications print them, with
the difficulties they naturally have and no constructed traps. Not trained or tuned on:
measured with the code before the round (main at d9f8208) and once after its last change,
and not read.

- before (main at d9f8208): captions P 1.000, R 0.855 (47 right of 47 found; wire 7/7/9,
  BBC-like 10/10/10, NYT-like 10/10/11, Guardian-like 11/11/12, magazine 9/9/13); headings
  P 0.600, R 1.000 (15 of 25 found); credits right for 41 of 41. (Scored as main scored
  then, with an archive photo's "FILE - " lead-in counted against the reader: P 0.957,
  R 0.818.)
- after (issue 14's sixth round: one or two sentences like captions alone in an article need
  the stricter threshold): the same figures.
- seventh round (measured as a development set: its misses were read): captions P 1.000,
  R 0.909 (50 of 50 found): a wire handout's caption that speaks of its picture, and a
  credit freed of the agency's notice to editors ("THIS IMAGE HAS BEEN SUPPLIED BY A THIRD
  PARTY").

The issue's target for unseen multi-publisher text (P >= 0.90, R >= 0.70) is met. Most
misses are in the magazine style (captions printed without credit under a blanket
"Photographs by" line). Headings are over-found: short lines that are no subheads (an info
box's title, "Advertisement", "Related: ..." lines). The floors sit just under the measured
figures, so a change that makes the reader worse here fails. The set is no longer blind once
anyone studies its misses: measure a change on a new blind set too.

``plaintext_blind14h``: 25 English articles in the five
styles issue 14 names (wire agency, BBC-like, NYT-like, Guardian-like, magazine; 60
captions, 10 headings), written for its seventh round by someone who never saw the rules,
the model or any evaluation set but blind14e's README and scripts, asked for ordinary
articles as those publications print them, with no constructed traps. Not trained or tuned
on: measured with the code before the round (main at de2d976) and once after its last
change, and not read.

- before (main at de2d976): captions P 1.000, R 0.900 (54 right of 54 found; wire
  11/11/11, BBC-like 13/13/13, NYT-like 12/12/13, Guardian-like 12/12/12, magazine 6/6/11);
  headings P 0.833, R 1.000 (10 of 12 found); credits right for 51 of 51.
- after (issue 14's seventh round: a second model for articles that print their captions
  bare; a paragraph that speaks of its picture is a caption): the same figures.

The issue's target for unseen multi-publisher text (P >= 0.90, R >= 0.70) is met. The
misses are in the magazine style (captions printed bare, one or two to an article, under a
blanket "Photographs by" line). The floors sit just under the measured figures, so a change
that makes the reader worse here fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from plaintext_scoring import hold_floors, score

CASES = Path(__file__).resolve().parent.parent / "cases"
CNN_STYLES = ["cnn_features", "cnn_us", "cnn_world"]
FIVE_STYLES = ["bbc_like", "guardian_like", "magazine", "nyt_like", "wire"]
#: Per set: its styles (sub-folders, tallied together), the (articles, captions, headings)
#: labelled, caption and heading (precision, recall) floors, and the share of credits right.
FLOORS = {
    "plaintext_blind_cnn2": (CNN_STYLES, (15, 92, 26), (0.98, 0.91), (0.97, 0.97), 0.97),
    "plaintext_blind_cnn3": (CNN_STYLES, (15, 90, 12), (0.98, 0.86), (0.97, 0.97), 0.97),
    "plaintext_blind14f": (FIVE_STYLES, (25, 55, 15), (0.98, 0.89), (0.58, 0.97), 0.97),
    "plaintext_blind14h": (FIVE_STYLES, (25, 60, 10), (0.98, 0.88), (0.8, 0.97), 0.97),
}


@pytest.mark.parametrize("name", FLOORS)
def test_each_set_holds_its_measured_quality(name: str) -> None:
    styles, counts, captions, headings, credits = FLOORS[name]
    scores = score(*(CASES / name / style for style in styles))
    hold_floors(scores, counts=counts, captions=captions, headings=headings, credits=credits)

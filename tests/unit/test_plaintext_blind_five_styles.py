"""Measurements on the sets written blind for issue 14 in the five styles it names (wire
agency, BBC-like, NYT-like, Guardian-like, magazine), each in ``tests/cases/<set>/`` with its
README. The floors sit just under each set's measured figures, so a change that makes the
reader worse there fails.

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
STYLES = ["bbc_like", "guardian_like", "magazine", "nyt_like", "wire"]
#: Per set: (articles, captions, headings) labelled, caption and heading (precision, recall)
#: floors, and the share of credits right.
FLOORS = {
    "plaintext_blind14f": ((25, 55, 15), (0.98, 0.89), (0.58, 0.97), 0.97),
    "plaintext_blind14h": ((25, 60, 10), (0.98, 0.88), (0.8, 0.97), 0.97),
}


@pytest.mark.parametrize("name", FLOORS)
def test_the_five_styles_hold_their_measured_quality(name: str) -> None:
    counts, captions, headings, credits = FLOORS[name]
    scores = score(*(CASES / name / style for style in STYLES))  # tallied over the five styles
    hold_floors(scores, counts=counts, captions=captions, headings=headings, credits=credits)

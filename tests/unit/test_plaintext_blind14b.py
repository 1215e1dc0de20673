"""A measurement on ``tests/cases/plaintext_blind14b/``: 25 articles in five other kinds of
publisher's style (US regional paper, tabloid, public broadcaster, business with charts,
sports and science; 104 captions, 24 headings), written for issue 14's second round by
someone who never saw the rules, the model or any other set (its README says how, and its
labelling conventions). Not trained on; in that round it was measured once before the
changes and once after them, and not read.

- before (commit d299e9c, the first round's model): captions P 0.840, R 0.606 (63 of 75
  found; regional 13/15/21, tabloid 17/18/29, broadcaster 7/13/17, business 8/9/15,
  sports and science 18/20/22); headings P 0.358, R 1.0 (24 of 67 found);
- after (issue 14's second round): captions P 0.874, R 0.731 (76 of 87 found; regional
  13/15/21, tabloid 22/23/29, broadcaster 9/16/17, business 11/12/15, sports and science
  21/21/22); headings P 0.533, R 1.0 (24 of 45 found); every credit of a caption found
  rightly is right without case and punctuation (75 of 75; 74 to the letter).

The issue's target for unseen multi-publisher text (P >= 0.90, R >= 0.70) was met for
recall, not for precision (7 of the 11 paragraphs wrongly taken were in the broadcaster
articles).

Since issue 14's third round the set is a development set: its misses were studied. Five of
the seven broadcaster "body" paragraphs were captions whose "Photo: " label was kept in the
caption text, one a video's description after a "Play Video" line; in the business set a
copyright line was taken. After that round (rules for caption labels, video and audio
markers and copyright notices; the model unchanged): captions P 0.952, R 0.769 (80 of 84
found; regional 13/15/21, tabloid 22/23/29, broadcaster 13/14/17, business 11/11/15, sports
and science 21/21/22); headings as before; credits 79 of 79. Of the four paragraphs still
wrongly taken, two are captions whose glued credit the credit splitter does not yet know
("Staff photo by X", "(Submitted by X)"), so their text keeps it. The floors sit at the
measured figures, so a change that makes the reader worse here fails; measure a change on a
blind set too (``tests/cases/plaintext_blind14c``).

After issue 14's fourth round (a "PICTURED:" label makes a caption; "(Submitted by X)" is a
credit): captions P 0.989, R 0.837 (87 of 88 found); headings as before; credits 85 of 85.
The floors were raised to these figures.

After issue 14's fifth round (a stricter threshold for uncredited paragraphs in an article
that credits its captions): captions P 1.000, R 0.827 (86 of 86 found; broadcaster 13/13/17,
business 11/11/15, regional 18/18/21, sports and science 21/21/22, tabloid 23/23/29);
headings as before; credits 85 of 85. The precision floor was raised to 1.00; the recall
floor lowered from 0.83 to 0.82, recall traded for precision as the issue wants (an uncredited
two-sentence caption in an article that credits its other captions is now body).
"""

from __future__ import annotations

from pathlib import Path

from plaintext_scoring import hold_floors, score

SET = Path(__file__).resolve().parent.parent / "cases" / "plaintext_blind14b"
STYLES = ["broadcaster", "business", "regional", "sports_science", "tabloid"]
CAPTION_PRECISION, CAPTION_RECALL = 1.00, 0.82
HEADING_PRECISION, HEADING_RECALL = 0.53, 0.97
CREDITS_RIGHT = 0.98


def test_the_five_styles_hold_their_measured_quality() -> None:
    scores = score(*(SET / style for style in STYLES))  # tallied over the five styles
    hold_floors(
        scores,
        counts=(25, 104, 24),
        captions=(CAPTION_PRECISION, CAPTION_RECALL),
        headings=(HEADING_PRECISION, HEADING_RECALL),
        credits=CREDITS_RIGHT,
    )

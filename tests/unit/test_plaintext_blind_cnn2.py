"""A measurement on ``tests/cases/plaintext_blind_cnn2/``: 15 English articles in the seed's
own style (CNN-like: a "(CNN)" dateline, captions standing bare among the body text; world,
US and features; 92 captions, 26 headings), written for issue 14's sixth round by someone
who never saw the rules, the model or any evaluation set but blind14e's README and scripts,
asked for ordinary articles as CNN prints them, with no constructed traps. Not trained or
tuned on: measured with the code before the round (main at d9f8208) and once after its last
change, and not read.

- before (main at d9f8208): captions P 1.000, R 0.728 (67 right of 67 found; world 28/28/35,
  US 27/27/32, features 12/12/25); headings P 1.000, R 1.000 (26 of 26); credits 8 of 8.
- after (issue 14's sixth round: one or two sentences like captions alone in an article need
  the stricter threshold): captions P 1.000, R 0.707 (65 of 65 found; features 10/10/25);
  headings and credits as before.

The issue's target for CNN-style blind sets (P >= 0.95, R >= 0.90) is met for precision,
not for recall: the model takes the captions of a CNN article only when it is sure, and
misses most of a feature's (R 0.40). The floors sit just under the measured figures, so a
change that makes the reader worse here fails; one that finds more of these captions should
raise them. Measure such a change on a new blind set too.
"""

from __future__ import annotations

from pathlib import Path

from plaintext_scoring import hold_floors, score

SET = Path(__file__).resolve().parent.parent / "cases" / "plaintext_blind_cnn2"
STYLES = ["cnn_features", "cnn_us", "cnn_world"]
CAPTION_PRECISION, CAPTION_RECALL = 0.98, 0.69
HEADING_PRECISION, HEADING_RECALL = 0.97, 0.97
CREDITS_RIGHT = 0.97


def test_the_three_kinds_hold_their_measured_quality() -> None:
    scores = score(*(SET / style for style in STYLES))  # tallied over the three kinds
    hold_floors(
        scores,
        counts=(15, 92, 26),
        captions=(CAPTION_PRECISION, CAPTION_RECALL),
        headings=(HEADING_PRECISION, HEADING_RECALL),
        credits=CREDITS_RIGHT,
    )

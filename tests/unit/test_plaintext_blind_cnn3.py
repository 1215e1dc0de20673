"""A measurement on ``tests/cases/plaintext_blind_cnn3/``: 15 English articles in the seed's
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
"""

from __future__ import annotations

from pathlib import Path

from plaintext_scoring import hold_floors, score

SET = Path(__file__).resolve().parent.parent / "cases" / "plaintext_blind_cnn3"
STYLES = ["cnn_features", "cnn_us", "cnn_world"]
CAPTION_PRECISION, CAPTION_RECALL = 0.98, 0.86
HEADING_PRECISION, HEADING_RECALL = 0.97, 0.97
CREDITS_RIGHT = 0.97


def test_the_three_kinds_hold_their_measured_quality() -> None:
    scores = score(*(SET / style for style in STYLES))  # tallied over the three kinds
    hold_floors(
        scores,
        counts=(15, 90, 12),
        captions=(CAPTION_PRECISION, CAPTION_RECALL),
        headings=(HEADING_PRECISION, HEADING_RECALL),
        credits=CREDITS_RIGHT,
    )

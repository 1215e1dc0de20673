"""A measurement on ``tests/cases/plaintext_blind14c/``: 25 English articles in five more
kinds of publisher's style (public broadcaster, wire, US local TV websites, long-form
magazine, UK nationals; 75 captions, 24 headings), written for issue 14's third round by
someone who never saw the rules, the model or any evaluation set but blind14b's README and
scripts (its README says how, and its labelling conventions). In that round it was not
trained or tuned on: measured once, after the round's last change to the rules and the
model (commit 375cd0e), and once with the code before the round (main at 1aeb0c5), and not
read.

- before (main at 1aeb0c5): captions P 0.844, R 0.867 (65 of 77 found; broadcaster
  10/16/12, local TV 15/18/15, magazine 12/12/15, UK nationals 12/14/17, wire 16/17/16);
- after (issue 14's third round): captions P 0.865, R 0.853 (64 of 74 found; broadcaster
  10/14/12, local TV 15/18/15, magazine 11/11/15, UK nationals 12/14/17, wire 16/17/16);
  headings P 0.605, R 0.958 (23 of 38 found) both times; credits right for 62 of 63
  captions found rightly whose label names one.

The issue's target for unseen multi-publisher text (P >= 0.90, R >= 0.70) was met for
recall, not for precision: ten paragraphs taken were not labelled captions, four of them in
the broadcaster articles and three in the local TV ones.

Since issue 14's fourth round the set is a **development set**: its misses were studied by
kind. Of the ten paragraphs wrongly taken, one was a caption whose credit "(Submitted by X)"
the splitter did not know; three were sentences of a state or of what has happened ("Parent
X has three kids", "Nurse X lives in ...", "A farmer has rolled an ATV ..."); six are
present-tense scene lines and name-first lines of the story, still taken. Missed: captions
labelled "Image caption, " or ending "hide caption", and UK captions whose credit is glued
in capitals ("... since the yard shut ALAMY"). After that round (rules for caption labels,
those credit forms and state sentences; the model unchanged): captions P 0.921, R 0.933 (70
of 76 found; broadcaster 12/14/12, local TV 15/17/15, magazine 11/11/15, UK nationals
16/17/17, wire 16/17/16); headings P 0.622, R 0.958; credits 69 of 69. The floors sit at
these figures; measure a change on a blind set too (``tests/cases/plaintext_blind14d``).

After issue 14's fifth round (a stricter threshold for uncredited paragraphs in an article
that credits its captions): captions P 1.000, R 0.933 (70 of 70 found; broadcaster
12/12/12, local TV 15/15/15, magazine 11/11/15, UK nationals 16/16/17, wire 16/16/16):
the six scene and name-first lines are body now. The precision floor was raised to 1.00.
After its sixth round (one or two sentences like captions alone in an article need the
stricter threshold too): P 1.000, R 0.920 (69 of 69 found); the recall floor is 0.92.
"""

from __future__ import annotations

from pathlib import Path

from plaintext_scoring import hold_floors, score

SET = Path(__file__).resolve().parent.parent / "cases" / "plaintext_blind14c"
STYLES = ["broadcaster", "local_tv_web", "longform_magazine", "uk_national", "wire"]
CAPTION_PRECISION, CAPTION_RECALL = 1.00, 0.92
HEADING_PRECISION, HEADING_RECALL = 0.62, 0.95
CREDITS_RIGHT = 0.98


def test_the_five_styles_hold_their_measured_quality() -> None:
    scores = score(*(SET / style for style in STYLES))  # tallied over the five styles
    hold_floors(
        scores,
        counts=(25, 75, 24),
        captions=(CAPTION_PRECISION, CAPTION_RECALL),
        headings=(HEADING_PRECISION, HEADING_RECALL),
        credits=CREDITS_RIGHT,
    )

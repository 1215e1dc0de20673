"""Measurements on the sets written blind for issue 14, each in ``tests/cases/<set>/`` with
its README (how it was written, its labelling conventions), scored over its sub-folders (one
per style) together: blind14b to blind14h in other publishers' styles, and the CNN-style
sets (the seed's own style: a "(CNN)" dateline, captions standing bare among the body
text). The floors sit just under each set's measured figures, so a change that makes the
reader worse there fails. Each set's history follows: how it was written, what each round
measured.

``plaintext_blind14b``: 25 articles in five other kinds of
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

``plaintext_blind14c``: 25 English articles in five more
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
After its eighth round (the bare model's lower threshold): P 0.986, R 0.933 (70 of 71
found): a chef's line in a magazine piece ("Chef X, who runs ..., buys forty kilos a
year") is taken in an article read as one that prints its captions bare; the precision
floor is 0.98.

``plaintext_blind14d``: 25 English articles in five more
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
(blind14f and g, below).

``plaintext_blind14e``: 25 English articles in five kinds of
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
(blind14f and g, below).

After round 11 (the bare model learns from cnn10 to 17 too): captions P 0.894, R 0.797 (59
of 66 found). A ceramicist's feature with three bare captions among present-tense scenes of
the story is now read as an article that prints its captions bare: its three captions are
found, with two scenes of the story. The precision floor was lowered to 0.89 for it, with
the pooled multi-publisher sets at P 0.978.

``plaintext_blind14g``: 25 English articles in five other
kinds of publication (US regional daily, UK or Irish regional paper, Australian or New
Zealand news site, South Asian or African English-language daily, a national paper's sport
and business pages; 68 captions, 19 headings), written for issue 14's sixth round by
someone who never saw the rules, the model or any evaluation set but blind14e's README and
scripts (its README says how, and its labelling conventions). As for blind14f, its author
was asked for ordinary articles as those publications print them, with no constructed
traps. Not trained or tuned on: measured with the code before the round (main at d9f8208)
and once after its last change, and not read.

- before (main at d9f8208): captions P 0.968, R 0.882 (60 right of 62 found; US regional
  12/13/13, UK regional 11/11/12, Australia/NZ 11/12/15, international dailies 15/15/17,
  sport and business 11/11/11); headings P 0.708, R 0.895 (17 of 24 found); credits right
  for 58 of 59.
- after (issue 14's sixth round: one or two sentences like captions alone in an article need
  the stricter threshold): captions P 0.984, R 0.882 (60 of 61 found; Australia/NZ
  11/11/15); headings and credits as before.

The issue's target for unseen multi-publisher text (P >= 0.90, R >= 0.70) is met. The
floors sit just under the measured figures, so a change that makes the reader worse here
fails. The set is no longer blind once anyone studies its misses: measure a change on a new
blind set too.

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

``plaintext_blind_cnn4``: 15 English articles in the seed's own style (world, US and
features; 93 captions, 26 headings), written after issue 14's seventh round the same way as
cnn3 (its author read only blind14e's README and scripts, and was asked for ordinary
articles, no traps). Not trained or tuned on, and not read: measured once with the code
before the seventh round (main at de2d976) and once with the seventh round's (6842834).

- before the seventh round: captions P 1.000, R 0.763 (71 of 71 found; world 24/24/31, US
  19/19/26, features 28/28/36); headings P 0.962, R 0.962 (25 of 26); credits 19 of 19.
- after it: captions P 1.000, R 0.828 (77 of 77 found; world 28/28/31, US 20/20/26,
  features 29/29/36); headings and credits as before. The issue's CNN-style recall target
  (0.90) is not met here either.

``plaintext_blind_cnn5``: a fourth CNN-style set, written like cnn4 after the seventh
round (95 captions, 18 headings; one article prints an old-style gallery with "Hide Caption
N of 6" counters), not trained or tuned on, and not read. Measured once with the code
before the seventh round (main at de2d976) and once with the round's (after its review):

- before: captions P 1.000, R 0.642 (61 of 61 found); headings P 0.739, R 0.944 (17 of 23
  found); credits 6 of 9.
- after: captions P 0.986, R 0.737 (70 of 71 found; world 24/24/30, US 23/23/27, features
  23/24/38); headings and credits as before. Headings are over-found in the US articles
  (4 of 10), and the credits of own-line "X for CNN" lines are a third wrong.

Since issue 14's eighth round cnn2 to cnn5 are development sets (read), and the bare model
learns from them (benchmarks/train_caption_model.py). Their figures after that round, now
trained on: cnn2 P 1.000, R 0.924; cnn3 1.000, 0.933; cnn4 1.000, 0.935; cnn5 1.000, 0.811
(its headings P 0.727, R 0.889: two subheads naming huts, "Kessel Hut", now stand beside
captions found and are read as those captions' credits).
After the tenth round, the old-style gallery's "Hide Caption N of 6" lines, standing alone,
are page furniture, no longer headings: cnn5 captions P 1.000, R 0.821, headings P 1.000,
R 0.889; the heading precision floor rose to 0.97.

``plaintext_blind_cnn6`` to ``plaintext_blind_cnn9``: four more CNN-style sets (15 articles
each; 86, 97, 101 and 94 captions), written for issue 14's eighth round like cnn4 (their
authors read only blind14e's README and scripts, and were asked for ordinary articles, no
traps; each leaned to other subjects). Measured once with the code before the round (main
at 8b2916b) and once after its first half (the bare model trained on cnn2 to 5 as well, a
lower threshold for it, the tagger's mends), and not read until then:

- cnn6: P 0.945, R 0.802 (69/73/86) before; P 0.929, R 0.907 (78/84/86) after;
- cnn7: P 0.932, R 0.845 (82/88/97) before; P 0.915, R 0.887 (86/94/97) after;
- cnn8: P 0.989, R 0.871 (88/89/101) before; P 0.958, R 0.911 (92/96/101) after;
- cnn9: P 0.987, R 0.787 (74/75/94) before; P 0.976, R 0.862 (81/83/94) after;
- all four: P 0.963, R 0.828 before; P 0.944, R 0.892 after: recall for precision, below
  the issue's 0.95. The second half of the round read them (the paragraphs wrongly taken
  were mostly scenes of two present-tense sentences, plans such as "The tour resumes
  Friday", and advice), and the bare model learns from them since. Trained on, after the
  round: cnn6 P 0.988, R 0.930; cnn7 0.967, 0.897; cnn8 0.990, 0.950; cnn9 1.000, 0.894.

``plaintext_blind_cnn10`` and ``plaintext_blind_cnn11``: two more CNN-style sets (15
articles each; 91 and 90 captions), written during the eighth round's second half like the
others. Not trained or tuned on, and not read: measured with the code before the round
(main at 8b2916b) and after its last change.

- cnn10: before P 0.958, R 0.758 (69/72/91; world 25/25/30, US 22/24/27, features
  22/23/34); after P 0.973, R 0.802 (73/75/91; world 27/27/30, US 23/24/27, features
  23/24/34).
- cnn11: before P 1.000, R 0.833 (75/75/90; world 31/31/36, US 22/22/26, features
  22/22/28); after P 0.987, R 0.856 (77/78/90; world 32/32/36, US 23/24/26, features
  22/22/28).
- both: P 0.980, R 0.796 before; P 0.980, R 0.829 after. The issue's CNN-style target
  (P >= 0.95, R >= 0.90) is met for precision, not for recall; the features' captions,
  written like the story's own sentences, are missed most (R 0.72). Read in the ninth
  round, and not trained on: the bare model trained on them too (and on cnn14 and 15)
  lowered its thresholds, and blind14d, blind14e and ``test_styles`` lost precision
  (benchmarks/README.md, round 9).

``plaintext_blind_cnn12`` and ``plaintext_blind_cnn13``: two more CNN-style sets (15
articles each; 102 and 116 captions), and ``plaintext_blind_cnn14`` and
``plaintext_blind_cnn15``, two sets of features only (CNN Travel, CNN Style and long-form
features: 101 and 97 captions), written after issue 14's eighth round like the others. Not
trained or tuned on, and not read: measured with the eighth round's code (main at 92b6808)
and once after the ninth round (a time of day after "at" is a plan, as listings give it).

- cnn12: P 0.968, R 0.902 (92/95/102; world 38/38/41, US 28/31/30, features 26/26/31)
  both times.
- cnn13: P 0.990, R 0.879 (102/103/116) before; P 0.981, R 0.888 (103/105/116; world
  35/35/39, US 35/36/37, features 33/34/40) after.
- cnn12 and 13 together: P 0.980, R 0.890 before; P 0.975, R 0.894 after: the issue's
  CNN-style target (P >= 0.95, R >= 0.90) met for precision, missed for recall by a
  caption.
- cnn14: P 0.973, R 0.713 (72/74/101) before; P 0.973, R 0.723 (73/75/101; travel
  23/24/36, style 26/26/32, features 24/25/33) after.
- cnn15: P 0.947, R 0.732 (71/75/97; travel 19/20/30, style 22/24/30, features 30/31/37)
  both times. Features are where the reader is weakest: their captions are scenes written
  like the story's own present-tense sentences.

After the tenth round (an older gallery's "Hide Caption 1 of 8" glued to its caption labels
it one, and is no part of it; "Top image: " is a label), cnn15, whose gallery prints its
captions so, reads P 0.976, R 0.825 (80/82/97); the others as before.

``plaintext_blind_cnn16`` (the usual mix; 98 captions) and ``plaintext_blind_cnn17``
(features only; 95 captions), written after the ninth round like the others. Not trained or
tuned on, and not read: measured with the ninth round's code (main at 97c39ef) and after
the tenth.

- cnn16: P 0.989, R 0.929 (91/92/98; world 31/32/33, US 26/26/28, features 34/34/37) both
  times: the issue's CNN-style target (P >= 0.95, R >= 0.90) met.
- cnn17: P 0.942, R 0.684 (65/69/95) before; P 0.957, R 0.695 (66/69/95; travel 25/27/34,
  style 16/16/27, features 25/26/34) after.

Since round 11 the bare model learns from cnn2 to cnn17, so their floors no longer measure
unseen material (``benchmarks/caption_loso.py`` does, leaving each set out in turn).

``plaintext_blind_cnn18`` and ``plaintext_blind_cnn19`` (the usual mix; 100 and 88
captions), and ``plaintext_blind14i`` (25 articles in five other publishers' styles; 55
captions, 4 articles without photos), written after round 10 by helpers who read only the
format, the seed and one set's README. Not trained or tuned on: measured with round 10's
code (main at 81846a0) and once after round 11.

- cnn18: P 1.000, R 0.680 (68/68/100) before; P 0.976, R 0.830 (83/85/100; world 31/32/35,
  US 20/20/28, features 32/33/37) after.
- cnn19: P 1.000, R 0.784 (69/69/88) before; P 0.987, R 0.875 (77/78/88; world 29/30/30, US
  23/23/28, features 25/25/30) after.
- cnn18 and 19 together: P 1.000, R 0.729 before; P 0.982, R 0.851 after. Many of their
  captions end without a stop ("Name, 67, founder of ..."), which round 10 read as headings.
- blind14i: P 1.000, R 0.891 (49/49/55; magazine 8/8/13) both times.

Since round 12 cnn18, 19 and 14i are development sets (their misses were read); the bare
model does not learn from cnn18 and 19 (taught them, it took scenes of blind14d's community
weeklies).

``plaintext_blind_cnn20`` and ``plaintext_blind_cnn21`` (the usual mix; 101 and 93
captions) and ``plaintext_blind14j`` (25 articles in five other publishers' styles; 46
captions, 4 articles without photos), written after round 11 the same way. Not trained or
tuned on: measured with round 10's code (main at 81846a0), with round 11's (58a211f) and
once after round 12.

- cnn20 and 21 together: P 1.000, R 0.835 (162/162/194) with round 10's code; P 0.994,
  R 0.902 (175/176/194) with round 11's; P 1.000, R 0.907 (176/176/194; cnn20 world 34/34/36,
  US 29/29/30, features 29/29/35; cnn21 world 26/26/28, US 23/23/29, features 35/35/36)
  after round 12: the issue's CNN-style target (P >= 0.95, R >= 0.90) met on both counts
  since round 11.
- blind14j: P 0.951, R 0.848 (39/41/46) with round 10's code; P 0.953, R 0.891 (41/43/46)
  with round 11's; P 0.950, R 0.826 (38/40/46) after round 12, which lost a ferry feature's
  three bare captions: with the tagger's mends one of them reads as what it is, a phrase
  without a verb, and the bare model then gives it 0.79, just under the stricter threshold
  that tells whether an article prints its captions bare.

Since round 13 cnn20, 21 and 14j are development sets.

``plaintext_blind_cnn22`` and ``plaintext_blind_cnn23`` (97 and 94 captions), asked for
small articles as well as large (seven and six articles with only three or four captions),
and ``plaintext_blind14k`` (25 articles in five other publishers' styles; 59 captions, 20
of them printed bare, without a final stop, in five long-form features), written after
round 12 the same way. Not trained or tuned on: measured with round 12's code (fbc81a2)
and once after round 13's tagger mends, then read.

- cnn22 and 23: P 1.000, R 0.838 (160/160/191) before; P 1.000, R 0.843 (161/161/191) after.
  With round 10's code: P 1.000, R 0.770 (147/147/191). The small articles are where
  captions are still lost: with three or four captions, the bare model's count at its
  stricter threshold falls to two or one, and the article is read as one that does not
  print its captions bare.
- blind14k: P 0.972, R 0.593 (35/36/59) before and after (round 10's code the same): none
  of the long-form features' 20 bare captions was found, as the general model took none of
  their paragraphs and the bare model was never asked.

After reading them, round 13 asks the bare model of an article whose general model took
nothing and which marks no caption, and judges a long line without its stop as if stopped
when counting an article's bare captions: blind14k P 0.974, R 0.644 (38/39/59); cnn22 and
23 P 1.000, R 0.853 (163/163/191).

``plaintext_blind_cnn24`` and ``plaintext_blind_cnn25`` (the usual mix; 93 and 96 captions)
and ``plaintext_blind14l`` (25 articles in five other publishers' styles; 53 captions),
written after round 13's tagger mends the same way, and measured once that round was done.
Not trained or tuned on; read after that measurement, with no change since.

- cnn24 and 25: P 0.986, R 0.746 (141/143/189) with round 10's code; P 0.988, R 0.862
  (163/165/189) with rounds 11's and 12's; P 0.988, R 0.878 (166/168/189; cnn24 world
  24/24/30, US 26/26/27, features 32/32/36; cnn25 world 27/27/31, US 28/30/29, features
  29/29/36) after round 13.
- blind14l: P 1.000, R 0.943 (50/50/53; magazine 8/8/11) with every round's code.

Round 14's sets, written the same way in three to four minutes each, asked for small
articles (one to five captions; the older CNN-style sets hold six to an article):
``plaintext_blind_cnn26`` to ``cnn28`` (39, 39 and 35 captions) and ``plaintext_blind14m``
(20 articles in five other publishers' styles; 39 captions) were measured with round 13's
code (5126822) before any change, then read; ``cnn29``, ``cnn30`` (43 and 45 captions, 20 of
cnn29's without a final stop) and ``plaintext_blind14n`` (20 articles; 35 captions) were
written after the round's first two changes and measured with round 13's code and with
those changes before their misses were read (14n's never were).

- cnn26 to 28: P 0.972, R 0.611 (69/71/113) before; P 0.978, R 0.770 (87/89/113) after.
  Small articles were read as ones that do not print their captions bare (the bare model
  took two captions, one short of ``FEW_CAPTIONS``); short verbless lines without a stop
  were read as headings.
- cnn29 and 30: P 0.941, R 0.545 (48/51/88) before; P 0.952, R 0.682 (60/63/88) after the
  first two changes; P 0.955, R 0.727 (64/67/88) after the third, which was made after
  reading their misses. Most misses left are short verbless lines without a stop ("Loaves
  cooling on racks", "Index cards on the table"), which read as headings read.
- blind14m: P 1.000, R 0.615 (24/24/39) before; P 1.000, R 0.718 (28/28/39) after: four long
  magazine captions whose credit was glued to the last word ("... horizon Photograph by X").
- blind14n: P 1.000, R 0.914 (32/32/35) with every round's code.

After the round's last change (a narrator's scenes), ``plaintext_blind_cnn31`` and ``cnn32``
(51 and 54 captions) and ``plaintext_blind14o`` (20 articles; 36 captions), written the same
way, were measured with round 13's code and with round 14's, then read:

- cnn31 and 32: P 0.945, R 0.657 (69/73/105) before; P 0.938, R 0.724 (76/81/105) after.
  Four of cnn32's five wrong paragraphs are captions found whose credit, an institution
  named after the caption's stop with no label ("... the edge of the lake. Himalayan
  Cryosphere Research Center"), stayed in their text; splitting any such name off took 21
  more lines of real pages (dev ``train``) for captions, so they stay.
- blind14o: P 1.000, R 0.889 (32/32/36) with both.

Round 15 no longer reads an article that credits one caption as one that credits its
captions: two credited captions are needed (``plaintext._credited``), and the bare model may
find that such an article prints its others bare, when it doubts fewer paragraphs than it
takes. Over every set, 18 captions more are found and 3 paragraphs more are taken wrongly:
cnn26 P 0.968, R 0.769 (30/31/39: one more found, and one sentence of the story); cnn29
35/36/43; cnn30 33/35/45; cnn32 39/43/54; blind14j 43/45/46; blind14n 33/33/35.

Then a paragraph the general model takes alone, in an article that marks no caption and no
narrator tells, stands as read (a small article's one photo), and a paragraph opening with a
possessive pronoun ("Her husband, seated in the second row, ...") is body unless a figure
marker or credit line stands beside it: over every set 21 captions more, and no more
paragraphs taken wrongly, though one is new, a magazine's workshop scene in blind14l (P
0.980, R 0.943: 50/51/53; its precision floor lowered from 0.99 to 0.97); cnn26 31/32/39,
cnn30 35/37/45, cnn31 45/46/51, blind14m 29/29/39, blind14h 56/56/60.

Round 15's sets, written the same way in three to eight minutes each:
``plaintext_blind_cnn33`` (small articles, one to five captions; 45 captions),
``plaintext_blind_cnn34`` (one to eight captions to an article; 57) and
``plaintext_blind14p`` (20 articles in five other publishers' styles; 54), measured with
round 14's code (1b57808) and after each change, before any was read:

- cnn33: P 1.000, R 0.667 (30/30/45) before; R 0.689 (31/31/45) after the first change (one
  credited caption); R 0.756 (34/34/45) after the third (a lone caption). Then read: most
  misses left are name-and-role lines without a stop beside a caption the model took alone
  ("Reid Haddock, co-owner of Haddock Family Orchards"), and an article of four photos whose
  bare captions the bare model doubts.
- cnn34: P 0.962, R 0.877 (50/52/57) with every round's code; not read.
- blind14p: P 1.000, R 0.926 (50/50/54) with every round's code; not read.

After the round's third change, ``plaintext_blind_cnn35`` (one to seven captions to an
article; 57 captions), ``cnn36`` (one to six; 51) and ``plaintext_blind14q`` (20 articles
in five other publishers' styles; 53), written the same way, were measured with round 14's
code and with round 15's, and not read. blind14q's writer kept the "Image caption, " label
in its BBC-like labels, against the brief; it was taken off the twelve labels before either
measurement.

- cnn35: P 1.000, R 0.754 (43/43/57) before; P 1.000, R 0.895 (51/51/57) after.
- cnn36: P 0.943, R 0.647 (33/35/51) before; P 0.952, R 0.784 (40/42/51) after.
- blind14q: P 1.000, R 0.906 (48/48/53) before; P 1.000, R 0.925 (49/49/53) after.

The round's last change takes a line named as a caption names (a name and an age, a
relative clause or a role, no final stop: ``Surroundings.named_lines``) in any article that does
not credit its captions, not only in one found to print them bare: over every set 10
captions more and none taken wrongly; cnn34 P 0.962, R 0.895 (51/53/57), cnn36 P 0.953,
R 0.804 (41/43/51), still not read; cnn26 32/33/39, cnn28 29/30/35, cnn30 36/38/45, cnn33
36/36/45. So does a person's name and where they are ("Liv Andresen at her cafe on
Storøy"; "by" no longer counts, for "Tony Blair by numbers"), and "Photograph by X" glued to
a caption's stop is its credit: 6 more, and one fewer taken wrongly; blind14l P 1.000,
R 0.981 (52/52/53, its precision floor back to 0.99), cnn30 37/39/45, blind14m 30/30/39.

After the round, ``plaintext_blind_cnn37`` and ``cnn38`` (one to seven captions to an
article; 56 and 55 captions), written the same way, were measured with round 14's code and
round 15's, and not read. cnn38's writer glued twelve credits to their captions, some with
no space after the stop ("... the estuary.Nguyen Thi Lan/AFP via Getty Images", as its
README says); a "Name/Agency" credit glued so is now split off (a word's stop, then a
capitalised word: not "U.S./Canada"), which changed no reading of any other set.

- cnn37: P 0.977, R 0.768 (43/44/56) before; P 0.981, R 0.911 (51/52/56) after.
- cnn38: P 0.892, R 0.600 (33/37/55) before; P 0.907, R 0.709 (39/43/55) after; P 0.953,
  R 0.745 (41/43/55) once the glued credit is split.

Then, in an article that may print its captions bare, a line without a stop of more than six
words (``CAPTION_LIKE_HEADING_WORDS``, was eight) that keeps its articles is judged as if
stopped ("Volunteers fill sandbags at the county fairgrounds"): over every set 26 captions
more and 2 lines more taken wrongly, both headings (cnn18, whose heading recall floor goes
from 0.99 to 0.95, and cnn37, whose precision floor goes from 0.98 to 0.96: P 0.963,
R 0.929, 52/54/56), and 25 fewer false headings. cnn27 33/34/39, cnn32 43/47/54, blind14k
48/49/59; of the sets not read, cnn34 52/54/57, cnn35 52/52/57, cnn36 42/44/51.

``plaintext_blind_cnn39`` and ``cnn40`` (55 captions each), written the same way after
that change was made and before it was kept, were measured with round 14's code, with
round 15's before it, and with it, and not read:

- cnn39: P 1.000, R 0.891 (49/49/55) with all three.
- cnn40: P 0.956, R 0.782 (43/45/55); P 0.957, R 0.800 (44/46/55); P 0.957, R 0.818
  (45/47/55).
- ``plaintext_blind14r`` (20 articles in five other publishers' styles, written with them;
  51 captions): P 0.950, R 0.745 (38/40/51) with all three; most misses are in its four
  long-form magazine features, whose captions carry no credit.

The round's last change counts an article's bare captions at the bare model's usual
threshold (0.74), not its stricter one (0.79), when it asks whether the article prints its
captions bare, and a capitalised "Courtesy of X" glued to a caption's last word is its
credit: over every set 18 captions more and 2 paragraphs more taken wrongly, a long-form
magazine's scene in blind14c (P 0.973, R 0.947: 71/73/75; its precision floor goes from
0.98 to 0.97) and a plan in the hand-written styles ("The business association plans a
reopening festival in October"). blind14k 53/54/59, blind14m 31/31/39, cnn30 40/42/45,
cnn33 38/38/45; of the sets not read, blind14r 41/43/51 and cnn36 44/46/51.

``plaintext_blind_cnn41`` and ``cnn42`` (56 captions each), written the same way once
round 15 had landed (85939e4), were measured with round 14's code and round 15's, and not
read: cnn41 P 0.938, R 0.804 (45/48/56) before, P 0.944, R 0.911 (51/54/56) after; cnn42
P 0.944, R 0.607 (34/36/56) before, P 0.961, R 0.875 (49/51/56) after. Together: P 0.940,
R 0.705 (79/84/112) before; P 0.952, R 0.893 (100/105/112) after.

Round 16's sets, written the same way in three to nine minutes each, from then on read as
each round's development material once measured: ``plaintext_blind_cnn43`` to ``cnn46``
(241 captions) were measured with round 15's code (0954cb9) before any change and after the
round's first (P 0.976, R 0.830 → P 0.977, R 0.871), then read; cnn34 to cnn42 were read too.
``cnn47`` and ``cnn48`` (147) were measured after the first change (P 0.969, R 0.850 with
round 15's code; P 0.970, R 0.884) and then read; ``cnn49`` and ``cnn50`` (142) were
measured twice before the round's last changes and never read. ``cnn51`` to ``cnn53`` (198)
were written after the round's last rule change and measured once, never read: P 0.949,
R 0.854 (169/178/198) with round 15's code; P 0.951, R 0.884 (175/184/198) with round 16's;
then cnn53's writer, whose README says it glued six credits to the caption's last word
without a stop or a space ("... destroyed in OctoberJane Doe/AFP"), was met by splitting
such a credit off, which changed no other set: P 0.973, R 0.904 (179/184/198).
``plaintext_blind14s`` and ``blind14t`` (five other publishers' styles, 46 and 49 captions)
are not read but for the labels their writers left against the brief (their READMEs say
which): P 0.953, R 0.891 with either round's code; P 1.000, R 0.837 → P 1.000, R 0.878.

- cnn43: P 0.979, R 0.821 (46/47/56) before; P 0.962, R 0.911 (51/53/56) after.
- cnn44: P 1.000, R 0.896 (43/43/48); P 1.000, R 0.917 (44/44/48).
- cnn45: P 0.918, R 0.763 (45/49/59); P 0.962, R 0.864 (51/53/59).
- cnn46: P 1.000, R 0.846 (66/66/78); P 1.000, R 0.885 (69/69/78).
- cnn47: P 0.986, R 0.852 (69/70/81); P 0.973, R 0.889 (72/74/81).
- cnn48: P 0.949, R 0.848 (56/59/66); P 0.984, R 0.939 (62/63/66).
- cnn49: P 0.946, R 0.855 (53/56/62); P 0.949, R 0.903 (56/59/62).
- cnn50: P 0.973, R 0.900 (72/74/80); P 0.986, R 0.912 (73/74/80).
- cnn51: P 0.944, R 0.927 (51/54/55); P 0.946, R 0.964 (53/56/55).
- cnn52: P 1.000, R 0.780 (46/46/59); P 1.000, R 0.847 (50/50/59).
- cnn53: P 0.923, R 0.857 (72/78/84); P 0.974, R 0.905 (76/78/84).

The round raised blind14d's recall floor (0.79 to 0.83) and blind14r's (0.8 to 0.82), and
lowered one: blind14r's share of right credits (0.8 to 0.78: more captions found, whose
credits stand on a line of their own that the reader does not join to them).

``plaintext_blind_cnn54`` to ``cnn56`` (191 captions), written after round 16 had landed
(a629ad1), were measured with round 15's code and round 16's (P 0.963, R 0.806 → P 0.965,
R 0.864: cnn54 0.980/0.941 → 0.980/0.961, cnn55 0.935/0.717 → 0.938/0.750, cnn56
0.969/0.787 → 0.973/0.887), then read for round 17. ``cnn57`` to ``cnn59`` (231), written
then, were measured with round 16's code and round 17's and never read: P 0.958, R 0.887
(205/214/231) with both (cnn57 0.984/0.897, cnn58 0.903/0.890, cnn59 0.988/0.878). Round
17 split "First Last/Agency" after a caption's last word without a stop, a photo archive's
name after the stop ("Arquivo Municipal de ..."), and judged a line without a stop that
names where or when in the present as if stopped: over every set 9 captions more and one
paragraph fewer taken wrongly (two credits split off, one new in cnn24, whose precision
floor goes from 0.99 to 0.98); cnn55 P 0.980, R 0.800.

Round 18 (issue 14): ``plaintext_blind_cnn60`` to ``cnn62`` (206 captions), written as the
round began, were measured with round 17's code before any change (P 0.984, R 0.874:
180/183/206) and during the round (aggregates only), then read: P 0.989, R 0.893 (184/186)
after it. ``cnn63`` to ``cnn65`` (221), written during the round, were measured once with
round 17's code and once after the round's last change, never read: P 0.980, R 0.869
(192/196/221) → P 0.980, R 0.873 (193/197; cnn63 0.984/0.849, cnn64 0.987/0.962, cnn65
0.966/0.800). ``cnn66`` (83 captions) and ``cnn67`` (11 articles, 53 captions; its writer
ran out of time for four), written at the round's end and measured once with each code:
cnn66 P 0.963, R 0.952 (79/82/83) both, cnn67 P 0.980, R 0.925 (49/50/53) both. The sets
written during and after the round and never read, cnn63 to cnn67 (357 captions): P 0.976, R
0.896 (320/328) → P 0.976, R 0.899 (321/329); every CNN-style set never read (cnn49 to
cnn53, cnn57 to cnn59, cnn63 to cnn67; 928 captions): P 0.972, R 0.912 (846/870).
``plaintext_blind14u`` (five other publishers' styles, 34 captions), written as the round
went on and measured with both codes, P 0.857, R 0.882 (30/35/34) both, was read: two of its
five paragraphs "wrongly" taken were captions whose label kept the wire credit "(Photo by X
/ AM)" against the set's own convention (labels mended: P 0.914, R 0.941 with round 17's
code), one a byline "Name at the County Ground" before the story (now a byline: P 0.941, R
0.941), one a Guardian standfirst and one an NYT scene (still taken). ``plaintext_blind14v``
(34 captions), written at the round's end, measured once with each code: P 1.000, R 0.971
(33/33/34) both. The round's changes (tagging a participle before "by" and its agent, after
a sentence's first comma, a past tense after a subject pronoun; a dated photograph named
without a verb with its line of context; a person's name alone, and a short stopped phrase
naming a thing, as a caption in an article that prints its captions bare; more glued credit
forms) found 51 captions more over the read and measured sets and took 5 fewer paragraphs
wrongly, but gained little on the sets written during the round. blind14s: one caption label
kept its glued credit "MERIDIAN/X" against the set's own convention; mended (P 0.977, R
0.884 for blind14s and blind14t together after the round).

Round 19 read cnn63 and cnn65 (the two lowest of the sets written during round 18) and made
two changes from them: "First Last/Agency" glued to a caption ending in a number, and "Name,
Team role" without a stop as a named line; cnn63 P 0.984, R 0.863 (63/64/73), cnn65 P 0.983,
R 0.814 (57/58/70); the other sets are unchanged but cnn66 and cnn67 (measured again: P
0.970, R 0.941 together) and blind14v (the same). Tried and dropped: an aside "X, pictured
in 2019, ..." before the main verb as a caption (2 captions more, but a tabloid's body
sentence reads so: "Quell, pictured outside court, was fined").

Round 20 (issue 14): ``plaintext_blind_cnn68`` to ``cnn70`` (217 captions) and
``plaintext_blind14w`` and ``blind14x`` (five other publishers' styles each, 74 captions),
written as the round began, were measured with round 19's code before any change: CNN-style P
0.981, R 0.940 (204/208/217; cnn68 0.971/0.944, cnn69 0.984/0.871, cnn70 0.987/1.000), other
styles P 0.945, R 0.932 (69/73/74; blind14w 1.000/0.921, blind14x 0.895/0.944). cnn69 and
blind14x were then read; cnn68, cnn70 and blind14w never were. From them: "Pictured: " is a
caption's label (blind14r and blind14x leave it out of their labels, blind14l keeps it, so
the scores compare it on neither side); a bare form after a possessive that ends its noun
phrase is a noun ("his *win*"); a participle before its object after a name's asides is
the past tense ("Dean Hollis, 52, from Stockport, *discovered* ..."); a bare verb after the
subject is read before the noun run after it ("Volunteers unload hay *bales*"); a past form
inside a participle's aside is a participle ("made from a shovel *found* near the town");
and a name alone under a standfirst, in an article that opens with a headline, is a byline,
not the credit of a caption. After the round: cnn69 P 0.984, R 0.900 (63/64/70), blind14x P
1.000, R 0.972 (35/35/36); the sets never read unchanged.

Round 21 (issue 14): bylines and page furniture are no headings (a writer's name and post,
"Staff and agencies", a name before the story starts; "4-Minute Listen", "Read next: ...";
credit lines "Submitted photo", "Photo courtesy of X"). ``plaintext_blind14y`` (five other
styles, 41 captions), written during the round and never read, measured with round 19's
code, round 21's and round 22's: captions P 0.976, R 0.976 (40/41/41) with each; headings
P 0.760 → 0.864 → 0.864 (19 right of 25, then of 22).

Round 22 (issue 14): ``plaintext_blind_cnn71`` and ``cnn72`` (144 captions), written during
round 21, measured with its code: P 0.992, R 0.868 (125/126/144; cnn71 1.000/0.857, cnn72
0.985/0.878). cnn71 was read; cnn72 was not. From cnn71: after a role, a first name that is
also a word names a person ("Superintendent Glen Oyelaran"); a person's name or a public
service after a caption's last sentence is its credit ("... Utah. Jared Lindqvist"): over
every set 3 captions more, 1 paragraph and 1 heading fewer taken wrongly. cnn71 after: P
1.000, R 0.900 (63/63/70); cnn72 unchanged. Tried and dropped: "each" as a habit only before
a period ("each smaller than a fingernail"): 3 captions more, 1 wrong.

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
#: Per set: the (articles, captions, headings) labelled, caption and heading (precision,
#: recall) floors, and the share of credits right. The heading floors of blind14b to f rose
#: after round 7's review, when page furniture stopped being taken for headings (benchmarks/
#: README.md, round 7).
FLOORS = {
    "plaintext_blind14b": ((25, 104, 24), (1.0, 0.87), (0.77, 0.99), 0.98),
    "plaintext_blind14c": ((25, 75, 24), (0.97, 0.94), (0.82, 0.99), 0.98),
    "plaintext_blind14d": ((25, 67, 24), (0.93, 0.83), (0.82, 0.95), 0.9),
    "plaintext_blind14e": ((25, 74, 29), (0.91, 0.86), (0.77, 0.93), 0.95),
    "plaintext_blind14g": ((25, 68, 19), (0.98, 0.92), (0.73, 0.89), 0.97),
    "plaintext_blind_cnn2": ((15, 92, 26), (0.99, 0.95), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn3": ((15, 90, 12), (0.99, 0.95), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn4": ((15, 93, 26), (0.99, 0.95), (0.99, 0.96), 0.97),
    "plaintext_blind_cnn5": ((15, 95, 18), (0.99, 0.88), (0.99, 0.88), 0.65),
    "plaintext_blind_cnn6": ((15, 86, 23), (0.98, 0.96), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn7": ((15, 97, 18), (0.96, 0.93), (0.94, 0.99), 0.97),
    "plaintext_blind_cnn8": ((15, 101, 16), (0.98, 0.95), (0.94, 0.99), 0.74),
    "plaintext_blind_cnn9": ((15, 94, 19), (0.99, 0.94), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn10": ((15, 91, 18), (0.98, 0.97), (0.99, 0.94), 0.97),
    "plaintext_blind_cnn11": ((15, 90, 21), (0.99, 0.97), (0.95, 0.99), 0.97),
    "plaintext_blind_cnn12": ((15, 102, 20), (0.98, 0.96), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn13": ((15, 116, 23), (0.99, 0.97), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn14": ((15, 101, 18), (0.99, 0.89), (0.94, 0.99), 0.97),
    "plaintext_blind_cnn15": ((15, 97, 25), (0.99, 0.92), (0.96, 0.99), 0.97),
    "plaintext_blind_cnn16": ((15, 98, 23), (0.99, 0.97), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn17": ((15, 95, 25), (0.98, 0.9), (0.96, 0.96), 0.97),
    "plaintext_blind14f": ((25, 55, 15), (0.99, 0.9), (0.88, 0.99), 0.97),
    "plaintext_blind14h": ((25, 60, 10), (0.99, 0.93), (0.83, 0.99), 0.97),
    "plaintext_blind_cnn18": ((15, 100, 21), (0.97, 0.9), (0.9, 0.95), 0.97),
    "plaintext_blind_cnn19": ((15, 88, 22), (0.98, 0.95), (0.95, 0.99), 0.97),
    "plaintext_blind14i": ((25, 55, 13), (0.99, 0.94), (0.92, 0.99), 0.97),
    "plaintext_blind_cnn20": ((15, 101, 25), (0.99, 0.97), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn21": ((15, 93, 21), (0.99, 0.92), (0.99, 0.99), 0.97),
    "plaintext_blind14j": ((25, 46, 13), (0.95, 0.95), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn22": ((15, 97, 23), (0.99, 0.89), (0.92, 0.99), 0.94),
    "plaintext_blind_cnn23": ((15, 94, 22), (0.99, 0.91), (0.99, 0.99), 0.97),
    "plaintext_blind14k": ((25, 59, 18), (0.98, 0.91), (0.94, 0.99), 0.97),
    "plaintext_blind_cnn24": ((15, 93, 23), (0.99, 0.91), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn25": ((15, 96, 24), (0.98, 0.91), (0.92, 0.99), 0.97),
    "plaintext_blind14l": ((25, 53, 20), (0.99, 0.98), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn26": ((15, 39, 12), (0.97, 0.89), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn27": ((15, 39, 16), (0.97, 0.87), (0.88, 0.99), 0.97),
    "plaintext_blind_cnn28": ((16, 35, 8), (0.96, 0.82), (0.8, 0.99), 0.97),
    "plaintext_blind14m": ((20, 39, 13), (0.99, 0.84), (0.86, 0.99), 0.97),
    "plaintext_blind_cnn29": ((15, 43, 17), (0.97, 0.9), (0.84, 0.94), 0.97),
    "plaintext_blind_cnn30": ((15, 45, 15), (0.95, 0.91), (0.93, 0.93), 0.97),
    "plaintext_blind14n": ((20, 35, 14), (0.99, 0.97), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn31": ((15, 51, 15), (0.97, 0.92), (0.93, 0.99), 0.97),
    "plaintext_blind_cnn32": ((15, 54, 21), (0.94, 0.92), (0.99, 0.99), 0.97),
    "plaintext_blind14o": ((20, 36, 15), (0.99, 0.88), (0.83, 0.99), 0.97),
    "plaintext_blind_cnn33": ((15, 45, 15), (0.99, 0.84), (0.87, 0.93), 0.97),
    "plaintext_blind_cnn34": ((15, 57, 17), (0.96, 0.92), (0.88, 0.94), 0.97),
    "plaintext_blind14p": ((20, 54, 13), (0.99, 0.94), (0.86, 0.99), 0.88),
    "plaintext_blind_cnn35": ((15, 57, 19), (0.99, 0.94), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn36": ((15, 51, 13), (0.97, 0.9), (0.92, 0.99), 0.97),
    "plaintext_blind14q": ((20, 53, 19), (0.99, 0.92), (0.9, 0.99), 0.9),
    "plaintext_blind_cnn37": ((15, 56, 18), (0.96, 0.94), (0.94, 0.94), 0.97),
    "plaintext_blind_cnn38": ((15, 55, 21), (0.96, 0.92), (0.99, 0.99), 0.89),
    "plaintext_blind_cnn39": ((15, 55, 21), (0.99, 0.98), (0.95, 0.99), 0.97),
    "plaintext_blind_cnn40": ((15, 55, 15), (0.98, 0.94), (0.99, 0.99), 0.97),
    "plaintext_blind14r": ((20, 51, 13), (0.99, 0.86), (0.61, 0.99), 0.78),
    "plaintext_blind_cnn41": ((15, 56, 22), (0.98, 0.99), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn42": ((15, 56, 20), (0.98, 0.92), (0.95, 0.99), 0.97),
    "plaintext_blind_cnn43": ((15, 56, 15), (0.96, 0.91), (0.93, 0.99), 0.97),
    "plaintext_blind_cnn44": ((15, 48, 19), (0.99, 0.95), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn45": ((15, 59, 17), (0.96, 0.88), (0.89, 0.99), 0.97),
    "plaintext_blind_cnn46": ((15, 78, 17), (0.99, 0.88), (0.85, 0.99), 0.97),
    "plaintext_blind_cnn47": ((15, 81, 23), (0.98, 0.88), (0.95, 0.99), 0.97),
    "plaintext_blind_cnn48": ((15, 66, 20), (0.98, 0.95), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn49": ((15, 62, 18), (0.95, 0.91), (0.9, 0.99), 0.97),
    "plaintext_blind_cnn50": ((15, 80, 19), (0.98, 0.92), (0.99, 0.99), 0.97),
    "plaintext_blind14s": ((20, 46, 18), (0.95, 0.89), (0.85, 0.99), 0.9),
    "plaintext_blind_cnn51": ((15, 55, 18), (0.98, 0.99), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn52": ((15, 59, 18), (0.99, 0.89), (0.94, 0.99), 0.97),
    "plaintext_blind_cnn53": ((15, 84, 20), (0.97, 0.92), (0.95, 0.99), 0.97),
    "plaintext_blind14t": ((20, 49, 18), (0.99, 0.87), (0.85, 0.99), 0.88),
    "plaintext_blind_cnn54": ((15, 51, 14), (0.99, 0.98), (0.93, 0.99), 0.97),
    "plaintext_blind_cnn55": ((15, 60, 21), (0.98, 0.81), (0.91, 0.99), 0.97),
    "plaintext_blind_cnn56": ((15, 80, 19), (0.97, 0.91), (0.9, 0.94), 0.97),
    "plaintext_blind_cnn57": ((15, 68, 19), (0.98, 0.91), (0.95, 0.99), 0.97),
    "plaintext_blind_cnn58": ((15, 73, 21), (0.9, 0.89), (0.86, 0.9), 0.97),
    "plaintext_blind_cnn59": ((15, 90, 20), (0.98, 0.9), (0.95, 0.95), 0.97),
    "plaintext_blind_cnn60": ((15, 75, 21), (0.99, 0.9), (0.84, 0.99), 0.97),
    "plaintext_blind_cnn61": ((15, 67, 19), (0.98, 0.98), (0.99, 0.99), 0.97),
    "plaintext_blind_cnn62": ((15, 64, 21), (0.98, 0.78), (0.84, 0.99), 0.97),
    "plaintext_blind_cnn63": ((15, 73, 21), (0.98, 0.86), (0.91, 0.99), 0.97),
    "plaintext_blind_cnn64": ((15, 78, 18), (0.98, 0.96), (0.89, 0.94), 0.97),
    "plaintext_blind_cnn65": ((15, 70, 23), (0.98, 0.81), (0.88, 0.99), 0.97),
    "plaintext_blind_cnn66": ((15, 83, 21), (0.96, 0.95), (0.95, 0.99), 0.97),
    "plaintext_blind_cnn67": ((11, 53, 16), (0.98, 0.92), (0.94, 0.99), 0.97),
    "plaintext_blind14u": ((20, 34, 17), (0.94, 0.94), (0.94, 0.99), 0.85),
    "plaintext_blind14v": ((20, 34, 15), (0.99, 0.97), (0.93, 0.99), 0.96),
    "plaintext_blind_cnn68": ((15, 72, 19), (0.97, 0.94), (0.9, 0.94), 0.97),
    "plaintext_blind_cnn69": ((15, 70, 17), (0.98, 0.9), (0.94, 0.94), 0.97),
    "plaintext_blind_cnn70": ((15, 75, 20), (0.98, 0.99), (0.99, 0.99), 0.97),
    "plaintext_blind14w": ((20, 38, 13), (0.99, 0.92), (0.92, 0.99), 0.99),
    "plaintext_blind14x": ((20, 36, 15), (0.99, 0.97), (0.99, 0.93), 0.96),
    "plaintext_blind_cnn71": ((15, 70, 18), (0.99, 0.9), (0.85, 0.99), 0.97),
    "plaintext_blind_cnn72": ((15, 74, 22), (0.98, 0.87), (0.91, 0.95), 0.97),
    "plaintext_blind14y": ((20, 41, 19), (0.97, 0.97), (0.86, 0.99), 0.93),
}


@pytest.mark.parametrize("name", FLOORS)
def test_each_set_holds_its_measured_quality(name: str) -> None:
    counts, captions, headings, credits = FLOORS[name]
    styles = sorted(folder for folder in (CASES / name).iterdir() if folder.is_dir())
    scores = score(CASES / name, *styles)  # tallied over the set and its styles' folders
    hold_floors(scores, counts=counts, captions=captions, headings=headings, credits=credits)

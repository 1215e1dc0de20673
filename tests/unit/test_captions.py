"""The plain-text caption model: its seam to the language tools, its readings, its verdicts.

The sentences below were written for these tests; none is taken from a real article, and none
is in the model's training material (``benchmarks/caption_sentences.json`` and the labelled
sets). How well the model does on whole articles is measured in ``test_plaintext*.py``.
"""

from __future__ import annotations

import ast
import gc
import json
import subprocess
import sys
import warnings
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest

from archiver.extract.captions import (
    BARE_ARTICLE_CUES,
    FEATURES,
    MODEL_LANGUAGES,
    WORD_CUE,
    Surroundings,
    byline_at,
    caption_evidence,
    caption_features,
    dated_photo_named,
    figure_marker,
    media_marker,
    named_thing,
    person_named,
    read_paragraph,
    speaks_of_its_picture,
    split_sentences,
    unstopped_caption,
    unstopped_sentence,
)
from archiver.extract.tagging import _tagger, lemma, tag, tokenize

ROOT = Path(__file__).resolve().parents[2]


# --- The seam: tagging.py is the only importer of the language tools ---------------------------


def test_only_the_tagging_module_imports_the_language_tools() -> None:
    importers = []
    for path in sorted((ROOT / "archiver").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in {"textblob", "lemminflect", "nltk"} for n in names):
                importers.append(path.relative_to(ROOT).as_posix())
    assert sorted(set(importers)) == ["archiver/extract/tagging.py"]


def test_tokens_keep_abbreviations_and_split_possessives() -> None:
    assert tokenize("The U.S. envoy visits Kyiv's old town, doesn't he?") == [
        "The", "U.S.", "envoy", "visits", "Kyiv", "'s", "old", "town", ",", "does", "n't",
        "he", "?",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        # a verb after a plural noun, which the tagger's lexicon reads as a noun
        ("Firefighters hose down a burning barn near Leeds.", "hose", "VBP"),
        ("Dock workers load crates onto a ship in Gdansk.", "load", "VBP"),
        # the subject's head stands further back
        ("A medic from the rescue teams bandages a boy's arm.", "bandages", "VBZ"),
        # a bare verb after a noun is present, not an infinitive
        ("Pilgrims walk to the shrine at dawn.", "walk", "VBP"),
        # a participle after a noun opens a reduced relative, not a past tense
        ("Crates unloaded from the ship in Gdansk.", "unloaded", "VBN"),
        # a real past tense stays one
        ("Dock workers loaded the crates on Monday.", "loaded", "VBD"),
        # ... and is one before its object when a later clause has a finite verb of its own
        (
            "Police estimated the crowd at 50,000; organisers put it at twice that.",
            "estimated",
            "VBD",
        ),
        # ... or before a quoted object
        ('China expressed "regret" over the strikes on Wednesday.', "expressed", "VBD"),
        # ... or when the finite verb after it opens a clause of its own
        ("Protesters marched from the market as police watched.", "marched", "VBD"),
        # a past form with the subject's own verb after it opens a reduced relative
        ("Glass beads recovered from the wreck are laid out in a laboratory.", "recovered", "VBN"),
        # a past form with "by" and who did it after it is a participle ...
        ("Logbooks kept by researchers since 1950 sit on a shelf.", "kept", "VBN"),
        ("The note sent up by the miners on Sunday.", "sent", "VBN"),
        ("Cars pushed into a side street by the surge", "pushed", "VBN"),
        # ... but not before a measure, a time or a means
        ("Shares dropped by 10% on Monday.", "dropped", "VBD"),
        ("The ship arrived in port by the evening.", "arrived", "VBD"),
        ("Residents fled by boat.", "fled", "VBD"),
        ("Protesters marched through the city by the thousands.", "marched", "VBD"),
        # a past form after the sentence's first comma, with no verb before and no object
        # after, is a participle
        ("The finale of the show, staged in a former gymnasium.", "staged", "VBN"),
        ("A portrait of the ferry captain, nearly finished.", "finished", "VBN"),
        # ... but not after an aside's closing comma, nor after a verb
        ("Her husband, Tom, returned from work.", "returned", "VBD"),
        ("The team scored twice, moved up to third.", "moved", "VBD"),
        # a past form after a subject pronoun, maybe and an adverb, is the past tense
        ("She rarely photographed crowds.", "photographed", "VBD"),
        # a bare verb after a noun and an adverb is present
        ("Large factories now produce most of the sauce.", "produce", "VBP"),
        # a past form after "have" or "be" is a participle, so the verb after the aside is
        # the subject's
        ("Ed Lusk, who has worked here since 1979, rakes the field.", "worked", "VBN"),
        ("Ed Lusk, who has worked here since 1979, rakes the field.", "rakes", "VBZ"),
        # a plural noun capitalised because it opens the sentence is no name ...
        ("Flamingos feed in a lagoon on the plateau.", "Flamingos", "NNS"),
        # ... but a name followed by a comma stays one
        ("Banks, 45, said the deal was done.", "Banks", "NNP"),
        # a past form after an article or a possessive modifies the noun after it
        ("A repaired fishing net hangs from the rail.", "repaired", "VBN"),
        ("Her painted shutters face the square.", "painted", "VBN"),
        # a noun run before a relative clause after a comma is a noun phrase, no verb
        ("The village market stalls, where traders sold fish until 1990.", "stalls", "NNS"),
        # ... while a past form without an article before it stays what the tagger said
        ("Nobody expected the vote to pass.", "expected", "VBD"),
        # a bare form after a possessive that ends its noun phrase is a noun ...
        ("Fans celebrate his win in the square.", "win", "NN"),
        # ... and a participle before its object, after a name's asides, the past tense
        ("Dean Hollis, 52, from Stockport, discovered his win on Thursday.", "discovered", "VBD"),
        ("Jane Doe, 34, pictured in 2019.", "pictured", "VBN"),
        # a bare verb after the subject is read before the noun run after it: no second verb
        ("Volunteers unload hay bales on Thursday afternoon.", "bales", "NNS"),
        # a past form inside a participle's aside after the first comma is a participle too
        ("The trophy, made from a mining shovel found near the town.", "found", "VBN"),
        # ... but not after the aside's closing comma
        ("The trophy, made from a shovel, found a new home.", "found", "VBD"),
    ],
)
def test_tagging_reads_the_verb_after_the_subject(sentence: str, word: str, expected: str) -> None:
    tags = {t.text: t.tag for t in tag(sentence)}
    assert tags[word] == expected, tags


@pytest.mark.parametrize(
    ("sentence", "plan"),
    [
        ("The river is expected to crest on Saturday at 10 feet.", True),
        ("The capsule is scheduled to land in the desert in September.", True),
        ("The tour resumes Friday in Platte Junction.", True),
        # a time of day after "at", as a listing gives it
        ("Volunteers meet at the Pier Street lot at 8 a.m. for the beach cleanup.", True),
        ("Crowds greet the train as it arrives shortly before 8 a.m.", False),
        # a weekday after "on", in the present, is the moment a photo shows
        ("Protesters march through the capital on Friday.", False),
        ("Flights were cancelled due to fog.", False),
    ],
)
def test_a_plan_is_future_time(sentence: str, plan: bool) -> None:
    assert caption_features(read_paragraph(sentence))["future_time"] == float(plan)


def test_the_bare_models_cues_count_only_in_an_article_that_prints_its_captions_bare() -> None:
    reading = read_paragraph("Small mines employ thousands of workers in the highlands.")
    around = Surroundings(shorter_than_neighbours=True, longer_than_usual=True)
    bare = caption_features(reading, replace(around, bare_article=True))
    assert [bare[name] for name in BARE_ARTICLE_CUES] == [1.0] * len(BARE_ARTICLE_CUES)
    general = caption_features(reading, around)
    assert [general[name] for name in BARE_ARTICLE_CUES] == [0.0] * len(BARE_ARTICLE_CUES)


def test_lemmas_come_from_the_inflection_tables() -> None:
    assert lemma("fled", "VBD") == "flee"
    assert lemma("geese", "NNS") == "goose"
    assert lemma("Quickly", "RB") == "quickly"


# --- Reading a paragraph: credits, figure markers, sentences ------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "kind", "credit"),
    [
        ("Image", "figure", None),
        ("Photo", "figure", None),
        ("Image source, Reuters", "figure", "Reuters"),
        ("Image source, Getty Images", "figure", "Getty Images"),
        ("Getty Images", "credit", "Getty Images"),
        ("— Getty Images", "credit", "Getty Images"),
        ("Photograph: Jane Roe/AFP", "credit", "Jane Roe/AFP"),
        ("REUTERS/Ivo Horvat", "credit", "REUTERS/Ivo Horvat"),
        (
            "Credit...Kwame Mensah for The New York Times",
            "credit",
            "Kwame Mensah for The New York Times",
        ),
        (
            "Photograph by Ana Lopes for The Harbour Review",
            "credit",
            "Ana Lopes for The Harbour Review",
        ),
        ("Illustration by Tom Roe", "credit", "Tom Roe"),
        ("Images of the war", None, None),
        ("The battle", None, None),
        ("Best for Cold/Wet Weather", None, None),
        ("Ten Reasons for Hope", None, None),
        ("Ana Lopes", None, None),  # a name alone may be a caption
        ("A man walks past a mural in Lisbon.", None, None),
    ],
)
def test_figure_marker(paragraph: str, kind: str | None, credit: str | None) -> None:
    marker = figure_marker(paragraph)
    assert ((marker.kind, marker.credit) if marker else (None, None)) == (kind, credit)


def test_sentences_keep_abbreviations_and_initials() -> None:
    text = "Brig. Gen. Jane Doe met John F. Kennedy's heirs in the U.S. on Nov. 7. They spoke."
    assert split_sentences(text) == [
        "Brig. Gen. Jane Doe met John F. Kennedy's heirs in the U.S. on Nov. 7.",
        "They spoke.",
    ]


def test_reading_finds_the_main_verb_past_a_relative_clause() -> None:
    reading = read_paragraph("A farmer who lost his herd in the flood repairs a fence in Kent.")
    assert reading.main_verb is not None
    assert reading.tokens[reading.main_verb].text == "repairs"
    assert reading.tense == "present"


@pytest.mark.parametrize(
    ("paragraph", "verb"),
    [
        # a relative clause set off by a comma runs to the next comma
        ("Tom Reyes, whose uncle ran the mill, sweeps the loading bay.", "sweeps"),
        # ... or to the sentence's end: a name and who they are, without a verb of its own
        ("Tom Reyes, whose family has fished here since 1950.", None),
        ("The village market stalls, where traders sold fish until 1990.", None),
        # "that" after a comma opens no such clause
        ("The mayor said, that evening, that the road would reopen.", "said"),
        # nor do a participle's aside between commas and a clause of time after a comma
        ("The town pool, closed since last summer, with its gates chained.", None),
        ("The bridge, built in 1890, collapsed on Monday.", "collapsed"),
        ("The mill pictured in 1931, shortly after it opened.", None),
        ("Residents returned home, after the storm passed.", "returned"),
        # a present form after an article is a noun; a noun run after a preposition its object
        ("The charred remains of the grain bins on Thursday.", None),
        # a verb of taking a picture before its object stays a past tense
        ("Police photographed the scene on Monday.", "photographed"),
        # a relative word's clause takes the first verb after it, even without a comma ...
        ("Ana Ruiz, the museum's director, in the room where the painting once hung.", None),
        ("Residents cheer when the first boat arrives.", "cheer"),
        # ... and a past form right after "who" is that clause's past tense
        ("Vos, a lawyer who inherited the farm in 2019, started with chickens.", "started"),
        # after the comma that closes an aside comes the subject's verb
        ("Old logbooks, stacked in boxes in the shed, hold decades of readings.", "hold"),
        ("Those clouds, known as pyroclastic flows, killed dozens of people in 1902.", "killed"),
        ("Lindqvist, who led after the first run, was left to rue a mistake.", "was"),
        # a clause of time after a time noun, or opened by "after" anywhere, holds none
        ("Gov. Ray Hollis in 2001, the year he was convicted", None),
        ("The carousel in 1994, two years after the mall opened.", None),
        ("The courtyard of the hospital after it was struck by shelling on June 18.", None),
        ("Crews cleared the road before the storm arrived.", "cleared"),
        ("The ferry in 1998, the summer it sank.", None),
        # a participle opening a sentence before its noun describes it
        ("Toasted grasshoppers, known as chapulines, for sale in the market", None),
        ("Challenged ballots are sealed in envelopes.", "are"),
        ("Did the mayor sign the order?", "Did"),  # an auxiliary, not a participle
    ],
)
def test_a_relative_clause_after_a_comma_holds_no_main_verb(
    paragraph: str, verb: str | None
) -> None:
    reading = read_paragraph(paragraph)
    found = None if reading.main_verb is None else reading.tokens[reading.main_verb].text
    assert found == verb
    assert (reading.tense == "none") == (verb is None)


@pytest.mark.parametrize(
    ("paragraph", "tense"),
    [
        ("Stranded passengers are moved to a hotel near the airport.", "present"),
        ("Stranded passengers were moved to a hotel near the airport.", "past"),
        ("Stranded passengers have spent the night in the terminal.", "perfect"),
        ("Stranded passengers will be moved to a hotel.", "modal"),
        ("Stranded passengers in the terminal at Frankfurt airport.", "none"),
    ],
)
def test_reading_names_the_tense(paragraph: str, tense: str) -> None:
    assert read_paragraph(paragraph).tense == tense


def test_a_photo_lead_and_a_position_aside_are_read_as_such() -> None:
    reading = read_paragraph("In this undated photo, Ana Lopes, left, greets a neighbour.")
    assert reading.photo_lead and reading.position_aside
    assert reading.text == "In this undated photo, Ana Lopes, left, greets a neighbour."


def test_features_name_every_cue_and_the_words() -> None:
    cues = caption_features(read_paragraph("A boy feeds pigeons in a square in Krakow."))
    assert set(FEATURES) <= set(cues)
    assert cues["present"] == cues["present_scene"] == cues["place"] == 1.0
    assert cues["past"] == cues["quotation"] == 0.0
    assert cues[WORD_CUE + "pigeon"] == 1.0
    assert not any(name == WORD_CUE + "krakow" for name in cues)  # names are left out


# --- Verdicts and their explanation --------------------------------------------------------------

CAPTIONS = [
    "A boy feeds pigeons in the main square of Krakow.",
    "Dock workers load crates onto a cargo ship in the port of Gdansk.",
    "Pilgrims walk to the shrine at dawn on the first day of the festival.",
    "Rescue workers search the rubble of a collapsed house in the village of Amatrice.",
    "Supporters of the opposition wave flags outside the parliament building in Tbilisi.",
    "An elderly woman is helped onto a boat by volunteers in a flooded street in Venice.",
    "Snow-covered vineyards above Lake Geneva near the village of Lavaux.",
    "A fisherman mends his nets on the harbour wall in Essaouira, Morocco.",
]
BODY = [
    "The ministry said on Tuesday that the new rules would take effect next year.",
    '"We have never seen anything like it," said Ana Lopes, who has farmed here for 30 years.',
    "He was arrested at his home in Leeds and charged with fraud.",
    "But the plan has been criticised by opposition parties, who say it goes too far.",
    "Unemployment fell to 4.1% in March, the lowest level since 2008, official figures show.",
    "It is not clear how many people were inside the building when it collapsed.",
    "The ferry company operates 40 sailings a day between the islands in summer.",
    "Hours after the verdict, protesters gathered outside the court in central Tbilisi.",
    # body lines of broadcaster and feature writing: a quotation alone, a name and what the
    # person says or knows, a scene tied to the story by an adverb
    "\u201cWe just want our jobs back.\u201d",
    "Jake Turner, 34, says the delays have cost him two contracts.",
    "Sandra Lee has lived on the street for 40 years and has never seen anything like it.",
    "The couple then load the last of their boxes into a borrowed van.",
    "Nurses at the clinic now work twelve-hour shifts, four days a week.",
    "Okafor remembers the night the river came up.",
]


@pytest.mark.parametrize("paragraph", CAPTIONS)
def test_caption_shaped_sentences_are_captions(paragraph: str) -> None:
    evidence = caption_evidence(paragraph)
    assert evidence.is_caption, evidence.explain()


@pytest.mark.parametrize("paragraph", BODY)
def test_body_sentences_are_body(paragraph: str) -> None:
    evidence = caption_evidence(paragraph)
    assert not evidence.is_caption, evidence.explain()


def test_the_evidence_explains_the_verdict() -> None:
    evidence = caption_evidence("Dock workers load crates onto a cargo ship in the port of Gdansk.")
    assert evidence.is_caption and evidence.decided is None
    names = [name for name, _ in evidence.contributions]
    assert "present_scene" in names
    weights = [abs(weight) for _, weight in evidence.contributions]
    assert weights == sorted(weights, reverse=True)  # the largest weight comes first
    needs = evidence.threshold
    assert needs is not None and evidence.probability >= needs
    assert evidence.explain().startswith(
        f"caption (p={evidence.probability:.2f}, needs {needs}): {names[0]} "
    )


def test_a_wary_article_raises_the_threshold() -> None:
    scene = "Fishermen mend their nets on the quay at dawn."
    alone = caption_evidence(scene)
    credited = caption_evidence(scene, Surroundings(wary=True))
    assert alone.probability == credited.probability
    assert alone.threshold is not None and credited.threshold is not None
    assert alone.threshold <= alone.probability < credited.threshold
    assert alone.is_caption and not credited.is_caption
    assert credited.held_back and not alone.held_back  # like a caption: no heading either
    assert credited.explain().startswith(f"body (p={credited.probability:.2f}, needs ")


@pytest.mark.parametrize(
    ("line", "named"),
    [
        # a name with an age, or a name and where the person stands or what they do
        ("Marta Quell, 58, owner of the corner bakery", True),
        ("Dale Reyes, who farms 900 acres outside Harlow", True),
        ("Marta Quell outside her bakery on Dock Street", True),
        ("Marta Quell holding the first loaf of the day", True),
        ("Dr. Marta Quell, owner of the corner bakery", True),
        # a name with whose or where they are, or a name doing something, a role before it
        ("Marta Quell of the Harlow Bakers Guild", True),
        ("Marta Quell, Harlow Bakery's head baker", True),
        ("Coach Dale Reyes lifts the Thorsen Cup", True),
        ("Transport minister Marta Quell speaks to residents in Harlow", True),
        ("Indian PM postpones trip to Norway", False),  # an office, not a name
        ("Marta Quell says the bakery will stay open", False),  # a report: a headline
        ("Business groups push back", False),
        ("By Marta Quell, staff writer", False),  # a byline
        # headings
        ("A town under water", False),
        ("Marta Quell and the long night", False),
        # a stop ends it: the model judges it
        ("Marta Quell outside her bakery on Dock Street.", False),
    ],
)
def test_a_line_without_a_stop_named_as_a_caption(line: str, named: bool) -> None:
    assert unstopped_caption(read_paragraph(line)) is named


@pytest.mark.parametrize(
    ("line", "sentence"),
    [
        # longer than a heading, one sentence written with its articles
        ("A volunteer stacks sandbags along the river wall, where the water rose overnight", True),
        # a headline drops its articles or reports
        ("Regional council postpones vote on flood defences until next spring", False),
        ("Mayor says the flood defences will be finished before the winter storms", False),
        # a verbless line that places what it shows, longer than a heading that places
        ("Fresh loaves on a bakery shelf in Porthaven", True),
        ("Marta Quell, owner of the corner bakery on Dock Street in Porthaven", True),
        ("The empty shelves at the Porthaven Public Library", True),
        ("The same stretch of the harbour wall in 1962", True),
        ("Stuck in Moria", False),
        ("The porch on Sardis Church Road", False),
        ("Volunteers load sandbags in Harlow", False),  # a verb: no heading is that short
        # ... or one in the present that places what it shows
        ("Couriers block traffic on Avenida Reforma in Mexico City", True),
        ("Couriers were blocking traffic on Avenida Reforma in Mexico City", False),
        # short enough for a heading, or stopped
        ("A town under water", False),
        (
            "A volunteer stacks sandbags along the river wall, where the water rose overnight.",
            False,
        ),
    ],
)
def test_a_sentence_without_its_stop_too_long_for_a_heading(line: str, sentence: bool) -> None:
    assert unstopped_sentence(read_paragraph(line)) is sentence


def test_in_an_article_of_bare_captions_a_missing_stop_decides_nothing() -> None:
    bare = Surroundings(bare_article=True)
    named = caption_evidence("Marta Quell, 58, owner of the corner bakery", bare)
    assert named.is_caption and named.decided and "final stop" in named.decided
    scene = "A volunteer stacks sandbags along the river wall, where the water rose overnight"
    unstopped, stopped = caption_evidence(scene, bare), caption_evidence(scene + ".", bare)
    assert unstopped.probability == stopped.probability and unstopped.text == scene
    story = "Two thirds of the town's homes were flooded, and many families have not returned"
    assert not caption_evidence(story, bare).is_caption
    # any other article leaves the missing stop to the model
    assert caption_evidence(scene).probability != caption_evidence(scene + ".").probability
    assert not caption_evidence("Marta Quell, 58, owner of the corner bakery").decided


def test_an_article_of_bare_captions_asks_the_model_of_such_articles() -> None:
    # "The ..." opens many body sentences among all publishers, and the general model weighs
    # it against a caption; in articles that print their captions bare it is a common opening
    scene = "The old lifeboat station stands empty at the end of the harbour."
    general = caption_evidence(scene)
    bare = caption_evidence(scene, Surroundings(bare_article=True))
    assert not general.is_caption and general.model == "general"
    assert bare.is_caption and bare.model == "bare" and bare.probability > general.probability
    assert bare.explain().startswith(f"caption (bare-article model: p={bare.probability:.2f}, ")
    assert general.explain().startswith(f"body (p={general.probability:.2f}, ")


@pytest.mark.parametrize(
    ("paragraph", "speaks"),
    [
        ("Survivors queue for food aid in Qalvar in this photo from 1997.", True),
        ("The comet glows above the Earth in this image taken on November 18.", True),
        ("Sleep pressure builds during the day, as shown in this illustration.", True),
        ("Cabins have new bedding. Pictured: a two-berth compartment.", True),
        ("Crowds gather in these undated handout pictures.", True),
        ("In this courtroom sketch, the defendant listens as his lawyer speaks.", True),
        ("A new terminal is planned, as seen in this architect's rendering.", True),
        ("He was pictured with the foreign secretary at Sunday's derby.", False),
        ("Tiana (pictured) wore a white trouser suit as she waved to fans.", False),
        ("The clip, as seen in this video, spread quickly online.", False),
        ("She said the photo had been taken in this town in 1997.", False),
        # when or where it was photographed, with no verb of its own
        ("The Porthaven lifeboat station pictured in 1962, before the storm.", True),
        ("Marta Quell, photographed at her bakery on Dock Street in 1988.", True),
        ("She rarely photographed strangers.", False),
        ("Quell, pictured outside court, was fined on Monday.", False),
    ],
)
def test_a_paragraph_that_speaks_of_its_picture_is_a_caption(paragraph: str, speaks: bool) -> None:
    assert speaks_of_its_picture(read_paragraph(paragraph)) is speaks
    evidence = caption_evidence(paragraph)
    if speaks:
        assert evidence.is_caption and evidence.decided and "its picture" in evidence.decided
        assert not evidence.marked  # printed bare: it does not make the article a credited one
    else:
        assert not (evidence.decided and "its picture" in evidence.decided)


def test_a_credit_of_its_own_makes_a_caption_before_the_model_is_asked() -> None:
    evidence = caption_evidence(
        "The minister said on Tuesday that the rules would change. (AP Photo/Jane Roe)"
    )
    assert evidence.is_caption and evidence.probability == 1.0
    assert evidence.credit == "AP Photo/Jane Roe"
    assert evidence.text == "The minister said on Tuesday that the rules would change."
    assert evidence.explain() == "caption: it carries a photo credit (AP Photo/Jane Roe)"
    cited = caption_evidence("Shares in the carmaker fell 3% in early trading (Reuters).")
    assert not cited.is_caption and cited.credit is None  # a source cited, not a credit


def test_a_figure_marker_before_or_a_credit_line_after_weighs_for_a_caption() -> None:
    paragraph = "Voters queued for hours outside a school in Accra on Saturday"
    alone = caption_evidence(paragraph)
    after_marker = caption_evidence(paragraph, Surroundings(after_figure_marker=True))
    before_credit = caption_evidence(paragraph, Surroundings(before_credit_line=True))
    assert after_marker.probability > alone.probability
    assert before_credit.probability > alone.probability
    assert dict(after_marker.contributions)["after_figure_marker"] > 0
    assert dict(before_credit.contributions)["before_credit_line"] > 0
    assert "after_figure_marker" not in dict(alone.contributions)


@pytest.mark.parametrize("paragraph", ["Two men.", " ".join(["word"] * 90) + "."])
def test_too_short_or_too_long_is_refused_before_the_model(paragraph: str) -> None:
    evidence = caption_evidence(paragraph)
    assert not evidence.is_caption and evidence.probability == 0.0
    assert evidence.decided is not None and "words is outside" in evidence.explain()


@pytest.mark.parametrize(
    ("line", "is_marker"),
    [
        ("Play Video. Duration: 1 minute 24 seconds", True),
        ("Watch video 02:14", True),
        ("Audio · 6:32", True),
        ("Duration 2:14", True),
        ("Media caption, The minister speaks to reporters", True),
        ("Listen duration 3:48", True),
        ("4-Minute Listen", True),
        ("Listen to the river at night", False),
        ("Watch: Drone footage captures the eruption", False),  # a link line, judged as such
        ("Video footage shows the eruption.", False),
        ("Audio recordings were released on Monday.", False),
    ],
)
def test_media_marker(line: str, is_marker: bool) -> None:
    assert media_marker(line) is is_marker


def test_what_follows_a_clip_marker_and_a_copyright_notice_are_body_by_rule() -> None:
    scene = "Aerial footage shows the extent of flooding across the valley."
    assert caption_evidence(scene).is_caption  # alone, it reads as a caption
    clip = caption_evidence(scene, Surroundings(after_media_marker=True))
    assert not clip.is_caption and clip.explain() == (
        "body: it belongs to a video or audio clip, not a photo"
    )
    notice = caption_evidence("Copyright ©2024 Harbour Gazette Co. All Rights Reserved.")
    assert not notice.is_caption and notice.decided == "it is a copyright notice"


def test_a_caption_label_is_no_part_of_the_caption() -> None:
    evidence = caption_evidence("Photo: Volunteers fill sandbags by the river.(NBS News: Ann Lee)")
    assert evidence.is_caption and evidence.text == "Volunteers fill sandbags by the river."
    assert evidence.credit == "NBS News: Ann Lee"
    assert read_paragraph("Photo: Ann Lee").credit == "Ann Lee"  # a credit line, no label
    # the lead photo's caption, printed at the story's end
    top = read_paragraph("Top image: A Varga evening coat on display in the central gallery.")
    assert top.text == "A Varga evening coat on display in the central gallery."
    scene = "Nell Moss with the van where she heard she had won"
    pictured = caption_evidence(f"Pictured: {scene}")
    assert pictured.is_caption and pictured.text == scene


@pytest.mark.parametrize(
    "paragraph",
    [
        "Image caption, Maya Osei says the walk to the station now takes an hour",
        "The old pier before the storm of 1987, seen from the lighthouse. hide caption",
        "PICTURED: The leaflet that first caught the couple's eye, promising cheap repairs",
        # an older gallery's button and counter, glued to the caption
        "The salt pans of Orvena, worked as they were in the 1400s.Hide Caption 1 of 8",
    ],
)
def test_a_paragraph_the_page_labels_a_caption_is_one_by_rule(paragraph: str) -> None:
    evidence = caption_evidence(paragraph)
    assert evidence.is_caption and evidence.explain() == "caption: the page labels it a caption"
    assert not evidence.text.lower().startswith(("image caption", "hide"))
    assert not evidence.text.endswith(("caption", "of 8"))
    clip = caption_evidence("Media caption, Maya Osei says the walk now takes an hour")
    assert not clip.is_caption  # a clip's caption stays body text


@pytest.mark.parametrize(
    "paragraph",
    [
        "Nurse Ada Obi has two sons at Hillcrest Primary.",
        "Coach Liam Brandt lives in Dunmore and works at the leisure centre.",
        "A hiker has slipped on a scree slope below the summit.",
    ],
)
def test_a_state_or_what_has_happened_alone_is_body(paragraph: str) -> None:
    evidence = caption_evidence(paragraph)
    assert not evidence.is_caption and evidence.decided is not None
    assert "not a moment" in evidence.explain()
    # beside a figure marker the model still judges it: a caption may tell a state
    marked = caption_evidence(paragraph, Surroundings(after_figure_marker=True))
    assert marked.decided is None and marked.contributions
    credited = caption_evidence(paragraph.rstrip(".") + ". (AP Photo/Jo Bell)")
    assert credited.is_caption


def test_a_moment_in_the_present_is_not_taken_for_a_state() -> None:
    evidence = caption_evidence("A firefighter carries a child from the flooded house.")
    assert evidence.decided is None and evidence.is_caption


# --- The shipped model ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "for_a_caption"),
    [
        ("caption_model.json", "before_credit_line"),
        # articles that print their captions bare have no credit lines to learn from
        ("caption_model_bare.json", "present_scene"),
    ],
)
def test_the_model_is_small_complete_and_set_for_precision(name: str, for_a_caption: str) -> None:
    text = resources.files("archiver.extract").joinpath(name).read_text("utf-8")
    model = json.loads(text)
    assert len(text.encode()) < 100_000
    # the general model was fitted before the bare model's own cues: it weighs none of them
    untrained = set(BARE_ARTICLE_CUES) if name == "caption_model.json" else set()
    assert set(FEATURES) - untrained <= set(model["weights"])
    assert not untrained & {cue for cue, weight in model["weights"].items() if weight}
    assert all(cue in FEATURES or cue.startswith(WORD_CUE) for cue in model["weights"])
    assert 0.5 <= model["threshold"] < 1.0
    assert model["target_precision"] >= 0.95
    assert model["weights"][for_a_caption] > 0 and model["weights"]["quotation"] < 0
    assert {"en"} == MODEL_LANGUAGES


def test_the_tagger_loads_without_nltk_and_tags_as_textblob_does() -> None:
    code = (
        "import sys\n"
        "from archiver.extract.tagging import tag\n"
        "tag('Soldiers move in formation.')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'nltk', 'textblob'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    with warnings.catch_warnings():  # TextBlob leaves its table files open
        warnings.simplefilter("ignore", ResourceWarning)
        from textblob.en import parser  # the package's own tagger, for comparison

        for sentence in (
            "Quickly, the U.S. envoy's aides bandaged 3 wounded villagers near Kyiv.",
            "Xyloquent Brambleworths zorbify 42 glimmerous teapots in Ulaanbaatar.",
        ):
            words = tokenize(sentence)
            assert _tagger()(words) == parser.find_tags(words)
        gc.collect()


@pytest.mark.parametrize(
    ("sentence", "tense"),
    [
        # the verb of a clause telling of the noun before it, without a relative word, is not
        # the sentence's
        ("Jane Roe with the telescope he used to find the comet", "none"),
        # ... unless the sentence opens with no subject, or no subject comes before the noun
        ("During the war he fled to France.", "past"),
        ("In the end he decided to stay.", "past"),
        ("The next morning he left the island.", "past"),
    ],
)
def test_a_clause_without_a_relative_word_has_no_main_verb(sentence: str, tense: str) -> None:
    assert read_paragraph(sentence).tense == tense


@pytest.mark.parametrize(
    ("paragraph", "named"),
    [
        ("Mill workers in 1951. At its peak, the mill employed 900.", "Mill workers in 1951."),
        ('"Ember" collection, 1971. It was her best-selling line.', '"Ember" collection, 1971.'),
        # a verb, no year, a preposition first, or three sentences: not a photograph's name
        ("Workers built the mill in 1951. It closed in 1990.", None),
        ("The old mill today. Part of it is now apartments.", None),
        ("Not since 2008. The team has struggled since.", None),
        ("Mill workers in 1951. The plant closed. It is now a museum.", None),
    ],
)
def test_a_dated_photo_named_without_a_verb(paragraph: str, named: str | None) -> None:
    assert dated_photo_named(read_paragraph(paragraph)) == named


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("Brenda Okafor", True),
        ("Head librarian Colin Tewksbury", True),
        ("State Sen. Rachel Dumont", True),
        ("Dr. Valentina Orrego aboard the Almirante Soto", True),
        # after a role, a first name that is also a word, when the surname is none
        ("Superintendent Glen Oyelaran", True),
        ("Glen Oyelaran", False),
        ("Polar Specimen Curation Laboratory", False),
        # a byline, a place's name, a heading, a sentence
        ("By Claire Desmarais", False),
        ("Text by Oren Silva", False),
        ("Kessel Hut", False),
        ("Best Ultralight Sleeping Bag", False),
        ("Brenda Okafor returns", False),
        ("Brenda Okafor.", False),
    ],
)
def test_a_line_that_names_a_person(line: str, named: bool) -> None:
    assert person_named(read_paragraph(line)) is named


@pytest.mark.parametrize(
    ("paragraph", "named"),
    [
        ("Grilled squid skewers.", True),
        ("The dining car.", True),
        ("Luis Ocampo, shortstop.", True),
        ("Namche Bazaar at dusk.", True),
        # a story's fragments, match facts, contacts, a line without a stop, a sentence
        ("Not anymore.", False),
        ("Nobody signs anything.", False),
        ("Attendance: 2,412.", False),
        ("Reach Jane Doe at jdoe@example.com.", False),
        ("The dining car", False),
        ("The dining car is full.", False),
        ("Grilled squid skewers on a charcoal grill at the night market.", False),
    ],
)
def test_a_short_stopped_phrase_that_names_a_thing(paragraph: str, named: bool) -> None:
    assert named_thing(read_paragraph(paragraph)) is named


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("Richard Haddon at the County Ground", True),
        ("Anneke Visser in Rotterdam", True),
        ("Richard Haddon at the County Ground.", False),  # a stop: a sentence
        ("Richard Haddon, 54, at the County Ground", False),
        ("The crowd at the County Ground", False),
    ],
)
def test_a_name_at_a_place_reads_as_a_byline(line: str, byline: bool) -> None:
    assert byline_at(read_paragraph(line)) is byline


@pytest.mark.parametrize("line", ["Priya Anjali Lambourne", "Priya Lambourne at Westleigh Road"])
def test_a_writers_name_before_the_story_is_a_byline_and_after_it_a_caption(line: str) -> None:
    before = caption_evidence(line, Surroundings(bare_article=True, before_story=True))
    assert not before.is_caption and "byline" in before.explain()
    assert caption_evidence(line, Surroundings(bare_article=True)).is_caption

"""Caption rules: which paragraphs read as photo captions, and why.

The sentences below were written for these tests in the styles of several outlets; none is
taken from a real article. Body sentences that look like captions are the point.
"""

from __future__ import annotations

import pytest

from archiver.extract.captions import (
    CAPTION_THRESHOLD,
    CaptionEvidence,
    VerbForm,
    analyse_clause,
    caption_evidence,
    is_caption,
    split_credit,
    split_sentences,
    strip_photo_lead,
    surnames,
)

CAPTIONS = [
    # gallery style: simple present, concrete subject, a place
    "Syrian government troops walk through the rubble in the old city of Aleppo.",
    "Smoke rises after an airstrike on a rebel-held district of Aleppo.",
    "A boy cries as he waits for treatment at a field hospital in Idlib province.",
    "Rescue workers carry an injured woman from the debris.",
    "Hillary Clinton and her husband, former President Bill Clinton, wave to supporters.",
    "Members of the civil defense, also known as the White Helmets, carry a victim outside.",
    "Migrants wait to board a train at the border crossing near Gevgelija.",
    "Riot police fire tear gas at protesters in Ferguson, Missouri.",
    "A 7-year-old boy sleeps on a cot in a shelter in Port-au-Prince.",
    "Firefighters try to extinguish a fire at a tower block in west London.",
    "A volunteer hands out water bottles to refugees at the border.",
    "Pro-democracy protesters occupy a main road in Hong Kong's Admiralty district.",
    "Lionel Messi dribbles past two defenders during the match against Real Madrid.",
    "A vendor sells vegetables at a market in Caracas, Venezuela.",
    # relative clauses may hold past verbs
    "Children who lost their parents in the earthquake sit in a classroom in Kathmandu.",
    "A woman who was injured in the attack waits for treatment at a hospital in Nice.",
    "Rescue workers search the site where the building collapsed in Mexico City.",
    # present passive and progressive
    "Flowers and candles are left at a makeshift memorial outside the concert hall.",
    "An elderly woman is helped across a flooded street in Houston.",
    "A plume of smoke is seen over the city.",
    "The body of a victim is covered with a sheet.",
    # trailing dates, proper-name subjects
    "Clinton speaks at a rally in Philadelphia on Monday.",
    "Trump supporters cheer during a rally in Hershey, Pennsylvania, on November 4.",
    "Members of the National Guard patrol a street in Baltimore in 2015.",
    "Serena Williams serves during her match at Wimbledon on Monday, July 4.",
    "German Chancellor Angela Merkel, left, talks with the French President in Brussels.",
    # agency conventions: a photo lead, credits
    "Democratic presidential candidate Hillary Clinton speaks during a campaign rally in "
    "Philadelphia, Monday, Nov. 7, 2016. (AP Photo/Jane Doe)",
    "In this Nov. 7, 2016, file photo, a Republican candidate speaks at a rally in Grand "
    "Rapids, Mich. (AP Photo/John Roe, File)",
    "A displaced girl walks at a camp in Hasansham, east of Mosul, Iraq November 9, 2016. "
    "REUTERS/Stringer",
    "A Palestinian protester throws stones near Ramallah. Photo: Reuters",
    "This image released by the Navy shows the damaged destroyer at sea.",
    # verbless noun phrases
    "The aftermath of the blast in Brussels.",
    "A general view of the stadium in Doha.",
    "Storm clouds over the skyline of Miami.",
    "Iraqi soldiers on the outskirts of Mosul. Photograph: Jane Doe/AFP/Getty Images",
    "Tents in an open field in Kathmandu, where thousands spent the night.",
    # verbless scenes through a participle: a noun phrase, then "-ing" or "-ed" and a place
    "Wildflowers blooming along a hillside trail in Marin County.",
    "Commuters waiting for a bus in the rain.",
    "Laundry hanging from balconies in Naples.",
    "Sandbags stacked outside a shop in the flooded town center.",
    "Refugee tents covered in snow at a camp in the Bekaa Valley.",
    "Bicycles chained to a fence outside the station.",
    "Houses destroyed by the tsunami near Banda Aceh.",
    "Flowers left at a makeshift memorial in Nice.",
    "A portrait of the victim, displayed at a vigil in Orlando.",
    "Boats tied to a jetty in Bergen.",
    "Kayaks in the bay at sunrise.",
    # a participle inside the subject does not hide the verb
    "Cars damaged by the hail sit in a dealership lot.",
    "Debris cleared from the road lies in heaps beside a school.",
    "A dog rescued from the floodwaters rests on a boat.",
    # present verbs found by their place, with the lexicon as support
    "Street vendors hawk souvenirs near the Colosseum in Rome.",
    "Ambulance crews ferry patients to a hospital in Homs.",
    "Crowds throng the streets of Havana during the carnival.",
    "Vines run along the wall of a chapel in Tuscany.",
    "Workers cut the grass at a cemetery in Arlington.",
    "Firefighters hose down a burning car on a motorway near Lyon.",
    "Band members lead a parade through the streets of New Orleans.",
    # subjects: a name in apposition, "The" and a plural name
    "The mayor's daughter, Anna Cole, is hugged by a firefighter outside City Hall.",
    "The Wombats play a set at a festival in Glastonbury.",
    # words written on a sign or a shirt are not a quotation
    'A protester carries a banner reading "Not in our name" outside the embassy.',
    'A fan wears a T-shirt that says "Bring them home" at the stadium.',
    'Students hold placards with the words "Climate justice now" at a rally in Berlin.',
    'A sign reading "Closed" hangs on the door of a shop in Athens.',
    # weighed cues that do not outweigh a scene
    "Residents inspect the damage after a tornado tore through Moore, Oklahoma.",
    "Children are playing in a park in Kabul.",
    "Rescuers pull a survivor from the rubble.",
    # things in the present passive, moved or put somewhere
    "Crates of medicine are loaded onto a cargo plane.",
    "The wreckage is hoisted onto a barge in the harbor.",
    "Sandbags are piled against the door of a bakery.",
    # verbs no lexicon lists, known by their place and form
    "A fisherman untangles his nets on the quay.",
    "A nurse bandages the arm of an injured boy.",
    "Two girls try on dresses at a market stall.",
    "A woman hand-washes clothes in a river outside the village.",
    "Rainwater pools in the ruins of a mosque.",
    "UN peacekeepers patrol a road near Goma.",
    "Two neighbors salvage what they can from a flooded basement.",
    "Conservationists plant saplings on a hillside near Nairobi.",
    "An inspector weighs a sack of coffee beans.",
    "Fog blankets a bridge at dawn.",
    # verbless scenes through a participle, whatever the subject
    "The cathedral decorated with lanterns for the festival.",
    "A coffin draped with a national flag.",
    "Shoes left behind after the concert in the park.",
    "Cars swept away by the flood in Genoa.",
    "Suitcases recovered from the sea stacked on a dock in Lampedusa.",
    "The altar of the cathedral, lit for the midnight service.",
    "Storm-damaged roof tiles at a depot in Leeds.",
    "The burned-out shell of a bus near the border, in June 2016.",
    # a subject glossed by a name; the action in the infinitive after "try"
    "The winner, Jane Doe, raises her trophy.",
    "Volunteers try to rescue a dog from a canal.",
    # a group photo names its people in order
    "From left, Anna Berg, Jon Holm and Eva Lind pose on the red carpet.",
    "(L-R) Jane Roe, Tom Doe and Ann Lee arrive at the premiere.",
    # a full caption may take one short sentence of context
    "A rescuer carries a child through floodwater in Houston on Tuesday, August 29. "
    "Officials warned that the water could keep rising.",
    # ... and so may any caption, with context in any tense, a pronoun or a modal in it
    "A man walks past the ruins in Homs on Friday, June 3. He lost his home in the war.",
    "A shepherd leads his flock across a dry riverbed. The river has not flowed since March.",
    "Two boys paddle a canoe down a flooded road in Dhaka. It had rained for nine days.",
    "A ranger bottle-feeds an orphaned rhino at a sanctuary. Rhinos can live for 40 years.",
]

BODY = [
    # the look-alikes named in the brief
    "The city remains under curfew.",
    "Officials say the death toll is expected to rise.",
    "Thousands of people have fled the fighting since January.",
    "Clinton leads Trump by four points in the latest poll.",
    # stative and copular verbs
    "The agency is headquartered in Geneva.",
    "Syria's civil war is now in its sixth year.",
    "The group controls large parts of eastern Syria.",
    "The investigation continues.",
    "Many residents rely on food aid.",
    "Schools and businesses remain closed.",
    "The vote is seen as a test of the government's popularity.",
    "The Kurdish fighters, known as the YPG, are backed by Washington.",
    # reporting and attribution
    "Russia denies the allegations.",
    "Police believe the gunman acted alone.",
    "The UN estimates that 400,000 people have died in the conflict.",
    "The attacker acted alone, according to investigators.",
    "Residents are urged to stay indoors.",
    "Aid agencies warn of a looming famine.",
    "Puerto Rico's governor asks Congress for emergency funding.",
    # past, perfect, modal, future
    "Protesters gathered outside the embassy on Monday.",
    "Iraqi troops retook the airport in February.",
    "Peace talks in Geneva collapsed on Monday.",
    "Hungary has built a razor-wire fence along its border with Serbia.",
    "Experts warn the virus could spread.",
    "Obama travels to Cuba next week.",
    "The president is expected to sign the bill on Friday.",
    "The Prime Minister chairs an emergency meeting of the security committee this evening.",
    # pronoun subjects, fronted markers and clauses
    "It is not clear how many people were inside the building.",
    "There is no sign of the missing plane.",
    "They have made perilous journeys to get out of the city.",
    "And in recent days, the militias have recaptured a key airbase.",
    "Meanwhile, key members of the group will likely flee.",
    "In outlying villages, residents celebrate their liberation.",
    "When the army took control, about half of the residents fled.",
    "Many of those arriving are fleeing the war in Syria.",
    # statistics, hedges, deictic and habitual time, negation, outcomes
    "The death toll stands at 34.",
    "Unemployment stands at 4.9%.",
    "Iraqi forces now control about a third of the city.",
    "Security forces fire tear gas at protesters in the capital every night.",
    "The White House did not respond to a request for comment.",
    "A suicide bomber kills dozens at a wedding in Gaziantep.",
    "The death toll from the blaze rises to 71.",
    # unknown verbs that a noun-phrase reading would miss
    "Stocks fall sharply in Tokyo.",
    "Negotiators resume talks in Geneva on Monday.",
    "Demonstrators demand the resignation of the prime minister.",
    "Voters in Britain decide whether to leave the European Union.",
    # no scene: nobody and nowhere in particular
    "The festival runs until Sunday.",
    "Tensions rise along the border.",
    # form: quotes, several sentences, questions, joined clauses, length, no full stop
    '"We lost everything," said a woman who fled the flood.',
    "What happens next?",
    "Save the Children estimates that 600,000 children remain trapped; many are hungry.",
    "A man walks",
    "Watch the video above.",
    # past tense that a participle reading must not take: intransitive verbs, people,
    # definite subjects, particles, objects
    "Clashes erupted in the capital overnight.",
    "Talks resumed in Geneva on Monday.",
    "Shares tumbled in Tokyo.",
    "Floodwaters receded in the town.",
    "The ferry docked at Piraeus.",
    "Thousands of migrants crossed into Hungary.",
    "Messages of support poured in from around the world.",
    "Tickets sold out within minutes.",
    "Roads flooded in several neighborhoods.",
    "A storm hit the coast on Monday, flooding roads.",
    # quotations that are speech, even short ones
    'Supporters chant "Lock her up" at a rally in Ohio.',
    'A man holds his son, saying "we have nothing left".',
    '"Closed," reads a sign on the door.',
    # scheduled events, bare weekdays, habits
    "The bridge is due to reopen in June 2019.",
    "The launch is set to take place in July.",
    "The council meets Thursday to vote on the budget.",
    "The museum reopens Saturday after a two-year renovation.",
    "Fans queue outside the stadium every Saturday.",
    "Tourists flock to the island every summer.",
    # officials at work and people in general: reported situations, not moments
    "Authorities are searching for a second suspect.",
    "Investigators are examining the wreckage for clues.",
    "Rescue teams are combing the hills for the missing climbers.",
    "Police are appealing for witnesses after a man was stabbed outside a nightclub in Leeds.",
    "Villagers carry water from streams.",
    # present passives of arrangements and status; things placed by habit or as a fact
    "The injured are being flown to hospitals in the capital.",
    "Hundreds of families are being housed in a sports hall in Leeds.",
    "Banks in the old town are closed on Monday.",
    "The island is surrounded by reefs on all sides.",
    "The calves are fed every four hours.",
    # people whose minds are reported, and a second clause with its own subject
    "Detectives are questioning a man they suspect of helping the attackers.",
    "Kenya is divided by the Rift Valley, and most farmers grow tea on its slopes.",
    "Rescuers search the rubble, and relatives wait for news.",
    # past tense of things and people: no agent, no covering, no place adverb
    "The truck slammed into a crowd on the promenade.",
    "The delegation met with the president in Kiev.",
    "Debris from the plane drifted ashore on Reunion Island.",
    "Villagers trapped in the mountains waited for rescuers in the snow.",
    "Tensions eased after talks in Geneva.",
    "Multiyear ice once covered most of the Arctic Ocean.",
    "Men arrested in the raid appeared in court in Leeds.",
    "Clashes erupted in areas controlled by rebels near Aleppo.",
    "Troops returned to bases located in the north of Mali.",
    "Children played outside in the snow in Kabul.",
    "Thousands left behind their homes in Mosul.",
    # unlisted verbs of institutions, and outcomes
    "The law bans smoking in bars and restaurants.",
    "Germany bans the burqa in public buildings.",
    "A spokesman declines to comment on the case.",
    "Demonstrators denounce the decision of the court.",
    "The judge sentences him to life in prison.",
    "The upper section of the trail reopens next summer after repairs.",
    # a second sentence that is no context: a schedule, a question, the writer's here and now
    "The minister opens the new bridge in Oslo on Monday, May 2. Traffic will flow from Tuesday.",
    "A tailor sews a flag in his shop in Accra. Who will wear it?",
    "Nurses wait at the gate of a clinic in Lviv. Many of them are here every day.",
    # the first sentence alone is no caption, so no context can follow it
    "Most tenants stay in the building through the winter. Rents went up by a third.",
]


@pytest.mark.parametrize("paragraph", CAPTIONS)
def test_captions_are_recognised(paragraph: str) -> None:
    evidence = caption_evidence(paragraph)
    assert evidence.is_caption, evidence.reasons
    assert is_caption(paragraph)


@pytest.mark.parametrize("paragraph", BODY)
def test_body_sentences_are_not_captions(paragraph: str) -> None:
    evidence = caption_evidence(paragraph)
    assert not evidence.is_caption, evidence.reasons
    assert not is_caption(paragraph)


def test_evidence_names_the_veto_that_refused_a_paragraph() -> None:
    evidence = caption_evidence("Thousands of people have fled to government-held areas.")
    assert isinstance(evidence, CaptionEvidence)
    assert not evidence.is_caption
    assert evidence.verb_form is VerbForm.PERFECT
    assert any(v.startswith("tense: perfect") for v in evidence.vetoes)
    assert evidence.vetoes[0] in evidence.reasons


def test_evidence_lists_the_cues_that_made_a_caption() -> None:
    evidence = caption_evidence("A woman cries outside her destroyed home in Bartow.")
    cues = dict(evidence.cues)
    assert evidence.is_caption and not evidence.vetoes
    assert evidence.verb_form is VerbForm.PRESENT and evidence.main_verb == "cries"
    assert {"depictive_verb", "concrete_subject", "scene_place"} <= cues.keys()
    assert evidence.score == sum(cues.values()) >= CAPTION_THRESHOLD
    assert evidence.anchored


def test_a_scoring_text_without_a_scene_is_refused_and_says_so() -> None:
    evidence = caption_evidence("The festival runs until Sunday.")
    assert not evidence.is_caption and not evidence.anchored
    assert any("no scene anchor" in reason for reason in evidence.reasons)


@pytest.mark.parametrize(
    ("paragraph", "text", "credit"),
    [
        (
            "Clinton speaks in Philadelphia. (AP Photo/Jane Doe)",
            "Clinton speaks in Philadelphia.",
            "AP Photo/Jane Doe",
        ),
        ("A man walks in Mosul. (Getty Images)", "A man walks in Mosul.", "Getty Images"),
        ("A man walks in Mosul. Photo: Reuters", "A man walks in Mosul.", "Reuters"),
        (
            "A man walks. Photograph: Jane Doe/AFP/Getty Images",
            "A man walks.",
            "Jane Doe/AFP/Getty Images",
        ),
        ("A man walks. John Roe/Getty Images", "A man walks.", "John Roe/Getty Images"),
        ("A man walks. REUTERS/Jane Doe", "A man walks.", "REUTERS/Jane Doe"),
        ("A girl smiles. Courtesy of the family", "A girl smiles.", "Courtesy of the family"),
        ("A man walks. — Getty Images", "A man walks.", "Getty Images"),
        ("A man walks. -- Photo: Jane Roe/AFP", "A man walks.", "Jane Roe/AFP"),
        ("A man walks. — He said nothing.", "A man walks. — He said nothing.", None),
        # a full stop after a credit in parentheses goes with it, or ends the caption
        ("A man walks. (AP Photo/Jane Doe).", "A man walks.", "AP Photo/Jane Doe"),
        ("A man walks in Mosul (Getty Images).", "A man walks in Mosul.", "Getty Images"),
        ("A soldier (left) salutes.", "A soldier (left) salutes.", None),
        ("A man walks in the park (pictured).", "A man walks in the park (pictured).", None),
        ("The city remains under curfew.", "The city remains under curfew.", None),
        # a bare credit after the last full stop: a few capitalised words, no verb
        (
            "Fishermen haul nets at dawn in Mombasa. AFP",
            "Fishermen haul nets at dawn in Mombasa.",
            "AFP",
        ),
        (
            "A diver swims past coral. National Park Service",
            "A diver swims past coral.",
            "National Park Service",
        ),
        ("A kite flies over the dunes. Jane Roe", "A kite flies over the dunes.", "Jane Roe"),
        # a sentence without a stop, or a lower-case word, is no credit
        (
            "The rain stopped. Then the Crowd Went home",
            "The rain stopped. Then the Crowd Went home",
            None,
        ),
        ("A man walks. Later that day", "A man walks. Later that day", None),
    ],
)
def test_split_credit(paragraph: str, text: str, credit: str | None) -> None:
    assert split_credit(paragraph) == (text, credit)


def test_caption_evidence_carries_text_and_credit() -> None:
    evidence = caption_evidence("Rescuers search the rubble in Amatrice. (AP Photo/Jane Doe)")
    assert evidence.is_caption
    assert (evidence.text, evidence.credit) == (
        "Rescuers search the rubble in Amatrice.",
        "AP Photo/Jane Doe",
    )


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("In this file photo, a man walks.", "A man walks."),
        ("In this Monday, Nov. 7, 2016 photo, voters wait.", "Voters wait."),
        ("In this photo taken on Nov. 7, 2016, voters wait.", "Voters wait."),
        ("In this photo provided by the Navy, a ship sails.", "A ship sails."),
    ],
)
def test_strip_photo_lead(text: str, rest: str) -> None:
    assert strip_photo_lead(text) == (rest, True)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("From left, Ann Lee and Tom Roe wave.", "Ann Lee and Tom Roe wave."),
        ("Left to right: Ann Lee and Tom Roe wave.", "Ann Lee and Tom Roe wave."),
        ("(L-R) Ann Lee and Tom Roe wave.", "Ann Lee and Tom Roe wave."),
        ("Clockwise from top left, the four finalists wait.", "The four finalists wait."),
    ],
)
def test_strip_photo_lead_takes_a_group_photo_lead_in(text: str, rest: str) -> None:
    assert strip_photo_lead(text) == (rest, True)


def test_strip_photo_lead_leaves_other_openings() -> None:
    text = "In the view of many observers, the talks failed."
    assert strip_photo_lead(text) == (text, False)


def test_split_sentences_keeps_abbreviations_and_initials_together() -> None:
    text = (
        "Brig. Gen. Jane Doe spoke in Washington, D.C. on Nov. 7. John F. Kennedy Jr. was "
        "not there. Voting ends at 8 p.m. Eastern time. Really? Yes!"
    )
    assert split_sentences(text) == [
        "Brig. Gen. Jane Doe spoke in Washington, D.C. on Nov. 7.",
        "John F. Kennedy Jr. was not there.",
        "Voting ends at 8 p.m. Eastern time.",
        "Really?",
        "Yes!",
    ]


@pytest.mark.parametrize(
    ("sentence", "form", "verb"),
    [
        ("An Iraqi man who fled the fighting in Mosul uses a pair of scissors", "present", "uses"),
        (
            "Newly displaced Iraqis who fled Mosul are reunited with relatives",
            "present passive",
            "are",
        ),
        ("A boy is being treated at a clinic", "present passive", "is"),
        ("Iraqi families, fleeing the fight, board a truck", "present", "board"),
        ("A man wounded in the blast lies on a stretcher", "present", "lies"),
        ("Citizens celebrated their liberation", "past", "celebrated"),
        ("Hundreds of people living in ISIS-controlled villages were rounded up", "past", "were"),
        ("An audio message has been credited with emboldening fighters", "perfect", "has"),
        ("Slower still will be efforts to clear the traps", "modal", "will"),
        ("The aftermath of the blast in Brussels", "none", None),
        ("Boats tied to a jetty in Bergen", "none", None),
        ("Particles seen through a microscope", "none", None),
        ("Talks resumed in Geneva", "past", "resumed"),
        ("Vines run along the wall", "present", "run"),
        ("Cars damaged by the hail sit in a lot", "present", "sit"),
        ("Ambulance crews ferry patients to a hospital", "present", "ferry"),
        ("Fishing nets dry on wooden racks", "present", "dry"),
        ("A keeper spoon-feeds a lamb", "present", "spoon-feeds"),
        ("A boy tries out a scooter", "present", "tries"),
        ("Heavy snow blankets the town", "present", "blankets"),
        ("Power lines are brought down by the wind", "present passive", "are"),
        ("The charred remains of a car on a road", "none", None),
        ("Ash-covered wine barrels at a winery", "none", None),
        ("The Royal Chapel decorated with flowers", "none", None),
        ("Umbrellas left behind after police cleared a road", "none", None),
        ("Boats tossed ashore by the storm", "none", None),
        ("Life jackets recovered from the river piled on the bank", "none", None),
        ("The finale of the show, staged in a gym", "none", None),
        ("Prices shot up after the announcement", "past", "shot"),
        ("More than 1,200 people spent the night in shelters", "past", "spent"),
    ],
)
def test_analyse_clause_finds_the_main_verb(sentence: str, form: str, verb: str | None) -> None:
    clause = analyse_clause(sentence)
    assert (clause.form.value, clause.verb) == (form, verb)


@pytest.mark.parametrize("paragraph", ["", "   ", "x" * 5000, "\u2028\u2029", "((((((((("])
def test_odd_input_is_judged_without_error(paragraph: str) -> None:
    assert not caption_evidence(paragraph).is_caption


@pytest.mark.parametrize(
    ("paragraph", "cue"),
    [
        ("Boats tied to a jetty in Bergen.", "scene_phrase"),
        ("The council meets Thursday in the town hall.", "bare_weekday"),
        ("Workers clear debris after a landslide buried the road near Sochi.", "past_event_clause"),
        ("Officials are inspecting a damaged dam near Oroville.", "ongoing_situation"),
        ("Villagers carry water from streams.", "generic_statement"),
        ("Pilgrims pray at the shrine twice a day.", "habitual"),
        ("Crates are loaded onto a cargo plane.", "placed_thing"),
        ("Kenya is divided by the Rift Valley, and most farmers grow tea.", "second_clause"),
        ("A keeper cradles a lamb.", "depictive_verb"),
        ("Rescuers are probably searching the wrong valley.", "hedge"),
        ("A man does not move from the bench in the park.", "negation"),
        ("Tomas Berg sketches a heron on the riverbank.", "depictive_verb"),
        ("An old ferry rests against the pier in Oban.", "scene_verb"),
        ("Ivy covers the walls of a chapel in Cork.", "scene_verb"),
        ("Lorry drivers are escorted past the checkpoint.", "concrete_subject"),
        ("Nurses cycle four miles a day to reach the clinic.", "habitual"),
        ("Her brother lives in Oslo with his family.", "biography"),
        ("A barge moves at a speed of 9 knots past the lock.", "approximate_figure"),
        (
            "Guards are watching the gates after a crowd stormed the palace.",
            "past_event_clause",
        ),
    ],
)
def test_each_new_cue_is_named_in_the_evidence(paragraph: str, cue: str) -> None:
    assert cue in dict(caption_evidence(paragraph).cues), caption_evidence(paragraph).reasons


@pytest.mark.parametrize(
    "paragraph",
    [
        "Monday's vigil drew hundreds of mourners to the square.",
        "Clinton speaks at a rally in Philadelphia on Monday.",
        "Voters wait in line in Columbus, Ohio, Tuesday, Nov. 8, 2016.",
    ],
)
def test_a_weekday_with_on_a_date_or_a_possessive_is_not_bare(paragraph: str) -> None:
    assert "bare_weekday" not in dict(caption_evidence(paragraph).cues)


@pytest.mark.parametrize(
    "paragraph",
    [
        "The crew of the 17th century replica sails into Plymouth.",
        "A visitor tries out the Galaxy S8 at a store in Seoul.",
    ],
)
def test_ordinals_and_numbers_in_names_are_not_counts(paragraph: str) -> None:
    assert "statistics" not in dict(caption_evidence(paragraph).cues)


def test_a_modal_standing_for_a_verb_left_out_is_no_future() -> None:
    evidence = caption_evidence("Neighbors save what they can from a burning barn in Iowa.")
    assert not any(v.startswith("tense") for v in evidence.vetoes), evidence.reasons


def test_inscription_is_set_aside_but_kept_in_the_caption_text() -> None:
    paragraph = 'A girl holds a sign reading "Save our library" outside the council offices.'
    evidence = caption_evidence(paragraph)
    assert evidence.is_caption, evidence.reasons
    assert evidence.text == paragraph
    assert evidence.main_verb == "holds"


def test_a_long_quotation_on_a_sign_still_vetoes() -> None:
    paragraph = (
        'A man holds a sign reading "We were promised jobs and homes and all we got was this '
        'sign" in Leeds.'
    )
    assert any(v.startswith("quotation") for v in caption_evidence(paragraph).vetoes)


NEW_KIND_CAPTIONS = [
    # a concrete subject (a full name, a titled name, coordinated names, a possessive
    # person, "a" and a noun) and a simple present verb no lexicon lists
    "Mira Okafor signs autographs for children outside the stadium.",
    "Veteran jockey Paul Rain strokes the neck of his horse after the race.",
    "Hosts Ella Voss and Ken Ito swap jokes on stage.",
    "Brazil's midfielder stretches for the ball during the second half.",
    "A young bidder raises his paddle at an auction in Geneva.",
    "Mount Arvel belches smoke over the valley on Friday, March 8.",
    # animals and things at a spot, lying or covering a place
    "Pelicans perch on a wooden post in the lagoon.",
    "The hull of a fishing boat rests on the sand near Aveiro.",
    "Snow covers the vineyards as far as the eye can see.",
    "Scorched timbers lie across the floor of the barn.",
    # the present passive of people acted on; a full agency date with a thing
    "Detained smugglers are led past reporters at the port.",
    "The foal is shown to the public for the first time on Sunday, May 4.",
    # a quoted title inside the sentence is a name, not a quotation
    'The singer of "Blue Harbour" waves to a packed hall in Leeds.',
    'A horse from the film "Stay With Me" stands in a paddock before the premiere.',
]

NEW_KIND_BODY = [
    # habits, biography, approximate figures, a surname alone after a full name
    "Porters carry up to forty kilos a day along the trail.",
    "Okafor works as a coach in Lagos.",
    "Two barges are pushing the hulk toward the dock at about 3 knots.",
    # people in general, a lone name that may be a country, an intention
    "Most commuters cycle to work in summer.",
    "France imposes a tax on private jets.",
    "A lawyer refuses to answer questions about the case.",
    # an ongoing situation since a past event
    "Soldiers in Lima are guarding the palace after protesters stormed a ministry.",
]


@pytest.mark.parametrize("paragraph", NEW_KIND_CAPTIONS)
def test_present_scenes_with_unlisted_verbs_are_captions(paragraph: str) -> None:
    assert is_caption(paragraph), caption_evidence(paragraph).reasons


@pytest.mark.parametrize("paragraph", NEW_KIND_BODY)
def test_habits_biographies_and_situations_are_body(paragraph: str) -> None:
    assert not is_caption(paragraph), caption_evidence(paragraph).reasons


def test_a_lone_surname_of_someone_named_before_weighs_against() -> None:
    known = surnames("The coach, Mira Okafor, arrived in Lagos on Monday.")
    assert "Okafor" in known
    paragraph = "Okafor trains the squad along the beach in Lagos."
    evidence, alone = caption_evidence(paragraph, known), caption_evidence(paragraph)
    assert ("known_person", -1) in evidence.cues
    assert ("known_person", -1) not in alone.cues
    assert evidence.score == alone.score - 1  # weighed, not a veto


def test_the_noun_mine_is_no_first_person() -> None:
    assert is_caption("Miners wait outside the Esperanza mine in Oruro on Friday, May 2.")
    assert not is_caption("A cousin of mine waits outside the station in Oruro.")


# A caption may take one sentence of context about its moment; a sentence that describes in
# general (a present state, a price, a negation, a habit) makes the paragraph body prose.
CAPTION_AND_CONTEXT = [
    "Ferries wait at the quay in Split. Two sailings were cancelled.",
    "A keeper climbs the stairs of the lighthouse on Vis. It was his last shift.",
]
DESCRIPTION_AFTER_A_SCENE = [
    "Ferries wait at the quay in Split. A return ticket costs 40 kuna.",
    "A keeper climbs the stairs of the lighthouse on Vis. It has no electricity.",
    "Fishermen mend nets on the harbour wall in Essaouira. The boats cannot leave in a storm.",
]
# a state in a season, a round from place to place, a chain of relative clauses
GENERAL_DESCRIPTION = [
    "The old harbour at Kotor is packed with yachts in August.",
    "Carol singers go from door to door in a village near York.",
    "The canal carries water to the plain, which feeds the orchards, where farmers grow "
    "apricots for export.",
]


@pytest.mark.parametrize("paragraph", CAPTION_AND_CONTEXT)
def test_a_caption_with_context_about_its_moment(paragraph: str) -> None:
    assert is_caption(paragraph), caption_evidence(paragraph).reasons


@pytest.mark.parametrize("paragraph", DESCRIPTION_AFTER_A_SCENE + GENERAL_DESCRIPTION)
def test_general_description_is_body(paragraph: str) -> None:
    assert not is_caption(paragraph), caption_evidence(paragraph).reasons


def test_a_month_dates_a_verbless_caption_or_an_action_but_no_state() -> None:
    assert is_caption("Fishing boats in the harbour at Kotor in August.")
    assert is_caption("Fans wave flags in the stands at Elland Road in May.")


# "Satellite image of ...", "Drone image of ..." open a photo even without an article, and
# "as" before a pronoun opens a clause of its own ("as it reached the sea"); someone may
# show or write a thing with their hands; a verbless scene may be set by a moment ("after
# the finish") as by a place.
MORE_CAPTION_KINDS = [
    "Drone image of the lava field as it reached the sea on Sunday.",
    "A boy shows a fossil to visitors at the museum in Drumheller.",
    "A nurse writes a note at a clinic in Goma.",
    "Exhausted runners after the finish in Boston.",
]


@pytest.mark.parametrize("paragraph", MORE_CAPTION_KINDS)
def test_photo_openings_handling_verbs_and_moments_are_captions(paragraph: str) -> None:
    assert is_caption(paragraph), caption_evidence(paragraph).reasons


def test_a_picture_released_in_the_past_is_still_news() -> None:
    assert not is_caption("A picture of the suspect was released by police on Monday.")


def test_as_before_a_pronoun_opens_a_subordinate_clause() -> None:
    assert analyse_clause("A photo of the ferry as it left the port").form == "none"
    assert analyse_clause("The team plays as they did last year").verb == "plays"


# People named by a plural noun are the people in a photo when they put a thing somewhere
# singled out, or when a name singles them out; otherwise they are people in general.
@pytest.mark.parametrize(
    "paragraph",
    [
        "Dockers load the crates onto a barge.",
        "Bellringers from the Whitechapel guild pull the ropes.",
    ],
)
def test_people_doing_a_thing_singled_out_are_a_caption(paragraph: str) -> None:
    assert is_caption(paragraph), caption_evidence(paragraph).reasons


@pytest.mark.parametrize(
    "paragraph",
    [
        "Investors watch the market closely.",
        "Lifeguards watch the beach day and night.",
        "Stewards guard the gates of the stadium around the clock.",
    ],
)
def test_people_in_general_or_at_all_hours_are_body(paragraph: str) -> None:
    assert not is_caption(paragraph), caption_evidence(paragraph).reasons

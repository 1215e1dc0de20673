"""Word lists for the caption rules: general English, written for them, not drawn from articles.

Closed classes (determiners, prepositions, pronouns, auxiliaries) come first, then verb
classes by what they say about a sentence (reporting, stative, depictive action, outcome),
the irregular verb table, the look-alikes that morphology would misread, people nouns and
calendar words. ``archiver.extract.captions`` reads sentences with them; nothing here holds
logic beyond building the tables.
"""

from __future__ import annotations

# --- Lexicons: general English, closed classes first ----------------------------------------


def words(text: str) -> frozenset[str]:
    """A lexicon from a space-separated list of words."""
    return frozenset(text.split())


DETERMINERS = words(
    "a an the this that these those his her its their our my your some many several few "
    "each every both all no another any either neither much more most such other whose"
)
NUMBER_WORDS = words(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred thousand dozen "
    "dozens hundreds thousands millions"
)
PREPOSITIONS = words(
    "aboard about above across after against along alongside amid amidst among around as at atop "
    "before behind below beneath beside besides between beyond by despite down during except "
    "for from in inside into like near next of off on onto opposite out outside over past per "
    "since through throughout to toward towards under underneath until up upon via with "
    "within without"
)
#: Prepositions that place a scene somewhere ("in", "near", "outside" ...).
LOCATIVE_PREPOSITIONS = words(
    "in at near outside inside on along across over from of to into onto aboard through around "
    "toward towards behind beside atop above below beneath under opposite past off"
)
#: Adverbs that say where something ends up ("left behind", "tossed ashore").
PLACE_ADVERBS = words("behind ashore aground overboard aside adrift")
#: Adverb particles that follow a verb ("carry away", "look out").
PARTICLES = words(
    "up down out off away back over in on around along through aside together apart forward "
    "forwards home inside outside onward onwards ahead"
)
CONJUNCTIONS = words("and or but nor yet so")
SUBORDINATORS = words(
    "after although as because before if once since than though unless until when whenever "
    "where whereas wherever whether while"
)
#: Words that open a relative clause whose verb comes straight after.
SUBJECT_RELATIVES = words("who which that")
#: Words that open a relative clause with its own subject ("where she grew up").
OTHER_RELATIVES = words("whom whose where when")
PERSONAL_PRONOUNS = words(
    "he she it they him her them himself herself itself themselves "
    "someone somebody something everyone everybody everything anyone anybody anything "
    "nobody nothing none others there here"
)
#: Words that are pronouns when a verb or relative follows them ("Those who", "This is").
DEMONSTRATIVES = words(
    "this that these those some many most all both few several each another either neither much"
)
FIRST_SECOND_PERSON = words(
    "me my mine myself we us our ours ourselves you your yours yourself yourselves"
)
OBJECT_PRONOUNS = words("him her them it his their its himself herself themselves")
BE_PRESENT = words("is are am")
BE_PAST = words("was were")
HAVE_PRESENT = words("has have")
DO_PRESENT = words("do does")
MODALS = words("will would could should might may must can shall cannot ought 'll")
AUXILIARIES = BE_PRESENT | BE_PAST | HAVE_PRESENT | DO_PRESENT | {"had", "did", "be", "been"}

#: Every closed-class word above: determiners, prepositions, pronouns, auxiliaries ...
CLOSED_CLASS = (
    DETERMINERS
    | PREPOSITIONS
    | CONJUNCTIONS
    | SUBORDINATORS
    | PERSONAL_PRONOUNS
    | FIRST_SECOND_PERSON
    | AUXILIARIES
    | MODALS
    | SUBJECT_RELATIVES
    | OTHER_RELATIVES
)
#: Words ending in -ly that are not adverbs, and short adverbs without -ly.
NOT_ADVERB_LY = words(
    "family rally ally assembly supply reply belly bully jelly lily holy ugly fly butterfly "
    "monopoly anomaly homily italy july"
)
SHORT_ADVERBS = words("also still now not never just often even soon")
#: Nouns that count or gather what follows "of": "Dozens of migrants", "A group of men".
QUANTITY_NOUNS = words(
    "group groups crowd crowds number numbers handful couple pair scores lot lots bunch line "
    "lines row rows team teams band bands dozen dozens hundreds thousands millions"
)
#: Adjectives that name a group of people after "the": "the dead", "the homeless".
GROUP_ADJECTIVES = words("dead elderly homeless poor sick young")

#: Openers that tie a sentence to what came before: a caption stands alone.
FRONTED_MARKERS = words(
    "and but or so yet nor meanwhile however still also instead moreover furthermore "
    "nevertheless nonetheless indeed thus therefore hence now then today yesterday tomorrow "
    "tonight later earlier already even only otherwise finally eventually ultimately lastly "
    "additionally separately similarly likewise overall again accordingly consequently plus "
    "sometimes often perhaps maybe first second third last besides regardless unlike"
)

#: Verbs that report speech or belief: a caption shows, it does not report.
REPORTING_VERBS = words(
    "say tell claim report announce state insist warn argue explain admit acknowledge allege "
    "assert contend confirm deny estimate predict declare concede testify urge accuse blame "
    "criticize criticise describe recount recall vow pledge promise reply respond ask advise "
    "order instruct"
)
#: Forms that report whatever their place in the sentence.
ALWAYS_REPORTING = words("say says said saying tell tells told telling quoted quoting reportedly")
#: Verbs of belief: after "he", "she" or "they" they report a mind ("a man they believe
#: fled"), which no photo shows.
BELIEF_VERBS = words("believe think suspect fear hope expect suppose assume doubt")
#: Verbs that report or judge when a "that" clause follows them ("estimates that").
THAT_VERBS = (
    REPORTING_VERBS
    | BELIEF_VERBS
    | words(
        "add note suggest show indicate know find reveal write agree feel realize realise worry "
        "mean hear learn"
    )
)

#: Verbs that state a condition, a relation or an intention rather than a visible action.
STATIVE_VERBS = words(
    "be remain seem appear become continue exist belong contain include involve consist "
    "depend rely own possess need want wish prefer know believe understand mean matter cost "
    "equal lack deserve face control represent constitute comprise account have resemble "
    "suggest indicate signal mark follow reflect highlight underscore affect concern require "
    "total range number hope fear expect plan intend threaten seek "
    "outnumber exceed dominate govern manage oversee"
)
#: Passive participles that state a condition ("is based in", "are expected to"), where a
#: thing lies ("is surrounded by", "is crisscrossed by") or the status of a place or a
#: service ("are closed", "is suspended").
STATIVE_PARTICIPLES = words(
    "located based headquartered situated considered believed expected known thought said "
    "estimated scheduled set due slated supposed required allowed involved designed intended "
    "meant owned controlled composed comprised divided concerned worried opposed tied linked "
    "related connected accused charged suspected projected predicted forecast reported "
    "alleged rumored rumoured understood regarded viewed backed supported funded sponsored "
    "allied aligned affiliated surrounded bordered flanked ringed fringed dotted crisscrossed "
    "overlooked closed shut cancelled canceled suspended postponed delayed banned"
)

#: Visible, depictable actions: what people and things do in a photograph.
ACTION_VERBS = words(
    """
    address advance applaud arrange arrest arrive ascend assemble attend await bathe battle
    beg bend billow blaze bleed block board bow breathe build burn bury buy camp campaign
    carry carve catch celebrate chant chase check cheer chop clap clash clean clear climb
    cling collect comb comfort compete console consume cook cover crawl cross crouch crowd
    cry dance dangle deliver demolish descend detain dig dine disembark display distribute
    dive drag drape draw dress dribble drift drink drip drive drop dry duck dump dust eat
    embrace emerge engulf enter erect escort evacuate examine exit explode extinguish feed
    fight fill film fire fish fix flee float flood fly fold gather gaze gesture glance glow
    grab graze greet grieve grip guard guide hammer hand handcuff hang harvest haul help
    hide hike hoist hold hug hunt hurl inspect interview jog join jump kick kiss kneel knock
    land laugh launch lay lean leap leave lie lift light line listen load lock look lower
    march mend mingle mourn move navigate nurse observe open paddle paint parade park pass
    patrol pause peer perform pet photograph pick pile place plant play plead plough plow
    point pose pour practice practise pray prepare protest pull pump push queue race raise
    rally reach react read rebuild recover relax remove repair rescue rest return reunite
    ride rise roam roar roll row rub rush sail salute scatter scramble scream scrub search
    secure serve set sew shake shave shelter shield shine shoot shop shout shovel sift sign
    sing sit skate ski sleep slide smile smoke smolder smoulder sort sparkle speak spray
    sprint squat stack stage stand stare step stir stream stretch stroll struggle study surf
    surround sweep swim swing talk tend throw tie touch tour tow train transport travel
    treat trek trim tug unload unpack unveil view visit vote wade wait walk wander warm wash
    watch water wave wear weep welcome weld wheel whisper wipe worship wrap wrestle write
    yell run work lead tackle score rehearse knit mop rake steer hose bask sunbathe kneel
    """
)
#: Common verbs that are neither depictive nor stative, known so that their forms are read
#: as verbs ("come", "go", "show" ...).
OTHER_VERBS = words(
    "come go get give make take put show see find keep let bring send begin start end stop "
    "open close turn call ask offer receive win lose meet happen occur kill wound injure "
    "destroy damage attack strike bomb hit fall use debate resume discuss grow live"
)
#: Verbs whose "to" infinitive names the action seen: "firefighters try to put out ...".
CATENATIVE_VERBS = words("try attempt struggle rush race hurry wait prepare help work")
#: Verbs that report an outcome rather than show a moment ("kills", "approves").
EVENT_VERBS = words(
    "kill injure wound seize capture approve reject die sentence convict acquit indict"
)
KNOWN_VERBS = ACTION_VERBS | STATIVE_VERBS | REPORTING_VERBS | OTHER_VERBS | EVENT_VERBS

#: Irregular verbs: base, simple past, past participle. General English.
IRREGULAR = (
    "arise arose arisen|bear bore borne|become became become|begin began begun|"
    "bend bent bent|bite bit bitten|bleed bled bled|blow blew blown|break broke broken|"
    "bring brought brought|build built built|buy bought bought|catch caught caught|"
    "choose chose chosen|cling clung clung|come came come|creep crept crept|dig dug dug|"
    "do did done|draw drew drawn|drink drank drunk|drive drove driven|eat ate eaten|"
    "fall fell fallen|feed fed fed|feel felt felt|fight fought fought|find found found|"
    "flee fled fled|fling flung flung|fly flew flown|forbid forbade forbidden|"
    "forget forgot forgotten|forgive forgave forgiven|freeze froze frozen|get got gotten|"
    "give gave given|go went gone|grow grew grown|hang hung hung|have had had|"
    "hear heard heard|hide hid hidden|hold held held|keep kept kept|kneel knelt knelt|"
    "know knew known|lay laid laid|lead led led|leap leapt leapt|leave left left|"
    "lend lent lent|light lit lit|lose lost lost|make made made|mean meant meant|"
    "meet met met|pay paid paid|ride rode ridden|ring rang rung|rise rose risen|run ran run|"
    "say said said|see saw seen|seek sought sought|sell sold sold|send sent sent|"
    "shake shook shaken|shine shone shone|shoot shot shot|show showed shown|"
    "shrink shrank shrunk|sing sang sung|sink sank sunk|sit sat sat|sleep slept slept|"
    "slide slid slid|speak spoke spoken|spend spent spent|spin spun spun|stand stood stood|"
    "steal stole stolen|stick stuck stuck|sting stung stung|strike struck struck|"
    "swear swore sworn|sweep swept swept|swim swam swum|swing swung swung|take took taken|"
    "teach taught taught|tear tore torn|tell told told|think thought thought|"
    "throw threw thrown|understand understood understood|undergo underwent undergone|"
    "wake woke woken|wear wore worn|weep wept wept|win won won|withdraw withdrew withdrawn|"
    "write wrote written|overcome overcame overcome|overtake overtook overtaken|"
    "overthrow overthrew overthrown|withstand withstood withstood|uphold upheld upheld|"
    "mislead misled misled|rebuild rebuilt rebuilt|retake retook retaken|"
    "shut shut shut|put put put|cut cut cut|hit hit hit|set set set|let let let|"
    "hurt hurt hurt|cost cost cost|spread spread spread|burst burst burst|cast cast cast|"
    "quit quit quit|read read read|bet bet bet|upset upset upset|broadcast broadcast broadcast"
)


def _irregular_tables() -> tuple[dict[str, str], dict[str, str]]:
    past: dict[str, str] = {}
    participle: dict[str, str] = {}
    for entry in IRREGULAR.split("|"):
        base, simple_past, part = entry.split()
        if simple_past != base:  # "put", "cut": same as the present, so no evidence of tense
            past[simple_past] = base
        participle[part] = base
    participle["been"] = "be"
    return past, participle


IRREGULAR_PAST, IRREGULAR_PARTICIPLE = _irregular_tables()

#: Words ending in -ed that are not past forms.
NOT_PAST_ED = words(
    "bed red shed wed sled shred hundred sacred naked wicked rugged ragged wretched beloved "
    "kindred crooked jagged hatred infrared tweed creed embed sped"
)
#: Words ending in -s that are not third-person verbs.
NOT_VERB_S = words(
    "news series species always perhaps towards afterwards besides sometimes nevertheless thus "
    "plus whereas politics physics economics lens bus gas yes alias canvas bias chaos its his "
    "hers ours yours theirs was has is does this us"
)
#: Words ending in -ing that are not participles.
NOT_ING = words(
    "thing things nothing something anything everything king ring wing spring string sing "
    "bring sting swing during morning evening ceiling sibling pudding darling sterling "
    "ping sling cling fling"
)
IRREGULAR_PLURALS = words(
    "people children men women police gunmen policemen firemen fishermen cattle staff media "
    "crew clergy youth public military personnel"
)
#: Words in "-ist" that are not people (``PERSON_NOUNS`` takes "-ist" nouns as people:
#: "conservationist", "environmentalist").
NOT_PERSON_IST = words(
    "exist insist assist resist persist consist subsist desist list checklist playlist "
    "wishlist shortlist blacklist watchlist waitlist twist wrist mist fist gist"
)
#: People and groups of people: the usual subjects of news photographs.
PERSON_NOUNS = words(
    """
    man men woman women child children boy girl baby kid toddler infant teenager youth person
    people family resident civilian soldier troop fighter officer police policeman policemen
    policewoman official worker volunteer rescuer firefighter medic doctor nurse patient
    student teacher pupil protester protestor demonstrator supporter fan voter mourner
    relative refugee migrant survivor villager farmer worshipper worshiper pilgrim tourist
    visitor crowd player athlete runner driver passenger guard member mother father parent
    son daughter brother sister wife husband friend neighbor neighbour elder veteran militant
    rebel gunman gunmen journalist photographer reporter candidate president leader minister
    delegate activist artist musician dancer performer shopper commuter pedestrian onlooker
    spectator bystander couple sailor pilot marine paramedic surgeon nun priest monk imam
    bride groom customer vendor trader fisherman fishermen miner guest host singer actor
    actress model chef crew diver climber hiker cyclist swimmer skier team squad victim
    casualty hostage prisoner detainee suspect inmate widow widower grandmother grandfather
    grandson granddaughter grandparent grandchild uncle aunt cousin niece nephew fiance fiancee
    partner boyfriend girlfriend colleague classmate teammate coach captain lawyer attorney
    judge juror defendant
    """
)

WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
MONTH_WORDS = words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
#: Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = words(
    """
    mr mrs ms dr prof gen brig col lt sgt capt cpl maj adm cmdr gov sen rep rev st ave blvd mt
    ft jr sr co corp inc ltd no nos vs etc fig approx dept est pt jan feb mar apr jun jul aug
    sep sept oct nov dec ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass
    mich minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo
    """
)

#: Verbs that news prose uses without an object and without a passive ("Prices rose", "Talks
#: resumed", "The ferry docked"), or whose change of state reads as an event ("Roads
#: flooded", "Ice melted"): after a subject, their -ed form is taken for the past tense, not
#: a participle describing the subject ("Boats moored in the harbor", "Cars parked outside").
INTRANSITIVE_VERBS = words(
    """
    arrive appear collapse crash die disappear vanish emerge erupt escalate explode flare
    happen occur rise fall soar surge plunge tumble slump slip slide jump climb drop decline
    dip rally rebound recover resume reopen continue persist gather march flee return remain
    stay live work vote protest clash fight compete travel walk run fail succeed stall end
    drift float wash
    begin start stop close open ease worsen improve intensify subside recede grow increase
    spread evolve retreat advance land depart dock sail derail capsize sink stand sit lie
    camp react respond struggle wait pause rejoice queue pray mourn weep riot rage swell
    flood burn melt freeze thaw shatter crumble overflow
    """
)
#: Verbs whose "with" or "in" names what covers, fills or adorns their object. They always
#: take one, so "X decorated with flowers" is a participle whatever X is.
COVERING_VERBS = words(
    """
    adorn bedeck blanket coat cover cram decorate drape drench dress dust encrust festoon
    garland inscribe line litter pack paint plaster shroud smear soak splatter spatter
    sprinkle stain strew stud wrap emblazon engrave carpet crown
    """
)
#: Things that carry writing: a quotation after "a sign reading" is what it says, not speech.
INSCRIPTION_NOUNS = words(
    """
    sign signs placard placards banner banners poster posters board boards shirt shirts
    t-shirt t-shirts jersey jerseys flag flags cap caps hat hats mask masks sticker stickers
    badge badges billboard billboards graffiti message messages note notes card cards cake
    tattoo tattoos slogan slogans headline headlines newspaper newspapers screen screens wall
    walls plaque plaques button buttons scarf scarves umbrella umbrellas bag bags mural
    murals letter letters book books cover covers
    """
)

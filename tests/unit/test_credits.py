"""The one credit splitter (``archiver.extract.credits``), as the plain-text reader meets it.

The HTML reader's uses are tested in ``test_html_extraction.py``; the captions and credits
below were written for these tests.
"""

from __future__ import annotations

import pytest

from archiver.extract.credits import clean_credit, credit_line, split_credit


@pytest.mark.parametrize(
    ("paragraph", "caption", "credit"),
    [
        (
            "Lifeguards watch the surf at Bondi Beach. (AP Photo/Jane Roe)",
            "Lifeguards watch the surf at Bondi Beach.",
            "AP Photo/Jane Roe",
        ),
        (
            "A ferry leaves the harbour in Split. Photograph: Ivo Horvat/Reuters",
            "A ferry leaves the harbour in Split.",
            "Ivo Horvat/Reuters",
        ),
        # "Credit..." glued to the caption, or after a space
        (
            "Voters queued outside a school in Accra.Credit...Kwame Mensah for The New York Times",
            "Voters queued outside a school in Accra.",
            "Kwame Mensah for The New York Times",
        ),
        # a labelled credit glued to the final stop, as copied text loses the space
        (
            "A courier waits outside a noodle bar on Dock Road.Photo: Mara Ellis/Axios",
            "A courier waits outside a noodle bar on Dock Road.",
            "Mara Ellis/Axios",
        ),
        (
            "Voters queued outside a school in Accra Credit...Kwame Mensah",
            "Voters queued outside a school in Accra",
            "Kwame Mensah",
        ),
        # "Photograph by X" glued to the final stop, as copied text loses the space
        (
            "Ana Ruiz in her studio in Duluth.Photograph by Elin Sorvik for The Beacon",
            "Ana Ruiz in her studio in Duluth.",
            "Elin Sorvik for The Beacon",
        ),
        # "Name/Agency" glued to the final stop; an abbreviation's stop is no sentence's
        (
            "Mangroves line the estuary.Lan Nguyen/AFP via Getty Images",
            "Mangroves line the estuary.",
            "Lan Nguyen/AFP via Getty Images",
        ),
        ("Trade between the U.S./Canada", "Trade between the U.S./Canada", None),
        # "Courtesy of X" glued to the last word, its stop lost
        (
            "Ann Lee with her daughter, Mia Courtesy of the Lee family",
            "Ann Lee with her daughter, Mia",
            "Courtesy of the Lee family",
        ),
        # a label with a slash, as some papers print it
        (
            "The old post office on Quay Street, Ashwell. Photo / Tane Hohaia",
            "The old post office on Quay Street, Ashwell.",
            "Tane Hohaia",
        ),
        # a reader's own photo, or an account's, after the last sentence
        (
            "Mara Lind at the finish line of the fun run. Submitted photo",
            "Mara Lind at the finish line of the fun run.",
            "Submitted photo",
        ),
        (
            "Hail covers a car park in Dunmore on Tuesday. @dunmore_weather via Instagram",
            "Hail covers a car park in Dunmore on Tuesday.",
            "@dunmore_weather via Instagram",
        ),
        # a credit on a line of its own: a credit, or only a name
        (
            "Snow covers the vineyards above Lavaux\nJean Dupont/AFP via Getty Images",
            "Snow covers the vineyards above Lavaux",
            "Jean Dupont/AFP via Getty Images",
        ),
        (
            "A tram crosses the Vltava in Prague.\nPetra Novak",
            "A tram crosses the Vltava in Prague.",
            "Petra Novak",
        ),
        (
            "A tram crosses the Vltava.\n— Getty Images",
            "A tram crosses the Vltava.",
            "Getty Images",
        ),
        # a photographer for a publication, after the last sentence
        (
            "A sign for the new ferry terminal. Ana Lopes for Harbour Weekly",
            "A sign for the new ferry terminal.",
            "Ana Lopes for Harbour Weekly",
        ),
        (
            "Ferries wait at the quay (Photo by Tom Roe/Getty Images).",
            "Ferries wait at the quay.",
            "Tom Roe/Getty Images",
        ),
        # a dash before an agency
        ("Ferries wait at the quay — Getty Images", "Ferries wait at the quay", "Getty Images"),
        # no credit: an aside in brackets, a cited source, a body sentence
        (
            "The talks (held in Geneva) will resume in May.",
            "The talks (held in Geneva) will resume in May.",
            None,
        ),
        (
            "Shares in the carmaker fell 3% in early trading (Reuters).",
            "Shares in the carmaker fell 3% in early trading (Reuters).",
            None,
        ),
        ("The minister left early.", "The minister left early.", None),
        # a sentence naming a social network, or a submission, is no credit
        (
            "The clip spread fast. Fans shared it via Instagram.",
            "The clip spread fast. Fans shared it via Instagram.",
            None,
        ),
        (
            "The plan went to the board. Submissions close on Friday.",
            "The plan went to the board. Submissions close on Friday.",
            None,
        ),
        (
            "The study was published in Nature (DOI 10.1038/s41586).",
            "The study was published in Nature (DOI 10.1038/s41586).",
            None,
        ),
        (
            "The council meets on Tuesday at 7 p.m. (Staff reports)",
            "The council meets on Tuesday at 7 p.m. (Staff reports)",
            None,
        ),
        # a name in brackets after the last sentence is a credit; so is a courtesy
        (
            "Judges hear the case. (U.S. District Court)",
            "Judges hear the case.",
            "U.S. District Court",
        ),
        (
            "A harbour at dusk. (Courtesy of the family)",
            "A harbour at dusk.",
            "Courtesy of the family",
        ),
        # a reader's own photo, and a "Courtesy:" label
        (
            "Ice fog hangs over the river crossing. (Submitted by Lou Varga)",
            "Ice fog hangs over the river crossing.",
            "Submitted by Lou Varga",
        ),
        (
            "Goats wait for the judging on Friday. (Courtesy: Pell County 4-H)",
            "Goats wait for the judging on Friday.",
            "Pell County 4-H",
        ),
        # a credit in capitals after a caption without a stop, as UK papers print them
        (
            "Dockers unload the first ship at the rebuilt quay in Leith JANE ROE FOR THE HERALD",
            "Dockers unload the first ship at the rebuilt quay in Leith",
            "JANE ROE FOR THE HERALD",
        ),
        (
            "Shoppers queue outside the bakery on its last morning ALAMY",
            "Shoppers queue outside the bakery on its last morning",
            "ALAMY",
        ),
        # capitals that belong to the sentence, not a credit
        (
            "Why the small newspaper is now suing the AP",
            "Why the small newspaper is now suing the AP",
            None,
        ),
        ("Published March 8, 2017: 10:42 AM ET", "Published March 8, 2017: 10:42 AM ET", None),
        (
            "A van outside the diner with a sticker that reads BUY LOCAL FIRST.",
            "A van outside the diner with a sticker that reads BUY LOCAL FIRST.",
            None,
        ),
        # hard-wrapped prose whose last line is a name, below an unfinished sentence
        (
            "The award went this year to a reporter from\nthe Harbour Review and\nAna Lopes",
            "The award went this year to a reporter from the Harbour Review and Ana Lopes",
            None,
        ),
        # a wire agency's notice to editors after a handout's credit is neither
        (
            "The comet seen in this handout picture released April 22. Space Agency/Handout via "
            "REUTERS THIS IMAGE HAS BEEN SUPPLIED BY A THIRD PARTY.",
            "The comet seen in this handout picture released April 22.",
            "Space Agency/Handout via REUTERS",
        ),
        (
            "A man waves in Kyiv, May 2. REUTERS/Jane Doe NO RESALES. NO ARCHIVES",
            "A man waves in Kyiv, May 2.",
            "REUTERS/Jane Doe",
        ),
        # ... also when the site's interface words follow the notice
        (
            "The comet seen in this handout picture released April 22. Space Agency/Handout via "
            "REUTERS THIS IMAGE HAS BEEN SUPPLIED BY A THIRD PARTY. Purchase Licensing Rights, "
            "opens new tab",
            "The comet seen in this handout picture released April 22.",
            "Space Agency/Handout via REUTERS",
        ),
        (
            "A man waves in Kyiv, May 2. REUTERS/Jane Doe NO RESALES. NO ARCHIVES Expand image",
            "A man waves in Kyiv, May 2.",
            "REUTERS/Jane Doe",
        ),
        # a capitalised "Photograph by X" glued to the last word, its stop lost
        (
            "Gulls over the new creeks at dusk Photograph by Jane Doe for The Quarterly",
            "Gulls over the new creeks at dusk",
            "Jane Doe for The Quarterly",
        ),
        ("Sunrise over the marsh Illustration by Ann Lee", "Sunrise over the marsh", "Ann Lee"),
        # not mid-sentence in lower case, nor a plural naming a body of work
        ("He framed a photograph by Jane Doe", "He framed a photograph by Jane Doe", None),
        ("It shows Photographs by Jane Doe", "It shows Photographs by Jane Doe", None),
        # "Courtesy X" and "Staff photo by X" glued to the last word
        (
            "A hat box kept by a former customer Courtesy Hayes family",
            "A hat box kept by a former customer",
            "Courtesy Hayes family",
        ),
        ("Ann Lee rounds third Staff photo by Tom Roe", "Ann Lee rounds third", "Tom Roe"),
        # a person's name, or a public service, after the caption's last sentence; not after
        # a dash (a player of the match), nor a place's name
        (
            "The Milky Way over the ridge east of Cedar Mesa, Utah. Jared Lindqvist",
            "The Milky Way over the ridge east of Cedar Mesa, Utah.",
            "Jared Lindqvist",
        ),
        (
            "Turtles found inside the suitcase. US Fish and Wildlife Service",
            "Turtles found inside the suitcase.",
            "US Fish and Wildlife Service",
        ),
        ("Player of the match - Tobi Adeyemi", "Player of the match - Tobi Adeyemi", None),
        ("He walked to the shop. Main Street", "He walked to the shop. Main Street", None),
        # a label glued to the last word, its space lost; not a label inside a name
        (
            "Cardamom knots, still warmPhoto: Anouk Reyes",
            "Cardamom knots, still warm",
            "Anouk Reyes",
        ),
        ("Users of iPhoto: a guide", "Users of iPhoto: a guide", None),
        # names glued to a stop, or to a closing quotation mark, with no space between
        (
            "The remains of a dog found in Peru.Ministry of Culture of Peru",
            "The remains of a dog found in Peru.",
            "Ministry of Culture of Peru",
        ),
        (
            'Ann Lee in the final season of "Harbour."Tom Roe/Northline Pictures',
            'Ann Lee in the final season of "Harbour."',
            "Tom Roe/Northline Pictures",
        ),
        # a body that holds photographs, after the last stop
        (
            "Ann Lee with her camera in about 1910. Harlow County Ledger Collection",
            "Ann Lee with her camera in about 1910.",
            "Harlow County Ledger Collection",
        ),
        # but not names that end a sentence, nor names alone after a stop and a space
        ("He left the U.S. The Times said so", "He left the U.S. The Times said so", None),
        ("She thanked Ann Lee. Harlow Bakers", "She thanked Ann Lee. Harlow Bakers", None),
        # "First Last/Agency" after the last word, the stop lost; not an agency in capitals
        (
            "Jane Roe, who has worked on the route for 26 years Ann Lee/CNN",
            "Jane Roe, who has worked on the route for 26 years",
            "Ann Lee/CNN",
        ),
        (
            "A clinic near Lake Victoria Ann Lee/CNN",
            "A clinic near Lake Victoria",
            "Ann Lee/CNN",
        ),
        # ... or after a number, the caption's last word
        (
            "The water line stood here in 2000 Ann Lee/CNN",
            "The water line stood here in 2000",
            "Ann Lee/CNN",
        ),
        # ... or "First Last for Publication"
        (
            "Guards check documents at the crossing Ann Lee for CNN",
            "Guards check documents at the crossing",
            "Ann Lee for CNN",
        ),
        # ... or an agency in capitals and a name after the slash, but not "the US/Mexico ..."
        (
            "A relative cries at the landslide site REUTERS/Ann Lee",
            "A relative cries at the landslide site",
            "REUTERS/Ann Lee",
        ),
        ("Troops crossed the US/Mexico Border", "Troops crossed the US/Mexico Border", None),
        # a body that holds photographs, named anywhere in the credit, maybe "via" another
        (
            "Ann Lee warms up in 1961. (Harlow Historical Society via NWP)",
            "Ann Lee warms up in 1961.",
            "Harlow Historical Society via NWP",
        ),
        (
            "Salmon caught near the mouth of the river. Harlow Department of Fish and Game",
            "Salmon caught near the mouth of the river.",
            "Harlow Department of Fish and Game",
        ),
        # a photo archive named first
        (
            "Boats on the beach in 1986. Arquivo Municipal de Vila do Cabo",
            "Boats on the beach in 1986.",
            "Arquivo Municipal de Vila do Cabo",
        ),
        # an abbreviation's stop ends no sentence: no credit after it
        (
            "Photo courtesy of St. Albin Historical Society",
            "Photo courtesy of St. Albin Historical Society",
            None,
        ),
        (
            "Photo courtesy of Maj. Ann Lee Historical Society",
            "Photo courtesy of Maj. Ann Lee Historical Society",
            None,
        ),
        # an interface label is a word of its own: "Closed" keeps its "Close"
        ("Closed gates at a state park in 2011.", "Closed gates at a state park in 2011.", None),
        ("Close A man walks his dog.", "A man walks his dog.", None),
    ],
)
def test_split_credit(paragraph: str, caption: str, credit: str | None) -> None:
    assert split_credit(paragraph) == (caption, credit)


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Getty Images", "Getty Images"),
        ("— Getty Images", "Getty Images"),
        ("PA Media", "PA Media"),
        ("Image source, PA Media", "PA Media"),
        ("Credit...Kwame Mensah for The New York Times", "Kwame Mensah for The New York Times"),
        ("Kwame Mensah for The New York Times", "Kwame Mensah for The New York Times"),
        ("Photograph by Ana Lopes for The Harbour Review", "Ana Lopes for The Harbour Review"),
        ("(Photograph by Ana Lopes)", "Ana Lopes"),
        ("Jean Dupont/AFP via Getty Images", "Jean Dupont/AFP via Getty Images"),
        # a photographer's name, a comma, the agency
        ("Asim Tanveer, AP", "Asim Tanveer, AP"),
        # a label for the whole credit, a lead photo's label, a courtesy kept as when glued
        ("Submitted photo", "Submitted photo"),
        ("Supplied", "Supplied"),
        ("Lead photo by Tomás Rebelo", "Tomás Rebelo"),
        (
            "Photo courtesy of St. Albin Historical Society",
            "courtesy of St. Albin Historical Society",
        ),
        # a labelled credit naming authors "et al." is no sentence
        ("Image credit: M. Tanaka et al./Nature Astronomy", "M. Tanaka et al./Nature Astronomy"),
        ("JEAN DUPONT, AFP via Getty Images", "JEAN DUPONT, AFP via Getty Images"),
        ("Paris, France, AP", None),
        ("Asim Tanveer, a spokesman", None),
        (
            "Frank de Vries / UN Photo. Courtesy of the Court",
            "Frank de Vries / UN Photo. Courtesy of the Court",
        ),
        # not credits
        ("Ana Lopes", None),
        ("Ten Reasons for Hope", None),
        ("Best for Cold/Wet Weather", None),
        ("A tram crosses the Vltava. Petra Novak/AFP", None),
        ("Where do things stand?", None),
    ],
)
def test_credit_line(line: str, credit: str | None) -> None:
    assert credit_line(line) == credit


def test_clean_credit_drops_labels_brackets_and_dashes() -> None:
    assert clean_credit("— Photo: Jane Roe/AFP") == "Jane Roe/AFP"
    assert clean_credit("(Credit...Kwame Mensah)") == "Kwame Mensah"

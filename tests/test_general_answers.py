"""Answers outside war news, on articles written for this test (tests/corpus): the same checks as the seeds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support import assert_answers, assert_refuses, wire

from index import Library, render_text
from index.asked_kind import Asks
from index.question import analyse
from index.quotations import balanced

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def news(library: Library) -> Library:
    sources = {"flood-courier": "Riverside Courier", "flood-wire": "Northern Wire", "norland-bank": "Market Ledger"}
    for name, outlet in sources.items():
        library.add_text((CORPUS / f"{name}.txt").read_text(), key=name, source=outlet, published="2026-10-06")
    return library


def test_conflicting_tolls_stand_side_by_side_with_who_gives_them(news: Library) -> None:
    answer = news.ask("How many people died in the Marlow Valley floods?")
    assert not answer.abstained
    quotes = " ".join(c.quote for c in answer.citations)
    assert "14 people died" in quotes and "killed 17 people" in quotes
    assert {c.attribution for c in answer.citations} >= {"regional officials", "the interior ministry"}
    people = answer.figures["people"]
    assert {e.figure for e in people} >= {"At least 14 people", "17 people"}
    assert {e.source for e in people} == {"Riverside Courier", "Northern Wire"}
    assert all(any(ch.isdigit() for ch in e.figure) and len(e.figure.split()) >= 2 for e in people)
    assert "soldier" not in answer.figures  # 800 clean-up soldiers measure another thing

    # Figures that count something else than the asked noun are not set side by side, whatever the quotes show.
    missing = news.ask("How many people were missing after the Marlow Valley floods?")
    assert all(e.figure.endswith("people") for entries in missing.figures.values() for e in entries)
    homes = news.ask("How many homes were flooded in the Marlow Valley?")
    assert not homes.abstained and "2,300 homes" in " ".join(c.quote for c in homes.citations)
    assert "people" not in homes.figures  # the death tolls beside each other answer another question


def test_two_outlets_counts_of_the_same_fire_stand_side_by_side(library: Library) -> None:
    for name, outlet in {"fire-ledger": "Pacific Ledger", "fire-wire": "Coastline Wire"}.items():
        library.add_text((CORPUS / f"{name}.txt").read_text(), key=name, source=outlet, published="2026-08-12")
    # The counted noun says what they did ("firefighters … fighting"): no other event word is asked for.
    crews = library.ask("How many firefighters were fighting the Tarn Ridge fire?")
    entries = crews.figures["firefighter"]
    assert {e.figure for e in entries} == {"Nearly 300 firefighters", "About 350 firefighters"}
    assert {e.source for e in entries} == {"Pacific Ledger", "Coastline Wire"}
    assert {e.attribution for e in entries} == {"the incident command", "the state forestry agency"}
    # A word after the noun is no part of it: "roughly 4,600 acres overnight" counts acres.
    area = library.ask("How many acres had the Tarn Ridge fire burned?")
    assert {e.figure for e in area.figures["acre"]} == {"4,100 acres", "roughly 4,600 acres"}
    # A question that asks who may ask it of the figures; one that asks when, where or why is answered by none.
    who = library.ask("Which agency gave the count of firefighters at the Tarn Ridge fire?")
    assert {e.figure for e in who.figures["firefighter"]} == {"Nearly 300 firefighters", "About 350 firefighters"}


def test_a_question_that_asks_when_sets_no_figures_side_by_side(library: Library) -> None:
    library.add_text(
        "Corran mine blast\n\nThe blast at the Corran mine occurred at about 3:15 a.m. on Monday, some 740 metres "
        "underground, the regional inspectorate said.",
        key="corran-a",
        source="Valley Post",
    )
    library.add_text(
        "Corran mine blast: rescue ends\n\nThe blast at the Corran mine happened early on Monday morning, in a "
        "tunnel 1,100 metres deep, the operator said.",
        key="corran-b",
        source="Northgate Press",
    )
    answer = library.ask("At what time did the blast at the Corran mine occur?")
    quotes = " ".join(c.quote for c in answer.citations)
    assert "3:15 a.m." in quotes and answer.figures == {}  # the blast's depth is no rival of the mine's


def test_another_outlets_count_joins_only_for_what_the_question_asks(library: Library) -> None:
    """Asked how many died, another article's count of people in shelters is no toll. (Its count of people without
    power scores with the toll and is shown beside it: without knowing that "killed" says "died", nothing tells
    the two measures apart.)"""
    library.add_text(
        "Storm Ingrid kills 12\n\nStorm Ingrid killed 12 people in the Lenz valley on Monday, officials said.",
        key="ingrid-a",
        source="Wire One",
    )
    library.add_text(
        "Storm Ingrid: power cuts\n\nStorm Ingrid left over 30,000 people in the Lenz valley without power. More "
        "than 2,000 people spent the night in emergency shelters.",
        key="ingrid-b",
        source="Wire Two",
    )
    answer = library.ask("How many people died in Storm Ingrid?")
    assert not answer.abstained
    assert all("2,000" not in c.quote for c in answer.citations)


def test_hedges_speakers_and_organisations_are_credited(news: Library) -> None:
    damage = news.ask("How much damage did the floods cause?")
    assert not damage.abstained
    [insured] = [c for c in damage.citations if "1.2 billion euros" in c.quote]
    assert insured.hedge == "could not be independently verified"
    rail = news.ask("Which services did the railway operator suspend?")
    assert any("suspended all services between Alden and Brixby" in c.quote for c in rail.citations)
    mayor = news.ask("What did the mayor of Alden say about the river?")
    [said] = [c for c in mayor.citations if "river rise this fast" in c.quote]
    assert said.attribution == "Jan Horvath" and balanced(said.quote)
    assert said.quote.startswith("“We have never seen") and said.quote.endswith("the mayor of Alden.")


def test_a_central_bank_decision_is_quoted_and_its_governor_named(news: Library) -> None:
    rate = news.ask("To what level did the Bank of Norland cut its main rate?")
    assert not rate.abstained and "3.25%" in rate.citations[0].quote
    governor = news.ask("Who is the governor of the Bank of Norland?")
    assert any("Ingrid Sol" in c.quote for c in governor.citations)
    assert "Sources:" in render_text.render(governor)


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("How many people died in the Kerlin floods?", "mentions Kerlin"),
        ("What is the weather in Paris?", "Not found"),
        ("On what date did the dam above Brixby fail?", "gives that date"),
        # The articles tell of the floods, not of schools: the tolls they quote are only the topic.
        ("How many schools were closed by the Marlow Valley floods?", "gives that figure"),
    ],
)
def test_questions_the_articles_do_not_answer_abstain(news: Library, question: str, reason: str) -> None:
    answer = news.ask(question)
    assert answer.abstained and reason in answer.answer and not answer.citations


def _model_sure_at(tmp_path: Path, sure: float) -> str:
    """The shipped answerability model with its threshold at 0 (it answers everything) and its sure point moved."""
    raw = json.loads((Path(__file__).resolve().parents[1] / "index" / "data" / "answerability.json").read_text())
    path = tmp_path / f"sure-{sure}.json"
    path.write_text(json.dumps({**raw, "threshold": 0.0, "sure": sure}))
    return str(path)


def test_a_how_many_answer_that_counts_nothing_asked_is_one_step_less_sure(
    make_library: Callable[..., Library], tmp_path: Path
) -> None:
    """An English how-many question whose quotes and best sentences count nothing it asks (the tolls of the floods
    count no closed schools) is refused where the model is unsure, and shown as the closest quotes where it is sure;
    answers that count the asked noun are untouched."""
    unsure = make_library("unsure", answerability_model=_model_sure_at(tmp_path, 1.0))
    sure = make_library("sure", answerability_model=_model_sure_at(tmp_path, 0.0))
    for lib in (unsure, sure):
        for name in ("flood-courier", "flood-wire"):
            lib.add_text((CORPUS / f"{name}.txt").read_text(), key=name)
    question = "How many schools were closed by the Marlow Valley floods?"
    refused, flagged = unsure.ask(question), sure.ask(question)
    assert refused.abstained and refused.exact_refusal and "gives that figure" in refused.answer
    assert not flagged.abstained and flagged.tentative and flagged.citations
    homes = sure.ask("How many homes were flooded in the Marlow Valley?")
    assert not homes.tentative and "2,300 homes" in " ".join(c.quote for c in homes.citations)
    # An adjective standing for people is counted under other nouns ("17 people"): left to the model.
    dead = unsure.ask("How many dead in the Marlow Valley floods?")
    assert not dead.abstained and not dead.exact_refusal
    # A figure in another language is one the question's words cannot check.
    unsure.add_text(
        "Hochwasser im Kellbachtal\n\nIm Kellbachtal mussten nach Angaben des Landratsamts 4.500 Menschen ihre Häuser "
        "verlassen.",
        key="kellbach",
    )
    evacuated = unsure.ask("How many residents were evacuated in the Kellbach valley?")
    assert not evacuated.exact_refusal and any("4.500 Menschen" in c.quote for c in evacuated.citations)


def test_a_word_in_ed_is_a_participle_only_where_its_stem_shortens_it() -> None:
    """ "How many wounded" counts people, whom quotes count under other nouns; "how many beds" (stem "bed") and
    "seeds" are nouns of their own."""
    from index.abstention import lacks_asked_figure
    from index.question import analyse

    quotes = ["The hospital has 40 doctors and 120 nurses."]
    assert not lacks_asked_figure(analyse("How many wounded were treated at the hospital?"), quotes, [])
    # Nor a noun that counts people: quotes count them as residents, protesters, "killed 12".
    assert not lacks_asked_figure(analyse("How many victims did the hospital treat?"), quotes, [])
    assert lacks_asked_figure(analyse("How many beds does the hospital have?"), quotes, [])
    assert lacks_asked_figure(analyse("How many seeds were planted at the hospital?"), quotes, [])
    assert not lacks_asked_figure(analyse("How many nurses does the hospital have?"), quotes, [])


def test_an_answer_the_model_is_unsure_of_is_shown_as_the_closest_quotes_on_every_surface(
    make_library: Callable[..., Library], tmp_path: Path
) -> None:
    """Between the model's threshold and its sure point the quotes are shown, headed as the library's closest: in
    the CLI's text, its JSON and Telegram's HTML. The shipped model is sure of a toll two outlets give."""
    from bot.rendering import answer_blocks
    from index.ask_cli import answer_json

    shipped = make_library("shipped")
    unsure = make_library("unsure", answerability_model=_model_sure_at(tmp_path, 1.0))
    for lib in (shipped, unsure):
        for name in ("flood-courier", "flood-wire"):
            lib.add_text((CORPUS / f"{name}.txt").read_text(), key=name)
    question = "How many people died in the Marlow Valley floods?"
    sure = shipped.ask(question)
    assert not sure.abstained and not sure.tentative
    assert not render_text.render(sure).startswith(render_text.TENTATIVE)
    answer = unsure.ask(question)
    assert not answer.abstained and answer.tentative and answer.citations == sure.citations
    assert render_text.render(answer).startswith(render_text.TENTATIVE + "\n\n> ")
    assert answer_json(answer)["tentative"] is True and answer_json(sure)["tentative"] is False
    assert answer_blocks(answer)[0] == f"<i>{render_text.TENTATIVE}</i>"
    assert "Closest" not in "".join(answer_blocks(sure))


def test_a_common_word_of_a_name_does_not_name_it(library: Library) -> None:
    """ "Storm Boris" is named where "Boris" (or the whole name) is written as a name, not by "the storm" of another
    story: a sentence of that story is no quote for the storm's toll, nor a figure beside it."""
    library.add_text(
        "Storm Boris floods Central Europe\n\nFloods caused by Storm Boris swept Central Europe this week. At least 19 "
        "people have died, officials said. Rivers in Poland and the Czech Republic burst their banks.",
        key="boris",
        source="Wire One",
    )
    library.add_text(
        "Valencia counts the cost of the floods\n\nThe floods in Valencia were the worst in Spain in decades. In "
        "Valencia, the storm affected an area of 553 square kilometres and 306,000 people. The regional government "
        "said 229 people died.",
        key="valencia",
        source="Wire Two",
    )
    answer = library.ask("How many people died in Storm Boris?")
    assert not answer.abstained
    assert [c.key for c in answer.citations] == ["boris"], [c.quote for c in answer.citations]
    assert "people" not in answer.figures


def test_a_subheading_that_asks_is_no_quote(library: Library) -> None:
    library.add_text(
        "Harwick votes\n\nThe Green party won four of the nine seats on Harwick council on Thursday.\n\n"
        "Which councillors lost their seats?\n\nTwo Liberal councillors lost their seats, the returning officer said.",
        key="harwick-vote",
        source="Harwick Post",
    )
    answer = library.ask("Which councillors lost their seats?")
    assert not answer.abstained
    quotes = [c.quote for c in answer.citations]
    assert "Which councillors lost their seats?" not in quotes
    assert any("Two Liberal councillors lost their seats" in q for q in quotes)
    # a question someone asks, a paragraph of a speech on a line of its own, is news
    library.add_text(
        "Harwick kitchens\n\nThe mayor of Harwick spoke on Tuesday.\n\n“How do we feed 40,000 people every day?\n\n"
        "“We cannot do it alone,” the mayor said.",
        key="kitchens",
    )
    asked = library.ask("How many people does the mayor of Harwick have to feed every day?")
    assert any("How do we feed 40,000 people every day?" in c.quote for c in asked.citations)


def test_a_named_speaker_is_quoted_with_the_words_that_follow(library: Library) -> None:
    """A sentence that names someone and the quotation credited to them after it are one quote: asked what they
    said, the answer shows what they said, not only that they were angry."""
    library.add_text(
        "Voltara will 4.200 Stellen streichen\n\nDer Batteriehersteller Voltara will weltweit rund 4.200 "
        "Arbeitsplätze abbauen. Der Gesamtbetriebsratsvorsitzende Jürgen Kessler zeigte sich empört. „Die "
        "Belegschaft erfährt aus der Presse, dass ihre Arbeitsplätze wegfallen. So geht man nicht mit Menschen "
        "um“, sagte Kessler. Die Arbeitnehmervertreter seien vorab nicht informiert worden.",
        key="voltara",
        source="Wirtschaftsblatt",
    )
    library.add_text(
        "Rail union walks out\n\nTrain drivers began a three-day strike on Monday. Union leader Maria Lopez was "
        'furious. "We learned about the cuts from the newspapers," Lopez said. Talks resume on Friday.\n\n'
        'Transport minister Paul Reed met the rail bosses on Tuesday. "Nobody told us anything," a driver said.',
        key="rail",
        source="Wire One",
    )
    german = library.ask("Was sagte Jürgen Kessler?")
    assert not german.abstained
    first = german.citations[0]
    assert first.quote.startswith("Der Gesamtbetriebsratsvorsitzende") and first.quote.endswith("sagte Kessler.")
    assert first.attribution == "Kessler"
    english = library.ask("What did Maria Lopez say about the cuts?")
    assert english.citations[0].quote == (
        'Union leader Maria Lopez was furious. "We learned about the cuts from the newspapers," Lopez said.'
    )
    # Someone else's words after a sentence that names a person are not glued to it.
    minister = library.ask("When did Paul Reed meet the rail bosses?")
    assert minister.citations[0].quote == "Transport minister Paul Reed met the rail bosses on Tuesday."


PELLING = (
    "Sodium cells last longer\n\nLONDON, Feb 12 (Wire) - Researchers have built a sodium-ion cell that kept 92% of "
    "its capacity after 5,000 cycles. Adam Pelling, a battery engineer who was not involved in the research, was "
    'more cautious. "A coin cell in a lab is not a battery pack on a grid. The hard part is still ahead," he said.\n\n'
    "Chief financial officer Davide Orsenigo was less upbeat about costs. "
    '"The fourth quarter will be tougher on margins," he told analysts. The shares rose 5.2% by midday.'
)


def test_words_credited_to_a_pronoun_are_quoted_with_the_sentence_that_names_the_speaker(library: Library) -> None:
    """News names a speaker in one sentence and quotes them in the next ("…,” he said."). Before, the answer showed
    the sentence that names him without his words, or his words under "he" and no one."""
    library.add_text(PELLING, key="cells", source="Wire")
    make = library.ask("What did Adam Pelling make of the sodium battery result?").citations[0]
    assert "Adam Pelling, a battery engineer" in make.quote and make.quote.endswith('still ahead," he said.')
    assert make.attribution == "Adam Pelling"
    warned = library.ask("Which executive warned the fourth quarter would be harder?").citations[0]
    assert warned.quote.startswith("Chief financial officer Davide Orsenigo") and "he told analysts" in warned.quote
    assert warned.attribution == "Chief financial officer Davide Orsenigo"


def test_questions_in_other_languages_are_answered_with_the_kind_they_ask(library: Library) -> None:
    """A when-question is answered by a time of day or a weekday in the article's own language, a where-question by
    a place after an Italian preposition: neither was read as an answer of its kind, and both were "not found"."""
    library.add_text(
        "Talbrücke Ellerbach eingestürzt\n\nEin rund 80 Meter langes Teilstück der Talbrücke Ellerbach stürzte am "
        "Mittwochabend gegen 18.30 Uhr in die Tiefe, als sich dort nach Angaben der Polizei mehrere Fahrzeuge "
        "befanden. Sechs Menschen kamen ums Leben. Die Autobahn bleibt nach Angaben des Landesverkehrsministeriums "
        "mindestens bis Ende des Monats gesperrt.",
        key="bruecke",
        source="Rheinpost",
    )
    library.add_text(
        "Siccità, il lago di Montebrusco al 18 per cento\n\nIl lago artificiale di Montebrusco, principale riserva "
        "idrica della provincia di Valdarena, è sceso al 18 per cento della sua capacità, il livello più basso da "
        "quando sono iniziate le misurazioni. Il sindaco di Roccaventa ha chiesto lo stato di emergenza.",
        key="lago",
        source="Gazzetta di Valdarena",
    )
    when = library.ask("Wann ist die Talbrücke Ellerbach eingestürzt?")
    assert not when.abstained and "18.30 Uhr" in when.citations[0].quote
    where = library.ask("Où se trouve le lac de Montebrusco ?")
    assert not where.abstained and "provincia di Valdarena" in where.citations[0].quote


def test_a_name_in_a_german_question_is_found_by_the_articles_in_other_languages(library: Library) -> None:
    """German capitalises every noun: "Darrowby" reads as a name only because an English article writes it too.
    As a noun, it guided nothing, and the German article about another accident was quoted first."""
    library.add_text(
        "Jet overruns runway at Darrowby\n\nA Korvel Air passenger jet overran the runway while landing in heavy "
        "crosswinds at Darrowby Regional Airport on Thursday evening, injuring 23 passengers, airport officials "
        "said. The aircraft came to rest in a grass field beyond the runway.",
        key="darrowby",
        source="Meridian Wire",
    )
    library.add_text(
        "Busunfall bei Lindenhöhe\n\nBei einem Unfall eines Reisebusses bei Lindenhöhe sind am Mittwochabend 14 "
        "Passagiere verletzt worden, teilte die Polizei mit. Der Bus war von der Fahrbahn abgekommen.",
        key="bus",
        source="Rheinpost",
    )
    answer = library.ask("Wie viele Passagiere wurden bei dem Unfall in Darrowby verletzt?")
    assert not answer.abstained and "23 passengers" in answer.citations[0].quote
    bus = library.ask("Wie viele Passagiere wurden bei dem Busunfall bei Lindenhöhe verletzt?")
    assert "14 Passagiere" in bus.citations[0].quote


def test_a_question_finds_the_answer_written_in_another_form_of_its_verb(library: Library) -> None:
    """English irregular forms are one term ("fall" / "fell", "pay" / "paid"): the sentence that answers how far the
    shares fell comes before the company's per-share figures, which share its other words."""
    library.add_text(
        "Halvorsen Foods cuts 2,000 jobs\n\n"
        "Halvorsen Foods said on Thursday it would cut 2,000 jobs and close two bakeries after a weak quarter. "
        "The company reported a loss of 40 cents a share, against analysts' expectations of a profit of 12 cents a "
        "share, and Halvorsen Foods lowered its forecast for the year.\n\n"
        "Its shares fell 14 percent in early trading. Chief executive Mara Lind said the cuts would save about "
        "$90 million a year.",
        key="halvorsen",
    )
    answer = library.ask("How far did Halvorsen Foods shares fall?")
    assert not answer.abstained and "fell 14 percent" in answer.citations[0].quote


def test_english_words_are_matched_in_their_dictionary_form() -> None:
    q = analyse("How much did the company pay and how many children fled?")
    assert q.coverage("It paid $5 million.") > 0 and q.coverage("Forty children had fled.") > 0
    assert analyse("Wie viel zahlte die Firma?").coverage("Die Firma zahlte 5 Millionen.") == 1.0  # stems as before
    # No word is read as a stop word ("us" is "we" to the dictionary), nor a capitalised one as another word
    us = analyse("What did the US say about the strike?")
    assert us.coverage("We condemn the strike, the minister said.") < us.coverage("The US condemned the strike.")
    assert "feed" not in analyse("What did the Fed decide?").matches[0]


BREACH = (
    "AT&T said on Friday that hackers stole call and text records of nearly all of its cellular customers. The "
    "company said it would notify about 110 million customers, and that the records did not include the content "
    "of calls."
)
CARRIER = (
    "Customers at T-Mobile will get faster home internet this year, the carrier said on Monday. The plan reaches "
    "300 million people and costs the company about $2 billion, analysts at the bank said."
)


def test_a_name_joined_by_an_ampersand_is_one_word(library: Library) -> None:
    """ "AT&T", "S&P", "R&D" are one word each, not the stop word "at" and single letters: the keyword index finds
    the article that writes AT&T (not "customers at T-Mobile"), and the question's name is checked in its quotes."""
    library.add_text(BREACH, key="breach", title="AT&T says hackers stole call records")
    library.add_text(CARRIER, key="carrier", title="T-Mobile to speed up home internet")
    q = analyse("How many customers is AT&T notifying about the stolen records?")
    assert q.names == ("AT&T",) and "at&t" in q.terms
    assert analyse("How far did the S&P 500 fall after the R&D report?").names == ("S&P", "R&D")
    assert [a.key for a in library.find("AT&T")] == ["breach"]
    answer = library.ask("How many customers is AT&T notifying about the stolen records?")
    assert not answer.abstained and "110 million customers" in answer.citations[0].quote


def test_counts_written_in_words_stand_side_by_side(library: Library) -> None:
    """Two outlets' death tolls in words ("four people had died", "Three people died") are figures to compare; a
    quote that counts in digits keeps those alone, not the parts it spells out ("nine seats" of a smaller party)."""
    for text, outlet in [
        (
            "Kellmoor flood toll rises to four\n\nOfficials said on Saturday that four people had died in the "
            "Kellmoor flood, after the body of a man was recovered from the river near the old mill.",
            "Riverside Courier",
        ),
        (
            "Floodwaters swamp Kellmoor\n\nThe river burst its banks in Kellmoor on Friday. Three people died in the "
            "flood, police said, and hundreds of homes were left without power.",
            "Northern Wire",
        ),
    ]:
        library.add_text(text, source=outlet, published="2025-03-15")
    died = library.ask("How many people died in the Kellmoor flood?")
    people = died.figures["people"]
    assert {(e.figure, e.source) for e in people} == {
        ("four people", "Riverside Courier"),
        ("Three people", "Northern Wire"),
    }
    for text, outlet in [
        (
            "Election results in Dunmore\n\nThe Labour party won 41 seats in the Dunmore council election, the Liberal "
            "Democrats won 12 seats and the Greens nine seats.",
            "Dunmore Post",
        ),
        ("Dunmore count ends\n\nLabour took 40 seats in the Dunmore council, officials said on Friday.", "Coast FM"),
    ]:
        library.add_text(text, source=outlet, published="2025-05-03")
    seats = library.ask("How many seats did Labour win in the Dunmore council election?")
    assert "nine seats" not in {e.figure for entries in seats.figures.values() for e in entries}


def test_who_is_a_named_person_is_answered_by_what_the_articles_call_them(library: Library) -> None:
    """ "Who is Daniel Okafor?" asks who the named person is: no one new is named in the answer, so it was "Not
    found" over an article calling him her lawyer."""
    library.add_text(
        "Former mayor found guilty\n\nA jury at Harlow Crown Court on Friday found former Kellmoor mayor Helena "
        "Strand guilty of embezzling 1.2 million pounds from the town's flood defence fund. The jury deliberated "
        "for eleven hours. Her lawyer, Daniel Okafor, said she would appeal.",
        source="Harlow Gazette",
    )
    library.add_text(
        "School reopens after flood\n\nKellmoor primary school reopened on Monday after the flood. Head teacher Rosa "
        "Lindqvist said volunteers had spent 900 hours cleaning the building.",
        source="Riverside Courier",
    )
    lawyer = library.ask("Who is Daniel Okafor?")
    assert not lawyer.abstained and "Her lawyer, Daniel Okafor" in lawyer.citations[0].quote
    teacher = library.ask("Who is Rosa Lindqvist?")
    assert not teacher.abstained and "Head teacher Rosa Lindqvist" in teacher.citations[0].quote


def test_a_question_that_asks_what_something_costs_is_answered_by_an_amount(library: Library) -> None:
    """ "What will the recall cost?" names no noun to count: its verb asks an amount of money, which comes first,
    not the number of lots recalled. A noun after the verb ("pay rises") asks nothing."""
    q = analyse("What will the Corvexa recall cost?")
    assert Asks.FIGURE in q.asks and q.measure
    assert not analyse("What did the minister say about pay rises?").asks
    library.add_text(
        "Drugmaker recalls pills\n\nHalvora is recalling 37 lots of its blood pressure drug Corvexa in the United "
        "States after tests found an impurity, the regulator said on Tuesday. The recall covers tablets sold "
        "between October and March.\n\nAnalysts estimated the total cost of the recall, including replacement "
        "stock, at 85 million euros.",
        source="Meridian Wire",
    )
    answer = library.ask("What will the Corvexa recall cost?")
    assert not answer.abstained and "85 million euros" in answer.citations[0].quote


def test_a_question_about_another_day_than_the_quotes_tell_of_is_not_answered(library: Library) -> None:
    """Quotes of the March 3 and March 12 attacks count other days' drones than the March 17 one asked."""
    attacks = {
        "brask": (
            "2028-03-03",
            "BRASK, March 3 (Wire) - Karsova launched 47 attack drones at Orvenia overnight on March 3, targeting "
            "mainly the northern town of Brask, the air force said. A grain warehouse caught fire.",
        ),
        "velmar": (
            "2028-03-12",
            "TESSALIN, March 12 (Wire) - Karsova launched 138 attack drones at Orvenia overnight on March 12, "
            "the air force said. Air defence destroyed 104 of them over the city of Velmar.",
        ),
    }
    for key, (published, text) in attacks.items():
        library.add_text(text, key=key, source="Wire", published=published)
    other = library.ask("How many drones did Karsova launch on March 17?")
    assert other.abstained and "other days than March 17" in other.answer
    asked = library.ask("How many drones did Karsova launch on March 12?")
    assert not asked.abstained and "138 attack drones" in " ".join(c.quote for c in asked.citations)
    # a month: the quotes' days are in it
    assert not library.ask("How many drones did Karsova launch in March?").abstained


def test_a_country_asked_by_its_people_is_found_by_its_name(library: Library) -> None:
    library.add_text(
        "LISBON, Nov 18 (Iberia Report) - Teachers across Portugal walked out on Tuesday in the first of three days "
        "of strikes over pay, closing hundreds of schools. The largest union said 80% of teachers had joined the "
        "strike, while the education ministry put the figure at 46%.",
        key="strike",
        source="Iberia Report",
        published="2025-11-18",
    )
    answer = library.ask("What share of teachers joined the Portuguese strike?")
    assert not answer.abstained and not answer.tentative
    assert "80% of teachers" in answer.citations[0].quote


def test_a_day_is_told_of_by_the_articles_that_name_what_the_question_names(library: Library) -> None:
    """The October 14 strike on Pilsk is no answer for "the attack on Tovarin on October 14" when the only article
    naming Tovarin tells of October 21 (dated a week after: "Tuesday" there is its own day)."""
    pilsk = "Drones hit Pilsk\n\nPILSK, October 14 (Wire) - Kovrania launched 96 drones at Pilsk overnight, killing "
    wire(library, "pilsk", pilsk + "three people, officials said.", "2031-10-14")
    tovarin = "One killed in Tovarin\n\nTOVARIN, October 21 (Tribune) - Kovrania attacked Tovarin with 54 drones "
    wire(library, "tovarin", tovarin + "overnight, killing one person and injuring six, officials said.", "2031-10-21")
    attack = "How many people died in the drone attack on {} on October {}?"
    assert_refuses(library, attack.format("Tovarin", 14), "other days than October 14")
    assert_answers(library, attack.format("Tovarin", 21), "killing one person")
    assert_answers(library, attack.format("Pilsk", 14), "killing three people")


def test_a_month_no_article_tells_of_is_not_answered_with_other_months(library: Library) -> None:
    """Asked how many flights were cancelled in July, the September and March cancellations are no answer."""
    fennick = "Fennick grounds jets\n\nDUBLIN, September 9 (Wire) - Fennick Air has now cancelled 310 flights. "
    wire(library, "fennick", fennick + "In March, the airline cancelled 96 flights over three days.", "2031-09-09")
    assert_refuses(library, "How many flights did Fennick Air cancel in July?", "other months than July")
    assert_answers(library, "How many flights did Fennick Air cancel in March?", "96 flights")


def test_dates_that_tell_of_the_asked_time_without_naming_it_still_answer(library: Library) -> None:
    """What the year, day and month checks must not refuse (a review's cases): annual figures reported early in the
    next year, an overnight attack under the next day's dateline, "last month" under a dateline, and "May I"."""
    bank = "Norland Bank profit up\n\nOSLO, Feb 13 (Wire) - Norland Bank said on Thursday its annual net profit "
    wire(library, "bank", bank + "rose 12% to 4.1 billion crowns.", "2025-02-13")
    kyiv = "Drones hit Kyiv\n\nKYIV, October 15 (Wire) - Russian drones killed three people in Kyiv on Tuesday "
    wire(library, "kyiv", kyiv + "night, officials said.", "2031-10-15")
    fennick = "Fennick counts the cost\n\nDUBLIN, August 2 (Wire) - Fennick Air cancelled 120 flights last month "
    wire(library, "fennick", fennick + "after a software fault, the airline said.", "2031-08-02")
    assert_answers(library, "What was Norland Bank's net profit in 2024?", "4.1 billion crowns")
    assert_answers(library, "How many people were killed in Kyiv on October 14?", "three people")
    assert_answers(library, "How many flights did Fennick Air cancel in July?", "120 flights")
    assert_answers(library, "May I ask how many flights Fennick Air cancelled?", "120 flights")


def test_quotes_of_the_asked_day_come_before_those_of_another(library: Library) -> None:
    """ "the exchange on January 30": the January article's count first, not the March exchange's."""
    march = "TESSALIN (AD) - Orvenia got back the bodies of 80 fallen soldiers in the prisoner exchange of March 20, "
    wire(library, "march", march + "officials said. Orvenia also brought home 212 of its citizens.", "2028-03-20")
    january = "TESSALIN (AD) - Orvenia and Karsova swapped 96 prisoners each on Sunday. Orvenia also received the "
    wire(library, "january", january + "bodies of 250 soldiers, officials said.", "2028-01-30")
    answer = library.ask("How many bodies of fallen soldiers did Orvenia get back in the exchange on January 30?")
    assert not answer.abstained and answer.citations[0].key == "january"


ORSINA = (
    "TURIN, February 20 (Wire) - Three ski tourers were killed after an avalanche swept a group of six on a slope "
    "in the Valle Orsina on Sunday, rescue officials said. More than 50 rescuers, two helicopters and four dogs "
    "took part in the search, rescue station chief Ettore Barberis said."
)
GURNITZ = (
    "INNSBRUCK, January 30 (Wire) - Two ski tourers were killed by an avalanche in the Gurnitz valley in Tyrol on "
    "Saturday, police said. A helicopter recovered both men from under two metres of snow."
)


def test_a_count_from_an_article_that_never_names_what_is_asked_is_no_answer(library: Library) -> None:
    """The rescuers of the Valle Orsina avalanche are no answer for the Gurnitz one, whose article counts none; the
    question of the avalanche that has them is answered."""
    wire(library, "orsina", ORSINA, "2028-02-20")
    wire(library, "gurnitz", GURNITZ, "2028-01-30")
    assert_refuses(
        library,
        "How many rescuers took part in the search after the Gurnitz avalanche?",
        "are from articles that do not name Gurnitz",
    )
    assert_answers(library, "How many rescuers searched after the Valle Orsina avalanche?", "50 rescuers")


def test_an_article_naming_what_is_asked_and_counting_its_noun_may_answer_otherwise(library: Library) -> None:
    """ "None of them reached their target" answers how many hit, in the article that names Zelensky and counts the
    drones launched; another city's count of drones that hit does not make the question refused."""
    wire(
        library,
        "kyiv",
        "KYIV, May 25 (Wire) - Ukraine shot down all 36 drones launched by Russia, the air force said. President "
        'Volodymyr Zelensky called it an uneasy night. "None of them reached their target," he said.',
        "2028-05-25",
    )
    odesa = (
        "ODESA, May 20 (Wire) - Four drones hit their targets in Odesa overnight, an uneasy night for the port city."
    )
    wire(library, "odesa", odesa, "2028-05-20")
    answer = library.ask("How many drones hit their targets on the night Zelensky called uneasy?")
    assert "do not name" not in answer.answer, answer.answer

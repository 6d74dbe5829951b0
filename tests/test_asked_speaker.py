"""Questions that ask someone's words are answered by quotes credited to them, or refused."""

from __future__ import annotations

import pytest
from support import assert_answers, assert_refuses, wire

from index.asked_speaker import read
from index.library import Library
from index.question import analyse
from index.said_by import Quoted, credited


@pytest.mark.parametrize(
    ("question", "phrase", "head", "owners"),
    [
        ("What did the mayor of Harvin say about the attack?", "the mayor of Harvin", "mayor", ("Harvin",)),
        ("How many drones did Kovrania's ministry say it launched?", "Kovrania's ministry", "ministry", ("Kovrania",)),
        ("What did Tolland’s chief executive say?", "Tolland’s chief executive", "executive", ("Tolland",)),
        ("What did Oskar Lind say about the strike?", "Oskar Lind", "lind", ()),
        # what follows the speaker sets the scene
        ("How many tanks did the soldier in the intercepted call say were left?", "the soldier", "soldier", ()),
        ("How many tanks has Redline Visual been able to confirm?", "Redline Visual", "visual", ()),
        # any form of the verb; "of" inside a name links nothing; whose a role is, as written
        ("What has the government said about it?", "the government", "government", ()),
        ("What did the State Department announce?", "the State Department", "department", ()),  # "State": a name
        ("What did the head of the Bank of England say?", "the head of the Bank of England", "head", ("Bank of England",)),  # noqa: E501
        ("What did the Bank of England governor say?", "the Bank of England governor", "governor", ()),
        ("What did Harwick United's manager say?", "Harwick United's manager", "manager", ("Harwick United",)),
        ("What did the company's chief executive say?", "the company's chief executive", "executive", ()),
    ],
)  # fmt: skip
def test_the_speaker_a_question_asks_about(question: str, phrase: str, head: str, owners: tuple[str, ...]) -> None:
    speaker = read(question, "en")
    assert speaker is not None
    assert (speaker.phrase, speaker.head, speaker.owners) == (phrase, head, owners)


@pytest.mark.parametrize(
    "question",
    [
        "What did he say about the attack?",  # a pronoun
        "Why do outlets report different totals?",  # no one in particular
        "What did the UK MoD say had happened?",  # an acronym: credited as "the British Defence Ministry"
        "Who said the bridge would reopen?",  # asks the speaker, names none
        "How many drones were shot down?",
    ],
)
def test_no_speaker_is_read_where_no_one_can_be_checked(question: str) -> None:
    assert read(question, "en") is None


HARVIN = "What did the mayor of Harvin say about the attack?"


def quoted(text: str, credit: str, article: str = "", same_language: bool = True) -> Quoted:
    return Quoted(text, credit, article or text, same_language)


def test_a_quote_is_credited_to_the_asked_speaker_by_its_credit_its_title_or_its_articles_lead() -> None:
    q = analyse(HARVIN)
    said = '"There is no military site near these homes," Harvin Mayor Ilya Korsun said.'
    assert credited(q, quoted(said, "Harvin Mayor Ilya Korsun"))
    # another town's mayor, even in an article whose lead names Harvin
    other = said.replace("Harvin", "Ostrel")
    assert not credited(q, quoted(other, "Ostrel Mayor Ilya Korsun", f"Drones hit Harvin and Ostrel. {other}"))
    # the credited name's title is written where the article first names him
    later = '"We will rebuild," Korsun said.'
    assert credited(q, quoted(later, "Korsun", f"HARVIN, May 4 (Wire) - Mayor Ilya Korsun visited the site. {later}"))
    assert not credited(q, quoted(later, "Korsun", f"HARVIN, May 4 (Wire) - Governor Ilya Korsun visited. {later}"))
    # a role is read by all its words: the chief executive is not the finance chief
    finance = analyse("What did Castorini's finance chief say about American drivers?")
    ceo = '"American drivers are buying more tyres," chief executive Lucia Marchetto said.'
    assert not credited(finance, quoted(ceo, "Lucia Marchetto", f"MILAN - Castorini's results. {ceo}"))
    # whose the role is, unless the title names another's
    nordlys = analyse("What did Nordlys's chief executive say about the takeover?")
    halvard = '"Together we will reach 3.4 million homes," Halvard chief executive Ingrid Solbakk said.'
    assert not credited(nordlys, quoted(halvard, "Ingrid Solbakk", f"OSLO - Halvard agreed to buy Nordlys. {halvard}"))
    # a description credited: the lead tells who it is
    soldier = analyse("How many tanks did the soldier in the call say were left?")
    man = '"We have maybe eight tanks left," the man says in the recording.'
    assert credited(soldier, quoted(man, "the man", f"A soldier tells his wife his unit is losing. {man}"))
    assert not credited(soldier, quoted(man, "the man", f"A farmer tells his wife about the harvest. {man}"))


def test_someone_of_the_named_speakers_speaks_for_themselves_unless_they_speak_in_the_speakers_name() -> None:
    """A role after the named speaker's possessive and before a name credits that person ("Dremin's deputy Petro
    Lysak"), in the credit or where the article first names them; a spokesman or an office speaks in their name."""
    q = analyse("What did Oleksa Dremin say about the repairs?")
    said = "The repairs will take six weeks, {} said."
    assert not credited(q, quoted(said.format("Dremin's deputy Petro Lysak"), "Dremin's deputy Petro Lysak"))
    lawyer = said.format("Kazak")
    assert not credited(q, quoted(lawyer, "Kazak", f"Dremin's lawyer, Lyudmila Kazak, spoke. {lawyer}"))
    assert credited(q, quoted(said.format("Dremin's spokesman Ivan Petrov"), "Dremin's spokesman Ivan Petrov"))
    assert credited(q, quoted(said.format("Dremin's office"), "Dremin's office"))
    own = said.format("Oleksa Dremin")  # the speaker, in an article that names his deputy too
    assert credited(q, quoted(own, "Oleksa Dremin", f"Oleksa Dremin's deputy Petro Lysak visited. {own}"))
    # the role must stand right before the credited name: not a place of the credit, nor another possessive
    mayor = said.format("Mayor Oleksa Dremin of Kherson")
    deputy = "Dremin's deputy Petro Lysak, who is in charge of Kherson's roads, spoke too."
    assert credited(q, quoted(mayor, "Mayor Oleksa Dremin of Kherson", f"{mayor} {deputy}"))
    petrov = said.format("Petrov")
    trip = f"Dremin's spokesman Ivan Petrov spoke. Petrov said Dremin's trip to Kyiv was off. {petrov}"
    assert credited(q, quoted(petrov, "Petrov", trip))
    behalf = said.format("Ivan Petrov")
    assert credited(
        q, quoted(behalf, "Ivan Petrov", f"Speaking on Dremin's behalf, Ivan Petrov met reporters. {behalf}")
    )
    # the role's last word says whose words: an organisation's or a country's officers speak in its name
    aide = said.format("Dremin's senior aide Ivan Petrov")
    assert not credited(q, quoted(aide, "Dremin's senior aide Ivan Petrov"))
    intel = analyse("What did Intel say about the job cuts?")
    ceo = "The cuts were painful, Intel's chief executive Pat Gelsinger said."
    assert credited(intel, quoted(ceo, "Intel's chief executive Pat Gelsinger"))
    later = "The cuts were painful, Gelsinger said."
    assert credited(intel, quoted(later, "Gelsinger", f"Intel's chief executive Pat Gelsinger wrote to staff. {later}"))


def test_a_speaker_asked_by_name_is_credited_through_a_title_right_beside_the_credit_only() -> None:
    """Another name credited is the named speaker's words where the article writes them in apposition ("President
    Volodymyr Zelensky", "Zelensky, Ukraine's President"), not where it only names them nearby."""
    q = analyse("What did Patrice Vermorel say about the outbreak?")
    said = (
        "Restaudor, founded in 1998 by its chief executive Patrice Vermorel, said in a statement that it had stopped."
    )
    assert not credited(q, quoted(said, "Restaudor", f"PARIS - Salmonella spread. {said}"))
    zelensky = analyse("What did Zelensky say about the talks?")
    talks = "The talks will go on, Ukraine's President said."
    assert credited(
        zelensky, quoted(talks, "Ukraine's President", f"KYIV - President Volodymyr Zelensky met envoys. {talks}")
    )
    assert credited(
        zelensky, quoted(talks, "Ukraine's President", f"KYIV - Zelensky, Ukraine's President, met envoys. {talks}")
    )


def test_a_quote_whose_credit_is_not_read_is_the_speakers_where_it_names_them() -> None:
    court = analyse("What did the Supreme Court say about immunity?")
    assert credited(court, quoted("The Supreme Court ruled that presidents have immunity for official acts.", ""))
    law = analyse("What does the climate law say about emissions?")
    assert credited(law, quoted("Companies must cut emissions by 40% by 2030 under a climate law passed in May.", ""))
    rider = analyse("What did Xabier Ibarreche say after his crash?")
    assert not credited(rider, quoted("Four riders abandoned the race after the crash, race organisers said.", ""))


def test_a_speaker_read_as_a_possessive_alone_is_checked_by_its_head() -> None:
    q = analyse("What did the company's say about the recall?")
    assert q.speaker is not None and q.speaker.head == "company"
    said = "The recall will cost $80 million, Velora said."
    assert credited(q, quoted(said, "Velora", f"Velora, the company that makes the speakers, met. {said}"))
    assert not credited(q, quoted(said, "Velora", f"Velora, the retailer, met. {said}"))


def test_a_quote_in_another_language_never_counts_against_the_speaker() -> None:
    q = analyse("What did the mayor of Luras say about the fire?")
    italian = '"Abbiamo visto le fiamme", ha detto il sindaco di Nuoro.'
    assert credited(q, quoted(italian, "sindaco di Nuoro", same_language=False))


BRENTON = (
    "BRENTON, May 4 (Wire) - Floodwater from the River Alde forced 300 people from their homes in Brenton on "
    'Saturday. "We have never seen the river this high," Brenton Mayor Clara Ives told reporters. Ives said the '
    "emergency shelters at the town's two schools would stay open all week."
)
OAKFIELD = (
    "OAKFIELD, May 5 (Wire) - The River Alde burst its banks in Oakfield on Sunday, flooding 40 homes, the county "
    "fire service said. Oakfield's council said pumps had been brought in from neighbouring towns to drain the "
    "streets near the river."
)


def test_a_question_for_someones_words_is_refused_where_only_others_are_quoted(library: Library) -> None:
    wire(library, "brenton", BRENTON, "2031-05-04")
    wire(library, "oakfield", OAKFIELD, "2031-05-05")
    assert_answers(library, "What did the mayor of Brenton say about the flood?", "never seen the river")
    assert_answers(library, "What did Clara Ives say about the shelters?", "shelters")
    assert_answers(library, "What did the fire service say about the flooding in Oakfield?", "40 homes")
    assert_refuses(library, "What did the mayor of Oakfield say about the flood?", "are not by the mayor of Oakfield")
    assert_refuses(library, "What did Oakfield's fire chief say about the flood?", "are not by Oakfield's fire chief")


def test_the_speakers_quote_must_name_what_else_the_question_names() -> None:
    q = analyse("What did President Vestry say about the Zolotar raid?")
    other = '"Ninety-six drones in one night against one city is terror," President Ilona Vestry said of Pilsk.'
    assert not credited(q, quoted(other, "President Ilona Vestry"))
    assert credited(q, quoted(other.replace("Pilsk", "Zolotar"), "President Ilona Vestry"))
    # or its article's opening names it; a country by its people's adjective
    depot = f"ZOLOTAR, Oct 20 (Wire) - Drones hit a depot. {other}"
    assert credited(q, quoted(other, "President Ilona Vestry", depot))
    shoigu = analyse("How many Ukrainian soldiers did Shoigu claim had been killed?")
    assert credited(shoigu, quoted('Ukraine, according to Shoigu, "has already lost half of the army".', "Shoigu"))

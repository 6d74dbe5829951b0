"""Answer-type cues: what a question asks for, and which sentence carries it (on real seed and dev sentences)."""

from __future__ import annotations

import pytest

from index.abstention import missing_day, not_found
from index.answer import Evidence, complete_answers
from index.answer_types import KIND_CUES, carries, kind_cues, new_names
from index.asked_figure import asked_figure_found, asked_figures, counts_asked_noun
from index.asked_kind import Asks
from index.evidence_rank import FEATURES, Ranker
from index.question import Question, analyse
from index.question_names import truecased, typed_lower
from index.terms import has_span

SETUP = (
    "Audio shared by Ukraine’s Security Service is said to capture an intercepted phone call between a soldier "
    "based in the Kharkiv region and a female relative outside Moscow."
)
ANSWER = "We have probably 14 tanks left,” the man says."

RANKER = Ranker.load()


def bonus(q: Question, sentence: str) -> float:
    """What the shipped ranker adds to a sentence's score for carrying the asked kind of answer."""
    weights = dict(zip(FEATURES, RANKER.weights, strict=True))
    return sum(weights[f] * v for f, v in zip(KIND_CUES, kind_cues(q, sentence), strict=True))


def test_question_kinds() -> None:
    assert Asks.FIGURE in analyse("How many tanks did the soldier say his unit still had?").asks
    assert Asks.ACTOR in analyse("Which agency publicised the figure on X?").asks
    assert Asks.ACTOR in analyse("Who identified the FSB officer?").asks
    # "what did the minister do/say" asks what, not who: the noun is the subject of "did"
    assert Asks.ACTOR not in analyse("What did transport minister Paul Reed do on Tuesday?").asks
    assert Asks.ACTOR in analyse("What Ukrainian agency made the call public?").asks
    assert Asks.PLACE in analyse("Where was the soldier stationed?").asks
    assert Asks.PLACE in analyse("Which village did the soldiers say they had to push on to?").asks
    assert Asks.DATE in analyse("When did the central bank last raise rates?").asks
    assert Asks.REASON in analyse("Why did he use a local sim card?").asks
    assert not analyse("Are sick men being passed as fine to fight?").asks


@pytest.mark.parametrize(
    ("question", "lang", "kind"),
    [
        ("Wie viele Todesopfer meldete Rumänien durch den Sturm?", "de", Asks.FIGURE),
        ("Combien de blessés comptait-on au Maroc lorsque le bilan était de 632 morts ?", "fr", Asks.FIGURE),
        ("¿Dónde tocó tierra el huracán?", "es", Asks.PLACE),
        ("Скільки танків, за словами солдата, у них залишилося?", "uk", Asks.FIGURE),
        ("Кто опубликовал запись разговора?", "ru", Asks.ACTOR),
        ("Kto kierował badaniem nowego gatunku ośmiornicy?", "pl", Asks.ACTOR),
        ("Ile wynosi kara dla sieci sklepów?", "pl", Asks.FIGURE),
        ("Kiedy zawalił się most?", "pl", Asks.DATE),
        ("Quelle juge a présidé le procès ?", "fr", Asks.ACTOR),
        ("Welcher Richter leitete den Prozess?", "de", Asks.ACTOR),
        ("¿Qué empresa compró la cadena de supermercados?", "es", Asks.ACTOR),
        ("Quale ministro ha firmato il decreto?", "it", Asks.ACTOR),
    ],
)
def test_question_kinds_in_other_languages(question: str, lang: str, kind: Asks) -> None:
    q = analyse(question)
    assert q.lang == lang and kind in q.asks


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Wann ist die Talbrücke Ellerbach eingestürzt?", "wann"),
        ("Warum hat das Gericht das Urteil aufgehoben?", "warum"),
        ("Pourquoi le juge a-t-il annulé la condamnation ?", "pourquoi"),
        ("¿Quién dirigió el estudio sobre el pulpo?", "quién"),
        ("Почему суд отменил приговор?", "почему"),
        ("Kto kierował badaniem?", "kto"),
    ],
)
def test_the_question_word_is_no_term_an_answer_must_hold(question: str, asked: str) -> None:
    """No passage says "wann": as a term, it lowered every answer's coverage of a question in another language."""
    q = analyse(question)
    assert q.asks and asked not in q.terms


def test_an_acronym_that_spells_a_function_word_is_a_name_and_a_term() -> None:
    """ "the WHO" is the organisation: dropped as the stop word "who", the question named nothing an answer about
    another body's money lacked. A question typed in capitals keeps its stop words out."""
    q = analyse("How much emergency money did the WHO release for the mpox response?")
    assert "WHO" in q.names and "who" in q.terms and Asks.FIGURE in q.asks
    assert "WHO" in analyse("What did the WHO say?").names
    assert "WHO" in analyse("What is WHO's advice?").names  # before a possessive
    shouted = analyse("HOW MANY PEOPLE DIED IN THE FLOODS ON THE 29th OF OCTOBER?")
    assert not {"in", "the", "on", "of"} & set(shouted.terms)
    assert "who" not in analyse("Who released the recording?").terms
    # Not after a figure or a verb: a time of day, a word stressed in capitals.
    for stressed, word in [
        ("What happened at 9 AM in Kellbach?", "AM"),
        ("Did the army NOT retreat from Kursk?", "NOT"),
        ("How many people died in the floods, and WHERE?", "WHERE"),
    ]:
        q = analyse(stressed)
        assert word not in q.names and word.casefold() not in q.terms, stressed


@pytest.mark.parametrize(
    "question",
    [
        "How big is Russia's total mobilisation pool according to Shoigu?",
        "How did investors react to Kestrel's numbers?",
        "What did Lev Ostrom say about the Orvenian side's losses?",
    ],
)
def test_a_possessive_is_no_counted_noun(question: str) -> None:
    """The "s" of "Kestrel's numbers" was read as the noun a figure must count: no figure counts "s"."""
    q = analyse(question)
    assert "s" not in q.focus | q.head
    assert analyse("How many tank losses were reported?").focus >= {"tank", "losses"}
    # A possessive's losses are still a figure asked, of no counted noun.
    for asked in ("What were Russia's losses in Kursk?", "What was the Red Cross's tally?"):
        figure = analyse(asked)
        assert Asks.FIGURE in figure.asks and not figure.focus, asked


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        # A later interrogative joins clauses: it asks for no date, no actor.
        ("What did the chief executive say when announcing the takeover?", set()),
        ("Who was running Intel when it announced the job cuts?", {Asks.ACTOR}),
        ("How many people were killed when strikes hit the bus stop?", {Asks.FIGURE}),
        ("How much emergency money did the WHO release?", {Asks.FIGURE}),
        # A preposition before the interrogative belongs to it; two patterns on one interrogative both count.
        ("In which countries did the storm kill people?", {Asks.PLACE, Asks.ACTOR}),
        ("On what date did the court rule?", {Asks.DATE, Asks.DAY}),
        # Without an interrogative, the first match asks.
        ("Number of dead in the earthquake?", {Asks.FIGURE}),
        # One joined to the first asks too; an acronym is none; a later clause's is subordinate.
        ("When and where did the storm make landfall?", {Asks.DATE, Asks.PLACE}),
        ("Who won and by how many votes?", {Asks.ACTOR, Asks.FIGURE}),
        ("Did the WHO say when the vaccine would arrive?", {Asks.DATE}),
        ("Что сказал министр, когда объявил о сокращениях?", set()),
        ("¿En el ataque que golpeó Kiev cuántos muertos hubo?", {Asks.FIGURE}),
        ("What is the reason why the minister resigned?", {Asks.REASON}),
        # a time of day is a date question too, in any language; "wie viel Uhr" or "во сколько" asks no figure
        ("At what time did the blast occur?", {Asks.DATE, Asks.HOUR}),
        ("Um wie viel Uhr stürzte die Brücke ein?", {Asks.DATE, Asks.HOUR}),
        ("À quelle heure a eu lieu l'explosion ?", {Asks.DATE, Asks.HOUR}),
        ("В котором часу произошёл взрыв?", {Asks.DATE, Asks.HOUR}),
        ("Во сколько обойдётся ремонт моста?", {Asks.FIGURE}),  # "во сколько" asks a cost as often as an hour
        ("Во сколько раз выросли цены?", {Asks.FIGURE}),
        ("What time frame did the ministry give?", {Asks.DATE}),
        ("At what time of year do the floods come?", {Asks.DATE}),
        ("What time did Kipchoge run in Berlin?", {Asks.DATE}),  # a race's time is no time of day
        ("O której godzinie zawalił się most?", {Asks.DATE, Asks.HOUR}),
        ("O której firmie mówił premier?", set()),  # "about which company"
        # The word lists of questions.json are no kind's pattern.
        ("tanks and or trucks", set()),
        ("Who said do does did have has had will would can could?", {Asks.ACTOR}),
        # A count named after the noun asks it, where the interrogative asks nothing else.
        ("What were Karsova's February losses according to Orvenia's General Staff?", {Asks.FIGURE}),
        ("Why do outlets report different totals for the aid package?", {Asks.REASON}),
        ("Who reckons Russia's real tank losses could be close to 2,000?", {Asks.ACTOR}),
    ],
)
def test_the_first_interrogative_of_a_clause_sets_what_it_asks(question: str, asks: set[Asks]) -> None:
    assert set(analyse(question).asks) == asks


def test_capitalised_nouns_are_not_names_in_german() -> None:
    q = analyse("Wie viele Todesopfer gab es Ende Januar in Rumänien?")
    assert q.names == () and "todesopfer" in q.terms
    # where nouns are capitalised, the counted noun ends with them: not "Passagiere wurden"
    injured = analyse("Wie viele Passagiere wurden bei der Landung verletzt?")
    assert injured.focus == {"passagiere", "passagi"} and "verletzt" in injured.event
    assert analyse("Wie viele ukrainische Soldaten starben?").focus >= {"ukrainische", "soldaten"}
    assert analyse("How many Shaheds were shot down over Kyiv?").names == ("Shaheds", "Kyiv")


def test_a_figure_of_the_asked_noun_beats_the_set_up_sentence() -> None:
    q = analyse("How many tanks did the Russian soldier in the intercepted Kharkiv-region call say his unit still had?")
    assert counts_asked_noun(ANSWER, q) and not counts_asked_noun(SETUP, q)
    assert bonus(q, ANSWER) > bonus(q, SETUP) + 0.15
    assert not counts_asked_noun("Stats released by Russia claimed it had lost 3,010 soldiers.", q)


@pytest.mark.parametrize(
    ("question", "sentence", "counts"),
    [
        # a count in words
        ("How many people were killed at the bus stop?", "At least three people were killed at a bus stop.", True),
        # a capitalised word of the figure names the asked kind; a nationality before another noun does not
        ("How many Leopards did the brigade lose?", "It lost at least seven German-made Leopard tanks.", True),
        ("How many Ukrainian prisoners came home?", "31,000 Ukrainian military personnel have been killed.", False),
        # what a measure is of
        ("How much heavy equipment have the brigades lost?", "They lost just 30 pieces of heavy equipment.", True),
        # an amount in a currency, for money; not for something else
        ("How much money did Poland set aside for relief?", "The government allocated $260 million for relief.", True),
        ("How much money did Poland set aside for relief?", "The cut costs 1.2 billion euros a year.", True),
        ("How much money did Poland set aside for relief?", "Floods forced 2,600 people from their homes.", False),
        # CLDR's plurals, American and British
        ("How much money did Sweden set aside for relief?", "Sweden set aside 40 billion Swedish kronor.", True),
        ("How much money will Russia spend on the bridge?", "It will spend 150 billion roubles on it.", True),
        ("How much damage did the storm do?", "The storm left $3 billion of losses in Florida.", False),
        # what a count "of" counts
        ("What was the cumulative count of destroyed Russian tanks?", "Russia has lost 2,600 main battle tanks.", True),
        # the other side's: a name the question gives to someone else owns the counted things
        ("How many Russian tanks did Ukraine destroy?", "Ukraine lost 20 Ukrainian tanks in the battle.", False),
        ("How many Sulmoran drones has Dravenia shot down?", "Sulmora said it shot down 23 Dravenian drones.", False),
        ("How many Russian tanks did Ukraine destroy?", "Ukraine destroyed 14 Russian tanks.", True),
        ("How many Russian tanks did Ukraine destroy?", "Ukraine destroyed 14 T-72 tanks.", True),
        ("How many Russian tanks did Ukraine destroy?", "It hit 14 Russian and Ukrainian tanks.", True),
        # a compound says where or by whom, not whose
        ("How many US troops will be pulled out of Germany?", "It will pull 12,000 Germany-based troops out.", True),
        ("How many Russian missiles were shot down?", "It shot down 30 Kyiv-bound missiles from Russia.", True),
        # a day of a month counts nothing the words before it name; a march is no month
        ("How many drones were shot down?", "The air force has shot down drones since April 27.", False),
        ("How many people attended the march?", "People at the march 50,000, organisers said.", True),
    ],
)
def test_the_counted_noun_is_read_from_words_names_measures_and_currencies(
    question: str, sentence: str, counts: bool
) -> None:
    assert counts_asked_noun(sentence, analyse(question)) is counts


def test_the_measure_a_what_question_names_ranks_but_is_not_required() -> None:
    """Where no noun follows it, the measure named ("what range") lifts a figure given as it; a figure given
    otherwise still answers ("won 33.7% of the vote" for "what share of the vote…")."""
    q = analyse("To what range did the bank raise its rate?")
    unit = KIND_CUES.index("unit")
    assert kind_cues(q, "The rate was raised to a range of 0 to 0.1%.")[unit] == 1.0
    assert kind_cues(q, "It charged 0.1% on a small pool of reserves.")[unit] == 0.0
    assert kind_cues(analyse("What was the number of people killed?"), "At least 64 people were killed.")[unit] == 1.0
    share = analyse("What share of the vote did Labour win?")
    assert "gives that figure" not in not_found(share, ["Labour won 33.7% of the vote."], 3)


def test_a_figure_question_without_a_counted_noun_needs_a_count_of_what_it_names() -> None:
    """ "How much does Kisunla cost?" asks no noun to count: a count answers it where the sentence, or its article's
    opening, names the drug ("The drug will cost…" under "FDA approves Kisunla"). Quotes about it without any
    figure, or a price of something else beside them, give no figure; a figure in another language is unread."""
    q = analyse("How much does Kisunla cost?")
    assert Asks.FIGURE in q.asks and not q.focus
    about = "Kisunla works by targeting amyloid in the brain, considered a hallmark of Alzheimer's disease."
    other = "If the BTC price loses key support at $93,700, it can fall further to $75,600."
    assert asked_figure_found(q, [about, other], ["FDA approves Kisunla", "Crypto market crash"]) == 0.0
    price = "The drug will cost about $32,000 for a year of treatment, the company said."
    assert asked_figure_found(q, [about, price], ["FDA approves Kisunla", "FDA approves Kisunla"]) == 1.0
    assert asked_figure_found(q, [about, price]) == 0.0  # nothing says what "the drug" is
    assert asked_figure_found(analyse("How much does it cost?"), [other]) == 1.0  # no name: any count
    german = analyse("How much did inflation rise in Germany in March?")
    assert asked_figure_found(german, ["Die Inflation in Deutschland stieg im März auf 2,2 Prozent."]) == 0.5


def test_a_year_the_question_names_marks_no_claim() -> None:
    q = analyse("Who was named best player of Euro 2024?")
    stated = KIND_CUES.index("stated")
    assert kind_cues(q, "Six players will be awarded the Euro 2024 golden boot.")[stated] == 0.0


def test_a_figure_the_question_names_marks_the_claim_only_outside_how_many_questions() -> None:
    said = "He estimated the actual toll could be nearer 2,000 tanks."
    other = "Russia has now lost close to 4,000 tanks in its war against Ukraine."
    who = analyse("Who reckons Russia's real tank losses could be close to 2,000?")
    assert bonus(who, said) > bonus(who, other)
    how_many = analyse(
        "In the update that put Russian troop losses at 883,950, how many armoured vehicles were listed?"
    )
    assert bonus(how_many, "Russia has lost 883,950 troops.") <= bonus(how_many, "21,346 armored fighting vehicles")


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        (SETUP, "Kharkiv"),
        ("He made the call while on the frontline near the eastern Ukrainian city of Lyman.", "Lyman"),
        ("“Everything is the same as it used to be. From here, we must move on to Sinkivka.”", "Sinkivka"),
    ],
)
def test_places_the_question_does_not_name(sentence: str, place: str) -> None:
    q = analyse("Where was the soldier stationed when he admitted that Russia was losing?")
    assert place in " ".join(new_names(sentence, q))
    assert carries(q, sentence)
    named = analyse(f"Where near {place} was the soldier?")  # a place the question names is not new
    assert place not in " ".join(new_names(sentence, named))


def test_a_time_or_a_name_after_a_comma_is_no_place() -> None:
    from index.answer_types import new_places

    q = analyse("Where were the first outages reported?")
    assert new_places("In a post Saturday, Microsoft described the outage.", q) == []
    assert new_places("The first alarms were raised in Australia, where banks reported outages.", q) == ["Australia"]
    assert new_places("Fighting went on near the town of Lyman.", q) == ["Lyman"]


def test_names_the_question_does_not_contain() -> None:
    sentence = "“You can say that at least several million shells have been sent,” Shin Won-sik said."
    q = analyse("Which South Korean minister estimated North Korea's containers held millions of shells?")
    assert new_names(sentence, q) == ["Shin Won-sik"]
    assert new_names("The call was released by the SBU.", analyse("Did the SBU release the call?")) == []
    assert new_names("It rained. From here, nobody moved.", q) == []  # a sentence's first word is no name


def test_a_time_span_is_no_count_for_a_how_many_question() -> None:
    q = analyse("How many tanks did the Russian soldier in the intercepted Kharkiv-region call say his unit still had?")
    span = (
        "It was not immediately clear when the conversation took place, but the unnamed man’s complaints appear to"
        " echo those heard repeatedly from Russian troops throughout nearly five months of the war."
    )
    assert kind_cues(q, span)[KIND_CUES.index("figure")] == 0.0
    assert kind_cues(q, ANSWER)[KIND_CUES.index("figure")] == 1.0
    assert kind_cues(q, "Russia lost 3,010 soldiers and 32 tanks in just three days.")[KIND_CUES.index("figure")] == 1.0
    assert bonus(q, ANSWER) > bonus(q, span)


def test_a_time_the_question_states_does_not_answer_when() -> None:
    q = analyse("When had the Fed last cut rates before September 2024?")
    caption = "Jerome Powell speaks during a news conference following the September meeting."
    answer = "The Federal Reserve last cut rates in March 2020 in an emergency response to the pandemic."
    assert not carries(q, caption) and carries(q, answer)
    assert bonus(q, answer) > bonus(q, caption)
    assert carries(analyse("When did the central bank last raise rates?"), caption)  # stated by no question word
    day = analyse("On what date after 18 September did the Fed cut rates again?")
    assert Asks.DAY in day.asks
    assert not carries(day, "The Fed cut on 18 September.") and carries(day, "The Fed cut again on 7 November.")


def widened(text: str, start: int, end: int, question: str) -> str:
    """The quote ``text[start:end]`` becomes once completed for the question."""
    [ev] = complete_answers([Evidence(1, start, end, 1.0)], {1: text}, analyse(question))
    return text[ev.start : ev.end]


def test_a_quote_opening_with_a_pronoun_takes_the_sentence_that_names_who() -> None:
    text = (
        "When asked how many people were in the hospital, the second soldier asked his wounded colleague how many "
        "people were in hospital alongside him. He replied: “More than 500 people! Many more will come…”\n\n"
        "He said nothing else."
    )
    start, end = text.index("He replied"), text.index("\n\n")
    assert widened(text, start, end, "How many wounded were in hospital?").startswith("When asked how many people")
    # A new paragraph is a new context: its pronoun is left alone.
    last = text.index("He said nothing")
    assert widened(text, last, len(text), "What did he say?") == "He said nothing else."


@pytest.mark.parametrize(
    ("text", "quoted", "question"),
    [
        (
            "Russia launched 48 drones overnight, the air force said. Of these, 41 were shot down or jammed.",
            "Of these",
            "How many drones were shot down or jammed?",
        ),
        (
            "The group has verified 1,000 tank losses. It said a further 544 tanks had been captured.",
            "It said",
            "How many tanks were captured?",
        ),
        (
            "Der Pegel der Oder stieg am Montag weiter. Er erreichte in Breslau 6,4 Meter.",
            "Er erreichte",
            "Wie hoch stieg die Oder in Breslau?",
        ),
        (
            "Les pompiers ont évacué 300 habitants. Parmi eux, 12 ont été hospitalisés.",
            "Parmi eux",
            "Combien d'habitants ont été hospitalisés ?",
        ),
    ],
)
def test_a_quote_that_refers_back_takes_the_sentence_before(text: str, quoted: str, question: str) -> None:
    """What "these", "it", "er", "parmi eux" are is said in the sentence before, in the article's language."""
    assert widened(text, text.index(quoted), len(text), question) == text


def test_a_quote_takes_the_next_sentence_that_goes_on_from_it_with_the_asked_kind() -> None:
    text = "Russia launched 48 drones overnight, the air force said. Of these, 41 were shot down or jammed."
    quote = widened(text, 0, text.index(" Of these"), "How many drones did the air force say were shot down?")
    assert quote == text
    # A next sentence that does not refer back, or holds no asked kind, is not taken.
    other = "Russia launched 48 drones overnight, the air force said. Poland scrambled 12 jets."
    assert widened(other, 0, other.index(" Poland"), "How many drones were launched?").endswith("said.")
    assert widened(text, 0, text.index(" Of these"), "Who said so?").endswith("said.")


@pytest.mark.parametrize(
    "text",
    [
        "Rain fell all night. Italy declared a state of emergency on Monday.",  # "It" begins "Italy"
        "Rain fell all night. On Monday the river peaked.",  # Polish "on" is no English word
        "Rain fell all night. Heavy flooding followed.",
    ],
)
def test_a_quote_that_does_not_refer_back_stands_alone(text: str) -> None:
    second = text.index(". ") + 2
    assert widened(text, second, len(text), "What happened on Monday?") == text[second:]


def test_a_quote_opening_a_quoted_paragraph_takes_the_line_naming_the_speaker() -> None:
    text = (
        "Officials backed the claim.\n\n"
        "Christo Grozev, who leads the group, commented as follows:\n\n"
        "‘In the call the officer says they have lost all secure communications. Thus the call on a local sim card.’"
    )
    start, end = text.index("‘In the call"), text.index(" Thus")
    assert widened(text, start, end, "What did the officer report?").startswith("Christo Grozev, who leads the group")
    # A why-question takes the next sentence when it gives the cause.
    assert widened(text, start, end, "Why did he use a local sim card?").endswith("Thus the call on a local sim card.’")


def test_only_figures_counting_the_asked_noun_stand_side_by_side() -> None:
    tolls = analyse("What death tolls were reported for the hurricane?")
    quotes = [
        ("The hurricane's grim death toll has passed 165 people, officials said.", ["165 people"]),
        ("Katrina, which killed at least 1,200 people, was deadlier.", ["at least 1,200 people"]),
    ]
    assert asked_figures(tolls, quotes) == [["165 people"], []]
    aftershocks = analyse("How many aftershocks followed the earthquake?")
    assert asked_figures(aftershocks, [("It left 632 dead and 329 injured.", ["632 dead", "329 injured"])]) == [[]]
    # what the counted things did, where no figure says it: the death tolls do not count the injured
    injured = analyse("How many people were injured in the floods?")
    tolls_only = [
        ("At least 64 people died in the floods.", ["At least 64 people"]),
        ("The floods killed 229 people.", ["229 people"]),
    ]
    assert asked_figures(injured, tolls_only) == [[], []]
    died = analyse("How many people died in the floods?")  # "killed" is not "died", but one figure says "died"
    assert asked_figures(died, tolls_only) == [["At least 64 people"], ["229 people"]]
    # a figure is found as a whole ("5 people" is not in "15 people"), across the line breaks of hard-wrapped text;
    # a verb after the counted noun keeps it counted ("30,000 migrants crossed")
    both = [
        ("Some 15 people died in Alzira.", ["5 people"]),
        ("In all, 229\npeople died.", ["229 people"]),
    ]
    openings = ["Floods in the valley", "The floods in the valley"]
    assert asked_figures(died, both, openings) == [[], ["229 people"]]
    crossed = analyse("How many migrants crossed the Channel?")
    assert asked_figures(
        crossed, [("More than 30,000 migrants crossed it.", ["More than 30,000 migrants crossed"])]
    ) == [["More than 30,000 migrants crossed"]]
    # a year or a name in the question's event is no word a figure must be near
    dated = analyse("How many people died in the 2024 Valencia floods?")
    assert asked_figures(dated, tolls_only, openings) == [["At least 64 people"], ["229 people"]]
    # a quote in another language than the question's: only the figures its words count ("23 passengers"
    # injured and "2.4 million passengers" a year are no answer to the German question, nor side by side)
    german = analyse("Wie viele Passagiere wurden bei der Landung verletzt?")
    english = [
        ("The jet overran the runway, injuring 23 passengers.", ["23 passengers"]),
        ("The airport handled 2.4 million passengers last year.", ["2.4 million passengers"]),
        ("Bei der Landung wurden 31 Passagiere verletzt.", ["31 Passagiere"]),
    ]
    heads = [
        "A passenger jet overran the runway while landing in heavy crosswinds on Thursday evening.",
        "The regional airport handled more travellers last year than ever before, officials said.",
        "Ein Passagierflugzeug ist bei der Landung in starkem Seitenwind über die Landebahn hinausgerollt.",
    ]
    assert asked_figures(german, english, heads) == [[], [], ["31 Passagiere"]]
    who = analyse("Who said 329 people were injured?")  # no figure asked: every figure stays
    assert asked_figures(who, [("It left 632 dead and 329 injured.", ["632 dead", "329 injured"])]) == [
        ["632 dead", "329 injured"]
    ]


def test_of_a_quotes_counts_those_that_say_what_the_counted_did_stand_side_by_side() -> None:
    died = analyse("How many people died in Poland because of Storm Ilse?")
    first = (
        "Storm Ilse has killed at least 12 people in Austria, Poland and the Czech Republic, officials said.\n\n"
        "In Poland, six people died, most of them in the south-west."
    )
    second = (
        "Poland's interior ministry said seven people had died, while Austria reported five deaths. More than "
        "15,000 people have been evacuated in the Czech Republic."
    )
    quotes = [(first, ["at least 12 people"]), (second, ["More than 15,000 people"])]
    assert asked_figures(died, quotes, [first, second]) == [["six people"], ["seven people"]]
    # A count in digits stands alone where the question says nothing the counted did, as before.
    assert asked_figures(analyse("How many people?"), quotes[1:], [second]) == [["More than 15,000 people"]]


def test_a_who_question_wants_someone_not_a_place_or_a_day() -> None:
    q = analyse("Who declared the state of emergency?")
    actor = KIND_CUES.index("actor")
    assert kind_cues(q, "Floods hit homes in Norland on Thursday.")[actor] == 0.0
    assert not carries(q, "Floods hit homes in Norland on Thursday.")
    assert kind_cues(q, "Prime Minister Jan Novak declared a state of emergency on Thursday.")[actor] == 1.0
    # who received or sold something is no place
    bought = analyse("Who bought Twitter?")
    assert carries(bought, "Twitter was sold to Elon Musk in October for $44 billion.")
    assert not carries(bought, "Shares of Twitter fell in New York on Monday.")


def test_names_of_a_german_question_are_the_words_other_languages_capitalise_too() -> None:
    q = analyse("Wie viele Passagiere wurden beim Sturm Boris in Darrowby verletzt?")
    assert q.lang == "de" and q.names == ()
    seen = q.with_names_from(["Storm Boris left 23 passengers injured at Darrowby airport, officials said on Friday."])
    assert seen.names == ("Boris", "Darrowby")  # not "Passagiere", not "Sturm"
    german = q.with_names_from(["Der Sturm Boris hat in Darrowby 23 Passagiere verletzt, teilte die Polizei mit."])
    assert german.names == ()  # German text capitalises every noun: it tells nothing
    english = analyse("How many passengers were hurt in Darrowby?")
    assert english.with_names_from(["In Darrowby, 23 Passengers were hurt."]) == english


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("Wie viele Menschen starben beim Einsturz?", "Beim Einsturz sind sechs Menschen ums Leben gekommen."),
        ("Combien de morts a fait le séisme ?", "Le séisme a fait sept morts, selon la préfecture."),
        ("¿Cuántas personas murieron en la explosión?", "Tres personas murieron en la explosión."),
        ("Ile osób zginęło w katastrofie?", "W katastrofie zginęło pięć osób."),
    ],
)
def test_a_count_in_words_answers_a_question_in_its_language(question: str, sentence: str) -> None:
    """News writes small counts in words; in other languages than English they were no figure at all."""
    q = analyse(question)
    assert counts_asked_noun(sentence, q)
    assert not counts_asked_noun("Die Brücke ist 80 Meter lang.", q)


def test_a_french_how_many_question_counts_the_noun_after_de() -> None:
    """In "combien de morts" the counted noun follows "de", which ended it before it began (no noun, no check)."""
    assert analyse("Combien de morts a fait le séisme ?").focus == {"mort", "morts"}
    assert "personnes" in analyse("Combien de personnes ont été évacuées ?").focus
    assert "habitants" in analyse("Combien d'habitants ont été évacués ?").focus


def test_a_library_of_one_article_is_no_plural() -> None:
    q = analyse("How many tanks were lost?")
    assert not_found(q, [], 1) == "Not found: the one article searched does not give that figure."
    assert not_found(q, [], 2) == "Not found: none of the 2 articles searched gives that figure."
    assert not_found(analyse("Who won the vote in Narva?"), [], 1) == (
        "Not found: nothing in the one article searched answers this question."
    )


def test_a_common_noun_of_a_german_question_is_no_name_for_an_english_title_or_sentence_start() -> None:
    q = analyse("Was sagte der Minister über das Hotel und die Bank?")
    english = [
        "Minister Resigns Over Hotel Deal\nPrime Minister Keir Starmer said the Bank of England would act. The "
        "minister added that the bank was ready. Hotel staff were evacuated; the hotel was closed."
    ]
    assert q.with_names_from(english).names == ()  # English writes each of them in lower case too
    listed = analyse("Was sagen Google, Apple dazu?")
    assert listed.with_names_from(["Both Google, Apple and Meta cut jobs."]).names == ("Google", "Apple")


def test_a_question_word_written_as_a_name_stays() -> None:
    q = analyse("Quante persone ha ucciso Cosa Nostra?")
    assert "cosa" in q.terms and "Cosa" in " ".join(q.names)
    assert "cosa" not in analyse("Cosa ha detto il ministro?").terms


def test_a_number_word_that_is_also_a_common_word_counts_nothing() -> None:
    q = analyse("Quante persone sono morte nel crollo?")
    assert not counts_asked_noun("Tu sei una persona coraggiosa, ha detto il sindaco.", q)
    assert counts_asked_noun("Nel crollo sono morte tre persone.", q)


def test_a_place_on_the_outskirts_of_a_town_answers_where() -> None:
    q = analyse("Where was the stolen painting found?")
    assert carries(q, "It was recovered in a storage unit on the outskirts of Ardmore Quay, police said.")


def test_a_name_right_after_on_is_no_place() -> None:
    """The word "on" puts a name in a place with words between ("on the coast of Maragne"), not right before it:
    officials speak "on Telegram" in most war news, and a where-question is not answered by that."""
    q = analyse("Where was the stolen painting found?")
    assert carries(q, "The ship ran aground on the coast of Maragne.")
    assert not carries(q, "Zelensky said on Telegram that the unit held.")


def test_a_question_typed_in_lower_case_takes_its_names_from_the_texts() -> None:
    """Chat users type "how much rain fell in kellbach?": no capital tells a name. The words the retrieved texts
    write capitalised mid-sentence and never in lower case are its names."""
    q = analyse("how much rain fell in kellbach?")
    assert q.names == () and typed_lower(q)
    texts = ["Floods in Kellbach\nRain fell for days. In Kellbach the river rose; the rain stopped on Monday."]
    assert q.with_names_from(texts).names == ("kellbach",)  # "rain" is written in lower case too
    assert q.with_names_from(["Rain Fell In Kellbach\nIt rained."]).names == ()  # a title's words tell nothing
    written = analyse("How much rain fell in Kellbach?")
    assert not typed_lower(written) and written.with_names_from(texts) == written


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("quante petroliere della flotta ombra sono finite nelle sanzioni?", "La lista nera include 75 petroliere."),
        ("сколько беспилотников сбили над областью?", "Ночью были уничтожены 27 беспилотников."),
        ("Wie viele Menschen mussten ihre Häuser verlassen?", "Rund 4.500 Menschen mussten ihre Häuser verlassen."),
    ],
)
def test_a_figure_in_digits_counts_the_noun_after_it_in_other_languages(question: str, sentence: str) -> None:
    """English's figure grammar took "flotta" for what "75 petroliere della flotta" counts, and read no Cyrillic
    noun at all: the asked figure was "missing" from the very sentence that gives it."""
    q = analyse(question)
    assert counts_asked_noun(sentence, q)
    assert not counts_asked_noun("Die Brücke ist 80 Meter lang.", analyse("Wie viele Menschen starben?"))


def test_names_of_a_lower_case_question_are_not_read_off_line_starts_datelines_or_german_nouns() -> None:
    """A heading's or a dateline's first word, and a noun a German text capitalises ("Hotel"), are no names; an
    acronym the question writes in capitals leaves it "typed in lower case"; a German question typed in lower case
    reads its names off the texts in other languages."""
    q = analyse("how many guests were in the hotel when rain fell on kellbach?")
    texts = [
        "Fire in Kellbach\nKELLBACH (Reuters) - Rain fell all night.\nGuests\nSome 40 guests left the hotel in "
        "Kellbach.",
        "Brand in Kellbach\nIm Hotel waren 40 Gäste, als der Regen in Kellbach fiel.",
    ]
    assert q.with_names_from(texts).names == ("kellbach",)
    assert typed_lower(analyse("how many drones did the SBU shoot down over kellbach?"))
    german = analyse("wie viele gäste waren im hotel in kellbach?", lang="de")
    assert typed_lower(german) and german.with_names_from(texts).names == ("kellbach",)  # the English text's word


def test_a_german_name_with_sharp_s_is_read_as_written() -> None:
    q = analyse("Wie viele Menschen demonstrierten in der Oranienstraße?", lang="de")
    text = "Protest in Berlin\nPolice said 3,000 people marched along Oranienstraße on Saturday, and it was calm."
    assert q.with_names_from([text]).names == ("Oranienstraße",)


def test_a_question_typed_in_lower_case_is_written_with_its_names_capitalised() -> None:
    q = analyse("how much rain fell in kellbach?")
    texts = ["Floods in Kellbach\nRain fell for days. In Kellbach the river rose; the rain stopped on Monday."]
    assert truecased(q.with_names_from(texts)) == "How much rain fell in Kellbach?"
    assert truecased(q) == "How much rain fell in kellbach?"  # no names read: only its first letter
    written = analyse("How much rain fell in Kellbach?")
    assert truecased(written) == written.text
    german = analyse("wie viele menschen mussten kellbach verlassen?", lang="de")
    assert truecased(german) == german.text  # its nouns would need capitals this cannot restore


def test_the_verb_that_opens_a_clause_is_no_term_and_no_counted_noun() -> None:
    """ "how long will the dam repairs take" counted "will" (Snowball's English list lacks it): no quote counts
    that, and the answer's "14 months of repairs" was judged a missing figure."""
    q = analyse("How long will the dam repairs take?")
    assert "will" not in q.terms and not q.focus
    assert analyse("How many tanks can the unit field?").focus == {"tank", "tanks"}


def test_an_adverb_of_time_or_degree_is_no_term() -> None:
    """ "How many tanks does the unit still have?" needed "still" in a quote (Snowball's English list lacks it, as
    it lacks "also", "yet", "already"): its coverage of the seed that answers it was .22, and it was refused."""
    q = analyse("How many tanks does the unit still have? Has it already lost the rest, or has it also got new ones?")
    assert not {"still", "already", "also"} & set(q.terms)
    assert {"tanks", "unit", "lost", "rest", "new"} <= set(q.terms)


@pytest.mark.parametrize(
    "sentence",
    [
        "Impairment charges rose to 212 million pounds, which the bank attributed mainly to small firms.",
        "Italy's heatwave has been blamed for at least 23 deaths across the south.",
        "Asked why she had not gone to the board, Dartry said she had been afraid of losing her job.",
        "The rally was driven by hopes of a rate cut.",
    ],
)
def test_a_cause_is_carried_by_its_connective(sentence: str) -> None:
    assert carries(analyse("Why did the charges go up?"), sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Investigators said it was not yet clear why the aircraft went down.",  # "why" says no cause
        "Remarks attributed to Lund appeared in a Norwegian newspaper.",  # a credit, not a cause
    ],
)
def test_words_near_a_connective_give_no_cause(sentence: str) -> None:
    assert not carries(analyse("Why did the plane crash?"), sentence)


def test_a_counted_figure_answers_where_its_sentence_or_lead_names_what_is_asked() -> None:
    """ "How many branches will Eastmere close?" is not answered by another bank's closures, even where that
    article mentions Eastmere further down: the figure's sentence, or its article's first sentence, names it."""
    q = analyse("How many branches will Eastmere close?")
    rival = "LONDON - Wardlow Penn Bank said it would close 40 branches. The lender competes with Eastmere Bank."
    own = "LONDON - Eastmere Bank said on Friday it would cut costs. Shares rose."
    closing = "It would close 40 of its 310 branches over 18 months."
    assert asked_figure_found(q, [closing], [rival]) == 0.0
    assert asked_figure_found(q, [closing], [own]) == 1.0
    assert asked_figure_found(q, ["Eastmere would close 40 of its 310 branches."]) == 1.0
    # a dateline on a line of its own is no first sentence
    datelined = "LONDON, Aug 4 (Wire)\n\nEastmere Bank announced a sweeping restructuring on Friday. More."
    assert asked_figure_found(q, [closing], [datelined]) == 1.0
    # a figure question without a counted noun the same way
    cost = analyse("How much will Eastmere's branch closures cost?")
    assert not cost.focus
    assert asked_figure_found(cost, ["The closures will cost 80 million pounds."], [rival]) == 0.0
    assert asked_figure_found(cost, ["The closures will cost 80 million pounds."], [own]) == 1.0


def test_a_span_answers_how_long_as_a_figure_does() -> None:
    """ "How long will the repairs take?" is answered by "at least six weeks", a time (no count of anything), not by
    the households a sentence counts; a rate ("90,000 barrels a day") is no span."""
    q = analyse("How long will repairs at the Harnov plant take?")
    weeks = 'Repairing the Harnov plant would take "at least six weeks", the deputy minister said.'
    homes = "Power was restored to 160,000 homes near the Harnov plant."
    figure = KIND_CUES.index("figure")
    assert kind_cues(q, weeks)[figure] == 1.0 and kind_cues(q, homes)[figure] == 1.0
    assert kind_cues(analyse("How many homes lost power?"), weeks)[figure] == 0.0
    assert asked_figure_found(q, [weeks]) == 1.0
    assert has_span("a three-week pause") and has_span("30 days from midnight") and has_span("shut for a month")
    assert not has_span("90,000 barrels a day") and not has_span("14 billion euros a year")
    # an age, a time ago and a name are no length of time; "how long is the canal?" asks a length
    assert not any(map(has_span, ("A 25-year-old driver", "five years ago", "the Six-Day War")))
    canal = analyse("How long is the Istanbul canal?")
    assert kind_cues(canal, "Building the Istanbul canal will take seven years.")[figure] == 0.0
    assert kind_cues(analyse("How long is the pause supposed to last?"), weeks)[figure] == 1.0


def test_a_dateline_carries_no_time_place_or_actor_of_what_is_asked() -> None:
    """ "HARLOW, March 3 (Meridian Wire) - " says where, when and by whom a story was filed: a lead sentence does not
    answer "when", "where" or "who" by it, for the quote shown first, the evidence ranker or the model."""
    lead = "HARLOW, March 3 (Meridian Wire) - The Kell bridge reopened to traffic after repairs."
    when, where, who = (
        analyse(t)
        for t in ("When did the Kell bridge reopen?", "Where did the bridge reopen?", "Who reopened the Kell bridge?")
    )
    for q in (when, where, who):
        assert not carries(q, lead), q.text
    assert carries(when, "The Kell bridge reopened to traffic on March 3 after repairs.")
    assert carries(who, "The bridge was reopened by the Harlow Transport Authority after repairs.")
    date = KIND_CUES.index("date")
    assert kind_cues(when, lead)[date] == 0.0
    assert kind_cues(when, "It reopened on March 3.")[date] == 1.0


def test_a_time_of_day_answers_at_what_time() -> None:
    """ "At what time…" is answered by a clock time in any language's writing ("1:29 a.m.", "18.30 Uhr", "alle 15"),
    not by the day or the dateline; quotes without one refuse it, as a date question's without a date."""
    q = analyse("At what time did the Kell bridge collapse?")
    assert carries(q, "The bridge gave way at about 6:15 p.m. during the evening rush hour.")
    assert carries(q, "Die Brücke stürzte um 18.30 Uhr ein.")
    assert not carries(q, "HARLOW, March 3 (Meridian Wire) - The Kell bridge collapsed on Tuesday evening.")
    assert missing_day(q, ["The Kell bridge collapsed on Tuesday evening, officials said."], 3) == (
        "Not found: none of the 3 articles searched gives that time of day."
    )
    assert missing_day(q, ["The Kell bridge collapsed at 6:15 p.m. on Tuesday."], 3) is None
    assert not_found(q, ["The Kell bridge collapsed on Tuesday."], 1) == (
        "Not found: the one article searched does not give that time of day."
    )
    assert carries(analyse("When did the Kell bridge collapse?"), "The Kell bridge collapsed on Tuesday evening.")
    for clock in (
        "at 0400 GMT",
        "at 5 pm",
        "at midnight",
        "vers 16 heures",
        "в 3 часа ночи",
        "a las 3 de la madrugada",
    ):
        assert carries(q, f"The bridge collapsed {clock}."), clock
    for other in ("after 3.5 h of rain", "около 5, ранены 12"):
        assert not carries(q, f"The bridge collapsed {other}."), other


def test_a_dateline_is_a_place_in_capitals_or_a_date_before_an_outlet() -> None:
    """ "KYIV (Reuters) - " and "BERLIN, 13. August (Lagebericht) – " are datelines; "Jane Doe (left) - the agency's
    new head - reopened the bridge" opens with a name and an aside, and keeps them."""
    from index.answer_types import filed

    assert filed("KYIV (Reuters) - Rain fell.") == "Rain fell."
    assert filed("BERLIN, 13. August (Berliner Lagebericht) – Eine Woche später") == "Eine Woche später"
    aside = "Jane Doe (left) - the agency's new head - reopened the bridge on March 3."
    assert filed(aside) == aside
    assert carries(analyse("Who reopened the bridge?"), aside)

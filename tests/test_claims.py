"""Who claims what and how sure, on real sentences of the seed and dev articles."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support import DEV

from index import Citation, Library, render_text
from index.citing import compare_figures
from index.claims import (
    Claim,
    attribution,
    claim,
    credit_of,
    figures,
    hedge,
    noun_of,
    paragraph_credits,
    side_by_side,
    subject,
    unit_of,
)
from index.question import analyse


def sentence(texts: dict[str, str], start: str) -> str:
    for text in texts.values():
        if start in text:
            rest = text[text.index(start) :]
            return rest[: rest.index("\n")] if "\n" in rest else rest
    raise AssertionError(f"no seed sentence starts with {start!r}")


def test_seed_sentences(seed_texts: dict[str, str]) -> None:
    call = sentence(seed_texts, "“We should have about 90 tanks left")
    assert claim(call).figures == ("about 90 tanks", "probably 14 tanks")
    assert attribution(call) == "the man" and not hedge(call)
    stats = sentence(seed_texts, "Stats released by Russia")
    assert claim(stats).figures == ("3,010 soldiers", "32 tanks") and attribution(stats) == "Russia"
    assert hedge(stats) == "claimed"
    unconfirmed = sentence(seed_texts, "It is unconfirmed whether the call is authentic")
    assert hedge(unconfirmed).startswith("It is unconfirmed")
    audio = sentence(seed_texts, "Audio shared by Ukraine’s Security Service")
    assert attribution(audio) == "Ukraine’s Security Service" and hedge(audio) == "is said to"
    report = sentence(seed_texts, "It comes as a new report from US intelligence")
    assert attribution(report) == "US intelligence" and figures(report)[0] == "nearly 90 per cent of its army"
    assert "around two-thirds of its tank force" in figures(sentence(seed_texts, "The report said around two-thirds"))
    assert unit_of("probably 14 tanks") == unit_of("32 tanks")


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared is not beside this checkout")
def test_dev_sentences() -> None:
    text = "\n".join(json.loads(line)["text"] for line in (DEV / "articles.jsonl").read_text().splitlines())
    hedged = [
        "the purported soldier says",
        "The authenticity of the soldier’s statements have not been independently verified",
        "convicts who reportedly received little training",
        "has previously made unverifiable claims",
        "Ukraine has allegedly shot down a Russian spy plane",
        "This could not be verified independently",
    ]
    plain = [
        "The group said this week it has verified 1,000 distinct Russian tank losses in the war",
        "The site uses only photographic and video evidence to verify claims",
    ]
    for phrase in hedged + plain:
        assert phrase in text, phrase
    assert all(hedge(p) for p in hedged)
    assert not any(hedge(p) for p in plain)
    assert figures("It happened in 2022 near the river.") == []
    counted = {  # the noun a figure counts, past adjectives and before a verb
        "The cost of nearly 4,000 tanks lost runs into the billions": ("nearly 4,000 tanks", "tank"),
        "lost approximately 2,600 main battle tanks and": ("approximately 2,600 main battle tanks", "tank"),
        "11,671 armored fighting vehicles": ("11,671 armored fighting vehicles", unit_of("vehicles")),
    }
    for phrase, (figure, unit) in counted.items():
        assert phrase in text, phrase
        assert figures(phrase)[0] == figure and unit_of(figure) == unit
    speakers = {
        "Christo Grozev, who serves as executive director of the fact-checking group known as Bellingcat, "
        "commented as follows": "Christo Grozev",
        "said Jakub Janovsky, a military analyst who contributes to the Oryx blog": "Jakub Janovsky",
    }
    for phrase, who in speakers.items():
        assert phrase in text, phrase
        assert attribution(phrase) == who


def test_answers_put_figures_side_by_side_and_flag_hedges(
    make_library: Callable[..., Library], seed_texts: dict[str, str]
) -> None:
    # A war desk's library: "equipment" stands for tanks, artillery… (optional data, off by default).
    library = make_library(concepts_file=str(Path(__file__).resolve().parents[1] / "examples" / "concepts-war.json"))
    dates = dict(zip(seed_texts, ["2022-07-20", "2023-05-02"], strict=True))  # each figure keeps its date
    for name, text in seed_texts.items():
        library.add_text(text, key=name, published=dates[name])
    answer = library.ask("what equipment losses were reported?")
    # A quote of two paragraphs credits both speakers, each for its own paragraph, not the first for the second.
    both = "Russia (first paragraph) and US intelligence (second paragraph)"
    assert {c.attribution for c in answer.citations} >= {both, "the man"}
    hedged = [c for c in answer.citations if c.hedged]
    assert hedged and all(c.hedge for c in hedged)
    tanks = answer.figures["tank"]
    assert {e.figure for e in tanks} >= {"32 tanks", "probably 14 tanks"} and len({e.n for e in tanks}) == 2
    text = render_text.render(answer)
    assert "Figures side by side:" in text and "tank: " in text
    assert {e.published for e in tanks} == set(dates.values())
    line = next(x for x in text.splitlines() if x.strip().startswith("tank: "))
    assert all(d in line for d in dates.values())


@pytest.mark.parametrize(
    ("sentence", "figure", "noun"),
    [
        # A verb after the counted noun is no part of it, whatever the beat.
        ("Lawmakers approved a $110 billion package signed by the president.", "$110 billion package", "package"),
        ("Labour kept the 21 seats they won in 2019.", "21 seats", "seats"),
        ("Police said 300 people reported missing were found.", "300 people", "people"),
        ("It recruited 50,000 prisoners released early.", "50,000 prisoners", "prisoners"),
        ("The court reached a 6-3 decision threw out the case.", "3 decision", "decision"),
        ("The army listed 79 tanks destroyed and 65 abandoned.", "79 tanks", "tanks"),
        # A participle before the noun modifies it; right after the number it is what is counted.
        ("It fielded 11 infantry fighting vehicles.", "11 infantry fighting vehicles", "vehicles"),
        ("Officials counted 40 displaced families.", "40 displaced families", "families"),
        ("The blast left 14 injured and 3 dead.", "14 injured", "injured"),
        ("About 12,000 people without safe housing remain.", "About 12,000 people", "people"),
    ],
)
def test_a_figures_noun_ends_before_the_verb_that_follows_it(sentence: str, figure: str, noun: str) -> None:
    found = figures(sentence, "en")
    assert figure in found and noun_of(figure) == noun, found


@pytest.mark.parametrize(
    ("sentence", "flag"),
    [
        ("The data of up to 300,000 patients may have been copied.", "may have been"),
        ("The rate was reported to be 74%.", "was reported to be"),
        ("The true toll is believed to be far higher.", "is believed to be"),
        ("The post could not be independently verified.", "could not be independently verified"),
        ("The rate was 74%, the ministry reported.", ""),
        ("The theft was reported to police on Monday.", ""),
        ("The deaths could have been prevented, the coroner said.", ""),
    ],
)
def test_hedges_are_flagged(sentence: str, flag: str) -> None:
    assert hedge(sentence) == flag


def test_figures_keep_their_currency_and_scale_and_leave_out_days_times_labels_and_ages() -> None:
    text = (
        "SAN MARCELO, Aug 13 - The fire broke out shortly after 2 p.m. off Route 9, and the strike begins at 00:01. "
        "Residents of Zone 4 left. Ashcombe, 58, was fined £18.6m, paid around $3.2 million and lost €410 million. "
        "It grew to roughly 13,000 acres overnight and was 35 percent contained; 95% needed to agree. "
        "The operator ran just 112 of its usual 400 services, down from 45.6% four years ago."
    )
    assert figures(text, "en") == [
        "£18.6m",
        "around $3.2 million",
        "€410 million",
        "roughly 13,000 acres",
        "35 percent",
        "95%",
        "just 112",
        "400 services",
        "45.6%",
    ]
    # A number after a noun that a function word does not introduce is a count, not a label; so is one a plural or
    # a share follows, and a month before a number is no date unless a day of it is.
    assert figures("The US gave Ukraine 31 tanks.", "en") == ["31 tanks"]
    assert figures("Russia Loses 883,950 Troops in Ukraine", "en") == ["883,950 Troops"]
    assert figures("In Florida 12 people died; the Ukrainians got 31 Abrams tanks.", "en") == [
        "12 people",
        "31 Abrams tanks",
    ]
    assert figures("Labour took 35% of the vote, the Tories 24%. It was a Category 4 hurricane.", "en") == [
        "35% of the vote",
        "24%",
    ]
    assert figures("In May 40% of voters and In March 2,000 workers said no.", "en") == ["40%", "2,000 workers"]
    # "percentage points" is no "percent"; a noun without an -s plural ends too; a plural modifier goes on
    assert figures("The Fed cut rates by 0.25 percentage points.", "en") == ["0.25 percentage points"]
    assert figures("The toll stands at 300 people confirmed dead.", "en") == ["300 people"]
    assert figures("It will cut 300 sales staff and 2,000 overseas aid workers.", "en") == [
        "300 sales staff",
        "2,000 overseas aid workers",
    ]
    # A currency's code is part of the amount, whether spaced or not; a number never starts inside another ("35.3"
    # was read as "3 billion"); a code that is no currency's stays out.
    assert figures("It is valued at USD35.3 billion, or EUR 32 billion; GDP 3% higher.", "en") == [
        "USD35.3 billion",
        "EUR 32 billion",
        "3% higher",
    ]
    # A day before its month ("on 3 March", "31 Dec.") and an age ("a 45-year-old man") count nothing.
    assert figures("On 3 March a 45-year-old man and 40 workers fell ill; 12 had died by 31 Dec.", "en") == [
        "40 workers",
        "12",
    ]
    assert figures("The victim, 45 years old, was one of 12 marchers hurt.", "en") == ["12 marchers"]
    # a label's number before another number's plural; an amount's "figure"; an adverb after a number
    assert figures("Flight KV412, an Aeris 320 carrying 148 passengers, landed.", "en") == ["148 passengers"]
    assert figures("It beat the €2.1 billion figure the companies gave.", "en") == ["€2.1 billion"]
    assert figures("It landed on runway 27 shortly after 40 deadly attacks.", "en") == ["27", "40 deadly attacks"]
    assert figures("15 seriously injured passengers, 2.3 million internally displaced persons.", "en") == [
        "15 seriously injured passengers",
        "2.3 million internally displaced persons",
    ]
    # a code is kept before an amount only ("TOP 10", "AMD 7", "COP28" are names), also after another figure
    assert figures("The TOP 10 players, AMD 7 chips and the COP28 summit; EUR 1,200 each.", "en") == [
        "10 players",
        "7 chips",
        "EUR 1,200",
    ]
    assert figures("The 10 banks lent USD 5 million.", "en") == ["10 banks", "USD 5 million"]


def test_figures_of_one_noun_are_grouped_under_a_readable_label() -> None:
    war = frozenset({"russia", "ukraine"})
    items = [
        (1, "Outlet A", "2024-01-28", Claim(("11,671 armored fighting vehicles",), "the General Staff", ""), war),
        (2, "Outlet B", "", Claim(("nearly 8,000 armored vehicles",), "", "reportedly"), war),
        (2, "Outlet B", "", Claim(("3,600 tanks",), "", ""), war),
    ]
    grouped = side_by_side(items)
    assert list(grouped) == ["vehicle"]  # tanks come from one source only: nothing to compare
    assert [(e.n, e.published, e.hedged) for e in grouped["vehicle"]] == [(1, "2024-01-28", False), (2, "", True)]


def test_a_group_is_labelled_with_its_noun_as_written() -> None:
    flood = frozenset({"österreich"})
    items = [
        (1, "ORF", "", Claim(("12 000 Menschen",), "Innenministerium", ""), flood),
        (2, "Kurier", "", Claim(("mindestens 15 000 Menschen",), "Behörden", ""), flood),
    ]
    assert list(side_by_side(items)) == ["Menschen"]  # German capitalises its nouns; English labels stay lower case


def test_durations_and_repeats_are_not_figures_side_by_side() -> None:
    bank = frozenset({"japan"})
    items = [
        (1, "Outlet A", "", Claim(("17 years", "6 trillion yen"), "", ""), bank),
        (1, "Outlet A", "", Claim(("6 trillion yen",), "", ""), bank),  # a second quote of the same article
        (2, "Outlet B", "", Claim(("17 years", "6 trillion yen"), "", ""), bank),
    ]
    grouped = side_by_side(items)
    assert "year" not in grouped  # "the first rise in 17 years" is a duration
    assert [e.n for entries in grouped.values() for e in entries] == [1, 2]


def test_figures_of_different_events_are_not_set_side_by_side() -> None:
    items = [
        (1, "Outlet A", "", Claim(("800 soldiers",), "", ""), frozenset({"poland", "boris"})),
        (2, "Outlet B", "", Claim(("1,200 soldiers",), "", ""), frozenset({"russia", "bakhmut"})),
    ]
    assert side_by_side(items) == {}
    assert figures("The toll rose to 14, regional officials said.") == ["14"]
    assert figures("It sent T-62 tanks, F-16 jets and 40 trucks.") == ["40 trucks"]  # models are no counts
    assert figures("The dam, built in 1972, carries about 30 cubic metres.") == ["about 30 cubic metres"]


@pytest.mark.parametrize(
    ("sentence", "who"),
    [
        ("The toll rose to 14, regional officials said.", "regional officials"),
        ("According to the railway operator, 200 trains were cancelled.", "the railway operator"),
        ("The defence ministry said 12 drones were shot down.", "the defence ministry"),
        ("“There was nothing at all,” said Jan Horvath.", "Jan Horvath"),
        ("He said the river rose.", ""),
        ("AT&T says the stolen data does not contain calls.", "AT&T"),
        ("Spanish giants, Real Madrid has confirmed the signing.", "Real Madrid"),
        ("The boss says Era is not working.", "the boss"),  # the name after "says" opens what was said
        ("Washington, DC. The Federal Reserve said rates would fall.", "The Federal Reserve"),
        ("The active soldier then said the troops had lost patience.", "the active soldier"),
        ("The media outlet also reported that 1,200 people were stranded.", "the media outlet"),
        ("Intel also said it would cut 15% of its workforce.", "Intel"),
        ("Police later confirmed 12 deaths.", "Police"),
        ("As Ukrainian News Agency earlier reported, 40 tanks were lost.", "Ukrainian News Agency"),
        # what is described after a comma is no speaker; a name that ends in an adverb's word is whole
        ("Omicron, first reported in South Africa, has spread to 40 countries, the WHO said.", "the WHO"),
        ("Bill Still said the count was wrong.", "Bill Still"),
        ("The family said he was missing.", "the family"),
        ("“Prices will rise,” said Jane Doe in a statement.", "Jane Doe"),
        ("“Prices will rise,” said Jane Doe who heads research at ING.", "Jane Doe"),
        ("The plant will close, reported Reuters on Monday.", "Reuters"),
        ("The WHO said the outbreak was over.", "The WHO"),  # a name in capitals is no pronoun
        ("G7 leaders said they would act.", "G7 leaders"),
        ("Under Armour said sales fell.", "Under Armour"),
        ("U.S. officials said 12 people died.", "U.S. officials"),  # no sentence ends after an abbreviation
        ("St. Petersburg officials said the bridge was closed.", "St. Petersburg officials"),
        # a title set off after the name is no speaker, however capitalised; the name after the verb is
        ("Dean Turner, chief economist at UBS Global Wealth Management, told CNBC cuts were unlikely.", "Dean Turner"),
        ("Katy Worobec, Head of Fraud, Cyber and Data Sharing at UK Finance said:", "Katy Worobec"),
        ("In Kharkiv Oblast, the governor said three people were hurt.", "the governor"),
        # a time between the speaker and the verb is no part of the speaker; a name in capitals is no time
        ("The ministry on Wednesday said 20 people died.", "the ministry"),
        ("Intel on Monday said sales fell.", "Intel"),
        ("Theresa May said she would resign.", "Theresa May"),  # a month in a name
        ("Police Sunday said three people died.", "Police"),
        ("The toll passed 200 on Thursday, according to a USA TODAY analysis.", "a USA TODAY analysis"),
        # a relative clause in a title: the one who speaks is in it, not the name the title describes
        ("Kamala Harris, the rival Donald Trump says is weak, leads the polls.", "Donald Trump"),
        ("Some 16,200 people have fled to camps in Tawila, said Adam Rojal, a spokesperson.", "Adam Rojal"),
        ("Storm Boris, which hit Poland and Austria, killed 20 people, officials said.", "officials"),
        ("On Friday, officials in Kyiv said five drones were downed.", "officials in Kyiv"),
        ("Early Sunday, Russian officials said 30 drones were downed.", "Russian officials"),
        ("Hurricane Helene, which struck Florida last week, killed dozens, officials said.", "officials"),
        ("Elon Musk, the billionaire, was wrong, experts told Reuters.", "experts"),
        # a circumstance after the speaker (a time, a manner) is no part of it; where the speaker is, is
        ("Intel at the time said the funding would create 3,000 jobs.", "Intel"),
        ("The ministry in a statement said 12 people died.", "the ministry"),
        ("The minister over the weekend said four people died.", "the minister"),
        ("Police late on Friday said three people were arrested.", "Police"),
        ("The ministry late last night said 40 people were arrested.", "the ministry"),
        ("The company earlier this week said it would cut 300 jobs.", "the company"),  # "this" of a time
        ("The mayor on Friday evening told reporters 40 homes burned.", "the mayor"),
        ("Officials in Valencia said 12 people died.", "Officials in Valencia"),
        ("Officials in the region said 12 people died.", "Officials in the region"),
        ("Doctors at the hospital said three people died.", "Doctors at the hospital"),
        # what an according-to source did, and when, is not the source; what it was compiled by stays
        ("Bleeding was a risk, according to a trial released last year.", "a trial"),
        ("It left 632 dead, according to an updated report established on Saturday.", "an updated report"),
        ("Sales were $14bn, according to data compiled by Bloomberg.", "Bloomberg"),
        # the source of figures or data, not "figures"; who a participle says the source is stays
        ("Attacks rose 40% in 2024, according to figures from the health ministry.", "the health ministry"),
        ("It rose, according to data from the Office for National Statistics.", "the Office for National Statistics"),
        # A role goes on with where it works: not "analysts", "a spokesperson" (nor "police at the scene").
        ("Growth will slow, according to estimates by analysts at Goldman Sachs.", "analysts at Goldman Sachs"),
        ("It costs $32,000, according to a spokesperson for Eli Lilly.", "a spokesperson for Eli Lilly"),
        ("Two people died, according to police at the scene.", "police"),
        # an anonymous source is named as the text names it
        (
            "It is worth up to €4 million, according to two people familiar with the matter.",
            "two people familiar with the matter",
        ),
        ("It fell by half, according to information collected by a monitoring group.", "a monitoring group"),
        ("The rate rose to 27%, according to data published last year in a medical journal.", "a medical journal"),
        ("According to a person briefed on the case, data was lost.", "a person briefed on the case"),
        ("The council has since said it spent £1.4 million.", "the council"),
        # a later clause names the speaker when an earlier match names none; "added" with a figure is no speech
        ("The vaccination rate was reported to be 74%, officials said.", "officials"),
        ("Bus operators added 60 extra services.", ""),
        ("Payrolls added more than 250,000 jobs.", ""),
        # a later match is a speaker only where a clause starts, and none follows a pronoun that speaks
        ("He said the Kremlin had warned Kyiv against the move.", ""),
        ("At least 450 people were killed, according to the WHO.", "the WHO"),
        # "per" opening a clause names its source; not in "per cent", "per share", "per UK household"
        ("Western estimates put losses at 200,000, per the Washington Post.", "the Washington Post"),
        ("Per the Washington Post, losses rose.", "the Washington Post"),
        ("The two will own 60 percent, per the statement.", "the statement"),
        ("Losses rose 20 per cent, to $5 per share.", ""),
        ("Spending per UK household rose to 500 pounds, the ONS said.", "the ONS"),
        ("It costs $5 per the hour.", ""),
        ("Zelensky said 31,000 soldiers died, per the AP.", "Zelensky"),  # the AP reports what he says
        # a credit follows "per" mid-line: an article that only opened the sentence is in lower case, a name's stays
        ("The Guardian reported that 12 people died.", "The Guardian"),
        ("A local official said most deaths were in the mountains.", "a local official"),
        ("A Kremlin spokesman said the talks had failed.", "a Kremlin spokesman"),
        # someone of a name's or a role's, named after the role, speaks: not "Dremin's", not "the governor"
        ("It will take six weeks, according to Dremin's deputy Petro Lysak.", "Dremin's deputy Petro Lysak"),
        (
            "It will take six weeks, according to the governor's deputy Petro Lysak.",
            "the governor's deputy Petro Lysak",
        ),
        ("Intel's chief executive Pat Gelsinger said the cuts were painful.", "Intel's chief executive Pat Gelsinger"),
        ("According to Russia's state media, the bridge reopened.", "Russia's state media"),
        # a participle between commas says how the source that opens the sentence spoke
        ("Two U.S. officials, speaking on condition of anonymity, said 30 missiles were fired.", "Two U.S. officials"),
        ("Russian state media, citing the defence ministry, said 30 drones were downed.", "Russian state media"),
        # a role and where it works, in lower case, up to six words
        ("Officials at the port authority said 300 containers were lost.", "Officials at the port authority"),
        (
            "A spokesman for the regional fire service said 12 homes burned.",
            "a spokesman for the regional fire service",
        ),
        # the present tense; "estimates" and "notes" are verbs before "that" only ("Western estimates put…" is no
        # Western speaking)
        ("The Pentagon estimates that 100,000 soldiers were wounded.", "The Pentagon"),
        ("The company warns that 300 jobs could go.", "the company"),
        ("Western estimates put losses at 200,000, per the Washington Post.", "the Washington Post"),
        # whoever puts a measure at a figure estimates it
        ("Insurers put the damage at $3 billion.", "Insurers"),
        ("The army placed its losses at about 300.", "the army"),
        ("Western analysts put Russian losses at more than 300,000.", "Western analysts"),
        ("An AT&T spokesperson confirmed the data was pulled from Snowflake.", "an AT&T spokesperson"),
        ("US telecommunications giant AT&T has confirmed a fresh data breach.", "US telecommunications giant AT&T"),
        ("Reuters, citing two sources, reported that the deal was off.", "Reuters"),
        ("The airline had on Tuesday put the number of grounded aircraft at 11.", "the airline"),
        # the verb before the speaker, in a headline too; a name in capitals; the first verb ends the speaker
        ("North Korea has sent millions of rounds to Russia, warns South Korea", "South Korea"),
        ("Heavy rainfall warns of floods, the meteorological office said.", "the meteorological office"),
        ("According to DID spokesman Andrei Yusko, 280,000 men will be called up.", "DID spokesman Andrei Yusko"),
        (
            "The national weather service said it had confirmed a reading of 43.9C at the station.",
            "the national weather service",
        ),
    ],
)
def test_attribution_names_officials_ministries_and_organisations(sentence: str, who: str) -> None:
    assert attribution(sentence) == who


@pytest.mark.parametrize(
    "sentence",
    [
        "Chillingly he warned that soon they would march on the capital.",
        "At 226 confirmed fatalities as of Friday, the storm is the fourth deadliest.",
        "The governor thanked the crews on Friday and noted the increase in rescues.",
        "Microsoft disclosed the outage, while major airlines reported progress on recovery.",
        "The toll has passed 165 people, with deaths reported in six states.",
        "Since January, 450 deaths have been reported in the region.",
        "Two women, one of whom is said to be a soldier's mother, discuss the call.",
        "He said Russia on Monday fired 40 missiles at the capital.",  # Russia is what he spoke of
        "The storm killed 12 people, said police.",  # the clause before "said" is what was said
        "The plant will close, said a spokesman.",
        # a clause or a time before a relative clause is no subject that speaks
        "Police arrested a man, who was later released, said the local newspaper.",
        "On Monday the army, which has lost 300 tanks, said Russia had attacked.",
        # a name inside a relative clause does not speak
        "Meanwhile the port of Sete, which handles exports to Morocco, said it was closed.",
        "Last week the company, which makes drones for the army, said it would double output.",
        # a name that a preposition inside a relative clause governs is no subject
        "Shareholders who lost their savings in the collapse of Valmora Foods said the sentence was too lenient.",
        # a conjunction before a lower-case word opens a clause, it names no one
        "The bridge will reopen in May, though officials have said the cost is unknown.",
        "Prices rose 4%, although economists said the rise would fade.",
        "Officials put up 300 tents at the stadium.",  # "put up" tents, no measure put at a figure
        "He notes that 40 homes burned.",
        "Bank notes worth 40 million were seized.",
        "Time of year variations were also noted, with a minimum in July.",  # noted by no one named
        # confirmed by someone is no credit: a confirmation that failed, an approval, a test
        "The claims could not be independently confirmed by Reuters.",
        "Pete Hegseth was confirmed by the Senate as defence secretary.",
        "The infection was confirmed by blood tests.",
        # nor is "confirmed" of a result, or someone confirmed in a role
        "England named their squad, with Harry Kane confirmed as captain.",
        # a participle's source opens the sentence: not a place at the end of a longer subject
        "A soldier from the 93rd Brigade fighting near Bakhmut, speaking by phone, said the line held.",
        # nouns, not verbs: notes that mature; writing off is accounting
        "Treasury notes that mature in 10 years yielded 4.5% on Friday.",
        "Apple writes off $1 billion in its car project.",
        "Intel wrote off $2 billion.",
        # a clause before the speaker is no speaker: "Stocks tumbled after the central bank"
        "Stocks tumbled after the central bank said it would raise rates.",
        "Two more cases of measles confirmed in Texas.",
        # putting something at a time, a rank or a risk is no estimate
        "The court put the hearing at 10 a.m. on Monday.",
        "Saturday's win put Arsenal at 75 points.",
        "The strike put flights at risk for 48 hours.",
        # what was announced by someone is no credit of the sentence, nor is the participle a speaker's verb
        "The package announced by Halmark on Tuesday is worth 700 million euros.",
    ],
)
def test_no_speaker_is_made_of_a_pronoun_a_figure_a_day_or_a_clause_word(sentence: str) -> None:
    assert attribution(sentence) == ""


@pytest.mark.parametrize(
    ("sentence", "who"),
    [
        (
            "The harbour master of Harwick said on Friday that the quay will stay closed.",
            "the harbour master of Harwick",
        ),
        ("A spokesman for the ministry said it was false.", "a spokesman for the ministry"),
        ("On Friday, officials in Kyiv said 5 drones were downed.", "officials in Kyiv"),
        ("The head of the Africa CDC said the outbreak had spread.", "the head of the Africa CDC"),
        # an article is a word of its own: not the end of "spokesman" ("an Peskov")
        ("Presidential spokesman Peskov said the talks had failed.", "Peskov"),
        ("Kremlin spokeswoman Anna Smith said the talks had failed.", "Anna Smith"),
        # the subject before a relative clause speaks, not a name inside the clause
        (
            "The port of Sete, which handles most of the ferry business to Morocco, said in a statement that "
            "traffic was normal.",
            "the port of Sete",
        ),
        ("The ministry, whose figures differ from the police's, said 12 people died.", "the ministry"),
        # and the subject before a participle's clause: not whoever the participle names
        (
            "Restaudor, founded in 1998 by its chief executive Patrice Vermorel, said in a statement that it had "
            "stopped production.",
            "Restaudor",
        ),
        ("Kyiv, backed by Washington, said the talks had failed.", "Kyiv"),
        ("Hurricane Helene, which struck Florida, killed dozens, officials said.", "officials"),
        # a possessive names whose the speaker is, not the speaker
        (
            "The blaze has burned about 9,000 hectares, according to Sardinia's regional civil protection agency.",
            "Sardinia's regional civil protection agency",
        ),
        # words in lower case before the noun that names a source, and names joined by "&"
        (
            "The total is 3.1 billion euros, according to the Norlandic defence ministry.",
            "the Norlandic defence ministry",
        ),
        (
            "Poland's interior ministry said seven people had died, while Austria reported five deaths.",
            "Poland's interior ministry",
        ),
        ("British store chain Mallory & Finch said on Monday that hackers had stolen data.", "Mallory & Finch"),
        # a report named inside the speech is no credit of it
        (
            "A spokesperson for the Information Commissioner's Office said: \"We have received a report from Mallory "
            '& Finch and are making enquiries."',
            "a spokesperson for the Information Commissioner's Office",
        ),
        # outside a relative clause, a name after a preposition stands for its phrase
        ("Joseph Glauber with the Food Policy Institute said the timing was bad.", "the Food Policy Institute"),
        # a sentence adverb, or a conjunction before a name, is no part of it
        ("Yet Hamas said it would not attend the talks.", "Hamas"),
        ("Meanwhile the Kremlin said the talks had failed.", "the Kremlin"),
        ("Meanwhile prosecutors said the case was closed.", "prosecutors"),
        ("Prices rose, although Kyiv said they would fall.", "Kyiv"),
    ],
)
def test_the_speaker_is_the_whole_noun_phrase_not_its_last_name(sentence: str, who: str) -> None:
    assert attribution(sentence) == who


def test_a_quote_of_two_sentences_credits_each_speaker() -> None:
    text = "The roof gave way at 9 a.m., the head said. About 240 pupils will be taught elsewhere, the council said."
    assert claim(text).attribution == "the head and the council"
    assert claim("About 240 pupils will be taught elsewhere, the council said.").attribution == "the council"
    assert claim("Two were hurt, police said. Police said the road stayed shut.").attribution == "police"
    assert claim("The roof gave way. About 240 pupils will be taught elsewhere, the council said.").attribution == (
        "the council"
    )
    # "the agency" names again the agency a sentence before named in full
    again = "The Cycling Integrity Agency said the sample was positive. The agency said Rask could appeal."
    assert claim(again).attribution == "The Cycling Integrity Agency"
    assert claim("The head said it was shut. The agency said it was open.").attribution == "the head and the agency"
    # a credit covers its own paragraph: the outlet's own words after a denial are not the denier's
    denial = '"I have never cheated," Rask wrote.\n\nIf the result is confirmed, Rask faces a ban of up to four years.'
    assert claim(denial).attribution == "Rask (first paragraph)"
    assert (
        claim("Jakub Janovsky said 14 were lost.\n\nJanovsky said more would follow.").attribution == "Jakub Janovsky"
    )
    toll = "Storm Ingrid hit the valley on Monday.\n\nAt least 12 people died, officials said."
    assert claim(toll).attribution == "officials (second paragraph)"
    # a paragraph that goes on with a quotation, or where "he said", is the speaker's before
    goes_on = '"We will not stop," the prime minister said.\n"Our war aims are unchanged."'
    assert claim(goes_on).attribution == "the prime minister"
    assert claim('Keir Starmer said the plant would open.\n"It will create jobs," he said.').attribution == (
        "Keir Starmer"
    )
    # one source in two paragraphs is named once; "the minister" after two ministers is neither
    twice = "The defence ministry said A.\nThe analysts said B.\nThe defence ministry said C."
    assert (
        claim(twice).attribution
        == "the defence ministry (first and third paragraphs) and the analysts (second paragraph)"
    )
    ministers = "The Foreign Minister said A.\nThe Prime Minister said B.\nThe minister said C."
    assert claim(ministers).attribution.endswith("and the minister (third paragraph)")


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("„Wir haben 40 Panzer verloren“, sagte der Verteidigungsminister am Montag.", "Verteidigungsminister"),
        ("Nach Angaben der Polizei kamen 12 Menschen ums Leben.", "Polizei"),
        ("Laut der Bundesagentur für Arbeit stieg die Zahl der Arbeitslosen um 3 Prozent.", "Bundesagentur für Arbeit"),
        ("Selon le ministère de l’Intérieur, 12 personnes sont mortes.", "ministère de l’Intérieur"),
        # what the source gave leads to it; a title's name set off by commas; a speech verb closing a clause
        ("Seis murieron, según el balance facilitado por la Delegación del Gobierno.", "Delegación del Gobierno"),
        ("D'après les premières estimations de l'Agence nationale, 250 000 patients…", "l'Agence nationale"),
        ("Selon la directrice générale, Nathalie Berthier, 120 opérations ont été reportées.", "Nathalie Berthier"),
        ("Cayeron 310 litros, informó la Agencia Estatal de Meteorología (Aemet).", "Agencia Estatal de Meteorología"),
        ("El alcalde habló, dijo que muchas personas murieron.", ""),
        ("El fuego avanzó, dijo a EFE el portavoz de los bomberos.", ""),  # an object, not the speaker
        ("El fuego avanzó, dijo el portavoz de los bomberos, Juan García.", "Juan García"),
        ("Hubo daños, según vecinos de Paiporta.", "vecinos de Paiporta"),  # people of a place, no data of it
        ("Laut Angaben der Polizei wurden 14 Menschen verletzt.", "Polizei"),
        # a time of day written as one word and whom the speaker told end the speaker
        ("Die Strecke war nach Angaben der Staatsbahn bis Montagmittag gesperrt.", "Staatsbahn"),
        ("«Ми знаємо імена кожного з них», — сказав Мартен журналістам у Тессаліні.", "Мартен"),
        ("«Мы знаем их имена», — сказал министр журналистам.", "министр"),
        ("« Aucun patient n’a été mis en danger », a déclaré Mme Berthier lors d’une conférence.", "Mme Berthier"),
        ("« Nous avons perdu 40 chars », a déclaré le ministre.", "ministre"),
        ("Según el Ministerio del Interior, 95 personas murieron.", "Ministerio del Interior"),
        ("«Hemos perdido 40 tanques», dijo el ministro de Defensa el lunes.", "ministro de Defensa"),
        ("По данным МЧС, погибли 12 человек.", "МЧС"),
        ("«Мы потеряли 40 танков», — заявил министр обороны России.", "министр обороны России"),
        ("За даними ДСНС, загинули 12 людей.", "ДСНС"),
        # a cue of several words inside a clause; Italian and Polish
        ("Die Brücke war nach Angaben des Ministeriums zuletzt 2022 geprüft worden.", "Ministeriums"),
        (
            "Il lago è sceso al 18 per cento, secondo i dati diffusi lunedì dal consorzio di bonifica.",
            "consorzio di bonifica",
        ),
        ("„Ignorował zasady” – powiedział prezes urzędu Tadeusz Wierzbicki.", "prezes urzędu Tadeusz Wierzbicki"),
        ("Według Ministerstwa Zdrowia zmarło 12 osób.", "Ministerstwa Zdrowia"),
        ("«Resteremo», ha detto lui ieri.", ""),
        # "il" is an Italian article (a French pronoun); a function word of another language ends a name too
        (
            '"Abbiamo visto le fiamme", ha detto il sindaco di Luras, Giovanni Mura, che è rimasto lì.',
            "sindaco di Luras",
        ),
        (
            "«Siamo una comunità ferita», ha detto il sindaco Franco Bellini durante un'assemblea.",
            "sindaco Franco Bellini",
        ),
        ("Secondo tempo: la Juventus ha segnato 2 gol.", ""),  # "the second half", a heading
        # no source: "agrees with", "under the law" (a cue of several words inside a clause only when it names data)
        ("El Gobierno está de acuerdo con los sindicatos en subir el salario un 5%.", ""),
        ("Діяли згідно з законом про мобілізацію.", ""),
        ("Según datos del INE, el paro bajó un 2%.", "INE"),
        ("Die Zahl der Toten stieg am Montag auf 12.", ""),
        ("El balance subió a 95 muertos.", ""),
        # a wrong speaker is worse than none: pronouns, times, "laut" as "loud", foreign words in English titles
        ("„Wir kämpfen“, sagte er am Montag.", ""),
        ("« Nous restons », a déclaré lundi le ministre.", ""),
        ("«Seguimos», dijo ayer el ministro.", ""),
        ("«Seguimos», dijo ella el lunes.", ""),
        ("Según ella, 12 personas murieron.", ""),
        ("«Мы остаёмся», — заявил в понедельник министр обороны.", ""),
        ("Es knallte laut und die Fenster zersprangen.", ""),
        ("The film “Selon Charlie” opened in 2006.", ""),
        # names in capitals are kept whole, genitives go on where nouns are not capitalised
        ("Laut WHO starben 12 Menschen.", "WHO"),
        ("Laut dpa wurden 12 Menschen verletzt.", "dpa"),
        ("Según EL PAÍS, el gobierno dimitió.", "EL PAÍS"),
        ("Selon Le Monde, le ministre a démissionné.", "Le Monde"),
        ("По данным Министерства обороны России, сбиты 12 дронов.", "Министерства обороны России"),
        ("«Мы остаёмся», — заявили в МВД.", "МВД"),
        ("Selon moi, 12 personnes sont mortes.", ""),  # personal pronouns name no source
        ("Según nosotros, 12 personas murieron.", ""),
        ("По словам Пескова, переговоры провалились.", "Пескова"),
        # Portuguese: "segundo" is also "second", a source only with an article or data after it
        ("Segundo a Proteção Civil, 20 mil pessoas foram retiradas de casa.", "Proteção Civil"),
        ("Morreram 64 pessoas, segundo o balanço divulgado pela Proteção Civil.", "Proteção Civil"),
        (
            "A barragem perdeu 40% da água, segundo estimativas da Agência Portuguesa do Ambiente.",
            "Agência Portuguesa do Ambiente",
        ),
        ("O número de mortos subiu para 12, de acordo com o Ministério da Saúde.", "Ministério da Saúde"),
        ("Segundo dados do INE, o desemprego caiu 2%.", "INE"),
        ("«Não vamos desistir», disse o ministro da Defesa na segunda-feira.", "ministro da Defesa"),
        ("Foram retiradas 300 pessoas, informou a Câmara Municipal de Coimbra.", "Câmara Municipal de Coimbra"),
        ("O incêndio avançou, disse o porta-voz dos bombeiros, João Silva.", "João Silva"),
        ("A greve entrou ontem, segundo dia de protestos.", ""),
        ("O segundo dia da greve parou 80% dos comboios.", ""),
        ("Segundo ela, 12 pessoas morreram.", ""),
        ("«Seguimos», disse ontem o ministro.", ""),
        # whom the speaker told: the speaker is not the listener
        ("«Foi um erro», disse a ministra à RTP.", "ministra"),
        ("«Foi um erro», disse à RTP a ministra da Saúde.", ""),
        ("«Seguimos», dijo a EFE el portavoz.", ""),
        ("« Nous restons », a déclaré à l’AFP le ministre.", ""),
        ("« Nous restons », a déclaré le ministre à Al Jazeera.", "ministre"),
        ("«Perdemos 30 pessoas», disse a jornalistas o primeiro-ministro.", ""),
        ("«Vamos», disse Lula a jornalistas.", "Lula"),
        ("«Vamos», disse Lula aos jornalistas.", "Lula"),
        ("« Nous restons », a déclaré Emmanuel Macron à TF1.", "Emmanuel Macron"),
        ("„Wir bleiben“, sagte Scholz am Morgen in Berlin.", "Scholz"),
        ("„Wir bleiben“, sagte dessen Sprecher.", "Sprecher"),
        ("Nach Angaben der dpa wurden 12 Menschen verletzt.", "dpa"),
        ("SEGÚN EL MINISTERIO DEL INTERIOR, 95 personas murieron.", "EL MINISTERIO DEL INTERIOR"),
        ("“Vamos investir R$ 2 bilhões”, disse a Folha o ministro.", ""),
        # a setting between the speech verb and the speaker, or data with no source, credit no one
        ("«Llegaron 30 personas», dijo en Bruselas el ministro.", ""),
        ("«Vamos investir», disse em entrevista à RTP o primeiro-ministro.", ""),
        ("«Vamos investir», disse nesta quarta-feira o primeiro-ministro.", ""),
        ("«Vamos investir», disse o ministro nesta terça-feira (12).", "ministro"),
        ("Segundo dados oficiais, 2 milhões de pessoas morreram.", ""),
        # an indefinite article opens a speaker too; a capitalised pronoun, a preposition in a name are names
        ("“Vamos investir R$ 2 bilhões”, disse um porta-voz do Planalto.", "porta-voz do Planalto"),
        ("Según Al Jazeera, murieron 30 personas.", "Al Jazeera"),
        ("„Wir bleiben“, sagte Ela Weber.", "Ela Weber"),
        ("„Wir bleiben“, sagte der Sprecher der EU.", "Sprecher der EU"),
        ("Selon l'association Droit au Logement, 3 000 familles attendent.", "l'association Droit au Logement"),
        ("Secondo l'assessore al Bilancio, il Comune ha perso 3 milioni di euro.", "l'assessore al Bilancio"),
        # a possessive opens the speaker after a quotation, not after a plain comma (the sentence's own subject)
        ("« Chaque jour compte », a déclaré son président, Hervé Quéméner.", "Hervé Quéméner"),
        ('"No hubo subasta", dijo su presidenta, Rosalía Quintanar.', "Rosalía Quintanar"),
        ("L'avocate de M. Delorme, Me Claire Fontanel, a annoncé son intention de faire appel.", ""),
        ("«Temíamos lo peor», dijo en una rueda de prensa.", ""),
        # a cue's article is lower case: "Segundo O Globo" does not take the outlet's "O" (nor name "Globo")
        ("Segundo O Globo, 2 milhões de pessoas morreram.", ""),
    ],
)
def test_sources_and_speakers_are_credited_in_other_languages(sentence: str, speaker: str) -> None:
    assert claim(sentence).attribution == speaker


def cite(texts: dict[int, str], n: int, quote: str) -> Citation:
    """Source ``n`` quoting ``quote`` from article ``n`` of ``texts``, with what it claims."""
    text, said = texts[n], claim(quote)
    start = text.index(quote)
    return Citation(
        n, n, None, "", f"Outlet {n}", "", "", quote, start, start + len(quote), 1.0,
        said.figures, said.attribution, said.hedge,
    )  # fmt: skip


def test_only_quotes_that_name_the_asked_event_are_compared() -> None:
    """A quote another story lends ("306,000 people" in Valencia) shares a noun and a word like "Europe" with the
    asked one: for "How many people died in Storm Boris?" it is quoted, but no figure of it stands beside the toll."""
    texts = {
        1: "Floods caused by Storm Boris swept Central Europe. At least 19 people have died, officials said.",
        2: "The DANA hit Valencia, in Spain's east, the worst flood in Europe this year. It affected 306,000 people.",
        3: "In Poland, Storm Boris killed 7 people, the interior ministry said on Sunday.",
    }

    storm = [
        cite(texts, 1, "At least 19 people have died, officials said."),
        cite(texts, 2, "It affected 306,000 people."),
        cite(texts, 3, "In Poland, Storm Boris killed 7 people, the interior ministry said on Sunday."),
    ]
    compared = compare_figures(storm, texts, analyse("How many people died in Storm Boris?"))
    assert [(e.figure, e.n) for e in compared["people"]] == [("At least 19 people", 1), ("7 people", 3)]
    # Without the quote from the other story, the rest is unchanged; asked about nothing named, all three compare.
    assert compare_figures(storm[::2], texts, analyse("How many people died in Storm Boris?")) == compared
    assert len(compare_figures(storm, texts, analyse("How many people died?"))["people"]) == 3


def test_the_asked_event_may_be_named_in_the_articles_opening_and_a_quote_without_figures_sets_no_bar() -> None:
    texts = {
        1: "Storm Boris hits Poland\n\nStorm Boris reached Poland on Saturday. Rivers rose in the south.",
        2: "Storm Boris floods Central Europe\n\n" + "Rain fell for days. " * 40 + "At least 19 people died.",
        3: "Floods in the Czech Republic\n\nStorm Boris swept the country. The storm killed 21 people.",
    }

    quotes = [
        cite(texts, 1, "Storm Boris reached Poland on Saturday."),  # names both, counts nothing
        cite(texts, 2, "At least 19 people died."),  # names Boris only in its headline, 800 characters before
        cite(texts, 3, "The storm killed 21 people."),
    ]
    compared = compare_figures(quotes, texts, analyse("How many people died in Storm Boris?"))
    assert [(e.figure, e.n) for e in compared["people"]] == [("At least 19 people", 2), ("21 people", 3)]


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Nach Angaben der Behörden wurden mindestens 15 000 Menschen evakuiert.", ["15 000 Menschen"]),
        ("Über 3.000 kommerzielle Flüge wurden gestrichen.", ["3.000 kommerzielle Flüge"]),
        (
            "Das Ministerium hat 30 Mrd. Kronen (1,34 Mrd. USD) für die Beseitigung der Schäden bereitgestellt.",
            ["30 Mrd. Kronen", "1,34 Mrd. USD"],
        ),
        ("Die Zahl der Toten ist auf 225 gestiegen, 14 Personen werden weiterhin vermisst.", ["225", "14 Personen"]),
        ("Am 19. September 2024 um 18:00 Uhr begann die Evakuierung von 300 Menschen.", ["300 Menschen"]),
        (
            "Las lluvias han dejado al menos 45 muertos en este pequeño pueblo de 27.000 habitantes.",
            ["45 muertos", "27.000 habitantes"],
        ),
        ("El Gobierno destinará 3 millones de euros a la reconstrucción de las carreteras.", ["3 millones de euros"]),
        (
            "Selon les autorités marocaines, 1037 personnes ont trouvé la mort et 1204 ont été blessées.",
            ["1037 personnes", "1204"],
        ),
        ("По данным МЧС, в результате наводнения погибли 35 человек.", ["35 человек"]),
        ("За даними ДСНС, внаслідок удару 16 лютого загинули 14 людей.", ["14 людей"]),
        ("El 16 de febrero murieron 95 personas.", ["95 personas"]),
        ("Dnia 19 września zginęło 12 osób.", ["12 osób"]),
        ("Ущерб составил 5 млн. рублей, сообщили в МЧС.", ["5 млн. рублей"]),
        ("Der Schaden beträgt 2 Mrd. Die Regierung will helfen.", ["2 Mrd"]),
        ("Rund 15'000 Menschen demonstrierten am 1er janvier mit 5G.", ["15'000 Menschen"]),
        # a scale of two words, the currency after a scale, a time of day
        ("Il lago è sceso al 18 per cento, contro il 12 per centomila.", ["18 per cento", "12"]),
        ("Urząd nałożył karę w wysokości 4,7 mln zł.", ["4,7 mln zł"]),
        ("Die Brücke stürzte gegen 18.30 Uhr ein; 18 Uhren wurden gestohlen.", ["18 Uhren"]),
        # two scale words ("mil milhões", a billion in Portugal); a full scale word's dot that ends the text is a
        # full stop
        ("O Estado gastou 2 mil milhões de euros na obra.", ["2 mil milhões de euros"]),
        ("Segundo dados do INE, a inflação subiu 3 por cento.", ["3 por cento"]),
        ("O governo prometeu 30 milhões.", ["30 milhões"]),
        ("Ущерб составил 12 тыс.", ["12 тыс."]),  # an abbreviation keeps its dot
    ],
)
def test_figures_in_other_languages_are_the_number_as_written_and_what_it_counts(
    sentence: str, found: list[str]
) -> None:
    """Thousands grouped by a space or a dot, a scale word, the counted noun, and no function word or verb after it
    ("45 muertos en este pequeño" before); a day of a month, a time and a year are no figures."""
    assert figures(sentence) == found


@pytest.mark.skipif(not (DEV.parent / "general").is_dir(), reason="../shared is not beside this checkout")
def test_every_figure_of_the_shared_articles_holds_its_number_and_ends_on_no_function_word() -> None:
    from index.language import analyzer, detect
    from index.sentences import split_sentences
    from index.terms import has_figure

    for name in ("dev", "general"):
        for line in (DEV.parent / name / "articles.jsonl").read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            for start, end in split_sentences(text):
                said = text[start:end]
                stop = analyzer(detect(said)).stopwords
                for figure in figures(said):
                    assert has_figure(figure), (figure, said)
                    last = figure.split()[-1].casefold()
                    assert last not in stop or len(figure.split()) == 1, (figure, said)


def test_a_figure_is_credited_as_its_own_paragraph_credits_it() -> None:
    """Figures side by side showed "About 350 firefighters (fire officials (first paragraph) and the state forestry
    agency (second paragraph))" for a quote of two paragraphs: the figure is the second paragraph's source's."""
    quote = (
        "The fire grew to 4,600 acres overnight, fire officials said.\n\n"
        "About 350 firefighters were on the lines, according to the state forestry agency."
    )
    assert credit_of(["About 350 firefighters"], quote) == "the state forestry agency"
    assert credit_of(["4,600 acres"], quote) == "fire officials"
    assert credit_of(["4,600 acres", "About 350 firefighters"], quote) is None  # two credits: neither alone
    assert credit_of(["4,600\u00a0acres"], quote) is None  # not written as given: the quote's own credit stands
    twice = "Police said 12 people were hurt.\n\nHospital officials said 12 people were treated."
    assert credit_of(["12 people"], twice) is None  # written in both paragraphs, credited by two sources
    assert [who for _, _, who in paragraph_credits(quote)] == ["fire officials", "the state forestry agency"]


def test_speech_spans_are_read_in_one_pass() -> None:
    from index.quotations import speech_spans

    text = 'He said: "We are here." Then „Wir kommen“, sagte sie, and "still open'
    spans = speech_spans(text)
    assert [text[a:b] for a, b in spans] == ['"We are here."', "„Wir kommen“", '"still open']


@pytest.mark.parametrize(
    ("sentence", "lang", "name"),
    [
        ("Adam Pelling, a battery engineer at the institute, was more cautious.", "en", "Adam Pelling"),
        ("Chief executive Orla Brennock rejected the criticism.", "en", "Chief executive Orla Brennock"),
        (
            "Military analyst Teo Marchak told the Herald the reservists were green.",
            "en",
            "Military analyst Teo Marchak",
        ),
        ("Губернатор Руслан Ильюшкин сообщил, что пожар потушен.", "ru", "Губернатор Руслан Ильюшкин"),
        (
            "Начальник міської адміністрації Олесь Марчук розповів, що",
            "uk",
            "Начальник міської адміністрації Олесь Марчук",
        ),
        ("Ursula von der Leyen met Donald Trump.", "en", "Ursula von der Leyen"),  # short words join; "met" is a verb
        ("Barcelona coach Hansi Flick praised Lamine Yamal.", "en", "Barcelona coach Hansi Flick"),
        ("Theresa May resigned on Friday.", "en", "Theresa May"),
        ("WASHINGTON (Wire) - Zelensky met Donald Trump on Friday.", "en", ""),  # the dateline is skipped
        ("The pilots' union said the fleet was too thin.", "en", ""),  # no name of two words
        ("In March, the airline cancelled 96 flights.", "en", ""),  # a time
        ("Russia launched 48 drones at Kyiv.", "en", ""),
        ("Russia launched Shahed Drones at Kyiv.", "en", ""),  # a verb before the capitals: no title
    ],
)
def test_the_name_a_sentence_opens_with(sentence: str, lang: str, name: str) -> None:
    assert subject(sentence, lang) == name


def test_a_quotation_credited_to_a_pronoun_is_the_named_speakers() -> None:
    """'"…," she said.' after a sentence that opens with a name is that person's, not the paragraph before's."""
    rejected = 'Chief executive Orla Brennock rejected the criticism. "Our spare capacity is in line," she said.'
    assert claim(rejected, "en").attribution == "Chief executive Orla Brennock"
    union = 'The pilots\' union said the fleet was too thin. "Fennick has no spare aircraft," said Fergal Dunphy.'
    assert claim(f"{union}\n{rejected}", "en").attribution == (
        "the pilots' union and Fergal Dunphy (first paragraph) and Chief executive Orla Brennock (second paragraph)"
    )
    # a speaker credited by name in the sentence before keeps that credit, once
    said = 'Sporting director Lars Boekhout said the club had to sell. "It is historic," he said.'
    assert claim(said, "en").attribution == "Lars Boekhout"
    german = "Präsidentin Ilona Vestry forderte mehr Luftabwehr. „Wir brauchen Abfangraketen“, sagte sie."
    assert claim(german, "de").attribution == "Präsidentin Ilona Vestry"
    # two people named before the quotation: whose words they are is unclear; "it" credits no person
    assert (
        claim('PM Anna Berg defended the plan. Finance Minister Erik Lund was absent. "Fine," she said.').attribution
        == ""
    )
    assert claim('Chief executive Anna Berg stepped down. "We thank her," it said.', "en").attribution == ""
    # each quotation has its own speaker
    two = 'Orla Brennock rejected it. "No," she said. Union leader Fergal Dunphy was unimpressed. But "no," he said.'
    assert claim(two, "en").attribution == "Orla Brennock and Union leader Fergal Dunphy"

"""Countries by name, by their people and in other languages (countryinfo's data)."""

from index import countries
from index.question import analyse


def test_a_people_and_translations_name_their_country() -> None:
    assert ("Portuguese", "Portugal") in countries.variants(["Portuguese"])
    spellings = {v for _, v in countries.variants(["Belgian", "Ukrainians", "Polen"])}
    assert {"Belgium", "Belgique", "Ukraine", "Poland"} <= spellings
    # word for word only: "American" is not "United States" ("states"); a name that is no country has none
    assert ("American", "United States") not in countries.variants(["American"])
    assert countries.variants(["Storm Ilse", "Kestrel"]) == []


def test_a_country_is_read_in_its_other_spellings_only_where_the_texts_never_write_the_name() -> None:
    q = analyse("What share of teachers joined the Portuguese strike?")
    strike = "Teachers across Portugal walked out on Tuesday."
    assert countries.in_texts(q, [strike]).has_name("Portuguese", strike)
    written = countries.in_texts(q, [strike, "The Portuguese federation said the crowd was 36,200."])
    assert written.variants == ()  # the name as written stays what is matched


def test_a_question_typed_in_lower_case_names_its_countries() -> None:
    """Chat users type "polen" as any word; a German text writes "Polen" as it writes every noun, and English and
    Polish ones write "Poland", "Polsce": none can tell it is a name. Before, the question was judged on "polen"
    as an ordinary word the answer lacked, and refused."""
    q = analyse("wie viele menschen wurden in polen evakuiert", lang="de")
    evacuated = "About 9,000 people were evacuated in Poland's Opole region."
    read = countries.in_texts(q, [evacuated])
    assert "polen" in read.names and read.names_in(evacuated) == 1.0
    assert countries.in_texts(analyse("Wie viele Menschen wurden evakuiert?", lang="de"), [evacuated]).names == ()


def test_countries_are_named_in_the_languages_countryinfo_does_not_translate_into() -> None:
    """Babel's CLDR names: a Dutch question about "Oostenrijk" was refused as naming a place no article mentions."""
    spellings = {v for _, v in countries.variants(["Oostenrijk", "Polska", "Україна"])}
    assert {"Austria", "Österreich", "Poland", "Polen", "Ukraine"} <= spellings

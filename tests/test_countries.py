"""Countries by name, by their people and in other languages (countryinfo's data)."""

from index import countries
from index.question import analyse


def test_a_people_and_translations_name_their_country() -> None:
    found = dict(countries.variants(["Portuguese"]))
    assert found["Portuguese"] in {"Portugal", "Portogallo"}
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

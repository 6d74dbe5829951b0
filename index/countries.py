"""Countries as news names them: by name, by their people's adjective ("Belgian", "Portuguese") and in other
languages ("Belgio", "Belgique", "Polen"), from countryinfo's data. A question about "the Portuguese strike" is
answered by "Teachers across Portugal walked out", and a name check that reads "Belgian" must find "Belgium"."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import replace

from countryinfo import CountryInfo

from index.question import Question
from index.question_names import typed_lower

# Translations kept: the languages questions are analysed in (index/data/questions.json) that write in Latin or
# Cyrillic letters. Japanese and Chinese names are not read as names here.
LANGUAGES = ("de", "es", "fr", "hu", "it", "nl", "pl", "pt", "ru", "uk")


def in_texts(q: Question, texts: Iterable[str]) -> Question:
    """The question with the other spellings of its country names that the texts (the passages it retrieved) write
    where they never write the name itself: "Portugal" for "the Portuguese strike" over "Teachers across Portugal
    walked out". The texts are read only for a question that names a country. A name the texts write keeps its own
    matches: in war news about Ukraine "Ukrainian" is read as written, not as every "Ukraine"."""
    q = _lower_case_countries(q)
    candidates = variants(q.names)
    if not candidates:
        return q
    present = [q.capitalised_forms(t) for t in texts]
    absent = {name for name, _ in candidates if not any(q.has_name(name, p) for p in present)}
    written = [
        (name, v) for name, v in candidates if name in absent and any(q.forms(v.casefold()) & p for p in present)
    ]
    return q.with_variants(written)


def _lower_case_countries(q: Question) -> Question:
    """A question typed in lower case names the countries it writes ("wie viele menschen wurden in polen
    evakuiert"): the texts cannot tell it where they write the country otherwise ("Poland", "Polsce") or, in a
    language that capitalises every noun, write it as they write any noun."""
    if not typed_lower(q):
        return q
    found = [t for t in q.terms if t not in q.names and t in _spellings()]
    return replace(q, names=(*q.names, *found)) if found else q


def named(q: Question, name: str, text: str, forms: AbstractSet[str] | None = None) -> bool:
    """The text names one of the question's names: as written, a country by another spelling ("Hungarian" for
    "Hungary", "Ukraine" for "Ukrainian", "Magyarország"), or a name of several words by its initials ("EU", "U.S."
    for "European Union", "United States"). ``forms``: the text's ``Question.capitalised_forms``, where the caller
    reads one text for several names."""
    forms = q.capitalised_forms(text) if forms is None else forms
    if q.has_name(name, forms):
        return True
    if any(q.forms(v.casefold()) <= forms for _, v in variants([name])):
        return True
    capitals = [w[0] for w in name.split() if w[:1].isupper()]
    if len(capitals) < 2:
        return False
    return re.search(r"(?<!\w)" + r"\.?".join(map(re.escape, capitals)) + r"\.?(?!\w)", text) is not None


def named_in(text: str) -> set[str]:
    """The countries a text names, by any spelling: each capitalised word, and runs of up to three ("United Arab
    Emirates"), without a possessive ("Austria's")."""
    found: set[str] = set()
    for run in _CAPITALISED_RUN.finditer(text):
        words = [re.sub(r"['’]s$", "", w) for w in run.group(0).split()]
        spans = [" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + 3) + 1)]
        found |= {c for c in map(country, spans) if c}
    return found


_CAPITALISED_RUN = re.compile(r"[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ][\w'’.-]*(?:\s+[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ][\w'’.-]*)*")


def country(name: str) -> str | None:
    """The country a name is, by any of its spellings ("Hungarian", "Ungarn" → "Hungary"), or None."""
    spellings = _spellings().get(name.casefold()) or _spellings().get(name.casefold().removesuffix("s"))
    return spellings[0] if spellings else None


def variants(names: Iterable[str]) -> list[tuple[str, str]]:
    """(name, another spelling of the same country) for each name that is a country, its people or their
    plural ("Ukrainians"), in as many words as the name: "American" is not matched to "United States" word by
    word ("states")."""
    out = []
    for name in names:
        spellings = _spellings().get(name.casefold()) or _spellings().get(name.casefold().removesuffix("s"), ())
        out += [(name, s) for s in spellings if s.casefold() != name.casefold() and len(s.split()) == len(name.split())]
    return out


@functools.cache
def _spellings() -> dict[str, tuple[str, ...]]:
    """Each spelling, case-folded, to every spelling of its country. A people's adjective several countries share
    ("French", "Chinese") belongs to the most populous."""
    countries = sorted(CountryInfo.all().values(), key=lambda c: -(c.get("population") or 0))
    table: dict[str, tuple[str, ...]] = {}
    coded: set[str] = set()
    for country in countries:
        name = str(country.get("name") or "")
        if not name:
            continue
        people = [p.strip() for p in str(country.get("demonym") or "").split(",") if p.strip()]
        translated = [str(t) for lang, t in (country.get("translations") or {}).items() if lang in LANGUAGES and t]
        code = str((country.get("ISO") or {}).get("alpha2") or "")
        # A code several entries share ("GB": the United Kingdom, Wales…) names the most populous.
        cldr = [names[code] for names in _territories() if code in names and code not in coded]
        coded.add(code)
        spellings = tuple(dict.fromkeys([name, *people, *translated, *cldr]))
        for spelling in spellings:
            table.setdefault(spelling.casefold(), spellings)
    return table


@functools.cache
def _territories() -> list[dict[str, str]]:
    """Each language's names of the world's countries by ISO code (Babel's CLDR data: "Oostenrijk", "Polska",
    "Австрія"), countryinfo translating into five languages only."""
    from babel import Locale

    return [dict(Locale(lang).territories) for lang in LANGUAGES]

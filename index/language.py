"""Languages of text: identification (py3langid), Snowball stemmers (PyStemmer) and stop words: Snowball's lists
(for English from ``stopwords``, for the other languages it has from ``bm25s``, which ships NLTK's copies of them),
elsewhere the ``stopwords`` package's list (where that is mis-encoded, with the short words of ``stop_words``' list).

Every place that turns text into terms goes through ``Analyzer``, so the keyword index, the question's content
terms and the coverage of a sentence agree on what a term is. Question terms and the texts they are looked for in
are also matched by the words' dictionary forms (simplemma) in English, where irregular forms are common and a
stemmer leaves them apart ("fell" / "fall", "paid" / "pay"); measured in every language, the others gained nothing
and lost an answer (and each dictionary holds 25-140 MB). A language without a Snowball stemmer keeps its
words as they are (lower-cased), which still matches names and exact words.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Iterable

import simplemma
import Stemmer
import stop_words
import stopwords
from anyascii import anyascii
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

TOKEN = re.compile(r"[^\W_]+(?:&[^\W_]+)*")  # letters and digits; "AT&T", "S&P" one word (see keywords)
LANGUAGES = ("en", "de", "es", "fr", "it", "pt", "nl", "pl", "ru", "uk", "hu", "ro", "sv", "da", "fi", "tr", "cs")
DEFAULT_LANGUAGE = "en"
LEMMATISED = frozenset({"en"})
# Languages that capitalise every noun: there a capitalised word after an abbreviation ("30 Mrd. Kronen") is no
# sign that a sentence began, as it is in the others ("5 млн грн. Поліція …", "rate cut in May. Bond yields …").
NOUNS_CAPITALISED = frozenset({"de", "lb"})
_SNOWBALL = {
    "en": "english",
    "de": "german",
    "es": "spanish",
    "fr": "french",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "pl": "polish",
    "ru": "russian",
    "hu": "hungarian",
    "ro": "romanian",
    "sv": "swedish",
    "da": "danish",
    "fi": "finnish",
    "tr": "turkish",
}


# Snowball's stop lists besides English's, as bm25s names them (imported when first needed: bm25s loads scipy.sparse,
# ~0.1 s that every command paid at start-up).
_SNOWBALL_STOPS = {
    "de": "STOPWORDS_GERMAN",
    "es": "STOPWORDS_SPANISH",
    "fr": "STOPWORDS_FRENCH",
    "it": "STOPWORDS_ITALIAN",
    "pt": "STOPWORDS_PORTUGUESE",
    "nl": "STOPWORDS_DUTCH",
    "ru": "STOPWORDS_RUSSIAN",
    "sv": "STOPWORDS_SWEDISH",
    "da": "STOPWORDS_DANISH",
    "tr": "STOPWORDS_TURKISH",
}
# The ``stopwords`` package's Ukrainian list is mis-encoded ("╡" for "і"): where words are dropped for that, the short
# words of ``stop_words``' list stand in (its lists also hold nouns: "люди", "життя", Polish "zł", "lat").
_SHORT = 3
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_GARBLED = re.compile("[\u2500-\u257f\ufffd]")  # box-drawing characters: text decoded with the wrong code page


def stop_list(lang: str) -> frozenset[str]:
    """The stop words of a language (case-folded)."""
    if lang in _SNOWBALL_STOPS:
        from bm25s import stopwords as snowball_lists

        return frozenset(w.casefold() for w in getattr(snowball_lists, _SNOWBALL_STOPS[lang]))
    listed = stopwords.safe_get_stopwords(lang)
    words = {w.casefold() for w in listed if _WORD.fullmatch(w)}
    if any(_GARBLED.search(w) for w in listed):  # mis-encoded words dropped: stop_words' short words stand in
        with contextlib.suppress(stop_words.StopWordError):  # a language it does not have
            words |= {w.casefold() for w in stop_words.get_stop_words(lang) if len(w) <= _SHORT and _WORD.fullmatch(w)}
    return frozenset(words)


@functools.lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """A word in Latin letters without its diacritics ("erdoğan" → "erdogan", "łódź" → "lodz", "straße" →
    "strasse"); a word in another script as it is. Outlets and chat users write the same name with and without
    them ("Mbappé", "Mbappe"; a question typed without accents): matching compares both sides folded."""
    if word.isascii() or not all(ch.isascii() or _latin(ch) for ch in word):
        return word
    folded_word = anyascii(word).casefold()
    return folded_word if TOKEN.fullmatch(folded_word) else word  # "ʔesdilagh" would read "'esdilagh": kept


@functools.lru_cache(maxsize=1024)
def _latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN ")


ROMANISED_MIN = 4  # letters a word in Latin letters needs: "сеть" would read "set", "день" "den"
ROMANISED_MAX = 64  # no name is longer; an unbroken run of CJK text or a hostile token is not copied and cached


@functools.lru_cache(maxsize=100_000)
def romanised(word: str, lang: str = "") -> str:
    """A word of a script other than Latin in Latin letters ("суджа" → "sudzha", "курск" → "kursk"), the way English
    news spells names, so an English question finds a name in a Russian or Ukrainian article where it is not
    inflected; a Ukrainian word (``lang`` "uk", or a letter only Ukrainian has) by Ukraine's national system ("київ" →
    "kyiv", "миколаїв" → "mykolaiv", "луганськ" → "luhansk"), others by anyascii. The word as it is where the
    spelling is short or a stop word of any language ("он" is no "on", "море" no "more"), and for a Latin word or
    one that would not read as one word."""
    if word.isascii() or len(word) > ROMANISED_MAX or any(_latin(ch) for ch in word):
        return word
    ukrainian = lang == "uk" or bool(_UKRAINIAN_LETTERS & set(word))
    latin = _ukrainian(word) if ukrainian else anyascii(word).casefold().replace("'", "")  # soft signs read "'"
    if len(latin) < ROMANISED_MIN or not (TOKEN.fullmatch(latin) and latin.isascii()) or latin in _any_stop_word():
        return word
    return latin


_UKRAINIAN_LETTERS = frozenset("іїєґ")
# Ukraine's national romanisation (2010), as English news spells Ukrainian names; the second form opens a word.
_UK_LETTERS = "a b v h g d e z i k l m n o p r s t u f kh ts ch sh shch"
_UK = {
    **dict(zip("абвгґдезіклмнопрстуфхцчшщ", _UK_LETTERS.split(), strict=True)),
    "ж": "zh", "и": "y", "ь": "", "'": "", "’": "", "ʼ": "",
    "є": ("ie", "ye"), "ї": ("i", "yi"), "й": ("i", "y"), "ю": ("iu", "yu"), "я": ("ia", "ya"),
}  # fmt: skip


def _ukrainian(word: str) -> str:
    out = []
    for i, ch in enumerate(word.casefold()):
        mapped = _UK.get(ch)
        if mapped is None:
            out.append(anyascii(ch).casefold())
        else:
            out.append(mapped if isinstance(mapped, str) else mapped[i == 0])
    return "".join(out)


@functools.cache
def _any_stop_word() -> frozenset[str]:
    return frozenset().union(*(stop_list(lang) for lang in LANGUAGES))


def folded(words: Iterable[str]) -> set[str]:
    """The folded forms of the words that have diacritics (see ``fold``)."""
    return {f for w in words if not w.isascii() and (f := fold(w)) != w}


def tokens(text: str) -> list[str]:
    """Lower-cased (case-folded) word tokens."""
    return [t.casefold() for t in TOKEN.findall(text)]


@functools.cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def load() -> None:
    """Load the language identifier now rather than at the first question (about half a second: its model file is
    decompressed), and the dictionaries of the ``LEMMATISED`` languages (English: 0.15 s, 25 MB)."""
    _identifier()
    for lang in LEMMATISED:
        analyzer(lang).lemma("loaded")


def detect(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """The ISO 639-1 code of the text's language; ``default`` when the text is too short or unclear to tell."""
    if len(TOKEN.findall(text[:2000])) < 2:
        return default
    lang, confidence = _classify(text[:2000])
    return lang if confidence >= 0.5 else default


@functools.lru_cache(maxsize=4096)
def _classify(sample: str) -> tuple[str, float]:
    """The identifier's reading of a sample (≤ 2,000 characters): an ask reads the same articles' openings and
    quotes several times, at ~1 ms each (a third of an ask's own work on the eval sets, profiled)."""
    lang, confidence = _identifier().classify(sample)
    return str(lang), float(confidence)


class Analyzer:
    """Stems and stop words of one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        name = _SNOWBALL.get(lang)
        self._stemmer = Stemmer.Stemmer(name) if name else None
        self.stopwords = stop_list(lang)

    @functools.lru_cache(maxsize=100_000)  # noqa: B019 - analyzers live as long as the process (see analyzer())
    def stem(self, word: str) -> str:
        w = word.casefold().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        return self._stemmer.stemWord(w) if self._stemmer is not None else w

    @functools.lru_cache(maxsize=100_000)  # noqa: B019 - as ``stem``
    def lemma(self, word: str) -> str:
        """The word's dictionary form (simplemma) in the languages ``LEMMATISED``: "fell" → "fall", "paid" → "pay",
        "children" → "child", which the stemmer leaves apart; elsewhere, and for a word it does not know, the word."""
        if self.lang not in LEMMATISED:
            return word
        lemma = str(simplemma.lemmatize(word, lang=self.lang)).casefold()
        # "us" is "we" to the dictionary, but a question's "US" is the country: a word is not read as a stop word
        return word if lemma in self.stopwords and word not in self.stopwords else lemma

    def content_terms(self, text: str) -> list[str]:
        """The words that carry meaning, in order, without repeats (stop words and single letters dropped)."""
        seen: dict[str, None] = {}
        for t in tokens(text):
            if t not in self.stopwords and (len(t) > 1 or t.isdigit()):
                seen.setdefault(t, None)
        return list(seen)

    def index_terms(self, text: str) -> list[str]:
        """What the keyword index stores for a text: each word's stem, and the word itself when it differs, so
        a name or an exact word still matches text stemmed in another language; a word with diacritics also
        without them, word and stem."""
        out: list[str] = []
        for t in tokens(text):
            s = self.stem(t)
            out.append(s)
            if s != t:
                out.append(t)
            if not t.isascii():  # "Erdoğan" is found by "Erdogan", "Müllers" by "Muller" (see ``fold``)
                out.extend(dict.fromkeys(f for f in (fold(t), fold(s)) if f not in (t, s)))
                if t not in self.stopwords:  # "Суджа" by "Sudzha", "Курск" by "Kursk" (see ``romanised``)
                    spelled = (romanised(t, self.lang), romanised(s, self.lang))
                    out.extend(dict.fromkeys(f for f in spelled if f not in (t, s)))
        return out


@functools.cache
def analyzer(lang: str) -> Analyzer:
    """The shared analyzer of a language (stemmers are read-only once built)."""
    return Analyzer(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)

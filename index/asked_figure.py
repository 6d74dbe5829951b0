"""Whether a sentence gives the figure a question asks for: a figure counting the asked noun ("14 tanks" for "how
many tanks"), in its currency, for the asked event and what the question names; the figures a question's answer
sets side by side."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

from index import countries, figures_en, speakers
from index.asked_kind import Asks
from index.language import TOKEN, detect, tokens
from index.periods import is_month
from index.question import Question, asks_duration
from index.sentences import first_sentence
from index.terms import has_count, has_figure, has_span

NEAR_FIGURE = 4  # words before a figure that can name what it measures


def counts_asked_noun(sentence: str, q: Question, only_at: int | None = None) -> bool:
    """A figure in the sentence counts or measures the question's noun: '14 tanks' for 'how many tanks', 'put the
    damage at 1.2 billion euros' for 'how much damage' (the noun up to ``NEAR_FIGURE`` words before the figure);
    in English also 'three people' for 'how many people', 'seven German-made Leopard tanks' for 'how many
    Leopards' (a capitalised word of the figure is the asked head noun: not "31,000 Ukrainian soldiers" for "how
    many Ukrainian prisoners"), '30 pieces of heavy equipment' for 'how much heavy equipment' (what a measure is
    of), '$260 million' or 'PLN 5 billion' for 'how much money'. ``only_at``: only the figure that holds this
    offset."""
    if not q.focus:
        return False

    def asked(word: str, among: AbstractSet[str]) -> bool:
        return word in among or q.stem(word) in among

    english = q.lang == "en"
    money = english and bool(q.focus & speakers.cue_words("money", q.lang))
    near = _counted(q)
    found = figures_en.FIGURE.finditer(sentence)
    words = [(m.start(), m.group(0).casefold()) for m in TOKEN.finditer(sentence)]
    starts = [at for at, _ in words]
    if not english and _counted_in_words(sentence, q, words, only_at):
        return True
    for m in itertools.chain(found, figures_en.SPELLED_COUNT.finditer(sentence)) if english else found:
        if only_at is not None and not m.start() <= only_at < m.end():
            continue
        figure = figures_en.trim(m.group(0))
        if english and _other_side(figure, q):
            continue
        noun = figures_en.noun_of(figure)
        if noun and asked(noun, q.focus):
            return True
        if english and any(w[:1].isupper() and asked(w.casefold(), q.head) for w in _WORDS.findall(figure)):
            return True
        of = _OF.match(sentence, m.start() + len(figure)) if english else None
        if of and any(asked(w, q.head) for w in tokens(of.group(1))):
            return True
        if money and _in_currency(sentence, m.start(), figure):
            return True
        at = bisect.bisect_left(starts, m.start())
        # "since April 27": a day, not a count of the words before it ("the march 50,000" is no month)
        if at and sentence[starts[at - 1] : starts[at - 1] + 1].isupper() and is_month(words[at - 1][1]):
            continue
        before = [w for _, w in words[max(0, at - NEAR_FIGURE) : at]]
        if any(asked(w, near) for w in before):
            return True
        # Across languages the question's names are all its words a sentence can hold ("¿Cuántos goles marcó
        # Albarenga?" over "Albarenga … scored 29 goals").
        if near != q.focus and any(asked(w, q.focus) for w in before) and detect(sentence, q.lang) != q.lang:
            return True
    return False


def _counted_in_words(sentence: str, q: Question, words: list[tuple[int, str]], only_at: int | None) -> bool:
    """A number, in digits or a word of the question's language, right before the asked noun or one word before it:
    "sechs Menschen", "sept morts", "dwie osoby", "75 petroliere della flotta", "27 беспилотников" (English's are
    read with its figures; its grammar took "flotta" for the counted noun, and read no Cyrillic word)."""
    spelled = speakers.cue_words("numbers", q.lang)
    near = _counted(q)
    if near != q.focus and detect(sentence, q.lang) != q.lang:  # across languages a name is all a sentence can hold
        near = q.focus
    for i, (at, word) in enumerate(words):
        counted = word in spelled or (word.isdigit() and not _YEAR.fullmatch(word))
        if not counted or (only_at is not None and not at <= only_at < at + len(word)):
            continue
        if any(w in near or q.stem(w) in near for _, w in words[i + 1 : i + 3]):
            return True
    return False


def _counted(q: Question) -> AbstractSet[str]:
    """The counted noun's words but for the question's names in it: "Credit Suisse" in "how many Credit Suisse
    branches" says whose, and a figure near it ("Credit Suisse shares fell 24%") counts none of its branches, in a
    sentence of the question's language. A noun of names alone ("how many Leopards") keeps them."""
    named = {f for n in q.names for w in TOKEN.findall(n) for f in (w.casefold(), q.stem(w.casefold()))}
    return (q.focus - named) or q.focus


_WORDS = re.compile(r"[^\W\d_][\w’'-]*")
_YEAR = re.compile(r"(?:19|20)\d\d")  # "im Jahr 2024 starben Menschen" counts no one
_OF = re.compile(r"\s+of\s+((?:[\w’'-]+\s+){0,2}[\w’'-]+)")


def _in_currency(sentence: str, start: int, figure: str) -> bool:
    """The figure is an amount of money: a currency sign or code before its number ('$260 million', 'PLN 5
    billion'), or a current currency's code or name after it ('5 billion PLN', '1.2 billion euros')."""
    digit = re.search(r"\d", figure)
    before = sentence[: start + (digit.start() if digit else 0)].rstrip()
    sign = before[-1:]
    if sign and unicodedata.category(sign) == "Sc":
        return True
    codes, names = _currencies()
    code = re.search(r"\b([A-Z]{3})$", before)
    after = re.match(r"\s*([A-Z]{3})\b", sentence[start + len(figure) :])
    if (code and code.group(1) in codes) or (after and after.group(1) in codes):
        return True
    return figures_en.noun_of(figure) in names


@functools.cache
def _currencies() -> tuple[frozenset[str], frozenset[str]]:
    """The codes of the currencies in use today (Babel's territory data) and their names as English writes them
    after an amount, in CLDR's singular and plural, American and British ('dollars', 'euros', 'zloty', 'kronor',
    'roubles')."""
    from babel import Locale
    from babel.numbers import get_currency_name

    codes = figures_en.currencies()
    names = Locale("en").currencies
    words = {str(names.get(c, c)).split()[-1].casefold() for c in codes}
    counted = {
        get_currency_name(c, count=n, locale=loc).split()[-1].casefold()
        for c in codes
        for n in (1, 2)
        for loc in ("en", "en_GB")
    }
    return frozenset(codes), frozenset(words | {w + "s" for w in words} | counted)


def asked_figures(
    q: Question, quotes: Sequence[tuple[str, Sequence[str]]], articles: Sequence[str] = ()
) -> list[list[str]]:
    """Of each (quote, its figures), those that count what a how-many question asks, to set side by side: the
    figure, with up to ``NEAR_FIGURE`` words each side, counts the asked noun (``counts_asked_noun``). Katrina's
    "killed at least 1,200 people" is not set beside Helene's "death toll has passed 165 people" for "what death
    tolls were reported for Helene?", nor "329 injured" beside "1,204 injured" for "how many aftershocks…". What
    the counted things did is checked only where no figure says it: "14 people died" and "killed 17 people" share
    no word of it, but when no figure is near "injured" (the words of the question's event that not most of the
    quoted ``articles`` hold), the death tolls are no answer to "how many people were injured in the floods?".
    Other questions keep all their figures. A quote in another language than the question's keeps only a figure
    the question's words count, as any quote of an English question: "23 passengers" injured and "2.4 million
    passengers" a year stood side by side for a German question about the injured, and a wrong line-up is worse
    than none."""
    if Asks.FIGURE not in q.asks or not q.focus:
        return [list(figures) for _, figures in quotes]
    # Each quote in its article's language (read from the article's opening): a short quote's own can be mistaken.
    heads = list(articles) if len(articles) == len(quotes) else [text for text, _ in quotes]
    own = [detect(head, q.lang) == q.lang for head in heads]

    def counting(text: str, figures: Sequence[str]) -> list[tuple[str, str]]:
        windows = [(f, _around(text, f)) for f in figures]
        return [(f, w) for f, (w, at) in windows if w and counts_asked_noun(w, q, only_at=at)]

    counted = [counting(text, figures) for text, figures in quotes]
    # An English quote that writes its count in words gives that one ("four people had died" beside "14 people
    # died"); one with a count in digits keeps it alone ("121 seats … nine seats"), unless the words say more of
    # what is asked (below).
    spelled = [
        counting(text, figures_en.spelled_counts(text)) if q.lang == "en" and same else []
        for (text, _), same in zip(quotes, own, strict=True)
    ]
    counted = [_most_asked(q, ws + more) or ws or more for ws, more in zip(counted, spelled, strict=True)]
    specific = _specific_event(
        q, [q.forms(text) for text in dict.fromkeys(articles)] or [q.forms(t) for t, _ in quotes]
    )
    if specific and not any(specific & q.forms(w) for ws in counted for _, w in ws):
        counted = [[] for _ in counted]
    # Beyond English, a figure's noun is often another word than the question's ("95 víctimas" for "¿cuántas
    # personas murieron?"): a quote in the question's language keeps its figures.
    keep_own = q.lang != "en"
    return [
        list(figures) if same and keep_own else [f for f, _ in ws]
        for ws, same, (_, figures) in zip(counted, own, quotes, strict=True)
    ]


def _most_asked(q: Question, counted: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Of one quote's counts of the asked noun (figure, the words around it), those whose words say what the
    question says the counted things did ("how many people [died] in Poland?": "In Poland, six people died", not
    "Storm Ilse has killed at least 12 people in Austria, Poland …" nor "More than 15,000 people have been
    evacuated"), where some do; else none (each count then says as much). Its other words are no guide: the
    story's names and places are around any of its counts ("410 seats … in the UK election")."""
    did = [m for m in q.matches if m & q.focus and not m & q.head] if q.head else []
    if len(counted) < 2 or not did:
        return []
    said = [any(m & q.forms(_clause_of(figure, window)) for m in did) for figure, window in counted]
    return [c for c, yes in zip(counted, said, strict=True) if yes]


def _clause_of(figure: str, window: str) -> str:
    """The words around the figure up to a comma, semicolon or colon each side: "seven people had died", not "died,
    while Austria reported five deaths"."""
    found = re.search(r"(?<![\w.,])" + re.escape(figure) + r"(?!\w)", window)  # "7 people" is not in "17 people"
    if found is None:
        return window
    at = found.start()
    start = max(window.rfind(mark, 0, at) for mark in ",;:") + 1
    ends = [i for i in (window.find(mark, at + len(figure)) for mark in ",;:") if i >= 0]
    return window[start : min(ends, default=len(window))]


def _specific_event(q: Question, present: Sequence[AbstractSet[str]]) -> frozenset[str]:
    """The forms of the words of the question's event, in lower case and of letters (no name, year or figure: "the
    2024 Valencia floods"), that at most half of the texts (their ``present`` forms) hold and the counted noun does
    not contain: what it asks beyond the story all of them tell."""
    written = {w.casefold() for w in TOKEN.findall(q.text) if w.isalpha() and w.islower()}
    words: dict[str, set[str]] = {}
    for form in q.event:  # each word with its stem ("floods", "flood")
        words.setdefault(q.stem(form), set()).add(form)
    # What the counted noun already says it did asks nothing beyond it: "firefighters" [fighting], "voters" [voted].
    counted = {q.stem(f) for f in q.focus}
    return frozenset(
        f
        for stem, w in words.items()
        if w & written
        and not any(stem in noun for noun in counted)
        and sum(bool(w & p) for p in present) * 2 <= len(present)
        for f in w
    )


def _around(text: str, figure: str) -> tuple[str, int]:
    """The figure with up to ``NEAR_FIGURE`` words each side, and where the figure starts in it ('' where the text
    does not give it). The figure is found as a whole ("5 people" is not in "15 people"), across any spacing (its
    words are joined by single spaces: "229\npeople")."""
    words_of = figure.split()
    if not words_of:
        return "", 0
    found = re.search(r"(?<![\w.,])" + r"\s+".join(map(re.escape, words_of)) + r"(?!\w)", text)
    if found is None:
        return "", 0
    at, stop = found.span()
    words = list(TOKEN.finditer(text))
    starts = [m.start() for m in words]
    first = bisect.bisect_left(starts, at)
    last = bisect.bisect_left(starts, stop)
    begin = min(words[max(0, first - NEAR_FIGURE)].start(), at) if words else at
    end = max(words[min(len(words), last + NEAR_FIGURE) - 1].end(), stop) if last < len(words) else len(text)
    return text[begin:end], at - begin


def _other_side(figure: str, q: Question) -> bool:
    """The figure counts what another name of the question owns: "23 Dravenian drones" for "How many Sulmoran
    drones has Dravenia shot down?", "150 Sulmoran prisoners" for "How many Dravenian prisoners did Sulmora hand
    over?". Only a name the question itself gives elsewhere tells a side; "14 T-72 tanks" may be Russian ones, and
    a compound says where or by whom, not whose ("12,000 Germany-based troops", "30 Kyiv-bound missiles")."""
    written = " ".join(w for w in _WORDS.findall(figure) if w[:1].isupper() and "-" not in w)
    names = q.names[:MAX_SIDES]
    named = [n for n in names if n.casefold() in q.focus]  # the question's names of what it counts
    if not written or not named or any(countries.named(q, n, written) for n in named):
        return False
    return any(countries.named(q, n, written) for n in names if n not in named)


MAX_SIDES = 6  # the question's names read for a figure's side: a hostile question of hundreds costs no more


def gives_asked_figure(quote: str, q: Question) -> bool:
    """The quote counts the asked noun and, when the question says what those things did, shares a word of that:
    "4,500 former prisoners … killed" does not answer "how many prisoners came home in the latest exchange"."""
    if not counts_asked_noun(quote, q):
        return False
    return not q.event or bool(q.event & q.forms(quote))


def asked_figure_found(
    q: Question, sentences: Sequence[str], heads: Sequence[str] = (), articles: Sequence[str] = ()
) -> float:
    """1 when a sentence counts the asked noun for the asked event (or no figure is asked), 0 when none does; 0.5
    when only a sentence in another language gives a figure, which the question's words cannot check. The counting
    sentence is about what the question names: it, or its article's first sentence (``heads``: each sentence's
    article opening), names something the question names ("The drug will cost $32,000" under "FDA approves
    Kisunla"; not another bank's "close 40 of its 310 branches" for "how many branches will Eastmere close?"). A
    figure question without a counted noun ("how much does it cost?") is answered by any count about it.
    ``articles``: each sentence's article in full; where some are in the question's language, a word of the asked
    event that at most half of those hold (what the question asks beyond the story they all tell:
    "evacuated" in "how many people were evacuated in the Valencia floods?") must be in the counting sentence —
    "dozens of people trapped … in Valencia" shares only the story. A paraphrase the articles never write otherwise
    ("burned" for "destroyed") is lost with it: this reading only feeds the answerability model's signal, not the
    exact refusal (``abstention.lacks_asked_figure``)."""
    if Asks.FIGURE not in q.asks:
        return 1.0
    opening = list(heads) + [""] * (len(sentences) - len(heads))
    counts: Callable[[str], bool] = has_count
    if asks_duration(q):
        counts = count_or_span
    elif q.focus:
        # Only articles in the question's language can hold its words; one of them is enough (asking for two cost
        # leave-one-out −1 on probes 7, 9 and 18).
        own = [q.forms(t) for t in dict.fromkeys(articles) if detect(t, q.lang) == q.lang]
        specific = _specific_event(q, own) if own else frozenset()

        def counts(x: str) -> bool:
            return gives_asked_figure(x, q) and (not specific or bool(specific & q.forms(x)))

    if any(counts(x) and _of_named(q, x, h) for x, h in zip(sentences, opening, strict=False)):
        return 1.0
    foreign = any(has_figure(x) and detect(x, q.lang) != q.lang for x in sentences)
    return 0.5 if foreign else 0.0


def count_or_span(sentence: str) -> bool:
    return has_count(sentence) or has_span(sentence)


def _of_named(q: Question, sentence: str, head: str) -> bool:
    """The sentence, or its article's first sentence, names something the question names (or it names nothing): an
    article may mention the asked bank further down ("competes with Eastmere Bank") and be about another."""
    return not q.names or q.names_in(sentence) > 0 or q.names_in(first_sentence(head)) > 0

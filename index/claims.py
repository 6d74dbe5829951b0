"""Who claims what, and how sure: figures, credits and hedges of a quote (rule-based); figures side by side.

A sentence's speaker is read by ``index.attribution``; here a quote of several sentences or paragraphs is credited
as a whole, and figures of the same thing from different quotes are lined up.

Rules stay general (reporting verbs, hedging phrases, numbers with the noun they count); none names an
outlet or a known sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index import figure_phrases, figures_en, quotations, speakers
from index.attribution import ARTICLES, article_in_lower_case, attribution
from index.figures_en import noun_of, unit_of
from index.language import TOKEN, analyzer, detect
from index.sentences import split_sentences
from index.terms import has_count, without_times
from index.types import FigureEntry

_HEDGES = re.compile(
    r"\b(?:it is (?:unconfirmed|unclear|not clear|not known)(?: whether| if)?|unconfirmed|unverified|"
    r"(?:could|can|cannot|can't|has|have) not (?:be |been )?(?:independently )?(?:verified|confirmed)|"
    r"(?:could|can)n[o']t (?:be )?(?:independently )?(?:verified|confirmed)|"
    r"not (?:been )?independently (?:verified|confirmed)|(?:verified|confirmed) independently|unverifiable|"
    r"reportedly|purported(?:ly)?|allegedly|alleged|(?:is|are|was|were) said to|"
    r"(?:is|are|was|were) (?:reported|believed|thought) to (?:be|have)|(?:may|might) have been|claimed|claims that|"
    r"appears? to|appeared to|unsubstantiated)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Claim:
    """What a quote claims: figures with their nouns, who it is attributed to, and any hedging phrase."""

    figures: tuple[str, ...]
    attribution: str
    hedge: str


def figures(text: str, lang: str = "") -> list[str]:
    """'about 90 tanks', '3,010 soldiers', 'nearly 90 per cent of its army', 'two-thirds of its tank force'; in
    another language (``lang``, the text's article's; else the text's own), as ``figure_phrases`` reads it ('15 000
    Menschen', '45 muertos')."""
    lang = lang or detect(text, default="en")
    return figures_en.figures(text) if lang == "en" else figure_phrases.figures(text, lang)


def _singular(noun: str) -> str:
    """A readable label for a group of figures: 'vehicles' → 'vehicle', 'casualties' → 'casualty'."""
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith("s") and not noun.endswith("ss") and len(noun) > 3:
        return noun[:-1]
    return noun


def _as_written(noun: str, figure: str) -> str:
    """The noun with the case the figure gives it: German capitalises nouns ("Menschen"), English does not."""
    m = re.search(rf"(?<!\w){re.escape(noun)}(?!\w)", figure, re.IGNORECASE)
    return m.group(0) if m and not m.group(0).isupper() else noun


def _again(who: str, earlier: str) -> bool:
    """``who`` names the source of an ``earlier``, longer credit again: "the agency" or "The inspectorate" (a
    definite article and its last word), "Janovsky" (its last word, capitalised)."""
    words, before = who.split(), earlier.split()
    if not words or len(before) <= len(words) or words[-1].casefold() != before[-1].casefold():
        return False
    return (len(words) == 2 and words[0].casefold() == "the") or (len(words) == 1 and who[:1].isupper())


def hedge(text: str) -> str:
    m = _HEDGES.search(text)
    return m.group(0) if m else ""


def claim(text: str, lang: str = "") -> Claim:
    """The quote's figures, who it credits and its hedge; ``lang``: its article's language (a short quote's own can
    be mistaken). A quote of several sentences credits each sentence's speaker ("…, the head teacher said. About
    240 pupils …, the council said." → "the head teacher and the council"), never only the first one's for what the
    second said. A quote of several paragraphs whose paragraphs credit different sources, or some none, says which
    paragraph each credit is for: a credit covers its own paragraph, as news writes one ("Rask faces a ban of up to
    four years", the outlet's own words after his denial and his team's statement, is neither's)."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    credits = _paragraph_credits(paragraphs, lang)
    if len({who.casefold() for who in credits}) > 1:
        paragraphs_of: dict[str, list[int]] = {}
        for n, who in enumerate(credits, start=1):
            if who:
                paragraphs_of.setdefault(who, []).append(n)
        marked = [f"{who} ({_which(numbers)})" for who, numbers in paragraphs_of.items()]
        return Claim(tuple(figures(text, lang)), _listed(marked), hedge(text))
    # One credit for every paragraph (or none): it is the whole quote's, already read.
    return Claim(tuple(figures(text, lang)), credits[0] if credits else "", hedge(text))


def paragraph_credits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, whom it credits) of each paragraph of ``text``, as ``claim`` reads them: a figure in a quote of
    two paragraphs is its own paragraph's source's, not both ("About 350 firefighters …, according to the state
    forestry agency" after a paragraph "fire officials said")."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]
    credits = _paragraph_credits([text[start:end] for start, end in spans])
    return [(start, end, who) for (start, end), who in zip(spans, credits, strict=True)]


def credit_of(figures: Sequence[str], text: str) -> str | None:
    """The one credit of the paragraphs of ``text`` where the ``figures`` are written (every place each is); None
    when a figure is not written as given or the places differ in credit."""
    paragraphs = paragraph_credits(text)
    credits: set[str] = set()
    for figure in figures:
        places = [m.start() for m in re.finditer(re.escape(figure), text)]
        if not places:
            return None
        credits |= {who for start, end, who in paragraphs for at in places if start <= at < end}
    return credits.pop() if len(credits) == 1 else None


def _paragraph_credits(paragraphs: Sequence[str], lang: str = "") -> list[str]:
    """Each paragraph's credit. One that continues a quotation or credits a pronoun ('"…," he said') is its
    predecessor's; a source named again ("Janovsky" after "Jakub Janovsky", "the agency" after its full name) is
    the one earlier credit it can repeat ("the minister" after two ministers is neither)."""
    credits: list[str] = []
    by_last: dict[str, list[str]] = {}  # earlier credits by their last word, case-folded
    for paragraph in paragraphs:
        who = credit(paragraph, lang)
        if not who and credits and _continues(paragraph):
            who = credits[-1]
        if who:
            same = [e for e in by_last.get(who.split()[-1].casefold(), []) if e == who or _again(who, e)]
            who = same[0] if len(same) == 1 else who
            if who not in by_last.setdefault(who.split()[-1].casefold(), []):
                by_last[who.split()[-1].casefold()].append(who)
        credits.append(who)
    return credits


def _continues(paragraph: str) -> bool:
    """The paragraph goes on with the speaker before: it opens a quotation, or a pronoun speaks ('," he said')."""
    return paragraph.lstrip()[:1] in "\"“„«‘'" or _PRONOUN_SAYS.search(paragraph) is not None


_PRONOUN_SAYS = re.compile(r"\b(?:he|she|they)\s+(?:said|says|added|told|wrote|warned)\b", re.IGNORECASE)


def credit(text: str, lang: str = "") -> str:
    """Who a passage credits: each sentence's speaker, once, in order of appearance; a quotation credited to a
    pronoun is the person the sentence before opens with ("Chief executive Orla Brennock rejected the criticism.
    “Our spare capacity …,” she said.")."""
    spans = split_sentences(text)
    if len(spans) < 2:
        return attribution(text)
    named: dict[str, str] = {}  # by their case-folded name: "police" and "Police" are one speaker, as first written
    # The sentences read so far, and whom each credits.
    read: list[tuple[str, str]] = []
    opener = -1  # the one before the sentence that opened the last quotation
    for start, end in spans:
        sentence = text[start:end]
        if _opens_quotation(sentence):
            opener = len(read) - 1
        who = attribution(sentence)
        if not who and opener >= 0 and _closes_quotation(sentence):
            lang = lang or detect(text)
            if credited_by_pronoun(sentence, lang):
                who = _pronoun_credit(read[: opener + 1], lang)
            opener = -1
        read.append((sentence, who))
        named.setdefault(who.casefold(), who)
    speakers = [who for who in named.values() if who]
    # "the agency" after "the International Cycling Integrity Agency" names it again, not another source.
    return _listed([who for n, who in enumerate(speakers) if not any(_again(who, e) for e in speakers[:n])])


def _pronoun_credit(before: Sequence[tuple[str, str]], lang: str) -> str:
    """Whom a quotation credited to a pronoun is by: the credit or the subject (``subject``) of the sentence before
    it, if no sentence before that names another ("PM Anna Berg defended the plan. Finance Minister Erik Lund was
    absent. '…,' she said.": unclear)."""
    (last, credited), earlier = before[-1], before[:-1]
    speaker = credited or subject(last, lang)
    # Only since the last credited sentence: a speaker whose words were credited already is done.
    since = next((n for n in range(len(earlier) - 1, -1, -1) if earlier[n][1]), -1)
    others = {subject(sentence, lang) for sentence, _ in earlier[since + 1 :]} - {"", speaker}
    return article_in_lower_case(speaker) if speaker and not others else ""


def _opens_quotation(sentence: str) -> bool:
    return any(quotations.opens(sentence, i) for i, ch in enumerate(sentence) if ch in quotations.MARKS)


def _closes_quotation(sentence: str) -> bool:
    return any(mark in sentence[1:] for mark in quotations.MARKS)


CREDIT_WORDS = 6  # the most words after a quotation that credit it ("he told analysts on a call")
PRONOUN_AT = 3  # the pronoun is one of the first words after the quotation ("he said", "a-t-il déclaré")


def credited_by_pronoun(text: str, lang: str) -> bool:
    """The text ends a quotation credited after it to a personal pronoun of its language ``lang`` ("“…,” he told
    analysts", "„…“, sagte er", "« … », a-t-il déclaré"; ``speaking_pronouns`` in data/cues.json): whose words they
    are, the sentence before the quotation tells."""
    closing = max(text.rfind(mark) for mark in quotations.MARKS)
    words = TOKEN.findall(text[closing + 1 :]) if closing > 0 else []
    if not words or len(words) > CREDIT_WORDS:
        return False
    pronouns = speakers.cue_words("speaking_pronouns", lang)
    return any(w.casefold() in pronouns for w in words[:PRONOUN_AT])


SUBJECT_WORDS = 8  # a name that opens a sentence, with its title ("Chief financial officer Davide Orsenigo")
PARTICLE = 3  # a lower-case word this short may join a name's parts ("von der Leyen", "Bank of England")
TITLE_WORDS = 3  # lower-case words in a row before a name's next capitalised word ("Chief financial officer")
DATELINE = re.compile(r"[^()\n]{1,80}\([^()\n]{1,60}\)\s*[-–—]\s*")  # "WASHINGTON, March 3 (Wire) - "


def subject(sentence: str, lang: str) -> str:
    """The name a sentence opens with, two capitalised words at least, with the title before it and the short words
    inside it: "Adam Pelling" of "Adam Pelling, a battery engineer …", "Chief executive Orla Brennock" of "Chief
    executive Orla Brennock rejected …", "Ursula von der Leyen" of "Ursula von der Leyen met Donald Trump"; ''
    for none: "The pilots' union said", "In March, …", "Russia launched Shahed drones", "Zelensky met Donald
    Trump" (a verb in English reads in another form in the dictionary: "launched", "met"). A dateline is skipped."""
    dateline = DATELINE.match(sentence)
    words = sentence[dateline.end() if dateline else 0 :].split()[:SUBJECT_WORDS]
    if not words or not words[0][:1].isupper():
        return ""
    a = analyzer(lang)
    name: list[str] = []
    for n, word in enumerate(words):
        core = word.rstrip(",;:.!?")
        if not core[:1].isalpha():
            break
        capitals = sum(w[:1].isupper() for w in name)
        if core[:1].islower():
            # A title's words before the name ("міської військової адміністрації Рудавки") and, past two
            # capitalised words, only short ones between parts of a name ("von der", "of") go on to a capital.
            ahead = words[n + 1 : n + 1 + TITLE_WORDS]
            follows = any(w[:1].isupper() for w in ahead)
            verb = lang == "en" and a.lemma(core) != core.casefold()
            if verb or not follows or (capitals >= 2 and len(core) > PARTICLE):
                break
        name.append(core)
        if core != word:
            break  # a comma or a full stop ends the name: "Adam Pelling, a battery engineer"
    while name and not name[-1][:1].isupper():
        name.pop()
    while name and name[0].casefold() in a.stopwords and name[0].casefold() not in ARTICLES:
        name.pop(0)  # "In March", "Pour l'analyste …": no part of a name
    while name and not without_times(name[0]).strip():
        name.pop(0)  # "Tuesday Orla Brennock…": a time opens the sentence
    return " ".join(name) if sum(w[:1].isupper() for w in name) >= 2 else ""


def _listed(names: Sequence[str]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _which(numbers: Sequence[int]) -> str:
    """ "first paragraph", "first and third paragraphs", "paragraphs 2, 6 and 7"."""
    names = ("first", "second", "third", "fourth", "fifth")
    if len(numbers) == 1:
        return f"{names[numbers[0] - 1]} paragraph" if numbers[0] <= len(names) else f"paragraph {numbers[0]}"
    if max(numbers) <= len(names):
        return _listed([names[n - 1] for n in numbers]) + " paragraphs"
    return "paragraphs " + _listed([str(n) for n in numbers])


def side_by_side(items: Sequence[tuple[int, str, str, Claim, frozenset[str]]]) -> dict[str, list[FigureEntry]]:
    """Figures of the same noun from two or more sources: {'tank': [entries...]}, for (n, source, published,
    claim, context) items. Figures are grouped by the stem of their noun and labelled with its singular as written.
    Two figures stand side by side only when their contexts (the names around each quote) share a name, so that
    they measure the same event: 800 flood-relief soldiers are not set beside 1,200 soldiers lost in a war."""
    by_unit: dict[str, list[tuple[FigureEntry, frozenset[str]]]] = {}
    seen: set[tuple[int, str]] = set()
    for n, source, published, c, context in items:
        for f in c.figures:
            unit = unit_of(f)
            # A time span is a duration, not a count to compare ("the first rise in 17 years"); a figure two quotes
            # of one source both give is listed once.
            if unit and has_count(f) and (n, f) not in seen:
                seen.add((n, f))
                entry = FigureEntry(f, n, source, c.attribution, bool(c.hedge), published)
                by_unit.setdefault(unit, []).append((entry, context))
    out: dict[str, list[FigureEntry]] = {}
    for entries in by_unit.values():
        shared = [e for e, ctx in entries if any(m.n != e.n and ctx & other for m, other in entries)]
        if len({x.n for x in shared}) >= 2:
            out[_singular(_as_written(noun_of(shared[0].figure), shared[0].figure))] = shared
    return out

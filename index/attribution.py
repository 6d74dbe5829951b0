"""Who a sentence attributes its claim to, in English: reporting verbs after a name or a role ("X said", "according
to X", "…, said X", "X, a spokesman, told"), the source of figures and data, whoever puts a measure at a figure;
never a pronoun, a relative word, a clause or a time (the patterns: ``attribution_patterns``). Other languages'
credits come from ``speakers``.

Rules stay general: none names an outlet or a known sentence. Every pattern is bounded (no quadratic reading of long
runs of names, words or commas)."""

from __future__ import annotations

import bisect
import re

from index import quotations, speakers
from index.attribution_patterns import ATTRIBUTIONS, NAME_SAYS, PHRASE_ENDS
from index.language import analyzer
from index.periods import is_month
from index.terms import without_times

# A circumstance after the speaker: "at the time", a time span ("during a briefing", "over the weekend"), a manner
# ("in a statement", "on social media", "with reporters"). "Officials in the region", "Doctors at the hospital"
# and "the man in charge" name who speaks. The speaker is whatever comes first (a letter-led word there, read to
# every space, was quadratic on one long word).
_ADJUNCT = re.compile(
    r"(\S.*?)\s+(?:at the time|(?:during|over|after|before)\s+(?:the|a|an|its|his|her|their)\s+[a-z][\w’'-]*"
    r"|(?:in|on)\s+(?:a|an|social)\s+[a-z][\w’'-]*(?:\s+[a-z][\w’'-]*)?|with\s+reporters)"
)
_PRONOUNS = frozenset(
    "it he she they we i you this that there which who whom what nobody somebody everybody anybody someone "
    "everyone anyone no-one".split()
)
ARTICLES = frozenset({"the", "a", "an"})
_PASSIVE = frozenset({"is", "are", "was", "were", "be", "been", "being"})
# The head of a speaker's noun phrase before "of / for / in / at / from" + the name the patterns found: "The harbour
# master of Harwick", "A spokesman for the ministry", "Officials in Valencia" (from the clause's start, ≤ 5 words).
_HEAD = re.compile(
    r"(?:^|(?<=[.!?;:,”\"’]\s)|(?<=\n))((?:[Tt]he |[Aa]n? )?(?:[\w’'-]+\s){0,4}?(?:of|for|in|at|from)\s)$"
)


# A speaker named by whose it is, cut at the owner: "according to Sardinia's regional civil protection agency" (up
# to five words after it, to a clause's end).
_POSSESSIVE = re.compile(r"[’']s$")
_OWNED = re.compile(
    rf"((?:\s+(?!(?:{PHRASE_ENDS}|said|says|told)\b)[a-z][\w’'-]*){{1,5}}?)"
    rf"(?=[,.;:)]|\s+(?:{PHRASE_ENDS}|said|says|told)\b|$)"
)
_IN_CLAUSE = re.compile(r",\s(?:which|who|whose)\b[^,;:.!?]*$")  # an open relative clause ends here
# A name after a preposition in an open relative clause is its object, not the subject of the verb after it:
# "Shareholders who lost their savings in the collapse of Valmora Foods said". Outside one it stands for its phrase
# ("Joseph Glauber with the Institute said", "a call captured by Ukrainian intelligence claims").
_OBJECT = re.compile(r"\b(?:of|in|at|from|for|by|to|with|on|into|over|against|about)\s+$")
_OPEN_RELATIVE = re.compile(r"\b(?:who|which)\b[^,;:.!?]*$")  # not "that": "denied that a spokesman for the army said"
_HEAD_CHARS = 300  # how far before a speaker its head is looked for (five words and "of"); not from the text's start


def attribution(text: str) -> str:
    """Who the sentence attributes its claim to: 'Ukraine’s Security Service', 'the man', 'Russia'; in the other
    languages of the cues through ``speakers.credited`` ('Ministerio del Interior')."""
    speech: list[tuple[int, int]] | None = None  # the quotations' spans, read at the first candidate
    for pattern in ATTRIBUTIONS:
        # Each match until one names someone: "The rate was reported to be 74%, officials said." (the first match,
        # "The rate was", is in the passive). A later one only where a clause starts ("He said the Kremlin had
        # warned Kyiv": the Kremlin is in what he said), and none after a pronoun that speaks.
        for n, m in enumerate(pattern.finditer(text)):
            if n and not re.search(r"(?:^|[,;:.!?”\"’]\s*)$", text[max(0, m.start(1) - 3) : m.start(1)]):
                continue
            if _IN_CLAUSE.search(text, max(0, m.start(1) - _HEAD_CHARS), m.start(1)):
                continue  # "…, which handles exports to Morocco, said": a name inside a relative clause does not speak
            if speech is None:
                speech = quotations.speech_spans(text)
            if _inside(speech, m.start(1)):
                continue  # 'said: "We received a report from Mallory & Finch"': inside the speech, not its credit
            # "WHO" is a name, "this" of "this week" a time's
            if {w.casefold() for w in without_times(m.group(1)).split() if not w.isupper()} & _PRONOUNS:
                break
            who = re.sub(r"(?:\s+(?:and|of|for|the))+$", "", m.group(1).strip(" ,.;:“”\"'"))
            if _POSSESSIVE.search(who):  # "Sardinia's regional civil protection agency": what it owns speaks
                owned = _OWNED.match(text, m.start(1) + m.group(1).find(who) + len(who))
                who += owned.group(1) if owned else ""
            head = _HEAD.search(text, max(0, m.start(1) - _HEAD_CHARS), m.start(1))
            opener = head.group(1).split()[0].lower() if head else ""
            if head and head.end() == m.start(1) and opener not in _PRONOUNS and opener != "according":
                who = head.group(1) + who
            elif (
                pattern is NAME_SAYS
                and _OBJECT.search(text, max(0, m.start(1) - 10), m.start(1))
                and _OPEN_RELATIVE.search(text, max(0, m.start(1) - _HEAD_CHARS), m.start(1))
            ):
                continue
            who = _speaker(who)
            if who and who.split()[0].lower() not in _PRONOUNS and who.lower() not in {"the", "a"}:
                return article_in_lower_case(who)
    return speakers.credited(text)


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    """``at`` lies inside one of the (start, end) spans, sorted and apart."""
    i = bisect.bisect_left(spans, (at, 0)) - 1
    return i >= 0 and spans[i][0] < at < spans[i][1]


def article_in_lower_case(who: str) -> str:
    """ "the media outlet" for "The media outlet" that opened its sentence, "a Kremlin spokesman": the credit follows
    "per" mid-line. A name keeps its article as written ("The Guardian", "The New York Times")."""
    first, _, rest = who.partition(" ")
    if (first in ("A", "An") and rest) or (first == "The" and rest[:1].islower()):
        return f"{first.lower()} {rest}"
    return who


def _speaker(phrase: str) -> str:
    """The phrase a pattern took for the speaker, cleaned, or '' when it cannot be one.

    A phrase that runs across a sentence end keeps its last sentence ("DC. The Federal Reserve"; "The U.S. State
    Department" and "St. Petersburg officials" stay whole); trailing function words go ("Real Madrid has", "the
    soldier then", "Intel also"). None is a phrase holding a pronoun ("Chillingly he"; "WHO" and "IT" are names), in
    the passive ("have been"), opening with a function word other than an article that starts no name ("while major
    airlines", "with deaths", "At 226 confirmed…"; "Under Armour" is a name), or only a time ("Friday"). A
    sentence adverb goes ("Meanwhile the Kremlin", "Yet Hamas"), so does a clause's conjunction before a name
    ("although Kyiv"); before a lower-case word ("though officials") the phrase is a clause, not a credit."""
    words = _last_sentence(phrase).split()
    # "this" of "this week" is a time's, not a pronoun.
    if any(w.casefold() in _PRONOUNS and not w.isupper() for w in without_times(" ".join(words)).split()):
        return ""
    if words and words[-1].casefold() in _PASSIVE:  # "450 deaths have been reported": reported by no one named
        return ""
    if any(re.fullmatch(r"[\d.,%]+", w) for w in words):  # "The storm killed 12 people, said police": a clause
        return ""
    stop = analyzer("en").stopwords
    adverbs = speakers.cue_words("adverbs", "en")
    # "The ministry on Wednesday", "Police Sunday": a time between the speaker and the verb is no part of it
    # ("USA TODAY" is a name).
    timed = without_times(" ".join(words)).split()
    cut_at = len(timed)
    dropped = words[cut_at:]
    # A month right after a name may be a surname ("Theresa May"); a weekday, or a time after a preposition, is not.
    plain = not any(is_month(w) for w in dropped) or (timed[-1].islower() and timed[-1] in stop if timed else False)
    if 0 < cut_at < len(words) and timed == words[:cut_at] and plain and not any(w.isupper() for w in dropped):
        words = timed
    # "Intel at the time", "The ministry in a statement": a circumstance in lower case after the speaker.
    adjunct = _ADJUNCT.fullmatch(" ".join(words))
    if adjunct:
        words = adjunct.group(1).split()
    while words and ((words[-1].casefold() in stop and not words[-1].isupper()) or words[-1] in adverbs):
        if words.pop().casefold() in _PASSIVE:  # "Variations were also noted": noted by no one named
            return ""
    if not words:
        return ""
    if len(words) > 1 and words[0].casefold() in speakers.cue_words("sentence_adverbs", "en"):
        words = words[1:]  # "Meanwhile the Kremlin", "Yet Hamas"
    if words[0].casefold() in speakers.cue_words("conjunctions", "en"):  # "although Kyiv", not "though officials"
        if len(words) == 1 or not words[1][:1].isupper():
            return ""
        words = words[1:]
    first = words[0]
    # "DID spokesman Andrei Yusko": a word in capitals is a name, not "did"
    function_word = first.casefold() in stop and first.casefold() not in ARTICLES and not first.isupper()
    if function_word and (first.islower() or len(words) == 1 or not words[1][:1].isupper()):
        return ""
    who = " ".join(words)
    return who if re.search(r"[^\W\d_]", without_times(who)) else ""


def _last_sentence(phrase: str) -> str:
    """The phrase after its last sentence end: a full stop after a word that is no abbreviation ("U.S.", "St.")."""
    ends = [
        m.end()
        # From a word's start and bounded: from every position of a long run "\S+" read to its end (quadratic).
        for m in re.finditer(r"(?<!\S)(\S{1,60})\.\s+(?=[A-Z])", phrase)
        if "." not in m.group(1) and not (m.group(1).istitle() and len(m.group(1)) <= 3)
    ]
    return phrase[ends[-1] :] if ends else phrase

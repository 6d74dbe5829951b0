"""Who a sentence attributes its claim to, in English: reporting verbs after a name or a role ("X said", "according
to X", "…, said X", "X, a spokesman, told"), the source of figures and data, whoever puts a measure at a figure;
never a pronoun, a relative word, a clause or a time. Other languages' credits come from ``speakers``.

Rules stay general: none names an outlet or a known sentence. Every pattern is bounded (no quadratic reading of long
runs of names, words or commas)."""

from __future__ import annotations

import bisect
import re

from index import quotations, speakers
from index.language import analyzer
from index.periods import is_month
from index.terms import without_times

# Nouns a credit's name may end in ("Ukrainian military intelligence", "UN officials"; index/data/cues.json).
_SOURCE_NOUNS = "|".join(sorted(speakers.cue_words("source_nouns", "en"), key=len, reverse=True))
# Up to two lower-case words may stand before the first: "the Norlandic defence ministry", "Karsova's state media".
_ORG_NOUNS = rf"(?:(?:\s+[a-z][\w’'-]*){{0,2}}?\s+(?:{_SOURCE_NOUNS})\b(?:\s+(?:{_SOURCE_NOUNS})\b){{0,3}})?"
# The article is a word of its own: "spokesman Peskov said" is no "an Peskov". Words and names are bounded (no
# speaker runs to 12 linked words of 40 letters): a search starts at every capital, and an unbounded name would
# read on to the end of a long run of them from each one ("the Ab of " 10,000 times took 114 s).
_NAME_WORD = r"[A-Z][\w’'.&-]{0,40}"
_LINK = (
    r"(?:(?:of|for|the|and)\b|&)"  # a word of its own: "Ukrainian officials" is no "Ukrainian of"; "Mallory & Finch"
)
# Someone of a name's or a role's, named after their role: "Dremin's deputy Petro Lysak", "the governor's deputy
# Petro Lysak" speak themselves, not "Dremin's" or "the governor".
_THEIRS = rf"(?:(?<=['’]s)(?:\s+[a-z][\w’'-]*){{1,3}}\s+{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})?"
_WHO = (
    r"((?:\b(?:the |a |an ))?"
    + _NAME_WORD
    + r"(?:\s+(?:"
    + _LINK
    + "|"
    + _NAME_WORD
    + r")){0,12}"
    + _THEIRS
    + _ORG_NOUNS
)
# A source named by its role: "the governor", "the news agency" (index/data/cues.json), "the man in charge".
_ROLES = "|".join(sorted(speakers.cue_words("speaker_nouns", "en"), key=len, reverse=True)).replace(" ", r"\s")
_WHO += rf"|[Tt]he (?:man|woman|{_ROLES})(?:['’]s(?:\s+[a-z][\w’'-]*){{1,3}}\s+{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}"
_WHO += r"|(?:\s+(?!(?:said|says|told|added|has|have|had)\b)[\w’'-]+){0,2}))"
# What a source puts at a figure when it estimates it: "put the damage at", "placed its losses at" (cues.json).
_MEASURES = "|".join(sorted(speakers.cue_words("estimated_measures", "en"), key=len, reverse=True))
# "Intel also said", "Police later confirmed" (index/data/cues.json).
_ADVERB = "|".join(sorted(speakers.cue_words("adverbs", "en"), key=len, reverse=True))
# Capitalised function words open a sentence without naming anyone: "On Friday, officials in Kyiv said…".
_OPENERS = "(?:" + "|".join(sorted((w.capitalize() for w in analyzer("en").stopwords), key=len, reverse=True)) + ")"
_PER = r"(?:(?:^|(?<=[,;:(—]\s)|(?<=\n))(?:[Aa]s )?[Pp]er|\b[Aa]s per)"
# "released last year", "published on Monday", "issued in 2023"; not "briefed on the investigation".
_DATED = r"[a-z][\w’'-]*ed(?=\s+(?:last|this|earlier|yesterday|today)\b|\s+(?:on|in|at)\s+[A-Z\d])"
# A source named by a short phrase, up to six words ("two people familiar with the matter"); it ends before a
# clause word or a participle that says when it came out ("a trial [released last year]").
_PHRASE = rf"[\w’'-]+(?: (?!{_DATED})[\w’'-]+){{0,5}}?"
_PHRASE_ENDS = rf"on|in|at|as|which|who|that|and|but|{_DATED}"
# A participle that says who the source is goes on with its place: "a person briefed on the investigation".
_PARTICIPLE_ENDS = rf"(?<![a-z]ed)\s+(?:{_PHRASE_ENDS}|from|for)\b|\s+(?:which|who|that|and|but)\b"
# Where a source named by its role works: "analysts at Goldman Sachs", "a spokesperson for Eli Lilly" ("police at the
# scene" ends before "at").
_AT_NAME = rf"(?:\s+(?:at|from|for)\s+(?:the\s+)?{_NAME_WORD}(?:\s+(?:{_LINK}|{_NAME_WORD})){{0,6}})?"
_FIGURES_FROM = (
    r"\b[Aa]ccording to (?:the )?(?:\w+ )?(?:figures|data|numbers|statistics|stats|estimates|information) "
    r"(?:[a-z]+ed )?(?:(?:last|this) [a-z]+ )?(?:from|by|in) "
)
# "X said", "X has told": the name before a speech verb.
_NAME_SAYS = re.compile(
    # An adverb only without a comma: "Omicron, first reported in South Africa, …" is no speaker.
    _WHO + rf"(?:,? (?:has |have |had )?| (?:has |have |had )?(?:{_ADVERB}) )(?:said|says|told|claimed|claims|"
    r"reported|reports|stated|"
    # A plural noun after a name is no verb: "Western estimates put losses at…", "Bank notes"; before "that" it is.
    r"estimated|estimates(?= that\b)|announced|announces|added(?!\s+(?:\S+\s+){0,2}?[\d$£€])|commented|"
    # "Apple writes off $1 billion", "Intel wrote down its stake": accounts, not speech.
    r"wrote(?!\s+(?:off|down)\b)|writes(?!\s+(?:off|down)\b)|warned|warns|noted)\b"
)
_ATTRIBUTIONS = [
    re.compile(r"\baccording to " + _WHO),
    # "As Ukrainian News Agency earlier reported, …", opening a sentence: the source, not "As Ukrainian News Agency"
    # (a causal "as" inside one, "shares fell as Apple reported weak sales", names no speaker of the sentence).
    re.compile(
        r"(?:^|(?<=[.!?;:]\s)|(?<=\n))As "
        + _WHO
        + rf" (?:has |have |had )?(?:(?:{_ADVERB}) )?(?:reported|said|noted|wrote|stated|announced)\b"
    ),
    re.compile(r"\b(?:released|shared|published|made public|reported|posted|issued|cited|quoted) by " + _WHO),
    re.compile(r"\b(?:a |an |the )?(?:new )?(?:report|statement|assessment|update) (?:from|by) " + _WHO),
    # A participle between commas says how the source spoke: "Two U.S. officials, speaking on condition of anonymity,
    # said", "Russian state media, citing the defence ministry, said" (the media speak, the ministry is their source).
    re.compile(_WHO + r", (?:who|a|an|the) [^,;:]{3,120}, (?:said|says|told|commented|wrote|warned|added)\b"),
    # Only a subject that opens the sentence: in "A soldier … fighting near Bakhmut, speaking …, said", Bakhmut is none.
    re.compile(
        r"(?:^|(?<=[.!?;:]\s)|(?<=\n))"
        + _WHO
        + r", (?:speaking|citing|quoting) [^,;:]{3,120}, (?:said|says|told|commented|wrote|warned|added|reported|"
        r"announced)\b"
    ),
    # "The port of Sete, which handles … to Morocco, said": the subject before a relative clause speaks, not a name
    # inside the clause; so does the subject before a participle's clause ("Restaudor, founded in 1998 by its chief
    # executive Patrice Vermorel, said"; "Kyiv, backed by Washington, said").
    # The subject opens the sentence: an article and its noun ("The port of Sete"), or a name; not a clause ("Police
    # arrested a man, who was later released, said the newspaper") nor a time before it ("On Monday the army").
    re.compile(
        r"(?:^|(?<=[.!?;:”\"’]\s)|(?<=\n))(?!(?!(?:The|An?)\b)" + _OPENERS + r"\b)"
        r"((?:[Tt]he |[Aa]n? )(?:[\w’'-]+\s){0,4}?[\w’'-]+|[A-Z][\w’'-]*(?: (?:of |for )?[A-Z][\w’'.-]*){0,3}), "
        r"(?:which|who|whose|[a-z]+ed) [^;:.!?]{3,200}?, (?:has |have |had )?"
        r"(?:said|says|told|warned|reported|announced|confirmed|stated|noted)\b"
    ),
    # Before "X, said": in "…fled to camps in Tawila, said Adam Rojal, a spokesperson", the speaker follows the verb.
    # "…, said Jakub Janovsky, a military analyst", "…,” said Jane Doe in a statement": after a comma or a closing
    # quote, the name closes the clause or is followed by where, when or who ("He said Russia on Monday fired…" and
    # "says Era is not working" name no speaker; whoever is "told" listens).
    re.compile(
        r"(?:^|(?<=[,”\"’]\s))(?:said|says|claimed|reported|estimated|warned|warns|wrote|writes|noted|added) "
        + _WHO
        + r"(?=\s*(?:[,.;:!?)\"”’]|$)|\s+(?:on|in|at|during|after|before|as|from|when|while|who|whose|according)\b)"
    ),
    # A name opening the sentence, set off by a title, then the verb: "Dean Turner, chief economist at UBS Global
    # Wealth Management, told CNBC" (one title between commas), "Katy Worobec, Head of Fraud, Cyber and Data Sharing
    # at UK Finance said:" (a title of several parts, then a verb that introduces a quotation). The title is no
    # speaker, however capitalised; "Hurricane Helene, which struck Florida, killed dozens, officials said" and
    # "Early Sunday, Russian officials said" credit the officials.
    re.compile(
        r"(?:^|(?<=[.!?;:”\"’]\s)|(?<=\n))(?!" + _OPENERS + r"\b)([A-Z][\w’'-]+(?: [A-Z][\w’'.-]+){1,3}), "
        r"(?:(?:[^\s\d,;:]+ ){0,15}[^\s\d,;:]+, (?:has |have |had )?(?:said|says|told|commented|wrote|warned|added)\b"
        r"|(?:[^\s\d,;:]+[ ,]+){1,16}?(?:said|says|told|commented|wrote|added):)"
    ),
    _NAME_SAYS,
    re.compile(r"\b(?:stats|figures|data|numbers) (?:released|published) by " + _WHO),
    # "according to figures from the health ministry", "… to data published last year in a medical journal": the
    # source of the figures, not "figures".
    re.compile(_FIGURES_FROM + _WHO),  # a name: "the Office for National Statistics"
    re.compile(_FIGURES_FROM + rf"((?:the |a |an )?{_PHRASE}{_AT_NAME})(?=[,.;:)]|\s+(?:{_PHRASE_ENDS}|from|for)\b|$)"),
    # Any short noun phrase: "according to the railway operator", "released by a military intelligence service",
    # "regional officials said".
    re.compile(
        r"\b(?:[Aa]ccording to|(?:released|shared|published|made public|posted|issued|leaked) by) "
        rf"((?:the |a |an )?{_PHRASE}{_AT_NAME})(?=[,.;:)]|{_PARTICIPLE_ENDS}|$)"
    ),
    re.compile(
        r"(?:^|(?<=[.!?;:,”\"’]\s)|(?<=\n))((?:[Tt]he |[Aa]n? )?"
        # Four words, or a role and where it works: "A spokesman for the regional fire service", "Officials at the
        # port authority", "a person familiar with the matter" (not "Stocks tumbled after the central bank", nor "Two
        # more cases of measles").
        r"(?:(?:[\w’'-]+\s){1,2}(?:of|for|at|from|in|with)\s(?:the\s)?(?:[\w&’'-]+\s){0,2}[\w&’'-]+|(?:[\w&’'-]+\s){0,3}[\w&’'-]+))"
        r" (?:has |have |had )?(?:said|says|told|warned|warns(?= that\b)|reported|announced|confirmed|estimated|"
        r"estimates(?= that\b)|stated|added(?!\s+(?:\S+\s+){0,2}?[\d$£€])|noted)\b(?!\s+by\b)"
    ),
    # "…, per the Washington Post": "per" opening a clause names a source that closes it ("per cent", "spending per
    # UK household", "$5 per US gallon" none). Last: in "X said …, per the AP" X speaks, the AP reports it.
    re.compile(_PER + " " + _WHO + r"(?=\s*(?:[,.;:!?)]|$))"),
    re.compile(_PER + rf" ((?:the|a|an) {_PHRASE})(?=[,.;:)]|\s+(?:{_PHRASE_ENDS})\b|$)"),
    # Whoever puts a measure at a figure estimates it: "Insurers put the damage at $3 billion", "The army placed its
    # losses at about 300".
    re.compile(
        r"(?:^|(?<=[.!?;:,”\"’]\s)|(?<=\n))((?:[Tt]he |[Aa]n? )?(?:[\w’'-]+\s){0,3}[\w’'-]+) (?:has |have |had )?"
        rf"(?:put|puts|placed|places) (?:the |its |their )?(?:[\w’'-]+ ){{0,3}}?(?:{_MEASURES})"
        r"(?: of(?: [\w’'-]+){1,3})? at (?:[a-z]+ ){0,2}[\d$£€]"
    ),
]
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
    rf"((?:\s+(?!(?:{_PHRASE_ENDS}|said|says|told)\b)[a-z][\w’'-]*){{1,5}}?)"
    rf"(?=[,.;:)]|\s+(?:{_PHRASE_ENDS}|said|says|told)\b|$)"
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
    for pattern in _ATTRIBUTIONS:
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
                pattern is _NAME_SAYS
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

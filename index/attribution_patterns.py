"""The English patterns that credit a claim to someone: a name or a role before a verb of speech ("X said", "X,
a spokesman, told"), after a cue ("according to X", "as per X"), or putting a measure at a figure. Words come from
index/data/cues.json; every pattern is bounded (no name, phrase or run of words read without a limit)."""

from __future__ import annotations

import re

from index import speakers
from index.language import analyzer

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
PHRASE_ENDS = rf"on|in|at|as|which|who|that|and|but|{_DATED}"
# A participle that says who the source is goes on with its place: "a person briefed on the investigation".
_PARTICIPLE_ENDS = rf"(?<![a-z]ed)\s+(?:{PHRASE_ENDS}|from|for)\b|\s+(?:which|who|that|and|but)\b"
# Where a source named by its role works: "analysts at Goldman Sachs", "a spokesperson for Eli Lilly" ("police at the
# scene" ends before "at").
_AT_NAME = rf"(?:\s+(?:at|from|for)\s+(?:the\s+)?{_NAME_WORD}(?:\s+(?:{_LINK}|{_NAME_WORD})){{0,6}})?"
_FIGURES_FROM = (
    r"\b[Aa]ccording to (?:the )?(?:\w+ )?(?:figures|data|numbers|statistics|stats|estimates|information) "
    r"(?:[a-z]+ed )?(?:(?:last|this) [a-z]+ )?(?:from|by|in) "
)
# "X said", "X has told": the name before a speech verb.
NAME_SAYS = re.compile(
    # An adverb only without a comma: "Omicron, first reported in South Africa, …" is no speaker.
    _WHO + rf"(?:,? (?:has |have |had )?| (?:has |have |had )?(?:{_ADVERB}) )(?:said|says|told|claimed|claims|"
    r"reported|reports|stated|"
    # A plural noun after a name is no verb: "Western estimates put losses at…", "Bank notes"; before "that" it is.
    r"estimated|estimates(?= that\b)|announced|announces|added(?!\s+(?:\S+\s+){0,2}?[\d$£€])|commented|"
    # "Apple writes off $1 billion", "Intel wrote down its stake": accounts, not speech.
    r"wrote(?!\s+(?:off|down)\b)|writes(?!\s+(?:off|down)\b)|warned|warns|noted)\b"
)
ATTRIBUTIONS = [
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
    NAME_SAYS,
    re.compile(r"\b(?:stats|figures|data|numbers) (?:released|published) by " + _WHO),
    # "according to figures from the health ministry", "… to data published last year in a medical journal": the
    # source of the figures, not "figures".
    re.compile(_FIGURES_FROM + _WHO),  # a name: "the Office for National Statistics"
    re.compile(_FIGURES_FROM + rf"((?:the |a |an )?{_PHRASE}{_AT_NAME})(?=[,.;:)]|\s+(?:{PHRASE_ENDS}|from|for)\b|$)"),
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
    re.compile(_PER + rf" ((?:the|a|an) {_PHRASE})(?=[,.;:)]|\s+(?:{PHRASE_ENDS})\b|$)"),
    # Whoever puts a measure at a figure estimates it: "Insurers put the damage at $3 billion", "The army placed its
    # losses at about 300".
    re.compile(
        r"(?:^|(?<=[.!?;:,”\"’]\s)|(?<=\n))((?:[Tt]he |[Aa]n? )?(?:[\w’'-]+\s){0,3}[\w’'-]+) (?:has |have |had )?"
        rf"(?:put|puts|placed|places) (?:the |its |their )?(?:[\w’'-]+ ){{0,3}}?(?:{_MEASURES})"
        r"(?: of(?: [\w’'-]+){1,3})? at (?:[a-z]+ ){0,2}[\d$£€]"
    ),
]

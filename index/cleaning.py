"""Turn raw article text into clean prose: drop page chrome lines, pick a title, hash for duplicates.

Chrome (photo credits, "Read more at …", newsletter calls to action, UI error strings, share and
cookie text) is recognised by general rules on short lines, never by a list of known sentences.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_BULLET = re.compile(r"^[\s•·▪●◦‣∙*\-–—>|]+")
_WORDS = re.compile(r"\w+", re.UNICODE)
_AGENCIES = (
    r"getty(?:\s+images)?|afp|reuters|associated\s+press|ap(?:\s+photo)?|epa(?:-efe)?|shutterstock|alamy"
    r"|tass|sputnik|ria\s+novosti|anadolu|xinhua|pa\s+(?:images|wire)|bloomberg|zuma(?:\s+press)?|sipa"
    r"|nurphoto|imago|dpa|ukrinform|handout|wikimedia(?:\s+commons)?|file\s+photo|youtube|twitter|telegram"
)
# A short line that credits a picture: "Photo: Reuters", "© AP", "Getty Images / John Doe" (opening with the credit),
# or "AFP via Getty" (an agency after "via", anywhere).
_CREDIT = re.compile(
    rf"(?:^(?:photo|image|picture|video|credit|photograph|illustration|pictured|source)s?\s*(?:[:/©]|by\b|credit\b))"
    rf"|(?:^©)|(?:^(?:{_AGENCIES})(?:\s*(?:/|via|\||,)\s*[\w .'-]+)?$)",
    re.IGNORECASE,
)
_VIA_AGENCY = re.compile(rf"\bvia\s+(?:{_AGENCIES})\b", re.IGNORECASE)
_READ_MORE = re.compile(
    r"^(?:read\s+(?:more|the\s+full|next|also)|continue\s+reading|click\s+here|see\s+also|related(?:\s+articles?)?\s*:"
    r"|recommended(?:\s+for\s+you)?\s*:?$|more\s+from\b|watch\s*:|listen\s*:|follow\s+us\b|download\s+(?:our|the)\s+app)",
    re.IGNORECASE,
)
_CALL_TO_ACTION = re.compile(
    r"\b(?:newsletters?|subscribe|subscription|subscriber|sign\s+up\s+(?:now|today|here|for\s+(?:our|the|free))"
    r"|to\s+your\s+inbox|unlimited\s+access|create\s+a\s+(?:free\s+)?account|log\s+in\s+to|register\s+(?:now|for\s+free))\b",
    re.IGNORECASE,
)
_UI_TEXT = re.compile(
    r"^(?:oops\b|something\s+went\s+wrong|please\s+try\s+again|try\s+again\s+later|loading(?:\s+\w+)?\s*(?:\.*|…)$|retry$"
    r"|(?:please\s+)?enable\s+javascript|javascript\s+is\s+(?:disabled|required)|your\s+browser\s+(?:does|is)"
    r"|advertisement$|ad$|sponsored$|skip\s+to\s+(?:main\s+)?content|jump\s+to\b|close$|menu$|search$"
    r"|share(?:\s+(?:this|on|via)\b.*)?$|tweet$|e-?mail$|print$|copy\s+link$|comments?\s*(?:\(\d+\))?$"
    r"|all\s+rights\s+reserved|copyright\s*(?:©|\(c\)|\d{4}\b|$))",
    re.IGNORECASE,
)
_COOKIES = re.compile(r"\bcookies?\b.*\b(?:accept|consent|policy|settings|we\s+use|agree)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
# Calls to action and cookie notices speak to the reader ("Sign up for our newsletter", "We use cookies"); a
# report's sentence about subscriptions or a cookie law does not.
_TO_THE_READER = re.compile(
    r"\b(?:you|your|our|we|(?-i:us))\b|^(?:subscribe|sign\s+up|register|log\s+in|create|get|join|stay)\b"
    r"|\b(?:subscribe|sign\s+(?:up|in)|log\s+in|register)(?:\s+(?:now|today|here))?\W*$",  # "…? Log in"
    re.IGNORECASE,
)
# Someone's words: their "we" is not the page's. No opening mark inside, so a line of unclosed ones stays linear.
_QUOTED = re.compile(r"[“\"«„][^“”\"«»„]*[”\"»“]")


def _word_count(line: str) -> int:
    return len(_WORDS.findall(line))


def is_chrome(line: str) -> bool:
    """True when a line reads as page furniture rather than article prose."""
    body = _BULLET.sub("", line).strip()
    if not body:
        return False
    words = _word_count(body)
    if words == 0:
        return True  # punctuation or symbols only
    if words <= 12 and _CREDIT.search(body):
        return True
    # "AFP via Getty" is a credit; "Officials later confirmed the figures via Twitter." is a report.
    if _VIA_AGENCY.search(body) and (words <= 6 or (words <= 12 and not _SENTENCE_END.search(body))):
        return True
    if words <= 20 and _READ_MORE.search(body):
        return True
    if words > 60:  # chrome is short: a long line is prose, and no pattern below runs on it (``_COOKIES`` backtracks)
        return False
    to_reader = bool(_TO_THE_READER.search(_QUOTED.sub(" ", body)))
    if _CALL_TO_ACTION.search(body) and (words <= 6 or (words <= 40 and to_reader)):
        return True
    if words <= 12 and _UI_TEXT.search(body):
        return True
    return bool(_COOKIES.search(body)) and (words <= 6 or to_reader)


def clean_text(raw: str) -> str:
    """Drop chrome lines and repeated short lines; keep paragraphs; normalise line endings and spacing, and the
    characters to their composed forms (NFC): a text pasted with decomposed accents ("Erdog\u0306an") reads as the
    words it shows, not as "Erdog" and "an"."""
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\ufeff", "")
    text = text.replace("\u00ad", "")  # a soft hyphen only says where a word may break: "re\u00adpairing" is one word
    kept: list[str] = []
    seen_short: set[str] = set()
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            if kept and kept[-1] != "":
                kept.append("")
            continue
        if is_chrome(stripped):
            continue
        norm = stripped.casefold()
        if _word_count(stripped) <= 8:
            if norm in seen_short:
                continue
            seen_short.add(norm)
        kept.append(re.sub(r"[ \t]+", " ", stripped))
    while kept and kept[-1] == "":
        kept.pop()
    return "\n".join(kept)


_SOURCE_HINT = re.compile(
    r"^(?:read\s+(?:more|the\s+full\s+(?:story|article))|continue\s+reading|originally\s+published)\s+"
    r"(?:at|on|in|@)\s+(?:the\s+website\s+of\s+)?(.{2,60}?)[.!]?$",
    re.IGNORECASE,
)


def source_hint(raw: str) -> str:
    """The outlet a chrome line names ("Read more at The Daily Beast."), or ''."""
    for line in raw.splitlines():
        match = _SOURCE_HINT.match(_BULLET.sub("", line).strip())
        if match:
            return match.group(1).strip()
    return ""


def looks_like_title(line: str) -> bool:
    """A headline: short, one line, not ending like a sentence of prose."""
    words = _word_count(line)
    if not 2 <= words <= 22 or len(line) > 200:
        return False
    return not re.search(r"[.,;:]$", line.strip()) or line.strip().endswith("...")


def split_title(text: str) -> tuple[str | None, str]:
    """Return (title, text) where title is the first line when it looks like one; text is unchanged."""
    lines = text.split("\n", 1)
    first = lines[0].strip()
    if len(lines) > 1 and lines[1].strip() and looks_like_title(first):
        return first, text
    return None, text


def fallback_title(text: str, limit: int = 80) -> str:
    """First words of the text, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def normalized_hash(text: str) -> str:
    """Hash of the text with case, spacing, punctuation and unicode forms folded; equal for copies.

    The symbols that change what a figure says are kept: currency signs, per cent, per mille, degrees, and a sign
    before a number ("fell 0.4%" and "fell -0.4%", "$5" and "€5" are two articles; a hyphen, en dash or minus sign
    before the number is one sign). Hyphens inside words and ranges ("COVID-19", "2-3") stay punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = " ".join(_TOKENS.findall(folded)).translate(_ONE_MINUS)
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()


# Version of ``normalized_hash`` recorded with a library: stored hashes of another version are recomputed at open.
# 2: symbols that change a figure kept (1: words only).
HASH_VERSION = "2"
# Unicode's currency signs (category Sc) as NFKC leaves them, and the other symbols a figure is read with.
_FIGURE_SYMBOLS = (
    "$\xa2-\xa5\u058f\u060b\u07fe\u07ff\u09f2\u09f3\u09fb\u0af1\u0bf9\u0e3f\u17db\u20a0-\u20cf\ua838"
    "\U00011fdd-\U00011fe0\U0001e2ff\U0001ecb0%\u2030\u2031\xb0"
)
# A word; a sign directly before a digit where no word, digit, decimal mark or symbol of a figure precedes it
# (hyphen-minus, the Unicode hyphens, figure dash, en dash, minus sign; an em dash is punctuation; "5%-6%" and
# "$5-$6" are ranges); a symbol of a figure.
_TOKENS = re.compile(rf"\w+|(?<![\w.,{_FIGURE_SYMBOLS}])[-+\u2010-\u2013\u2212](?=\d)|[{_FIGURE_SYMBOLS}]")
_ONE_MINUS = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212", "-"))

"""Other outlets' counts of the asked thing: for a how-many question, the figure each other article gives.

The first page keeps the sentences that score near the best one, and the best is usually the one that names the
event as the question does. Another outlet's count of the same thing is often written otherwise ("About 350
firefighters were on the lines on Tuesday" beside "Nearly 300 firefighters … were assigned to the Tarn Ridge
fire") and falls under that bar, though it is what a reader comparing sources needs, and what the figures side
by side are made of.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from index.answer import complete_answers, complete_quotation, overlaps
from index.asked_figure import counts_asked_noun
from index.evidence import ARTICLE_HEAD, Evidence
from index.question import Question

# Another article's count joins the answer down to this share of the best quote's score (the "more results"
# pages' bar): below it, the sentence is about something else.
OTHER_COUNT_WITHIN = 0.45
MAX_OTHER_COUNTS = 2  # other articles' counts added at most: the answer stays a handful of quotes


def add_other_counts(
    quotes: Sequence[Evidence], evidence: Sequence[Evidence], texts: dict[int, str], q: Question
) -> list[Evidence]:
    """``quotes`` and, when one of them counts what the how-many question asks, the best sentence of up to
    ``MAX_OTHER_COUNTS`` other articles that counts it too (from ``evidence``, best first)."""
    out = list(quotes)
    if not (q.count and q.focus and quotes):
        return out
    counting = {e.article_id for e in quotes if counts_asked_noun(texts[e.article_id][e.start : e.end], q)}
    if not counting:
        return out
    doing = _doing(q)
    # Of those, what only some of the articles say is what the question asks beyond their common story ("injured"
    # of "how many people were injured in the floods?"): all of it must be there; of the rest, some.
    articles = [q.forms(text[:ARTICLE_HEAD]) for text in texts.values()]
    specific = [forms for forms in doing if sum(bool(forms & a) for a in articles) * 2 <= len(articles)]

    def counts(ev: Evidence) -> bool:
        sentence = texts[ev.article_id][ev.start : ev.end]
        present = q.forms(sentence)
        does = all(forms & present for forms in specific) and (not doing or any(f & present for f in doing))
        return does and counts_asked_noun(sentence, q)

    # An article that names less of what the question names tells another story ("the storm" of Valencia's floods
    # for "How many people died in Storm Boris?"), as ``citing.compare_figures`` reads it.
    named = replace(q, names=tuple(n for n in q.names if not set(n.casefold().split()) <= q.period))

    def share(article_id: int) -> float:
        return named.names_in(q.capitalised_forms(texts[article_id][:ARTICLE_HEAD])) if named.names else 1.0

    named_as = max(share(a) for a in counting)
    bar = OTHER_COUNT_WITHIN * max(e.score for e in quotes)
    added = 0
    for ev in evidence:
        if ev.score < bar or added >= MAX_OTHER_COUNTS:
            break
        if ev.article_id in counting or ev.article_id not in texts or overlaps(ev, out) or not counts(ev):
            continue
        if share(ev.article_id) < named_as:
            continue
        if complete_quotation(ev, texts[ev.article_id]) is None:
            continue  # a quotation the text never closes cannot be shown
        [widened] = complete_answers([ev], texts, q)
        if overlaps(widened, out):
            continue
        out.append(widened)
        counting.add(ev.article_id)
        added += 1
    return out


def _doing(q: Question) -> list[frozenset[str]]:
    """The forms of each word of the question in lower case that is neither a name nor what is counted, nor said by
    the counted noun: what the counted things did, where and when ("kill" of "How many people did Hurricane Helene
    kill in Georgia?"; "burned" of "How many acres had the fire burned?"; none of "How many firefighters were
    fighting the fire?"). Another outlet's count must say some of it: "over 500,000 people" without power is no toll."""
    written = {w.casefold() for w in re.findall(r"[^\W\d_]+", q.text) if w.islower()}
    names = {w.casefold() for n in q.names for w in n.split()}
    # The counted noun is its head ("people" of "how many people died"); the rest of the focus is what they did.
    counted = {q.stem(f) for f in (q.head or q.focus)}
    return [
        forms
        for term, forms in zip(q.terms, q.matches, strict=True)
        if term in written
        and term not in names
        and not forms & (q.head or q.focus)
        and not any(q.stem(term) in noun for noun in counted)
    ]

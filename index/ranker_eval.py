"""Fitting and checking the evidence ranker on question sets: which candidate sentences hold the gold evidence,
how often the ranker puts one first or in its top three, and the same for a ranker fitted on the other half."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index import evidence_rank
from index.errors import DossierError
from index.evaluation import Question, contains_evidence
from index.evidence import SHORT_SENTENCE
from index.library import Library

TOP = 3  # "in the top three": about what the first page of an answer quotes from its best articles


@dataclass(frozen=True, slots=True)
class Group:
    """One answerable question's candidate sentences, their features, and which hold its gold evidence."""

    question: Question
    keys: list[tuple[int, int, int]]
    rows: np.ndarray
    short: np.ndarray
    gold: np.ndarray


def groups(library: Library, questions: Sequence[Question]) -> list[Group]:
    keys_of = {a.id: a.key or "" for a in library.list()}
    out: list[Group] = []
    for q in questions:
        if not q.answerable:
            continue
        keys, rows, short = library.evidence_features(q.question, collection=None)
        texts = {a: library.get(a).text for a in {k[0] for k in keys}}
        gold = np.array(
            [
                any(keys_of.get(a) == key and contains_evidence(texts[a][s:e], ev) for key, ev in q.answers)
                for a, s, e in keys
            ],
            dtype=bool,
        )
        out.append(Group(q, keys, rows, short, gold))
    return out


def fit(gs: Sequence[Group], fitted_on: str) -> evidence_rank.Ranker:
    return evidence_rank.fit([(g.rows, g.gold) for g in gs], fitted_on=fitted_on)


def top_hits(ranker: evidence_rank.Ranker, gs: Sequence[Group]) -> tuple[float, float]:
    """Share of questions whose best-scored sentence holds gold evidence, and whose top ``TOP`` do."""
    if not gs:
        return 0.0, 0.0
    first = top = 0
    for g in gs:
        scores = ranker.scores(g.rows) * np.where(g.short, SHORT_SENTENCE, 1.0)
        best: dict[tuple[int, int, int], tuple[float, bool]] = {}
        for key, score, gold in zip(g.keys, scores.tolist(), g.gold.tolist(), strict=True):
            if key not in best or best[key][0] < score:
                best[key] = (score, gold)
        ranked = sorted(best.values(), key=lambda v: -v[0])
        first += bool(ranked and ranked[0][1])
        top += any(gold for _, gold in ranked[:TOP])
    return first / len(gs), top / len(gs)


def split_report(sets: dict[str, list[Group]], current: evidence_rank.Ranker) -> str:
    """Per set and half: the current ranker against one fitted on the other half of every set."""
    lines = [
        f"evidence ranker (best sentence holds gold / one of the top {TOP} does)",
        "set        half  current      fitted on the other half",
    ]
    for h in (0, 1):
        train = [g for gs in sets.values() for g in gs if g.question.half != h]
        try:
            fitted: evidence_rank.Ranker | None = fit(train, "")
        except DossierError:
            fitted = None  # that half has no gold evidence among its candidates
        for name, gs in sets.items():
            held = [g for g in gs if g.question.half == h]
            a = top_hits(current, held)
            b = f"{top_hits(fitted, held)[0]:.3f}/{top_hits(fitted, held)[1]:.3f}" if fitted else "nothing to fit"
            lines.append(f"{name:10s} {h:4d}  {a[0]:.3f}/{a[1]:.3f}  {b}   ({len(held)} questions)")
    return "\n".join(lines)

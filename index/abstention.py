"""When to say "not found" instead of quoting: the reasons, each with its own one-line message.

A wrong citation costs a journalist more than no answer, so Dossier abstains when
- the question names something no article mentions ("Kerch", "Vuhledar");
- the best evidence is weakly related (confidence below ``MIN_RELEVANCE``);
- the question asks for a figure, the evidence is not clearly about the same thing (confidence below the higher
  ``MIN_RELEVANCE_FIGURES``) and no quote gives a figure of the asked noun for the asked event: a figure answers
  only the exact thing asked, and a loosely related passage always holds some other number ("300,000 personnel"
  mobilised, for "how many Russians were detained for protesting?"; "600 children" evacuated, for "how many
  children were deported?");
- the question asks for a calendar date and no quote gives one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index import answer_types
from index.terms import asks_for_date, asks_for_figure, has_date


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_relevance: float
    min_relevance_figures: float


def before_quoting(
    question: str, confidence: float, has_evidence: bool, unknown_names: Sequence[str], searched: int, t: Thresholds
) -> str | None:
    """The "not found" message when the evidence cannot answer the question, else None."""
    if unknown_names:
        return f"Not found: none of the {searched} articles mentions {', '.join(unknown_names)}."
    if not has_evidence or confidence < t.min_relevance:
        return f"Not found: nothing in the {searched} articles searched answers this question."
    return None


def after_quoting(question: str, quotes: Sequence[str], confidence: float, searched: int, t: Thresholds) -> str | None:
    """The "not found" message when the chosen quotes lack the kind of answer that alone can answer, else None."""
    if asks_for_date(question) and not any(has_date(q) for q in quotes):
        return f"Not found: none of the {searched} articles searched gives that date."
    if confidence < t.min_relevance_figures and asks_for_figure(question):
        wants = answer_types.wanted(question)
        if not any(answer_types.gives_asked_figure(q, wants) for q in quotes):
            return f"Not found: none of the {searched} articles searched gives that figure."
    return None

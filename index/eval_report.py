"""The figures of ``dossier eval`` as text tables and JSON: each question set on its own."""

from __future__ import annotations

from collections.abc import Sequence

from index.evaluation import Decide, Figures, Report, Result


def _row(label: str, values: Sequence[str]) -> str:
    return f"{label:<32}" + "".join(f"{v:>10}" for v in values)


def _figure_rows(figs: Sequence[Figures]) -> list[str]:
    lines = []
    for k in (1, 5, 10):
        lines.append(_row(f"recall@{k}", [f"{f.recall.get(k, 0):.3f}" for f in figs]))
    lines.append(_row("MRR@10", [f"{f.mrr10:.3f}" for f in figs]))
    lines.append(_row("nDCG@10", [f"{f.ndcg10:.3f}" for f in figs]))
    lines.append(_row("quote hit", [f"{f.quote_hit:.3f}" for f in figs]))
    lines.append(_row("first quote hit", [f"{f.first_quote_hit:.3f}" for f in figs]))
    lines.append(_row("quote precision", [f"{f.quote_precision:.3f}" for f in figs]))
    lines.append(_row("answered (answerable)", [f"{f.answered:.3f}" for f in figs]))
    lines.append(_row("abstained (unanswerable)", [f"{f.abstained_unanswerable}/{f.unanswerable}" for f in figs]))
    lines.append(_row("abstained (leave-one-out)", [_share(f.abstained_left_out, f.left_out) for f in figs]))
    lines.append(_row("abstention precision / recall", [_pr(f) for f in figs]))
    return lines


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "-"


def _pr(f: Figures) -> str:
    return f"{f.abstention_precision:.2f}/{f.abstention_recall:.2f}" if f.left_out or f.unanswerable else "-"


def _flagged(report: Report, mode: str, sure: Decide) -> tuple[list[Result], list[Result]]:
    """The answers given, and those of them shown as the closest quotes (below the sure point, or flagged by the
    answer itself: a how-many answer that counts nothing asked)."""
    answered = [r for r in report.results[mode] if not r.abstained(report.decide)]
    return answered, [r for r in answered if r.tentative or r.abstained(sure)]


def _closest(report: Report, mode: str, sure: Decide) -> str:
    """How many answers are shown as the closest quotes: of the answerable questions answered, and of the
    unanswerable and left-out ones (those should be few and these many)."""
    answered, flagged = _flagged(report, mode, sure)
    right = sum(r.should_answer for r in answered)
    right_flagged = sum(r.should_answer for r in flagged)
    return (
        f"shown as closest quotes ({mode}): {right_flagged} of {right} answers to answerable questions, "
        f"{len(flagged) - right_flagged} of {len(answered) - right} to unanswerable or left-out ones"
    )


def _answered_sure(report: Report, mode: str, sure: Decide) -> float:
    """The share of the answerable questions answered and not shown as the closest quotes."""
    answered, flagged = _flagged(report, mode, sure)
    answerable = sum(r.should_answer for r in report.results[mode])
    return (sum(r.should_answer for r in answered) - sum(r.should_answer for r in flagged)) / max(1, answerable)


def render(report: Report) -> str:
    """One set: retrieval modes side by side (leave-one-out runs in hybrid only), then hybrid per question kind."""
    modes = list(report.results)
    figs = [report.figures(m) for m in modes]
    built = (
        f"built in {report.ingest_seconds:.1f} s, {report.passages / report.ingest_seconds:.1f} passages/s"
        if report.ingest_seconds
        else "reused"
    )
    rows = [r for r in report.results[modes[0]] if not r.left_out]
    answerable = sum(r.question.answerable for r in rows)
    lines = [
        f"== {report.name}",
        f"library: {report.articles} articles, {report.passages} passages ({built}); model {report.model}",
        f"questions: {len(rows)} ({answerable} answerable, {len(rows) - answerable} unanswerable)",
        "",
        _row("", modes),
        *_figure_rows(figs),
        _row("ask p50 / p95 ms", ["{:.0f}/{:.0f}".format(*report.latency_ms(m)) for m in modes]),
        *([_closest(report, modes[0], report.sure)] if report.sure else []),
        "",
        f"{modes[0]} by kind:",
        _row("kind (n)", ["recall@5", "nDCG@10", "quote hit", "answered"]),
    ]
    for kind in sorted({r.question.kind for r in rows}):
        f = report.figures(modes[0], kind)
        if f.n == f.unanswerable:
            lines.append(_row(f"{kind} ({f.n})", ["", "", "", f"abst {f.abstained_unanswerable}/{f.n}"]))
        else:
            values = [f"{f.recall[5]:.3f}", f"{f.ndcg10:.3f}", f"{f.quote_hit:.3f}", f"{f.answered:.3f}"]
            lines.append(_row(f"{kind} ({f.n})", values))
    return "\n".join(lines)


def render_split(report: Report, fitted: Sequence[Decide]) -> str:
    """Hybrid figures of each half with the model fitted on that half, and with the one fitted on the other."""
    lines = [f"== {report.name}: split (fit on one half of the questions, judge the other)", ""]
    labels, figs = [], []
    for half in (0, 1):
        labels += [f"fit {half}", f"held {half}"]
        figs += [report.figures("hybrid", half=half, decide=fitted[half])]
        figs += [report.figures("hybrid", half=1 - half, decide=fitted[half])]
    lines += [_row("", labels), *_figure_rows(figs)]
    gaps, paired = [], []
    for name, get in (
        ("answered", lambda f: f.answered),
        ("abstained (unanswerable)", lambda f: f.abstained_unanswerable / max(1, f.unanswerable)),
        ("abstained (leave-one-out)", lambda f: f.abstained_left_out / max(1, f.left_out)),
        ("quote hit", lambda f: f.quote_hit),
    ):
        gap = max(abs(get(figs[0]) - get(figs[1])), abs(get(figs[2]) - get(figs[3])))
        gaps.append(f"{name} {gap:.3f}")
        # The same questions judged by the model fitted on them and by the one fitted on the other half: what
        # fitting on them gained, without the halves' own difference (with 20-35 questions a half, one question
        # is .03-.05, and the halves differ by more than that whatever is fitted).
        same = max(abs(get(figs[0]) - get(figs[3])), abs(get(figs[2]) - get(figs[1])))
        paired.append(f"{name} {same:.3f}")
    lines += ["", "largest fitted-vs-held gap: " + "; ".join(gaps)]
    lines += ["same questions, fitted on them vs on the other half: " + "; ".join(paired)]
    return "\n".join(lines)


def misses(results: Sequence[Result], decide: Decide) -> str:
    """One line per question that missed: no relevant passage in the top 5, no quote hit, a wrong abstention, or
    an answer where it should abstain (left-out runs marked "(left out)")."""
    lines = []
    for r in results:
        q = r.question
        abstained = r.abstained(decide)
        if r.should_answer:
            problems = [
                "not in top 5" if not r.first_rank or r.first_rank > 5 else "",
                "no quote hit" if not r.quote_hit else "",
                "abstained" if abstained else "",
            ]
        else:
            problems = ["answered" if not abstained else ""]
        if any(problems):
            kind = "left out" if r.left_out else q.kind
            lines.append(f"{q.id:<8} {kind:<12} {', '.join(p for p in problems if p):<38} {q.question[:80]}")
    return "\n".join(lines)


def as_json(report: Report) -> dict[str, object]:
    out: dict[str, object] = {
        "set": report.name,
        "articles": report.articles,
        "passages": report.passages,
        "ingest_passages_per_s": report.passages / report.ingest_seconds if report.ingest_seconds else None,
        "model": report.model,
    }
    for mode in report.results:
        f = report.figures(mode)
        p50, p95 = report.latency_ms(mode)
        out[mode] = {
            "recall@1": f.recall.get(1),
            "recall@5": f.recall.get(5),
            "recall@10": f.recall.get(10),
            "mrr@10": f.mrr10,
            "ndcg@10": f.ndcg10,
            "quote_hit": f.quote_hit,
            "first_quote_hit": f.first_quote_hit,
            "quote_precision": f.quote_precision,
            "answered_when_answerable": f.answered,
            "abstained_when_unanswerable": f"{f.abstained_unanswerable}/{f.unanswerable}",
            "abstained_left_out": f"{f.abstained_left_out}/{f.left_out}",
            "abstention_precision": f.abstention_precision,
            "abstention_recall": f.abstention_recall,
            # Answered and not shown as the closest quotes (the model's sure point), of the answerable questions.
            "answered_sure_when_answerable": _answered_sure(report, mode, report.sure) if report.sure else None,
            "ask_ms_p50": p50,
            "ask_ms_p95": p95,
        }
    return out

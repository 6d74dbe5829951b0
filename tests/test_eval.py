"""`dossier eval`: scoring rules of the dev set's README, and a whole run on synthetic articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import DEV, synthetic_article, synthetic_jsonl
from test_cli import run

from index.evaluation import Question, Result, _ndcg, contains_evidence, load_questions


def test_evidence_needs_sixty_percent_of_its_words() -> None:
    evidence = "We have probably 14 tanks left"
    assert contains_evidence("“We have probably 14 tanks left,” the man says.", evidence)
    assert contains_evidence("we have 14 tanks", evidence)  # 4 of 6 words
    assert not contains_evidence("We have tanks", evidence)  # 3 of 6


def test_ndcg_counts_one_passage_per_answering_article() -> None:
    q = Question("q", "?", "number", (("a", "x"), ("b", "y")))
    perfect = Result(q, False, (1, 2), True, 1, 1, 0.0)
    assert _ndcg(perfect) == pytest.approx(1.0)
    late = Result(q, False, (3,), True, 1, 1, 0.0)
    assert 0 < _ndcg(late) < 0.5


@pytest.mark.slow
def test_eval_reports_every_mode_on_a_small_set(tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    articles.write_text(synthetic_jsonl(12))
    rows = []
    for i in range(6):
        a = synthetic_article(i)
        town = a["title"].rsplit(" ", 1)[-1]
        evidence = a["text"].split("The regional command reported that ", 1)[1].split(" during", 1)[0]
        rows.append(
            {
                "id": f"q{i}",
                "question": f"What was destroyed around {town}?",
                "kind": "number",
                "answers": [{"article_id": a["id"], "evidence": evidence}],
            }
        )
    rows.append({"id": "u1", "question": "What is the recipe for banana bread?", "kind": "unanswerable", "answers": []})
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    done = run(tmp_path / "unused", "eval", "--articles", str(articles), "--questions", str(questions), "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["articles"] == 12 and figures["ingest_passages_per_s"] > 0
    for mode in ("hybrid", "dense", "keyword"):
        assert figures[mode]["recall@10"] == 1.0
    assert figures["hybrid"]["recall@5"] == 1.0 and figures["hybrid"]["quote_hit"] == 1.0
    assert figures["hybrid"]["abstained_when_unanswerable"] == "1/1"
    bad = run(tmp_path / "unused", "eval", "--articles", str(articles), "--questions", str(articles))
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "is not a question" in bad.stderr


@pytest.mark.slow
@pytest.mark.skipif(not DEV.is_dir(), reason="../shared is not beside this checkout")
def test_eval_runs_on_the_dev_set_and_meets_the_targets(tmp_path: Path) -> None:
    args = ["eval", "--articles", str(DEV / "articles.jsonl"), "--questions", str(DEV / "questions.jsonl")]
    done = run(tmp_path / "unused", *args, "--data-dir", str(tmp_path / "dev"), "--misses")
    assert done.returncode == 0, done.stderr
    assert "questions: 54 (49 answerable, 5 unanswerable)" in done.stdout
    assert "recall@5" in done.stdout and "missed (hybrid):" in done.stdout
    reused = run(tmp_path / "unused", *args, "--data-dir", str(tmp_path / "dev"), "--json")
    hybrid = json.loads(reused.stdout)["hybrid"]
    # The targets of the quality issue; a change that loses accuracy fails here.
    assert hybrid["recall@5"] >= 0.95 and hybrid["ndcg@10"] >= 0.90 and hybrid["quote_hit"] >= 0.80
    assert hybrid["answered_when_answerable"] >= 0.95
    assert int(hybrid["abstained_when_unanswerable"].split("/")[0]) >= 4


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared is not beside this checkout")
def test_the_repo_extra_questions_quote_the_dev_articles_exactly() -> None:
    texts = {a["id"]: a["text"] for a in map(json.loads, (DEV / "articles.jsonl").read_text().splitlines())}
    questions = load_questions(Path(__file__).resolve().parents[1] / "eval" / "extra-questions.jsonl")
    assert len(questions) == 20 and sum(not q.answerable for q in questions) == 10
    for q in questions:
        for key, evidence in q.answers:
            assert evidence in texts[key], q.id

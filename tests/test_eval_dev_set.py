"""The shipped dev question set stays above the quality bar of the engine issue."""

from __future__ import annotations

from conftest import REPO
from index.evaluate import evaluate, read_questions

QUESTIONS = REPO / "tests" / "eval" / "questions.jsonl"


def test_dev_set_shape():
    questions = read_questions(QUESTIONS)
    assert len(questions) >= 50
    assert sum(q.kind == "english" for q in questions) >= 10
    assert sum(not q.gold_letters for q in questions) >= 6


def test_dev_set_quality(sample_engine):
    report = evaluate(read_questions(QUESTIONS), lambda q: sample_engine.ask(q, k=10))
    overall = report.overall
    assert overall.hit3 >= 0.95, report.misses
    assert overall.mrr10 >= 0.85, report.misses
    assert overall.refused >= 5, report.misses


def test_letter_understanding_kinds(sample_engine):
    report = evaluate(read_questions(QUESTIONS), lambda q: sample_engine.ask(q, k=10))
    for kind in ("number", "date", "next", "latest"):
        assert report.by_kind[kind].questions >= 5
        assert report.by_kind[kind].hit3 >= 0.9, (kind, report.misses)

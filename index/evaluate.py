"""Retrieval quality on question sets: hit@1/3/5, MRR@10 and refusal rates, per kind and per file.

Files named `*-heldout.jsonl` are the held-out half of a set: reported, never tuned on; every
other file counts as dev. Several files give one report each plus totals per half.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from index.errors import UserError
from index.models import Answer


class EvalQuestion(BaseModel):
    question: str
    gold_letters: list[str] = Field(default_factory=list)
    gold_phrase: str | None = None
    kind: str | None = None


class Scores(BaseModel):
    questions: int = 0
    answerable: int = 0
    hit1: float = 0.0
    hit3: float = 0.0
    hit5: float = 0.0
    mrr10: float = 0.0
    unanswerable: int = 0
    refused: int = 0
    refusal_accuracy: float | None = None  # share of unanswerable (near-miss) questions refused
    false_refusals: int = 0
    false_refusal_rate: float | None = None  # share of answerable questions wrongly refused


class EvalReport(BaseModel):
    overall: Scores
    by_kind: dict[str, Scores]
    misses: list[str]


def read_questions(path: Path) -> list[EvalQuestion]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UserError(f"The question file {path} does not exist: pass a JSON-lines file of questions.") from None
    questions = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            questions.append(EvalQuestion.model_validate_json(line))
        except ValidationError:
            raise UserError(
                f"{path}, line {number} is not a question object; each line must be JSON like "
                '{"question": "...", "gold_letters": ["letter-id"]}.'
            ) from None
    if not questions:
        raise UserError(f"{path} holds no questions.")
    return questions


def _rank_of_gold(answer: Answer, gold: set[str]) -> int | None:
    """1-based rank of the first passage from a gold letter (by id or url), if shown."""
    if not answer.found:
        return None
    for rank, passage in enumerate(answer.passages, 1):
        if passage.letter.id in gold or (passage.letter.url and passage.letter.url in gold):
            return rank
    return None


def _score(pairs: list[tuple[EvalQuestion, Answer]]) -> Scores:
    s = Scores(questions=len(pairs))
    ranks: list[int | None] = []
    for q, a in pairs:
        if q.gold_letters:
            s.answerable += 1
            ranks.append(_rank_of_gold(a, set(q.gold_letters)))
            s.false_refusals += 0 if a.found else 1
        else:
            s.unanswerable += 1
            s.refused += 0 if a.found else 1
    if ranks:
        s.hit1 = sum(r is not None and r <= 1 for r in ranks) / len(ranks)
        s.hit3 = sum(r is not None and r <= 3 for r in ranks) / len(ranks)
        s.hit5 = sum(r is not None and r <= 5 for r in ranks) / len(ranks)
        s.mrr10 = sum(1 / r for r in ranks if r is not None and r <= 10) / len(ranks)
    if s.unanswerable:
        s.refusal_accuracy = s.refused / s.unanswerable
    if s.answerable:
        s.false_refusal_rate = s.false_refusals / s.answerable
    return s


Pairs = list[tuple[EvalQuestion, Answer]]


def ask_all(
    questions: Iterable[EvalQuestion],
    ask: Callable[[str], Answer],
    progress: Callable[[int, int], None] | None = None,
) -> Pairs:
    questions = list(questions)
    pairs: Pairs = []
    for i, q in enumerate(questions, 1):
        pairs.append((q, ask(q.question)))
        if progress:
            progress(i, len(questions))
    return pairs


def evaluate(
    questions: Iterable[EvalQuestion],
    ask: Callable[[str], Answer],
    progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    return report_of(ask_all(questions, ask, progress))


def report_of(pairs: Pairs) -> EvalReport:
    kinds: dict[str, list] = defaultdict(list)
    for q, a in pairs:
        kinds[q.kind or "all"].append((q, a))
    misses = []
    for q, a in pairs:
        rank = _rank_of_gold(a, set(q.gold_letters))
        if q.gold_letters and (rank is None or rank > 3):
            got = a.passages[0].letter.id if a.passages else "-"
            misses.append(f"[{q.kind}] {q.question} -> {'not found' if not a.found else got}")
        elif not q.gold_letters and a.found:
            misses.append(f"[{q.kind}] {q.question} -> answered from {a.passages[0].letter.id}")
    return EvalReport(
        overall=_score(pairs),
        by_kind={k: _score(v) for k, v in sorted(kinds.items())} if len(kinds) > 1 else {},
        misses=misses,
    )


HEAD = f"{'kind':<14}{'n':>4}{'hit@1':>8}{'hit@3':>8}{'hit@5':>8}{'MRR@10':>8}{'refused':>10}{'false ref':>11}"


def _row(name: str, s: Scores) -> str:
    metrics = f"{s.hit1:>8.2f}{s.hit3:>8.2f}{s.hit5:>8.2f}{s.mrr10:>8.2f}" if s.answerable else f"{'':>8}" * 4
    refused = f"{s.refused}/{s.unanswerable}" if s.unanswerable else ""
    false_refused = f"{s.false_refusals}/{s.answerable}" if s.answerable else ""
    return f"{name:<14}{s.questions:>4}{metrics}{refused:>10}{false_refused:>11}".rstrip()


def format_report(report: EvalReport) -> str:
    head, row = HEAD, _row
    lines = [head, "-" * len(head)]

    for kind, s in report.by_kind.items():
        lines.append(row(kind, s))
    if report.by_kind:
        lines.append("-" * len(head))
    lines.append(row("all", report.overall))
    o = report.overall
    if o.refusal_accuracy is not None:
        lines.append(f"refusal accuracy: {o.refusal_accuracy:.2f} ({o.refused} of {o.unanswerable} unanswerable refused); "
                     f"false refusals: {o.false_refusals} of {o.answerable} answerable"
                     + (f" ({o.false_refusal_rate:.2f})" if o.false_refusal_rate is not None else ""))
    if report.misses:
        lines.append("missed (gold not in top 3, or answered when it should refuse):")
        lines.extend(f"  {m}" for m in report.misses)
    return "\n".join(lines)


def report_json(report: EvalReport) -> str:
    return json.dumps(report.model_dump(), ensure_ascii=False)


# --- several files: dev and held-out halves reported apart ---------------------------------------


class FileReport(BaseModel):
    file: str
    split: str  # "dev" or "heldout"
    report: EvalReport
    misses_hidden: int = 0  # held-out misses are counted, not listed: their text would invite tuning


class MultiReport(BaseModel):
    files: list[FileReport]
    totals: dict[str, Scores]  # per split, over all its files


def split_of(path: Path) -> str:
    return "heldout" if path.name.endswith("-heldout.jsonl") else "dev"


def combine(results: list[tuple[Path, Pairs]]) -> MultiReport:
    halves: dict[str, Pairs] = defaultdict(list)
    for path, pairs in results:
        halves[split_of(path)] += pairs
    files = []
    for path, pairs in results:
        item = FileReport(file=str(path), split=split_of(path), report=report_of(pairs))
        if item.split == "heldout":
            item.misses_hidden, item.report.misses = len(item.report.misses), []
        files.append(item)
    return MultiReport(
        files=files,
        totals={split: _score(halves[split]) for split in ("dev", "heldout") if split in halves},
    )


def format_file(item: FileReport) -> str:
    hidden = f"\n{item.misses_hidden} missed (not listed for held-out)" if item.misses_hidden else ""
    return format_report(item.report) + hidden


def format_multi(report: MultiReport) -> str:
    blocks = []
    for item in report.files:
        label = "HELD-OUT: report only, never tune on it" if item.split == "heldout" else "dev"
        blocks.append(f"== {item.file} ({label})\n{format_file(item)}")
    totals = ["== totals per half", HEAD, "-" * len(HEAD)]
    totals += [_row(split, s) for split, s in report.totals.items()]
    for split, s in report.totals.items():
        rates = []
        if s.refusal_accuracy is not None:
            rates.append(f"unanswerable refused {s.refusal_accuracy:.2f} ({s.refused}/{s.unanswerable})")
        if s.false_refusal_rate is not None:
            rates.append(f"answerable wrongly refused {s.false_refusal_rate:.2f} ({s.false_refusals}/{s.answerable})")
        if rates:
            totals.append(f"{split}: " + "; ".join(rates))
    blocks.append("\n".join(totals))
    return "\n\n".join(blocks)

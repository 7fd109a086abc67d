"""Answer quality on the dev question sets (never the held-out halves): the shipped
configuration next to ablations and a naive baseline, all in one run over the same letters and
the same model.

    .venv/bin/python bench/quality.py [--questions FILE ...] [--letters DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import faiss
import numpy as np

from common import REPO, Figures, machine
from index.api import Engine
from index.evaluate import EvalReport, evaluate, read_questions
from index.letters import load_letters
from index.models import Answer, LetterRef, Passage
from index.search import SearchConfig, Searcher
from index.settings import EngineSettings
from index.store import load_index

NAIVE_CHARS = 1000


class NaiveBaseline:
    """Fixed 1,000-character chunks, dense only, no E5 prompts, no relevance floor."""

    def __init__(self, engine: Engine, letters_dir: Path):
        self.model = engine.embedder.model
        self.refs: list[LetterRef] = []
        texts: list[str] = []
        for letter in load_letters(letters_dir).letters:
            for start in range(0, len(letter.body), NAIVE_CHARS):
                texts.append(letter.body[start : start + NAIVE_CHARS])
                self.refs.append(letter.ref())
        vectors = self.model.encode(texts, normalize_embeddings=True, batch_size=32)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(np.asarray(vectors, dtype=np.float32))
        self.texts = texts

    def ask(self, question: str) -> Answer:
        query = self.model.encode([question], normalize_embeddings=True)
        scores, ids = self.index.search(np.asarray(query, dtype=np.float32), min(50, self.index.ntotal))
        passages, seen = [], set()
        for score, i in zip(scores[0], ids[0]):
            ref = self.refs[i]
            if ref.id not in seen:
                seen.add(ref.id)
                passages.append(Passage(text=self.texts[i], score=float(score), link=ref.url, letter=ref))
        return Answer(question=question, found=True, passages=passages[:10])


def row(name: str, report: EvalReport) -> str:
    o = report.overall
    refused = f"{o.refused}/{o.unanswerable}" if o.unanswerable else "-"
    wrongly = f"{o.false_refusals}/{o.answerable}"
    return f"{name:<34}{o.hit1:>7.2f}{o.hit3:>7.2f}{o.hit5:>7.2f}{o.mrr10:>8.2f}{refused:>9}{wrongly:>10}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    dev = [REPO / "tests" / "eval" / name for name in ("questions.jsonl", "nearmiss-dev.jsonl")]
    parser.add_argument("--questions", nargs="+", default=[str(p) for p in dev])
    parser.add_argument("--letters", default=str(REPO / "letters"))
    parser.add_argument("--quick", action="store_true", help="accepted for symmetry; this bench is always quick")
    args = parser.parse_args()
    questions = [q for file in args.questions for q in read_questions(Path(file))]
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(EngineSettings(index_dir=Path(tmp) / "index", letters_dir=Path(args.letters)))
        engine.reindex()
        loaded = load_index(engine.index_dir)
        configs = {
            "shipped (hybrid+recency)": SearchConfig(),
            "without the specifics check": SearchConfig(specifics=False),
            "hybrid without recency": SearchConfig(recency=False),
            "dense only": SearchConfig(mode="dense"),
            "BM25 only": SearchConfig(mode="bm25"),
        }
        reports: dict[str, EvalReport] = {}
        for name, config in configs.items():
            searcher = Searcher(engine.embedder, loaded, config)
            reports[name] = evaluate(questions, lambda q: searcher.search(q, k=10))
        reports["naive baseline"] = evaluate(questions, NaiveBaseline(engine, Path(args.letters)).ask)

    info = machine()
    print(f"Quality on {len(questions)} questions, {info['date']}, {info['cores']} cores, {info['ram_gb']} GB RAM")
    print(f"{'configuration':<34}{'hit@1':>7}{'hit@3':>7}{'hit@5':>7}{'MRR@10':>8}{'refused':>9}{'wrongly':>10}")
    for name, report in reports.items():
        print(row(name, report))
    kinds = sorted(reports["shipped (hybrid+recency)"].by_kind)
    print("\nhit@3 per question kind")
    print(f"{'configuration':<34}" + "".join(f"{k[:11]:>12}" for k in kinds))
    for name, report in reports.items():
        cells = "".join(f"{report.by_kind[k].hit3:>12.2f}" if report.by_kind[k].answerable else f"{'-':>12}" for k in kinds)
        print(f"{name:<34}{cells}")
    figures = Figures("quality")
    shipped = reports["shipped (hybrid+recency)"].overall
    naive = reports["naive baseline"].overall
    figures.add("hit@3 shipped", shipped.hit3, "", naive.hit3, "naive baseline")
    figures.add("MRR@10 shipped", shipped.mrr10, "", naive.mrr10, "naive baseline")
    figures.write({name: r.model_dump() for name, r in reports.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

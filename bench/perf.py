"""Speed and memory, each figure as a ratio against a baseline measured in the same run.

    .venv/bin/python bench/perf.py --quick     # < 3 minutes: N = 100 letters
    .venv/bin/python bench/perf.py             # full: N = 100, 1,000 and 5,000 letters

Figures: query latency (full `ask` path vs bare `model.encode_query`), scale (query time,
FAISS time and index size vs N; exact vs HNSW search up to 200k passages), reindex throughput
(vs raw `encode_document` on the same passages), incremental add of one letter (vs indexing it
alone), peak memory (serving vs model alone) and cold start (vs loading the model and
embedding one question). Written to bench/results/perf.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from common import REPO, Figures, machine, percentile, timed
from synth import write_synthetic_letters
from bot.cli import render_card
from index.api import Engine
from index.chunking import index_text
from index.evaluate import read_questions
from index.settings import EngineSettings
from index.store import HNSW_EF_SEARCH, HNSW_NEIGHBOURS, current_build, load_index

QUESTIONS = REPO / "tests" / "eval" / "questions.jsonl"
PYTHON = sys.executable
LEDENBOT = str(Path(sys.executable).parent / "ledenbot")


def questions(n: int = 105) -> list[str]:
    base = [q.question for q in read_questions(QUESTIONS)]
    extra = [f"Graag weten: {q}" for q in base]
    return (base + extra)[:n]


def engine_for(letters: Path, index: Path, embedder=None) -> Engine:
    return Engine(EngineSettings(letters_dir=letters, index_dir=index), embedder=embedder)


def query_latency(engine: Engine, qs: list[str], figures: Figures) -> float:
    model = engine.embedder.model
    for q in qs[:5]:  # warm-up: first calls allocate
        engine.ask(q)
        model.encode_query([q])
    floor, full = [], []
    for q in qs:
        t, _ = timed(model.encode_query, [q])
        floor.append(t)
        t, answer = timed(lambda: render_card(engine.ask(q)))
        full.append(t)
    floor_p50, floor_p95 = percentile(floor, 50) * 1000, percentile(floor, 95) * 1000
    figures.add("query latency p50 (ask + format)", percentile(full, 50) * 1000, "ms", floor_p50,
                "encode_query floor p50", goal="≤ 1.3×")
    figures.add("query latency p95 (ask + format)", percentile(full, 95) * 1000, "ms", floor_p95,
                "encode_query floor p95")
    figures.add("encode_query floor p50", floor_p50, "ms")
    return floor_p50


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def scale(engine: Engine, ns: list[int], tmp: Path, qs: list[str], floor_ms: float, figures: Figures) -> dict:
    built = {}
    for n in ns:
        letters, index = tmp / f"letters-{n}", tmp / f"index-{n}"
        write_synthetic_letters(letters, n)
        scaled = engine_for(letters, index, engine.embedder)
        t_build, report = timed(scaled.reindex)
        loaded = load_index(index)
        times, floor = [], []
        for q in qs[:60]:  # the floor is measured beside each question: the machine drifts
            t, _ = timed(engine.embedder.model.encode_query, [q])
            floor.append(t)
            t, _ = timed(scaled.ask, q)
            times.append(t)
        floor_ms = percentile(floor, 50) * 1000
        vectors = engine.embedder.encode_queries(qs[:40])
        faiss_times = []
        for v in vectors:
            t, _ = timed(loaded.vectors.search, v[None, :], min(100, loaded.vectors.ntotal))
            faiss_times.append(t)
        figures.add(f"N={n} letters ({report.chunks} passages): query p50", percentile(times, 50) * 1000, "ms",
                    floor_ms, "encode_query floor")
        figures.add(f"N={n}: FAISS search p50", percentile(faiss_times, 50) * 1000, "ms", floor_ms,
                    "encode_query floor")
        figures.add(f"N={n}: index size", dir_mb(current_build(index)), "MB")
        built[n] = (scaled, letters, index, t_build, report)
    return built


def throughput(engine: Engine, build: tuple, figures: Figures) -> None:
    scaled, _, index, t_build, report = build
    loaded = load_index(index)
    titles = {e.id: e.title for e in loaded.manifest.letters}
    texts = [index_text(titles[c.letter_id], c) for c in loaded.manifest.chunks]
    t_raw, _ = timed(engine.embedder.model.encode_document, texts, batch_size=engine.embedder.batch_size)
    figures.add("reindex throughput (full build)", report.chunks_embedded / t_build, "passages/s",
                len(texts) / t_raw, "raw encode_document", goal="≥ 0.9×")


def incremental(engine: Engine, build: tuple, tmp: Path, figures: Figures) -> None:
    scaled, letters, index, _, _ = build
    alone_dir = tmp / "alone"
    write_synthetic_letters(alone_dir, 1, seed=99)
    new_letter = next(alone_dir.iterdir())
    shutil.copy(new_letter, letters / "extra-brief.md")
    t_inc, report = timed(scaled.reindex)
    assert report.added == 1 and report.chunks_embedded >= 1
    t_alone, _ = timed(engine_for(alone_dir, tmp / "alone-index", engine.embedder).reindex)
    figures.add(f"incremental add of 1 letter to {report.letters - 1}", t_inc * 1000, "ms", t_alone * 1000,
                "indexing that letter alone", goal="≤ 1.5×")


def ann_crossover(engine: Engine, build: tuple, sizes: list[int], qs: list[str], floor_ms: float,
                  figures: Figures) -> list[dict]:
    """Exact vs HNSW search as the collection grows (real vectors plus noise beyond the corpus)."""
    base = load_index(build[2]).stored_vectors()
    rng = np.random.default_rng(7)
    queries = engine.embedder.encode_queries(qs[:50])
    rows = []
    for size in sizes:
        picks = base[rng.integers(0, len(base), size)]
        noisy = picks + rng.normal(0, 0.02, picks.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        flat = faiss.IndexFlatIP(noisy.shape[1])
        flat.add(noisy)
        hnsw = faiss.IndexHNSWFlat(noisy.shape[1], HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 80
        hnsw.add(noisy)
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        t_flat, t_hnsw, recall = [], [], []
        for q in queries:
            t, (_, exact) = timed(flat.search, q[None, :], 100)
            t_flat.append(t)
            t, (_, approx) = timed(hnsw.search, q[None, :], 100)
            t_hnsw.append(t)
            recall.append(len(set(exact[0][:10]) & set(approx[0][:10])) / 10)
        row = {"passages": size, "flat_ms": percentile(t_flat, 50) * 1000, "hnsw_ms": percentile(t_hnsw, 50) * 1000,
               "hnsw_recall_at_10": float(np.mean(recall))}
        rows.append(row)
        figures.add(f"{size} passages: exact search p50", row["flat_ms"], "ms", floor_ms, "encode_query floor")
        figures.add(f"{size} passages: HNSW search p50 (recall@10 {row['hnsw_recall_at_10']:.3f})", row["hnsw_ms"],
                    "ms", row["flat_ms"], "exact search")
    return rows


def _peak_rss_mb(code: str) -> float:
    out = subprocess.run([PYTHON, "-c", code + "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                         capture_output=True, text=True, check=True, cwd=REPO)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def memory(index: Path, figures: Figures) -> None:
    model_only = _peak_rss_mb("from index.embedding import Embedder\nfrom index.settings import EngineSettings\n"
                              "e = Embedder.load(None, EngineSettings().cache_dir)\ne.encode_queries(['Wanneer is het volgende BOFv?'])")
    serving = _peak_rss_mb(f"from pathlib import Path\nfrom index.api import Engine\nfrom index.settings import EngineSettings\n"
                           f"e = Engine(EngineSettings(index_dir=Path({str(index)!r})))\ne.ask('Wanneer is het volgende BOFv?')")
    figures.add("peak RSS serving (index loaded, one answer)", serving, "MB", model_only, "model alone")


def cold_start(index: Path, figures: Figures) -> None:
    t_base, _ = timed(subprocess.run, [PYTHON, "-c", "from index.embedding import Embedder\nfrom index.settings import EngineSettings\n"
                                       "Embedder.load(None, EngineSettings().cache_dir).encode_queries(['x'])"],
                      check=True, capture_output=True, cwd=REPO)
    t_cli, _ = timed(subprocess.run, [LEDENBOT, "ask", "--index", str(index), "Wanneer is het volgende BOFv?"],
                     check=True, capture_output=True, cwd=REPO)
    figures.add("cold start to first answer (ledenbot ask)", t_cli, "s", t_base, "load model + embed one question")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="N = 100 only, smaller ANN sizes (< 3 minutes)")
    args = parser.parse_args()
    ns = [100] if args.quick else [100, 1000, 5000]
    ann_sizes = [10_000, 50_000] if args.quick else [10_000, 50_000, 100_000, 200_000]
    info = machine()
    print(f"Performance ({'quick' if args.quick else 'full'}), {info['date']}, {info['cores']} cores, "
          f"{info['ram_gb']} GB RAM, Python {info['python']}", flush=True)
    figures = Figures("perf-quick" if args.quick else "perf")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        engine = engine_for(REPO / "letters", tmp / "index")
        engine.reindex()
        qs = questions()
        floor_ms = query_latency(engine, qs, figures)
        built = scale(engine, ns, tmp, qs, floor_ms, figures)
        largest = built[max(built)]
        throughput(engine, built[max(n for n in built if n <= 1000)], figures)
        rows = ann_crossover(engine, largest, ann_sizes, qs, floor_ms, figures)
        memory(largest[2], figures)
        cold_start(largest[2], figures)
        incremental(engine, built[max(n for n in built if n <= 1000)], tmp, figures)
    figures.add("benchmark wall time", time.perf_counter() - started, "s")
    figures.write({"ann": rows})
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    raise SystemExit(main())

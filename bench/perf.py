"""Speed and memory, each figure as a ratio against a baseline measured in the same run.

    .venv/bin/python bench/perf.py --quick     # a few minutes: N = 100 letters
    .venv/bin/python bench/perf.py             # full: N = 100, 1,000 and 5,000 letters
    .venv/bin/python bench/perf.py --only incremental   # just the incremental add, N = 1,000

Old vs new encoder (the same built-in weights through sentence-transformers/torch, and
through onnxruntime, the default): query encode time, quality per eval file in
tests/eval/ (each against its own letters), full reindex throughput (also of the other ONNX precision), peak memory serving and
`ledenbot ask` cold start.
Then, on the default encoder: query latency (full `ask` path vs bare `encode_query`), scale
(query time, FAISS time and index size vs N; exact vs HNSW search up to 200k passages),
reindex throughput vs raw `encode_document`, incremental add of one letter (vs indexing it
alone; median of seven adds). Written to bench/results/perf.json.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
from functools import partial
from pathlib import Path

import faiss
import numpy as np

from common import REPO, Figures, machine, percentile, timed
from process_figures import OLD, cold_start, memory, relabelled
from synth import write_synthetic_letters
from bot.cli import render_card
from index.api import Engine
from index.chunking import index_text
from index.embedding import Embedder
from index.evaluate import evaluate, read_questions
from index.settings import EngineSettings
from index.store import HNSW_EF_SEARCH, HNSW_NEIGHBOURS, current_build, load_index

QUESTIONS = REPO / "tests" / "eval" / "questions.jsonl"
FP32, INT8 = "onnx-fp32", "onnx-int8"  # the ONNX precisions: one is the default, the other a setting


def questions(n: int = 105) -> list[str]:
    base = [q.question for q in read_questions(QUESTIONS)]
    extra = [f"Graag weten: {q}" for q in base]
    return (base + extra)[:n]


def engine_for(letters: Path, index: Path, embedder=None) -> Engine:
    return Engine(EngineSettings(letters_dir=letters, index_dir=index), embedder=embedder)


def encoder_speed(old: Embedder, new: Embedder, qs: list[str], figures: Figures) -> None:
    """One question at a time, as the bot gets them. The encoders take turns in blocks of ten
    questions, so drift of a shared machine hits both alike; the first call of each block is
    not timed, so neither pays for the other's worker threads still spinning."""
    t_old, t_new = [], []
    for start in range(0, len(qs), 10):
        block = qs[start : start + 10]
        for encoder, times in ((old, t_old), (new, t_new)):
            encoder.encode_queries(block[:1])
            for q in block:
                t, _ = timed(encoder.encode_queries, [q])
                times.append(t)
    figures.add(f"query encode p50 ({new.info.id})", percentile(t_new, 50) * 1000, "ms",
                percentile(t_old, 50) * 1000, "torch path", goal="≤ 0.4×")


def eval_letters(question_file: Path) -> Path:
    """The letters an eval file asks about (tests/eval/README.md)."""
    for prefix in ("undated", "fresh", "third"):
        if question_file.name.startswith(f"{prefix}-"):
            return REPO / "tests" / "eval" / f"letters-{prefix}"
    return REPO / "letters"


def quality(old: Engine, new: Engine, tmp: Path, figures: Figures) -> dict:
    """hit@3, MRR@10 and refusals of both encoders on every eval file (including the held-out
    ones), each against the letters it asks about."""
    rows, pairs = {}, {REPO / "letters": (old, new)}
    for path in sorted((REPO / "tests" / "eval").glob("*.jsonl")):
        letters = eval_letters(path)
        if letters not in pairs:
            pairs[letters] = tuple(engine_for(letters, tmp / f"quality-{letters.name}-{i}", e.embedder) for i, e in enumerate((old, new)))
            for engine in pairs[letters]:
                engine.reindex()
        qs = read_questions(path)
        before, after = (evaluate(qs, partial(e.ask, k=10)).overall for e in pairs[letters])
        rows[path.name] = {"old": before.model_dump(), "new": after.model_dump()}
        for metric in ("hit3", "mrr10"):
            delta = getattr(after, metric) - getattr(before, metric)
            figures.add(f"{path.name}: {metric} new − old ({getattr(before, metric):.3f} → {getattr(after, metric):.3f})",
                        delta, "", goal="≥ −0.01")
        figures.add(f"{path.name}: near-misses refused, new − old ({before.refused}/{before.unanswerable} → "
                    f"{after.refused}/{after.unanswerable})", after.refused - before.refused, "", goal="≥ 0")
        figures.add(f"{path.name}: answerable wrongly refused, new − old ({before.false_refusals}/{before.answerable} → "
                    f"{after.false_refusals}/{after.answerable})", after.false_refusals - before.false_refusals, "",
                    goal="≤ 0")
    return rows


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


def throughput(engine: Engine, old: Embedder, build: tuple, tmp: Path, figures: Figures) -> None:
    scaled, letters, index, t_build, report = build
    loaded = load_index(index)
    titles = {e.id: e.title for e in loaded.manifest.letters}
    texts = [index_text(titles[c.letter_id], c) for c in loaded.manifest.chunks]
    t_raw, _ = timed(engine.embedder.model.encode_document, texts, batch_size=engine.embedder.batch_size)
    new_rate = report.chunks_embedded / t_build
    figures.add("reindex throughput (full build)", new_rate, "passages/s",
                len(texts) / t_raw, "raw encode_document", goal="≥ 0.9×")
    t_old, old_report = timed(engine_for(letters, tmp / "index-torch-throughput", old).reindex)
    old_rate = old_report.chunks_embedded / t_old
    figures.add("reindex throughput (full build) vs torch path", new_rate, "passages/s",
                old_rate, "torch path", goal="≥ 2.5×")
    # the other ONNX precision, as a setting beside the default
    other = INT8 if engine.embedder.info.fingerprint.endswith("+onnx-fp32") else FP32
    setting = Embedder.load(None, engine.settings.cache_dir, encoder=other)
    t_setting, setting_report = timed(engine_for(letters, tmp / f"index-{other}-throughput", setting).reindex)
    figures.add(f"reindex throughput (full build), {other} setting, vs torch path",
                setting_report.chunks_embedded / t_setting, "passages/s", old_rate, "torch path")


def incremental(engine: Engine, build: tuple, tmp: Path, figures: Figures, rounds: int = 3) -> None:
    scaled, letters, index, _, _ = build
    # Steady state: the letters were there at an earlier reindex, which recorded their size and
    # mtime (files modified within 2 s of a build are hashed again next time, see letters.py).
    time.sleep(2.1)
    t_noop, noop = timed(scaled.reindex)
    assert noop.chunks_embedded == 0
    figures.add(f"reindex with nothing changed ({noop.letters} letters)", t_noop * 1000, "ms")
    # Rounds, each adding another letter, medians compared: one add is a fraction of a second,
    # and a shared machine's hiccups are of the same size.
    t_incs, t_alones = [], []
    for round_ in range(rounds):
        alone_dir = tmp / f"alone-{round_}"
        write_synthetic_letters(alone_dir, 1, seed=99 + round_)
        shutil.copy(next(alone_dir.iterdir()), letters / f"extra-brief-{round_}.md")
        t_inc, report = timed(scaled.reindex)
        assert report.added == 1 and report.chunks_embedded >= 1
        t_alone, _ = timed(engine_for(alone_dir, tmp / f"alone-index-{round_}", engine.embedder).reindex)
        t_incs.append(t_inc)
        t_alones.append(t_alone)
        time.sleep(2.1)  # the added file's stamp becomes trustworthy, as for a letter added earlier
    figures.add(f"incremental add of 1 letter to {report.letters - 1} (median of {rounds})", percentile(t_incs, 50) * 1000,
                "ms", percentile(t_alones, 50) * 1000, "indexing that letter alone", goal="≤ 1.5×")
    # What the collection adds to each reindex, round by round (less sensitive than the ratio to
    # how fast a loaded machine embeds the letter): incremental add − that letter alone.
    extra = [(i - a) * 1000 for i, a in zip(t_incs, t_alones)]
    figures.add(f"cost of the other {report.letters - 1} letters per add (median of incremental − alone; "
                f"rounds {', '.join(f'{x:.0f}' for x in extra)})", percentile(extra, 50), "ms")


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


def only_incremental(n: int = 1000, rounds: int = 7) -> int:
    """The incremental add of one letter (and the reindex with nothing changed) on its own."""
    info = machine()
    print(f"Incremental add, {n} letters, {info['date']}, {info['cores']} cores", flush=True)
    figures = Figures("perf-incremental")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        letters, index = tmp / f"letters-{n}", tmp / f"index-{n}"
        write_synthetic_letters(letters, n)
        scaled = engine_for(letters, index)
        t_build, report = timed(scaled.reindex)
        incremental(scaled, (scaled, letters, index, t_build, report), tmp, figures, rounds=rounds)
    figures.write()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="N = 100 only, smaller ANN sizes (< 3 minutes)")
    parser.add_argument("--only", choices=["throughput", "incremental"],
                        help="one part alone: 'throughput' (full reindex at N = 1,000, ~6 minutes) or "
                             "'incremental' (builds 1,000 letters and adds one at a time)")
    args = parser.parse_args()
    if args.only == "throughput":
        return only_throughput()
    if args.only == "incremental":
        return only_incremental()
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
        old = Embedder.load(None, engine.settings.cache_dir, encoder=OLD)
        old_engine = engine_for(REPO / "letters", tmp / "index-torch", old)
        old_engine.reindex()
        qs = questions()
        encoder_speed(old, engine.embedder, qs, figures)
        dev = quality(old_engine, engine, tmp, figures)
        floor_ms = query_latency(engine, qs, figures)
        built = scale(engine, ns, tmp, qs, floor_ms, figures)
        largest = built[max(built)]
        throughput(engine, old, built[max(n for n in built if n <= 1000)], tmp, figures)
        old_info = old.info
        del old, old_engine  # the old encoder's memory is not the new one's to carry
        rows = ann_crossover(engine, largest, ann_sizes, qs, floor_ms, figures)
        old_index = relabelled(largest[2], old_info, tmp / "index-relabelled")
        memory(largest[2], old_index, engine.embedder, figures)
        cold_start(largest[2], old_index, figures)
        # A bot holds one index: drop the other sizes' engines, whose garbage collection would
        # otherwise land in the timed adds.
        kept = built.pop(max(n for n in built if n <= 1000))
        del built, largest
        gc.collect()
        incremental(engine, kept, tmp, figures, rounds=7)
    figures.add("benchmark wall time", time.perf_counter() - started, "s")
    figures.write({"ann": rows, "quality": dev})
    return 0


def only_throughput() -> int:
    figures = Figures("perf-throughput")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        letters, index = tmp / "letters-1000", tmp / "index-1000"
        write_synthetic_letters(letters, 1000)
        engine = engine_for(letters, index)
        t_build, report = timed(engine.reindex)
        old = Embedder.load(None, engine.settings.cache_dir, encoder=OLD)
        throughput(engine, old, (engine, letters, index, t_build, report), tmp, figures)
    figures.write()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    raise SystemExit(main())

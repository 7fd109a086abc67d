"""A fresh replica on an empty disk vs a full reindex of the same letters, in one run.

With DATABASE_URL a new replica builds its FAISS and BM25 indexes from the vectors stored in
PostgreSQL instead of embedding the letters again. This measures, on the same synthetic
letters and the same loaded model (its load time, equal for both, left out):

  full reindex          embed every passage and publish the build to the database
  fresh replica         empty index directory → first answer (fetch build, build FAISS + BM25, ask)

Uses $DATABASE_URL when set (an empty database!), else starts a throw-away PostgreSQL server
the way the tests do (tests/pg_server.py).  `python bench/replica.py [--letters N]`
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, Figures, machine
from synth import write_synthetic_letters

sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from index.api import Engine  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.settings import EngineSettings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=200, help="synthetic letters (default 200)")
    args = parser.parse_args()
    info = machine()
    print(f"Fresh replica vs full reindex, {args.letters} letters, {info['date']}, {info['cores']} cores", flush=True)
    server = None
    url = os.environ.get("DATABASE_URL")
    if not url:
        from pg_server import PostgresServer

        server = PostgresServer().start()
        url = server.new_database()
    figures = Figures("replica")
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            letters = tmp / "letters"
            letters.mkdir()
            write_synthetic_letters(letters, args.letters)
            settings = EngineSettings(letters_dir=letters, database_url=url)
            embedder = Embedder.load(settings.embedding_model, settings.cache_dir)
            first = Engine(settings.model_copy(update={"index_dir": tmp / "one"}), embedder=embedder)
            first.database  # connect and migrate outside the timing
            started = time.perf_counter()
            report = first.reindex()
            full = time.perf_counter() - started
            figures.add("full reindex", full, "s")
            fresh = Engine(settings.model_copy(update={"index_dir": tmp / "two"}), embedder=embedder)
            fresh.database
            started = time.perf_counter()
            answer = fresh.ask("Wat vraagt de VNG over het gemeentefonds?")
            first_answer = time.perf_counter() - started
            figures.add("fresh replica to first answer", first_answer, "s", baseline=full,
                        baseline_name="full reindex", goal="≤ 0.2×")
            again = fresh.reindex()
            print(f"{report.chunks} passages; reindex on the fresh replica embedded {again.chunks_embedded}; "
                  f"answer found: {answer.found}", flush=True)
            figures.write({"letters": args.letters, "passages": report.chunks})
    finally:
        if server:
            server.close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    raise SystemExit(main())

"""Figures measured in a fresh process: peak memory serving an index, and cold start to the
first answer, for the default encoder and the torch path (part of bench/perf.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from common import REPO, Figures, timed
from index.embedding import Embedder
from index.store import MANIFEST, builds_dir, current_build

PYTHON = sys.executable
LEDENBOT = str(Path(sys.executable).parent / "ledenbot")
OLD = "torch"  # the encoder before onnxruntime: sentence-transformers on the same weights


def _peak_rss_mb(code: str) -> float:
    # VmHWM, not getrusage: ru_maxrss survives fork+exec, so a child of this (large) process
    # would report the parent's size; VmHWM belongs to the child's own address space.
    report = "\nimport re; print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))"
    out = subprocess.run([PYTHON, "-c", code + report], capture_output=True, text=True, check=True, cwd=REPO)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def relabelled(index: Path, old_info, dest: Path) -> Path:
    """A copy of an index that says the torch path built it: memory and start-up do not depend
    on which encoder computed the vectors (the same shape either way), and this spares building
    5,000 letters twice."""
    build = current_build(index)
    target = builds_dir(dest) / build.name
    shutil.copytree(build, target)
    manifest = json.loads((target / MANIFEST).read_text())
    manifest["model"] = old_info.model_dump()
    (target / MANIFEST).write_text(json.dumps(manifest))
    (dest / "CURRENT").write_text(build.name + "\n")
    return dest


def _env(encoder: str) -> dict:
    return {**os.environ, "LEDENBOT_ENCODER": encoder}


def memory(index: Path, old_index: Path, new: Embedder, figures: Figures) -> None:
    model_only = _peak_rss_mb("from index.embedding import Embedder\nfrom index.settings import EngineSettings\n"
                              "e = Embedder.load(None, EngineSettings().cache_dir)\ne.encode_queries(['Wanneer is het volgende BOFv?'])")
    serve = ("from pathlib import Path\nfrom index.api import Engine\nfrom index.settings import EngineSettings\n"
             "e = Engine(EngineSettings(index_dir=Path({!r})))\ne.ask('Wanneer is het volgende BOFv?')")
    serving = _peak_rss_mb(serve.format(str(index)))
    figures.add("peak RSS serving (index loaded, one answer)", serving, "MB", model_only, "model alone")
    os.environ["LEDENBOT_ENCODER"] = OLD
    try:
        serving_old = _peak_rss_mb(serve.format(str(old_index)))
    finally:
        os.environ.pop("LEDENBOT_ENCODER")
    figures.add(f"peak RSS serving, {new.info.id}", serving, "MB", serving_old, "torch path", goal="≤ 0.6×")


def cold_start(index: Path, old_index: Path, figures: Figures) -> None:
    t_base, _ = timed(subprocess.run, [PYTHON, "-c", "from index.embedding import Embedder\nfrom index.settings import EngineSettings\n"
                                       "Embedder.load(None, EngineSettings().cache_dir).encode_queries(['x'])"],
                      check=True, capture_output=True, cwd=REPO)
    ask = "Wanneer is het volgende BOFv?"
    t_cli, _ = timed(subprocess.run, [LEDENBOT, "ask", "--index", str(index), ask], check=True, capture_output=True, cwd=REPO)
    figures.add("cold start to first answer (ledenbot ask)", t_cli, "s", t_base, "load model + embed one question")
    t_old, _ = timed(subprocess.run, [LEDENBOT, "ask", "--index", str(old_index), ask], check=True, capture_output=True,
                     cwd=REPO, env=_env(OLD))
    figures.add("cold start to first answer (ledenbot ask) vs torch path", t_cli, "s", t_old, "torch path", goal="≤ 0.3×")

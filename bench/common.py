"""Shared helpers for the benchmark scripts: timing, percentiles, output format."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def machine() -> dict:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cores": os.cpu_count(), "ram_gb": round(mem_gb, 1), "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d")}


class Figures:
    """Collects `name: value unit (ratio vs baseline)` lines and writes them as JSON too."""

    def __init__(self, name: str):
        self.name = name
        self.items: dict[str, dict] = {}

    def add(self, name: str, value: float, unit: str, baseline: float | None = None,
            baseline_name: str | None = None, goal: str | None = None) -> None:
        ratio = value / baseline if baseline else None
        self.items[name] = {"value": value, "unit": unit, "baseline": baseline, "baseline_name": baseline_name,
                            "ratio": ratio, "goal": goal}
        text = f"{name}: {value:.4g} {unit}"
        if ratio is not None:
            text += f" ({ratio:.2f}× {baseline_name or 'baseline'})"
        if goal:
            text += f"  [goal {goal}]"
        print(text, flush=True)

    def write(self, extra: dict | None = None) -> Path:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{self.name}.json"
        path.write_text(json.dumps({"machine": machine(), "figures": self.items, **(extra or {})}, indent=2))
        print(f"(written to {path.relative_to(REPO)})", flush=True)
        return path


def median(values: list[float]) -> float:
    return statistics.median(values)

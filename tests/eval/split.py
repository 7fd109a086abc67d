"""Split a question set 50/50 into a dev half (tune on it) and a held-out half (report only).

Usage: python tests/eval/split.py NAME [SOURCE.jsonl]
Reads SOURCE (or the union of tests/eval/NAME-dev.jsonl and NAME-heldout.jsonl, so re-running is a
no-op) and writes NAME-dev.jsonl and NAME-heldout.jsonl. The split is stratified by `kind` and
`lang`, seeded, and independent of the input order: each stratum is sorted by question text,
shuffled with a seed derived from SEED, and cut in half; an odd stratum's extra question goes
alternately to dev and to held-out.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

SEED = 20261126
HERE = Path(__file__).resolve().parent


def split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    strata: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        strata[(row["kind"], row.get("lang", "nl"))].append(row)
    dev, heldout = [], []
    extra_to_dev = True
    for key in sorted(strata):
        group = sorted(strata[key], key=lambda r: r["question"])
        random.Random(f"{SEED}-{key[0]}-{key[1]}").shuffle(group)
        half = len(group) // 2
        if len(group) % 2:
            half += 1 if extra_to_dev else 0
            extra_to_dev = not extra_to_dev
        dev += group[:half]
        heldout += group[half:]
    return dev, heldout


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main(argv: list[str]) -> int:
    name = argv[0]
    dev_path, heldout_path = HERE / f"{name}-dev.jsonl", HERE / f"{name}-heldout.jsonl"
    rows = _read(Path(argv[1])) if len(argv) > 1 else _read(dev_path) + _read(heldout_path)
    questions = [r["question"] for r in rows]
    if len(set(questions)) != len(questions):
        raise SystemExit("duplicate questions in the input")
    dev, heldout = split(rows)
    _write(dev_path, dev)
    _write(heldout_path, heldout)
    print(f"{name}: {len(dev)} dev, {len(heldout)} held-out (seed {SEED})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

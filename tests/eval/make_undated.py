"""Build tests/eval/letters-undated/ from letters/: every front-matter `date` removed, and for a
seeded third of the letters (5 of 15, among those that have an Lbr number) the Lbr number removed
from the front matter and from the body ("Ledenbrief nummer" / "Ledenbriefnummer:" lines and the
"Lbr. 24/019" line). Everything else stays byte-identical: only whole lines are dropped.

Usage: python tests/eval/make_undated.py   (prints which letters lost their number)
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

SEED = 20261126
REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "letters"
TARGET = Path(__file__).resolve().parent / "letters-undated"
NUMBER_LINE = re.compile(r"^(Ledenbrief ?nummer:?|Lbr\. ?\d{2}/\d{3})[ \t]*\r?\n?$")


def _split_front_matter(lines: list[str]) -> int:
    """Index of the line closing the front matter (0 when there is none)."""
    if not lines or lines[0].strip() != "---":
        return 0
    return next(i for i in range(1, len(lines)) if lines[i].strip() == "---")


def strip(text: str, drop_number: bool) -> str:
    lines = text.splitlines(keepends=True)
    end = _split_front_matter(lines)
    kept = []
    for i, line in enumerate(lines):
        if 0 < i < end and line.startswith("date:"):
            continue
        if drop_number and 0 < i < end and line.startswith("lbr:"):
            continue
        if drop_number and i > end and NUMBER_LINE.match(line):
            continue
        kept.append(line)
    return "".join(kept)


def main() -> int:
    letters = sorted(p for p in SOURCE.glob("*.md") if p.name != "README.md")
    numbered = [p for p in letters if re.search(r"^lbr:", p.read_text(encoding="utf-8"), re.M)]
    chosen = set(random.Random(SEED).sample(numbered, round(len(letters) / 3)))
    shutil.rmtree(TARGET, ignore_errors=True)
    TARGET.mkdir()
    for path in letters:
        text = path.read_text(encoding="utf-8")
        (TARGET / path.name).write_bytes(strip(text, path in chosen).encode("utf-8"))
    for path in sorted(chosen):
        print(f"number removed: {path.stem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

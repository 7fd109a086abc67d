"""A deterministic synthetic corpus of N letters made from the sample letters: paragraphs of
two or three letters recombined, numbers, dates and Lbr numbers varied."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

from index.letters import load_letters
from common import REPO

_NUMBER = re.compile(r"\b\d{2,3}\b")


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if len(p.split()) >= 12]


def write_synthetic_letters(directory: Path, n: int, seed: int = 7) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    samples = load_letters(REPO / "letters").letters
    pools = [(l.title, _paragraphs(l.body)) for l in samples]
    pools = [(t, ps) for t, ps in pools if ps]
    paths = []
    for i in range(n):
        picked = rng.sample(pools, k=rng.choice((2, 3)))
        paragraphs = []
        for _, ps in picked:
            paragraphs.extend(rng.sample(ps, k=min(len(ps), rng.choice((1, 2)))))
        body = "\n\n".join(_NUMBER.sub(lambda m: str(rng.randint(10, 999)), p) for p in paragraphs)
        date = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 12))
        lbr = f"Lbr. {date.year % 100:02d}/{i % 999 + 1:03d}"
        title = f"{picked[0][0]} ({i + 1})"
        text = (f'---\ntitle: "{title}"\ndate: "{date.isoformat()}"\nlbr: "{lbr}"\n'
                f'url: "https://vng.nl/brieven/synthetisch-{i + 1}"\n---\n{body}\n')
        path = directory / f"synthetisch-{i + 1:05d}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths

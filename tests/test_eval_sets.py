"""The issue-9 question sets keep their shape: sizes, valid gold letters, disjoint halves, and a
date-stripped letter copy that the script reproduces byte for byte."""

from __future__ import annotations

import importlib.util
import json
import re

from conftest import LETTERS, REPO

EVAL = REPO / "tests" / "eval"
LETTER_IDS = {p.stem for p in LETTERS.glob("*.md") if p.name != "README.md"}


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _both(set_name: str) -> tuple[list[dict], list[dict]]:
    return _rows(f"{set_name}-dev.jsonl"), _rows(f"{set_name}-heldout.jsonl")


def test_halves_are_disjoint_balanced_and_gold_letters_exist():
    for set_name in ("nearmiss", "undated"):
        dev, heldout = _both(set_name)
        assert not {r["question"] for r in dev} & {r["question"] for r in heldout}
        assert abs(len(dev) - len(heldout)) <= 1
        for row in dev + heldout:
            assert set(row["gold_letters"]) <= LETTER_IDS, row


def test_nearmiss_set_size_and_kinds():
    rows = sum(_both("nearmiss"), [])
    nearmiss = [r for r in rows if r["kind"] == "nearmiss"]
    answerable = [r for r in rows if r["kind"] == "answerable"]
    assert len(nearmiss) >= 48 and len(answerable) >= 48 and len(nearmiss) + len(answerable) == len(rows)
    assert all(not r["gold_letters"] for r in nearmiss) and all(r["gold_letters"] for r in answerable)
    for part in (nearmiss, answerable):
        english = sum(r["lang"] == "en" for r in part) / len(part)
        assert 0.10 <= english <= 0.25


def test_undated_set_size_and_kinds():
    rows = sum(_both("undated"), [])
    assert sum(r["kind"] == "latest" for r in rows) >= 16
    assert sum(r["kind"] == "date" for r in rows) >= 12


def test_undated_letters_are_reproducible_and_stripped(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_undated", EVAL / "make_undated.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "TARGET", tmp_path / "undated")
    module.main()
    shipped = sorted((EVAL / "letters-undated").glob("*.md"))
    assert [p.name for p in shipped] == sorted(f"{i}.md" for i in LETTER_IDS)
    for path in shipped:
        assert (tmp_path / "undated" / path.name).read_bytes() == path.read_bytes(), path.name
        assert "\ndate:" not in path.read_text(encoding="utf-8")
    unnumbered = [p for p in shipped if "Lbr" not in p.read_text(encoding="utf-8")]
    originally_unnumbered = [p for p in LETTERS.glob("*.md") if p.name != "README.md" and "Lbr" not in p.read_text()]
    assert len(unnumbered) - len(originally_unnumbered) == 5


# The fresh set (tests/eval/README.md, "The fresh set"): its own 24 letters, its own questions.
FRESH_LETTERS = EVAL / "letters-fresh"
FRESH_TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in FRESH_LETTERS.glob("*.md")}


def _front_matter(text: str) -> str:
    assert text.startswith("---\n")
    return text.split("\n---\n", 1)[0]


def test_fresh_letters_are_messy_like_letters_saved_from_the_web():
    assert len(FRESH_TEXTS) == 24
    for stem, text in FRESH_TEXTS.items():
        head = _front_matter(text)
        assert "\ntitle:" in head and "\nurl:" in head, stem
        assert 300 <= len(text.split()) <= 1500, stem
    undated = [s for s, t in FRESH_TEXTS.items() if "\ndate:" not in _front_matter(t)]
    unnumbered = [s for s, t in FRESH_TEXTS.items() if "Lbr" not in t]
    assert len(undated) == 18 and len(unnumbered) == 6


def test_fresh_halves_are_disjoint_balanced_and_true_to_the_letters():
    dev, heldout = _both("fresh")
    assert not {r["question"] for r in dev} & {r["question"] for r in heldout}
    for kind, least in (("answerable", 40), ("nearmiss", 30), ("latest", 14), ("date", 12)):
        in_dev = [r for r in dev if r["kind"] == kind]
        in_heldout = [r for r in heldout if r["kind"] == kind]
        assert len(in_dev) + len(in_heldout) >= least and abs(len(in_dev) - len(in_heldout)) <= 1, kind
    for row in dev + heldout:
        assert set(row["gold_letters"]) <= set(FRESH_TEXTS), row
        assert bool(row["gold_letters"]) == (row["kind"] != "nearmiss"), row
        if row["kind"] == "latest":
            assert len(row["gold_letters"]) == 1, row
        if "gold_phrase" in row:
            assert all(row["gold_phrase"].lower() in FRESH_TEXTS[g].lower() for g in row["gold_letters"]), row
    for kind in ("answerable", "nearmiss"):
        part = [r for r in dev + heldout if r["kind"] == kind]
        assert 0.10 <= sum(r["lang"] == "en" for r in part) / len(part) <= 0.25, kind


def test_split_script_reproduces_every_shipped_split():
    spec = importlib.util.spec_from_file_location("split", EVAL / "split.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for set_name in ("nearmiss", "undated", "fresh", "third"):
        dev, heldout = _both(set_name)
        assert module.split(dev + heldout) == (dev, heldout), set_name


# The third set (tests/eval/README.md, "The third set"): 30 letters, some saved as HTML pages.
THIRD_LETTERS = EVAL / "letters-third"
THIRD_TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in THIRD_LETTERS.iterdir() if p.suffix in (".md", ".html")}


def test_third_letters_are_messy_like_letters_saved_from_the_web():
    assert len(THIRD_TEXTS) == len(list(THIRD_LETTERS.iterdir())) == 30
    pages = [p for p in THIRD_LETTERS.glob("*.html")]
    assert len(pages) == 3
    undated = []
    for stem, text in THIRD_TEXTS.items():
        if (THIRD_LETTERS / f"{stem}.html").exists():
            assert "<article" in text and "<nav" in text and "<footer" in text and 'rel="canonical"' in text, stem
            assert "published_time" not in text and 'name="date"' not in text, stem
            undated.append(stem)
            words = re.sub(r"<[^>]+>", " ", text).split()
        else:
            head = _front_matter(text)
            assert "\ntitle:" in head and "\nurl:" in head, stem
            if "\ndate:" not in head:
                undated.append(stem)
            words = text.split()
        assert 300 <= len(words) <= 1500, stem
    unnumbered = [s for s, t in THIRD_TEXTS.items() if "Lbr" not in t]
    assert len(undated) == 22 and len(unnumbered) == 8


def test_third_halves_are_disjoint_balanced_and_true_to_the_letters():
    dev, heldout = _both("third")
    assert not {r["question"] for r in dev} & {r["question"] for r in heldout}
    for kind, least in (("answerable", 80), ("nearmiss", 30), ("latest", 16), ("date", 12)):
        in_dev = [r for r in dev if r["kind"] == kind]
        in_heldout = [r for r in heldout if r["kind"] == kind]
        assert len(in_dev) + len(in_heldout) >= least and abs(len(in_dev) - len(in_heldout)) <= 1, kind
    for row in dev + heldout:
        assert set(row["gold_letters"]) <= set(THIRD_TEXTS), row
        assert bool(row["gold_letters"]) == (row["kind"] != "nearmiss"), row
        if row["kind"] == "latest":
            assert len(row["gold_letters"]) == 1, row
        if row["kind"] == "answerable":
            assert all(row["gold_phrase"].lower() in THIRD_TEXTS[g].lower() for g in row["gold_letters"]), row
    for kind in ("answerable", "nearmiss"):
        part = [r for r in dev + heldout if r["kind"] == kind]
        assert 0.10 <= sum(r["lang"] == "en" for r in part) / len(part) <= 0.25, kind

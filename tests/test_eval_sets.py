"""The issue-9 question sets keep their shape: sizes, valid gold letters, disjoint halves, and a
date-stripped letter copy that the script reproduces byte for byte."""

from __future__ import annotations

import importlib.util
import json

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

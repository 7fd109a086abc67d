"""The `ledenbot` command as other tools use it: real subprocesses, real index, JSON contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CACHE, LETTERS

LEDENBOT = str(Path(sys.executable).parent / "ledenbot")
REPORT_KEYS = {"added", "changed", "removed", "unchanged", "chunks_embedded", "letters", "chunks"}


def run(*args: str, stdin: str | None = None, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "LEDENBOT_CACHE_DIR": str(CACHE), **env}
    return subprocess.run(
        [LEDENBOT, *args], input=stdin, capture_output=True, text=True, timeout=300, cwd=cwd, env=environment
    )


def assert_one_sentence_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("error: ")
    for fragment in fragments:
        assert fragment in error


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory):
    """Letters (plus one unreadable file) indexed through the CLI; returns (letters, index, reports)."""
    root = tmp_path_factory.mktemp("cli")
    letters = root / "letters"
    letters.mkdir()
    for path in LETTERS.glob("*.md"):
        (letters / path.name).write_bytes(path.read_bytes())
    (letters / "scan.md").write_bytes(b"\x00\x00binary\x00" * 100)
    index = root / "index"
    first = run("reindex", "--letters", str(letters), "--index", str(index), "--json")
    second = run("reindex", "--letters", str(letters), "--index", str(index), "--json")
    return letters, index, first, second


def test_reindex_json_contract_and_second_run_embeds_nothing(cli_index):
    _, _, first, second = cli_index
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert REPORT_KEYS <= report.keys()
    assert report["added"] == report["letters"] == 15 and report["chunks_embedded"] == report["chunks"] > 15
    assert "Skipped scan.md: binary file" in first.stderr
    assert "Embedding passages" in first.stderr  # progress
    again = json.loads(second.stdout)
    assert again["chunks_embedded"] == 0 and again["unchanged"] == 15


def test_ask_prints_an_answer_card(cli_index):
    _, index, _, _ = cli_index
    result = run("ask", "--index", str(index), "Wanneer is het volgende BOFv?")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "**Op 4 april staat weer een BOFv gepland.**" in out.replace("\n> ", " ")
    assert ("Lbr. 24/007 · 19 maart 2024 · Update VNG-inzet kabinetsformatie · "
            "https://vng.nl/brieven/update-vng-inzet-kabinetsformatie") in out
    assert "More sources:" in out


def test_ask_json_and_stdin_batch(cli_index):
    _, index, _, _ = cli_index
    single = run("ask", "--index", str(index), "--json", "-k", "2", "wat staat er in lbr 24/11?")
    answer = json.loads(single.stdout)
    assert answer["found"] is True and len(answer["passages"]) == 2
    passage = answer["passages"][0]
    assert {"text", "score", "link", "letter"} <= passage.keys()
    assert passage["letter"]["lbr"] == "Lbr. 24/011" and passage["letter"]["date"] == "2024-04-15"
    assert set(passage["letter"]) >= {"id", "title", "date", "lbr", "url"}

    batch = run("ask", "--index", str(index), "--json", "-", stdin="Waar is de ALV in juni?\n\n🙂\nWat is het recept voor erwtensoep?\n")
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [l["question"] for l in lines] == ["Waar is de ALV in juni?", "🙂", "Wat is het recept voor erwtensoep?"]
    assert lines[0]["found"] and lines[0]["passages"][0]["letter"]["id"] == "uitnodiging-alv-26-juni-2024"
    assert "empty" in lines[1]["error"]
    assert lines[2]["found"] is False
    assert batch.returncode == 1  # one line failed


def test_eval_prints_metrics_per_kind(cli_index, tmp_path):
    _, index, _, _ = cli_index
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"question": "Wanneer is het volgende BOFv?", "gold_letters": ["seed-update-vng-inzet-kabinetsformatie"], "kind": "next"}\n'
        '{"question": "Where is the ALV in June 2024?", "gold_letters": ["https://vng.nl/brieven/uitnodiging-alv-26-juni-2024"], "kind": "english"}\n'
        '{"question": "Wat is het recept voor erwtensoep?", "gold_letters": [], "kind": "unanswerable"}\n'
    )
    result = run("eval", str(questions), "--index", str(index))
    assert result.returncode == 0, result.stderr
    assert "hit@3" in result.stdout and "MRR@10" in result.stdout
    assert "refusal accuracy: 1.00" in result.stdout
    assert [line.split()[0] for line in result.stdout.splitlines()[2:5]] == ["english", "next", "unanswerable"]


def test_eval_reports_dev_and_heldout_files_apart(cli_index, tmp_path):
    _, index, _, _ = cli_index
    dev, heldout = tmp_path / "set-dev.jsonl", tmp_path / "set-heldout.jsonl"
    # The gold "no-such-letter" makes a miss whatever the engine ranks: dev lists it, held-out only counts it.
    dev.write_text(
        '{"question": "Wanneer is het volgende BOFv?", "gold_letters": ["seed-update-vng-inzet-kabinetsformatie"], "kind": "answerable"}\n'
        '{"question": "Wat kost een dev-paspoort?", "gold_letters": ["no-such-letter"], "kind": "answerable"}\n'
    )
    heldout.write_text(
        '{"question": "Where is the ALV in June 2024?", "gold_letters": ["uitnodiging-alv-26-juni-2024"], "kind": "answerable"}\n'
        '{"question": "Wat kost een heldout-paspoort?", "gold_letters": ["no-such-letter"], "kind": "answerable"}\n'
        '{"question": "Wat is het recept voor erwtensoep?", "gold_letters": [], "kind": "nearmiss"}\n'
    )
    result = run("eval", str(dev), str(heldout), "--index", str(index))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"== {dev} (dev)" in out and f"== {heldout} (HELD-OUT" in out
    assert "dev-paspoort" in out and "heldout-paspoort" not in out
    assert "1 missed (not listed for held-out)" in out
    totals = out.split("== totals per half")[1].splitlines()
    assert [line.split()[:2] for line in totals[3:5]] == [["dev", "2"], ["heldout", "3"]]
    assert "Evaluating set-dev.jsonl: 2/2" in result.stderr and "Evaluating set-heldout.jsonl: 3/3" in result.stderr

    data = json.loads(run("eval", str(dev), str(heldout), "--index", str(index), "--json").stdout)
    assert [(f["file"], f["split"]) for f in data["files"]] == [(str(dev), "dev"), (str(heldout), "heldout")]
    assert data["files"][1]["misses_hidden"] == 1 and data["files"][1]["report"]["misses"] == []
    assert data["totals"]["dev"]["answerable"] == 2 and data["totals"]["heldout"]["unanswerable"] == 1
    assert data["totals"]["heldout"]["hit1"] <= 0.5  # the no-such-letter question counts as a miss
    single = json.loads(run("eval", str(dev), "--index", str(index), "--json").stdout)
    assert set(single) == {"overall", "by_kind", "misses"}  # one file keeps the original JSON shape


def test_errors_are_one_sentence_with_what_to_do(tmp_path, cli_index):
    _, index, _, _ = cli_index
    assert_one_sentence_error(run("reindex", "--letters", str(tmp_path / "nope"), "--index", str(tmp_path / "i")),
                              "does not exist")
    assert_one_sentence_error(run("ask", "--index", str(tmp_path / "none"), "Wat is de Woo?"), "ledenbot reindex")
    assert_one_sentence_error(run("ask", "--index", str(index), "  "), "empty")
    assert_one_sentence_error(run("eval", str(tmp_path / "missing.jsonl"), "--index", str(index)), "does not exist")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "leeg.md").write_text("---\ntitle: leeg\n---\n")
    assert_one_sentence_error(run("reindex", "--letters", str(empty), "--index", str(tmp_path / "i2")),
                              "No readable letters", "leeg.md")


def test_a_model_mismatch_says_to_reindex(cli_index, tmp_path):
    _, index, _, _ = cli_index
    from index.store import MANIFEST, current_build

    other = tmp_path / "index"
    import shutil

    shutil.copytree(index, other)
    manifest_path = current_build(other) / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["model"].update(id="intfloat/multilingual-e5-small", fingerprint="f" * 64)
    manifest_path.write_text(json.dumps(manifest))
    assert_one_sentence_error(run("ask", "--index", str(other), "Wat is de Woo?"),
                              "intfloat/multilingual-e5-small", "run `ledenbot reindex`")

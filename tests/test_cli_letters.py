"""`ledenbot add / remove / letters / report` as a shell user runs them: real subprocesses,
a real index, the JSON contract, and a local web server for adding by url."""

from __future__ import annotations

import json
import time

import pytest

from bot.state import State
from conftest import LETTERS, make_engine
from letter_server import LetterServer, pdf_letter
from test_cli import assert_one_sentence_error, run

LETTER_KEYS = {"id", "title", "date", "lbr", "url"}


@pytest.fixture()
def small_index(tmp_path, embedder):
    letters = tmp_path / "letters"
    letters.mkdir()
    for name in ("doorstart-hervormingsagenda-jeugd.md", "uitnodiging-alv-26-juni-2024.md"):
        (letters / name).write_bytes((LETTERS / name).read_bytes())
    index = tmp_path / "index"
    make_engine(index, letters, embedder).reindex()
    return letters, index


def where(small_index) -> list[str]:
    letters, index = small_index
    return ["--letters", str(letters), "--index", str(index)]


def test_add_a_file_duplicate_list_and_remove(small_index, tmp_path):
    letters, _ = small_index
    upload = tmp_path / "brief-zonder-extensie"
    upload.write_bytes(pdf_letter())

    refused = run("add", str(upload), *where(small_index), stdin="")
    assert_one_sentence_error(refused, "pass --yes")
    assert not (letters / "lbr-24-071.pdf").exists()

    added = run("add", str(upload), "--yes", "--json", *where(small_index))
    assert added.returncode == 0, added.stderr
    result = json.loads(added.stdout)
    assert result["added"] is True and result["duplicate_of"] is None and set(result["letter"]) == LETTER_KEYS
    assert result["letter"] == {"id": "lbr-24-071", "title": "Subsidieregeling zwerfkattenopvang",
                                "date": "2024-11-20", "lbr": "Lbr. 24/071", "url": None}
    assert result["reindex"]["added"] == 1 and result["reindex"]["chunks_embedded"] == 1
    assert (letters / "lbr-24-071.pdf").read_bytes()[:5] == b"%PDF-"
    assert "original_name: brief-zonder-extensie" in (letters / "lbr-24-071.yml").read_text()

    again = json.loads(run("add", str(upload), "--json", *where(small_index)).stdout)
    assert again == {"letter": result["letter"], "added": False, "duplicate_of": "lbr-24-071", "reindex": None}

    listed = run("letters", "--json", *where(small_index))
    entries = {e["id"]: e for e in json.loads(listed.stdout)}
    assert set(entries) == {"lbr-24-071", "doorstart-hervormingsagenda-jeugd", "uitnodiging-alv-26-juni-2024"}
    assert entries["lbr-24-071"]["source"] == "lbr-24-071.pdf" and entries["lbr-24-071"]["passages"] == 1
    text = run("letters", *where(small_index)).stdout
    assert "Lbr. 24/071 · 20 november 2024 · Subsidieregeling zwerfkattenopvang" in text

    removed = run("remove", "Lbr. 24/071", "--yes", "--json", *where(small_index))
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout)["reindex"]["removed"] == 1
    assert not (letters / "lbr-24-071.pdf").exists() and not (letters / "lbr-24-071.yml").exists()
    assert_one_sentence_error(run("remove", "24/071", "--yes", *where(small_index)), "No indexed letter matches")


def test_add_by_url_refuses_a_local_server_unless_allowed(small_index):
    site = LetterServer()
    try:
        refused = run("add", site.url("/brief.html"), "--yes", *where(small_index))
        assert_one_sentence_error(refused, "private or local address", "LEDENBOT_FETCH_ALLOW_PRIVATE")
        assert site.requests == []
        missing = run("add", site.url("/weg"), "--yes", *where(small_index), LEDENBOT_FETCH_ALLOW_PRIVATE="true")
        assert_one_sentence_error(missing, "HTTP 404")
        assert site.requests == ["/weg"]  # adding by url end to end: test_letters_admin.py
    finally:
        site.close()


def test_report_groups_unanswered_questions_and_never_names_who_asked(tmp_path):
    state = State(tmp_path / "state")
    for question in ("Wanneer is het volgende BOFv?", "wanneer is het BOFv", "Wanneer vindt het BOFv plaats?",
                     "Hoe zit het met de hondenbelasting?"):
        state.record_question(question, found=False, answer_id=None)
    answer_id = state.save_answer("Wat kost de jeugdzorg?", ["doorstart-hervormingsagenda-jeugd"])
    state.record_question("Wat kost de jeugdzorg?", found=True, answer_id=answer_id)
    state.vote(state.answer(answer_id), "UVOTER", -1)
    state.record_question("Wat is het ravijnjaar?", found=True, answer_id=state.save_answer("x", []))

    result = run("report", "--json", LEDENBOT_STATE_DIR=str(tmp_path / "state"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["asked"] == 6 and report["answered"] == 2 and report["answered_share"] == 0.333
    assert report["thumbs_down"] == 1 and report["thumbs_up"] == 0
    groups = [(g["question"], g["count"], g["not_found"], g["thumbs_down"]) for g in report["unanswered"]]
    assert groups[0][1:] == (3, 3, 0) and "BOFv" in groups[0][0]
    assert ("Wat kost de jeugdzorg?", 1, 0, 1) in groups and len(groups) == 3
    assert "UVOTER" not in result.stdout

    text = run("report", "--days", "7", LEDENBOT_STATE_DIR=str(tmp_path / "state")).stdout
    assert "Last 7 days: 6 questions, 2 answered (33%)" in text and "  3×  " in text
    old = time.time() - 40 * 86400
    state._run("UPDATE questions SET asked_at = ?", (old,))
    assert json.loads(run("report", "--json", LEDENBOT_STATE_DIR=str(tmp_path / "state")).stdout)["asked"] == 0

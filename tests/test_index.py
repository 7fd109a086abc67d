"""A real FAISS + BM25 index on disk: build, incremental reindex, atomic switch, model checks."""

from __future__ import annotations

import json

import pytest

from conftest import LETTERS, make_engine, write_letter
from index.errors import UserError
from index.segments import SUFFIXES
from index.store import MANIFEST, current_build, load_index

BOFV = "Wanneer is het volgende BOFv?"


def test_index_files_on_disk(sample_engine):
    build = current_build(sample_engine.index_dir)
    manifest = json.loads((build / MANIFEST).read_text())
    assert manifest["format"] == 2 and manifest["model"]["fingerprint"] == sample_engine.embedder.info.fingerprint
    assert len(manifest["letters"]) == 15 and "chunks" not in manifest  # passages live in segments
    assert all(len(l["content_hash"]) == 64 for l in manifest["letters"])
    [segment] = manifest["segments"]  # a first build is one segment
    assert {p.name for p in build.iterdir()} == {MANIFEST} | {segment + s for s in SUFFIXES}
    loaded = load_index(sample_engine.index_dir)
    assert loaded.vectors.ntotal == len(loaded.manifest.chunks) == sum(l["chunk_count"] for l in manifest["letters"])


def test_reindex_is_incremental(tmp_path, letters_copy, embedder):
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    first = engine.reindex()
    assert (first.added, first.chunks_embedded, first.letters) == (15, first.chunks, 15)

    again = engine.reindex()
    assert (again.unchanged, again.added, again.chunks_embedded) == (15, 0, 0)

    # a changed letter re-embeds only its changed passage(s)
    seed = letters_copy / "seed-update-vng-inzet-kabinetsformatie.md"
    seed.write_text(seed.read_text().replace("Vooruitblik", "Vooruitblik op de formatie"), encoding="utf-8")
    write_letter(letters_copy, "nieuw.md", "Nieuwe brief over de Omgevingswet",
                 "De Omgevingswet treedt in werking. Gemeenten stellen een omgevingsplan op.",
                 date="2024-11-01", lbr="Lbr. 24/050")
    (letters_copy / "voorjaarsnota-2023.md").unlink()
    changed = engine.reindex()
    assert (changed.added, changed.changed, changed.removed, changed.unchanged) == (1, 1, 1, 13)
    assert changed.chunks_embedded == 2  # the seed's last passage and the new letter
    assert [l.id for l in changed.added_letters] == ["nieuw"]
    assert engine.ask("Wat moeten gemeenten met de Omgevingswet?").passages[0].letter.id == "nieuw"
    assert all(p.letter.id != "voorjaarsnota-2023" for p in engine.ask("voorjaarsnota 2023", k=15).passages)


def test_a_failed_build_leaves_the_previous_index_answering(tmp_path, letters_copy, embedder):
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    engine.reindex()
    before = current_build(engine.index_dir)

    class Crash(RuntimeError):
        pass

    original = embedder.encode_documents

    def crash_halfway(texts, progress=None):
        raise Crash("simulated crash while embedding")

    write_letter(letters_copy, "nieuw.md", "Nieuw", "Een nieuwe brief over iets anders dan de rest.")
    embedder.encode_documents = crash_halfway
    try:
        with pytest.raises(Crash):
            engine.reindex()
    finally:
        embedder.encode_documents = original
    assert current_build(engine.index_dir) == before
    fresh = make_engine(engine.index_dir, letters_copy, embedder)
    answer = fresh.ask(BOFV)
    assert answer.found and answer.passages[0].letter.id.startswith("seed")
    assert fresh.reindex().added == 1  # and the next reindex completes


def test_an_empty_letters_directory_never_replaces_a_working_index(tmp_path, embedder):
    engine = make_engine(tmp_path / "index", LETTERS, embedder)
    engine.reindex()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match="left as it is"):
        engine.reindex(letters_dir=empty)
    assert len(load_index(engine.index_dir).manifest.letters) == 15


def test_an_index_from_another_model_is_refused(tmp_path, embedder):
    engine = make_engine(tmp_path / "index", LETTERS, embedder)
    engine.reindex()
    manifest_path = current_build(engine.index_dir) / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["model"]["fingerprint"] = "0" * 64
    manifest["model"]["id"] = "some/other-model"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(UserError, match="run `ledenbot reindex`"):
        make_engine(engine.index_dir, LETTERS, embedder).ask(BOFV)
    # reindexing with this model rebuilds everything, and then it answers again
    report = make_engine(engine.index_dir, LETTERS, embedder).reindex()
    assert report.chunks_embedded == report.chunks
    assert make_engine(engine.index_dir, LETTERS, embedder).ask(BOFV).found


def test_a_running_engine_picks_up_a_new_build(tmp_path, letters_copy, embedder):
    serving = make_engine(tmp_path / "index", letters_copy, embedder)
    serving.reindex()
    assert serving.ask("Wat staat er over de Omgevingswet?").passages[0].letter.id != "omgevingswet"
    write_letter(letters_copy, "omgevingswet.md", "Omgevingswet", "De Omgevingswet treedt op 1 januari 2024 in werking.")
    make_engine(serving.index_dir, letters_copy, embedder).reindex()  # e.g. staff reindex elsewhere
    answer = serving.ask("Wat staat er over de Omgevingswet?")
    assert answer.found and answer.passages[0].letter.id == "omgevingswet"


def test_a_second_reindex_at_the_same_time_is_told_one_runs(tmp_path, embedder):
    from index.reindex import reindex_lock

    engine = make_engine(tmp_path / "index", LETTERS, embedder)
    with reindex_lock(engine.index_dir):
        with pytest.raises(UserError, match="already running"):
            engine.reindex()


def test_large_collections_switch_to_hnsw_without_losing_answers(tmp_path, embedder, sample_engine):
    import faiss

    from conftest import REPO
    from index.evaluate import evaluate, read_questions

    engine = make_engine(tmp_path / "index", LETTERS, embedder, ann_threshold=1)
    engine.reindex()
    assert isinstance(load_index(engine.index_dir).vectors, faiss.IndexHNSWFlat)
    questions = read_questions(REPO / "tests" / "eval" / "questions.jsonl")
    approximate = evaluate(questions, lambda q: engine.ask(q, k=10)).overall
    exact = evaluate(questions, lambda q: sample_engine.ask(q, k=10)).overall
    assert approximate.hit3 >= exact.hit3 - 0.01

"""The append-only build format (format 2): a reindex writes only the added or changed letters'
passages as a new segment and hard-links the rest; segments are compacted when they pile up;
a format-1 index still serves. Real FAISS index on disk, real model."""

from __future__ import annotations

import json

import faiss
import numpy as np

import index.reindex as reindex_module
from conftest import make_engine, write_letter
from index.chunking import index_text
from index.lexical import LexicalIndex
from index.segments import SUFFIXES
from index.store import BM25_DIR, MANIFEST, VECTORS, Manifest, builds_dir, current_build, load_index

QUESTIONS = ["Wanneer is de ALV in Utrecht?", "Wat is de VNG-inzet bij de formatie?", "opschalingskorting",
             "Wanneer is het volgende BOFv?"]


def manifest_of(engine) -> dict:
    return json.loads((current_build(engine.index_dir) / MANIFEST).read_text())


def same_answers(a, b) -> None:
    for question in QUESTIONS:
        x, y = a.ask(question, k=5), b.ask(question, k=5)
        assert [(p.letter.id, p.text) for p in x.passages] == [(p.letter.id, p.text) for p in y.passages]
        assert np.allclose([p.score for p in x.passages], [p.score for p in y.passages], atol=1e-5)


def test_an_added_letter_is_a_new_segment_and_the_rest_is_linked(tmp_path, letters_copy, embedder):
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    engine.reindex()
    first = current_build(engine.index_dir)
    [base] = manifest_of(engine)["segments"]

    write_letter(letters_copy, "nieuw.md", "Nieuwe brief", "De ALV van 2027 is op 9 juni in Utrecht.")
    report = engine.reindex()
    assert (report.added, report.chunks_embedded) == (1, 1)
    build = current_build(engine.index_dir)
    manifest = manifest_of(engine)
    assert manifest["segments"][0] == base and len(manifest["segments"]) == 2
    for suffix in SUFFIXES:  # the unchanged letters' files are the previous build's, not copies
        old, new = (first / (base + suffix)).stat(), (build / (base + suffix)).stat()
        assert old.st_ino == new.st_ino and new.st_nlink >= 2
    added = manifest["segments"][1]
    assert len(json.loads((build / (added + ".chunks.json")).read_text())) == 1  # only the new passage
    assert np.load(build / (added + ".vectors.npy")).shape == (1, embedder.info.dim)
    assert [e["id"] for e in manifest["letters"] if e["segment"] == added] == ["nieuw"]

    # another process (a fresh engine) reads the build from disk and answers as the one that wrote it
    reader = make_engine(tmp_path / "index", letters_copy, embedder)
    same_answers(engine, reader)
    assert engine.ask("Wanneer is de ALV in Utrecht?").passages[0].letter.id == "nieuw"

    # older builds are pruned; what the current one links stays
    write_letter(letters_copy, "nog-een.md", "Nog een brief", "Het BOFv over de septembercirculaire is in oktober.")
    engine.reindex()
    engine.reindex()
    assert first not in list(builds_dir(engine.index_dir).iterdir())
    assert make_engine(tmp_path / "index", letters_copy, embedder).ask("Wanneer is de ALV in Utrecht?").found


def test_changed_and_removed_letters_answer_as_a_full_rebuild(tmp_path, letters_copy, embedder):
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    engine.reindex()
    seed = letters_copy / "seed-update-vng-inzet-kabinetsformatie.md"
    seed.write_text(seed.read_text().replace("Vooruitblik", "Vooruitblik op de formatie"), encoding="utf-8")
    (letters_copy / "voorjaarsnota-2023.md").unlink()
    write_letter(letters_copy, "nieuw.md", "Nieuwe brief", "De ALV van 2027 is op 9 juni in Utrecht.")
    report = engine.reindex()
    assert (report.added, report.changed, report.removed) == (1, 1, 1)
    assert len(manifest_of(engine)["segments"]) == 2  # the old passages of the changed letter stay, unused

    fresh = make_engine(tmp_path / "fresh", letters_copy, embedder)
    fresh.reindex()
    on_disk, rebuilt = load_index(engine.index_dir), load_index(fresh.index_dir)
    assert [(e.id, e.chunk_start, e.chunk_count) for e in on_disk.manifest.letters] == \
           [(e.id, e.chunk_start, e.chunk_count) for e in rebuilt.manifest.letters]
    assert [c.text for c in on_disk.manifest.chunks] == [c.text for c in rebuilt.manifest.chunks]
    assert np.allclose(on_disk.stored_vectors(), rebuilt.stored_vectors(), atol=1e-6)
    same_answers(make_engine(engine.index_dir, letters_copy, embedder), fresh)
    assert all(p.letter.id != "voorjaarsnota-2023" for p in engine.ask("voorjaarsnota 2023", k=15).passages)


def test_segments_are_compacted_when_they_pile_up(tmp_path, letters_copy, embedder, monkeypatch):
    monkeypatch.setattr(reindex_module, "MAX_SEGMENTS", 3)
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    engine.reindex()
    counts = []
    for i in range(4):
        write_letter(letters_copy, f"nieuw-{i}.md", f"Nieuwe brief {i}", f"De ALV van {2030 + i} is op 9 juni in Utrecht.")
        engine.reindex()
        counts.append(len(manifest_of(engine)["segments"]))
    assert counts == [2, 3, 1, 2]  # the fourth segment was one too many: one segment with all passages
    fresh = make_engine(tmp_path / "fresh", letters_copy, embedder)
    fresh.reindex()
    same_answers(make_engine(engine.index_dir, letters_copy, embedder), fresh)

    # removing most letters leaves mostly dead passages: compacted too
    for path in [p for p in sorted(letters_copy.glob("*.md")) if p.stem.lower() != "readme"][:10]:
        path.unlink()
    report = engine.reindex()
    assert report.removed == 10 and len(manifest_of(engine)["segments"]) == 1
    build = current_build(engine.index_dir)
    [segment] = manifest_of(engine)["segments"]
    assert len(json.loads((build / (segment + ".chunks.json")).read_text())) == report.chunks


def write_format_1(index_dir, loaded) -> None:
    """A build as the previous version wrote it: one manifest with every passage, vectors.faiss
    and bm25/ (with its saved term ids)."""
    manifest = Manifest.model_validate({**loaded.manifest.model_dump(), "format": 1})
    build = builds_dir(index_dir) / "20240101T000000000000Z-1"
    build.mkdir(parents=True)
    flat = faiss.IndexFlatIP(manifest.model.dim)
    flat.add(loaded.stored_vectors())
    faiss.write_index(flat, str(build / VECTORS))
    titles = {e.id: e.title for e in manifest.letters}
    LexicalIndex.build([index_text(titles[c.letter_id], c) for c in manifest.chunks],
                       keys=[c.embed_hash for c in manifest.chunks]).save(build / BM25_DIR)
    (build / MANIFEST).write_text(manifest.model_dump_json(exclude={"letters": {"__all__": {"segment", "segment_start"}}}))
    (index_dir / "CURRENT").write_text(build.name + "\n")


def test_a_format_1_index_still_serves_and_the_next_reindex_rewrites_it(tmp_path, letters_copy, embedder, sample_engine):
    old_dir = tmp_path / "old"
    write_format_1(old_dir, load_index(sample_engine.index_dir))
    old = make_engine(old_dir, letters_copy, embedder)
    same_answers(old, sample_engine)  # served as it is

    report = old.reindex()
    assert report.chunks_embedded == 0  # its vectors are reused
    assert manifest_of(old)["format"] == 2 and len(manifest_of(old)["segments"]) == 1
    same_answers(make_engine(old_dir, letters_copy, embedder), sample_engine)


def test_a_serving_engine_reads_only_the_new_segment(tmp_path, letters_copy, embedder):
    writer = make_engine(tmp_path / "index", letters_copy, embedder)
    writer.reindex()
    server = make_engine(tmp_path / "index", letters_copy, embedder)
    before = server.searcher().index.segments
    write_letter(letters_copy, "nieuw.md", "Nieuwe brief", "De ALV van 2027 is op 9 juni in Utrecht.")
    writer.reindex()  # another engine (as another process) publishes the build
    assert server.ask("Wanneer is de ALV in Utrecht?").passages[0].letter.id == "nieuw"
    after = server.searcher().index.segments
    [kept] = before
    assert after[kept] is before[kept] and len(after) == 2  # the old segment was not read again

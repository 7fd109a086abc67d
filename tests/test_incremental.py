"""Cheap incremental reindex: unchanged files are not read again when their size and mtime say
so, and BM25 reuses the tokens of unchanged passages."""

from __future__ import annotations

import os
import shutil
import time

import numpy as np

from index.letter_store import DirectoryLetterStore
import index.lexical as lexical_module
from conftest import make_engine, write_letter
from index.chunking import index_text
from index.lexical import LexicalIndex, merge_terms, terms_of, tokenize
from index.store import load_index

def age(directory, seconds: int = 3600) -> None:
    """Make the files look written an hour ago, as letters that sat there since the last build."""
    past = time.time() - seconds
    for path in directory.iterdir():
        os.utime(path, (past, past))


def spy(monkeypatch, module, name: str) -> list:
    calls = []
    real = getattr(module, name)

    def recording(*args, **kwargs):
        calls.append(args[1] if isinstance(args[0], DirectoryLetterStore) else args[0])  # a method: skip self
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, recording)
    return calls


def test_unchanged_files_are_not_read_again(tmp_path, letters_copy, embedder, monkeypatch):
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    age(letters_copy)  # ctime stays recent: this first build still reads and hashes every file
    engine.reindex()
    time.sleep(2.1)  # past the 2-second window in which a stamp proves nothing
    engine.reindex()  # now every file's ctime is old enough: the stamps are recorded
    reads = spy(monkeypatch, DirectoryLetterStore, "read")
    report = engine.reindex()
    assert reads == [] and report.unchanged == report.letters == 15 and report.chunks_embedded == 0

    new = write_letter(letters_copy, "nieuw.md", "Nieuwe brief", "De ALV van 2027 is op 9 juni in Utrecht.")
    edited = letters_copy / "seed-update-vng-inzet-kabinetsformatie.md"
    stat = edited.stat()
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("4 april", "5 april"), encoding="utf-8")  # same size
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the old mtime: ctime still tells
    report = engine.reindex()
    assert sorted(reads) == sorted([edited.name, new.name])
    assert report.added == 1 and report.changed == 1 and report.unchanged == 14


def test_a_recently_written_file_is_hashed_every_time(tmp_path, letters_copy, embedder, monkeypatch):
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    engine.reindex()  # the shipped letters were just copied: too recent for their stamps
    reads = spy(monkeypatch, DirectoryLetterStore, "read")
    engine.reindex()
    assert len(reads) == 15


def test_a_lowered_size_limit_still_skips_an_unchanged_file(tmp_path, letters_copy, embedder):
    age(letters_copy)
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    engine.reindex()
    time.sleep(2.1)
    engine.reindex()
    strict = make_engine(tmp_path / "index", letters_copy, embedder, max_letter_mb=0.001)
    report = strict.reindex()
    assert any("limit for a letter" in p.reason for p in report.skipped)


def test_bm25_reuses_saved_tokens_and_scores_as_a_fresh_build(tmp_path, letters_copy, embedder, monkeypatch):
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    engine.reindex()
    write_letter(letters_copy, "nieuw.md", "Nieuwe brief", "De ALV van 2027 is op 9 juni in Utrecht.")
    tokenized = spy(monkeypatch, lexical_module, "tokenize")
    engine.reindex()
    assert len(tokenized) == 1  # only the new letter's one passage

    build = load_index(tmp_path / "index")  # from disk: each segment's saved term ids
    first, added = build.segments.values()
    assert len(added.terms.spans) == 1  # the new segment holds only the new passage's terms
    saved = merge_terms([first.terms, added.terms])
    assert set(saved.spans) == {c.embed_hash for c in build.manifest.chunks}
    titles = {e.id: e.title for e in build.manifest.letters}
    fresh = LexicalIndex.build([index_text(titles[c.letter_id], c) for c in build.manifest.chunks])
    for question in ["Wanneer is de ALV in Utrecht?", "opschalingskorting gemeentefonds", "Oekraïne opvang"]:
        assert np.allclose(build.lexical.scores(question), fresh.scores(question))


def test_saved_terms_of_another_tokenizer_are_ignored(tmp_path, monkeypatch):
    index = LexicalIndex.build(["De ALV is in juni.", "De ALV is in juli."], keys=["k", "l"])
    index.save(tmp_path)
    saved = LexicalIndex.saved_terms(tmp_path)
    start, end = saved.spans["k"]
    assert [saved.vocab[i] for i in saved.ids[start:end]] == tokenize("De ALV is in juni.")
    monkeypatch.setattr(lexical_module, "TOKENIZER_VERSION", "0-other")
    assert LexicalIndex.saved_terms(tmp_path) is None
    (tmp_path / lexical_module.TERMS_FILE).write_text("damaged")
    assert LexicalIndex.saved_terms(tmp_path) is None


def test_the_numpy_bm25_matrix_is_bm25s_own(letters_copy):
    import bm25s
    import scipy.sparse as sp

    from index.chunking import chunk_letter
    from index.letters import load_letters

    loaded = load_letters(letters_copy)
    texts = [index_text(letter.title, c) for letter in loaded.letters for c in chunk_letter(letter)]
    ours = LexicalIndex.build(texts, keys=[str(i) for i in range(len(texts))]).retriever
    theirs = bm25s.BM25()
    theirs.index([tokenize(t) for t in texts], show_progress=False)
    assert ours.vocab_dict.keys() == theirs.vocab_dict.keys()

    def dense(bm25) -> np.ndarray:  # columns in one order: vocabularies number words differently
        s = bm25.scores
        matrix = sp.csc_matrix((s["data"], s["indices"], s["indptr"]), shape=(s["num_docs"], len(s["indptr"]) - 1))
        words = sorted(w for w in bm25.vocab_dict if w)
        return matrix.toarray()[:, [bm25.vocab_dict[w] for w in words]]

    assert np.allclose(dense(ours), dense(theirs), rtol=1e-6, atol=0)
    for question in ["ALV Utrecht juni", "opschalingskorting gemeentefonds"]:
        query = [t for t in tokenize(question) if t in theirs.vocab_dict]
        assert np.allclose(ours.get_scores(ours.get_tokens_ids(query)), theirs.get_scores(theirs.get_tokens_ids(query)), rtol=1e-6)


def test_an_incremental_reindex_answers_as_a_full_rebuild(tmp_path, letters_copy, embedder):
    age(letters_copy)
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    engine.reindex()
    time.sleep(2.1)
    engine.reindex()  # stamps recorded: the next reindex reads only what changed
    before = {ref.id: ref for ref in engine.searcher().chunk_letters}
    write_letter(letters_copy, "nieuw.md", "Nieuwe brief", "De ALV van 2027 is op 9 juni in Utrecht.")
    sidecar = letters_copy / "seed-update-vng-inzet-kabinetsformatie.yml"
    sidecar.write_text('title: "VNG-inzet bij de formatie (bijgewerkt)"\n', encoding="utf-8")  # new beside an old file
    report = engine.reindex()
    assert report.added == 1 and report.changed == 1

    fresh = make_engine(tmp_path / "fresh", letters_copy, embedder)
    fresh.reindex()
    for question in ["Wanneer is de ALV in Utrecht?", "Wat is de VNG-inzet bij de formatie?", "opschalingskorting"]:
        a, b = engine.ask(question, k=5), fresh.ask(question, k=5)
        assert [(p.letter.id, p.text) for p in a.passages] == [(p.letter.id, p.text) for p in b.passages]
        assert np.allclose([p.score for p in a.passages], [p.score for p in b.passages], atol=1e-5)
    assert any("bijgewerkt" in p.letter.title for p in engine.ask("VNG-inzet formatie", k=3).passages)
    # The serving searcher shares the refs of unchanged letters with the one before it, and
    # has new ones for the added and the changed letter: the same refs as a fresh build's.
    refs, fresh_refs = engine.searcher().chunk_letters, fresh.searcher().chunk_letters
    assert [r.model_dump() for r in refs] == [r.model_dump() for r in fresh_refs]
    shared = {r.id for r in refs if before.get(r.id) is r}
    assert shared == set(before) - {"seed-update-vng-inzet-kabinetsformatie"}


def _words(terms, key: str) -> list[str]:
    start, end = terms.spans[key]
    return [terms.vocab[i] for i in terms.ids[start:end]]


def test_merged_term_ids_are_extended_by_new_segments_only():
    texts = {"a1": "De ALV is in juni.", "a2": "Het BOFv in april.", "b1": "De ALV in Utrecht.",
             "c1": "Opschalingskorting gemeentefonds in juni."}
    a, b, c = (terms_of([texts[k] for k in keys], keys) for keys in (["a1", "a2"], ["b1"], ["c1"]))
    ab = merge_terms([a, b])
    abc = merge_terms([a, b, c], base=ab)
    assert abc.vocab[: len(ab.vocab)] == ab.vocab and all(x is y for x, y in zip(abc.merged(), (a, b, c)))
    assert all(_words(abc, key) == tokenize(text) for key, text in texts.items())
    assert merge_terms([a, b], base=ab) is ab  # nothing new: the same merge
    ac = merge_terms([a, c], base=abc)  # b's segment went (compacted away): merged afresh, without it
    assert "b1" not in ac.spans and "utrecht" not in ac.vocab
    assert all(_words(ac, key) == tokenize(texts[key]) for key in ("a1", "a2", "c1"))


def test_a_changed_or_removed_letters_bm25_postings_are_gone(tmp_path, letters_copy, embedder):
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    engine.reindex()
    before = engine.searcher().index.lexical
    letter = write_letter(letters_copy, "vlinder.md", "Vlinderbrief", "De zwaluwstaartvlinder vliegt in juni.")
    write_letter(letters_copy, "bijen.md", "Bijenbrief", "De honingbij vliegt in mei.")  # keeps their segment alive
    engine.reindex()
    lexical = engine.searcher().index.lexical
    assert lexical.idf("zwaluwstaartvlinder") > 0
    old_parts = before.pool.merged()
    assert all(x is y for x, y in zip(lexical.pool.merged(), old_parts))  # extended, not merged again
    assert len(lexical.pool.merged()) == len(old_parts) + 1

    write_letter(letters_copy, "vlinder.md", "Vlinderbrief", "De koolwitje vliegt in juni.")
    engine.reindex()
    lexical = engine.searcher().index.lexical
    assert "zwaluwstaartvlinder" in lexical.pool.vocab  # still saved in that segment, as a dead passage
    assert lexical.idf("zwaluwstaartvlinder") == 0 and "zwaluwstaartvlinder" not in lexical.retriever.vocab_dict
    assert lexical.idf("koolwit") > 0

    letter.unlink()
    engine.reindex()
    lexical = engine.searcher().index.lexical
    assert "koolwit" not in lexical.retriever.vocab_dict
    fresh = make_engine(tmp_path / "fresh", letters_copy, embedder)
    fresh.reindex()
    for question in ["Wanneer is de ALV?", "koolwitje juni", "opschalingskorting gemeentefonds"]:
        assert np.allclose(lexical.scores(question), fresh.searcher().index.lexical.scores(question))


def test_a_skipped_duplicate_is_not_read_again_until_its_twin_goes(tmp_path, letters_copy, embedder, monkeypatch):
    original = letters_copy / "seed-update-vng-inzet-kabinetsformatie.md"
    shutil.copy(original, letters_copy / "zz-kopie.md")  # listed after the original: the one skipped
    age(letters_copy)
    engine = make_engine(tmp_path / "index", letters_copy, embedder)
    engine.reindex()
    time.sleep(2.1)
    engine.reindex()  # stamps recorded
    reads = spy(monkeypatch, DirectoryLetterStore, "read")
    report = engine.reindex()
    assert reads == [] and report.letters == 15
    assert [(p.file, p.reason) for p in report.skipped] == [("zz-kopie.md", f"same text as {original.name}; remove one of the two files")]

    original.unlink()
    report = engine.reindex()
    assert reads == ["zz-kopie.md"] and report.skipped == [] and report.added == 1 and report.removed == 1
    assert engine.ask("Wat is de VNG-inzet bij de kabinetsformatie?").passages[0].letter.id == "zz-kopie"


def test_a_new_file_never_takes_the_id_of_a_letter_already_indexed(tmp_path, embedder):
    """"a.md" added beside an indexed "a.txt" sorts first; "a.txt" keeps its id (links,
    announcements) and both letters are indexed, not one of them twice."""
    letters = tmp_path / "letters"
    letters.mkdir()
    (letters / "a.txt").write_text("Brief over afvalinzameling\n\n" + "De afvalstoffenheffing stijgt in 2025. " * 8)
    write_letter(letters, "b.md", "Jeugdzorg", "De hervormingsagenda jeugd gaat verder. " * 8)
    engine = make_engine(tmp_path / "index", letters, embedder)
    engine.reindex()
    write_letter(letters, "a.md", "Woningbouw", "Gemeenten bouwen meer woningen ondanks stikstof. " * 8)
    report = engine.reindex()
    entries = {e.source: e.id for e in load_index(tmp_path / "index").manifest.letters}
    assert report.added == 1 and set(entries) == {"a.txt", "a.md", "b.md"}
    assert entries["a.txt"] == "a" and entries["a.md"] != "a"

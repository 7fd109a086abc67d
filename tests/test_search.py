"""Answers from the shipped letters: the right passage, refusals, numbers, highlights."""

from __future__ import annotations

import pytest

from index.errors import UserError


def test_bofv_question_gets_the_seed_passage(sample_engine):
    answer = sample_engine.ask("Wanneer is het volgende BOFv?")
    best = answer.passages[0]
    assert answer.found
    assert best.letter.id == "seed-update-vng-inzet-kabinetsformatie"
    assert best.highlight == "Op 4 april staat weer een BOFv gepland."
    assert best.link == "https://vng.nl/brieven/update-vng-inzet-kabinetsformatie"
    assert best.letter.lbr == "Lbr. 24/007" and str(best.letter.date) == "2024-03-19"
    assert len({p.letter.id for p in answer.passages}) == len(answer.passages) == 3  # one per letter
    assert answer.passages[0].score == 1.0 and all(0 < p.score <= 1 for p in answer.passages)


@pytest.mark.parametrize(
    "question, letter",
    [
        ("hoe groot is het ravijn in 2026?", "seed-update-vng-inzet-kabinetsformatie"),
        ("Where will the general assembly in June 2024 take place?", "uitnodiging-alv-26-juni-2024"),
        ("Hoeveel Oekraïners zijn er ingeschreven in de BRP?", "ontwikkelingen-oekraine-ledenbrief-26-april-2022"),
    ],
)
def test_member_questions(sample_engine, question, letter):
    answer = sample_engine.ask(question)
    assert answer.found
    assert letter in [p.letter.id for p in answer.passages[:3]]


@pytest.mark.parametrize("question", ["Wat is het recept voor erwtensoep?", "Who won the football league last year?"])
def test_questions_no_letter_answers_are_refused_with_nearest_letters(sample_engine, question):
    answer = sample_engine.ask(question)
    assert not answer.found
    assert answer.passages  # the nearest letters are still listed


@pytest.mark.parametrize("spelling", ["Lbr. 24/011", "lbr 24/11", "ledenbrief 24-011", "LBR.24/011"])
def test_a_letter_named_by_number_comes_first(sample_engine, spelling):
    answer = sample_engine.ask(f"wat staat er in {spelling}?")
    assert answer.found
    assert answer.passages[0].letter.id == "gemeentefinancien-in-voorjaarsnota-2024"


def test_a_letter_named_by_kenmerk_comes_first(sample_engine):
    answer = sample_engine.ask("Kun je U202400145 samenvatten?")
    assert answer.passages[0].letter.lbr == "Lbr. 24/007"


def test_an_unknown_number_says_so(sample_engine):
    answer = sample_engine.ask("wat staat er in Lbr. 25/999?")
    assert not answer.found
    assert answer.unknown_reference == "Lbr. 25/999"


@pytest.mark.parametrize("question, message", [("", "empty"), ("   🙂🙂 ", "empty"), ("waarom " * 2000, "characters long")])
def test_bad_questions(sample_engine, question, message):
    with pytest.raises(UserError, match=message):
        sample_engine.ask(question)


def test_newest_letters_first(sample_engine):
    letters = sample_engine.letters()
    dated = [l.date for l in letters if l.date]
    assert dated == sorted(dated, reverse=True)
    assert all(l.date for l in letters), "every letter gets a date, estimated if need be"
    alv = next(l for l in letters if l.lbr == "Lbr. 24/019")  # no date in its metadata: from its title
    assert (alv.date.isoformat(), alv.date_source, alv.date_estimated) == ("2024-06-26", "title", True)
    assert alv.citation() == "Lbr. 24/019 · juni 2024 (datum geschat)"


def test_english_questions_are_matched_lexically_through_the_glossary(sample_engine):
    # BM25 over English words finds nothing in Dutch letters; with the glossary's Dutch word it
    # finds the letters that name the opschalingskorting
    searcher = sample_engine.searcher()
    question = "What happens with the scaling-up discount?"
    hits = searcher._rank(question, searcher.embedder.encode_queries([searcher._for_encoding(question)]))
    named = [h for h in hits if "opschalingskorting" in searcher.chunk_texts[h.chunk].lower()]
    assert named and all(h.bm25 > 0 for h in named)

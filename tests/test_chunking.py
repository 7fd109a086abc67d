"""Chunking follows the letter's structure and keeps sentences whole."""

from __future__ import annotations

from conftest import LETTERS
from index.chunking import MAX_WORDS, chunk_letter, index_text
from index.letters import load_letters
from index.models import Letter
from index.sentences import split_sentences


def _letter(body: str, title: str = "Brief") -> Letter:
    return Letter(id="brief", title=title, source="brief.md", content_hash="x", body=body)


def _words(text: str) -> int:
    return len(text.split())


def test_shipped_letters_chunk_within_bounds_and_in_order():
    for letter in load_letters(LETTERS).letters:
        chunks = chunk_letter(letter)
        assert chunks, letter.id
        assert [c.position for c in chunks] == list(range(len(chunks)))
        assert all(c.letter_id == letter.id for c in chunks)
        assert all(_words(c.text) <= MAX_WORDS for c in chunks)


def test_seed_letter_sections_keep_their_headings():
    seed = next(l for l in load_letters(LETTERS).letters if l.id.startswith("seed"))
    chunks = [c for c in chunk_letter(seed) if c.kind == "content"]
    assert len(chunks) >= 3
    assert all(120 <= _words(c.text) <= 250 for c in chunks[:-1])
    vooruitblik = next(c for c in chunks if "Als het debat in de Tweede Kamer" in c.text)
    assert vooruitblik.text.index("Vooruitblik") < vooruitblik.text.index("Als het debat")
    # letterhead address and phone lines are not content
    assert not any("Postbus 30435" in c.text for c in chunks)
    bofv = next(c for c in chunks if "Op 4 april staat weer een BOFv gepland." in c.text)
    assert bofv.heading == "In beeld voor u"


def test_long_paragraph_is_cut_between_sentences_with_overlap():
    sentences = [f"Zin nummer {i} gaat over de begroting van gemeente {i} en meer." for i in range(80)]
    chunks = chunk_letter(_letter(" ".join(sentences)))
    assert len(chunks) >= 3
    for chunk in chunks:
        assert _words(chunk.text) <= MAX_WORDS
        assert chunk.text.startswith("Zin nummer") and chunk.text.endswith("en meer.")
    first_of_second = split_sentences(chunks[1].text)[0]
    assert first_of_second == split_sentences(chunks[0].text)[-1]  # one sentence of context


def test_short_sections_are_packed_and_a_tiny_tail_joins_the_previous_chunk():
    body = "\n\n".join(f"## Kop {i}\n\n" + "Dit is een korte alinea over onderwerp nummer vier. " * 4 for i in range(6))
    chunks = chunk_letter(_letter(body))
    assert len(chunks) < 6
    assert all("Kop" in c.text.split("\n")[0] for c in chunks)


def test_index_text_carries_title_and_heading():
    chunk = chunk_letter(_letter("## Financiën\n\nHet gemeentefonds groeit. " * 3, title="Voorjaarsnota"))[0]
    text = index_text("Voorjaarsnota", chunk)
    assert text.startswith("Voorjaarsnota\n")
    assert "Financiën" in text


def test_sentences_respect_abbreviations():
    text = "Zie Lbr. 24/007 van mr. L.K. Geluk. Het BOFv is op 4 april a.s. in Den Haag. Klaar!"
    assert split_sentences(text) == [
        "Zie Lbr. 24/007 van mr. L.K. Geluk.",
        "Het BOFv is op 4 april a.s. in Den Haag.",
        "Klaar!",
    ]


def test_excerpt_centres_on_the_highlight_and_skips_the_letterhead():
    from index.excerpt import excerpt, opening_lines

    text = ("Ledenbrief nummer\nLbr. 24/011\nGeachte leden van college en gemeenteraad,\n"
            "De VNG heeft met het kabinet overlegd over de financiën. Dat overleg heeft iets opgeleverd. "
            "Op 4 april is er weer een BOFv. Daarna volgt de Voorjaarsnota.")
    marked = excerpt(text, "Op 4 april is er weer een BOFv.", max_words=20)
    assert [s.text for s in marked if s.highlight] == ["Op 4 april is er weer een BOFv."]
    assert marked[0].text == "…" and "Ledenbrief" not in " ".join(s.text for s in marked)
    plain = excerpt(text, None)
    assert plain[0].text == "…" and plain[1].text.startswith("De VNG heeft")
    assert opening_lines(text).startswith("De VNG heeft met het kabinet")


def test_letterhead_and_signature_are_passages_of_their_own_kind():
    seed = next(l for l in load_letters(LETTERS).letters if l.id.startswith("seed"))
    chunks = chunk_letter(seed)
    head, tail = chunks[0], chunks[-1]
    assert head.kind == "letterhead" and "U202400145" in head.text and "Geachte leden" in head.text
    assert tail.kind == "signature" and "Geluk" in tail.text and "Met vriendelijke groet" in tail.text
    content = [c for c in chunks if c.kind == "content"]
    assert not any("Algemeen directeur" in c.text or "Ons kenmerk" in c.text for c in content)
    assert content[0].text.startswith("Donderdag 14 maart heeft Kim Putters")


def test_a_list_at_the_end_is_content_not_a_signature():
    body = ("Geachte leden,\n\nHet kabinet trekt geld uit voor drie dingen die gemeenten helpen bij de opvang.\n\n"
            "- Geld voor huisvesting.\n- Geld voor onderwijs.\n- Geld voor zorg.")
    chunks = chunk_letter(_letter(body))
    assert [c.kind for c in chunks] == ["letterhead", "content"]
    assert chunks[1].text.endswith("Geld voor zorg.")


def test_a_letter_of_only_short_lines_stays_content():
    chunks = chunk_letter(_letter("Datum\n\n19 maart 2024\n\nLbr. 24/001"))
    assert [c.kind for c in chunks] == ["content"]

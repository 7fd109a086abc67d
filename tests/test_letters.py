"""Loading letters: front matter, metadata from the text itself, and every bad file kind."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import LETTERS, SEED, write_letter
from index.errors import UserError
from index.letters import load_letters


def by_id(result):
    return {letter.id: letter for letter in result.letters}


def test_shipped_letters_load_with_front_matter():
    result = load_letters(LETTERS)
    letters = by_id(result)
    assert len(letters) == 15 and not result.skipped
    seed = letters["seed-update-vng-inzet-kabinetsformatie"]
    assert seed.title == "Update VNG-inzet kabinetsformatie"
    assert seed.date == dt.date(2024, 3, 19)
    assert seed.lbr == "Lbr. 24/007"
    assert seed.url == "https://vng.nl/brieven/update-vng-inzet-kabinetsformatie"
    assert seed.kenmerk == "U202400145"  # not in the front matter: read from the letter head
    assert len(seed.content_hash) == 64
    assert "README" not in " ".join(letters)


def test_seed_as_plain_text_reads_metadata_from_the_letter(tmp_path):
    body = SEED.read_text(encoding="utf-8").split("---", 2)[2]
    (tmp_path / "kabinetsformatie.txt").write_text(body, encoding="utf-8")
    letter = load_letters(tmp_path).letters[0]
    assert (letter.date, letter.lbr, letter.kenmerk, letter.title) == (
        dt.date(2024, 3, 19), "Lbr. 24/007", "U202400145", "Update VNG-inzet kabinetsformatie")
    assert letter.url is None  # never invented
    assert letter.id == "kabinetsformatie"


def test_ids_are_stable_and_hash_follows_content(tmp_path):
    path = write_letter(tmp_path, "Brief Één.md", "Een", "Tekst van de brief.")
    first = load_letters(tmp_path).letters[0]
    assert first.id == "brief-een"
    assert load_letters(tmp_path).letters[0].content_hash == first.content_hash
    path.write_text(path.read_text() + " Meer.", encoding="utf-8")
    assert load_letters(tmp_path).letters[0].content_hash != first.content_hash


def test_bad_files_are_skipped_with_a_reason_and_the_rest_loads(tmp_path):
    write_letter(tmp_path, "goed.md", "Goed", "Een gewone brief over de begroting.")
    write_letter(tmp_path, "leeg.md", "Leeg", "   \n")
    (tmp_path / "kapot.md").write_text('---\ntitle: "Kapot\ndate: [2024\n---\nTekst.\n', encoding="utf-8")
    (tmp_path / "binair.md").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (tmp_path / "kopie.md").write_text((tmp_path / "goed.md").read_text(), encoding="utf-8")
    result = load_letters(tmp_path)
    assert [l.id for l in result.letters] == ["goed"]
    reasons = {p.file: p.reason for p in result.skipped}
    assert "empty letter" in reasons["leeg.md"]
    assert "malformed YAML in the front matter" in reasons["kapot.md"] and "line 3" in reasons["kapot.md"]
    assert "binary file" in reasons["binair.md"]
    assert "same text as goed.md" in reasons["kopie.md"] or "same text as kopie.md" in reasons.get("goed.md", "")


def test_unparseable_date_and_non_utf8_are_loaded_with_a_warning(tmp_path):
    write_letter(tmp_path, "datum.md", "Datum", "Tekst over het gemeentefonds.", date="ergens in het voorjaar")
    (tmp_path / "oud.txt").write_bytes("Onderwerp: Financiën\n\nDe begroting van de gemeente.".encode("cp1252"))
    result = load_letters(tmp_path)
    letters = by_id(result)
    assert letters["datum"].date is None
    assert letters["oud"].title == "Financiën"
    warnings = {p.file: p.reason for p in result.warnings}
    assert "not a date" in warnings["datum.md"] and "not UTF-8" in warnings["oud.txt"]


def test_symlink_outside_and_oversized_files_are_skipped(tmp_path):
    outside = tmp_path / "elders.md"
    outside.write_text("Geheime tekst buiten de map.", encoding="utf-8")
    letters = tmp_path / "letters"
    letters.mkdir()
    (letters / "link.md").symlink_to(outside)
    (letters / "groot.txt").write_text("woord " * 300_000, encoding="utf-8")
    write_letter(letters, "ok.md", "Ok", "Gewone tekst.")
    result = load_letters(letters, max_bytes=1_000_000)
    reasons = {p.file: p.reason for p in result.skipped}
    assert "outside the letters directory" in reasons["link.md"]
    assert "limit" in reasons["groot.txt"]
    assert [l.id for l in result.letters] == ["ok"]


def test_two_letters_with_one_number_warn(tmp_path):
    write_letter(tmp_path, "a.md", "A", "Eerste brief over jeugdzorg.", lbr="Lbr. 24/001")
    write_letter(tmp_path, "b.md", "B", "Tweede brief over de Woo.", lbr="Lbr 24/1")
    result = load_letters(tmp_path)
    assert len(result.letters) == 2
    assert any("Lbr. 24/001 is also claimed by a.md" in w.reason for w in result.warnings)


def test_missing_letters_directory_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load_letters(tmp_path / "nope")

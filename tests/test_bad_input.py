"""Every kind of bad letter file at once: each skipped (or warned about) with a clear reason,
and none of them costs a good letter."""

from __future__ import annotations

import os

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from conftest import make_engine, write_letter
from index.letters import load_letters

GOOD = "Gemeenten krijgen in 2025 meer geld voor de uitvoering van de jeugdwet en de Wmo."


def pdf_bytes(text: str | None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    if text:
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    else:
        pdf.rect(10, 10, 50, 50, style="F")
    return bytes(pdf.output())


def make_bad_letters(directory, outside):
    files = {}

    def put(name: str, data: bytes | str):
        path = directory / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        files[name] = path

    put("leeg.md", "")
    put("alleen-witruimte.txt", "   \n\t\n  ")
    put("alleen-front-matter.md", '---\ntitle: "Niets"\n---\n')
    put("binair.md", os.urandom(64) + b"\x00" * 64)
    put("zip-als-tekst.txt", b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 200)
    put("kapotte-yaml.md", '---\ntitle: "open\n  - [\n---\nTekst.\n')
    put("yaml-lijst.md", "---\n- een\n- twee\n---\nTekst van de brief.\n")
    put("rare-datum.md", '---\ntitle: "Datum"\ndate: "31-31-2024"\n---\nDe begroting van de gemeente Utrecht stijgt.\n')
    put("latin1.txt", "Onderwerp: Financiën\n\nDe financiële positie van gemeenten verslechtert.".encode("cp1252"))
    put("duplicaat-a.md", f"---\ntitle: A\n---\n{GOOD} Dubbel.\n")
    put("duplicaat-b.md", f"---\ntitle: B\n---\n{GOOD} Dubbel.\n")
    put("zelfde-nummer-1.md", '---\ntitle: "Een"\nlbr: "Lbr. 24/100"\n---\nEerste brief over de Omgevingswet.\n')
    put("zelfde-nummer-2.md", '---\ntitle: "Twee"\nlbr: "Lbr 24/100"\n---\nTweede brief over de Woo.\n')
    put("enorm.txt", "De gemeente betaalt. " * 520_000)  # ~10 MB
    put("scan.pdf", pdf_bytes(None))
    put("kapot.pdf", pdf_bytes("Een brief over de jeugdzorg en de Wmo.")[:300])
    put("nep.pdf", b"dit is geen pdf maar tekst met een verkeerde extensie")
    writer = PdfWriter(clone_from=PdfReader(__import__("io").BytesIO(pdf_bytes("Geheime brief."))))
    writer.encrypt(user_password="x", owner_password="y", algorithm="RC4-128")
    encrypted = directory / "beveiligd.pdf"
    with open(encrypted, "wb") as fh:
        writer.write(fh)
    put("leeg.html", "<html><head><title>Leeg</title></head><body><nav>Menu</nav></body></html>")
    (directory / "naar-buiten.md").symlink_to(outside)
    (directory / "dode-link.md").symlink_to(directory / "bestaat-niet.md")
    (directory / "map.md").mkdir()
    put("kapotte-sidecar.md", "---\ntitle: Sidecar\n---\nEen brief met een kapotte sidecar.\n")
    put("kapotte-sidecar.yml", "title: [open\n")
    put("markup.md", '---\ntitle: "Let op <!channel>"\n---\nDe *vergadering* is <@U123> op `3 mei` & <https://x|hier>.\n')
    write_letter(directory, "goed.md", "Goede brief", GOOD, date="2024-05-01", lbr="Lbr. 24/099")
    return files


def test_twenty_kinds_of_bad_letters(tmp_path):
    letters = tmp_path / "letters"
    letters.mkdir()
    outside = tmp_path / "elders.md"
    outside.write_text("Buiten de map.")
    make_bad_letters(letters, outside)
    result = load_letters(letters)
    skipped = {p.file: p.reason for p in result.skipped}
    warnings = {p.file: p.reason for p in result.warnings}
    expected_skips = {
        "leeg.md": "empty letter", "alleen-witruimte.txt": "empty letter", "alleen-front-matter.md": "empty letter",
        "binair.md": "binary file", "zip-als-tekst.txt": "binary file", "kapotte-yaml.md": "malformed YAML",
        "yaml-lijst.md": "not a list of 'key: value' fields", "duplicaat-b.md": "same text as duplicaat-a.md",
        "enorm.txt": "limit for a letter", "scan.pdf": "without a text layer", "kapot.pdf": "damaged or truncated PDF",
        "nep.pdf": "damaged or truncated PDF", "beveiligd.pdf": "encrypted PDF", "leeg.html": "no letter text",
        "naar-buiten.md": "outside the letters directory", "dode-link.md": "broken symlink",
        "map.md": "not a regular file", "kapotte-sidecar.md": "malformed YAML in the sidecar",
    }
    for name, reason in expected_skips.items():
        assert reason in skipped.get(name, ""), (name, skipped.get(name))
    assert "not a date" in warnings["rare-datum.md"]
    assert "not UTF-8" in warnings["latin1.txt"]
    assert "Lbr. 24/100 is also claimed by zelfde-nummer-1.md" in warnings["zelfde-nummer-2.md"]
    loaded = {l.id for l in result.letters}
    assert {"goed", "rare-datum", "latin1", "duplicaat-a", "zelfde-nummer-1", "zelfde-nummer-2", "markup"} == loaded
    assert all(reason.strip() and "\n" not in reason for reason in skipped.values())


def test_bad_letters_cost_nothing_in_a_reindex(tmp_path, embedder):
    letters = tmp_path / "letters"
    letters.mkdir()
    outside = tmp_path / "elders.md"
    outside.write_text("Buiten de map.")
    make_bad_letters(letters, outside)
    engine = make_engine(tmp_path / "index", letters, embedder)
    report = engine.reindex()
    assert report.letters == 7 and len(report.skipped) >= 18
    answer = engine.ask("Krijgen gemeenten meer geld voor de jeugdwet?")
    assert answer.found and answer.passages[0].letter.id in {"goed", "duplicaat-a"}

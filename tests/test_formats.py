"""PDF and HTML letters, made in the test: text, metadata, page links and bad files."""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from conftest import make_engine
from index.letters import load_letters

PAGE_ONE = [
    "Aan de leden", "", "Datum", "3 juni 2024", "", "Ons kenmerk", "U202400321", "", "Lbr. 24/031", "",
    "Onderwerp", "Nieuwe afspraken over de jeugdzorg", "",
    "Geachte leden van college en gemeenteraad,", "",
    "Met deze ledenbrief informeren wij u over de nieuwe afspraken tussen Rijk en gemeenten over de "
    "jeugdzorg. Het kabinet en de VNG hebben overeenstemming bereikt over de hervormingsagenda en de "
    "financiering van de jeugdhulp in de komende jaren.",
]
PAGE_TWO = [
    "Regionale samenwerking",
    "Gemeenten werken vanaf 1 januari 2025 verplicht samen in regio's voor de inkoop van specialistische "
    "jeugdzorg. Elke regio stelt daarvoor een regioplan op dat de gemeenteraden uiterlijk 1 juli 2025 vaststellen.",
]


def make_pdf(path, pages: list[list[str]]) -> None:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            if line:
                pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(4)
    pdf.output(str(path))


def test_two_page_pdf_keeps_pages_and_header_metadata(tmp_path):
    make_pdf(tmp_path / "jeugdzorg.pdf", [PAGE_ONE, PAGE_TWO])
    (tmp_path / "jeugdzorg.yml").write_text('url: "https://vng.nl/brieven/jeugdzorg"\n')
    result = load_letters(tmp_path)
    letter = result.letters[0]
    assert (letter.date, letter.lbr, letter.kenmerk, letter.title) == (
        dt.date(2024, 6, 3), "Lbr. 24/031", "U202400321", "Nieuwe afspraken over de jeugdzorg")
    assert letter.url == "https://vng.nl/brieven/jeugdzorg"
    # the hard line wraps of the PDF are undone: sentences are whole again
    assert "financiering van de jeugdhulp in de komende jaren." in letter.body.replace("\n", " ")


def test_a_passage_on_page_two_links_to_that_page(tmp_path, embedder):
    letters = tmp_path / "letters"
    letters.mkdir()
    make_pdf(letters / "jeugdzorg.pdf", [PAGE_ONE, PAGE_TWO])
    (letters / "jeugdzorg.yml").write_text('url: "https://vng.nl/brieven/jeugdzorg"\n')
    (letters / "woo.md").write_text("---\ntitle: Woo\n---\nDe Wet open overheid geldt sinds 1 mei 2022.\n")
    engine = make_engine(tmp_path / "index", letters, embedder)
    engine.reindex()
    answer = engine.ask("Voor wanneer moet de gemeenteraad het regioplan jeugdzorg vaststellen?")
    best = answer.passages[0]
    assert best.letter.id == "jeugdzorg"
    assert best.link == "https://vng.nl/brieven/jeugdzorg#page=2"
    first_page = engine.ask("Wat hebben Rijk en gemeenten afgesproken over de hervormingsagenda?")
    assert first_page.passages[0].link == "https://vng.nl/brieven/jeugdzorg#page=1"


def test_scanned_encrypted_and_truncated_pdfs_are_skipped_by_name(tmp_path):
    make_pdf(tmp_path / "goed.pdf", [PAGE_ONE])
    scanned = FPDF()
    scanned.add_page()
    scanned.rect(20, 20, 100, 100, style="F")  # ink, but no text layer
    scanned.output(str(tmp_path / "scan.pdf"))
    writer = PdfWriter(clone_from=PdfReader(tmp_path / "goed.pdf"))
    writer.encrypt(user_password="geheim", owner_password="eigenaar", algorithm="RC4-128")
    with open(tmp_path / "beveiligd.pdf", "wb") as fh:
        writer.write(fh)
    data = (tmp_path / "goed.pdf").read_bytes()
    (tmp_path / "kapot.pdf").write_bytes(data[: len(data) // 3])
    result = load_letters(tmp_path)
    assert [l.id for l in result.letters] == ["goed"]
    reasons = {p.file: p.reason for p in result.skipped}
    assert "without a text layer" in reasons["scan.pdf"]
    assert "encrypted PDF" in reasons["beveiligd.pdf"]
    assert "damaged or truncated PDF" in reasons["kapot.pdf"]


HTML = """<!doctype html>
<html lang="nl"><head>
<meta charset="utf-8">
<title>Financiële positie gemeenten | VNG</title>
<link rel="canonical" href="https://vng.nl/brieven/financiele-positie-gemeenten">
</head><body>
<header><nav><a href="/">Home</a> <a href="/onderwerpen">Onderwerpen</a> <a href="/over-ons">Over de VNG</a>
<a href="/zoeken">Zoeken</a> <a href="/inloggen">Inloggen op Mijn VNG</a></nav></header>
<main><article>
<h1>Financiële positie gemeenten na de Voorjaarsnota</h1>
<p>Ledenbrief nummer Lbr. 24/015</p>
<p>Geachte leden van college en gemeenteraad,</p>
<p>In deze ledenbrief geven wij u een beeld van de financiële positie van gemeenten na de Voorjaarsnota.
Het gemeentefonds groeit in 2025 minder hard dan verwacht, waardoor veel gemeenten moeten bezuinigen.</p>
<h2>Gevolgen voor de begroting</h2>
<p>Wij adviseren gemeenten om in de begroting 2025 rekening te houden met een lagere uitkering uit het
gemeentefonds en de meerjarenraming daarop aan te passen.</p>
</article></main>
<footer><p>Vereniging van Nederlandse Gemeenten, Nassaulaan 12, Den Haag. Cookiebeleid. Privacyverklaring.
Volg ons op LinkedIn en X. Nieuwsbrief aanmelden.</p></footer>
</body></html>"""


def test_html_page_main_text_title_and_canonical_url(tmp_path):
    (tmp_path / "financien.html").write_text(HTML, encoding="utf-8")
    letter = load_letters(tmp_path).letters[0]
    assert letter.title == "Financiële positie gemeenten na de Voorjaarsnota"
    assert letter.url == "https://vng.nl/brieven/financiele-positie-gemeenten"
    assert letter.lbr == "Lbr. 24/015"
    assert "lagere uitkering uit het" in letter.body and "gemeentefonds" in letter.body
    for boilerplate in ("Inloggen op Mijn VNG", "Cookiebeleid", "Privacyverklaring"):
        assert boilerplate not in letter.body


def test_an_html_page_is_dated_only_by_a_date_it_declares(tmp_path):
    # no date on the page: not a guess from the url or the title's year ("… 2025" → 1 January)
    (tmp_path / "financien.html").write_text(HTML.replace("Voorjaarsnota</h1>", "Voorjaarsnota 2025</h1>"))
    guessed = load_letters(tmp_path).letters[0]
    assert guessed.date_source != "metadata"
    declared = HTML.replace('<meta charset="utf-8">',
                            '<meta charset="utf-8"><meta property="article:published_time" content="2024-06-12">')
    (tmp_path / "financien.html").write_text(declared)
    letter = load_letters(tmp_path).letters[0]
    assert (letter.date, letter.date_source) == (dt.date(2024, 6, 12), "metadata")


def test_sidecar_overrides_front_matter_and_changes_the_hash(tmp_path):
    (tmp_path / "brief.md").write_text('---\ntitle: "Oud"\ndate: "2020-01-01"\n---\nTekst over de Woo.\n')
    before = load_letters(tmp_path).letters[0]
    (tmp_path / "brief.yml").write_text('title: "Nieuw"\ndate: 2024-02-03\nlbr: "Lbr 24/4"\n')
    after = load_letters(tmp_path).letters[0]
    assert (after.title, after.date, after.lbr) == ("Nieuw", dt.date(2024, 2, 3), "Lbr. 24/004")
    assert after.content_hash != before.content_hash


def test_web_page_cruft_is_not_letter_text(tmp_path):
    (tmp_path / "brief.md").write_text(
        "---\ntitle: Vroegsignalering\n---\nHome > Nieuws > Ledenbrieven > Vroegsignalering\n\nDeel deze pagina\n"
        "Geachte leden,\nGemeenten signaleren betalingsachterstanden vroeg.\n\nMet vriendelijke groet,\nJoost Brinkman\n"
        "Gerelateerde berichten\n- Afvalstoffenbelasting 2020: gevolgen\n- Uitnodiging ALV 7 juni 2023\nDownload als PDF\n")
    letter = load_letters(tmp_path).letters[0]
    assert "betalingsachterstanden" in letter.body and "Joost Brinkman" in letter.body
    for cruft in ("Home >", "Deel deze pagina", "Afvalstoffenbelasting 2020", "ALV 7 juni 2023", "Download als PDF"):
        assert cruft not in letter.body
    assert letter.date is None  # the related letter's "7 juni 2023" dates nothing


def test_a_related_box_does_not_take_the_letter_text_after_it():
    from index.boilerplate import without_web_cruft

    kept = without_web_cruft("Lees ook:\n- Uitnodiging ALV 2023\n\n## Wat betekent dit?\n- Gemeenten krijgen 5 miljoen.\n"
                             "VNG/Rijk: afspraken over de Hervormingsagenda")
    assert "Uitnodiging ALV 2023" not in kept
    for line in ("## Wat betekent dit?", "- Gemeenten krijgen 5 miljoen.", "VNG/Rijk: afspraken over de Hervormingsagenda"):
        assert line in kept

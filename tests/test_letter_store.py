"""The directory letter store (LETTERS_DIR) and the fetcher's address rules, without Slack."""

from __future__ import annotations

import pytest

from index.errors import UserError
from index.fetch import FetchError, FetchLimits, _blocked, fetch
from index.intake import IntakeError, sniff_suffix
from index.letter_store import DirectoryLetterStore, LetterStore
from index.letters import load_letters
from letter_server import LetterServer

BODY = "Dit is een ledenbrief over de afvalstoffenheffing met genoeg woorden om een brief te zijn. " * 5


def test_directory_store_adds_with_sidecar_suffixes_clashes_and_removes(tmp_path):
    store = DirectoryLetterStore(tmp_path)
    assert isinstance(store, LetterStore)
    (tmp_path / "README.md").write_text("how to add letters")
    (tmp_path / "hand-dropped.md").write_text(BODY)  # today's workflow: still a letter
    first = store.add("lbr-24-070.md", BODY.encode(), {"url": "https://vng.nl/a", "title": "A"})
    second = store.add("lbr-24-070.md", b"# Andere brief\n\n" + BODY.encode(), {"url": "https://vng.nl/b"})
    third = store.add("hand-dropped.pdf", b"%PDF-1.4", {})  # would share hand-dropped's sidecar and id
    assert (first, second, third) == ("lbr-24-070.md", "lbr-24-070-2.md", "hand-dropped-2.pdf")
    assert [f.name for f in store.files()] == ["hand-dropped-2.pdf", "hand-dropped.md", "lbr-24-070-2.md", "lbr-24-070.md"]
    data, sidecar = store.read("lbr-24-070-2.md")
    assert data.startswith(b"# Andere brief") and sidecar == b"url: https://vng.nl/b\n"
    assert store.read("hand-dropped.md")[1] == b""
    assert not list(tmp_path.glob(".adding-*"))  # written beside and renamed: nothing left over

    store.remove("lbr-24-070.md")
    assert not (tmp_path / "lbr-24-070.md").exists() and not (tmp_path / "lbr-24-070.yml").exists()
    with pytest.raises(UserError, match="no letter file"):
        store.remove("lbr-24-070.md")
    with pytest.raises(UserError, match="not a letter file name"):
        store.add("../buiten.md", b"x", {})


def test_load_letters_reads_through_the_store_with_the_sidecar_winning(tmp_path):
    store = DirectoryLetterStore(tmp_path)
    store.add("brief.md", f"# Titel uit de tekst\n\n{BODY}".encode(), {"url": "https://vng.nl/brief", "lbr": "Lbr. 24/070"})
    result = load_letters(store)
    assert [(l.id, l.title, l.url, l.lbr) for l in result.letters] == [
        ("brief", "Titel uit de tekst", "https://vng.nl/brief", "Lbr. 24/070")]


def test_type_is_judged_by_content():
    assert sniff_suffix(b"%PDF-1.7 ...") == ".pdf"
    assert sniff_suffix(b"  <!DOCTYPE html><html>") == ".html"
    assert sniff_suffix(b"---\ntitle: x\n---\ntekst") == ".md"
    with pytest.raises(IntakeError, match="Word file or an image"):
        sniff_suffix(b"PK\x03\x04 a docx")


@pytest.mark.parametrize("address, blocked", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.1", True), ("169.254.169.254", True), ("::1", True),
    ("::ffff:127.0.0.1", True), ("fc00::1", True), ("0.0.0.0", True), ("100.64.0.1", True),
    ("8.8.8.8", False), ("2a00:1450:4001::200e", False),
])
def test_private_loopback_and_link_local_addresses_are_blocked(address, blocked):
    assert _blocked(address) is blocked


def test_redirects_are_limited_and_only_http_is_fetched():
    site = LetterServer()
    try:
        with pytest.raises(FetchError, match="Only http and https"):
            fetch("file:///etc/passwd", FetchLimits(allow_private=True))
        fetched = fetch(site.url("/oud-adres"), FetchLimits(allow_private=True))
        assert fetched.url == site.url("/brief.html") and b"afvalstoffenheffing" in fetched.data
        with pytest.raises(FetchError, match="redirects more than 5 times"):
            fetch(site.url("/rondje"), FetchLimits(allow_private=True))
        assert site.requests.count("/rondje") == 6
    finally:
        site.close()

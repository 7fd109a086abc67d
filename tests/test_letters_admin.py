"""Staff add and remove letters from Slack, end to end: the real Bolt app over signed HTTP,
the fake Slack API, and a local web server serving an HTML and a PDF letter."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from bot.app import build_app
from conftest import LETTERS
from fake_slack import FakeSlack, action_body
from index.api import Engine
from letter_server import LetterServer, pdf_letter
from test_slack_bot import Harness, all_text, bot_settings, mention, start_server


def make_harness(tmp_path, embedder, sample_engine, **extra):
    letters = tmp_path / "letters"
    shutil.copytree(LETTERS, letters)
    index = tmp_path / "index"
    shutil.copytree(sample_engine.index_dir, index)
    fake = FakeSlack()
    settings = bot_settings(tmp_path, fake, index, letters, **extra)
    bot = build_app(settings, Engine(settings, embedder=embedder))
    server, url = start_server(bot)
    return Harness(url=url, bot=bot, fake=fake, letters=letters), server


@pytest.fixture()
def site():
    server = LetterServer(slow_seconds=3.0)
    yield server
    server.close()


@pytest.fixture()
def staff_harness(tmp_path, embedder, sample_engine):
    # 0.05 MB: the test letters fit, the "big" page does not (PDFs get ten times as much room).
    harness, server = make_harness(tmp_path, embedder, sample_engine, fetch_allow_private=True,
                                   fetch_timeout=1.0, max_letter_mb=0.05)
    harness.bot.announcer.sync()  # the first index is history: nothing announced
    yield harness
    server.close()
    harness.fake.close()


def preview_of(harness, n: int = 1) -> dict:
    return harness.fake.wait_for("response_url", n)[n - 1]


def button(blocks: list[dict], action_id: str) -> str:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element["value"]
    raise AssertionError(f"no {action_id} button in {all_text(blocks)}")


def announcements(harness) -> list[dict]:
    return [p for p in harness.fake.calls_to("chat.postMessage") if p.get("metadata")]


def test_add_by_url_preview_confirm_answer_and_announce_once(staff_harness, site):
    h = staff_harness
    h.command("/ledenbrief-toevoegen", site.url("/brief.html"), user="USTAFF")
    preview = preview_of(h)
    text = all_text(preview["blocks"])
    assert preview["response_type"] == "ephemeral"
    assert "Nieuwe normering afvalstoffenheffing 2025" in text and "Lbr. 24/070" in text
    assert "12 november 2024 (uit: briefhoofd)" in text and site.url("/brief.html") in text
    passages = int(re.search(r"\*Passages\*\\n(\d+)", text).group(1))
    assert passages >= 1
    assert "Met deze ledenbrief informeren wij u" in text  # the first lines
    button(preview["blocks"], "letter_add_cancel")

    h.action("letter_add_confirm", button(preview["blocks"], "letter_add_confirm"), user="USTAFF")
    assert "Toegevoegd als `lbr-24-070.html`" in preview_of(h, 2)["text"]
    posts = h.fake.wait_for("chat.postMessage", 2, timeout=120)
    report = next(p for p in posts if p["channel"] == "CGENERAL")
    assert "Brief toegevoegd en doorzoekbaar" in report["text"] and "1 toegevoegd" in report["text"]
    entry = next(e for e in h.bot.engine.entries() if e.source == "lbr-24-070.html")
    assert entry.chunk_count == passages  # the preview counted what the index holds
    announced = announcements(h)
    assert len(announced) == 1 and announced[0]["channel"] == "CANNOUNCE"
    assert "Lbr. 24/070 · Nieuwe normering afvalstoffenheffing 2025" in all_text(announced[0]["blocks"])
    assert (h.letters / "lbr-24-070.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "url: " + site.url("/brief.html") in (h.letters / "lbr-24-070.yml").read_text()

    h.event(mention("Mogen we grof huishoudelijk afval doorberekenen in de afvalstoffenheffing?", ts="1700000200.000100"))
    answer = h.fake.wait_for("chat.postMessage", 3)[2]
    assert "Lbr. 24/070" in all_text(answer["blocks"]) and site.url("/brief.html") in all_text(answer["blocks"])

    # the same url again: the preview names the letter, no button, nothing stored or announced twice
    h.command("/ledenbrief-toevoegen", site.url("/brief.html"), user="USTAFF")
    again = preview_of(h, 3)
    assert "staat er al (zelfde url)" in all_text(again["blocks"])
    assert "letter_add_confirm" not in all_text(again["blocks"])
    # the same text behind another address (a redirect elsewhere would be the same url): same text
    h.command("/ledenbrief-toevoegen", site.url("/oud-adres"), user="USTAFF")
    assert "staat er al" in all_text(preview_of(h, 4)["blocks"])
    assert sorted(p.name for p in h.letters.glob("lbr-24-070*")) == ["lbr-24-070.html", "lbr-24-070.yml"]

    # a double click on the old confirm button stores nothing again
    h.action("letter_add_confirm", button(preview["blocks"], "letter_add_confirm"), user="USTAFF")
    assert "verlopen of al afgehandeld" in preview_of(h, 5)["text"]

    # removal: confirm button, gone from the answers, never announced again
    h.command("/ledenbrief-verwijderen", "24/070", user="USTAFF")
    question = preview_of(h, 6)
    assert "Deze brief verwijderen" in question["text"]
    h.action("letter_remove_confirm", button(question["blocks"], "letter_remove_confirm"), user="USTAFF")
    assert "Verwijderd" in preview_of(h, 7)["text"]
    removed = h.fake.wait_for("chat.postMessage", 4, timeout=120)[3]
    assert "Brief verwijderd uit de bot" in removed["text"] and "1 verwijderd" in removed["text"]
    assert not (h.letters / "lbr-24-070.html").exists() and not (h.letters / "lbr-24-070.yml").exists()
    assert "Lbr. 24/070" not in [letter.lbr for letter in h.bot.engine.letters()]
    time.sleep(0.5)
    assert len(announcements(h)) == 1


def test_pdf_upload_in_a_dm_preview_confirm(staff_harness):
    h = staff_harness
    file = h.fake.upload("F071", "scan-van-de-brief.txt", pdf_letter())  # the name lies; the bytes are a PDF
    h.event({"type": "message", "subtype": "file_share", "channel": "DSTAFF", "channel_type": "im",
             "user": "USTAFF", "text": "", "files": [file], "ts": "1700000300.000100"})
    preview = h.fake.wait_for("chat.postMessage")[0]
    assert preview["channel"] == "DSTAFF"
    text = all_text(preview["blocks"])
    assert "Subsidieregeling zwerfkattenopvang" in text and "Lbr. 24/071" in text and "lbr-24-071.pdf" in text
    download = next(c for c in h.fake.calls if c.method == "file_download")
    assert download.headers["Authorization"].startswith("Bearer xoxb-")

    h.send(action_body("letter_add_confirm", button(preview["blocks"], "letter_add_confirm"),
                       "USTAFF", "DSTAFF", h.fake.response_url()),
           "application/x-www-form-urlencoded")
    posts = h.fake.wait_for("chat.postMessage", 3, timeout=120)
    assert any(p["channel"] == "DSTAFF" and "Brief toegevoegd" in p["text"] for p in posts)
    assert (h.letters / "lbr-24-071.pdf").read_bytes()[:5] == b"%PDF-"
    assert len(announcements(h)) == 1

    h.event(mention("Hoeveel geld is er voor de opvang van zwerfkatten?", ts="1700000301.000100"))
    answer = h.fake.wait_for("chat.postMessage", 4)[3]
    assert "Lbr. 24/071" in all_text(answer["blocks"])

    # a Word file named like a PDF: one sentence, nothing stored; a file shared in a channel is ignored
    word = h.fake.upload("F072", "brief.pdf", b"PK\x03\x04" + b"\x00" * 400)
    h.event({"type": "message", "subtype": "file_share", "channel": "DSTAFF", "channel_type": "im",
             "user": "USTAFF", "files": [word], "ts": "1700000302.000100"})
    assert "geen PDF-, HTML-, Markdown- of tekstbestand" in h.fake.wait_for("chat.postMessage", 5)[4]["text"]
    h.event({"type": "message", "subtype": "file_share", "channel": "CGENERAL", "channel_type": "channel",
             "user": "USTAFF", "files": [h.fake.upload("F073", "x.pdf", pdf_letter())], "ts": "1700000303.000100"})
    time.sleep(0.5)
    assert len(h.fake.calls_to("chat.postMessage")) == 5 and not h.fake.calls_to("files.info")[2:]
    assert sorted(p.name for p in h.letters.glob("lbr-24-07*")) == ["lbr-24-071.pdf", "lbr-24-071.yml"]


def test_non_staff_are_refused_and_nothing_is_fetched_or_downloaded(staff_harness, site):
    h = staff_harness
    h.command("/ledenbrief-toevoegen", site.url("/brief.html"), user="UMEMBER")
    assert "voorbehouden aan de beheerders" in preview_of(h)["text"]
    h.command("/ledenbrief-verwijderen", "24/007", user="UMEMBER")
    h.command("/ledenbrief-rapport", "", user="UMEMBER")
    assert all("voorbehouden" in r["text"] for r in h.fake.wait_for("response_url", 3))
    file = h.fake.upload("F1", "brief.pdf", pdf_letter())
    h.event({"type": "message", "subtype": "file_share", "channel": "DMEMBER", "channel_type": "im",
             "user": "UMEMBER", "files": [file], "ts": "1700000400.000100"})
    assert "Alleen beheerders" in h.fake.wait_for("chat.postMessage")[0]["text"]
    time.sleep(0.5)
    assert site.requests == []
    assert not [c for c in h.fake.calls if c.method in ("file_download", "files.info")]
    assert (h.letters / "seed-update-vng-inzet-kabinetsformatie.md").exists()


@pytest.mark.parametrize("path, sentence", [
    ("/bestaat-niet", "bestaat niet (HTTP 404)"),
    ("/slow", "antwoordde niet binnen 1 seconden"),
    ("/big.html", "groter dan de limiet van 0.052 MB"),
    ("/login", "inlogpagina"),
])
def test_unreadable_urls_get_one_sentence_and_nothing_is_stored(staff_harness, site, path, sentence):
    h = staff_harness
    before = sorted(p.name for p in h.letters.iterdir())
    h.command("/ledenbrief-toevoegen", site.url(path), user="USTAFF")
    reply = preview_of(h)
    assert sentence in reply["text"] and "blocks" not in reply
    assert sorted(p.name for p in h.letters.iterdir()) == before


def test_loopback_url_is_refused_without_the_allow_setting(tmp_path, embedder, sample_engine, site):
    h, server = make_harness(tmp_path, embedder, sample_engine)
    try:
        h.command("/ledenbrief-toevoegen", site.url("/brief.html"), user="USTAFF")
        reply = preview_of(h)
        assert "intern of lokaal adres" in reply["text"] and "LEDENBOT_FETCH_ALLOW_PRIVATE" in reply["text"]
        assert site.requests == []
    finally:
        server.close()
        h.fake.close()


def test_report_in_slack_counts_unanswered_questions_together_without_names(staff_harness):
    h = staff_harness
    for i, question in enumerate(["Wat is het recept voor appeltaart met kaneel?", "recept appeltaart",
                                  "Wanneer is het volgende BOFv?"]):
        h.event(mention(question, ts=f"1700000500.00010{i}"))
        answers = h.fake.wait_for("chat.postMessage", i + 1)
    found = answers[2]  # the BOFv question is answered; vote it down
    answer_id = button(found["blocks"], "feedback_down")
    h.action("feedback_down", answer_id, user="UMEMBER")
    h.fake.wait_for("chat.postEphemeral")

    h.command("/ledenbrief-rapport", "abc", user="USTAFF")
    assert "aantal dagen als getal" in preview_of(h)["text"]
    h.command("/ledenbrief-rapport", "7", user="USTAFF")
    report = preview_of(h, 2)
    text = all_text(report["blocks"])
    assert report["response_type"] == "ephemeral"
    assert "Laatste 7 dagen:* 3 vragen, 1 beantwoord (33%); 0 👍, 1 👎" in text
    assert "*2×* Wat is het recept voor appeltaart met kaneel? _(2× niet gevonden)_" in text
    assert "recept appeltaart" in text  # the other phrasing, counted in the same group
    assert "*1×* Wanneer is het volgende BOFv? _(1× 👎)_" in text
    assert "UMEMBER" not in text


def test_every_slash_command_and_the_files_scope_are_in_the_app_manifest():
    import re

    import yaml

    from conftest import REPO

    manifest = yaml.safe_load((REPO / "slack-app-manifest.yml").read_text())
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    registered = {m for path in (REPO / "bot").glob("*.py") for m in re.findall(r'@app\.command\("([^"]+)"\)', path.read_text())}
    assert registered == declared
    assert {"files:read", "im:history"} <= set(manifest["oauth_config"]["scopes"]["bot"])

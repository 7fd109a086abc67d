"""Staff powers stay with staff, secrets never leave, hostile questions stay harmless."""

from __future__ import annotations

import io
import json
import logging
import time

from bot.redact import install_redaction
from fake_slack import BOT_USER, Failure
from test_slack_bot import SECRET, TOKEN, all_text, harness, mention  # noqa: F401  (fixture)


def reindex_reports(harness) -> list[dict]:  # noqa: F811
    return [p for p in harness.fake.calls_to("chat.postMessage") if "Herindexering" in (p.get("text") or "")]


def test_non_staff_cannot_reindex_from_a_channel_a_dm_or_the_command(harness):  # noqa: F811
    for channel in ("CGENERAL", "DMEMBER"):
        harness.command("/ledenbrief-reindex", "", user="UMEMBER", channel=channel)
    replies = harness.fake.wait_for("response_url", 2)
    assert all("voorbehouden aan de beheerders" in r["text"] for r in replies)
    # asking the bot in words to reindex is just a question, never a staff action
    harness.event(mention("reindex alles en kondig de nieuwe brieven aan", ts="1700000500.000100"))
    harness.event({"type": "message", "channel_type": "im", "channel": "DMEMBER", "user": "UMEMBER",
                   "text": "/ledenbrief-reindex", "ts": "1700000501.000100"})
    harness.fake.wait_for("chat.postMessage", 2)
    time.sleep(1.0)
    assert reindex_reports(harness) == []
    assert harness.bot.state.announced_ids() == set()


def test_usergroup_outsiders_are_not_staff(harness):  # noqa: F811
    harness.fake.usergroups["SSTAFF"] = ["USOMEONE"]
    harness.command("/ledenbrief-reindex", "", user="UMEMBER")
    assert "voorbehouden aan de beheerders" in harness.fake.wait_for("response_url")[0]["text"]


def test_secrets_never_reach_logs_replies_or_health(harness):  # noqa: F811
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    install_redaction([TOKEN, SECRET])
    try:
        harness.fake.fail("chat.postMessage", *[Failure(500)] * 3)  # errors get logged with details
        harness.event(mention("Wanneer is het volgende BOFv?", ts="1700000600.000100"))
        harness.fake.wait_for("chat.postMessage", 3)
        harness.command("/ledenbrief", f"wat is {TOKEN}?")  # even a member pasting it
        harness.action("feedback_up", "tampered")
        harness.event(mention(f"zeg {SECRET}", ts="1700000601.000100"))
        harness.fake.wait_for("chat.postEphemeral", 2)
        harness.fake.wait_for("chat.postMessage", 4)
        time.sleep(1.0)
        logging.getLogger("test").error("token in a message: %s", TOKEN)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    logged = stream.getvalue()
    assert "Sending a request" in logged or "POST" in logged or "chat.postMessage" in logged  # we did capture
    assert TOKEN not in logged and SECRET not in logged
    assert "[redacted]" in logged
    sent = json.dumps([c.params for c in harness.fake.calls])
    assert SECRET not in sent
    import urllib.request

    with urllib.request.urlopen(harness.url + "/healthz", timeout=10) as response:
        health = response.read().decode()
    assert TOKEN not in health and SECRET not in health


def test_hostile_question_markup_pings_nobody(harness):  # noqa: F811
    harness.event(mention("<!channel> <!here> <@U999> wat staat er in <https://evil.example|Lbr. 24/011>?",
                          ts="1700000700.000100"))
    answer = harness.fake.wait_for("chat.postMessage")[0]
    text = all_text(answer["blocks"]) + (answer.get("text") or "")
    assert "<!channel>" not in text and "<!here>" not in text and "<@U999>" not in text
    assert "evil.example" not in text
    links = [part.split("|")[0] for part in text.split("<")[1:] if part.startswith("http")]
    assert links and all(link.startswith("https://vng.nl/") for link in links)  # only letters' own urls


def test_bot_ignores_its_own_answers(harness):  # noqa: F811
    harness.event({"type": "message", "channel_type": "channel", "channel": "CGENERAL", "user": BOT_USER,
                   "bot_id": "BBOT", "text": "Wanneer is het volgende BOFv?", "ts": "1700000800.000200",
                   "thread_ts": "1700000800.000100"})
    harness.bot.state.remember_thread("CGENERAL", "1700000800.000100", "Wanneer is het volgende BOFv?")
    harness.event({"type": "message", "channel_type": "channel", "channel": "CGENERAL", "user": BOT_USER,
                   "text": "Op 4 april staat weer een BOFv gepland.", "ts": "1700000800.000300",
                   "thread_ts": "1700000800.000100"})
    time.sleep(1.5)
    assert harness.fake.calls_to("chat.postMessage") == []

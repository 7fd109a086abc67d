"""Staff powers and announcements: reindex from Slack, hot switch, exactly-once announcements."""

from __future__ import annotations

import json
import time

import pytest

from bot.announce import Announcer
from bot.state import State
from conftest import write_letter
from fake_slack import BOT_USER
from test_slack_bot import all_text, harness, mention  # noqa: F401  (fixture)

NEW_LETTER = dict(
    name="hondenbelasting.md",
    title="Afschaffing hondenbelasting",
    body="Het kabinet wil dat gemeenten de hondenbelasting per 1 januari 2026 afschaffen. "
         "De VNG vraagt compensatie voor de gemiste inkomsten van gemeenten via het gemeentefonds.",
)


def add_new_letter(letters):
    write_letter(letters, NEW_LETTER["name"], NEW_LETTER["title"], NEW_LETTER["body"],
                 date="2024-10-01", lbr="Lbr. 24/060", url="https://vng.nl/brieven/hondenbelasting")


def test_non_staff_cannot_reindex(harness):  # noqa: F811
    harness.command("/ledenbrief-reindex", "", user="UMEMBER")
    reply = harness.fake.wait_for("response_url")[0]
    assert "voorbehouden aan de beheerders" in reply["text"] and reply["response_type"] == "ephemeral"
    time.sleep(0.5)
    assert harness.fake.calls_to("chat.postMessage") == []


def test_staff_reindex_reports_switches_and_announces_once(harness):  # noqa: F811
    harness.bot.announcer.sync()  # the bot's first look at the index: backfill, nothing posted
    assert harness.fake.calls_to("chat.postMessage") == []
    add_new_letter(harness.letters)

    status, _, seconds = harness.command("/ledenbrief-reindex", "", user="USTAFF")
    assert status == 200 and seconds < 3
    assert "Herindexeren gestart" in harness.fake.wait_for("response_url")[0]["text"]
    posts = harness.fake.wait_for("chat.postMessage", 2, timeout=120)
    report = next(p for p in posts if p["channel"] == "CGENERAL")
    assert "1 toegevoegd, 0 gewijzigd, 0 verwijderd" in report["text"]
    announcement = next(p for p in posts if p["channel"] == "CANNOUNCE")
    text = all_text(announcement["blocks"])
    assert announcement["blocks"][0]["type"] == "header"
    assert announcement["blocks"][0]["text"]["text"] == "Lbr. 24/060 · Afschaffing hondenbelasting"
    assert "1 oktober 2024" in text and "https://vng.nl/brieven/hondenbelasting" in text
    assert "stel je vraag" in text.lower() and "hondenbelasting per 1 januari 2026" in text
    assert announcement["metadata"]["event_payload"]["letter_id"] == "hondenbelasting"

    # the running bot answers from the new letter without a restart
    harness.event(mention("Moeten we de hondenbelasting afschaffen?", ts="1700000100.000100"))
    answer = harness.fake.wait_for("chat.postMessage", 3)[2]
    assert "https://vng.nl/brieven/hondenbelasting" in all_text(answer["blocks"])

    # a question in the announcement's thread is answered from that letter first
    harness.event({"type": "message", "channel_type": "channel", "channel": "CANNOUNCE", "user": "UMEMBER",
                   "text": "wat betekent dit voor onze begroting?", "ts": "1700000101.000100",
                   "thread_ts": announcement_ts(harness)})
    in_thread = harness.fake.wait_for("chat.postMessage", 4)[3]
    assert in_thread["thread_ts"] == announcement_ts(harness)
    assert in_thread["blocks"][1]["elements"][0]["text"].startswith("Lbr. 24/060")

    # reindexing again announces nothing new
    harness.command("/ledenbrief-reindex", "", user="USTAFF")
    harness.fake.wait_for("chat.postMessage", 5, timeout=120)
    time.sleep(1.0)
    announcements = [p for p in harness.fake.calls_to("chat.postMessage") if p.get("metadata")]
    assert len(announcements) == 1


def announcement_ts(harness) -> str:  # noqa: F811
    return harness.fake.history["CANNOUNCE"][0]["ts"]


def test_usergroup_members_are_staff_and_a_second_reindex_is_told_one_runs(harness):  # noqa: F811
    harness.fake.usergroups["SSTAFF"] = ["UGROUPMEMBER"]
    from index.reindex import reindex_lock

    with reindex_lock(harness.bot.engine.index_dir):  # e.g. `ledenbot reindex` running in a shell
        harness.command("/ledenbrief-reindex", "", user="UGROUPMEMBER")
        report = harness.fake.wait_for("chat.postMessage", timeout=60)[0]
    assert "Er loopt al een herindexering" in report["text"]


def test_unknown_reindex_argument_is_explained(harness):  # noqa: F811
    harness.command("/ledenbrief-reindex", "--alles-opnieuw `rm`", user="USTAFF")
    reply = harness.fake.wait_for("response_url")[0]
    assert "Onbekende optie" in reply["text"] and "`rm`" not in reply["text"]


class CrashAfterPosting(Exception):
    """Stands in for the process dying between Slack's reply and our write."""


def test_announcements_are_exactly_once_across_a_crash(harness, tmp_path):  # noqa: F811
    bot = harness.bot
    bot.announcer.sync()  # backfill
    add_new_letter(harness.letters)
    bot.engine.reindex()

    state_dir = tmp_path / "state"
    crashing = State(state_dir)
    original = crashing.set_announcement

    def die_when_recording_posted(letter_id, status, channel=None, ts=None):
        if status == "posted":
            raise CrashAfterPosting()
        original(letter_id, status, channel, ts)

    crashing.set_announcement = die_when_recording_posted
    with pytest.raises(CrashAfterPosting):
        Announcer(bot.engine, crashing, bot.client, "CANNOUNCE").sync()
    assert len(harness.fake.calls_to("chat.postMessage")) == 1  # it did reach Slack

    restarted = State(state_dir)  # a new process: only what was written survives
    assert restarted.announcement("hondenbelasting")[0] == "posting"
    assert Announcer(bot.engine, restarted, bot.client, "CANNOUNCE").sync() == []
    assert len(harness.fake.calls_to("chat.postMessage")) == 1  # no duplicate
    assert restarted.announcement("hondenbelasting")[0] == "posted"
    assert restarted.thread("CANNOUNCE", announcement_ts(harness)).letter_id == "hondenbelasting"


def test_a_crash_before_posting_loses_no_announcement(harness):  # noqa: F811
    bot = harness.bot
    bot.announcer.sync()
    add_new_letter(harness.letters)
    bot.engine.reindex()
    bot.state.set_announcement("hondenbelasting", "posting", "CANNOUNCE")  # intent written, then the crash
    assert bot.announcer.sync() == ["hondenbelasting"]
    assert len(harness.fake.calls_to("chat.postMessage")) == 1
    assert bot.announcer.sync() == []


def test_backfill_announces_everything_only_when_asked(harness):  # noqa: F811
    bot = harness.bot
    quiet = Announcer(bot.engine, bot.state, bot.client, "CANNOUNCE")
    assert quiet.sync() == []
    fresh_state = State(harness.letters.parent / "state-backfill")
    loud = Announcer(bot.engine, fresh_state, bot.client, "CANNOUNCE", backfill=True)
    assert len(loud.sync()) == 15
    assert len(harness.fake.calls_to("chat.postMessage")) == 15
    assert loud.sync() == []


def test_escaped_slash_command_text(harness):  # noqa: F811
    harness.command("/ledenbrief", f"<!channel> <@{BOT_USER}> wanneer is de ALV?")
    reply = harness.fake.wait_for("chat.postEphemeral")[0]
    assert "https://vng.nl/brieven/uitnodiging-alv-26-juni-2024" in json.dumps(reply["blocks"])

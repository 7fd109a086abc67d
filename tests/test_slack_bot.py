"""End to end: the real Bolt app in HTTP mode on 127.0.0.1 receives correctly signed Slack
requests and talks to a fake Slack Web API (SLACK_API_URL) that records every call."""

from __future__ import annotations

import json
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from waitress.server import create_server

from bot.app import Bot, build_app
from bot.server import wsgi_app
from bot.settings import BotSettings
from conftest import CACHE, LETTERS, write_letter
from fake_slack import BOT_USER, FakeSlack, action_body, command_body, event_body, post
from index.api import Engine

SECRET = "test-signing-secret-0123456789"
TOKEN = "xoxb-test-token-0123456789"
SEED_URL = "https://vng.nl/brieven/update-vng-inzet-kabinetsformatie"
ALV_URL = "https://vng.nl/brieven/uitnodiging-alv-26-juni-2024"


@dataclass
class Harness:
    url: str
    bot: Bot
    fake: FakeSlack
    letters: Path
    counter = 0

    def send(self, body: bytes, content_type: str, **kwargs):
        return post(self.url + "/slack/events", body, content_type, SECRET, **kwargs)

    def event(self, event: dict, event_id: str | None = None, **kwargs):
        Harness.counter += 1
        event.setdefault("event_ts", event.get("ts", "1.0"))
        return self.send(event_body(event, event_id or f"Ev{Harness.counter}"), "application/json", **kwargs)

    def command(self, command: str, text: str, user: str = "UMEMBER", channel: str = "CGENERAL"):
        return self.send(command_body(command, text, user, channel, self.fake.response_url()),
                         "application/x-www-form-urlencoded")

    def action(self, action_id: str, value: str, user: str = "UMEMBER", channel: str = "CGENERAL"):
        return self.send(action_body(action_id, value, user, channel, self.fake.response_url()),
                         "application/x-www-form-urlencoded")


class RunningServer:
    """waitress in a thread, stoppable without closing sockets under a running select()."""

    def __init__(self, bot: Bot):
        self.server = create_server(wsgi_app(bot), host="127.0.0.1", port=0, threads=8)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        while not self._stop.is_set():
            self.server.asyncore.loop(timeout=0.1, map=self.server._map, count=1)

    def close(self):
        self._stop.set()
        self._thread.join(timeout=10)
        self.server.close()


def start_server(bot: Bot):
    running = RunningServer(bot)
    return running, f"http://127.0.0.1:{running.server.effective_port}"


def bot_settings(tmp_path: Path, fake: FakeSlack, index: Path, letters: Path, **extra) -> BotSettings:
    return BotSettings(
        slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.url, state_dir=tmp_path / "state",
        index_dir=index, letters_dir=letters, cache_dir=CACHE, announce_channel="CANNOUNCE",
        staff=["USTAFF", "SSTAFF"], **extra,
    )


@pytest.fixture()
def harness(tmp_path, embedder, sample_engine):
    letters = tmp_path / "letters"
    shutil.copytree(LETTERS, letters)
    index = tmp_path / "index"
    shutil.copytree(sample_engine.index_dir, index)
    fake = FakeSlack()
    settings = bot_settings(tmp_path, fake, index, letters)
    bot = build_app(settings, Engine(settings, embedder=embedder))
    server, url = start_server(bot)
    yield Harness(url=url, bot=bot, fake=fake, letters=letters)
    server.close()
    fake.close()


def all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def mention(text: str, ts: str = "1700000001.000100", channel: str = "CGENERAL", thread_ts: str | None = None) -> dict:
    event = {"type": "app_mention", "user": "UMEMBER", "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": channel}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def test_mention_is_answered_in_its_thread_with_the_passage_and_link(harness):
    status, _, seconds = harness.event(mention("Wanneer is het volgende BOFv?"))
    assert status == 200 and seconds < 3
    message = harness.fake.wait_for("chat.postMessage")[0]
    assert message["channel"] == "CGENERAL" and message["thread_ts"] == "1700000001.000100"
    assert message["unfurl_links"] is False and message["unfurl_media"] is False
    blocks = message["blocks"]
    assert blocks[0]["text"]["text"].startswith(
        "Volgens Lbr. 24/007 van 19 maart 2024 stond het volgende BOFv gepland op 4 april 2024.")
    assert blocks[1]["text"]["text"].startswith("> ")
    assert "*Op 4 april staat weer een BOFv gepland.*" in blocks[1]["text"]["text"]
    assert blocks[2]["elements"][0]["text"] == f"Lbr. 24/007 · 19 maart 2024 · <{SEED_URL}|Update VNG-inzet kabinetsformatie>"
    assert {e["action_id"] for e in blocks[-1]["elements"]} == {"feedback_up", "feedback_down"}
    assert "stond het volgende BOFv gepland op 4 april 2024" in message["text"] and SEED_URL in message["text"]


def test_direct_message_is_answered_in_the_dm(harness):
    harness.event({"type": "message", "channel_type": "im", "channel": "DMEMBER", "user": "UMEMBER",
                   "text": "Where is the general assembly in June 2024?", "ts": "1700000002.000100"})
    message = harness.fake.wait_for("chat.postMessage")[0]
    assert message["channel"] == "DMEMBER" and message.get("thread_ts") is None
    assert ALV_URL in all_text(message["blocks"])


def test_follow_up_in_an_answered_thread_keeps_the_context(harness):
    harness.event(mention("Wanneer is het volgende BOFv?", ts="1700000003.000100"))
    harness.fake.wait_for("chat.postMessage")
    harness.event({"type": "message", "channel_type": "channel", "channel": "CGENERAL", "user": "UMEMBER",
                   "text": "en wanneer is de volgende?", "ts": "1700000004.000100", "thread_ts": "1700000003.000100"})
    follow_up = harness.fake.wait_for("chat.postMessage", 2)[1]
    assert follow_up["thread_ts"] == "1700000003.000100"
    assert "BOFv" in follow_up["blocks"][0]["text"]["text"] and SEED_URL in all_text(follow_up["blocks"])


def test_threads_the_bot_is_not_in_and_bot_messages_and_edits_are_ignored(harness):
    base = {"type": "message", "channel_type": "channel", "channel": "CGENERAL", "ts": "1700000005.000100"}
    harness.event({**base, "user": "UMEMBER", "text": "wat vinden jullie?", "thread_ts": "1600000000.000100"})
    harness.event({**base, "channel_type": "im", "user": "UOTHER", "bot_id": "BOTHER", "text": "Wanneer is de ALV?"})
    harness.event({**base, "channel_type": "im", "user": BOT_USER, "text": "Wanneer is de ALV?"})
    harness.event({**base, "channel_type": "im", "subtype": "message_changed", "message": {"text": "Wanneer is de ALV?"}})
    harness.event({**base, "channel_type": "im", "subtype": "message_deleted"})
    harness.event(mention("Wanneer is de ALV?", ts="1700000006.000100"))  # a marker that is answered
    harness.fake.wait_for("chat.postMessage")
    time.sleep(1.0)
    messages = harness.fake.calls_to("chat.postMessage")
    assert len(messages) == 1 and messages[0]["thread_ts"] == "1700000006.000100"


def test_a_mention_inside_an_answered_thread_is_answered_once(harness):
    harness.event(mention("Wanneer is het volgende BOFv?", ts="1700000007.000100"))
    harness.fake.wait_for("chat.postMessage")
    follow = "Waar is de ALV in juni 2024?"
    harness.event(mention(follow, ts="1700000008.000100", thread_ts="1700000007.000100"))
    harness.event({"type": "message", "channel_type": "channel", "channel": "CGENERAL", "user": "UMEMBER",
                   "text": f"<@{BOT_USER}> {follow}", "ts": "1700000008.000100", "thread_ts": "1700000007.000100"})
    harness.fake.wait_for("chat.postMessage", 2)
    time.sleep(1.0)
    assert len(harness.fake.calls_to("chat.postMessage")) == 2


def test_slack_retries_of_one_event_get_one_answer(harness):
    event = mention("Wanneer is het volgende BOFv?", ts="1700000009.000100")
    for retry in range(3):
        status, _, _ = harness.event(dict(event), event_id="EvSame", headers={"X-Slack-Retry-Num": str(retry),
                                                                                "X-Slack-Retry-Reason": "http_timeout"})
        assert status == 200
    harness.fake.wait_for("chat.postMessage")
    time.sleep(1.0)
    assert len(harness.fake.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize("forgery", ["wrong", "missing", "stale"])
def test_forged_or_stale_signatures_get_401_and_no_slack_call(harness, forgery):
    body = event_body(mention("Wanneer is het volgende BOFv?"), "EvForged")
    url = harness.url + "/slack/events"
    if forgery == "wrong":
        status, _, _ = post(url, body, "application/json", None, signature="v0=" + "0" * 64)
    elif forgery == "missing":
        status, _, _ = post(url, body, "application/json", None)
    else:
        status, _, _ = post(url, body, "application/json", SECRET, timestamp=int(time.time()) - 6 * 60)
    assert status == 401
    time.sleep(0.5)
    assert [c.method for c in harness.fake.calls if c.method != "auth.test"] == []


def test_slash_command_answers_privately_with_a_share_button(harness):
    status, _, seconds = harness.command("/ledenbrief", "hoe groot is het ravijn in 2026?")
    assert status == 200 and seconds < 3
    ephemeral = harness.fake.wait_for("chat.postEphemeral")[0]
    assert ephemeral["user"] == "UMEMBER" and ephemeral["channel"] == "CGENERAL"
    assert "ravijn" in ephemeral["blocks"][0]["text"]["text"]
    share = next(e for e in ephemeral["blocks"][-1]["elements"] if e["action_id"] == "share_answer")
    assert harness.fake.calls_to("chat.postMessage") == []

    harness.action("share_answer", share["value"])
    shared = harness.fake.wait_for("chat.postMessage")[0]
    assert shared["channel"] == "CGENERAL" and "ravijn" in shared["blocks"][0]["text"]["text"]
    assert "Gedeeld door <@UMEMBER>" in all_text(shared["blocks"])
    assert harness.fake.wait_for("response_url")[0].get("delete_original") is True


def test_feedback_votes_are_stored(harness):
    harness.command("/ledenbrief", "Wanneer is het volgende BOFv?")
    ephemeral = harness.fake.wait_for("chat.postEphemeral")[0]
    answer_id = ephemeral["blocks"][-1]["elements"][1]["value"]
    harness.action("feedback_up", answer_id)
    harness.action("feedback_down", answer_id, user="UOTHER")
    harness.fake.wait_for("chat.postEphemeral", 3)
    votes = harness.bot.state.votes()
    assert {(v.user_id, v.vote) for v in votes} == {("UMEMBER", 1), ("UOTHER", -1)}
    assert votes[0].question == "Wanneer is het volgende BOFv?"
    assert "seed-update-vng-inzet-kabinetsformatie" in votes[0].letter_ids


def test_a_tampered_button_value_is_refused_politely(harness):
    status, _, _ = harness.action("feedback_up", "<!channel> ' OR 1=1 --")
    assert status == 200
    reply = harness.fake.wait_for("chat.postEphemeral")[0]
    assert "werkt niet meer" in reply["text"]
    assert harness.bot.state.votes() == []


def test_not_found_says_so_with_the_nearest_letters(harness):
    harness.event(mention("Wat is het recept voor erwtensoep?", ts="1700000010.000100"))
    message = harness.fake.wait_for("chat.postMessage")[0]
    assert message["blocks"][0]["text"]["text"] == "Dit heb ik niet gevonden in de ledenbrieven."
    assert "Dichtstbijzijnde brieven:" in all_text(message["blocks"])
    assert not message["blocks"][0]["text"]["text"].startswith(">")


def test_a_year_no_letter_covers_is_named_with_what_the_letters_do_have(harness):
    harness.event(mention("Waar is de ALV van juni 2023?", ts="1700000010.000200"))
    message = harness.fake.wait_for("chat.postMessage")[0]
    head = message["blocks"][0]["text"]["text"]
    assert head.startswith("Over de ALV van juni 2023 staat niets in de ledenbrieven. De ALV die de brieven wel noemen:")
    assert "26 juni 2024 (Lbr. 24/019)" in head
    assert "Dichtstbijzijnde brieven:" in all_text(message["blocks"]) and "Uitnodiging ALV 26 juni 2024" in all_text(message["blocks"])
    assert message["text"].startswith("Over de ALV van juni 2023")


def test_english_question_gets_english_labels(harness):
    harness.event(mention("What is the weather forecast for The Hague tomorrow?", ts="1700000011.000100"))
    message = harness.fake.wait_for("chat.postMessage")[0]
    assert message["blocks"][0]["text"]["text"] == "I could not find this in the member letters."


def test_empty_and_overlong_questions_get_a_dutch_hint(harness):
    harness.event(mention("   ", ts="1700000012.000100"))
    harness.command("/ledenbrief", "waarom " * 500)
    assert "Stel je vraag in woorden" in harness.fake.wait_for("chat.postMessage")[0]["text"]
    assert "te lang" in harness.fake.wait_for("chat.postEphemeral")[0]["text"]


def test_app_home_shows_examples_newest_letters_and_status(harness):
    harness.event({"type": "app_home_opened", "user": "UMEMBER", "channel": "DHOME", "tab": "home"})
    view = harness.fake.wait_for("views.publish")[0]
    assert view["user_id"] == "UMEMBER"
    text = all_text(view["view"]["blocks"])
    assert "Wanneer is het volgende BOFv?" in text
    assert "Lbr. 24/011 · 15 april 2024 · <https://vng.nl/brieven/gemeentefinancien-in-voorjaarsnota-2024|" in text
    assert "15 brieven" in text and "multilingual-e5-small" in text


def test_healthz_reports_the_index(harness):
    import urllib.request

    with urllib.request.urlopen(harness.url + "/healthz", timeout=10) as response:
        body = json.loads(response.read())
    assert response.status == 200 and body["status"] == "ok" and body["letters"] == 15
    assert TOKEN not in json.dumps(body) and SECRET not in json.dumps(body)


def test_letter_text_is_escaped(tmp_path, embedder):
    letters = tmp_path / "letters"
    letters.mkdir()
    write_letter(letters, "evil.md", "Oproep <!channel> & <https://evil.example|klik>",
                 "Let op <!channel>: de *vergadering* over de hondenbelasting is op 3 mei in <https://evil.example|de zaal>. "
                 "Iedereen moet komen want de hondenbelasting gaat omhoog & dat is <b>belangrijk</b>.",
                 url="https://vng.nl/brieven/evil", date="2024-05-01")
    write_letter(letters, "ander.md", "Woo", "De Wet open overheid geldt sinds 1 mei voor gemeenten.")
    fake = FakeSlack()
    settings = bot_settings(tmp_path, fake, tmp_path / "index", letters)
    engine = Engine(settings, embedder=embedder)
    engine.reindex()
    server, url = start_server(build_app(settings, engine))
    try:
        harness = Harness(url=url, bot=None, fake=fake, letters=letters)
        harness.event(mention("Wanneer is de vergadering over de hondenbelasting?"))
        message = fake.wait_for("chat.postMessage")[0]
        text = all_text(message["blocks"])
        assert "<!channel>" not in text and "&lt;!channel&gt;" in text
        assert "<https://evil.example" not in text and "&lt;https://evil.example|de zaal&gt;" in text
        assert "&amp;" in text and "&lt;b&gt;" in text
        assert "<https://vng.nl/brieven/evil|Oproep &lt;!channel&gt; &amp; &lt;https://evil.example|klik&gt;>" in text
    finally:
        server.close()
        fake.close()


def test_rate_limited_post_is_retried_after_the_wait(harness):
    from fake_slack import Failure

    harness.fake.fail("chat.postMessage", Failure(429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}))
    harness.event(mention("Wanneer is het volgende BOFv?", ts="1700000013.000100"))
    posts = harness.fake.wait_for("chat.postMessage", 2)
    assert posts[0]["thread_ts"] == posts[1]["thread_ts"] == "1700000013.000100"

"""Several real `ledenbot serve` processes on one real PostgreSQL database (DATABASE_URL),
each on its own empty disk, against the fake Slack Web API."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CACHE, make_engine, write_letter
from index.database import connect
from index.db_letter_store import DatabaseLetterStore
from fake_slack import FakeSlack, command_body, event_body, post
from pg_server import PostgresServer
from test_serve import LEDENBOT, free_port
from test_slack_bot import SECRET, TOKEN, all_text, mention

pytestmark = pytest.mark.slow

NEW_URL = "https://vng.nl/brieven/hondenbelasting"


def small_letters(directory: Path) -> Path:
    directory.mkdir()
    write_letter(directory, "bofv.md", "Update VNG-inzet kabinetsformatie",
                 "Op 4 april 2024 staat weer een Bestuurlijk Overleg Financiële verhoudingen (BOFv) gepland over "
                 "de normering van het gemeentefonds.", date="2024-03-19", lbr="Lbr. 24/007",
                 url="https://vng.nl/brieven/bofv")
    write_letter(directory, "alv.md", "Uitnodiging ALV",
                 "De Algemene Ledenvergadering (ALV) van de VNG vindt plaats op 26 juni 2024 in Den Haag.",
                 date="2024-05-01", lbr="Lbr. 24/019", url="https://vng.nl/brieven/alv")
    return directory


def add_new_letter(letters: Path, database_url: str | None = None) -> None:
    """Into the letters directory, or (with a database) into the database's letter store,
    which is where every replica's reindex reads from."""
    path = write_letter(letters, "hondenbelasting.md", "Afschaffing hondenbelasting",
                        "Het kabinet wil dat gemeenten de hondenbelasting per 1 januari 2026 afschaffen. De VNG "
                        "vraagt compensatie voor de gemiste inkomsten.", date="2024-10-01", lbr="Lbr. 24/060",
                        url=NEW_URL)
    if database_url:
        database = connect(database_url)
        DatabaseLetterStore(database).add(path.name, path.read_bytes(), {})
        database.close()


class Replica:
    """One `ledenbot serve` process on its own empty index and state directories."""

    counter = 0

    def __init__(self, tmp: Path, name: str, fake: FakeSlack, database_url: str, letters: Path, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        environment = {
            **os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.url,
            "DATABASE_URL": database_url, "LETTERS_DIR": str(tmp / name / "letters"), "INDEX_DIR": str(tmp / name / "index"),
            "LEDENBOT_STATE_DIR": str(tmp / name / "state"), "LEDENBOT_CACHE_DIR": str(CACHE),
            "LEDENBOT_ANNOUNCE_CHANNEL": "CANNOUNCE", "LEDENBOT_STAFF": "USTAFF", "PORT": str(self.port),
            "LEDENBOT_WATCH_SECONDS": "1", **env,
        }
        self.process = subprocess.Popen([LEDENBOT, "serve"], env=environment, cwd=tmp, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.fake = fake

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def output(self) -> str:
        return "".join(self.lines)

    def get(self, path: str) -> tuple[int, dict | str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                body = response.read().decode()
                return response.status, json.loads(body) if path != "/metrics" else body
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def wait_ready(self, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                status, body = self.get("/readyz")
                if status == 200:
                    return body
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"replica not ready: {self.output()}")

    def wait_output(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert time.monotonic() < deadline and self.process.poll() is None, self.output()
            time.sleep(0.1)

    def event(self, event: dict, event_id: str):
        event.setdefault("event_ts", event.get("ts", "1.0"))
        return post(self.url + "/slack/events", event_body(event, event_id), "application/json", SECRET)

    def command(self, command: str, text: str = "", user: str = "USTAFF"):
        return post(self.url + "/slack/events", command_body(command, text, user, "CGENERAL", self.fake.response_url()),
                    "application/x-www-form-urlencoded", SECRET)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture()
def cluster(tmp_path, embedder, database_url):
    """A database holding one build of two small letters (built once, here), a fake Slack,
    and a way to start replicas; everything stopped afterwards."""
    letters = small_letters(tmp_path / "letters")
    seed = make_engine(tmp_path / "seed-index", letters, embedder, database_url=database_url)
    assert seed.reindex().chunks_embedded > 0
    seed.database.close()
    fake = FakeSlack()
    replicas: list[Replica] = []

    def start(name: str, **env) -> Replica:
        replica = Replica(tmp_path, name, fake, database_url, letters, **env)
        replicas.append(replica)
        return replica

    yield start, fake, letters, database_url
    for replica in replicas:
        replica.stop()
    fake.close()


def general_posts(fake: FakeSlack) -> list[dict]:
    return [p for p in fake.calls_to("chat.postMessage") if p["channel"] == "CGENERAL"]


def test_two_replicas_answer_an_event_once_and_announce_a_new_letter_once(cluster):
    start, fake, letters, database_url = cluster
    a, b = start("a"), start("b")
    for replica in (a, b):  # both start on an empty disk: the index comes from the database
        assert replica.wait_ready()["database"] == "ok"
        assert "Loaded build 1 from the database" in replica.output()

    # Slack delivers one event (and a retry) to both replicas at once: one answer in total.
    body = mention("Wanneer is het volgende BOFv?")
    threads = [threading.Thread(target=r.event, args=(dict(body), "EvTwice")) for r in (a, b, a)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "4 april" in all_text(fake.wait_for("chat.postMessage")[0]["blocks"])
    time.sleep(2)
    assert len(general_posts(fake)) == 1

    # A letter added and reindexed through one replica: announced once, answered by both.
    add_new_letter(letters, database_url)
    a.command("/ledenbrief-reindex")
    report = next(p for p in fake.wait_for("chat.postMessage", 2, timeout=120) if p["channel"] == "CGENERAL"
                  and "Herindexering klaar" in p["text"])
    assert "1 toegevoegd" in report["text"]
    embedded = int(re.search(r"(\d+) passages opnieuw berekend", report["text"]).group(1))
    assert embedded == 1  # only the new letter's passage: the rest came from the database
    announcement = fake.wait_for("chat.postMessage", 3, timeout=30)
    time.sleep(4)  # both replicas have synced their announcer at least twice by now
    announced = [p for p in fake.calls_to("chat.postMessage") if p["channel"] == "CANNOUNCE"]
    assert len(announced) == 1 and announced[0]["metadata"]["event_payload"]["letter_id"] == "hondenbelasting"
    assert announcement

    for n, replica in enumerate((b, a)):
        before = len(general_posts(fake))
        replica.event(mention("Moeten gemeenten de hondenbelasting afschaffen?", ts=f"17000002{n}.000100"),
                      f"EvDog{n}")
        deadline = time.monotonic() + 30
        while len(general_posts(fake)) == before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert NEW_URL in all_text(general_posts(fake)[-1]["blocks"]), replica.output()

    found = 0.0
    for replica in (a, b):  # each replica counts what it answered: three questions in total
        status, metrics = replica.get("/metrics")
        assert status == 200 and "ledenbot_index_letters 3.0" in metrics
        found += float(re.search(r'ledenbot_questions_total\{outcome="found"\} ([0-9.]+)', metrics).group(1))
    assert found == 3

    # Restarts lose nothing: every process stops, a new one starts on an empty disk.
    a.stop(), b.stop()
    c = start("c")
    c.wait_ready()
    before = len(general_posts(fake))
    c.event({"type": "message", "channel_type": "channel", "channel": "CGENERAL", "user": "UMEMBER",
             "text": "en wanneer is de volgende?", "ts": "1700000009.000100", "thread_ts": body["ts"]}, "EvFollow")
    deadline = time.monotonic() + 30
    while len(general_posts(fake)) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    follow_up = general_posts(fake)[-1]  # the thread answered before the restart is still known
    assert follow_up["thread_ts"] == body["ts"] and "4 april" in all_text(follow_up["blocks"])
    time.sleep(3)
    assert len([p for p in fake.calls_to("chat.postMessage") if p["channel"] == "CANNOUNCE"]) == 1


def test_a_replica_killed_mid_reindex_leaves_the_other_serving_and_a_later_reindex_works(cluster):
    start, fake, letters, database_url = cluster
    doomed, survivor = start("doomed", LEDENBOT_FAULTPOINT="embedding"), start("survivor")
    doomed.wait_ready(), survivor.wait_ready()
    add_new_letter(letters, database_url)
    doomed.command("/ledenbrief-reindex")
    doomed.wait_output("faultpoint embedding", timeout=120)
    survivor.command("/ledenbrief-reindex")  # told that one runs (on the other replica)
    busy = fake.wait_for("chat.postMessage", timeout=60)[0]
    assert "Er loopt al een herindexering" in busy["text"]
    doomed.process.send_signal(signal.SIGKILL)
    doomed.process.wait(timeout=10)

    survivor.event(mention("Wanneer is het volgende BOFv?"), "EvAfterKill")
    answer = fake.wait_for("chat.postMessage", 2, timeout=30)[1]
    assert "4 april" in all_text(answer["blocks"])

    survivor.command("/ledenbrief-reindex")  # the dead replica's lock died with its connection
    deadline = time.monotonic() + 120
    while not any("Herindexering klaar" in p["text"] for p in general_posts(fake)):
        assert time.monotonic() < deadline, survivor.output()
        time.sleep(0.2)
    assert "1 toegevoegd" in general_posts(fake)[-1]["text"]


def test_database_gone_for_a_while_questions_still_answered(tmp_path, embedder):
    server = PostgresServer().start()  # its own server: this test stops it
    fake = FakeSlack()
    try:
        url = server.new_database()
        letters = small_letters(tmp_path / "letters")
        seed = make_engine(tmp_path / "seed-index", letters, embedder, database_url=url)
        seed.reindex()
        seed.database.close()
        replica = Replica(tmp_path, "r", fake, url, letters)
        try:
            replica.wait_ready()
            server.stop()
            replica.event(mention("Wanneer is het volgende BOFv?"), "EvDown")
            assert "4 april" in all_text(fake.wait_for("chat.postMessage", timeout=60)[0]["blocks"])
            replica.wait_output("State database unavailable")
            status, body = replica.get("/readyz")
            assert status == 503 and body["database"] == "unreachable" and body["index"] is True
            server.start()
            replica.wait_ready(timeout=60)
            replica.event(mention("Wanneer is de ALV?", ts="1700000300.000100"), "EvBack")
            replica.event(mention("Wanneer is de ALV?", ts="1700000300.000100"), "EvBack")  # a retry
            fake.wait_for("chat.postMessage", 2, timeout=60)
            time.sleep(1)
            assert len(general_posts(fake)) == 2  # deduplicated again once the database is back
            assert replica.process.poll() is None and "Traceback" not in replica.output()
        finally:
            replica.stop()
    finally:
        fake.close()
        server.close()

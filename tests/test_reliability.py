"""Faults caused for real: killed reindexes, concurrent reindexes, damaged indexes, a failing
or slow Slack, and 50 questions at once."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import CACHE, LETTERS, make_engine, write_letter
from fake_slack import Failure, event_body, post
from index.errors import UserError
from index.store import MANIFEST, current_build, load_index
from test_slack_bot import SECRET, all_text, harness, mention  # noqa: F401  (fixture)

LEDENBOT = str(Path(sys.executable).parent / "ledenbot")
BOFV = "Wanneer is het volgende BOFv?"


def reindex_until(faultpoint: str, letters: Path, index: Path) -> subprocess.Popen:
    """Start `ledenbot reindex` and return once it has reached `faultpoint` (still running)."""
    env = {**os.environ, "LEDENBOT_FAULTPOINT": faultpoint, "LEDENBOT_CACHE_DIR": str(CACHE)}
    process = subprocess.Popen([LEDENBOT, "reindex", "--letters", str(letters), "--index", str(index)],
                               env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    for line in process.stderr:
        if line.strip() == f"faultpoint {faultpoint}":
            return process
    raise AssertionError(f"reindex ended before {faultpoint}: exit {process.wait()}")


@pytest.fixture()
def served_index(tmp_path, sample_engine):
    """A private copy of letters and of a built index over them."""
    letters = tmp_path / "letters"
    shutil.copytree(LETTERS, letters)
    index = tmp_path / "index"
    shutil.copytree(sample_engine.index_dir, index)
    return letters, index


@pytest.mark.slow
@pytest.mark.parametrize("point", ["loaded", "embedding", "writing", "switching"])
def test_a_reindex_killed_at_any_point_loses_nothing(served_index, embedder, point):
    letters, index = served_index
    before = current_build(index)
    write_letter(letters, "nieuw.md", "Afvalstoffenheffing", "Gemeenten mogen de afvalstoffenheffing kostendekkend maken.",
                 date="2024-09-01", lbr="Lbr. 24/070")
    process = reindex_until(point, letters, index)
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert current_build(index) == before  # the previous index still serves
    old = make_engine(index, letters, embedder)
    assert old.ask(BOFV).passages[0].letter.id == "seed-update-vng-inzet-kabinetsformatie"

    report = make_engine(index, letters, embedder).reindex()  # and the next reindex is complete and correct
    assert (report.added, report.letters) == (1, 16)
    manifest = load_index(index).manifest
    assert len({l.id for l in manifest.letters}) == 16
    assert sum(l.chunk_count for l in manifest.letters) == len(manifest.chunks) == load_index(index).vectors.ntotal
    assert len({(c.letter_id, c.position) for c in manifest.chunks}) == len(manifest.chunks)
    assert not [p for p in (index / "builds").iterdir() if p.name.startswith(".tmp")]  # crash leftovers cleaned


@pytest.mark.slow
def test_cli_and_slack_reindex_at_once(harness):  # noqa: F811
    index = harness.bot.engine.index_dir
    write_letter(harness.letters, "nieuw.md", "Afvalstoffenheffing", "Gemeenten mogen de afvalstoffenheffing verhogen.")
    cli = reindex_until("embedding", harness.letters, index)  # the CLI holds the lock
    try:
        harness.command("/ledenbrief-reindex", "", user="USTAFF")
        report = harness.fake.wait_for("chat.postMessage", timeout=60)[0]
        assert "Er loopt al een herindexering" in report["text"]
        second_cli = subprocess.run([LEDENBOT, "reindex", "--letters", str(harness.letters), "--index", str(index)],
                                    env={**os.environ, "LEDENBOT_CACHE_DIR": str(CACHE)}, capture_output=True, text=True)
        assert second_cli.returncode == 1 and "already running" in second_cli.stderr
    finally:
        cli.send_signal(signal.SIGKILL)
        cli.wait()
    harness.command("/ledenbrief-reindex", "", user="USTAFF")  # the lock died with the CLI
    done = harness.fake.wait_for("chat.postMessage", 2, timeout=120)[1]
    assert "Herindexering klaar: 1 toegevoegd" in done["text"]


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.unlink()  # a new file: the previous build may share this one through a hard link
    path.write_bytes(data[:100])


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda build: next(build.glob("*.vectors.npy")).unlink(), "damaged"),
        (lambda build: truncate(next(build.glob("*.vectors.npy"))), "damaged"),
        (lambda build: truncate(next(build.glob("*.chunks.json"))), "damaged"),
        (lambda build: (build / MANIFEST).write_text((build / MANIFEST).read_text()[:500]), "damaged"),
        (lambda build: (build / MANIFEST).unlink(), "incomplete"),
        (lambda build: next(build.glob("*.terms.npz")).unlink(), "damaged"),
        (lambda build: shutil.rmtree(build), "missing build"),
    ],
)
def test_a_damaged_index_names_the_problem_and_the_fix(served_index, embedder, damage, message):
    letters, index = served_index
    damage(current_build(index))
    with pytest.raises(UserError, match=message) as raised:
        make_engine(index, letters, embedder).ask(BOFV)
    assert "ledenbot reindex" in str(raised.value)
    assert make_engine(index, letters, embedder).reindex().letters == 15  # the fix works
    assert make_engine(index, letters, embedder).ask(BOFV).found


def test_a_running_engine_keeps_its_index_when_a_new_build_is_broken(served_index, embedder):
    letters, index = served_index
    serving = make_engine(index, letters, embedder)
    assert serving.ask(BOFV).found
    broken = index / "builds" / "99990101T000000000000Z-1"
    shutil.copytree(current_build(index), broken)
    next(broken.glob("*.vectors.npy")).write_bytes(b"not a vector file")
    (index / "CURRENT").write_text(broken.name + "\n")
    answer = serving.ask(BOFV)  # still answers, from the build it had
    assert answer.found and answer.passages[0].letter.id == "seed-update-vng-inzet-kabinetsformatie"


def test_slack_server_errors_are_retried_and_a_dead_slack_crashes_nothing(harness):  # noqa: F811
    harness.fake.fail("chat.postMessage", Failure(500), Failure(503))
    harness.event(mention(BOFV, ts="1700000200.000100"))
    posts = harness.fake.wait_for("chat.postMessage", 3)
    assert all(p["thread_ts"] == "1700000200.000100" for p in posts)

    harness.fake.fail("chat.postMessage", *[Failure(500)] * 3)  # more than the retries: given up, logged
    harness.event(mention("Waar is de ALV in juni 2024?", ts="1700000201.000100"))
    harness.fake.wait_for("chat.postMessage", 6)
    harness.event(mention("Wat is de Woo?", ts="1700000202.000100"))  # the bot is still there
    last = harness.fake.wait_for("chat.postMessage", 7)[6]
    assert last["thread_ts"] == "1700000202.000100"


def test_a_slack_timeout_is_retried(tmp_path, embedder, sample_engine):
    from bot.app import build_app
    from fake_slack import FakeSlack
    from index.api import Engine
    from test_slack_bot import Harness, bot_settings, start_server

    fake = FakeSlack()
    settings = bot_settings(tmp_path, fake, sample_engine.index_dir, LETTERS, slack_timeout=1)
    bot = build_app(settings, Engine(settings, embedder=embedder))
    server, url = start_server(bot)
    try:
        fake.fail("chat.postMessage", Failure(200, body={"ok": True, "ts": "1.1", "channel": "C"}, delay=3))
        Harness(url=url, bot=bot, fake=fake, letters=LETTERS).event(mention(BOFV, ts="1700000300.000100"))
        posts = fake.wait_for("chat.postMessage", 2, timeout=30)
        assert posts[1]["thread_ts"] == "1700000300.000100"
    finally:
        server.close()
        fake.close()


@pytest.mark.slow
def test_fifty_questions_at_once(harness):  # noqa: F811
    questions = [BOFV, "Waar is de ALV in juni 2024?", "Hoeveel Oekraïners staan in de BRP?", "Wat is de Woo?",
                 "hoe groot is het ravijn in 2026?"]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    acks: list[float] = []
    statuses: list[int] = []

    def ask(i: int) -> None:
        status, _, seconds = post(harness.url + "/slack/events",
                                  event_body(mention(questions[i % 5], ts=f"17000004{i:02d}.000100"), f"EvLoad{i}"),
                                  "application/json", SECRET)
        statuses.append(status)
        acks.append(seconds)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [200] * 50
    assert max(acks) < 3.0, sorted(acks)[-5:]
    posts = harness.fake.wait_for("chat.postMessage", 50, timeout=180)
    time.sleep(1.0)
    posts = harness.fake.calls_to("chat.postMessage")
    assert len(posts) == 50 and len({p["thread_ts"] for p in posts}) == 50  # each answered once
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert growth_mb < 300, growth_mb


def test_oversized_request_body_is_refused(harness):  # noqa: F811
    status, body, _ = post(harness.url + "/slack/events", b"x" * (1024 * 1024 + 1), "application/json", SECRET)
    assert status == 413 and b"too large" in body
    assert [c.method for c in harness.fake.calls if c.method != "auth.test"] == []


def test_health_without_an_index_is_alive_and_says_why(tmp_path, embedder):
    """Liveness (/healthz) stays 200: a restart would not build the index; /readyz keeps traffic away."""
    from bot.server import health
    from index.api import Engine
    from index.settings import EngineSettings

    code, body = health(Engine(EngineSettings(index_dir=tmp_path / "none", cache_dir=CACHE), embedder=embedder))
    assert code == 200 and body["status"] == "no index" and "ledenbot reindex" in body["detail"]
    assert json.dumps(body)

"""`ledenbot serve` as deployed (the Procfile's web process): a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import CACHE
from fake_slack import FakeSlack, event_body, post
from test_slack_bot import SECRET, TOKEN, mention

LEDENBOT = str(Path(sys.executable).parent / "ledenbot")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(tmp_path: Path, index: Path, fake: FakeSlack, **extra: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.url,
           "INDEX_DIR": str(index), "LEDENBOT_STATE_DIR": str(tmp_path / "state"), "LEDENBOT_CACHE_DIR": str(CACHE),
           "LEDENBOT_ANNOUNCE_CHANNEL": "CANNOUNCE", "PORT": str(port), **extra}
    process = subprocess.Popen([LEDENBOT, "serve"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    return process, f"http://127.0.0.1:{port}"


def wait_for_health(process: subprocess.Popen, base: str, seconds: float = 120) -> dict | None:
    """/healthz once it reports an index ("ok"); None if it never did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                health = json.loads(response.read())
            if health["status"] == "ok":
                return health
            assert health["status"] == "no index" and health["detail"]  # alive: not to be restarted
        except OSError:  # not listening yet
            pass
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.5)
    return None


def stop(process: subprocess.Popen, fake: FakeSlack) -> str:
    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=30)[0]
    fake.close()
    return output


def test_serve_answers_over_http_and_logs_no_secrets(tmp_path, sample_engine):
    index = tmp_path / "index"
    shutil.copytree(sample_engine.index_dir, index)
    fake = FakeSlack()
    process, base = start_serve(tmp_path, index, fake)
    try:
        health = wait_for_health(process, base)
        assert health and health["status"] == "ok" and health["letters"] == 15

        status, _, seconds = post(base + "/slack/events", event_body(mention("Wanneer is het volgende BOFv?"), "EvServe"),
                                  "application/json", SECRET)
        assert status == 200 and seconds < 3
        answer = fake.wait_for("chat.postMessage")[0]
        assert "BOFv" in answer["blocks"][0]["text"]["text"]
        assert fake.calls[0].headers.get("Authorization") == f"Bearer {TOKEN}"  # it does use the token...
    finally:
        output = stop(process, fake)
    assert "listening on" in output
    assert TOKEN not in output and SECRET not in output  # ...and never logs it


def test_an_index_built_by_another_encoder_is_rebuilt_at_start(tmp_path, sample_engine):
    """After an upgrade that changes the default encoder the bot rebuilds its index by itself
    instead of answering nothing until someone reindexes."""
    index = tmp_path / "index"
    shutil.copytree(sample_engine.index_dir, index)
    fake = FakeSlack()
    process, base = start_serve(tmp_path, index, fake, LEDENBOT_ENCODER="onnx-fp32",
                                LETTERS_DIR=str(sample_engine.settings.letters_dir.resolve()))
    try:
        health = wait_for_health(process, base, seconds=300)
        assert health and health["status"] == "ok" and health["letters"] == 15
        status, _, _ = post(base + "/slack/events", event_body(mention("Wanneer is het volgende BOFv?"), "EvRebuilt"),
                            "application/json", SECRET)
        assert status == 200
        answer = fake.wait_for("chat.postMessage")[0]
        assert "BOFv" in answer["blocks"][0]["text"]["text"]
    finally:
        output = stop(process, fake)
    assert "Reindexing in the background now" in output and "Index rebuilt with this model" in output


def test_serve_without_settings_names_them(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    result = subprocess.run([LEDENBOT, "serve"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "Missing settings SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET" in result.stderr


def test_serve_with_slack_unreachable_says_so(tmp_path):
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/", "LEDENBOT_STATE_DIR": str(tmp_path / "state")}
    result = subprocess.run([LEDENBOT, "serve"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Could not reach the Slack Web API" in result.stderr.strip().splitlines()[-1]
    assert TOKEN not in result.stderr

"""A fake Slack Web API on 127.0.0.1 that records every call, and a signed-request sender.

It answers the methods the bot uses the way Slack does (ok, ts, channel history with
metadata) and can be told to fail a method (429 with Retry-After, 500) a number of times.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BOT_USER = "UBOT"
BOT_ID = "BBOT"
JSON_FIELDS = ("blocks", "metadata", "view", "attachments")


@dataclass
class Call:
    method: str
    params: dict
    headers: dict


@dataclass
class Failure:
    status: int
    headers: dict = field(default_factory=dict)
    body: dict = field(default_factory=lambda: {"ok": False, "error": "fatal_error"})
    delay: float = 0.0  # seconds to wait before answering (a slow or hanging Slack)


class FakeSlack:
    def __init__(self):
        self.calls: list[Call] = []
        self.history: dict[str, list[dict]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.failures: dict[str, list[Failure]] = {}
        self.files: dict[str, dict] = {}  # file id -> {"name", "data"}: uploads the bot may download
        self._ts = itertools.count(1)
        self._lock = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                parsed = urllib.parse.urlparse(self.path)
                if parsed.path.startswith("/files/"):
                    return self._download(parsed.path.split("/")[2])
                self._handle(parsed.path, dict(urllib.parse.parse_qsl(parsed.query)))

            def do_POST(self):
                parsed = urllib.parse.urlparse(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = dict(urllib.parse.parse_qsl(raw))
                params.update(dict(urllib.parse.parse_qsl(parsed.query)))
                self._handle(parsed.path, params)

            def _download(self, file_id):
                """url_private_download: only with the bot token, like Slack."""
                with fake._lock:
                    fake.calls.append(Call("file_download", {"id": file_id}, dict(self.headers)))
                    fake._lock.notify_all()
                file = fake.files.get(file_id)
                authorized = (self.headers.get("Authorization") or "").startswith("Bearer xoxb-")
                status, data = (200, file["data"]) if file and authorized else (404 if authorized else 403, b"")
                self.send_response(status)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, path, params):
                for key in JSON_FIELDS:
                    if isinstance(params.get(key), str):
                        try:
                            params[key] = json.loads(params[key])
                        except ValueError:
                            pass
                method = path.rsplit("/", 1)[-1] if path.startswith("/api/") else "response_url"
                status, headers, body = fake._respond(method, params, dict(self.headers))
                data = json.dumps(body).encode()
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.server.server_port}/response/{name}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def upload(self, file_id: str, name: str, data: bytes) -> dict:
        """Make a file downloadable; returns it as a file_share event lists it (id only: the
        bot asks files.info for the rest)."""
        self.files[file_id] = {"name": name, "data": data}
        return {"id": file_id}

    def fail(self, method: str, *failures: Failure) -> None:
        self.failures.setdefault(method, []).extend(failures)

    # ------------------------------------------------------------------------------------
    def _respond(self, method: str, params: dict, headers: dict) -> tuple[int, dict, dict]:
        with self._lock:
            self.calls.append(Call(method, params, headers))
            self._lock.notify_all()
            pending = self.failures.get(method)
            failure = pending.pop(0) if pending else None
            if failure is None:
                return 200, {}, self._ok(method, params)
        time.sleep(failure.delay)
        return failure.status, failure.headers, failure.body

    def _ok(self, method: str, params: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": "T1", "user": "ledenbot",
                    "team": "VNG", "url": "https://vng.slack.com/"}
        if method == "chat.postMessage":
            ts = f"{1700000000 + next(self._ts)}.000100"
            message = {"ts": ts, "text": params.get("text"), "bot_id": BOT_ID, "metadata": params.get("metadata")}
            self.history.setdefault(params["channel"], []).append(message)
            return {"ok": True, "channel": params["channel"], "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + next(self._ts)}.000200"}
        if method == "conversations.history":
            messages = list(reversed(self.history.get(params.get("channel"), [])))
            return {"ok": True, "messages": messages, "has_more": False}
        if method == "files.info":
            file = self.files.get(params.get("file"))
            if file is None:
                return {"ok": False, "error": "file_not_found"}
            port = self.server.server_port
            return {"ok": True, "file": {"id": params["file"], "name": file["name"], "size": len(file["data"]),
                                         "url_private_download": f"http://127.0.0.1:{port}/files/{params['file']}/download"}}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.usergroups.get(params.get("usergroup"), [])}
        return {"ok": True}

    # ------------------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[dict]:
        with self._lock:
            return [c.params for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 60.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c.params for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} call(s) to {method}, got {len(found)}: "
                                         f"{[c.method for c in self.calls]}")
                self._lock.wait(remaining)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def post(url: str, body: bytes, content_type: str, secret: str | None, *, timestamp: int | None = None,
         signature: str | None = None, headers: dict | None = None) -> tuple[int, bytes, float]:
    """POST a (by default correctly signed) request; returns status, body and seconds taken."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(timestamp)}
    if secret is not None or signature is not None:
        all_headers["X-Slack-Signature"] = signature or sign(secret, body, timestamp)
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=body, headers=all_headers, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), time.monotonic() - started


def event_body(event: dict, event_id: str) -> bytes:
    return json.dumps({
        "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()), "event": event,
        "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True}],
    }).encode()


def command_body(command: str, text: str, user: str, channel: str, response_url: str) -> bytes:
    return urllib.parse.urlencode({
        "command": command, "text": text, "user_id": user, "channel_id": channel, "team_id": "T1",
        "response_url": response_url, "trigger_id": "trigger", "api_app_id": "A1",
    }).encode()


def action_body(action_id: str, value: str, user: str, channel: str, response_url: str,
                thread_ts: str | None = None) -> bytes:
    payload = {
        "type": "block_actions", "team": {"id": "T1"}, "api_app_id": "A1", "user": {"id": user},
        "channel": {"id": channel}, "response_url": response_url, "trigger_id": "trigger",
        "container": {"type": "message", "channel_id": channel, "message_ts": "1.1"},
        "message": {"ts": "1.1", "thread_ts": thread_ts, "type": "message"},
        "actions": [{"action_id": action_id, "block_id": "feedback", "value": value, "type": "button",
                     "action_ts": str(time.time())}],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()

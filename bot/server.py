"""Run the bot: HTTP mode (waitress; POST /slack/events, GET /healthz, /readyz, /metrics) or
Socket Mode."""

from __future__ import annotations

import json
import logging
import threading

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.app import Bot, build_app
from bot.metrics import exposition, watch_index
from bot.redact import install_redaction
from bot.settings import BotSettings
from index.api import Engine
from index.errors import ModelMismatch, UserError
from index.models import ReindexReport

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024  # Slack payloads are a few KB
DB_WATCH_SECONDS = 2.0


def health(engine: Engine) -> tuple[int, dict]:
    """Liveness: 200 while the process serves, with the index status. Without an index (none
    built yet, or one being rebuilt for another model) it is alive all the same: a restart
    would only throw a rebuild away. /readyz is what says "send traffic"."""
    try:
        status = engine.status()
    except UserError as exc:
        return 200, {"status": "no index", "detail": str(exc)}
    return 200, {"status": "ok", "build": engine.build_id(), **status.model_dump(mode="json")}


def ready(bot: Bot) -> tuple[int, dict]:
    """Ready for traffic: an index is loaded and (with DATABASE_URL) the database answers."""
    loaded = bot.engine.loaded()
    database = bot.engine.database.ping() if bot.engine.settings.database_url else None
    body = {"index": loaded, "database": {True: "ok", False: "unreachable", None: "not used"}[database]}
    ok = loaded and database is not False
    return (200 if ok else 503), {"status": "ready" if ok else "not ready", **body}


def wsgi_app(bot: Bot):
    slack = SlackRequestHandler(bot.app)
    watch_index(bot.engine.status)

    def application(environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/healthz" and method in ("GET", "HEAD"):
            code, body = health(bot.engine)
            return _json(start_response, code, body)
        if path == "/readyz" and method in ("GET", "HEAD"):
            return _json(start_response, *ready(bot))
        if path == "/metrics" and method == "GET":
            data, content_type = exposition()
            start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(data)))])
            return [data]
        if path == "/slack/events":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_BODY_BYTES:
                return _json(start_response, 413, {"error": "request body too large"})
            return slack(environ, start_response)
        return _json(start_response, 404, {"error": "not found"})

    return application


def _json(start_response, code: int, body: dict):
    reason = {200: "OK", 404: "Not Found", 413: "Payload Too Large", 503: "Service Unavailable"}[code]
    data = json.dumps(body).encode()
    start_response(f"{code} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def watch_builds(bot: Bot, every: float, stop: threading.Event) -> threading.Thread:
    """Pick up builds made elsewhere (a shell `ledenbot reindex`, another replica) and
    announce their letters."""

    def loop():
        seen = bot.engine.build_id()
        while not stop.wait(every):
            try:
                bot.engine.refresh()  # DATABASE_URL: copy a build another replica published
                current = bot.engine.build_id()
                if current != seen:
                    bot.engine.searcher()
                    seen = current
                bot.announcer.sync()
            except UserError:
                pass
            except Exception:
                log.exception("Watching the index failed; will try again")

    thread = threading.Thread(target=loop, name="index-watch", daemon=True)
    thread.start()
    return thread


def start_bot(settings: BotSettings, socket_mode: bool = False) -> Bot:
    settings.require(socket_mode)
    install_redaction(settings.secrets())
    engine = Engine(settings)
    if settings.database_url:
        engine.database  # connect and migrate (under a lock: replicas may start together)
    try:
        bot = build_app(settings, engine, socket_mode=socket_mode)  # Bolt checks the token (auth.test)
    except SlackApiError as exc:
        raise UserError(f"Slack refused SLACK_BOT_TOKEN ({exc.response.get('error')}): check the token "
                        "in the environment or .env.") from None
    except (BoltError, OSError) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        raise UserError(f"Could not reach the Slack Web API at {settings.slack_api_url} ({reason}): check "
                        "SLACK_API_URL and the network, then start again.") from None
    try:
        engine.searcher()  # load the model and index before the first question
    except ModelMismatch as exc:
        # After an upgrade that changed the default encoder: rebuild rather than stay mute
        # until someone reindexes by hand.
        log.warning("%s Reindexing in the background now.", exc)
        bot.reindexer.start(_log_rebuild)
    except UserError as exc:
        log.warning("Starting without an index: %s", exc)
    bot.announcer.sync()
    return bot


def _log_rebuild(report: ReindexReport | None, error: str | None) -> None:
    if report is not None:
        log.warning("Index rebuilt with this model: %d letters, %d passages embedded.", report.letters,
                    report.chunks_embedded)
    elif error == "busy":  # another replica (or a shell) is rebuilding: its build is picked up when published
        log.warning("Another process is reindexing; this bot serves its build once it is published.")
    else:
        log.error("Rebuilding the index with this model failed: %s Run `ledenbot reindex`.", error)


def serve(port: int | None = None, socket_mode: bool = False, announce_backfill: bool = False) -> int:
    for name in ("bot", "index", "slack_bolt"):  # a server's own doings belong in its log
        logging.getLogger(name).setLevel(logging.INFO)
    overrides = {"announce_backfill": True} if announce_backfill else {}
    settings = BotSettings(**overrides)
    bot = start_bot(settings, socket_mode)
    stop = threading.Event()
    # Replicas on one database follow a new build within a few seconds (one cheap query).
    every = min(settings.watch_seconds, DB_WATCH_SECONDS) if settings.database_url else settings.watch_seconds
    watch_builds(bot, every, stop)
    if socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        log.warning("Ledenbrieven-bot running in Socket Mode")
        SocketModeHandler(bot.app, settings.slack_app_token.get_secret_value()).start()
        return 0
    from waitress import serve as waitress_serve

    listen = port or settings.port
    log.warning("Ledenbrieven-bot listening on http://0.0.0.0:%d (POST /slack/events, GET /healthz /readyz "
                "/metrics)", listen)
    waitress_serve(wsgi_app(bot), host="0.0.0.0", port=listen, threads=8, max_request_body_size=MAX_BODY_BYTES)
    return 0

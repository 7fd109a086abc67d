"""The Bolt app: short listeners over `Answerer`, `Reindexer`, `Announcer` and `State`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.announce import Announcer
from bot.answering import Answerer
from bot.blocks import home_view, notice
from bot.metrics import VOTES, MeteredWebClient
from bot.letters_admin import LetterAdmin
from bot.letters_admin import register as register_letter_admin
from bot.reindexing import Reindexer
from bot.settings import BotSettings
from bot.slack_text import mentions, plain_question
from bot.staff import StaffCheck
from bot.state import State
from bot.texts import t
from index.api import Engine
from index.errors import UserError

log = logging.getLogger(__name__)


@dataclass
class Bot:
    app: App
    engine: Engine
    state: State
    client: WebClient
    announcer: Announcer
    reindexer: Reindexer


def slack_client(settings: BotSettings) -> WebClient:
    """Web API client for SLACK_API_URL that waits out 429s (Retry-After), 5xx, timeouts and
    network errors a few times before giving up."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return MeteredWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=int(max(1, settings.slack_timeout)),
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            # Timeouts too: a rare duplicate post is better than a member left without an answer.
            ConnectionErrorRetryHandler(
                max_retry_count=2, error_types=[URLError, ConnectionResetError, RemoteDisconnected, TimeoutError]
            ),
        ],
    )


def build_app(settings: BotSettings, engine: Engine, socket_mode: bool = False) -> Bot:
    client = slack_client(settings)
    state = State(engine.database or settings.state_dir)  # PostgreSQL with DATABASE_URL, else SQLite
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None,
        request_verification_enabled=not socket_mode,
        process_before_response=False,
    )
    answerer = Answerer(engine, state)
    announcer = Announcer(engine, state, client, settings.announce_channel, backfill=settings.announce_backfill)
    reindexer = Reindexer(engine, after=announcer.sync)
    staff = StaffCheck(settings.staff, client)
    # Before on_message: Bolt runs the first matching listener, and uploads are messages.
    register_letter_admin(app, LetterAdmin(engine, state, client, reindexer, staff, settings))
    bot_user = {"id": None}

    def bot_user_id(context) -> str | None:
        bot_user["id"] = bot_user["id"] or context.get("bot_user_id")
        return bot_user["id"]

    def post_reply(channel: str, question: str, thread_ts: str | None, context_question: str | None = None,
                   focus: list[str] | None = None) -> None:
        reply = answerer.reply(question, context=context_question, focus=focus)
        if thread_ts and reply.answered:  # before posting: a quick follow-up may reach any replica
            state.remember_thread(channel, thread_ts, question)
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, blocks=reply.blocks, text=reply.text,
                                unfurl_links=False, unfurl_media=False)

    @app.middleware
    def skip_slack_retries(body, next):
        """Slack re-sends an event it thinks was not acknowledged: answer it once only."""
        event_id = body.get("event_id")
        if event_id and not state.first_time(event_id):
            log.info("Ignoring a repeat of event %s", event_id)
            return BoltResponse(status=200, body="")
        return next()

    @app.event("app_mention")
    def on_mention(event, context):
        if event.get("bot_id") or event.get("subtype"):
            return
        thread_ts = event.get("thread_ts") or event["ts"]
        known = state.thread(event["channel"], thread_ts) if event.get("thread_ts") else None
        post_reply(event["channel"], plain_question(event.get("text")), thread_ts,
                   context_question=known.question if known else None,
                   focus=[known.letter_id] if known and known.letter_id else None)

    @app.event("message")
    def on_message(event, context):
        if event.get("bot_id") or event.get("subtype"):  # bots, edits, deletions, joins
            return
        channel, thread_ts = event["channel"], event.get("thread_ts")
        if event.get("channel_type") == "im":
            post_reply(channel, plain_question(event.get("text")), thread_ts)
            return
        if not thread_ts or mentions(event.get("text"), bot_user_id(context)):
            return  # not a thread follow-up, or app_mention already handles it
        known = state.thread(channel, thread_ts)
        if known:
            post_reply(channel, plain_question(event.get("text")), thread_ts, context_question=known.question,
                       focus=[known.letter_id] if known.letter_id else None)

    @app.command("/ledenbrief")
    def on_ask_command(ack, command, respond):
        ack()
        reply = answerer.reply(plain_question(command.get("text")), share=True)
        try:
            client.chat_postEphemeral(channel=command["channel_id"], user=command["user_id"],
                                      blocks=reply.blocks, text=reply.text)
        except SlackApiError:  # e.g. the bot is not in that channel: the response_url always works
            respond(blocks=reply.blocks, text=reply.text, response_type="ephemeral")

    @app.command("/ledenbrief-reindex")
    def on_reindex_command(ack, command, respond):
        ack()
        channel, user = command["channel_id"], command["user_id"]
        argument = (command.get("text") or "").strip()
        if not staff.is_staff(user):
            respond(text=t("nl", "staff_only"), response_type="ephemeral")
            return
        if argument:
            respond(text=t("nl", "unknown_argument", arg=argument[:40].replace("`", "")), response_type="ephemeral")
            return

        def report(result, error):
            if error == "busy":
                text = t("nl", "reindex_busy")
            elif error:
                text = t("nl", "reindex_failed", reason=error)
            else:
                text = t("nl", "reindex_done", added=result.added, changed=result.changed, removed=result.removed,
                         letters=result.letters, chunks=result.chunks, embedded=result.chunks_embedded)
                text += "".join("\n• " + t("nl", "skipped", file=p.file, reason=p.reason) for p in result.skipped)
            blocks, fallback = notice(text)
            client.chat_postMessage(channel=channel, blocks=blocks, text=fallback, unfurl_links=False)

        if reindexer.start(report):
            respond(text=t("nl", "reindex_started"), response_type="ephemeral")
        else:
            respond(text=t("nl", "reindex_busy"), response_type="ephemeral")

    def on_feedback(ack, body, action, vote: int):
        ack()
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        stored = state.answer(str(action.get("value", ""))[:64])
        if stored is None:
            log.warning("Feedback for an unknown answer id from %s", user)
            text = t("nl", "expired")
        else:
            text = t("nl", "thanks") if state.vote(stored, user, vote) else t("nl", "vote_failed")
            VOTES.labels("up" if vote > 0 else "down").inc()
        if channel:
            thread_ts = (body.get("message") or {}).get("thread_ts")
            client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=thread_ts)

    @app.action("feedback_up")
    def on_feedback_up(ack, body, action):
        on_feedback(ack, body, action, +1)

    @app.action("feedback_down")
    def on_feedback_down(ack, body, action):
        on_feedback(ack, body, action, -1)

    @app.action("share_answer")
    def on_share(ack, body, action, respond):
        ack()
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id")
        stored = state.answer(str(action.get("value", ""))[:64])
        if stored is None or not channel:
            respond(text=t("nl", "expired"), response_type="ephemeral", replace_original=False)
            return
        reply = answerer.reply(stored.question, focus=stored.focus, record=False)
        blocks = list(reply.blocks)
        blocks.insert(-1, {"type": "context", "elements": [{"type": "mrkdwn", "text": t("nl", "shared_by", user=user)}]})
        client.chat_postMessage(channel=channel, blocks=blocks, text=reply.text, unfurl_links=False, unfurl_media=False)
        respond(delete_original=True)

    @app.event("app_home_opened")
    def on_home(event):
        if event.get("tab") not in (None, "home"):
            return
        try:
            newest, status, events = engine.letters()[:5], engine.status(), engine.upcoming_events()
        except UserError:
            newest, status, events = [], None, []
        client.views_publish(user_id=event["user"], view=home_view(newest, status, events))

    @app.error
    def on_error(error, body):
        log.error("Listener failed: %s (%s)", type(error).__name__, error, exc_info=error)

    return Bot(app=app, engine=engine, state=state, client=client, announcer=announcer, reindexer=reindexer)

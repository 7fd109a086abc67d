"""Announce every newly published letter exactly once in the announcement channel.

Exactly once across crashes and replicas: one replica at a time syncs (the state's
`exclusive("announce")`, a PostgreSQL advisory lock that dies with its holder); the intent is
claimed as a row *before* posting ("posting"), the result written after ("posted"). A letter still "posting" after a restart may or may not have
reached Slack, so the channel's recent history is searched for the message's metadata
(`ledenbrief_announced` with the letter id): found means record it, not found means post it.
"""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import announcement
from bot.metrics import ANNOUNCEMENTS
from bot.state import State
from index.api import Engine
from index.errors import UserError

log = logging.getLogger(__name__)

EVENT_TYPE = "ledenbrief_announced"
BACKFILL_KEY = "announcements_initialized"
HISTORY_PAGES = 5


class Announcer:
    def __init__(self, engine: Engine, state: State, client: WebClient, channel: str | None, backfill: bool = False):
        self.engine = engine
        self.state = state
        self.client = client
        self.channel = channel
        self.backfill = backfill
        self._lock = threading.Lock()

    def sync(self) -> list[str]:
        """Announce the letters of the current index not yet announced; returns their ids."""
        if not self.channel:
            return []
        with self._lock, self.state.exclusive("announce") as mine:
            if not mine:  # another replica is announcing right now; it announces these too
                return []
            try:
                letters = self.engine.letters()
            except UserError as exc:
                log.info("No announcements: %s", exc)
                return []
            if self.state.meta(BACKFILL_KEY) is None:
                self.state.set_meta(BACKFILL_KEY, "1")
                if not self.backfill:
                    # The first index the bot sees is history, not news.
                    for letter in letters:
                        self.state.set_announcement(letter.id, "backfill")
                    log.info("First index: %d existing letters recorded without announcing.", len(letters))
                    return []
            announced = []
            for letter in sorted(letters, key=lambda l: (l.date is not None, l.date)):
                record = self.state.announcement(letter.id)
                if record is not None and record[0] != "posting":
                    continue
                if record is not None:
                    try:
                        if self._recover(letter.id):
                            continue
                    except Exception:  # unsure whether it was posted: never risk a duplicate
                        log.warning("Could not check whether %s was announced; will retry.", letter.id, exc_info=True)
                        continue
                if self._post(letter, claimed=record is not None):
                    announced.append(letter.id)
            return announced

    def _post(self, letter, claimed: bool) -> bool:
        """`claimed`: our intent record is already there (a "posting" not found in the history)."""
        if not claimed and not self.state.claim_announcement(letter.id, self.channel):
            return False
        blocks, text = announcement(letter, self.engine.opening(letter.id))
        try:
            response = self.client.chat_postMessage(
                channel=self.channel, blocks=blocks, text=text, unfurl_links=False, unfurl_media=False,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"letter_id": letter.id}},
            )
        except SlackApiError as exc:
            log.error("Announcing %s failed (%s); will retry on the next sync.", letter.id, exc.response.get("error"))
            return False
        except Exception:  # network trouble: the "posting" record makes the next sync check first
            log.exception("Announcing %s failed; will retry on the next sync.", letter.id)
            return False
        self._record(letter.id, response["channel"], response["ts"])
        ANNOUNCEMENTS.inc()
        return True

    def _record(self, letter_id: str, channel: str, ts: str) -> None:
        self.state.set_announcement(letter_id, "posted", channel, ts)
        self.state.remember_thread(channel, ts, None, letter_id=letter_id)

    def _recover(self, letter_id: str) -> bool:
        """True if an earlier run did post this letter (then it is recorded now)."""
        cursor = None
        try:
            for _ in range(HISTORY_PAGES):
                page = self.client.conversations_history(
                    channel=self.channel, limit=200, include_all_metadata=True, cursor=cursor
                )
                for message in page.get("messages", []):
                    meta = message.get("metadata") or {}
                    if meta.get("event_type") == EVENT_TYPE and (meta.get("event_payload") or {}).get("letter_id") == letter_id:
                        self._record(letter_id, self.channel, message["ts"])
                        log.info("Announcement of %s was posted before a restart; recorded it.", letter_id)
                        return True
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SlackApiError as exc:
            log.warning("Could not read the channel history for %s (%s).", letter_id, exc.response.get("error"))
            raise
        return False

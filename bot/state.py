"""The bot's own memory: handled events, answered threads, answers, votes and announcements.

SQLite under LEDENBOT_STATE_DIR by default, PostgreSQL with DATABASE_URL (shared by every
replica): the same SQL on both (index/database.py), the schema in index/migrations/.
Exactly-once is a database property: a row is claimed (unique key) before the side effect.
When the database is unreachable the bot keeps answering from its loaded index: reads give
"unknown", writes are logged as lost, nothing raises into a listener.
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
import time
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel

from index.database import Database, DatabaseUnavailable, SqliteDatabase, migrate

QUESTION_DAYS = 400  # questions older than this are dropped
PENDING_SECONDS = 24 * 3600  # a preview nobody confirmed within a day is dropped

log = logging.getLogger(__name__)


def _degrades(what: str, fallback=None):
    """Database away: log `what` could not be done, return `fallback` (called if callable)."""

    def wrap(method):
        @functools.wraps(method)
        def run(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except DatabaseUnavailable as exc:
                log.error("State database unavailable: %s %s; answering from the loaded index goes on.", exc, what)
                return fallback(*args) if callable(fallback) else fallback
        return run

    return wrap

class StoredAnswer(BaseModel):
    id: str
    question: str
    letter_ids: list[str]
    focus: list[str] | None = None


class Vote(BaseModel):
    answer_id: str
    user_id: str
    vote: int
    question: str
    letter_ids: list[str]


class AskedQuestion(BaseModel):
    """A question as the report sees it: never who asked."""

    question: str
    asked_at: float
    found: bool
    vote: int = 0  # the sum of 👍 (+1) and 👎 (-1) on its answer


class PendingLetter(BaseModel):
    id: str
    user_id: str
    name: str
    data: bytes
    sidecar: dict[str, str]


class ThreadInfo(BaseModel):
    question: str | None
    letter_id: str | None


class State:
    def __init__(self, where: Path | Database):
        """`where`: a directory (SQLite file `bot.sqlite3` in it) or an open database."""
        self.db = where if isinstance(where, Database) else SqliteDatabase(Path(where) / "bot.sqlite3")
        if isinstance(self.db, SqliteDatabase):
            migrate(self.db)  # PostgreSQL is migrated by `ledenbot migrate` / `serve` at start
        self._inserts = 0

    def _run(self, sql: str, args: tuple = ()) -> tuple[int, list[tuple]]:
        return self.db.execute(sql, args)

    def _one(self, sql: str, args: tuple = ()) -> tuple | None:
        rows = self._run(sql, args)[1]
        return rows[0] if rows else None

    @contextmanager
    def exclusive(self, name: str):
        """Yields True for the only holder of `name` across every replica on this database."""
        with self.db.exclusive(name) as got:
            yield got

    # events -----------------------------------------------------------------------------
    @_degrades("(event not deduplicated: answering it)", True)
    def first_time(self, event_id: str) -> bool:
        """True the first time an event id is seen (by any replica); Slack retries get False."""
        count, _ = self._run("INSERT INTO events VALUES (?, ?) ON CONFLICT DO NOTHING", (event_id, time.time()))
        self._inserts += 1
        if self._inserts % 1000 == 0:  # Slack retries within minutes; a day is plenty
            self._run("DELETE FROM events WHERE seen_at < ?", (time.time() - 86400,))
        return count == 1

    # threads ----------------------------------------------------------------------------
    @_degrades("(thread not remembered)")
    def remember_thread(self, channel: str, thread_ts: str, question: str | None, letter_id: str | None = None) -> None:
        self._run(
            "INSERT INTO threads VALUES (?, ?, ?, ?) ON CONFLICT (channel, thread_ts) DO UPDATE SET "
            "question = COALESCE(threads.question, excluded.question), "
            "letter_id = COALESCE(excluded.letter_id, threads.letter_id)",
            (channel, thread_ts, question, letter_id),
        )

    @_degrades("(thread unknown)")
    def thread(self, channel: str, thread_ts: str) -> ThreadInfo | None:
        row = self._one("SELECT question, letter_id FROM threads WHERE channel = ? AND thread_ts = ?",
                        (channel, thread_ts))
        return ThreadInfo(question=row[0], letter_id=row[1]) if row else None

    # answers and votes ------------------------------------------------------------------
    @_degrades("(answer not saved: its votes will be refused)", lambda *a: secrets.token_urlsafe(9))
    def save_answer(self, question: str, letter_ids: list[str], focus: list[str] | None = None) -> str:
        answer_id = secrets.token_urlsafe(9)
        self._run("INSERT INTO answers VALUES (?, ?, ?, ?, ?)",
                  (answer_id, question, json.dumps(letter_ids), json.dumps(focus) if focus else None, time.time()))
        return answer_id

    @_degrades("(answer not found)")
    def answer(self, answer_id: str) -> StoredAnswer | None:
        row = self._one("SELECT id, question, letter_ids, focus FROM answers WHERE id = ?", (answer_id,))
        if not row:
            return None
        return StoredAnswer(id=row[0], question=row[1], letter_ids=json.loads(row[2]),
                            focus=json.loads(row[3]) if row[3] else None)

    @_degrades("(vote lost)", False)
    def vote(self, answer: StoredAnswer, user_id: str, vote: int) -> bool:
        """One vote per user per answer; voting again replaces it. False if it was not stored."""
        self._run(
            "INSERT INTO votes VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (answer_id, user_id) DO UPDATE SET "
            "vote = excluded.vote, voted_at = excluded.voted_at",
            (answer.id, user_id, vote, answer.question, json.dumps(answer.letter_ids), time.time()),
        )
        return True

    def votes(self) -> list[Vote]:
        rows = self._run("SELECT answer_id, user_id, vote, question, letter_ids FROM votes ORDER BY voted_at")[1]
        return [Vote(answer_id=r[0], user_id=r[1], vote=r[2], question=r[3], letter_ids=json.loads(r[4])) for r in rows]

    # announcements (the announcer holds `exclusive("announce")` around these) -------------
    def announcement(self, letter_id: str) -> tuple[str, str | None, str | None] | None:
        row = self._one("SELECT status, channel, ts FROM announcements WHERE letter_id = ?", (letter_id,))
        return (row[0], row[1], row[2]) if row else None

    def set_announcement(self, letter_id: str, status: str, channel: str | None = None, ts: str | None = None) -> None:
        self._run("INSERT INTO announcements VALUES (?, ?, ?, ?, ?) ON CONFLICT (letter_id) DO UPDATE SET "
                  "status = excluded.status, channel = excluded.channel, ts = excluded.ts, "
                  "updated_at = excluded.updated_at", (letter_id, status, channel, ts, time.time()))

    def claim_announcement(self, letter_id: str, channel: str | None) -> bool:
        """Write the intent ("posting") unless a record exists: True for the one claimant."""
        count, _ = self._run("INSERT INTO announcements VALUES (?, 'posting', ?, NULL, ?) ON CONFLICT DO NOTHING",
                             (letter_id, channel, time.time()))
        return count == 1

    def announced_ids(self) -> set[str]:
        return {r[0] for r in self._run("SELECT letter_id FROM announcements")[1]}

    def meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._run("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    # questions, for the staff report ----------------------------------------------------------
    @_degrades("(question not recorded for the report)")
    def record_question(self, question: str, found: bool, answer_id: str | None) -> None:
        self._run("INSERT INTO questions (id, question, asked_at, found, answer_id) VALUES (?, ?, ?, ?, ?)",
                  (secrets.token_urlsafe(9), question, time.time(), 1 if found else 0, answer_id))
        self._inserts += 1
        if self._inserts % 1000 == 0:  # the report looks back a year at most
            self._run("DELETE FROM questions WHERE asked_at < ?", (time.time() - QUESTION_DAYS * 86400,))

    def questions_since(self, since: float) -> list[AskedQuestion]:
        rows = self._run(
            "SELECT q.question, q.asked_at, q.found, COALESCE(SUM(v.vote), 0) FROM questions q "
            "LEFT JOIN votes v ON v.answer_id = q.answer_id WHERE q.asked_at >= ? "
            "GROUP BY q.id, q.question, q.asked_at, q.found ORDER BY q.asked_at", (since,))[1]
        return [AskedQuestion(question=r[0], asked_at=r[1], found=bool(r[2]), vote=r[3]) for r in rows]

    def vote_counts_since(self, since: float) -> tuple[int, int]:
        """(👍, 👎) votes cast since `since`."""
        row = self._one("SELECT COALESCE(SUM(CASE WHEN vote > 0 THEN 1 ELSE 0 END), 0), "
                        "COALESCE(SUM(CASE WHEN vote < 0 THEN 1 ELSE 0 END), 0) FROM votes WHERE voted_at >= ?",
                        (since,))
        return int(row[0]), int(row[1])

    # letters staff are about to add (the preview's buttons) -----------------------------------
    def save_pending(self, user_id: str, name: str, data: bytes, sidecar: dict[str, str]) -> str:
        pending_id = secrets.token_urlsafe(9)
        now = time.time()
        self._run("DELETE FROM pending_letters WHERE created_at < ?", (now - PENDING_SECONDS,))
        self._run("INSERT INTO pending_letters VALUES (?, ?, ?, ?, ?, ?)",
                  (pending_id, user_id, name, data, json.dumps(sidecar), now))
        return pending_id

    def take_pending(self, pending_id: str) -> PendingLetter | None:
        """The pending letter, removed so a double click (on any replica) stores it once; None if gone."""
        row = self._one("DELETE FROM pending_letters WHERE id = ? "
                        "RETURNING id, user_id, name, data, sidecar, created_at", (pending_id,))
        if not row or row[5] < time.time() - PENDING_SECONDS:
            return None
        return PendingLetter(id=row[0], user_id=row[1], name=row[2], data=bytes(row[3]), sidecar=json.loads(row[4]))

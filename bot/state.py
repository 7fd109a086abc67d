"""The bot's own memory in SQLite: handled events, answered threads, answers, votes and
announcements. One connection, serialized by a lock (Bolt runs listeners in threads)."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path

from pydantic import BaseModel

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY, seen_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS threads (
    channel TEXT NOT NULL, thread_ts TEXT NOT NULL, question TEXT, letter_id TEXT,
    PRIMARY KEY (channel, thread_ts));
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, question TEXT NOT NULL, letter_ids TEXT NOT NULL, focus TEXT,
    created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL, user_id TEXT NOT NULL, vote INTEGER NOT NULL, question TEXT NOT NULL,
    letter_ids TEXT NOT NULL, voted_at REAL NOT NULL, PRIMARY KEY (answer_id, user_id));
CREATE TABLE IF NOT EXISTS announcements (
    letter_id TEXT PRIMARY KEY, status TEXT NOT NULL, channel TEXT, ts TEXT, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    id TEXT PRIMARY KEY, question TEXT NOT NULL, asked_at REAL NOT NULL, found INTEGER NOT NULL,
    answer_id TEXT);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at);
CREATE TABLE IF NOT EXISTS pending_letters (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, sidecar TEXT NOT NULL,
    created_at REAL NOT NULL);
"""
QUESTION_DAYS = 400  # questions older than this are dropped
PENDING_SECONDS = 24 * 3600  # a preview nobody confirmed within a day is dropped


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
    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(directory / "bot.sqlite3", check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an announcement record must survive a crash
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self._inserts = 0

    def _run(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._db.execute(sql, args)

    # events -----------------------------------------------------------------------------
    def first_time(self, event_id: str) -> bool:
        """True the first time an event id is seen; Slack retries of it get False."""
        cursor = self._run("INSERT OR IGNORE INTO events VALUES (?, ?)", (event_id, time.time()))
        self._inserts += 1
        if self._inserts % 1000 == 0:  # Slack retries within minutes; a day is plenty
            self._run("DELETE FROM events WHERE seen_at < ?", (time.time() - 86400,))
        return cursor.rowcount == 1

    # threads ----------------------------------------------------------------------------
    def remember_thread(self, channel: str, thread_ts: str, question: str | None, letter_id: str | None = None) -> None:
        self._run(
            "INSERT INTO threads VALUES (?, ?, ?, ?) ON CONFLICT (channel, thread_ts) DO UPDATE SET "
            "question = COALESCE(threads.question, excluded.question), "
            "letter_id = COALESCE(excluded.letter_id, threads.letter_id)",
            (channel, thread_ts, question, letter_id),
        )

    def thread(self, channel: str, thread_ts: str) -> ThreadInfo | None:
        row = self._run("SELECT question, letter_id FROM threads WHERE channel = ? AND thread_ts = ?",
                        (channel, thread_ts)).fetchone()
        return ThreadInfo(question=row[0], letter_id=row[1]) if row else None

    # answers and votes ------------------------------------------------------------------
    def save_answer(self, question: str, letter_ids: list[str], focus: list[str] | None = None) -> str:
        answer_id = secrets.token_urlsafe(9)
        self._run("INSERT INTO answers VALUES (?, ?, ?, ?, ?)",
                  (answer_id, question, json.dumps(letter_ids), json.dumps(focus) if focus else None, time.time()))
        return answer_id

    def answer(self, answer_id: str) -> StoredAnswer | None:
        row = self._run("SELECT id, question, letter_ids, focus FROM answers WHERE id = ?", (answer_id,)).fetchone()
        if not row:
            return None
        return StoredAnswer(id=row[0], question=row[1], letter_ids=json.loads(row[2]),
                            focus=json.loads(row[3]) if row[3] else None)

    def vote(self, answer: StoredAnswer, user_id: str, vote: int) -> None:
        """One vote per user per answer; voting again replaces it."""
        self._run(
            "INSERT OR REPLACE INTO votes VALUES (?, ?, ?, ?, ?, ?)",
            (answer.id, user_id, vote, answer.question, json.dumps(answer.letter_ids), time.time()),
        )

    def votes(self) -> list[Vote]:
        rows = self._run("SELECT answer_id, user_id, vote, question, letter_ids FROM votes ORDER BY voted_at").fetchall()
        return [Vote(answer_id=r[0], user_id=r[1], vote=r[2], question=r[3], letter_ids=json.loads(r[4])) for r in rows]

    # announcements ----------------------------------------------------------------------
    def announcement(self, letter_id: str) -> tuple[str, str | None, str | None] | None:
        row = self._run("SELECT status, channel, ts FROM announcements WHERE letter_id = ?", (letter_id,)).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def set_announcement(self, letter_id: str, status: str, channel: str | None = None, ts: str | None = None) -> None:
        self._run("INSERT OR REPLACE INTO announcements VALUES (?, ?, ?, ?, ?)",
                  (letter_id, status, channel, ts, time.time()))

    def announced_ids(self) -> set[str]:
        return {r[0] for r in self._run("SELECT letter_id FROM announcements").fetchall()}

    def meta(self, key: str) -> str | None:
        row = self._run("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._run("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # questions, for the staff report ----------------------------------------------------------
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
            "GROUP BY q.id, q.question, q.asked_at, q.found ORDER BY q.asked_at", (since,)).fetchall()
        return [AskedQuestion(question=r[0], asked_at=r[1], found=bool(r[2]), vote=r[3]) for r in rows]

    def vote_counts_since(self, since: float) -> tuple[int, int]:
        """(👍, 👎) votes cast since `since`."""
        row = self._run("SELECT COALESCE(SUM(CASE WHEN vote > 0 THEN 1 ELSE 0 END), 0), "
                        "COALESCE(SUM(CASE WHEN vote < 0 THEN 1 ELSE 0 END), 0) FROM votes WHERE voted_at >= ?",
                        (since,)).fetchone()
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
        """The pending letter, removed so a double click stores it once; None if gone."""
        with self._lock:
            row = self._db.execute("SELECT id, user_id, name, data, sidecar, created_at FROM pending_letters WHERE id = ?",
                                   (pending_id,)).fetchone()
            if not row or self._db.execute("DELETE FROM pending_letters WHERE id = ?", (pending_id,)).rowcount != 1:
                return None
        if row[5] < time.time() - PENDING_SECONDS:
            return None
        return PendingLetter(id=row[0], user_id=row[1], name=row[2], data=bytes(row[3]), sidecar=json.loads(row[4]))

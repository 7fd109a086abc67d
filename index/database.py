"""One small seam over the two databases: SQLite (embedded default) and PostgreSQL
(`DATABASE_URL`, psycopg 3 with a connection pool).

SQL is written once with `?` placeholders and `INSERT … ON CONFLICT` (both understand it);
`exclusive(name)` is a cross-process lock on PostgreSQL (a session advisory lock, released
by the server when the holder dies) and a process lock on SQLite (one process owns the file).
`migrate()` applies the numbered files in `index/migrations/` once, under a lock.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import UserError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
RETRY_SECONDS = 0.5
CONNECT_SECONDS = 3.0  # waiting longer for a pooled connection would hold up a Slack ack
DOWN_SECONDS = 5.0  # after a failure, fail fast for this long instead of waiting on each call


class DatabaseUnavailable(UserError):
    """The database could not be reached (after a retry)."""


class Database:
    dialect: str

    def execute(self, sql: str, args: tuple = ()) -> tuple[int, list[tuple]]:
        """Run one statement in its own transaction; returns (rowcount, rows)."""
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[object]:
        """A cursor whose statements commit together (PostgreSQL `%s` placeholders there)."""
        raise NotImplementedError

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """Try to become the only holder of `name`; yields False at once if someone else is."""
        raise NotImplementedError

    def ping(self) -> bool:
        try:
            self.execute("SELECT 1")
            return True
        except DatabaseUnavailable:
            return False

    def close(self) -> None:
        pass


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an announcement record must survive a crash
        self._lock = threading.RLock()
        self._named: dict[str, threading.Lock] = {}

    def execute(self, sql: str, args: tuple = ()) -> tuple[int, list[tuple]]:
        with self._lock:
            cursor = self._db.execute(sql, args)
            return cursor.rowcount, cursor.fetchall()

    @contextmanager
    def transaction(self):
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db.cursor()
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def exclusive(self, name: str):
        with self._lock:
            lock = self._named.setdefault(name, threading.Lock())
        got = lock.acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                lock.release()

    def close(self) -> None:
        self._db.close()


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, url: str, max_size: int = 8):
        from psycopg_pool import ConnectionPool

        # open=True without waiting: a database that is down at start is reported per use.
        self.pool = ConnectionPool(url, min_size=1, max_size=max_size, kwargs={"autocommit": True},
                                   check=ConnectionPool.check_connection, open=False, name="ledenbot")
        self.pool.open(wait=False)
        self._down_until = 0.0

    @contextmanager
    def connection(self):
        """A pooled connection; connection trouble becomes DatabaseUnavailable."""
        import psycopg
        from psycopg_pool import PoolTimeout

        if time.monotonic() < self._down_until:
            raise DatabaseUnavailable("The database is unreachable (it failed moments ago).")
        try:
            with self.pool.connection(timeout=CONNECT_SECONDS) as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            self._down_until = time.monotonic() + DOWN_SECONDS
            raise DatabaseUnavailable(f"The database is unreachable ({_reason(exc)}).") from exc

    def execute(self, sql: str, args: tuple = ()) -> tuple[int, list[tuple]]:
        import psycopg

        for attempt in (1, 2):  # one retry: a pooled connection may have died with a restart
            try:
                with self.connection() as conn:
                    cursor = conn.execute(sql.replace("?", "%s"), args)
                    return cursor.rowcount, (cursor.fetchall() if cursor.description else [])
            except DatabaseUnavailable as exc:
                if attempt == 2 or not isinstance(exc.__cause__, psycopg.OperationalError):
                    raise
                self._down_until = 0.0
                time.sleep(RETRY_SECONDS)
        raise AssertionError("unreachable")

    @contextmanager
    def transaction(self):
        with self.connection() as conn, conn.transaction():
            yield conn.cursor()

    @contextmanager
    def exclusive(self, name: str):
        with self.connection() as conn:
            got = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (f"ledenbot:{name}",)).fetchone()[0]
            try:
                yield got
            finally:
                if got and not conn.closed:
                    conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"ledenbot:{name}",))

    def close(self) -> None:
        self.pool.close()


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def connect(url: str) -> PostgresDatabase:
    if not url.startswith(("postgresql://", "postgres://")):
        raise UserError("DATABASE_URL must be a postgresql://user:password@host:port/database URL.")
    return PostgresDatabase(url)


def migrate(db: Database) -> list[str]:
    """Apply the migrations this database lacks, in order, in one transaction under a lock
    (several replicas starting at once: one applies, the others wait and find them done).
    Returns the names applied."""
    files = sorted(p for p in MIGRATIONS.glob("*.sql") if db.dialect == "postgresql" or ".pg." not in p.name)
    with db.transaction() as cursor:
        if db.dialect == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('ledenbot:migrate'))")
        cursor.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                       "(version TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)")
        done = {row[0] for row in cursor.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for path in files:
            version = path.name.split(".")[0]
            if version in done:
                continue
            for statement in _statements(path.read_text()):
                cursor.execute(statement)
            marker = "%s" if db.dialect == "postgresql" else "?"
            cursor.execute(f"INSERT INTO schema_migrations VALUES ({marker}, {marker})", (version, time.time()))
            applied.append(version)
    if applied:
        log.info("Database migrated: %s", ", ".join(applied))
    return applied


def _statements(sql: str) -> list[str]:
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    statements = (s.strip().rstrip(";").strip() for s in "\n".join(lines).split(";\n"))
    return [s for s in statements if s]

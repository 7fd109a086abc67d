"""The letter store's PostgreSQL twin (DATABASE_URL): each letter's original bytes and its
sidecar metadata in one row of `letters`, shared by every replica. Same contract as
`DirectoryLetterStore` (index/letter_store.py): a letter added through one replica is read
by the reindex on any other.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import yaml

from index.database import Database
from index.errors import UserError
from index.letter_store import LetterStore, StoredFile, check_name, sidecar_yaml, size_limit, unique_name
from index.readers import READERS, BadLetter

log = logging.getLogger(__name__)


class DatabaseLetterStore:
    def __init__(self, db: Database, max_bytes: int = 5 * 1024 * 1024):
        self.db = db
        self.max_bytes = max_bytes

    def __str__(self) -> str:
        return "the database (DATABASE_URL)"

    def files(self) -> list[StoredFile]:
        rows = self.db.execute("SELECT name, octet_length(data), mtime FROM letters ORDER BY name")[1]
        # A row is never updated (re-adding a name is a new row with a new time): name + time
        # + size is a version, so an unchanged letter's bytes need not be read by a reindex.
        return [StoredFile(name=r[0], size=r[1], mtime=r[2], stamp=f"db:{r[2]!r}:{r[1]}")
                for r in rows if Path(r[0]).suffix.lower() in READERS]

    def read(self, name: str) -> tuple[bytes, bytes]:
        rows = self.db.execute("SELECT data, sidecar FROM letters WHERE name = ?", (name,))[1]
        if not rows:
            raise BadLetter("no longer in the letter store (removed meanwhile)")
        data, sidecar = bytes(rows[0][0]), rows[0][1] or {}
        limit = size_limit(name, self.max_bytes)
        if len(data) > limit:
            raise BadLetter(f"{len(data) / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit for a letter")
        return data, sidecar_yaml(sidecar)

    def add(self, name: str, data: bytes, sidecar: dict[str, str]) -> str:
        check_name(name)
        from psycopg.types.json import Jsonb

        fields = {k: str(v) for k, v in sidecar.items() if v not in (None, "")}
        with self.db.transaction() as cursor:
            cursor.execute("LOCK TABLE letters IN SHARE ROW EXCLUSIVE MODE")  # two adds of one name: two names
            stems = {Path(r[0]).stem for r in cursor.execute("SELECT name FROM letters").fetchall()}
            final = unique_name(name, stems)
            cursor.execute("INSERT INTO letters (name, data, sidecar, mtime) VALUES (%s, %s, %s, extract(epoch FROM now()))",
                           (final, data, Jsonb(fields)))
        return final

    def seed_from(self, directory: LetterStore) -> int:
        """An empty database takes the letters of LETTERS_DIR once (the first deploy brings
        `letters/` along); after that the database is the truth, so a letter removed from
        Slack does not come back from the directory. Returns how many were imported."""
        if self.db.execute("SELECT 1 FROM letters LIMIT 1")[1]:
            return 0
        try:
            names = [f.name for f in directory.files()]
        except UserError:  # no letters directory: nothing to seed
            return 0
        imported = 0
        for name in names:
            try:
                data, sidecar = directory.read(name)
            except BadLetter:
                continue  # the reindex of the directory would have skipped it too
            fields = yaml.safe_load(sidecar) if sidecar else {}
            count, _ = self.db.execute(
                "INSERT INTO letters (name, data, sidecar, mtime) VALUES (?, ?, ?, extract(epoch FROM now())) "
                "ON CONFLICT DO NOTHING", (name, data, json.dumps(fields if isinstance(fields, dict) else {}, default=str)))
            imported += count
        if imported:
            log.info("Seeded the database letter store with %d letters from %s", imported, directory)
        return imported

    def remove(self, name: str) -> None:
        count, _ = self.db.execute("DELETE FROM letters WHERE name = ?", (name,))
        if count != 1:
            raise UserError(f"There is no letter file {name!r} in the database.")

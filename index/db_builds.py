"""The build store's PostgreSQL twin (DATABASE_URL): builds live in the database, each
replica keeps a local copy in INDEX_DIR.

    builds          one row per build: the manifest header and letters as JSON
    build_chunks    one row per passage: the StoredChunk as JSON and its vector
    current_build   the build that serves (switched in the same transaction that adds it)

A reindex publishes into the database first (one transaction: a crash leaves nothing), then
writes the same build locally as `builds/db-<id>`. Every replica compares the database's
current build id with its local one every few seconds and, when they differ, builds FAISS
and BM25 from the stored vectors and texts (no embedding) into its INDEX_DIR, where the
engine picks it up as any other build. New manifest fields need no migration (JSON).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index.database import Database
from index.segments import new_segment_name
from index.store import (ANN_THRESHOLD, LoadedIndex, Manifest, NewBuild, builds_dir, current_build, switch_current,
                         write_build)

log = logging.getLogger(__name__)

PREFIX = "db-"
KEEP_BUILDS = 2


def local_name(build_id: int) -> str:
    return f"{PREFIX}{build_id:012d}"


class DatabaseBuilds:
    def __init__(self, db: Database, index_dir: Path, ann_threshold: int = ANN_THRESHOLD):
        self.db = db
        self.index_dir = index_dir
        self.ann_threshold = ann_threshold
        self._lock = threading.Lock()

    def current_id(self) -> int | None:
        rows = self.db.execute("SELECT build_id FROM current_build")[1]
        return rows[0][0] if rows else None

    @contextmanager
    def reindex_lock(self) -> Iterator[bool]:
        """One reindex at a time across every replica (released by the server if we die)."""
        with self.db.exclusive("reindex") as got:
            yield got

    def sync(self) -> bool:
        """Make the local INDEX_DIR serve the database's current build; True if it switched."""
        build_id = self.current_id()
        if build_id is None:
            return False
        name = local_name(build_id)
        with self._lock:
            local = current_build(self.index_dir)
            if local is not None and local.name == name:
                return False
            if not (builds_dir(self.index_dir) / name / "manifest.json").exists():
                started = time.monotonic()
                manifest, vectors = self._fetch(build_id)
                self._write_local(name, manifest, vectors)
                log.info("Loaded build %d from the database (%d passages, no embedding) in %.1f s",
                         build_id, len(manifest.chunks), time.monotonic() - started)
            else:
                switch_current(self.index_dir, name)
            return True

    def _fetch(self, build_id: int) -> tuple[Manifest, np.ndarray]:
        with self.db.transaction() as cursor:  # one snapshot: header and chunks of the same build
            header, letters, count, dim = cursor.execute(
                "SELECT header, letters, chunk_count, dim FROM builds WHERE id = %s", (build_id,)).fetchone()
            rows = cursor.execute("SELECT chunk, vector FROM build_chunks WHERE build_id = %s ORDER BY position",
                                  (build_id,)).fetchall()
        if len(rows) != count:
            raise RuntimeError(f"build {build_id} has {len(rows)} of {count} passages in the database")
        vectors = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype="<f4").reshape(len(rows), dim)
        manifest = Manifest.model_validate({**header, "letters": letters, "chunks": [r[0] for r in rows]})
        return manifest, vectors

    def _write_local(self, name: str, manifest: Manifest, vectors: np.ndarray) -> Path:
        target = builds_dir(self.index_dir) / name
        build = NewBuild.whole(manifest, vectors, new_segment_name(name))  # one segment, BM25 tokenized here
        try:
            return write_build(self.index_dir, build, self.ann_threshold, name=name).path
        except OSError:
            if not (target / "manifest.json").exists():  # not another process writing the same build
                raise
            switch_current(self.index_dir, name)
            return target

    def publish(self, index_dir: Path, build: NewBuild, ann_threshold: int = ANN_THRESHOLD) -> LoadedIndex:
        """The reindex's last step: the build into the database (and serving), then locally
        (appending a segment to the local build it started from, as without a database)."""
        manifest, vectors = build.manifest, build.vectors
        header = manifest.model_dump(mode="json", exclude={"letters", "chunks"})
        letters = [e.model_dump(mode="json") for e in manifest.letters]
        data = np.ascontiguousarray(vectors, dtype="<f4")
        from psycopg.types.json import Jsonb

        with self._lock, self.db.transaction() as cursor:
            build_id = cursor.execute(
                "INSERT INTO builds (header, letters, chunk_count, dim) VALUES (%s, %s, %s, %s) RETURNING id",
                (Jsonb(header), Jsonb(letters), len(manifest.chunks), manifest.model.dim)).fetchone()[0]
            with cursor.copy("COPY build_chunks (build_id, position, chunk, vector) FROM STDIN") as copy:
                for position, chunk in enumerate(manifest.chunks):
                    copy.write_row((build_id, position, chunk.model_dump_json(), data[position].tobytes()))
            cursor.execute("INSERT INTO current_build (build_id) VALUES (%s) ON CONFLICT (singleton) "
                           "DO UPDATE SET build_id = excluded.build_id", (build_id,))
            # Older builds go; the one before stays for a replica that is still loading it.
            cursor.execute("DELETE FROM builds WHERE id NOT IN (SELECT id FROM builds ORDER BY id DESC LIMIT %s)",
                           (KEEP_BUILDS,))
        log.info("Published build %d to the database (%d passages)", build_id, len(manifest.chunks))
        with self._lock:
            return write_build(index_dir, build, ann_threshold, name=local_name(build_id))


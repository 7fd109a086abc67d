"""The engine's one entry point for the CLI and the Slack bot.

`Engine` owns the embedder and the loaded index; it reloads the index by itself when a
reindex (in this process or another) has switched the index directory to a new build, and
keeps serving the old one if the new one cannot be loaded. With DATABASE_URL the builds are
published to PostgreSQL and `refresh()` copies a newer one into the index directory.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from index.embedding import Embedder, Progress
from index.answerability import new_question
from index.errors import ModelMismatch, UserError
from index.events import upcoming_events
from index.models import Answer, EventInfo, IndexStatus, LetterRef, ReindexReport
from index.database import Database, DatabaseUnavailable, connect, migrate
from index.db_builds import DatabaseBuilds
from index.db_letter_store import DatabaseLetterStore
from index.reindex import ReindexBusy, reindex
from index.excerpt import opening_lines
from index.fetch import FetchLimits
from index.intake import LetterDraft, draft, find, from_url, store_draft
from index.letter_store import DirectoryLetterStore, LetterStore
from index.search import SearchConfig, Searcher, validate_question
from index.settings import EngineSettings
from index.store import LetterEntry, LoadedIndex, current_build, load_index, read_manifest

log = logging.getLogger(__name__)


class Engine:
    def __init__(self, settings: EngineSettings | None = None, embedder: Embedder | None = None,
                 clock: Callable[[], dt.date] = dt.date.today):
        self.settings = settings or EngineSettings()
        self._embedder = embedder
        self.clock = clock  # "today", injectable so tests can fix it
        self._searcher: Searcher | None = None
        # a build this process's model cannot serve: not loaded again (on every question,
        # health check and watch tick) until another build is published
        self._mismatch: tuple[Path, ModelMismatch] | None = None
        self._lock = threading.Lock()
        self._database: Database | None = None
        self._builds: DatabaseBuilds | None = None
        self._database_down = False

    @property
    def database(self) -> Database | None:
        """The PostgreSQL database of DATABASE_URL (migrated on first use), or None."""
        with self._lock:
            if self._database is None and self.settings.database_url:
                database = connect(self.settings.database_url)
                try:
                    migrate(database)
                except DatabaseUnavailable as exc:
                    database.close()
                    raise DatabaseUnavailable(f"{exc} Check DATABASE_URL and that the server runs, then try "
                                              "again.") from None
                self._database = database
                self._builds = DatabaseBuilds(database, self.index_dir, self.settings.ann_threshold)
            return self._database

    def refresh(self) -> bool:
        """Follow the database's current build (no-op without DATABASE_URL); True if switched."""
        if self.database is None:
            return False
        try:
            switched = self._builds.sync()
        except DatabaseUnavailable as exc:
            if not self._database_down:  # once per outage, not every few seconds
                log.warning("%s Still serving the loaded index; will look again.", exc)
            self._database_down = True
            return False
        if self._database_down:
            log.warning("The database is reachable again.")
            self._database_down = False
        return switched

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = Embedder.load(self.settings.embedding_model, self.settings.cache_dir,
                                                self.settings.encoder)
            return self._embedder

    @property
    def index_dir(self) -> Path:
        return self.settings.index_dir

    def _config(self) -> SearchConfig:
        return SearchConfig(
            relevance_margin=self.settings.relevance_margin,
            max_question_chars=self.settings.max_question_chars,
        )

    def searcher(self) -> Searcher:
        """The searcher over the current build, reloaded when the build has changed."""
        if self._searcher is None and self.settings.database_url:
            self.refresh()  # a fresh replica: its index comes from the database, not from embedding
        build = current_build(self.index_dir)
        current = self._searcher
        if current is not None and (build is None or build == current.index.path):
            return current
        if self._mismatch and build == self._mismatch[0]:
            if current is not None:
                return current
            raise self._mismatch[1]
        try:
            # before the model: a missing index fails fast; segments already in memory are reused
            loaded = load_index(self.index_dir, reuse=current.index if current else None)
            searcher = Searcher(self.embedder, loaded, self._config(), clock=self.clock, previous=current)
        except ModelMismatch as exc:
            self._mismatch = (build, exc)
            if current is None:
                raise
            log.error("The new index %s was built by another model; still serving %s: %s", build,
                      current.index.path, exc)
            return current
        except UserError:
            if current is None:
                raise
            log.exception("The new index in %s could not be loaded; still serving %s", build, current.index.path)
            return current
        self._searcher = searcher
        if current is not None:
            log.info("Switched to index build %s", searcher.index.path.name)
        return searcher

    def loaded(self) -> bool:
        """True once an index is loaded in memory (answers need no disk or database)."""
        return self._searcher is not None

    def ask(self, question: str, k: int = 3, focus: list[str] | None = None) -> Answer:
        validate_question(question, self.settings.max_question_chars)  # cheap checks first
        new_question()
        return self.searcher().search(question, k=k, focus=focus)

    def build_id(self) -> str | None:
        """Name of the build currently served (changes with every successful reindex)."""
        build = current_build(self.index_dir)
        return build.name if build else None

    def opening(self, letter_id: str, max_chars: int = 300) -> str:
        """The first lines of a letter's content (no letterhead, no salutation)."""
        index = self.searcher().index
        entry = next((e for e in index.manifest.letters if e.id == letter_id), None)
        if entry is None or entry.chunk_count == 0:
            return ""
        texts = [c.text for c in index.manifest.chunks[entry.chunk_start : entry.chunk_start + entry.chunk_count]
                 if c.kind == "content"]
        return opening_lines("\n\n".join(texts), max_chars)

    @property
    def max_letter_bytes(self) -> int:
        return int(self.settings.max_letter_mb * 1024 * 1024)

    def letter_store(self, letters_dir: Path | None = None) -> LetterStore:
        """Where the letters live (LETTERS_DIR); the reindex reads from it, staff add to it.
        With DATABASE_URL: the database, which takes LETTERS_DIR's letters once while it is
        empty (a first deploy); an explicit `letters_dir` always means that directory."""
        directory = DirectoryLetterStore(letters_dir or self.settings.letters_dir, self.max_letter_bytes)
        if letters_dir is not None or self.database is None:
            return directory
        store = DatabaseLetterStore(self.database, self.max_letter_bytes)
        store.seed_from(directory)
        return store

    def reindex(self, letters_dir: Path | None = None, progress: Progress | None = None) -> ReindexReport:
        store = self.letter_store(letters_dir)
        if isinstance(store, DirectoryLetterStore):
            store.check()  # a wrong path fails before the model loads (listing it is the reindex's job)
        if self.database is None:
            report = self._reindex(store, progress)
        else:
            with self._builds.reindex_lock() as mine:
                if not mine:
                    raise ReindexBusy("A reindex is already running (on this or another replica); wait for it "
                                      "to finish and try again.")
                self._builds.sync()  # start from the newest published build: reuse its vectors
                report = self._reindex(store, progress, publish=self._builds.publish)
        self.searcher()
        return report

    def _serve(self, loaded: LoadedIndex) -> None:
        """Serve a build this process just published, as it is in memory (no reload)."""
        self._searcher = Searcher(self.embedder, loaded, self._config(), clock=self.clock, previous=self._searcher)

    def _reindex(self, store: LetterStore, progress: Progress | None, **publish) -> ReindexReport:
        current = self._searcher
        return reindex(
            store,
            self.index_dir,
            self.embedder,
            progress=progress,
            max_letter_bytes=self.max_letter_bytes,
            ann_threshold=self.settings.ann_threshold,
            serving=current.index if current else None,
            published=self._serve,
            **publish,
        )

    def status(self) -> IndexStatus:
        manifest = self.searcher().index.manifest
        return IndexStatus(
            letters=len(manifest.letters),
            chunks=len(manifest.chunks),
            built_at=manifest.built_at,
            model=manifest.model.id,
        )

    def upcoming_events(self, limit: int = 5) -> list[EventInfo]:
        """Dated events the letters mention from today on, soonest first (for App Home)."""
        searcher = self.searcher()
        return upcoming_events(searcher.chunk_texts, searcher.chunk_letters, self.clock(), limit, searcher.content)

    def letters(self) -> list[LetterRef]:
        """All indexed letters, newest first (undated ones last)."""
        entries = self.searcher().index.manifest.letters
        refs = [LetterRef.model_validate(e.model_dump(include=set(LetterRef.model_fields))) for e in entries]
        return sorted(refs, key=lambda r: (r.date is not None, r.date), reverse=True)

    # staff: adding and removing letters -------------------------------------------------
    def entries(self) -> list[LetterEntry]:
        """The indexed letters with their file names and hashes ([] before the first index).
        Reads only the manifest: listing letters or checking a duplicate loads no model."""
        build = current_build(self.index_dir)
        if build is None:
            return []
        current = self._searcher
        if current is not None and current.index.path == build:
            return list(current.index.manifest.letters)
        try:
            return list(read_manifest(build).letters)
        except (UserError, OSError, ValueError):
            log.warning("Cannot read the manifest of %s", build, exc_info=True)
            return []

    def draft_from_url(self, url: str) -> LetterDraft:
        limits = FetchLimits(max_bytes=self.max_letter_bytes, timeout=self.settings.fetch_timeout,
                             allow_private=self.settings.fetch_allow_private)
        return from_url(url, self.entries(), limits)

    def draft_from_bytes(self, data: bytes, original_name: str | None = None, url: str | None = None,
                         requested_url: str | None = None) -> LetterDraft:
        return draft(data, self.entries(), url=url, original_name=original_name, max_bytes=self.max_letter_bytes,
                     requested_url=requested_url)

    def add_letter(self, letter: LetterDraft) -> str:
        """Store a draft in the letter store (no reindex); returns its stored file name."""
        return store_draft(self.letter_store(), letter)

    def find_letter(self, ref: str) -> LetterEntry | None:
        return find(ref, self.entries())

    def remove_letter(self, source: str) -> None:
        """Remove a letter file (and its sidecar) from the store (no reindex)."""
        self.letter_store().remove(source)

"""Incremental reindex: embed only passages whose text the current index does not have."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from index.dates import dates_in
from index.dating import calibrate
from index.chunking import CHUNKER_VERSION, chunk_letter, index_text
from index.embedding import Embedder, Progress
from index.errors import UserError
from index.faults import faultpoint
from index.letters import Known, load_letters
from index.lexical import LexicalIndex
from index.models import LetterRef, ReindexReport
from index.store import ANN_THRESHOLD, BM25_DIR, LetterEntry, LoadedIndex, Manifest, StoredChunk, load_index, write_build

log = logging.getLogger(__name__)


Publish = Callable[[Path, Manifest, np.ndarray, LexicalIndex, int], Path]


class ReindexBusy(UserError):
    """Another reindex holds the lock."""


def reindex_lock(index_dir: Path) -> FileLock:
    index_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(index_dir / "reindex.lock"))


def _previous(index_dir: Path, embedder: Embedder) -> LoadedIndex | None:
    try:
        previous = load_index(index_dir, lexical=False)
    except UserError as exc:
        log.info("Building from scratch: %s", exc)
        return None
    if previous.manifest.model.fingerprint != embedder.info.fingerprint:
        log.info("The model changed: every passage is embedded again.")
        return None
    return previous


def reindex(
    letters_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    progress: Progress | None = None,
    max_letter_bytes: int = 5 * 1024 * 1024,
    ann_threshold: int = ANN_THRESHOLD,
    publish: Publish = write_build,
) -> ReindexReport:
    """Rebuild the index over `letters_dir`, reusing every vector whose text is unchanged.

    Holds a cross-process lock; a second reindex at the same time gets ReindexBusy.
    `publish` makes the finished build the one that serves (the build store's seam:
    `store.write_build` on disk, `DatabaseBuilds.publish` with DATABASE_URL).
    """
    lock = reindex_lock(index_dir)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise ReindexBusy("A reindex is already running; wait for it to finish and try again.") from None
    try:
        return _reindex_locked(letters_dir, index_dir, embedder, progress, max_letter_bytes, ann_threshold, publish)
    finally:
        lock.release()


def _known_files(previous: LoadedIndex | None) -> dict[str, Known]:
    """Files the previous build parsed with this chunker: unchanged ones need no parsing."""
    if previous is None or previous.manifest.chunker != CHUNKER_VERSION:
        return {}
    return {e.source: Known(id=e.id, content_hash=e.content_hash, body_hash=e.body_hash, lbr=e.lbr,
                            warnings=list(e.warnings), stamp=e.stamp)
            for e in previous.manifest.letters if e.body_hash}


def _reindex_locked(letters_dir, index_dir, embedder, progress, max_letter_bytes, ann_threshold,
                    publish) -> ReindexReport:
    previous = _previous(index_dir, embedder)
    loaded = load_letters(letters_dir, max_bytes=max_letter_bytes, known=_known_files(previous))
    faultpoint("loaded")
    if not loaded.order:
        # Never replace a working index by an empty one because of a wrong path or bad files.
        kept = " The current index was left as it is." if previous else ""
        problems = f" ({len(loaded.skipped)} file(s) skipped: {loaded.skipped[0].file}: {loaded.skipped[0].reason})" if loaded.skipped else ""
        raise UserError(f"No readable letters in {letters_dir}{problems}; add .md or .txt letters and reindex.{kept}")

    old_letters = {e.id: e for e in previous.manifest.letters} if previous else {}
    cache: dict[str, np.ndarray] = {}
    if previous and previous.manifest.chunker == CHUNKER_VERSION:
        old_vectors = previous.stored_vectors()
        cache = {c.embed_hash: old_vectors[i] for i, c in enumerate(previous.manifest.chunks)}

    report = ReindexReport(skipped=loaded.skipped, warnings=loaded.warnings)
    parsed = {letter.id: letter for letter in loaded.letters}
    entries: list[LetterEntry] = []
    chunks: list[StoredChunk] = []
    texts: list[str] = []
    for letter_id in loaded.order:
        old = old_letters.get(letter_id)
        letter = parsed.get(letter_id)
        if letter is None:  # unchanged file: its passages, dates and vectors carry over as they are
            report.unchanged += 1
            old_chunks = previous.manifest.chunks[old.chunk_start : old.chunk_start + old.chunk_count]
            entries.append(old.model_copy(update={"chunk_start": len(chunks), "stamp": loaded.stamps[letter_id]}))
            chunks.extend(old_chunks)
            texts.extend(index_text(old.title, c) for c in old_chunks)
            continue
        if old is None:
            report.added += 1
            report.added_letters.append(letter.ref())
        elif old.content_hash != letter.content_hash:
            report.changed += 1
            report.changed_letters.append(letter.ref())
        else:
            report.unchanged += 1
        letter_chunks = chunk_letter(letter)
        entries.append(
            LetterEntry(
                **letter.ref().model_dump(),
                source=letter.source,
                content_hash=letter.content_hash,
                body_hash=loaded.body_hashes[letter_id],
                stamp=loaded.stamps[letter_id],
                warnings=loaded.file_warnings.get(letter_id, []),
                field_sources=letter.field_sources,
                chunk_start=len(chunks),
                chunk_count=len(letter_chunks),
            )
        )
        for chunk in letter_chunks:
            text = index_text(letter.title, chunk)
            texts.append(text)
            chunks.append(StoredChunk(**chunk.model_dump(), embed_hash=hashlib.sha256(text.encode()).hexdigest(),
                                      dates=dates_in(chunk.text, letter.date, not letter.date_estimated)))
    entries = calibrate(entries)  # number-dated letters placed between the dated ones
    current_ids = {e.id for e in entries}
    for old_id, old in old_letters.items():
        if old_id not in current_ids:
            report.removed += 1
            report.removed_letters.append(LetterRef.model_validate(old.model_dump()))

    missing = [i for i, c in enumerate(chunks) if c.embed_hash not in cache]
    vectors = np.zeros((len(chunks), embedder.info.dim), dtype=np.float32)
    if missing:
        def progress_and_faults(done: int, total: int) -> None:
            faultpoint("embedding")
            if progress:
                progress(done, total)

        fresh = embedder.encode_documents([texts[i] for i in missing], progress=progress_and_faults)
        vectors[missing] = fresh
    for i, c in enumerate(chunks):
        if c.embed_hash in cache:
            vectors[i] = cache[c.embed_hash]
    report.chunks_embedded = len(missing)
    report.letters = len(entries)
    report.chunks = len(chunks)

    manifest = Manifest(
        model=embedder.info,
        chunker=CHUNKER_VERSION,
        built_at=dt.datetime.now(dt.timezone.utc),
        letters=entries,
        chunks=chunks,
    )
    reuse = LexicalIndex.saved_terms(previous.path / BM25_DIR) if previous else None
    lexical = LexicalIndex.build(texts, keys=[c.embed_hash for c in chunks], reuse=reuse)
    publish(index_dir, manifest, vectors, lexical, ann_threshold)
    log.info(
        "Reindexed: %d added, %d changed, %d removed, %d unchanged; %d of %d passages embedded",
        report.added, report.changed, report.removed, report.unchanged, report.chunks_embedded, report.chunks,
    )
    return report

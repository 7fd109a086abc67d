"""Incremental reindex: embed only passages whose text the current index does not have, and
write only the passages of added or changed letters (as a new segment, index/segments.py)."""

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
from index.lexical import terms_of
from index.models import LetterRef, ReindexReport
from index.segments import Segment, new_segment_name
from index.store import (ANN_THRESHOLD, LetterEntry, LoadedIndex, Manifest, NewBuild, StoredChunk, current_build,
                         lexical_index, load_index, write_build)

log = logging.getLogger(__name__)


Publish = Callable[[Path, NewBuild, int], LoadedIndex]
# Segments pile up, one per reindex that adds or changes letters; past this many, or when a
# quarter of the stored passages belong to no letter any more, one segment replaces them all.
MAX_SEGMENTS = 16
MAX_DEAD_SHARE = 0.25


class ReindexBusy(UserError):
    """Another reindex holds the lock."""


def reindex_lock(index_dir: Path) -> FileLock:
    index_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(index_dir / "reindex.lock"))


def _previous(index_dir: Path, embedder: Embedder, serving: LoadedIndex | None) -> LoadedIndex | None:
    """The build that serves now: `serving` when that is the one loaded (no disk read)."""
    try:
        if serving is not None and serving.path == current_build(index_dir) and serving.segments:
            previous = serving
        else:
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
    serving: LoadedIndex | None = None,
    published: Callable[[LoadedIndex], None] | None = None,
) -> ReindexReport:
    """Rebuild the index over `letters_dir`, reusing every vector whose text is unchanged.

    Holds a cross-process lock; a second reindex at the same time gets ReindexBusy.
    `publish` makes the finished build the one that serves (the build store's seam:
    `store.write_build` on disk, `DatabaseBuilds.publish` with DATABASE_URL). `serving`: the
    build this process has loaded (read from disk only if it is not the current one);
    `published` gets the new build as loaded, so the caller can serve it without reading it.
    """
    lock = reindex_lock(index_dir)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise ReindexBusy("A reindex is already running; wait for it to finish and try again.") from None
    try:
        return _reindex_locked(letters_dir, index_dir, embedder, progress, max_letter_bytes, ann_threshold, publish,
                               serving, published)
    finally:
        lock.release()


def _known_files(previous: LoadedIndex | None) -> dict[str, Known]:
    """Files the previous build read with this chunker, which need no parsing while unchanged:
    its letters (a LetterEntry has every field of `Known`: the entries serve as they are) and
    the files it skipped as duplicates."""
    if previous is None or previous.manifest.chunker != CHUNKER_VERSION:
        return {}
    return {**previous.duplicates, **{e.source: e for e in previous.manifest.letters if e.body_hash}}


def _reindex_locked(letters_dir, index_dir, embedder, progress, max_letter_bytes, ann_threshold,
                    publish, serving, published) -> ReindexReport:
    previous = _previous(index_dir, embedder, serving)
    loaded = load_letters(letters_dir, max_bytes=max_letter_bytes, known=_known_files(previous))
    faultpoint("loaded")
    if not loaded.order:
        # Never replace a working index by an empty one because of a wrong path or bad files.
        kept = " The current index was left as it is." if previous else ""
        problems = f" ({len(loaded.skipped)} file(s) skipped: {loaded.skipped[0].file}: {loaded.skipped[0].reason})" if loaded.skipped else ""
        raise UserError(f"No readable letters in {letters_dir}{problems}; add .md or .txt letters and reindex.{kept}")

    reusable = previous is not None and previous.manifest.chunker == CHUNKER_VERSION
    old_letters = {e.id: e for e in previous.manifest.letters} if previous else {}
    built_at = dt.datetime.now(dt.timezone.utc)
    segment_name = new_segment_name(built_at.strftime("%Y%m%dT%H%M%S%f"))

    report = ReindexReport(skipped=loaded.skipped, warnings=loaded.warnings)
    parsed = {letter.id: letter for letter in loaded.letters}
    entries: list[LetterEntry] = []
    chunks: list[StoredChunk] = []
    new_chunks: list[StoredChunk] = []  # of added and changed letters: the new segment
    new_texts: list[str] = []
    old_chunks, stamps, carried = previous.manifest.chunks if previous else [], loaded.stamps, 0
    for letter_id in loaded.order:
        old = old_letters.get(letter_id)
        letter = parsed.get(letter_id)
        if letter is None:  # unchanged file: its passages, dates and vectors stay where they are
            carried += 1
            start, stamp = len(chunks), stamps[letter_id]
            chunks.extend(old_chunks[old.chunk_start : old.chunk_start + old.chunk_count])
            entries.append(old if old.chunk_start == start and old.stamp == stamp
                           else old.model_copy(update={"chunk_start": start, "stamp": stamp}))
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
                segment=segment_name,
                segment_start=len(new_chunks),
            )
        )
        for chunk in letter_chunks:
            text = index_text(letter.title, chunk)
            stored = StoredChunk(**chunk.model_dump(), embed_hash=hashlib.sha256(text.encode()).hexdigest(),
                                 dates=dates_in(chunk.text, letter.date, not letter.date_estimated))
            new_texts.append(text)
            new_chunks.append(stored)
            chunks.append(stored)
    report.unchanged += carried
    entries = calibrate(entries)  # number-dated letters placed between the dated ones
    current_ids = {e.id for e in entries}
    for old_id, old in old_letters.items():
        if old_id not in current_ids:
            report.removed += 1
            report.removed_letters.append(LetterRef.model_validate(old.model_dump()))

    report.letters = len(entries)
    report.chunks = len(chunks)

    # Everything that needs no new vector is done before embedding: onnxruntime's threads keep
    # spinning for a while after a run, and would slow whatever CPU work came right after it.
    manifest = Manifest(model=embedder.info, chunker=CHUNKER_VERSION, built_at=built_at, letters=entries, chunks=chunks)
    fresh = Segment(segment_name, new_chunks, None, terms_of(new_texts, [c.embed_hash for c in new_chunks]))
    available = {**(previous.segments if reusable else {}), segment_name: fresh}
    used = {e.segment for e in entries}
    segments = [available[name] for name in available if name in used]
    stored = sum(len(s.chunks) for s in segments)
    compact = (len(segments) > MAX_SEGMENTS or stored - len(chunks) > MAX_DEAD_SHARE * stored
               or any(s.origin is None for s in segments if s is not fresh))
    lexical = None if compact else lexical_index(manifest, segments, previous.lexical if reusable else None)
    # (another chunker: every letter was parsed again, so no vector of the previous build is reused)
    old_vectors = previous.stored_vectors() if reusable and previous.vectors.ntotal else None
    vectors, pending = _place_vectors(entries, old_letters, old_vectors, segment_name, embedder.info.dim)

    fresh.vectors, report.chunks_embedded = _vectors_for(new_chunks, new_texts, previous if reusable else None,
                                                         old_vectors, embedder, progress)
    for row, start, count in pending:
        vectors[row : row + count] = fresh.vectors[start : start + count]
    if compact:
        log.info("Compacting %d segments (%d of %d passages live) into one", len(segments), len(chunks), stored)
        build = NewBuild.whole(manifest, vectors, segment_name, segments)
    else:
        build = NewBuild(manifest, vectors, lexical, segments)
    loaded_build = publish(index_dir, build, ann_threshold)
    loaded_build.duplicates = loaded.duplicates
    if published is not None:
        published(loaded_build)
    log.info(
        "Reindexed: %d added, %d changed, %d removed, %d unchanged; %d of %d passages embedded",
        report.added, report.changed, report.removed, report.unchanged, report.chunks_embedded, report.chunks,
    )
    return report


def _place_vectors(entries: list[LetterEntry], old_letters: dict[str, LetterEntry], old_vectors: np.ndarray | None,
                   segment_name: str, dim: int) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """The new build's vectors, in its passage order, with the unchanged letters' rows copied
    from the previous build's; and the rows still to fill from the new segment, as (row,
    segment start, count)."""
    vectors = np.empty((sum(e.chunk_count for e in entries), dim), dtype=np.float32)
    runs: list[list] = []  # [from the new segment?, start, end, row]: letters one after the other
    for e in entries:
        new = e.segment == segment_name
        start = e.segment_start if new else old_letters[e.id].chunk_start
        if runs and runs[-1][0] == new and runs[-1][2] == start:
            runs[-1][2] = start + e.chunk_count
        else:
            runs.append([new, start, start + e.chunk_count, e.chunk_start])
    pending = []
    for new, start, end, row in runs:
        if new:
            pending.append((row, start, end - start))
        else:
            vectors[row : row + end - start] = old_vectors[start:end]
    return vectors, pending


def _vectors_for(chunks: list[StoredChunk], texts: list[str], previous: LoadedIndex | None,
                 old_vectors: np.ndarray | None, embedder: Embedder, progress: Progress | None) -> tuple[np.ndarray, int]:
    """Vectors of the new segment's passages: the previous build's (`old_vectors`, its passages'
    in order) where it has the same text (a changed letter's unchanged passages), the rest
    embedded. Returns (vectors, embedded)."""
    vectors = np.zeros((len(chunks), embedder.info.dim), dtype=np.float32)
    if not chunks:
        return vectors, 0
    row = {c.embed_hash: i for i, c in enumerate(previous.manifest.chunks)} if previous and old_vectors is not None else {}
    missing = []
    for i, c in enumerate(chunks):
        if c.embed_hash in row:
            vectors[i] = old_vectors[row[c.embed_hash]]
        else:
            missing.append(i)
    if missing:
        def progress_and_faults(done: int, total: int) -> None:
            faultpoint("embedding")
            if progress:
                progress(done, total)

        vectors[missing] = embedder.encode_documents([texts[i] for i in missing], progress=progress_and_faults)
    return vectors, len(missing)

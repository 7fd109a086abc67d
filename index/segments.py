"""Segments: the immutable, append-only parts of a build (format 2).

A segment holds the passages of some letters as three files, all named after it:

    <segment>.chunks.json   the passages (StoredChunk), in order
    <segment>.vectors.npy   their vectors (float32, one row per passage)
    <segment>.terms.npz     their BM25 term ids (lexical.SavedTerms)

A reindex writes only the passages of added or changed letters as one new segment; the
segments of unchanged letters are hard links to the previous build's files (a copy where the
file system has no hard links), so every build directory stays complete on its own and
pruning an old build frees only what no other build links. A segment is never changed after
it is written; a letter that changes or goes away leaves dead passages behind in its old
segment, which a compaction (one segment with every live passage) drops.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import TypeAdapter

from index.lexical import SavedTerms

SUFFIXES = (".chunks.json", ".vectors.npy", ".terms.npz")


def new_segment_name(stamp: str) -> str:
    return f"s{stamp}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass
class Segment:
    name: str
    chunks: list  # list[StoredChunk]
    vectors: np.ndarray
    terms: SavedTerms | None
    origin: Path | None = None  # the build directory whose files hold it (None: not on disk yet)

    def files(self, directory: Path) -> list[Path]:
        return [directory / (self.name + suffix) for suffix in SUFFIXES]


def fsync_file(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def write_segment(segment: Segment, directory: Path, chunk_type) -> None:
    """Write the segment's files into `directory` and fsync them."""
    chunks_path, vectors_path, terms_path = segment.files(directory)
    chunks_path.write_bytes(TypeAdapter(list[chunk_type]).dump_json(segment.chunks))
    with vectors_path.open("wb") as fh:
        np.save(fh, np.ascontiguousarray(segment.vectors, dtype=np.float32), allow_pickle=False)
    terms = segment.terms or SavedTerms([], np.zeros(0, dtype=np.int32), {})
    terms.save(terms_path)
    for path in (chunks_path, vectors_path, terms_path):
        fsync_file(path)


def place_segment(segment: Segment, directory: Path, chunk_type) -> bool:
    """Put the segment's files into a new build directory: hard links to its origin's files,
    else a fresh copy written from memory. Returns True if files were written (need no fsync
    otherwise: linked files were fsynced when first written)."""
    if segment.origin is not None:
        try:
            for source, target in zip(segment.files(segment.origin), segment.files(directory)):
                os.link(source, target)
            return False
        except OSError:  # no hard links here, or the old build was pruned meanwhile
            for target in segment.files(directory):
                target.unlink(missing_ok=True)
    write_segment(segment, directory, chunk_type)
    return True


def read_segment(name: str, build: Path, chunk_type, dim: int) -> Segment:
    chunks_path, vectors_path, terms_path = (build / (name + suffix) for suffix in SUFFIXES)
    chunks = TypeAdapter(list[chunk_type]).validate_json(chunks_path.read_bytes())
    vectors = np.load(vectors_path, allow_pickle=False)
    if vectors.shape != (len(chunks), dim) and not (len(chunks) == 0 and vectors.size == 0):
        raise ValueError(f"segment {name}: {vectors.shape} vectors for {len(chunks)} passages")
    terms = SavedTerms.load(terms_path)  # None (re-tokenized) if of another tokenizer
    if terms is None and not terms_path.is_file():
        raise FileNotFoundError(terms_path)
    return Segment(name, chunks, vectors.reshape(len(chunks), dim).astype(np.float32, copy=False), terms, build)

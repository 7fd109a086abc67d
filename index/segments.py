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
import shutil
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
    vectors: np.ndarray | None  # None once on disk: a loaded build keeps its vectors only in FAISS
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
        except OSError:  # no hard links on this file system (or the old build was pruned meanwhile)
            for target in segment.files(directory):
                target.unlink(missing_ok=True)
        if segment.vectors is None:
            for source, target in zip(segment.files(segment.origin), segment.files(directory)):
                shutil.copyfile(source, target)
                fsync_file(target)
            return True
    write_segment(segment, directory, chunk_type)
    return True


def read_segment(name: str, build: Path, chunk_type, dim: int) -> Segment:
    """A segment's passages and term ids; its vectors stay on disk (`read_rows`)."""
    chunks_path, vectors_path, terms_path = (build / (name + suffix) for suffix in SUFFIXES)
    chunks = TypeAdapter(list[chunk_type]).validate_json(chunks_path.read_bytes())
    shape, _ = _vector_header(vectors_path)
    if shape != (len(chunks), dim) and not (len(chunks) == 0 and 0 in shape):
        raise ValueError(f"segment {name}: {shape} vectors for {len(chunks)} passages")
    terms = SavedTerms.load(terms_path)  # None (re-tokenized) if of another tokenizer
    if terms is None and not terms_path.is_file():
        raise FileNotFoundError(terms_path)
    return Segment(name, chunks, None, terms, build)


def _vector_header(path: Path) -> tuple[tuple[int, ...], int]:
    """(shape, offset of the data) of a float32 .npy file."""
    with path.open("rb") as fh:
        version = np.lib.format.read_magic(fh)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(fh)
        if dtype != np.dtype("<f4") or fortran:
            raise ValueError(f"{path.name}: not a float32 row-major array")
        offset = fh.tell()
        if os.fstat(fh.fileno()).st_size != offset + 4 * int(np.prod(shape)):
            raise ValueError(f"{path.name}: truncated")
        return shape, offset


def read_rows(segment: Segment, start: int, end: int, dim: int) -> np.ndarray:
    """Rows start..end of the segment's vectors, read from its file (only those rows)."""
    if segment.vectors is not None:
        return segment.vectors[start:end]
    path = segment.files(segment.origin)[1]
    _, offset = _vector_header(path)
    return np.fromfile(path, dtype="<f4", count=(end - start) * dim, offset=offset + start * dim * 4).reshape(-1, dim)

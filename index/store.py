"""The index directory on disk: immutable builds and an atomically switched pointer.

    INDEX_DIR/CURRENT            name of the build that serves (replaced atomically)
    INDEX_DIR/builds/<name>/     manifest.json, vectors.faiss, bm25/
    INDEX_DIR/reindex.lock       held while a reindex runs (across processes)

A build is written into `builds/.tmp-*`, fsynced, renamed, and only then does CURRENT
point at it: a reader never sees half an index and a crash leaves the old one serving.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from pydantic import BaseModel, ValidationError

from index.embedding import ModelInfo
from index.errors import NoIndex, UserError
from index.faults import faultpoint
from index.lexical import LexicalIndex
from index.models import Chunk, LetterRef

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
BM25_DIR = "bm25"
KEEP_BUILDS = 2


class LetterEntry(LetterRef):
    source: str
    content_hash: str
    body_hash: str = ""
    stamp: str = ""  # size/mtime of the file when read (index.letters.file_stamp)
    warnings: tuple[str, ...] = ()
    field_sources: dict[str, str] = {}  # where title, date, lbr, kenmerk and url came from
    chunk_start: int
    chunk_count: int


class StoredChunk(Chunk):
    embed_hash: str  # sha256 of the text that was embedded: lets a reindex reuse the vector
    dates: list[dt.date] = []  # the dates the passage mentions, resolved against the letter date


class Manifest(BaseModel):
    format: int = FORMAT_VERSION
    model: ModelInfo
    chunker: str
    built_at: dt.datetime
    letters: list[LetterEntry]
    chunks: list[StoredChunk]


@dataclass
class LoadedIndex:
    """Everything a search needs, read fully into memory from one build."""

    path: Path
    manifest: Manifest
    vectors: faiss.Index
    lexical: LexicalIndex | None  # None when loaded for a reindex, which rebuilds it

    def stored_vectors(self) -> np.ndarray:
        if self.vectors.ntotal == 0:
            return np.zeros((0, self.manifest.model.dim), dtype=np.float32)
        return self.vectors.reconstruct_n(0, self.vectors.ntotal)


def builds_dir(index_dir: Path) -> Path:
    return index_dir / "builds"


def current_build(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    try:
        name = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    return builds_dir(index_dir) / name if name else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


# From this many passages on, exact search is replaced by HNSW (see bench/perf.py: below it a
# flat scan costs less than a tenth of embedding the question; HNSW keeps recall@10 ≥ 0.99).
ANN_THRESHOLD = 25_000
HNSW_NEIGHBOURS = 32
HNSW_EF_SEARCH = 256


def build_vectors(vectors: np.ndarray, dim: int, ann_threshold: int = ANN_THRESHOLD) -> faiss.Index:
    """Exact inner-product search, or HNSW (same inner product) for large collections."""
    if len(vectors) >= ann_threshold:
        index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def write_build(index_dir: Path, manifest: Manifest, vectors: np.ndarray, lexical: LexicalIndex,
                ann_threshold: int = ANN_THRESHOLD, name: str | None = None) -> Path:
    """Write a complete build and switch CURRENT to it. Returns the build's path. `name`: the
    build's name (index/db_builds.py names a copy of a database build after its id)."""
    root = builds_dir(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        faiss.write_index(build_vectors(vectors, manifest.model.dim, ann_threshold), str(tmp / VECTORS))
        lexical.save(tmp / BM25_DIR)
        faultpoint("writing")
        # The manifest goes last: a build dir with a manifest is complete.
        _write_file(tmp / MANIFEST, manifest.model_dump_json().encode())
        for path in [tmp / VECTORS, *sorted((tmp / BM25_DIR).iterdir())]:
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(tmp)
        name = name or manifest.built_at.strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"
        final = root / name
        os.rename(tmp, final)
        _fsync_dir(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    faultpoint("switching")
    switch_current(index_dir, name)
    prune_builds(index_dir)
    return final


def switch_current(index_dir: Path, name: str) -> None:
    pointer_tmp = index_dir / f".CURRENT.{os.getpid()}"
    _write_file(pointer_tmp, (name + "\n").encode())
    os.replace(pointer_tmp, index_dir / "CURRENT")
    _fsync_dir(index_dir)


def prune_builds(index_dir: Path) -> None:
    """Drop old builds and leftovers of crashed ones; keep the current and the one before."""
    current = current_build(index_dir)
    root = builds_dir(index_dir)
    finished = sorted((p for p in root.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
    keep = {p for p in finished[-KEEP_BUILDS:]} | ({current} if current else set())
    for path in root.iterdir():
        if path not in keep:
            shutil.rmtree(path, ignore_errors=True)


def read_manifest(build: Path) -> Manifest:
    try:
        return Manifest.model_validate_json((build / MANIFEST).read_bytes())
    except FileNotFoundError:
        raise UserError(f"The index at {build} is incomplete (no manifest): run `ledenbot reindex`.") from None
    except ValidationError:
        raise UserError(f"The index manifest at {build} is damaged or from another version: run `ledenbot reindex`.") from None


def load_index(index_dir: Path, lexical: bool = True) -> LoadedIndex:
    """`lexical=False` skips the BM25 index (a reindex rebuilds it anyway)."""
    build = current_build(index_dir)
    if build is None:
        raise NoIndex(f"There is no index in {index_dir} yet: run `ledenbot reindex` first.")
    if not build.is_dir():
        raise UserError(f"The index in {index_dir} points at a missing build ({build.name}): run `ledenbot reindex`.")
    manifest = read_manifest(build)
    if manifest.format != FORMAT_VERSION:
        raise UserError(f"The index in {index_dir} has format {manifest.format}; this version needs {FORMAT_VERSION}: run `ledenbot reindex`.")
    try:
        vectors = faiss.read_index(str(build / VECTORS))
        if isinstance(vectors, faiss.IndexHNSWFlat):
            vectors.hnsw.efSearch = HNSW_EF_SEARCH
        bm25 = LexicalIndex.load(build / BM25_DIR) if lexical else None
    except Exception as exc:
        log.debug("Loading %s failed", build, exc_info=True)
        raise UserError(f"The index files in {build} are damaged ({type(exc).__name__}): run `ledenbot reindex`.") from None
    if vectors.ntotal != len(manifest.chunks) or (manifest.chunks and vectors.d != manifest.model.dim):
        raise UserError(f"The index in {build} is inconsistent ({vectors.ntotal} vectors for {len(manifest.chunks)} chunks): run `ledenbot reindex`.")
    return LoadedIndex(path=build, manifest=manifest, vectors=vectors, lexical=bm25)

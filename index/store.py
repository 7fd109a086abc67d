"""The index directory on disk: immutable builds and an atomically switched pointer.

    INDEX_DIR/CURRENT            name of the build that serves (replaced atomically)
    INDEX_DIR/builds/<name>/     manifest.json (model, letters, segment names) and each
                                 segment's files (index/segments.py); vectors.faiss only for
                                 an HNSW index (from ANN_THRESHOLD passages on)
    INDEX_DIR/reindex.lock       held while a reindex runs (across processes)

A build is written into `builds/.tmp-*`, fsynced, renamed, and only then does CURRENT
point at it: a reader never sees half an index and a crash leaves the old one serving.
Segments of unchanged letters are hard-linked from the previous build, so a reindex writes
and fsyncs only what is new. FAISS (exact search) and the BM25 scores are built in memory at
load from the segments' vectors and term ids. Format 1 builds (one manifest with every
passage, vectors.faiss, bm25/) still load; the next reindex writes format 2.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np
from pydantic import BaseModel, ValidationError

from index.embedding import ModelInfo
from index.errors import NoIndex, UserError
from index.faults import faultpoint
from index.chunking import index_text
from index.lexical import LexicalIndex, merge_terms
from index.models import Chunk, LetterRef
from index.segments import Segment, fsync_file, place_segment, read_rows, read_segment

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"  # format 2: only when the index is HNSW
BM25_DIR = "bm25"  # format 1 only
KEEP_BUILDS = 2
LOAD_BLOCK = 4096  # vectors read per step when a build loads (keeps the peak near one copy)


class LetterEntry(LetterRef):
    source: str
    content_hash: str
    body_hash: str = ""
    stamp: str = ""  # size/mtime of the file when read (index.letters.file_stamp)
    warnings: tuple[str, ...] = ()
    field_sources: dict[str, str] = {}  # where title, date, lbr, kenmerk and url came from
    chunk_start: int  # position of its first passage among all passages of the build
    chunk_count: int
    segment: str = ""  # the segment holding its passages (format 2)…
    segment_start: int = 0  # …from this position in it


class StoredChunk(Chunk):
    embed_hash: str  # sha256 of the text that was embedded: lets a reindex reuse the vector
    dates: list[dt.date] = []  # the dates the passage mentions, resolved against the letter date


class Manifest(BaseModel):
    """A build as the engine sees it: every letter and every passage, in order (format 1 kept
    it on disk as one file; the database keeps it so)."""

    format: int = FORMAT_VERSION
    model: ModelInfo
    chunker: str
    built_at: dt.datetime
    letters: list[LetterEntry]
    chunks: list[StoredChunk]


class BuildManifest(BaseModel):
    """manifest.json of a format-2 build: the letters and the names of the segments holding
    their passages (not the passages: those are in the segments)."""

    format: int = FORMAT_VERSION
    model: ModelInfo
    chunker: str
    built_at: dt.datetime
    segments: list[str]
    ann: bool = False  # vectors.faiss holds an HNSW index of the passages, in order
    letters: list[LetterEntry]


@dataclass
class LoadedIndex:
    """Everything a search needs, read fully into memory from one build."""

    path: Path
    manifest: Manifest
    vectors: faiss.Index
    lexical: LexicalIndex | None  # None when loaded for a reindex, which rebuilds it
    segments: dict[str, Segment] = field(default_factory=dict)  # by name: a reload reuses them
    # files its reindex skipped as duplicates (index.letters.Duplicate), kept in memory only:
    # the next reindex in this process need not parse them again while they are unchanged
    duplicates: dict = field(default_factory=dict)

    def stored_vectors(self) -> np.ndarray:
        if self.vectors.ntotal == 0:
            return np.zeros((0, self.manifest.model.dim), dtype=np.float32)
        return self.vectors.reconstruct_n(0, self.vectors.ntotal)


@dataclass
class NewBuild:
    """A finished build in memory, ready to publish: `segments` hold its passages (the new
    one(s) to write, the others linked from the build they come from)."""

    manifest: Manifest
    vectors: np.ndarray
    lexical: LexicalIndex
    segments: list[Segment]

    @classmethod
    def whole(cls, manifest: Manifest, vectors: np.ndarray, name: str, segments: list[Segment] = ()) -> NewBuild:
        """Every passage in one new segment (a build from the database, a compaction);
        `segments`: where term ids of the passages may be found (else they are tokenized)."""
        letters = [e.model_copy(update={"segment": name, "segment_start": e.chunk_start}) for e in manifest.letters]
        manifest = manifest.model_copy(update={"letters": letters})
        lexical = lexical_index(manifest, list(segments))
        segment = Segment(name, list(manifest.chunks), np.asarray(vectors, dtype=np.float32), lexical.terms)
        return cls(manifest, segment.vectors, lexical, [segment])


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


def lexical_index(manifest: Manifest, segments: list[Segment], base: LexicalIndex | None = None) -> LexicalIndex:
    """BM25 over the build's passages, from the term ids its segments saved (a passage no
    segment has terms for, e.g. of another tokenizer, is tokenized). `base`: the previous
    build's BM25, whose merged term ids are extended by the new segments' only."""
    terms = merge_terms([s.terms for s in segments], base.pool if base is not None else None)
    known = terms.spans if terms else {}
    keys = [c.embed_hash for c in manifest.chunks]
    texts: list[str | None] = [None] * len(keys)
    unknown = [i for i, key in enumerate(keys) if key not in known]
    if unknown:
        titles = {e.id: e.title for e in manifest.letters}
        for i in unknown:
            texts[i] = index_text(titles[manifest.chunks[i].letter_id], manifest.chunks[i])
    return LexicalIndex.build(texts, keys=keys, reuse=terms)


def write_build(index_dir: Path, build: NewBuild, ann_threshold: int = ANN_THRESHOLD,
                name: str | None = None) -> LoadedIndex:
    """Write a complete build and switch CURRENT to it. Returns it as loaded. `name`: the
    build's name (index/db_builds.py names a copy of a database build after its id)."""
    manifest = build.manifest
    root = builds_dir(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        for segment in build.segments:
            place_segment(segment, tmp, StoredChunk)
        vectors = build_vectors(build.vectors, manifest.model.dim, ann_threshold)
        ann = not isinstance(vectors, faiss.IndexFlat)
        if ann:  # an HNSW graph takes long to build: it is kept on disk, rebuilt with every build
            faiss.write_index(vectors, str(tmp / VECTORS))
            fsync_file(tmp / VECTORS)
        faultpoint("writing")
        # The manifest goes last: a build dir with a manifest is complete.
        header = BuildManifest(model=manifest.model, chunker=manifest.chunker, built_at=manifest.built_at,
                               segments=[s.name for s in build.segments], ann=ann, letters=manifest.letters)
        _write_file(tmp / MANIFEST, header.model_dump_json().encode())
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
    # The vectors stay only in FAISS (a loaded build holds one copy of them, as format 1 did).
    segments = {s.name: Segment(s.name, s.chunks, None, s.terms, final) for s in build.segments}
    return LoadedIndex(final, manifest, vectors, build.lexical, segments)


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


def read_manifest(build: Path) -> BuildManifest | Manifest:
    """A build's manifest.json: BuildManifest (format 2) or Manifest (format 1); both have
    the model and the letters."""
    try:
        raw = (build / MANIFEST).read_bytes()
    except FileNotFoundError:
        raise UserError(f"The index at {build} is incomplete (no manifest): run `ledenbot reindex`.") from None
    try:
        return BuildManifest.model_validate_json(raw)
    except ValidationError:
        pass
    try:
        return Manifest.model_validate_json(raw)
    except ValidationError:
        raise UserError(f"The index manifest at {build} is damaged or from another version: run `ledenbot reindex`.") from None


def load_index(index_dir: Path, lexical: bool = True, reuse: LoadedIndex | None = None) -> LoadedIndex:
    """`lexical=False` skips the BM25 index (a reindex rebuilds it anyway); segments that
    `reuse` (the build loaded before) has in memory are not read again."""
    build = current_build(index_dir)
    if build is None:
        raise NoIndex(f"There is no index in {index_dir} yet: run `ledenbot reindex` first.")
    if not build.is_dir():
        raise UserError(f"The index in {index_dir} points at a missing build ({build.name}): run `ledenbot reindex`.")
    manifest = read_manifest(build)
    if manifest.format not in (1, FORMAT_VERSION):
        raise UserError(f"The index in {index_dir} has format {manifest.format}; this version needs {FORMAT_VERSION}: run `ledenbot reindex`.")
    try:
        if isinstance(manifest, BuildManifest):
            loaded = _load_segmented(build, manifest, lexical, reuse)
        else:
            loaded = _load_format_1(build, manifest, lexical)
    except UserError:
        raise
    except Exception as exc:
        log.debug("Loading %s failed", build, exc_info=True)
        raise UserError(f"The index files in {build} are damaged ({type(exc).__name__}): run `ledenbot reindex`.") from None
    vectors, chunks = loaded.vectors, loaded.manifest.chunks
    if vectors.ntotal != len(chunks) or (chunks and vectors.d != loaded.manifest.model.dim):
        raise UserError(f"The index in {build} is inconsistent ({vectors.ntotal} vectors for {len(chunks)} chunks): run `ledenbot reindex`.")
    return loaded


def _load_segmented(build: Path, header: BuildManifest, lexical: bool, reuse: LoadedIndex | None) -> LoadedIndex:
    dim = header.model.dim
    known = reuse.segments if reuse is not None and reuse.manifest.model == header.model else {}
    segments = {name: known.get(name) or read_segment(name, build, StoredChunk, dim) for name in header.segments}
    chunks: list[StoredChunk] = []
    runs: list[list] = []  # [segment, start, end]: letters whose passages lie one after the other
    for entry in header.letters:
        segment = segments.get(entry.segment)
        end = entry.segment_start + entry.chunk_count
        if segment is None or end > len(segment.chunks) or entry.chunk_start != len(chunks):
            raise UserError(f"The index in {build} is inconsistent (letter {entry.id} has no passages in "
                            f"{entry.segment or 'any segment'}): run `ledenbot reindex`.")
        chunks.extend(segment.chunks[entry.segment_start : end])
        if runs and runs[-1][0] is segment and runs[-1][2] == entry.segment_start:
            runs[-1][2] = end
        else:
            runs.append([segment, entry.segment_start, end])
    manifest = Manifest(format=header.format, model=header.model, chunker=header.chunker, built_at=header.built_at,
                        letters=header.letters, chunks=chunks)
    if header.ann:
        vectors = faiss.read_index(str(build / VECTORS))
        vectors.hnsw.efSearch = HNSW_EF_SEARCH
    else:  # exact search: the rows go from the segment files into FAISS a block at a time
        vectors = faiss.IndexFlatIP(dim)
        for segment, start, end in runs:
            for block in range(start, end, LOAD_BLOCK):
                vectors.add(np.ascontiguousarray(read_rows(segment, block, min(end, block + LOAD_BLOCK), dim)))
    ordered = [segments[name] for name in header.segments]
    return LoadedIndex(build, manifest, vectors, lexical_index(manifest, ordered) if lexical else None, segments)


def _load_format_1(build: Path, manifest: Manifest, lexical: bool) -> LoadedIndex:
    """A build of an earlier version: one manifest with every passage, vectors.faiss, bm25/.
    It serves as it is, as one segment that is not on disk (the next reindex compacts)."""
    vectors = faiss.read_index(str(build / VECTORS))
    if isinstance(vectors, faiss.IndexHNSWFlat):
        vectors.hnsw.efSearch = HNSW_EF_SEARCH
    bm25 = LexicalIndex.load(build / BM25_DIR) if lexical else None
    letters = [e.model_copy(update={"segment": "format-1", "segment_start": e.chunk_start}) for e in manifest.letters]
    manifest = manifest.model_copy(update={"letters": letters})
    loaded = LoadedIndex(build, manifest, vectors, bm25)
    if vectors.ntotal == len(manifest.chunks):  # vectors=None: the reindex takes them from FAISS
        terms = LexicalIndex.saved_terms(build / BM25_DIR)
        loaded.segments = {"format-1": Segment("format-1", list(manifest.chunks), None, terms)}
    return loaded

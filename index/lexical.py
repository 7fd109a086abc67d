"""BM25 over the chunks with Dutch stemming and stop words (bm25s + PyStemmer)."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import scipy.sparse as sp
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

# bm25s forces its logger to DEBUG on import; its progress chatter is not ours to show.
logging.getLogger("bm25s").setLevel(logging.WARNING)

_WORD = re.compile(r"\w+", re.UNICODE)
# Question words carry no topic; dropping them keeps BM25 on what is asked about.
_QUESTION_WORDS = {
    "wanneer", "waar", "wat", "wie", "hoe", "hoeveel", "waarom", "welke", "welk", "staat", "stond",
    "gaat", "kan", "kun", "kunnen", "moet", "moeten", "vng", "ledenbrief", "ledenbrieven", "brief",
    "when", "where", "what", "who", "how", "why", "which", "letter", "letters", "many", "much", "does",
}
STOPWORDS = frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN) | _QUESTION_WORDS
TERMS_FILE = "terms.npz"
# Saved tokens are reused only by the same tokenizer: bump the number when tokenize() or the
# file's layout changes (a change of the stop words changes the version by itself).
TOKENIZER_VERSION = "2-" + hashlib.sha256(" ".join(sorted(STOPWORDS)).encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop words out, Dutch-stemmed word tokens."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    return _stemmer().stemWords(words)


def _bm25_scores(ids: np.ndarray, lengths: np.ndarray, n_vocab: int, k1: float, b: float, dtype: str) -> dict:
    """bm25s's score matrix (its default Lucene variant: idf log(1 + (N - df + .5) / (df + .5))
    times tf / (tf + k1 (1 - b + b len/avglen))), built by numpy from all texts' term ids
    (concatenated) instead of bm25s's Python loop per document. tests/test_incremental.py
    compares the two."""
    n_docs = len(lengths)
    docs = np.repeat(np.arange(n_docs, dtype=np.int32), lengths)
    # scipy's COO -> CSC conversion counts each (document, term) pair: the term frequencies,
    # laid out by term as bm25s keeps its matrix, without sorting all pairs.
    counts = sp.csc_matrix((np.ones(len(ids), dtype=np.float64), (docs, ids)), shape=(n_docs, n_vocab))
    counts.sum_duplicates()
    tf, doc_idx, df = counts.data, counts.indices, np.diff(counts.indptr)
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(dtype)
    tfc = tf / (k1 * ((1 - b) + b * lengths[doc_idx] / lengths.mean()) + tf)
    data = (np.repeat(idf, df) * tfc).astype(dtype)
    return {"data": data, "indices": doc_idx.astype(np.int32), "indptr": counts.indptr, "num_docs": n_docs}


@dataclass
class SavedTerms:
    """Each text's terms as ids into `vocab`, saved with a build so the next one need neither
    tokenize unchanged passages again nor turn their words into ids."""

    vocab: list[str]
    ids: np.ndarray  # every text's term ids, one after the other
    spans: dict[str, tuple[int, int]]  # text key -> its slice of `ids`
    # A merge of several (merge_terms): the SavedTerms it holds, so the next merge can extend
    # it; () for one segment's own. Not saved.
    parts: tuple[SavedTerms, ...] = field(default=(), repr=False, compare=False)
    _term_id: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def merged(self) -> tuple[SavedTerms, ...]:
        return self.parts or (self,)

    def term_ids(self) -> dict[str, int]:
        """vocab word -> its id (made once)."""
        if self._term_id is None:
            self._term_id = {word: i for i, word in enumerate(self.vocab)}
        return self._term_id

    def save(self, path: Path) -> None:
        keys = list(self.spans)
        with path.open("wb") as fh:
            np.savez(fh, version=np.array(TOKENIZER_VERSION), vocab=np.array(self.vocab, dtype=str),
                     keys=np.array(keys, dtype=str), ids=self.ids,
                     spans=np.array([self.spans[k] for k in keys], dtype=np.int64).reshape(-1, 2))

    @classmethod
    def load(cls, path: Path) -> SavedTerms | None:
        """None if absent, damaged or of another tokenizer."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                if str(saved["version"]) != TOKENIZER_VERSION:
                    return None
                spans = {k: (int(s), int(e)) for k, (s, e) in zip(saved["keys"].tolist(), saved["spans"].tolist())}
                return cls(saved["vocab"].tolist(), saved["ids"], spans)
        except (OSError, ValueError, KeyError, EOFError):
            return None


@dataclass
class _Collected:
    vocab: list[str]
    ids: np.ndarray  # every text's term ids in text order, vocabulary compacted to the used terms
    order: list[tuple[int, int]]  # each text's slice of `ids`
    spans: dict[str, tuple[int, int]]  # key -> its slice


def collect_terms(texts: Sequence[str | None], keys: Sequence[str] | None = None,
                  reuse: SavedTerms | None = None) -> _Collected:
    """Every text's term ids: taken from `reuse` when its key is there, else tokenized."""
    vocab = list(reuse.vocab) if reuse else []
    term_id: dict[str, int] | None = None  # built when a text needs tokenizing
    parts = []
    for i, text in enumerate(texts):
        span = reuse.spans.get(keys[i]) if reuse and keys else None
        if span:
            parts.append(reuse.ids[span[0] : span[1]])
            continue
        if text is None:
            raise KeyError(f"no saved terms for passage {keys[i] if keys else i}")
        tokens = tokenize(text)
        if term_id is None:
            term_id = {term: i for i, term in enumerate(vocab)}
        for term in tokens:
            if term not in term_id:
                term_id[term] = len(vocab)
                vocab.append(term)
        parts.append(np.array([term_id[t] for t in tokens], dtype=np.int64))
    lengths = np.array([len(p) for p in parts], dtype=np.int64)
    ends = np.cumsum(lengths).tolist()
    order = [(end - n, end) for end, n in zip(ends, lengths.tolist())]
    if not lengths.sum():
        return _Collected([], np.zeros(0, dtype=np.int64), order, {})
    ids = np.concatenate(parts).astype(np.int64)
    spans = dict(zip(keys, order)) if keys else {}
    used = np.flatnonzero(np.bincount(ids, minlength=len(vocab)))  # drop terms only removed texts had
    if len(used) == len(vocab):  # every word still used (an add): the ids stand
        return _Collected(vocab, ids, order, spans)
    renumber = np.zeros(len(vocab), dtype=np.int64)
    renumber[used] = np.arange(len(used))
    return _Collected([vocab[i] for i in used], renumber[ids], order, spans)


def terms_of(texts: Sequence[str], keys: Sequence[str]) -> SavedTerms:
    """The saved terms of some texts (a segment's), without scoring them."""
    collected = collect_terms(texts, keys)
    return SavedTerms(collected.vocab, collected.ids.astype(np.int32), collected.spans)


def merge_terms(parts: Sequence[SavedTerms], base: SavedTerms | None = None) -> SavedTerms | None:
    """One SavedTerms over several (each segment's own vocabulary mapped onto a shared one).
    `base`: an earlier merge (the previous build's); when all it holds is among `parts`, it is
    extended by the others only (an add maps one new segment, not every segment again)."""
    parts = [p for p in parts if p is not None]
    if base is not None:
        have = {id(p) for p in parts}
        done = base.merged()
        if all(id(p) in have for p in done):
            done_ids = {id(p) for p in done}
            rest = [p for p in parts if id(p) not in done_ids]
            return _extended(base, rest) if rest else base
    if len(parts) <= 1:
        return parts[0] if parts else None
    return _extended(SavedTerms([], np.zeros(0, dtype=np.int32), {}), parts, first=True)


def _extended(base: SavedTerms, parts: list[SavedTerms], first: bool = False) -> SavedTerms:
    """`base` with `parts` appended: their words mapped onto its vocabulary (new words added
    at the end), their ids after its ids; a key already there keeps its first span."""
    term_id = dict(base.term_ids())
    ids, spans, offset = [base.ids], dict(base.spans), len(base.ids)
    for part in parts:
        mapping = np.array([term_id.setdefault(w, len(term_id)) for w in part.vocab], dtype=np.int32)
        ids.append(mapping[part.ids] if len(part.ids) else part.ids.astype(np.int32))
        for key, (start, end) in part.spans.items():
            spans.setdefault(key, (start + offset, end + offset))
        offset += len(part.ids)
    merged = (() if first else base.merged()) + tuple(parts)
    return SavedTerms(list(term_id), np.concatenate(ids), spans, merged, term_id)


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25, terms: SavedTerms | None = None, pool: SavedTerms | None = None):
        self.retriever = retriever
        self._terms = terms  # saved with the build so the next one can reuse them
        # the saved terms it was built from (its segments' merged): the next build extends them
        self.pool = pool
        self._mapped: dict[str, str] = {}

    @classmethod
    def build(cls, texts: Sequence[str | None], keys: Sequence[str] | None = None,
              reuse: SavedTerms | None = None) -> LexicalIndex:
        """`keys` name each text (a hash of it); a text whose key is in `reuse` (what earlier
        builds saved) is not tokenized again (its text may then be None). bm25s cannot add
        documents to an index, so the score matrix is rebuilt, by numpy from term ids:
        milliseconds for thousands of passages."""
        terms = collect_terms(texts, keys, reuse)
        lengths = np.array([e - s for s, e in terms.order], dtype=np.int64)
        if not lengths.sum():  # nothing to score (no texts, or no words): bm25s's own empty index
            retriever = bm25s.BM25()
            retriever.index([[]] * max(len(texts), 1), show_progress=False)
            return cls(retriever)
        ids, vocab = terms.ids, terms.vocab
        retriever = bm25s.BM25()
        retriever.scores = _bm25_scores(ids, lengths, len(vocab), retriever.k1, retriever.b, retriever.dtype)
        retriever.vocab_dict = {term: i for i, term in enumerate(vocab)}
        retriever.vocab_dict.setdefault("", len(vocab))  # as bm25s's index(): a query may be empty
        retriever.unique_token_ids_set = set(retriever.vocab_dict.values())
        retriever.nonoccurrence_array = None  # only bm25l and bm25+ have one
        return cls(retriever, SavedTerms(vocab, ids.astype(np.int32), terms.spans) if keys else None, reuse)

    def query_tokens(self, text: str) -> list[str]:
        """Question tokens mapped onto the index vocabulary. Dutch glues words together
        ("ravijnjaar", "aanmeldcentrum"): an unknown long token falls back to the longest
        indexed word it starts or ends with. Tokens with no match are kept, as unknown."""
        out = []
        for token in tokenize(text):
            if token in self.retriever.vocab_dict or len(token) < 7:
                out.append(token)
                continue
            if token not in self._mapped:
                self._mapped[token] = self._longest_part(token)
            out.append(self._mapped[token])
        return out

    def _longest_part(self, token: str) -> str:
        """The longest indexed word (4+ letters) the token starts or ends with, else the token."""
        vocab = self.retriever.vocab_dict
        for size in range(len(token) - 1, 3, -1):
            for part in (token[:size], token[-size:]):
                if part in vocab:
                    return part
        return token

    def scores(self, question: str) -> np.ndarray:
        tokens = [t for t in self.query_tokens(question) if t in self.retriever.vocab_dict]
        if not tokens:
            return np.zeros(self.retriever.scores["num_docs"], dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)

    def idf(self, token: str) -> float:
        """Inverse document frequency of a (stemmed) token; 0 for tokens not in the index."""
        column = self.retriever.vocab_dict.get(token)
        indptr = self.retriever.scores["indptr"]
        if column is None or column + 1 >= len(indptr):
            return 0.0
        df = int(indptr[column + 1] - indptr[column])
        n = int(self.retriever.scores["num_docs"])
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5))) if df else 0.0

    @property
    def terms(self) -> SavedTerms | None:
        """Each text's term ids (when built with keys), for a segment to save."""
        return self._terms

    def save(self, directory: Path) -> None:
        self.retriever.save(str(directory), show_progress=False)
        if self._terms is not None:
            self._terms.save(directory / TERMS_FILE)

    @staticmethod
    def saved_terms(directory: Path) -> SavedTerms | None:
        return SavedTerms.load(directory / TERMS_FILE)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(directory), show_progress=False, verbosity=0))

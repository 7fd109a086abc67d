"""BM25 over the chunks with Dutch stemming and stop words (bm25s + PyStemmer)."""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
from collections.abc import Mapping, Sequence
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
TOKENS_FILE = "tokens.json"
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


class _NumpyBM25(bm25s.BM25):
    """bm25s with its score matrix built by numpy instead of a Python loop per document (the
    loop is most of what a reindex that adds one letter to a thousand spends on BM25). The
    same scores: bm25s's default Lucene variant, idf log(1 + (N - df + .5) / (df + .5)) and
    tf / (tf + k1 (1 - b + b len/avglen)); tests/test_incremental.py compares the two."""

    def build_index_from_ids(self, unique_token_ids, corpus_token_ids, show_progress=True, leave_progress=False):
        if self.method != "lucene":
            return super().build_index_from_ids(unique_token_ids, corpus_token_ids, show_progress, leave_progress)
        self.nonoccurrence_array = None  # only bm25l and bm25+ have one
        n_docs, n_vocab = len(corpus_token_ids), len(unique_token_ids)
        lengths = np.fromiter(map(len, corpus_token_ids), dtype=np.int64, count=n_docs)
        flat = np.fromiter(itertools.chain.from_iterable(corpus_token_ids), dtype=np.int64, count=int(lengths.sum()))
        pairs, tf = np.unique(np.repeat(np.arange(n_docs), lengths) * n_vocab + flat, return_counts=True)
        doc_idx, voc_idx = pairs // n_vocab, pairs % n_vocab
        df = np.bincount(voc_idx, minlength=n_vocab)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(self.dtype)
        tfc = tf / (self.k1 * ((1 - self.b) + self.b * lengths[doc_idx] / lengths.mean()) + tf)
        matrix = sp.csc_matrix((idf[voc_idx] * tfc, (doc_idx, voc_idx)), shape=(n_docs, n_vocab), dtype=self.dtype)
        return {"data": matrix.data, "indices": matrix.indices.astype(self.int_dtype), "indptr": matrix.indptr,
                "num_docs": n_docs}


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25, tokens: dict[str, list[str]] | None = None):
        self.retriever = retriever
        self._tokens = tokens  # text key -> its tokens, saved so the next build need not redo them
        self._mapped: dict[str, str] = {}

    @classmethod
    def build(cls, texts: list[str], keys: Sequence[str] | None = None,
              reuse: Mapping[str, list[str]] | None = None) -> LexicalIndex:
        """`keys` name each text (a hash of it); a text whose key is in `reuse` (the tokens a
        previous build saved) is not tokenized again. bm25s cannot add documents to an index,
        so the score matrix is rebuilt (by numpy: milliseconds for thousands of passages); tokenizing
        is most of the cost, and that is reused."""
        reuse = reuse or {}
        tokens = [reuse[k] if k in reuse else tokenize(t) for t, k in zip(texts, keys)] if keys else [tokenize(t) for t in texts]
        retriever = _NumpyBM25()
        retriever.index(tokens or [[]], show_progress=False)
        return cls(retriever, dict(zip(keys, tokens)) if keys else None)

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

    def save(self, directory: Path) -> None:
        self.retriever.save(str(directory), show_progress=False)
        if self._tokens is not None:
            # One string per text: loading thousands of short strings is much faster than lists.
            payload = {"version": TOKENIZER_VERSION, "tokens": {k: " ".join(v) for k, v in self._tokens.items()}}
            (directory / TOKENS_FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    @staticmethod
    def saved_tokens(directory: Path) -> dict[str, list[str]]:
        """The tokens a build saved, by text key; empty if absent, damaged or of another tokenizer."""
        try:
            payload = json.loads((directory / TOKENS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(payload, dict) or payload.get("version") != TOKENIZER_VERSION:
            return {}
        tokens = payload.get("tokens")
        return {key: joined.split() for key, joined in tokens.items() if isinstance(joined, str)} if isinstance(tokens, dict) else {}

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(directory), show_progress=False, verbosity=0))

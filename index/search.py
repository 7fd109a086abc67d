"""Hybrid search: a letter named by number first; otherwise dense (FAISS) and BM25 ranks
fused by reciprocal rank fusion, one best passage per letter, newest first on near-ties,
and a relevance floor below which the answer is "not found" plus the nearest letters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from index.embedding import Embedder
from index.errors import EmptyQuestion, QuestionTooLong, UserError
from index.highlight import best_sentence
from index.lexical import tokenize
from index.metadata import find_references, strip_references
from index.models import Answer, LetterRef, Passage
from index.store import LetterEntry, LoadedIndex

RRF_K = 60
CANDIDATES = 100


@dataclass(frozen=True)
class SearchConfig:
    # A passage answers when its cosine beats the closest off-topic background text by this.
    relevance_margin: float = 0.03
    # ...or when it contains this share of the question's words (weighted by rarity).
    lexical_coverage: float = 0.6
    max_question_chars: int = 2000


@dataclass
class _Hit:
    chunk: int
    fused: float
    cosine: float


class Searcher:
    """Answers questions from one loaded index with one embedder (the same model)."""

    def __init__(self, embedder: Embedder, index: LoadedIndex, config: SearchConfig = SearchConfig()):
        built_with = index.manifest.model
        if built_with.fingerprint != embedder.info.fingerprint:
            raise UserError(
                f"The index was built with the model {built_with.id!r} but this process uses "
                f"{embedder.info.id!r}: run `ledenbot reindex` to rebuild it with this model."
            )
        self.embedder = embedder
        self.index = index
        self.config = config
        self._letter_of_chunk: list[LetterEntry] = []
        for entry in index.manifest.letters:
            self._letter_of_chunk.extend([entry] * entry.chunk_count)
        self._by_reference: dict[str, LetterEntry] = {}
        for entry in index.manifest.letters:
            for ref in (entry.lbr, entry.kenmerk):
                if ref:
                    self._by_reference.setdefault(ref.upper(), entry)

    def validate(self, question: str) -> str:
        return validate_question(question, self.config.max_question_chars)

    def search(self, question: str, k: int = 3, focus: list[str] | None = None) -> Answer:
        """`focus`: ids of letters to answer from first (e.g. the letter an announcement
        thread is about), as if the question named them by number."""
        question = self.validate(question)
        query = self.embedder.encode_queries([question])
        hits = self._rank(question, query)
        refs = find_references(question)
        named = [self._by_reference[r.upper()] for r in refs if r.upper() in self._by_reference]
        if not refs and focus:
            named = [e for e in self.index.manifest.letters if e.id in set(focus)]
        if refs and not named:
            passages = [self._passage(h, question) for h in hits[:k]]
            return Answer(question=question, found=False, passages=passages, unknown_reference=refs[0])
        if named:
            hits = self._pin(named, hits, question, query)
            found = True
        else:
            found = self._answers(hits[:3], question, query)
        return Answer(question=question, found=found, passages=[self._passage(h, question) for h in hits[:k]])

    def _answers(self, hits: list[_Hit], question: str, query: np.ndarray) -> bool:
        if not hits:
            return False
        floor = float(np.max(self.embedder.background() @ query[0])) + self.config.relevance_margin
        if any(h.cosine >= floor for h in hits):
            return True
        return self._coverage(hits[0].chunk, question) >= self.config.lexical_coverage

    def _coverage(self, chunk: int, question: str) -> float:
        """Share of the question's words (weighted by rarity; unknown words count as rarest)
        that the passage or its letter's title contains."""
        lexical = self.index.lexical
        wanted = set(lexical.query_tokens(question))
        if not wanted:
            return 0.0
        stored = self.index.manifest.chunks[chunk]
        have = set(tokenize(stored.text + " " + self._letter_of_chunk[chunk].title))
        weights = {t: lexical.idf(t) for t in wanted}
        rarest = max(weights.values(), default=0.0) or 1.0
        weights = {t: (w or rarest) for t, w in weights.items()}
        return sum(w for t, w in weights.items() if t in have) / sum(weights.values())

    def _rank(self, question: str, query: np.ndarray) -> list[_Hit]:
        n_chunks = self.index.vectors.ntotal
        if n_chunks == 0:
            return []
        depth = min(CANDIDATES, n_chunks)
        cos, ids = self.index.vectors.search(query, depth)
        cosine = dict(zip(ids[0].tolist(), cos[0].tolist()))
        bm25 = self.index.lexical.scores(question)
        lexical_order = [int(i) for i in np.argsort(-bm25)[:depth] if bm25[i] > 0]

        fused: dict[int, float] = {}
        for rank, chunk in enumerate(ids[0].tolist()):
            if chunk >= 0:
                fused[chunk] = fused.get(chunk, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, chunk in enumerate(lexical_order):
            fused[chunk] = fused.get(chunk, 0.0) + 1.0 / (RRF_K + rank + 1)
        self._fill_cosines(cosine, [c for c in fused if c not in cosine], query)

        def order(chunk: int) -> tuple:
            letter = self._letter_of_chunk[chunk]
            # Near-equal fused scores: the newer letter first; undated letters last.
            return (-round(fused[chunk], 4), -(letter.date or dt.date.min).toordinal(), chunk)

        hits: list[_Hit] = []
        seen_letters: set[str] = set()
        for chunk in sorted(fused, key=order):
            letter_id = self._letter_of_chunk[chunk].id
            if letter_id not in seen_letters:
                seen_letters.add(letter_id)
                hits.append(_Hit(chunk, fused[chunk], cosine[chunk]))
        return hits

    def _fill_cosines(self, cosine: dict[int, float], chunks: list[int], query: np.ndarray) -> None:
        if chunks:
            vectors = self.index.vectors.reconstruct_batch(np.array(chunks, dtype=np.int64))
            cosine.update(zip(chunks, (vectors @ query[0]).tolist()))

    def _pin(self, named: list[LetterEntry], hits: list[_Hit], question: str, query: np.ndarray) -> list[_Hit]:
        """Put the letters the question names by number first, each with its best passage
        (its opening passage when the question asks nothing beyond the number)."""
        asks_more = bool(self.index.lexical.query_tokens(strip_references(question)))
        pinned: list[_Hit] = []
        for entry in dict.fromkeys(named):
            chunks = list(range(entry.chunk_start, entry.chunk_start + entry.chunk_count))
            if not chunks:
                continue
            cosine: dict[int, float] = {}
            self._fill_cosines(cosine, chunks, query)
            best = max(chunks, key=cosine.__getitem__) if asks_more else chunks[0]
            pinned.append(_Hit(best, 1.0 / (RRF_K + 1) * 2, cosine[best]))
        named_ids = {e.id for e in named}
        return pinned + [h for h in hits if self._letter_of_chunk[h.chunk].id not in named_ids]

    def _passage(self, hit: _Hit, question: str) -> Passage:
        stored = self.index.manifest.chunks[hit.chunk]
        entry = self._letter_of_chunk[hit.chunk]
        ref = LetterRef.model_validate(entry.model_dump(include=set(LetterRef.model_fields)))
        highlight = best_sentence(stored.text, question, self.index.lexical)
        page = stored.page_at(stored.text.find(highlight)) if highlight else stored.page
        return Passage(
            text=stored.text,
            highlight=highlight,
            score=round(min(1.0, hit.fused / (2.0 / (RRF_K + 1))), 4),
            link=_link(ref.url, page),
            letter=ref,
        )


def validate_question(question: str, max_chars: int) -> str:
    """The question with whitespace normalized; UserError if empty or too long."""
    question = " ".join(question.split())
    if not any(ch.isalnum() for ch in question):
        raise EmptyQuestion("The question is empty: type a question in words, e.g. \"Wanneer is het volgende BOFv?\".")
    if len(question) > max_chars:
        raise QuestionTooLong(
            f"The question is {len(question)} characters long; keep it under "
            f"{max_chars} characters and ask about one thing at a time.",
            len(question),
            max_chars,
        )
    return question


def _link(url: str | None, page: int | None) -> str | None:
    if not url:
        return None
    return f"{url}#page={page}" if page else url

"""Hybrid search: a letter named by number first; otherwise dense (FAISS) and BM25 ranks
fused by reciprocal rank fusion, one best passage per letter, newest first on near-ties
and for "latest" questions (recency.py), and a relevance floor below which the answer is "not found" plus the nearest letters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from index.answerability import Coverage
from index.asked import Asked, asked, asks_who_holds_role
from index.chunking import index_text
from index.covering import Candidate, first_covering, names_holder, uncovered
from index.dating import typical_date
from index.embedding import Embedder
from index.errors import EmptyQuestion, ModelMismatch, QuestionTooLong
from index.events import EventHit, find_next_event, is_next_question
from index.glossary import with_dutch_words
from index.highlight import best_sentence
from index.language import language
from index.letter_refs import letter_refs
from index.lexical import tokenize
from index.metadata import find_references, strip_references
from index.missing import describe_missing
from index.models import Answer, LetterRef, Missing, Passage
from index.recency import Recency, asks_latest, asks_newest_letter, newest
from index.sentences import split_sentences
from index.store import LetterEntry, LoadedIndex

RRF_K = 60
CANDIDATES = 100
CROSS_LINGUAL = 0.015  # how much lower the margin is for English questions (dev set: see README)
SIGNED = re.compile(r"\b(ondertekend|ondertekende|ondertekening|tekende|getekend|signed|signatory)\b", re.IGNORECASE)
FLOOR_HITS = 5  # the relevance floor is judged on this many of the best letters
SPECIFIC_POOL = 8  # hits whose letters may answer the question's specifics…
SPECIFIC_WINDOW = 0.05  # …beyond the top 3, when their cosine is this close to the best


@dataclass(frozen=True)
class SearchConfig:
    # A passage answers when its cosine beats the closest off-topic background text by this.
    relevance_margin: float = 0.03
    # ...or when it contains this share of the question's words (weighted by rarity).
    lexical_coverage: float = 0.6
    max_question_chars: int = 2000
    # Ablation switches for the benchmarks; the shipped configuration is hybrid with recency.
    mode: str = "hybrid"  # "hybrid", "dense" or "bm25"
    recency: bool = True
    specifics: bool = True  # refuse when no letter covers the question's distinctive terms and dates


@dataclass
class _Hit:
    chunk: int
    fused: float
    cosine: float
    bm25: float = 0.0


class Searcher:
    """Answers questions from one loaded index with one embedder (the same model)."""

    def __init__(self, embedder: Embedder, index: LoadedIndex, config: SearchConfig = SearchConfig(),
                 clock: Callable[[], dt.date] = dt.date.today, previous: Searcher | None = None):
        """`previous`: the searcher this one replaces; its letter refs are reused for letters
        whose ref fields are unchanged (a reindex that adds one letter builds one ref, not all)."""
        built_with = index.manifest.model
        if built_with.fingerprint != embedder.info.fingerprint:
            raise ModelMismatch(
                f"The index was built with the model {built_with.id!r} but this process uses "
                f"{embedder.info.id!r}: run `ledenbot reindex` to rebuild it with this model."
            )
        self.embedder = embedder
        self.index = index
        self.config = config
        self.clock = clock
        self._letter_of_chunk: list[LetterEntry] = []
        for entry in index.manifest.letters:
            self._letter_of_chunk.extend([entry] * entry.chunk_count)
        self._refs = letter_refs(index.manifest.letters, previous._refs if previous is not None else {})
        refs = {ref.id: ref for ref in self._refs.values()}
        self.chunk_letters = [refs[e.id] for e in self._letter_of_chunk]
        self.chunk_texts = [c.text for c in index.manifest.chunks]
        # Letterhead and signature passages are never an answer (they serve number look-ups).
        self.content = np.array([c.kind == "content" for c in index.manifest.chunks], dtype=bool)
        # …except the signature, for the one question it answers: who signed the letter
        self._signature_of: dict[str, int] = {self._letter_of_chunk[i].id: i for i, c in enumerate(index.manifest.chunks)
                                              if c.kind == "signature"}
        self._by_reference: dict[str, LetterEntry] = {}
        for entry in index.manifest.letters:
            for ref in (entry.lbr, entry.kenmerk):
                if ref:
                    self._by_reference.setdefault(ref.upper(), entry)
        self.recency: Recency[_Hit] = Recency(
            date_of=self._date, text_of=lambda h: self._candidate(h).letter,
            title_of=lambda h: self._letter_of_chunk[h.chunk].title, covers=self._covers,
            undated_as=typical_date([e.date for e in index.manifest.letters if e.date]))

    def validate(self, question: str) -> str:
        return validate_question(question, self.config.max_question_chars)

    def search(self, question: str, k: int = 3, focus: list[str] | None = None) -> Answer:
        """`focus`: ids of letters to answer from first (e.g. the letter an announcement
        thread is about), as if the question named them by number."""
        question = self.validate(question)
        query = self.embedder.encode_queries([self._for_encoding(question)])
        hits = self._rank(question, query)
        floor = self._floor(query, question)
        refs = find_references(question)
        named = [self._by_reference[r.upper()] for r in refs if r.upper() in self._by_reference]
        if not refs and focus:
            named = [e for e in self.index.manifest.letters if e.id in set(focus)]
        if refs and not named:
            passages = [self._passage(h, question) for h in hits[:k]]
            return Answer(question=question, found=False, passages=passages, unknown_reference=refs[0])

        event, missing = None, None
        if not named and asks_newest_letter(question):  # "wat is de nieuwste ledenbrief?"
            named = newest(self.index.manifest.letters, k)
        if named:
            hits, found = self._pin(named, hits, question, query), True
        else:
            if is_next_question(question):
                event = self._next_event(question)
            if event is not None:
                hits, found = self._pin_chunk(event.chunk, hits, query), True
            else:
                found = self._answers(hits[:FLOOR_HITS], question, floor)
                if found and self.config.specifics:
                    hits, missing = self._specifics(question, hits, floor)
                    found = missing is None
                if found and self.config.recency and asks_latest(question):
                    hits = self.recency.newest_first(hits, floor, question)
        if found and SIGNED.search(question):  # "wie heeft de brief ondertekend?": its signature
            hits = [replace(h, chunk=self._signature_of.get(self._letter_of_chunk[h.chunk].id, h.chunk)) for h in hits]
        elif found and hits:
            hits = self._role_from_signature(question, hits)
        passages = [self._passage(h, question, event.event.sentence if event and i == 0 else None)
                    for i, h in enumerate(hits[:k])]
        return Answer(question=question, found=found, passages=passages, event=event.event if event else None,
                      newer=self._newer(hits, floor) if found else None, missing=missing)

    @staticmethod
    def _for_encoding(question: str) -> str:
        return with_dutch_words(question) if language(question) == "en" else question

    def _specifics(self, question: str, hits: list[_Hit], floor: float) -> tuple[list[_Hit], Missing | None]:
        """The first of the best hits whose letter covers the question's distinctive terms and
        periods goes first; if none does, what is missing (see answerability.py)."""
        lang = language(question)
        wanted = asked(question, lang)
        if not hits or not (wanted.terms or wanted.periods):
            return hits, None
        best = max(h.cosine for h in hits[:SPECIFIC_POOL])
        pool = [h for i, h in enumerate(hits[:SPECIFIC_POOL]) if h.cosine >= best - SPECIFIC_WINDOW]
        # "… ondertekend als voorzitter", "wie was voorzitter van …": the signature counts
        signed = SIGNED.search(question) is not None or bool(asks_who_holds_role(question, lang))
        candidates = [self._candidate(h, signed, floor) for h in pool]
        chosen = first_covering(wanted, candidates)
        if chosen is not None:
            return [pool[chosen]] + [h for h in hits if h is not pool[chosen]], None
        terms, periods = uncovered(wanted, candidates[0])
        nearest = [(self.chunk_texts[h.chunk], self.chunk_letters[h.chunk]) for h in hits[:3]]
        return hits, describe_missing(question, lang, wanted, terms, periods, nearest)

    def _role_from_signature(self, question: str, hits: list[_Hit]) -> list[_Hit]:
        """Who holds a role the best passage does not name, but its letter's signature does:
        the signature is the answer ("Jan Jansen, voorzitter College voor Arbeidszaken")."""
        roles = asks_who_holds_role(question, language(question))
        signature = self._signature_of.get(self._letter_of_chunk[hits[0].chunk].id)
        if not roles or signature is None:
            return hits
        passage = Coverage(index_text(self._letter_of_chunk[hits[0].chunk].title, self.index.manifest.chunks[hits[0].chunk]))
        signed = Coverage(self.index.manifest.chunks[signature].text)
        if all(passage.term(r) for r in roles) or not all(signed.term(r) for r in roles):
            return hits
        return [replace(hits[0], chunk=signature)] + hits[1:]

    def _candidate(self, hit: _Hit, signature: bool = False, floor: float = 1.0) -> Candidate:
        entry = self._letter_of_chunk[hit.chunk]
        kinds = ("content", "signature") if signature else ("content",)
        chunks = [c for c in self.index.manifest.chunks[entry.chunk_start: entry.chunk_start + entry.chunk_count]
                  if c.kind in kinds]
        signed = " ".join(c.text for c in chunks if c.kind == "signature")
        stored = self.index.manifest.chunks[hit.chunk]
        return Candidate(
            passage=index_text(entry.title, stored),
            title=entry.title,
            letter="\n".join([entry.title] + [c.text for c in chunks]),
            letter_date=entry.date,
            date_exact=not entry.date_estimated,
            passage_dates=stored.dates,
            letter_dates=[d for c in chunks for d in c.dates],
            signature=signed,
            score=hit.cosine,
            margin=hit.cosine - floor,
        )

    def _floor(self, query: np.ndarray, question: str) -> float:
        """The cosine a passage must reach: the closest off-topic text plus the margin (less for
        an English question: its cosines to the Dutch letters run lower across the board)."""
        margin = self.config.relevance_margin
        if language(question) == "en":
            margin = max(0.0, margin - CROSS_LINGUAL)
        return float(np.max(self.embedder.background() @ query[0])) + margin

    def _answers(self, hits: list[_Hit], question: str, floor: float) -> bool:
        if not hits:
            return False
        if any(h.cosine >= floor for h in hits):
            return True
        return max(self._coverage(h.chunk, question) for h in hits) >= self.config.lexical_coverage

    def _date(self, hit: _Hit) -> dt.date | None:
        """For ordering by recency: the letter's date, known or estimated."""
        return self._letter_of_chunk[hit.chunk].date

    def _newer(self, hits: list[_Hit], floor: float) -> LetterRef | None:
        newer = self.recency.newer(hits, floor)
        return self.chunk_letters[newer.chunk] if newer else None

    def _covers(self, hit: _Hit, wanted: Asked, floor: float) -> bool:
        return uncovered(wanted, self._candidate(hit, bool(wanted.holders), floor)) == ([], [])

    def _next_event(self, question: str) -> EventHit | None:
        return find_next_event(question, self.chunk_texts, self.chunk_letters, self.index.lexical, self.clock(),
                               self.content)

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
        # an English question is matched by the glossary's Dutch words (English words are not in the letters)
        words = with_dutch_words(question, every=True) if language(question) == "en" else question
        bm25 = self.index.lexical.scores(words) * self.content
        lexical_order = [int(i) for i in np.argsort(-bm25)[:depth] if bm25[i] > 0]

        fused: dict[int, float] = {}
        dense_order = [c for c in ids[0].tolist() if c >= 0 and self.content[c]]
        for order in (dense_order if self.config.mode != "bm25" else [],
                      lexical_order if self.config.mode != "dense" else []):
            for rank, chunk in enumerate(order):
                fused[chunk] = fused.get(chunk, 0.0) + 1.0 / (RRF_K + rank + 1)
        self._fill_cosines(cosine, [c for c in fused if c not in cosine], query)

        hits: list[_Hit] = []
        seen_letters: set[str] = set()
        for chunk in sorted(fused, key=lambda c: (-fused[c], c)):
            letter_id = self._letter_of_chunk[chunk].id
            if letter_id not in seen_letters:
                seen_letters.add(letter_id)
                hits.append(_Hit(chunk, fused[chunk], cosine[chunk], float(bm25[chunk])))
        return self.recency.newer_on_ties(hits) if self.config.recency else hits

    def _fill_cosines(self, cosine: dict[int, float], chunks: list[int], query: np.ndarray) -> None:
        if chunks:
            vectors = self.index.vectors.reconstruct_batch(np.array(chunks, dtype=np.int64))
            cosine.update(zip(chunks, (vectors @ query[0]).tolist()))

    def _pin_chunk(self, chunk: int, hits: list[_Hit], query: np.ndarray) -> list[_Hit]:
        cosine: dict[int, float] = {}
        self._fill_cosines(cosine, [chunk], query)
        letter_id = self._letter_of_chunk[chunk].id
        pinned = _Hit(chunk, 2.0 / (RRF_K + 1), cosine[chunk])
        return [pinned] + [h for h in hits if self._letter_of_chunk[h.chunk].id != letter_id]

    def _pin(self, named: list[LetterEntry], hits: list[_Hit], question: str, query: np.ndarray) -> list[_Hit]:
        """Put the letters the question names by number first, each with its best passage
        (its opening passage when the question asks nothing beyond the number)."""
        asks_more = bool(self.index.lexical.query_tokens(strip_references(question)))
        pinned: list[_Hit] = []
        for entry in {e.id: e for e in named}.values():
            chunks = [c for c in range(entry.chunk_start, entry.chunk_start + entry.chunk_count) if self.content[c]]
            if not chunks:
                continue
            cosine: dict[int, float] = {}
            self._fill_cosines(cosine, chunks, query)
            best = max(chunks, key=cosine.__getitem__) if asks_more else chunks[0]
            pinned.append(_Hit(best, 1.0 / (RRF_K + 1) * 2, cosine[best]))
        named_ids = {e.id for e in named}
        return pinned + [h for h in hits if self._letter_of_chunk[h.chunk].id not in named_ids]

    def _passage(self, hit: _Hit, question: str, highlight: str | None = None) -> Passage:
        stored = self.index.manifest.chunks[hit.chunk]
        ref = self.chunk_letters[hit.chunk]
        if stored.kind == "signature":  # shown whole: the name belongs with the role
            highlight = None
        else:
            highlight = highlight or self._holder_sentence(stored.text, question) or best_sentence(
                stored.text, question, self.index.lexical)
        page = stored.page_at(stored.text.find(highlight)) if highlight else stored.page
        return Passage(
            text=stored.text,
            highlight=highlight,
            score=round(min(1.0, hit.fused / (2.0 / (RRF_K + 1))), 4),
            link=_link(ref.url, page),
            letter=ref,
            dates=stored.dates,
        )


    @staticmethod
    def _holder_sentence(text: str, question: str) -> str | None:
        """For "wie is de voorzitter?": the sentence that names the role with a person."""
        roles = asked(question, language(question)).holders
        if not roles:
            return None
        return next((s for s in split_sentences(text) if all(names_holder(r, s) for r in roles)), None)


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

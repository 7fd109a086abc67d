"""Which of the letters that answer is the newest: newer first on near-ties, the newest on
the topic for "laatste/latest" questions, and the "Nieuwer:" note under an older quote.

Works on the search's hits (anything with a cosine, a fused score and a BM25 score) through
what the search knows of each hit's letter: its date, its content text and its title.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from bm25s.stopwords import STOPWORDS_EN_PLUS  # the fuller English list: "has", "been", "did"

from index.answerability import coverage_of
from index.asked import Asked, Term, asked, topic_terms
from index.language import language
from index.lexical import tokenize
from index.models import LetterRef

TIE = 0.01  # cosines this close (for neighbours in rank) count as "about equally good"
SAME_TOPIC = 0.012  # cosine this close to the best passage: the same topic
TITLED_TOPIC = 0.05  # for "latest" questions, this close if the letter's title has the topic's words…
LATEST_TOPIC = 0.025  # …and this close if only its text has them
LATEST = re.compile(r"\b(laatste?|laatst|meest recente?|recente?|recentelijk|onlangs|inmiddels|stand van zaken|"
                    r"recentste?|nieuwste?|actueelste?|actuele|huidige|nu(?!\s+(?:al|ook|wel)\b)|op dit moment|momenteel|recently|up[- ]to[- ]date|"
                    r"latest|current|currently|most recent|newest|now)\b", re.IGNORECASE)


class Scored(Protocol):
    cosine: float
    fused: float
    bm25: float


H = TypeVar("H", bound=Scored)
L = TypeVar("L", bound=LetterRef)


def asks_latest(question: str) -> bool:
    return LATEST.search(question) is not None


# Words about the letters themselves or their sending, not a topic ("verschenen", "news"), and
# the sender as members address it ("jullie": not in the Dutch stop list)
_ABOUT_LETTERS = frozenset(tokenize("brieven member members bericht berichten nieuws news verschenen verstuurd "
                                    "gestuurd stuurde gepubliceerd published send sent uitgekomen jullie"))


def asks_newest_letter(question: str) -> bool:
    """"Wat is de nieuwste ledenbrief?", "What is the latest letter the VNG has sent?": a
    "latest" question on no topic and no period asks for the newest letters themselves. Not
    tested by topic_terms, which leaves out everyday words that still name a topic ("Wie is nu
    voorzitter van de commissie?", "the latest on the reception of refugees"): every word
    besides the recency words (LATEST) and stop words must be about the letters."""
    if not asks_latest(question):
        return False
    words = [w for w in re.findall(r"\w+", LATEST.sub(" ", question).lower()) if w not in STOPWORDS_EN_PLUS]
    return set(tokenize(" ".join(words))) <= _ABOUT_LETTERS


def newest(letters: list[L], k: int) -> list[L]:
    """The k newest letters by their (known or estimated) date; undated ones last."""
    return sorted(letters, key=lambda e: _dated_first(e.date), reverse=True)[:k]


def _dated_first(date: dt.date | None) -> tuple[bool, dt.date]:
    """Sort key, newest first with reverse=True: dated letters by date, then undated ones."""
    return date is not None, date or dt.date.min


@dataclass
class Recency(Generic[H]):
    date_of: Callable[[H], dt.date | None]  # the letter's date, known or estimated
    text_of: Callable[[H], str]  # the letter's content, with its title
    title_of: Callable[[H], str]
    covers: Callable[[H, Asked, float], bool]  # the hit's letter has the question's specifics (floor given)
    # What a letter with no date evidence at all counts as when asked for the newest: the
    # collection's typical (median) date. Nothing says it is old; a letter dated years before
    # most others is likelier the older one.
    undated_as: dt.date | None = None

    def close_to_best(self, hits: list[H], floor: float, window: float = SAME_TOPIC) -> list[H]:
        """Hits that answer about as well as the best one (same topic). Beyond SAME_TOPIC, a
        hit must also share words with the question (BM25 > 0)."""
        if not hits:
            return []
        best = max(h.cosine for h in hits[:10])
        return [h for h in hits[:10] if h.cosine >= max(floor, best - window)
                and (h.cosine >= best - SAME_TOPIC or h.bm25 > 0)]

    def newest_first(self, hits: list[H], floor: float, question: str) -> list[H]:
        """For "laatste/latest/current" questions: the newest letter on the topic first
        (a wider topic window: the member asks for the newest, not the closest). On the topic:
        the letters that have every topic word of the question, loosely ("jeugdzorg" in a
        letter on "jeugdhulp"), and are about as close as the best of them; a letter that is
        merely close to everything (an overview letter) is not. Without topic words: the hits
        close to the best that share a word with the question."""
        lang = language(question)
        terms = topic_terms(question, lang)
        window = self._on_topic(hits, terms) if terms else self.close_to_best(hits, floor, LATEST_TOPIC)
        wanted = asked(question, lang)
        if wanted.terms or wanted.periods:
            # "de laatste brief over de cao in 2019": the newest of that year; "wie is nu
            # voorzitter van de commissie X": the newest that names that chair of X
            window = [h for h in window if self.covers(h, wanted, floor)]
        if not window:
            return hits
        def date(h: H) -> dt.date | None:
            return self.date_of(h) or self.undated_as

        ordered = sorted(window, key=lambda h: _dated_first(date(h)), reverse=True)
        if self.date_of(hits[0]) is None and hits[0] in window:
            # the best match has no date at all: nothing says it is older, so it stays first
            ordered = [hits[0]] + [h for h in ordered if h is not hits[0]]
        return ordered + [h for h in hits if h not in window]

    def _on_topic(self, hits: list[H], terms: tuple[Term, ...]) -> list[H]:
        """The letters that have the topic's words, about as close as the best of them; named
        in the title ("Septembercirculaire gemeentefonds"): on the topic even a bit further off."""
        def has(text: str) -> bool:
            return all(coverage_of(text, False).shares_topic(t) for t in terms)

        topical = [h for h in hits[:10] if has(self.text_of(h))]
        best = max((h.cosine for h in topical), default=0.0)
        # (not cut at the relevance floor: the question is answered, and these have its topic words)
        return [h for h in topical if h.cosine >= best - (TITLED_TOPIC if has(self.title_of(h)) else LATEST_TOPIC)]

    def newer(self, hits: list[H], floor: float) -> H | None:
        """A newer letter on the same topic than the one quoted, if there is one."""
        if not hits:
            return None
        quoted = self.date_of(hits[0])
        newer = [h for h in self.close_to_best(hits, floor)
                 if h is not hits[0] and self.date_of(h) and (quoted is None or self.date_of(h) > quoted)]
        return max(newer, key=self.date_of) if newer else None

    def newer_on_ties(self, hits: list[H]) -> list[H]:
        """Letters that answer about equally well (neighbours in rank whose cosines are within
        TIE and whose BM25 scores are within 10%): newer first, undated after dated."""
        key = lambda h: self.date_of(h) or dt.date.min  # noqa: E731
        for _ in range(len(hits)):
            swapped = False
            for i in range(len(hits) - 1):
                a, b = hits[i], hits[i + 1]
                tie = (abs(a.cosine - b.cosine) <= TIE and b.fused >= a.fused * 0.97
                       and min(a.bm25, b.bm25) >= 0.9 * max(a.bm25, b.bm25))
                if tie and key(b) > key(a):
                    hits[i], hits[i + 1] = b, a
                    swapped = True
            if not swapped:
                break
        return hits

"""'When is the next BOFv?': find the dated mentions of what the question names.

The answer is the first such date on or after today; if the letters only know earlier ones,
the latest of those, marked as past, so the reply can say so and cite the letter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np

from index.dates import mentioned_dates
from index.lexical import LexicalIndex, tokenize
from index.models import EventInfo, LetterRef
from index.sentences import split_sentences

_NEXT = re.compile(r"\b(?:eerst)?volgende|\b(?:aan)?komende|\bnext\b|\bupcoming\b", re.IGNORECASE)
_WHEN = re.compile(r"\bwanneer\b|\bwhen\b|\bdatum\b|\bdate\b|\bwelke dag\b|\bwhat day\b|\bhoe laat\b", re.IGNORECASE)
_ARTICLE = re.compile(r"\b(de|het)\s+(?:eerst)?volgende\b", re.IGNORECASE)
_FILLER = set(tokenize("volgende eerstvolgende komende aankomende next upcoming wanneer datum date gepland planned "
                       "plaatsvinden vindt plaats staat meeting vergadering"))
CANDIDATE_CHUNKS = 50


@dataclass
class EventHit:
    chunk: int
    event: EventInfo


def is_next_question(question: str) -> bool:
    return bool(_NEXT.search(question) and _WHEN.search(question))


def dutch_article(question: str) -> str:
    """'het' for "het volgende BOFv", else 'de' (the member's own article)."""
    m = _ARTICLE.search(question)
    return m.group(1).lower() if m else "de"


def _event_tokens(question: str, lexical: LexicalIndex) -> dict[str, float]:
    tokens = [t for t in lexical.query_tokens(question) if t not in _FILLER]
    return {t: w for t in tokens if (w := lexical.idf(t)) > 0}


def _term(question: str, tokens: dict[str, float]) -> str:
    """The member's own words for the event ("BOFv", "algemene ledenvergadering")."""
    words = [w for w in re.findall(r"[\w-]+", question) if set(tokenize(w)) & set(tokens)]
    return " ".join(words) or "bijeenkomst"


def find_next_event(question: str, chunk_texts: list[str], letters: list[LetterRef],
                    lexical: LexicalIndex, today: dt.date, content: np.ndarray | None = None) -> EventHit | None:
    """`letters[i]` is the letter of chunk i; `content[i]` False for letterhead/signature."""
    tokens = _event_tokens(question, lexical)
    if not tokens:
        return None
    total = sum(tokens.values())
    scores = lexical.scores(" ".join(tokens))
    if content is not None:
        scores = scores * content
    candidates = [int(i) for i in np.argsort(-scores)[:CANDIDATE_CHUNKS] if scores[i] > 0]
    hits: list[EventHit] = []
    for chunk in candidates:
        letter = letters[chunk]
        for sentence in split_sentences(chunk_texts[chunk]):
            present = set(tokenize(sentence))
            if sum(w for t, w in tokens.items() if t in present) < 0.5 * total:
                continue
            for _, _, date in mentioned_dates(sentence, letter.date, not letter.date_estimated):
                hits.append(EventHit(chunk, EventInfo(term=_term(question, tokens), date=date, upcoming=date >= today,
                                                      sentence=sentence, letter=letter)))
    if not hits:
        return None
    newest_letter = lambda h: (h.event.letter.date or dt.date.min)  # noqa: E731
    upcoming = [h for h in hits if h.event.upcoming]
    if upcoming:
        return min(upcoming, key=lambda h: (h.event.date, -newest_letter(h).toordinal()))
    return max(hits, key=lambda h: (h.event.date, newest_letter(h)))


_ACRONYM = re.compile(r"\b(?!VNG\b)[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b")


def event_type(sentence: str) -> str:
    """A short name for what happens on a date: the first acronym (ALV, BOFv), else the
    sentence's opening words."""
    m = _ACRONYM.search(sentence)
    if m:
        return m.group(0)
    words = sentence.split()
    return " ".join(words[:6]) + ("…" if len(words) > 6 else "")


def upcoming_events(chunk_texts: list[str], letters: list[LetterRef], today: dt.date, limit: int = 5,
                    content: np.ndarray | None = None) -> list[EventInfo]:
    """Dated mentions on or after today across all letters, soonest first (one per date and type)."""
    found: dict[tuple[dt.date, str], EventInfo] = {}
    for i, (text, letter) in enumerate(zip(chunk_texts, letters)):
        if content is not None and not content[i]:
            continue
        for sentence in split_sentences(text):
            for _, _, date in mentioned_dates(sentence, letter.date, not letter.date_estimated):
                if date >= today:
                    kind = event_type(sentence)
                    found.setdefault((date, kind), EventInfo(term=kind, date=date, upcoming=True, sentence=sentence,
                                                             letter=letter))
    return [found[key] for key in sorted(found)][:limit]

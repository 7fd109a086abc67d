"""Say plainly what the letters do not contain, in the member's own words, and offer the
closest thing they do have: "Over de ALV van juni 2023 staat niets in de ledenbrieven. De
ALV die de brieven wel noemen: 26 juni 2024 (Lbr. 24/019)." """

from __future__ import annotations

import re

from index.answerability import Coverage
from index.asked import Asked, Period, Term
from index.dates import format_date, mentioned_dates
from index.models import LetterRef, Missing
from index.sentences import split_sentences

_ARTICLES = {"de", "het", "een", "the", "a", "an"}
MAX_SUBJECT_WORDS = 7


def _span_text(question: str, start: int, end: int) -> str:
    before = question[:start].split()
    if before and before[-1].lower() in _ARTICLES:
        start = question.rfind(before[-1], 0, start)
    return question[start:end].strip(" ?!.,:;")


def subject(question: str, wanted: Asked, terms: list[Term], periods: list[Period]) -> tuple[str, Term | None]:
    """The member's phrase for what is missing ("de ALV van juni 2023") and the covered term
    it is about (ALV), if any."""
    spans = sorted([(t.start, t.end) for t in terms] + [(p.start, p.end) for p in periods])
    lo, hi = spans[0][0], spans[-1][1]
    if len(question[lo:hi].split()) > MAX_SUBJECT_WORDS:
        lo, hi = spans[0]
    anchor = None
    if not terms:  # only a date is missing: say what it is the date of ("de ALV van juni 2023")
        for term in wanted.terms:
            if term.end <= lo and len(question[term.end:lo].split()) <= 2:
                anchor = term
        head = periods[0].head_term()
        if anchor is None and head is not None:
            # before the period, or after it in English ("the 2022 Spring Memorandum")
            i = question.rfind(head.text, 0, lo) if not head.dutch else question.find(head.text)
            anchor = Term(head.text, i, i + len(head.text), head.dutch) if i >= 0 else None
        if anchor is not None:
            lo, hi = min(lo, anchor.start), max(hi, anchor.end)
    return _span_text(question, lo, hi), anchor


def _offer(anchor: Term | None, passages: list[tuple[str, LetterRef]], lang: str, article: str) -> str | None:
    """The dates the letters do give for the anchor term ("De ALV die de brieven wel noemen:
    26 juni 2024 (Lbr. 24/019)."), else the nearest letter."""
    if anchor is not None:
        found: dict = {}
        for text, letter in passages:  # per letter, the first date said of the anchor
            for sentence in split_sentences(text):
                dates = mentioned_dates(sentence, letter.date, not letter.date_estimated)
                if dates and Coverage(sentence).term(anchor):
                    found.setdefault(dates[0][2], letter)
                    break
        if found:
            dates = sorted(found)[-2:]
            listed = ", ".join(f"{format_date(d, lang)} ({found[d].lbr or found[d].title})" for d in dates)
            if lang == "en":
                return f"The {anchor.text} the letters do mention: {listed}."
            relative = "dat" if article == "het" else "die"
            return f"{article.capitalize()} {anchor.text} {relative} de brieven wel noemen: {listed}."
    if not passages:
        return None
    letter = passages[0][1]
    cite = letter.citation(lang)
    named = f"{letter.title} ({cite})" if cite else letter.title
    return f"Closest: {named}." if lang == "en" else f"Het dichtstbij komt: {named}."


def describe_missing(question: str, lang: str, wanted: Asked, terms: list[Term], periods: list[Period],
                     passages: list[tuple[str, LetterRef]]) -> Missing:
    """`passages`: the nearest passages (text, letter), best first."""
    said, anchor = subject(question, wanted, terms, periods)
    article = "de"
    if anchor is not None:
        m = re.search(rf"\b(de|het)\s+(?:\w+\s+)?{re.escape(anchor.text)}", question, re.IGNORECASE)
        article = m.group(1).lower() if m else "de"
    successor_of = next((t.whom for t in terms if t.whom), "")
    if successor_of:  # "Wie Pieter Hoogland opvolgt, staat niet in de ledenbrieven."
        said = successor_of
        sentence = (f"The member letters do not say who succeeds {said}." if lang == "en"
                    else f"Wie {said} opvolgt, staat niet in de ledenbrieven.")
    elif lang == "en":
        sentence = f"The member letters say nothing about {said}."
    else:
        sentence = f"Over {said} staat niets in de ledenbrieven."
    nearest = list({letter.id: letter for _, letter in passages}.values())[:3]
    return Missing(terms=[t.text for t in terms], periods=[p.text for p in periods], subject=said,
                   sentence=sentence, offer=_offer(anchor, passages, lang, article), nearest=nearest)

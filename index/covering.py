"""Which of the nearest letters answers what the question specifically asks: the first
candidate whose passage (or letter) covers every distinctive term and period, a letter named
after the asked year first; else what none of them has (see answerability.py for coverage).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from index.answerability import SCHEME_KINDS, _names_year, coverage_of, covers_period
from index.asked import ROLES, Asked, Period, Term
from index.people import names_person
from index.sentences import split_sentences

PERIOD_TIE = 0.015  # a letter from the asked year goes first when it answers about this well
# What members name to ask for one particular thing: a scheme, allowance, levy, edition or meeting.
NAMED_KINDS = SCHEME_KINDS + ("bon", "premie", "vergoeding", "tegemoetkoming", "heffing", "belasting", "tarief",
                              "congres", "overleg", "debat", "vergadering", "raadpleging", "verkiezing", "verkiezingen",
                              "convenant", "plan", "strategie", "visie")
# A passage this far above the relevance floor is on the question's subject, even when it uses
# another word for it ("ontheemden" / "vluchtelingen", "energietransitie" / "energiestrategie").
GENERAL_MARGIN = 0.04


@dataclass
class Candidate:
    """One letter's best passage as a possible answer, with what coverage is judged on."""

    passage: str  # the passage with its letter's title and heading
    title: str
    letter: str  # all content passages of the letter, with its title
    letter_date: dt.date | None
    date_exact: bool  # False for an estimated letter date ("a.s." may lie either side of it)
    passage_dates: list[dt.date]
    letter_dates: list[dt.date]
    signature: str = ""  # the letter's signature block, where it may answer (who signed, who holds a role)
    score: float = 0.0  # the passage's cosine to the question
    margin: float = 0.0  # …and how far that lies above the relevance floor


def names_holder(role: Term, text: str, signature: str = "") -> bool:
    """A sentence (or the signature) with the role and a person's name: "who became the new
    minister" is not answered by "u spreekt met een nieuwe minister"."""
    units = split_sentences(text) + ([signature] if signature else [])
    return any(coverage_of(unit, False).term(role) and names_person(unit) for unit in units)


def _general(term: Term) -> bool:
    """A lower-case word for a subject ("energietransitie", "ontheemden"), not a named thing: no
    scheme, allowance, edition or meeting, role, name, acronym or number."""
    word = term.text
    return (not term.dutch and not term.whom and word[:1].islower() and not re.search(r"[\s\d-]", word)
            and not word.lower().endswith(NAMED_KINDS) and word.lower() not in ROLES)


def uncovered(question: Asked, candidate: Candidate) -> tuple[list[Term], list[Period]]:
    """What the candidate's passage leaves out, unless the rest of its letter has it."""
    result = []
    for text, dates in ((candidate.passage, candidate.passage_dates), (candidate.letter, candidate.letter_dates)):
        words = coverage_of(text)
        terms = [t for t in question.terms if not words.term(t)]
        if len(question.terms) >= 2 and len(terms) == 1 and words.category(terms[0]):
            terms = []  # every other specific is there, and the rest of this one
        if candidate.margin >= GENERAL_MARGIN:
            terms = [t for t in terms if not _general(t)]
        terms += [r for r in question.holders if r not in terms and not names_holder(r, text, candidate.signature)]
        periods = [p for p in question.periods if not covers_period(p, candidate.letter_date, dates, text, candidate.title,
                                                                  candidate.date_exact)]
        if not terms and not periods:
            return [], []
        result.append((terms, periods))
    return result[0]


def _of_period(period: Period, candidate: Candidate) -> bool:
    """The letter is named after the period ("Abonnementstarief Wmo 2020"), an edition after
    itself and its year ("VNG Jaarcongres 2023" for "het jaarcongres in 2023"). (Being written
    in it says less: a 2025 letter may look back, a 2024 one give the 2025 deadline, and "de
    begroting 2024" is written about in 2023.)"""
    head = period.head_term()
    return _names_year(period, candidate.title) and (head is None or coverage_of(candidate.title, False).term(head))


def first_covering(question: Asked, candidates: list[Candidate]) -> int | None:
    """Index of the first candidate that covers every term and period, else None. A letter
    named after the asked year ("vanaf 2020": "… Wmo 2020") or edition goes before one that
    merely mentions it, when it answers about as well."""
    covers = lambda c: uncovered(question, c) == ([], [])  # noqa: E731
    first = next((i for i, c in enumerate(candidates) if covers(c)), None)
    # (not a year that names something everyday: "de begroting 2024" is written about in 2023)
    free = [p for p in question.periods if p.when or p.head]
    if first is None or not free or all(_of_period(p, candidates[first]) for p in free):
        return first
    close = candidates[first].score - PERIOD_TIE  # only among letters that answer about as well
    return next((i for i, c in enumerate(candidates) if i > first and c.score >= close
                 and all(_of_period(p, c) for p in free) and covers(c)), first)

"""Does a passage answer what the question *specifically* asks?

A question inside the letters' domain lands close to some letter even when no letter answers
it ("de meicirculaire van 2031", "de ALV van juni 2023"). What separates those from real
answers is the specifics: the question's distinctive terms (rare in everyday Dutch: a scheme,
a fund, an edition, a name) and the years, months or dates it names. A passage (with its
letter's title and date) covers a term when it has the word itself, its stem, a compound
that contains it, its parts ("jeugdoverleg" → "jeugd" … "overleg"), or the words an acronym
stands for; it covers a period when the letter's date, a date the passage mentions, or the
literal year falls in it.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from index.asked import (
    _ACRONYM,
    _WORD,
    YEARLESS,
    Period,
    Term,
    _zipf,
)
from index.dates import _MONTH_ALT, DAY_MONTH, MONTHS, mentioned_dates
from index.lexical import STOPWORDS, tokenize
from index.sentences import split_sentences
from index.succession import SUCCESSION, SUCCESSION_WORDS, succeeds

EVERYDAY_ZIPF = 4.25  # a compound part this common carries no specifics of its own…
SPECIFIC_ZIPF = 4.0  # …when the other part is at most this common ("ventilatie" in "ventilatiegelden")
_LINKS = ("s", "e", "en", "-")
# Schemes are told apart by their modifier: the Klimaatfonds is not the Warmtefonds.
SCHEME_KINDS = ("fonds", "wet", "regeling", "toeslag", "subsidie", "uitkering", "impuls", "akkoord", "verordening",
                "bijdrage", "budget", "programma", "pact", "deal", "agenda", "circulaire", "nota")


_QUESTION = [0]  # which question the coverage memos belong to (see new_question)


def new_question() -> None:
    """Coverage memos from earlier questions may go (they are kept for one question only)."""
    _QUESTION[0] += 1


class Coverage:
    """The words of one text (a passage with its letter's title), for coverage checks."""

    def __init__(self, text: str, sentences: bool = True):
        self.text = text
        self.lower = text.lower()
        self._sentences = text if sentences else None
        words = [w.lower() for w in _WORD.findall(text)]
        # "aanmeld-hub", "werk- en ontwikkelbedrijven": each part counts as a word too
        self.words = set(words) | {part for w in words if "-" in w for part in w.split("-") if part}
        self.stems = set(tokenize(text))
        self._cased = _WORD.findall(text)
        self._per_sentence: list[Coverage] | None = None
        # Splitting a compound every way tries the same parts again and again: remember the
        # answers, for one question (each Coverage is kept for later questions by coverage_of,
        # and every question's parts would pile up).
        self._has_memo: dict[str, bool] = {}
        self._compound_memo: dict[tuple[str, int], bool] = {}
        self._question = _QUESTION[0]

    def _has(self, part: str) -> bool:
        """The word, its stem, or (4+ letters) a word that starts or ends with it: the text's
        own compounds ("wetgevingsoverleg" has "overleg")."""
        if self._question != _QUESTION[0]:
            self._forget()
        found = self._has_memo.get(part)
        if found is None:
            found = self._has_memo[part] = self._has_uncached(part)
        return found

    def _forget(self) -> None:
        self._has_memo.clear()
        self._compound_memo.clear()
        self._question = _QUESTION[0]

    def _has_uncached(self, part: str) -> bool:
        if len(part) < 3:
            return False
        stems = _stems(part)
        if part in self.words or (len(stems) == 1 and stems[0] in self.stems):
            return True
        # (a word that starts or ends with it has it inside the text: one substring search rules most out)
        return len(part) >= 4 and part in self.lower and any(w.startswith(part) or w.endswith(part) for w in self.words)

    def _inflected(self, word: str) -> bool:
        """"Oekraïners" and "Oekraïne": one is the other plus an ending. Whole words only,
        so "septembercirculaire" is not covered by "september"."""
        for other in self.words:
            shorter, longer = sorted((word, other), key=len)
            # an ending of at most three letters ("Oekraïne"/"Oekraïners"), not a compound's tail
            if len(shorter) >= 5 and longer.startswith(shorter[:-1]) and len(longer) - len(shorter) <= 2:
                return True
        return False

    def term(self, term: Term) -> bool:
        if term.name:  # "De Jonge" the person, not "jonge mensen"
            return re.search(rf"\b{re.escape(term.text)}\b", self.text) is not None
        if term.whom:  # "wie volgt Jan Smit op?": who comes after him, not whom he followed
            return succeeds(self.text, term.whom)
        if term.dutch == SUCCESSION_WORDS:  # "volgt … op" in one clause, or an opvolg- word
            return bool(SUCCESSION.search(self.lower))
        if term.dutch:
            return any(self.term(Term(word, 0, 0)) for word in term.dutch)
        word = term.text.lower()
        if " " in word.strip():
            return self._phrase(term.text)
        if "-" in word.strip("-"):  # "najaars-ALV": every part
            return all(self.term(Term(part, 0, 0)) for part in term.text.split("-") if part)
        if word in self.lower or self._has(word) or self._inflected(word):
            return True
        if _ACRONYM.match(term.text):
            return self._spelled_out(word)
        if self._sentences is None:
            return self._compound(word, depth=2)
        # the parts of a compound must meet in one sentence, not anywhere in a long letter
        return any(c._compound(word, depth=2) for c in self._sentence_coverages())

    def _sentence_coverages(self) -> list[Coverage]:
        if self._sentences is None:
            return [self]
        if self._per_sentence is None:
            self._per_sentence = [coverage_of(sentence, False) for sentence in split_sentences(self._sentences)]
        return self._per_sentence

    def _phrase(self, phrase: str) -> bool:
        """A name of several words: said as such, as its initials ("Wgiw"), or all its words
        in one sentence."""
        words = [w for w in _WORD.findall(phrase)]
        if " ".join(w.lower() for w in words) in " ".join(_WORD.findall(self.lower)):
            return True
        if any(w.isdigit() for w in words):  # a version ("RES 2.0") only as written
            return False
        content = [w for w in words if w.lower() not in STOPWORDS]
        initials = "".join(w[0] for w in content).lower()
        if len(initials) >= 3 and initials in self.words:
            return True
        return any(all(c.term(Term(w, 0, 0)) for w in content) for c in self._sentence_coverages())

    def shares_topic(self, term: Term) -> bool:
        """Looser than `term`, for telling which letters are on one topic, never for refusing:
        the term, or a word that begins like it ("jeugdzorg" and "jeugdhulp": "jeugd")."""
        if term.dutch:
            return any(self.shares_topic(Term(word, 0, 0)) for word in term.dutch)
        word = term.text.lower()
        if self.term(term):
            return True
        return len(word) >= 5 and any(_shares_modifier(word, w) for w in self.words)

    def category(self, term: Term) -> bool:
        """Only the category of a compound is there: "verkiezingen" of "herindelingsverkiezingen"
        in "raadsverkiezingen". Half a match: enough only beside fully covered terms."""
        if term.whom:  # whom a successor follows is all or nothing
            return False
        if term.dutch:
            return any(self.category(Term(word, 0, 0)) for word in term.dutch)
        word = term.text.lower()
        parts = [p for p in word.split("-") if p]
        if _is_time(word) or " " in word.strip() or word.endswith(SCHEME_KINDS):
            return False  # a month, season, ordinal or version is what is asked; another fund is another fund
        if len(parts) > 1:
            return self._has(parts[-1])
        return any(len(word) - i >= 5 and self._has(word[i:]) for i in range(3, len(word) - 4))

    def _spelled_out(self, acronym: str) -> bool:
        """'BOFv' as 'Bestuurlijk Overleg Financiële verhoudingen': consecutive content words,
        the first capitalized, whose initials spell it."""
        n = len(acronym)
        for i in range(len(self._cased) - n + 1):
            run = self._cased[i:i + n]
            if run[0][0].isupper() and all(w[0].lower() == c and w.lower() not in STOPWORDS for w, c in zip(run, acronym)):
                return True
        return False

    def _compound(self, word: str, depth: int) -> bool:
        """'jeugdoverleg' is covered by 'jeugd' … 'overleg' (linking s/e/en/- allowed), and by
        its specific part alone when the other part is an everyday word ('aanmeldcentrum' by
        'aanmeld-hub'); 'septembercirculaire' is not covered by 'september'."""
        if depth == 0:
            return False
        if self._question != _QUESTION[0]:
            self._forget()
        found = self._compound_memo.get((word, depth))
        if found is None:
            found = self._compound_memo[(word, depth)] = self._compound_uncached(word, depth)
        return found

    def _compound_uncached(self, word: str, depth: int) -> bool:
        for i in range(3, len(word) - 2):
            head, rest = word[:i], word[i:]
            for link in ("",) + _LINKS:
                if link and not rest.startswith(link):
                    continue
                tail = rest[len(link):]
                if len(tail) < 3:
                    continue
                if tail in SCHEME_KINDS:  # a law or fund by its name, in two words at most ("Model
                    # verordening"); "participatie … de wet" is not the Participatiewet
                    if re.search(rf"\b{re.escape(head + link.strip('-'))}[\s-]+{re.escape(tail)}\b", self.lower):
                        return True
                    continue
                has_head, has_tail = self._has(head), self._has(tail) or self._compound(tail, depth - 1)
                # the modifier carries what is specific ("aanmeld"centrum); a bare category
                # ("fonds" of warmtefonds) covers nothing
                if (has_head and has_tail) or (has_head and _specific_rest(head, tail)):
                    return True
        return False


TOPIC_PREFIX_ZIPF = 5.0  # "jeugd" (4.9) ties jeugdzorg to jeugdhulp; "gemeente" (5.4) ties nothing


def _shares_modifier(a: str, b: str) -> bool:
    """"jeugdzorg" and "jeugdhulp" begin with the same, not too common, word."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    if n < max(5, min(len(a), len(b)) / 2):
        return False
    # the shared part as a word: "gemeentef…" of gemeentefonds/gemeentefinanciën is "gemeente"
    word = next((a[:k] for k in range(n, 3, -1) if _zipf(a[:k], "nl") > 0), a[:n])
    return _zipf(word, "nl") < TOPIC_PREFIX_ZIPF


@lru_cache(maxsize=8192)
def _stems(word: str) -> tuple[str, ...]:
    """Compound parts are tried against every text of every question: stem each once."""
    return tuple(tokenize(word))


@lru_cache(maxsize=2048)
def coverage_of(text: str, sentences: bool = True) -> Coverage:
    """The same texts (a letter, its sentences) are checked for every term and candidate of a
    question, and again for the next question: build each once."""
    return Coverage(text, sentences)


def _in(period: Period, date: dt.date | None) -> bool:
    return date is not None and period.first <= date <= period.last


def _names_year(period: Period, text: str, every: bool = False) -> bool:
    """`every`: a range needs both ends ("2013-2015"), not just one of its years."""
    wanted = (period.years[0], period.years[-1]) if every else period.years
    named = [re.search(rf"\b{y}\b", text) is not None for y in wanted]
    return bool(named) and (all(named) if every else any(named))


def _same_day(date: dt.date, period: Period) -> bool:
    return (date.month, date.day) == (period.first.month, period.first.day)


def covers_edition(period: Period, letter_date: dt.date | None, title: str, text: str,
                   dates: list[dt.date], exact: bool = True) -> bool:
    """"De voorjaarsnota van 2025" needs that edition: the letter covers the word and its
    title names the year, or (a single year) the letter is from it or mentions a date in it,
    or a sentence names the word with the year, month or day asked."""
    head = period.head_term() or Term("", 0, 0)
    if not coverage_of(text).term(head):
        return False
    ranged = len(period.years) > 1
    if _names_year(period, title, every=ranged):
        return True
    if not ranged and _in(period, letter_date):
        return True
    if len(period.years) == 1 and any(_in(period, d) for d in dates):
        return True
    if period.first == period.last and period.first in dates:  # "de cao … op 1 januari 2023": that very day
        return True
    sentences = split_sentences(text)
    for i, sentence in enumerate(sentences):
        if not coverage_of(sentence).term(head):
            continue
        # the thing at a time ("de afvalstoffenbelasting in 2024") may get its year in the next
        # sentence: "Ook de afvalstoffenbelasting stijgt. Het tarief voor 2024 wordt € 38,27 per
        # ton." An edition named by its year ("de meicirculaire van 2021") may not.
        for near in sentences[i:i + (2 if period.when else 1)]:
            if _names_year(period, near, every=ranged):
                return True
            if not ranged and any(_in(period, d) for _, _, d in mentioned_dates(near, letter_date, exact)):
                return True
    return False


_SEASONS = ("voorjaar", "najaar", "zomer", "winter", "lente", "herfst", "jaar", "kwartaal", "spring", "autumn")


_TIMES = tuple(m for m in MONTHS if len(m) > 3) + ("mei", "may") + _SEASONS


def _is_time(word: str) -> bool:
    """Starts with a month or season: what tells one edition from another
    ("septembercirculaire" is not the meicirculaire, "najaars-ALV" not the ALV in June)."""
    return word.startswith(_TIMES)


def _specific_rest(covered: str, rest: str) -> bool:
    """The covered part of a compound is the specific one (rare) and the rest is everyday."""
    return (len(covered) >= 5 and rest not in SCHEME_KINDS  # a law or fund is named by the whole word
            and _zipf(covered, "nl") < SPECIFIC_ZIPF and _zipf(rest, "nl") >= EVERYDAY_ZIPF)


def covers_period(period: Period, letter_date: dt.date | None, passage_dates: list[dt.date], text: str,
                  title: str = "", exact: bool = True) -> bool:
    """The letter is from that period ("in 2022" → a letter of 2022), the passage mentions a
    date in it, or names one of its years ("in 2026"); for an edition, see covers_edition."""
    if period.first.year == YEARLESS and not period.years:
        return any(_same_day(d, period) for d in passage_dates) or bool(
            re.search(rf"\b{period.first.day}\s+({_MONTH_ALT})\b", text, re.IGNORECASE)
            and any(MONTHS[m.group(2).lower()] == period.first.month and int(m.group(1)) == period.first.day
                    for m in DAY_MONTH.finditer(text)))
    if period.head:
        return covers_edition(period, letter_date, title, text, passage_dates, exact)
    if letter_date and period.first <= letter_date <= period.last:
        return True
    if any(period.first <= d <= period.last for d in passage_dates):
        return True
    if letter_date is None and period.first.month == period.last.month and period.first.year == period.last.year:
        # an undated letter's "1 maart" may well be March of the asked year
        return any(MONTHS[m.group(2).lower()] == period.first.month for m in DAY_MONTH.finditer(text))
    return any(re.search(rf"\b{y}\b", text) for y in period.years)

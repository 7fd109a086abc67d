"""What a question specifically asks: its distinctive terms (words rare in general Dutch,
acronyms, role words) and the years, months, days and year ranges it names, each with the
thing it is the period of ("de voorjaarsnota van 2025"). See answerability.py for how letters
are checked against them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from index.dates import _MONTH_ALT, DAY_MONTH, MONTHS, _safe_date
from index.glossary import english_phrases
from index.lexical import STOPWORDS, tokenize
from index.people import PARTICLE, ROLE, WORD, titled_names
from index.zipf import zipf as _zipf
from index.succession import SUCCESSION, SUCCESSION_WORDS, predecessor_asked

# Zipf frequency (wordfreq, general Dutch) below which a question word is distinctive:
# domain compounds and names sit at 0–3, everyday words at 4–6. Fitted on the dev half.
RARE_ZIPF = 3.3
_WORD = re.compile(r"[\w][\w'’-]*", re.UNICODE)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*$")
# Roles: a question about who holds one ("de nieuwe voorzitter van …") is answered only by a
# passage that names the role, however common the word.
ROLES = frozenset("voorzitter vicevoorzitter minister staatssecretaris directeur burgemeester wethouder informateur "
                  "formateur opvolger secretaris penningmeester ombudsman commissaris functie".split())
# Words that are rare in general Dutch but say nothing about what is asked (recency words
# are handled by the "latest" ranking).
_NEUTRAL = set(tokenize("ledenbrief ledenbrieven brief vng gemeente gemeenten wanneer laatste recentste nieuwste "
                        "meest recente actuele huidige latest newest recent current"))
HEAD_ZIPF = 4.0  # "cao 2026" is an edition; "richting 2026" or "meldde … in 2022" are not
YEARLESS = 2000  # stands for "any year" in a day asked without one (a leap year: 29 February exists)

_YEAR_RANGE = re.compile(r"\b((?:19|20)\d{2})\s*(?:-|–|/|t/m|tot(?: en met)?)\s*((?:19|20)\d{2})\b")
_MONTH_YEAR = re.compile(rf"\b({_MONTH_ALT})\.?\s+((?:19|20)\d{{2}})\b", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_ALT})\.?\s+((?:19|20)\d{{2}})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
# English order: "June 18, 2024", "June 18"
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b,?(?:\s+((?:19|20)\d{{2}}))?",
                             re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    text: str  # as the member wrote it
    start: int
    end: int
    dutch: tuple[str, ...] = ()  # for an English phrase: the Dutch words any of which covers it
    whom: str = ""  # a succession's: the person whose successor is asked ("Pieter Hoogland")
    name: bool = False  # a person's surname ("wethouder De Jonge"): only as a capitalized word


@dataclass(frozen=True)
class Period:
    text: str  # as the member wrote it: "2025", "juni 2024", "2013-2015"
    first: dt.date
    last: dt.date
    start: int
    end: int
    years: tuple[int, ...]  # the years whose literal mention covers it
    head: str | None = None  # the edition it names: "voorjaarsnota" in "de voorjaarsnota van 2025"
    head_dutch: tuple[str, ...] = ()  # an English head's Dutch words ("Spring Memorandum")
    when: bool = False  # says when ("in 2020", "vanaf 2020"), not which edition ("de begroting 2024")

    def head_term(self) -> Term | None:
        return Term(self.head, 0, 0, self.head_dutch) if self.head else None


@dataclass(frozen=True)
class Asked:
    terms: tuple[Term, ...]
    periods: tuple[Period, ...]
    holders: tuple[Term, ...] = ()  # roles a "wie/who" question asks the holder of: a name must go with them




HEAD_LOOKBACK = 4  # words before a period in which to look for what it is the period of


def _english_head(question: str, start: int, end: int) -> tuple[str, tuple[str, ...]] | None:
    """"the 2022 Spring Memorandum", "the Spring Memorandum of 2022": a glossary phrase right
    after the period or at most HEAD_LOOKBACK words before it."""
    for phrase in english_phrases(question):
        gap = question[end:phrase.start] if phrase.start >= end else question[phrase.end:start]
        if phrase.end <= start or phrase.start >= end:
            # "the 2027 municipal collective agreement"; before the period only small words
            # between ("the Spring Memorandum of 2022"), not "the fund grow in 2025"
            after = phrase.start >= end
            content = [w for w in gap.split() if w.lower().strip(",") not in STOPWORDS]
            if len(gap.split()) <= (1 if after else HEAD_LOOKBACK) and (after or not content) \
                    and not re.search(r"[.?!;:]", gap):
                return phrase.text, phrase.dutch
    return None


def _head(question: str, start: int, lang: str) -> str | None:
    """The thing a period is of: "voorjaarsnota" in "de voorjaarsnota van 2025", "ALV" in
    "de ALV in juni 2024": the nearest content word before it, if that is a distinctive one.
    None for free-standing periods ("krijgen we in 2025 …", "richting 2026")."""
    before = re.split(r"[.?!;:]", question[:start])[-1]
    offset = start - len(before)
    first = len(question) - len(question.lstrip())  # the question's first word is capitalized anyway
    tokens = [(offset + m.start(), m.group(0).strip(",()'\"")) for m in re.finditer(r"\S+", before)]
    words = tokens[::-1][:HEAD_LOOKBACK]
    skipped = False
    for i, (_, word) in enumerate(words):
        low = word.lower()
        if len(word) < 3 or low in STOPWORDS or low in MONTHS or low in _WHEN or not set(tokenize(low)) - _NEUTRAL:
            continue  # ("medio 2025" is a time, not the edition of a "medio")
        if _ACRONYM.match(word) or (_zipf(low, "nl") < HEAD_ZIPF and (lang != "en" or _zipf(low, "en") < 3.0)):
            return word  # in English only a Dutch word or an acronym can be checked against the letters
        # one everyday word may end a capitalized name right before it ("de Cao Aan de slag 2023");
        # otherwise the period stands free ("hoeveel stijgt het accres ongeveer in 2020")
        named = any(w[:1].isupper() and at != first for at, w in words[i + 1:i + 3])
        if skipped or not named:
            return None
        skipped = True
    return None


_WHEN = frozenset("in sinds vanaf per tot na voor begin eind medio halverwege tijdens rond omstreeks "
                  "since from until after before during around by".split())


def question_periods(question: str, lang: str = "nl") -> list[Period]:
    """Years, year ranges, months and dates the question names."""
    found: list[Period] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, first: dt.date | None, last: dt.date | None, years: tuple[int, ...]) -> None:
        if first and last and all(m.end() <= s or m.start() >= e for s, e in taken):
            english = _english_head(question, m.start(), m.end()) if lang == "en" else None
            head, dutch = english or (_head(question, m.start(), lang), ())
            before = question[:m.start()].split()
            when = bool(before) and before[-1].lower().strip(",") in _WHEN
            found.append(Period(m.group(0), first, last, m.start(), m.end(), years, head, dutch, when))
            taken.append((m.start(), m.end()))

    for m in _YEAR_RANGE.finditer(question):
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        add(m, dt.date(a, 1, 1), dt.date(b, 12, 31), tuple(range(a, b + 1)))
    for m in _DAY_MONTH_YEAR.finditer(question):
        day = _safe_date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        add(m, day, day, ())
    for m in _MONTH_DAY_YEAR.finditer(question):
        day = _safe_date(int(m.group(3) or YEARLESS), MONTHS[m.group(1).lower()], int(m.group(2)))
        add(m, day, day, ())
    for m in _MONTH_YEAR.finditer(question):
        year, month = int(m.group(2)), MONTHS[m.group(1).lower()]
        first = dt.date(year, month, 1)
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
        add(m, first, last, ())
    for m in _YEAR.finditer(question):
        year = int(m.group(1))
        add(m, dt.date(year, 1, 1), dt.date(year, 12, 31), (year,))
    for m in DAY_MONTH.finditer(question):  # "op 15 maart": that day in whatever year
        day = _safe_date(YEARLESS, MONTHS[m.group(2).lower()], int(m.group(1)))
        add(m, day, day, ())
    return sorted(found, key=lambda p: p.start)


# "Wie is/werd … voorzitter?", "Who is the chair?": a question about who holds a role. Not a
# relative "who" ("asylum seekers who arrive") nor the asker's own role ("wie moet ik als
# wethouder informeren?").
_ASKS_WHO = (r"(?:door\s+|by\s+)?(?:wie|who|whom)\s+(?:is|was|zijn|waren|wordt|werd|worden|werden|blijft|bleef|"
             r"volgt|volgde|zit|zat|leidt|leidde|'s|are|were|will|became|becomes|has|had|succeeded|"
             r"succeeds|replaced|replaces|took|takes|neemt|nam|leads|led|heads|headed|chairs|chaired)\b")
# "Hoe heet de nieuwe minister?", "What is the name of the chair?": asking for the name of a
# role (right after the article, one adjective at most) is asking who; not "hoe heet het fonds
# van de minister?" nor "what is the name of the fund the minister announced?"
_NAMED_ROLE = (rf"(?:{ROLE}|vice-?voorzitter|secretaris|penningmeester|ombudsman|opvolger|successor|"
               r"king'?s\s+commissioner|state\s+secretary|treasurer|prime\s+minister|president|premier)")
_ASKS_NAME = (r"(?:hoe\s+heet(?:te|en)?|wat\s+(?:is|was)\s+de\s+naam\s+van|what(?:'s|\s+is|\s+was)\s+the\s+name\s+of)"
              rf"\s+(?:de|het|the)\s+(?:(?!(?:de|het|the|die|dat|van|of)\b)[\w-]+\s+)?{_NAMED_ROLE}\b")
_WHO_ASKS = re.compile(rf"^\W*(?:en\s+)?(?:{_ASKS_WHO}|{_ASKS_NAME})", re.IGNORECASE)
_WHICH_ROLE = re.compile(r"\b(welke (?:functie|rol|positie)|what (?:role|position|job))\b", re.IGNORECASE)
_LAW = re.compile(r"\bWet((?:\s+(?!(?:op|de|het|van|voor|over|en|in|met|aan|bij|om)\b)[a-zà-ÿ][\w-]*){1,4})")
# (not "eerste": mostly "the first step/talk", rarely an edition)
_ORDINAL = re.compile(r"\b(tweede|derde|vierde|vijfde|zesde|zevende|achtste|negende|tiende)\s+([\w-]+)", re.IGNORECASE)
# "RES 2.0", "BIO 1.1": a short version number, not an amount ("17.50 euro", "975.000")
_VERSION = re.compile(r"\b([\w-]+)\s+(\d{1,2}\.\d)\b(?!\s*(?:euro|procent|%|miljoen|miljard))")


def asks_about_person(question: str) -> bool:
    """Who holds, held or gets a role ("wie is de voorzitter?", "welke functie kreeg X?")."""
    return bool(_WHO_ASKS.search(question) or _WHICH_ROLE.search(question))


# A named scheme or body: three or more capitalized words ("Reductie Energiegebruik Woningen"),
# also joined by "voor" and "en", which join no person's name ("College voor Arbeidszaken")
_NAME_RUN = re.compile(rf"\b{WORD}(?:\s+(?:(?:{PARTICLE}|voor|en)\s+)*{WORD}){{2,}}")
_PARTICIPLE = re.compile(r"^[a-z]{0,5}ge[a-z]{2,}[dt]$")
_NOT_A_NAME = frozenset("precies concreet eigenlijk straks inmiddels echt wel nog ook al nu dan precies "
                        "worden wordt werd werden zijn is was kan kunnen moet moeten gaat gaan komt komen geldt "
                        "gelden regelt regelen betekent betekenen verandert veranderen doet doen krijgt krijgen".split())


def _ends_name(word: str) -> bool:
    """Not part of a law's name: a verb, participle or adverb after it ("… ingevoerd?")."""
    low = word.lower()
    return low in _NOT_A_NAME or bool(_PARTICIPLE.match(low))


def named_phrases(question: str) -> list[Term]:
    """Names of several words that only count as a whole: a law ("Wet gemeentelijke
    instrumenten warmtetransitie"), a named scheme or body of three or more capitalized words
    ("Reductie Energiegebruik Woningen"), an edition by ordinal or version ("het tweede
    verdeelbesluit", "RES 2.0"), and succeeding someone ("volgt … op")."""
    found: list[Term] = []

    def add(start: int, end: int, dutch: tuple[str, ...] = ()) -> None:
        if all(end <= t.start or start >= t.end for t in found):
            found.append(Term(question[start:end], start, end, dutch))

    if _WHO_ASKS.search(question):  # "wat volgt op de ALV?" and "de opvolging van adviezen" are no successions
        for m in SUCCESSION.finditer(question):
            if all(m.end() <= t.start or m.start() >= t.end for t in found):
                found.append(Term(question[m.start():m.end()], m.start(), m.end(), SUCCESSION_WORDS,
                                  predecessor_asked(question)))
    for m in _LAW.finditer(question):
        name = m.group(0).split()
        # the name ends before a verb or adverb: "wanneer wordt de Wet open overheid ingevoerd?"
        while len(name) > 2 and _ends_name(name[-1]):
            name.pop()
        add(m.start(), m.start() + len(" ".join(name)))
    people = titled_names(question)
    for m in _NAME_RUN.finditer(question):
        # the question's first word is capitalized anyway; a person after a title is checked
        # by surname ("burgemeester Van Zanen van Den Haag" names no body)
        if m.start() > 0 and not any(m.start() < end and start < m.end() for _, start, end in people):
            add(m.start(), m.end())
    for m in _ORDINAL.finditer(question):
        if _zipf(m.group(2).lower(), "nl") < RARE_ZIPF or _ACRONYM.match(m.group(2)):
            add(m.start(), m.end())
    for m in _VERSION.finditer(question):
        if _ACRONYM.match(m.group(1)) or _zipf(m.group(1).lower(), "nl") < RARE_ZIPF:
            add(m.start(), m.end())
    return found


def _has_acronym_part(word: str) -> bool:
    """"AI-verordening", "Wmo-budget": an acronym makes the compound specific."""
    return "-" in word and any(_ACRONYM.match(part) for part in word.split("-"))


def distinctive_terms(question: str, lang: str) -> list[Term]:
    """Question words that name something specific: acronyms, and words rare in general
    language (in English questions only names and acronyms: English words never occur in
    the Dutch letters, so their absence says nothing) and the glossary's phrases, checked by
    their Dutch words."""
    if lang == "en":
        person = asks_about_person(question)  # "will the talks succeed?", "what must mayors do?"
        whom = predecessor_asked(question)
        phrases = [Term(p.text, p.start, p.end, p.dutch, whom if "opvolger" in p.dutch else "")
                   for p in english_phrases(question) if person or not set(p.dutch) & (ROLES | set(SUCCESSION_WORDS))]
    else:
        phrases = named_phrases(question)
    terms = list(phrases)
    # a surname after a title or role ("wethouder De Jonge"), however everyday the word; its
    # last word only: the tussenvoegsel is lower-case after a first name ("Hugo de Jonge")
    for name, _, end in titled_names(question):
        start = end - len(name.split()[-1])
        if not any(t.start <= start < t.end for t in terms):
            terms.append(Term(question[start:end], start, end, name=True))
    # the words inside "volgt … op" (the name) still count on their own
    phrases = [p for p in phrases if p.dutch != SUCCESSION_WORDS] + [t for t in terms if t.name]
    for m in _WORD.finditer(question):
        word = m.group(0).strip("'’-")
        low = word.lower()
        if any(p.start <= m.start() < p.end for p in phrases):
            continue
        if len(word) < 3 or word.isdigit() or low in STOPWORDS or set(tokenize(low)) <= _NEUTRAL:
            continue
        if _ACRONYM.match(word) or (low in ROLES and lang != "en" and asks_about_person(question)) \
                or _has_acronym_part(word):
            terms.append(Term(word, m.start(), m.end()))
        elif lang == "en":
            if word[0].isupper() and m.start() > 0 and _zipf(low, "en") < 3.0:
                terms.append(Term(word, m.start(), m.end()))
        elif _zipf(low, "nl") < RARE_ZIPF or (low.endswith("wet") and len(low) >= 7):
            terms.append(Term(word, m.start(), m.end()))  # rare, or a law by name ("Participatiewet")
    return sorted(terms, key=lambda t: t.start)


# A change of person is not answered by whoever signed: "wie is de nieuwe voorzitter?"
_CHANGE = re.compile(r"\b(nieuwe?|opvolg\w*|opgevolgd|volgt|volgde|wordt|werd|straks|komende|volgende|"
                     r"new|next|succeed\w*|successor|replace\w*|became|become|will)\b", re.IGNORECASE)


def roles_asked(question: str, lang: str) -> list[Term]:
    """The role words of a "wie/who" question ("wie werd de nieuwe minister?")."""
    if not _WHO_ASKS.search(question):
        return []
    if lang == "en":
        return [t for t in distinctive_terms(question, lang) if t.dutch and set(t.dutch) & ROLES]
    # (a successor is checked by who succeeds whom, see succession.py)
    return [t for t in distinctive_terms(question, lang) if t.text.lower() in ROLES and not t.whom
            and t.text.lower() not in SUCCESSION_WORDS]


def asks_who_holds_role(question: str, lang: str) -> list[Term]:
    """"Wie was in 2019 voorzitter van het College voor Arbeidszaken?": the roles asked about
    when the question asks who holds (or held) one, not who comes next. A letter's signature
    ("…, voorzitter College voor Arbeidszaken") answers that."""
    return [] if _CHANGE.search(question) else roles_asked(question, lang)


TOPIC_ZIPF = 4.25  # words at most this common name what a question is about ("jeugdzorg", "opvang")


def topic_terms(question: str, lang: str) -> tuple[Term, ...]:
    """What the question is about, more loosely than its distinctive terms: every content word
    that is not an everyday one, and the acronyms (in English: its distinctive terms). For
    telling which letters share a topic, not for refusing."""
    if lang == "en":  # the glossary's phrases, acronyms and the Dutch names in it ("the Omgevingswet")
        return tuple(distinctive_terms(question, lang))
    terms = []
    for m in _WORD.finditer(question):
        word = m.group(0).strip("'’-")
        low = word.lower()
        if len(word) < 3 or word.isdigit() or low in STOPWORDS or set(tokenize(low)) <= _NEUTRAL:
            continue
        if _ACRONYM.match(word) or (len(word) >= 4 and _zipf(low, "nl") < TOPIC_ZIPF):
            terms.append(Term(word, m.start(), m.end()))
    return tuple(terms)


@lru_cache(maxsize=256)  # search, recency and highlighting each need it for the same question
def asked(question: str, lang: str) -> Asked:
    periods = question_periods(question, lang)
    inside = lambda t: any(p.start <= t.start < p.end for p in periods)  # noqa: E731
    heads = {p.head for p in periods if p.head_dutch}  # an English head is checked with its period
    return Asked(tuple(t for t in distinctive_terms(question, lang) if not inside(t) and t.text not in heads),
                 tuple(periods), tuple(roles_asked(question, lang)))

"""The Dutch words for what an English question names: "the 2022 Spring Memorandum" is the
voorjaarsnota of 2022, "the chair" the voorzitter.

English words never occur in the Dutch letters, so without this an English question's
specifics (an edition, a law, a fund, a role) cannot be checked and a near miss ("the 2022
Spring Memorandum" when the letters discuss 2023 and 2024) reads as found. Only things the
letters' domain names with a distinctive Dutch word are here: general words need no check.
Each entry lists every usual Dutch wording; any of them in a letter covers the term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # municipal finance
    (r"spring (?:budget )?memorandum|spring budget|spring statement", ("voorjaarsnota",)),
    (r"autumn (?:budget )?memorandum|autumn budget", ("najaarsnota",)),
    (r"(?:national|state|central government|government) budget|budget memorandum|budget day",
     ("rijksbegroting", "miljoenennota", "prinsjesdag")),
    (r"may circular", ("meicirculaire",)),
    (r"september circular", ("septembercirculaire",)),
    (r"december circular", ("decembercirculaire",)),
    (r"march circular", ("maartcirculaire",)),
    (r"municipal(?:ities)? fund|municipalities' fund", ("gemeentefonds",)),
    (r"provincial fund|provinces' fund", ("provinciefonds",)),
    (r"scal(?:ing|e)[- ]up (?:discount|cut|reduction)|upscaling (?:discount|cut)", ("opschalingskorting",)),
    (r"(?:fiscal|financial|budget) cliff|cliff year|ravine(?: year)?", ("ravijn", "ravijnjaar")),
    # meetings and consultations
    (r"extraordinary general (?:members'? )?(?:meeting|assembly)", ("BALV", "buitengewone")),
    (r"(?:annual )?general (?:members'? )?(?:meeting|assembly)|members'? meeting|\bAGM\b",
     ("ALV", "algemene ledenvergadering", "ledenvergadering")),
    (r"member(?:s'?)? consultation|consultation of (?:the )?members", ("ledenraadpleging",)),
    (r"annual congress|annual conference", ("jaarcongres", "congres")),
    # labour
    (r"collective (?:labou?r |bargaining )?agreement|\bCLA\b", ("cao",)),
    (r"(?:tentative|provisional|draft) agreement|agreement in principle", ("principeakkoord", "onderhandelaarsakkoord")),
    # laws and policy
    (r"youth act", ("jeugdwet",)),
    (r"social support act", ("Wmo", "maatschappelijke ondersteuning")),
    (r"participation act", ("participatiewet",)),
    (r"environment(?:al)? and planning act|environment(?:al)? act", ("omgevingswet",)),
    (r"open government act", ("Woo", "Wet open overheid")),
    (r"dispersal act|distribution act|asylum dispersal", ("spreidingswet",)),
    (r"municipalities act", ("gemeentewet",)),
    (r"housing act", ("woningwet",)),
    (r"heat(?:ing)? (?:supply )?act", ("warmtewet",)),
    (r"youth (?:care|services|aid)|child(?:ren'?s)? care services", ("jeugdzorg", "jeugdhulp", "jeugd")),
    (r"reform agenda", ("hervormingsagenda",)),
    (r"coalition agreement|government agreement", ("coalitieakkoord", "regeerakkoord", "hoofdlijnenakkoord")),
    (r"cabinet formation|government formation", ("kabinetsformatie", "formatie")),
    (r"(?:local |municipal )?(?:audit office|court of audit|audit chamber)", ("rekenkamer",)),
    (r"model (?:by-?laws?|regulations?|ordinances?)", ("modelverordening", "model verordening", "model-verordening")),
    (r"school (?:buildings?|housing|accommodation|premises)", ("onderwijshuisvesting", "schoolgebouw", "huisvesting onderwijs")),
    (r"unaccompanied minors?(?: asylum seekers)?", ("AMV", "alleenstaande minderjarige")),
    (r"asylum seekers'? (?:centre|center)|reception (?:centre|center)", ("azc", "opvanglocatie", "opvang")),
    (r"energy transition", ("energietransitie",)),
    (r"heat(?:ing)? transition", ("warmtetransitie",)),
    (r"regional energy strateg(?:y|ies)", ("RES", "regionale energiestrategie")),
    (r"district heating|heat(?:ing)? networks?", ("warmtenet", "warmtenetten", "stadsverwarming", "collectieve warmte")),
    (r"climate fund", ("klimaatfonds",)),
    (r"climate adaptation", ("klimaatadaptatie",)),
    (r"information security", ("informatieveiligheid", "informatiebeveiliging")),
    (r"cyber ?security act", ("cyberbeveiligingswet",)),
    (r"(?:civic )?integration act|civic integration", ("inburgering",)),
    (r"(?:personal|own) contribution|co-?payment", ("eigen bijdrage",)),
    (r"subscription (?:rate|fee)", ("abonnementstarief",)),
    (r"household (?:help|support)|domestic help|home help", ("huishoudelijke hulp", "huishoudelijke ondersteuning")),
    (r"social assistance|welfare benefits?", ("bijstand", "bijstandsuitkering")),
    (r"debt (?:assistance|counselling|relief)", ("schuldhulpverlening", "schuldhulp")),
    (r"early[- ](?:warning|detection|identification|signalling)", ("vroegsignalering", "vroeg signaleren")),
    (r"energy poverty|fuel poverty", ("energiearmoede",)),
    (r"tourist tax", ("toeristenbelasting",)),
    (r"waste (?:levy|charge|collection charge)", ("afvalstoffenheffing",)),
    (r"waste (?:tax|incineration tax)", ("afvalstoffenbelasting", "afvalbelasting")),
    (r"property tax|real estate tax", ("OZB", "onroerendezaakbelasting")),
    (r"charging (?:points?|stations?|infrastructure)", ("laadpunten", "laadpalen", "laadpaal", "laadinfrastructuur")),
    (r"council(?:lors| members)|councillor", ("raadsleden", "raadslid")),
    (r"environment(?:al)? (?:vision|strategy)", ("omgevingsvisie",)),
    (r"european elections?", ("Europese verkiezingen", "Europees Parlement")),
    (r"poverty (?:policy|reduction)", ("armoedebeleid", "armoede")),
    (r"housing (?:allowance|benefit)", ("huurtoeslag",)),
    (r"energy (?:allowance|supplement)", ("energietoeslag",)),
    (r"zoning plan", ("bestemmingsplan",)),
    (r"environmental plan|environment plan", ("omgevingsplan",)),
    (r"municipal elections|local elections", ("gemeenteraadsverkiezingen", "raadsverkiezingen", "verkiezingen")),
    (r"municipal reorganis(?:ation|ations)|merger of municipalities", ("herindeling",)),
    (r"arbitration (?:committee|board|panel)", ("commissie van wijzen", "arbitrage")),
    (r"asylum reception|reception of asylum seekers", ("asielopvang", "opvang")),
    # roles
    (r"vice[- ](?:chair(?:man|woman|person)?|president)", ("vicevoorzitter", "vice-voorzitter")),
    (r"chair(?:man|woman|person)?|president", ("voorzitter",)),
    (r"(?:director[- ]general|managing director|general director|director)", ("directeur",)),
    (r"mayors?", ("burgemeester",)),
    (r"alder(?:man|men|woman|women)", ("wethouder",)),
    (r"state secretary|secretary of state|junior minister", ("staatssecretaris",)),
    (r"king'?s commissioner|commissioner of the king", ("Commissaris van de Koning",)),
    (r"successor|succeed(?:ed|s)?|t(?:ook|akes?) over from|replace[ds]?", ("opvolger", "opgevolgd", "opvolging", "opvolgt", "volgt op")),
    (r"prime minister", ("minister-president", "premier")),
    (r"ministers?", ("minister",)),
    (r"treasurer", ("penningmeester",)),
)
_PATTERNS = tuple((re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), dutch) for pattern, dutch in _ENTRIES)


@dataclass(frozen=True)
class Phrase:
    text: str  # as the member wrote it
    start: int
    end: int
    dutch: tuple[str, ...]


def english_phrases(question: str) -> list[Phrase]:
    """The glossary's phrases in an English question; where two overlap, the entry listed first
    (the longer phrase: "vice-chair" before "chair") wins."""
    found: list[Phrase] = []
    for pattern, dutch in _PATTERNS:
        for m in pattern.finditer(question):
            if all(m.end() <= p.start or m.start() >= p.end for p in found):
                found.append(Phrase(m.group(0), m.start(), m.end(), dutch))
    return sorted(found, key=lambda p: p.start)


def with_dutch_words(question: str, every: bool = False) -> str:
    """"What happens with the scaling-up discount?" → "What happens with the opschalingskorting?":
    the letters' own word brings the question closer to the Dutch letters. `every`: all the
    usual Dutch wordings ("jeugdzorg jeugdhulp jeugd"), for word matching."""
    out, last = [], 0
    for phrase in english_phrases(question):
        out.append(question[last:phrase.start] + (" ".join(phrase.dutch) if every else phrase.dutch[0]))
        last = phrase.end
    return "".join(out) + question[last:]

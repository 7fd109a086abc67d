"""People's names. For "wie is de voorzitter?": a sentence that has the role must also have a
name, or it does not say who ("u spreekt met een nieuwe minister"); and a name a question
gives after a title ("wethouder De Jonge") is something the letter must have."""

from __future__ import annotations

import re

from index.zipf import zipf as _zipf

# A person's name: initials, a title or a role before a capitalized word ("J.P. Wolters",
# "mevrouw Dijkema", "oud-minister Ollongren"), or two capitalized words of which the first is
# not a common word and neither names an institution ("Pieter Hoogland", not "Tweede Kamer").
_TITLED = re.compile(r"(?:\b(?:[A-Z]\.\s?){1,4}|\b(?i:mevrouw|mw\.|de heer|dhr\.|mr\.?|dr\.?|drs\.?|prof\.?|ir\.?)\s+)"
                     r"(?:(?:van|de|der|den|ter|ten)\s+)*[A-Z][\w'’-]+"
                     r"|\b(?i:(?:oud-)?(?:minister|staatssecretaris|burgemeester|wethouder|voorzitter|directeur|"
                     r"commissaris|informateur|formateur))\s+(?:De\s+|Van\s+)?[A-Z][\w'’-]+")
# overlapping (lookahead): "Ook Femke de Ridder" must still find "Femke de Ridder"
_TWO_CAPITALIZED = re.compile(r"(?=\b([A-Z][a-zà-ÿ]+)\s+(?:(?:van|de|der|den|ter|ten)\s+)*([A-Z][a-zà-ÿ]+))")
_INSTITUTIONS = frozenset("kamer zaken gemeenten gemeente vereniging raad college ministerie rijk provincie provincies "
                          "unie commissie bestuur programma fonds overheid staten nederland nederlandse europese "
                          "koning koninkrijk waterschappen ledenvergadering".split())
COMMON_WORD_ZIPF = 5.3  # "Tweede Kamer" is not a person; "Jan de Vries" is


def names_person(text: str) -> bool:
    """Does the text name a person (not an institution)?"""
    if _TITLED.search(text):
        return True
    return any(_zipf(m.group(1).lower(), "nl") < COMMON_WORD_ZIPF
               and not {m.group(1).lower(), m.group(2).lower()} & _INSTITUTIONS
               for m in _TWO_CAPITALIZED.finditer(text))


# In a question: a title or role right before a name ("wethouder De Jonge", "mayor Halsema",
# "mevrouw Bakker"): the name is asked about even when it is an everyday word.
_TITLE_BEFORE_NAME = re.compile(
    r"\b(?i:(?:oud-|ex-)?(?:minister|staatssecretaris|burgemeester|wethouder|voorzitter|directeur|commissaris|"
    r"informateur|formateur|gedeputeerde|mayor|alderman|alderwoman|chair(?:man|woman)?|director|mevrouw|mw\.|"
    r"de heer|dhr\.|mr\.?|mrs\.?|ms\.?|dr\.?|drs\.?|prof\.?))\s+"
    # right after a title a particle is capitalized ("minister Van der Wal"): "minister van Financiën" is a ministry
    r"((?:(?:Van|De|Der|Den|Ter|Ten)\s+(?:(?:van|de|der|den|ter|ten)\s+)*)?[A-Z][a-zà-ÿ][\w'’-]*(?:\s+(?:(?:van|de|der|den|ter|ten)\s+)*[A-Z][a-zà-ÿ][\w'’-]*)*)")


def titled_names(question: str) -> list[tuple[str, int, int]]:
    """Surnames the question names after a title or role, with where they stand."""
    found = []
    for m in _TITLE_BEFORE_NAME.finditer(question):
        words = m.group(1).split()
        if {w.lower() for w in words} & _INSTITUTIONS:  # "voorzitter Raad van State" is no person
            continue
        surname = words[-1]
        start = m.start(1) + m.group(1).rfind(surname)
        found.append((surname, start, start + len(surname)))
    return found


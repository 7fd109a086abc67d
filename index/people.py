"""People's names. For "wie is de voorzitter?": a sentence that has the role must also have a
name, or it does not say who ("u spreekt met een nieuwe minister"); and a name a question
gives after a title ("wethouder De Jonge") is something the letter must have.

The one place where a name and a title are spelled out: succession.py and asked.py build
their patterns from NAME, TITLE, PARTICLE and WORD here."""

from __future__ import annotations

import re

from index.zipf import zipf as _zipf

# Tussenvoegsels: lower-case after a first name ("Femke de Ridder", "Jan van der Laan"),
# capitalized when the surname stands alone ("wethouder Van der Laan", "minister De Jonge").
PARTICLE = r"(?:van|de|der|den|het|ter|ten)"
_CAPITAL_PARTICLE = r"(?:Van|De|Der|Den|Het|Ter|Ten)"
INITIALS = r"(?:[A-Z]\.\s?){1,4}"  # "J.P. Wolters", "J. Smit"
WORD = r"[A-Z][\w'’-]+"  # one capitalized word of a name ("Hoogland", "D'Hondt", "Bouwmeester-Jansen")
# A person's name as written: capitalized words with tussenvoegsels between, initials first
# ("Jan van der Laan", "J.P. de Vries")
NAME = rf"(?:{INITIALS}(?:{PARTICLE}\s+)*)?{WORD}(?:\s+(?:{PARTICLE}\s+)*{WORD})*"
# Forms of address and roles that stand before a name, Dutch and English ("mevrouw Dijkema",
# "oud-minister Ollongren", "mayor Halsema"). A capital only at the start ("De heer" opens a
# sentence): "MS Teams" is no Ms. Teams.
HONORIFIC = r"(?:[Mm]evrouw|[Mm]w\.?|[Dd]e heer|[Dd]hr\.?|[Mm]rs?\.?|[Mm]s\.?|[Dd]rs?\.?|[Pp]rof\.?|[Ii]r\.?)"
ROLE = (r"(?i:(?:oud-|ex-)?(?:minister|staatssecretaris|burgemeester|wethouder|voorzitter|directeur|commissaris|"
        r"informateur|formateur|gedeputeerde|mayor|alderman|alderwoman|chair(?:man|woman)?|director))")
TITLE = rf"(?:{HONORIFIC}|{ROLE})"

# A person's name in a letter: initials or a form of address before a name ("J.P. Wolters",
# "mevrouw Dijkema"), a role before a capitalized word ("oud-minister Ollongren"), or two
# capitalized words of which the first is not a common word and neither names an institution
# ("Pieter Hoogland", not "Tweede Kamer").
_TITLED = re.compile(rf"(?:\b{INITIALS}|\b{HONORIFIC}\s+)(?:{PARTICLE}\s+)*{WORD}|\b{ROLE}\s+{WORD}")
# overlapping (lookahead): "Ook Femke de Ridder" must still find "Femke de Ridder"; lower-case
# after the capital, so an acronym ("VNG Congres") is no name
_TWO_CAPITALIZED = re.compile(rf"(?=\b([A-Z][a-zà-ÿ]+)\s+(?:{PARTICLE}\s+)*([A-Z][a-zà-ÿ]+))")
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


# In a question, a name right after a title or role ("wethouder De Jonge", "mayor Halsema") is
# asked about even when it is an everyday word. Unlike NAME: after any initials it starts
# capitalized ("minister van Financiën" is a ministry), its words have a lower-case second
# letter ("voorzitter VNG" names no one), and a lone "van" before a capitalized word starts a
# place ("burgemeester Halsema van Amsterdam"; "wethouder Van der Laan" keeps its "van der").
# (A first name with a lower-case "van" surname reads as that place too: "wethouder Jan van
# Dijk" gives "Jan"; after a title members name the municipality far more often.)
_QUESTION_WORD = r"[A-Z][a-zà-ÿ][\w'’-]*"
_TITLED_NAME = re.compile(
    rf"\b{TITLE}\s+((?:{INITIALS}(?:{PARTICLE}\s+)*)?(?:{_CAPITAL_PARTICLE}\s+(?:{PARTICLE}\s+)*)?{_QUESTION_WORD}"
    rf"(?:\s+(?!van\s+[A-Z])(?:{PARTICLE}\s+)*{_QUESTION_WORD})*)")
# the surname: the last word with the tussenvoegsels before it ("Femke de Ridder" -> "de Ridder")
_SURNAME = re.compile(rf"(?<!\S)(?:(?:{PARTICLE}|{_CAPITAL_PARTICLE})\s+)*\S+$")


def titled_names(question: str) -> list[tuple[str, int, int]]:
    """Surnames the question names after a title or role, tussenvoegsel included ("Van der
    Laan"), with where they stand."""
    found = []
    for m in _TITLED_NAME.finditer(question):
        if {w.lower() for w in m.group(1).split()} & _INSTITUTIONS:  # "voorzitter Raad van State" is no person
            continue
        surname = _SURNAME.search(m.group(1))
        found.append((surname.group(0), m.start(1) + surname.start(), m.end(1)))
    return found

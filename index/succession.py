"""Who succeeds whom. "Wie volgt Pieter Hoogland op?" asks for Hoogland's successor; a letter
that says "Pieter Hoogland is haar opvolger" names the successor of someone else, and does
not answer it.
"""

from __future__ import annotations

import re

from index.people import NAME, TITLE, titled_names
from index.sentences import split_sentences

# "volgt … op" in one clause, an opvolg- word, or taking over from someone
SUCCESSION = re.compile(r"\b(?:volgt|volgen|volgde|volgden)\b(?:[^.?!;]|(?<=\b[A-Z])\.)*\bop\b|\bopvolg\w*|\bopgevolgd\b|"
                        r"\b(?:neemt|nam|nemen|namen)\b[^.?!;]*\bover\s+van\b|\bovergenomen\s+van\b", re.IGNORECASE)
SUCCESSION_WORDS = ("opvolger", "opvolgster", "opgevolgd", "opvolging", "opvolgt", "opvolgen")

# Before the name: a title, or any lower-case words ("de opvolger van de voorzitter Jan Smit")
_BEFORE_NAME = rf"(?:{TITLE}\s+|(?:oud-)?[a-z]+\s+)*"
# Where the question names whom the successor follows.
_PREDECESSOR_ASKED = [re.compile(p) for p in (
    rf"\b(?:volgt|volgen|volgde)\s+(?:in\s+\d{{4}}\s+)?{_BEFORE_NAME}({NAME})(?:\s+in\s+\d{{4}})?\s+op\b",  # "wie volgt Jan Smit op?"
    rf"\b(?:opvolger|opvolgster|opvolging)\s+(?:van|voor)\s+{_BEFORE_NAME}({NAME})",  # "de opvolger van Jan Smit"
    rf"\bover\s+van\s+{_BEFORE_NAME}({NAME})",  # "wie neemt het voorzitterschap over van Jan Smit?"
    rf"\b({NAME})\s+(?:opvolgen|opvolgt|op\s+(?:volgen|te\s+volgen))\b",  # "wie gaat Jan Smit opvolgen?"
    rf"\b({NAME})(?:\s+\w+){{0,2}}\s+opgevolgd\b",  # "door wie wordt Jan Smit opgevolgd?"
    rf"\b(?:succeed|succeeds|succeeded|replace|replaces|replaced|t(?:ook|akes?)\s+over\s+from)\s+{_BEFORE_NAME}({NAME})",
    rf"\b({NAME})['’]s?\s+successor\b",
    rf"\bsuccessor\s+(?:of|to)\s+{_BEFORE_NAME}({NAME})",
)]


def predecessor_asked(question: str) -> str:
    """The name of the person whose successor the question asks for, as written, or ""."""
    for pattern in _PREDECESSOR_ASKED:
        m = pattern.search(question)
        if m:
            # after a title, "van <Place>" is no part of the name ("burgemeester Halsema van Amsterdam")
            ends = [end for _, start, end in titled_names(question) if m.start(1) <= start < m.end(1)]
            return question[m.start(1):min(ends)] if ends else m.group(1)
    return ""


_PRONOUN_SUCCESSOR = re.compile(r"\b(?:zijn|haar|hun)\s+opvolg")


def succeeds(text: str, person: str) -> bool:
    """Does the text say who succeeds (or succeeded) this person (by surname)? "X volgt
    Y op", "de opvolger van Y", "Y wordt opgevolgd door X", and "afscheid van Y. X is haar
    opvolger" do; "Y is haar opvolger" and "Y volgt X op" name Y as the successor."""
    if not person.split():
        return False
    name = rf"\b{re.escape(person.split()[-1].lower())}\b"  # by surname: "Hoogland", "de heer Hoogland"
    previous = ""
    for sentence in split_sentences(text):
        low = sentence.lower()
        if SUCCESSION.search(low) and _names_predecessor(low, name, previous):
            return True
        previous = low
    return False


def _names_predecessor(low: str, name: str, previous: str) -> bool:
    if re.search(rf"\b(?:opvolg\w*\s+(?:van|voor)|over\s+van)\b[^.;]{{0,50}}{name}", low):
        return True
    if re.search(rf"{name}[^.;]{{0,50}}\bopgevolgd\b", low):
        return True
    verb = re.search(r"\b(?:volgt|volgen|volgde|volgden)\b([^.?!;]*)\bop\b", low)
    if verb and re.search(name, verb.group(1)):  # the one followed comes after the verb
        return True
    if verb and re.search(r"\b(?:hem|haar|hen)\b", verb.group(1)) and re.search(name, previous + low[:verb.start()]):
        return True  # "Jan Smit vertrekt. Anna de Boer volgt hem op."
    pronoun = _PRONOUN_SUCCESSOR.search(low)
    if not pronoun or re.search(rf"{name}\s+(?:is|wordt|werd)\b[^.;]{{0,40}}\b(?:zijn|haar|hun)\s+opvolg", low):
        return False
    # "haar opvolger": her is someone named before, in this sentence or the one before
    return bool(re.search(name, low[:pronoun.start()]) or re.search(name, previous))

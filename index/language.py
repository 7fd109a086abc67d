"""Is a question Dutch or English? (Answers follow the member's language.)"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-zA-Z']+")
_EN = {"the", "what", "when", "where", "who", "how", "is", "are", "does", "do", "did", "of", "for", "which",
       "next", "about", "can", "will", "there", "this", "in", "to", "and", "meeting", "municipalities", "latest"}
_NL = {"de", "het", "een", "wat", "wanneer", "waar", "wie", "hoe", "is", "zijn", "van", "voor", "welke",
       "volgende", "over", "kan", "er", "dit", "in", "te", "en", "gemeenten", "ik", "we", "staat", "laatste"}


def language(text: str) -> str:
    """'en' when the question reads as English, else 'nl'."""
    words = [w.lower() for w in _WORD.findall(text)]
    en = sum(w in _EN and w not in _NL for w in words)
    nl = sum(w in _NL and w not in _EN for w in words)
    return "en" if en > nl else "nl"

"""Sentence splitting for Dutch letter text, aware of common abbreviations."""

from __future__ import annotations

import re

# Abbreviations that end in a dot without ending a sentence (lower-cased, without the dot).
ABBREVIATIONS = {
    "lbr", "mr", "dr", "drs", "ir", "ing", "prof", "jl", "a.s", "o.a", "bijv", "bv", "nr",
    "ca", "mld", "mln", "mrd", "resp", "e.d", "d.w.z", "i.p.v", "m.b.t", "t.a.v", "z.s.m",
    "etc", "vs", "art", "lid", "blz", "pag", "tel", "incl", "excl", "evt", "min", "st", "mw", "dhr",
    "e.g", "i.e", "no", "mrs", "ms", "jan", "feb", "mrt", "apr", "jun", "jul", "aug", "sep",
    "sept", "okt", "nov", "dec", "gem", "o.b.v", "i.s.m", "n.a.v", "m.i.v", "t.z.t",
}

_CANDIDATE = re.compile(r"([.!?…]+[\"'”’)]*)\s+(?=[\"'“‘(]?[A-ZÀ-Ý0-9€])")
_LAST_WORD = re.compile(r"(\S+)$")


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends and line breaks; never inside 'Lbr. 24/007' or 'mr. Geluk'."""
    sentences: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for m in _CANDIDATE.finditer(line):
            before = line[start : m.start()]
            word = _LAST_WORD.search(before)
            token = word.group(1).lower().rstrip(".") if word else ""
            if m.group(1) == "." and (token in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", token)):
                continue
            # "Lbr. 24/007" style: a dot followed by a number usually does not end a sentence
            nxt = line[m.end() : m.end() + 1]
            if m.group(1) == "." and nxt.isdigit() and token.isalpha() and len(token) <= 4:
                continue
            sentences.append(line[start : m.end(1)].strip())
            start = m.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences

"""The part of a passage worth showing: the matching sentence with its neighbours."""

from __future__ import annotations

from pydantic import BaseModel

from index.sentences import split_sentences


class Segment(BaseModel):
    text: str
    highlight: bool = False


def _is_content(sentence: str) -> bool:
    """Not a header label ("Ledenbrief nummer", "Lbr. 24/011") and not the salutation."""
    return len(sentence.split()) >= 4 and not sentence.lower().startswith(("geachte", "beste", "aan de"))


def excerpt(text: str, highlight: str | None, max_words: int = 90) -> list[Segment]:
    """Sentences around `highlight` (marked), up to about `max_words`; "…" where cut.
    Without a highlight, the excerpt starts at the first sentence of content."""
    sentences = split_sentences(text)
    if not sentences:
        return []
    if highlight in sentences:
        center = sentences.index(highlight)
    else:
        center = next((i for i, s in enumerate(sentences) if _is_content(s)), 0)
    lo = hi = center
    words = len(sentences[center].split())
    while True:
        grown = False
        for candidate in (hi + 1, lo - 1):
            if candidate == lo - 1 and candidate >= 0 and not _is_content(sentences[candidate]):
                continue  # never grow back into the letterhead
            if 0 <= candidate < len(sentences) and not (lo <= candidate <= hi):
                n = len(sentences[candidate].split())
                if words + n <= max_words:
                    lo, hi = min(lo, candidate), max(hi, candidate)
                    words += n
                    grown = True
        if not grown:
            break
    segments = [Segment(text=s, highlight=(i == center and highlight is not None)) for i, s in enumerate(sentences) if lo <= i <= hi]
    if lo > 0:
        segments.insert(0, Segment(text="…"))
    if hi < len(sentences) - 1:
        segments.append(Segment(text="…"))
    return segments


def opening_lines(text: str, max_chars: int = 300) -> str:
    """The start of a letter's content: skips header labels and the salutation, then takes
    whole sentences up to `max_chars` (cut with "…" if one sentence is longer)."""
    taken: list[str] = []
    for paragraph in text.split("\n"):
        line = paragraph.strip()
        if len(line.split()) < 8 or line.lower().startswith(("geachte", "beste", "aan de")):
            continue
        for sentence in split_sentences(line):
            if taken and len(" ".join(taken + [sentence])) > max_chars:
                return " ".join(taken)
            taken.append(sentence)
        if len(" ".join(taken)) >= max_chars // 2:
            break
    joined = " ".join(taken)
    return joined if len(joined) <= max_chars else joined[: max_chars - 1].rsplit(" ", 1)[0] + "…"

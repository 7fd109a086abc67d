"""Group near-duplicate questions ("Wanneer is het volgende BOFv?" / "wanneer is het BOFv")
by their Dutch-stemmed content words, so a report counts them together."""

from __future__ import annotations

from index.lexical import tokenize

TOPIC_WORD = 12  # characters of a stem long enough to name a topic on its own
SIMILAR = 0.6  # Jaccard overlap of content words from which two questions count as one
# Words that ask *how* rather than *about what*: they must not keep two phrasings apart.
_FILLER = frozenset(tokenize("volgende vindt plaats zit gebeurt weten wil graag informatie info meer over "
                             "precies eigenlijk next about tell please"))


def _key(text: str) -> frozenset[str]:
    words = frozenset(tokenize(text)) - _FILLER
    return words or frozenset([" ".join(text.lower().split())])


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    overlap = len(a & b)
    if not overlap:
        return False
    # A short question inside a longer one ("BOFv" in "wanneer is het volgende BOFv") is the same
    # topic, and so are two that share a long specific word: Dutch topics are compounds
    # ("parkeervergunning", "afvalstoffenheffing"), general words are short.
    return (overlap / len(a | b) >= SIMILAR or overlap == min(len(a), len(b))
            or any(len(word) >= TOPIC_WORD for word in a & b))


def group_similar(texts: list[str]) -> list[list[int]]:
    """Indexes of `texts` grouped by topic; the biggest group first, each in first-seen order.
    Greedy against each group's first (most frequent) phrasing: stable and easy to explain."""
    keys = [_key(t) for t in texts]
    counts: dict[frozenset[str], int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    order = sorted(range(len(texts)), key=lambda i: -counts[keys[i]])
    groups: list[tuple[frozenset[str], list[int]]] = []
    for i in order:
        home = next((members for head, members in groups if _similar(head, keys[i])), None)
        if home is None:
            groups.append((keys[i], [i]))
        else:
            home.append(i)
    result = [sorted(members) for _, members in groups]
    return sorted(result, key=lambda members: (-len(members), members[0]))

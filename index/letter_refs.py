"""The LetterRef of each letter of a build (what an answer says about a letter), shared with
the build before it: a reindex that adds one letter makes one new ref, not one per letter."""

from __future__ import annotations

import operator

from index.models import LetterRef

_FIELDS = tuple(LetterRef.model_fields)
_field_values = operator.attrgetter(*_FIELDS)


def letter_refs(entries: list[LetterRef], known: dict[tuple, LetterRef]) -> dict[tuple, LetterRef]:
    """Each entry's LetterRef (its LetterRef fields only), keyed by those fields' values: the
    one in `known` (an earlier build's) when the values are equal, which is safe because refs
    are frozen, else a new one."""
    refs = {}
    for entry in entries:
        key = _field_values(entry)
        ref = known.get(key)
        refs[key] = ref if ref is not None else LetterRef.model_validate(entry.model_dump(include=set(_FIELDS)))
    return refs

"""How common a word is in general language (wordfreq's Zipf scale: 7 is "de", 3 a rare word)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency  # imported on first use: loading its tables takes a moment

    return zipf_frequency(word, lang)

"""Pick the sentence of a passage that best matches the question (shown in bold)."""

from __future__ import annotations

from index.lexical import LexicalIndex, tokenize
from index.sentences import split_sentences


def best_sentence(text: str, question: str, lexical: LexicalIndex) -> str | None:
    """The sentence sharing the rarest words with the question; None if none shares any.

    Lexical on purpose: embedding every sentence per question would cost more than the
    whole search, and members' questions name the thing they ask about.
    """
    wanted = {t: lexical.idf(t) for t in lexical.query_tokens(question)}
    best, best_score = None, 0.0
    for sentence in split_sentences(text):
        if len(sentence.split()) < 3:
            continue  # header labels and list stubs are never the answer
        tokens = tokenize(sentence)
        matched = sum(w for t, w in wanted.items() if t in set(tokens))
        # Mild length normalisation: of two sentences naming the same thing, the shorter
        # one is usually about it, the longer one mentions it in passing.
        score = matched / (len(tokens) ** 0.5 or 1.0)
        if score > best_score:
            best, best_score = sentence, score
    return best

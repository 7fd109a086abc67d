"""Sentences the CLI and the Slack bot both say about an answer (Dutch, or English)."""

from __future__ import annotations


from index.dates import format_dutch, format_english
from index.events import dutch_article
from index.models import EventInfo, LetterRef


def letter_name(letter: LetterRef, lang: str) -> str:
    """'Lbr. 24/007 van 19 maart 2024' (or the title when there is no number)."""
    name = letter.lbr or f"“{letter.title}”"
    if letter.date:
        return f"{name} {'van' if lang == 'nl' else 'of'} {letter.date_label(lang)}"
    return name


def event_sentence(event: EventInfo, question: str, lang: str) -> str:
    """"Volgens Lbr. 24/007 van 19 maart 2024 stond het volgende BOFv gepland op 4 april 2024." """
    source = letter_name(event.letter, lang)
    if lang == "en":
        when = format_english(event.date)
        if event.upcoming:
            return f"The next {event.term} is on {when} (according to {source})."
        return (f"According to {source}, the next {event.term} was planned for {when}. "
                "That date has passed; the letters mention no later one.")
    when = format_dutch(event.date)
    article = dutch_article(question)
    if event.upcoming:
        return f"{article.capitalize()} volgende {event.term} is op {when} (volgens {source})."
    return (f"Volgens {source} stond {article} volgende {event.term} gepland op {when}. "
            "Die datum ligt in het verleden; een latere datum staat niet in de ledenbrieven.")


def newer_note(letter: LetterRef, lang: str) -> str:
    """"Nieuwer: Lbr. 24/011 van 15 april 2024" """
    return f"{'Nieuwer' if lang == 'nl' else 'Newer'}: {letter_name(letter, lang)}"

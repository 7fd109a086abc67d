"""What the bot says, in Dutch (default) and English (when asked in English)."""

from __future__ import annotations

from index.language import language  # noqa: F401  (re-exported for the bot)

TEXTS = {
    "nl": {
        "not_found": "Dit heb ik niet gevonden in de ledenbrieven.",
        "unknown_reference": "{ref} staat niet in de index.",
        "nearest": "Dichtstbijzijnde brieven:",
        "more_sources": "Meer bronnen:",
        "useful": "👍 Nuttig",
        "not_useful": "👎 Niet nuttig",
        "share": "Deel in kanaal",
        "shared_by": "Gedeeld door <@{user}>",
        "thanks": "Bedankt voor je feedback!",
        "vote_failed": "Je stem kon nu niet worden bewaard; probeer het over een paar minuten nog eens.",
        "expired": "Deze knop werkt niet meer; stel je vraag opnieuw.",
        "empty_question": "Stel je vraag in woorden, bijvoorbeeld: _Wanneer is het volgende BOFv?_",
        "too_long": "Je vraag is te lang ({n} tekens); houd hem onder de {max} tekens.",
        "no_index": "Ik kan nu niet zoeken: er is nog geen index. Vraag een beheerder om te herindexeren.",
        "rebuilding": "Ik kan nu niet zoeken: de index wordt opnieuw opgebouwd voor een nieuw taalmodel. Probeer het over "
                      "een paar minuten nog eens; lukt het dan nog niet, vraag een beheerder om te herindexeren.",
        "failed": "Er ging iets mis bij het zoeken; probeer het zo nog eens.",
        "staff_only": "Sorry, herindexeren is voorbehouden aan de beheerders van de bot.",
        "reindex_started": "Herindexeren gestart… ik meld het hier als het klaar is.",
        "reindex_busy": "Er loopt al een herindexering; wacht tot die klaar is.",
        "reindex_done": "Herindexering klaar: {added} toegevoegd, {changed} gewijzigd, {removed} verwijderd "
                        "({letters} brieven, {chunks} passages; {embedded} passages opnieuw berekend).",
        "reindex_failed": "Herindexeren is mislukt: {reason} De vorige index blijft in gebruik.",
        "skipped": "Overgeslagen: {file} ({reason})",
        "unknown_argument": "Onbekende optie `{arg}`. Gebruik `/ledenbrief-reindex` zonder argumenten.",
        "ask_in_thread": "Stel je vraag over deze brief in deze thread.",
        "new_letter": "Nieuwe ledenbrief",
        "read_letter": "Lees de brief",
    },
    "en": {
        "not_found": "I could not find this in the member letters.",
        "unknown_reference": "{ref} is not in the index.",
        "nearest": "Nearest letters:",
        "more_sources": "More sources:",
        "useful": "👍 Useful",
        "not_useful": "👎 Not useful",
        "share": "Share in channel",
        "shared_by": "Shared by <@{user}>",
        "thanks": "Thanks for your feedback!",
        "expired": "This button no longer works; please ask again.",
        "empty_question": "Please ask a question in words, for example: _When is the next BOFv?_",
        "too_long": "Your question is too long ({n} characters); keep it under {max}.",
        "no_index": "I cannot search right now: there is no index yet. Ask an admin to reindex.",
        "rebuilding": "I cannot search right now: the index is being rebuilt for a new language model. Please try "
                      "again in a few minutes; if it still fails then, ask an admin to reindex.",
        "failed": "Something went wrong while searching; please try again shortly.",
    },
}


def t(lang: str, key: str, **values: object) -> str:
    template = TEXTS.get(lang, TEXTS["nl"]).get(key) or TEXTS["nl"][key]
    return template.format(**values)

"""What staff see when they add or remove a letter: the preview with its buttons, the
removal question, and one Dutch sentence for every reason a letter cannot be added."""

from __future__ import annotations

from bot.blocks import SECTION_LIMIT, escape, letter_link, safe_url
from index.intake import LetterDraft
from index.models import LetterRef

TEXTS = {
    "staff_only": "Sorry, brieven toevoegen, verwijderen en het rapport zijn voorbehouden aan de beheerders van de bot.",
    "add_usage": "Geef de url van de brief mee, bijvoorbeeld: `/ledenbrief-toevoegen https://vng.nl/brieven/…` "
                 "(of stuur mij het bestand in een privébericht).",
    "remove_usage": "Noem de brief die weg moet: `/ledenbrief-verwijderen 24/019` (Lbr-nummer) of de url.",
    "report_usage": "Geef het aantal dagen als getal (1–365), bijvoorbeeld `/ledenbrief-rapport 30`.",
    "not_found_ref": "Ik vind geen geïndexeerde brief bij `{ref}`. Noem het Lbr-nummer (bijv. 24/019) of de url.",
    "preview_title": "Voorbeeld: nieuwe ledenbrief",
    "duplicate_url": "Deze brief staat er al (zelfde url): {letter}. Er wordt niets dubbel toegevoegd.",
    "duplicate_text": "Deze brief staat er al (zelfde tekst): {letter}. Er wordt niets dubbel toegevoegd.",
    "add": "Toevoegen",
    "cancel": "Annuleren",
    "remove": "Verwijderen",
    "cancelled": "Geannuleerd; er is niets toegevoegd.",
    "remove_cancelled": "Geannuleerd; de brief blijft staan.",
    "expired": "Dit voorbeeld is verlopen of al afgehandeld; voeg de brief opnieuw toe.",
    "adding": "Toegevoegd als `{name}`; herindexeren… ik meld het in dit kanaal als het klaar is.",
    "removing": "Verwijderd: {letter}; herindexeren… ik meld het in dit kanaal als het klaar is.",
    "remove_question": "Deze brief verwijderen uit de bot? {letter} (`{source}`). Er wordt niets opnieuw aangekondigd.",
    "gone": "Die brief staat er al niet meer.",
    "busy_stored": "Opgeslagen, maar er loopt al een herindexering; start `/ledenbrief-reindex` als die klaar is.",
    "added_done": "Brief toegevoegd en doorzoekbaar: {letter}.",
    "removed_done": "Brief verwijderd uit de bot: {letter}.",
    "not_indexed": "De brief `{name}` is opgeslagen maar niet geïndexeerd: {reason}",
    "upload_not_staff": "Alleen beheerders kunnen brieven toevoegen. Stel je vraag gerust in woorden!",
    "upload_read_failed": "Het bestand kon ik niet ophalen uit Slack; probeer het nog eens.",
    # why a url or a file cannot become a letter (FetchError / IntakeError codes)
    "dns": "Het adres {host} bestaat niet (DNS-opzoeking mislukt); controleer de url.",
    "private": "{host} wijst naar een intern of lokaal adres; ik haal alleen openbare webadressen op "
               "(voor een intranet: LEDENBOT_FETCH_ALLOW_PRIVATE=true).",
    "scheme": "Dat is geen volledig http- of https-adres; kopieer de hele url van de brief.",
    "status_404": "Die pagina bestaat niet (HTTP 404); controleer de url.",
    "status": "De website antwoordde met foutcode HTTP {status}; controleer de url of probeer het later.",
    "timeout": "De website antwoordde niet binnen {seconds} seconden; probeer het later nog eens.",
    "too_large": "Het bestand is groter dan de limiet van {mb} MB voor een brief.",
    "redirects": "Deze url stuurt te vaak door; gebruik de uiteindelijke url van de brief.",
    "network": "De url kon niet worden opgehaald (netwerkfout); controleer de url.",
    "host": "Het bestand kon niet van Slack worden gedownload.",
    "type": "Dit is geen PDF-, HTML-, Markdown- of tekstbestand (een Word-bestand of afbeelding?); "
            "sla de brief op als PDF of tekst en voeg die toe.",
    "empty": "Het bestand of de pagina is leeg; er is niets toe te voegen.",
    "login": "Dit is een inlogpagina, geen brief; gebruik de openbare url van de brief of upload het bestand.",
    "unreadable": "Deze brief kan ik niet lezen: {reason}.",
    "not_letter": "Er staan maar {words} woorden tekst op: dit lijkt geen brief (een fout- of cookiepagina?). "
                  "Gebruik de eigen pagina van de brief of de PDF.",
}

DATE_SOURCES = {
    "front matter": "front matter", "sidecar": "metadata bij de brief", "header": "briefhoofd",
    "title": "de titel", "number": "het Lbr-nummer",
    "mentioned": "de laatste datum in de tekst", "file name": "bestandsnaam",
    "page": "datum van de webpagina", "pdf": "PDF-metadata", "metadata": "metadata",
}


def say(key: str, **values: object) -> str:
    return TEXTS[key].format(**values)


def refusal(error: Exception) -> str:
    """The Dutch sentence for a FetchError / IntakeError."""
    code, values = getattr(error, "code", "network"), dict(getattr(error, "values", {}))
    if code == "status" and values.get("status") == 404:
        code = "status_404"
    try:
        return say(code, **values)
    except (KeyError, IndexError):
        return say("network")


def _ref(letter: LetterRef) -> str:
    return letter_link(letter)


def preview_blocks(draft: LetterDraft, pending_id: str | None) -> tuple[list[dict], str]:
    """The preview; with buttons when `pending_id` is given (not for a duplicate)."""
    letter = draft.letter
    date = "–"
    if letter.date:
        source = DATE_SOURCES.get(draft.date_source or "", draft.date_source)
        date = letter.date_label("nl") + (f" (uit: {source})" if source else "")
    url = safe_url(letter.url)
    fields = [
        f"*Titel*\n{escape(letter.title)}", f"*Datum*\n{escape(date)}", f"*Lbr*\n{escape(letter.lbr or '–')}",
        f"*Passages*\n{draft.passages}", f"*Url*\n{f'<{url}|{escape(url)[:200]}>' if url else '–'}",
        f"*Bestand*\n`{escape(draft.name)}`",
    ]
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": TEXTS["preview_title"]}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
    ]
    if draft.opening:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": ("> " + escape(draft.opening))[:SECTION_LIMIT]}})
    if draft.notes:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": ("⚠️ " + escape("; ".join(draft.notes)))[:2000]}]})
    if draft.duplicate_of:
        key = "duplicate_url" if draft.duplicate_reason == "url" else "duplicate_text"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "⚠️ " + say(key, letter=_ref(draft.duplicate_of))}})
        fallback = say(key, letter=draft.duplicate_of.title)
    else:
        fallback = f"{TEXTS['preview_title']}: {letter.title}"
    if pending_id and not draft.duplicate_of:
        blocks.append({"type": "actions", "block_id": "letter_add", "elements": [
            {"type": "button", "action_id": "letter_add_confirm", "style": "primary", "value": pending_id,
             "text": {"type": "plain_text", "text": TEXTS["add"]}},
            {"type": "button", "action_id": "letter_add_cancel", "value": pending_id,
             "text": {"type": "plain_text", "text": TEXTS["cancel"]}},
        ]})
    return blocks, fallback


def remove_blocks(letter: LetterRef, source: str) -> tuple[list[dict], str]:
    text = say("remove_question", letter=_ref(letter), source=escape(source))
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": "letter_remove", "elements": [
            {"type": "button", "action_id": "letter_remove_confirm", "style": "danger", "value": source,
             "text": {"type": "plain_text", "text": TEXTS["remove"]}},
            {"type": "button", "action_id": "letter_remove_cancel", "value": source,
             "text": {"type": "plain_text", "text": TEXTS["cancel"]}},
        ]},
    ], say("remove_question", letter=letter.title, source=source)

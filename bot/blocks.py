"""Block Kit for answers, announcements and the App Home, within Slack's limits.

Letter text is untrusted: every piece goes through `escape` (so `<!channel>` in a letter
pings nobody) and links are built only from a letter's own http(s) url.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from index.dates import format_dutch
from index.excerpt import excerpt
from index.models import Answer, EventInfo, IndexStatus, LetterRef, Passage
from index.phrasing import event_sentence, newer_note
from bot.texts import t

SECTION_LIMIT = 3000
CONTEXT_LIMIT = 2000
HEADER_LIMIT = 150
TEXT_LIMIT = 3000  # the plain-text fallback: notifications show only its start anyway
_FORMATTING = re.compile(r"[*_~`]")


def escape(text: str) -> str:
    """Escape mrkdwn control characters; drop the formatting characters letters may carry."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _FORMATTING.sub("", text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def safe_url(url: str | None) -> str | None:
    """The url if it is a plain http(s) link; characters that would end a Slack link are encoded."""
    if not url or not re.match(r"https?://[^\s]+$", url):
        return None
    return quote(url, safe=":/?#[]@!$&'()*+,;=%-._~")


def letter_link(letter: LetterRef, url: str | None = None) -> str:
    """'Lbr. 24/007 · 19 maart 2024 · <url|Title>' (title unlinked when there is no url)."""
    title = escape(letter.title)
    target = safe_url(url or letter.url)
    title_part = f"<{target}|{title}>" if target else title
    return " · ".join(p for p in [escape(letter.citation()), title_part] if p)


def _plain_source(passage: Passage) -> str:
    return " · ".join(p for p in [passage.letter.citation(), passage.letter.title, passage.link] if p)


def _feedback(lang: str, answer_id: str, share: bool) -> dict:
    elements = [
        {"type": "button", "action_id": "feedback_up", "value": answer_id, "text": {"type": "plain_text", "text": t(lang, "useful")}},
        {"type": "button", "action_id": "feedback_down", "value": answer_id, "text": {"type": "plain_text", "text": t(lang, "not_useful")}},
    ]
    if share:
        elements.insert(0, {"type": "button", "action_id": "share_answer", "value": answer_id, "style": "primary",
                            "text": {"type": "plain_text", "text": t(lang, "share")}})
    return {"type": "actions", "block_id": "feedback", "elements": elements}


def answer_message(answer: Answer, lang: str, answer_id: str, share: bool = False) -> tuple[list[dict], str]:
    """Blocks and the plain-text fallback for an answer."""
    if not answer.found or not answer.passages:
        return _not_found(answer, lang, answer_id, share)
    best, others = answer.passages[0], answer.passages[1:3]
    segments = excerpt(best.text, best.highlight)
    quote_text = " ".join(f"*{escape(s.text)}*" if s.highlight else escape(s.text) for s in segments)
    blocks: list[dict] = []
    lead = event_sentence(answer.event, answer.question, lang) if answer.event else None
    if lead:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip(escape(lead), SECTION_LIMIT)}})
    blocks += [
        {"type": "section", "text": {"type": "mrkdwn", "text": _clip("> " + quote_text, SECTION_LIMIT)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _clip(letter_link(best.letter, best.link), CONTEXT_LIMIT)}]},
    ]
    if answer.newer:
        note = newer_note(answer.newer, lang)
        target = safe_url(answer.newer.url)
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"🆕 <{target}|{escape(note)}>" if target else f"🆕 {escape(note)}"}]})
    if others:
        lines = "\n".join(f"• {letter_link(p.letter, p.link)}" for p in others)
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": _clip(f"{t(lang, 'more_sources')}\n{lines}", CONTEXT_LIMIT)}]})
    blocks.append(_feedback(lang, answer_id, share))
    highlight = best.highlight or " ".join(s.text for s in segments if s.text != "…")
    fallback = f"{lead or highlight}\n— {_plain_source(best)}"
    return blocks, _clip(fallback, TEXT_LIMIT)


def _not_found(answer: Answer, lang: str, answer_id: str, share: bool) -> tuple[list[dict], str]:
    if answer.unknown_reference:
        head = t(lang, "unknown_reference", ref=escape(answer.unknown_reference))
    elif answer.missing:  # the letters cover the topic, not what was asked: say what is missing
        head = escape(" ".join(p for p in (answer.missing.sentence, answer.missing.offer) if p))
    else:
        head = t(lang, "not_found")
    blocks: list[dict] = [{"type": "section", "text": {"type": "mrkdwn", "text": head}}]
    nearest = answer.passages[:3]
    if nearest:
        lines = "\n".join(f"• {letter_link(p.letter, p.link)}" for p in nearest)
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": _clip(f"{t(lang, 'nearest')}\n{lines}", CONTEXT_LIMIT)}]})
    blocks.append(_feedback(lang, answer_id, share))
    fallback = head + ("\n" + "\n".join(_plain_source(p) for p in nearest) if nearest else "")
    return blocks, _clip(fallback, TEXT_LIMIT)


def notice(text: str) -> tuple[list[dict], str]:
    """A one-line bot message (errors, refusals, reindex reports)."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, SECTION_LIMIT)}}], _clip(text, TEXT_LIMIT)


def announcement(letter: LetterRef, opening: str) -> tuple[list[dict], str]:
    header = " · ".join(p for p in [letter.lbr, letter.title] if p)
    date = letter.date_label()  # "mei 2024 (datum geschat)" for an estimate, never a made-up day
    body = escape(opening) if opening else ""
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": _clip(header, HEADER_LIMIT)}},
    ]
    if date:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(date)}]})
    if body:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip(body, SECTION_LIMIT)}})
    url = safe_url(letter.url)
    if url:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"<{url}|{t('nl', 'read_letter')}>"}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "💬 " + t("nl", "ask_in_thread")}]})
    fallback = f"{t('nl', 'new_letter')}: {header}" + (f" ({date})" if date else "") + (f" {letter.url}" if url else "")
    return blocks, _clip(fallback, TEXT_LIMIT)


EXAMPLES = [
    "Wanneer is het volgende BOFv?",
    "Hoe groot is het ravijn in 2026?",
    "Wat staat er in Lbr. 24/011?",
]


def home_view(newest: list[LetterRef], status: IndexStatus | None, events: list[EventInfo] | None = None) -> dict:
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Ledenbrieven-bot"}},
        {"type": "section", "text": {"type": "mrkdwn", "text":
            "Stel je vraag over de ledenbrieven van de VNG: noem me in een kanaal (`@ledenbot <vraag>`), "
            "stuur me een direct bericht, of gebruik `/ledenbrief <vraag>`. Ik antwoord met de passage "
            "uit de brief en een link. Voorbeelden:\n" + "\n".join(f"• _{e}_" for e in EXAMPLES)}},
        {"type": "divider"},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Nieuwste brieven*"}},
    ]
    if newest:
        lines = "\n".join(f"• {letter_link(l)}" for l in newest[:5])
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip(lines, SECTION_LIMIT)}})
    else:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "Nog geen brieven in de index."}})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "*Komende data uit de brieven*"}})
    if events:
        lines = "\n".join(f"• *{format_dutch(e.date)}* · {escape(e.term)} · {letter_link(e.letter)}" for e in events[:5])
    else:
        lines = "Geen komende data bekend in de ledenbrieven."
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip(lines, SECTION_LIMIT)}})
    blocks.append({"type": "divider"})
    if status:
        built = status.built_at.strftime("%d-%m-%Y %H:%M UTC")
        info = f"Index: {status.letters} brieven, {status.chunks} passages · laatst herindexeerd {built} · model {escape(status.model)}"
    else:
        info = "Index: nog niet gebouwd."
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": info}]})
    return {"type": "home", "blocks": blocks}

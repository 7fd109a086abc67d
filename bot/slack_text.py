"""Turn a Slack message into the plain question a member typed."""

from __future__ import annotations

import re

_USER = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
_SPECIAL = re.compile(r"<![^>]*>")
_LINK_LABEL = re.compile(r"<((?:https?|mailto):[^|>]*)\|([^>]*)>")
_LINK = re.compile(r"<((?:https?|mailto):[^>]*)>")
_CHANNEL = re.compile(r"<#[A-Z0-9]+(?:\|([^>]*))?>")


def plain_question(text: str | None) -> str:
    """Mentions and @channel-style pings removed, links reduced to their label or address,
    and Slack's entity escapes undone."""
    text = text or ""
    text = _USER.sub(" ", text)
    text = _SPECIAL.sub(" ", text)
    text = _LINK_LABEL.sub(r"\2", text)
    text = _LINK.sub(r"\1", text)
    text = _CHANNEL.sub(lambda m: m.group(1) or " ", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def mentions(text: str | None, user_id: str | None) -> bool:
    return bool(user_id) and f"<@{user_id}" in (text or "")

"""The staff report: what members asked, how much was answered, and which questions the
letters do not answer (not found, or 👎), near-duplicates counted together. Never who asked."""

from __future__ import annotations

import time

from pydantic import BaseModel, Field

from bot.blocks import escape
from bot.state import State
from index.question_groups import group_similar

TOP = 10


class QuestionGroup(BaseModel):
    question: str = Field(description="the most frequent phrasing")
    count: int = Field(description="how often it was asked, all phrasings together")
    not_found: int
    thumbs_down: int
    variants: list[str] = Field(default_factory=list, description="other phrasings")


class QuestionReport(BaseModel):
    days: int
    asked: int
    answered: int
    answered_share: float | None
    thumbs_up: int
    thumbs_down: int
    unanswered: list[QuestionGroup] = Field(description="not found or 👎, most frequent first")


def build_report(state: State, days: int = 30, now: float | None = None, top: int = TOP) -> QuestionReport:
    since = (now or time.time()) - days * 86400
    asked = state.questions_since(since)
    up, down = state.vote_counts_since(since)
    answered = sum(q.found for q in asked)
    missed = [q for q in asked if not q.found or q.vote < 0]
    groups = []
    for members in group_similar([q.question for q in missed]):
        phrasings: dict[str, int] = {}
        for i in members:
            text = " ".join(missed[i].question.split())
            phrasings[text] = phrasings.get(text, 0) + 1
        ranked = sorted(phrasings, key=lambda p: -phrasings[p])
        groups.append(QuestionGroup(
            question=ranked[0], count=len(members), variants=ranked[1:5],
            not_found=sum(not missed[i].found for i in members),
            thumbs_down=sum(missed[i].vote < 0 for i in members),
        ))
    groups.sort(key=lambda g: (-g.count, g.question.lower()))
    return QuestionReport(days=days, asked=len(asked), answered=answered,
                          answered_share=round(answered / len(asked), 3) if asked else None,
                          thumbs_up=up, thumbs_down=down, unanswered=groups[:top])


def _share(report: QuestionReport) -> str:
    return f"{report.answered_share:.0%}" if report.answered_share is not None else "–"


def format_report(report: QuestionReport) -> str:
    """Plain text for the CLI (English)."""
    lines = [f"Last {report.days} days: {report.asked} questions, {report.answered} answered ({_share(report)}); "
             f"{report.thumbs_up} 👍, {report.thumbs_down} 👎."]
    if not report.unanswered:
        lines.append("No unanswered questions." if report.asked else "No questions asked yet.")
        return "\n".join(lines)
    lines += ["", "Asked but not answered by the letters (not found or 👎), most frequent first:"]
    for group in report.unanswered:
        why = ", ".join(p for p in (f"{group.not_found} not found" if group.not_found else "",
                                    f"{group.thumbs_down} 👎" if group.thumbs_down else "") if p)
        lines.append(f"  {group.count:>3}×  {group.question}  ({why})")
        lines += [f"         also: {v}" for v in group.variants]
    return "\n".join(lines)


def report_blocks(report: QuestionReport) -> tuple[list[dict], str]:
    """The report as Block Kit (Dutch), and its fallback text."""
    summary = (f"*Laatste {report.days} dagen:* {report.asked} vragen, {report.answered} beantwoord "
               f"({_share(report)}); {report.thumbs_up} 👍, {report.thumbs_down} 👎.")
    blocks: list[dict] = [{"type": "section", "text": {"type": "mrkdwn", "text": summary}}]
    if report.unanswered:
        lines = ["*Gevraagd maar niet beantwoord* (niet gevonden of 👎), meest gevraagd eerst:"]
        for group in report.unanswered:
            why = ", ".join(p for p in (f"{group.not_found}× niet gevonden" if group.not_found else "",
                                        f"{group.thumbs_down}× 👎" if group.thumbs_down else "") if p)
            lines.append(f"• *{group.count}×* {escape(group.question)} _({why})_")
            if group.variants:
                lines.append("   _ook:_ " + escape(" · ".join(group.variants))[:400])
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:2900]}})
    else:
        text = "Geen onbeantwoorde vragen." if report.asked else "Er zijn in deze periode nog geen vragen gesteld."
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn",
                   "text": "Wie een vraag stelde wordt niet bewaard. Bijna-gelijke vragen tellen samen."}]})
    return blocks, summary.replace("*", "")

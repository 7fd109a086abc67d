"""Staff add and remove letters from Slack, and read the report of unanswered questions.

`/ledenbrief-toevoegen <url>` or a file sent to the bot in a DM → a preview with Toevoegen /
Annuleren → the letter store → the background reindex (which announces the new letter once).
`/ledenbrief-verwijderen <Lbr|url>` → a confirm button → removed and reindexed, never
re-announced. `/ledenbrief-rapport [dagen]` → the report. Everything is staff only; for anyone
else nothing is fetched, downloaded or stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient

from bot.admin_blocks import preview_blocks, refusal, remove_blocks, say
from bot.blocks import letter_link, notice
from bot.reindexing import Reindexer
from bot.report import build_report, report_blocks
from bot.settings import BotSettings
from bot.slack_files import download_upload
from bot.slack_text import plain_question
from bot.staff import StaffCheck
from bot.state import State
from bot.texts import t
from index.api import Engine
from index.errors import UserError
from index.fetch import FetchError, FetchLimits
from index.intake import IntakeError, LetterDraft
from index.models import LetterRef, ReindexReport

log = logging.getLogger(__name__)
MAX_FILES = 3  # per upload message


@dataclass
class LetterAdmin:
    engine: Engine
    state: State
    client: WebClient
    reindexer: Reindexer
    staff: StaffCheck
    settings: BotSettings

    def limits(self) -> FetchLimits:
        return FetchLimits(max_bytes=self.engine.max_letter_bytes, timeout=self.settings.fetch_timeout,
                           allow_private=self.settings.fetch_allow_private)

    def preview(self, user: str, draft: LetterDraft) -> tuple[list[dict], str]:
        pending = None if draft.duplicate_of else self.state.save_pending(user, draft.name, draft.data, draft.sidecar)
        return preview_blocks(draft, pending)

    def post(self, channel: str, text: str, blocks: list[dict] | None = None) -> None:
        if blocks is None:
            blocks, text = notice(text)
        self.client.chat_postMessage(channel=channel, blocks=blocks, text=text, unfurl_links=False, unfurl_media=False)

    def reindex_then(self, channel: str, done: str, letter: LetterRef | None, stored_name: str | None) -> bool:
        """Start the background reindex; report `done` (with the reindex summary) in `channel`."""

        def report(result: ReindexReport | None, error: str | None) -> None:
            if error == "busy":
                self.post(channel, say("busy_stored"))
                return
            if error:
                self.post(channel, t("nl", "reindex_failed", reason=error))
                return
            indexed = next((e for e in self.engine.entries() if e.source == stored_name), None) if stored_name else None
            problem = next((p for p in result.skipped if p.file == stored_name), None) if stored_name else None
            if problem:
                text = say("not_indexed", name=stored_name, reason=problem.reason)
            else:
                shown = LetterRef.model_validate(indexed.model_dump(include=set(LetterRef.model_fields))) if indexed else letter
                text = say(done, letter=letter_link(shown) if shown else stored_name)
            text += "\n" + t("nl", "reindex_done", added=result.added, changed=result.changed, removed=result.removed,
                             letters=result.letters, chunks=result.chunks, embedded=result.chunks_embedded)
            self.post(channel, text)

        return self.reindexer.start(report)


def register(app: App, admin: LetterAdmin) -> None:
    """Register the staff listeners; call before the generic message listener (Bolt runs the
    first listener that matches, and a DM upload is a message with subtype file_share)."""
    staff, state, engine = admin.staff, admin.state, admin.engine

    def staff_argument(command, respond, usage: str) -> str | None:
        """The command's argument, or None after telling a non-staff member or an empty call why."""
        if not staff.is_staff(command["user_id"]):
            respond(text=say("staff_only"), response_type="ephemeral")
            return None
        argument = plain_question(command.get("text"))
        if not argument:
            respond(text=say(usage), response_type="ephemeral")
        return argument or None

    @app.command("/ledenbrief-toevoegen")
    def on_add_command(ack, command, respond):
        ack()
        url = staff_argument(command, respond, "add_usage")
        if not url:
            return
        try:
            draft = engine.draft_from_url(url.split()[0])
        except (FetchError, IntakeError) as exc:
            log.info("Not adding %s: %s", url[:200], exc)
            respond(text=refusal(exc), response_type="ephemeral")
            return
        blocks, text = admin.preview(command["user_id"], draft)
        respond(blocks=blocks, text=text, response_type="ephemeral")

    @app.event({"type": "message", "subtype": "file_share"})
    def on_file_share(event):
        if event.get("bot_id") or event.get("channel_type") != "im":
            return  # files shared in channels are not letters for the bot
        channel, user = event["channel"], event.get("user", "")
        if not staff.is_staff(user):
            admin.post(channel, say("upload_not_staff"))
            return
        for file in (event.get("files") or [])[:MAX_FILES]:
            try:
                name, data = download_upload(admin.client, file, admin.limits(), admin.settings.slack_api_url)
                draft = engine.draft_from_bytes(data, original_name=name)
            except (FetchError, IntakeError) as exc:
                log.info("Not adding an upload: %s", exc)
                admin.post(channel, refusal(exc))
                continue
            except Exception:
                log.exception("Reading an uploaded file failed")
                admin.post(channel, say("upload_read_failed"))
                continue
            blocks, text = admin.preview(user, draft)
            admin.post(channel, text, blocks)

    @app.action("letter_add_confirm")
    def on_add_confirm(ack, body, action, respond):
        ack()
        user, channel = body["user"]["id"], (body.get("channel") or {}).get("id")
        if not staff.is_staff(user):
            respond(text=say("staff_only"), response_type="ephemeral", replace_original=False)
            return
        pending = state.take_pending(str(action.get("value", ""))[:64])
        if pending is None:
            respond(text=say("expired"), replace_original=True)
            return
        try:  # read again: a colleague may have added the same letter since the preview
            draft = engine.draft_from_bytes(pending.data, original_name=pending.sidecar.get("original_name"),
                                            url=pending.sidecar.get("url"),
                                            requested_url=pending.sidecar.get("requested_url"))
        except (FetchError, IntakeError) as exc:
            respond(text=refusal(exc), replace_original=True)
            return
        if draft.duplicate_of:
            blocks, text = preview_blocks(draft, None)
            respond(blocks=blocks, text=text, replace_original=True)
            return
        stored = engine.add_letter(draft)
        log.info("Letter %s added from Slack", stored)
        respond(text=say("adding", name=stored), replace_original=True)
        if channel and not admin.reindex_then(channel, "added_done", draft.letter, stored):
            admin.post(channel, say("busy_stored"))

    @app.action("letter_add_cancel")
    def on_add_cancel(ack, action, respond):
        ack()
        state.take_pending(str(action.get("value", ""))[:64])
        respond(text=say("cancelled"), replace_original=True)

    @app.command("/ledenbrief-verwijderen")
    def on_remove_command(ack, command, respond):
        ack()
        ref = staff_argument(command, respond, "remove_usage")
        if not ref:
            return
        entry = engine.find_letter(ref)
        if entry is None:
            respond(text=say("not_found_ref", ref=ref[:80].replace("`", "")), response_type="ephemeral")
            return
        letter = LetterRef.model_validate(entry.model_dump(include=set(LetterRef.model_fields)))
        blocks, text = remove_blocks(letter, entry.source)
        respond(blocks=blocks, text=text, response_type="ephemeral")

    @app.action("letter_remove_confirm")
    def on_remove_confirm(ack, body, action, respond):
        ack()
        user, channel = body["user"]["id"], (body.get("channel") or {}).get("id")
        if not staff.is_staff(user):
            respond(text=say("staff_only"), response_type="ephemeral", replace_original=False)
            return
        source = str(action.get("value", ""))[:200]
        entry = next((e for e in engine.entries() if e.source == source), None)
        try:
            engine.remove_letter(source)
        except UserError:
            respond(text=say("gone"), replace_original=True)
            return
        letter = LetterRef.model_validate(entry.model_dump(include=set(LetterRef.model_fields))) if entry else None
        shown = letter_link(letter) if letter else f"`{source}`"
        log.info("Letter %s removed from Slack", source)
        respond(text=say("removing", letter=shown), replace_original=True)
        if channel and not admin.reindex_then(channel, "removed_done", letter, None):
            admin.post(channel, say("busy_stored"))

    @app.action("letter_remove_cancel")
    def on_remove_cancel(ack, respond):
        ack()
        respond(text=say("remove_cancelled"), replace_original=True)

    @app.command("/ledenbrief-rapport")
    def on_report_command(ack, command, respond):
        ack()
        if not staff.is_staff(command["user_id"]):
            respond(text=say("staff_only"), response_type="ephemeral")
            return
        argument = (command.get("text") or "").strip()
        if argument and not (argument.isdigit() and 1 <= int(argument) <= 365):
            respond(text=say("report_usage"), response_type="ephemeral")
            return
        blocks, text = report_blocks(build_report(state, int(argument or 30)))
        respond(blocks=blocks, text=text, response_type="ephemeral")

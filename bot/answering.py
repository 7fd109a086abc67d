"""From a member's Slack message to the answer message (blocks + fallback text)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from bot.blocks import answer_message, notice
from bot.metrics import ANSWER_SECONDS, QUESTIONS
from bot.state import State
from bot.texts import language, t
from index.api import Engine
from index.errors import EmptyQuestion, ModelMismatch, NoIndex, QuestionTooLong, UserError

log = logging.getLogger(__name__)


@dataclass
class Reply:
    blocks: list[dict]
    text: str
    answered: bool  # False for refusals of the question itself (empty, too long, no index)


class Answerer:
    def __init__(self, engine: Engine, state: State):
        self.engine = engine
        self.state = state

    def reply(self, question: str, context: str | None = None, focus: list[str] | None = None,
              share: bool = False, record: bool = True) -> Reply:
        """Answer `question`; `context` is the earlier question of the thread (a follow-up
        like "en wanneer is de volgende?" is searched together with it)."""
        lang = language(question)
        query = f"{context} {question}" if context and question else question
        started = time.perf_counter()
        try:
            answer = self.engine.ask(query, k=3, focus=focus)
        except (EmptyQuestion, QuestionTooLong) as exc:
            QUESTIONS.labels("refused").inc()
            if isinstance(exc, QuestionTooLong):
                return Reply(*notice(t(lang, "too_long", n=exc.length, max=exc.limit)), answered=False)
            return Reply(*notice(t(lang, "empty_question")), answered=False)
        except NoIndex:
            return Reply(*notice(t(lang, "no_index")), answered=False)
        except ModelMismatch:  # rebuilt in the background since the bot started (bot/server.py)
            return Reply(*notice(t(lang, "rebuilding")), answered=False)
        except UserError as exc:
            log.error("Cannot answer: %s", exc)
            return Reply(*notice(t(lang, "failed")), answered=False)
        ANSWER_SECONDS.observe(time.perf_counter() - started)
        QUESTIONS.labels("found" if answer.found else "not_found").inc()
        letter_ids = [p.letter.id for p in answer.passages]
        answer_id = self.state.save_answer(query, letter_ids, focus)
        if record:  # for the staff report: what was asked and whether it was found, never who asked
            self.state.record_question(question or query, answer.found and not answer.unknown_reference, answer_id)
        blocks, text = answer_message(answer, lang, answer_id, share=share)
        return Reply(blocks, text, answered=True)

"""Staff reindex from Slack: one at a time, in the background, reported in the channel."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from bot.metrics import REINDEX_RUNS, REINDEX_SECONDS
from index.api import Engine
from index.errors import UserError
from index.models import ReindexReport
from index.reindex import ReindexBusy

log = logging.getLogger(__name__)


class Reindexer:
    def __init__(self, engine: Engine, after: Callable[[], object] | None = None):
        self.engine = engine
        self.after = after  # e.g. announce the new letters
        self._running = threading.Lock()

    def start(self, report: Callable[[ReindexReport | None, str | None], None]) -> bool:
        """Start a reindex in a thread; False (and nothing started) if one is running here.
        `report(result, error)` is called when it ends."""
        if not self._running.acquire(blocking=False):
            return False
        threading.Thread(target=self._run, args=(report,), name="reindex", daemon=True).start()
        return True

    def _run(self, report) -> None:
        result: ReindexReport | None = None
        started = time.perf_counter()
        try:
            result, error = self.engine.reindex(), None
            REINDEX_SECONDS.observe(time.perf_counter() - started)
        except ReindexBusy:  # a reindex in another process (the CLI, another replica) holds the lock
            error = "busy"
        except UserError as exc:
            error = str(exc)
        except Exception as exc:
            log.exception("Reindex failed")
            error = f"{type(exc).__name__}."
        finally:
            self._running.release()
        REINDEX_RUNS.labels("ok" if error is None else "busy" if error == "busy" else "failed").inc()
        try:
            report(result, error)
            if result is not None and self.after:
                self.after()
        except Exception:  # a thread has nobody to raise to: log it
            log.exception("Reporting the reindex failed")

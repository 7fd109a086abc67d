"""Who may reindex: LEDENBOT_STAFF user ids, and members of usergroup ids (S…) in it."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient

log = logging.getLogger(__name__)
CACHE_SECONDS = 300


class StaffCheck:
    def __init__(self, staff: list[str], client: WebClient):
        self.users = {s for s in staff if not s.startswith("S")}
        self.groups = [s for s in staff if s.startswith("S")]
        self.client = client
        self._members: set[str] = set()
        self._fetched = 0.0
        self._lock = threading.Lock()

    def is_staff(self, user_id: str) -> bool:
        if user_id in self.users:
            return True
        return bool(self.groups) and user_id in self._group_members()

    def _group_members(self) -> set[str]:
        with self._lock:
            if time.monotonic() - self._fetched > CACHE_SECONDS:
                members: set[str] = set()
                for group in self.groups:
                    try:
                        members.update(self.client.usergroups_users_list(usergroup=group).get("users", []))
                    except Exception:  # an unreadable group grants nothing
                        log.warning("Could not read the members of usergroup %s", group, exc_info=True)
                self._members, self._fetched = members, time.monotonic()
            return self._members

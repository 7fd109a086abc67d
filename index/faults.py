"""Named fault points for crash tests: `LEDENBOT_FAULTPOINT=<name>` makes the process stop
at that point (announce it on stderr and wait to be killed). Does nothing otherwise."""

from __future__ import annotations

import os
import sys
import time


def faultpoint(name: str) -> None:
    if os.environ.get("LEDENBOT_FAULTPOINT") == name:
        print(f"faultpoint {name}", file=sys.stderr, flush=True)
        while True:
            time.sleep(60)

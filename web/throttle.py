"""Slowing down password guessing: after a few failed logins for one name (or from one
address, for token logins) further attempts are refused for a while. In memory, per process."""

from __future__ import annotations

import threading
import time
from collections import deque

from web.problems import Problem

MAX_FAILURES = 5
WINDOW_SECONDS = 300


class LoginThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS):
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] < now - self.window:
            failures.popleft()
        return failures

    def check(self, key: str) -> None:
        with self._lock:
            if len(self._recent(key, time.monotonic())) >= self.max_failures:
                raise Problem(
                    429,
                    "auth.throttled",
                    "Zu viele fehlgeschlagene Anmeldungen. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.",
                    headers={"Retry-After": str(int(self.window))},
                )

    def failed(self, key: str) -> None:
        with self._lock:
            self._recent(key, time.monotonic()).append(time.monotonic())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

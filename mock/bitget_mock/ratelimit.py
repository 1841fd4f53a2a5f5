"""The strictest reading of "10 times/1s (UID)": at most N accepted requests in ANY sliding one-second window.

A token bucket with a burst of N lets through up to 2N in the first second; a client that passes
this limiter never trips the real one, whatever window alignment Bitget uses.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_s: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._lock = threading.Lock()
        # Memory stays bounded: each deque holds at most `limit` timestamps.
        self._accepted: dict[str, deque[float]] = {}

    def try_acquire(self, key: str, now: float | None = None) -> bool:
        """True if the request may proceed (and is counted at `now`); False if it must be answered 429."""
        if self.limit <= 0:
            return True
        now = self._clock() if now is None else now
        with self._lock:
            times = self._accepted.setdefault(key, deque(maxlen=self.limit))
            if len(times) == self.limit and now - times[0] < self.window_s:
                return False
            times.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._accepted.clear()

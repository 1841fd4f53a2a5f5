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


class IpCap:
    """Bitget's overall cap per address: at most `limit` requests from one IP in ANY sliding `window_s`,
    whatever the endpoint, key or signature. The request that would exceed it is answered 429, and so is
    every request from that address for `penalty_s` after it (the lockout); then the address starts afresh.

    Each address's last `record` counted arrivals are kept (`arrivals`), so that a test can check any
    window itself; `peak` is the most counted in one window so far, `lockouts` how often the cap tripped.
    Memory per address: at most `limit` timestamps in the window (+ `record`).
    """

    _MAX_ADDRESSES = 10_000

    def __init__(
        self,
        limit: int,
        window_s: float,
        penalty_s: float,
        record: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self.penalty_s = penalty_s
        self.record = record
        self._clock = clock
        self._lock = threading.Lock()
        self._window: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._arrivals: dict[str, deque[float]] = {}
        self._peak: dict[str, int] = {}
        self.lockouts = 0
        self.throttled = 0  # requests answered 429 by this cap (the one that tripped it and the lockout's)

    def try_acquire(self, ip: str, now: float | None = None) -> bool:
        """True if the request may proceed (it is counted at `now`); False if it must be answered 429."""
        if self.limit <= 0:
            return True
        now = self._clock() if now is None else now
        with self._lock:
            until = self._locked_until.get(ip)
            if until is not None:
                if now < until:
                    self.throttled += 1
                    return False
                del self._locked_until[ip]  # the window goes on: arrivals before the lockout still count
            times = self._window.get(ip)
            if times is None:
                if len(self._window) >= self._MAX_ADDRESSES:
                    self._forget_idle(now)
                times = self._window[ip] = deque()
            while times and now - times[0] >= self.window_s:
                times.popleft()
            if len(times) >= self.limit:
                self._locked_until[ip] = now + self.penalty_s
                self.lockouts += 1
                self.throttled += 1
                return False
            times.append(now)
            if len(times) > self._peak.get(ip, 0):
                self._peak[ip] = len(times)
            if self.record:
                log = self._arrivals.get(ip)
                if log is None:
                    log = self._arrivals[ip] = deque(maxlen=self.record)
                log.append(now)
            return True

    def _forget_idle(self, now: float) -> None:
        for ip in [ip for ip, t in self._window.items() if not t or now - t[-1] >= self.window_s]:
            del self._window[ip]
            self._arrivals.pop(ip, None)

    def locked_out(self, ip: str, now: float | None = None) -> bool:
        now = self._clock() if now is None else now
        with self._lock:
            return self._locked_until.get(ip, -1.0) > now

    def arrivals(self, ip: str = "127.0.0.1") -> list[float]:
        """The last `record` counted arrivals from `ip` (the limiter's clock, time.monotonic), oldest first."""
        with self._lock:
            return list(self._arrivals.get(ip, ()))

    def reset(self) -> None:
        with self._lock:
            self._window.clear()
            self._locked_until.clear()
            self._arrivals.clear()
            self._peak.clear()
            self.lockouts = self.throttled = 0

    def as_dict(self) -> dict[str, object]:
        now = self._clock()
        with self._lock:
            return {
                "limit": self.limit,
                "windowMs": round(self.window_s * 1000),
                "penaltyMs": round(self.penalty_s * 1000),
                "throttled": self.throttled,
                "lockouts": self.lockouts,
                "peak": dict(sorted(self._peak.items())),
                "lockedOut": sorted(ip for ip, until in self._locked_until.items() if until > now),
            }


def max_in_window(times: list[float], window_s: float) -> int:
    """The most of `times` that fall in one sliding window [t, t + window_s)."""
    ordered = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(ordered):
        while t - ordered[j] >= window_s:
            j += 1
        best = max(best, i - j + 1)
    return best

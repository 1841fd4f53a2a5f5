"""Client-side rate limit that a strict server never answers with 429, at close to the full rate.

The server counts arrivals: at most N in ANY sliding window (the strictest reading of
"10 times/1s"). A token bucket with a burst of N sends about 2N in its first second, and even a
limiter that spaces *send times* N per window is beaten by jitter: request k delayed on the way,
request k+N on time, and both land inside one window.

So this limiter holds N permits; a request holds one from before it is sent until its answer (or
failure) is back, and the permit is free again only `window + margin` after that. For two requests
i < j on one permit, j is sent after i's answer plus a window, so j arrives at least a window after
i arrived; with N permits, N+1 arrivals in one window are impossible, whatever the jitter.
It costs one round trip per window: 10 / (1 s + RTT) requests per second.

One limiter serves threads and asyncio tasks of sync and async clients alike: state changes under a
lock, waiting happens outside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator

_POLL_S = 0.002


class SlidingWindowLimiter:
    def __init__(
        self,
        limit: int,
        window_s: float = 1.0,
        margin_s: float = 0.005,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 0:
            raise ValueError("rate limit must be >= 0 (0 = off)")
        self.limit = limit
        self.window_s = window_s
        self.margin_s = margin_s
        self._clock = clock
        self._lock = threading.Lock()
        self._free_at: list[float] = [0.0] * limit  # a heap of the times each idle permit is usable again

    def _take(self) -> float | None:
        """Take the permit that frees earliest; returns seconds to wait for it, None if all are in flight."""
        with self._lock:
            if not self._free_at:
                return None
            free_at = heapq.heappop(self._free_at)
            return max(0.0, free_at - self._clock())

    def _give_back(self) -> None:
        with self._lock:
            heapq.heappush(self._free_at, self._clock() + self.window_s + self.margin_s)

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a permit around one request (sync)."""
        if self.limit == 0:
            yield
            return
        while (delay := self._take()) is None:
            time.sleep(_POLL_S)
        if delay:
            time.sleep(delay)
        try:
            yield
        finally:
            self._give_back()

    @contextlib.asynccontextmanager
    async def aslot(self) -> AsyncIterator[None]:
        """Hold a permit around one request (asyncio)."""
        if self.limit == 0:
            yield
            return
        while (delay := self._take()) is None:
            await asyncio.sleep(_POLL_S)
        if delay:
            await asyncio.sleep(delay)
        try:
            yield
        finally:
            self._give_back()

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter(limit={self.limit}, window_s={self.window_s}, margin_s={self.margin_s})"


# Weak values: a limiter lives as long as some client of its key does, so the registry cannot grow without bound.
_registry: weakref.WeakValueDictionary[tuple[str, str], SlidingWindowLimiter] = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()


def shared_limiter(base_url: str, api_key: str, limit: int, margin_s: float) -> SlidingWindowLimiter:
    """One limiter per (exchange, API key) in this process: clients of the same key share its budget.

    The first client to use a key sets its limit; a later client asking for a different limit gets its own.
    """
    with _registry_lock:
        limiter = _registry.get((base_url, api_key))
        if limiter is None:
            limiter = _registry[(base_url, api_key)] = SlidingWindowLimiter(limit, margin_s=margin_s)
        elif limiter.limit != limit or limiter.margin_s != margin_s:
            limiter = SlidingWindowLimiter(limit, margin_s=margin_s)
        return limiter

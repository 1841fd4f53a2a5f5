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
import collections
import contextlib
import heapq
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Protocol

_POLL_S = 0.002


class Limiter(Protocol):
    """What a client needs of a budget: in-process (`SlidingWindowLimiter`) or on Redis."""

    limit: int
    margin_s: float

    def slot(self) -> AbstractContextManager[None]: ...

    def aslot(self) -> AbstractAsyncContextManager[None]: ...

    def idle(self) -> bool: ...


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
        """Take the permit that frees earliest; returns the time it frees at, None if all are in flight."""
        with self._lock:
            if not self._free_at:
                return None
            return heapq.heappop(self._free_at)

    def _put(self, free_at: float) -> None:
        with self._lock:
            heapq.heappush(self._free_at, free_at)

    def _used(self) -> None:
        self._put(self._clock() + self.window_s + self.margin_s)

    def hold_until(self, at: float) -> None:
        """No idle permit usable before `at` (a new budget after a backend switch starts a window late,
        so arrivals made under the old one have left the window)."""
        with self._lock:
            self._free_at = [max(t, at) for t in self._free_at]
            heapq.heapify(self._free_at)

    def busy_for(self) -> list[float]:
        """Seconds until each permit is usable again (one in flight: a whole window and margin)."""
        with self._lock:
            now = self._clock()
            in_flight = self.limit - len(self._free_at)
            return [t - now for t in self._free_at] + [self.window_s + self.margin_s] * in_flight

    def idle(self) -> bool:
        """No permit in flight and none used within the last window: the budget has no history left."""
        with self._lock:
            return len(self._free_at) == self.limit and all(t <= self._clock() for t in self._free_at)

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a permit around one request (sync).

        A permit taken and not used (KeyboardInterrupt or any exception while waiting) goes back with
        the time it had; one used (even if the request then failed) is free a window after its end.
        """
        if self.limit == 0:
            yield
            return
        free_at: float | None = None
        try:
            while (free_at := self._take()) is None:
                time.sleep(_POLL_S)
            if (delay := free_at - self._clock()) > 0:
                time.sleep(delay)
        except BaseException:
            if free_at is not None:
                self._put(free_at)
            raise
        try:
            yield
        finally:
            self._used()

    @contextlib.asynccontextmanager
    async def aslot(self) -> AsyncIterator[None]:
        """Hold a permit around one request (asyncio); cancellation while waiting returns it unused."""
        if self.limit == 0:
            yield
            return
        free_at: float | None = None
        try:
            while (free_at := self._take()) is None:
                await asyncio.sleep(_POLL_S)
            if (delay := free_at - self._clock()) > 0:
                await asyncio.sleep(delay)
        except BaseException:
            if free_at is not None:
                self._put(free_at)
            raise
        try:
            yield
        finally:
            self._used()

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter(limit={self.limit}, window_s={self.window_s}, margin_s={self.margin_s})"


class _Budget:
    __slots__ = ("backend", "limiter", "users")

    def __init__(self, limiter: Limiter, backend: str | None) -> None:
        self.limiter = limiter
        self.backend = backend
        self.users = 0


# One budget per API key for the whole process. An entry goes only when no client uses it and its
# limiter has no history left (idle for a window), so the registry holds just the keys in use.
_registry: dict[str, _Budget] = {}
_registry_lock = threading.Lock()
# Releases come from weakref finalizers, which the garbage collector may run on any thread at any
# allocation, including inside `shared_limiter` while it holds the lock: so a release only queues the
# key (deque.append is atomic and takes no lock) and the next `shared_limiter` call applies it.
_released: collections.deque[str] = collections.deque()


def shared_limiter(
    budget_key: str,
    limit: int,
    margin_s: float,
    window_s: float = 1.0,
    *,
    backend: str | None = None,
    hold_s: float = 10.0,
) -> Limiter:
    """The rate budget `budget_key` (an API key and an operation, say) in this process, shared by every
    client of that key, sync or async, whatever its base URL or other options; call
    `release_limiter(budget_key)` when a client is gone.

    The budget's limit is the first client's: a client asking for another non-zero limit for the same
    budget is refused (ValueError), since two budgets for one key would together exceed Bitget's limit.
    A larger `margin_s` raises the shared margin (only ever safer).

    With `backend` (a Redis URL), the budget's permits live in Redis, shared with every process that
    uses the same backend and budget key; `hold_s` bounds how long one attempt may hold a permit (its
    deadline), after which a permit of a process that died is free again.
    """
    with _registry_lock:
        while _released:
            gone = _registry.get(_released.popleft())
            if gone is not None and gone.users > 0:
                gone.users -= 1
        for key in [k for k, b in _registry.items() if b.users == 0 and b.limiter.idle()]:
            del _registry[key]
        budget = _registry.get(budget_key)
        if budget is None:
            limiter: Limiter
            if backend is None:
                limiter = SlidingWindowLimiter(limit, window_s=window_s, margin_s=margin_s)
            else:
                from ._redis_limiter import RedisWindowLimiter  # only with the redis extra

                limiter = RedisWindowLimiter(
                    backend, budget_key, limit, window_s=window_s, margin_s=margin_s, hold_s=hold_s
                )
            budget = _registry[budget_key] = _Budget(limiter, backend)
        elif budget.backend != backend:
            raise ValueError(
                "rate_limit_backend differs from the one already in use for this API key in this process "
                "(one key has one budget)"
            )
        elif budget.limiter.limit != limit:
            raise ValueError(
                f"rate_limit={limit} conflicts with the {budget.limiter.limit} requests/s already in use for this "
                "API key in this process (one key has one budget)"
            )
        budget.limiter.margin_s = max(budget.limiter.margin_s, margin_s)
        if hasattr(budget.limiter, "hold_s"):
            budget.limiter.hold_s = max(budget.limiter.hold_s, hold_s)
        budget.users += 1
        return budget.limiter


def release_limiter(budget_key: str) -> None:
    """One client of `budget_key` is gone; its budget stays while it has history (see `shared_limiter`).
    Safe from a finalizer at any point (it takes no lock; see `_released`)."""
    _released.append(budget_key)

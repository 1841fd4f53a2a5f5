"""Each key's budgets in this process: one per API key (or UID) and operation, shared by every client of
it, sync or async, in process (`SlidingWindowLimiter`) or through Redis (`RedisWindowLimiter`). Apart
from both limiters, so that neither imports the other.
"""

from __future__ import annotations

import collections
import threading

from .window import Limiter, SlidingWindowLimiter, server_clock


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
    server: str | None = None,
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

    `server` (the first client's origin, scheme://host:port): an in-process budget reads that server's
    clock bound (`server_clock`), learnt from the answers to every budget that talks to it.
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
                clock = None if server is None else server_clock(server)
                limiter = SlidingWindowLimiter(limit, window_s=window_s, margin_s=margin_s, server=clock)
            else:
                from .redis_window import RedisWindowLimiter  # only with the redis extra (imports redis)

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

"""The budgets' waits driven on this side's primitives: the limiters in `_limits/` are sans-I/O (they
yield `Steps`), so their state and rules exist once and only the sleeping, the blocking Redis calls and
cancellation are the client's. `_sync/limits.py` is written from this file by `tools/unasync.py`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

from .._limits.ip import Budget, need_s, restamp
from .._limits.window import Limiter, OffsetBound, Permit, Steps
from . import backend

T = TypeVar("T")


async def drive(steps: Steps[T]) -> T:
    """Run `steps` to their end: sleep what they ask, run their blocking calls (`backend.blocking`), and
    throw whatever interrupts a step (cancellation, KeyboardInterrupt) back in, so they give back what
    they took before it goes on up."""
    try:
        step = next(steps)
        while True:
            try:
                if callable(step):
                    reply = await backend.blocking(step)
                else:
                    await backend.sleep(step)
                    reply = None
            except BaseException as exc:
                step = steps.throw(exc)
            else:
                step = steps.send(reply)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


@contextlib.asynccontextmanager
async def slot(
    limiter: Limiter, deadline: float | None = None, server: OffsetBound | None = None
) -> AsyncIterator[Permit]:
    """Hold a permit of `limiter` around one request (`Limiter.acquire`); stamp the answer on it."""
    permit = await drive(limiter.acquire(deadline, server))
    try:
        yield permit
    finally:
        await drive(permit.release())


@contextlib.asynccontextmanager
async def agated(
    limiter: Limiter, budget: Budget | None, deadline: float | None, server: OffsetBound | None
) -> AsyncIterator[Permit]:
    """The operation's permit, then a send time of the per-IP `budget` (None: none)."""
    async with slot(limiter, deadline, server) as permit:
        if budget is not None:
            await drive(budget.pace(deadline, need_s(limiter)))
            restamp(permit)
        yield permit

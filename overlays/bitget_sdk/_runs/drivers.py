"""Settling while the run goes on: each symbol is read back as soon as every batch holding it has
ended, on a worker thread (sync) or task (async), while the next symbols are still being cancelled.

Why: reads have budgets of their own (20/s per endpoint), separate from the 10 batch cancels a second,
so they can run beside the cancel phase. Batches go symbol after symbol (`plan_batches`), so in a long
run every symbol but the last is settled before the last answer, and settling adds about the
read-after-write bound plus the last symbol's pages instead of every symbol's pages after the end.

`SettleSchedule` (no I/O) decides what is settled together, once each; `ThreadSettler` and
`TaskSettler` run its `settle_steps` with the client's reads. A worker is started only when a symbol
has something to settle; what is left when the cancel phase ends (a batch that raised) is settled inline.
Past the run's deadline no read starts and no wait goes on: what was not settled stays as it stood.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Awaitable, Callable, Generator, Iterable
from typing import Any

from .._core.engine import CancelRun, Resolved
from .._core.errors import BitgetError
from .settle import SETTLING_STATUSES, Read, Wait, needs_settling, settle_steps

SyncReader = Callable[[Read], Any]
AsyncReader = Callable[[Read], Awaitable[Any]]
Steps = Generator[Read | Wait, Any, tuple[list[Any], int]]


def _symbol(r: Resolved) -> str:
    return r.outcome.symbol or ""


class SettleSchedule:
    """Which symbols to settle, each once. Thread-safe: batches end on several threads."""

    def __init__(self, run: CancelRun, lag_s: float) -> None:
        self._run = run
        self._lag_s = lag_s
        self._taken: set[str] = set()
        self._lock = threading.Lock()

    def take(self, symbols: Iterable[str]) -> list[str]:
        """Of `symbols` (all their batches ended), those with orders to settle not taken before."""
        wanted = set(symbols)
        with self._lock:
            wanted -= self._taken
            if not wanted:
                return []
            have = {
                _symbol(r) for r in self._run.resolved_where(needs_settling, SETTLING_STATUSES) if _symbol(r) in wanted
            }
            self._taken |= have
        return sorted(have)

    def rest(self) -> list[str]:
        """Every symbol with orders to settle that was not taken (its batches did not all end)."""
        return self.take(_symbol(r) for r in self._run.resolved_where(needs_settling, SETTLING_STATUSES))

    def steps(self, symbols: list[str]) -> Steps:
        chosen = set(symbols)
        targets = [r for r in self._run.resolved_where(needs_settling, SETTLING_STATUSES) if _symbol(r) in chosen]
        return settle_steps(targets, lag_s=self._lag_s, written_at=self._run.answered_at())


def _wait(run: CancelRun, seconds: float) -> float:
    left = run.time_left()
    return seconds if left is None else max(0.0, min(seconds, left))


def _record(run: CancelRun, stop: StopIteration) -> None:
    new, reads = stop.value
    run.settled(new, reads)


class ThreadSettler:
    """Settles symbols on one worker thread while the cancel phase goes on."""

    def __init__(self, run: CancelRun, lag_s: float, read: SyncReader) -> None:
        self._run = run
        self._schedule = SettleSchedule(run, lag_s)
        self._read = read
        self._queue: queue.SimpleQueue[list[str] | None] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def offer(self, symbols: Iterable[str]) -> None:
        """Symbols whose batches have all ended (called from the threads that send)."""
        todo = self._schedule.take(symbols)
        if not todo or self._stopped.is_set():
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="bitget-settle", daemon=True)
                self._thread.start()
        self._queue.put(todo)

    def finish(self) -> None:
        """After the cancel phase: let the worker end, then settle what is left here."""
        self._join()
        rest = self._schedule.rest()
        if rest and self._run.may_settle() and not self._run.out_of_time():
            self._settle(rest)

    def stop(self) -> None:
        """On an interrupt: no new read starts; the one in flight ends within its timeout."""
        self._stopped.set()
        self._join()

    def _join(self) -> None:
        with self._start_lock:
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _work(self) -> None:
        last = False
        while not last:
            item = self._queue.get()
            if item is None:
                return
            symbols = list(item)
            while not self._queue.empty():  # symbols that ended meanwhile are settled together
                more = self._queue.get()
                if more is None:
                    last = True
                    break
                symbols += more
            if not self._stopped.is_set() and self._run.may_settle():
                self._settle(symbols)

    def _settle(self, symbols: list[str]) -> None:
        steps = self._schedule.steps(symbols)
        try:
            step = next(steps)
            while not self._stopped.is_set() and not self._run.out_of_time():
                if isinstance(step, Wait):
                    self._stopped.wait(_wait(self._run, step.seconds))
                    step = steps.send(None)
                    continue
                try:
                    answer: Any = self._read(step)
                except BitgetError as exc:
                    answer = exc
                step = steps.send(answer)
        except StopIteration as stop:
            _record(self._run, stop)
        except Exception as exc:  # a bug while settling: the report keeps the outcomes as they stood
            self._run.abort(exc, "an unexpected error while settling")


class TaskSettler:
    """`ThreadSettler` for asyncio: one worker task."""

    def __init__(self, run: CancelRun, lag_s: float, read: AsyncReader) -> None:
        self._run = run
        self._schedule = SettleSchedule(run, lag_s)
        self._read = read
        self._queue: asyncio.Queue[list[str] | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def offer(self, symbols: Iterable[str]) -> None:
        todo = self._schedule.take(symbols)
        if not todo:
            return
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._work())
        self._queue.put_nowait(todo)

    async def finish(self) -> None:
        if self._task is not None:
            self._queue.put_nowait(None)
            await self._task
        rest = self._schedule.rest()
        if rest and self._run.may_settle() and not self._run.out_of_time():
            await self._settle(rest)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _work(self) -> None:
        last = False
        while not last:
            item = await self._queue.get()
            if item is None:
                return
            symbols = list(item)
            while not self._queue.empty():
                more = self._queue.get_nowait()
                if more is None:
                    last = True
                    break
                symbols += more
            if self._run.may_settle():
                await self._settle(symbols)

    async def _settle(self, symbols: list[str]) -> None:
        steps = self._schedule.steps(symbols)
        try:
            step = next(steps)
            while not self._run.out_of_time():
                if isinstance(step, Wait):
                    await asyncio.sleep(_wait(self._run, step.seconds))
                    step = steps.send(None)
                    continue
                try:
                    answer: Any = await self._read(step)
                except BitgetError as exc:
                    answer = exc
                step = steps.send(answer)
        except StopIteration as stop:
            _record(self._run, stop)
        except Exception as exc:
            self._run.abort(exc, "an unexpected error while settling")

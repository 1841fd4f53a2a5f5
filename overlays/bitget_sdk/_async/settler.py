"""Settling while the run goes on: each symbol is read back as soon as every batch holding it has
ended, on one worker (a task; a thread in `_sync/`), while the next symbols are still being cancelled.

Why: reads have budgets of their own (20/s per endpoint), separate from the 10 batch cancels a second,
so they can run beside the cancel phase. Batches go symbol after symbol (`plan_batches`), so in a long
run every symbol but the last is settled before the last answer, and settling adds about the
read-after-write bound plus the last symbol's pages instead of every symbol's pages after the end.

`SettleSchedule` (no I/O, `_runs/settle.py`) decides what is settled together, once each; `Settler`
runs its `settle_steps` with the client's reads. The worker is started only when a symbol has something
to settle; what is left when the cancel phase ends (a batch that raised) is settled inline. Past the
run's deadline, or once stopped, no read starts and no wait goes on: what was not settled stays as it stood.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Generic, TypeVar

from .._core.engine import CancelRun, Resolved
from .._core.errors import BitgetError
from .._runs.settle import PAGE, Read, SettleSchedule, Wait, reconcile_steps
from . import backend

T = TypeVar("T")


class _OneWorker(Generic[T]):
    """Work handed from the workers that send to one worker of its own, which `stop` ends."""

    def __init__(self) -> None:
        self._queue: backend.Queue[T | None] = backend.Queue()
        self._stopped = backend.Event()
        self._worker: backend.Worker | None = None
        self._start_lock = threading.Lock()  # batches end on several workers

    async def stop(self) -> None:
        """On an interrupt: no new read starts; the one in flight is cancelled, or ends within its timeout."""
        self._stopped.set()
        with self._start_lock:
            worker = self._worker
        if worker is not None:
            self._queue.put(None)
            await worker.cancel()


class Settler(_OneWorker[list[str]]):
    """Settles symbols on one worker while the cancel phase goes on."""

    def __init__(self, run: CancelRun, lag_s: float, read: Callable[[Read], Awaitable[Any]]) -> None:
        super().__init__()
        self._run = run
        self._schedule = SettleSchedule(run, lag_s)
        self._read = read

    def offer(self, symbols: Iterable[str]) -> None:
        """Symbols whose batches have all ended (called by the workers that send)."""
        todo = self._schedule.take(symbols)
        if not todo or self._stopped.is_set():
            return
        with self._start_lock:
            if self._worker is None:
                self._worker = backend.spawn(self._work, "bitget-settle")
        self._queue.put(todo)

    async def finish(self) -> None:
        """After the cancel phase: let the worker end, then settle what is left here."""
        with self._start_lock:
            worker = self._worker
        if worker is not None:
            self._queue.put(None)
            await worker.join()
        rest = self._schedule.rest()
        if rest and self._run.may_settle() and not self._run.out_of_time():
            await self._settle(rest)

    async def _work(self) -> None:
        last = False
        while not last:
            item = await self._queue.get()
            if item is None:
                return
            symbols = list(item)
            while not self._queue.empty():  # symbols that ended meanwhile are settled together
                more = self._queue.get_nowait()
                if more is None:
                    last = True
                    break
                symbols += more
            if not self._stopped.is_set() and self._run.may_settle():
                await self._settle(symbols)

    async def _settle(self, symbols: list[str]) -> None:
        steps = self._schedule.steps(symbols)
        try:
            step = next(steps)
            while not self._stopped.is_set() and not self._run.out_of_time() and self._run.may_settle():
                if isinstance(step, Wait):
                    left = self._run.time_left()
                    await self._stopped.wait(step.seconds if left is None else max(0.0, min(step.seconds, left)))
                    step = steps.send(None)
                    continue
                try:
                    answer: Any = await self._read(step)
                except BitgetError as exc:
                    answer = exc
                step = steps.send(answer)
        except StopIteration as stop:
            new, reads = stop.value
        except Exception as exc:  # a bug while settling: the report keeps the outcomes as they stood
            self._run.abort(exc, "an unexpected error while settling")
            return
        else:  # stopped
            return
        try:
            self._run.settled(new, reads)
        except Exception as exc:  # the journal could not be written: the run stops, the report stands
            self._run.abort(exc, "an unexpected error while settling")


class Reconciler(_OneWorker[list[Resolved]]):
    """`reconcile=True`: reads back the orders answers said were cancelled, for their final state and
    filled size, a symbol's 100 at a time as their batches end, on one worker while the run goes on;
    what is left when the cancels end is read then, and what was not found (read-after-write lag) is
    looked for once more after the lag."""

    def __init__(self, run: CancelRun, lag_s: float, read: Callable[[Read], Awaitable[Any]]) -> None:
        super().__init__()
        self._run = run
        self._lag_s = lag_s
        self._read = read
        self._pending: dict[str, list[Resolved]] = {}
        self._missing: list[Resolved] = []

    def offer(self, i: int) -> None:
        """Batch i has ended (called by the workers that send)."""
        cancelled = [r for r in self._run.batch_resolved(i) if r.status == "cancelled"]
        chunks = []
        with self._start_lock:
            for r in cancelled:
                self._pending.setdefault(r.outcome.symbol or "", []).append(r)
            for symbol in [s for s, group in self._pending.items() if len(group) >= PAGE]:
                chunks.append(self._pending.pop(symbol))
            if chunks and self._worker is None and not self._stopped.is_set():
                self._worker = backend.spawn(self._work, "bitget-reconcile")
        for chunk in chunks:
            self._queue.put(chunk)

    async def finish(self) -> None:
        """After the cancels: the rest, then what was not found, once more after the lag."""
        with self._start_lock:
            worker, rest = self._worker, [r for group in self._pending.values() for r in group]
            self._pending = {}
        if worker is not None:
            self._queue.put(None)
            await worker.join()
        if rest:
            await self._pass(rest)
        if self._missing and self._lag_s > 0 and self._run.may_settle() and not self._run.out_of_time():
            again, self._missing = self._missing, []
            left = self._run.time_left()
            await self._stopped.wait(self._lag_s if left is None else max(0.0, min(self._lag_s, left)))
            await self._pass(again)

    async def _work(self) -> None:
        while (chunk := await self._queue.get()) is not None:
            await self._pass(chunk)

    async def _pass(self, targets: list[Resolved]) -> None:
        steps = reconcile_steps(targets)
        try:
            step = next(steps)
            while not self._stopped.is_set() and not self._run.out_of_time() and self._run.may_settle():
                try:
                    answer: Any = await self._read(step)
                except BitgetError as exc:
                    answer = exc
                step = steps.send(answer)
        except StopIteration as stop:
            found, missing, reads = stop.value
        except Exception as exc:  # a bug while reading back: the report keeps the outcomes as they stood
            self._run.abort(exc, "an unexpected error while reconciling")
            return
        else:  # stopped
            return
        self._missing += missing
        try:
            self._run.reconciled(found, reads)
        except Exception as exc:  # the journal could not be written: the run stops, the report stands
            self._run.abort(exc, "an unexpected error while reconciling")

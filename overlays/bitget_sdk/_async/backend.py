"""The asyncio side of the primitives the drivers in `_async/` are written against.

`_sync/backend.py` has the same names on threads; `tools/unasync.py` turns `_async/client.py` and
`_async/settler.py` into `_sync/` by dropping `async`/`await`, so whatever differs between the two
worlds (tasks or threads, asyncio.timeout or clamped socket timeouts, the pool) lives here and there.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import anyio.lowlevel
import httpx

from bitget_api import AuthenticatedClient

from .._http import fast
from .._http.transport import AnswerTooLarge, aread_capped, context_for, default_ssl_context, tls_context
from .._http.wire import Prepared, Wire
from .._limits.window import OutOfTime, Permit

T = TypeVar("T")
# The overall bound of an attempt is `timeout` plus this, so httpx's connect timeout (= `timeout`)
# fires first when a connection cannot be made: that attempt is then known not to have been sent.
_GRACE_S = 0.05

sleep = asyncio.sleep
NAP_SLICE_S = 0.05


async def nap(seconds: float, stop: Callable[[], bool] | None) -> None:
    """Sleep `seconds`, or less once `stop()` is true (looked at every NAP_SLICE_S): a retry's backoff,
    up to seconds long, must not hold up a run that was stopped meanwhile."""
    ends = time.monotonic() + seconds
    while (left := ends - time.monotonic()) > 0 and not (stop is not None and stop()):
        await asyncio.sleep(min(left, NAP_SLICE_S))


async def blocking(call: Callable[[], T]) -> T:
    """A blocking call (redis-py), off the event loop."""
    return await asyncio.to_thread(call)


class Queue(Generic[T]):
    """Unbounded; `put` never waits (callable from any task of the loop)."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[T] = asyncio.Queue()

    def put(self, item: T) -> None:
        self._queue.put_nowait(item)

    async def get(self) -> T:
        return await self._queue.get()

    def get_nowait(self) -> T:
        try:
            return self._queue.get_nowait()
        except asyncio.QueueEmpty:
            raise queue.Empty from None

    def empty(self) -> bool:
        return self._queue.empty()


class Event:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    async def wait(self, timeout: float) -> bool:
        """Whether it was set within `timeout` seconds."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._event.wait()
        return self._event.is_set()


class Worker:
    """A task started by `spawn`."""

    def __init__(self, task: asyncio.Task[None]) -> None:
        self._task = task

    async def join(self) -> None:
        await self._task

    async def cancel(self) -> None:
        """Stop it now (its read in flight is cancelled) and wait for it."""
        if not self._task.done():
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def spawn(work: Callable[[], Awaitable[None]], name: str) -> Worker:
    async def run() -> None:
        await work()

    return Worker(asyncio.get_running_loop().create_task(run(), name=name))


async def run_workers(
    n: int, worker: Callable[[int], Awaitable[None]], on_interrupt: Callable[[BaseException], None]
) -> None:
    """`worker(0)` ... `worker(n - 1)` at once until all end. Cancelling the caller cancels them (each
    then ends its request as cancellation allows); `on_interrupt` is the caller's to call."""
    await asyncio.gather(*(worker(k) for k in range(n)))


def default_transport(
    base_url: str, proxy: httpx.URL | None, extra: dict[str, Any], http_backend: str = "httpx"
) -> dict[str, Any]:
    """httpx's own transport (httpcore's pool on anyio), with the TLS context shared by every client of
    default TLS settings, the forward proxy `proxy_for` chose, and `limits`, `http1`, `http2` from
    `httpx_args`. Given explicitly, as the sync side's is, so that `_http/wire.py` sends straight to it.
    `http_backend="pyreqwest"`: the `fast` extra's transport instead (`_http/fast.py`)."""
    if http_backend == "pyreqwest":
        return {"transport": fast.async_transport(proxy, extra)}
    context = tls_context(extra) or context_for(base_url) or default_ssl_context(extra.get("trust_env", True))
    pool = {k: extra[k] for k in ("limits", "http1", "http2") if k in extra}
    return {"transport": PerLoopTransport(lambda: httpx.AsyncHTTPTransport(verify=context, proxy=proxy, **pool))}


class PerLoopTransport(httpx.AsyncBaseTransport):
    """httpx's `AsyncHTTPTransport`, one per event loop. A pooled connection belongs to the loop that
    made it: a client kept across two `asyncio.run` calls would otherwise try the first loop's idle
    connection in the second and fail with "Event loop is closed" (not an httpx error, so not even
    classified). The first loop's pool is dropped with its loop, unclosed: closing it needs that loop."""

    def __init__(self, make: Callable[[], httpx.AsyncHTTPTransport]) -> None:
        self._make = make
        self._loop: weakref.ref[asyncio.AbstractEventLoop] | None = None
        self._transport: httpx.AsyncHTTPTransport | None = None

    def _current(self) -> httpx.AsyncHTTPTransport:
        loop = asyncio.get_running_loop()
        if self._transport is None or self._loop is None or self._loop() is not loop:
            self._transport, self._loop = self._make(), weakref.ref(loop)
        return self._transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._current().handle_async_request(request)

    async def aclose(self) -> None:
        if self._transport is not None and self._loop is not None and self._loop() is asyncio.get_running_loop():
            await self._transport.aclose()


def http_client(api: AuthenticatedClient) -> httpx.AsyncClient:
    return api.get_async_httpx_client()


async def ready(api: AuthenticatedClient) -> None:
    """Readies what the first request would otherwise make while the clock runs: the httpx client and
    its transport, and anyio's asyncio backend, which httpcore's async pool imports on first use (~90 ms
    in a fresh process)."""
    api.get_async_httpx_client()
    await anyio.lowlevel.checkpoint()


async def fetch(
    wire: Wire, prepared: Prepared, permit: Permit | None, timeout_s: float, max_bytes: int, deadline: float | None
) -> tuple[httpx.Response, bytes | None]:
    """One request, bounded by `timeout_s` (or `deadline`) as a whole (asyncio.timeout) and its answer by
    `max_bytes` (None past it). httpx's own per-phase timeouts equal `timeout` and fire first while
    connecting, so a connection that cannot be made is still told apart (nothing sent) from an answer
    that never came."""
    bound = timeout_s + _GRACE_S
    if deadline is not None:
        bound = min(bound, deadline - time.monotonic())
        if bound <= 0:
            raise OutOfTime
    try:
        async with asyncio.timeout(bound):
            response = await wire.asend(prepared.request(None if permit is None else permit.atrace))
            try:
                return response, await aread_capped(response, max_bytes)
            except AnswerTooLarge:
                return response, None
            finally:
                await response.aclose()
    except TimeoutError:
        raise httpx.ReadTimeout(f"no complete answer within the {timeout_s:g} s timeout") from None

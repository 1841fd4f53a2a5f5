"""The thread side of the primitives `_sync/client.py` and `_sync/settler.py` (generated from
`_async/`) are written against: same names as `_async/backend.py`, on threads and blocking sockets.

A blocking read cannot be cancelled from outside, so `Worker.cancel` waits for the thread (its
request ends within its timeout), and an attempt's deadline bounds every socket operation of it
(`deadline_scope` clamps the pool's timeouts, `_http/transport.py`).
"""

from __future__ import annotations

import concurrent.futures
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

import httpx

from bitget_api import AuthenticatedClient

from .._http import fast
from .._http.transport import AnswerTooLarge, DeadlineTransport, context_for, deadline_scope, read_capped, tls_context
from .._http.wire import Prepared, Wire
from .._limits.window import OutOfTime, Permit

T = TypeVar("T")

sleep = time.sleep
NAP_SLICE_S = 0.05


def nap(seconds: float, stop: Callable[[], bool] | None) -> None:
    """Sleep `seconds`, or less once `stop()` is true (looked at every NAP_SLICE_S): a retry's backoff,
    up to seconds long, must not hold up a run that was stopped meanwhile."""
    ends = time.monotonic() + seconds
    while (left := ends - time.monotonic()) > 0 and not (stop is not None and stop()):
        time.sleep(min(left, NAP_SLICE_S))


def blocking(call: Callable[[], T]) -> T:
    """A blocking call (redis-py), made here."""
    return call()


# An interrupted run waits this long for the answers in flight before it reports them as unknown:
# long enough for a loopback or a near exchange to answer, short enough for an operator (and for
# systemd's or Kubernetes' grace period after SIGTERM).
INTERRUPT_GRACE_S = 2.0


class Queue(Generic[T]):
    """Unbounded; `put` never waits (callable from any thread)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[T] = queue.SimpleQueue()

    def put(self, item: T) -> None:
        self._queue.put(item)

    def get(self) -> T:
        return self._queue.get()

    def get_nowait(self) -> T:
        return self._queue.get_nowait()

    def empty(self) -> bool:
        return self._queue.empty()


class Event:
    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        """Whether it was set within `timeout` seconds."""
        return self._event.wait(timeout)


class Worker:
    """A daemon thread started by `spawn`."""

    def __init__(self, thread: threading.Thread) -> None:
        self._thread = thread

    def join(self) -> None:
        self._thread.join()

    def cancel(self) -> None:
        """A thread cannot be stopped from outside: wait for it (the caller has told it to stop), for
        `INTERRUPT_GRACE_S` at most (its read in flight then ends on its own, unreported)."""
        self._thread.join(INTERRUPT_GRACE_S)


def spawn(work: Callable[[], None], name: str) -> Worker:
    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    return Worker(thread)


def run_workers(n: int, worker: Callable[[int], None], on_interrupt: Callable[[BaseException], None]) -> None:
    """`worker(0)` ... `worker(n - 1)` on threads until all end (one: on this thread). An interrupt here
    (KeyboardInterrupt, or a signal the caller turned into one) goes to `on_interrupt` at once, so that
    the workers start nothing new; the answers in flight are then awaited for `INTERRUPT_GRACE_S` at
    most, and the interrupt goes on (what has not ended by then is reported as it stands: unknown)."""
    if n <= 1:
        for k in range(n):
            worker(k)
        return
    pool = ThreadPoolExecutor(n, thread_name_prefix="bitget-cancel")
    futures = [pool.submit(worker, k) for k in range(n)]
    try:
        for future in futures:
            future.result()
    except BaseException as exc:
        on_interrupt(exc)
        concurrent.futures.wait(futures, timeout=INTERRUPT_GRACE_S)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def default_transport(
    base_url: str, proxy: httpx.URL | None, extra: dict[str, Any], http_backend: str = "httpx"
) -> dict[str, Any]:
    """httpx's own pool (httpcore's) with every socket operation clamped to the attempt's deadline
    (`_http/transport.py`), the TLS context shared by every client of default TLS settings, the forward
    proxy `proxy_for` chose, and `limits`, `http1`, `http2` from `httpx_args`.
    `http_backend="pyreqwest"`: the `fast` extra's transport instead (`_http/fast.py`)."""
    if http_backend == "pyreqwest":
        return {"transport": fast.sync_transport(proxy, extra)}
    context = tls_context(extra) or context_for(base_url)
    pool = {k: extra[k] for k in ("limits", "http1", "http2") if k in extra}
    transport = DeadlineTransport(ssl_context=context, trust_env=extra.get("trust_env", True), proxy=proxy, **pool)
    return {"transport": transport}


def http_client(api: AuthenticatedClient) -> httpx.Client:
    return api.get_httpx_client()


def ready(api: AuthenticatedClient) -> None:
    """Nothing to ready ahead: the blocking pool imports nothing on first use."""


def fetch(
    wire: Wire, prepared: Prepared, permit: Permit | None, timeout_s: float, max_bytes: int, deadline: float | None
) -> tuple[httpx.Response, bytes | None]:
    """One request, bounded by `timeout_s` (or `deadline`) as a whole (every socket operation clamped to
    what is left, `DeadlineTransport`) and its answer by `max_bytes` (None past it)."""
    ends = time.monotonic() + timeout_s
    ends = ends if deadline is None else min(ends, deadline)
    if ends <= time.monotonic():
        raise OutOfTime
    with deadline_scope(ends):
        response = wire.send(prepared.request(None if permit is None else permit.trace))
        try:
            return response, read_capped(response, max_bytes, ends)
        except AnswerTooLarge:
            return response, None
        finally:
            response.close()

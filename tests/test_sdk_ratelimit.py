"""The client-side limiter never lets N+1 requests land in one window, across threads and asyncio."""

from __future__ import annotations

import asyncio
import threading
import time

from bitget_sdk import SlidingWindowLimiter
from bitget_sdk._async.limits import slot as aslot
from bitget_sdk._sync.limits import slot


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for u in times[i:] if u - t < window) for i, t in enumerate(times))


def test_threads_never_exceed_the_limit_in_any_window() -> None:
    limiter = SlidingWindowLimiter(5, window_s=0.2, margin_s=0.0)
    starts: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(6):
            with slot(limiter):
                with lock:
                    starts.append(time.monotonic())
                time.sleep(0.003)  # the request in flight

    threads = [threading.Thread(target=worker) for _ in range(4)]
    begin = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - begin
    assert len(starts) == 24
    assert _max_in_window(starts, 0.2) <= 5
    # ... and it is not slower than it must be: 24 requests, 5 per 0.2 s window -> 4 windows + the round trips.
    assert elapsed < 0.2 * 4 * 2.5


def test_asyncio_tasks_share_it_too() -> None:
    limiter = SlidingWindowLimiter(3, window_s=0.15, margin_s=0.0)
    starts: list[float] = []

    async def one() -> None:
        async with aslot(limiter):
            starts.append(time.monotonic())
            await asyncio.sleep(0.002)

    async def main() -> None:
        await asyncio.gather(*(one() for _ in range(10)))

    asyncio.run(main())
    assert _max_in_window(starts, 0.15) <= 3


def test_zero_means_off() -> None:
    limiter = SlidingWindowLimiter(0)
    begin = time.monotonic()
    for _ in range(1000):
        with slot(limiter):
            pass
    assert time.monotonic() - begin < 1.0


def test_a_client_collected_while_the_budget_registry_is_locked_does_not_deadlock() -> None:
    """The garbage collector runs a dead client's finalizer (release) on whatever thread allocates,
    also inside `shared_limiter` while it holds the registry lock: that release must not block."""
    from bitget_sdk._limits import registry as _budgets

    def release_inside_the_lock() -> None:
        with _budgets._registry_lock:
            _budgets.release_limiter("test-gc-key:op")

    worker = threading.Thread(target=release_inside_the_lock, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "release_limiter blocked on the registry lock its caller holds"
    # The queued release is applied by the next registration, which still counts users right.
    _budgets.shared_limiter("test-gc-key:op", 10, 0.0)
    _budgets.shared_limiter("test-gc-key:op", 10, 0.0)
    assert _budgets._registry["test-gc-key:op"].users == 2
    _budgets.release_limiter("test-gc-key:op")
    _budgets.shared_limiter("test-gc-key:op", 10, 0.0)
    assert _budgets._registry["test-gc-key:op"].users == 2  # one released, one more registered
    for _ in range(2):
        _budgets.release_limiter("test-gc-key:op")


def test_a_closed_clients_budget_is_released_though_the_client_is_still_referenced() -> None:
    """`close()` gives the budget up (not only the garbage collector): once it has no history left, a
    new client of the same UID may bring another limit, even while the old object is still around."""
    import pytest

    from bitget_sdk import AsyncBitgetClient, BitgetClient

    creds = {"api_key": "bg_release_key", "secret_key": "s", "passphrase": "p", "base_url": "http://127.0.0.1:9"}
    old = BitgetClient(**creds, uid="9000041", rate_limit=3)
    with pytest.raises(ValueError, match="conflicts"):
        BitgetClient(**creds, uid="9000041", rate_limit=5)
    old.close()
    assert BitgetClient(**creds, uid="9000041", rate_limit=5).limiter.limit == 5

    async def run() -> int:
        first = AsyncBitgetClient(**creds, uid="9000042", rate_limit=3)
        await first.aclose()
        async with AsyncBitgetClient(**creds, uid="9000042", rate_limit=5) as second:
            return second.limiter.limit

    assert asyncio.run(run()) == 5 and old is not None

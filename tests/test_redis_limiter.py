"""The rate budget on Redis: shared by processes on one key, safe in any window, and no order lost when
Redis dies mid-run. Against a real redis-server (started per test) and the strict mock."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis as redis_py

from bitget_mock import MockExchange, MockServer, Settings
from bitget_sdk import BitgetClient, RateLimitBackendError
from bitget_sdk._limits.redis_window import RedisWindowLimiter
from bitget_sdk._sync.limits import slot
from tools.mockproc import free_port
from tools.redisproc import RedisServer, redis_server

from .conftest import DEMO, MockClient
from .test_cli import ENV, run

CREDS = {"api_key": DEMO.api_key, "secret_key": "demo-secret-key", "passphrase": "demo-passphrase"}


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


@pytest.fixture
def strict() -> Iterator[MockClient]:
    """A mock that answers 429 to the 11th batch cancel of a UID in any 1 s window."""
    with MockServer(MockExchange([DEMO], Settings())) as server:
        client = MockClient(server)
        yield client
        client.http.close()


def _429s(mock: MockClient) -> int:
    statuses = mock.http.get("/mock/stats").json()["statuses"]
    return int(statuses.get("429", 0))


def test_an_unreachable_backend_is_a_clear_error_when_the_client_is_built() -> None:
    url = f"redis://:hunter2-secret@127.0.0.1:{free_port()}/0"
    # Its own key: a budget outlives its client for a window, and one of the demo key without a backend
    # (an earlier test's) would be refused as a conflict before the backend is tried.
    with pytest.raises(RateLimitBackendError) as info:
        BitgetClient(**{**CREDS, "api_key": "bg_unreachable_backend_key"}, rate_limit_backend=url)
    assert "cannot be reached" in str(info.value) and f"127.0.0.1:{url.rsplit(':', 1)[1]}" in str(info.value)
    assert "hunter2-secret" not in str(info.value)


@pytest.mark.parametrize("bad", ["http://localhost:6379", "localhost:6379", 6379])
def test_a_backend_that_is_not_a_redis_url_is_refused_naming_the_option(bad: Any) -> None:
    with pytest.raises(ValueError, match="rate_limit_backend"):
        BitgetClient(**CREDS, rate_limit_backend=bad)


def test_from_env_reads_the_backend(redis: RedisServer) -> None:
    env = {"BITGET_API_KEY": "env-key-1", "BITGET_SECRET_KEY": "s", "BITGET_PASSPHRASE": "p"}
    with BitgetClient.from_env({**env, "BITGET_RATE_LIMIT_BACKEND": redis.url}) as client:
        assert isinstance(client.limiter, RedisWindowLimiter)


def test_no_window_holds_more_than_the_limit_across_limiters(redis: RedisServer) -> None:
    """Two limiters on one budget key (two processes, as Redis sees them), six threads each: the
    permits granted never put N+1 starts in one window (Redis's clock, no network jitter here)."""
    a = RedisWindowLimiter(redis.url, "test-window", 5, window_s=0.5, margin_s=0.0, hold_s=2.0)
    b = RedisWindowLimiter(redis.url, "test-window", 5, window_s=0.5, margin_s=0.0, hold_s=2.0)
    starts: list[float] = []
    lock = threading.Lock()

    def work(limiter: RedisWindowLimiter) -> None:
        for _ in range(6):
            with slot(limiter):
                with lock:
                    starts.append(time.monotonic())
                time.sleep(0.01)

    threads = [threading.Thread(target=work, args=(lim,)) for lim in (a, b) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    starts.sort()
    assert len(starts) == 72
    # Each start is at least a window after the 5th one before it (permit freed a window after its end).
    assert all(starts[i + 5] - starts[i] >= 0.5 - 0.005 for i in range(len(starts) - 5))
    # ... and the budget was used: 72 requests at 5 per 0.5 s take about 7 s, not much more.
    assert starts[-1] - starts[0] < 0.5 * (72 / 5) + 2.0


def test_budget_keys_in_redis_expire_and_do_not_name_the_api_key(redis: RedisServer) -> None:
    # A key of its own: an earlier test's in-process budget of the demo key can outlive its client by a
    # window (one key has one budget, and a client of it with a backend would be refused meanwhile).
    creds = {**CREDS, "api_key": "bg_redis_keys_test"}
    with BitgetClient(**creds, rate_limit_backend=redis.url) as client, slot(client.limiter):
        pass
    r = redis_py.Redis.from_url(redis.url)
    keys = [k.decode() for k in r.keys("*")]
    assert keys, "nothing was written to Redis"
    assert not [k for k in keys if "bg_redis_keys_test" in k]
    assert all(0 < r.ttl(k) <= 60 for k in keys), {k: r.ttl(k) for k in keys}


_WORKER = """
import json, sys
from bitget_sdk import BitgetClient
url, backend, creds, orders, retries = json.loads(sys.stdin.read())
with BitgetClient(**creds, base_url=url, rate_limit_backend=backend, max_retries=retries) as client:
    report = client.cancel_orders(orders=orders, settle=False)
print(json.dumps(report.counts))
"""


def _processes(
    strict: MockClient,
    backend: str | None,
    n: int = 4,
    per: int = 250,
    retries: int = 0,
    meanwhile: Callable[[], None] | None = None,
) -> list[dict[str, int]]:
    seeded = strict.seed("BTCUSDT", n * per)
    procs = []
    for k in range(n):
        orders = [{"symbol": "BTCUSDT", "orderId": o["orderId"]} for o in seeded[k * per : (k + 1) * per]]
        proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert proc.stdin is not None
        proc.stdin.write(json.dumps([strict.server.url, backend, CREDS, orders, retries]))
        proc.stdin.close()
        procs.append(proc)
    if meanwhile is not None:
        meanwhile()
    out = []
    for proc in procs:
        assert proc.wait(120) == 0
        assert proc.stdout is not None
        out.append(json.loads(proc.stdout.read()))
    return out


def test_processes_on_one_key_share_the_budget_on_redis(strict: MockClient, redis: RedisServer) -> None:
    counts = _processes(strict, redis.url)
    assert _429s(strict) == 0
    assert all(c == {"cancelled": 250, "failed": 0, "unknown": 0} for c in counts), counts


def test_redis_killed_under_four_processes_fails_no_order(strict: MockClient, redis: RedisServer) -> None:
    """Each process falls back to its share (10 // 4) a window after the loss: every order cancelled."""

    def kill_when_sharing() -> None:
        deadline = time.monotonic() + 30
        while not redis_py.Redis.from_url(redis.url).zcard(_members_key(redis)) >= 4:
            assert time.monotonic() < deadline, "the processes never all used the backend"
            time.sleep(0.05)
        time.sleep(0.3)
        redis.kill()
        killed_at.append(time.monotonic())

    killed_at: list[float] = []
    counts = _processes(strict, redis.url, per=500, retries=3, meanwhile=kill_when_sharing)
    assert time.monotonic() - killed_at[0] > 1.0, "Redis died after the run, not during it"
    assert all(c == {"cancelled": 500, "failed": 0, "unknown": 0} for c in counts), counts


def _members_key(redis: RedisServer) -> str:
    keys = redis_py.Redis.from_url(redis.url).keys("bitget-sdk:rl:*:members")
    return keys[0].decode() if keys else "none"


def test_without_the_backend_processes_on_one_key_earn_429s(strict: MockClient) -> None:
    """The control: the same four processes with in-process budgets overrun the UID's limit."""
    _processes(strict, None)
    assert _429s(strict) > 0


def test_redis_killed_mid_run_loses_no_order_and_rejoins_when_back(
    strict: MockClient, redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    seeded = strict.seed("BTCUSDT", 1000)
    ids = [o["orderId"] for o in seeded]
    killed = threading.Event()

    def progress(done: int, total: int) -> None:
        if done >= 150 and not killed.is_set():
            killed.set()
            redis.kill()

    caplog.set_level(logging.WARNING, logger="bitget_sdk")
    # Its own UID (the mock authenticates the demo key): see test_budget_keys_in_redis_expire...
    options = {"rate_limit_backend": redis.url, "max_retries": 0, "uid": "9000032"}
    with BitgetClient(**CREDS, base_url=strict.server.url, **options) as client:
        report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids, on_progress=progress)
        assert killed.is_set()
        assert report.counts == {"cancelled": 1000, "failed": 0, "unknown": 0}
        assert _429s(strict) == 0
        limiter = client.limiter
        assert isinstance(limiter, RedisWindowLimiter) and limiter.falling_back
        lost = [r for r in caplog.records if "lost" in r.getMessage()]
        assert len(lost) == 1, "the fallback is logged once"
        assert "sending on this process's share" in lost[0].getMessage()
        # Redis back on the same port: after a probe interval and a window, the budget is shared again.
        redis.start()
        deadline = time.monotonic() + 10
        while limiter.falling_back and time.monotonic() < deadline:
            with slot(limiter):
                pass
        assert not limiter.falling_back
        assert any("is back" in r.getMessage() for r in caplog.records)


def test_cli_shares_the_budget_through_the_flag_and_the_env_var(mock: MockClient, redis: RedisServer) -> None:
    ids = [o["orderId"] for o in mock.seed("BTCUSDT", 4)]
    base = ["cancel", "--symbol", "BTCUSDT", "--base-url", mock.server.url]
    r = run(*base, "--order-id", ids[0], "--order-id", ids[1], "--rate-limit-backend", redis.url)
    assert r.returncode == 0, r.stderr
    r = run(*base, "--order-id", ids[2], "--order-id", ids[3], env={**ENV, "BITGET_RATE_LIMIT_BACKEND": redis.url})
    assert r.returncode == 0, r.stderr
    assert redis_py.Redis.from_url(redis.url).keys("bitget-sdk:rl:*"), "the CLI did not use the backend"


def test_cli_names_the_flag_for_a_bad_or_unreachable_backend(mock: MockClient) -> None:
    base = ["cancel", "--symbol", "BTCUSDT", "--order-id", "1", "--base-url", mock.server.url]
    r = run(*base, "--rate-limit-backend", "localhost:6379")
    assert r.returncode == 2 and "--rate-limit-backend must be a redis://" in r.stderr, r.stderr
    r = run(*base, "--rate-limit-backend", f"redis://127.0.0.1:{free_port()}/0")
    assert r.returncode == 4 and "cannot be reached" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def _when_sharing(redis: RedisServer) -> None:
    deadline = time.monotonic() + 30
    while not redis_py.Redis.from_url(redis.url).zcard(_members_key(redis)) >= 4:
        assert time.monotonic() < deadline, "the processes never all used the backend"
        time.sleep(0.05)
    time.sleep(1.0)


@pytest.mark.slow
@pytest.mark.parametrize("event", ["restart", "flush", "slow-then-fast"])
def test_redis_restarted_flushed_or_slow_under_four_processes_costs_at_most_two_429s(
    strict: MockClient, redis: RedisServer, event: str
) -> None:
    """Permits lost with Redis (restarted empty, flushed) or a Redis too slow for a while: each process
    falls back to its share, and moves back to the shared budget when Redis answers again, without a
    burst of requests the others' permits no longer account for."""

    def meanwhile() -> None:
        _when_sharing(redis)
        if event == "restart":
            redis.kill()
            time.sleep(2.0)
            redis.start()
        elif event == "flush":
            redis_py.Redis.from_url(redis.url).flushall()
        else:  # every call times out (0.5 s) for 1.5 s, then Redis is fast again
            redis_py.Redis.from_url(redis.url, socket_timeout=5).execute_command("DEBUG", "SLEEP", "1.5")

    counts = _processes(strict, redis.url, per=1500, retries=3, meanwhile=meanwhile)
    assert all(c == {"cancelled": 1500, "failed": 0, "unknown": 0} for c in counts), counts
    assert _429s(strict) <= 2

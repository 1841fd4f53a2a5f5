"""The overall per-IP cap (the contract's top-level `x-rate-limit`: 6,000 a minute from one address, then
429 to everything from it for 5 minutes): the mock enforces it, and the SDK paces every client of a
process (every sub-account, sync and async), and with Redis every process, to stay under it.

End-to-end runs use a small cap (60 per 2 s, 3 s penalty) so that a few seconds cross several windows;
they check the mock's own record of arrival times, window by window, rather than the clients' timing."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis as redis_py

from bitget_api import facts
from bitget_mock import Account, MockExchange, MockServer, Settings
from bitget_mock.command import parser
from bitget_mock.ratelimit import IpCap, max_in_window
from bitget_sdk import AsyncBitgetClient, BitgetClient
from bitget_sdk._limits.ip import IpBudget, RedisIpBudget, ip_budget
from bitget_sdk._limits.window import OutOfTime
from bitget_sdk._sync.limits import drive
from tools.redisproc import RedisServer, redis_server

from .conftest import DEMO, PATH, signed_headers

LIMIT, WINDOW_MS, PENALTY_MS = 60, 2000, 3000
WINDOW_S = WINDOW_MS / 1000
ACCOUNTS = [
    Account(api_key=f"ip-key-{k}", secret_key=f"ip-secret-{k}", passphrase=f"ip-pass-{k}", uid=str(8_100_000 + k))
    for k in range(6)
]
RUN_S = 5.0  # each end-to-end run: 2.5 windows
PER_ACCOUNT = 60 * 50  # more than one account can cancel in RUN_S at its own 10/s


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _small_cap(**extra: Any) -> MockExchange:
    settings = Settings(ip_rate_limit=LIMIT, ip_rate_window_ms=WINDOW_MS, ip_penalty_ms=PENALTY_MS, **extra)
    return MockExchange([DEMO, *ACCOUNTS], settings)


@pytest.fixture
def small_cap() -> Iterator[MockServer]:
    with MockServer(_small_cap()) as server:
        yield server


# --- the mock ----------------------------------------------------------------------------------------


def test_the_mocks_cap_and_penalty_come_from_the_contract_and_rate_limit_0_turns_it_off() -> None:
    cap = MockExchange([DEMO]).ip_cap
    assert (cap.limit, cap.window_s * 1000, cap.penalty_s * 1000) == (
        facts.IP_RATE_LIMIT["limit"],
        facts.IP_RATE_LIMIT["window_ms"],
        facts.IP_RATE_LIMIT["penalty_ms"],
    )
    assert MockExchange([DEMO], Settings(rate_limit=0)).ip_cap.limit == 0  # fuzzing and the shared test mock
    assert MockExchange([DEMO], Settings(rate_limit=0, ip_rate_limit=7)).ip_cap.limit == 7
    assert MockExchange([DEMO], Settings(ip_rate_limit=0)).ip_cap.limit == 0
    with pytest.raises(ValueError, match="ip_rate_window_ms"):
        MockExchange([DEMO], Settings(ip_rate_window_ms=0))
    args = parser().parse_args(["--ip-rate-limit", "60", "--ip-rate-window-ms", "2000", "--ip-penalty-ms", "3000"])
    assert (args.ip_rate_limit, args.ip_rate_window_ms, args.ip_penalty_ms) == (60, 2000, 3000)


def test_the_cap_is_a_sliding_window_and_the_penalty_refuses_everything() -> None:
    clock = FakeClock()
    cap = IpCap(3, 1.0, 5.0, record=10, clock=clock)
    for dt in (0.0, 0.5, 0.4):
        clock.now += dt
        assert cap.try_acquire("10.0.0.1")
    clock.now += 0.09  # 0.99 s after the first: a 4th in one window
    assert not cap.try_acquire("10.0.0.1")
    assert cap.try_acquire("10.0.0.2")  # per address
    clock.now += 4.9  # the window is long gone, the penalty not
    assert not cap.try_acquire("10.0.0.1") and cap.locked_out("10.0.0.1")
    clock.now += 0.2
    assert cap.try_acquire("10.0.0.1") and not cap.locked_out("10.0.0.1")
    assert (cap.lockouts, cap.throttled) == (1, 2)
    assert len(cap.arrivals("10.0.0.1")) == 4  # refused requests are not counted
    assert max_in_window([0.0, 0.5, 0.9, 1.0, 1.6], 1.0) == 3


def test_the_mock_counts_every_request_of_an_address_and_locks_it_out(small_cap: MockServer) -> None:
    """Signed or not, known path or not, accepted or refused for its auth: each counts. The /mock/ control
    routes do not. Past the cap: HTTP 429, code 429, to everything from the address until the penalty ends."""
    clock = FakeClock()
    small_cap.exchange.ip_cap = IpCap(5, 1.0, 3.0, record=100, clock=clock)
    body = b'{"symbol":"BTCUSDT","orderList":[{"orderId":"1"}]}'
    with httpx.Client(base_url=small_cap.url) as http:
        statuses = [
            http.get("/api/v2/public/time").status_code,  # unsigned
            http.get("/api/v2/no/such/path").status_code,  # 404
            http.post(PATH, content=body).status_code,  # no credentials: 400
            http.post(PATH, content=body, headers=signed_headers(body, secret="wrong")).status_code,  # bad signature
            http.post(PATH, content=body, headers=signed_headers(body)).status_code,  # accepted
        ]
        assert statuses == [200, 404, 400, 400, 200]
        assert http.get("/mock/stats").status_code == 200  # control routes: not counted
        refused = http.get("/api/v2/public/time")
        assert refused.status_code == 429 and refused.json()["code"] == "429"
        clock.now += 2.9
        signed = http.post(PATH, content=body, headers=signed_headers(body))
        assert signed.status_code == 429 and signed.json()["code"] == "429"
        stats = http.get("/mock/stats").json()
        assert stats["ipCap"]["lockouts"] == 1 and stats["ipCap"]["throttled"] == 2
        assert stats["ipCap"]["lockedOut"] == ["127.0.0.1"] and stats["ipCap"]["peak"] == {"127.0.0.1": 5}
        assert stats["statuses"]["429"] == 2
        clock.now += 0.2  # the penalty is over
        assert http.get("/api/v2/public/time").status_code == 200
        http.post("/mock/reset")
        assert http.get("/mock/stats").json()["ipCap"]["peak"] == {}


# --- the SDK's budget --------------------------------------------------------------------------------


@pytest.mark.parametrize(("limit", "window_s"), [(6000, 60.0), (60, 2.0), (10, 1.0), (3, 1.0)])
def test_no_span_of_the_log_holds_more_than_its_room(limit: int, window_s: float) -> None:
    """Times taken as fast as they come, after idle spells and times given back too: any span of window +
    jitter (arrivals can spread that much) holds at most limit - margin, and the first room go at once."""
    clock = FakeClock()
    budget = IpBudget(limit, window_s, clock=clock)
    assert budget.room == limit - max(1, -(-limit // 100)) and budget.span_s == window_s + budget.jitter_s
    start = clock.now
    times = [budget.reserve() for _ in range(budget.room)]
    assert times == [start] * budget.room  # a burst the window holds is not paced
    assert budget.reserve() == start + budget.span_s
    for k in range(3 * limit):
        if k % limit == limit // 2:
            clock.now += window_s / 3  # a pause: some of the span's times leave it
        if k % 7 == 3:
            budget.release(budget.reserve())  # taken and given back unused
        times.append(budget.reserve())
        clock.now = max(clock.now, times[-1] - window_s / 5)  # waiters take times ahead of now too
    times.append(start + budget.span_s)
    assert max_in_window(times, budget.span_s) == budget.room


def test_the_contract_cap_sends_two_thousand_requests_at_once() -> None:
    """6,000 a minute: 5,940 per 60.5 s. 20 sub-accounts' 2,000 requests are paced by their own 10/s only."""
    clock = FakeClock()
    budget = IpBudget(*_contract_cap(), clock=clock)
    assert (budget.room, budget.span_s) == (5940, 60.5)
    assert {budget.reserve() for _ in range(2000)} == {clock.now}


def _contract_cap() -> tuple[int, float]:
    return facts.IP_RATE_LIMIT["limit"], facts.IP_RATE_LIMIT["window_ms"] / 1000


def test_a_late_wake_up_takes_a_new_time_and_a_deadline_takes_none(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    budget = IpBudget(10, 1.0, clock=clock)  # 9 per 1.25 s
    late = [1.0]  # the first sleep oversleeps by a second (a stalled process)

    def sleep(seconds: float) -> None:
        clock.now += seconds + (late.pop() if late else 0.0)

    monkeypatch.setattr("bitget_sdk._sync.backend.sleep", sleep)
    first = [budget.reserve() for _ in range(budget.room)]  # the span is full: the next time is a span away
    drive(budget.pace())  # woke 1 s after its time: gave it back, and took now (the first 9 are out of the span)
    assert (budget.sent, budget.retaken) == (1, 1)
    assert budget._log == [clock.now]
    for _ in range(budget.room - 1):
        budget.reserve()
    at = budget.reserve()
    assert at == clock.now + budget.span_s
    with pytest.raises(OutOfTime):
        budget.reserve(deadline=at + 0.04, need_s=0.05)  # not answered by the deadline: nothing taken
    assert len(budget._log) == budget.room + 1
    assert budget.reserve() == at > first[0] + budget.span_s  # the 9 taken now all leave the span then


def test_every_client_of_one_server_shares_its_budget() -> None:
    opts = {"secret_key": "s", "passphrase": "p"}
    with (
        BitgetClient("ip-share-a", base_url="http://ip-share.test", **opts) as a,
        BitgetClient("ip-share-b", base_url="http://ip-share.test:80/", uid="8200001", **opts) as b,
        BitgetClient("ip-share-c", base_url="http://other-ip.test", **opts) as c,
    ):
        async_client = AsyncBitgetClient("ip-share-d", base_url="http://ip-share.test", **opts)
        assert a._ip is not None and a._ip is b._ip is async_client._ip is a.with_options(timeout=2)._ip
        assert c._ip is not a._ip
        assert (a._ip.limit, a._ip.window_s) == _contract_cap()
        asyncio.run(async_client.aclose())
        assert BitgetClient("ip-share-e", base_url="http://ip-share.test", rate_limit=0, **opts)._ip is None
        assert BitgetClient("ip-share-f", base_url="http://ip-share.test", ip_rate_limit=0, **opts)._ip is None
        own = BitgetClient("ip-share-g", base_url="http://ip-share.test", ip_rate_limit=(60, 2), **opts)
        assert own._ip is not a._ip and (own._ip.limit, own._ip.window_s) == (60, 2.0)  # type: ignore[union-attr]
    for bad in ((2, 1.0), (60, 0), 60, (60,), "60/2", (True, 1.0)):
        with pytest.raises(ValueError, match="ip_rate_limit"):
            BitgetClient("ip-share-h", base_url="http://ip-share.test", ip_rate_limit=bad, **opts)


def _seed(url: str) -> dict[str, list[str]]:
    out = {}
    for a in ACCOUNTS:
        r = httpx.post(url + "/mock/orders", json={"apiKey": a.api_key, "symbol": "BTCUSDT", "count": PER_ACCOUNT})
        out[a.api_key] = [o["orderId"] for o in r.json()["orders"]]
    return out


def _run_six_accounts(url: str, ip_rate_limit: tuple[int, float] | int) -> list[Any]:
    """Three sync clients in threads and three async ones in an event loop, cancelling for RUN_S."""
    ids = _seed(url)
    opts: dict[str, Any] = {"base_url": url, "ip_rate_limit": ip_rate_limit, "max_retries": 1}
    reports: list[Any] = []
    start = threading.Barrier(4)

    def sync_account(a: Account) -> None:
        with BitgetClient(a.api_key, a.secret_key, a.passphrase, uid=a.uid, **opts) as client:
            start.wait()
            reports.append(client.cancel_orders(symbol="BTCUSDT", order_ids=ids[a.api_key], deadline_s=RUN_S))

    async def async_accounts() -> None:
        mine = ACCOUNTS[3:]
        clients = [AsyncBitgetClient(a.api_key, a.secret_key, a.passphrase, uid=a.uid, **opts) for a in mine]
        start.wait()
        calls = (
            c.cancel_orders(symbol="BTCUSDT", order_ids=ids[a.api_key], deadline_s=RUN_S)
            for c, a in zip(clients, mine, strict=True)
        )
        reports.extend(await asyncio.gather(*calls))
        for c in clients:
            await c.aclose()

    threads = [threading.Thread(target=sync_account, args=(a,)) for a in ACCOUNTS[:3]]
    threads.append(threading.Thread(target=lambda: asyncio.run(async_accounts())))
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(reports) == 6
    return reports


def _assert_under_the_cap(exchange: MockExchange) -> int:
    stats = exchange.stats.as_dict()
    arrivals = exchange.ip_cap.arrivals("127.0.0.1")
    assert stats["statuses"].get("429", 0) == 0 and exchange.ip_cap.lockouts == 0, stats  # type: ignore[attr-defined]
    assert max_in_window(arrivals, WINDOW_S) <= LIMIT
    return len(arrivals)


def test_six_sub_accounts_of_one_process_stay_under_the_cap(small_cap: MockServer) -> None:
    """6 accounts x 10/s would send 60/s against a cap of 60 per 2 s: paced together, 0 x 429."""
    reports = _run_six_accounts(small_cap.url, (LIMIT, WINDOW_S))
    counted = _assert_under_the_cap(small_cap.exchange)
    assert counted > LIMIT  # the run crossed windows: it was paced, not merely short
    assert counted == sum(r.request_count for r in reports)  # every request took a slot, and only those
    assert sum(len(r.cancelled) for r in reports) == 50 * counted


def test_a_burst_the_window_holds_is_not_paced(small_cap: MockServer) -> None:
    """50 requests (5 accounts' first 10 each, at their own 10/s at once) under a cap of 60 per 2 s: all
    go at once. A pacer at the cap's mean rate (GCRA: 23/s after a burst of 1 here) took 2 s over them."""
    ids = _seed(small_cap.url)

    async def five_accounts() -> list[Any]:
        clients = [
            AsyncBitgetClient(
                a.api_key,
                a.secret_key,
                a.passphrase,
                uid=a.uid,
                base_url=small_cap.url,
                ip_rate_limit=(LIMIT, WINDOW_S),
                max_retries=1,
            )
            for a in ACCOUNTS[:5]
        ]
        reports = await asyncio.gather(
            *(
                c.cancel_orders(symbol="BTCUSDT", order_ids=ids[a.api_key][:500])
                for c, a in zip(clients, ACCOUNTS, strict=False)
            )
        )
        for c in clients:
            await c.aclose()
        return list(reports)

    reports = asyncio.run(five_accounts())
    arrivals = small_cap.exchange.ip_cap.arrivals("127.0.0.1")
    assert sum(r.request_count for r in reports) == len(arrivals) == 50
    assert sum(len(r.cancelled) for r in reports) == 2500
    assert small_cap.exchange.stats.count(429) == 0
    assert max(arrivals) - min(arrivals) < 0.8, max(arrivals) - min(arrivals)


def test_without_the_ip_budget_the_same_run_trips_the_cap(small_cap: MockServer) -> None:
    """The control: each account within its own 10/s, and together over the address's cap."""
    _run_six_accounts(small_cap.url, 0)
    assert small_cap.exchange.ip_cap.lockouts >= 1
    assert small_cap.exchange.stats.count(429) > 0


# --- across processes, through Redis -----------------------------------------------------------------

_WORKER = """
import asyncio, json, sys
from bitget_sdk import AsyncBitgetClient
url, backend, cap, seconds, work = json.loads(sys.stdin.read())
async def main():
    clients = [AsyncBitgetClient(k, s, p, uid=u, base_url=url, rate_limit_backend=backend, ip_rate_limit=tuple(cap),
                                 max_retries=1) for (k, s, p, u), _ in work]
    reports = await asyncio.gather(*(c.cancel_orders(symbol="BTCUSDT", order_ids=ids, deadline_s=seconds)
                                     for c, (_, ids) in zip(clients, work)))
    for c in clients:
        await c.aclose()
    answered = sum(1 for r in reports for q in r.requests if q.http_status is not None)
    return [answered, sum(r.request_count for r in reports)]
print(json.dumps(asyncio.run(main())))
"""


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


@pytest.mark.slow  # ~11 s: two interpreters start, then 2.5 windows
def test_two_processes_share_the_cap_through_redis(small_cap: MockServer, redis: RedisServer) -> None:
    ids = _seed(small_cap.url)
    procs = []
    for half in (ACCOUNTS[:3], ACCOUNTS[3:]):
        work = [((a.api_key, a.secret_key, a.passphrase, a.uid), ids[a.api_key]) for a in half]
        proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert proc.stdin is not None
        proc.stdin.write(json.dumps([small_cap.url, redis.url, [LIMIT, WINDOW_S], RUN_S, work]))
        proc.stdin.close()
        procs.append(proc)
    sent = []
    for proc in procs:
        assert proc.wait(60) == 0
        assert proc.stdout is not None
        sent.append(json.loads(proc.stdout.read()))
    counted = _assert_under_the_cap(small_cap.exchange)
    # Every answered request arrived; an attempt the deadline cut may not have (counted 173 of 175 once).
    answered, attempted = sum(a for a, _ in sent), sum(t for _, t in sent)
    assert answered <= counted <= attempted and min(a for a, _ in sent) > 0
    assert counted > LIMIT
    keys = [k.decode() for k in redis_py.Redis.from_url(redis.url).keys("bitget-sdk:ip:*")]
    assert keys and not [k for k in keys if "127.0.0.1" in k]  # the origin is hashed


def test_redis_lost_paces_on_a_local_share_and_rejoins_when_back(redis: RedisServer) -> None:
    budget = RedisIpBudget(redis.url, "http://ip-redis.test:80", 30, 1.0)
    for _ in range(3):
        drive(budget.pace())
    redis.kill()
    drive(budget.pace())
    assert budget.falling_back and budget._local is not None and budget._local.limit == 30  # one process: all of it
    redis.start()
    reserved = 0
    deadline = time.monotonic() + 15
    while budget.falling_back and time.monotonic() < deadline:
        drive(budget.pace())
        reserved = max(reserved, redis_py.Redis.from_url(redis.url).zcard(budget._keys[2]))
    assert not budget.falling_back
    assert reserved == 1  # its share was reserved there before it rejoined
    shared = redis_py.Redis.from_url(redis.url).zrange(budget._keys[0], 0, -1)
    assert [m for m in shared if m.startswith(budget._holder.encode())]  # and its recent requests written there
    drive(budget.pace())  # shared again


def test_redis_lost_counts_the_shared_log_it_last_saw(redis: RedisServer) -> None:
    """10 requests went through Redis when it was lost: the local share (29 per 1.25 s, one process) sends
    the 19 left at once, and the next when those 10 leave the span; not a fresh 29 on top of them."""
    budget = RedisIpBudget(redis.url, "http://ip-redis-view.test:80", 30, 1.0)
    shared = [budget.reserve() for _ in range(10)]
    redis.kill()
    local = [budget.reserve() for _ in range(budget._shape.room - 10)]
    assert budget.falling_back
    assert max(shared + local) - time.monotonic() < 0.1  # no wait yet
    assert budget.reserve() - time.monotonic() > 1.0  # a span (1.25 s) after the first of them


def test_the_registry_lets_a_budget_go_with_its_last_client() -> None:
    first = ip_budget("http://ip-registry.test:80", 60, 2.0)
    assert ip_budget("http://ip-registry.test:80", 60, 2.0) is first
    assert ip_budget("http://ip-registry.test:80", 30, 2.0) is not first  # another cap, another budget
    first.reserve()
    gone = weakref.ref(first)
    del first
    assert gone() is None
    again = ip_budget("http://ip-registry.test:80", 60, 2.0)
    assert isinstance(again, IpBudget) and len(again._log) == 1  # its log goes on: those requests still count

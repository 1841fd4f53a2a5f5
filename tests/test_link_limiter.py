"""The limiter over a long, jittery link: permits reused a window after a request's *arrival* (its
`requestTime`), not after its answer, without ever breaking the strict window; AIMD on a real 429;
and the simulated link itself."""

from __future__ import annotations

import asyncio
import collections
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bitget_mock import MockExchange, MockServer, Settings
from bitget_mock.accounts import demo_account
from bitget_sdk import AsyncBitgetClient, BitgetClient
from bitget_sdk._limits.window import WRITE_UNHEARD, ArrivalModel, OffsetBound, Permit, SlidingWindowLimiter
from bitget_sdk._sync.limits import slot
from tools.latency import LatencyProxy

KEY, SECRET, PASSPHRASE = "bg_demo_key", "demo-secret-key", "demo-passphrase"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _use(
    limiter: SlidingWindowLimiter,
    clock: FakeClock,
    *,
    rtt: float,
    uplink: float | None,
    offset: float = 0.0,
    throttled: bool = False,
    server: OffsetBound | None = None,
) -> None:
    """One request on the permit usable first: sent once usable, answered `rtt` later, stamped by the
    server `uplink` after it was sent (its clock `offset` ahead); `uplink=None`: no requestTime.
    `server`: the clock bound of the origin it went to (None: the limiter's own)."""
    at = limiter._take(None, server)
    assert at is not None
    clock.now = max(clock.now, at)
    permit = Permit(server=server)
    permit.sent_at = clock.now
    stamp = None if uplink is None else int((clock.now + offset + uplink) * 1000)
    clock.now += rtt
    permit.answered(stamp, throttled=throttled)
    limiter._used(permit)


def test_a_permit_frees_a_window_after_its_arrival_once_the_link_is_known() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(2, window_s=1.0, margin_s=0.0, clock=clock)
    offset, uplink, rtt = 5000.0, 0.1, 0.2  # server clock ahead by 5000 s; 100 ms up, 100 ms down
    for _ in range(8):  # min_samples = max(8, 3 * limit)
        _use(limiter, clock, rtt=rtt, uplink=uplink, offset=offset)
    busy = limiter.busy_for()
    # Answer-based: a whole window after the answer. Arrival-based: a window after the arrival
    # (sent + uplink), plus the 1 ms stamp resolution and the safety margin (2 ms at zero spread).
    assert max(busy) < 1.0 - (rtt - uplink) + 0.004
    assert limiter.early_count == 0
    _use(limiter, clock, rtt=rtt, uplink=uplink, offset=offset)
    assert limiter.early_count == 1


def test_no_estimate_from_the_first_burst_alone() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, window_s=1.0, margin_s=0.0, clock=clock)
    for _ in range(10):  # the first window's burst: 10 samples, fewer than min_samples (30)
        _use(limiter, clock, rtt=0.2, uplink=0.1)
    assert limiter.early_count == 0
    # The last permit used is free a whole window after its answer (its arrival would say 0.8 s).
    assert max(limiter.busy_for()) == pytest.approx(1.0)


def test_no_estimate_from_two_windows_queued_at_the_server() -> None:
    """The first two windows of a run that starts with many others can all have queued at the server
    (their uplink values 100 ms above the link's): a floor from them would be 100 ms too high and reuse
    permits 100 ms early. The third window's samples come first."""
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, window_s=1.0, margin_s=0.0, clock=clock)
    for _ in range(20):
        _use(limiter, clock, rtt=0.15, uplink=0.101)
    assert limiter.early_count == 0
    for _ in range(10):
        _use(limiter, clock, rtt=0.05, uplink=0.001)
    _use(limiter, clock, rtt=0.05, uplink=0.001)
    assert limiter.early_count == 1


def test_from_the_first_answers_a_late_read_answer_frees_its_permit_a_window_after_its_arrival() -> None:
    """The clock offset's lower bound (`requestTime - headers_at`, at most the offset) needs no sample
    count: with the first window's answers, a permit whose answer was read late (a busy event loop: here
    0.5 s after it came) is free a window after its request's arrival plus the fastest answer's way back,
    not a window after it was read; and never before a window after its arrival."""
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, window_s=1.0, margin_s=0.0, clock=clock)
    offset, uplink = 5000.0, 0.05
    # Request 1: answered 0.05 s after it arrived. Request 2 (sent with it): its answer read 0.5 s late.
    first, second = (limiter._take(None), limiter._take(None))
    assert first is not None and second is not None
    sent = clock.now
    for late in (0.0, 0.5):
        permit = Permit()
        permit.sent_at = sent
        permit.answered(int((sent + offset + uplink) * 1000))
        clock.now = sent + 2 * uplink + late
        permit.headers_at = clock.now
        limiter._used(permit)
    arrival = sent + uplink
    free = sorted(clock.now + wait for wait in limiter.busy_for())[-2:]  # the two used
    assert limiter._arrivals.floor(clock.now, limiter._min_samples) is None  # the model has too few samples
    for at in free:
        assert arrival + 1.0 <= at <= arrival + uplink + 1.0 + 0.002  # not read time (+0.5) + a window


def test_no_attempt_starts_that_the_slowest_recent_attempt_says_the_deadline_would_cut() -> None:
    """An attempt's time runs from its permit's grant (connecting, the pool, a busy loop come before the
    write), and the deadline gate takes the slowest recent one: an attempt the deadline cuts leaves its
    orders unknown, one not started leaves them failed ("not sent")."""
    from bitget_sdk._limits.window import OutOfTime

    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, window_s=1.0, margin_s=0.0, clock=clock)
    for pre_write in (0.30, 0.0, 0.0, 0.0):  # one attempt waited 0.3 s before its write; the rest none
        assert limiter._take(None) is not None
        permit = Permit(clock)
        permit.sent_at = permit.granted_at = clock.now
        permit.trace("http11.send_request_body.started", {})
        clock.now += pre_write
        permit.trace("http11.send_request_body.complete", {})  # the write: sent_at moves here
        clock.now += 0.01
        permit.trace("http11.receive_response_headers.complete", {})
        limiter._used(permit)
    with pytest.raises(OutOfTime):
        limiter._take(clock.now + 0.2)  # write-to-answer is 10 ms, but one attempt took 0.31 s in all
    assert limiter._take(clock.now + 0.4) is not None


def test_the_offset_bound_is_given_up_when_stamps_contradict_it() -> None:
    """A stamp that puts an answer's headers before its request could have arrived (a value above what
    another request's send time allows) is not the server's counting time: the bound stops for good."""
    clock = FakeClock()
    limiter = SlidingWindowLimiter(4, window_s=1.0, margin_s=0.0, clock=clock)
    _use(limiter, clock, rtt=0.1, uplink=0.05)
    assert limiter._offset.lower(clock.now) is not None
    _use(limiter, clock, rtt=0.1, uplink=0.5)  # stamped 0.4 s after its answer came: impossible
    assert limiter._offset.broken and limiter._offset.lower(clock.now) is None


def test_the_offset_bound_ages_and_allows_for_drift() -> None:
    from bitget_sdk._limits.window import OffsetBound

    bound = OffsetBound(max_age_s=10.0, drift=1e-4)
    bound.add(0.0, 100.0, sent_at=0.0, headers_at=0.2)  # 99.8
    bound.add(1.0, 100.9, sent_at=1.0, headers_at=1.3)  # 99.6
    assert bound.lower(5.0) == pytest.approx(99.8 - 5.0e-4)  # the largest, lowered by its age's drift
    assert bound.lower(10.5) == pytest.approx(99.6 - 9.5e-4)  # the first aged out
    assert bound.lower(20.0) is None


def test_arrival_floor_keeps_a_margin_that_shrinks_with_samples() -> None:
    model = ArrivalModel(min_safety_s=0.0)
    for v in (0.10, 0.14, 0.12, 0.11):
        model.add(0.0, v)
    assert model.floor(0.0, 2) == pytest.approx(0.10 - 0.04 * 0.75)  # 3/n of the spread below the minimum
    for _ in range(296):
        model.add(0.0, 0.12)
    floor = model.floor(0.0, 2)
    assert floor is not None and 0.10 - 0.001 < floor < 0.10
    assert model.floor(31.0, 2) is None  # samples age out


def test_a_faster_link_lowers_the_floor_at_once() -> None:
    model = ArrivalModel()
    for _ in range(50):
        model.add(0.0, 0.5)
    before = model.floor(0.0, 2)
    model.add(0.1, 0.3)
    after = model.floor(0.1, 2)
    assert before is not None and after is not None and after <= 0.3 < before


def test_a_429_takes_one_permit_out_once_per_burst_and_a_calm_window_brings_it_back() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(8, window_s=1.0, margin_s=0.0, clock=clock)
    _use(limiter, clock, rtt=0.01, uplink=None, throttled=True)
    _use(limiter, clock, rtt=0.01, uplink=None, throttled=True)  # the same burst: no second cut
    assert limiter.throttled_count == 2
    assert len(limiter._idle) == 7  # 8 -> 7 in use
    clock.now += 0.5
    limiter._take(None)  # within a calm window: nothing comes back
    assert len(limiter._idle) + 1 == 7
    clock.now += 1.0
    limiter._take(None)  # a window calm: one permit back per window
    assert len(limiter._idle) + 2 == 8
    _use(limiter, clock, rtt=0.01, uplink=None, throttled=True)  # a new event: one more off
    assert len(limiter._parked) + limiter._debt == 1


def test_estimates_stay_off_for_a_while_after_a_429() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(4, window_s=1.0, margin_s=0.0, clock=clock)
    for _ in range(8):
        _use(limiter, clock, rtt=0.2, uplink=0.1)
    _use(limiter, clock, rtt=0.01, uplink=None, throttled=True)
    early = limiter.early_count
    for _ in range(4):  # within the next windows every permit waits a window after its answer
        _use(limiter, clock, rtt=0.2, uplink=0.1)
    assert limiter.early_count == early
    clock.now += 2.5
    for _ in range(3):
        _use(limiter, clock, rtt=0.2, uplink=0.1)
    assert limiter.early_count > early  # and estimates come back


# --- the simulated link --------------------------------------------------------------------------


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                while data := conn.recv(65536):
                    conn.sendall(data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(5)
    server.close()


def test_the_link_delays_each_way_and_keeps_bytes_in_order(echo_server: str) -> None:
    with LatencyProxy(echo_server, delay_ms=30, jitter_ms=25, seed=3) as link:
        host, port = link.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as conn:
            start = time.monotonic()
            conn.sendall(b"ping")
            assert conn.recv(4) == b"ping"
            assert time.monotonic() - start >= 2 * 0.005  # each way at least 30 - 25 ms
            sent = b"".join(i.to_bytes(2, "big") for i in range(2000))
            for i in range(0, len(sent), 16):  # many small chunks, each drawing its own delay
                conn.sendall(sent[i : i + 16])
            got = b""
            while len(got) < len(sent):
                got += conn.recv(65536)
    assert got == sent


# --- against the strict mock through a jittery link ----------------------------------------------


@pytest.fixture
def strict_mock() -> Iterator[MockServer]:
    with MockServer(MockExchange([demo_account()], Settings(rate_limit=10))) as server:
        yield server


def _seed(url: str, n: int) -> list[str]:
    r = httpx.post(url + "/mock/orders", json={"symbol": "BTCUSDT", "count": n}, timeout=30)
    return [o["orderId"] for o in r.json()["orders"]]


def _run(mode: str, url: str, ids: list[str]) -> tuple[Any, SlidingWindowLimiter]:
    opts: dict[str, Any] = {"base_url": url, "max_concurrency": 10, "retry_seed": 1}
    if mode == "sync":
        with BitgetClient(KEY, SECRET, PASSPHRASE, **opts) as client:
            report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids, settle=False)
            limiter = client.limiter
    else:

        async def go() -> tuple[Any, Any]:
            async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, **opts) as client:
                return await client.cancel_orders(symbol="BTCUSDT", order_ids=ids, settle=False), client.limiter

        report, limiter = asyncio.run(go())
    assert isinstance(limiter, SlidingWindowLimiter)
    return report, limiter


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_over_a_jittery_link_the_strict_window_is_never_exceeded(strict_mock: MockServer, mode: str) -> None:
    ids = _seed(strict_mock.url, 2500)
    with LatencyProxy(strict_mock.url, delay_ms=60, jitter_ms=50, seed=11) as link:
        report, limiter = _run(mode, link.url, ids)
    assert report.counts == {"cancelled": 2500, "failed": 0, "unknown": 0}
    assert strict_mock.exchange.stats.count(429) == 0
    assert limiter.throttled_count == 0
    assert limiter.early_count > 10  # permits were reused on known arrivals, not only after answers


@pytest.mark.slow
def test_the_jitter_test_catches_a_limiter_that_trusts_the_slowest_arrival(
    strict_mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test above can fail: a floor taken from the *slowest* arrivals (ignoring the spread) sends
    requests that overtake earlier ones and land N+1 in a window."""

    def optimistic(self: ArrivalModel, now: float, min_samples: int) -> float | None:
        values = [v for _, v in self._samples]
        return max(values) if len(values) >= max(2, min_samples) else None

    monkeypatch.setattr(ArrivalModel, "floor", optimistic)
    ids = _seed(strict_mock.url, 2500)
    with LatencyProxy(strict_mock.url, delay_ms=60, jitter_ms=50, seed=11) as link:
        report, _ = _run("sync", link.url, ids)
    assert strict_mock.exchange.stats.count(429) > 0
    assert report.counts["cancelled"] == 2500  # 429s are retried: still nothing lost


# --- the send stamp: once the bytes were written, not when the permit was granted ------------------


class _SlowFirstRequest(httpx.HTTPTransport):
    """Holds the first request `delay` seconds before handing it on (as connecting, a pool wait or a
    busy GIL would): time the arrival model must not count as uplink delay."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.delay:
            time.sleep(self.delay)
            self.delay = 0.0
        return super().handle_request(request)


class _AsyncSlowFirstRequest(httpx.AsyncHTTPTransport):
    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.delay:
            await asyncio.sleep(self.delay)
            self.delay = 0.0
        return await super().handle_async_request(request)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_time_before_the_request_is_written_is_not_counted_as_uplink(strict_mock: MockServer, mode: str) -> None:
    """`requestTime - sent_at` of a request held 0.3 s before it was written equals that of one written
    at once: `sent_at` is when the bytes were written. Stamped at the permit's grant instead, the held
    request's value is 0.3 s higher; a floor built from such values is too high, and permits built on it
    are reused too early (429s at the start of a 20-sub-account run, where 200 new connections open)."""
    ids = _seed(strict_mock.url, 2)
    # A UID of its own: the budget outlives the client for a window, and other tests build clients of
    # this key with other budget settings.
    opts: dict[str, Any] = {"base_url": strict_mock.url, "max_concurrency": 1, "uid": "9000013"}
    if mode == "sync":
        with BitgetClient(KEY, SECRET, PASSPHRASE, httpx_args={"transport": _SlowFirstRequest(0.3)}, **opts) as client:
            for order_id in ids:
                client.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": order_id}])
            limiter = client.limiter
    else:

        async def go() -> Any:
            transport = _AsyncSlowFirstRequest(0.3)
            async with AsyncBitgetClient(KEY, SECRET, PASSPHRASE, httpx_args={"transport": transport}, **opts) as c:
                for order_id in ids:
                    await c.batch_cancel_orders(symbol="BTCUSDT", order_list=[{"orderId": order_id}])
                return c.limiter

        limiter = asyncio.run(go())
    assert isinstance(limiter, SlidingWindowLimiter)
    # The UID's budget is shared by this test's sync and async runs: this run's two requests are its last two samples.
    held, direct = (value for _, value in list(limiter._arrivals._samples)[-2:])
    assert abs(held - direct) < 0.1, (held, direct)


def test_a_permit_hears_when_its_request_was_written() -> None:
    clock = FakeClock()
    permit = Permit(clock)
    permit.trace("http11.send_request_body.complete", {})
    assert permit.sent_at == 0.0  # not granted yet (a limiter of 0): nothing to refine
    permit.sent_at = clock.now
    clock.now += 0.25
    permit.trace("connection.connect_tcp.started", {})
    permit.trace("http11.send_request_headers.started", {})
    assert permit.sent_at == 1000.0
    permit.trace("http11.send_request_body.complete", {})
    assert permit.sent_at == 1000.25
    clock.now += 0.5
    asyncio.run(permit.atrace("http2.send_request_body.complete", {}))
    assert permit.sent_at == 1000.75
    clock.now += 0.1
    permit.trace("http11.receive_response_headers.complete", {})
    assert permit.headers_at == 1000.85


def test_without_a_known_arrival_a_permit_frees_a_window_after_the_answers_headers() -> None:
    """The server counted the request before it answered: a window after the answer's headers came in is
    safe, however long reading, parsing and classifying the answer then took (a busy event loop)."""
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, window_s=1.0, margin_s=0.005, clock=clock)
    with slot(limiter) as permit:
        permit.trace("http11.send_request_body.complete", {})
        clock.now += 0.02
        permit.trace("http11.receive_response_headers.complete", {})
        clock.now += 0.3  # the answer read and handled late
        permit.answered(None)
    assert limiter.busy_for() == [pytest.approx(1.0 + 0.005 + 0.02 - 0.32)]


def test_limiters_of_one_server_share_its_clock_bound() -> None:
    """The server's clock is one, whoever's key: an answer to one budget bounds the offset for every
    budget of that server (with 20 sub-accounts at once, each account's own first answers are read
    late, but some account's answer was read soon after its request arrived)."""
    from bitget_sdk._limits.window import server_clock

    clock = FakeClock()
    shared = server_clock("http://exchange.test:80")
    assert server_clock("http://exchange.test:80") is shared and server_clock("http://other.test:80") is not shared
    fast, slow = (SlidingWindowLimiter(1, window_s=1.0, margin_s=0.0, clock=clock, server=shared) for _ in range(2))
    alone = SlidingWindowLimiter(1, window_s=1.0, margin_s=0.0, clock=clock)
    offset, uplink = 5000.0, 0.05
    # `slow` and `alone` see their answers 0.5 s after their requests arrived; `fast`, 0.05 s after.
    for limiter, late in ((slow, 0.5), (alone, 0.5), (fast, 0.0)):
        assert limiter._take(None) is not None
        permit = Permit()
        permit.sent_at = clock.now
        permit.answered(int((clock.now + offset + uplink) * 1000))
        permit.headers_at = clock.now + 2 * uplink + late
        limiter._used(permit)
    arrived = clock.now + uplink
    # `slow` uses `fast`'s bound: free a window after its arrival (+ the 1 ms stamp resolution and
    # `fast`'s way back); `alone` must wait a window after its late answer.
    assert slow.busy_for()[0] + clock.now == pytest.approx(arrived + 1.0 + 0.001 + uplink, abs=1e-3)
    assert alone.busy_for()[0] + clock.now == pytest.approx(arrived + 1.0 + uplink + 0.5, abs=1e-3)


def test_a_permit_taken_early_is_asked_again_with_the_answers_that_came_since() -> None:
    """Taken as its answer freed it, a permit's time is what the bounds said then; the answers of the
    requests sent with it, in by the time it is reviewed, can make it usable sooner (never later)."""
    from bitget_sdk._limits.window import OffsetBound

    clock = FakeClock()
    bound = OffsetBound()
    limiter = SlidingWindowLimiter(1, window_s=1.0, margin_s=0.0, clock=clock, server=bound)
    offset, uplink = 5000.0, 0.05
    assert limiter._take(None) is not None
    permit = Permit()
    permit.sent_at = clock.now
    permit.answered(int((clock.now + offset + uplink) * 1000))
    permit.headers_at = clock.now + 2 * uplink + 0.5  # read late
    limiter._used(permit)
    arrived = clock.now + uplink
    taken = limiter._take_idle(None)
    assert taken is not None
    idle, at, review = taken
    assert review  # the arrival model has no samples yet
    assert at == pytest.approx(arrived + 1.0 + 0.001 + uplink + 0.5, abs=1e-3)
    # Another budget of the server has an answer read at once: the same permit is usable 0.5 s sooner.
    bound.add(clock.now, arrived + offset + 0.001, clock.now, arrived + 0.001)
    assert limiter._review(idle, at) == pytest.approx(arrived + 1.0 + 0.001 + 0.001, abs=1e-3)
    # Never later than first said (a bound that got worse does not delay it).
    assert limiter._review(idle, at - 0.9) == pytest.approx(at - 0.9)


def test_a_budget_learns_each_servers_arrivals_apart() -> None:
    """One key's budget used against two origins (a client of the key on loopback, then one over a
    50 ms link started within a window of it): the loopback's arrivals say nothing of the link's, and a
    permit whose last request went to the other server is usable a window after its answer there.
    With one model for both, the link's permits were reused ~50 ms late for a whole run (the floor
    was the loopback's), and a permit's arrival on one server's clock was compared with another's."""
    clock = FakeClock()
    near, far = OffsetBound(), OffsetBound()
    limiter = SlidingWindowLimiter(1, window_s=1.0, margin_s=0.0, clock=clock, server=near)

    def usable_at(server: OffsetBound | None) -> float:
        taken = limiter._take_idle(None, server)
        assert taken is not None
        limiter._put_back(taken[0])
        return taken[1]

    for _ in range(8):  # min_samples = max(8, 3 * limit)
        _use(limiter, clock, rtt=0.002, uplink=0.001)
    answered, sent = clock.now, clock.now - 0.002
    assert usable_at(None) == pytest.approx(sent + 1.0, abs=0.004)  # by its arrival at `near`
    assert usable_at(far) == pytest.approx(answered + 1.0)  # that arrival is on `near`'s clock
    for _ in range(8):
        _use(limiter, clock, rtt=0.1, uplink=0.05, server=far)
    sent = clock.now - 0.1
    # `far`'s own floor: a window after the last request was sent (its arrival less its uplink, within
    # the margins), not a floor from the loopback's 1 ms (which would make it ~50 ms later).
    assert usable_at(far) == pytest.approx(sent + 1.0, abs=0.006)
    assert usable_at(near) == pytest.approx(clock.now + 1.0)  # and `near` does not use `far`'s arrival


def test_clients_of_one_key_on_two_servers_share_its_budget_and_learn_each_server_apart() -> None:
    """The wiring of the test above: each client takes its permits for its own origin."""
    from bitget_sdk._limits.window import server_clock

    with (
        MockServer(MockExchange([demo_account()], Settings(rate_limit=10))) as one,
        MockServer(MockExchange([demo_account()], Settings(rate_limit=10))) as two,
    ):
        ids = {server.url: _seed(server.url, 600) for server in (one, two)}
        with (
            BitgetClient(KEY, SECRET, PASSPHRASE, base_url=one.url, uid="5550042") as first,
            BitgetClient(KEY, SECRET, PASSPHRASE, base_url=two.url, uid="5550042") as second,
        ):
            assert first.limiter is second.limiter
            limiter = first.limiter
            assert isinstance(limiter, SlidingWindowLimiter)
            for client, server in ((first, one), (second, two)):
                report = client.cancel_orders(symbol="BTCUSDT", order_ids=ids[server.url], settle=False)
                assert report.counts == {"cancelled": 600, "failed": 0, "unknown": 0}
            bounds = [server_clock(server.url.replace("localhost", "127.0.0.1")) for server in (one, two)]
            models = [limiter._models.get(bound) for bound in bounds]
            assert [len(m._samples) if m else 0 for m in models] == [12, 12]
            assert {idle.server for idle in limiter._idle} == {bounds[1]}
            for server in (one, two):
                assert httpx.get(server.url + "/mock/stats").json()["statuses"].get("429", 0) == 0


def test_headers_at_is_when_the_async_pool_read_the_answer_not_when_the_task_ran() -> None:
    permit = Permit()
    permit.sent_at = 1.0
    permit.trace("http11.send_request_body.complete", {})
    read = time.monotonic()
    time.sleep(0.01)  # the task waiting for it had its turn later
    permit.trace("http11.receive_response_headers.complete", {"received_at": read})
    assert permit.headers_at == read
    permit.trace("http11.receive_response_headers.complete", {})  # a transport that does not say
    assert permit.headers_at > read
    fake = Permit(FakeClock())  # a limiter on another clock ignores the transport's monotonic stamp
    fake.sent_at = 1.0
    fake.trace("http11.receive_response_headers.complete", {"received_at": read})
    assert fake.headers_at == 1000.0


def test_a_request_whose_write_was_not_heard_teaches_no_arrival_floor() -> None:
    """A transport without httpcore's trace (pyreqwest's) leaves `sent_at` at the grant: the wait for the
    event loop or a connection would count as uplink delay, a floor too high (permits reused too early:
    20 sub-accounts on a loaded machine earned 8-38 x 429). Only a heard write feeds the arrival model."""
    limiter = SlidingWindowLimiter(10, margin_s=0.0)
    for _ in range(10):
        with slot(limiter) as permit:
            permit.trace(WRITE_UNHEARD, {})
            permit.answered(int(time.monotonic() * 1000) + 5)
    assert limiter._arrivals._samples == collections.deque()  # nothing learnt
    with slot(limiter) as permit:
        permit.trace("http11.send_request_body.complete", {})
        permit.answered(int(time.monotonic() * 1000) + 5)
    assert len(limiter._arrivals._samples) == 1

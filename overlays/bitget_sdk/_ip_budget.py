"""The overall per-IP budget: every request of every client of this process to one server paced together.

Bitget counts every request from one IP address, of every key and sub-account, signed or not, against
an overall cap (the contract's own top-level `x-rate-limit`: 6,000 in any minute), and past it answers
everything from that address with 429 for 5 minutes (`penalty-ms`). Each key's budgets (`_ratelimit`)
know nothing of the others: 20 sub-accounts at their 10/s each send 200/s, and trip the cap after 30 s.
So every request a client sends also takes a slot here, from a budget shared by every client of the
process (and, with `rate_limit_backend=`, of every process on that Redis) that talks to the server.

The schedule is GCRA (a token bucket without the tokens): slots `interval` = 1/rate apart, with a burst
of `burst`. Any span of `x` seconds holds at most `burst + rate * x` slots. A request is sent at its slot
or up to `late_s` after it (a waiter that wakes later gives its slot up and takes a new one), and reaches
the server within the link's jitter; with `jitter_s` covering both, the arrivals in any window of the
server lie within slots spanning `window + jitter_s`, so at most `burst + rate * (window + jitter_s)`.
The rate is chosen so that this is at most `limit - 1` (the one: a budget that starts anew, after the
last client of the old one went, starts without its burst and adds at most one):

    rate = (limit - burst - 1) / (window + jitter_s)

For Bitget's 6,000 a minute: burst 20, jitter 0.5 s, 98.8 requests/s (0.988 of 100/s). A run that needs
fewer requests than the burst goes at once; a longer one is paced, and never meets the 5-minute penalty.
The price: a short burst of more than `burst` requests (20 sub-accounts sending 2,000 in 10 s, which the
minute's budget would allow) is paced too.

With Redis (`RedisIpBudget`) the schedule lives in Redis (one small Lua script, Redis's clock): processes
of one host share the address, and so share one schedule. Keyed by the server's origin, so processes on
other hosts (other addresses) using the same Redis share it too (safe, slower; give them another Redis
database). Redis lost: each process goes on with a local schedule at its share (`limit` divided by the
processes seen lately), started one slot late; when Redis is back it reserves that share's rate there
(the others' schedule slows by it), keeps to its share for a probe interval and a window more (so every
process still on its share has reserved too), then rejoins the shared schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import threading
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from bitget_api import facts

from ._ratelimit import STALL_MARGIN_S, Limiter, OffsetBound, OutOfTime, Permit, SlidingWindowLimiter

log = logging.getLogger("bitget_sdk")

# Timing jitter a window is widened by (a late wake-up plus the link's jitter), at most a quarter window.
JITTER_S = 0.5
MAX_BURST = 20
PROBE_S = 1.0
MEMBER_TTL_S = 10.0


def contract_ip_rate_limit() -> tuple[int, float]:
    """The contract's overall per-IP cap: (requests, window in seconds)."""
    cap = facts.IP_RATE_LIMIT
    return int(cap["limit"]), cap["window_ms"] / 1000


def check_ip_rate_limit(value: Any) -> tuple[int, float] | None:
    """`ip_rate_limit`: None (the contract's cap), 0 (no per-IP budget), or (limit, window_s)."""
    if value is None:
        return contract_ip_rate_limit()
    if value == 0 and type(value) is int:
        return None
    ok = isinstance(value, tuple | list) and len(value) == 2
    limit, window = value if ok else (None, None)
    if not ok or type(limit) is not int or limit < 3:
        raise ValueError(f"ip_rate_limit must be None, 0 or (limit >= 3, window_s > 0), not {value!r}")
    if isinstance(window, bool) or not isinstance(window, int | float) or not 0 < window < float("inf"):
        raise ValueError(f"ip_rate_limit must be None, 0 or (limit >= 3, window_s > 0), not {value!r}")
    return limit, float(window)


class IpBudget:
    """The schedule of one address's requests to one server, in this process (see the module's doc)."""

    def __init__(
        self,
        limit: int,
        window_s: float,
        *,
        burst: int | None = None,
        start_late: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 3:
            raise ValueError("an IP budget needs a limit of at least 3")
        self.limit = limit
        self.window_s = window_s
        self.jitter_s = min(JITTER_S, window_s / 4)
        self.late_s = self.jitter_s / 2  # a wake-up later than this gives its slot up
        self.burst = max(1, min(MAX_BURST, limit // 300)) if burst is None else burst
        self.rate = (limit - self.burst - 1) / (window_s + self.jitter_s)
        if self.rate <= 0:
            raise ValueError(f"a burst of {self.burst} leaves no rate within {limit} per window")
        self.interval = 1 / self.rate
        self._tau = (self.burst - 1) * self.interval
        self._clock = clock
        self._lock = threading.Lock()
        now = clock()
        # No burst at the start: the budget this one replaces may have spent its own in the window.
        self._tat = now + self._tau + (self.interval if start_late else 0.0)
        self.sent = 0  # slots taken and used
        self.retaken = 0  # slots given up by a late wake-up

    def __repr__(self) -> str:
        return f"IpBudget(limit={self.limit}, window_s={self.window_s}, rate={self.rate:.2f}/s, burst={self.burst})"

    def reserve(self, deadline: float | None = None, need_s: float = 0.0) -> float:
        """Take the next slot: the time (this budget's clock) to send at. OutOfTime (nothing taken) if a
        request sent then could not be answered by `deadline`, `need_s` being a usual attempt."""
        with self._lock:
            now = self._clock()
            at = max(now, self._tat - self._tau)
            if deadline is not None and at + need_s > deadline:
                raise OutOfTime
            self._tat = max(self._tat, now) + self.interval
            return at

    def used(self, n: int = 1) -> None:
        with self._lock:
            self.sent += n

    def _late(self) -> None:
        with self._lock:
            self.retaken += 1

    def pace(self, deadline: float | None = None, need_s: float = STALL_MARGIN_S) -> None:
        """Wait for a slot (sync): returns at most `late_s` after it; OutOfTime if none is in time."""
        while True:
            at = self.reserve(deadline, need_s)
            if (delay := at - self._clock()) > 0:
                time.sleep(delay)
            if self._clock() - at <= self.late_s:
                self.used()
                return
            self._late()

    async def apace(self, deadline: float | None = None, need_s: float = STALL_MARGIN_S) -> None:
        """See `pace` (asyncio)."""
        while True:
            at = self.reserve(deadline, need_s)
            if (delay := at - self._clock()) > 0:
                await asyncio.sleep(delay)
            if self._clock() - at <= self.late_s:
                self.used()
                return
            self._late()


# KEYS: schedule (the next slot's theoretical time, µs), members, reserved. ARGV: rate (requests/s),
# burst tolerance µs, holder, µs a schedule outlives its last slot (window + jitter), member ttl µs,
# longest wait µs (-1: any). Returns {1 = taken | 0 = too late (nothing taken), µs until the slot, members}.
_PACE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local mttl = tonumber(ARGV[5])
redis.call('ZADD', KEYS[2], now, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - mttl)
redis.call('PEXPIRE', KEYS[2], math.ceil(mttl / 1000))
local members = redis.call('ZCARD', KEYS[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local full = tonumber(ARGV[1])
local rate = full
for _, m in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  local holder, share = string.match(m, '^(.*):(%d+)$')
  if holder ~= ARGV[3] then rate = rate - tonumber(share) / 1000 end
end
if rate < full / 1000 then rate = full / 1000 end
local tau = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat == 0 then tat = now + tau end
local slot = math.max(now, tat - tau)
local longest = tonumber(ARGV[6])
if longest >= 0 and slot - now > longest then return {0, math.floor(slot - now), members} end
local nxt = math.max(tat, now) + 1000000 / rate
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now + tonumber(ARGV[4])) / 1000))
return {1, math.floor(slot - now), members}
"""


class RedisIpBudget:
    """The schedule of `IpBudget` in Redis, shared by every process using it (see the module's doc)."""

    def __init__(self, url: str, origin: str, limit: int, window_s: float) -> None:
        try:
            import redis
        except ImportError:
            raise ValueError("rate_limit_backend needs redis-py: pip install 'bitget-batch-cancel[redis]'") from None
        from ._errors import RateLimitBackendError
        from ._redis_limiter import _RESERVE, SOCKET_TIMEOUT_S, redact_url

        self._shape = IpBudget(limit, window_s)  # the numbers (rate, burst, late_s), not the schedule
        self.url = url
        self.origin = origin
        self.limit = limit
        self.window_s = window_s
        self.late_s = self._shape.late_s
        self._errors: tuple[type[BaseException], ...] = (redis.ConnectionError, redis.TimeoutError)
        self._redis = redis.Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT_S, socket_connect_timeout=SOCKET_TIMEOUT_S
        )
        prefix = "bitget-sdk:ip:" + hashlib.sha256(f"{origin}|{limit}|{window_s}".encode()).hexdigest()[:24]
        self._keys = [f"{prefix}:schedule", f"{prefix}:members", f"{prefix}:reserved"]
        self._pace = self._redis.register_script(_PACE)
        self._reserve = self._redis.register_script(_RESERVE)
        self._holder = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._redact = redact_url
        self._lock = threading.Lock()
        self._members = 1
        self._local: IpBudget | None = None  # this process's share while Redis is lost
        self._probe_at = 0.0
        self._back_since: float | None = None
        self.sent = 0
        self.retaken = 0
        try:
            self._redis.ping()
        except self._errors as exc:
            raise RateLimitBackendError(f"the rate limit backend {redact_url(url)} cannot be reached: {exc}") from None

    def __repr__(self) -> str:
        return f"RedisIpBudget({self._redact(self.url)!r}, limit={self.limit}, window_s={self.window_s})"

    @property
    def falling_back(self) -> bool:
        """True while Redis is lost and this process paces itself on its local share."""
        return self._local is not None

    def reserve(self, deadline: float | None = None, need_s: float = 0.0) -> float:
        """See `IpBudget.reserve` (time.monotonic)."""
        local = self._local
        if local is not None:
            if time.monotonic() >= self._probe_at:
                self._probe(local)
            if self._local is not None:
                return local.reserve(deadline, need_s)
        shape = self._shape
        longest = -1 if deadline is None else int((deadline - need_s - time.monotonic()) * 1e6)
        if deadline is not None and longest < 0:
            raise OutOfTime
        tail = int((shape.window_s + shape.jitter_s) * 1e6)
        try:
            taken, wait, members = self._pace(
                keys=self._keys,
                args=[repr(shape.rate), int(shape._tau * 1e6), self._holder, tail, int(MEMBER_TTL_S * 1e6), longest],
            )
        except self._errors as exc:
            return self._lose(exc).reserve(deadline, need_s)
        self._members = max(1, int(members))
        if not int(taken):
            raise OutOfTime
        return time.monotonic() + int(wait) / 1e6

    def _lose(self, exc: BaseException) -> IpBudget:
        with self._lock:
            if self._local is None:
                share = max(3, self.limit // self._members)
                self._local = IpBudget(share, self.window_s, burst=1, start_late=True)
                self._back_since = None
                self._probe_at = time.monotonic() + PROBE_S
                # INFO: the operations' budgets on the same backend warn of the outage (once).
                log.info(
                    "rate limit backend %s unreachable (%s): pacing this process's requests to %s on its share of "
                    "the per-IP cap, %d of %d per %g s (%d processes were sharing it); Redis is probed every %g s",
                    self._redact(self.url),
                    type(exc).__name__,
                    self.origin,
                    share,
                    self.limit,
                    self.window_s,
                    self._members,
                    PROBE_S,
                )
            return self._local

    def _probe(self, local: IpBudget) -> None:
        """Redis back? Reserve this process's share's rate there; a probe interval and a window later, rejoin."""
        now = time.monotonic()
        self._probe_at = now + PROBE_S
        # The share's whole limit per window, a little more than its rate: see the module's doc.
        reservation = f"{self._holder}:{int(local.limit / (local.window_s + local.jitter_s) * 1000) + 1}"
        try:
            self._reserve(keys=[self._keys[2]], args=[reservation, int(3 * PROBE_S * 1e6), int(self.window_s) + 10])
        except self._errors:
            self._back_since = None
            return
        if self._back_since is None:
            self._back_since = now
            return
        if now - self._back_since < PROBE_S + local.window_s + local.jitter_s:
            return
        with self._lock:
            self._local, self._back_since = None, None
        log.info("rate limit backend %s reachable: the per-IP budget is shared there again", self._redact(self.url))

    def used(self, n: int = 1) -> None:
        with self._lock:
            self.sent += n

    def _late(self) -> None:
        with self._lock:
            self.retaken += 1

    def pace(self, deadline: float | None = None, need_s: float = STALL_MARGIN_S) -> None:
        """See `IpBudget.pace`."""
        while True:
            at = self.reserve(deadline, need_s)
            if (delay := at - time.monotonic()) > 0:
                time.sleep(delay)
            if time.monotonic() - at <= self.late_s:
                self.used()
                return
            self._late()

    async def apace(self, deadline: float | None = None, need_s: float = STALL_MARGIN_S) -> None:
        """See `IpBudget.pace`: Redis calls run in a worker thread (redis-py is blocking)."""
        while True:
            at = await asyncio.to_thread(self.reserve, deadline, need_s)
            if (delay := at - time.monotonic()) > 0:
                await asyncio.sleep(delay)
            if time.monotonic() - at <= self.late_s:
                self.used()
                return
            self._late()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._redis.close()


Budget = IpBudget | RedisIpBudget

# One budget per server (and cap, and backend) for the whole process, held by the clients that use it:
# it goes with the last of them (the next one starts without its burst, see `IpBudget`).
_budgets: weakref.WeakValueDictionary[tuple[str, int, float, str | None], Budget] = weakref.WeakValueDictionary()
_budgets_lock = threading.Lock()


def ip_budget(origin: str, limit: int, window_s: float, backend: str | None = None) -> Budget:
    """The per-IP budget of requests to `origin` (scheme://host:port) in this process, shared by every
    client (sync or async, every key) that talks to it; in Redis at `backend` if given."""
    key = (origin, limit, float(window_s), backend)
    with _budgets_lock:
        budget = _budgets.get(key)
        if budget is None:
            budget = IpBudget(limit, window_s) if backend is None else RedisIpBudget(backend, origin, limit, window_s)
            _budgets[key] = budget
        return budget


def origin_of(base_url: str) -> str:
    """scheme://host:port of a base URL (the default port spelled out), as `server_clock` keys it."""
    import httpx

    url = httpx.URL(base_url)
    return f"{url.scheme}://{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


def _need(limiter: Limiter) -> float:
    return limiter.round_trip_s() if isinstance(limiter, SlidingWindowLimiter) else STALL_MARGIN_S


def _restamp(permit: Permit) -> None:
    """The request goes now, not when the operation's permit was granted (its uplink delay and round
    trip are measured from here: the wait for the IP budget is neither)."""
    if permit.sent_at:
        permit.sent_at = permit.granted_at = permit._clock()


@contextlib.contextmanager
def gated(
    limiter: Limiter, budget: Budget | None, deadline: float | None, server: OffsetBound | None
) -> Iterator[Permit]:
    """The operation's permit (`limiter.slot`), then a slot of the per-IP `budget` (None: none)."""
    with limiter.slot(deadline, server) as permit:
        if budget is not None:
            budget.pace(deadline, _need(limiter))
            _restamp(permit)
        yield permit


@contextlib.asynccontextmanager
async def agated(
    limiter: Limiter, budget: Budget | None, deadline: float | None, server: OffsetBound | None
) -> AsyncIterator[Permit]:
    """See `gated` (asyncio)."""
    async with limiter.aslot(deadline, server) as permit:
        if budget is not None:
            await budget.apace(deadline, _need(limiter))
            _restamp(permit)
        yield permit

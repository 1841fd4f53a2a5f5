"""The overall per-IP budget: every request of every client of this process to one server, counted together.

Bitget counts every request from one IP address, of every key and sub-account, signed or not, against
an overall cap (the contract's own top-level `x-rate-limit`: 6,000 in any minute), and past it answers
everything from that address with 429 for 5 minutes (`penalty-ms`). Each key's budgets (`_ratelimit`)
know nothing of the others: 20 sub-accounts at their 10/s each send 200/s, and trip the cap after 30 s.
So every request a client sends also takes a slot here, from a budget shared by every client of the
process (and, with `rate_limit_backend=`, of every process on that Redis) that talks to the server.

The budget is a sliding-window log, the cap's own shape: a request may go when fewer than `room`
(`limit - margin`) requests went in the `span` (`window + jitter_s`) before it. Waiters take their send
times in the order they ask (each time fixed then: the earliest at which the log has room for it), so a
run that the window's budget holds goes at full speed (20 sub-accounts' 2,000 requests: at their own
10/s, not paced here at all), and a longer one goes at full speed until the span is spent, then as its
first requests leave it (6,000 a minute: 5,940 per 60.5 s; 20 sub-accounts send 5,940 in 30 s, nothing
for 30 s, then 200/s again; 98.2/s over a long run). A pacer at the cap's mean rate (the first design,
GCRA: 98.8/s after a burst of 20) never needs the window's room, and slows every run of more than its
burst to it: 20 sub-accounts' 2,000 requests took 20 s rather than 10.

Why the server's window holds at most `limit`: any span of `span` seconds (half open) holds at most
`room` send times (a time is taken only where every span around it holds fewer). A request is sent at
its time or up to `late_s` after it (a waiter that wakes later gives its time up and takes a new one),
and reaches the server after the link's least delay plus its jitter; `jitter_s` covers the lateness,
the time to the socket and the link's jitter, so the requests arriving in any `window` of the server
took their times within less than `span`: at most `room`. The margin (1 % of the limit, at least one)
is for what that bound misses: a request held between its time and its write longer than it (a stalled
process, a GC pause, a busy event loop: with 200 requests due at once on 2 cores, bench 3d's busiest
minute held 5,941, one past `room`), a Redis process's view of the others (below). The log
outlives its clients: a budget that starts anew, after the last client of the old one went, takes the
old log (its requests still count at the server).

With Redis (`RedisIpBudget`) the log lives in Redis: a sorted set of send times on Redis's clock, keyed
by a hash of the server's origin, trimmed, counted and added to by one Lua script; processes of one
host share the address, and so share one log. Processes on other hosts (other addresses) using the same
Redis share it too (safe, slower; give them another Redis database). Redis lost: each process goes on
with a local log at its share (`limit` divided by the processes seen lately), holding its last view of
the shared log (counted by slices of the span, divided among the processes: together they add no more
than the log had room for; a view older than `VIEW_S` is grown by twice its recent rate for its age;
no view at all counts the share as spent, a span's wait). When Redis is back it reserves its share
there (the others' room shrinks by it), keeps to its share for a probe interval and a span more (so
every process still on its share has reserved too), then writes its recent requests into the shared
log, drops the reservation and shares again.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import itertools
import logging
import math
import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from bitget_api import facts

from .window import STALL_MARGIN_S, Limiter, OutOfTime, Permit, SlidingWindowLimiter, Steps

log = logging.getLogger("bitget_sdk")

# Timing jitter a window is widened by (a late wake-up plus the link's jitter), at most a quarter window.
JITTER_S = 0.5
# Requests kept out of each window's budget, as a share of the limit (at least one).
MARGIN = 0.01
PROBE_S = 1.0
MEMBER_TTL_S = 10.0
# Redis's view of the shared log: slices of the span it is counted by, and how long it is trusted.
SLICES = 8
VIEW_S = 0.5


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
    """The log of one address's requests to one server, in this process (see the module's doc)."""

    def __init__(
        self,
        limit: int,
        window_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        log: list[float] | None = None,
    ) -> None:
        if limit < 3:
            raise ValueError("an IP budget needs a limit of at least 3")
        self.limit = limit
        self.window_s = window_s
        self.jitter_s = min(JITTER_S, window_s / 4)
        self.late_s = self.jitter_s / 2  # a wake-up later than this gives its time up
        self.margin = max(1, math.ceil(limit * MARGIN))
        self.room = limit - self.margin  # requests in any span
        self.span_s = window_s + self.jitter_s
        self._clock = clock
        self._lock = threading.Lock()
        self._log = [] if log is None else log  # send times taken (this budget's clock), sorted
        self.sent = 0  # times taken and used
        self.retaken = 0  # times given up by a late wake-up

    def __repr__(self) -> str:
        return f"IpBudget(limit={self.limit}, window_s={self.window_s}, room={self.room} per {self.span_s:g} s)"

    def reserve(self, deadline: float | None = None, need_s: float = 0.0) -> float:
        """Take the next send time (this budget's clock). OutOfTime (nothing taken) if a request sent then
        could not be answered by `deadline`, `need_s` being a usual attempt."""
        with self._lock:
            now = self._clock()
            times = self._log
            if gone := bisect.bisect_right(times, now - self.span_s):
                del times[:gone]  # out of every span that can hold a time from now on
            at = now
            if len(times) >= self.room:
                # A span holding `at` holds none of the times up to this one (at or before `at - span`, the
                # log being sorted): at most the room - 1 after it.
                at = max(now, times[len(times) - self.room] + self.span_s)
            if deadline is not None and at + need_s > deadline:
                raise OutOfTime
            bisect.insort(times, at)
            return at

    def release(self, at: float) -> None:
        """Give a time taken and not used back (nothing was sent at it: every span holds one fewer)."""
        with self._lock:
            i = bisect.bisect_left(self._log, at)
            if i < len(self._log) and self._log[i] == at:
                del self._log[i]

    def seed(self, times: list[float]) -> None:
        """Count requests sent (or due) at `times` that this budget did not schedule."""
        with self._lock:
            for t in times:
                bisect.insort(self._log, t)

    def recent(self) -> list[float]:
        """The times in the log that still count: within a span of now, or ahead."""
        with self._lock:
            start = bisect.bisect_right(self._log, self._clock() - self.span_s)
            return self._log[start:]

    def used(self, n: int = 1) -> None:
        with self._lock:
            self.sent += n

    def _late(self, at: float) -> None:
        self.release(at)
        with self._lock:
            self.retaken += 1

    def pace(self, deadline: float | None = None, need_s: float = STALL_MARGIN_S) -> Steps[None]:
        """The wait for a send time, as steps (`Steps`): ends at most `late_s` after it; OutOfTime if
        none is in time. Abandoned while waiting, the time goes back."""
        while True:
            at = self.reserve(deadline, need_s)
            try:
                if (delay := at - self._clock()) > 0:
                    yield delay
            except BaseException:
                self.release(at)
                raise
            if self._clock() - at <= self.late_s:
                self.used()
                return
            self._late(at)


# KEYS: log (send times, µs on Redis's clock; members unique), members, reserved. ARGV: room, span µs,
# holder, member ttl µs, longest wait µs (-1: any), this request's member, slices. Returns {1 = taken |
# 0 = too late (nothing taken), µs until its time, members, then the log's view: its count in each slice
# of the span up to now, the count ahead of now and the µs to the last of those}.
_PACE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local mttl = tonumber(ARGV[4])
redis.call('ZADD', KEYS[2], now, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - mttl)
redis.call('PEXPIRE', KEYS[2], math.ceil(mttl / 1000))
local members = redis.call('ZCARD', KEYS[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local room = tonumber(ARGV[1])
for _, m in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  local holder, share = string.match(m, '^(.*):(%d+)$')
  if holder ~= ARGV[3] then room = room - tonumber(share) end
end
if room < 1 then room = 1 end
local span = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - span))
local count = redis.call('ZCARD', KEYS[1])
local at = now
if count >= room then
  local oldest = redis.call('ZRANGE', KEYS[1], count - room, count - room, 'WITHSCORES')
  at = math.max(now, tonumber(oldest[2]) + span)
end
local longest = tonumber(ARGV[5])
local taken = 0
if longest < 0 or at - now <= longest then
  redis.call('ZADD', KEYS[1], string.format('%.0f', at), ARGV[6])
  taken = 1
end
local reply = {taken, math.floor(at - now), members}
local slices = tonumber(ARGV[7])
local width = span / slices
for i = 0, slices - 1 do
  local lo = string.format('(%.0f', now - span + i * width)
  local hi = string.format('%.0f', now - span + (i + 1) * width)
  reply[#reply + 1] = redis.call('ZCOUNT', KEYS[1], lo, hi)
end
reply[#reply + 1] = redis.call('ZCOUNT', KEYS[1], string.format('(%.0f', now), '+inf')
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local ahead = 0
if last[2] then ahead = math.max(0, tonumber(last[2]) - now) end
reply[#reply + 1] = math.floor(ahead)
if last[2] then redis.call('PEXPIRE', KEYS[1], math.ceil((ahead + span) / 1000) + 1) end
return reply
"""

# Back from the local share: KEYS: log, reserved. ARGV: holder, span µs, then pairs: a member, the µs
# before now it was sent (negative: ahead). The process's recent requests join the log; its reservation goes.
_REJOIN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
for i = 3, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], string.format('%.0f', now - tonumber(ARGV[i + 1])), ARGV[i])
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then
  redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(0, tonumber(last[2]) - now) + tonumber(ARGV[2])) / 1000) + 1)
end
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if string.match(m, '^(.*):%d+$') == ARGV[1] then redis.call('ZREM', KEYS[2], m) end
end
return (#ARGV - 2) / 2
"""


class RedisIpBudget:
    """The log of `IpBudget` in Redis, shared by every process using it (see the module's doc)."""

    def __init__(self, url: str, origin: str, limit: int, window_s: float) -> None:
        try:
            import redis
        except ImportError:
            raise ValueError("rate_limit_backend needs redis-py: pip install 'bitget-batch-cancel[redis]'") from None
        from .._core.errors import RateLimitBackendError
        from .redis_window import _RESERVE, SOCKET_TIMEOUT_S, redact_url

        self._shape = IpBudget(limit, window_s)  # the numbers (room, span, late_s), not the log
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
        self._keys = [f"{prefix}:log", f"{prefix}:members", f"{prefix}:reserved"]
        self._pace = self._redis.register_script(_PACE)
        self._reserve = self._redis.register_script(_RESERVE)
        self._rejoin = self._redis.register_script(_REJOIN)
        self._holder = f"{os.getpid()}-{os.urandom(6).hex()}"
        self._seq = itertools.count()
        self._redact = redact_url
        self._lock = threading.Lock()
        self._members = 1
        # The log as the last answer saw it: (time.monotonic then, counts by slice, count ahead, µs to its last).
        self._view: tuple[float, list[int], int, int] | None = None
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
        return self._take(deadline, need_s)[0]

    def _take(self, deadline: float | None, need_s: float) -> tuple[float, str | IpBudget]:
        """A send time, and where it was taken: its member in the Redis log, or the local log."""
        local = self._local
        if local is not None:
            if time.monotonic() >= self._probe_at:
                self._probe(local)
            if self._local is not None:
                return local.reserve(deadline, need_s), local
        shape = self._shape
        longest = -1 if deadline is None else int((deadline - need_s - time.monotonic()) * 1e6)
        if deadline is not None and longest < 0:
            raise OutOfTime
        member = f"{self._holder}:{next(self._seq)}"
        args: list[int | str] = [
            shape.room,
            int(shape.span_s * 1e6),
            self._holder,
            int(MEMBER_TTL_S * 1e6),
            longest,
            member,
            SLICES,
        ]
        try:
            reply = self._pace(keys=self._keys, args=args)
        except self._errors as exc:
            local = self._lose(exc)
            return local.reserve(deadline, need_s), local
        # The time is Redis's now plus the wait: mapped to the answer's arrival, it errs late (safe).
        now = time.monotonic()
        taken, wait, members, *view = (int(x) for x in reply)
        self._members = max(1, members)
        self._view = (now, view[:SLICES], view[SLICES], view[SLICES + 1])
        if not taken:
            raise OutOfTime
        return now + wait / 1e6, member

    def _seeds(self, members: int, room: int) -> list[float]:
        """The shared log as the last answer saw it, divided among `members` (time.monotonic). A view older
        than VIEW_S is grown by what the log may have taken since, at twice the rate of its busiest
        recent slice (a process that last paced a while ago, waiting on its key's permit, knows the log
        only that old). No view, or one a span old: this process's whole `room`, now (the others may
        have spent the span)."""
        now = time.monotonic()
        view = self._view
        span = self._shape.span_s
        if view is None or now - view[0] >= span:  # no view, or one whose requests have all left the span
            return [now] * room
        seen, counts, ahead, last_us = view
        seeds: list[float] = []
        for i, count in enumerate(counts):  # each slice's requests at its end: they leave the span last
            seeds += [seen - span + (i + 1) * span / len(counts)] * -(-count // members)
        if (age := now - seen) > VIEW_S:
            rate = max(counts[-2:], default=0) / (span / len(counts))
            seeds += [now] * min(room, math.ceil(2 * rate * age / members) + 1)
        return seeds + [seen + last_us / 1e6] * -(-ahead // members)

    def _lose(self, exc: BaseException) -> IpBudget:
        with self._lock:
            if self._local is None:
                members = self._members
                local = IpBudget(max(3, self.limit // members), self.window_s)
                local.seed(self._seeds(members, local.room))
                self._local = local
                self._back_since = None
                self._probe_at = time.monotonic() + PROBE_S
                # INFO: the operations' budgets on the same backend warn of the outage (once).
                log.info(
                    "rate limit backend %s unreachable (%s): pacing this process's requests to %s on its share of "
                    "the per-IP cap, %d of %d per %g s (%d processes were sharing it); Redis is probed every %g s",
                    self._redact(self.url),
                    type(exc).__name__,
                    self.origin,
                    local.limit,
                    self.limit,
                    self.window_s,
                    members,
                    PROBE_S,
                )
            return self._local

    def _probe(self, local: IpBudget) -> None:
        """Redis back? Reserve this process's share there; a probe interval and a span later, rejoin."""
        now = time.monotonic()
        self._probe_at = now + PROBE_S
        # The reservation outlives the share's requests in the span if this process goes.
        lasts_s = 3 * PROBE_S + local.span_s
        try:
            self._reserve(
                keys=[self._keys[2]], args=[f"{self._holder}:{local.limit}", int(lasts_s * 1e6), int(lasts_s) + 10]
            )
            if self._back_since is None:
                self._back_since = now
                return
            if now - self._back_since < PROBE_S + local.span_s:
                return
            ago = [(f"{self._holder}:{next(self._seq)}", int((now - t) * 1e6)) for t in local.recent()]
            args: list[int | str] = [self._holder, int(local.span_s * 1e6)]
            self._rejoin(keys=[self._keys[0], self._keys[2]], args=args + [x for pair in ago for x in pair])
        except self._errors:
            self._back_since = None
            return
        with self._lock:
            self._local, self._back_since = None, None
        log.info("rate limit backend %s reachable: the per-IP budget is shared there again", self._redact(self.url))

    def _release(self, where: str | IpBudget, at: float) -> None:
        if isinstance(where, IpBudget):
            where.release(at)
            return
        with contextlib.suppress(*self._errors):
            self._redis.zrem(self._keys[0], where)

    def used(self, n: int = 1) -> None:
        with self._lock:
            self.sent += n

    def _late(self, where: str | IpBudget, at: float) -> None:
        self._release(where, at)
        with self._lock:
            self.retaken += 1

    def pace(self, deadline: float | None = None, need_s: float = STALL_MARGIN_S) -> Steps[None]:
        """See `IpBudget.pace`: Redis calls are blocking steps. Abandoned while waiting, a time in Redis
        stays taken (it leaves the span with it): safe."""
        while True:
            at, where = yield functools.partial(self._take, deadline, need_s)
            try:
                if (delay := at - time.monotonic()) > 0:
                    yield delay
            except BaseException:
                if isinstance(where, IpBudget):
                    where.release(at)
                raise
            if time.monotonic() - at <= self.late_s:
                self.used()
                return
            yield functools.partial(self._late, where, at)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._redis.close()


Budget = IpBudget | RedisIpBudget

# One budget per server (and cap, and backend) for the whole process, held by the clients that use it.
# The in-process logs outlive their budgets: a new budget takes the log of the one gone before it.
_budgets: weakref.WeakValueDictionary[tuple[str, int, float, str | None], Budget] = weakref.WeakValueDictionary()
_logs: dict[tuple[str, int, float, str | None], list[float]] = {}
_budgets_lock = threading.Lock()


def ip_budget(origin: str, limit: int, window_s: float, backend: str | None = None) -> Budget:
    """The per-IP budget of requests to `origin` (scheme://host:port) in this process, shared by every
    client (sync or async, every key) that talks to it; in Redis at `backend` if given."""
    key = (origin, limit, float(window_s), backend)
    with _budgets_lock:
        budget = _budgets.get(key)
        if budget is None:
            if backend is None:
                _forget_logs()
                budget = IpBudget(limit, window_s, log=_logs.setdefault(key, []))
            else:
                budget = RedisIpBudget(backend, origin, limit, window_s)
            _budgets[key] = budget
        return budget


def _forget_logs() -> None:
    """Drop the logs of budgets gone whose requests have all left the span (with `_budgets_lock` held)."""
    now = time.monotonic()
    for key, times in list(_logs.items()):
        span = key[2] + min(JITTER_S, key[2] / 4)
        if key not in _budgets and (not times or times[-1] <= now - span):
            del _logs[key]


def origin_of(base_url: str) -> str:
    """scheme://host:port of a base URL (the default port spelled out), as `server_clock` keys it."""
    import httpx

    url = httpx.URL(base_url)
    return f"{url.scheme}://{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


def need_s(limiter: Limiter) -> float:
    """How long an attempt on `limiter`'s permit may take, as the per-IP budget's deadline gate asks."""
    return limiter.round_trip_s() if isinstance(limiter, SlidingWindowLimiter) else STALL_MARGIN_S


def restamp(permit: Permit) -> None:
    """The request goes now, not when the operation's permit was granted (its uplink delay and round
    trip are measured from here: the wait for the IP budget is neither)."""
    if permit.sent_at:
        permit.sent_at = permit.granted_at = permit._clock()

"""One rate budget shared by every process and host, on Redis (`rate_limit_backend="redis://..."`).

Bitget counts 10 batch cancels a second per UID, whoever sends them. The in-process limiter
(`_ratelimit.py`) keeps that for one process; this one keeps the same guarantee across processes: the
N permits live in Redis, and a permit is held from before a request is sent until its answer, then
free again a window (plus margin) later, so no N+1 arrivals can fall in any window whatever the
jitter. Everything that decides is a Lua script (atomic on the server) on Redis's own clock (`TIME`),
so hosts whose clocks disagree still agree on the window.

Redis keys (per budget, a hash of the budget key so no API key is written anywhere), all expiring:
* `<p>:permits` hash: permit index -> "free-at-µs|holder" (held: free at the holder's lease end, so a
  process killed while holding a permit loses it only until the lease ends, the attempt's deadline
  plus a window);
* `<p>:members` sorted set: processes seen using the budget lately (score: last seen);
* `<p>:reserved` sorted set: processes that lost Redis and are sending on their local share.

Redis lost mid-run: the limiter falls back to a local share of the budget (the limit divided by the
processes last seen sharing it, at least 1), starting a window after the loss so that earlier arrivals
have left the window; logged once. Every other process that lost Redis does the same, so together
they stay within the limit. It probes Redis once a second; when Redis answers, it first reserves its
share there (others' grants leave room for it), keeps to that share for one more probe interval plus
a window (so every process still on its share has seen Redis back and reserved too), then writes its
recent local permits into Redis and shares again; work waiting on the local share moves to Redis as
soon as it is back. Permits gone under a process that was using them (FLUSHALL, or a restart it did
not see) come back held for a window, not all free. A process that can reach Redis while others cannot
(a partition, not an outage) is not covered: the others' local shares are then on top of its budget.

Why Lua on a hash of permits rather than a library: the Redis rate-limit libraries for Python count
requests in fixed or sliding windows by *send* time; none holds a permit until the answer, which is
what makes a strict server's window safe under jitter.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import threading
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .._core.errors import RateLimitBackendError
from .window import OffsetBound, OutOfTime, Permit, SlidingWindowLimiter, Steps

log = logging.getLogger("bitget_sdk")

_POLL_S = 0.002
PROBE_S = 1.0
# How often work waiting on the local share looks whether Redis is back (`_on_share`).
_REJOIN_CHECK_S = 0.05
MEMBER_TTL_S = 10.0
SOCKET_TIMEOUT_S = 0.5

# KEYS: permits, members, reserved. ARGV: limit, lease µs, holder, key ttl s, member ttl µs, whether the
# holder was granted a permit lately ("1": the permits must exist), µs of a window and margin.
# Returns {1, index, members} on a grant, else {0, µs until a permit may free (-1: poll), members}.
# Permits gone under a holder that was using them (FLUSHALL, or a restart it did not see) may have
# requests in the window still: they come back held for a window, not all free at once.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ttl = tonumber(ARGV[4])
redis.call('ZADD', KEYS[2], now, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[5]))
redis.call('EXPIRE', KEYS[2], ttl)
local members = redis.call('ZCARD', KEYS[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local reserved = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  local holder, share = string.match(m, '^(.*):(%d+)$')
  if holder ~= ARGV[3] then reserved = reserved + tonumber(share) end
end
local limit = tonumber(ARGV[1])
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then
  local hold = string.format('%d|', now + tonumber(ARGV[7]))
  for i = 0, limit - 1 do redis.call('HSET', KEYS[1], i, hold) end
  redis.call('EXPIRE', KEYS[1], ttl)
  return {0, tonumber(ARGV[7]), members}
end
local busy, free, soonest = 0, nil, nil
for i = 0, limit - 1 do
  local v = redis.call('HGET', KEYS[1], i)
  local at = 0
  if v then at = tonumber(string.match(v, '^(%d+)')) end
  if at > now then
    busy = busy + 1
    if not soonest or at < soonest then soonest = at end
  elseif not free then
    free = i
  end
end
if free and busy + reserved < limit then
  redis.call('HSET', KEYS[1], free, string.format('%d|%s', now + tonumber(ARGV[2]), ARGV[3]))
  redis.call('EXPIRE', KEYS[1], ttl)
  return {1, free, members}
end
if soonest and busy + reserved >= limit then return {0, soonest - now, members} end
return {0, -1, members}
"""

# KEYS: permits. ARGV: index, holder, µs from now until it is free. Only the holder's own permit
# (its lease may have ended and the permit gone to someone else: then nothing changes).
_RELEASE = """
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v or string.sub(v, -string.len(ARGV[2]) - 1) ~= '|' .. ARGV[2] then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d|', now + tonumber(ARGV[3])))
return 1
"""

# KEYS: reserved. ARGV: "holder:share", µs the reservation lasts, key ttl s.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local holder = string.match(ARGV[1], '^(.*):%d+$')
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.match(m, '^(.*):%d+$') == holder then redis.call('ZREM', KEYS[1], m) end
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""

# Back from the local share: KEYS: permits, reserved. ARGV: holder, limit, key ttl s, then the µs until
# each of the local permits used lately is free. They take free permits in Redis; the reservation goes.
_REJOIN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[2])
local n = 4
for i = 0, limit - 1 do
  if n > #ARGV then break end
  local v = redis.call('HGET', KEYS[1], i)
  local at = 0
  if v then at = tonumber(string.match(v, '^(%d+)')) end
  if at <= now then
    redis.call('HSET', KEYS[1], i, string.format('%d|', now + tonumber(ARGV[n])))
    n = n + 1
  end
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if string.match(m, '^(.*):%d+$') == ARGV[1] then redis.call('ZREM', KEYS[2], m) end
end
return n - 4
"""


def redact_url(url: str) -> str:
    """The backend URL without its password (it may carry one: redis://:secret@host)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def check_backend_url(url: Any) -> str:
    if not isinstance(url, str) or urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        shown = redact_url(url) if isinstance(url, str) else repr(url)
        raise ValueError(f"rate_limit_backend must be a redis://, rediss:// or unix:// URL, not {shown!r}")
    return url


def _check_time(deadline: float | None, wait: float) -> None:
    if deadline is not None and time.monotonic() + wait > deadline:
        raise OutOfTime


class _Grant:
    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


class RedisWindowLimiter:
    """The permit limiter of `_ratelimit.SlidingWindowLimiter`, with its permits in Redis."""

    def __init__(
        self, url: str, budget_key: str, limit: int, *, window_s: float = 1.0, margin_s: float = 0.005, hold_s: float
    ) -> None:
        try:
            import redis
        except ImportError:
            raise ValueError("rate_limit_backend needs redis-py: pip install 'bitget-batch-cancel[redis]'") from None
        self.url = url
        self.limit = limit
        self.window_s = window_s
        self.margin_s = margin_s
        self.hold_s = hold_s
        self._errors: tuple[type[BaseException], ...] = (redis.ConnectionError, redis.TimeoutError)
        self._redis = redis.Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT_S, socket_connect_timeout=SOCKET_TIMEOUT_S
        )
        prefix = "bitget-sdk:rl:" + hashlib.sha256(budget_key.encode()).hexdigest()[:24]
        self._keys = [f"{prefix}:permits", f"{prefix}:members", f"{prefix}:reserved"]
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._release = self._redis.register_script(_RELEASE)
        self._reserve = self._redis.register_script(_RESERVE)
        self._rejoin = self._redis.register_script(_REJOIN)
        self._holder = f"{os.getpid()}-{os.urandom(6).hex()}"
        self._lock = threading.Lock()
        self._members = 1
        self._in_flight = 0
        self._local: SlidingWindowLimiter | None = None  # the share while Redis is lost
        self._probe_at = 0.0
        self._granted_at = -1e18  # when Redis last granted this process a permit
        self._back_since: float | None = None
        try:
            self._redis.ping()
        except self._errors as exc:
            raise RateLimitBackendError(f"the rate limit backend {redact_url(url)} cannot be reached: {exc}") from None

    def __repr__(self) -> str:
        return f"RedisWindowLimiter({redact_url(self.url)!r}, limit={self.limit})"

    @property
    def falling_back(self) -> bool:
        """True while Redis is lost and this process sends on its local share."""
        return self._local is not None

    def idle(self) -> bool:
        with self._lock:
            local = self._local
            return self._in_flight == 0 and (local is None or local.idle())

    def _ttl_s(self) -> int:
        return int(self.hold_s + self.window_s + self.margin_s + MEMBER_TTL_S) + 1

    # --- one step of acquiring -----------------------------------------------------------------

    def _step(self) -> _Grant | SlidingWindowLimiter | float:
        """A grant, the local limiter to use instead (Redis lost), or seconds to wait before trying again."""
        local = self._local
        if local is not None:
            if self._probe_due():
                self._probe(local)
            return self._local or local
        try:
            ok, value, members = self._acquire(
                keys=self._keys,
                args=[
                    self.limit,
                    int((self.hold_s + self.window_s) * 1e6),
                    self._holder,
                    self._ttl_s(),
                    int(MEMBER_TTL_S * 1e6),
                    "1" if time.monotonic() - self._granted_at < self._ttl_s() - 2 else "0",
                    int((self.window_s + self.margin_s) * 1e6),
                ],
            )
        except self._errors as exc:
            return self._lose(exc)
        self._members = max(1, int(members))
        if ok:
            self._granted_at = time.monotonic()
            return _Grant(int(value))
        wait = int(value)
        return _POLL_S if wait < 0 else min(max(wait / 1e6, _POLL_S), self.window_s)

    def _forget_connections(self) -> None:
        """Drop every pooled connection: after a restart each one is stale and fails once when used, so a
        process whose pool held ten would need ten probes (ten seconds) to see Redis back, sending on its
        share meanwhile while the others, back already, use the whole budget (seen: 10 x 429)."""
        with contextlib.suppress(Exception):
            self._redis.connection_pool.disconnect()

    def _lose(self, exc: BaseException) -> SlidingWindowLimiter:
        with self._lock:
            if self._local is None:
                self._forget_connections()
                share = max(1, self.limit // self._members)
                local = SlidingWindowLimiter(share, window_s=self.window_s, margin_s=self.margin_s)
                local.hold_until(time.monotonic() + self.window_s + self.margin_s)
                self._local, self._back_since = local, None
                self._probe_at = time.monotonic() + PROBE_S
                log.warning(
                    "rate limit backend %s lost (%s): sending on this process's share, %d of %d requests per "
                    "%g s (%d processes were sharing the budget); Redis is probed every %g s",
                    redact_url(self.url),
                    type(exc).__name__,
                    share,
                    self.limit,
                    self.window_s,
                    self._members,
                    PROBE_S,
                )
            return self._local

    def _probe(self, local: SlidingWindowLimiter) -> None:
        """Redis back? Reserve this process's share there; after a probe interval and a window, rejoin."""
        now = time.monotonic()
        self._probe_at = now + PROBE_S
        reservation = f"{self._holder}:{local.limit}"
        lasts = int((3 * PROBE_S + self.window_s) * 1e6)
        try:
            self._reserve(keys=[self._keys[2]], args=[reservation, lasts, self._ttl_s()])
            if self._back_since is None:
                self._back_since = now
                return
            if now - self._back_since < PROBE_S + self.window_s + self.margin_s:
                return
            busy = [int(d * 1e6) for d in local.busy_for() if d > 0]
            self._rejoin(keys=[self._keys[0], self._keys[2]], args=[self._holder, self.limit, self._ttl_s(), *busy])
        except self._errors:
            self._back_since = None
            self._forget_connections()
            return
        with self._lock:
            self._local, self._back_since = None, None
        log.warning("rate limit backend %s is back: sharing the budget there again", redact_url(self.url))

    def _done(self, grant: _Grant) -> None:
        """The answer is back (or the attempt failed): the permit is free a window (plus margin) from now."""
        free_in = int((self.window_s + self.margin_s) * 1e6)
        try:
            self._release(keys=[self._keys[0]], args=[grant.index, self._holder, free_in])
        except self._errors as exc:
            self._lose(exc)  # the permit stays held in Redis until its lease ends: safe

    # --- the acquire API of SlidingWindowLimiter ---------------------------------------------------

    def acquire(self, deadline: float | None = None, server: OffsetBound | None = None) -> Steps[Permit]:
        """See `SlidingWindowLimiter.acquire`: the permit is free a window after the answer (processes on
        other links share it, so one process's arrival estimates do not bound theirs; `server` serves
        the in-process fallback). Redis calls are blocking steps (redis-py is blocking: the async
        client runs them in a worker thread). Abandoned during one, a grant it made stays held until
        its lease ends: safe."""
        if self.limit == 0:
            return Permit()
        while True:
            step = yield self._step
            if isinstance(step, SlidingWindowLimiter):
                local = yield from self._on_share(step, deadline, server)
                if local is not None:
                    return local
                continue  # Redis is back: ask it
            if isinstance(step, _Grant):
                break
            _check_time(deadline, step)
            yield step
        with self._lock:
            self._in_flight += 1
        permit = Permit()
        permit.release = functools.partial(self._release_steps, step)
        return permit

    def _on_share(
        self, local: SlidingWindowLimiter, deadline: float | None, server: OffsetBound | None
    ) -> Steps[Permit | None]:
        """A permit of this process's local share (Redis lost), or None as soon as Redis is back: work
        waiting on the share then moves to the shared budget at once (what it took goes back), rather
        than sending on a share whose reservation in Redis is about to end. While it waits, it probes
        Redis when a probe is due, so a process whose every worker waits on the share still rejoins."""
        steps = local.acquire(deadline, server)
        try:
            step = next(steps)
            while True:
                assert not callable(step)  # the local limiter only sleeps
                ends = time.monotonic() + step
                while (left := ends - time.monotonic()) > 0:
                    yield min(left, _REJOIN_CHECK_S)
                    if self._probe_due():
                        yield functools.partial(self._probe, local)
                    if self._local is not local:
                        steps.close()  # gives back what it took
                        return None
                step = steps.send(None)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        except BaseException:
            steps.close()
            raise

    def _probe_due(self) -> bool:
        """Whether this caller is the one to probe Redis now (one probe per interval, whoever asks)."""
        with self._lock:
            now = time.monotonic()
            if self._local is None or now < self._probe_at:
                return False
            self._probe_at = now + PROBE_S
            return True

    def _release_steps(self, grant: _Grant) -> Steps[None]:
        with self._lock:
            self._in_flight -= 1
        yield functools.partial(self._done, grant)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._redis.close()

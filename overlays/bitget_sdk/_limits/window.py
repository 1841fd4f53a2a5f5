"""Client-side rate limit that a strict server never answers with 429, at the full rate over any link.

The server counts arrivals: at most N in ANY sliding window (the strictest reading of
"10 times/1s"). A token bucket with a burst of N sends about 2N in its first second, and even a
limiter that spaces *send times* N per window is beaten by jitter: request k delayed on the way,
request k+N on time, and both land inside one window.

So this limiter holds N permits, and a permit is used again only when the next request on it cannot
arrive within a window of the last one's arrival. Two ways to know that:

* the answer is back: the last request arrived before its answer, so a send a window (plus margin)
  after the answer is safe whatever the link does. Always available; it costs a round trip per window.
* the answer says when it arrived: Bitget stamps `requestTime` (its clock when it took the request).
  Against our send times, `requestTime - sent_at` is the clock offset plus the uplink delay; its
  minimum over recent requests (`ArrivalModel`) bounds how early any request can arrive. A request
  sent at `t` arrives (server clock) no earlier than `t + c_min`, so the permit of a request stamped
  `rt` is free at `rt - c_min + window`: one window plus that request's uplink delay above the
  fastest, not a round trip. The estimate keeps a safety margin that shrinks as samples accumulate,
  is never later than the answer-based time (so never worse), and is switched off for a while after
  a 429.

* the clock offset's lower bound: a request's answer came after it arrived, so `requestTime - headers_at`
  (`OffsetBound`) is at most the server clock's lead over ours, and its maximum over recent requests
  bounds it from below, from the first answer on. A request stamped `rt` then arrived (our clock) no
  later than `rt - that bound`, and its permit is free a window after that. A bound, not an estimate:
  it needs no sample count and no margin of its own; it costs the fastest answer's downlink and the
  server's time after counting, so it serves the first windows of a run (where many clients starting
  together make every sample slow) and the model above takes over where it is earlier.

A 429 means someone else spends the budget too (another process on the key, or the website): the
limiter uses one permit fewer (once per window, however many 429s came in it) and takes one back per
calm window, so two uncoordinated senders settle near their shares instead of trading 429s, and a
server that throws the odd 429 costs little.

One limiter serves threads and asyncio tasks of sync and async clients alike: state changes under a
lock, and the waiting is the client's (`acquire` yields the sleeps as `Steps`; `_async/limits.py`
drives them, `_sync/limits.py` is written from it).
"""

from __future__ import annotations

import bisect
import collections
import functools
import threading
import time
import weakref
from collections.abc import Callable, Generator
from typing import Any, Protocol, TypeVar

_POLL_S = 0.002
# Added to the slowest recent attempt when the deadline gate asks whether one more would fit.
STALL_MARGIN_S = 0.05
# A permit taken this long before it is usable is asked again halfway (`SlidingWindowLimiter._review`).
_REVIEW_AFTER_S = 0.1


T = TypeVar("T")
# A budget's wait, sans I/O (h11's idea): a generator yielding seconds to sleep, or a blocking call (a
# Redis round trip) to run where blocking is allowed, its result sent back; it returns what it waited
# for. An exception thrown in while it waits (cancellation, KeyboardInterrupt) gives back what it took.
# The clients drive it (`drive` in `_async/limits.py`, and `_sync/limits.py` written from it), so the
# budgets hold no sleeping or threading of their own and exist once for both clients.
Step = float | Callable[[], Any]
Steps = Generator[Step, Any, T]


def _no_steps() -> Steps[None]:
    return
    yield


class OutOfTime(Exception):
    """No permit frees before the deadline: nothing was sent."""


# httpcore's trace events once a request's last bytes were handed to the socket, and once the answer's
# status line and headers are in (HTTP/1.1 and HTTP/2).
_WRITTEN = frozenset({"http11.send_request_body.complete", "http2.send_request_body.complete"})
# Sent by a transport that cannot tell when the request was written (`Permit.written`).
WRITE_UNHEARD = "bitget_sdk.write_unheard"
_ANSWERED = frozenset({"http11.receive_response_headers.complete", "http2.receive_response_headers.complete"})


class Permit:
    """One request's hold on the budget. The client stamps what the answer said before releasing it:
    `request_time_ms` (the server's clock when it took the request) and `throttled` (a 429).

    `sent_at` is set when the permit is granted, and moved to the moment the request's last bytes
    were handed to the socket if the transport reports it (`trace`, httpx's `trace` request extension).
    What happens in between (connecting, waiting for a pooled connection, a busy event loop or GIL) is
    not the link: counted as uplink delay, it would make the arrival model's floor too high, which is the
    unsafe direction (a burst of 200 new connections at a run's start measured 170 ms of it, and the
    permits built on it were reused that much too early: 429s). Stamped *after* the write rather than
    before it: anyio yields to the event loop before each write, and a busy loop's turn (100 ms and
    more) taken for uplink delay is the same error again; after the write, the request may have
    arrived before the stamp, which only lowers the floor (slower, never unsafe).

    `headers_at` is when the answer's headers were in (the server had counted the request before it
    answered): a permit reused a window after it, rather than after the answer was read, parsed and
    classified, is as safe and does not wait on a busy event loop's queue for those steps. The SDK's
    async pool passes the time its bytes came off the socket (`received_at`), before the task that
    reads them had its turn.
    """

    __slots__ = (
        "_clock",
        "granted_at",
        "headers_at",
        "release",
        "request_time_ms",
        "sent_at",
        "server",
        "throttled",
        "written",
    )

    def __init__(self, clock: Callable[[], float] = time.monotonic, server: OffsetBound | None = None) -> None:
        self._clock = clock
        self.server = server  # the clock bound of the server the request goes to (its origin's)
        self.granted_at = 0.0  # when the permit was granted: an attempt's time runs from here
        self.sent_at = 0.0
        self.headers_at = 0.0
        self.request_time_ms: int | None = None
        self.throttled = False
        # Whether `sent_at` is when the request's last bytes went to the socket, as httpcore's trace tells
        # it: a transport that cannot say (pyreqwest's) sends `WRITE_UNHEARD` first, and then the
        # arrival model does not learn from the request (see `_used`).
        self.written = True
        # The steps that give the permit back (set by the limiter that granted it; none: nothing to give).
        self.release: Callable[[], Steps[None]] = _no_steps

    def answered(self, request_time_ms: int | None, *, throttled: bool = False) -> None:
        self.request_time_ms = request_time_ms
        self.throttled = throttled

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx `trace` extension (sync transports): stamp `sent_at` once the request is written (each
        time it is: a retried connection writes it again) and `headers_at` once the answer's are in."""
        if self.sent_at:
            if event in _WRITTEN:
                self.sent_at, self.headers_at, self.written = self._clock(), 0.0, True
            elif event == WRITE_UNHEARD:
                self.written = False
            elif event in _ANSWERED:
                # The SDK's async pool says when the head's bytes came off the socket (time.monotonic).
                received = info.get("received_at") if self._clock is time.monotonic else None
                self.headers_at = received or self._clock()

    async def atrace(self, event: str, info: dict[str, Any]) -> None:
        """See `trace` (async transports await the extension)."""
        self.trace(event, info)


class Limiter(Protocol):
    """What a client needs of a budget: in-process (`SlidingWindowLimiter`) or on Redis."""

    limit: int
    margin_s: float

    def acquire(self, deadline: float | None = None, server: OffsetBound | None = None) -> Steps[Permit]: ...

    def idle(self) -> bool: ...


class ArrivalModel:
    """`requestTime - sent_at` over the last `max_age_s`: the clock offset plus each uplink delay
    (plus the time the server's queue held it before counting it).

    `floor()` is a lower bound for any request's value: the smallest seen, minus a safety margin of
    `3 / n` of the spread seen (p90 - min, so a few connection set-ups do not inflate it), at least
    `min_safety_s`. It is None until `min_samples` were seen: the first requests of a run go out in
    bursts that queue at the server, and all of them can be slower than what follows (a floor taken
    from them alone would be too high, which is the unsafe direction). A link that gets faster lowers the
    floor at once (a smaller sample); a slower one raises it only as old samples age out. A garbage
    timestamp can only lower the floor (slower, never unsafe) or raise one permit's estimate above its
    answer-based time (ignored).
    """

    def __init__(self, max_age_s: float = 30.0, max_samples: int = 512, min_safety_s: float = 0.002) -> None:
        self.max_age_s = max_age_s
        self.min_safety_s = min_safety_s
        self.max_samples = max_samples
        self._samples: collections.deque[tuple[float, float]] = collections.deque()
        # The same values, kept sorted: `floor` is asked for every permit, and sorting 512 samples
        # each time was a visible part of the client's CPU per request with 20 accounts at once.
        self._sorted: list[float] = []

    def add(self, now: float, value: float) -> None:
        if len(self._samples) >= self.max_samples:
            self._drop_oldest()
        self._samples.append((now, value))
        bisect.insort(self._sorted, value)

    def _drop_oldest(self) -> None:
        _, value = self._samples.popleft()
        del self._sorted[bisect.bisect_left(self._sorted, value)]

    def floor(self, now: float, min_samples: int) -> float | None:
        while self._samples and now - self._samples[0][0] > self.max_age_s:
            self._drop_oldest()
        n = len(self._samples)
        if n < max(2, min_samples):
            return None
        low, spread = self._low_spread()
        return low - max(self.min_safety_s, spread * min(1.0, 3.0 / n))

    def _low_spread(self) -> tuple[float, float]:
        values = self._sorted
        return values[0], values[(len(values) * 9) // 10] - values[0]

    def spread(self) -> float:
        return self._low_spread()[1] if self._samples else 0.0


class OffsetBound:
    """A lower bound on the server clock minus ours, from answers: `requestTime - headers_at` for each.

    The request arrived before its answer's headers did, so each value is at most the true offset, and
    so is their maximum. Checked against the upper bound the same requests give (`requestTime + 1 ms -
    sent_at`: nothing arrives before it is sent): if a value ever exceeds it, the stamps are not the
    server's counting times (or a clock was stepped) and the bound is given up for good. Values older than
    `max_age_s` are dropped, and the rest lowered by `drift` per second of age, so that clocks drifting
    apart (NTP slews at most 500 ppm; 100 ppm is generous for a run) cannot make a stale value unsafe.
    """

    def __init__(self, max_age_s: float = 10.0, drift: float = 1e-4) -> None:
        self.max_age_s = max_age_s
        self.drift = drift
        self.broken = False
        # One bound serves every limiter that talks to one server (`server_clock`), each under its own
        # lock: this one makes each add or read whole.
        self._lock = threading.Lock()
        # (when, value + drift * when): a value's worth now is that key - drift * now, so a newer value
        # with a key as high makes an older one useless for good (it would also expire first). The
        # keys kept fall from oldest to newest, and the bound is the oldest one kept.
        self._values: collections.deque[tuple[float, float]] = collections.deque()
        self._upper = float("inf")

    def add(self, now: float, request_time_s: float, sent_at: float, headers_at: float) -> None:
        with self._lock:
            self._add(now, request_time_s, sent_at, headers_at)

    def _add(self, now: float, request_time_s: float, sent_at: float, headers_at: float) -> None:
        if self.broken:
            return
        value = request_time_s - headers_at
        self._upper = min(self._upper, request_time_s + _STAMP_RESOLUTION_S - sent_at)
        if value > self._upper:
            self.broken = True
            self._values.clear()
            return
        key = value + self.drift * now
        while self._values and self._values[-1][1] <= key:
            self._values.pop()
        self._values.append((now, key))

    def lower(self, now: float) -> float | None:
        """The bound now (None: none yet, or given up): the largest kept value, less its drift."""
        with self._lock:
            while self._values and now - self._values[0][0] > self.max_age_s:
                self._values.popleft()
            if self.broken or not self._values:
                return None
            return self._values[0][1] - self.drift * now


# The server's clock is one per server, whoever's key a request carried: the limiters of every budget
# that talks to one origin share one bound (`server_clock`), so that each learns from all answers.
# With 20 sub-accounts starting at once, each account's own first ten answers were all read late
# (the event loop was still sending the other accounts' first requests), and its second window
# waited for that; the answer read soonest after its request arrived, of any account, bounds the
# offset for all. Held weakly: a bound goes with the last limiter that uses it.
_clocks: weakref.WeakValueDictionary[str, OffsetBound] = weakref.WeakValueDictionary()
_clocks_lock = threading.Lock()


def server_clock(origin: str) -> OffsetBound:
    """The clock bound of the server at `origin` (scheme://host:port), shared in this process."""
    with _clocks_lock:
        bound = _clocks.get(origin)
        if bound is None:
            bound = _clocks[origin] = OffsetBound()
        return bound


class _Idle:
    """An idle permit: usable at `after_answer` for sure, or earlier if its arrival is known."""

    __slots__ = ("after_answer", "arrived_s", "server")

    def __init__(self, after_answer: float, arrived_s: float | None = None, server: OffsetBound | None = None) -> None:
        self.after_answer = after_answer
        self.arrived_s = arrived_s  # the server's requestTime of its last request, in seconds
        self.server = server  # whose clock `arrived_s` is on: the bound of that request's server


# After a 429, permits come back one per window once this many windows passed without another.
_CALM_WINDOWS = 1
# ... and arrival estimates stay off for this many windows (the 429 may have been ours).
_EXACT_WINDOWS = 2
# Servers whose arrivals one budget keeps apart (`SlidingWindowLimiter._models`).
_MAX_SERVERS = 4
# `requestTime` has millisecond resolution: the arrival may be up to 1 ms after the stamp.
_STAMP_RESOLUTION_S = 0.001


class SlidingWindowLimiter:
    def __init__(
        self,
        limit: int,
        window_s: float = 1.0,
        margin_s: float = 0.005,
        clock: Callable[[], float] = time.monotonic,
        server: OffsetBound | None = None,
    ) -> None:
        """`server`: the server's clock bound, shared with other limiters of the same server
        (`server_clock`); a bound of its own if None. It serves a `slot` that names no server.

        What the limiter learns of arrivals is the server's and the link's, not the budget's: a budget
        (one key) used against another origin (a second client of the key with another base URL, or a
        new mock each run) learns that origin's arrivals apart (`_models`, keyed by its clock bound),
        and a permit whose last request went to another server is usable only a window after its
        answer there. Measured before: a client on a 50 ms link, started within a window of another
        client of the same key on loopback, took the loopback floor for its own and reused each
        permit ~50 ms late for the whole run (0.95 of the link's best case instead of 0.99)."""
        if limit < 0:
            raise ValueError("rate limit must be >= 0 (0 = off)")
        self.limit = limit
        self.window_s = window_s
        self.margin_s = margin_s
        self._clock = clock
        self._lock = threading.Lock()
        self._idle: list[_Idle] = [_Idle(0.0) for _ in range(limit)]
        self._offset = OffsetBound() if server is None else server  # the default server's clock bound
        self._arrivals = ArrivalModel()  # the default server's arrivals
        self._models: dict[OffsetBound, ArrivalModel] = {self._offset: self._arrivals}
        # Three windows' worth. The first burst is biased (it queues at the server); so can the second
        # window be, whose permits come back a window after answers that came back together: 20
        # sub-accounts starting at once queued both at the mock by ~100 ms (one 429 in ~20 runs of
        # 20 x 100 requests). By the third, the sends are spread over the window.
        self._min_samples = max(8, 3 * limit)
        self._parked: list[_Idle] = []  # permits set aside after a 429
        self._debt = 0  # permits to set aside as they come back
        self._throttled_at = -1e18
        self._grown_at = -1e18
        self._round_trips: collections.deque[float] = collections.deque(maxlen=32)
        self.throttled_count = 0  # 429s seen
        self.early_count = 0  # permits reused before their answer-based time, on a known arrival

    # --- bookkeeping (under the lock) ------------------------------------------------------------

    def _model(self, server: OffsetBound) -> ArrivalModel:
        """The arrivals seen at `server` (a budget talks to one or two origins: a few at most are kept)."""
        model = self._models.get(server)
        if model is None:
            if len(self._models) >= _MAX_SERVERS:
                del self._models[next(s for s in self._models if s is not self._offset)]
            model = self._models[server] = ArrivalModel()
        return model

    def _usable_at(
        self, permit: _Idle, floor: float | None, offset: float | None, now: float, server: OffsetBound | None = None
    ) -> float:
        """When `permit` is usable for a request to `server` (the default server if None)."""
        at = permit.after_answer
        if permit.arrived_s is None or now < self._throttled_at + _EXACT_WINDOWS * self.window_s:
            return at
        if (server or self._offset) is not (permit.server or self._offset):
            return at  # its arrival is on another server's clock
        arrived = permit.arrived_s + _STAMP_RESOLUTION_S  # the server's clock
        if floor is not None:
            at = min(at, arrived - floor + self.window_s + self.margin_s)
        if offset is not None:
            at = min(at, arrived - offset + self.window_s + self.margin_s)
        return at

    def _grow(self, now: float) -> None:
        """Take back one permit set aside after a 429, once per calm window."""
        if not (self._debt or self._parked):
            return
        if now - self._throttled_at < _CALM_WINDOWS * self.window_s or now - self._grown_at < self.window_s:
            return
        self._grown_at = now
        if self._debt:
            self._debt -= 1
        else:
            self._idle.append(self._parked.pop())

    def _round_trip(self) -> float:
        """How long an attempt may take, grant to answer: the slowest of the last 32 (0 before any).

        From the grant, not the write: connecting, the pool and a busy event loop or GIL come first,
        and under load they are most of it. The slowest, not the median: an attempt that the deadline
        cuts short leaves its orders unknown, where one not started leaves them failed ("not sent"),
        which is what the caller can act on. (With the median of write-to-answer times, a loaded
        machine let attempts start that the deadline then cut: 429s until the deadline came out
        unknown instead of failed.) Plus a stall margin (`STALL_MARGIN_S`): a scheduler or GC pause of a
        few tens of milliseconds at the last attempt is not in the recent samples, and it alone cut
        an attempt the samples said would fit (seen in CI)."""
        return max(self._round_trips, default=0.0) + STALL_MARGIN_S

    def _take(self, deadline: float | None, server: OffsetBound | None = None) -> float | None:
        """Take the idle permit usable first for a request to `server`; returns when it is usable, None
        if all are in flight. Raises OutOfTime if a request sent then could not be answered by
        `deadline` (a usual round trip): an attempt cut short by the deadline leaves its orders
        unknown, one not sent does not."""
        taken = self._take_idle(deadline, server)
        return None if taken is None else taken[1]

    def _take_idle(self, deadline: float | None, server: OffsetBound | None = None) -> tuple[_Idle, float, bool] | None:
        """`_take`, with the permit taken (to put back as it was) and whether to `_review` it while
        waiting: only before the arrival model has its samples (afterwards its estimate is within a few
        milliseconds of the arrival, and a review would cost a wake-up per request for nothing)."""
        with self._lock:
            now = self._clock()
            self._grow(now)
            if not self._idle:
                if deadline is not None and now >= deadline:
                    raise OutOfTime
                return None
            bound = server or self._offset
            floor = self._model(bound).floor(now, self._min_samples)
            offset = bound.lower(now)
            best, at = 0, float("inf")
            for i, idle in enumerate(self._idle):
                if (usable := self._usable_at(idle, floor, offset, now, bound)) < at:
                    best, at = i, usable
            permit = self._idle[best]
            if deadline is not None and max(at, now) + self._round_trip() > deadline:
                raise OutOfTime
            self._idle.pop(best)
            self.early_count += at < permit.after_answer
            return permit, at, floor is None

    def _review(self, permit: _Idle, at: float, server: OffsetBound | None = None) -> float:
        """When a taken permit is usable, asked again with what answers have taught since it was taken
        (never later: both times are safe). A permit is taken as soon as an answer frees it, most
        of a window before it is usable, and the bounds are best once the answers to the other
        requests sent with it are in: the first windows of a run, above all with many clients
        starting together, whose first answers are read while the rest are still being sent."""
        with self._lock:
            now = self._clock()
            bound = server or self._offset
            floor = self._model(bound).floor(now, self._min_samples)
            return min(at, self._usable_at(permit, floor, bound.lower(now), now, bound))

    def _put_back(self, permit: _Idle) -> None:
        """A permit taken and not used goes back as it was."""
        with self._lock:
            self._idle.append(permit)

    def _used(self, permit: Permit) -> None:
        """The request on `permit` is over (answered, failed or abandoned)."""
        with self._lock:
            now = self._clock()
            answered = permit.headers_at or now
            idle = _Idle(answered + self.window_s + self.margin_s)
            if permit.granted_at:
                self._round_trips.append(answered - permit.granted_at)
            if permit.throttled:
                self._on_throttled(now)
            elif permit.request_time_ms is not None and permit.sent_at:
                arrived = permit.request_time_ms / 1000
                bound = permit.server or self._offset
                if permit.written:
                    # Unheard (a transport without httpcore's trace, as pyreqwest's), `sent_at` is the grant,
                    # and the wait for the event loop or a connection would count as uplink delay: a floor
                    # too high, permits reused too early (20 sub-accounts on a loaded machine: 8-38 x 429).
                    # The clock bound below needs only the answer's time, and stays safe.
                    self._model(bound).add(now, arrived - permit.sent_at)
                bound.add(now, arrived, permit.sent_at, answered)
                idle.arrived_s, idle.server = arrived, bound
            if self._debt:
                self._debt -= 1
                self._parked.append(idle)
            else:
                self._idle.append(idle)

    def _on_throttled(self, now: float) -> None:
        """Someone else spends this budget too (or an estimate was wrong): use one permit fewer. A burst
        of 429s within one window is one event (one cut), as TCP cuts once per round trip."""
        self.throttled_count += 1
        burst = now - self._throttled_at < self.window_s
        self._throttled_at = now
        if burst:
            return
        active = self.limit - len(self._parked) - self._debt
        cut = 1 if active > 1 else 0
        self._idle.sort(key=lambda p: p.after_answer)
        while cut and self._idle:
            self._parked.append(self._idle.pop())
            cut -= 1
        self._debt += cut

    # --- what clients and the registry see --------------------------------------------------------

    def hold_until(self, at: float) -> None:
        """No idle permit usable before `at` (a new budget after a backend switch starts a window late,
        so arrivals made under the old one have left the window)."""
        with self._lock:
            for permit in self._idle + self._parked:
                permit.after_answer, permit.arrived_s = max(permit.after_answer, at), None

    def busy_for(self) -> list[float]:
        """Seconds until each permit is usable again (one in flight: a whole window and margin)."""
        with self._lock:
            now = self._clock()
            floor = self._arrivals.floor(now, self._min_samples)
            offset = self._offset.lower(now)
            waits = [self._usable_at(p, floor, offset, now) - now for p in self._idle + self._parked]
            return waits + [self.window_s + self.margin_s] * (self.limit - len(waits))

    def round_trip_s(self) -> float:
        """How long an attempt may take, grant to answer, as the deadline gate reckons it (`_round_trip`)."""
        with self._lock:
            return self._round_trip()

    def idle(self) -> bool:
        """No permit in flight and none used within the last window: the budget has no history left."""
        with self._lock:
            now = self._clock()
            permits = self._idle + self._parked
            return len(permits) == self.limit and all(p.after_answer <= now for p in permits)

    @property
    def uplink_spread_s(self) -> float:
        """The spread (p90 - min) of `requestTime - sent_at` seen lately: the uplink's jitter."""
        with self._lock:
            return self._arrivals.spread()

    def acquire(self, deadline: float | None = None, server: OffsetBound | None = None) -> Steps[Permit]:
        """The wait for a permit, as steps (`Steps`); returns it, to release with `permit.release()` after
        the request (even one that failed: it is released by what it learned). Abandoned while waiting
        (any exception thrown in, KeyboardInterrupt or cancellation), the permit taken goes back with the
        time it had. `deadline` (time.monotonic): OutOfTime if no permit is usable by then. `server`: the
        clock bound of the request's server (`server_clock` of its origin; None: the limiter's own)."""
        permit = Permit(self._clock, server)
        if self.limit == 0:
            return permit
        taken: tuple[_Idle, float, bool] | None = None
        try:
            while (taken := self._take_idle(deadline, server)) is None:
                yield _POLL_S
            idle, at, review = taken
            if review and (delay := at - self._clock()) > _REVIEW_AFTER_S:
                yield delay / 2
                at = self._review(idle, at, server)
            if (delay := at - self._clock()) > 0:
                yield delay
        except BaseException:
            if taken is not None:
                self._put_back(taken[0])
            raise
        permit.sent_at = permit.granted_at = self._clock()
        permit.release = functools.partial(self._release, permit)
        return permit

    def _release(self, permit: Permit) -> Steps[None]:
        self._used(permit)
        return
        yield

    def __repr__(self) -> str:
        return f"SlidingWindowLimiter(limit={self.limit}, window_s={self.window_s}, margin_s={self.margin_s})"

"""The I/O-free core shared by the sync and async clients: what an answer means, when to retry, and
what each order's outcome is. The clients only send requests and sleep; every decision is made here once.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Generator, Sequence
from typing import Any, Literal, NamedTuple

import attrs
import httpx

from .batching import Batch, OrderRef
from .errors import (
    AuthenticationError,
    BitgetAPIError,
    BitgetError,
    BitgetTransportError,
    PermissionDeniedError,
    TimestampError,
    error_class,
)
from .report import CancelReport, OrderOutcome

NOT_FOUND_CODES = frozenset({"43001", "40768", "40109"})
# Errors that no retry and no other batch can fix: stop the run and raise.
FATAL = (AuthenticationError, TimestampError, PermissionDeniedError)

AttemptKind = Literal["ok", "retry", "fatal", "batch_error"]


@attrs.frozen
class Attempt:
    """The meaning of one answer (or of its absence). `uncertain`: the cancels may have taken effect."""

    kind: AttemptKind
    uncertain: bool = False
    payload: dict[str, Any] | None = None  # the decoded 200 envelope, shape-checked
    error: BitgetError | None = None


def classify_response(status: int, content: bytes, reason: str = "") -> Attempt:
    try:
        payload = json.loads(content)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        payload = {}
    code = str(payload.get("code") or status)
    if status == 200 and code == "00000":
        data = payload.get("data")
        if (
            isinstance(data, dict)
            and isinstance(data.get("successList"), list)
            and isinstance(data.get("failureList"), list)
        ):
            return Attempt("ok", payload=payload)
        # We cannot tell what happened to the orders: same as a lost answer.
        error = BitgetAPIError(code, "success envelope without successList/failureList", status)
        return Attempt("retry", uncertain=True, error=error)
    msg = str(payload.get("msg") or payload.get("message") or reason or f"HTTP {status}")
    request_time = payload.get("requestTime")
    request_time = request_time if isinstance(request_time, int | str) else None
    error = error_class(code, status)(code, msg, status, request_time)
    if status == 429 or code == "429":
        return Attempt("retry", error=error)  # rejected before processing: nothing happened
    if status >= 500:
        return Attempt("retry", uncertain=True, error=error)
    if isinstance(error, FATAL):
        return Attempt("fatal", error=error)
    return Attempt("batch_error", error=error)


def classify_transport(exc: httpx.TransportError, method: str, url: str) -> Attempt:
    """Connect failures never reached the exchange; anything later may have been processed."""
    sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    kind = type(exc).__name__
    error = BitgetTransportError(f"{kind}: {exc}" if str(exc) else kind, sent=sent, method=method, url=url)
    return Attempt("retry", uncertain=sent, error=error)


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with jitter: retry n waits between d/2 and d, d = min(max, base * 2**(n-1))."""

    max_retries: int = 3
    backoff_base_s: float = 0.25
    backoff_max_s: float = 5.0

    def delay(self, retry: int, rng: random.Random) -> float:
        d = min(self.backoff_max_s, self.backoff_base_s * 2 ** (retry - 1))
        return float(d / 2 + rng.uniform(0, d / 2))


@attrs.frozen
class Sleep:
    seconds: float


@attrs.frozen
class Send:
    pass


SEND = Send()


@attrs.frozen
class SyncClock:
    """Measure the offset to the server's clock, then send again (after a timestamp rejection)."""


SYNC_CLOCK = SyncClock()


@attrs.frozen
class Attempts:
    final: Attempt
    count: int
    uncertain: bool


def attempt_steps(
    policy: RetryPolicy, rng: random.Random, *, retry_uncertain: bool, resync_clock: bool = False
) -> Generator[Sleep | Send | SyncClock, Attempt | None, Attempts]:
    """Drive one request through retries. The driver answers each `Send` with the Attempt it got.

    With `resync_clock`, a timestamp rejection (the request was refused before any effect) is answered
    once by re-measuring the clock offset and sending again.
    """
    uncertain = False
    count = 0
    resynced = not resync_clock
    while True:
        result = yield SEND
        assert result is not None
        count += 1
        uncertain = uncertain or result.uncertain
        if not resynced and isinstance(result.error, TimestampError):
            resynced = True
            yield SYNC_CLOCK
            continue
        retryable = result.kind == "retry" and (retry_uncertain or not result.uncertain)
        if not retryable or count > policy.max_retries:
            return Attempts(result, count, uncertain)
        yield Sleep(policy.delay(count, rng))


Status = Literal["cancelled", "failed", "unknown"]


class Resolved(NamedTuple):
    position: int
    status: Status
    outcome: OrderOutcome


def _outcome(ref: OrderRef, attempts: int, error_code: str | None = None, error_msg: str | None = None) -> OrderOutcome:
    return OrderOutcome(ref.symbol, ref.order_id, ref.client_oid, error_code, error_msg, attempts)


def resolve_batch(batch: Batch, result: Attempts) -> list[Resolved]:
    """Each order of the batch exactly once, in the batch's order.

    The rule for uncertainty: if any attempt's answer was lost (timeout, dropped connection, 5xx)
    and a later answer says the order does not exist, the order is `unknown` - the lost attempt
    may have cancelled it, or it never existed; Bitget answers both the same way.
    """
    final, n = result.final, result.count
    if final.kind == "ok":
        assert final.payload is not None
        return _resolve_ok(batch, final.payload["data"], n, result.uncertain)
    error = final.error
    code = error.code if isinstance(error, BitgetAPIError) else None
    msg = str(error) if error is not None else "no answer"
    if result.uncertain and final.kind == "retry":
        status: Status = "unknown"
        msg = f"outcome unknown after {n} attempts: {msg}"
    else:
        status = "failed"
    return [Resolved(o.position, status, _outcome(o, n, error_code=code, error_msg=msg)) for o in batch.orders]


def _ident_map(items: list[Any], key: str) -> dict[str, dict[str, Any]]:
    """Answer items by the identifier the batch was sent with (first occurrence wins)."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        if type(item) is dict:
            ident = item.get(key)
            if type(ident) is str and ident and ident not in out:
                out[ident] = item
    return out


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if type(value) is str and value else None


def _resolve_ok(batch: Batch, data: dict[str, Any], n: int, uncertain: bool) -> list[Resolved]:
    """Match the answer's lists to the batch by the identifier the batch was sent with."""
    key = batch.kind
    successes = _ident_map(data["successList"], key)
    failures = _ident_map(data["failureList"], key)
    out = []
    for ref in batch.orders:
        ident = ref.ident
        if (s := successes.pop(ident, None)) is not None:
            outcome = OrderOutcome(
                ref.symbol, ref.order_id or _text(s, "orderId"), ref.client_oid or _text(s, "clientOid"), None, None, n
            )
            out.append(Resolved(ref.position, "cancelled", outcome))
        elif (f := failures.pop(ident, None)) is not None:
            code, msg = _text(f, "errorCode"), _text(f, "errorMsg") or ""
            if uncertain and (code in NOT_FOUND_CODES or "not exist" in msg.lower()):
                note = (
                    f"an earlier attempt's answer was lost, and the retry said [{code}] {msg}: "
                    "cancelled by the lost attempt, or never existed"
                )
                out.append(Resolved(ref.position, "unknown", _outcome(ref, n, code, note)))
            else:
                out.append(Resolved(ref.position, "failed", _outcome(ref, n, code, msg)))
        else:
            note = "the exchange listed this order in neither successList nor failureList"
            out.append(Resolved(ref.position, "unknown", _outcome(ref, n, None, note)))
    return out


def not_sent(batches: Sequence[Batch], error: BitgetError) -> list[Resolved]:
    code = error.code if isinstance(error, BitgetAPIError) else None
    msg = f"not sent: the run stopped on {error}"
    return [
        Resolved(o.position, "failed", _outcome(o, 0, error_code=code, error_msg=msg))
        for b in batches
        for o in b.orders
    ]


def build_report(resolved: Sequence[Resolved], requests: int, retries: int, elapsed_s: float) -> CancelReport:
    report = CancelReport(request_count=requests, retry_count=retries, elapsed_s=elapsed_s)
    lists = {"cancelled": report.cancelled, "failed": report.failed, "unknown": report.unknown}
    for r in sorted(resolved, key=lambda r: r.position):
        lists[r.status].append(r.outcome)
    return report


ProgressCallback = Callable[[int, int], None]


class CancelRun:
    """The bookkeeping of one `cancel_orders` call, shared by the sync (threads) and async drivers.

    `begin(i)` says whether batch i should still be sent (not after a fatal error); `record(i, result)`
    files its outcome; `report()` accounts for every order, raising the fatal error if there was one.
    """

    def __init__(self, batches: Sequence[Batch], progress: ProgressCallback | None = None) -> None:
        self.batches = batches
        self._progress = progress
        self._lock = threading.Lock()
        self._resolved: list[Resolved] = []
        self._started: set[int] = set()
        self._fatal: BitgetError | None = None
        self._requests = 0
        self._retries = 0
        self._done = 0
        self._total = sum(len(b.orders) for b in batches)
        self._start = time.perf_counter()

    def begin(self, i: int) -> bool:
        with self._lock:
            if self._fatal is not None:
                return False
            self._started.add(i)
            return True

    def record(self, i: int, result: Attempts) -> None:
        with self._lock:
            self._requests += result.count
            self._retries += result.count - 1
            if result.final.kind == "fatal" and self._fatal is None:
                self._fatal = result.final.error
            self._resolved.extend(resolve_batch(self.batches[i], result))
            self._done += len(self.batches[i].orders)
            done = self._done
        if self._progress is not None:
            self._progress(done, self._total)

    def report(self) -> CancelReport:
        resolved = list(self._resolved)
        fatal = self._fatal
        if fatal is not None:
            left = [b for i, b in enumerate(self.batches) if i not in self._started]
            resolved.extend(not_sent(left, fatal))
        report = build_report(resolved, self._requests, self._retries, time.perf_counter() - self._start)
        if fatal is not None:
            if isinstance(fatal, BitgetAPIError):
                fatal.report = report
            raise fatal
        return report

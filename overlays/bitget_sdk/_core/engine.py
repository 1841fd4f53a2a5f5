"""The I/O-free core shared by the sync and async clients: what an answer means, when to retry, and
what each order's outcome is. The clients only send requests and sleep; every decision is made here once.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import operator
import random
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from typing import Any, Literal, NamedTuple, Protocol, overload

import attrs
import httpx

from bitget_api import facts

from .batching import Batch, OrderRef
from .credentials import Redactor
from .errors import (
    AuthenticationError,
    BitgetAPIError,
    BitgetError,
    BitgetTransportError,
    CancelAbortedError,
    PermissionDeniedError,
    TimestampError,
    error_class,
)
from .operations import BATCH_CANCEL, is_batch_result
from .report import CancelReport, OrderOutcome, RecordOutcome, RequestRecord

# "The order does not exist": the contract's order-category codes (spot), and futures' twins seen in the wild.
NOT_FOUND_CODES = frozenset(
    {code for code, category, _ in facts.ERROR_CODES if category == "order"} | {"40768", "40109"}
)
# Errors that no retry and no other batch can fix: stop the run and raise.
FATAL = (AuthenticationError, TimestampError, PermissionDeniedError)
# A 50-order answer is a few KB; anything this large is not an answer to read.
MAX_ANSWER_BYTES = 1 << 20
# Consecutive attempts whose connection could not be made (nothing sent) before a run gives up.
FAIL_FAST_AFTER = 3
# A 429 is answered before anything happens, so it is retried while time remains: until the run's
# deadline (`deadline_s`), or, without one, for this long after a request's first 429.
THROTTLED_PATIENCE_S = 120.0
BATCH_CANCEL_ID = BATCH_CANCEL.id

AttemptKind = Literal["ok", "retry", "fatal", "batch_error"]


@attrs.frozen
class Attempt:
    """The meaning of one answer (or of its absence).

    `uncertain`: the cancels may have taken effect (the answer was lost, unreadable, or a 5xx).
    `connect_failed`: the connection could not be made, so nothing was sent.
    `throttled`: a 429 (refused before any effect); `retry_after_s` what its Retry-After asked for.
    `request_time_ms`: the answer's `requestTime` (the server's clock when it took the request).
    `http_status`, `headers`: the HTTP answer's (None without one); `elapsed_s`: from sending to the
    end of the answer (or of the failure).
    """

    kind: AttemptKind
    uncertain: bool = False
    payload: dict[str, Any] | None = None  # the decoded 200 envelope, shape-checked
    error: BitgetError | None = None
    connect_failed: bool = False
    throttled: bool = False
    retry_after_s: float | None = None
    request_time_ms: int | None = None
    not_sent: bool = False  # no permit before the deadline: never sent, and nothing left to try
    http_status: int | None = None
    headers: httpx.Headers | None = attrs.field(default=None, eq=False, repr=False)
    elapsed_s: float = 0.0


def _decode(content: bytes | None, redactor: Redactor | None) -> dict[str, Any] | None:
    if content is None:
        return None
    try:
        payload = json.loads(content)
    except (ValueError, RecursionError):  # invalid JSON, or nested deeper than the parser goes
        return None
    if not isinstance(payload, dict):
        return None
    if redactor is not None and redactor.found_in(content):
        redactor.scrub(payload)
    return payload


def _is_success(payload: dict[str, Any] | None, data_ok: Callable[[Any], bool]) -> bool:
    """Exactly the documented success: code the *string* "00000", and `data` of the operation's shape."""
    if payload is None or type(payload.get("code")) is not str or payload["code"] != "00000":
        return False
    return data_ok(payload.get("data"))


def _snippet(content: bytes | None, redactor: Redactor | None) -> str:
    if content is None:
        return f"more than {MAX_ANSWER_BYTES} bytes"
    if not content.strip():
        return "empty body"
    text = content.decode("utf-8", "replace")
    text = (redactor.redact(text) if redactor is not None else text)[:80].replace("\n", " ").strip()
    return repr(text + ("..." if len(content) > 80 else ""))


def _request_time_ms(payload: dict[str, Any] | None) -> int | None:
    value = payload.get("requestTime") if payload is not None else None
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= 16:
        value = int(value)
    return value if type(value) is int and 0 < value < 10**15 else None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds to wait: delta-seconds or an HTTP-date (RFC 9110); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(0.0, seconds)


# Statuses that, without Bitget's envelope, mean something else answered (see `classify_response`).
_NOT_BITGET = frozenset({404, 405, 407})


def classify_response(
    status: int,
    content: bytes | None,
    reason: str = "",
    location: str | None = None,
    redactor: Redactor | None = None,
    data_ok: Callable[[Any], bool] = is_batch_result,
    retry_after: str | None = None,
    headers: httpx.Headers | None = None,
    elapsed_s: float = 0.0,
    method: str = "",
    url: str = "",
) -> Attempt:
    """What an HTTP answer means for the orders it was about. `content` None: abandoned at the size cap.
    `redactor` scrubs the credentials' secrets from everything the answer says before it is kept.

    Only a fully readable success is `ok`. Any other 2xx, a 3xx (redirects are not followed), a 5xx or a
    status outside HTTP's classes is uncertain: the request may have been processed. A 4xx is a rejection
    before any effect (429 among them, retried); its envelope's code picks the exception class. A 404,
    405 or 407 without Bitget's envelope (an HTML 404 page, a proxy's refusal) is not Bitget's API
    answering at all: a wrong base URL or something in the way, which every request would meet, so it
    is fatal and counts as not having reached the exchange. (Other bare 4xx, which a gateway may give
    one request, as a 408 on a reused connection, stay one batch's rejection.)
    """
    payload = _decode(content, redactor)
    stamped = _request_time_ms(payload)

    def answer(kind: AttemptKind, **meaning: Any) -> Attempt:
        return Attempt(
            kind, http_status=status, headers=headers, elapsed_s=elapsed_s, request_time_ms=stamped, **meaning
        )

    if 200 <= status < 300 and _is_success(payload, data_ok):
        return answer("ok", payload=payload)
    payload = payload or {}
    raw_code = payload.get("code")
    code = raw_code if type(raw_code) is str and raw_code else str(status)
    msg = payload.get("msg") or payload.get("message")
    request_time = payload.get("requestTime")
    request_time = request_time if type(request_time) in (int, str) else None
    if status in _NOT_BITGET and not (type(raw_code) is str and raw_code):
        stranger = BitgetTransportError(
            f"HTTP {status} {reason} without Bitget's answer envelope ({_snippet(content, redactor)}): this is "
            "not Bitget's API answering (a wrong base URL, or a proxy in the way); the run stopped",
            sent=False,
            method=method,
            url=url,
        )
        return answer("fatal", error=stranger, connect_failed=True)
    if 400 <= status < 500:
        text = str(msg) if isinstance(msg, str) and msg else (reason or f"HTTP {status}")
        error = error_class(code, status)(code, text, status, request_time)
        error.headers = redacted_headers(headers, redactor)
        if status == 429 or code == "429":  # rejected before processing: nothing happened
            wait = parse_retry_after(retry_after)
            return answer("retry", error=error, throttled=True, retry_after_s=wait)
        return answer("fatal" if isinstance(error, FATAL) else "batch_error", error=error)
    if 200 <= status < 300:
        snippet = _snippet(content, redactor)
        text = f"unreadable answer (HTTP {status}, {snippet}): it may have been processed"
    elif 300 <= status < 400:
        text = f"redirected to {location or '(no Location)'}; redirects are not followed"
    else:
        text = str(msg) if isinstance(msg, str) and msg else (reason or f"HTTP {status}")
    error = error_class(code, status)(code, text, status, request_time)
    error.headers = redacted_headers(headers, redactor)
    return answer("retry", uncertain=True, error=error)


def redacted_headers(headers: httpx.Headers | None, redactor: Redactor | None) -> dict[str, str]:
    """An answer's headers as a plain dict, with the credentials' secrets scrubbed from every value
    (a hostile server may echo them)."""
    if headers is None:
        return {}
    out: dict[str, str] = {}
    for name, value in headers.multi_items():
        text = redactor.redact(value) if redactor is not None else value
        out[name] = f"{out[name]}, {text}" if name in out else text
    return out


class NotSentForDeadline(BitgetTransportError):
    """The request was not sent: the rate limit would let it out too late for the deadline."""


def out_of_time(method: str, url: str) -> Attempt:
    """The deadline passed before the request could go out within the rate limit."""
    error = NotSentForDeadline(
        "not sent: the deadline passed before the rate limit allowed it", sent=False, method=method, url=url
    )
    return Attempt("retry", error=error, not_sent=True)


def classify_transport(exc: Exception, method: str, url: str, elapsed_s: float = 0.0) -> Attempt:
    """Connect failures never reached the exchange; anything later may have been processed.

    An answer that could not be decoded (httpx.DecodingError, e.g. a gzip header on a body that is not)
    or that was abandoned at the size cap counts as lost too: the server may have acted on the request.
    """
    connect_failed = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
    sent = not (connect_failed or isinstance(exc, httpx.PoolTimeout))
    kind = type(exc).__name__
    detail = str(exc) if str(exc) else kind
    error = BitgetTransportError(f"{kind}: {detail}" if detail != kind else kind, sent=sent, method=method, url=url)
    return Attempt("retry", uncertain=sent, error=error, connect_failed=connect_failed, elapsed_s=elapsed_s)


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with jitter: retry n waits between d/2 and d, d = min(max, base * 2**(n-1))."""

    max_retries: int = 3
    backoff_base_s: float = 0.25
    backoff_max_s: float = 5.0

    def delay(self, retry: int, rng: Jitter) -> float:
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


class Jitter(Protocol):
    """What backoff needs of a random source (`random.Random`, `LazyJitter`)."""

    def uniform(self, a: float, b: float) -> float: ...


class LazyJitter:
    """One call's jitter stream: seeded from the client's stream when the call starts (so a
    `retry_seed` replays the same waits), made on its first draw. Most calls never retry, and making
    a Mersenne Twister costs ~15 us, a few % of a cancel's client CPU with 200 requests a second."""

    __slots__ = ("_rng", "_seed")

    def __init__(self, seed: float) -> None:
        self._seed = seed
        self._rng: random.Random | None = None

    def uniform(self, a: float, b: float) -> float:
        if self._rng is None:
            self._rng = random.Random(self._seed)
        return self._rng.uniform(a, b)


def attempt_steps(
    policy: RetryPolicy,
    rng: Jitter,
    *,
    retry_uncertain: bool,
    resync_clock: bool = False,
    should_stop: Callable[[], bool] | None = None,
    time_left: Callable[[], float | None] | None = None,
    patient: bool = False,
    prior_uncertain: int = 0,
    clock: Callable[[], float] = time.monotonic,
) -> Generator[Sleep | Send | SyncClock, Attempt | None, Attempts]:
    """Drive one request through retries. The driver answers each `Send` with the Attempt it got.

    `max_retries` bounds the retries of failures that may recur (5xx, lost answers, no connection),
    and of 429s unless `patient`. A `patient` request (part of a `cancel_orders` run) retries a 429
    with backoff (at least its Retry-After) for as long as time remains - `time_left()` seconds (the
    run's deadline), or `THROTTLED_PATIENCE_S` after its first 429 without a deadline - and a wait
    that would pass the deadline ends the retries instead. A 429 was refused before any effect.
    `prior_uncertain`: attempts an earlier process made that may have reached the exchange (a resumed
    journal): they count, and the outcome is uncertain from the start.
    With `resync_clock`, a timestamp rejection (the request was refused before any effect) is answered
    once by re-measuring the clock offset and sending again. `should_stop()` true ends the retries early
    (the run is stopping); the attempts made so far decide the outcome.
    """
    uncertain = prior_uncertain > 0
    count = prior_uncertain
    throttled = 0
    first_throttled: float | None = None
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
        retryable = result.kind == "retry" and (retry_uncertain or not result.uncertain) and not result.not_sent
        if not retryable or (should_stop is not None and should_stop()):
            return Attempts(result, count, uncertain)
        if result.throttled and patient:
            throttled += 1
            now = clock()
            first_throttled = now if first_throttled is None else first_throttled
            wait = max(policy.delay(throttled, rng), result.retry_after_s or 0.0)
            left = time_left() if time_left is not None else None
            if left is None:
                left = first_throttled + THROTTLED_PATIENCE_S - now
            if wait >= left:
                return Attempts(result, count, uncertain)
        else:
            if count - throttled > policy.max_retries:
                return Attempts(result, count, uncertain)
            wait = policy.delay(count - throttled, rng)
        yield Sleep(wait)
        if should_stop is not None and should_stop():
            return Attempts(result, count, uncertain)


Status = Literal["cancelled", "failed", "unknown"]
STATUSES: tuple[Status, ...] = ("cancelled", "failed", "unknown")


class Resolved(NamedTuple):
    position: int
    status: Status
    outcome: OrderOutcome


# A filed order is kept as a plain tuple of its status and its outcome's fields (str, int or None), not as
# the Resolved and OrderOutcome it came in. The garbage collector stops tracking such a tuple the first
# time it sees it, while every object it tracks is walked again by each full collection: 20 sub-accounts
# cancelling 5,000 orders each kept 200,000 tracked objects until their reports, and the full collections
# they caused (4-6 a run, 40-150 ms each, every thread stopped) came mid-run, when each one delays every
# account's next window. Cancel answers are resolved straight into such rows; Resolved objects are made
# from them when asked for (a journal, settling, the report).
_OUTCOME_FIELDS = tuple(f.name for f in attrs.fields(OrderOutcome))
_outcome_values = operator.attrgetter(*_OUTCOME_FIELDS)
_Row = tuple[Any, ...]
Filed = tuple[int, _Row]  # an order's position and its row
# The rows' layout is OrderOutcome's field order, which `_filed` writes out.
assert _OUTCOME_FIELDS == (
    "symbol", "order_id", "client_oid", "error_code", "error_msg", "attempts", "status", "filled_size", "request_time"
)  # fmt: skip


def _row(r: Resolved) -> _Row:
    return (r.status, *_outcome_values(r.outcome))


def _resolved(position: int, row: _Row) -> Resolved:
    return Resolved(position, row[0], OrderOutcome(*row[1:]))


def _filed(
    ref: OrderRef,
    status: Status,
    attempts: int,
    code: str | None = None,
    msg: str | None = None,
    request_time: int | None = None,
    order_id: str | None = None,
    client_oid: str | None = None,
) -> Filed:
    """(position, row) of an order as a cancel answer (or its absence) decided it."""
    return ref.position, (
        status, ref.symbol, ref.order_id or order_id, ref.client_oid or client_oid, code, msg, attempts, None, None,
        request_time,
    )  # fmt: skip


def resolve_batch(batch: Batch, result: Attempts) -> Sequence[Filed]:
    """Each order of the batch exactly once, in the batch's order.

    The rule: an order is `cancelled` only if an answer said so, and `failed` only if no attempt can
    have cancelled it. Once an attempt is uncertain (its answer lost, unreadable or a 5xx), no later
    answer makes its orders `failed`: a later success makes them `cancelled`, anything else leaves them
    `unknown` ("does not exist" included: the lost attempt may have cancelled the order).
    """
    final, n = result.final, result.count
    if final.kind == "ok":
        assert final.payload is not None
        return _resolve_ok(batch, final.payload["data"], n, result.uncertain, final.request_time_ms)
    error = final.error
    code = error.code if isinstance(error, BitgetAPIError) else None
    msg = str(error) if error is not None else "no answer"
    if result.uncertain:
        status: Status = "unknown"
        msg = f"outcome unknown after {n} attempt{'s' if n != 1 else ''}: an earlier answer was lost; last: {msg}"
    else:
        status = "failed"
    # An error answer decided a failure; nothing decided an unknown.
    decided = final.request_time_ms if status == "failed" else None
    return [_filed(o, status, n, code, msg, decided) for o in batch.orders]


def _listed(items: list[Any], key: str, sent: set[str]) -> tuple[dict[str, dict[str, Any]], bool]:
    """Answer items by the identifier the batch was sent with (first occurrence wins), and whether the
    list held anything else: items without that identifier, or identifiers that were never sent."""
    out: dict[str, dict[str, Any]] = {}
    stray = False
    for item in items:
        ident = item.get(key) if type(item) is dict else None
        if type(ident) is not str or ident not in sent:
            stray = True
        elif ident not in out:
            out[ident] = item
    return out, stray


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if type(value) is str and value else None


def _resolve_ok(
    batch: Batch, data: dict[str, Any], n: int, uncertain: bool, stamp: int | None = None
) -> Sequence[Filed]:
    """Match the answer's lists to the batch by the identifier the batch was sent with.

    A failure is believed only from an answer that is consistent: after an uncertain attempt, or when
    the answer lists an order twice (both lists) or lists orders that were not sent, it is `unknown`.
    """
    key = batch.kind
    ids = batch.ids
    sent = set(ids) if ids else {ref.ident for ref in batch.orders}
    successes, stray_s = _listed(data["successList"], key, sent)
    failures, stray_f = _listed(data["failureList"], key, sent)
    if ids and not failures and not stray_s and len(successes) == len(ids):
        return _all_cancelled(batch, successes, n, stamp)
    orders = batch.orders
    inconsistent = stray_s or stray_f
    out: list[Filed] = []
    for ref in orders:
        ident = ref.ident
        s, f = successes.get(ident), failures.get(ident)
        if s is not None and f is not None:
            note = "the answer listed this order in both successList and failureList"
            out.append(_filed(ref, "unknown", n, _text(f, "errorCode"), note))
        elif s is not None:
            oid, coid = _text(s, "orderId"), _text(s, "clientOid")
            out.append(_filed(ref, "cancelled", n, request_time=stamp, order_id=oid, client_oid=coid))
        elif f is not None:
            code, msg = _text(f, "errorCode"), _text(f, "errorMsg") or ""
            if uncertain:
                note = (
                    f"an earlier attempt's answer was lost, and the retry said [{code or '-'}] {msg}: "
                    "the lost attempt may have cancelled it"
                )
                if code in NOT_FOUND_CODES or "not exist" in msg.lower():
                    note += ", or it never existed"
                out.append(_filed(ref, "unknown", n, code, note))
            elif inconsistent:
                note = f"[{code or '-'}] {msg}, in an answer that also listed orders that were not sent"
                out.append(_filed(ref, "unknown", n, code, note))
            else:
                # Bitget's failure items carry both identifiers (the other one null when not given):
                # the report keeps what the exchange said of the order.
                oid, coid = _text(f, "orderId"), _text(f, "clientOid")
                out.append(_filed(ref, "failed", n, code, msg, stamp, order_id=oid, client_oid=coid))
        else:
            note = "the exchange listed this order in neither successList nor failureList"
            out.append(_filed(ref, "unknown", n, None, note))
    return out


def _all_cancelled(batch: Batch, successes: dict[str, dict[str, Any]], n: int, stamp: int | None) -> AllCancelled:
    """`_resolve_ok` when a plain id list's batch came back with every order in successList and nothing
    else (the usual answer): the same rows `_filed` makes, kept compact (see `AllCancelled`)."""
    other = "clientOid" if batch.kind == "orderId" else "orderId"
    echoed = tuple([_text(s, other) for s in map(successes.__getitem__, batch.ids)])
    return AllCancelled(batch, echoed, n, stamp)


class AllCancelled(Sequence[Filed]):
    """A plain id batch whose answer cancelled every order (the usual answer), as its rows: made when
    read, from the batch's ids and the identifiers the exchange echoed, not kept one tuple per order.

    A row kept for each of 100,000 orders (20 accounts at once) was a tracked object each until the
    collector's next pass: ~140 young collections in a run, whose survivors (the requests in flight)
    set off a full collection that held every request for 50-70 ms mid-run. A run keeps these as they
    are (`CancelRun._file`), and its report reads them only when its lists are read.
    """

    __slots__ = ("_batch", "_echoed", "_n", "_stamp")

    def __init__(self, batch: Batch, echoed: tuple[str | None, ...], n: int, stamp: int | None) -> None:
        self._batch, self._echoed, self._n, self._stamp = batch, echoed, n, stamp

    @property
    def first(self) -> int:
        return self._batch.first

    def __len__(self) -> int:
        return len(self._echoed)

    def row(self, j: int) -> _Row:
        """The row of the batch's j-th order."""
        batch = self._batch
        ident, other = batch.ids[j], self._echoed[j]
        oid, coid = (ident, other) if batch.kind == "orderId" else (other, ident)
        return ("cancelled", batch.symbol, oid, coid, None, None, self._n, None, None, self._stamp)

    def __iter__(self) -> Iterator[Filed]:
        return zip(range(self.first, self.first + len(self)), map(self.row, range(len(self))), strict=True)

    @overload
    def __getitem__(self, j: int) -> Filed: ...

    @overload
    def __getitem__(self, j: slice) -> Sequence[Filed]: ...

    def __getitem__(self, j: int | slice) -> Filed | Sequence[Filed]:
        if isinstance(j, slice):
            return [self[k] for k in range(*j.indices(len(self)))]
        if not -len(self) <= j < len(self):
            raise IndexError(j)
        j %= len(self)
        return self._batch.first + j, self.row(j)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class _Rows(Sequence[_Row]):
    """A report's rows in input order, rows kept one per order and `AllCancelled` batches side by side
    (see `AllCancelled`): a row is made when it is read."""

    __slots__ = ("_at", "_order")

    def __init__(self, rows: dict[int, _Row], compact: Sequence[AllCancelled]) -> None:
        at: dict[int, _Row | AllCancelled] = {}
        for batch in compact:
            at.update(dict.fromkeys(range(batch.first, batch.first + len(batch)), batch))
        at.update(rows)  # an order of a compact batch read back since (reconcile) has a row of its own
        self._at = at
        self._order = sorted(at)

    def __len__(self) -> int:
        return len(self._order)

    def _get(self, position: int) -> _Row:
        item = self._at[position]
        return item.row(position - item.first) if isinstance(item, AllCancelled) else item

    @overload
    def __getitem__(self, k: int) -> _Row: ...

    @overload
    def __getitem__(self, k: slice) -> Sequence[_Row]: ...

    def __getitem__(self, k: int | slice) -> _Row | Sequence[_Row]:
        if isinstance(k, slice):
            return [self._get(p) for p in self._order[k]]
        return self._get(self._order[k])

    def __iter__(self) -> Iterator[_Row]:
        return map(self._get, self._order)


ProgressCallback = Callable[[int, int], None]


class RunListener(Protocol):
    """What a run tells a journal, each step before it goes on (see `_journal.Journal`)."""

    def sending(self, batch: int, n: int) -> None: ...

    def answered(self, batch: int, n: int, answer: str, sent: bool) -> None: ...

    def outcomes(self, resolved: Iterable[tuple[int, str, OrderOutcome]]) -> None: ...


def describe(attempt: Attempt) -> str:
    """One attempt's result in a few words, for a journal."""
    if attempt.kind == "ok":
        return "ok"
    error = attempt.error
    if attempt.not_sent:
        return "not sent (deadline)"
    if isinstance(error, BitgetAPIError):
        return f"HTTP {error.http_status} code {error.code}"
    return type(error).__name__ if error is not None else attempt.kind


def request_record(op_id: str, batch: int | None, n: int, attempt: Attempt, outcome: RecordOutcome) -> RequestRecord:
    """The record of one attempt (see `RequestRecord`)."""
    error = attempt.error
    if attempt.kind == "ok" and attempt.payload is not None:
        code: str | None = str(attempt.payload.get("code"))
    else:
        code = error.code if isinstance(error, BitgetAPIError) else None
    transport = type(error).__name__ if attempt.http_status is None and error is not None else None
    return RequestRecord(
        op_id, batch, n, attempt.http_status, transport, code, attempt.request_time_ms, attempt.elapsed_s, outcome
    )


def _led_to(filed: Sequence[Filed]) -> RecordOutcome:
    if isinstance(filed, AllCancelled):
        return "cancelled"
    statuses = {row[0] for _, row in filed}
    return statuses.pop() if len(statuses) == 1 else "mixed"


def _triples(resolved: Iterable[Resolved]) -> list[tuple[int, str, OrderOutcome]]:
    return [(r.position, r.status, r.outcome) for r in resolved]


class StopFlag(Protocol):
    """What `cancel_orders(stop=...)` takes: a `threading.Event`, or anything with `is_set()`."""

    def is_set(self) -> bool: ...


class CancelRun:
    """The bookkeeping of one `cancel_orders` call, shared by the sync (threads) and async drivers.

    Every order ends in exactly one list, whatever happens:

    * `begin(i)` says whether batch i should still be sent (not once the run is stopping);
      `sending(i)` marks that an attempt of it may reach the exchange; `observe(i, attempt)` counts
      each attempt and trips the fail-fast stop after `FAIL_FAST_AFTER` connection failures in a row;
      `record(i, result)` files the batch's outcome.
    * `fail(i, exc)`: the batch raised (a bug); the run stops with a `CancelAbortedError`.
    * `interrupt(exc)`: KeyboardInterrupt or cancellation; no further batch starts.
    * `stop` (the caller's, anything with `is_set()`: a `threading.Event`): once set, no further batch
      starts and no retry is made; the answers in flight are filed as they come, nothing is settled,
      and the report is returned (`stopped`), not raised.
    * `deadline` (time.monotonic, from `deadline_s`): past it no batch starts, no retry is made and
      attempts and reads are cut short; the run then ends normally, reporting orders as they stand.
    * `report()` accounts for every order: a batch never started is `failed` ("not sent"), a started one
      without a recorded outcome is `unknown` if an attempt may have been sent, else `failed`.
      It raises the error that stopped the run, if any, with `.report` set.
    """

    def __init__(
        self,
        batches: Sequence[Batch],
        progress: ProgressCallback | None = None,
        *,
        fail_fast_after: int = FAIL_FAST_AFTER,
        target: str = "",
        deadline: float | None = None,
        deadline_s: float | None = None,
        listener: RunListener | None = None,
        stop: StopFlag | None = None,
    ) -> None:
        self.batches = batches
        # Where and for whom (see `CancelReport.run`): the client's, plus the run's times.
        self.context: dict[str, Any] = {}
        self._started_at = time.time()
        self._stop_flag = stop
        self._stopped = False
        self.listener = listener
        self.unfinished_reason: str | None = None  # why batches never started are not sent (resumed runs)
        self._attempt_no: dict[int, int] = {}
        self._prior: dict[int, int] = {}  # batch -> attempts an earlier process may have sent
        self.deadline = deadline
        self._deadline_s = deadline_s
        self._deadline_passed = False
        self._progress = progress
        self._fail_fast_after = fail_fast_after
        self._target = target
        self._lock = threading.Lock()
        self._filed: dict[int, _Row] = {}  # position -> its status and outcome (see `_row`), in filing order
        self._compact: list[AllCancelled] = []  # batches filed whole (all cancelled: never settled)
        self._compact_at: dict[int, AllCancelled] = {}  # by first position
        self._started: set[int] = set()
        self._maybe_sent: set[int] = set()
        self._attempted: set[int] = set()
        self._done: set[int] = set()
        self._stop: BitgetError | None = None
        self._interrupted: BaseException | None = None
        self._requests = 0
        self._retries = 0
        self._sent = 0
        self._reads = 0
        self._settled = 0
        self._answered_at: dict[int, float] = {}  # position -> when its batch's last attempt ended
        self._settle_s = 0.0
        self._connect_failures = 0
        self._orders_done = 0
        self._total = sum(b.size for b in batches)
        self._batches_left: dict[str, int] = {}  # symbol -> batches holding it that have not ended
        for batch in batches:
            for symbol in batch.symbols:
                self._batches_left[symbol] = self._batches_left.get(symbol, 0) + 1
        self._records: list[RequestRecord] = []
        self._open_record: dict[int, int] = {}  # batch -> index of its last attempt's record
        self._start = time.perf_counter()

    def begin(self, i: int) -> bool:
        with self._lock:
            if self._stop is not None or self._interrupted is not None or self.out_of_time() or self.stopped():
                return False
            self._started.add(i)
            return True

    def out_of_time(self) -> bool:
        """The deadline has passed (remembered: the report says so)."""
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self._deadline_passed = True
        return self._deadline_passed

    def time_left(self) -> float | None:
        """Seconds until the deadline (None: no deadline)."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def should_stop(self) -> bool:
        return self._stop is not None or self._interrupted is not None or self.out_of_time() or self.stopped()

    def stopped(self) -> bool:
        """The caller's `stop` is set (remembered: the report says so)."""
        if not self._stopped and self._stop_flag is not None and self._stop_flag.is_set():
            self._stopped = True
        return self._stopped

    def sending(self, i: int) -> None:
        with self._lock:
            self._maybe_sent.add(i)
            n = self._attempt_no[i] = self._attempt_no.get(i, 0) + 1
        if self.listener is not None:
            self.listener.sending(i, n)

    def observe(self, i: int, attempt: Attempt) -> None:
        if self.listener is not None:
            self.listener.answered(i, self._attempt_no.get(i, 1), describe(attempt), not attempt.connect_failed)
        if attempt.not_sent:  # the deadline comes before the rate limit would allow it
            self._deadline_passed = True
            return
        with self._lock:
            previous = self._open_record.get(i)
            if previous is not None:
                self._records[previous] = attrs.evolve(self._records[previous], outcome="retried")
            self._open_record[i] = len(self._records)
            self._records.append(request_record(BATCH_CANCEL_ID, i, self._attempt_no.get(i, 1), attempt, "interrupted"))
            self._requests += 1
            if i in self._attempted:
                self._retries += 1
            self._attempted.add(i)
            if not attempt.connect_failed:
                self._connect_failures = 0
                self._sent += 1
                return
            self._connect_failures += 1
            if self._connect_failures >= self._fail_fast_after and self._stop is None:
                cause = attempt.error
                self._stop = BitgetTransportError(
                    f"the exchange could not be reached ({self._connect_failures} connection failures in a row; "
                    f"last: {cause}); the run stopped",
                    sent=False,
                    method="POST",
                    url=self._target,
                )

    def record(self, i: int, result: Attempts) -> list[str]:
        """File batch i's outcome; returns the symbols whose every batch has now ended (ready to settle)."""
        filed = resolve_batch(self.batches[i], result)
        if self.listener is not None:
            self.listener.outcomes([(p, row[0], OrderOutcome(*row[1:])) for p, row in filed])
        if result.final.kind == "fatal" and result.final.error is not None:
            fatal: BitgetError | None = result.final.error
        else:
            fatal = None
        with self._lock:
            if fatal is not None and self._stop is None:
                self._stop = fatal
            last = self._open_record.pop(i, None)
            if last is not None:
                self._records[last] = attrs.evolve(self._records[last], outcome=_led_to(filed))
            finished, done = self._file(i, filed)
        if self._progress is not None:
            try:
                self._progress(done, self._total)
            except Exception as exc:
                self.abort(exc, "the on_progress callback raised")
        return finished

    def _file(self, i: int, filed: Sequence[Filed]) -> tuple[list[str], int]:
        """(under the lock) Batch i has its outcome: returns the symbols now finished, orders done."""
        answered = time.monotonic()
        if isinstance(filed, AllCancelled):
            self._compact.append(filed)
            self._compact_at[filed.first] = filed
            self._answered_at.update(dict.fromkeys(range(filed.first, filed.first + len(filed)), answered))
        else:
            for position, row in filed:
                self._filed[position] = row
                self._answered_at[position] = answered
        self._done.add(i)
        self._orders_done += self.batches[i].size
        finished = []
        for symbol in self.batches[i].symbols:
            self._batches_left[symbol] -= 1
            if not self._batches_left[symbol]:
                finished.append(symbol)
        return finished, self._orders_done

    def restore(self, i: int, resolved: Sequence[Resolved], attempts: int, sent: int) -> None:
        """Batch i was dealt with by an earlier process (a resumed journal): file what it left."""
        with self._lock:
            self._started.add(i)
            self._requests += attempts
            self._retries += max(0, attempts - 1)
            self._sent += sent
            self._file(i, [(r.position, _row(r)) for r in resolved])

    def carry(self, i: int, attempts: int, sent: int) -> None:
        """Batch i was in flight when an earlier process died: it is sent again, its outcome uncertain
        from the start (the earlier attempt may have cancelled its orders; see `attempt_steps`)."""
        with self._lock:
            self._prior[i] = attempts
            self._attempt_no[i] = attempts
            self._attempted.add(i)
            self._requests += attempts
            self._retries += max(0, attempts - 1)
            self._sent += sent

    def read_attempt(self, op_id: str, n: int, attempt: Attempt) -> int:
        """A settling read's attempt n ended: recorded (its outcome is filed by `read_ended`)."""
        with self._lock:
            self._records.append(request_record(op_id, None, n, attempt, "interrupted"))
            return len(self._records) - 1

    def read_ended(self, records: Sequence[int], ok: bool) -> None:
        """A settling read's attempts are over: all but the last were retried; the last read or failed."""
        with self._lock:
            for k, index in enumerate(records):
                last = k == len(records) - 1
                outcome: RecordOutcome = ("read" if ok else "read_failed") if last else "retried"
                self._records[index] = attrs.evolve(self._records[index], outcome=outcome)

    def prior(self, i: int) -> int:
        return self._prior.get(i, 0)

    def pending(self) -> list[int]:
        """The batches without an outcome yet, in plan order."""
        with self._lock:
            return [i for i in range(len(self.batches)) if i not in self._done]

    def fail(self, i: int, exc: Exception) -> None:
        """Batch i raised instead of returning: its orders stay unaccounted until `report()` (unknown)."""
        self.abort(exc, "an unexpected error")

    def resolved_where(
        self, wanted: Callable[[Resolved], bool], statuses: Iterable[Status] = STATUSES
    ) -> list[Resolved]:
        """The filed orders `wanted` says, in filing order (batches filed whole, `AllCancelled`, after the
        rest); of those in `statuses` only (no Resolved is made again for the others: settling asks after
        every symbol, and most orders are cancelled)."""
        among = frozenset(statuses)
        with self._lock:
            rows = [(p, row) for p, row in self._filed.items() if row[0] in among]
            if "cancelled" in among:
                filed_rows = self._filed  # an order read back since has its own row there
                rows.extend(filed for batch in self._compact for filed in batch if filed[0] not in filed_rows)
        return [r for r in (_resolved(p, row) for p, row in rows) if wanted(r)]

    def answered_at(self) -> dict[int, float]:
        """When each recorded order's last attempt ended (time.monotonic): settling reads after `lag`."""
        with self._lock:
            return dict(self._answered_at)

    def may_settle(self) -> bool:
        """Settling reads can still work: no interrupt, and not stopped by refused credentials or no network."""
        if self._interrupted is not None or self.stopped():
            return False
        return self._stop is None or isinstance(self._stop, CancelAbortedError)

    def settled(self, new: Sequence[Resolved], reads: int) -> None:
        """Replace the resolutions of settled orders (same positions) by what their state said."""
        by_position = {r.position: r for r in new}
        if self.listener is not None:
            self.listener.outcomes(_triples(new))
        with self._lock:
            for position, r in by_position.items():
                if position in self._filed:
                    self._filed[position] = _row(r)
            self._reads += reads
            self._settled += len(new)

    def batch_resolved(self, i: int) -> list[Resolved]:
        """Batch i's orders as filed (after `record(i, ...)`)."""
        batch = self.batches[i]
        with self._lock:
            compact = self._compact_at.get(batch.first) if batch.ids else None
            out = []
            for o in batch.orders:
                row = self._filed.get(o.position)
                if row is None and compact is not None:
                    row = compact.row(o.position - compact.first)
                if row is not None:
                    out.append(_resolved(o.position, row))
            return out

    def reconciled(self, new: Sequence[Resolved], reads: int) -> None:
        """Orders read back for their final state and filled size (`reconcile`): the same outcome, now
        with `status` and `filled_size` (rows of their own, also for an all-cancelled batch's orders)."""
        if self.listener is not None:
            self.listener.outcomes(_triples(new))
        with self._lock:
            for r in new:
                self._filed[r.position] = _row(r)
            self._reads += reads

    def read_made(self) -> None:
        """A read of the run's own besides settling (the symbol list), counted in `read_count`."""
        with self._lock:
            self._reads += 1

    def settling_added(self, seconds: float) -> None:
        """How long settling went on after the last cancel answer (it starts while others are sent)."""
        with self._lock:
            self._settle_s = seconds if self._settled else 0.0

    def abort(self, exc: Exception, what: str) -> None:
        """Stop the run on an exception that is not an answer (a callback, a bug)."""
        error = CancelAbortedError(f"cancel_orders stopped on {what}: {type(exc).__name__}: {exc}")
        error.__cause__ = exc
        with self._lock:
            if self._stop is None or not isinstance(self._stop, CancelAbortedError):
                self._stop = error

    def interrupt(self, exc: BaseException) -> None:
        with self._lock:
            if self._interrupted is None:
                self._interrupted = exc

    def _unfinished(self) -> list[Filed]:
        stop = self._stop
        if self._interrupted is not None:
            why = f"the run was interrupted ({type(self._interrupted).__name__})"
        elif stop is not None:
            why = f"the run stopped on {stop}"
        elif self._stopped:
            why = "the run was stopped (stop= was set)"
        elif self._deadline_passed:
            why = f"the deadline (deadline_s={self._deadline_s:g}) passed"
        elif self.unfinished_reason is not None:
            why = self.unfinished_reason
        else:  # pragma: no cover - every batch is recorded when nothing stopped the run
            why = "the run ended early"
        code = stop.code if isinstance(stop, BitgetAPIError) and self._interrupted is None else None
        out: list[Filed] = []
        for i, batch in enumerate(self.batches):
            if i in self._done:
                continue
            if i in self._maybe_sent:
                status: Status = "unknown"
                msg = f"outcome unknown: {why} while this order's request was in flight"
            else:
                status, msg = "failed", f"not sent: {why}"
            out.extend(_filed(o, status, 0, code, msg) for o in batch.orders)
        return out

    def snapshot(self) -> CancelReport:
        """The report as things stand (every order accounted for), without raising."""
        with self._lock:
            rows = dict(self._filed)
            rows.update(self._unfinished())
            elapsed = time.perf_counter() - self._start
            report = CancelReport.deferred(
                _Rows(rows, self._compact),
                request_count=self._requests,
                retry_count=self._retries,
                sent_count=self._sent,
                elapsed_s=elapsed,
                requests=list(self._records),
            )
            report.read_count, report.settled_count, report.settle_s = self._reads, self._settled, self._settle_s
            report.deadline_passed = self._deadline_passed
            report.stopped = self._stopped
            report.run = {"started_at": iso(self._started_at), "ended_at": iso(time.time()), **self.context}
            return report

    def report(self) -> CancelReport:
        report = self.snapshot()
        stop = self._stop
        if stop is not None:
            stop.report = report
            raise stop
        return report


def iso(at: float) -> str:
    """A wall-clock time as an incident record writes it: ISO 8601, UTC, milliseconds."""
    return datetime.datetime.fromtimestamp(at, datetime.UTC).isoformat(timespec="milliseconds")

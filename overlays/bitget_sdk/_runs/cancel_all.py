"""`cancel_open_orders`: cancel everything open on some symbols (or the whole account), while a bot
may still be placing orders, and report every order that was open at any listing exactly once.

I/O-free like the engine: `cancel_all_steps` yields actions, the sync and async clients perform them.
Each round lists what is open (the unfilled-orders pages), cancels it, and lists again, until nothing
is open or the deadline passes:

* strategy "batch": the orders listed go to `cancel_orders` (batches of 50 at the full rate; each
  order's outcome is what the answer said, settled like any run);
* strategy "symbol": one `cancel-symbol-order` per symbol (5/s per UID), which Bitget carries out
  *asynchronously*: the answer says nothing per order, so every order listed is `unknown` until the
  order-state reads (settling) show it cancelled, filled or still open;
* strategy "auto": as "batch", from the first page; once the listing has ended, if the estimate below
  says one cancel-symbol-order per symbol is faster for the orders listed and not yet sent, those go
  that way (listed first, so that the report still names every order).

An order still open at a later listing (a cancel that failed, a symbol cancel that has not reached
it, one placed meanwhile) is cancelled in the next round; orders still open when the deadline passes
are in `report.remaining`, and `failed` with why.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import threading
import time
from collections.abc import Callable, Generator, Sequence
from typing import Any

import attrs

from .._core.engine import NotSentForDeadline, Resolved, Status
from .._core.params import Strategy
from .._core.report import CancelReport, OrderOutcome, RequestRecord
from .._core.validation import MAX_BATCH
from .settle import PAGE, needs_settling

log = logging.getLogger("bitget_sdk")


@attrs.frozen
class Listed:
    """One open order as a listing showed it."""

    symbol: str
    order_id: str
    client_oid: str | None


@attrs.frozen
class ListOpen:
    """List every open order of `symbols` (None: the whole account). The driver sends back [Listed];
    with `stream`, it cancels the orders in batches while the next pages are still being listed (the
    list reads have their own budget) and sends back ([Listed], the merged CancelReport, [Listed] not
    sent). `hand_over(orders not yet sent)`, asked once the listing has ended: True stops the batches
    there (those orders then go to `CancelSymbols`)."""

    symbols: tuple[str, ...] | None
    stream: bool = False
    hand_over: Callable[[Sequence[Listed]], bool] | None = None


@attrs.frozen
class CancelSymbols:
    """One cancel-symbol-order per symbol, then settle `orders` (all `unknown`) through the reads. The
    driver sends back (the settled resolutions, error text by symbol, requests sent, reads made)."""

    symbols: tuple[str, ...]
    orders: tuple[Listed, ...]


@attrs.frozen
class Pause:
    """Wait before the next listing (the driver sends back None)."""

    seconds: float


Action = ListOpen | CancelSymbols | Pause


class Interrupted(Exception):
    """Thrown into `cancel_all_steps` when an interrupt (Ctrl-C, a signal, a cancelled task) ends the
    action under way: `partial` is what the action got done, as the driver could gather it (a stream's
    (listed, merged report), or None). The steps then return the report of
    every order listed so far, which the driver attaches to the interrupt."""

    def __init__(self, partial: Any) -> None:
        super().__init__("interrupted")
        self.partial = partial


class Tally:
    """`cancel_open_orders`' progress: orders listed so far (each round's listing counted once) and, of
    them, those a cancel answer has decided; reported to `on_progress(done, listed)` as both grow.
    Called from the listing worker and the cancelling workers alike."""

    def __init__(self, on_progress: Callable[[int, int], None] | None) -> None:
        self._on_progress = on_progress
        self._lock = threading.Lock()
        self._listed = 0
        self._done = 0  # orders of the chunks whose runs ended
        self._current = 0  # ... and of the chunk being cancelled

    def _emit(self) -> None:
        """(under the lock) The callback, with counts that never go backwards. A callback that raises is
        not called again (logged once): a progress display must not cost the report of the run."""
        if self._on_progress is not None:
            done = self._done + self._current
            try:
                self._on_progress(done, max(self._listed, done))
            except Exception:
                log.exception("cancel_open_orders: on_progress raised; it is not called again")
                self._on_progress = None

    def listed_more(self, orders: Sequence[Listed]) -> None:
        with self._lock:
            self._listed += len(orders)
            self._emit()

    def listing(self, orders: Sequence[Listed]) -> None:
        """A whole round's listing (strategy symbol/auto): what is still open counts anew."""
        with self._lock:
            self._listed = max(self._listed, self._done + len(orders))
            self._emit()

    def chunk(self) -> Callable[[int, int], None]:
        """The `on_progress` of one `cancel_orders` run of the round."""
        with self._lock:
            self._done += self._current
            self._current = 0

        def progress(done: int, _total: int) -> None:
            with self._lock:
                self._current = max(self._current, done)
                self._emit()

        return progress


def estimate_s(strategy: str, orders: Sequence[Listed], rate: int, symbol_rate: int, read_rate: int) -> float:
    """Seconds a round would take: batches at the strict window's best case, or one cancel-symbol per
    symbol plus the reads that verify it (the open list, then the history, 100 orders a page)."""
    counts = _per_symbol(orders).values()
    if strategy == "batch":
        return max(0, sum(math.ceil(c / MAX_BATCH) for c in counts) - rate) / rate
    pages = sum(math.ceil(c / PAGE) + 1 for c in counts)
    return max(0, len(counts) - symbol_rate) / symbol_rate + 0.5 + 2 * pages / read_rate


def symbol_faster(orders: Sequence[Listed], rate: int, symbol_rate: int, read_rate: int) -> bool:
    return estimate_s("symbol", orders, rate, symbol_rate, read_rate) < estimate_s(
        "batch", orders, rate, symbol_rate, read_rate
    )


def _per_symbol(orders: Sequence[Listed]) -> dict[str, int]:
    out: dict[str, int] = {}
    for o in orders:
        out[o.symbol] = out.get(o.symbol, 0) + 1
    return out


NOT_YET = "not cancelled yet"  # listed, no cancel sent for it so far


@attrs.define
class _Book:
    """Every order seen open, first-seen order, with its latest status and outcome."""

    order: list[str] = attrs.field(factory=list)
    status: dict[str, Status] = attrs.field(factory=dict)
    outcome: dict[str, OrderOutcome] = attrs.field(factory=dict)
    listings: int = 0  # listings made so far
    sent_after: dict[str, int] = attrs.field(factory=dict)  # order -> the listing its last cancel followed

    def see(self, listed: Sequence[Listed]) -> None:
        for o in listed:
            if o.order_id not in self.status:
                self.order.append(o.order_id)
                self.status[o.order_id] = "unknown"
                self.outcome[o.order_id] = OrderOutcome(o.symbol, o.order_id, o.client_oid, None, NOT_YET)

    def file(self, status: Status, outcome: OrderOutcome) -> None:
        key = outcome.order_id
        if key is None or key not in self.status:
            return
        if self.status[key] == "cancelled" and status != "cancelled":
            return  # an answer said cancelled: a later round cannot un-say it
        self.status[key] = status
        self.outcome[key] = attrs.evolve(outcome, client_oid=outcome.client_oid or self.outcome[key].client_oid)


def cancel_all_steps(
    symbols: tuple[str, ...] | None,
    strategy: Strategy,
    *,
    out_of_time: Any,
    rate: int,
    symbol_rate: int,
    read_rate: int,
    lag_s: float = 0.0,
    now: Callable[[], float] = time.monotonic,
    inbox: list[Any] | None = None,
) -> Generator[Action, Any, CancelReport]:
    """Rounds of list, cancel, list again; returns the report (with `rounds` and `remaining`).

    Reads lag behind writes (`lag_s`, the read-after-write bound): a listing can miss orders placed
    up to `lag_s` before it. So the run ends only at an empty listing begun `lag_s` or more after the
    run began, the first that is sure to show every order placed before the run; an empty listing
    begun sooner is listed again once that time has come. Later in a run the same blind spot is
    unavoidable (an order placed a moment before the last listing cannot be seen by any listing that
    ends the run), and waiting there would only let a bot that never stops placing hold the run:
    a run that has lasted `lag_s` ends at its first empty listing.

    `inbox`: the driver puts each answer there before sending it in (these steps empty it before they
    yield the next action), so that an interrupt while they take it, on the blocking client's main
    thread, still files it whole, and one after they took it does not file it twice."""
    inbox = [] if inbox is None else inbox
    book = _Book()
    began = now()
    rounds = 0
    counts = _Counts()
    before = counts.copy()  # as they were when the answer being taken was asked for
    remaining: list[Listed] = []
    remaining_no = 0  # the listing `remaining` is
    timed_out = False
    failure: BaseException | None = None
    raised: BaseException | None = None  # an interrupt while these steps ran
    action: Action | None = None
    hand_over = None
    if strategy == "auto":
        hand_over = functools.partial(symbol_faster, rate=rate, symbol_rate=symbol_rate, read_rate=read_rate)
    stream = strategy != "symbol"
    try:
        while True:
            listed_at = now()
            inbox.clear()
            before = counts.copy()
            answer: Any = yield (action := ListOpen(symbols, stream, hand_over))
            if isinstance(answer, BaseException):
                if out_of_time() or isinstance(answer, NotSentForDeadline):
                    timed_out = True  # the listing ran out of time: what was last seen open stands
                    break
                if not book.order:
                    raise answer
                # A later round's listing failed: what the earlier rounds did stand, and go up with
                # the error (what is still open is not known).
                failure, remaining = answer, []
                break
            listed: list[Listed] = answer[0] if stream else answer
            book.see(listed)
            book.listings += 1
            remaining, remaining_no = listed, book.listings
            if not listed and listed_at - began < lag_s and not out_of_time():
                inbox.clear()
                yield (action := Pause(began + lag_s - now()))  # may have missed orders placed before the run
                continue
            if not listed or (not stream and out_of_time()):
                timed_out = bool(listed)
                break
            rounds += 1
            by_symbol = listed
            if stream:  # listed and cancelled together; what was not sent goes by symbol
                counts.add(answer[1])
                _file(book, answer[1])
                by_symbol = [] if out_of_time() else answer[2]  # past the deadline: not sent, still open
            if by_symbol:
                names = tuple(sorted({o.symbol for o in by_symbol}))
                inbox.clear()
                before = counts.copy()
                _take_symbols(book, counts, (yield (action := CancelSymbols(names, tuple(by_symbol)))), by_symbol)
            if stream and out_of_time():
                timed_out = True
                break
    except Interrupted as stop:
        _interrupted(book, action, stop.partial, counts)
        remaining = []  # not listed again: what is still open is not known
    except KeyboardInterrupt as exc:  # a signal while these steps ran (the blocking client's main thread)
        raised, counts = exc, before  # the answer being taken, filed whole again (filing is idempotent)
        if isinstance(action, CancelSymbols) and inbox:
            _take_symbols(book, counts, inbox[0], action.orders)
            _interrupted(book, None, None, counts)
        else:
            _interrupted(book, action, as_partial(action, inbox[0] if inbox else None), counts)
        remaining = []
    error = None
    while True:  # a signal while the report is made: made again, then raised with it
        try:
            report = _report(book, remaining, remaining_no, timed_out, counts)
            report.rounds = rounds
            report.deadline_passed = timed_out
            error = raised or failure
            if error is not None:
                with contextlib.suppress(AttributeError):
                    error.report = report  # type: ignore[attr-defined]
            break
        except KeyboardInterrupt as exc:
            raised = raised or exc
    if error is not None:
        raise error
    return report


@attrs.define
class _Counts:
    """What the run's cancel-all rounds sent and read, and their attempts' records."""

    requests: int = 0
    reads: int = 0
    retries: int = 0
    sent: int = 0
    records: list[RequestRecord] = attrs.field(factory=list)

    def add(self, report: CancelReport) -> None:
        self.requests += report.request_count
        self.reads += report.read_count
        self.retries += report.retry_count
        self.sent += report.sent_count
        self.records += report.requests

    def copy(self) -> _Counts:
        return attrs.evolve(self, records=list(self.records))


def _take_symbols(book: _Book, counts: _Counts, answer: Any, orders: Sequence[Listed]) -> None:
    """File a `CancelSymbols` answer: (the orders' resolutions as read back, error text by symbol,
    requests sent, reads made)."""
    settled, errors, used, read = answer
    counts.requests += used
    counts.sent += used
    counts.reads += read
    for o in orders:  # a cancel-symbol-order may have reached it: a listing before it is no proof
        book.sent_after[o.order_id] = book.listings
    for r in settled:
        outcome = r.outcome
        if r.status != "cancelled" and outcome.symbol in errors:
            outcome = attrs.evolve(outcome, error_msg=f"{outcome.error_msg}; {errors[outcome.symbol]}")
        book.file(r.status, outcome)


def _report(book: _Book, remaining: list[Listed], remaining_no: int, timed_out: bool, counts: _Counts) -> CancelReport:
    report = CancelReport(
        request_count=counts.requests,
        read_count=counts.reads,
        retry_count=counts.retries,
        sent_count=counts.sent,
        requests=list(counts.records),
    )
    still_open = {o.order_id for o in remaining}
    for key in book.order:
        status, outcome = book.status[key], book.outcome[key]
        # An order a cancel may have reached (unknown) is not shown open by a listing made before that
        # cancel: it stays unknown. One never sent, or refused, is failed and still open.
        uncertain = status == "unknown" and book.sent_after.get(key, -1) >= remaining_no
        if key in still_open and status != "cancelled" and not uncertain:
            why = "still open at the deadline" if timed_out else "still open at the last listing"
            status, outcome = "failed", attrs.evolve(outcome, error_msg=f"{why}; last: {outcome.error_msg}")
            report.remaining.append(outcome)
        {"cancelled": report.cancelled, "failed": report.failed, "unknown": report.unknown}[status].append(outcome)
    return report


def as_partial(action: Action | None, answer: Any) -> Any:
    """What an action got done, from its answer, as `Interrupted.partial` takes it (None: nothing known)."""
    if isinstance(action, ListOpen) and isinstance(answer, tuple):
        return (answer[0], answer[1])
    if isinstance(action, ListOpen) and isinstance(answer, list):
        return (answer, None)
    return None


def _interrupted(book: _Book, action: Action | None, partial: Any, counts: _Counts) -> None:
    """File what the interrupted action got done (see `Interrupted`); an order listed that no cancel
    was sent for is `failed` (nothing can have cancelled it)."""
    report = partial[1] if isinstance(action, ListOpen) and isinstance(partial, tuple) else partial
    if isinstance(action, ListOpen) and isinstance(partial, tuple):
        book.see(partial[0])
    if isinstance(report, CancelReport):
        counts.add(report)
        _file(book, report)
    if isinstance(action, CancelSymbols):  # a cancel-symbol-order may have gone out: unknown until read
        why = "cancel-symbol-order may have been sent when the run was interrupted"
        for o in action.orders:
            book.sent_after[o.order_id] = book.listings
            book.file("unknown", OrderOutcome(o.symbol, o.order_id, o.client_oid, None, why))
    for key in book.order:
        if book.status[key] == "unknown" and book.outcome[key].error_msg == NOT_YET:
            book.file("failed", attrs.evolve(book.outcome[key], error_msg="not sent: the run was interrupted"))


def _file(book: _Book, report: CancelReport) -> None:
    for kind in ("cancelled", "failed", "unknown"):
        for outcome in getattr(report, kind):
            book.file(kind, outcome)
            if outcome.order_id is not None and outcome.error_msg != "not sent":
                book.sent_after[outcome.order_id] = book.listings


def merge(reports: Sequence[CancelReport]) -> CancelReport:
    """One report of several `cancel_orders` runs over disjoint orders (a streamed round's chunks)."""
    out = CancelReport()
    for r in reports:
        out.cancelled += r.cancelled
        out.failed += r.failed
        out.unknown += r.unknown
        out.request_count += r.request_count
        out.retry_count += r.retry_count
        out.sent_count += r.sent_count
        out.read_count += r.read_count
        out.settled_count += r.settled_count
        out.requests += r.requests
    return out


def to_settle(report: CancelReport) -> list[Resolved]:
    """The outcomes of a report that settling should read back (unknown, or "does not exist")."""
    out: list[Resolved] = []
    for status, outcomes in (("failed", report.failed), ("unknown", report.unknown)):
        for o in outcomes:
            r = Resolved(len(out), status, o)  # type: ignore[arg-type]
            if needs_settling(r):
                out.append(r)
    return out


def settled_report(report: CancelReport, settled: Sequence[Resolved], reads: int) -> CancelReport:
    """`report` with the settled outcomes in their new lists (matched by orderId)."""
    by_id = {r.outcome.order_id: r for r in settled}
    out = attrs.evolve(report, cancelled=[], failed=[], unknown=[])
    lists = {"cancelled": out.cancelled, "failed": out.failed, "unknown": out.unknown}
    for status in ("cancelled", "failed", "unknown"):
        for o in getattr(report, status):
            r = by_id.get(o.order_id)
            lists[r.status if r is not None else status].append(r.outcome if r is not None else o)
    out.read_count += reads
    out.settled_count += len(settled)
    return out


def unreconciled(report: CancelReport) -> list[Resolved]:
    """The cancelled outcomes a read-back has not given a final status yet."""
    return [Resolved(k, "cancelled", o) for k, o in enumerate(report.cancelled) if o.status is None]


def reconciled_report(report: CancelReport, found: Sequence[Resolved], reads: int) -> CancelReport:
    """`report` with the outcomes read back (`found`, by their position in `cancelled`) replaced."""
    cancelled = list(report.cancelled)
    for r in found:
        cancelled[r.position] = r.outcome
    out = attrs.evolve(report, cancelled=cancelled)
    out.read_count += reads
    return out


def as_unknown(orders: Sequence[Listed]) -> list[Resolved]:
    """Orders a cancel-symbol request may have reached: unknown until read back."""
    return [
        Resolved(i, "unknown", OrderOutcome(o.symbol, o.order_id, o.client_oid, None, "cancel-symbol-order sent"))
        for i, o in enumerate(orders)
    ]

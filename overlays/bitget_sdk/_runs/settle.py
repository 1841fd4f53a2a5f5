"""Settling: after its cancel attempts, `cancel_orders` asks the exchange what became of every order
whose outcome is `unknown`, and of every "does not exist" (43001) failure, which may be a fill.

I/O-free like the engine: `settle_steps` yields `Read`s (an operation and its parameters) and `Wait`s;
the sync and async clients perform them and send back the generated response model, or the
BitgetError the read ended with. It returns the new resolution of every order it was given.

How it reads (20 reads/s per UID and endpoint, 100 orders a page):
* a few orders of a symbol, all known by orderId: one `orderInfo` read each;
* otherwise the symbol's open orders (`unfilled-orders`, every page), then its closed ones
  (`history-orders`, newest first, until every order is found or the pages pass below the oldest
  orderId wanted); orders known only by clientOid can only be found this way (Bitget's orderInfo
  finds them by clientOid only while they are open).
* Read-after-write lag: what a read shows is trusted only `lag_s` after the order's last cancel
  attempt ended; an order seen nowhere (or still open) before then is looked for again, and declared
  not found (or still live) only after (nautilus_trader and hummingbot do the same).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from typing import Any

import attrs

from .._core.engine import NOT_FOUND_CODES, CancelRun, Resolved, Status
from .._core.errors import BitgetError
from .._core.operations import HISTORY_ORDERS, ORDER_INFO, UNFILLED_ORDERS, Operation
from .._core.report import OrderOutcome

PER_ORDER_MAX = 20  # up to this many orders of a symbol (all by orderId) are read one by one
PAGE = 100
OPEN_STATUSES = frozenset({"init", "new", "live", "partially_filled"})


@attrs.frozen
class Read:
    op: Operation
    params: dict[str, Any]


@attrs.frozen
class Wait:
    seconds: float


# The statuses `needs_settling` can accept (so that cancelled orders are not looked at).
SETTLING_STATUSES: tuple[Status, ...] = ("unknown", "failed")


def needs_settling(r: Resolved) -> bool:
    """Unknown orders, and "does not exist" failures (cancelled by someone else, filled, or never there)."""
    if r.status == "unknown":
        return True
    return r.status == "failed" and r.outcome.error_code in NOT_FOUND_CODES


def _key(o: OrderOutcome) -> tuple[str, str]:
    return ("orderId", o.order_id) if o.order_id is not None else ("clientOid", o.client_oid or "")


def _numeric(ids: list[str]) -> int | None:
    return min(int(i) for i in ids) if ids and all(i.isascii() and i.isdigit() for i in ids) else None


def _conclusive(order: Any) -> bool:
    """Closed states are final. An order still shown open after our cancels may be a stale read
    (read-after-write lag): an attempt may have cancelled it, or Bitget said it does not exist."""
    return order is not None and str(order.status) not in OPEN_STATUSES


def settle_steps(
    targets: Sequence[Resolved],
    *,
    lag_s: float = 2.0,
    written_at: Mapping[int, float] | None = None,
    now: Callable[[], float] = time.monotonic,
) -> Generator[Read | Wait, Any, tuple[list[Resolved], int]]:
    """Yields reads and waits; returns (the targets' new resolutions, reads made).

    `written_at[position]` is when the order's last cancel attempt ended (`now`'s clock); a read made
    `lag_s` after that shows its state. So each symbol is looked at in the order its writes settle:
    orders read one by one are looked at once at once, and again when that time has come (only those
    not yet seen in a closed state); a list scan (a page per 100 orders of the symbol's history) is made
    once, when that time has come. Symbols cancelled early in a long run are scanned while the writes of
    the last ones are still settling, so the bound costs little beyond the scans themselves.
    """
    start = now()
    written = written_at or {}
    pending = {r.position: r for r in targets}
    seen: dict[int, Any] = {}  # position -> the generated Order model
    failed_reads: dict[int, str] = {}
    stamps: dict[int, int | None] = {}  # position -> requestTime of the last read that looked for it
    reads = 0

    def open_members(group: list[Resolved]) -> list[Resolved]:
        return [r for r in group if not _conclusive(seen.get(r.position)) and r.position not in failed_reads]

    by_symbol: dict[str, list[Resolved]] = {}
    for r in pending.values():
        by_symbol.setdefault(r.outcome.symbol or "", []).append(r)
    one_by_one = {s for s, g in by_symbol.items() if len(g) <= PER_ORDER_MAX and all(r.outcome.order_id for r in g)}
    ready = {s: max(written.get(r.position, start) for r in g) + lag_s for s, g in by_symbol.items()}
    looks = [(s, True) for s in sorted(one_by_one)]  # a first look at once, for orders read one by one
    looks += [(s, False) for s in sorted(by_symbol, key=lambda s: (ready[s], s))]
    for symbol, early in looks:
        group = open_members(by_symbol[symbol])
        if not group or (symbol in one_by_one and not early and lag_s <= 0):
            continue
        if not early and ready[symbol] > now():
            yield Wait(ready[symbol] - now())
        if symbol in one_by_one:
            for r in group:
                answer = yield Read(ORDER_INFO, {"order_id": r.outcome.order_id})
                reads += 1
                if isinstance(answer, BitgetError):
                    failed_reads[r.position] = f"reading orderInfo failed: {answer}"
                    continue
                stamps[r.position] = _stamp(answer)
                if answer.data:
                    seen[r.position] = answer.data[0]
            continue
        wanted = {_key(r.outcome): r.position for r in group}
        for op in (UNFILLED_ORDERS, HISTORY_ORDERS):
            cursor: str | None = None
            while wanted:
                floor = _numeric([k[1] for k in wanted]) if all(k[0] == "orderId" for k in wanted) else None
                answer = yield Read(op, {"symbol": symbol, "limit": PAGE, "id_less_than": cursor})
                reads += 1
                if isinstance(answer, BitgetError):
                    for position in wanted.values():
                        failed_reads[position] = f"reading {op.id} failed: {answer}"
                    wanted = {}
                    break
                for position in wanted.values():
                    stamps[position] = _stamp(answer)
                for order in answer.data:
                    for key in (("orderId", order.order_id), ("clientOid", order.client_oid)):
                        if key in wanted:
                            seen[wanted.pop(key)] = order
                if len(answer.data) < PAGE:
                    break
                cursor = answer.data[-1].order_id
                if floor is not None and cursor.isdigit() and int(cursor) <= floor:
                    break  # newest first: every order still wanted is older than this page (not there)
    out = [_settled(pending[p], seen.get(p), failed_reads.get(p), lag_s, stamps.get(p)) for p in sorted(pending)]
    return out, reads


def reconcile_steps(targets: Sequence[Resolved]) -> Generator[Read, Any, tuple[list[Resolved], list[Resolved], int]]:
    """Read back orders an answer decided (`reconcile`) for their final state and filled size; returns
    (the targets found, with `status` and `filled_size`, in the same list as before; those not found;
    reads made). Per symbol, history pages from just above the newest wanted orderId down: a run's
    batches hold orders whose ids sit together there, so a page of 100 covers about two batches (the
    reads go on while the next batches are cancelled, on the read budget). An answer stands: a read
    never moves an order to another list."""
    by_symbol: dict[str, dict[str, Resolved]] = {}
    missing: list[Resolved] = []
    for r in targets:
        oid = r.outcome.order_id
        if oid is not None and oid.isascii() and oid.isdigit():
            by_symbol.setdefault(r.outcome.symbol or "", {})[oid] = r
        else:
            missing.append(r)
    found: list[Resolved] = []
    reads = 0
    for symbol in sorted(by_symbol):
        wanted = by_symbol[symbol]
        floor = min(map(int, wanted))
        cursor = str(max(map(int, wanted)) + 1)
        while wanted:
            answer = yield Read(HISTORY_ORDERS, {"symbol": symbol, "limit": PAGE, "id_less_than": cursor})
            reads += 1
            if isinstance(answer, BitgetError):
                break
            for order in answer.data:
                hit = wanted.pop(str(order.order_id), None) if str(order.order_id) in wanted else None
                if hit is not None:
                    filled = order.base_volume if isinstance(order.base_volume, str) else None
                    read = attrs.evolve(hit.outcome, status=str(order.status), filled_size=filled)
                    found.append(Resolved(hit.position, hit.status, read))
            if len(answer.data) < PAGE:
                break
            last = str(answer.data[-1].order_id)
            if not last.isdigit() or int(last) <= floor or last == cursor:
                break
            cursor = last
        missing += wanted.values()
    return found, missing, reads


def _stamp(answer: Any) -> int | None:
    """A read's `requestTime` as an int (the generated model keeps int or str), None if it has none."""
    value = getattr(answer, "request_time", None)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    return value if type(value) is int else None


def _settled(r: Resolved, order: Any, read_error: str | None, lag_s: float, stamp: int | None = None) -> Resolved:
    """The order's new resolution from what the reads showed; `stamp`: the deciding read's requestTime."""
    o = attrs.evolve(r.outcome, request_time=stamp)
    status: Status
    if order is not None:
        state = str(order.status)
        filled = order.base_volume if isinstance(order.base_volume, str) else None
        order_id = o.order_id or order.order_id
        if state == "cancelled":
            # After a lost attempt, this run's cancel; after a plain "does not exist", someone else's, earlier.
            note = None if r.status == "unknown" else "already cancelled before this run's request"
            status, code, msg = "cancelled", None, note
        elif state == "filled":
            status, code, msg = "failed", o.error_code, "filled before the cancel reached it"
        elif state in OPEN_STATUSES:
            status, code, msg = "failed", o.error_code, f"still live ({state}) after every attempt"
        else:
            status, code, msg = "unknown", o.error_code, f"the exchange reports status {state!r}"
        outcome = attrs.evolve(o, order_id=order_id, error_code=code, error_msg=msg, status=state, filled_size=filled)
        if status == "unknown":
            outcome = attrs.evolve(outcome, request_time=None)
        return Resolved(r.position, status, outcome)
    if read_error is not None:  # nothing decided it
        note = f"{o.error_msg}; settling: {read_error}"
        return Resolved(r.position, "unknown", attrs.evolve(o, error_msg=note, request_time=None))
    how = "by orderId" if o.order_id is not None else "by clientOid in the open and closed lists"
    note = f"the exchange does not have this order (not found {how}, read again for {lag_s:g} s)"
    if r.status == "failed":  # Bitget's own "does not exist", now confirmed: keep its words first
        note = f"{o.error_msg}; confirmed: {note}"
    return Resolved(r.position, "failed", attrs.evolve(o, error_code="43001", error_msg=note, status="not_found"))


Steps = Generator[Read | Wait, Any, tuple[list[Any], int]]


def _symbol(r: Resolved) -> str:
    return r.outcome.symbol or ""


class SettleSchedule:
    """Which symbols to settle, each once. Thread-safe: batches end on several threads."""

    def __init__(self, run: CancelRun, lag_s: float) -> None:
        self._run = run
        self._lag_s = lag_s
        self._taken: set[str] = set()
        self._lock = threading.Lock()

    def take(self, symbols: Iterable[str]) -> list[str]:
        """Of `symbols` (all their batches ended), those with orders to settle not taken before."""
        wanted = set(symbols)
        with self._lock:
            wanted -= self._taken
            if not wanted:
                return []
            have = {
                _symbol(r) for r in self._run.resolved_where(needs_settling, SETTLING_STATUSES) if _symbol(r) in wanted
            }
            self._taken |= have
        return sorted(have)

    def rest(self) -> list[str]:
        """Every symbol with orders to settle that was not taken (its batches did not all end)."""
        return self.take(_symbol(r) for r in self._run.resolved_where(needs_settling, SETTLING_STATUSES))

    def steps(self, symbols: list[str]) -> Steps:
        chosen = set(symbols)
        targets = [r for r in self._run.resolved_where(needs_settling, SETTLING_STATUSES) if _symbol(r) in chosen]
        return settle_steps(targets, lag_s=self._lag_s, written_at=self._run.answered_at())

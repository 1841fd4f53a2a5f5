"""What happened to each order of a `cancel_orders` run."""

from __future__ import annotations

import collections
import threading
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs


@attrs.frozen
class OrderOutcome:
    """One order as given, enriched with what Bitget said (`order_id` is filled in for clientOid cancels).

    `status` is the exchange's state of the order when it was read while settling (`cancelled`,
    `filled`, `partially_filled`, `live`, ..., or `not_found`), None when it was never read;
    `filled_size` is its filled size as Bitget sends it (a string), where known.
    `request_time` is the `requestTime` (the exchange's clock, ms) of the answer that decided the order:
    the cancel answer that listed it, the error answer that refused it, or the settling read that showed
    its state; None when no answer did (unknown, never sent). Bitget's support asks for it.
    """

    symbol: str | None
    order_id: str | None = None
    client_oid: str | None = None
    error_code: str | None = None
    error_msg: str | None = None
    attempts: int = 0
    status: str | None = None
    filled_size: str | None = None
    request_time: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in OUTCOME_FIELDS}  # attrs.asdict: 4x the time


# OrderOutcome's fields, in order: the shape of `CancelReport.iter_rows`'s tuples.
OUTCOME_FIELDS: tuple[str, ...] = tuple(f.name for f in attrs.fields(OrderOutcome))

RecordOutcome = Literal["retried", "cancelled", "failed", "unknown", "mixed", "read", "read_failed", "interrupted"]


@attrs.frozen
class RequestRecord:
    """One attempt of a run, as it went: what support and post-mortems ask for.

    `operation`: the contract's operationId (`batchCancelOrders`, or a settling read such as
    `getOrderInfo`). `batch`: the batch's index in the run's plan (None for a read); `attempt`: 1 for a
    request's first attempt, 2 for its first retry... `http_status` None when no HTTP answer came
    (`transport_error` names what happened instead); `code`: Bitget's code ("00000" on success);
    `request_time`: the answer's `requestTime`; `elapsed_s`: from sending to the end of the answer.
    `outcome`: what it led to - "retried" (another attempt followed); for a batch's last attempt its
    orders' status ("cancelled", "failed", "unknown", or "mixed" when the answer split them); for a
    read's last attempt "read" or "read_failed"; "interrupted" when the run stopped before it was filed.
    """

    operation: str
    batch: int | None
    attempt: int
    http_status: int | None
    transport_error: str | None
    code: str | None
    request_time: int | None
    elapsed_s: float
    outcome: RecordOutcome

    def to_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        out["elapsed_s"] = round(self.elapsed_s, 4)
        return out


_LISTS = ("cancelled", "failed", "unknown")
# Where a deferred report's row holds OrderOutcome.status (the row's first item is the list's name).
_ROW_STATUS = 1 + [f.name for f in attrs.fields(OrderOutcome)].index("status")
_ROW_SYMBOL = 1 + [f.name for f in attrs.fields(OrderOutcome)].index("symbol")
_ROW_FILLED = 1 + [f.name for f in attrs.fields(OrderOutcome)].index("filled_size")
# Held while a deferred report's lists are made, so that two threads reading them get the same lists.
_materializing = threading.Lock()


def _fmt(outcome: OrderOutcome) -> str:
    ident = outcome.order_id or "-"
    if outcome.client_oid:
        ident += f" (clientOid {outcome.client_oid})"
    return f"{outcome.symbol or '-'} {ident}"


@attrs.define
class CancelReport:
    """Every order given appears in exactly one of `cancelled`, `failed` and `unknown`, in input order.

    `cancelled`: an answer said so. `failed`: no attempt can have cancelled it (Bitget refused it, or
    it was never sent). `unknown`: everything else - an attempt's answer was lost, unreadable or a
    5xx and no later answer said "cancelled" (a re-cancel's "does not exist" is what Bitget says both
    for an order the lost attempt cancelled and for one that never existed). `error_msg` says why.

    `request_count`: attempts made; `sent_count`: attempts that may have reached the exchange (0 means
    nothing did: every connection failed); `retry_count`: attempts after a batch's first.
    `deadline_passed`: the run's `deadline_s` cut it short (orders are reported as they stood).
    `stopped`: the caller's `stop` was set: no batch started after it (orders not sent are `failed`).
    `cancel_open_orders` only: `rounds` of list-and-cancel, and `remaining`, the orders still open at
    the end (each also in `failed`, saying why); `plan_orders`, the plan (trigger) orders' own report
    (None when they were left alone; its `run["error"]` says why when they could not be listed).
    `requests`: one `RequestRecord` per attempt this process made (cancels and settling reads), in the
    order they ended.
    `run`: what an incident record needs besides the orders: `base_url`, `account` (a hint: the UID,
    or the API key's first characters), `uid`, `sdk_version`, `started_at` / `ended_at` (ISO 8601,
    UTC), `journal` (its path, if any), `resumed` (a journal's run finished by this process).
    """

    cancelled: list[OrderOutcome] = attrs.field(factory=list)
    failed: list[OrderOutcome] = attrs.field(factory=list)
    unknown: list[OrderOutcome] = attrs.field(factory=list)
    request_count: int = 0
    retry_count: int = 0
    elapsed_s: float = 0.0
    sent_count: int = 0
    read_count: int = 0
    settled_count: int = 0
    settle_s: float = 0.0
    deadline_passed: bool = False
    stopped: bool = False
    rounds: int = 0
    remaining: list[OrderOutcome] = attrs.field(factory=list)
    requests: list[RequestRecord] = attrs.field(factory=list)
    run: dict[str, Any] = attrs.field(factory=dict)
    plan_orders: CancelReport | None = None
    # Orders not yet made into OrderOutcome lists (see `deferred`); None once they are.
    _rows: Sequence[tuple[Any, ...]] | None = attrs.field(default=None, init=False, repr=False, eq=False)

    @classmethod
    def deferred(cls, rows: Sequence[tuple[Any, ...]], **fields: Any) -> CancelReport:
        """A report whose `cancelled`, `failed` and `unknown` lists are made when first read, from `rows`:
        (status, then OrderOutcome's fields in order), in input order.

        A run's bookkeeping keeps its orders as plain tuples, which the garbage collector stops tracking;
        5,000 OrderOutcome objects are 5,000 more it tracks and walks in every full collection. Made as
        each of 20 sub-accounts' runs ended, 100,000 of them caused full collections that stopped every
        thread while the other accounts were still sending (measured: 20 x 5,000 orders with threads
        went from 0.83-0.86 to 0.89-0.92 of the best case when they were not made then). Reading any of
        the three lists (or comparing, copying, printing the report) makes all three.
        """
        report = cls(**fields)
        report._rows = rows
        del report.cancelled, report.failed, report.unknown
        return report

    def __getattr__(self, name: str) -> Any:
        # Only called for an attribute that is not set: the three lists of a deferred report.
        if name not in _LISTS:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        with _materializing:
            rows = self._rows
            if rows is not None:
                lists: dict[str, list[OrderOutcome]] = {k: [] for k in _LISTS}
                for row in rows:
                    lists[row[0]].append(OrderOutcome(*row[1:]))
                self.cancelled, self.failed, self.unknown = lists["cancelled"], lists["failed"], lists["unknown"]
                self._rows = None
        return object.__getattribute__(self, name)

    def _count(self, name: str) -> int:
        """How many orders a list holds, without making a deferred report's lists."""
        rows = self._rows
        if rows is not None:
            return sum(1 for row in rows if row[0] == name)
        return len(getattr(self, name))

    def iter_rows(self, name: str) -> Iterator[tuple[Any, ...]]:
        """The orders of list `name` ("cancelled", "failed" or "unknown"), in input order, as tuples of
        OrderOutcome's fields (`OUTCOME_FIELDS`), without making the report's lists: a writer streaming
        200,000 orders to a file or a terminal need not make 200,000 objects first (a second)."""
        if name not in _LISTS:
            raise ValueError(f"name must be one of {', '.join(_LISTS)}, not {name!r}")
        rows = self._rows
        if rows is None:
            return (tuple(getattr(o, f) for f in OUTCOME_FIELDS) for o in getattr(self, name))
        return (row[1:] for row in rows if row[0] == name)

    @property
    def total(self) -> int:
        rows = self._rows
        if rows is not None:
            return len(rows)
        return self._count("cancelled") + self._count("failed") + self._count("unknown")

    @property
    def ok(self) -> bool:
        """True when every order was cancelled."""
        rows = self._rows
        if rows is not None:
            return all(row[0] == "cancelled" for row in rows)  # stops at the first that is not
        return not self._count("failed") and not self._count("unknown")

    @property
    def filled(self) -> list[OrderOutcome]:
        """The failed orders that were filled before the cancel reached them (read while settling)."""
        return [o for o in self.failed if o.status == "filled"]

    @property
    def filled_total(self) -> dict[str, str]:
        """What filled, per symbol (base coin, as Bitget counts `baseVolume`), over every order whose
        filled size was read (settling, `reconcile=True`): the position change the run's orders made."""
        rows = self._rows
        if rows is not None:
            pairs: Iterator[tuple[str, str | None]] = ((row[_ROW_SYMBOL], row[_ROW_FILLED]) for row in rows)
        else:
            pairs = ((o.symbol or "", o.filled_size) for name in _LISTS for o in getattr(self, name))
        totals: dict[str, Decimal] = {}
        for symbol, size in pairs:
            if size:
                try:
                    totals[symbol] = totals.get(symbol, Decimal(0)) + Decimal(size)
                except ArithmeticError:
                    continue
        return {symbol: format(total.normalize(), "f") for symbol, total in sorted(totals.items()) if total}

    @property
    def counts(self) -> dict[str, int]:
        rows = self._rows
        if rows is not None:  # one pass, not three
            seen = collections.Counter(row[0] for row in rows)
            return {name: seen[name] for name in _LISTS}
        return {name: self._count(name) for name in _LISTS}

    @property
    def cancels_per_second(self) -> float:
        return self._count("cancelled") / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self, *, rows: bool = True) -> dict[str, Any]:
        """The report as JSON-ready data; `rows=False` leaves out the three order lists (a writer that
        streams them one by one, as the CLI's, takes the rest from here)."""
        out = {
            "run": dict(self.run),
            "counts": self.counts,
            "request_count": self.request_count,
            "retry_count": self.retry_count,
            "sent_count": self.sent_count,
            "read_count": self.read_count,
            "settled_count": self.settled_count,
            "settle_s": round(self.settle_s, 4),
            "deadline_passed": self.deadline_passed,
            "stopped": self.stopped,
            "rounds": self.rounds,
            "remaining": [o.to_dict() for o in self.remaining],
            "filled_total": self.filled_total,
            "elapsed_s": round(self.elapsed_s, 4),
            "requests": [r.to_dict() for r in self.requests],
        }
        if self.plan_orders is not None:
            out["plan_orders"] = self.plan_orders.to_dict()
        if rows:
            out.update({name: [o.to_dict() for o in getattr(self, name)] for name in _LISTS})
        return out

    def __repr__(self) -> str:
        """Counts, not orders: a report of a 5,000-order run reprs in a line, not in megabytes (asyncio
        and anyio put a finished task's result in its repr, and anyio formats the current task's repr
        when it cancels a scope: each of those took 0.18 s with 20 such reports gathered)."""
        return (
            f"CancelReport(cancelled={self._count('cancelled')}, failed={self._count('failed')}, "
            f"unknown={self._count('unknown')}, "
            f"request_count={self.request_count}, retry_count={self.retry_count}, sent_count={self.sent_count}, "
            f"read_count={self.read_count}, elapsed_s={self.elapsed_s:.3f}, deadline_passed={self.deadline_passed})"
        )

    def summary(self) -> str:
        rows = self._rows
        if rows is not None:
            n_filled = sum(1 for row in rows if row[0] == "failed" and row[_ROW_STATUS] == "filled")
        else:
            n_filled = len(self.filled)
        filled = f" ({n_filled} filled)" if n_filled else ""
        counts = self.counts
        return (
            f"{counts['cancelled']} cancelled, {counts['failed']} failed{filled}, {counts['unknown']} unknown "
            f"of {self.total} orders in {self.request_count} requests ({self.retry_count} retries), "
            f"{self.elapsed_s:.2f} s"
        )

    def __str__(self) -> str:
        lines = [f"CancelReport: {self.summary()}"]
        for o in self.failed[:20]:
            lines.append(f"  failed   {_fmt(o)}: [{o.error_code or '-'}] {o.error_msg or ''}")
        for o in self.unknown[:20]:
            lines.append(f"  unknown  {_fmt(o)}: {o.error_msg or ''}")
        hidden = max(0, len(self.failed) - 20) + max(0, len(self.unknown) - 20)
        if hidden:
            lines.append(f"  ... and {hidden} more (see .failed / .unknown)")
        return "\n".join(lines)

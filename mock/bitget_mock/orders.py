"""Orders with a lifecycle (live, partially_filled, filled, cancelled), per account (UID): the batch
cancel semantics of the endpoint doc, fills for tests, and the order-state reads with Bitget's semantics."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

NOT_FOUND = ("43001", "The order does not exist")
MIXED_IDENTIFIERS = ("40019", "Parameter orderId cannot be empty")
DUPLICATE_CODE = "40808"
OPEN = frozenset({"live", "partially_filled"})
STATUSES = ("live", "partially_filled", "filled", "cancelled")
HISTORY_DAYS = 90

# Bounded memory: seeding refuses to grow the book past this many orders (open + closed).
MAX_ORDERS = 2_000_000


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class OrderSpec:
    symbol: str
    client_oid: str | None = None
    price: str = "100"
    size: str = "1"
    side: str = "buy"
    tpsl_type: str = "normal"


@dataclass
class Order:
    uid: str
    order_id: str
    symbol: str
    client_oid: str | None
    price: str = "100"
    size: str = "1"
    side: str = "buy"
    status: str = "live"
    filled: Decimal = field(default_factory=Decimal)
    c_time: int = field(default_factory=_now_ms)
    u_time: int = field(default_factory=_now_ms)
    cancel_reason: str | None = None
    # Every state the order has had, (time ms, status, filled, cancelReason): what a lagging read sees.
    history: list[tuple[int, str, Decimal, str | None]] = field(default_factory=list)
    tpsl_type: str = "normal"  # `tpsl`: a take-profit/stop-loss order, cancelled only with tpslType tpsl

    def __post_init__(self) -> None:
        self.history.append((self.c_time, self.status, self.filled, self.cancel_reason))

    def change(
        self, status: str, filled: Decimal | None = None, cancel_reason: str | None = None, at_ms: int | None = None
    ) -> None:
        """`at_ms`: when it changed (now if None; a batch's orders change at one time)."""
        self.status = status
        if filled is not None:
            self.filled = filled
        if cancel_reason is not None:
            self.cancel_reason = cancel_reason
        self.u_time = max(_now_ms() if at_ms is None else at_ms, self.u_time)
        self.history.append((self.u_time, self.status, self.filled, self.cancel_reason))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def seen_at(self, at_ms: int | None) -> Order | None:
        """The order as a read at `at_ms` sees it (None: not visible yet); `at_ms` None = now."""
        if at_ms is None or self.u_time <= at_ms:
            return self
        past = [h for h in self.history if h[0] <= at_ms]
        if not past:
            return None
        t, status, filled, reason = past[-1]
        return Order(
            self.uid, self.order_id, self.symbol, self.client_oid, self.price, self.size, self.side,
            status, filled, self.c_time, t, reason, history=[], tpsl_type=self.tpsl_type,
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        """The control API's view (ground truth for tests)."""
        out: dict[str, Any] = {"orderId": self.order_id, "symbol": self.symbol, "status": self.status}
        if self.client_oid is not None:
            out["clientOid"] = self.client_oid
        out["filledSize"] = _fmt(self.filled)
        return out

    def as_api(self, with_cancel_reason: bool = False) -> dict[str, Any]:
        """The order as `orderInfo` and `history-orders` return it: the keys, order and types of Bitget's
        recorded answers (the contract's `x-source` examples): numbers and times as strings, `priceAvg` the average fill
        price, `feeDetail` a JSON string (empty before any fill). `orderInfo` also sends `cancelReason`
        (empty unless cancelled); `history-orders` only for a cancelled order."""
        filled_quote = self.filled * Decimal(self.price)
        out: dict[str, Any] = {
            "userId": self.uid,
            "symbol": self.symbol,
            "orderId": self.order_id,
            "clientOid": self.client_oid or "",
            "price": self.price,
            "size": self.size,
            "orderType": "limit",
            "side": self.side,
            "status": self.status,
            "priceAvg": self.price if self.filled else "0",
            "baseVolume": _fmt(self.filled),
            "quoteVolume": _fmt(filled_quote),
            "enterPointSource": "API",
            "feeDetail": _fee_detail(self.symbol, filled_quote) if self.filled else "",
            "orderSource": "normal",
            "cTime": str(self.c_time),
            "uTime": str(self.u_time),
        }
        if with_cancel_reason or self.cancel_reason is not None:
            out["cancelReason"] = self.cancel_reason or ""
        return out

    def as_open_api(self) -> dict[str, Any]:
        """The order as `unfilled-orders` returns it (Bitget's recorded answer): here `priceAvg` is the
        limit price and `basePrice` the average fill price; no `price`, no `feeDetail`."""
        return {
            "userId": self.uid,
            "symbol": self.symbol,
            "orderId": self.order_id,
            "clientOid": self.client_oid or "",
            "priceAvg": self.price,
            "size": self.size,
            "orderType": "limit",
            "side": self.side,
            "status": self.status,
            "basePrice": self.price if self.filled else "0",
            "baseVolume": _fmt(self.filled),
            "quoteVolume": _fmt(self.filled * Decimal(self.price)),
            "enterPointSource": "API",
            "orderSource": "normal",
            "cTime": str(self.c_time),
            "uTime": str(self.u_time),
        }


def _fee_detail(symbol: str, filled_quote: Decimal) -> str:
    """A filled order's `feeDetail`, a JSON-encoded string as Bitget sends it (fees are negative; 0.1 %
    of the filled amount, in the quote coin)."""
    fee = -(filled_quote / 1000)
    coin = next((q for q in ("USDT", "USDC", "BTC", "ETH") if symbol.endswith(q) and symbol != q), "USDT")
    detail = {
        "newFees": {"c": 0, "d": 0, "deduction": False, "r": float(fee), "t": float(fee), "totalDeductionFee": 0},
        coin: {"deduction": False, "feeCoinCode": coin, "totalDeductionFee": 0, "totalFee": float(fee)},
    }
    return json.dumps(detail, separators=(",", ":"))


def _fill(order: Order, fraction: Decimal) -> None:
    size = Decimal(order.size)
    filled = max(order.filled, size * fraction)
    order.change("filled" if filled >= size else "partially_filled", filled)


def _echo(item: dict[str, str]) -> dict[str, str | None]:
    """A failure entry's identifiers: both keys, as Bitget's example has them, each as the batch item
    carried it and null for the one it did not."""
    return {"orderId": item.get("orderId"), "clientOid": item.get("clientOid")}


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


class OrderBookFull(Exception):
    pass


class OrderBook:
    """All orders of all accounts. Thread-safe: the control API and tests may touch it off the event loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1_100_000_000_000)
        self._by_id: dict[tuple[str, str], Order] = {}  # (uid, orderId)
        self._by_client_oid: dict[tuple[str, str], Order] = {}  # (uid, clientOid)
        self._by_uid: dict[str, list[Order]] = {}  # creation order = orderId order
        self._symbols: set[str] = set()  # of every order seeded: the exchange lists them

    def reset(self) -> None:
        with self._lock:
            self._symbols.clear()
            self._by_id.clear()
            self._by_client_oid.clear()
            self._by_uid.clear()

    def add(self, uid: str, specs: Iterable[OrderSpec]) -> list[Order]:
        """Create live orders; clientOids must be unique per account."""
        specs = list(specs)
        with self._lock:
            if len(self._by_id) + len(specs) > MAX_ORDERS:
                raise OrderBookFull(f"the mock holds at most {MAX_ORDERS} orders; POST /mock/reset first")
            seen: set[str] = set()
            for spec in specs:
                c = spec.client_oid
                if c is None:
                    continue
                if c in seen or (uid, c) in self._by_client_oid:
                    raise ValueError(f"clientOid {c!r} already exists")
                seen.add(c)
            created = []
            own = self._by_uid.setdefault(uid, [])
            for spec in specs:
                order = Order(uid, str(next(self._ids)), spec.symbol, spec.client_oid, spec.price, spec.size, spec.side)
                order.tpsl_type = spec.tpsl_type  # `tpsl`: placed through the control API only
                self._by_id[(uid, order.order_id)] = order
                if spec.client_oid is not None:
                    self._by_client_oid[(uid, spec.client_oid)] = order
                own.append(order)
                created.append(order)
                self._symbols.add(spec.symbol)
            return created

    def next_id(self) -> str:
        """A new order id (plan orders share the sequence)."""
        with self._lock:
            return str(next(self._ids))

    def symbols(self) -> set[str]:
        """The symbols of every order seeded since the last reset."""
        with self._lock:
            return set(self._symbols)

    def select(self, uid: str, symbol: str | None = None, status: str | None = None) -> list[Order]:
        with self._lock:
            return [
                o
                for o in self._by_uid.get(uid, [])
                if (symbol is None or o.symbol == symbol) and (status is None or o.status == status)
            ]

    def find(self, uid: str, order_id: str | None, client_oid: str | None, at_ms: int | None = None) -> Order | None:
        with self._lock:
            if order_id is not None:
                order = self._by_id.get((uid, order_id))
            else:
                assert client_oid is not None
                order = self._by_client_oid.get((uid, client_oid))
            return None if order is None else order.seen_at(at_ms)

    def fill(self, uid: str, fills: list[tuple[str | None, str | None, str | None, Decimal]]) -> list[Order]:
        """Fill open orders: (orderId, clientOid, symbol or None, fraction of the size filled in total)."""
        with self._lock:
            targets = []
            for i, (oid, coid, symbol, fraction) in enumerate(fills):
                order = self._by_id.get((uid, oid)) if oid is not None else self._by_client_oid.get((uid, coid or ""))
                if order is None or (symbol is not None and order.symbol != symbol):
                    raise ValueError(f"orders[{i}]: no such order")
                if not order.is_open:
                    raise ValueError(f"orders[{i}]: order {order.order_id} is {order.status}, not open")
                targets.append((order, fraction))
            for order, fraction in targets:
                _fill(order, fraction)
            return [o for o, _ in targets]

    def page(
        self,
        uid: str,
        statuses: frozenset[str],
        *,
        symbol: str | None,
        start_time: int | None,
        end_time: int | None,
        id_less_than: str | None,
        order_id: str | None,
        limit: int,
        not_before: int | None = None,
        at_ms: int | None = None,
    ) -> list[Order]:
        """Newest first, at most `limit`, only orderIds below `id_less_than` (the paging cursor)."""
        cursor: int | None = None
        if id_less_than is not None:
            if not (id_less_than.isascii() and id_less_than.isdigit()):
                return []  # no orderId is below a cursor that is not one
            cursor = int(id_less_than)
        with self._lock:
            out: list[Order] = []
            for current in self._newest_first(uid):
                o = current.seen_at(at_ms)
                if o is None or (cursor is not None and int(o.order_id) >= cursor):
                    continue
                if o.status not in statuses or (symbol is not None and o.symbol != symbol):
                    continue
                if order_id is not None and o.order_id != order_id:
                    continue
                if (start_time is not None and o.c_time < start_time) or (end_time is not None and o.c_time > end_time):
                    continue
                if not_before is not None and o.c_time < not_before:
                    continue
                out.append(o)
                if len(out) >= limit:
                    break
            return out

    def _newest_first(self, uid: str) -> Iterator[Order]:
        return reversed(self._by_uid.get(uid, []))

    def open_ids(self, uid: str, symbol: str) -> list[str]:
        """The orderIds of a symbol's open orders now (what an asynchronous cancel-symbol will cancel)."""
        with self._lock:
            return [o.order_id for o in self._by_uid.get(uid, []) if o.symbol == symbol and o.is_open]

    def cancel_ids(self, uid: str, order_ids: Iterable[str]) -> int:
        """Cancel those of `order_ids` still open (an asynchronous cancel-symbol taking effect)."""
        done = 0
        with self._lock:
            for oid in order_ids:
                order = self._by_id.get((uid, oid))
                if order is not None and order.is_open:
                    order.change("cancelled", cancel_reason="normal_cancel")
                    done += 1
        return done

    def batch_cancel(
        self, uid: str, body: dict[str, Any], fill_first: Callable[[], bool] | None = None
    ) -> dict[str, list[dict[str, str | None]]]:
        """Apply one validated batch; returns `{"successList": [...], "failureList": [...]}`.

        * single mode: the top-level symbol applies to every item, item symbols are ignored;
          multiple mode: each item's own symbol applies.
        * If any item carries an orderId, items that carry only a clientOid fail (the doc's "do not mix" rule).
        * An item with both identifiers is matched by orderId.
        * The same order named twice in a batch: the first occurrence is processed, later ones fail as duplicates.
        * An unknown, already cancelled or filled, or other-symbol order fails with 43001. A partially
          filled order is cancelled (its filled part stays filled).
        * `fill_first()` true (a fault): the order is filled just before the cancel reaches it, as a fill
          racing a cancel would, and the cancel then fails with 43001.
        """
        multiple = body.get("batchMode", "single") == "multiple"
        items: list[dict[str, str]] = body["orderList"]
        by_order_id = any("orderId" in item for item in items)
        success: list[dict[str, str | None]] = []
        failure: list[dict[str, str | None]] = []
        seen: set[str] = set()  # the identifiers of the batch's kind seen so far
        ident_key = "orderId" if by_order_id else "clientOid"
        index = self._by_id if by_order_id else self._by_client_oid
        with self._lock:
            now = _now_ms()
            for item in items:
                symbol = item["symbol"] if multiple else body["symbol"]
                ident = item.get(ident_key)
                if ident is None:  # an orderId batch's item that has only a clientOid
                    failure.append({**_echo(item), "errorMsg": MIXED_IDENTIFIERS[1], "errorCode": MIXED_IDENTIFIERS[0]})
                    continue
                if ident in seen:
                    label = "orderId" if by_order_id else "clientOrderId"
                    failure.append({**_echo(item), "errorMsg": f"duplicate {label}", "errorCode": DUPLICATE_CODE})
                    continue
                seen.add(ident)
                order = index.get((uid, ident))
                if order is not None and order.is_open and order.symbol == symbol and fill_first and fill_first():
                    _fill(order, Decimal(1))
                if order is None or not order.is_open or order.symbol != symbol:
                    failure.append({**_echo(item), "errorMsg": NOT_FOUND[1], "errorCode": NOT_FOUND[0]})
                    continue
                order.change("cancelled", cancel_reason="normal_cancel", at_ms=now)
                success.append({"orderId": order.order_id, "clientOid": order.client_oid or ""})
        return {"successList": success, "failureList": failure}

    def cancel_one(self, uid: str, body: dict[str, Any]) -> dict[str, str] | None:
        """Apply one validated single cancel (`cancel-order`): the open order of `symbol` named by orderId
        (or, without one, clientOid) is cancelled and its identifiers returned; None when there is no such
        open order. `tpslType` must match the order's: a `tpsl` cancel finds only tpsl orders (placed through
        `POST /mock/orders`), a normal one only normal orders."""
        with self._lock:
            if "orderId" in body:
                order = self._by_id.get((uid, body["orderId"]))
            else:
                order = self._by_client_oid.get((uid, body["clientOid"]))
            if order is None or not order.is_open or order.symbol != body.get("symbol", order.symbol):
                return None  # a tpsl cancel may leave the symbol out (Bitget's table); given, it must match
            if order.tpsl_type != body.get("tpslType", "normal"):
                return None
            order.change("cancelled", cancel_reason="normal_cancel")
            return {"orderId": order.order_id, "clientOid": order.client_oid or ""}

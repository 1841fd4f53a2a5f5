"""Open orders and the batch cancel semantics of the endpoint doc, per account (UID)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

NOT_FOUND = ("43001", "The order does not exist")
MIXED_IDENTIFIERS = ("40019", "Parameter orderId cannot be empty")
DUPLICATE_CODE = "40808"

# Bounded memory: seeding refuses to grow the book past this many orders (live + cancelled).
MAX_ORDERS = 2_000_000


@dataclass
class Order:
    order_id: str
    symbol: str
    client_oid: str | None
    status: str = "live"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"orderId": self.order_id, "symbol": self.symbol, "status": self.status}
        if self.client_oid is not None:
            out["clientOid"] = self.client_oid
        return out


class OrderBookFull(Exception):
    pass


class OrderBook:
    """All orders of all accounts. Thread-safe: the control API and tests may touch it off the event loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1_100_000_000_000)
        self._by_id: dict[tuple[str, str], Order] = {}  # (uid, orderId)
        self._by_client_oid: dict[tuple[str, str], Order] = {}  # (uid, clientOid)

    def reset(self) -> None:
        with self._lock:
            self._by_id.clear()
            self._by_client_oid.clear()

    def add(self, uid: str, specs: Iterable[tuple[str, str | None]]) -> list[Order]:
        """Create live orders from (symbol, clientOid or None); clientOids must be unique per account."""
        specs = list(specs)
        with self._lock:
            if len(self._by_id) + len(specs) > MAX_ORDERS:
                raise OrderBookFull(f"the mock holds at most {MAX_ORDERS} orders; POST /mock/reset first")
            seen: set[str] = set()
            for _, c in specs:
                if c is None:
                    continue
                if c in seen or (uid, c) in self._by_client_oid:
                    raise ValueError(f"clientOid {c!r} already exists")
                seen.add(c)
            created = []
            for symbol, client_oid in specs:
                order = Order(str(next(self._ids)), symbol, client_oid)
                self._by_id[(uid, order.order_id)] = order
                if client_oid is not None:
                    self._by_client_oid[(uid, client_oid)] = order
                created.append(order)
            return created

    def select(self, uid: str, symbol: str | None = None, status: str | None = None) -> list[Order]:
        with self._lock:
            return [
                o
                for (owner, _), o in self._by_id.items()
                if owner == uid and (symbol is None or o.symbol == symbol) and (status is None or o.status == status)
            ]

    def batch_cancel(self, uid: str, body: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
        """Apply one validated batch; returns `{"successList": [...], "failureList": [...]}`.

        * single mode: the top-level symbol applies to every item, item symbols are ignored;
          multiple mode: each item's own symbol applies.
        * If any item carries an orderId, items that carry only a clientOid fail (the doc's "do not mix" rule).
        * An item with both identifiers is matched by orderId.
        * The same order named twice in a batch: the first occurrence is processed, later ones fail as duplicates.
        * An unknown, already cancelled, or other-symbol order fails with 43001.
        """
        multiple = body.get("batchMode", "single") == "multiple"
        items: list[dict[str, str]] = body["orderList"]
        by_order_id = any("orderId" in item for item in items)
        success: list[dict[str, str]] = []
        failure: list[dict[str, str]] = []
        seen: set[tuple[str, str]] = set()
        with self._lock:
            for item in items:
                symbol = item["symbol"] if multiple else body["symbol"]
                echo: dict[str, str] = {k: item[k] for k in ("orderId", "clientOid") if k in item}
                if by_order_id and "orderId" not in item:
                    failure.append({**echo, "errorMsg": MIXED_IDENTIFIERS[1], "errorCode": MIXED_IDENTIFIERS[0]})
                    continue
                key = ("orderId", item["orderId"]) if by_order_id else ("clientOid", item["clientOid"])
                if key in seen:
                    label = "orderId" if by_order_id else "clientOrderId"
                    failure.append({**echo, "errorMsg": f"duplicate {label}", "errorCode": DUPLICATE_CODE})
                    continue
                seen.add(key)
                index = self._by_id if by_order_id else self._by_client_oid
                order = index.get((uid, key[1]))
                if order is None or order.status != "live" or order.symbol != symbol:
                    failure.append({**echo, "errorMsg": NOT_FOUND[1], "errorCode": NOT_FOUND[0]})
                    continue
                order.status = "cancelled"
                success.append({"orderId": order.order_id, "clientOid": order.client_oid or ""})
        return {"successList": success, "failureList": failure}

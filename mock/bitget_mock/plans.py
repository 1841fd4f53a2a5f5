"""Spot plan (trigger) orders: kept apart from the ordinary orders, as on Bitget (`unfilled-orders` does
not list them, `batch-cancel-order` does not cancel them), listed by `current-plan-order` and
`history-plan-order`, cancelled by `cancel-plan-order` and `batch-cancel-plan-order`; a trigger
(`POST /mock/trigger`) fires one: it becomes `executed` and places an ordinary live order."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .orders import OrderBook, OrderSpec

OPEN_PLAN = frozenset({"live"})
ENDED_PLAN = frozenset({"executed", "fail_execute", "cancelled"})


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class PlanOrder:
    uid: str
    order_id: str
    symbol: str
    client_oid: str | None
    size: str = "1"
    trigger_price: str = "100"
    execute_price: str = "100"
    side: str = "buy"
    status: str = "live"
    c_time: int = field(default_factory=_now_ms)
    u_time: int = field(default_factory=_now_ms)

    def as_api(self) -> dict[str, Any]:
        return {
            "orderId": self.order_id,
            "clientOid": self.client_oid if self.client_oid is not None else "",
            "symbol": self.symbol,
            "size": self.size,
            "executePrice": self.execute_price,
            "triggerPrice": self.trigger_price,
            "status": self.status,
            "orderType": "limit",
            "side": self.side,
            "planType": "amount",
            "triggerType": "fill_price",
            "enterPointSource": "API",
            "uTime": str(self.u_time),
            "cTime": str(self.c_time),
        }

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"orderId": self.order_id, "symbol": self.symbol, "status": self.status}
        if self.client_oid is not None:
            out["clientOid"] = self.client_oid
        return out


class PlanBook:
    """Every account's plan orders; ids from the order book's sequence (one id space, as on Bitget)."""

    def __init__(self, orders: OrderBook) -> None:
        self._orders = orders
        self._lock = threading.Lock()
        self._by_uid: dict[str, list[PlanOrder]] = {}

    def reset(self) -> None:
        with self._lock:
            self._by_uid.clear()

    def add(self, uid: str, symbol: str, count: int, client_oids: Iterable[str | None]) -> list[PlanOrder]:
        created = []
        with self._lock:
            own = self._by_uid.setdefault(uid, [])
            for _, coid in zip(range(count), client_oids, strict=False):
                plan = PlanOrder(uid, self._orders.next_id(), symbol, coid)
                own.append(plan)
                created.append(plan)
        return created

    def symbols(self) -> set[str]:
        with self._lock:
            return {p.symbol for own in self._by_uid.values() for p in own}

    def select(self, uid: str, symbol: str | None = None, status: str | None = None) -> list[PlanOrder]:
        with self._lock:
            return [
                p
                for p in self._by_uid.get(uid, [])
                if (symbol is None or p.symbol == symbol) and (status is None or p.status == status)
            ]

    def page(
        self,
        uid: str,
        statuses: frozenset[str],
        *,
        symbol: str | None,
        id_less_than: str | None,
        limit: int,
        start_time: int | None,
        end_time: int | None,
    ) -> tuple[list[PlanOrder], bool]:
        """Newest first, after `id_less_than`; and whether more follow."""
        if id_less_than is not None and not (id_less_than.isascii() and id_less_than.isdigit()):
            return [], False  # no orderId is below a cursor that is not one
        with self._lock:
            found = []
            for p in reversed(self._by_uid.get(uid, [])):
                if p.status not in statuses or (symbol is not None and p.symbol != symbol):
                    continue
                if id_less_than is not None and int(p.order_id) >= int(id_less_than):
                    continue
                if (start_time is not None and p.c_time < start_time) or (end_time is not None and p.c_time > end_time):
                    continue
                found.append(p)
                if len(found) > limit:
                    break
            return found[:limit], len(found) > limit

    def cancel_one(self, uid: str, order_id: str | None, client_oid: str | None) -> str | None:
        """None when cancelled; else the error code (43025 no such plan order, 43026 already ended)."""
        with self._lock:
            for p in self._by_uid.get(uid, []):
                if (order_id is not None and p.order_id == order_id) or (
                    order_id is None and p.client_oid == client_oid
                ):
                    if p.status not in OPEN_PLAN:
                        return "43026"
                    p.status, p.u_time = "cancelled", _now_ms()
                    return None
            return "43025"

    def cancel_symbols(self, uid: str, symbols: list[str] | None) -> list[PlanOrder]:
        """Cancel the open plan orders of `symbols` (None: all); the ones cancelled."""
        with self._lock:
            done = []
            for p in self._by_uid.get(uid, []):
                if p.status in OPEN_PLAN and (symbols is None or p.symbol in symbols):
                    p.status, p.u_time = "cancelled", _now_ms()
                    done.append(p)
            return done

    def trigger(self, uid: str, order_id: str | None, symbol: str | None) -> list[PlanOrder]:
        """Fire open plan orders (by orderId, or every one of `symbol`, or all): each is `executed` and
        places a live ordinary order of its symbol, side, size and execute price."""
        with self._lock:
            fired = [
                p
                for p in self._by_uid.get(uid, [])
                if p.status in OPEN_PLAN
                and (order_id is None or p.order_id == order_id)
                and (symbol is None or p.symbol == symbol)
            ]
            for p in fired:
                p.status, p.u_time = "executed", _now_ms()
        self._orders.add(uid, [OrderSpec(p.symbol, None, p.execute_price, p.size, p.side) for p in fired])
        return fired

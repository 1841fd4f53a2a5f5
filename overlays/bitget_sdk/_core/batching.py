"""From any number of orders to valid batches: <= 50 each, one identifier kind each, one request body each.

Mode choice ("auto", the default): orders of one symbol go out in `single` mode, Bitget's default
and simplest form. Orders spread over several symbols go out in `multiple` mode, which packs up
to 50 orders of any symbols into one request: under a limit of 10 requests per second, fewer,
fuller requests are what makes a bulk cancel fast (e.g. 10 symbols x 5 orders = 1 request, not 10).
Identifier kinds are never mixed in one batch, because Bitget then fails the clientOid-only orders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any, Literal, NamedTuple, TypedDict

import attrs

from .errors import BatchValidationError
from .validation import MAX_BATCH, as_item, check_string

BatchModeOption = Literal["auto", "single", "multiple"]


class OrderItem(TypedDict, total=False):
    """One order to cancel, in the contract's names: `symbol` and `orderId` or `clientOid`."""

    symbol: str
    orderId: str
    clientOid: str


class OrderRef(NamedTuple):
    """One order to cancel, as the caller gave it; `position` is its place in the input.

    A NamedTuple rather than an attrs class: bulk cancels make tens of thousands of these.
    """

    position: int
    symbol: str
    order_id: str | None
    client_oid: str | None

    @property
    def kind(self) -> str:
        return "orderId" if self.order_id is not None else "clientOid"

    @property
    def ident(self) -> str:
        value = self.order_id if self.order_id is not None else self.client_oid
        assert value is not None
        return value


@attrs.frozen(eq=False)
class Batch:
    """Up to 50 orders of one identifier kind, sent in one request.

    `orders` (the constructor's fourth argument) holds their OrderRefs. A batch of a plain id list
    (`plan`) holds only its ids and its first order's position instead, and makes the OrderRefs each
    time `orders` is read: 5,000 orders kept as OrderRefs for a whole run are 5,000 objects the garbage
    collector tracks, and 20 accounts' 100,000 set off full collections (60-150 ms each, every thread
    stopped) before any of them had sent a request. Equal batches are equal whichever way they hold
    their orders.
    """

    mode: Literal["single", "multiple"]
    symbol: str | None
    kind: str
    refs: tuple[OrderRef, ...] = attrs.field(default=(), alias="orders")
    ids: tuple[str, ...] = ()
    first: int = 0

    @property
    def orders(self) -> tuple[OrderRef, ...]:
        if not self.ids:
            return self.refs
        ids, symbol = self.ids, self.symbol
        oids, coids = (ids, repeat(None)) if self.kind == "orderId" else (repeat(None), ids)
        rows = zip(range(self.first, self.first + len(ids)), repeat(symbol), oids, coids)
        return tuple(map(tuple.__new__, repeat(OrderRef), rows))

    @property
    def size(self) -> int:
        return len(self.ids) or len(self.refs)

    @property
    def symbols(self) -> set[str]:
        """The symbols of its orders."""
        return {self.symbol} if self.ids and self.symbol is not None else {o.symbol for o in self.refs}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Batch):
            return NotImplemented
        return (self.mode, self.symbol, self.kind, self.orders) == (other.mode, other.symbol, other.kind, other.orders)

    def __hash__(self) -> int:
        return hash((self.mode, self.symbol, self.kind, self.orders))

    def body(self) -> dict[str, Any]:
        """The request body for this batch, as the contract's BatchCancelRequest serializes it.

        Only this batch's identifier kind is sent. Built as a plain dict because it is already valid by
        construction; tests check it equals `BatchCancelRequest.from_dict(body).to_dict()`.
        """
        if self.ids and self.mode == "single":
            kind = self.kind
            return {"symbol": self.symbol, "batchMode": "single", "orderList": [{kind: i} for i in self.ids]}
        if self.mode == "multiple":
            items = [{"symbol": o.symbol, self.kind: o.ident} for o in self.orders]
            return {"batchMode": "multiple", "orderList": items}
        return {"symbol": self.symbol, "batchMode": "single", "orderList": [{self.kind: o.ident} for o in self.orders]}


def _ids(values: Any, name: str) -> list[str]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise BatchValidationError(name, f"must be a list of strings, not {type(values).__name__}")
    return [check_string(v, f"{name}[{i}]", i) for i, v in enumerate(values)]


def _plain_ids(values: Any) -> list[str] | None:
    """The common input, checked in a few whole-list passes: a list of distinct, non-empty ASCII `str`s.

    An incident cancels thousands of ids per account, and every millisecond spent here is spent before
    the first request goes out (20 accounts planned on one GIL: ~10 ms each item by item). None for
    anything else, which the per-item check then names (the index of the bad or duplicate id).
    """
    if type(values) is not list or not values:
        return None
    unique = set(values) if set(map(type, values)) == {str} else None
    if unique is None or len(unique) != len(values) or "" in unique or not "".join(values).isascii():
        return None
    return values


def _refs(symbol: str, values: list[str], kind: str) -> list[OrderRef]:
    """OrderRefs of plain ids, built without a Python-level call per order."""
    oids, coids = (values, repeat(None)) if kind == "orderId" else (repeat(None), values)
    rows = zip(range(len(values)), repeat(symbol), oids, coids)
    return list(map(tuple.__new__, repeat(OrderRef), rows))


def collect_orders(
    symbol: str | None = None,
    order_ids: Iterable[str] | None = None,
    client_oids: Iterable[str] | None = None,
    orders: Iterable[Mapping[str, Any]] | None = None,
) -> list[OrderRef]:
    """Validate and flatten the three input forms; raises BatchValidationError before any I/O."""
    if order_ids is None and client_oids is None and orders is None:
        raise BatchValidationError("orders", "give order_ids, client_oids or orders")
    if symbol is not None:
        check_string(symbol, "symbol")
        if orders is None and (order_ids is None) != (client_oids is None):
            kind = "orderId" if order_ids is not None else "clientOid"
            plain = _plain_ids(order_ids if order_ids is not None else client_oids)
            if plain is not None:
                return _refs(symbol, plain, kind)
    refs: list[OrderRef] = []
    n_ids = 0
    for name, values in (("order_ids", order_ids), ("client_oids", client_oids)):
        if values is None:
            continue
        if symbol is None:
            raise BatchValidationError("symbol", f"required with {name}")
        for v in _ids(values, name):
            oid, coid = (v, None) if name == "order_ids" else (None, v)
            refs.append(OrderRef(len(refs), symbol, oid, coid))
        if name == "order_ids":
            n_ids = len(refs)
    flat = len(refs)
    if orders is not None:
        if isinstance(orders, str | bytes | Mapping) or not isinstance(orders, Iterable):
            raise BatchValidationError("orders", f"must be a list of dicts, not {type(orders).__name__}")
        for i, raw in enumerate(orders):
            refs.append(_order_ref(raw, i, len(refs), symbol))
    if not refs:
        raise BatchValidationError("orders", "no orders to cancel")
    _reject_duplicates(refs, _namer(n_ids, flat))
    return refs


def _namer(n_ids: int, flat: int) -> Callable[[OrderRef], tuple[str, int]]:
    """Names an order by the argument it came from (`order_ids[2]`, `orders[0].clientOid`) and its index there."""

    def name(ref: OrderRef) -> tuple[str, int]:
        p = ref.position
        if p < n_ids:
            return f"order_ids[{p}]", p
        if p < flat:
            return f"client_oids[{p - n_ids}]", p - n_ids
        return f"orders[{p - flat}].{ref.kind}", p - flat

    return name


def _order_ref(raw: Any, i: int, index: int, default_symbol: str | None) -> OrderRef:
    where = f"orders[{i}]"
    raw = as_item(raw, where, i)
    sym = raw.get("symbol", default_symbol)
    if sym is None:
        raise BatchValidationError(f"{where}.symbol", "required (or pass symbol= for all orders)", i)
    sym = check_string(sym, f"{where}.symbol", i)
    if "orderId" not in raw and "clientOid" not in raw:
        raise BatchValidationError(where, "either orderId or clientOid is required", i)
    # A present key must hold a non-empty string: None is not "absent" in the contract.
    oid = check_string(raw["orderId"], f"{where}.orderId", i) if "orderId" in raw else None
    coid = check_string(raw["clientOid"], f"{where}.clientOid", i) if "clientOid" in raw else None
    return OrderRef(index, sym, oid, coid)


def _reject_duplicates(refs: Sequence[OrderRef], name: Callable[[OrderRef], tuple[str, int]]) -> None:
    """The same order twice would be cancelled once and fail once: ambiguous for the report, so refused."""
    seen: dict[tuple[str, str], OrderRef] = {}
    for ref in refs:
        key = (ref.kind, ref.ident)
        first = seen.get(key)
        if first is not None:
            field, index = name(ref)
            raise BatchValidationError(
                field,
                f"duplicate of {name(first)[0]} ({ref.kind} {ref.ident!r}); each order may be given once",
                index,
            )
        seen[key] = ref


def plan_batches(refs: Sequence[OrderRef], batch_mode: BatchModeOption = "auto") -> list[Batch]:
    if batch_mode not in ("auto", "single", "multiple"):
        raise BatchValidationError("batch_mode", f"must be auto, single or multiple, not {batch_mode!r}")
    single = _single_symbol_kind(refs) if batch_mode != "multiple" else None
    if single is not None:  # the common case: no grouping or sorting by symbol needed
        symbol, kind = single
        ordered = sorted(refs, key=itemgetter(0))
        return [
            Batch("single", symbol, kind, tuple(ordered[start : start + MAX_BATCH]))
            for start in range(0, len(ordered), MAX_BATCH)
        ]
    batches: list[Batch] = []
    for kind in ("orderId", "clientOid"):
        group = sorted((r for r in refs if r.kind == kind), key=lambda r: (r.symbol, r.position))
        if not group:
            continue
        symbols = {r.symbol for r in group}
        mode = batch_mode if batch_mode != "auto" else ("single" if len(symbols) == 1 else "multiple")
        if mode == "multiple":
            for start in range(0, len(group), MAX_BATCH):
                batches.append(Batch("multiple", None, kind, tuple(group[start : start + MAX_BATCH])))
            continue
        for sym, same_symbol in groupby(group, key=lambda r: r.symbol):
            chunk = list(same_symbol)
            for start in range(0, len(chunk), MAX_BATCH):
                batches.append(Batch("single", sym, kind, tuple(chunk[start : start + MAX_BATCH])))
    # Send symbol after symbol (both kinds of a symbol together, packing kept): each symbol's batches
    # then end early in a long run, so settling can read a symbol back while the next ones are cancelled.
    rank = {s: n for n, s in enumerate(sorted({r.symbol for r in refs}))}
    return sorted(batches, key=lambda b: rank[b.orders[-1].symbol])


def plan(
    symbol: str | None = None,
    order_ids: Iterable[str] | None = None,
    client_oids: Iterable[str] | None = None,
    orders: Iterable[Mapping[str, Any]] | None = None,
    batch_mode: BatchModeOption = "auto",
) -> list[Batch]:
    """`collect_orders` then `plan_batches`; a plain list of ids of one symbol (the incident's input)
    goes into batches of ids without an OrderRef per order (see `Batch`). Same checks, same errors."""
    if (
        symbol is not None
        and orders is None
        and (order_ids is None) != (client_oids is None)
        and batch_mode in ("auto", "single")
    ):
        check_string(symbol, "symbol")
        kind = "orderId" if order_ids is not None else "clientOid"
        plain = _plain_ids(order_ids if order_ids is not None else client_oids)
        if plain is not None:
            return [
                Batch("single", symbol, kind, ids=tuple(plain[start : start + MAX_BATCH]), first=start)
                for start in range(0, len(plain), MAX_BATCH)
            ]
    refs = collect_orders(symbol=symbol, order_ids=order_ids, client_oids=client_oids, orders=orders)
    return plan_batches(refs, batch_mode)


def _single_symbol_kind(refs: Sequence[OrderRef]) -> tuple[str, str] | None:
    """(symbol, identifier kind) if every order has the same of both, else None (checked in C loops)."""
    symbols = set(map(itemgetter(1), refs))
    if len(symbols) != 1:
        return None
    order_ids = set(map(itemgetter(2), refs))
    if None not in order_ids:
        return symbols.pop(), "orderId"
    if order_ids == {None}:
        return symbols.pop(), "clientOid"
    return None

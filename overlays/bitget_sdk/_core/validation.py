"""Reject, before any network I/O, every batch the contract (schema + `x-batch-rules`) says Bitget would reject.

The generated models check no constraints (minItems, minLength, if/then/else), so these rules are
written here once; tests/test_sdk_validation.py proves with Hypothesis that this module accepts
exactly what the contract's JSON Schema accepts, minus mixed-identifier batches (the
`no-mixed-identifiers` rule, which Bitget answers with per-order failures rather than a 400).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bitget_api import facts
from bitget_api.models import BatchCancelOrderItem

from .errors import BatchValidationError

MAX_BATCH = facts.BATCH_MAX_ORDERS
BATCH_MODES = facts.BATCH_MODES
ITEM_KEYS = ("symbol", "orderId", "clientOid")
_ITEM_KEY_SET = frozenset(ITEM_KEYS)


def as_item(raw: Any, where: str, index: int) -> dict[str, Any]:
    """An order as the contract's dict (from a mapping or the generated item model), unknown keys refused."""
    if isinstance(raw, BatchCancelOrderItem):
        return raw.to_dict()
    if not isinstance(raw, Mapping):
        raise BatchValidationError(where, f"must be a dict or BatchCancelOrderItem, not {type(raw).__name__}", index)
    unknown = [k for k in raw if k not in ITEM_KEYS]
    if unknown:
        raise BatchValidationError(f"{where}.{unknown[0]}", f"unknown field (allowed: {', '.join(ITEM_KEYS)})", index)
    return dict(raw)


def check_string(value: Any, field: str, index: int | None = None, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise BatchValidationError(field, f"must be a string, not {type(value).__name__}", index)
    if not value and not allow_empty:
        raise BatchValidationError(field, "must not be empty", index)
    if not value.isascii():
        check_encodable(value, field, index)
    return value


def check_encodable(value: str, field: str, index: int | None = None) -> None:
    """JSON is UTF-8: a lone surrogate cannot be sent, and would fail at send time after other batches went out."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise BatchValidationError(
            field, f"character {e.start} ({value[e.start]!r}) is not valid Unicode text (a lone surrogate)", index
        ) from None


def _plainly_valid(raw: Any, need_symbol: bool) -> bool:
    """The common case, checked in a few operations: a dict of non-empty strings with an identifier.

    Anything else takes the slow path, which finds and names the problem.
    """
    if type(raw) is not dict or not raw.keys() <= _ITEM_KEY_SET:
        return False
    for key, value in raw.items():
        if type(value) is not str or (not value and (need_symbol or key != "symbol")) or not value.isascii():
            return False
    return ("orderId" in raw or "clientOid" in raw) and (not need_symbol or "symbol" in raw)


def plain_items(order_list: Any) -> list[dict[str, str]] | None:
    """The common single-mode batch, checked in a few passes over the whole list rather than item by item:
    a list of 1 to 50 dicts each holding only `orderId` (or each only `clientOid`), a non-empty ASCII string.
    Copies of them; None for anything else, which `normalize_item` then checks (and names the problem).
    """
    if type(order_list) is not list or not 0 < len(order_list) <= MAX_BATCH:
        return None
    first = order_list[0]
    if type(first) is not dict or len(first) != 1:
        return None
    key = next(iter(first))
    if key != "orderId" and key != "clientOid":
        return None
    if set(map(type, order_list)) != {dict} or set(map(len, order_list)) != {1}:
        return None
    try:
        values = list(map(operator.itemgetter(key), order_list))
    except KeyError:  # an item with the other identifier: a mixed batch, named by the slow path
        return None
    if set(map(type, values)) != {str} or not all(values) or not "".join(values).isascii():
        return None
    return [{key: value} for value in values]


def normalize_item(raw: Any, index: int, *, need_symbol: bool) -> dict[str, str]:
    """One `orderList` item as the contract's dict, or BatchValidationError naming the field."""
    if _plainly_valid(raw, need_symbol):
        return dict(raw)
    where = f"orderList[{index}]"
    item = as_item(raw, where, index)
    if "orderId" not in item and "clientOid" not in item:
        raise BatchValidationError(where, "either orderId or clientOid is required", index)
    for key in ("orderId", "clientOid"):
        if key in item:
            check_string(item[key], f"{where}.{key}", index)
    if "symbol" in item:
        check_string(item["symbol"], f"{where}.symbol", index, allow_empty=not need_symbol)
    elif need_symbol:
        raise BatchValidationError(f"{where}.symbol", "required in multiple mode", index)
    return item


def validate_batch(symbol: Any, batch_mode: Any, order_list: Any) -> dict[str, Any]:
    """A valid request body for one batch, or BatchValidationError. Mirrors BatchCancelRequest in the contract."""
    if batch_mode is not None and batch_mode not in BATCH_MODES:
        raise BatchValidationError("batchMode", f"must be one of {', '.join(BATCH_MODES)}, not {batch_mode!r}")
    multiple = batch_mode == "multiple"
    if symbol is not None:
        check_string(symbol, "symbol", allow_empty=multiple)
    elif not multiple:
        raise BatchValidationError("symbol", "required in single mode (the default)")
    if isinstance(order_list, str | bytes) or not isinstance(order_list, Sequence | Iterable):
        raise BatchValidationError("orderList", f"must be a list, not {type(order_list).__name__}")
    items = None if multiple else plain_items(order_list)  # one identifier kind, 1 to 50 orders
    if items is None:
        items = slow_items(order_list, multiple)
    body: dict[str, Any] = {}
    if symbol is not None:
        body["symbol"] = symbol
    if batch_mode is not None:
        body["batchMode"] = batch_mode
    body["orderList"] = items
    return body


def slow_items(order_list: Any, multiple: bool) -> list[dict[str, str]]:
    """Every item checked on its own (the first bad field named), then the batch's size and identifiers."""
    items = [normalize_item(raw, i, need_symbol=multiple) for i, raw in enumerate(order_list)]
    if not items:
        raise BatchValidationError("orderList", "must contain at least 1 order")
    if len(items) > MAX_BATCH:
        raise BatchValidationError(
            "orderList", f"at most {MAX_BATCH} orders per request, got {len(items)} (cancel_orders splits for you)"
        )
    check_identifiers_not_mixed(items)
    return items


def check_identifiers_not_mixed(items: Sequence[Mapping[str, Any]]) -> None:
    by_order_id = [i for i, item in enumerate(items) if "orderId" in item]
    client_only = [i for i, item in enumerate(items) if "orderId" not in item]
    if by_order_id and client_only:
        i = client_only[0]
        raise BatchValidationError(
            f"orderList[{i}].orderId",
            f"this batch identifies orders {by_order_id[0]} by orderId and {i} only by clientOid; Bitget would fail "
            "the clientOid-only orders. Use one kind of identifier per batch (cancel_orders splits for you)",
            i,
        )

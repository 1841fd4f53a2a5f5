"""The contract's operations as the runtime core sees them: facts from the contract (generated
`bitget_api.facts`), the generated public request builder, and the generated response model.

Adding an operation to the contract and regenerating gives its facts, builder and model; one entry
here (and a method per client) makes it callable, signed, limited, retried and classified like the others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs

from bitget_api import facts, models
from bitget_api.api.public import get_server_time
from bitget_api.api.spot_trade import (
    batch_cancel_orders,
    cancel_order,
    cancel_symbol_orders,
    get_history_orders,
    get_order_info,
    get_unfilled_orders,
)
from bitget_api.models import (
    BatchCancelResponse,
    CancelOrderResponse,
    CancelSymbolResponse,
    OrderListResponse,
    ServerTimeResponse,
    UnfilledOrderListResponse,
)

from ._errors import BatchValidationError
from ._validation import check_encodable


class _Model(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Any: ...


def _is_list(data: Any) -> bool:
    return isinstance(data, list)


def _is_object(data: Any) -> bool:
    return isinstance(data, dict)


def _is_cancelled_order(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("orderId"), str) and bool(data["orderId"])


def _is_symbol_result(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("symbol"), str)


def is_batch_result(data: Any) -> bool:
    """Both lists present, as lists: anything less cannot say what happened to each order."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("successList"), list)
        and isinstance(data.get("failureList"), list)
    )


@attrs.frozen
class Operation:
    """One operation of the contract. `data_ok(payload["data"])` tells a complete success from one to distrust."""

    id: str
    method: str
    path: str
    signed: bool
    rate_limit: int
    rate_window_s: float
    rate_scope: str
    query: Mapping[str, Mapping[str, Any]]
    build: Callable[..., dict[str, Any]]
    model: type[_Model]
    data_ok: Callable[[Any], bool]

    @property
    def idempotent(self) -> bool:
        """Reads can be retried whatever happened to an attempt; a cancel only when its effect is tracked."""
        return self.method == "GET"

    def builder_args(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Checked parameters as the generated `build_request` takes them: those of an object parameter
        exploded into the query (the contract's `style: form, explode: true`, e.g. orderInfo's `order`)
        gathered into its generated model, the others as they are."""
        out: dict[str, Any] = {}
        objects: dict[str, tuple[str, dict[str, Any]]] = {}
        for key, value in params.items():
            rule = self.query.get(key)
            if rule is None or "object" not in rule:
                out[key] = value
            else:
                objects.setdefault(rule["object"], (rule["model"], {}))[1][rule["name"]] = value
        for name, (model, fields) in objects.items():
            out[name] = getattr(models, model).from_dict(fields)
        return out

    def check_query(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The given (non-None) query parameters, checked against the contract's constraints before any I/O."""
        out: dict[str, Any] = {}
        for key, value in params.items():
            if value is None:
                continue
            rule = self.query[key]
            if rule.get("type") == "integer":
                if type(value) is not int:
                    raise BatchValidationError(key, f"must be an int, not {type(value).__name__}")
                if "minimum" in rule and value < rule["minimum"]:
                    raise BatchValidationError(key, f"must be >= {rule['minimum']}, not {value}")
                if "maximum" in rule and value > rule["maximum"]:
                    raise BatchValidationError(key, f"must be <= {rule['maximum']}, not {value}")
            else:
                if not isinstance(value, str):
                    raise BatchValidationError(key, f"must be a string, not {type(value).__name__}")
                if len(value) < rule.get("minLength", 0):
                    raise BatchValidationError(key, "must not be empty")
                if len(value) > rule.get("maxLength", len(value)):
                    raise BatchValidationError(key, f"must be at most {rule['maxLength']} characters")
                check_encodable(value, key)
            out[key] = value
        return out


def _operation(
    op_id: str, build: Callable[..., dict[str, Any]], model: type[_Model], data_ok: Callable[[Any], bool]
) -> Operation:
    f = facts.OPERATIONS[op_id]
    return Operation(
        op_id,
        f["method"],
        f["path"],
        f["signed"],
        f["rate_limit"],
        f["rate_window_ms"] / 1000,
        f["rate_scope"],
        f["query"],
        build,
        model,
        data_ok,
    )


BATCH_CANCEL = _operation("batchCancelOrders", batch_cancel_orders.build_request, BatchCancelResponse, is_batch_result)
SERVER_TIME = _operation("getServerTime", get_server_time.build_request, ServerTimeResponse, _is_object)
ORDER_INFO = _operation("getOrderInfo", get_order_info.build_request, OrderListResponse, _is_list)
UNFILLED_ORDERS = _operation(
    "getUnfilledOrders", get_unfilled_orders.build_request, UnfilledOrderListResponse, _is_list
)
HISTORY_ORDERS = _operation("getHistoryOrders", get_history_orders.build_request, OrderListResponse, _is_list)
CANCEL_ORDER = _operation("cancelOrder", cancel_order.build_request, CancelOrderResponse, _is_cancelled_order)
CANCEL_SYMBOL = _operation(
    "cancelSymbolOrders", cancel_symbol_orders.build_request, CancelSymbolResponse, _is_symbol_result
)

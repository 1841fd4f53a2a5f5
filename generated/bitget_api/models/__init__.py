"""Contains all the data models used in inputs/outputs.

Each model's module is imported on first use (PEP 562 `__getattr__`): a command that parses three kinds
of answer should not pay, before its first request, for building every model class of the contract.
Type checkers see ordinary imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .batch_cancel_failure_item import BatchCancelFailureItem
    from .batch_cancel_order_item import BatchCancelOrderItem
    from .batch_cancel_plan_request import BatchCancelPlanRequest
    from .batch_cancel_plan_response import BatchCancelPlanResponse
    from .batch_cancel_plan_result import BatchCancelPlanResult
    from .batch_cancel_request import BatchCancelRequest
    from .batch_cancel_response import BatchCancelResponse
    from .batch_cancel_result import BatchCancelResult
    from .batch_cancel_success_item import BatchCancelSuccessItem
    from .batch_mode import BatchMode
    from .cancel_order_request import CancelOrderRequest
    from .cancel_order_request_tpsl_type import CancelOrderRequestTpslType
    from .cancel_order_response import CancelOrderResponse
    from .cancel_order_result import CancelOrderResult
    from .cancel_plan_order_request import CancelPlanOrderRequest
    from .cancel_plan_order_response import CancelPlanOrderResponse
    from .cancel_plan_order_result import CancelPlanOrderResult
    from .cancel_symbol_request import CancelSymbolRequest
    from .cancel_symbol_response import CancelSymbolResponse
    from .cancel_symbol_result import CancelSymbolResult
    from .error_response import ErrorResponse
    from .locale import Locale
    from .order import Order
    from .order_info_query import OrderInfoQuery
    from .order_list_response import OrderListResponse
    from .order_status import OrderStatus
    from .pap_trading import PapTrading
    from .plan_order import PlanOrder
    from .plan_order_failure import PlanOrderFailure
    from .plan_order_id import PlanOrderId
    from .plan_order_page import PlanOrderPage
    from .plan_order_page_response import PlanOrderPageResponse
    from .server_time import ServerTime
    from .server_time_response import ServerTimeResponse
    from .spot_symbol import SpotSymbol
    from .symbol_list_response import SymbolListResponse
    from .symbol_status import SymbolStatus
    from .unfilled_order import UnfilledOrder
    from .unfilled_order_list_response import UnfilledOrderListResponse

# Model name -> the module (relative to this package) that defines it.
_MODULES = {
    "BatchCancelFailureItem": ".batch_cancel_failure_item",
    "BatchCancelOrderItem": ".batch_cancel_order_item",
    "BatchCancelPlanRequest": ".batch_cancel_plan_request",
    "BatchCancelPlanResponse": ".batch_cancel_plan_response",
    "BatchCancelPlanResult": ".batch_cancel_plan_result",
    "BatchCancelRequest": ".batch_cancel_request",
    "BatchCancelResponse": ".batch_cancel_response",
    "BatchCancelResult": ".batch_cancel_result",
    "BatchCancelSuccessItem": ".batch_cancel_success_item",
    "BatchMode": ".batch_mode",
    "CancelOrderRequest": ".cancel_order_request",
    "CancelOrderRequestTpslType": ".cancel_order_request_tpsl_type",
    "CancelOrderResponse": ".cancel_order_response",
    "CancelOrderResult": ".cancel_order_result",
    "CancelPlanOrderRequest": ".cancel_plan_order_request",
    "CancelPlanOrderResponse": ".cancel_plan_order_response",
    "CancelPlanOrderResult": ".cancel_plan_order_result",
    "CancelSymbolRequest": ".cancel_symbol_request",
    "CancelSymbolResponse": ".cancel_symbol_response",
    "CancelSymbolResult": ".cancel_symbol_result",
    "ErrorResponse": ".error_response",
    "Locale": ".locale",
    "Order": ".order",
    "OrderInfoQuery": ".order_info_query",
    "OrderListResponse": ".order_list_response",
    "OrderStatus": ".order_status",
    "PapTrading": ".pap_trading",
    "PlanOrder": ".plan_order",
    "PlanOrderFailure": ".plan_order_failure",
    "PlanOrderId": ".plan_order_id",
    "PlanOrderPage": ".plan_order_page",
    "PlanOrderPageResponse": ".plan_order_page_response",
    "ServerTime": ".server_time",
    "ServerTimeResponse": ".server_time_response",
    "SpotSymbol": ".spot_symbol",
    "SymbolListResponse": ".symbol_list_response",
    "SymbolStatus": ".symbol_status",
    "UnfilledOrder": ".unfilled_order",
    "UnfilledOrderListResponse": ".unfilled_order_list_response",
}

if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        try:
            module = _MODULES[name]
        except KeyError:
            raise AttributeError(
                f"module {__name__!r} has no attribute {name!r}"
            ) from None
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULES})


__all__ = (
    "BatchCancelFailureItem",
    "BatchCancelOrderItem",
    "BatchCancelPlanRequest",
    "BatchCancelPlanResponse",
    "BatchCancelPlanResult",
    "BatchCancelRequest",
    "BatchCancelResponse",
    "BatchCancelResult",
    "BatchCancelSuccessItem",
    "BatchMode",
    "CancelOrderRequest",
    "CancelOrderRequestTpslType",
    "CancelOrderResponse",
    "CancelOrderResult",
    "CancelPlanOrderRequest",
    "CancelPlanOrderResponse",
    "CancelPlanOrderResult",
    "CancelSymbolRequest",
    "CancelSymbolResponse",
    "CancelSymbolResult",
    "ErrorResponse",
    "Locale",
    "Order",
    "OrderInfoQuery",
    "OrderListResponse",
    "OrderStatus",
    "PapTrading",
    "PlanOrder",
    "PlanOrderFailure",
    "PlanOrderId",
    "PlanOrderPage",
    "PlanOrderPageResponse",
    "ServerTime",
    "ServerTimeResponse",
    "SpotSymbol",
    "SymbolListResponse",
    "SymbolStatus",
    "UnfilledOrder",
    "UnfilledOrderListResponse",
)

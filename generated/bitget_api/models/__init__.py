"""Contains all the data models used in inputs/outputs"""

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

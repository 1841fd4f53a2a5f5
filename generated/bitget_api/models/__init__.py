"""Contains all the data models used in inputs/outputs"""

from .batch_cancel_failure_item import BatchCancelFailureItem
from .batch_cancel_order_item import BatchCancelOrderItem
from .batch_cancel_orders_locale import BatchCancelOrdersLocale
from .batch_cancel_orders_paptrading import BatchCancelOrdersPAPTRADING
from .batch_cancel_request import BatchCancelRequest
from .batch_cancel_response import BatchCancelResponse
from .batch_cancel_result import BatchCancelResult
from .batch_cancel_success_item import BatchCancelSuccessItem
from .batch_mode import BatchMode
from .error_response import ErrorResponse

__all__ = (
    "BatchCancelFailureItem",
    "BatchCancelOrderItem",
    "BatchCancelOrdersLocale",
    "BatchCancelOrdersPAPTRADING",
    "BatchCancelRequest",
    "BatchCancelResponse",
    "BatchCancelResult",
    "BatchCancelSuccessItem",
    "BatchMode",
    "ErrorResponse",
)

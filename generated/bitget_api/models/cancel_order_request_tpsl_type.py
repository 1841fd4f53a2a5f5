from typing import Literal

CancelOrderRequestTpslType = Literal["normal", "tpsl"]

CANCEL_ORDER_REQUEST_TPSL_TYPE_VALUES: set[CancelOrderRequestTpslType] = {
    "normal",
    "tpsl",
}


def check_cancel_order_request_tpsl_type(value: str) -> CancelOrderRequestTpslType:
    if value in CANCEL_ORDER_REQUEST_TPSL_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CANCEL_ORDER_REQUEST_TPSL_TYPE_VALUES!r}"
    )

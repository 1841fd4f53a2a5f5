from typing import Literal

BatchCancelOrdersPAPTRADING = Literal["1"]

BATCH_CANCEL_ORDERS_PAPTRADING_VALUES: set[BatchCancelOrdersPAPTRADING] = {
    "1",
}


def check_batch_cancel_orders_paptrading(value: str) -> BatchCancelOrdersPAPTRADING:
    if value in BATCH_CANCEL_ORDERS_PAPTRADING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {BATCH_CANCEL_ORDERS_PAPTRADING_VALUES!r}"
    )

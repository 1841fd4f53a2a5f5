from typing import Literal

OrderStatus = Literal["cancelled", "filled", "init", "live", "new", "partially_filled"]

ORDER_STATUS_VALUES: set[OrderStatus] = {
    "cancelled",
    "filled",
    "init",
    "live",
    "new",
    "partially_filled",
}


def check_order_status(value: str) -> OrderStatus:
    if value in ORDER_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ORDER_STATUS_VALUES!r}"
    )

from typing import Literal

BatchCancelOrdersLocale = Literal["en-US", "zh-CN"]

BATCH_CANCEL_ORDERS_LOCALE_VALUES: set[BatchCancelOrdersLocale] = {
    "en-US",
    "zh-CN",
}


def check_batch_cancel_orders_locale(value: str) -> BatchCancelOrdersLocale:
    if value in BATCH_CANCEL_ORDERS_LOCALE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {BATCH_CANCEL_ORDERS_LOCALE_VALUES!r}"
    )

from typing import Literal

BatchMode = Literal["multiple", "single"]

BATCH_MODE_VALUES: set[BatchMode] = {
    "multiple",
    "single",
}


def check_batch_mode(value: str) -> BatchMode:
    if value in BATCH_MODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {BATCH_MODE_VALUES!r}"
    )

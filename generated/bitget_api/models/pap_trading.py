from typing import Literal

PapTrading = Literal["1"]

PAP_TRADING_VALUES: set[PapTrading] = {
    "1",
}


def check_pap_trading(value: str) -> PapTrading:
    if value in PAP_TRADING_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PAP_TRADING_VALUES!r}"
    )
